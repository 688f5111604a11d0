"""The command line: `exporter build`, `check`, `preview`, `decode`, `encode` and `new`."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

from exporter import __version__
from exporter.build.pipeline import build
from exporter.build.staging import Interrupted, OutputError, sigterm_interrupts
from exporter.errors import ContentError, UsageError
from exporter.progress import Progress
from exporter.progress import wanted as progress_wanted
from exporter.source.cache import DIR_NAME, PageCache, default_folder
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
IMPORT_FORMATS = ("text2qti", "gift")  # `exporter import --from`: `importer.READERS`' names (loaded only for import)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="exporter", description="Turn a Markdown course into LMS packages.")
    p.add_argument("--version", action="version", version=f"exporter {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def settings_args(sp):
        sp.add_argument("content", nargs="?", default="content", help="the course folder (default: content/)")
        sp.add_argument("--title", help="course title (overrides course.yml)")
        sp.add_argument("--identifier", help="course identifier, used in artifact names (overrides course.yml)")
        sp.add_argument("--language", help="course language, e.g. en (overrides course.yml)")
        sp.add_argument("--site-url", dest="site_url", help="where the course's web site lives, for site-absolute links")

    b = sub.add_parser("build", help="build packages into the output folder")
    settings_args(b)
    b.add_argument("--out", default="dist", help="output folder (default: dist/)")
    b.add_argument("--format", default="all", help=f"comma-separated formats or 'all': {', '.join(WRITERS)}")
    seen: set[str] = set()
    for writer in WRITERS.values():  # each format's own options
        writer.add_arguments(b, seen)
    b.add_argument("--json", action="store_true", help="print the build summary as one JSON object")
    b.add_argument("--jobs", type=_positive, default=None, metavar="N",
                   help="how many formats to write at once (default: one per core; 1: one after another)")
    b.add_argument("--watch", action="store_true", help="build, then rebuild whenever a course file is saved")
    b.add_argument("--quiet", action="store_true", help="no progress bar and no notes (warnings and errors still)")
    b.add_argument("--no-cache", dest="cache", action="store_false",
                   help=f"render every page afresh, without the page cache in {DIR_NAME}/ (safe to delete)")
    c = sub.add_parser("check", help="read the course and report errors without writing anything")
    settings_args(c)
    v = sub.add_parser("preview", help="serve the course on 127.0.0.1 as a learner meets it in an LMS, with a "
                       "live log of its SCORM calls; rebuilds on save")
    settings_args(v)
    v.add_argument("--port", type=_port, default=0, help="the port to serve on (default: a free one)")
    v.add_argument("--format", choices=("scorm12", "scorm2004"), default="scorm12", help="the package to show first")
    v.add_argument("--scorm-mode", choices=("pages", "course"), default="pages", help="the SCORM mode to show first")
    for name, what in (("decode", "every base64 quiz item as a plain-text item ('statement /Y/ explanation')"),
                       ("encode", "every plain-text quiz item as base64 (for a course also published as a web site)")):
        r = sub.add_parser(name, help=f"rewrite {what}, in place")
        r.add_argument("content", nargs="?", default="content", help="the course folder (default: content/)")
        r.add_argument("--check", action="store_true",
                       help="only report what would change (writes nothing); exit 0 if nothing would, 1 if "
                            "something would, 2 if it cannot tell (errors in the course)")
    n = sub.add_parser("new", help="create a small working course to start from")
    n.add_argument("folder", help="the folder to create (it must not exist, or be empty)")
    i = sub.add_parser("import", help="add the quizzes of a text2qti or GIFT file to a course, as new pages")
    i.add_argument("file", help="the quiz file: text2qti (.md, .txt) or GIFT (.gift, .txt)")
    i.add_argument("--into", required=True, help="the course folder to add the pages to (created if missing)")
    i.add_argument("--from", dest="source", choices=IMPORT_FORMATS,
                   help="the file's format, when its name does not tell (.txt)")
    i.add_argument("--check", action="store_true", help="only report what would be written (writes nothing)")
    return p


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535; 0 for a free one)")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _overrides(args) -> dict:
    return {k: getattr(args, k) for k in ("title", "identifier", "language", "site_url") if getattr(args, k)}


def _options(args) -> Options:
    return Options({o.name: getattr(args, o.name) for w in WRITERS.values() for o in w.options})


def _safe_streams() -> None:
    """Whatever the terminal's encoding (cp1252, ASCII) and whatever the file names (bytes that are not
    UTF-8 reach Python as lone surrogates), printing never fails: what cannot be shown is escaped."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot change
                pass


