"""`exporter preview` in a real browser (Playwright + Chromium): the outline, the SCO in its frame driven by
scorm-again (or the preview's own recording API), the live log of LMS calls, rebuild on save, and a save
with an error. Every server started here is stopped here; every wait is bounded."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, packaged

WAIT_MS = 8000  # the longest any one step may take in the browser


# ---------- fixtures ----------

class Served:
    """`exporter preview` as a user runs it: a separate process, its URL read from stdout."""

    def __init__(self, content: Path, *args: str):
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "exporter", "preview", str(content), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(ln) for ln in self.proc.stdout], daemon=True).start()
        self.stderr: list[str] = []
        threading.Thread(target=lambda: [self.stderr.append(ln) for ln in self.proc.stderr], daemon=True).start()
        try:
            first = lines.get(timeout=30)
        except queue.Empty:
            self.stop()
            raise AssertionError(f"exporter preview printed no URL in 30 s: {''.join(self.stderr)}") from None
        assert first.startswith("exporter preview: http://127.0.0.1:"), first
        self.url = first.split(": ", 1)[1].strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def course(tmp_path) -> Path:
    folder = tmp_path / "course"
    shutil.copytree(SAMPLE, folder)
    return folder


@pytest.fixture
def page_of(browser):
    """A fresh browser context per test (fresh storage); JavaScript errors fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    errors: list[str] = []

    def open_(url: str):
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_selector("#outline li[data-sco]")
        return page

    yield open_
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


# ---------- helpers ----------

def sco_frame(page, href: str):
    """The SCO frame once it shows `href` and its page has started."""
    page.wait_for_function("h => { const f = document.querySelector('#sco'); return f.getAttribute('src') "
                           "&& f.getAttribute('src').endsWith('/' + h) && f.contentDocument "
                           "&& f.contentDocument.readyState === 'complete'; }", arg=href)
    return page.frame_locator("#sco")


def frame_of(page):
    return page.frame(name="lms-sco")


def answer_all(frame, items: dict, wrong: bool = False) -> list[str]:
    frame.wait_for_selector("fieldset.item")
    ids = [i.removeprefix("item-") for i in frame.eval_on_selector_all("fieldset.item", "els => els.map(e => e.id)")]
    for n, ident in enumerate(ids):
        value = (items[ident].right_index == 0) != (wrong and n == 0)
        frame.check(f"fieldset.item >> nth={n} >> input[value='{0 if value else 1}']")
    frame.click("button.score")
    frame.wait_for_selector(".result:not([hidden])")
    return ids


def log_text(page) -> list[str]:
    return page.eval_on_selector_all("#log li.call", "els => els.map(e => e.textContent)")


def outline_class(page, sco: str) -> str:
    return page.get_attribute(f"#outline li[data-sco='{sco}']", "class") or ""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------- tests ----------

