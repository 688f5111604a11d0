"""`exporter decode` / `exporter encode`: items rewritten in place, every other byte kept, the round trip exact,
`--check` for CI, nothing written for a course with errors."""

from __future__ import annotations

import base64
import re
import shutil
import stat
from pathlib import Path

import pytest

from conftest import SAMPLE, run_cli
from coursekit import ITEMS, encode, page, quiz, small_course, write_course, snapshot
from exporter.commands import recode
from exporter.errors import ContentError
from exporter.source.reader import read_course
from test_plain_items import bank


def model(folder: Path) -> list:
    """What the writers would see, less where each item sits in its file."""
    course, _ = read_course(folder)
    return recode._summary(course)


@pytest.fixture
def corpus_copy(corpus, tmp_path) -> Path:
    # files copied as an author would copy them, writable (../shared keeps the corpus read-only, and decode
    # refuses a read-only page)
    return Path(shutil.copytree(corpus, tmp_path / "listener-course", copy_function=shutil.copyfile))


def test_corpus_decode_then_encode_is_byte_identical(corpus, corpus_copy):
    original = snapshot(corpus)
    before = model(corpus_copy)
    r = run_cli("decode", corpus_copy)
    assert r.returncode == 0, r.stderr
    assert "644 items in 51 files written as plain text" in r.stdout and r.stderr == ""
    assert snapshot(corpus_copy) != original
    assert model(corpus_copy) == before  # same pages, quizzes, items and identifiers
    plain_lines = [line for p in corpus_copy.glob("*.md") for line in p.read_text().splitlines()
                   if line.startswith("- ") and "/Y/" in line or "/N/" in line]
    assert len(plain_lines) >= 644
    r = run_cli("encode", corpus_copy)
    assert r.returncode == 0, r.stderr
    assert "644 items in 51 files written as base64" in r.stdout
    assert snapshot(corpus_copy) == original


def test_only_item_lines_change(corpus, corpus_copy):
    assert run_cli("decode", corpus_copy).returncode == 0
    changed = 0
    for path in sorted(corpus.glob("*.md")):
        old = path.read_bytes().split(b"\n")
        new = (corpus_copy / path.name).read_bytes().split(b"\n")
        assert len(old) == len(new), path.name
        for a, b in zip(old, new):
            if a != b:
                word = a.removeprefix(b"- ").strip()
                text = base64.b64decode(word).decode()
                assert b.startswith(b"- ") and text.split("/", 1)[0] in b.decode().replace("\\", ""), (a, b)
                changed += 1
    assert changed == 644


def test_check_reports_and_writes_nothing(corpus_copy):
    original = snapshot(corpus_copy)
    r = run_cli("decode", "--check", corpus_copy)
    assert r.returncode == 1, r.stderr
    assert "644 items in 51 files would change" in r.stdout
    assert f"{corpus_copy / 'listen00.md'}: 18 items would be written as plain text" in r.stdout
    assert snapshot(corpus_copy) == original
    r = run_cli("encode", "--check", corpus_copy)
    assert r.returncode == 0 and "nothing to change" in r.stdout
    assert run_cli("decode", corpus_copy).returncode == 0
    decoded = snapshot(corpus_copy)
    assert run_cli("decode", "--check", corpus_copy).returncode == 0
    r = run_cli("encode", "--check", corpus_copy)
    assert r.returncode == 1 and "644 items in 51 files would change" in r.stdout
    assert snapshot(corpus_copy) == decoded


def test_a_course_with_errors_is_left_untouched(tmp_path):
    course = small_course(tmp_path / "course")
    write_course(course, {"d.md": page("Last page", 3, "Text.\n\n" + quiz(1, ITEMS) + "- neither form\n")})
    before = snapshot(course)
    for command in ("decode", "encode"):
        for check in ([], ["--check"]):
            r = run_cli(command, *check, course)
            assert r.returncode == (2 if check else 1)  # --check: 2, it cannot tell
            assert f"{course / 'd.md'}:14: error: this quiz item is neither" in r.stderr
            assert "nothing was written" in r.stderr and "Traceback" not in r.stderr
            assert snapshot(course) == before


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("decode", tmp_path / "nowhere").returncode == 2


def test_line_endings_bom_and_other_lines_stay(tmp_path):
    items = [("Fish &amp; chips <3", "Y", "A *classic*_snack_ \\ \\*"), ("# Hash first", "n", " Spaced /Y/ out")]
    body = "Intro with trailing space   \r\n\r\n" + quiz(2, items).replace("\n", "\r\n") + "\r\nAfter.\r\n"
    text = "\ufeff" + page("CRLF page", 0, "").replace("\n", "\r\n") + body
    folder = write_course(tmp_path / "c", {"a.md": text.encode("utf-8"), "b.md": page("LF", 1, quiz(1, ITEMS[:2]))})
    (folder / "a.md").chmod(0o600)
    original = snapshot(folder)
    before = model(folder)
    assert run_cli("decode", folder).returncode == 0
    data = (folder / "a.md").read_bytes()
    assert data.startswith("\ufeff---\r\n".encode()) and data.count(b"\r\n") == text.count("\r\n")
    assert b"Intro with trailing space   \r\n" in data
    assert "- Fish &amp; chips <3 /Y/ A \\*classic\\*\\_snack\\_ \\\\ \\\\\\*\r\n" in data.decode()
    assert "- \\# Hash first /n/  Spaced /Y/ out\r\n" in data.decode()
    assert stat.S_IMODE((folder / "a.md").stat().st_mode) == 0o600
    assert model(folder) == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "a temporary file was left behind"
    assert run_cli("encode", folder).returncode == 0
    assert snapshot(folder) == original


