"""Run the writers of one build side by side on the machine's cores.

Writers are independent given the model, so each can run in a worker process forked from the build:
the worker inherits the course as it is (nothing to pickle on the way in) and sends back its artifact's
bytes. Output is the same as one writer after another; that is the fallback with one job, one writer,
one core, or no `fork` on the platform.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

from .errors import ContentError, Diagnostic
from .model import Course
from .writers import Artifact, Options, Writer

_job: tuple[list[Writer], Course, Options] | None = None  # what forked workers inherit


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def write_all(writers: list[Writer], course: Course, options: Options, jobs: int | None = None,
              done: Callable[[int], None] | None = None) -> list[Artifact]:
    """Every writer's artifact, in the writers' order; done(1) after each one (a progress bar).
    Raises ContentError naming each format whose writer failed (a bug in a writer, never a traceback)."""
    jobs = min(jobs or default_jobs(), len(writers))
    done = done or (lambda n: None)
    global _job
    _job = (writers, course, options)
    try:
        results: list[Artifact | str | None] = [None] * len(writers)
        if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
            for n in range(len(writers)):
                results[n] = _write_one(n)
                done(1)
        else:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                futures = {pool.submit(_write_one, n): n for n in range(len(writers))}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    done(1)
    finally:
        _job = None
    failed = [Diagnostic(f"format {w.name}", None, f"the writer failed ({r}): nothing was written; this is a bug "
                         "in exporter, please report it with the course that shows it")
              for w, r in zip(writers, results) if isinstance(r, str)]
    if failed:
        raise ContentError(failed)
    return results  # type: ignore[return-value]


def _write_one(index: int) -> Artifact | str:
    """The writer's artifact, or what went wrong as one line."""
    assert _job is not None, "a worker runs only inside write_all"
    writers, course, options = _job
    try:
        return writers[index].write(course, options)
    except Exception as exc:  # noqa: BLE001 - any failure becomes a diagnostic naming the format
        return f"{type(exc).__name__}: {exc}"
