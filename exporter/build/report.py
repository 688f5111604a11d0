"""The build report: `report.html` beside the artifacts, one static self-contained page (no script, no
remote file) that says at a glance what the build holds: totals, each format with what it carries and what it
drops, each page with its chapter, quiz and warnings (file and line). Same build, same bytes: no clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from exporter.errors import Diagnostic
from exporter.render import render_template
from exporter.writers import WRITERS
from exporter.writers.layout import page_files

REPORT_NAME = "report.html"

# What each format carries into the LMS and what it cannot (author-facing words, one place).
CARRIES = {
    "html": ("every page and course file; quizzes shown with their answers",
             "no tracking or scoring: a review copy"),
    "scorm12": ("every page and course file; quizzes drawn at random and scored; pages in order (prerequisites)",
                ""),
    "scorm2004": ("every page and course file; quizzes drawn at random and scored; pages in order (sequencing)",
                  "Moodle does not enforce 2004 sequencing (the pages keep the order themselves, per browser)"),
    "qti12": ("each quiz as a Canvas quiz drawing N of its items, with labels and explanations",
              "the pages; images and files shown in quiz text"),
    "qti21": ("each item, each quiz as a test selecting N; images in quiz text", "the pages"),
    "qti30": ("each item, each quiz as a test selecting N, its shared text one stimulus; images in quiz text",
              "the pages"),
    "moodle": ("each quiz's items in a question category per page, with labels and explanations",
               "the pages; \"draw N\" (only described); images and files shown in quiz text"),
    "cc11": ("pages as Moodle pages, quizzes, a question bank",
             "\"draw N\"; the order lock; images and files shown in quiz text; links between pages in Moodle's "
             "import (use the .mbz)"),
    "cc13": ("pages, quizzes with Canvas's \"draw N\" and quiz settings, a question bank",
             "the order lock; images and files shown in quiz text"),
}


@dataclass
class PageRow:
    serial: int
    title: str
    chapter: str
    source: str
    href: str
    quiz: str  # "draws 2 of 3 (True / False)" or ""
    warnings: list[Diagnostic] = field(default_factory=list)


def _quiz_text(page) -> str:
    q = page.quiz
    if q is None:
        return ""
    return f"draws {min(q.draw, len(q.items))} of {len(q.items)} ({q.labels[0]} / {q.labels[1]})"


def report_html(result) -> str:
    """The report of a BuildResult (exporter.build.pipeline)."""
    course = result.course
    diagnostics = result.report
    chapter_of = {id(p): g.title for g in course.groups for p in g.pages}
    names = page_files(course)  # each page's file name in the packages that hold pages
    rows = {p.source: PageRow(p.serial, p.title, chapter_of.get(id(p), ""), p.source, names[p.id], _quiz_text(p))
            for p in course.pages}
    general: list[Diagnostic] = []  # warnings not about one page (course.yml, ...)
    per_format: dict[str, list[Diagnostic]] = {a.format: [] for a in result.artifacts}
    # what each format cannot carry (Writer.uncarried), and each writer's own warnings (path: its artifact)
    owners: dict[tuple, list[str]] = {}
    for a in result.artifacts:
        for source, line, message in WRITERS[a.format]().uncarried(course):
            owners.setdefault((str(source), line, message), []).append(a.format)
    artifact_of = {Path(a.path).name: a.format for a in result.artifacts}
    every_format = 0
    for d in diagnostics.warnings:
        formats_of = owners.get((d.path, d.line, d.message)) or \
            ([artifact_of[d.path]] if d.path in artifact_of else [])
        for name in formats_of:
            per_format[name].append(d)
        if not formats_of:
            every_format += 1
        page = Path(d.path).name
        if page in rows and not (d.path in artifact_of):
            rows[page].warnings.append(d)
        elif not formats_of:
            general.append(d)
    formats = []
    for a in result.artifacts:
        carries, drops = CARRIES.get(a.format, ("", ""))
        formats.append({"artifact": a, "name": Path(a.path).name, "title": WRITERS[a.format].title,
                        "carries": carries, "drops": drops, "warnings": per_format[a.format]})
    totals = {"pages": len(course.pages), "chapters": len(course.chapters), "quizzes": len(course.quizzes),
              "items": len(course.items), "warnings": len(diagnostics.warnings), "artifacts": len(result.artifacts)}
    return render_template("report/report.html", course=course, totals=totals, formats=formats,
                           pages=list(rows.values()), general=general, notes=diagnostics.notes,
                           every_format=every_format)