def test_items_no_markdown_line_can_hold_stay_base64(tmp_path):
    odd = {
        "a line break": base64.b64encode(b"Two\nlines/Y/x").decode(),
        "white space": base64.b64encode(b" Leading space/Y/x").decode(),
        "not in the standard form": base64.b64encode(b"Padding bits/Y/xy").decode()[:-2] + "l=",  # unused bits set
        "would not show the same": base64.b64encode(b"See <https://example.org>/Y/x").decode(),
    }
    assert base64.b64decode(odd["not in the standard form"]).decode() == "Padding bits/Y/xy"
    body = "Text.\n\n" + quiz(1, ITEMS[:1]) + "".join(f"- {word}\n" for word in odd.values())
    folder = write_course(tmp_path / "c", {"a.md": page("Odd", 0, body)})
    original = snapshot(folder)
    r = run_cli("decode", folder)
    assert r.returncode == 0, r.stderr
    assert "1 item written as plain text" in r.stdout
    for n, why in enumerate(odd, start=12):
        assert f"{folder / 'a.md'}:{n}: note: this item stays base64: its" in r.stderr
    assert "line break" in r.stderr and "white space" in r.stderr and "standard form" in r.stderr
    assert run_cli("encode", folder).returncode == 0
    assert snapshot(folder) == original


def test_encode_writes_what_the_markdown_shows(tmp_path):
    """Hand-written plain items, Markdown and all, encode to base64 that shows the same, identifiers kept;
    an item written over several lines becomes one."""
    folder = write_course(tmp_path / "c", {"a.md": page("Hand written", 0, bank(
        "- *Brakes* first, then `tyres` /t/ See [the guide](https://example.org/a/Y/b) &amp; <3",
        "- Write Y\\/N/ by hand/F/no",
        "- A statement over", "  two lines /Y/ and its explanation.", n=3))})
    before = model(folder)
    r = run_cli("encode", folder)
    assert r.returncode == 0, r.stderr
    assert "3 items written as base64" in r.stdout
    lines = (folder / "a.md").read_text().splitlines()
    words = [line[2:] for line in lines if line.startswith("- ")]
    texts = [base64.b64decode(w).decode() for w in words]
    assert texts[0].startswith("<em>Brakes</em> first, then <code>tyres</code>/y/See <a href=")
    assert texts[1] == "Write Y&#47;N/ by hand/N/no"
    assert texts[2] == "A statement over\ntwo lines/Y/and its explanation."
    assert model(folder) == before
    assert run_cli("decode", "--check", folder).returncode == 1


def test_sample_course_round_trips(tmp_path):
    """The sample mixes both forms, and plain items with Markdown: encode keeps what each item shows, and from
    there decode then encode gives back every file byte for byte."""
    folder = Path(shutil.copytree(SAMPLE, tmp_path / "content"))
    before = model(folder)
    assert run_cli("encode", folder).returncode == 0
    encoded = snapshot(folder)
    assert model(folder) == before
    assert run_cli("decode", folder).returncode == 0
    assert model(folder) == before
    assert run_cli("encode", folder).returncode == 0
    assert snapshot(folder) == encoded


def test_sample_course_has_both_forms():
    lines = [line for p in sorted(SAMPLE.glob("*.md")) for line in p.read_text(encoding="utf-8").splitlines()]
    assert any(re.fullmatch(r"- [A-Za-z0-9+/]{16,}={0,2}", line) for line in lines), "a base64 quiz"
    assert sum(1 for line in lines if re.match(r"- .+ /[YN]/ ", line)) >= 20, "plain items"
    assert any(re.match(r"- .*\*\w+\*.* /[YN]/ ", line) for line in lines), "Markdown in a plain item"


def test_nothing_is_written_when_the_result_would_read_differently(tmp_path, monkeypatch):
    """The last guard: the rewritten course is read from a copy and compared before anything is written."""
    folder = small_course(tmp_path / "course")
    before = snapshot(folder)
    monkeypatch.setattr(recode, "plain_form", lambda decoded: "Something else /N/ entirely")
    with pytest.raises(ContentError) as err:
        recode.plan(folder, recode.PLAIN)
    [d] = err.value.diagnostics
    assert d.path == str(folder / "b.md") and "nothing was written" in d.message
    assert snapshot(folder) == before


def test_atomic_write_leaves_no_temporary_file_on_failure(tmp_path, monkeypatch):
    folder = small_course(tmp_path / "course")
    before = snapshot(folder)
    rewrite = recode.plan(folder, recode.PLAIN)
    assert rewrite.items == 6

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(recode.os, "replace", fail)
    with pytest.raises(recode.WriteError):
        recode.apply(rewrite)
    assert snapshot(folder) == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    assert encode(*ITEMS[0]) in (folder / "b.md").read_text()
