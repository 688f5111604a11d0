"""decode and encode never lose what an author saved: a file edited while they run, a linked, hard-linked or
read-only page, a signal or a full disk while they write; every page the reader takes; exit codes CI can tell
apart."""

from __future__ import annotations

import base64
import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from coursekit import ITEMS, encode, page, quiz, small_course, snapshot, write_course
from exporter import cli
from exporter.commands import recode


def _tmp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith("."))


# --- 1: a file saved after it was read is not replaced -----------------------------------------------------

def test_a_page_edited_while_decode_runs_is_not_replaced(tmp_path, monkeypatch, capsys):
    folder = small_course(tmp_path / "course")
    planned = recode.plan

    def plan_then_edit(*args, **kwargs):  # the author's editor saves b.md after decode has read it
        rewrite = planned(*args, **kwargs)
        with open(folder / "b.md", "a", encoding="utf-8") as fh:
            fh.write("\nAn edit saved while decode ran.\n")
        return rewrite

    monkeypatch.setattr(recode, "plan", plan_then_edit)
    code = cli.main(["decode", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "An edit saved while decode ran." in (folder / "b.md").read_text(encoding="utf-8")
    assert encode(*ITEMS[0]) in (folder / "b.md").read_text(encoding="utf-8"), "b.md was rewritten"
    assert f"{folder / 'b.md'}: error: this file changed after decode read it" in err
    assert str(folder / "b.md") not in out
    assert f"{folder / 'd.md'}: 3 items written as plain text" in out
    assert encode(*ITEMS[0]) not in (folder / "d.md").read_text(encoding="utf-8")
    assert "1 file was not written" in err and "Traceback" not in err
    assert _tmp_files(folder) == []


def test_a_page_replaced_by_the_same_text_is_still_refused(tmp_path):
    """Content, size, modification time and inode are all compared: an editor that saves by renaming a new
    file over the old one is seen too."""
    folder = small_course(tmp_path / "course")
    rewrite = recode.plan(folder, recode.PLAIN)
    data = (folder / "b.md").read_bytes()
    (folder / "b.md").unlink()
    (folder / "b.md").write_bytes(data)  # a new inode
    with pytest.raises(recode.NotWritten) as err:
        recode.apply(rewrite)
    assert [d.path for d in err.value.diagnostics] == [str(folder / "b.md")]
    assert err.value.written == [folder / "d.md"]
    assert (folder / "b.md").read_bytes() == data


# --- 2: links, hard links, read-only pages, modes ----------------------------------------------------------

def test_a_linked_page_keeps_its_link_and_its_target_is_rewritten(tmp_path):
    folder = small_course(tmp_path / "course")
    (folder / "src").mkdir()
    (folder / "b.md").rename(folder / "src" / "real.txt")
    (folder / "b.md").symlink_to(Path("src") / "real.txt")
    (folder / "src" / "real.txt").chmod(0o640)
    r = run_cli("decode", folder)
    assert r.returncode == 0, r.stderr
    assert (folder / "b.md").is_symlink() and os.readlink(folder / "b.md") == str(Path("src") / "real.txt")
    text = (folder / "src" / "real.txt").read_text(encoding="utf-8")
    assert encode(*ITEMS[0]) not in text and "/Y/" in text
    assert stat.S_IMODE((folder / "src" / "real.txt").stat().st_mode) == 0o640
    assert _tmp_files(folder) == []


def test_a_hard_linked_page_is_refused_and_nothing_is_written(tmp_path):
    folder = small_course(tmp_path / "course")
    os.link(folder / "b.md", tmp_path / "elsewhere.md")
    before = snapshot(folder)
    inode = (folder / "b.md").stat().st_ino
    r = run_cli("decode", folder)
    assert r.returncode == 1
    assert f"{folder / 'b.md'}: error: this file has 2 names (hard links)" in r.stderr
    assert "nothing was written" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(folder) == before and (folder / "b.md").stat().st_ino == inode


def test_a_read_only_page_is_refused_and_nothing_is_written(tmp_path):
    folder = small_course(tmp_path / "course")
    (folder / "b.md").chmod(0o444)
    before = snapshot(folder)
    r = run_cli("decode", folder)
    assert r.returncode == 1
    assert f"{folder / 'b.md'}: error: this file is read-only" in r.stderr
    assert "nothing was written" in r.stderr
    assert snapshot(folder) == before
    assert stat.S_IMODE((folder / "b.md").stat().st_mode) == 0o444


# --- 3: signals --------------------------------------------------------------------------------------------

_SIGNAL_DURING_WRITES = """
import os, signal, sys
from exporter import cli
from exporter.commands import recode
real = os.fsync
def fsync_then_signal(fd):
    real(fd)
    os.kill(os.getpid(), signal.{sig})
recode.os.fsync = fsync_then_signal
sys.exit(cli.main([{command!r}, {folder!r}]))
"""


@pytest.mark.parametrize("sig, code", [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_while_decode_writes_leaves_nothing_behind(tmp_path, sig, code):
    folder = small_course(tmp_path / "course")
    before = snapshot(folder)
    script = _SIGNAL_DURING_WRITES.format(sig=sig, command="decode", folder=str(folder))
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == code, r.stderr
    assert "Traceback" not in r.stderr
    assert "nothing was written" in r.stderr
    assert _tmp_files(folder) == [] and snapshot(folder) == before


def test_ctrl_c_while_reading_exits_130(tmp_path, monkeypatch, capsys):
    folder = small_course(tmp_path / "course")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(recode, "read_course", interrupted)
    for command in ("decode", "encode"):
        assert cli.main([command, str(folder)]) == 130
        assert "interrupted" in capsys.readouterr().err


def test_ctrl_c_during_the_previews_first_build_exits_130(tmp_path, monkeypatch, capsys):
    from exporter.preview import session

    folder = small_course(tmp_path / "course")

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(session.Session, "rebuild", interrupted)
    assert cli.main(["preview", str(folder)]) == 130
    assert "interrupted" in capsys.readouterr().err


# --- 4: every page the reader takes; items decode cannot write; the reader's stand-ins ---------------------

def test_markdown_suffixes_the_reader_takes_are_decoded(tmp_path):
    folder = small_course(tmp_path / "course")
    (folder / "b.md").rename(folder / "b.markdown")
    (folder / "d.md").rename(folder / "d.MD")
    r = run_cli("decode", folder)
    assert r.returncode == 0, r.stderr
    assert "6 items in 2 files written as plain text" in r.stdout
    assert "/Y/" in (folder / "b.markdown").read_text() and "/Y/" in (folder / "d.MD").read_text()


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_an_item_holding_a_line_separator_stays_base64_with_a_note(tmp_path, separator):
    word = base64.b64encode(f"Two{separator}parts/Y/x".encode()).decode()
    folder = write_course(tmp_path / "c", {"a.md": page("Odd", 0, "Text.\n\n" + quiz(1, ITEMS[:1])
                                                        + f"- {word}\n")})
    r = run_cli("decode", folder)
    assert r.returncode == 0, r.stderr
    assert "1 item written as plain text" in r.stdout
    assert (f"{folder / 'a.md'}:12: note: this item stays base64: its text holds a line or paragraph "
            "separator") in r.stderr
    assert f"- {word}\n" in (folder / "a.md").read_text(encoding="utf-8")


def test_author_text_cannot_collide_with_the_readers_stand_ins(tmp_path):
    from exporter.source.reader import read_course

    prose = "Our tracker calls these exporteritem0x and exporterbank0x (internal names).\n\n"
    folder = write_course(tmp_path / "c", {"a.md": page("Words", 0, prose + quiz(
        2, [("Plain *one*", "Y", "x"), ("Plain two", "N", "y")], form=lambda s, a, e: f"{s} /{a}/ {e}"))})
    course, report = read_course(folder)
    assert not report.errors
    assert [i.statement_html for i in course.pages[0].quiz.items] == ["Plain <em>one</em>", "Plain two"]
    assert "exporteritem0x and exporterbank0x" in course.pages[0].body_html


# --- 5: exit codes, what is said when, a full disk ---------------------------------------------------------

def test_check_exit_codes_tell_would_change_from_errors(tmp_path):
    folder = small_course(tmp_path / "course")
    assert run_cli("encode", "--check", folder).returncode == 0  # nothing would change
    assert run_cli("decode", "--check", folder).returncode == 1  # something would
    write_course(folder, {"d.md": page("Last page", 3, "Text.\n\n" + quiz(1, ITEMS) + "- neither form\n")})
    r = run_cli("decode", "--check", folder)
    assert r.returncode == 2, r.stderr  # could not tell: the course has errors
    assert "this quiz item is neither" in r.stderr
    assert run_cli("decode", folder).returncode == 1  # without --check, errors are 1 as in every command


def test_written_lines_come_only_after_writing_and_a_full_disk_names_the_path(tmp_path, monkeypatch, capsys):
    folder = small_course(tmp_path / "course")
    before = snapshot(folder)

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(recode.os, "write", full)
    code = cli.main(["decode", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "written" not in out
    assert f"exporter: error: {folder / 'b.md'}: {os.strerror(errno.ENOSPC)}: nothing was written" in err
    assert snapshot(folder) == before and _tmp_files(folder) == []
