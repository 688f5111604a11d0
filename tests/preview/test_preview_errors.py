"""What the preview does when the course changes under it (finding 7 of issue 20): a course file deleted while
previewing, then another format or mode asked for, is answered with the preview's errors naming the file, never
a traceback and a dropped connection; a rebuild that fails in any way is an error event, and the watcher keeps
rebuilding after it."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import SAMPLE, packaged

IMAGE = "images/right-turn.svg"  # shown on the sample course's first page


@pytest.fixture
def course(tmp_path) -> Path:
    folder = tmp_path / "course"
    shutil.copytree(SAMPLE, folder)
    return folder


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_a_deleted_file_then_another_format_or_mode_shows_the_error(course, capsys):
    from exporter.preview import Preview

    preview = Preview(course, say=lambda text: None, watch=False)
    preview.start()
    try:
        status, _ = get(preview.url + "_preview/state?format=scorm12&mode=pages")
        assert status == 200
        status, data = get(preview.url + f"course/scorm12/pages/{IMAGE}")
        assert status == 200 and data == (SAMPLE / IMAGE).read_bytes()
        (course / IMAGE).unlink()
        # before the watcher's rebuild: the last good build stays, its deleted file is answered with its name
        for fmt, mode in (("scorm2004", "pages"), ("scorm12", "course")):
            status, body = get(preview.url + f"_preview/state?format={fmt}&mode={mode}")
            assert status == 200, body
            assert json.loads(body)["outline"]["groups"]
            status, body = get(preview.url + f"course/{fmt}/{mode}/{IMAGE}")
            assert status == 404 and str(course / IMAGE) in body.decode() and "deleted" in body.decode(), body
        # the rebuild (as the watcher runs it) reports the broken link at its file and line
        event = preview.session.rebuild()
        assert not event["ok"] and "right-turn.svg" in event["errors"][0]["text"]
        status, body = get(preview.url + "_preview/state?format=scorm2004&mode=course")
        state = json.loads(body)
        assert status == 200 and not state["ok"] and state["course"] is not None
        assert any("right-turn.svg" in e["text"] and e["line"] for e in state["errors"]), state["errors"]
        status, body = get(preview.url + f"course/scorm2004/course/{packaged(SAMPLE).pages[0].href}")
        assert status == 200 and b"right-turn.svg" in body
    finally:
        preview.stop()
    assert "Traceback" not in capsys.readouterr().err


def test_a_package_that_cannot_be_built_is_the_previews_error(course, monkeypatch, capsys):
    """A writer failing (an OS error naming a file, or a bug) answers the state with the error and the
    package's files with an error page; the next good rebuild serves again."""
    from exporter.preview import Preview
    from exporter.writers.scorm.common import ScormWriter

    preview = Preview(course, say=lambda text: None, watch=False)
    preview.start()
    real = ScormWriter.files
    try:
        def broken(self, model, options=None):
            raise PermissionError(13, "Permission denied", str(course / IMAGE))

        monkeypatch.setattr(ScormWriter, "files", broken)
        status, body = get(preview.url + "_preview/state?format=scorm2004&mode=pages")
        state = json.loads(body)
        assert status == 200 and not state["ok"]
        assert state["errors"][0]["path"] == str(course / IMAGE) and "Permission denied" in state["errors"][0]["text"]
        status, body = get(preview.url + "course/scorm2004/pages/index.html")
        assert status == 500 and str(course / IMAGE) in body.decode()
        monkeypatch.setattr(ScormWriter, "files", real)
        event = preview.session.rebuild()
        assert event["ok"], event
        status, body = get(preview.url + "_preview/state?format=scorm2004&mode=pages")
        assert status == 200 and json.loads(body)["ok"]
    finally:
        preview.stop()
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("failure", ["deleted-while-packaging", "bug"])
def test_a_failing_rebuild_never_stops_the_watcher(course, failure, capsys):
    """The watcher's rebuild: the course file vanishes between reading and packaging (an open package is
    rebuilt), or reading raises something unforeseen: the save is an error event, the next save rebuilds."""
    from exporter.preview import Preview
    from exporter.source.reader import read_course

    calls = {"n": 0}

    def reader(folder, overrides):
        calls["n"] += 1
        if calls["n"] == 2 and failure == "bug":
            raise RuntimeError("something unforeseen")
        result = read_course(folder, overrides)
        if calls["n"] == 2:
            (course / IMAGE).unlink()  # deleted right after it was read
        return result

    said: list[str] = []
    preview = Preview(course, say=said.append, reader=reader)
    preview.start()
    try:
        assert preview.session.package("scorm12", "pages") is not None  # an open package: rebuilt on save
        generation = preview.session.generation
        page = course / packaged(course).pages[3].source
        page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        event = preview.session.wait(generation, 20)
        assert event is not None, "no rebuild after the first save"
        if failure == "bug":
            assert not event["ok"] and "something unforeseen" in event["errors"][0]["text"]
        generation = event["generation"]
        if failure != "bug":  # the deletion itself is a change: wait for its rebuild too
            event = preview.session.wait(generation, 20)
            assert event is not None
            generation = event["generation"]
        if failure != "bug":
            shutil.copy(SAMPLE / IMAGE, course / IMAGE)
        page.write_text(page.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
        event = preview.session.wait(generation, 20)
        while event is not None and not event["ok"]:  # the restored image may come in a batch of its own
            event = preview.session.wait(event["generation"], 20)
        assert event is not None and event["ok"], "the watcher stopped rebuilding"
        assert b"And another." in preview.session.package("scorm12", "pages")[packaged(course).pages[3].href]
    finally:
        preview.stop()
    assert "Traceback" not in capsys.readouterr().err
    assert not any("stopped" in s for s in said), said
