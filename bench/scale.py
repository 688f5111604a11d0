"""The scale half of the benchmark: the whole `all` build of the corpus x1, x10 and x100, and a warm rebuild.

- `all` build: `python -m exporter build <course> --format all --no-cache` as a whole process, its wall time, the
  build's own time (after imports, reported by the process), and its peak memory: the peak, sampled every
  20 ms, of the summed PSS of the process and its forked writers (PSS shares copy-on-write pages fairly, so
  the sum is what the build really holds), and the largest single process's VmHWM.
- warm rebuild (x10), in one process: a clean `all` build with an empty in-memory page cache, then one page
  edited and the build run again (what `exporter build --watch` does), and the same for the preview's own
  rebuild (the scorm12 package it serves). Also a repeated `all` build with the disk cache warm.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

SAMPLE_EVERY = 0.02  # seconds between memory samples


# ---- memory of a process tree ---------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory:
    """Samples the summed PSS of a process and its descendants until stopped; `peak_mib` is the highest."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += _children(pid)
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(p) for p in pids))
            self._stop.wait(SAMPLE_EVERY)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(timeout=5)
        return self.peak_kib / 1024


def cpu_seconds(who: int) -> float:
    """user + sys of this process (RUSAGE_SELF) or of its children that have ended (RUSAGE_CHILDREN)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def tree_cpu() -> float:
    """CPU of this process and of every child it has waited for (a build's forked writers, a subprocess)."""
    return cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)


# ---- workers (run in a fresh process by bench/run.py) ----------------------------------------------------

def worker_all(source: Path, out: Path) -> None:
    """One clean `all` build in this process; prints {"seconds", "cpu", "pages", "items", "peak_mib"} (cpu: user +
    sys of the build and its writers, after imports)."""
    from bench.run import peak_mib
    from exporter.build.pipeline import build

    shutil.rmtree(out, ignore_errors=True)
    start, cpu = time.perf_counter(), tree_cpu()
    result = build(source, out, "all")
    seconds = time.perf_counter() - start
    cpu = tree_cpu() - cpu  # the pool has joined its workers: their CPU is in RUSAGE_CHILDREN
    print(json.dumps({"seconds": seconds, "cpu": cpu, "pages": len(result.course.pages),
                      "items": len(result.course.items), "peak_mib": peak_mib()}))


def _edit(page: Path) -> str:
    """The page with a sentence added at its end (figure 3's first edit); its text before."""
    text = page.read_text(encoding="utf-8")
    page.write_text(EDITS["a sentence added at its end"](text), encoding="utf-8")
    return text


_ITEM_LINE = re.compile(r"^([-*+] )[A-Za-z0-9+/]{8,}={0,2}[ \t]*$", re.MULTILINE)
_FRONT_END = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)

# figure 3's edits, each of one page: what an author does most (the page's text at its end, a paragraph above
# its quiz, which moves the lines of the quiz and its items, and one quiz item rewritten in plain form)
EDITS = {
    "a sentence added at its end": lambda text: text + "\nA sentence added by the benchmark.\n",
    "a paragraph added at its top": lambda text: _FRONT_END.sub(
        lambda m: m.group(0) + "\nA paragraph added by the benchmark.\n", text, count=1),
    "one quiz item rewritten": lambda text: _ITEM_LINE.sub(
        lambda m: m.group(1) + "A statement rewritten by the benchmark /Y/ and its explanation", text, count=1),
}


