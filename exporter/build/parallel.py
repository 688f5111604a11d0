"""Run the writers of one build side by side on the machine's cores.

Writers are independent given the model, so each can run in a worker process forked from the build:
the worker inherits the course as it is (nothing to pickle on the way in), writes its artifact where
`finish` puts it (the build's staging folder) and sends back only a small record, so the build never holds
every artifact in memory at once. Output is the same as one writer after another; that is the fallback with
one job, one writer, one core, or no `fork` on the platform. If the build is interrupted or a writer fails,
the other workers are stopped before the exception leaves.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

from exporter.build.outputcache import OutputCache
from exporter.errors import ContentError, Diagnostic
from exporter.model import Course
from exporter.writers import Artifact, Options, Writer

T = TypeVar("T")
_job: tuple | None = None  # what forked workers inherit: writers, course, options, finish, place, outputs


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def write_all(writers: list[Writer], course: Course, options: Options,
              finish: Callable[[Writer, Artifact], T], jobs: int | None = None,
              done: Callable[[int], None] | None = None,
              place: Callable[[Writer], Path] | None = None, outputs: OutputCache | None = None) -> list[T]:
    """`finish(writer, artifact)` for every writer, in the writers' order (run where the writer ran);
    done(1) after each one (a progress bar). `place(writer)`: the file the writer writes its package into
    (without it, each artifact comes back as bytes). `outputs`: the cache of writer output, for artifacts
    written into a place.
    Raises ContentError naming each format whose writer failed (a bug in a writer, never a traceback)."""
    jobs = min(jobs or default_jobs(), len(writers))
    done = done or (lambda n: None)
    global _job
    _job = (writers, course, options, finish, place, outputs)
    try:
        if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
            results = []
            for n in range(len(writers)):
                results.append(_write_one(n))
                done(1)
        else:
            results = _in_workers(len(writers), jobs, done)
    finally:
        _job = None
    failed = [Diagnostic(f"format {w.name}", None, f"the writer failed ({r}): nothing was written; this is a bug "
                         "in exporter, please report it with the course that shows it")
              for w, r in zip(writers, results) if isinstance(r, str)]
    if failed:
        raise ContentError(failed)
    return results  # type: ignore[return-value]


def _in_workers(count: int, jobs: int, done: Callable[[int], None]) -> list:
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_quiet_worker)
    results: list = [None] * count
    try:
        futures = {pool.submit(_write_one, n): n for n in range(count)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done(1)
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _quiet_worker() -> None:
    """Workers leave signals to the build: Ctrl-C reaches the build, which stops them; SIGTERM ends one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _write_one(index: int):
    """finish(writer, its artifact), or what went wrong in the writer as one line. OS errors (a course file
    that vanished, a full disk) are not the writer's fault: they leave as they are."""
    assert _job is not None, "a worker runs only inside write_all"
    writers, course, options, finish, place, outputs = _job
    writer = writers[index]
    try:
        artifact = _written(writer, course, options, place(writer) if place else None, outputs)
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure becomes a diagnostic naming the format
        return f"{type(exc).__name__}: {exc}"
    return finish(writer, artifact)


def _written(writer: Writer, course: Course, options: Options, target: Path | None,
             outputs: OutputCache | None) -> Artifact:
    """The writer's artifact: copied from the cache of writer output when what it reads is what it read when it
    was kept, else written (and kept)."""
    if outputs is None or target is None:
        return writer.write(course, options, target)
    key = outputs.writer_key(writer, course, options)
    artifact = outputs.fetch(writer, course, key, target)
    if artifact is None:
        writer.fragments = outputs.fragments(writer, course, options)
        try:
            artifact = writer.write(course, options, target)
        finally:
            writer.fragments = None
        outputs.store(writer, course, key, artifact)
    return artifact