def test_quiz_log_unlock_reload_on_save_and_broken_save(page_of, course):
    """SCORM 1.2, one SCO per page, scorm-again: open a quiz page, answer, score; the log shows the calls and the
    outline unlocks the next page; a save changes the page without a reload; a broken save shows its errors
    (file and line) and keeps the last good page."""
    model = packaged(course)
    items = {i.id: i for i in model.items}
    first, quiz_page, after = model.pages[0], model.pages[1], model.pages[2]
    assert quiz_page.quiz is not None
    served = Served(course)
    try:
        page = page_of(served.url)
        assert page.get_attribute("#runtime", "data-runtime") == "scorm-again"
        sco_frame(page, first.href)  # the first page opens by itself and completes on view
        page.wait_for_function("id => !document.querySelector(`#outline li[data-sco='${id}']`)"
                               ".classList.contains('locked')", arg=quiz_page.id)
        assert "locked" in outline_class(page, after.id)
        assert "prerequisite" in page.inner_text(f"#outline li[data-sco='{after.id}'] .why")
        page.click(f"#outline li[data-sco='{quiz_page.id}'] .open")
        sco_frame(page, quiz_page.href)
        answer_all(frame_of(page), items)
        page.wait_for_function("id => !document.querySelector(`#outline li[data-sco='${id}']`)"
                               ".classList.contains('locked')", arg=after.id)
        log = log_text(page)
        assert any('LMSSetValue("cmi.core.lesson_status", "passed") → "true"' in x for x in log), log
        assert any(x.startswith('LMSInitialize("")') for x in log)
        assert any('LMSSetValue("cmi.core.score.raw", "100")' in x for x in log)
        assert "passed" in page.inner_text(f"#outline li[data-sco='{quiz_page.id}'] .state")
        record = dict(page.eval_on_selector_all("#record tr", "rows => rows.map(r => [r.cells[0] ? "
                                                "r.querySelector('th').textContent : '', r.querySelector('td').textContent])"))
        assert record["cmi.core.lesson_status"] == "passed"

        # a save: the open page changes by itself, within a second of the save
        source = course / quiz_page.source
        started = time.monotonic()
        edit(source, "Most problems on the road", "Nearly all problems on the road")
        frame = frame_of(page)
        page.wait_for_function("() => { const d = document.querySelector('#sco').contentDocument; "
                               "return d && d.body && d.body.textContent.includes('Nearly all problems'); }")
        took = time.monotonic() - started
        assert took < 1.0, f"the page changed {took:.2f} s after the save"
        frame = frame_of(page)
        frame.wait_for_selector(".result:not([hidden])")
        assert "Passed" in frame.inner_text(".result"), "the learner's record survives the reload"

        # a broken save: errors with file and line instead of the course; the last good build stays served
        edit(source, "serial: 1", "serial: one")
        line = source.read_text(encoding="utf-8").splitlines().index("serial: one") + 1
        page.wait_for_selector("#errors:not([hidden])")
        errors = page.inner_text("#errors ul")
        assert f"{quiz_page.source}:{line}: error: serial 'one'" in errors, errors
        assert page.evaluate("document.body.classList.contains('broken')")
        assert "Nearly all problems" in frame_of(page).inner_text("main")
        with urllib.request.urlopen(served.url + f"course/scorm12/pages/{quiz_page.href}", timeout=10) as r:
            assert "Nearly all problems" in r.read().decode("utf-8")
        page.click("#show-last-good")
        assert page.is_visible("#sco")

        # the fix: errors gone, the page rebuilt
        edit(source, "serial: one", "serial: 1")
        page.wait_for_selector("#errors", state="hidden")
        assert not page.evaluate("document.body.classList.contains('broken')")
    finally:
        served.stop()


def test_builtin_runtime_2004_logs_errors_in_red(page_of, course):
    """Without scorm-again: the recording API, SCORM 2004. Its data model refuses a bad value with the
    standard error, and the log shows the call in red."""
    from exporter.preview import Preview

    model = packaged(course)
    items = {i.id: i for i in model.items}
    preview = Preview(course, fmt="scorm2004", runtime="builtin", say=lambda text: None, watch=False)
    preview.start()
    try:
        page = page_of(preview.url)
        assert page.get_attribute("#runtime", "data-runtime") == "builtin"
        sco_frame(page, model.pages[0].href)
        quiz_page = model.pages[1]
        page.wait_for_function("id => !document.querySelector(`#outline li[data-sco='${id}']`)"
                               ".classList.contains('locked')", arg=quiz_page.id)
        page.click(f"#outline li[data-sco='{quiz_page.id}'] .open")
        sco_frame(page, quiz_page.href)
        answer_all(frame_of(page), items)
        page.wait_for_function("() => [...document.querySelectorAll('#log li.call')].some(e => "
                               "e.textContent.includes('SetValue(\"cmi.success_status\", \"passed\")'))")
        assert "passed" in page.inner_text(f"#outline li[data-sco='{quiz_page.id}'] .state")
        # the preview sequences as the manifest says, and tells the page it delivered it in order
        assert any('GetValue("adl.nav.request_valid.previous") → "true"' in x for x in log_text(page))
        assert not frame_of(page).is_visible(".locked-note")
        # a call the data model refuses: score.scaled lies in -1..1
        result = frame_of(page).evaluate("window.parent.API_1484_11.SetValue('cmi.score.scaled', '2')")
        assert result == "false"
        bad = page.locator("#log li.call.error").last
        assert "407" in bad.inner_text() and "Out Of Range" in bad.inner_text()
        color = bad.evaluate("e => getComputedStyle(e).color")
        assert color == "rgb(176, 0, 32)", color
        # reading a write-only element
        frame_of(page).evaluate("window.parent.API_1484_11.GetValue('cmi.session_time')")
        assert "405" in page.locator("#log li.call.error").last.inner_text()
    finally:
        preview.stop()


