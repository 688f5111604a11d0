"""Issue 13 findings in writing a build: every OS error a diagnostic, the artifact set replaced all at once
or not at all, one build per folder at a time, SIGTERM cleaned up, any terminal encoding, any argv bytes."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coursekit import small_course, snapshot
from conftest import ROOT, run_cli

from exporter.writers import WRITERS


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def course(tmp_path):
    return small_course(tmp_path / "course")


@pytest.fixture
def out(tmp_path, course):
    """An output folder holding an earlier build (titled "Old") of every format."""
    out = tmp_path / "out"
    r = run_cli("build", course, "--out", out, "--title", "Old")
    assert r.returncode == 0, r.stderr
    return out


def run_bytes(*args: bytes | str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "exporter", *args], capture_output=True, env=full, timeout=300)


def assert_clean_failure(r, out: Path, before: dict, pattern: str) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert pattern in r.stderr, r.stderr
    assert snapshot(out) == before, "a failed build changed the output folder"
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "a temporary file or folder was left"


# --- OS errors: a diagnostic with the path, exit 1, the output folder as it was ---------------------------

def test_out_is_a_file(course, tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    r = run_cli("build", course, "--out", f)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"exporter: error: {f}: is a file, not a folder" in r.stderr
    assert f.read_text() == "x"


def test_out_under_a_file(course, tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    r = run_cli("build", course, "--out", f / "sub" / "deeper")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"exporter: error: {f}: is a file, not a folder" in r.stderr


def test_out_parents_created_by_a_failed_build_are_removed(course, tmp_path):
    """A build that fails after creating --out's folders takes them away again."""
    (course / "pics").mkdir()
    out = tmp_path / "new" / "deeper"
    r = run_cli("build", course, "--out", out, "--identifier", "x" * 300)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "new").exists()


def test_identifier_too_long_for_some_file_names(course, out):
    """243 characters: `-html.zip` still fits a 255-byte name, `-scorm2004.zip` does not. The old build
    wrote the first artifacts and then failed with a traceback; now nothing changes."""
    before = snapshot(out)
    r = run_cli("build", course, "--out", out, "--identifier", "x" * 243)
    assert_clean_failure(r, out, before, "File name too long")
    assert f"{out / ('x' * 243)}-" in r.stderr


def test_identifier_of_230_characters_builds(course, tmp_path):
    r = run_cli("build", course, "--out", tmp_path / "o", "--identifier", "x" * 230)
    assert r.returncode == 0, r.stderr
    assert len([p for p in (tmp_path / "o").iterdir() if p.name != "report.html"]) == len(WRITERS)


def test_artifact_path_taken_by_a_folder(course, out):
    (out / "course-moodle.xml").unlink()
    (out / "course-moodle.xml").mkdir()
    (out / "course-moodle.xml" / "keep.txt").write_text("mine")
    before = snapshot(out)
    r = run_cli("build", course, "--out", out, "--title", "New")
    assert_clean_failure(r, out, before, f"{out / 'course-moodle.xml'}: a folder has the artifact's name")


