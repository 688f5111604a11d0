"""What the preview holds while it runs (finding 8 of issue 20): a large course file is served from disk by
path, never held whole in a package (not in each of the four format/mode views, not in the old and the new
build at once), and a connection left idle is closed after the preview's idle timeout."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE

BIG = 128 << 20  # bytes: a sparse file of zeros, so it costs no disk

# Runs in its own process, so what it measures is the preview's memory alone: VmHWM (the peak resident size)
# once the first build is served, and again after the four views (twice), every download of the big file and a
# rebuild with the four views open.
SCRIPT = r"""
import sys, urllib.request
from pathlib import Path
from exporter.preview import Preview

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024

course, name, size = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
preview = Preview(course, say=lambda text: None, watch=False)
preview.start()
views = [(f, m) for f in ("scorm12", "scorm2004") for m in ("pages", "course")]

def visit():
    for fmt, mode in views:
        with urllib.request.urlopen(preview.url + f"_preview/state?format={fmt}&mode={mode}", timeout=60) as r:
            r.read()
        got = 0
        with urllib.request.urlopen(preview.url + f"course/{fmt}/{mode}/{name}", timeout=60) as r:
            assert int(r.headers["Content-Length"]) == size
            while chunk := r.read(1 << 20):
                got += len(chunk)
        assert got == size, (got, size)

base = status("VmRSS")  # the first build, read and served
peak0 = status("VmHWM")
visit()
visit()
(course / "01-before.md").write_text((course / "01-before.md").read_text() + "\nOne more line.\n")
assert preview.session.rebuild()["ok"]
visit()
print(base, status("VmRSS"), peak0, status("VmHWM"))
preview.stop()
"""


@pytest.fixture
def course(tmp_path) -> Path:
    folder = tmp_path / "course"
    shutil.copytree(SAMPLE, folder)
    return folder


def test_a_large_course_file_is_served_from_disk_not_held(course):
    video = course / "images" / "ride.mp4"
    with open(video, "wb") as fh:
        fh.truncate(BIG)
    page = course / "01-before.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Watch the ride](images/ride.mp4)\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(course), "images/ride.mp4", str(BIG)], capture_output=True, check=False,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    base, rss, peak0, peak = map(int, r.stdout.split())
    # four views, four downloads of the file each round, a rebuild: held whole even once, it would be +128 MB
    # (the four views and a rebuild of the sample course itself take about 12 MB)
    assert rss - base < BIG // 4, f"resident size grew by {(rss - base) >> 20} MB"
    assert peak - base < BIG // 4, f"peak resident size grew by {(peak - base) >> 20} MB (baseline peak {peak0 >> 20} MB)"
    assert "Traceback" not in r.stderr


def test_an_idle_connection_is_closed_after_the_timeout(course):
    from exporter.preview import Preview

    preview = Preview(course, say=lambda text: None, watch=False, idle_timeout=0.5)
    preview.start()
    port = preview.server.server_address[1]
    try:
        for request in (b"", b"GET /_preview/preview.css HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(request)
                start = time.monotonic()
                received = b""
                try:
                    while chunk := s.recv(65536):  # a keep-alive answer first, then the close
                        received += chunk
                except TimeoutError:
                    pytest.fail("the idle connection was still open after 10 s")
                took = time.monotonic() - start
            assert took < 5, took
            assert received.startswith(b"HTTP/1.1 200") == bool(request), received[:100]
    finally:
        preview.stop()