def test_strict_check_flags_what_moodle_refuses_under_scorm_again(page_of, course):
    """scorm-again accepts a 1.2 suspend_data over 4096 characters; the log marks it, since Moodle refuses it."""
    from exporter.preview import Preview

    preview = Preview(course, say=lambda text: None, watch=False)
    preview.start()
    try:
        page = page_of(preview.url)
        sco_frame(page, packaged(course).pages[0].href)
        frame_of(page).evaluate("window.parent.API.LMSSetValue('cmi.suspend_data', 'x'.repeat(5000))")
        flagged = page.locator("#log li.call.strict").last.inner_text()
        assert "5000 characters" in flagged and "4096" in flagged
    finally:
        preview.stop()


def test_course_mode_mark_done_and_reset(page_of, course):
    """--scorm-mode course: one SCO; the outline lists its pages, locked past the first one not done; marking
    a page done moves the lock; resetting the learner locks them again."""
    from exporter.preview import Preview

    model = packaged(course)
    preview = Preview(course, mode="course", say=lambda text: None, watch=False)
    preview.start()
    try:
        page = page_of(preview.url)
        sco_frame(page, "index.html")
        first_quiz = next(i for i, p in enumerate(model.pages) if p.quiz)
        blocked = model.pages[first_quiz + 1]
        page.wait_for_selector(f"#outline li[data-page='{blocked.id}'].locked")
        page.click(f"#outline li[data-page='{model.pages[first_quiz].id}'] .mark")
        page.wait_for_selector(f"#outline li[data-page='{model.pages[first_quiz].id}'].done")
        page.wait_for_selector(f"#outline li[data-page='{blocked.id}']:not(.locked)")
        sco_frame(page, "index.html")
        shell = frame_of(page)
        shell.wait_for_selector(".outline li[data-page].done", state="attached")
        assert shell.get_attribute(f".outline li[data-page='{blocked.id}']", "class") != "locked"
        page.click("#reset")
        page.wait_for_selector(f"#outline li[data-page='{blocked.id}'].locked")
        assert page.is_visible("#note") and "starts afresh" in page.inner_text("#note")
        assert page.evaluate("Object.keys(window.ExporterPreview.records()).length") <= 1  # only the relaunched SCO
    finally:
        preview.stop()


def test_switching_format_and_mode(page_of, course):
    from exporter.preview import Preview

    preview = Preview(course, say=lambda text: None, watch=False)
    preview.start()
    try:
        page = page_of(preview.url)
        page.select_option("#format", "scorm2004")
        page.wait_for_function("() => document.querySelector('#sco').getAttribute('src').includes('/scorm2004/pages/')")
        page.select_option("#mode", "course")
        sco_frame(page, "index.html")
        assert "/course/scorm2004/course/index.html" in page.get_attribute("#sco", "src")
        assert "format=scorm2004" in page.url and "mode=course" in page.url
        page.wait_for_function("() => [...document.querySelectorAll('#log li.call')].some(e => "
                               "e.textContent.startsWith('Initialize(\"\")'))")
    finally:
        preview.stop()


# ---------- without a browser ----------

