"""`exporter decode` and `exporter encode`: rewrite a course's quiz items from one written form to the other,
in place. Only the items' own lines change; every other byte of every file stays as it was.

decode writes each base64 item as a plain item (`itemforms.plain_form`); encode writes each plain item as base64
(`itemforms.decoded_form`). A decoded item encodes back to the very word it came from, so decode then encode
gives back the original files. Nothing is written for a course with errors, nor when the rewritten course would
not read back as the same course (same pages, quizzes, items and identifiers): that is checked on a copy first.

What is written is never older than what the author saved (`apply`): each file's new text is staged in a
temporary file beside it, and just before it replaces the file, the file is compared with what was read (its
bytes, size, modification time and inode); a file that changed in between is left as it is and named. A page
that is a symbolic link keeps its link: the file it points at is rewritten. A page with other hard links, or
a read-only one, is refused before anything is written (replacing it would split its links, or override the
author's protection). Each rewritten file keeps its permission bits. SIGTERM and Ctrl-C wait while the
files are moved into place, and no temporary file is left behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from exporter.build.staging import signals_blocked
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
from exporter.source.itemtypes import is_typed
from exporter.source.quiz import bank_items
from exporter.source.reader import PAGE_SUFFIXES, read_course
from exporter.source.settings import SETTINGS_FILES

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # a line and its end, as the reader splits them

_SEPARATORS = re.compile("[\x85\u2028\u2029]")  # what lineends.normalize makes spaces of

PLAIN, BASE64 = "plain", "base64"


@dataclass
class Rewrite:
    """What a decode or encode would do: the new bytes of each file it changes, and why items stay as they are."""

    to: str  # PLAIN or BASE64
    files: dict[Path, bytes] = field(default_factory=dict)
    counts: dict[Path, int] = field(default_factory=dict)  # items rewritten, per file
    notes: list[Diagnostic] = field(default_factory=list)
    read: dict[Path, tuple[bytes, tuple]] = field(default_factory=dict)  # each file as read: bytes, signature
    written: list[Path] = field(default_factory=list)  # the files `apply` replaced, in order

    @property
    def items(self) -> int:
        return sum(self.counts.values())

    @property
    def command(self) -> str:
        return "decode" if self.to == PLAIN else "encode"


class NotWritten(Exception):
    """Files `apply` did not write: each a Diagnostic naming it and why; `written`: the files it did write."""

    def __init__(self, diagnostics: list[Diagnostic], written: list[Path]):
        self.diagnostics = diagnostics
        self.written = written
        super().__init__("\n".join(str(d) for d in diagnostics))


class WriteError(Exception):
    """An OS error while the new files were staged (a full disk, say): nothing was written. Names the file."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


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
    """Write each changed file: refuse them all (NotWritten) when one is hard-linked or read-only; stage every
    new text in a temporary file beside its file (WriteError on an OS error: nothing written); then, signals
    held, replace each file that is still as it was read, and leave each one that changed since (NotWritten,
    naming those, after the others are written). `rewrite.written` lists the files replaced."""
    targets = {path: Path(os.path.realpath(path)) for path in rewrite.files}  # a link's own file
    refused = [d for path, target in targets.items() for d in _refusal(path, target, rewrite.command)]
    if refused:
        raise NotWritten(refused, [])
    staged: list[tuple[str, Path]] = []
    changed: list[Diagnostic] = []
    try:
        for path, data in rewrite.files.items():
            target = targets[path]
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                staged.append((tmp, path))
                try:
                    _write_all(fd, data)
                    os.fsync(fd)
                    _same_owner_and_mode(fd, target.stat())
                finally:
                    os.close(fd)
            except OSError as exc:
                raise WriteError(path, exc.strerror or str(exc)) from None
        with signals_blocked():
            for tmp, path in staged:
                if _changed_since_read(path, rewrite.read.get(path)):
                    changed.append(Diagnostic(str(path), None, f"this file changed after {rewrite.command} read "
                                              "it (saved by an editor or another program while it ran): it was not "
                                              f"written; run exporter {rewrite.command} again"))
                    continue
                try:
                    os.replace(tmp, targets[path])
                except OSError as exc:
                    if rewrite.written:
                        changed.append(Diagnostic(str(path), None, f"this file could not be replaced "
                                                  f"({exc.strerror or exc}): it was not written"))
                        continue
                    raise WriteError(path, exc.strerror or str(exc)) from None
                rewrite.written.append(path)
            for folder in {targets[p].parent for p in rewrite.written}:
                _sync_folder(folder)
    finally:
        with signals_blocked():
            for tmp, _ in staged:
                Path(tmp).unlink(missing_ok=True)
    if changed:
        raise NotWritten(changed, list(rewrite.written))


