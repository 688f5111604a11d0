"""Benchmark: our Canvas QTI build (`--format qti12`) against text2qti (PyPI) on the same items.

    python bench/run.py [--corpus ../shared/corpus/listener-course] [--runs 5] [--scale 10] [--format qti12]

Generates in bench/work/ (git-ignored): the corpus's quizzes as text2qti files, a course `--scale` times the
corpus (pages copied with new serials and titles, every copied statement made distinct) and its text2qti files.
Then times each side `--runs` times, each run in a fresh subprocess (so peak memory is that run's own):
ours reads the course and writes the package; text2qti parses every quiz file and makes its zips. Both
write into bench/work/out/. Also times the whole process `python -m exporter build <corpus> --format all`.
Prints medians, items per second, peak memory and the speed ratio (text2qti time / ours). It is a
measurement, not a test: it exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
CORPUS = ROOT.parent / "shared" / "corpus" / "listener-course"
sys.path.insert(0, str(ROOT))  # this checkout's exporter, and bench.text2qti_format

_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
_ITEM = re.compile(r"^(\s*[-*+] )([A-Za-z0-9+/]+={0,2})[ \t]*$", re.MULTILINE)
_SPLIT = re.compile(r"^(.*?)(/[YyNn]/.*)$", re.DOTALL)  # statement, then /Y|N/explanation


# ---- generated inputs -------------------------------------------------------------------------------

def copy_page(text: str, copy: int) -> str:
    """A corpus page as copy number `copy` (0: unchanged): serial + 1000*copy, title and statements suffixed."""
    if copy == 0:
        return text
    m = _FRONT.match(text)
    if not m:
        return text
    meta = yaml.safe_load(m.group(1)) or {}
    meta["title"] = f"{meta.get('title', 'Page')} (copy {copy + 1})"
    if isinstance(meta.get("serial"), int):
        meta["serial"] += 1000 * copy
    front = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"
    return front + _ITEM.sub(lambda item: item.group(1) + _distinct(item.group(2), copy), text[m.end():])


def _distinct(encoded: str, copy: int) -> str:
    """A base64 item with ` (copy N)` after its statement; anything else that looks like base64 is kept."""
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return encoded
    m = _SPLIT.match(decoded)
    if not m:
        return encoded
    return base64.b64encode(f"{m.group(1)} (copy {copy + 1}){m.group(2)}".encode("utf-8")).decode("ascii")


def scaled_course(corpus: Path, folder: Path, scale: int) -> Path:
    """The corpus `scale` times over in our source format: copy 0 as is, copies 1.. renamed `<stem>-cN.md`."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(
        yaml.safe_dump({"title": f"Listener Course x{scale}", "identifier": f"listener-course-x{scale}"}),
        encoding="utf-8")
    for source in sorted(corpus.glob("*.md")):
        text = source.read_text(encoding="utf-8")
        for copy in range(scale if _FRONT.match(text) else 1):
            name = source.name if copy == 0 else f"{source.stem}-c{copy + 1}.md"
            (folder / name).write_text(copy_page(text, copy), encoding="utf-8")
    return folder


# ---- one timed run, in a fresh process ------------------------------------------------------------------

