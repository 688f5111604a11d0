"""Read a course folder into the model: front matter, page order, chapters, bodies, quizzes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from exporter import ids
from exporter.errors import Report, UsageError
from exporter.i18n.messages import messages_for
from exporter.model import DEFAULT_LABELS, Chapter, Course, LocalFile, Page
from exporter.progress import QUIET
from exporter.source import lineends
from exporter.source import math
from exporter.source import nesting
from exporter.source.frontmatter import (
    MetaError,
    load_mapping,
    split_front_matter,
    text_value,
)
from exporter.source.linefinder import LineFinder
from exporter.source.markup import TooDeep, outer_html, render, render_shared
from exporter.source.paths import inside
from exporter.source.quiz import cut_quiz, find_bank, label_choices
from exporter.source.quizregion import quiz_region
from exporter.source.resolve import LineIndex, Resolver
from exporter.source.settings import load_settings
from exporter.xmlchars import bad_bytes, bad_char, first_bad_line, message

CLASSES = ("chapter", "section", "index")


@dataclass
class _Source:
    path: Path
    shown: str  # how messages name the file
    title: str
    serial: int
    kind: str
    body: str
    body_first_line: int  # file line number of the body's first line
    serial_line: int  # where the serial is set


def read_course(folder: Path | str, overrides: dict | None = None, report: Report | None = None,
                cache=None, progress=None, quiz_only: bool = False) -> tuple[Course, Report]:
    """The whole course, or ContentError listing every error found. `cache` (exporter.source.cache.PageCache)
    keeps each page's step by the content of what it reads; `progress` (exporter.progress.Progress) shows a bar.
    `quiz_only`: for formats that publish no page text (`Writer.pages` false): pages come without it
    (`body_html`, `after_html` empty), and a page whose other text is inert has only its quiz region rendered
    (`quizregion`); every error and warning is the same. Without a cache only: a cache keeps pages read whole."""
    folder = Path(folder)
    report = report or Report()
    if not folder.is_dir():
        if folder.exists():
            raise UsageError(f"{folder} is a file, not a folder: give the folder that holds the course's pages")
        raise UsageError(f"{folder}: no such course folder")
    load = cache.front_matter.load if cache is not None and cache.front_matter is not None else load_mapping
    settings = load_settings(folder, overrides or {}, report, load)
    files = _page_files(folder, report)
    if not files:
        if not report.errors:
            report.error(folder, None, "the course folder is empty: it holds no Markdown pages (*.md)")
        report.raise_if_errors()
    sources: list[_Source] = []
    skipped: list[str] = []
    for path in files:
        src = _read_source(path, report, load)
        if src is None:
            continue
        if src.kind == "index":
            skipped.append(lineends.file_name_text(path.name))
            report.note(src.shown, None, "skipped: an index page (class: index) is site navigation, not a course page")
            continue
        sources.append(src)
    seen: dict[int, _Source] = {}
    for src in sources:
        if src.serial in seen:
            report.error(src.shown, src.serial_line,
                         f"serial {src.serial} is also used by {seen[src.serial].shown}: give each page its own serial")
        else:
            seen[src.serial] = src
    if not sources and not report.errors:
        report.error(folder, None, "the course folder has no course pages (only index pages): add section pages")
    report.raise_if_errors()

    sources.sort(key=lambda s: s.serial)
    resolver = Resolver(root=folder, pages={s.path.stem.lower(): ids.page_id(settings.identifier, s.serial)
                                            for s in sources}, site_url=settings.site_url, report=report)
    course = Course(title=settings.title, identifier=settings.identifier, language=settings.language,
                    version=settings.version, description=settings.description, site_url=settings.site_url,
                    strings=dict(settings.strings), skipped=skipped)
    if cache is not None:  # the cache keeps pages read whole, for every format
        step = cache.step(_build_page)
        cache.begin()
    else:
        step = functools.partial(_build_page, quiz_only=quiz_only)
    with (progress or QUIET).stage("reading", len(sources), "page") as tick:
        for src in sources:  # one call per page, every input explicit: what the cache keys on
            course.pages.append(step(src, course.identifier, resolver, report))
            tick(1)
    if cache is not None:
        cache.finish()
    report.raise_if_errors()
    # carried files are read while each package is written, a chunk at a time (see packaging.zip_bytes)
    course.files = {path: LocalFile(resolver.files[path], resolver.files[path].stat().st_size)
                    for path in sorted(resolver.files)}
    course.links = resolver.uses
    _outline(course)
    _true_false_in_language(course)
    report.raise_if_errors()
    return course, report


PAGE_SUFFIXES = (".md", ".markdown")


def _page_files(folder: Path, report: Report) -> list[Path]:
    """The Markdown pages in the folder (.md and .markdown, any case). A page that is a link to a file outside
    the folder, and two pages whose names differ only in case or suffix, are errors."""
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in PAGE_SUFFIXES or not path.is_file():
            continue
        if path.is_symlink() and not inside(path, folder):  # (a file listed in the folder lies in it unless a link)
            report.error(path, None, "this page is a link to a file outside the course folder: copy the file "
                         "into the course folder")
            continue
        other = found.get(path.stem.lower())
        if other is not None:
            report.error(path, None, f"this page and {other.name} have names that differ only in case or suffix: "
                         "they would be the same page on Windows and macOS, and a link could not tell them apart; "
                         "rename one")
            continue
        found[path.stem.lower()] = path
    return sorted(found.values())


def _read_source(path: Path, report: Report, load=load_mapping) -> _Source | None:
    """The page's source, or None with its errors reported. `load`: `load_mapping`, or the page cache's
    (`frontcache`: the same entries, kept by the front matter's text)."""
    shown = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error(shown, None, f"the file cannot be read ({exc.strerror or exc})")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(shown, line, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}): save it as UTF-8")
        return None
    text = lineends.normalize(text.removeprefix("\ufeff"))
    # (one search first: the file's bytes for a character no package can hold, the text for an entity)
    bad = first_bad_line(text.split("\n"), 1) if bad_bytes(data) or ("&" in text and "&#" in text) else None
    if bad:
        report.error(shown, bad[0], message(bad[1], "this line"))
        return None
    try:
        front = split_front_matter(text)
        meta = load(front.yaml, front.first_line)
    except MetaError as exc:
        said = exc.message if exc.message.startswith(("missing", "broken", "the front")) else \
            f"broken front matter: {exc.message}"
        report.error(shown, exc.line, said)
        return None
    ok = True
    try:
        kind = (text_value(meta, "class") or "section").lower()
    except MetaError as exc:
        report.error(shown, exc.line, f"{exc.message} (chapter, section or index)")
        return None
    if kind not in CLASSES:
        report.error(shown, meta["class"].line, f"unknown class {kind!r}: use chapter, section or index")
        ok = False
    try:
        title = text_value(meta, "title") or ""
    except MetaError as exc:
        report.error(shown, exc.line, exc.message)
        title, ok = "", False
    else:
        if bad_char(title):  # a YAML escape such as "\x07" in a quoted title
            report.error(shown, meta["title"].line, message(bad_char(title), "the title"))
            ok = False
        if not title and kind != "index":
            line = meta["title"].line if "title" in meta else 1
            report.error(shown, line, "missing title: add 'title: ...' to the front matter")
            ok = False
    serial = meta.get("serial")
    if kind != "index":
        if serial is None or serial.kind == "null":
            report.error(shown, serial.line if serial else 1,
                         "missing serial: add 'serial: N' (the page's place in the course) to the front matter")
            ok = False
        elif serial.kind != "text" or not re.fullmatch(r"\d+", serial.text.strip()):
            report.error(shown, serial.line, f"serial {serial.describe()} is not a whole number: "
                         "write 'serial: N' with N = 0, 1, 2, ...")
            ok = False
    if not ok:
        return None
    return _Source(path, shown, title, int(serial.text) if kind != "index" else -1, kind, front.body,
                   front.body_first_line, meta["serial"].line if kind != "index" else 1)