@pytest.mark.parametrize("where", ["write", "rename"])
def test_disk_full_part_way_leaves_the_old_set(course, out, monkeypatch, capsys, where):
    """ENOSPC while staging the third artifact, or while moving the fourth into place."""
    from exporter import cli
    from exporter.build import staging as output

    before = snapshot(out)
    calls = {"n": 0}
    if where == "write":  # the third package written into the staging folder
        from exporter.writers import packaging

        real = packaging.Package.close

        def failing(self):
            calls["n"] += 1
            if calls["n"] == 3:
                with open(self.path, "wb") as fh:  # part of it written, then the disk is full
                    fh.write(b"PK")
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path))
            return real(self)

        monkeypatch.setattr(packaging.Package, "close", failing)
    else:
        real_replace = os.replace

        def failing_replace(src, dst):
            if str(src).endswith(".zip") or str(src).endswith(".xml") or str(src).endswith(".imscc"):
                calls["n"] += 1
                if calls["n"] == 4:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
            return real_replace(src, dst)

        monkeypatch.setattr(output.os, "replace", failing_replace)
    code = cli.main(["build", str(course), "--out", str(out), "--title", "New", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "No space left on device" in err, err
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_read_only_output(course, out, monkeypatch, capsys):
    """Root ignores permissions, so the read-only folder is simulated where the build first writes."""
    from exporter import cli
    from exporter.build import staging as output

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(out))

    monkeypatch.setattr(output.tempfile, "mkdtemp", read_only)
    before = snapshot(out)
    code = cli.main(["build", str(course), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and f"exporter: error: {out}: Read-only file system" in err, err
    assert snapshot(out) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_output_for_real(course, out):
    before = snapshot(out)
    out.chmod(0o555)
    try:
        r = run_cli("build", course, "--out", out, "--title", "New")
    finally:
        out.chmod(0o755)
    assert_clean_failure(r, out, before, "Permission denied")


def test_unreadable_page_is_a_diagnostic(course, out, monkeypatch, capsys):
    from pathlib import Path as P

    from exporter import cli

    real = P.read_bytes

    def read_bytes(self):
        if self.name == "b.md":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    monkeypatch.setattr(P, "read_bytes", read_bytes)
    code = cli.main(["build", str(course), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and f"{course / 'b.md'}: error: the file cannot be read (Permission denied)" in err, err


# --- one build at a time ------------------------------------------------------------------------------

def test_a_second_build_into_a_locked_folder_is_refused(course, out):
    import fcntl

    before = snapshot(out)
    fd = os.open(out, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        r = run_cli("build", course, "--out", out, "--title", "New")
    finally:
        os.close(fd)
    assert_clean_failure(r, out, before, "another exporter build is writing into this folder right now")
    assert run_cli("build", course, "--out", out, "--title", "New").returncode == 0


def test_concurrent_builds_never_mix_their_artifacts(course, out):
    """Two builds at once: each either writes its whole set or is refused; the folder holds one set."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-m", "exporter", "build", str(course), "--out", str(out),
                               "--title", title], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for title in ("Alpha", "Omega")]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert all(code in (0, 1) and "Traceback" not in err for code, err in results), results
    assert any(code == 0 for code, _ in results)
    for code, err in results:
        if code == 1:
            assert "another exporter build is writing into this folder" in err
    titles = set()
    for name in ("course-moodle.xml",):
        text = (out / name).read_text()
        titles |= {t for t in ("Alpha", "Omega", "Old") if t in text}
    import zipfile

    for p in out.iterdir():
        if p.suffix in (".zip", ".imscc"):
            with zipfile.ZipFile(p) as zf:
                blob = b"".join(zf.read(n) for n in zf.namelist() if n.endswith((".xml", ".html")))
            titles |= {t for t in ("Alpha", "Omega", "Old") if t.encode() in blob}
    assert len(titles) == 1, titles
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_stale_staging_from_a_killed_build_is_removed(course, out):
    (out / ".exporter-dead1234").mkdir()
    (out / ".exporter-dead1234" / "x.zip").write_bytes(b"half")
    assert run_cli("build", course, "--out", out).returncode == 0
    assert not (out / ".exporter-dead1234").exists()


# --- SIGTERM while writing ----------------------------------------------------------------------------

def test_sigterm_during_the_write_phase(course, out):
    (course / "big.bin").write_bytes(os.urandom(40 * 1024 * 1024))
    (course / "b.md").write_text((course / "b.md").read_text() + "\n[the data](big.bin)\n")
    before = snapshot(out)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "exporter", "build", str(course), "--out", str(out),
                             "--title", "New"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.startswith(".exporter-") for p in out.iterdir()):
        time.sleep(0.005)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=120)
    err = proc.stderr.read()
    assert code == 128 + signal.SIGTERM, (code, err)
    assert "Traceback" not in err and "stopped by SIGTERM" in err, err
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


# --- the command line ---------------------------------------------------------------------------------

def test_non_utf8_bytes_in_argv(course, tmp_path):
    target = bytes(tmp_path) + b"/o\xff"  # not UTF-8
    r = run_bytes(b"build", bytes(course), b"--out", target, b"--title", b"T\xff")
    assert r.returncode == 2 and b"Traceback" not in r.stderr
    assert b"--title is not UTF-8 text" in r.stderr
    r = run_bytes(b"build", bytes(course), b"--out", target, b"--format", b"html")
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
    assert os.path.exists(target + b"/course-html.zip")


def test_non_utf8_course_and_page_names(course, tmp_path):
    folder = bytes(tmp_path) + b"/caf\xe9"  # Latin-1 bytes: not UTF-8
    os.mkdir(folder)
    for p in course.iterdir():
        name = b"d\xe9.md" if p.name == "d.md" else p.name.encode()
        with open(folder + b"/" + name, "wb") as fh:
            fh.write(p.read_bytes())
    r = run_bytes(b"build", folder, b"--out", bytes(tmp_path / "o"), b"--json")
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
    import json

    assert json.loads(r.stdout)["title"] == "Caf\ufffd"


def test_terminal_that_is_not_utf8(course, tmp_path):
    for extra in ([], ["--json"]):
        r = run_bytes("build", str(course), "--out", str(tmp_path / "o"), "--title", "课程 🚲", *extra,
                      env={"PYTHONIOENCODING": "cp1252"})
        assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
    import json

    assert json.loads(r.stdout.decode("cp1252"))["title"] == "课程 🚲"


@pytest.mark.parametrize("args, message", [
    (["--format", ""], "--format is empty"),
    (["--format", " , "], "--format is empty"),
    (["--out", ""], "--out is empty"),
])
def test_empty_options_are_usage_errors(course, tmp_path, args, message):
    r = run_cli("build", course, *args, cwd=tmp_path)
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == [course.parent / "course"] or not list(tmp_path.glob("*.zip"))


def test_empty_course_argument(tmp_path):
    r = run_cli("build", "", "--out", tmp_path / "o", cwd=tmp_path)
    assert r.returncode == 2 and "course folder is empty text" in r.stderr
