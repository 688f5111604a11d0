"""`exporter new DIR`: a small working course to start from (templates/scaffold/, shipped as package data)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from exporter.errors import UsageError
from exporter.ids import slug
from exporter.render import templates_dir

SETTINGS = "course.yml"  # the one file with the new course's title and identifier filled in


def create(folder: Path) -> list[str]:
    """Write the scaffold into `folder` (missing or empty); returns the files written, relative to it.
    The files are written into a temporary folder beside it first, then moved into place."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file: give exporter new the name of a new folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{folder} is not empty: exporter new only writes into a new or an empty folder")
    name = folder.resolve().name
    title = name.replace("-", " ").replace("_", " ").strip().title() or "My Course"
    values = {"title": json.dumps(title, ensure_ascii=False), "identifier": json.dumps(slug(name))}
    source = templates_dir() / "scaffold"
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=parent))
    written = []
    try:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            rel = path.relative_to(source).as_posix()
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel == SETTINGS:
                text = path.read_text(encoding="utf-8")
                for key, value in values.items():
                    text = text.replace("{{ %s }}" % key, value)
                target.write_text(text, encoding="utf-8", newline="\n")
            else:
                shutil.copyfile(path, target)
            written.append(rel)
        _permissions(tmp)
        if folder.is_dir():  # empty (checked above), perhaps the current folder: keep it, move the files in
            for entry in sorted(tmp.iterdir()):
                os.rename(entry, folder / entry.name)
            tmp.rmdir()
        else:
            os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written


def _permissions(root: Path) -> None:
    """What a folder and files made by hand would get under the user's umask (mkdtemp makes the folder 0700)."""
    mask = os.umask(0)
    os.umask(mask)
    for path in [root, *root.rglob("*")]:
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~mask)