def _build_page(src: _Source, course_id: str, resolver: Resolver, report: Report, quiz_only: bool = False) -> Page:
    """One page read; a formula that cannot be read (in its text or its quiz) is an error at its line."""
    with math.formulas() as bad:
        page = _read_page(src, course_id, resolver, report, quiz_only)
    if bad:
        finder = LineFinder(src.body.split("\n"), src.body_first_line)
        said = set()  # an item's text may be rendered more than once (its two written forms are compared)
        for formula in bad:
            line = formula.line or finder.find(formula.tex.strip().split("\n")[0]) or src.body_first_line
            if (line, formula.written) not in said:
                said.add((line, formula.written))
                report.error(src.shown, line, math.message(formula))
    return page


def _read_page(src: _Source, course_id: str, resolver: Resolver, report: Report, quiz_only: bool) -> Page:
    """The page's text, quiz and links; `quiz_only`: its text is left out (`body_html`, `after_html` empty) and,
    where the rest of its text is inert, only its quiz region is rendered (`quizregion`)."""
    lines = src.body.split("\n")
    deep = nesting.too_deep(src.body)
    try:
        if deep is not None:
            raise TooDeep()
        bank = find_bank(lines)  # quiz items are read from their lines: Markdown sees a stand-in for each
        region = quiz_region(lines, bank) if quiz_only else None
        tree = render_shared(region) if region else etree.Element("div") if region == "" else None
        if tree is None or (bank is not None and not bank.read_by(tree)):  # the page rendered whole
            tree = render(bank.masked if bank else src.body)
            if bank and not bank.read_by(tree):
                bank, tree = None, render(src.body)
    except TooDeep:
        report.error(src.shown, src.body_first_line + (deep or 0), nesting.MESSAGE)
        return Page(id=ids.page_id(course_id, src.serial), title=src.title, serial=src.serial, kind=src.kind,
                    source=lineends.file_name_text(src.path.name), body_html="")
    ident = ids.page_id(course_id, src.serial)
    index = LineIndex(lines, src.body_first_line)

    def resolve(blocks: list, in_quiz: bool, line: int | None, own_line: bool) -> None:
        for block in blocks:
            resolver.resolve(block, src.path, ident, in_quiz, None if own_line else index, line)

    cut = cut_quiz(tree, ident, src.shown, lines, src.body_first_line, report, resolve, bank)
    return Page(id=ident, title=src.title, serial=src.serial, kind=src.kind,
                source=lineends.file_name_text(src.path.name), body_html="" if quiz_only else outer_html(cut.before),
                after_html="" if quiz_only else outer_html(cut.after), quiz=cut.quiz)


def _true_false_in_language(course: Course) -> None:
    """True/False items' choices read as learners read them: True and False in the course's language (or the
    author's `strings:` wording). Done after the per-page step, which the page cache keeps whatever the language."""
    words = messages_for(course).labels()
    if words == DEFAULT_LABELS:
        return
    for quiz in course.quizzes:
        for item in quiz.items:
            if item.true_false:
                item.choices = label_choices(words, item.choices[0].right)


def _outline(course: Course) -> None:
    """Chapters by class: a chapter page opens a chapter; the sections after it belong to it."""
    current: Chapter | None = None
    for page in course.pages:
        if page.kind == "chapter":
            current = Chapter(page.title, page, [])
            course.chapters.append(current)
        elif current is None:
            course.preface.append(page)
        else:
            current.sections.append(page)
