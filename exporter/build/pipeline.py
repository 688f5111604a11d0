"""A build: read the course once, run each writer on the model, then replace the artifact set atomically."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path

from exporter.errors import Report
from exporter.i18n import kept
from exporter.model import Course
from exporter.build.staging import OutputError, Staged, os_reason, transaction
from exporter import render
from exporter.build.outputcache import OutputCache, code_digest
from exporter.build.parallel import write_all
from exporter.progress import QUIET, Progress
from exporter.source.reader import read_course
from exporter.build.report import REPORT_NAME, report_html
from exporter.writers import Artifact, Options, select
from exporter.writers.packaging import SCRATCH_PREFIX
from exporter.writers.layout import unplaced


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


def _shown(filename, staging: Path, out: Path):
    """The path an OS error names: an artifact in the staging folder by its place in the output folder,
    a package's scratch file as the output folder."""
    if not filename:
        return out
    path = Path(filename)
    if path.parent != staging:
        return path
    return out if path.name.startswith(SCRATCH_PREFIX) else out / path.name


def build(content: Path, out: Path, formats: str = "all", overrides: dict | None = None,
          options: Options | None = None, jobs: int | None = None, progress: Progress = QUIET,
          cache=None) -> BuildResult:
    """Raises ContentError or UsageError (nothing written), OutputError (an OS error writing; the output
    folder as it was) or output.Interrupted (SIGTERM; cleaned up); otherwise every artifact is in place, with
    the build report beside them. `jobs`: how many writers run at once (default: one per core); `cache`: an
    exporter.source.cache.PageCache (with a folder, writer output is kept there too: exporter.build.outputcache).
    What was made before the build, and the course once read, are left out of the garbage collector's passes
    until it ends (`gc.freeze`): they live as long as it does, and forked writers then leave their pages shared."""
    gc.freeze()
    try:
        return _build(content, out, formats, overrides, options, jobs, progress, cache)
    finally:
        gc.unfreeze()


def _build(content: Path, out: Path, formats: str, overrides: dict | None, options: Options | None,
           jobs: int | None, progress: Progress, cache) -> BuildResult:
    out = Path(out)
    writers = select(formats)  # a usage error before any reading
    # catalogs compiled and numbers written once, kept for the builds after this one (the reader asks for words)
    kept.keep_in(cache.folder / "i18n" if cache is not None and cache.folder is not None else None)
    course, report = read_course(content, overrides, cache=cache, progress=progress,
                                 quiz_only=not any(writer.pages for writer in writers))
    options = options or Options()
    outputs = OutputCache(cache.folder) if cache is not None and cache.db is not None else None
    if outputs is not None:  # templates compiled once per code, kept beside the writer output
        render.keep_compiled(cache.folder / "templates", code_digest())
    render.preload(name for writer in writers for name in writer.templates)  # once, before the writers fork
    # what each format cannot carry, said at its line from the course as read; then the writers read the course
    # without its lines (`Writer.reads`), made so here once, before they fork
    uncarried = [writer.uncarried(course) for writer in writers]
    course = unplaced(course, in_place=True)
    if outputs is not None:
        outputs.prepare(course, cache.tokens).outline  # noqa: B018 - made once, before the writers fork
    gc.freeze()
    result = BuildResult(course, report)
    with transaction(out) as staging:
        def place(writer) -> Path:  # each writer writes its package straight into its staging file
            return staging.folder / writer.filename(course)

        def finish(writer, artifact) -> tuple[Staged, Artifact]:
            staged = staging.seal(writer.filename(course), artifact.sha256)
            return staged, Artifact(None, artifact.pages, artifact.quizzes, artifact.items, artifact.warnings)

        with progress.stage("writing", len(writers), "format") as tick:
            try:
                produced = write_all(writers, course, options, finish, jobs, done=tick, place=place,
                                     outputs=outputs)
            except OSError as exc:  # a writer's own OS error (a course file, or writing its staged package)
                raise OutputError(_shown(getattr(exc, "filename", None), staging.folder, out), os_reason(exc)) \
                    from None
        for writer, (staged, artifact), said in zip(writers, produced, uncarried):
            for source, line, message in said:
                report.warning(source, line, message, writer.name)
            for w in artifact.warnings:
                report.warning(writer.filename(course), None, w, writer.name)
            result.artifacts.append(Built(writer.name, out / staged.name, staged.sha256, staged.bytes,
                                          artifact.pages, artifact.quizzes, artifact.items))
        result.report_path = out / REPORT_NAME
        page = staging.write(REPORT_NAME, report_html(result).encode("utf-8", "replace"))  # names on disk may not be UTF-8
        staging.commit([staged for staged, _ in produced] + [page])
    return result
