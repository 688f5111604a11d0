"""A build: read the course once, run each writer on the model, then write every artifact atomically."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Report
from .model import Course
from .packaging import write_atomic
from .parallel import write_all
from .progress import QUIET, Progress
from .reader import read_course
from .report import REPORT_NAME, report_html
from .writers import Options, select


@dataclass
class Built:
    format: str
    path: Path
    sha256: str
    bytes: int
    pages: int
    quizzes: int
    items: int


@dataclass
class BuildResult:
    course: Course
    report: Report
    artifacts: list[Built] = field(default_factory=list)
    report_path: Path | None = None  # report.html beside the artifacts

    def summary(self) -> dict:
        c = self.course
        return {
            "course": c.identifier,
            "title": c.title,
            "pages": len(c.pages),
            "chapters": len(c.chapters),
            "quizzes": len(c.quizzes),
            "items": len(c.items),
            "skipped": list(c.skipped),
            "warnings": [str(w) for w in self.report.warnings],
            "artifacts": [
                {"format": a.format, "path": str(a.path), "sha256": a.sha256, "bytes": a.bytes,
                 "pages": a.pages, "quizzes": a.quizzes, "items": a.items}
                for a in self.artifacts
            ],
            "report": str(self.report_path) if self.report_path else None,
        }


def build(content: Path, out: Path, formats: str = "all", overrides: dict | None = None,
          options: Options | None = None, jobs: int | None = None, progress: Progress = QUIET,
          cache=None) -> BuildResult:
    """Raises ContentError (nothing written) or UsageError; otherwise every artifact is in place.
    `jobs`: how many writers run at once (default: one per core); `cache`: an exporter.cache.PageCache."""
    writers = select(formats)  # a usage error before any reading
    course, report = read_course(content, overrides, cache=cache, progress=progress)
    options = options or Options()
    # everything in memory first: a failing writer leaves the output folder as it was
    with progress.stage("writing", len(writers), "format") as tick:
        produced = list(zip(writers, write_all(writers, course, options, jobs, done=tick)))
    for writer, artifact in produced:
        for source, line, message in writer.uncarried(course):
            report.warning(source, line, message)
        for w in artifact.warnings:
            report.warning(writer.filename(course), None, w)
    result = BuildResult(course, report)
    for writer, artifact in produced:
        path = out / writer.filename(course)
        write_atomic(path, artifact.data)
        result.artifacts.append(Built(writer.name, path, hashlib.sha256(artifact.data).hexdigest(),
                                      len(artifact.data), artifact.pages, artifact.quizzes, artifact.items))
    result.report_path = out / REPORT_NAME
    write_atomic(result.report_path, report_html(result).encode("utf-8"))
    return result