def _not_text(args) -> str | None:
    """The first text option that is not UTF-8 (undecodable command-line bytes)."""
    for key in ("title", "identifier", "language", "site_url"):
        value = getattr(args, key, None)
        if value:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "--" + key.replace("_", "-")
    return None


# The collector's thresholds for the command (CPython's are 700, 10, 10). A build makes the course's objects once and
# keeps them to its end, and makes almost no reference cycles: the default thresholds had the collector walk the
# growing course again and again, for nothing (a warm build of 580 pages after a one-page edit: 355 young, 31 middle
# and 2 full collections freeing about 500 objects in all, 0.07 to 0.12 s of its 1.2 s of CPU; a clean build of the
# same course: 0.11 s of its 11 s). With these, a young collection comes every 200,000 new objects, a middle one every
# 30 of those and a full one every 30 middle ones (mypy sets the same, for the same reason); a build of that course
# then makes none or one. Writer processes inherit them when they fork.
GC_THRESHOLDS = (200_000, 30, 30)


def run() -> None:
    """The `exporter` command (and `python -m exporter`): `main`, then out without the interpreter's teardown. Freeing
    a course read into memory object by object took about as long as a warm build's writers (0.12 s of CPU for a
    course of 6,000 items). Everything the command writes is closed by then (artifacts renamed into place, the page
    cache committed, writer processes joined); only the standard streams may still hold output. The collector runs
    at `GC_THRESHOLDS`."""
    gc.set_threshold(*GC_THRESHOLDS)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    _safe_streams()
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 for --help
        return int(exc.code or 0)
    if args.command == "preview":
        from exporter.preview import serve

        try:
            return serve(Path(args.content), args.port, args.format, args.scorm_mode, _overrides(args))
        except UsageError as exc:
            print(f"exporter: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except KeyboardInterrupt:  # before it served (the first build): nothing was written anywhere
            print("exporter: interrupted before the preview started", file=sys.stderr)
            return 130
    if args.command in ("decode", "encode", "new", "import"):
        return _authoring(args)
    cache = PageCache(default_folder()) if args.command == "build" and args.cache else None
    if args.command == "build" and args.watch:
        from exporter.build.watch import rebuild_on_save

        cache = cache or PageCache()  # one cache for every rebuild: memory first
        return rebuild_on_save(Path(args.content), lambda: _build(args, cache), ignore=[Path(args.out)])
    return _build(args, cache)


def _build(args, cache: PageCache | None = None) -> int:
    """`check`, or one build: print its diagnostics and artifacts; the exit code."""
    try:
        return _run(args, cache)
    except OutputError as exc:
        print(f"exporter: error: {exc.path}: {exc.reason}", file=sys.stderr)
        print("exporter: nothing was changed in the output folder", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"exporter: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONTENT
    except Interrupted as exc:
        print(f"exporter: stopped by {exc}: no half-written artifact or temporary file was left", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("exporter: interrupted: no half-written artifact or temporary file was left", file=sys.stderr)
        return 130


def _run(args, cache: PageCache | None) -> int:
    try:
        bad = _not_text(args)
        if bad:
            raise UsageError(f"{bad} is not UTF-8 text: write it in UTF-8")
        if not str(args.content).strip():
            raise UsageError("the course folder is empty text: name the folder (default: content)")
        if args.command == "build" and not args.out.strip():
            raise UsageError("--out is empty: name the output folder (default: dist)")
        if args.command == "check":
            course, report = read_course(Path(args.content), _overrides(args))
            for d in report.notes + report.warnings:
                print(d, file=sys.stderr)
            print(f"{course.identifier}: {len(course.pages)} pages, {len(course.chapters)} chapters, "
                  f"{len(course.quizzes)} quizzes, {len(course.items)} items: no errors")
            return EXIT_OK
        result = build(Path(args.content), Path(args.out), args.format, _overrides(args),
                       _options(args), jobs=args.jobs,
                       progress=Progress(progress_wanted(args.quiet, args.json)), cache=cache)
    except (UsageError, ContentError) as exc:
        return _failed(exc)
    for d in ([] if getattr(args, "quiet", False) else result.report.notes) + result.report.warnings:
        print(d, file=sys.stderr)
    if args.json:
        utf8 = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") == "utf8"
        print(json.dumps(result.summary(), ensure_ascii=not utf8, indent=None))
    else:
        for a in result.artifacts:
            print(f"{a.path}: {a.format}, {a.pages} pages, {a.quizzes} quizzes, {a.items} items, {a.bytes} bytes")
    return EXIT_OK


def _failed(exc: UsageError | ContentError) -> int:
    """A usage error or the course's errors, printed as the command line shows them; the exit code."""
    if isinstance(exc, UsageError):
        print(f"exporter: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for d in exc.diagnostics:
        print(d, file=sys.stderr)
    n = len(exc.diagnostics)
    print(f"exporter: {n} error{'s' if n != 1 else ''}: nothing was written", file=sys.stderr)
    return EXIT_CONTENT


def _authoring(args) -> int:
    """`decode`, `encode` and `new`: the exit code; nothing written on an error. SIGTERM and Ctrl-C stop them
    as they stop a build: no traceback, 143 or 130, no temporary file left."""
    from exporter.commands import new, recode  # (only here: a build need not load them)

    rewrite: list = []  # decode's or encode's plan, once made: what it wrote, if stopped while writing
    try:
        with sigterm_interrupts():
            if args.command == "new":
                if not args.folder.strip():
                    raise UsageError("the folder name is empty: name the folder to create, e.g. exporter new "
                                     "my-course")
                created = new.create(Path(args.folder))
                print(f"{args.folder}: a new course of {len(created)} files; build it with: exporter build "
                      f"{args.folder}")
                return EXIT_OK
            if args.command == "import":
                return _import(args)
            return _rewrite(args, rewrite)
    except (UsageError, ContentError) as exc:
        code = _failed(exc)
        return EXIT_USAGE if getattr(args, "check", False) else code  # --check: 2, "could not tell"
    except recode.WriteError as exc:
        print(f"exporter: error: {exc.path}: {exc.reason}: nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"exporter: error: {where}{exc.strerror or exc}: nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    except (Interrupted, KeyboardInterrupt) as exc:
        how = f"stopped by {exc}" if isinstance(exc, Interrupted) else "interrupted"
        written = rewrite[0].written if rewrite else []
        if written:
            print(f"exporter: {how}: {len(written)} file{'s' if len(written) != 1 else ''} written before it "
                  f"stopped ({', '.join(map(str, written))}), no temporary file left", file=sys.stderr)
        else:
            print(f"exporter: {how}: nothing was written, no temporary file left", file=sys.stderr)
        return 128 + exc.signum if isinstance(exc, Interrupted) else 130


def _import(args) -> int:
    from exporter.commands import importer

    done = importer.run(Path(args.file), Path(args.into), args.source, args.check)
    for d in sorted(done.report.warnings, key=lambda d: d.line or 0):
        print(d, file=sys.stderr)
    verb = "would be written" if args.check else "written"
    for name, page in done.pages:
        print(f"{Path(args.into) / name}: {page.title}: {len(page.items)} items, drawing "
              f"{page.draw or len(page.items)}{', ' + str(len(page.files)) + ' images' if page.files else ''} {verb}")
    return EXIT_OK


def _rewrite(args, holder: list) -> int:
    from exporter.commands import recode

    to = recode.PLAIN if args.command == "decode" else recode.BASE64
    form = "plain text" if to == recode.PLAIN else "base64"
    rewrite = recode.plan(Path(args.content), to)
    holder.append(rewrite)
    for note in rewrite.notes:
        print(note, file=sys.stderr)
    if not rewrite.items:
        print(f"exporter {args.command}: nothing to change: no item needs writing as {form}")
        return EXIT_OK
    if args.check:
        _counts(rewrite, rewrite.counts, f"would be written as {form}")
        print(f"exporter {args.command} --check: {rewrite.items} items in {len(rewrite.counts)} files would change")
        return EXIT_CONTENT
    try:
        recode.apply(rewrite)
    except recode.NotWritten as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        _counts(rewrite, exc.written, f"written as {form}")
        n = len(exc.diagnostics)
        left = f"{n} file{' was' if n == 1 else 's were'} not written"
        if exc.written:
            items = sum(rewrite.counts[p] for p in exc.written)
            print(f"exporter {args.command}: {items} items in {len(exc.written)} files written as {form}; {left}",
                  file=sys.stderr)
        else:
            print(f"exporter {args.command}: {left}: nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    _counts(rewrite, rewrite.written, f"written as {form}")
    print(f"exporter {args.command}: {rewrite.items} items in {len(rewrite.counts)} files written as {form}")
    return EXIT_OK


def _counts(rewrite, paths, what: str) -> None:
    for path in paths:
        count = rewrite.counts[path]
        print(f"{path}: {count} item{'s' if count != 1 else ''} {what}")