def test_session_rebuilds_only_requested_packages_and_reports_changes(course):
    from exporter.preview.session import Session

    session = Session(course)
    assert session.rebuild()["ok"]
    before = session.package("scorm12", "pages")
    assert "imsmanifest.xml" in before and session.packages.keys() == {("scorm12", "pages")}
    model = packaged(course)
    text = (course / model.pages[3].source).read_text(encoding="utf-8")
    (course / model.pages[3].source).write_text(text + "\nOne more line.\n", encoding="utf-8")
    event = session.rebuild()
    assert event["ok"] and event["changed"] == {"scorm12/pages": [model.pages[3].href]}
    (course / model.pages[3].source).write_text("no front matter\n", encoding="utf-8")
    event = session.rebuild()
    assert not event["ok"] and event["errors"][0]["line"] == 1
    assert session.package("scorm12", "pages") is not None  # the last good build stays
    assert session.package("scorm12", "pages")[model.pages[3].href] != b""


def test_outline_follows_each_manifest(course):
    from exporter.preview.session import Session

    session = Session(course)
    session.rebuild()
    model = packaged(course)
    for fmt in ("scorm12", "scorm2004"):
        state = session.state(fmt, "pages")
        scos = [s for g in state["outline"]["groups"] for s in g["scos"]]
        assert [s["id"] for s in scos] == [p.id for p in model.pages]
        assert scos[0]["requires"] is None
        assert [s["requires"] for s in scos[1:]] == [p.id for p in model.pages[:-1]], fmt
        assert [s["scored"] for s in scos] == [p.quiz is not None for p in model.pages], fmt
        if fmt == "scorm12":
            assert {s["mastery"] for s in scos if s["scored"]} == {"100"}
        else:
            assert {s["measure"] for s in scos if s["scored"]} == {1.0}
    state = session.state("scorm12", "course")
    assert [s["href"] for g in state["outline"]["groups"] for s in g["scos"]] == ["index.html"]
    assert [p["id"] for p in state["pages"]] == [p.id for p in model.pages]


def test_server_binds_loopback_and_serves_the_package_files(course):
    import io
    import zipfile

    from exporter.preview import Preview
    from exporter.writers import WRITERS, Options

    preview = Preview(course, say=lambda text: None, watch=False)
    preview.start()
    try:
        assert preview.server.server_address[0] == "127.0.0.1"
        model = packaged(course)
        with zipfile.ZipFile(io.BytesIO(WRITERS["scorm12"]().write(model, Options()).data)) as zf:
            for name in ("imsmanifest.xml", model.pages[1].href, "_static/widget.js"):
                with urllib.request.urlopen(preview.url + f"course/scorm12/pages/{name}", timeout=10) as r:
                    assert r.read() == zf.read(name), name
        with urllib.request.urlopen(preview.url + "_preview/state?format=scorm2004&mode=course", timeout=10) as r:
            state = json.loads(r.read())
        assert state["ok"] and state["format"] == "scorm2004" and state["mode"] == "course"
        for missing in ("course/scorm12/pages/nothing.html", "course/qti12/pages/index.html", "_preview/x.js"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(preview.url + missing, timeout=10)
            assert err.value.code == 404
    finally:
        preview.stop()


def test_port_in_use_is_a_usage_error(course):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        r = subprocess.run([sys.executable, "-m", "exporter", "preview", str(course), "--port", str(port)],
                           capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and f"127.0.0.1:{port}" in r.stderr and "Traceback" not in r.stderr


def test_a_save_renders_only_the_page_it_touched(course):
    from exporter.preview import Preview

    preview = Preview(course, say=lambda text: None, watch=False)
    preview.start()
    try:
        model = packaged(course)
        assert preview.cache.renders == len(model.pages)
        source = course / model.pages[4].source
        source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        event = preview.session.rebuild()
        assert event["ok"] and preview.cache.renders == len(model.pages) + 1
    finally:
        preview.stop()
