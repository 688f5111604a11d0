"""Watch a course folder and act on each save: `exporter build --watch` and the preview's rebuilds.

watchfiles reports changes in batches (a save that writes several files is one batch). Editor scratch
files, version control, caches and the build's own output folder are not course changes and are ignored.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

IGNORED_DIRS = frozenset({".git", ".hg", ".svn", ".exporter-cache", "node_modules", "__pycache__", ".idea",
                          ".vscode"})
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")
DEBOUNCE_MS = 400  # the longest a batch waits for more changes
STEP_MS = 30  # a batch ends after this long without a change


class CourseFilter(watchfiles.DefaultFilter):
    """Course changes only: no editor scratch files, no output folders inside the course folder."""

    def __init__(self, ignore: Iterable[Path] = ()):
        super().__init__(ignore_dirs=tuple(IGNORED_DIRS))
        self.ignore = [p.resolve() for p in ignore]

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name
        if name.startswith(".#") or name == "4913" or name.endswith(_SCRATCH_SUFFIXES):
            return False  # Emacs lock files, vim's write test and swap files, partial downloads
        if self.ignore:
            resolved = Path(path).resolve()
            if any(resolved == d or d in resolved.parents for d in self.ignore):
                return False
        return super().__call__(change, path)


def watch(folder: Path, on_change: Callable[[set[Path]], None], stop: threading.Event,
          ignore: Iterable[Path] = (), ready: threading.Event | None = None) -> None:
    """Call on_change(changed paths) after each batch of course changes, until `stop` is set.
    `ready` is set once the watcher is listening (a save after that is seen)."""
    watcher = watchfiles.watch(folder, watch_filter=CourseFilter(ignore), stop_event=stop, debounce=DEBOUNCE_MS,
                               step=STEP_MS, rust_timeout=200, yield_on_timeout=True, raise_interrupt=False)
    for changes in watcher:  # the first batch may be empty (a timeout): the watcher is listening by then
        if ready is not None:
            ready.set()
        if changes:
            on_change({Path(p) for _, p in changes})


def watch_in_thread(folder: Path, on_change: Callable[[set[Path]], None], ignore: Iterable[Path] = (),
                    timeout: float = 10.0) -> tuple[threading.Thread, threading.Event]:
    """Start watching in a daemon thread; returns it and the event that stops it. Waits (at most `timeout`
    seconds) until the watcher listens, so a save right after this call is not missed."""
    stop, ready = threading.Event(), threading.Event()

    def run() -> None:
        try:
            watch(folder, on_change, stop, ignore, ready)
        except Exception as exc:  # noqa: BLE001 - a watcher that dies says so, never stops rebuilds silently
            print(f"exporter: watching {folder} stopped: {exc}", file=sys.stderr)
            ready.set()

    thread = threading.Thread(target=run, name="exporter-watch", daemon=True)
    thread.start()
    ready.wait(timeout)
    return thread, stop


def rebuild_on_save(folder: Path, build: Callable[[], int], ignore: Iterable[Path] = ()) -> int:
    """`exporter build --watch`: build, then build again after each save, until Ctrl-C. A build with errors
    prints them and leaves the last good artifacts in place (a build writes nothing unless it succeeds).
    The exit code is the first build's when the folder cannot be read at all (a usage error), else 0."""
    try:
        first = build()
        if first == 2:
            return first
        stop = threading.Event()
        watch(folder, lambda paths: _again(build, paths), stop, ignore,
              ready=_Said(f"watching {folder} for changes; Ctrl-C stops"))
    except KeyboardInterrupt:
        pass
    return 0


class _Said(threading.Event):
    """`watch`'s ready event that says `text` when it is set: "watching" is printed once the watcher listens, so a
    save made after the line appears is seen (printed before, a save in between was missed)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def set(self) -> None:
        if not self.is_set():
            print(self.text, file=sys.stderr, flush=True)
        super().set()


def _again(build: Callable[[], int], paths: set[Path]) -> None:
    names = ", ".join(sorted(p.name for p in paths)[:5]) + (", ..." if len(paths) > 5 else "")
    print(f"changed: {names}: building again", file=sys.stderr, flush=True)
    build()
