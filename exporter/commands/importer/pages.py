"""What an importer makes, and how it goes into a course folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from exporter import ids
from exporter.errors import Report
from exporter.source.itemtypes import ItemError, is_typed, parse
from exporter.source.itemforms import plain_parts


@dataclass
class NewItem:
    lines: list[str]  # the item in this format: its first line (after "- "), then its indented lines
    line: int  # where it stands in the imported file


@dataclass
class NewPage:
    title: str
    text: str  # Markdown before the quiz (a description), may be ""
    items: list[NewItem]
    draw: int | None = None  # data-n (None: every item)
    shuffle: bool = False
    line: int = 1  # where it starts in the imported file
    files: dict[str, Path] = field(default_factory=dict)  # path in the course folder -> file to copy


def check_item(item: NewItem, source: str, report: Report) -> bool:
    """Whether the item reads as an item of this format; an error at the imported file's line otherwise."""
    if is_typed(item.lines):
        try:
            parse(item.lines)
        except ItemError as exc:
            report.error(source, item.line + exc.offset, exc.message)
            return False
        return True
    if plain_parts(" ".join(item.lines)) is None:  # pragma: no cover - importers write typed or /Y/ items
        report.error(source, item.line, "this question has no answers this format can hold")
        return False
    return True


def page_text(page: NewPage, serial: int, instruction: str) -> str:
    """The page as a Markdown file of this format."""
    title = page.title.replace("\\", "\\\\").replace('"', '\\"')
    out = ["---", f'title: "{title}"', "class: section", f"serial: {serial}", "---"]
    if page.text.strip():
        out += [page.text.strip(), ""]
    attrs = f'data-n="{page.draw or len(page.items)}"' + (' data-shuffle="choices"' if page.shuffle else "")
    out += [instruction, f"{{: #quiz {attrs}}}", ""]
    for item in page.items:
        out.append(f"- {item.lines[0]}")
        out += [line.rstrip() for line in item.lines[1:]]
    return "\n".join(out) + "\n"


def file_name(folder: Path, title: str, serial: int, taken: set[str]) -> str:
    """A new page file name: `NN-title-words.md`, never one that exists (case-insensitively) or is taken."""
    stem = f"{serial:02d}-" + ids.file_stem(title.lower())[:40].strip("-.")
    existing = {p.name.lower() for p in folder.iterdir()} if folder.is_dir() else set()
    name, n = f"{stem}.md", 2
    while name.lower() in existing or name.lower() in taken:
        name, n = f"{stem}-{n}.md", n + 1
    taken.add(name.lower())
    return name


def write_atomically(path: Path, data: bytes) -> None:
    """The file appears whole or not at all; an existing file is never replaced."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)  # fails if the name exists meanwhile: nothing is overwritten
    finally:
        os.unlink(tmp)


def copy_atomically(source: Path, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh, open(source, "rb") as src:
            shutil.copyfileobj(src, fh)
        os.link(tmp, path)
    finally:
        os.unlink(tmp)