def edited_page(course: Path) -> Path:
    """The page figure 3 edits: the first with a quiz of encoded items from a third into the course."""
    pages = sorted(course.glob("*.md"))
    for page in pages[len(pages) // 3:] + pages:
        if 'data-n="' in (text := page.read_text(encoding="utf-8")) and _ITEM_LINE.search(text):
            return page
    raise SystemExit(f"{course}: no page with a quiz of encoded items to edit")


def worker_warm(source: Path, out: Path) -> None:
    """Clean build, edit one page, warm rebuild: for `build --watch` (all formats) and for the preview
    (scorm12 pages). Prints the four times as JSON. The edited page is restored at the end."""
    from exporter.build.pipeline import build
    from exporter.preview.session import Session
    from exporter.source.cache import PageCache
    from exporter.source.reader import read_course

    page = sorted(source.glob("*.md"))[len(list(source.glob("*.md"))) // 2]
    original = page.read_text(encoding="utf-8")
    times = {}
    folder = out.with_name(out.name + "-cache")  # `build --watch` keeps its caches on disk, as the command does
    shutil.rmtree(folder, ignore_errors=True)
    try:
        cache = PageCache(folder)
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        build(source, out, "all", cache=cache)
        times["all_clean"] = time.perf_counter() - start
        _edit(page)
        renders = cache.renders
        start = time.perf_counter()
        build(source, out, "all", cache=cache)
        times["all_warm"] = time.perf_counter() - start
        times["all_warm_renders"] = cache.renders - renders
        page.write_text(original, encoding="utf-8")

        cache = PageCache()
        session = Session(source, reader=lambda folder, over: read_course(folder, over, cache=cache))
        start = time.perf_counter()
        session.rebuild()
        session.package("scorm12", "pages")
        times["preview_clean"] = time.perf_counter() - start
        _edit(page)
        start = time.perf_counter()
        event = session.rebuild()
        times["preview_warm"] = time.perf_counter() - start
        times["preview_changed"] = len(event["changed"].get("scorm12/pages", []))
    finally:
        page.write_text(original, encoding="utf-8")
    times["page"] = page.name
    print(json.dumps(times))


# ---- the parent's side -----------------------------------------------------------------------------------

def _run(cmd: list[str], env: dict, cwd: Path) -> tuple[dict, float, float]:
    """(the worker's JSON, wall seconds, peak tree MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    memory = TreeMemory(proc.pid)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    peak = memory.stop()
    if proc.returncode != 0:
        raise SystemExit(f"bench worker failed: {' '.join(cmd)}\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), wall, peak


def scale_rows(courses: list[tuple[str, Path]], runs: int, work: Path, env: dict, cwd: Path) -> list[dict]:
    rows = []
    for label, course in courses:
        results = []
        for _ in range(runs):
            data, wall, tree = _run([sys.executable, str(Path(__file__).with_name("run.py")), "--worker-all",
                                     str(course), str(work / "out" / "scale")], env, cwd)
            results.append({**data, "wall": wall, "tree_mib": tree})
        rows.append({"label": label, "pages": results[0]["pages"], "items": results[0]["items"],
                     "wall": statistics.median(r["wall"] for r in results),
                     "seconds": statistics.median(r["seconds"] for r in results),
                     "cpu": min(r["cpu"] for r in results),
                     "tree_mib": max(r["tree_mib"] for r in results),
                     "proc_mib": max(r["peak_mib"] for r in results)})
        print(f"  all x{label}: done", flush=True)
    return rows


def _build_process(course: Path, out: Path, env: dict, cwd: Path, cache: bool) -> dict:
    """`exporter build <course> --format all` in a new process: wall and CPU (user + sys of it and its
    writers, imports included) and the sha256 of each artifact."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "exporter", "build", str(course), "--format", "all", "--out", str(out), "--quiet"]
    if not cache:
        cmd.append("--no-cache")
    start, cpu = time.perf_counter(), cpu_seconds(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    wall, cpu = time.perf_counter() - start, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu
    if done.returncode != 0:
        raise SystemExit(f"exporter build failed:\n{done.stderr[-2000:]}")
    sums = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(out.iterdir())
            if f.is_file() and f.name != "report.html"}
    return {"wall": wall, "cpu": cpu, "sums": sums}


def warm(course: Path, work: Path, env: dict, cwd: Path, runs: int = 3) -> dict:
    data, _, _ = _run([sys.executable, str(Path(__file__).with_name("run.py")), "--worker-warm", str(course),
                       str(work / "out" / "warm")], env, cwd)
    # the figure: `exporter build --format all` in a new process with the disk cache filled by the
    # build before, after editing one page (each of `EDITS` in turn), against a clean build (no cache) of the
    # same edited course; the artifacts of both are compared. Least CPU and median wall of `runs` alternating
    # pairs per edit.
    cache_dir = work / "disk-cache"
    env = dict(env, EXPORTER_CACHE_DIR=str(cache_dir))
    page = edited_page(course)
    original = page.read_text(encoding="utf-8")
    data["edit_page"] = page.name
    data["edits"] = {}
    try:
        shutil.rmtree(cache_dir, ignore_errors=True)
        data["disk_cold"] = _build_process(course, work / "out" / "disk", env, cwd, True)
        for name, edit in EDITS.items():
            changed = edit(original)
            assert changed != original, f"figure 3's edit '{name}' changed nothing in {page.name}"
            warm_runs, clean_runs, identical = [], [], True
            for _ in range(runs):
                page.write_text(original, encoding="utf-8")
                _build_process(course, work / "out" / "disk", env, cwd, True)  # the cache holds the unedited course
                page.write_text(changed, encoding="utf-8")
                warm_runs.append(_build_process(course, work / "out" / "disk", env, cwd, True))
                clean_runs.append(_build_process(course, work / "out" / "clean", env, cwd, False))
                identical = identical and warm_runs[-1]["sums"] == clean_runs[-1]["sums"]
            data["edits"][name] = {
                "warm": {"cpu": min(r["cpu"] for r in warm_runs),
                         "wall": statistics.median(r["wall"] for r in warm_runs)},
                "clean": {"cpu": min(r["cpu"] for r in clean_runs),
                          "wall": statistics.median(r["wall"] for r in clean_runs)},
                "identical": identical}
    finally:
        page.write_text(original, encoding="utf-8")
    return data


def print_scale(rows: list[dict]) -> bool:
    """The table and the goals; True when both are met."""
    print("\n`exporter build <course> --format all --no-cache`, whole process, median of the runs")
    print("(build = the build's own wall time after imports; CPU = user + sys of the build and its writers after "
          "imports, least of the runs; tree = peak summed PSS of the build and its writers)")
    head = (f"{'size':<6} {'pages':>6} {'items':>7} {'wall s':>8} {'build s':>8} {'CPU s':>8} {'µs/item':>8} "
            f"{'x per item':>10} {'tree MiB':>9} {'proc MiB':>9}")
    print(head)
    print("-" * len(head))
    base = rows[0]
    for r in rows:
        per = r["cpu"] / r["items"] * 1e6
        growth = per / (base["cpu"] / base["items"] * 1e6)
        print(f"x{r['label']:<5} {r['pages']:>6} {r['items']:>7} {r['wall']:>8.2f} {r['seconds']:>8.2f} "
              f"{r['cpu']:>8.2f} {per:>8.1f} {growth:>9.2f}x {r['tree_mib']:>9.1f} {r['proc_mib']:>9.1f}")
    for a, b in zip(rows, rows[1:]):
        k = b["items"] / a["items"]
        print(f"x{a['label']} -> x{b['label']}: items x{k:.0f}, CPU x{b['cpu'] / a['cpu']:.1f}, build time "
              f"x{b['seconds'] / a['seconds']:.1f}, wall x{b['wall'] / a['wall']:.1f}, "
              f"peak memory x{b['tree_mib'] / a['tree_mib']:.1f}")
    last = rows[-1]
    growth = (last["cpu"] / last["items"]) / (base["cpu"] / base["items"])
    linear = growth <= 1.5
    memory = last["tree_mib"] < 1024
    print(f"goal: CPU per item at x{last['label']} within 1.5x of x{base['label']}'s: {growth:.2f}x -> "
          f"{'met' if linear else 'NOT met'}")
    print(f"FIGURE 2 goal: peak summed PSS of `build --format all --no-cache` at x{last['label']} under 1 GiB: "
          f"{last['tree_mib']:.0f} MiB (build and writers; CPU {last['cpu']:.1f} s, wall {last['wall']:.1f} s) -> "
          f"{'met' if memory else 'NOT met'}")
    return linear and memory


def print_warm(w: dict, label: str) -> bool:
    print(f"\nwarm rebuild of the x{label} course after editing one page ({w['page']}), in one process (wall)")
    print(f"  build --watch, all formats: clean {w['all_clean']:.2f} s, warm {w['all_warm']:.2f} s "
          f"({w['all_warm_renders']} page rendered), ratio {w['all_warm'] / w['all_clean']:.2f}")
    print(f"  preview (scorm12 package): clean {w['preview_clean']:.2f} s, warm {w['preview_warm']:.3f} s "
          f"({w['preview_changed']} files changed), ratio {w['preview_warm'] / w['preview_clean']:.3f}; "
          f"against the clean all build {w['preview_warm'] / w['all_clean']:.3f}")
    cold = w["disk_cold"]
    print(f"`exporter build <x{label}> --format all` in a new process (imports included; CPU = user + sys of it and "
          "its writers, least of the runs; wall = median):")
    print(f"  disk cache empty:{'':44}CPU {cold['cpu']:6.2f} s, wall {cold['wall']:6.2f} s")
    ok, worst = True, 0.0
    for name, e in w["edits"].items():
        warm_, clean = e["warm"], e["clean"]
        ratio, wall = warm_["cpu"] / clean["cpu"], warm_["wall"] / clean["wall"]
        worst = max(worst, ratio)
        ok = ok and ratio <= 0.1 and e["identical"]
        print(f"  {w['edit_page']}, {name + ':':30} warm CPU {warm_['cpu']:5.2f} s (wall {warm_['wall']:5.2f}), clean "
              f"CPU {clean['cpu']:5.2f} s (wall {clean['wall']:5.2f}): {ratio:.3f} CPU ({wall:.3f} wall), artifacts "
              f"{'identical' if e['identical'] else 'DIFFER'}")
    print(f"FIGURE 3 goal: warm rebuild after one page edit at most 1/10 of a clean build's CPU, byte-identical, for "
          f"each edit: worst {worst:.3f} CPU -> {'met' if ok else 'NOT met'}")
    return ok
