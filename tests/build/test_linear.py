"""Issue 13: every step linear in its input. Each test times a size and four times that size: a linear
step takes about 4x as long, the quadratic ones this replaced took 16x or more. bench/growth.py measures
the same shapes at larger sizes."""

from __future__ import annotations

import base64
import time
import tracemalloc

from coursekit import page, write_course


def timed(fn, *args) -> float:
    best = float("inf")
    for _ in range(2):  # the best of two: the machine is shared
        started = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - started)
    return best


def ratio(fn, small, large) -> float:
    return timed(fn, large) / max(timed(fn, small), 1e-3)


def item(text: str) -> str:
    return base64.b64encode(f"{text}/Y/Because.".encode()).decode()


def test_identical_items_get_their_ids_in_linear_time():
    from exporter.ids import item_id

    def ids(n):
        taken: dict[str, int] = {}
        return [item_id("c_p1", "same", taken) for _ in range(n)]

    got = ids(5)
    assert got == ["c_p1_i" + got[0][6:], *(f"{got[0]}_{k}" for k in range(2, 6))]
    started = time.perf_counter()
    assert len(set(ids(20000))) == 20000  # 81 s before
    assert time.perf_counter() - started < 1


def test_item_banks_unfold_in_linear_time():
    from exporter.source.markup import render

    def bank(n):
        return "Quiz\n\n" + "\n".join(f"- {item(f'Statement {k}')}" for k in range(n)) + "\n"

    small, large = bank(4000), bank(16000)
    assert len(render(large).findall(".//li")) == 16000
    assert ratio(render, small, large) < 9


def test_link_lines_are_found_in_linear_time(tmp_path):
    """Every site-absolute link warns at its own line; 20 000 links took 28 s before."""
    from exporter.source.reader import read_course

    def course(n):
        body = "\n\n".join(f"Paragraph {k}: see [the site](/place/{k}/)." for k in range(n))
        return write_course(tmp_path / f"c{n}", {"a.md": page("Links", 0, body + "\n")})

    small, large = course(2000), course(8000)
    _, report = read_course(large)
    assert [w.line for w in report.warnings] == [6 + 2 * k for k in range(8000)]
    assert ratio(read_course, small, large) < 9


def test_text_finder_survives_text_it_cannot_find():
    """Lines of things found in the rendered page (encoded items left outside a quiz) are looked up forward
    from the last one; lookups that find nothing are bounded by the page's scan budget, not each a scan."""
    from exporter.source.linefinder import LineFinder

    finder = LineFinder([f"line {k}: word{k}." for k in range(20000)], 10)
    started = time.perf_counter()
    assert [finder.find(f"word{k}.") for k in range(0, 20000, 1000)] == list(range(10, 20010, 1000))
    for k in range(20000):
        finder.find(f"missing-{k}")
    assert time.perf_counter() - started < 3
    assert finder.find("word5000.") == 5010  # known answers stay known


def test_a_large_carried_file_is_streamed(tmp_path):
    """A 40 MiB file in an html build: the old build read it whole, compressed it whole and copied the zip
    (at 200 MiB that peaked at 1.4 GB); now only the zip being built is held, so Python's peak stays near
    the zip's own size."""
    import os

    from exporter.build.pipeline import build

    size = 40 << 20
    folder = write_course(tmp_path / "c", {"a.md": page("File", 0, "[The data](data.bin)\n")})
    with open(folder / "data.bin", "wb") as fh:
        fh.write(os.urandom(size))
    tracemalloc.start()
    try:
        result = build(folder, tmp_path / "out", "html", jobs=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.artifacts[0].bytes > size
    assert peak < 1.6 * size, f"peak {peak / 2**20:.0f} MiB for a {size >> 20} MiB file"
