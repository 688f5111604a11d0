"""`exporter import FILE --into COURSE`: quizzes written for other tools, as course pages in this format.

Two readers, each giving the same plain result (`pages.NewPage`: a page title, its text, its quiz with the
items in this format's syntax, the files it shows): `text2qti` (a text2qti quiz file: one page per quiz, or per
question group) and `gift` (Moodle's GIFT: one page per `$CATEGORY`). `pages.write` then adds them to the
course folder: new files only (an existing name gets a number), each written atomically, the images they show
copied beside them. Whatever a file holds comes across or is reported at its line: a warning where something is
changed or left out, an error (nothing written) where the file is wrong.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from exporter.commands.importer import gift, text2qti
from exporter.commands.importer.pages import (
    NewPage,
    check_item,
    copy_atomically,
    file_name,
    page_text,
    write_atomically,
)
from exporter.errors import ContentError, Report, UsageError
from exporter.i18n.messages import messages_for
from exporter.source.reader import read_course
from exporter.source.settings import load_settings

READERS = {"text2qti": text2qti.read, "gift": gift.read}
_QUESTION = re.compile(r"^\d+\.[ \t]+\S", re.MULTILINE)
_GIFT_ANSWERS = re.compile(r"\{[^{}]*\}")
_SERIAL = re.compile(r"^serial:[ \t]*['\"]?(-?\d+)", re.MULTILINE)
_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)(\))")


@dataclass
class Imported:
    written: list[Path] = field(default_factory=list)  # the new page files (and copied images), in order
    pages: list[tuple[str, NewPage]] = field(default_factory=list)  # (file name, page)
    report: Report = field(default_factory=Report)


def source_format(path: Path, given: str | None) -> str:
    """text2qti or gift: as given, else by the file's suffix, else by what it holds."""
    if given:
        return given
    suffix = path.suffix.lower()
    if suffix == ".gift":
        return "gift"
    text = path.read_text(encoding="utf-8", errors="replace")
    if suffix == ".md" or (_QUESTION.search(text) and not _GIFT_ANSWERS.search(text)):
        return "text2qti"
    if _GIFT_ANSWERS.search(text) and not _QUESTION.search(text):
        return "gift"
    raise UsageError(f"{path}: say which format it is in with --from text2qti or --from gift")


def run(file: Path, into: Path, given: str | None = None, check: bool = False) -> Imported:
    """Reads `file` and adds its quizzes to the course folder `into` as new pages (with `check`: only says what it
    would write). Raises UsageError (exit 2) or ContentError (exit 1: the file's errors, nothing written)."""
    if not file.is_file():
        raise UsageError(f"{file}: no such file")
    if into.exists() and not into.is_dir():
        raise UsageError(f"{into} is a file, not a course folder")
    fmt = source_format(file, given)
    result = Imported()
    report = result.report
    shown = str(file)
    try:
        pages = READERS[fmt](file, shown, report)
    except UnicodeDecodeError:
        raise ContentError([_error(shown, "the file is not UTF-8 text: save it as UTF-8")]) from None
    for page in pages:
        page.items = [item for item in page.items if item.lines and check_item(item, shown, report)]
        _carry_files(page, file.parent, shown, report)
    report.raise_if_errors()
    settings = load_settings(into, {}, Report()) if into.is_dir() else None
    words = messages_for(settings) if settings is not None else messages_for(_English())
    instruction = words.tr("import.instruction", "Answer each question, then press the Score button:")
    serial = _next_serial(into)
    taken: set[str] = set()
    for page in pages:
        name = file_name(into, page.title, serial, taken)
        result.pages.append((name, page))
        page.files = {f"images/{Path(name).stem}/{dest}": src for dest, src in page.files.items()}
        for item in page.items:
            item.lines = [_IMAGE.sub(lambda m: m.group(1) + _rehome(m.group(2), name) + m.group(3), line)
                          for line in item.lines]
        page.text = _IMAGE.sub(lambda m: m.group(1) + _rehome(m.group(2), name) + m.group(3), page.text)
        serial += 1
    texts = {name: page_text(page, _SERIAL_OF(name), instruction) for name, page in result.pages}
    _reads_back(into, texts, result.pages)
    if check:
        return result
    into.mkdir(parents=True, exist_ok=True)
    for name, page in result.pages:
        for dest, src in sorted(page.files.items()):
            target = into / dest
            if not target.exists():
                copy_atomically(src, target)
                result.written.append(target)
        write_atomically(into / name, texts[name].encode("utf-8"))
        result.written.append(into / name)
    return result


class _English:
    language = "en"
    strings: dict = {}


def _SERIAL_OF(name: str) -> int:
    return int(name.split("-", 1)[0])


def _error(path: str, message: str):
    from exporter.errors import Diagnostic

    return Diagnostic(path, None, message)


def _next_serial(folder: Path) -> int:
    """One after the highest serial of the course's pages (1 for an empty course)."""
    serials = [0]
    if folder.is_dir():
        for path in folder.glob("*.md"):
            head = path.read_text(encoding="utf-8", errors="replace")[:2000]
            serials += [int(m.group(1)) for m in _SERIAL.finditer(head)]
    return max(serials) + 1


def _carry_files(page: NewPage, base: Path, shown: str, report: Report) -> None:
    """Images the page's text and items show, beside the imported file: carried with it (copied into the course
    under images/<page>/); one that is not there is an error at its question's line."""
    def visit(text: str, line: int) -> None:
        for m in _IMAGE.finditer(text):
            url = m.group(2)
            if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) or url.startswith(("/", "#")):
                continue
            src = (base / url).resolve()
            if not src.is_file():
                report.error(shown, line, f"the image {url} is not beside the imported file ({base})")
                continue
            page.files[url.replace("\\", "/").lstrip("./")] = src
    visit(page.text, page.line)
    for item in page.items:
        for line in item.lines:
            visit(line, item.line)


def _rehome(url: str, page_name: str) -> str:
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) or url.startswith(("/", "#")):
        return url
    return f"images/{Path(page_name).stem}/{url.replace(chr(92), '/').lstrip('./')}"


def _reads_back(into: Path, texts: dict[str, str], pages) -> None:
    """The new pages read as the items they were made from, on a copy: what would be written is a course page
    the reader takes (else the importer has a bug, said as an error rather than written)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        for name, page in pages:
            for dest, src in page.files.items():
                (folder / dest).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, folder / dest)
        read_course(folder, {"title": "import check", "identifier": "import-check"})