def worker(side: str, source: Path, out: Path, fmt: str) -> None:
    """Run one side once and print {"seconds", "cpu", "items", "peak_mib"} as JSON (times after imports; cpu:
    user + sys of this process, which is the whole run: neither side starts another process)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    if side == "ours":
        from exporter.source.reader import read_course
        from exporter.writers import WRITERS, Options
        from exporter.writers.layout import unplaced

        start, cpu = time.perf_counter(), time.process_time()
        writer = WRITERS[fmt]()
        course, _ = read_course(source, quiz_only=not writer.pages)  # as `exporter build --no-cache` reads it
        unplaced(course, in_place=True)  # as a build hands it to its writers (exporter.build.pipeline)
        artifact = writer.write(course, Options())
        if hasattr(artifact, "save"):
            artifact.save(out / writer.filename(course))
        else:  # an artifact held in memory (before writers streamed into a file)
            (out / writer.filename(course)).write_bytes(artifact.data)
        items = artifact.items
    else:
        from text2qti.config import Config
        from text2qti.qti import QTI
        from text2qti.quiz import Question, Quiz

        start, cpu = time.perf_counter(), time.process_time()
        items = 0
        for path in sorted(source.glob("*.txt")):
            quiz = Quiz(path.read_text(encoding="utf-8"), config=Config(), source_name=path.as_posix())
            items += sum(isinstance(x, Question) for x in quiz.questions_and_delims)
            (out / f"{path.stem}.zip").write_bytes(QTI(quiz).zip_bytes())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "items": items, "peak_mib": peak_mib()}))


def peak_mib() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec; ru_maxrss would carry the
    parent's peak from the fork (the bench process holds the 10x course), so it is only the fallback."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_env() -> dict[str, str]:
    """The measured processes' environment: the project on the path, and compiled modules kept (in bench/work/,
    as an installed package keeps them: PYTHONDONTWRITEBYTECODE, if set, would compile every module in every
    run, about 0.15 s of each process, for both sides alike)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(WORK / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(side: str, source: Path, fmt: str) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", side, str(source), str(WORK / "out" / side), fmt]
    done = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{side} failed on {source}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Time our qti12 build against text2qti on the same items, and the "
                                "whole `all` build at scale.")
    p.add_argument("--corpus", type=Path, default=CORPUS, help="the reference course (default: %(default)s)")
    p.add_argument("--runs", type=int, default=5, help="runs per side and size; the median is shown")
    p.add_argument("--scale", type=int, default=10, help="how many times the corpus the qti12 comparison's and "
                   "the warm rebuild's large course is")
    p.add_argument("--scales", default="1,10,100", help="the sizes of the `all` build table (default: %(default)s)")
    p.add_argument("--scale-runs", type=int, default=3, help="runs per size of the `all` build table")
    p.add_argument("--warm-runs", type=int, default=3, help="alternating warm/clean pairs of figure 3")
    p.add_argument("--format", default="qti12", help="our writer to time (default qti12, Canvas QTI 1.2)")
    p.add_argument("--only", choices=("text2qti", "scale", "warm"), action="append",
                   help="run only these parts (repeatable; default: all three)")
    p.add_argument("--worker", nargs=4, metavar=("SIDE", "SOURCE", "OUT", "FORMAT"), help=argparse.SUPPRESS)
    p.add_argument("--worker-all", nargs=2, metavar=("SOURCE", "OUT"), help=argparse.SUPPRESS)
    p.add_argument("--worker-warm", nargs=2, metavar=("SOURCE", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        side, source, out, fmt = args.worker
        worker(side, Path(source), Path(out), fmt)
        return 0
    from bench import scale as scale_part

    if args.worker_all:
        scale_part.worker_all(Path(args.worker_all[0]), Path(args.worker_all[1]))
        return 0
    if args.worker_warm:
        scale_part.worker_warm(Path(args.worker_warm[0]), Path(args.worker_warm[1]))
        return 0
    from exporter.writers import WRITERS

    if args.format not in WRITERS:
        print(f"bench: format {args.format!r} is not registered (have: {', '.join(WRITERS)}); pass --format",
              file=sys.stderr)
        return 2
    if not args.corpus.is_dir():
        print(f"bench: no corpus at {args.corpus} (pass --corpus)", file=sys.stderr)
        return 2
    parts = set(args.only or ("text2qti", "scale", "warm"))
    scales = sorted({int(x) for x in args.scales.split(",") if x.strip()})
    corpus = args.corpus.resolve()
    print(f"preparing inputs in {WORK.relative_to(ROOT)}/ ...", flush=True)
    courses = {1: corpus}
    for n in sorted(set(scales) | {args.scale}):
        if n > 1:
            courses[n] = scaled_course(corpus, WORK / f"course-x{n}", n)
    if "text2qti" in parts:
        rows = []
        for label, course, t2q in prepare_text2qti(courses, [1, args.scale]):
            results: dict[str, list[dict]] = {"ours": [], "text2qti": []}
            for _ in range(args.runs):  # alternate the sides, so drifting machine load hits both alike
                results["ours"].append(timed("ours", course, args.format))
                results["text2qti"].append(timed("text2qti", t2q, args.format))
            summary = {side: {"items": runs[0]["items"], "seconds": statistics.median(r["seconds"] for r in runs),
                              "cpu": min(r["cpu"] for r in runs),
                              "peak_mib": max(r["peak_mib"] for r in runs)} for side, runs in results.items()}
            rows.append((label, summary))
            print(f"  {args.format} and text2qti {label}: done", flush=True)
        print_table(rows, args)
    env = child_env()
    if "scale" in parts:
        scale_rows = scale_part.scale_rows([(str(n), courses[n]) for n in scales], args.scale_runs, WORK, env, ROOT)
        scale_part.print_scale(scale_rows)
        x1 = next((r for r in scale_rows if r["label"] == "1"), None)
        if x1:
            print(f"whole process `exporter build <corpus> --format all`: {x1['wall']:.3f} s median "
                  f"(goal < 1 s: {'met' if x1['wall'] < 1 else 'NOT met'})")
    if "warm" in parts:
        scale_part.print_warm(scale_part.warm(courses[args.scale], WORK, env, ROOT, args.warm_runs), str(args.scale))
    return 0


def prepare_text2qti(courses: dict[int, Path], sizes: list[int]) -> list[tuple[str, Path, Path]]:
    """(label, course folder, text2qti folder) for each size."""
    from bench.text2qti_format import write_quizzes
    from exporter.source.reader import read_course

    cases = []
    for n in sizes:
        course, _ = read_course(courses[n])
        t2q = WORK / f"text2qti-{n}x"
        shutil.rmtree(t2q, ignore_errors=True)
        write_quizzes(course, t2q)
        cases.append((f"{n}x", courses[n], t2q))
    return cases


def print_table(rows: list[tuple[str, dict]], args) -> None:
    print(f"\n{args.format} against text2qti: {args.runs} runs per side, alternating, each in a fresh process "
          "(after imports, no page cache; CPU = user + sys, the least of the runs; wall = the median; "
          "peak = the run's VmHWM, highest of the runs)")
    head = f"{'size':<5} {'side':<16} {'items':>6} {'CPU s':>8} {'wall s':>8} {'items/CPU s':>11} {'peak MiB':>9}"
    print(head)
    print("-" * len(head))
    for label, summary in rows:
        for side, name in (("ours", f"exporter {args.format}"), ("text2qti", "text2qti")):
            s = summary[side]
            print(f"{label:<5} {name:<16} {s['items']:>6} {s['cpu']:>8.3f} {s['seconds']:>8.3f} "
                  f"{s['items'] / s['cpu']:>11.0f} {s['peak_mib']:>9.1f}")
        cpu = summary["text2qti"]["cpu"] / summary["ours"]["cpu"]
        wall = summary["text2qti"]["seconds"] / summary["ours"]["seconds"]
        same = "" if summary["ours"]["items"] == summary["text2qti"]["items"] else "  (item counts differ!)"
        print(f"{label:<5} {'speed ratio':<16} {'':>6} {cpu:>7.1f}x {wall:>7.1f}x  (text2qti / ours: CPU, wall){same}")
    if len(rows) > 1:
        label, summary = rows[-1]
        cpu = summary["text2qti"]["cpu"] / summary["ours"]["cpu"]
        wall = summary["text2qti"]["seconds"] / summary["ours"]["seconds"]
        verdict = "met" if cpu >= 10 else "met (stretch 10x not met)" if cpu >= 5 else "NOT met"
        print(f"FIGURE 1 goal: {args.format} of the {label} corpus at least 5x less CPU than text2qti (stretch 10x): "
              f"{cpu:.1f}x CPU ({wall:.1f}x wall) -> {verdict}")


if __name__ == "__main__":
    sys.exit(main())
