"""The stages import downwards only: source never imports build, writers, preview or commands; writers never
import source; the shared modules import no stage. Read from the code's imports (ast), so a new module that breaks
the order fails here."""

from __future__ import annotations

import ast

from conftest import ROOT

SHARED = {"model", "links", "errors", "ids", "xhtml", "xmlchars", "mathml", "render", "progress"}
HIGHER = {
    "source": ("build", "writers", "preview", "commands", "cli"),
    "writers": ("source", "build", "preview", "commands", "cli"),
    "shared": ("source", "writers", "build", "preview", "commands", "cli"),
}


def imports(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("exporter"):
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("exporter")}
    return found


def test_no_import_runs_upwards():
    wrong = []
    for path in sorted((ROOT / "exporter").rglob("*.py")):
        parts = path.relative_to(ROOT / "exporter").with_suffix("").parts
        stage = "shared" if len(parts) == 1 and parts[0] in SHARED else parts[0]
        for target in imports(path):
            segments = target.split(".")
            if len(segments) > 1 and segments[1] in HIGHER.get(stage, ()):
                wrong.append(f"{'/'.join(parts)}.py imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_package_map_names_every_package():
    doc = (ROOT / "exporter" / "__init__.py").read_text(encoding="utf-8")
    for package in sorted(p.name for p in (ROOT / "exporter").iterdir() if (p / "__init__.py").is_file()):
        assert f"{package}/" in doc, f"exporter/__init__.py's map does not name {package}/"
