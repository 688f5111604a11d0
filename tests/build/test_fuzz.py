"""Whole builds of generated courses (any Unicode, deep nesting, odd names, large banks, broken pieces):
the build never raises, exits 0 or 1, names `file:line` for errors in pages, leaves the output folder as
it was when it fails, and every artifact it writes holds well-formed XML and zip entries inside their root."""

from __future__ import annotations

import base64
import contextlib
import io
import re
import string
import tarfile
import zipfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from coursekit import snapshot
from exporter import cli
from exporter.writers import WRITERS

anything = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
word = st.text(alphabet=string.ascii_letters + "éß中😀 -_.&<>\"'*`#", min_size=1, max_size=12)
file_stem = st.text(alphabet=string.ascii_letters + string.digits + "éüß中 -_.", min_size=1, max_size=16).filter(
    lambda s: s.strip(" .") and s not in ("course",))


@st.composite
def item(draw):
    kind = draw(st.sampled_from(["good"] * 60 + ["html"] * 5 + ["bad-answer", "not-base64", "empty", "deep"]))
    statement = draw(st.one_of(word, anything))
    explanation = draw(anything)
    if kind == "not-base64":
        return draw(st.sampled_from(["%%%", "abc*def", ""]))
    if kind == "bad-answer":
        text = f"{statement}/Q/{explanation}"
    elif kind == "empty":
        text = f"<b></b>/Y/{explanation}"
    elif kind == "html":
        text = f"<em>{statement}</em> <3 <30/N/{explanation}"
    elif kind == "deep":
        text = "<span>" * draw(st.integers(90, 130)) + "x/Y/e"
    else:
        text = f"{statement or 'S'}/{draw(st.sampled_from('YNyn'))}/{explanation}"
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode()


@st.composite
def block(draw, pages: list[str]):
    kind = draw(st.sampled_from(["text"] * 4 + ["unicode", "unicode", "quote", "list", "div", "link", "heart",
                                                 "ial", "code", "separators"]))
    if kind == "text":
        return draw(word)
    if kind == "unicode":
        return draw(anything)
    if kind == "quote":
        return "> " * draw(st.integers(1, 40) | st.just(130)) + draw(word)
    if kind == "list":
        return "\n".join("    " * k + "- x" for k in range(draw(st.integers(1, 30) | st.just(60))))
    if kind == "div":
        n = draw(st.integers(1, 60) | st.just(130))
        return "<div>" * n + draw(word) + "</div>" * draw(st.integers(0, n))
    if kind == "link":
        target = draw(st.sampled_from(pages * 5 + ["missing.md", "/site/", "https://example.org/<3"]))
        return f"[{draw(word)}]({target})"
    if kind == "heart":
        return draw(st.sampled_from(["I <3 it", "<30 seconds", "`<3`", "pH <3.5"]))
    if kind == "ial":
        return draw(st.sampled_from(["x\n{: .conv}"] * 8 + ["## H\n{: data-n=\"1\"}", "a {: data-n=\"2\"}"]))
    if kind == "code":
        return "    " + draw(word)
    return draw(word) + draw(st.sampled_from(["\u2028", "\x85", "\x0c", "\r", "\x01"])) + "---"


@st.composite
def page_text(draw, serial: int, pages: list[str]):
    title = draw(st.sampled_from(["word"] * 12 + ["anything"] * 4 + ["[a, b]", "yes", "*x"]))
    title = draw(word) if title == "word" else draw(anything) if title == "anything" else title
    kind = draw(st.sampled_from(["section", "chapter", "section", "section", "section", "index"]))
    front = [f"title: {title}" if draw(st.booleans()) else f"title: \"{title.replace(chr(92), '').replace(chr(34), '')}\"",
             f"class: {kind}", f"serial: {draw(st.sampled_from([serial] * 20 + ['x']))}"]
    close = draw(st.sampled_from(["---"] * 20 + ["..."] * 3 + ["-----"]))
    blocks = draw(st.lists(block(pages), max_size=5))
    body = "\n\n".join(blocks)
    if draw(st.booleans()):
        items = draw(st.lists(item(), min_size=1, max_size=draw(st.sampled_from([5] * 8 + [300]))))
        n = draw(st.sampled_from(["1"] * 12 + ["2", "0", "x", "999"]))
        opt = draw(st.sampled_from(["", "", ' data-opt="Yes,No"', ' data-opt="Sí,Nein 🙂"', ' data-opt="A,A"']))
        body += f"\n\nAnswer:\n{{: data-n=\"{n}\"{opt}}}\n\n" + "".join(f"- {i}\n" for i in items)
    return "---\n" + "\n".join(front) + f"\n{close}\n" + body + "\n"


