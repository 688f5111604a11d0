"""Growth: does each step stay linear in its input? Large generated courses, each size twice the last.

    python bench/growth.py            # --sizes 10000,20000,40000  --runs 3  --file-mb 200

One command. For each shape it generates a course in bench/work/growth/ (git-ignored), then reads it
(`read_course`) in a fresh process per run and prints the median time, peak memory, and the ratio to the
size before: about 2 for a linear step (a quadratic one shows 4). The shapes are the ones that were
quadratic before issue 13:

- `bank`:      one quiz whose bank has N distinct items (item banks were rebuilt one insert at a time);
- `identical`: one quiz whose bank has N identical items (each repeat's id suffix was found in a loop);
- `links`:     one page with N links to other pages (each link scanned the page for its line);
- `nested-ok`: N paragraphs each quoted 50 deep (the nesting check runs on every line).

Then `file`: a course carrying one file of --file-mb MiB of random bytes, built with `--format all` as a
process; it prints the wall time and the peak memory of the build and of its largest worker.
It is a measurement, not a test: it exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "growth"

FRONT = "---\ntitle: \"{title}\"\nclass: section\nserial: {serial}\n---\n"


def item(text: str) -> str:
    return base64.b64encode(f"{text}/Y/Because.".encode("utf-8")).decode("ascii")


def make(shape: str, n: int, folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pages = {"other.md": FRONT.format(title="Other", serial=1) + "Another page.\n"}
    if shape == "bank":
        bank = "\n".join(f"- {item(f'Statement number {k}')}" for k in range(n))
        pages["quiz.md"] = FRONT.format(title="Quiz", serial=0) + f"Answer:\n{{: data-n=\"1\"}}\n\n{bank}\n"
    elif shape == "identical":
        bank = "\n".join(f"- {item('The same statement')}" for _ in range(n))
        pages["quiz.md"] = FRONT.format(title="Quiz", serial=0) + f"Answer:\n{{: data-n=\"1\"}}\n\n{bank}\n"
    elif shape == "links":
        body = "\n\n".join(f"Paragraph {k} links to [the other page](other.md#s{k})." for k in range(n))
        pages["links.md"] = FRONT.format(title="Links", serial=0) + body + "\n"
    elif shape == "nested-ok":
        body = "\n\n".join("> " * 50 + f"Quoted paragraph {k}." for k in range(n // 10))
        pages["deep.md"] = FRONT.format(title="Deep", serial=0) + body + "\n"
    else:
        raise ValueError(shape)
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


READ = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from exporter.source.reader import read_course
t = time.perf_counter()
course, _ = read_course({folder!r})
dt = time.perf_counter() - t
print(json.dumps({{"seconds": dt, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "items": len(course.items)}}))
"""


def time_read(folder: Path, runs: int) -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-c", READ.format(root=str(ROOT), folder=str(folder))],
                           capture_output=True, text=True, check=True)
        data = json.loads(r.stdout)
        times.append(data["seconds"])
        peaks.append(data["peak_mib"])
    return statistics.median(times), max(peaks)


BUILD = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run([sys.executable, "-m", "exporter", "build", {folder!r}, "--out", {out!r}], cwd={root!r},
                   capture_output=True, text=True)
dt = time.perf_counter() - t
print(json.dumps({{"seconds": dt, "code": r.returncode,
                  "children_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""

PEAK = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from exporter.build.pipeline import build
from exporter.writers import Options
t = time.perf_counter()
build({folder!r}, {out!r}, "all", {{}}, Options(), jobs={jobs})
print(json.dumps({{"seconds": time.perf_counter() - t,
                  "self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""


def file_build(mib: int) -> None:
    from pathlib import Path as P

    folder = WORK / "file"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with open(folder / "data.bin", "wb") as fh:
        for _ in range(mib):
            fh.write(os.urandom(1 << 20))
    (folder / "page.md").write_text(FRONT.format(title="File", serial=0) + "[The data](data.bin)\n")
    for jobs in (1, 2):
        out = WORK / f"file-out-{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        r = subprocess.run([sys.executable, "-c", PEAK.format(root=str(ROOT), folder=str(folder), out=str(out),
                                                              jobs=jobs)], capture_output=True, text=True)
        if r.returncode:
            print(f"  file {mib} MiB --jobs {jobs}: failed: {r.stderr.strip().splitlines()[-1:]}")
            continue
        data = json.loads(r.stdout)
        print(f"  file {mib:>5} MiB  --jobs {jobs}  {data['seconds']:7.2f} s   build process peak "
              f"{data['self_mib']:7.0f} MiB   largest worker peak {data['worker_mib']:7.0f} MiB")
        shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    P(WORK).mkdir(exist_ok=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,20000,40000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--file-mb", type=int, default=200)
    ap.add_argument("--shapes", default="bank,identical,links,nested-ok")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"read_course, median of {args.runs} fresh processes; ratio = time / time at the size before "
          "(2 is linear)")
    for shape in args.shapes.split(","):
        before = None
        for n in sizes:
            folder = make(shape, n, WORK / f"{shape}-{n}")
            seconds, peak = time_read(folder, args.runs)
            ratio = f"x{seconds / before:4.2f}" if before else "     "
            print(f"  {shape:<10} N={n:>7}  {seconds:7.3f} s  {ratio}   peak {peak:6.0f} MiB")
            before = seconds
            shutil.rmtree(folder, ignore_errors=True)
    if args.file_mb:
        print(f"build --format all of a course carrying one {args.file_mb} MiB file")
        file_build(args.file_mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
