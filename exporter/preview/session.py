"""What the preview serves: the last good build of the course, the errors of the last save, and the
SCORM packages' files built in memory by the same writers as `exporter build`, one format and mode at a
time, when first asked for. A course file the package carries is held by path (OnDisk) and served from disk:
a 300 MB video is never read whole, neither by the four format/mode views nor by the old and new builds.

A rebuild reads the course again (through the per-page cache when one is given, so only the pages a save
touched are rendered) and rebuilds only the packages that were asked for; a build with errors keeps the
last good one served. Each rebuild is one `generation`; listeners hear of it with the files that changed.
Whatever fails in a rebuild or while a package is built (a course file deleted meanwhile, an OS error, a bug)
becomes the preview's errors, naming the file where there is one: the watcher that calls rebuild() never stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exporter.build.staging import os_reason
from exporter.errors import ContentError, Diagnostic, UsageError
from exporter.model import Course, LocalFile
from exporter.preview.outline import course_pages, read_outline
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options

FORMATS = ("scorm12", "scorm2004")
MODES = ("pages", "course")


def diagnostic_json(d: Diagnostic) -> dict:
    return {"path": d.path, "line": d.line, "message": d.message, "level": d.level, "text": str(d)}


@dataclass(frozen=True)
class OnDisk:
    """A course file of a package, served from disk by path. Its size and modification time when the package
    was built tell a rebuild whether it changed (-1 when it could not be read then)."""

    path: Path
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> OnDisk:
        try:
            st = path.stat()
        except OSError:
            return cls(path, -1, -1)
        return cls(path, st.st_size, st.st_mtime_ns)


class PackageFailed(Exception):
    """A package of the last good build could not be built; its diagnostics say why and where."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


def failure(exc: Exception, where: str, doing: str) -> Diagnostic:
    """An unforeseen failure as the preview's error: an OS error at its file, anything else as a bug."""
    if isinstance(exc, OSError):
        return Diagnostic(str(exc.filename) if exc.filename else where, None, f"{doing}: {os_reason(exc)}")
    return Diagnostic(where, None, f"{doing}: {type(exc).__name__}: {exc} (a bug in exporter: please report it)")


class Session:
    def __init__(self, content: Path, overrides: dict | None = None, reader: Callable | None = None):
        self.content = Path(content)
        self.overrides = overrides or {}
        self.reader = reader or read_course  # (folder, overrides) -> (course, report)
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.generation = 0
        self.course: Course | None = None  # the last good build
        self.errors: list[Diagnostic] = []  # the last build's errors ([] when it was good)
        self.warnings: list[Diagnostic] = []  # the last good build's warnings and notes
        self.packages: dict[tuple[str, str], dict[str, bytes | OnDisk]] = {}
        self.last_event: dict = {}
        self.closed = False

    # ---- building ----

    def rebuild(self) -> dict:
        """Read the course again; returns the event listeners receive."""
        try:
            course, report = self.reader(self.content, self.overrides)
            errors: list[Diagnostic] = []
            warnings = report.warnings + report.notes
        except ContentError as exc:
            course, errors, warnings = None, list(exc.diagnostics), []
        except UsageError as exc:
            course, errors, warnings = None, [Diagnostic(str(self.content), None, str(exc))], []
        except Exception as exc:  # noqa: BLE001 - an OS error or a bug is this save's error, never the watcher's end
            course, errors, warnings = None, [failure(exc, str(self.content), "reading the course failed")], []
        with self.lock:
            changed: dict[str, list[str]] = {}
            if course is not None:
                old = self.packages
                self.course, self.warnings, self.packages = course, warnings, {}
                for key, files in old.items():  # only the packages someone looked at (course files by path)
                    try:
                        new = self._package(*key)
                    except PackageFailed as exc:
                        errors.extend(exc.diagnostics)
                        continue
                    changed["/".join(key)] = sorted(n for n in new.keys() | files.keys()
                                                    if new.get(n) != files.get(n))
            self.errors = errors
            self.generation += 1
            self.last_event = {"generation": self.generation, "ok": not errors, "changed": changed,
                               "errors": [diagnostic_json(d) for d in errors]}
            self.changed.notify_all()
            return self.last_event

    def _package(self, fmt: str, mode: str) -> dict[str, bytes | OnDisk]:
        """Build one package of the last good build; raises PackageFailed."""
        try:
            files = WRITERS[fmt]().files(self.course, Options(scorm_mode=mode))
            built = {name: data.encode("utf-8") if isinstance(data, str) else
                     OnDisk.of(data.path) if isinstance(data, LocalFile) else data for name, data in files.items()}
        except Exception as exc:  # noqa: BLE001 - shown as the preview's error, with the file where there is one
            raise PackageFailed([failure(exc, str(self.content), f"building the {fmt} package ({mode} mode) "
                                                                 "failed")]) from None
        self.packages[(fmt, mode)] = built
        return built

    def package(self, fmt: str, mode: str) -> dict[str, bytes | OnDisk] | None:
        """The package's files by path, course files as OnDisk (None before the first good build); raises
        PackageFailed when the package cannot be built."""
        with self.lock:
            if self.course is None:
                return None
            return self.packages.get((fmt, mode)) or self._package(fmt, mode)

    # ---- what the page asks for ----

    def state(self, fmt: str, mode: str) -> dict:
        with self.lock:
            errors = list(self.errors)
            try:
                files = self.package(fmt, mode)
            except PackageFailed as exc:
                files, errors = None, errors + exc.diagnostics
            course = self.course
            state = {
                "generation": self.generation,
                "ok": not errors,
                "errors": [diagnostic_json(d) for d in errors],
                "warnings": [diagnostic_json(d) for d in self.warnings],
                "format": fmt,
                "mode": mode,
                "course": None,
            }
            if course is not None and files is not None:
                state["course"] = {"title": course.title, "identifier": course.identifier,
                                   "language": course.language}
                state["outline"] = read_outline(files["imsmanifest.xml"])
                if mode == "course":
                    state["pages"] = course_pages(course)
            return state

    def wait(self, generation: int, timeout: float) -> dict | None:
        """The newest event once the generation passes `generation` (None on timeout or close)."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation > generation or self.closed, timeout)
            if self.closed or self.generation <= generation:
                return None
            return self.last_event

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()
