"""A progress bar on stderr for builds that take more than a moment (tqdm).

Shown only to a person at a terminal: never when stderr is not a terminal (pipes, CI logs), never with
`--json` or `--quiet`, never when CI is set or TERM is dumb; and even then only once a stage has taken
longer than DELAY seconds, so a quick build prints nothing extra. It goes away when the stage ends.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DELAY = 0.5  # seconds a stage runs before its bar appears


def wanted(quiet: bool = False, json_output: bool = False, stream=None) -> bool:
    stream = stream or sys.stderr
    if quiet or json_output or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Stages of a build, each with a bar: `with progress.stage("reading", 58, "page") as tick: ... tick()`."""

    def __init__(self, enabled: bool, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr

    @contextmanager
    def stage(self, desc: str, total: int, unit: str) -> Iterator[Callable[[int], None]]:
        if not self.enabled or total <= 0:
            yield lambda n=1: None
            return
        from tqdm import tqdm

        bar = tqdm(total=total, desc=desc, unit=f" {unit}", file=self.stream, delay=DELAY, leave=False,
                   dynamic_ncols=True, mininterval=0.1)
        try:
            yield bar.update
        finally:
            bar.close()


QUIET = Progress(False)
