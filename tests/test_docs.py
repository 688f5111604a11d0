"""The authors' guide cannot drift from the reader: every course fragment in docs/ is built here.

In docs/*.md and README.md, a fenced block whose info string holds `course` is a file of an example course (`file=NAME`;
default `page.md` for Markdown, `course.yml` for YAML; `encoding=latin-1` to write it in another encoding).
The course blocks under one heading make one course, in a folder named `my-course` (with `course.yml` saying
`title: My course` unless the example has its own settings file; a Markdown block without front matter is
given some, unless the example shows command output; settings shown alone are given a page). Then:

- a `console` block under the same heading lists commands (`$ exporter ...`, run in the folder that holds
  `my-course`) and, after each, exactly what it prints (`...` standing for any text);
- without one, the course must read with no error and no warning, and every format must build it without a
  warning;
- blocks marked `course fix` replace the files of the same name (`replaces=OLD`: the file it renames): the
  course must then check clean.

Every message the reader and the importer can give (each `report.error` and `report.warning` in exporter/) is in
the guides (format.md, import.md).
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from exporter.source.reader import read_course
from exporter.source.settings import SETTINGS_FILES
from exporter.writers import WRITERS, Options

DOCS = ROOT / "docs"
GUIDES = sorted(DOCS.glob("*.md")) + [ROOT / "README.md"]


@dataclass
class Block:
    line: int
    lang: str
    words: set[str]
    attrs: dict[str, str]
    text: str


@dataclass
class Section:
    doc: str
    heading: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def course(self) -> list[Block]:
        return [b for b in self.blocks if "course" in b.words and "fix" not in b.words]

    @property
    def fixes(self) -> list[Block]:
        return [b for b in self.blocks if "course" in b.words and "fix" in b.words]

    @property
    def consoles(self) -> list[Block]:
        return [b for b in self.blocks if b.lang == "console"]


def sections(path: Path) -> list[Section]:
    out = [Section(path.name, "(top)")]
    lines = path.read_text(encoding="utf-8").split("\n")
    n = 0
    while n < len(lines):
        fence = re.match(r"^(```+)(\S*)\s*(.*)$", lines[n])
        if fence:
            end = next(k for k in range(n + 1, len(lines)) if lines[k].startswith(fence.group(1))
                       and not lines[k].strip("`"))
            words = fence.group(3).split()
            attrs = dict(w.split("=", 1) for w in words if "=" in w)
            out[-1].blocks.append(Block(n + 1, fence.group(2), {w for w in words if "=" not in w}, attrs,
                                        "\n".join(lines[n + 1:end]) + "\n"))
            n = end + 1
            continue
        if lines[n].startswith("#"):
            out.append(Section(path.name, lines[n].lstrip("#").strip()))
        n += 1
    return out


ALL = [s for path in GUIDES for s in sections(path)]
EXAMPLES = [s for s in ALL if s.course]


def file_name(block: Block) -> str:
    return block.attrs.get("file") or ("course.yml" if block.lang == "yaml" else "page.md")


def write(folder: Path, blocks: list[Block], whole_pages: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for serial, block in enumerate(blocks):
        text = block.text
        if block.lang == "markdown" and not whole_pages and not text.startswith("---"):
            text = f"---\ntitle: Example {serial}\nserial: {serial}\n---\n{text}"
        target = folder / file_name(block)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode(block.attrs.get("encoding", "utf-8")))
    if not any((folder / name).exists() for name in SETTINGS_FILES):
        (folder / "course.yml").write_text("title: My course\n", encoding="utf-8")
    if not whole_pages and not any(b.lang == "markdown" for b in blocks):  # settings alone: give them a page
        (folder / "page.md").write_text("---\ntitle: A page\nserial: 1\n---\nText.\n", encoding="utf-8")


def test_the_guides_exist_and_hold_examples():
    assert {p.name for p in GUIDES} >= {"format.md", "moodle.md", "canvas.md"}
    assert len(EXAMPLES) >= 30


def test_the_readme_links_to_the_guides_and_stays_in_the_project():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for guide in ("docs/format.md", "docs/moodle.md", "docs/canvas.md"):
        assert f"]({guide})" in readme
    for path in GUIDES:
        assert "../shared" not in path.read_text(encoding="utf-8"), f"{path.name} names a path outside the project"
        prose = re.sub(r"```.*?```|`[^`\n]*`", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        for target in re.findall(r"\]\(([^)\s]+)", prose):
            if not re.match(r"^(https?:|#)", target):
                linked = (path.parent / target.split("#")[0]).resolve()
                assert linked.is_relative_to(ROOT), f"{path.name} links outside the project: {target}"
                assert linked.exists(), f"{path.name}: {target} does not exist"


@pytest.mark.parametrize("section", ALL, ids=lambda s: f"{s.doc}#{s.heading}")
def test_every_markdown_and_yaml_block_is_checked(section):
    for block in section.blocks:
        if block.lang in ("markdown", "md", "yaml", "yml", "toml"):
            assert "course" in block.words, f"{section.doc}:{block.line}: mark it `course` (see tests/test_docs.py)"
        if block.lang == "console":
            assert section.course, f"{section.doc}:{block.line}: a console block needs the course it runs on"


@pytest.mark.parametrize("section", EXAMPLES, ids=lambda s: f"{s.doc}#{s.heading}")
def test_example(section, tmp_path):
    names = [file_name(b) for b in section.course]
    assert len(names) == len(set(names)), f"{section.doc}: name the files of '{section.heading}' (file=...)"
    folder = tmp_path / "my-course"
    write(folder, section.course, whole_pages=bool(section.consoles))
    if section.consoles:
        for console in section.consoles:
            for command, expected in commands(console.text):
                r = run_cli(*command, cwd=tmp_path)
                got = (r.stderr + r.stdout).splitlines()
                assert len(got) == len(expected) and all(map(matches, expected, got)), \
                    f"{section.doc}:{console.line} `{shlex.join(command)}` prints:\n" + "\n".join(got)
                assert "Traceback" not in r.stderr
    else:
        course, report = read_course(folder)
        assert not report.warnings, report.warnings
        for fmt, writer in WRITERS.items():
            assert writer().write(course, Options()).warnings == [], fmt
    if section.fixes:
        for block in section.fixes:
            (folder / file_name(block)).write_bytes(block.text.encode("utf-8"))
            if "replaces" in block.attrs:
                (folder / block.attrs["replaces"]).unlink()
        r = run_cli("check", folder)
        assert r.returncode == 0, r.stderr
        assert " warning: " not in r.stderr, r.stderr


def matches(expected: str, line: str) -> bool:
    """`...` in an expected line stands for any text (a size in bytes, say)."""
    return re.fullmatch(".*?".join(map(re.escape, expected.split("..."))), line) is not None


def commands(text: str) -> list[tuple[list[str], list[str]]]:
    out: list[tuple[list[str], list[str]]] = []
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            words = shlex.split(line[2:])
            assert words[0] == "exporter"
            out.append((words[1:], []))
        else:
            out[-1][1].append(line)
    return out


def messages() -> list[tuple[str, int, str]]:
    """(file, line, the longest literal piece) of every report.error / report.warning message in exporter/."""
    found = []
    for path in sorted((ROOT / "exporter").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("error", "warning") and "report" in ast.unparse(node.func.value)
                    and len(node.args) >= 3):
                piece = max(literal_pieces(node.args[2]), key=len)
                if piece.strip():  # a message held in a variable is checked where it is written
                    found.append((path.name, node.lineno, piece))
    return found


def literal_pieces(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [p for v in node.values for p in literal_pieces(v)]
    if isinstance(node, ast.BinOp):
        return literal_pieces(node.left) + literal_pieces(node.right)
    if isinstance(node, ast.IfExp):
        return literal_pieces(node.body) + literal_pieces(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [p for v in node.values for p in literal_pieces(v)]
    return [""]


def test_every_message_is_in_the_guide():
    guide = " ".join(" ".join((DOCS / name).read_text(encoding="utf-8") for name in ("format.md", "import.md")).split())
    found = messages()
    assert len(found) >= 30
    missing = [f"{f}:{n}: {piece!r}" for f, n, piece in found if " ".join(piece.split()).strip() not in guide]
    assert not missing, "messages the guide does not show:\n" + "\n".join(missing)
