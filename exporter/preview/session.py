"""What the preview serves: the last good build of the course, the errors of the last save, and the
SCORM packages' files built in memory by the same writers as `exporter build`, one format and mode at a
time, when first asked for.

A rebuild reads the course again (through the per-page cache when one is given, so only the pages a save
touched are rendered) and rebuilds only the packages that were asked for; a build with errors keeps the
last good one served. Each rebuild is one `generation`; listeners hear of it with the files that changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from exporter.errors import ContentError, Diagnostic, UsageError
from exporter.model import Course, LocalFile
from exporter.preview.outline import course_pages, read_outline
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options

FORMATS = ("scorm12", "scorm2004")
MODES = ("pages", "course")


def diagnostic_json(d: Diagnostic) -> dict:
    return {"path": d.path, "line": d.line, "message": d.message, "level": d.level, "text": str(d)}


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
        self.packages: dict[tuple[str, str], dict[str, bytes]] = {}
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
        with self.lock:
            changed: dict[str, list[str]] = {}
            if course is not None:
                old = self.packages
                self.course, self.warnings, self.packages = course, warnings, {}
                for key, files in old.items():  # only the packages someone looked at
                    new = self._package(*key)
                    changed["/".join(key)] = sorted(n for n in new.keys() | files.keys()
                                                    if new.get(n) != files.get(n))
            self.errors = errors
            self.generation += 1
            self.last_event = {"generation": self.generation, "ok": not errors, "changed": changed,
                               "errors": [diagnostic_json(d) for d in errors]}
            self.changed.notify_all()
            return self.last_event

    def _package(self, fmt: str, mode: str) -> dict[str, bytes]:
        files = WRITERS[fmt]().files(self.course, Options(scorm_mode=mode))
        built = {name: data.encode("utf-8") if isinstance(data, str) else
                 data.read() if isinstance(data, LocalFile) else data for name, data in files.items()}
        self.packages[(fmt, mode)] = built
        return built

    def package(self, fmt: str, mode: str) -> dict[str, bytes] | None:
        """The package's files by path (None before the first good build)."""
        with self.lock:
            if self.course is None:
                return None
            return self.packages.get((fmt, mode)) or self._package(fmt, mode)

    # ---- what the page asks for ----

    def state(self, fmt: str, mode: str) -> dict:
        with self.lock:
            files = self.package(fmt, mode)
            course = self.course
            state = {
                "generation": self.generation,
                "ok": not self.errors,
                "errors": [diagnostic_json(d) for d in self.errors],
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
