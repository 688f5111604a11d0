"""Every error kind in the format doc: message names file and line, exit 1, output folder untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursekit import ITEMS, encode, page, quiz, small_course, write_course, snapshot
from conftest import run_cli


@pytest.fixture
def course(tmp_path):
    return small_course(tmp_path / "course")


@pytest.fixture
def out(tmp_path, course):
    """An output folder holding what an earlier good build left there."""
    out = tmp_path / "out"
    r = run_cli("build", course, "--out", out)
    assert r.returncode == 0, r.stderr
    assert list(out.iterdir())
    return out


def fails(course: Path, out: Path, file: str, line: int | None, pattern: str) -> str:
    before = snapshot(out)
    r = run_cli("build", course, "--out", out)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    where = f"{course / file}:{line}: error: " if line else f"{course / file}: error: "
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith(where)]
    assert lines, f"no error naming {where!r} in:\n{r.stderr}"
    assert any(re.search(pattern, ln) for ln in lines), r.stderr
    assert snapshot(out) == before, "a failed build changed the output folder"
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "a temporary file was left behind"
    return r.stderr


def replace(course: Path, name: str, text: str | bytes) -> None:
    write_course(course, {name: text})


def test_item_neither_base64_nor_plain(course, out):
    replace(course, "b.md", page("Second page", 1, "Text.\n\n" + quiz(1, ITEMS[:1]) + "- not*base64!\n"))
    err = fails(course, out, "b.md", 12, "neither a plain item nor base64")
    assert "'statement /Y/ explanation'" in err and "base64 of 'statement/Y/explanation'" in err


def test_item_not_utf8(course, out):
    bad = __import__("base64").b64encode(b"caf\xe9 au lait/Y/nice").decode()
    replace(course, "b.md", page("Second page", 1, "Text.\n\n" + quiz(1, ITEMS[:2]) + f"- {bad}\n"))
    fails(course, out, "b.md", 13, "not UTF-8")


def test_item_without_answer_field(course, out):
    odd = __import__("base64").b64encode("No answer here/maybe/nothing".encode()).decode()
    replace(course, "b.md", page("Second page", 1, "Text.\n\n" + quiz(1, ITEMS[:1]) + f"- {odd}\n"))
    fails(course, out, "b.md", 12, "no Y/N answer")


@pytest.mark.parametrize("n, pattern", [("six", "not a whole number"), ("2.5", "not a whole number"),
                                        ("-1", "negative"), ("4", "larger than the item bank")])
def test_bad_draw_count(course, out, n, pattern):
    replace(course, "b.md", page("Second page", 1, "Text.\n\n" + quiz(n, ITEMS)))
    fails(course, out, "b.md", 9, pattern)


def test_quiz_without_list(course, out):
    replace(course, "b.md", page("Second page", 1, "Text.\n\nAnswer these:\n{: data-n=\"2\"}\n\nNo list here.\n"))
    fails(course, out, "b.md", 9, "no item list")


def test_missing_front_matter(course, out):
    replace(course, "b.md", "Just text, no front matter.\n")
    fails(course, out, "b.md", 1, "missing front matter")


def test_broken_front_matter(course, out):
    replace(course, "b.md", "---\ntitle: [unclosed\nserial: 1\n---\nText.\n")
    fails(course, out, "b.md", 3, "broken front matter")


def test_front_matter_not_closed(course, out):
    replace(course, "b.md", "---\ntitle: Open\nserial: 1\nText.\n")
    fails(course, out, "b.md", 1, "broken front matter")


def test_missing_title(course, out):
    replace(course, "b.md", page("", 1, "Text.\n"))
    fails(course, out, "b.md", 1, "missing title")


def test_missing_serial(course, out):
    replace(course, "b.md", page("Second page", None, "Text.\n"))
    fails(course, out, "b.md", 1, "missing serial")


def test_serial_not_a_number(course, out):
    replace(course, "b.md", page("Second page", None, "Text.\n", extra="serial: first"))
    fails(course, out, "b.md", 4, "not a whole number")


def test_duplicate_serial_names_both_files(course, out):
    replace(course, "d.md", page("Last page", 1, "Text.\n"))
    err = fails(course, out, "d.md", 4, "serial 1 is also used by")
    assert str(course / "b.md") in err


def test_file_not_utf8(course, out):
    replace(course, "b.md", page("Second page", 1, "Line one.\n").encode() + b"caf\xe9\n")
    fails(course, out, "b.md", 7, "not UTF-8")


def test_unknown_class(course, out):
    replace(course, "b.md", page("Second page", 1, "Text.\n", kind="lesson"))
    fails(course, out, "b.md", 3, "unknown class")


def test_missing_local_file(course, out):
    replace(course, "b.md", page("Second page", 1, "Text.\n\n![A map](images/map.png)\n"))
    fails(course, out, "b.md", 8, "does not exist")


def test_local_file_outside_course(course, out):
    (course.parent / "secret.txt").write_text("outside")
    replace(course, "b.md", page("Second page", 1, "Text.\n\nSee [the notes](../secret.txt).\n"))
    fails(course, out, "b.md", 8, "outside the course folder")


def test_empty_course_folder(tmp_path, out):
    empty = tmp_path / "empty"
    empty.mkdir()
    before = snapshot(out)
    r = run_cli("build", empty, "--out", out)
    assert r.returncode == 1
    assert f"{empty}: error: " in r.stderr and "empty" in r.stderr
    assert snapshot(out) == before


def test_all_errors_listed_in_one_run(course, out):
    replace(course, "a.md", "no front matter\n")
    replace(course, "c.md", page("Chapter two", 2, "More.\n", kind="part"))
    err = fails(course, out, "a.md", 1, "missing front matter")
    assert f"{course / 'c.md'}:3: error: unknown class" in err
    assert "2 errors" in err


def test_error_in_one_item_does_not_hide_the_next(course, out):
    body = "Text.\n\n" + quiz(1, ITEMS[:1]) + "- %%%\n- " + encode("x", "Q", "y")[:-2] + "\n"
    replace(course, "b.md", page("Second page", 1, body))
    err = fails(course, out, "b.md", 12, "neither a plain item nor base64")
    assert f"{course / 'b.md'}:13: error:" in err


def test_usage_errors_exit_2(course, tmp_path):
    r = run_cli("build", course, "--out", tmp_path / "o", "--format", "pdf")
    assert r.returncode == 2
    assert "unknown format pdf" in r.stderr and "html" in r.stderr
    assert not (tmp_path / "o").exists()
    assert run_cli("build", tmp_path / "nowhere").returncode == 2
    assert run_cli("frobnicate").returncode == 2


@pytest.mark.parametrize("opt", ["Yes *really*,No", "Yes `sure`,No"])
def test_quiz_attributes_markdown_would_rewrite(course, out, opt):
    """Markdown's inline pass rewrites `*...*` and backticks inside the attribute list before it is read:
    the quiz would vanish from every format, so it is an error at the attribute list's line."""
    replace(course, "b.md", page("Second page", 1, "Text.\n\n" + quiz(1, ITEMS, opt=opt)))
    fails(course, out, "b.md", 9, "attribute list could not be read")


def test_quiz_syntax_shown_in_code_is_not_an_error(course, out):
    replace(course, "c.md", page("Chapter two", 2, 'Write `{: data-n="6"}` after the instruction.\n\n'
                                 '    {: #quiz data-n="6"}\n', kind="chapter"))
    r = run_cli("build", course, "--out", out, "--format", "html")
    assert r.returncode == 0, r.stderr
