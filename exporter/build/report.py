"""The build report: `report.html` beside the artifacts, one static self-contained page (no script, no
remote file) that says at a glance what the build holds: totals, each format with what it carries and what it
drops, each page with its chapter, quiz and warnings (file and line). Same build, same bytes: no clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from exporter.errors import Diagnostic
from exporter.model import KIND_NAMES, KINDS
from exporter.render import render_template
from exporter.writers import WRITERS
from exporter.writers.layout import page_files

REPORT_NAME = "report.html"

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
    if q.statements:
        return f"draws {q.drawn} of {len(q.items)} ({q.labels[0]} / {q.labels[1]})"
    kinds = [KIND_NAMES[k] for k in KINDS if any(i.kind == k for i in q.items)]
    return f"draws {q.drawn} of {len(q.items)} ({', '.join(kinds)})"


def report_html(result) -> str:
    """The report of a BuildResult (exporter.build.pipeline)."""
    course = result.course
    diagnostics = result.report
    names = page_files(course)  # each page's file name in the packages that hold pages
    rows = {p.source: PageRow(p.serial, p.title, chapter.title, p.source, names[p.id], _quiz_text(p))
            for p, chapter, _, _ in course.places()}
    general: list[Diagnostic] = []  # warnings not about one page (course.yml, ...)
    # what each format cannot carry, and each writer's own warnings: tagged by the build with their format
    per_format: dict[str, list[Diagnostic]] = {a.format: [] for a in result.artifacts}
    every_format = 0
    for d in diagnostics.warnings:
        if d.format:
            per_format[d.format].append(d)
        else:
            every_format += 1
        page = Path(d.path).name
        if page in rows:
            rows[page].warnings.append(d)
        elif not d.format:
            general.append(d)
    formats = []
    for a in result.artifacts:
        writer = WRITERS[a.format]
        formats.append({"artifact": a, "name": Path(a.path).name, "title": writer.title,
                        "carries": writer.carries, "drops": writer.drops, "warnings": per_format[a.format]})
    totals = {"pages": len(course.pages), "chapters": len(course.chapters), "quizzes": len(course.quizzes),
              "items": len(course.items), "warnings": len(diagnostics.warnings), "artifacts": len(result.artifacts)}
    return render_template("report/report.html", course=course, totals=totals, formats=formats,
                           pages=list(rows.values()), general=general, notes=diagnostics.notes,
                           every_format=every_format)
