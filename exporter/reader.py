"""Read a course folder into the model: front matter, page order, chapters, bodies, quizzes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

from . import ids
from .errors import Report, UsageError
from .links import LineIndex, Resolver
from .markup import outer_html, render
from .model import Chapter, Course, Page
from .paths import inside
from .progress import QUIET
from .quiz import cut_quiz
from .settings import load_settings
from .text import bad_char, first_bad_line, message

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


def read_course(folder: Path | str, overrides: dict | None = None, report: Report | None = None,
                cache=None, progress=None) -> tuple[Course, Report]:
    """The whole course, or ContentError listing every error found. `cache` (exporter.cache.PageCache)
    keeps each page's step by the content of what it reads; `progress` (exporter.progress.Progress) shows a bar."""
    folder = Path(folder)
    report = report or Report()
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such course folder")
    settings = load_settings(folder, overrides or {}, report)
    files = _page_files(folder, report)
    if not files:
        if not report.errors:
            report.error(folder, None, "the course folder is empty: it holds no Markdown pages (*.md)")
        report.raise_if_errors()
    sources: list[_Source] = []
    skipped: list[str] = []
    for path in files:
        src = _read_source(path, report)
        if src is None:
            continue
        if src.kind == "index":
            skipped.append(path.name)
            report.note(src.shown, None, "skipped: an index page (class: index) is site navigation, not a course page")
            continue
        sources.append(src)
    seen: dict[int, _Source] = {}
    for src in sources:
        if src.serial in seen:
            report.error(src.shown, _key_line(src.path, "serial"),
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
    step = cache.step(_build_page) if cache is not None else _build_page
    if cache is not None:
        cache.begin()
    with (progress or QUIET).stage("reading", len(sources), "page") as tick:
        for src in sources:  # one call per page, every input explicit: what the cache keys on
            course.pages.append(step(src, course.identifier, resolver, report))
            tick(1)
    if cache is not None:
        cache.finish()
    report.raise_if_errors()
    course.files = {path: resolver.files[path].read_bytes() for path in sorted(resolver.files)}
    course.links = resolver.uses
    _outline(course)
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
        if not inside(path, folder):
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


def _read_source(path: Path, report: Report) -> _Source | None:
    shown = str(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(shown, line, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}): save it as UTF-8")
        return None
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    bad = first_bad_line(lines, 1)
    if bad:
        report.error(shown, bad[0], message(bad[1], "this line"))
        return None
    if not lines or lines[0].strip() != "---":
        report.error(shown, 1, "missing front matter: a page starts with a '---' line, then title, class and "
                     "serial, then '---'")
        return None
    end = next((n for n in range(1, len(lines)) if lines[n].strip() in ("---", "...")), None)
    if end is None:
        report.error(shown, 1, "broken front matter: no closing '---' line after the title, class and serial")
        return None
    try:
        meta = frontmatter.loads(text).metadata
    except yaml.YAMLError as exc:
        line = _yaml_error_line("\n".join(lines[1:end])) or 1
        report.error(shown, line, f"broken front matter: {getattr(exc, 'problem', None) or exc}: "
                     "write 'key: value' lines, quoting titles that contain ': '")
        return None
    except Exception as exc:  # python-frontmatter raises plain errors for non-mapping YAML
        report.error(shown, 1, f"broken front matter ({type(exc).__name__}): write 'key: value' lines")
        return None
    if not isinstance(meta, dict) or (not meta and any(lines[n].strip() for n in range(1, end))):
        report.error(shown, 2, "broken front matter: it must be 'key: value' lines (title, class, serial)")
        return None
    ok = True
    kind = meta.get("class", "section")
    kind = str(kind).strip().lower() if kind is not None else "section"
    if kind not in CLASSES:
        report.error(shown, _key_line(path, "class", lines), f"unknown class {meta.get('class')!r}: "
                     "use chapter, section or index")
        ok = False
    title = meta.get("title")
    title = "" if title is None else str(title).strip()
    if bad_char(title):
        report.error(shown, _key_line(path, "title", lines) or 1, message(bad_char(title), "the title"))
        ok = False
    if not title and kind != "index":
        report.error(shown, _key_line(path, "title", lines) or 1, "missing title: add 'title: ...' to the front matter")
        ok = False
    serial = meta.get("serial")
    if kind != "index":
        if serial is None:
            report.error(shown, 1, "missing serial: add 'serial: N' (the page's place in the course) to the front matter")
            ok = False
        elif isinstance(serial, bool) or not re.fullmatch(r"\d+", str(serial).strip()):
            report.error(shown, _key_line(path, "serial", lines), f"serial {serial!r} is not a whole number: "
                         "write 'serial: N' with N = 0, 1, 2, ...")
            ok = False
    if not ok:
        return None
    return _Source(path, shown, title, int(serial) if kind != "index" else -1, kind,
                   "\n".join(lines[end + 1:]), end + 2)


def _yaml_error_line(front: str) -> int | None:
    """The file line of a YAML error in the front matter (which starts on file line 2)."""
    try:
        yaml.safe_load(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return mark.line + 2 if mark else None
    return None


def _key_line(path: Path, key: str, lines: list[str] | None = None) -> int | None:
    lines = lines if lines is not None else path.read_text(encoding="utf-8").splitlines()
    for n, text in enumerate(lines[1:], start=2):
        if text.strip() in ("---", "..."):
            break
        if re.match(rf"^{re.escape(key)}\s*:", text):
            return n
    return None


def _build_page(src: _Source, course_id: str, resolver: Resolver, report: Report) -> Page:
    lines = src.body.split("\n")
    tree = render(src.body)
    ident = ids.page_id(course_id, src.serial)
    index = LineIndex(lines, src.body_first_line)

    def resolve(blocks: list, in_quiz: bool, line: int | None, own_line: bool) -> None:
        for block in blocks:
            resolver.resolve(block, src.path, ident, in_quiz, None if own_line else index, line)

    cut = cut_quiz(tree, ident, src.shown, lines, src.body_first_line, report, resolve)
    return Page(id=ident, title=src.title, serial=src.serial, kind=src.kind, source=src.path.name,
                body_html=outer_html(cut.before), after_html=outer_html(cut.after), quiz=cut.quiz)


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