def _refusal(path: Path, target: Path, command: str) -> list[Diagnostic]:
    """Why a file cannot be replaced without losing something of the author's (its links, its protection)."""
    try:
        st = target.stat()
    except OSError as exc:
        return [Diagnostic(str(path), None, f"this file cannot be read again ({exc.strerror or exc})")]
    if st.st_nlink > 1:
        return [Diagnostic(str(path), None, f"this file has {st.st_nlink} names (hard links): replacing it would "
                           "split them, its other names keeping the old text; give it a file of its own (copy it "
                           f"and move the copy over it), or rewrite its items by hand")]
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        return [Diagnostic(str(path), None, f"this file is read-only: exporter {command} does not override that; "
                           "make it writable (chmod u+w) to have its items rewritten")]
    return []


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _same_owner_and_mode(fd: int, st: os.stat_result) -> None:
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
    if hasattr(os, "fchown") and (os.fstat(fd).st_uid, os.fstat(fd).st_gid) != (st.st_uid, st.st_gid):
        with contextlib.suppress(OSError):  # only the superuser may give a file away
            os.fchown(fd, st.st_uid, st.st_gid)


def _signature(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _changed_since_read(path: Path, seen: tuple[bytes, tuple] | None) -> bool:
    if seen is None:
        return True
    try:
        if _signature(path.stat()) != seen[1]:
            return True
        return path.read_bytes() != seen[0]
    except OSError:
        return True


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _page(path: Path, items: list, rewrite: Rewrite) -> None:
    before = _signature(path.stat())
    data = path.read_bytes()
    seen = (data, before)
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
        if "\n" in new or _typed(span):  # a typed item: its lines, or one word holding them and their spaces
            trail = ""
        ending_of = ending or "\n"
        written = (span.lead + new + trail).split("\n")
        lines[span.index:span.end] = [line + ending_of for line in written[:-1]] + [written[-1] + ending]
        count += 1
    if count:
        rewrite.files[path] = "".join(lines).encode("utf-8")
        rewrite.counts[path] = count
        rewrite.read[path] = seen


def _typed(span) -> bool:
    """A typed item written in lines (`itemtypes`)."""
    return bool(span.more) and is_typed([span.text.split("\n", 1)[0]] + span.more)


def _typed_lines(decoded: str, span) -> str | None:
    """A base64 typed item's text as the lines a plain one is written in, or why it cannot be (a reason)."""
    lines = decoded.split("\n")
    if decoded != decoded.rstrip() or lines[0] != lines[0].strip():
        return "its text starts or ends with white space, which the item's lines do not keep"
    found = bank_items([span.lead + lines[0]] + lines[1:], 0)
    if len(found) != 1 or found[0].more != lines[1:] or found[0].text.split("\n", 1)[0] != lines[0]:
        return "its lines would not read back as one item (a line starts a new list item, or ends the list)"
    return None


def _to_plain(span, shown: str, rewrite: Rewrite) -> str | None:
    raw = base64_text(span.text)
    if raw is None:
        return None  # already plain
    decoded = raw.decode("utf-8")  # the course read without errors: UTF-8 with an answer field
    why = None
    if base64_word(decoded) == span.text and "\r" not in decoded and not _SEPARATORS.search(decoded) \
            and "\n" in decoded and is_typed(decoded.split("\n")):
        why = _typed_lines(decoded, span)
        if why is None:
            return decoded
    elif base64_word(decoded) != span.text:
        why = "its base64 is not in the standard form, so encode could not give it back byte for byte"
    elif "\n" in decoded or "\r" in decoded:
        why = "its text holds a line break, and a plain item is one Markdown line"
    elif _SEPARATORS.search(decoded):
        why = ("its text holds a line or paragraph separator (NEL, U+2028 or U+2029), which the reader turns into "
               "a space on a Markdown line")
    elif decoded != decoded.strip():
        why = "its text starts or ends with white space, which a Markdown line does not keep"
    plain = None if why else plain_form(decoded)
    if plain is None:
        why = why or ("its HTML would not show the same as Markdown (an unclosed tag, or text Markdown reads as a "
                      "link or comment)")
        rewrite.notes.append(Diagnostic(shown, span.index + 1, f"this item stays base64: {why}", "note"))
    return plain


def _to_base64(span, shown: str, rewrite: Rewrite) -> str | None:
    if _typed(span):  # the base64 of its lines as written: the word its identifier is made from
        return base64_word("\n".join([span.text.split("\n", 1)[0]] + span.more))
    raw = base64_text(span.text)
    if raw is not None:
        try:
            if decoded_parts(raw.decode("utf-8")) or is_typed(raw.decode("utf-8").split("\n")):
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
            if path.is_file() and (path.suffix.lower() in PAGE_SUFFIXES or path.name in SETTINGS_FILES):
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
