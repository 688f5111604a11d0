"""The progress bar: on a terminal only, after a moment, never with --json, --quiet or in CI."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from exporter.progress import DELAY, Progress, wanted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wanted_only_for_a_person_at_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wanted(stream=Terminal())
    assert not wanted(stream=io.StringIO())  # a pipe or a file
    assert not wanted(quiet=True, stream=Terminal())
    assert not wanted(json_output=True, stream=Terminal())
    monkeypatch.setenv("CI", "true")
    assert not wanted(stream=Terminal())
    monkeypatch.delenv("CI")
    monkeypatch.setenv("TERM", "dumb")
    assert not wanted(stream=Terminal())


def test_a_slow_stage_shows_a_bar_and_a_quick_one_does_not():
    out = Terminal()
    with Progress(True, out).stage("writing", 3, "format") as tick:
        tick(1)
    assert out.getvalue() == ""
    with Progress(True, out).stage("writing", 3, "format") as tick:
        time.sleep(DELAY + 0.3)
        tick(1)
        tick(1)
    assert "writing" in out.getvalue() and "format" in out.getvalue()


def _in_a_terminal(*args: str, ci: bool = False) -> str:
    """Run exporter with stdout and stderr on a pseudo-terminal; everything it printed."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm", **({"CI": "true"} if ci else {}))
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "exporter", *args], stdout=follower, stderr=follower, env=env,
                            cwd=ROOT)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process ended
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("extra", [["--json"], ["--quiet"]])
def test_no_bar_with_json_or_quiet_even_on_a_terminal(corpus, tmp_path, extra):
    text = _in_a_terminal("build", str(corpus), "--out", str(tmp_path), "--jobs", "1", *extra)
    assert "writing" not in text and "reading" not in text


def test_no_bar_in_ci(corpus, tmp_path):
    text = _in_a_terminal("build", str(corpus), "--out", str(tmp_path), "--jobs", "1", ci=True)
    assert "writing" not in text and "reading" not in text
