"""Which SCORM runtime drives the preview: scorm-again from npm where it is installed, otherwise the
preview's own recording API (templates/preview/recording-api.js), which follows the SCORM 1.2 and 2004
data models and their limits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SCRIPTS = {"scorm12": "scorm12.js", "scorm2004": "scorm2004.js"}


@dataclass
class Runtime:
    name: str  # "scorm-again" | "builtin"
    version: str
    dist: Path | None  # scorm-again's dist/ folder

    def script(self, fmt: str) -> bytes | None:
        if self.dist is None or fmt not in SCRIPTS:
            return None
        path = self.dist / SCRIPTS[fmt]
        return path.read_bytes() if path.is_file() else None

    def describe(self) -> dict:
        return {"name": self.name, "version": self.version}


def _scorm_again_in(folder: Path) -> Runtime | None:
    for base in (folder, *folder.parents):
        package = base / "node_modules" / "scorm-again"
        dist = package / "dist"
        if all((dist / name).is_file() for name in SCRIPTS.values()):
            try:
                version = json.loads((package / "package.json").read_text(encoding="utf-8")).get("version", "")
            except (OSError, ValueError):
                version = ""
            return Runtime("scorm-again", str(version), dist)
    return None


def find_runtime(*near: Path, prefer: str = "auto") -> Runtime:
    """scorm-again from a node_modules/ in or above any of `near` (the course, the working folder, this
    checkout), unless `prefer` is "builtin"."""
    if prefer != "builtin":
        for folder in near:
            found = _scorm_again_in(Path(folder).resolve())
            if found:
                return found
    return Runtime("builtin", "", None)
