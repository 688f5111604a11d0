"""`exporter preview`: a local LMS for the author. See server.py for the routes, session.py for what is
built, templates/preview/ for the page (outline, the SCO in a frame, the live log of LMS calls)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path

from exporter.build.watch import watch_in_thread
from exporter.preview.runtime import find_runtime
from exporter.preview.server import IDLE_TIMEOUT, PreviewServer
from exporter.preview.session import Session
from exporter.source.cache import PageCache
from exporter.source.reader import read_course

__all__ = ["Preview", "PreviewServer", "Session"]


class Preview:
    """The server, its session and the folder watcher, started and stopped together."""

    def __init__(self, content: Path, port: int = 0, fmt: str = "scorm12", mode: str = "pages",
                 overrides: dict | None = None, runtime: str = "auto", reader: Callable | None = None,
                 say: Callable[[str], None] | None = None, watch: bool = True, idle_timeout: float = IDLE_TIMEOUT):
        self.content = Path(content)
        self.say = say or (lambda text: print(text, file=sys.stderr, flush=True))
        self.cache = PageCache()  # in memory: a save renders again only the pages it touched
        self.session = Session(self.content, overrides,
                               reader or (lambda folder, over: read_course(folder, over, cache=self.cache)))
        checkout = Path(__file__).resolve().parent.parent.parent
        self.runtime = find_runtime(self.content, Path.cwd(), checkout, prefer=runtime)
        self.server = PreviewServer(self.session, self.runtime, port, fmt, mode, idle_timeout)
        self.watching = watch
        self._stop_watch: threading.Event | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> None:
        self._report(self.session.rebuild(), first=True)
        self.server.start()
        if self.watching:
            _, self._stop_watch = watch_in_thread(self.content, self._changed)

    def _changed(self, paths: set[Path]) -> None:
        """The watcher's call after a save: whatever happens, it returns, so the watcher keeps watching
        (Session.rebuild turns every failure into the event's errors)."""
        try:
            self._report(self.session.rebuild())
        except Exception as exc:  # noqa: BLE001 - reporting itself failed: say so, keep watching
            self.say(f"exporter preview: rebuilding after a save failed: {type(exc).__name__}: {exc} "
                     "(a bug in exporter: please report it)")

    def _report(self, event: dict, first: bool = False) -> None:
        if event["ok"]:
            course = self.session.course
            done = "built" if first else "rebuilt"
            self.say(f"{done}: {course.identifier}, {len(course.pages)} pages, {len(course.quizzes)} quizzes "
                     f"(build {event['generation']})")
            for d in self.session.warnings:
                self.say(str(d))
        else:
            for e in event["errors"]:
                self.say(e["text"])
            kept = "the last good build stays served" if self.session.course else "nothing to show yet"
            self.say(f"{len(event['errors'])} error(s): {kept}")

    def stop(self) -> None:
        if self._stop_watch is not None:
            self._stop_watch.set()
        self.server.stop()


def serve(content: Path, port: int, fmt: str, mode: str, overrides: dict, reader: Callable | None = None) -> int:
    """Run until Ctrl-C; prints the URL on stdout."""
    preview = Preview(content, port, fmt, mode, overrides, reader=reader)
    try:
        preview.start()
    except KeyboardInterrupt:  # Ctrl-C during the first build: let the port go; the command line exits 130
        if preview.server.thread is None:
            preview.server.server_close()
        else:
            preview.stop()
        raise
    runtime = preview.runtime
    used = f"scorm-again {runtime.version}".strip() if runtime.name == "scorm-again" else \
        "the preview's own recording API (scorm-again not found)"
    print(f"exporter preview: {preview.url}", flush=True)
    print(f"serving {content} as {fmt} ({mode} mode), runtime: {used}; rebuilds on save; Ctrl-C stops",
          file=sys.stderr, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
    return 0
