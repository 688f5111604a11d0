"""`exporter build --watch`: build, rebuild on each save, keep the last good artifacts on a broken save."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import watchfiles
from conftest import ROOT, SAMPLE

from exporter.build.watch import CourseFilter, watch_in_thread


def wait_for(condition, timeout: float = 15.0, what: str = "") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_build_watch_rebuilds_on_save_and_keeps_the_last_good_build(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(SAMPLE, course)
    out = tmp_path / "out"
    artifact = out / "safe-cycling-html.zip"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "exporter", "build", str(course), "--watch", "--format", "html",
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    stderr: list[str] = []
    threading.Thread(target=lambda: [stderr.append(ln) for ln in proc.stderr], daemon=True).start()
    try:
        wait_for(lambda: any("watching" in ln for ln in stderr), what="the first build")
        first = artifact.read_bytes()
        page = course / "03-clothing.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nBring a spare layer.\n", encoding="utf-8")
        wait_for(lambda: artifact.read_bytes() != first, what="the rebuild after a save")
        second = artifact.read_bytes()
        page.write_text("no front matter at all\n", encoding="utf-8")
        wait_for(lambda: any("03-clothing.md:1: error" in ln for ln in stderr), what="the error")
        time.sleep(0.3)
        assert artifact.read_bytes() == second, "a broken save leaves the last good artifact"
        assert proc.poll() is None, "the watch goes on after an error"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not any("Traceback" in ln for ln in stderr), "".join(stderr)


def test_watch_with_an_unknown_format_stops_at_once(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "exporter", "build", str(SAMPLE), "--watch", "--format", "nope",
                        "--out", str(tmp_path)], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and "unknown format" in r.stderr


def test_filter_skips_scratch_files_and_the_output_folder(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    f = CourseFilter([out])
    added = watchfiles.Change.added
    assert f(added, str(tmp_path / "page.md"))
    assert f(added, str(tmp_path / "images" / "a.png"))
    for name in (".#page.md", "page.md~", ".page.md.swp", "4913", "dist/x-html.zip", ".exporter-cache/x",
                 ".git/index"):
        assert not f(added, str(tmp_path / name)), name


def test_watcher_reports_a_save_in_one_batch(tmp_path):
    seen: list[set[Path]] = []
    thread, stop = watch_in_thread(tmp_path, seen.append)
    try:
        (tmp_path / "a.md").write_text("one", encoding="utf-8")
        (tmp_path / "b.md").write_text("two", encoding="utf-8")
        wait_for(lambda: seen, timeout=10, what="a batch")
        time.sleep(0.5)
        names = {p.name for batch in seen for p in batch}
        assert names == {"a.md", "b.md"}
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
