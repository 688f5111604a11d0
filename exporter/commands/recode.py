"""`exporter decode` and `exporter encode`: rewrite a course's quiz items from one written form to the other,
in place. Only the items' own lines change; every other byte of every file stays as it was.

decode writes each base64 item as a plain item (`itemforms.plain_form`); encode writes each plain item as base64
(`itemforms.decoded_form`). A decoded item encodes back to the very word it came from, so decode then encode
gives back the original files. Nothing is written for a course with errors, nor when the rewritten course would
not read back as the same course (same pages, quizzes, items and identifiers): that is checked on a copy first.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from exporter.errors import ContentError, Diagnostic, Report, UsageError
from exporter.model import Course
from exporter.source.itemforms import (
    base64_text,
    base64_word,
    decoded_form,
    decoded_parts,
    plain_form,
    plain_parts,
)
from exporter.source.lineends import normalize
from exporter.source.quiz import bank_items
from exporter.source.reader import read_course
from exporter.source.settings import SETTINGS_FILES

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # a line and its end, as the reader splits them

PLAIN, BASE64 = "plain", "base64"


@dataclass
class Rewrite:
    """What a decode or encode would do: the new bytes of each file it changes, and why items stay as they are."""

    to: str  # PLAIN or BASE64
    files: dict[Path, bytes] = field(default_factory=dict)
    counts: dict[Path, int] = field(default_factory=dict)  # items rewritten, per file
    notes: list[Diagnostic] = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(self.counts.values())


def plan(folder: Path | str, to: str) -> Rewrite:
    """Read the course (ContentError if it has errors) and work out every file's new text; write nothing."""
    folder = Path(folder)
    course, _ = read_course(folder)
    rewrite = Rewrite(to)
    for page in course.pages:
        if page.quiz and page.quiz.items:
            _page(folder / page.source, page.quiz.items, rewrite)
    if rewrite.files:
        _check_reads_the_same(folder, course, rewrite)
    return rewrite


def apply(rewrite: Rewrite) -> None:
    """Write each changed file atomically (a temporary file beside it, renamed over it), keeping its mode."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in rewrite.files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def _page(path: Path, items: list, rewrite: Rewrite) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8")
    lines = _LINE.findall(text)  # the reader numbers lines the same way
    bare = [normalize(line.rstrip("\r\n")) for line in lines]
    spans = bank_items(bare, items[0].line - 1)
    if [s.index + 1 for s in spans] != [i.line for i in items]:
        rewrite.notes.append(Diagnostic(str(path), items[0].line, "this quiz's items stay as they are: its list "
                                        "could not be matched to the items read from it", "note"))
        return
    count = 0
    for span in reversed(spans):  # from the end, so earlier line numbers hold
        new = (_to_plain if rewrite.to == PLAIN else _to_base64)(span, str(path), rewrite)
        if new is None:
            continue
        last = lines[span.end - 1]
        ending = last[len(last.rstrip("\r\n")):]
        raw = last.rstrip("\r\n")
        trail = raw[len(raw.rstrip(" \t")):]
        lines[span.index:span.end] = [span.lead + new + trail + ending]
        count += 1
    if count:
        rewrite.files[path] = "".join(lines).encode("utf-8")
        rewrite.counts[path] = count


def _to_plain(span, shown: str, rewrite: Rewrite) -> str | None:
    raw = base64_text(span.text)
    if raw is None:
        return None  # already plain
    decoded = raw.decode("utf-8")  # the course read without errors: UTF-8 with an answer field
    why = None
    if base64_word(decoded) != span.text:
        why = "its base64 is not in the standard form, so encode could not give it back byte for byte"
    elif "\n" in decoded or "\r" in decoded:
        why = "its text holds a line break, and a plain item is one Markdown line"
    elif decoded != decoded.strip():
        why = "its text starts or ends with white space, which a Markdown line does not keep"
    plain = None if why else plain_form(decoded)
    if plain is None:
        why = why or ("its HTML would not show the same as Markdown (an unclosed tag, or text Markdown reads as a "
                      "link or comment)")
        rewrite.notes.append(Diagnostic(shown, span.index + 1, f"this item stays base64: {why}", "note"))
    return plain


def _to_base64(span, shown: str, rewrite: Rewrite) -> str | None:
    raw = base64_text(span.text)
    if raw is not None:
        try:
            if decoded_parts(raw.decode("utf-8")):
                return None  # already base64
        except UnicodeDecodeError:
            pass
    if plain_parts(span.text) is None:  # pragma: no cover - the course read without errors
        return None
    return base64_word(decoded_form(span.text))


def _check_reads_the_same(folder: Path, course: Course, rewrite: Rewrite) -> None:
    """Read the rewritten course from a copy (pages, settings, the files it uses) and compare it with the
    course as it is; a difference is an error and nothing is written."""
    with tempfile.TemporaryDirectory(prefix="exporter-") as tmp:
        copy = Path(tmp) / folder.resolve().name
        copy.mkdir()
        for path in folder.iterdir():
            if path.is_file() and (path.suffix == ".md" or path.name in SETTINGS_FILES):
                target = copy / path.name
                if path in rewrite.files:
                    target.write_bytes(rewrite.files[path])
                else:
                    shutil.copyfile(path, target)
        for name in course.files:
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(folder / name, target)
            except OSError:
                shutil.copyfile(folder / name, target)
        try:
            again, _ = read_course(copy, report=Report())
        except (ContentError, UsageError):
            again = None
    if again is None or _summary(again) != _summary(course):
        rewrite.files.clear()
        rewrite.counts.clear()
        path, line = _first_difference(folder, course, again)
        raise ContentError([Diagnostic(path, line, "rewriting the items would change what the course shows here, "
                                       "so nothing was written (please report this as a bug in exporter)")])


def _summary(course: Course) -> list:
    """The course as the writers see it, less where each item's text sits in its file."""
    out = []
    for page in course.pages:
        row = dataclasses.asdict(page)
        if row["quiz"]:
            row["quiz"].pop("line")
            for item in row["quiz"]["items"]:
                item.pop("source")
                item.pop("line")
        out.append(row)
    return [course.title, course.identifier, out, sorted(course.files)]


def _first_difference(folder: Path, course: Course, again: Course | None) -> tuple[str, int | None]:
    for n, old in enumerate(course.pages):
        new = again.pages[n] if again is not None and n < len(again.pages) else None
        if new is None or _summary(Course("", "", pages=[old])) != _summary(Course("", "", pages=[new])):
            return str(folder / old.source), (old.quiz.line or None) if old.quiz else None
    return str(folder), None