@st.composite
def course(draw):
    stems = draw(st.lists(file_stem, min_size=1, max_size=4, unique_by=str.lower))
    names = [f"{s}.md" for s in stems]
    pages = {name: draw(page_text(k, names)) for k, name in enumerate(names)}
    settings_file = draw(st.sampled_from([None] * 8 + ["title: T\nversion: 1.10\n"] * 3 + [
        "language: ja\ntitle: 日本\n"] * 3 + ["title: [a]\n", "a: &a [x, x]\nb: [*a, *a]\n"]))
    return pages, settings_file


def check_artifact(path: Path) -> None:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=False)
    if path.suffix == ".xml":
        etree.fromstring(path.read_bytes(), parser)
        return
    if path.suffix == ".mbz":  # a Moodle backup: a gzip'd tar
        with tarfile.open(path, "r:gz") as tar:
            members = {m.name: m for m in tar.getmembers()}

            def read(name: str) -> bytes:
                return tar.extractfile(members[name]).read()

            check_entries(path, list(members), read, parser)
        return
    with zipfile.ZipFile(path) as zf:
        check_entries(path, zf.namelist(), zf.read, parser)


def check_entries(path: Path, names: list[str], read, parser) -> None:
    for name in names:
        parts = name.split("/")
        assert not name.startswith("/") and "\\" not in name and ".." not in parts and \
            not re.match(r"^[A-Za-z]:", name), f"{path.name}: entry {name!r} outside the package root"
        if name.endswith(".xml"):
            etree.fromstring(read(name), parser)


@settings(max_examples=30, deadline=timedelta(seconds=30), derandomize=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(generated=course())
def test_generated_courses_build_or_fail_cleanly(tmp_path_factory, generated):
    pages, settings_file = generated
    root = tmp_path_factory.mktemp("fuzz")
    folder = root / "course"
    folder.mkdir()
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    if settings_file:
        (folder / "course.yml").write_text(settings_file, encoding="utf-8")
    out = root / "out"
    out.mkdir()
    (out / "earlier.zip").write_bytes(b"an earlier build")
    before = snapshot(out)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["build", str(folder), "--out", str(out), "--jobs", "1"])
    stderr = err.getvalue()
    assert code in (0, 1), (code, stderr)
    if code == 1:
        assert snapshot(out) == before, "a failed build changed the output folder"
        errors = [ln for ln in stderr.splitlines() if ": error: " in ln and not ln.startswith("exporter:")]
        assert errors, stderr
        for line in errors:
            if re.match(rf"{re.escape(str(folder))}/[^:]*\.md: error:", line):
                raise AssertionError(f"a page error without a line: {line}")
    else:
        written = [p for p in out.iterdir() if p.name not in ("earlier.zip", "report.html")]
        assert len(written) == len(WRITERS) and (out / "report.html").is_file(), stderr
        for path in written:
            check_artifact(path)
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "a temporary file was left"
    check_recode(folder, code)
    check_preview(folder, code)


def check_recode(folder: Path, built: int) -> None:
    """decode then encode: exit 0 or 1 (2 for --check of a course with errors), no traceback, nothing changed by
    a refused run, nothing left behind; on a course that builds, the round trip reads as the same course."""
    before = snapshot(folder)
    hidden = {p for p in folder.rglob(".*")}  # a page may be named so (".0.md"): only what a run adds is left behind
    for command in ("decode", "encode"):
        for args in ([command, "--check", str(folder)], [command, str(folder)]):
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = cli.main(args)
            assert code in ((0, 1, 2) if "--check" in args else (0, 1)), (args, code, err.getvalue())
            assert "Traceback" not in err.getvalue()
            if code != 0 and "--check" not in args:
                assert snapshot(folder) == before, f"a refused {command} changed the course"
            assert not [p for p in folder.rglob(".*") if p not in hidden and p.name != ".exporter-cache"], \
                f"{command} left a temporary file"
    if built == 0:
        from exporter.source.reader import read_course

        read_course(folder)  # still a course that reads


def check_preview(folder: Path, built: int) -> None:
    """The preview's session reads the course and builds each package it serves, or shows the errors: never
    raises (the watcher thread must live on)."""
    from exporter.preview.session import Session

    session = Session(folder)
    try:
        event = session.rebuild()
        assert event["ok"] == (built == 0), event
        if event["ok"]:
            for fmt in ("scorm12", "scorm2004"):
                for mode in ("pages", "course"):
                    assert session.package(fmt, mode), (fmt, mode)
    finally:
        session.close()
