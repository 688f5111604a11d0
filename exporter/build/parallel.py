"""Run the writers of one build side by side on the machine's cores.

Writers are independent given the model, so each can run in a worker process forked from the build:
the worker inherits the course as it is (nothing to pickle on the way in), writes its artifact where
`finish` puts it (the build's staging folder) and sends back only a small record, so the build never holds
every artifact in memory at once. Output is the same as one writer after another; that is the fallback with
one job, one writer, one core, or no `fork` on the platform. If the build is interrupted or a writer fails,
the other workers are stopped before the exception leaves.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from exporter.build.outputcache import OutputCache
from exporter.errors import ContentError, Diagnostic
from exporter.model import Course
from exporter.writers import Artifact, Options, Writer
from exporter.writers.packaging import StaleFragments

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
        results: list = [None] * len(writers)
        pending = list(range(len(writers)))
        if outputs is not None and place is not None:
            pending = _warm(pending, results, done)
        if jobs < 2 or len(pending) < 2 or not _can_fork():
            for n in pending:
                results[n] = _write_one(n)
                done(1)
        else:
            for n, result in zip(pending, _in_workers(pending, jobs, done)):
                results[n] = result
    finally:
        _job = None
    failed = [Diagnostic(f"format {w.name}", None, f"the writer failed ({r}): nothing was written; this is a bug "
                         "in exporter, please report it with the course that shows it")
              for w, r in zip(writers, results) if isinstance(r, str)]
    if failed:
        raise ContentError(failed)
    return results  # type: ignore[return-value]


IN_BUILD = 1.0  # CPU seconds of warm writers the build runs itself before it hands the rest to worker processes


def _warm(pending: list[int], results: list, done: Callable[[int], None]) -> list[int]:
    """The writers whose artifact is kept whole copy it here, in the build; when every other one has its fragments
    from an earlier build (little to make: one page's part, say), they are run here too, one after another, until
    they have taken `IN_BUILD` seconds of CPU: forking a worker process costs its copy of the pages of the course
    it touches (measured on a warm build of 580 pages after a one-page edit: 0.45 s of CPU more in two workers
    than in the build, and 0.2 s more wall time). The writers left, if any, are returned."""
    writers, course, options, finish, place, outputs = _job
    left = []
    for n in pending:
        writer = writers[n]
        key = outputs.writer_key(writer, course, options)
        artifact = outputs.fetch(writer, course, key, place(writer))
        if artifact is None:
            left.append(n)
            continue
        results[n] = finish(writer, artifact)
        done(1)
    if not all(outputs.has_fragments(writers[n], course) for n in left):
        return left  # a writer with nothing kept makes its whole package: side by side
    start = time.process_time()
    while left and (len(left) == 1 or time.process_time() - start < IN_BUILD):
        n = left.pop(0)
        results[n] = _write_one(n)
        done(1)
    return left


def _can_fork() -> bool:
    import multiprocessing  # (here: a build that writes in its own process need not load it)

    return "fork" in multiprocessing.get_all_start_methods()


def _in_workers(indexes: list[int], jobs: int, done: Callable[[int], None]) -> list:
    """`_write_one` of each writer of `indexes` in worker processes; their results in that order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=min(jobs, len(indexes)), mp_context=multiprocessing.get_context("fork"),
                               initializer=_quiet_worker)
    results: list = [None] * len(indexes)
    try:
        futures = {pool.submit(_write_one, n): k for k, n in enumerate(indexes)}
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
        except StaleFragments:  # a damaged piece the writer found late: written again, its fragments made anew
            outputs.forget_fragments(writer, course)
            writer.fragments = outputs.fragments(writer, course, options)
            artifact = writer.write(course, options, target)
        finally:
            writer.fragments = None
        outputs.store(writer, course, key, artifact)
    return artifact
