"""SCORM packages played end to end: headless Chromium, scorm-again as the LMS, axe-core for accessibility.

What the SCO records is read back from scorm-again (its cmi object and a log of every SetValue),
and the SCORM 1.2 vocabulary and limits are asserted here, because scorm-again accepts values
Moodle refuses. One browser for the session, a handful of pages.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import SAMPLE, packaged
from coursekit import ITEMS, page as kit_page, quiz as kit_quiz, rtl_course, write_course
from exporter.writers.scorm.common import fingerprint
from scorm_harness import AXE, AXE_TAGS, ROOT, Site

TIMESPAN_12 = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
TIME_12 = re.compile(r"^\d{2}:\d{2}:\d{2}$")
DURATION_2004 = re.compile(r"^P(?:\d+D)?T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d{1,2})?S)$")
STATUS_12 = {"passed", "failed", "completed", "incomplete"}


# ---------- fixtures ----------

@pytest.fixture(scope="session")
def kit_course(tmp_path_factory):
    """A generated course: a link to another page (with a fragment) beside a link to a local HTML file,
    and a quiz drawing so many items that its saved attempt outgrows SCORM 1.2's suspend_data."""
    folder = tmp_path_factory.mktemp("kit")
    big = [(f"Statement number {n} of the big bank.", "Y" if n % 2 else "N", "") for n in range(1000)]
    write_course(folder, {
        "a.md": kit_page("Start", 0, "Read [the second page](b.md#more) and [the handout](handout.html).\n",
                         kind="chapter"),
        "b.md": kit_page("Second", 1, "Text.\n\n" + kit_quiz(2, ITEMS)),
        "c.md": kit_page("Big bank", 2, "Text.\n\n" + kit_quiz(1000, big)),
        "handout.html": "<!DOCTYPE html><title>Handout</title><p>A handout.</p>\n",
    })
    return packaged(folder)


@pytest.fixture(scope="session")
def site(browser, tmp_path_factory):
    s = Site(tmp_path_factory.mktemp("lms"))
    yield s
    s.close()


@pytest.fixture
def lms(browser, site):
    """Open SCOs in a fresh browser context (fresh storage) hosted by scorm-again."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    errors: list[str] = []

    class Lms:
        warnings: list[str] = []  # console.warn from any page or frame

        def watch(self, page):
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: self.warnings.append(m.text) if m.type == "warning" else None)

        def open(self, version: str, url: str, seed: dict | None = None, nav_valid: str | None = None,
                 faults: dict | None = None):
            """Open a SCO in the test LMS; nav_valid answers 2004's adl.nav.request_valid.*, faults make its
            API fail (see scorm_harness.HOST)."""
            page = context.new_page()
            self.watch(page)
            page.goto(site.host)
            page.evaluate("([v, src, seed, nav, faults]) => openSco(v, src, seed, nav, faults)",
                          [version, url, seed, nav_valid, faults])
            frame = page.wait_for_selector("iframe[name=sco]").content_frame()
            frame.wait_for_load_state()
            return page, frame

        def page(self, url: str):
            page = context.new_page()
            self.watch(page)
            page.goto(url)
            return page

        def remember_done(self, course, *pages) -> None:
            """This browser's record that the learner finished pages (what a page writes to localStorage
            once done: order.js storeKey/markDone; scorm-again's learner id is empty)."""
            page = context.new_page()
            page.goto(site.host)
            page.evaluate("([key, ids]) => localStorage.setItem(key, JSON.stringify(ids))",
                          [f"exporter-progress:{course.identifier}:", [p.id for p in pages]])
            page.close()

        def open_in_order(self, version: str, url: str, course, target, seed: dict | None = None):
            """Open target as a learner who has finished the page before it in this browser."""
            index = course.pages.index(target)
            if index:
                self.remember_done(course, course.pages[index - 1])
            return self.open(version, url + target.href, seed)

    lms_ = Lms()
    lms_.context = context
    yield lms_
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def pkg(site, artifact, fmt: str, course, name: str, mode: str = "pages") -> str:
    return site.publish(name, artifact(fmt, course, mode))


# ---------- helpers ----------

def drawn(frame) -> list[str]:
    frame.wait_for_selector("fieldset.item")
    return [i.removeprefix("item-") for i in frame.eval_on_selector_all("fieldset.item", "els => els.map(e => e.id)")]


def answer(frame, items: dict, wrong: set[str] = frozenset()) -> list[str]:
    """Answer every drawn item, right except those in wrong; returns the drawn ids."""
    ids = drawn(frame)
    for n, ident in enumerate(ids):
        right = (items[ident].right_index == 0)
        value = right if ident not in wrong else not right
        frame.check(f"fieldset.item >> nth={n} >> input[value='{0 if value else 1}']")
    return ids


def score(frame) -> None:
    assert frame.is_enabled("button.score")
    frame.click("button.score")
    frame.wait_for_selector(".result:not([hidden])")


def finish(page) -> list:
    """Unload the SCO (as leaving it in the LMS does), then return every SetValue it made."""
    page.evaluate("closeSco()")
    page.wait_for_function("terminated()")
    return page.evaluate("calls")


def data(page) -> dict:
    return page.evaluate("lmsData()")


def last(calls: list, key: str):
    values = [v for k, v in calls if k == key]
    return values[-1] if values else None


def interactions(cmi: dict) -> list[dict]:
    block = cmi["interactions"]
    return [block[k] for k in sorted(block, key=int) if k.isdigit()]


def assert_vocabulary_12(calls: list, typed: bool = False) -> None:
    """What Moodle's SCORM 1.2 player accepts, checked on every value the SCO set. `typed`: the course asks other
    kinds than true/false too, whose interactions test_scorm_kinds.check_interactions checks pattern by pattern."""
    assert calls, "the SCO set nothing"
    kinds = {}
    for key, value in calls if typed else ():
        if m := re.match(r"cmi\.interactions\.(\d+)\.type$", key):
            kinds[m.group(1)] = value
    for key, value in calls:
        index = re.match(r"cmi\.interactions\.(\d+)\.", key)
        if index and kinds.get(index.group(1), "true-false") != "true-false":
            assert key.rsplit(".", 1)[1] in ("id", "type", "time", "weighting", "student_response", "result",
                                             "pattern"), key
            if key.endswith(".type"):
                assert value in ("choice", "fill-in", "numeric", "matching"), (key, value)
            elif key.endswith(".result"):
                assert value in ("correct", "wrong", "neutral"), (key, value)
            continue
        if key == "cmi.core.lesson_status":
            assert value in STATUS_12, (key, value)
        elif key == "cmi.core.session_time":
            assert TIMESPAN_12.match(value), (key, value)
        elif key == "cmi.core.exit":
            assert value in ("", "suspend", "logout", "time-out"), (key, value)
        elif key.startswith("cmi.core.score."):
            assert value.isdigit() and 0 <= int(value) <= 100, (key, value)
        elif key == "cmi.suspend_data":
            assert len(value) <= 4096, (key, len(value))
        elif re.match(r"cmi\.interactions\.\d+\.(student_response|correct_responses\.0\.pattern)$", key):
            assert value in ("t", "f"), (key, value)
        elif re.match(r"cmi\.interactions\.\d+\.result$", key):
            assert value in ("correct", "wrong"), (key, value)
        elif re.match(r"cmi\.interactions\.\d+\.type$", key):
            assert value == "true-false", (key, value)
        elif re.match(r"cmi\.interactions\.\d+\.time$", key):
            assert TIME_12.match(value), (key, value)
        elif re.match(r"cmi\.interactions\.\d+\.id$", key):
            assert re.fullmatch(r"[A-Za-z0-9_.-]{1,255}", value), (key, value)
        else:
            assert key in ("cmi.core.lesson_location",) or re.match(r"cmi\.interactions\.\d+\.weighting$", key), key
    assert last(calls, "cmi.core.exit") is not None and last(calls, "cmi.core.session_time") is not None


def quiz_page(course, draw_below_bank: bool = True):
    """A page whose quiz draws fewer items than its bank holds (so a retry can differ)."""
    return next(p for p in course.pages if p.quiz and (not draw_below_bank or p.quiz.draw < len(p.quiz.items)))


def seed_12(cmi: dict) -> dict:
    """What an LMS hands a 1.2 SCO back on its next launch."""
    core = cmi["core"]
    return {"cmi.core.lesson_status": core["lesson_status"], "cmi.core.entry": "resume",
            "cmi.core.lesson_location": core["lesson_location"], "cmi.suspend_data": cmi["suspend_data"],
            "cmi.core.score.raw": core["score"]["raw"]}


def axe_violations(frame) -> list:
    frame.add_script_tag(path=str(AXE))
    found = frame.evaluate("tags => axe.run(document, {runOnly: tags}).then(r => r.violations.map("
                           "v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))", AXE_TAGS)
    return found


# ---------- SCORM 1.2, one SCO per page ----------

def test_12_all_right_passes_with_one_correct_interaction_per_item(lms, site, artifact, sample_course):
    url = pkg(site, artifact, "scorm12", sample_course, "s12")
    items = {i.id: i for i in sample_course.items}
    page_ = quiz_page(sample_course)
    page, frame = lms.open_in_order("1.2", url, sample_course, page_)
    assert frame.is_disabled("button.score")
    ids = answer(frame, items)
    assert len(ids) == page_.quiz.draw and len(set(ids)) == len(ids)
    assert set(ids) <= {i.id for i in page_.quiz.items}
    score(frame)
    assert "Passed" in frame.inner_text(".result")
    assert frame.locator("fieldset.item.right").count() == len(ids)
    assert frame.locator("fieldset.item .explanation").count() == sum(1 for i in ids if items[i].explanation_html)
    cmi = data(page)
    assert cmi["core"]["lesson_status"] == "passed"
    assert cmi["core"]["score"] == {"raw": "100", "min": "0", "max": "100"}
    assert problems(frame) == [], "a clean run logs no problem"
    got = interactions(cmi)
    assert [x["id"] for x in got] == ids
    for x in got:
        want = "t" if (items[x["id"]].right_index == 0) else "f"
        assert (x["type"], x["student_response"], x["result"]) == ("true-false", want, "correct")
        assert x["correct_responses"]["0"]["pattern"] == want
    calls = finish(page)
    assert_vocabulary_12(calls)
    assert last(calls, "cmi.core.exit") == "suspend"


def test_12_one_wrong_fails_retry_draws_afresh_and_reopen_restores(lms, site, artifact, sample_course):
    url = pkg(site, artifact, "scorm12", sample_course, "s12")
    items = {i.id: i for i in sample_course.items}
    page_ = quiz_page(sample_course)
    page, frame = lms.open_in_order("1.2", url, sample_course, page_)
    first = drawn(frame)
    answer(frame, items, wrong={first[0]})
    score(frame)
    assert f"{len(first) - 1} of {len(first)} right" in frame.inner_text(".result")
    cmi = data(page)
    assert cmi["core"]["lesson_status"] == "failed"
    expected_raw = round(100 * (len(first) - 1) / len(first))
    assert cmi["core"]["score"]["raw"] == str(expected_raw)
    results = {x["id"]: x["result"] for x in interactions(cmi)}
    assert results[first[0]] == "wrong" and list(results.values()).count("wrong") == 1
    wrong_box = frame.locator(f"#item-{first[0]}")
    assert "wrong" in wrong_box.get_attribute("class")
    assert frame.is_visible("button.retry")
    calls = finish(page)
    assert_vocabulary_12(calls)

    # reopen: the LMS hands back status and suspend_data; the failed attempt comes back as it was
    page2, frame2 = lms.open("1.2", url + page_.href, seed_12(cmi))
    assert drawn(frame2) == first
    assert frame2.locator("fieldset.item.wrong").count() == 1
    assert frame2.is_visible("button.retry")
    frame2.click("button.retry")
    second = drawn(frame2)
    assert set(second) != set(first), "a retry must draw a fresh set"
    assert frame2.is_disabled("button.score")
    answer(frame2, items)
    score(frame2)
    cmi2 = data(page2)
    assert cmi2["core"]["lesson_status"] == "passed"
    calls2 = finish(page2)
    assert_vocabulary_12(calls2)

    # reopen after the pass: still passed, no retry offered
    page3, frame3 = lms.open("1.2", url + page_.href, seed_12(cmi2))
    assert drawn(frame3) == second
    assert "Passed" in frame3.inner_text(".result")
    assert not frame3.is_visible("button.retry")
    assert frame3.locator("fieldset.item input:enabled").count() == 0
    finish(page3)


def test_12_page_without_quiz_records_completed(lms, site, artifact, sample_course):
    url = pkg(site, artifact, "scorm12", sample_course, "s12")
    plain = next(p for p in sample_course.pages if not p.quiz)
    page, frame = lms.open("1.2", url + plain.href)
    frame.wait_for_function("document.readyState === 'complete'")
    page.wait_for_function("lmsData().core.lesson_status === 'completed'")
    assert not frame.is_visible(".lms-note")
    # a link to another page (another SCO) opens beside the course as a reference copy
    hrefs = {p.href for p in sample_course.pages}
    links = frame.eval_on_selector_all(".page-content a[href]", "as => as.map(a => [a.getAttribute('href'), a.target])")
    inner = [(h, t) for h, t in links if h.split("?")[0] in hrefs]
    assert inner and all(h.endswith("?ref=1") and t == "_blank" for h, t in inner), links
    calls = finish(page)
    assert_vocabulary_12(calls)
    assert last(calls, "cmi.core.lesson_status") == "completed"
    reference = lms.page(url + inner[0][0])
    assert "reference copy" in reference.inner_text(".lms-note")


def test_12_scaffold_quiz_with_labels_and_shared_text(lms, site, artifact, tmp_path_factory):
    """The course `exporter new` makes plays: its quiz with the author's labels, shared text and plain items,
    answered right, passes and records one correct interaction per drawn item."""
    from conftest import packaged
    from exporter.commands.new import create

    folder = tmp_path_factory.mktemp("new") / "first-course"
    create(folder)
    course = packaged(folder)
    page_ = next(p for p in course.pages if p.quiz and p.quiz.stimulus_html)
    items = {i.id: i for i in page_.quiz.items}
    page, frame = lms.open_in_order("1.2", pkg(site, artifact, "scorm12", course, "new12"), course, page_)
    ids = answer(frame, items)
    assert len(ids) == page_.quiz.draw
    shown = frame.inner_text("body")
    assert "Good reply" in shown and "Poor reply" in shown and "I moved to a new town" in shown
    score(frame)
    assert "Passed" in frame.inner_text(".result")
    cmi = data(page)
    assert cmi["core"]["lesson_status"] == "passed"
    assert [(x["id"], x["result"]) for x in interactions(cmi)] == [(i, "correct") for i in ids]
    assert_vocabulary_12(finish(page))


def test_12_largest_corpus_quiz_fits_suspend_data(lms, site, artifact, corpus_course):
    url = pkg(site, artifact, "scorm12", corpus_course, "c12")
    items = {i.id: i for i in corpus_course.items}
    biggest = max((p for p in corpus_course.pages if p.quiz), key=lambda p: (p.quiz.draw, len(p.quiz.items)))
    page, frame = lms.open_in_order("1.2", url, corpus_course, biggest)
    ids = answer(frame, items, wrong={drawn(frame)[-1]})
    assert len(ids) == biggest.quiz.draw
    labels = frame.eval_on_selector_all("fieldset.item >> nth=0 >> label", "ls => ls.map(l => l.textContent.trim())")
    assert labels == list(biggest.quiz.labels)
    score(frame)
    calls = finish(page)
    assert_vocabulary_12(calls)
    suspend = last(calls, "cmi.suspend_data")
    assert suspend and len(suspend) <= 4096
    record = json.loads(suspend)["q"]
    assert record[1:3] == [1, 1] and len(record[3].split(",")) == len(record[4]) == biggest.quiz.draw


# ---------- SCORM 2004, one SCO per page ----------

def test_2004_pass_fail_vocabulary_and_completion(lms, site, artifact, sample_course):
    url = pkg(site, artifact, "scorm2004", sample_course, "s2004")
    items = {i.id: i for i in sample_course.items}
    page_ = quiz_page(sample_course)
    # the first quiz page is the second page: open its predecessor first, as the LMS would
    index = sample_course.pages.index(page_)
    before = sample_course.pages[index - 1]
    page0, frame0 = lms.open("2004", url + before.href)
    page0.wait_for_function("lmsData().completion_status === 'completed'")
    calls0 = finish(page0)
    assert last(calls0, "cmi.success_status") == "passed" and DURATION_2004.match(last(calls0, "cmi.session_time"))

    page, frame = lms.open("2004", url + page_.href)
    first = drawn(frame)
    answer(frame, items, wrong={first[0]})
    score(frame)
    cmi = data(page)
    # not complete while failed (issue 20, 18): Moodle reads a 2004 SCO's status from completion_status alone
    assert (cmi["completion_status"], cmi["success_status"]) == ("incomplete", "failed")
    assert float(cmi["score"]["scaled"]) == pytest.approx((len(first) - 1) / len(first), abs=1e-4)
    got = interactions(cmi)
    assert {x["result"] for x in got} == {"correct", "incorrect"}
    for x in got:
        assert x["type"] == "true-false"
        assert x["learner_response"] in ("true", "false")
        assert x["correct_responses"]["0"]["pattern"] == ("true" if (items[x["id"]].right_index == 0) else "false")
    frame.click("button.retry")
    assert set(drawn(frame)) != set(first)
    answer(frame, items)
    score(frame)
    cmi = data(page)
    assert (cmi["completion_status"], cmi["success_status"], cmi["score"]["scaled"]) == ("completed", "passed", "1")
    assert problems(frame) == [], "a clean run logs no problem"
    calls = finish(page)
    assert DURATION_2004.match(last(calls, "cmi.session_time"))
    assert last(calls, "cmi.exit") == "suspend"
    assert all(v in ("true", "false") for k, v in calls if k.endswith("learner_response"))


def test_2004_pages_enforce_order_where_the_lms_does_not(lms, site, artifact, sample_course):
    """scorm-again, like Moodle, does not sequence: the page itself stays closed until the one before is done."""
    url = pkg(site, artifact, "scorm2004", sample_course, "s2004")
    items = {i.id: i for i in sample_course.items}
    page_ = quiz_page(sample_course)
    later = sample_course.pages[sample_course.pages.index(page_) + 1]
    page, frame = lms.open("2004", url + later.href)
    frame.wait_for_selector(".locked-note:not([hidden])")
    assert not frame.is_visible(".page-content")
    assert page_.title in frame.inner_text(".locked-note")
    assert axe_violations(frame) == []
    assert "completion_status" not in dict(finish(page))

    before = sample_course.pages[sample_course.pages.index(page_) - 1]
    page, frame = lms.open("2004", url + page_.href)  # its predecessor is not done yet either
    frame.wait_for_selector(".locked-note:not([hidden])")
    assert last(finish(page), "cmi.exit") == "suspend"
    page, _ = lms.open("2004", url + before.href)
    page.wait_for_function("lmsData().completion_status === 'completed'")
    assert last(finish(page), "cmi.exit") == "suspend", "a page without a quiz is done once viewed"
    page, frame = lms.open("2004", url + page_.href)
    answer(frame, items, wrong={drawn(frame)[0]})
    score(frame)
    # not done, in an LMS that does not sequence (Moodle): suspended, so the next launch gets the attempt back
    # (issue 20, 19); an LMS that sequences ends it normally (test_2004_page_trusts_an_lms_that_sequences)
    assert last(finish(page), "cmi.exit") == "suspend"
    page, frame = lms.open("2004", url + later.href)
    frame.wait_for_selector(".locked-note:not([hidden])")
    finish(page)
    page, frame = lms.open("2004", url + page_.href)
    answer(frame, items)
    score(frame)
    assert last(finish(page), "cmi.exit") == "suspend"
    page, frame = lms.open("2004", url + later.href)
    frame.wait_for_selector(".page-content:not([hidden])")
    assert not frame.is_visible(".locked-note")
    finish(page)


def test_2004_page_trusts_an_lms_that_sequences(lms, site, artifact, sample_course):
    """An LMS that sequences delivers a page only in order and says so (request_valid.previous "true"):
    the page then opens even where this browser never saw the page before it done."""
    url = pkg(site, artifact, "scorm2004", sample_course, "s2004")
    page_ = quiz_page(sample_course)
    later = sample_course.pages[sample_course.pages.index(page_) + 1]
    page, frame = lms.open("2004", url + later.href, nav_valid="true")
    frame.wait_for_selector(".page-content:not([hidden])")
    assert not frame.is_visible(".locked-note")
    finish(page)
    page, frame = lms.open("2004", url + later.href, nav_valid="false")  # the first page of a course, say
    frame.wait_for_selector(".locked-note:not([hidden])")
    # not done: the attempt ends normally, so an LMS that sequences applies the page's "retry until done" rule
    # (SCORM applies no post-condition rule to a suspended activity)
    assert last(finish(page), "cmi.exit") == "normal"


def walk_to_first_quiz(shell, pages):
    """In the course shell, open each page by the table of contents up to the first quiz page."""
    content = shell.wait_for_selector("iframe[name=content]").content_frame()
    content.wait_for_selector("h1")
    first_quiz = next(n for n, p in enumerate(pages) if p.quiz)
    for p in pages[1:first_quiz + 1]:
        shell.click(f".outline li[data-page='{p.id}'] a")
        content.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').textContent === t",
                                  arg=p.title)
    return content


# ---------- course mode: the whole course as one SCO ----------

def test_course_mode_12_order_bookmark_and_overall_score(lms, site, artifact, sample_course):
    url = pkg(site, artifact, "scorm12", sample_course, "s12c", mode="course")
    items = {i.id: i for i in sample_course.items}
    pages = sample_course.pages
    first_quiz = next(n for n, p in enumerate(pages) if p.quiz)
    page, shell = lms.open("1.2", url + "index.html")
    content = shell.wait_for_selector("iframe[name=content]").content_frame()
    content.wait_for_selector("h1")
    assert content.inner_text("h1") == pages[0].title
    # pages after the first unpassed quiz are locked in the table of contents
    locked = shell.eval_on_selector_all(".outline li.locked", "ls => ls.map(l => l.dataset.page)")
    assert locked == [p.id for p in pages[first_quiz + 1:]]
    content = walk_to_first_quiz(shell, pages)
    answer(content, items)
    score(content)
    cmi = data(page)
    quizzes = len(sample_course.quizzes)
    assert cmi["core"]["score"]["raw"] == str(round(100 / quizzes))
    assert cmi["core"]["lesson_status"] == "incomplete"
    assert cmi["core"]["lesson_location"] == pages[first_quiz].href
    assert len(interactions(cmi)) == pages[first_quiz].quiz.draw
    assert shell.locator(f".outline li[data-page='{pages[first_quiz + 1].id}']:not(.locked)").count() == 1
    # a locked page cannot be opened through a link either
    target = next(p for p in pages[first_quiz + 2:] if p.quiz)
    content.evaluate("href => { location.href = href; }", target.href)
    shell.wait_for_selector(".shell-note:not(:empty)")
    # the learner lands on the page to finish first, and the note saying why stays in view
    content = shell.wait_for_selector("iframe[name=content]").content_frame()
    content.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').textContent === t",
                              arg=pages[first_quiz + 1].title)
    # the shell marks it current in the same call that used to clear the note
    shell.wait_for_selector(f".outline li.current[data-page='{pages[first_quiz + 1].id}']")
    assert target.title in shell.inner_text(".shell-note")
    calls = finish(page)
    assert_vocabulary_12(calls)
    assert len(last(calls, "cmi.suspend_data")) <= 4096

    # reopen: back at the bookmark, the quiz still passed
    page2, shell2 = lms.open("1.2", url + "index.html", seed_12(cmi))
    content2 = shell2.wait_for_selector("iframe[name=content]").content_frame()
    content2.wait_for_selector(".result:not([hidden])")
    assert content2.inner_text("h1") == pages[first_quiz].title
    assert "Passed" in content2.inner_text(".result")
    finish(page2)


def test_course_mode_start_to_finish_by_next_links(lms, site, artifact, sample_course):
    """A learner takes the whole sample course with the pages' own Next links: each quiz holds Next
    back until it is passed (or, for the review quiz whose draw holds an essay, submitted: every auto-graded
    answer right, the essay written); at the end the one SCO is complete, and not passed: the essay's grade,
    which its quiz's pass depends on, is a person's to give."""
    from test_scorm_kinds import answer_all, check_interactions  # each kind answered and recorded

    url = pkg(site, artifact, "scorm12", sample_course, "s12c", mode="course")
    items = {i.id: i for i in sample_course.items}
    page, shell = lms.open("1.2", url + "index.html")
    content = shell.wait_for_selector("iframe[name=content]").content_frame()
    results = []
    for n, p in enumerate(sample_course.pages):
        content.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').textContent === t",
                                  arg=p.title)
        if p.quiz and n + 1 < len(sample_course.pages):
            # the shell locks Next once the page has reported itself opened (its script runs after the h1 exists)
            content.wait_for_selector('a[rel=next][aria-disabled="true"]:not([href])', timeout=5000)
        if p.quiz:
            if p.quiz.statements:
                answer(content, items)
            else:
                assert answer_all(content, sample_course, right=True, comma=False) == \
                    {i.id: i for i in p.quiz.items}
            score(content)
            results.append(content.inner_text(".result"))
        if n + 1 < len(sample_course.pages):
            content.wait_for_selector("a[rel=next][href]")
            content.click("a[rel=next]")
    # the last page has reported itself opened (the shell saves, then marks it current)
    shell.wait_for_selector(f".outline li.current[data-page='{sample_course.pages[-1].id}']")
    typed = [q.statements for q in sample_course.quizzes]
    assert typed.count(False) == 1 and any(i.kind == "essay" for q in sample_course.quizzes for i in q.items)
    assert [r.startswith("Submitted.") for r in results] == [not t for t in typed], results
    assert all(r.startswith("Passed") for r, t in zip(results, typed) if t), results
    cmi = data(page)
    # every page seen, six quizzes of seven passed: complete, scored as the share passed, never "passed" (the
    # course-mode manifest sets no mastery score that an LMS could turn into a pass)
    assert cmi["core"]["lesson_status"] == "completed"
    assert cmi["core"]["score"]["raw"] == str(round(100 * typed.count(True) / len(typed)))
    review = next(q for q in sample_course.quizzes if not q.statements)
    recorded = {x["id"]: x for x in interactions(cmi)}
    assert {recorded[i.id]["result"] for i in review.items} == {"correct", "neutral"}
    assert [i.kind for i in review.items if recorded[i.id]["result"] == "neutral"] == ["essay"]
    check_interactions({"interactions": {str(n): recorded[i.id] for n, i in enumerate(review.items)}},
                       {i.id: i for i in review.items}, "1.2", right=True)  # each kind's type and pattern
    assert shell.locator(".outline li.locked").count() == 0
    assert_vocabulary_12(finish(page), typed=True)


def test_course_mode_2004_reports_share_of_quizzes_passed(lms, site, artifact, sample_course):
    url = pkg(site, artifact, "scorm2004", sample_course, "s2004c", mode="course")
    items = {i.id: i for i in sample_course.items}
    pages = sample_course.pages
    first_quiz = next(n for n, p in enumerate(pages) if p.quiz)
    page, shell = lms.open("2004", url + "index.html")
    content = walk_to_first_quiz(shell, pages)
    answer(content, items)
    score(content)
    cmi = data(page)
    assert float(cmi["score"]["scaled"]) == pytest.approx(1 / len(sample_course.quizzes), abs=1e-4)
    assert cmi["completion_status"] == "incomplete" and cmi["location"] == pages[first_quiz].href
    assert {x["result"] for x in interactions(cmi)} == {"correct"}
    calls = finish(page)
    assert DURATION_2004.match(last(calls, "cmi.session_time"))


def test_course_mode_corpus_suspend_data_fits_4096(lms, site, artifact, corpus_course):
    """Every corpus quiz failed with its longest record at once: the 1.2 suspend_data still fits."""
    url = pkg(site, artifact, "scorm12", corpus_course, "c12c", mode="course")
    page, shell = lms.open("1.2", url + "index.html")
    shell.wait_for_function("window.ExporterCourse !== undefined")
    config = json.loads(shell.inner_text("#course-config"))
    banks = {p.id: p.quiz for p in corpus_course.pages if p.quiz}
    for entry in config["pages"]:
        quiz = banks.get(entry["id"])
        if quiz:
            worst = list(range(len(quiz.items) - quiz.draw, len(quiz.items)))
            record = [entry["quiz"], 1, 999, ",".join(map(str, worst)), "t" * quiz.draw]
            shell.evaluate("([id, r]) => ExporterCourse.progress(id, r)", [entry["id"], record])
    suspend = data(page)["suspend_data"]
    assert 0 < len(suspend) <= 4096
    assert len(json.loads(suspend)["q"]) == len(banks)
    finish(page)


# ---------- without an LMS, links, accessibility ----------

def test_page_without_lms_works_and_says_so(lms, site, artifact, sample_course):
    url = pkg(site, artifact, "scorm12", sample_course, "s12")
    items = {i.id: i for i in sample_course.items}
    page_ = quiz_page(sample_course)
    page = lms.page(url + page_.href)
    assert page.is_visible(".lms-note")
    assert page.is_visible(".pager")
    answer(page, items)
    score(page)
    assert "Passed" in page.inner_text(".result")
    external = page.eval_on_selector_all(".page-content a[href^='http']", "as => as.map(a => a.target)")
    assert all(t == "_blank" for t in external)


def test_accessibility_section_chapter_and_scored_pages(lms, site, artifact, sample_course):
    url = pkg(site, artifact, "scorm12", sample_course, "s12")
    items = {i.id: i for i in sample_course.items}
    section = quiz_page(sample_course)
    chapter = next(p for p in sample_course.pages if p.kind == "chapter")
    for p in (section, chapter):
        page = lms.page(url + p.href)
        if p.quiz:
            page.wait_for_selector("fieldset.item")
        assert axe_violations(page.main_frame) == [], p.href
    page, frame = lms.open_in_order("1.2", url, sample_course, section)
    ids = drawn(frame)
    answer(frame, items, wrong={ids[0]})
    score(frame)
    assert axe_violations(frame) == []
    finish(page)
    shell_url = pkg(site, artifact, "scorm12", sample_course, "s12c", mode="course")
    shell = lms.page(shell_url + "index.html")
    shell.wait_for_selector(".outline li.current")
    assert axe_violations(shell.main_frame) == []


# ---------- order, failures, the call log, the saved record ----------

def problems(frame) -> list[dict]:
    """What the page's link logged as problems (window.LmsLink.log entries that are not ok)."""
    return frame.evaluate("LmsLink.problems()")


def test_12_page_opened_out_of_order_stays_locked_until_the_one_before_is_done(lms, site, artifact, sample_course):
    """Moodle plays a 1.2 page opened by its address whatever the prerequisites: the page keeps the order."""
    url = pkg(site, artifact, "scorm12", sample_course, "s12")
    page_ = quiz_page(sample_course)
    before = sample_course.pages[sample_course.pages.index(page_) - 1]
    page, frame = lms.open("1.2", url + page_.href)
    frame.wait_for_selector(".locked-note:not([hidden])")
    assert before.title in frame.inner_text(".locked-note")
    assert not frame.is_visible(".page-content") and frame.locator("fieldset.item").count() == 0
    assert not frame.is_visible(".pager")
    cmi = data(page)
    calls = finish(page)
    assert_vocabulary_12(calls)
    # it says it is not done, so the LMS does not mark it "completed" when the learner leaves
    assert [v for k, v in calls if k == "cmi.core.lesson_status"] == ["incomplete"]
    assert last(calls, "cmi.suspend_data") is None and not interactions(cmi)

    # back again (the LMS hands back the "incomplete"): still locked
    seed = {"cmi.core.lesson_status": "incomplete", "cmi.core.entry": "resume"}
    page, frame = lms.open("1.2", url + page_.href, seed)
    frame.wait_for_selector(".locked-note:not([hidden])")
    finish(page)

    page, _ = lms.open("1.2", url + before.href)
    page.wait_for_function("lmsData().core.lesson_status === 'completed'")
    finish(page)
    page, frame = lms.open("1.2", url + page_.href, seed)
    assert len(drawn(frame)) == page_.quiz.draw
    assert not frame.is_visible(".locked-note")
    assert problems(frame) == []
    finish(page)


@pytest.mark.parametrize("version, fault", [("1.2", "throw"), ("2004", "false")])
def test_lms_that_does_not_start_is_reported_truthfully(lms, site, artifact, sample_course, version, fault):
    """Moodle's player throws inside LMSInitialize when a page is opened outside its context; other LMSs
    answer "false". The learner is told the truth, gets no quiz that would not count and no pager."""
    fmt = "scorm12" if version == "1.2" else "scorm2004"
    url = pkg(site, artifact, fmt, sample_course, "s12" if version == "1.2" else "s2004")
    page_ = quiz_page(sample_course)
    page, frame = lms.open(version, url + page_.href, faults={"start": fault})
    frame.wait_for_selector(".lms-failed-note:not([hidden])")
    assert "did not respond" in frame.inner_text(".lms-failed-note")
    assert not frame.is_visible(".lms-note") and not frame.is_visible(".pager")
    assert not frame.is_visible("#quiz") and frame.locator("fieldset.item").count() == 0
    start = "LMSInitialize" if version == "1.2" else "Initialize"
    logged = problems(frame)
    assert [e["method"] for e in logged] == [start]
    if fault == "throw":
        assert logged[0]["code"] == "exception" and "scoid" in logged[0]["text"]
    else:
        assert (logged[0]["result"], logged[0]["code"]) == ("false", "102")
    assert any(start in w for w in lms.warnings)
    assert axe_violations(frame) == []
    page.evaluate("closeSco()")
    setter = "LMSSetValue" if version == "1.2" else "SetValue"
    assert page.evaluate("m => callsTo(m)", setter) == 0


def test_course_shell_whose_lms_does_not_start_says_so(lms, site, artifact, sample_course):
    url = pkg(site, artifact, "scorm12", sample_course, "s12c", mode="course")
    page, shell = lms.open("1.2", url + "index.html", faults={"start": "throw"})
    shell.wait_for_selector(".lms-failed-note:not([hidden])")
    assert not shell.is_visible(".lms-note")
    assert [e["method"] for e in problems(shell)] == ["LMSInitialize"]
    content = walk_to_first_quiz(shell, sample_course.pages)
    content.wait_for_selector(".lms-failed-note:not([hidden])")
    assert not content.is_visible("#quiz") and not content.is_visible(".lms-note")
    page.evaluate("closeSco()")


def test_lms_errors_on_set_and_commit_are_logged(lms, site, artifact, sample_course):
    """An LMS that refuses a value ("false" and an error code) or a commit: the page carries on, the
    call log and the console say what failed."""
    url = pkg(site, artifact, "scorm12", sample_course, "s12")
    items = {i.id: i for i in sample_course.items}
    page_ = quiz_page(sample_course)
    lms.remember_done(sample_course, sample_course.pages[sample_course.pages.index(page_) - 1])
    page, frame = lms.open("1.2", url + page_.href, faults={"set": {"cmi.core.score.raw": "405"}, "commit": "101"})
    answer(frame, items)
    score(frame)
    assert "Passed" in frame.inner_text(".result")
    logged = problems(frame)
    refused = [e for e in logged if e["method"] == "LMSSetValue"]
    assert [(e["args"], e["result"], e["code"], e["text"]) for e in refused] == [
        (["cmi.core.score.raw", "100"], "false", "405", "injected fault 405")]
    commits = [e for e in logged if e["method"] == "LMSCommit"]
    assert commits and all((e["result"], e["code"]) == ("false", "101") for e in commits)
    # the whole log is there for a preview tool: every call, with its result and error code
    log = frame.evaluate("LmsLink.log")
    assert {"method", "args", "result", "code", "text", "ok"} <= set(log[0])
    assert sum(1 for e in log if e["method"] == "LMSSetValue") == page.evaluate("callsTo('LMSSetValue')")
    assert any("LMSSetValue(cmi.core.score.raw, 100)" in w and "405" in w for w in lms.warnings)
    finish(page)


def test_12_suspend_data_over_the_limit_is_logged_not_sent(lms, site, artifact, kit_course):
    url = pkg(site, artifact, "scorm12", kit_course, "k12")
    big = kit_course.pages[2]
    page, frame = lms.open_in_order("1.2", url, kit_course, big)
    assert len(drawn(frame)) == 1000
    frame.wait_for_function("LmsLink.problems().length > 0")
    [entry] = problems(frame)
    assert (entry["method"], entry["args"][0], entry["result"], entry["code"]) == (
        "LMSSetValue", "cmi.suspend_data", "not sent", "limit")
    length = int(re.search(r"is (\d+) characters", entry["text"]).group(1))
    assert length > 4096 and "SCORM 1.2 allows 4096" in entry["text"]
    assert any("cmi.suspend_data" in w and "4096" in w for w in lms.warnings)
    calls = finish(page)
    assert last(calls, "cmi.suspend_data") is None
    assert_vocabulary_12(calls)


def test_course_links_are_the_ones_the_package_marks(lms, site, artifact, kit_course):
    """A link to another course page opens beside the course as a reference copy; a local HTML file
    that is no course page is left alone (the runtime no longer guesses from the file name)."""
    url = pkg(site, artifact, "scorm12", kit_course, "k12")
    page, frame = lms.open("1.2", url + kit_course.pages[0].href)
    page.wait_for_function("lmsData().core.lesson_status === 'completed'")
    links = dict(frame.eval_on_selector_all(".page-content a[href]", "as => as.map(a => [a.textContent, "
                                            "[a.getAttribute('href'), a.target, a.dataset.pageLink || null]])"))
    assert links["the handout"] == ["handout.html", "", None]
    second = kit_course.pages[1].href
    assert links["the second page"] == [f"{second}?ref=1#more", "_blank", f"{second}#more"]
    finish(page)


def test_saved_record_round_trips_between_page_and_shell(lms, site, artifact, sample_course):
    """The page writes its attempt in the shared record format; the shell keeps it in suspend_data and
    hands it back on the next launch, where the page restores the same draw and answers."""
    url = pkg(site, artifact, "scorm12", sample_course, "s12c", mode="course")
    items = {i.id: i for i in sample_course.items}
    pages = sample_course.pages
    index = next(n for n, p in enumerate(pages) if p.quiz)
    quiz = pages[index].quiz
    page, shell = lms.open("1.2", url + "index.html")
    content = walk_to_first_quiz(shell, pages)
    ids = drawn(content)
    first = items[ids[0]]
    content.check(f"fieldset.item >> nth=0 >> input[value='{first.right_index}']")
    shell.wait_for_function("id => { const r = ExporterCourse.record(id); return r && r[4][0] !== '-'; }",
                           arg=pages[index].id)
    record = shell.evaluate("id => ExporterCourse.record(id)", pages[index].id)
    bank = [i.id for i in quiz.items]
    answers = "t" if (first.right_index == 0) else "f"
    assert record == [fingerprint(quiz), 0, 0, ",".join(str(bank.index(i)) for i in ids),
                      answers + "-" * (len(ids) - 1)]
    # the page reads what the shell holds with the same codec
    state = content.evaluate("r => QuizRecord.forQuiz(r, JSON.parse(document.getElementById('quiz-data')"
                             ".textContent))", record)
    assert [bank[i] for i in state["drawn"]] == ids and state["answers"][0] == first.right_index
    cmi = data(page)
    assert json.loads(cmi["suspend_data"])["q"][str(index)] == record
    finish(page)

    page2, shell2 = lms.open("1.2", url + "index.html", seed_12(cmi))
    content2 = shell2.wait_for_selector("iframe[name=content]").content_frame()
    content2.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').textContent === t",
                               arg=pages[index].title)
    assert drawn(content2) == ids
    assert content2.is_checked(f"fieldset.item >> nth=0 >> input[value='{first.right_index}']")
    assert content2.locator("fieldset.item input:checked").count() == 1
    finish(page2)


@pytest.mark.parametrize("suspend, restored", [
    ('{"v":1,"q":["%s",1,1,"0,2","tf"]}', True),  # written by the previous version of the runtime
    ('{"v":9,"q":{"what":"a later version"}}', False),
    ("not JSON at all", False),
    ('{"v":1,"q":["%s",7,"x","0,99","tf"]}', False),  # broken record
])
def test_12_saved_attempt_of_another_version_is_read_or_set_aside(lms, site, artifact, sample_course,
                                                                   suspend, restored):
    url = pkg(site, artifact, "scorm12", sample_course, "s12")
    page_ = quiz_page(sample_course)
    quiz = page_.quiz
    assert quiz.draw == 2 and len(quiz.items) == 3  # the record above draws items 0 and 2
    seed = {"cmi.core.lesson_status": "failed", "cmi.core.entry": "resume",
            "cmi.suspend_data": suspend.replace("%s", fingerprint(quiz))}
    page, frame = lms.open("1.2", url + page_.href, seed)
    ids = drawn(frame)
    if restored:
        assert ids == [quiz.items[0].id, quiz.items[2].id]
        right = int((quiz.items[0].right_index == 0)) + int(not (quiz.items[2].right_index == 0))  # answered t, then f
        assert right < 2, "the literal record must be a failed attempt"
        assert f"{right} of 2 right" in frame.inner_text(".result")
        assert frame.is_visible("button.retry")
    else:
        assert len(ids) == 2 and frame.locator("fieldset.item input:checked").count() == 0
        assert not frame.is_visible(".result")
    finish(page)


def test_pages_finish_once_on_pagehide_and_never_listen_for_unload(lms, site, artifact, sample_course):
    lms.context.add_init_script("""(() => {
      window.__listening = [];
      const add = window.addEventListener;
      window.addEventListener = function (type) { window.__listening.push(type); return add.apply(this, arguments); };
    })()""")
    url = pkg(site, artifact, "scorm12", sample_course, "s12")
    page, frame = lms.open("1.2", url + sample_course.pages[0].href)
    page.wait_for_function("lmsData().core.lesson_status === 'completed'")
    listening = frame.evaluate("window.__listening")
    assert "pagehide" in listening and "unload" not in listening and "beforeunload" not in listening
    finish(page)
    assert page.evaluate("callsTo('LMSFinish')") == 1

    shell_url = pkg(site, artifact, "scorm2004", sample_course, "s2004c", mode="course")
    page, shell = lms.open("2004", shell_url + "index.html")
    shell.wait_for_selector(".outline li.current")
    listening = shell.evaluate("window.__listening")
    assert "pagehide" in listening and "unload" not in listening and "beforeunload" not in listening
    finish(page)
    assert page.evaluate("callsTo('Terminate')") == 1


RUNTIME_SCRIPTS = sorted((ROOT / "templates" / "static").glob("*.js"))


def script_code(path) -> str:
    """A script without its comments (they may name anything)."""
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", path.read_text(encoding="utf-8"), flags=re.S)


def test_page_and_shell_scripts_name_no_scorm_version():
    """Everything version-specific lives in lms.js's standard entries: the other scripts ask the link."""
    others = [p for p in RUNTIME_SCRIPTS if p.name != "lms.js"]
    assert {p.name for p in others} >= {"page.js", "widget.js", "hosts.js", "course.js", "record.js"}
    for path in others:
        found = re.findall(r"[\"']2004[\"']|[\"']1\.2[\"']|v12|API_1484_11|\bcmi\.", script_code(path))
        assert not found, (path.name, found)


def test_each_runtime_script_does_one_job_and_is_loaded():
    """One job per file: each script hands the others one object (window.Name), and no two scripts the same
    one; the page's start-up (page.js) hands none. Every script is one the pages or the shell load."""
    from exporter.writers.scorm.common import PAGE_SCRIPTS, SHELL_SCRIPTS

    owners: dict[str, str] = {}
    for path in RUNTIME_SCRIPTS:
        exported = re.findall(r"\bwindow\.([A-Z]\w*)\s*=(?!=)", script_code(path))
        assert len(exported) == (0 if path.name == "page.js" else 1), (path.name, exported)
        for name in exported:
            assert name not in owners, (name, owners.get(name), path.name)
            owners[name] = path.name
    assert {p.name for p in RUNTIME_SCRIPTS} == set(PAGE_SCRIPTS) | set(SHELL_SCRIPTS)


# ---------- in the course's language ----------

@pytest.fixture(scope="session")
def german_course():
    return packaged(SAMPLE, language="de")


@pytest.fixture(scope="session")
def rtl(tmp_path_factory):
    return packaged(rtl_course(tmp_path_factory.mktemp("rtl") / "course"))


def german_label(quiz, value: bool) -> str:
    """The label a German learner reads: the reader puts True/False items' labels in the course's language."""
    if quiz.items[0].true_false:
        assert quiz.labels == ("Wahr", "Falsch")
    return quiz.labels[0 if value else 1]


def test_12_german_quiz_hints_results_and_retry(lms, site, artifact, german_course):
    """The sample course built with language de: every word of the quiz runtime in German, in the LMS."""
    url = pkg(site, artifact, "scorm12", german_course, "s12de")
    items = {i.id: i for i in german_course.items}
    page_ = quiz_page(german_course)
    quiz, n = page_.quiz, page_.quiz.draw
    assert quiz.items[0].true_false
    page, frame = lms.open_in_order("1.2", url, german_course, page_)
    first = drawn(frame)
    assert frame.get_attribute("html", "lang") == "de"
    assert frame.inner_text("#quiz-heading") == "Quiz"
    assert frame.inner_text("button.score") == "Auswerten"
    assert frame.inner_text("#score-hint") == f"Beantworten Sie alle Aussagen, um „Auswerten“ zu aktivieren (noch {n} offen)."
    assert frame.inner_text("fieldset.item >> nth=0 >> .choices").split() == ["Wahr", "Falsch"]
    assert frame.inner_text("fieldset.item >> nth=0 >> legend .num") == "1."
    answer(frame, items, wrong={first[0]})
    assert frame.inner_text("#score-hint") == "Alles beantwortet: Klicken Sie auf „Auswerten“."
    score(frame)
    assert frame.inner_text(".result") == (f"Noch nicht bestanden: {n - 1} von {n} richtig. Zum Bestehen müssen alle "
                                           "Antworten richtig sein. Lesen Sie die Erklärungen, sehen Sie sich die Seite "
                                           "noch einmal an und versuchen Sie es dann mit neuen Aussagen erneut.")
    wrong, right = items[first[0]], items[first[1]]
    assert frame.inner_text(f"#item-{first[0]} .verdict") == (
        f"\u2717 Falsch: Sie haben „{german_label(quiz, not (wrong.right_index == 0))}“ geantwortet; "
        f"richtig ist „{german_label(quiz, (wrong.right_index == 0))}“.")
    assert frame.inner_text(f"#item-{first[1]} .verdict") == f"\u2713 Richtig: „{german_label(quiz, (right.right_index == 0))}“."
    assert frame.inner_text("button.retry") == "Mit neuen Aussagen erneut versuchen"
    assert data(page)["core"]["lesson_status"] == "failed"
    assert axe_violations(frame) == []
    frame.click("button.retry")
    second = drawn(frame)
    assert set(second) != set(first)
    assert frame.inner_text(".sr-status") == ("Neue Aussagen ausgewählt: Beantworten Sie sie und klicken Sie dann auf "
                                              "„Auswerten“.")
    answer(frame, items)
    score(frame)
    assert frame.inner_text(".result") == f"Bestanden. Alle {n} Antworten sind richtig."
    assert data(page)["core"]["lesson_status"] == "passed"
    assert_vocabulary_12(finish(page))


def test_german_locked_page_course_mode_and_accessibility(lms, site, artifact, german_course):
    url = pkg(site, artifact, "scorm12", german_course, "s12de")
    page_ = quiz_page(german_course)
    before = german_course.pages[german_course.pages.index(page_) - 1]
    page, frame = lms.open("1.2", url + page_.href)
    frame.wait_for_selector(".locked-note:not([hidden])")
    assert frame.inner_text(".locked-note p >> nth=0") == (f"Diese Seite öffnet sich, sobald Sie {before.title} "
                                                           "abgeschlossen haben. Öffnen Sie zuerst diese Seite über die "
                                                           "Kursübersicht.")
    finish(page)
    shell_url = pkg(site, artifact, "scorm12", german_course, "s12dec", mode="course")
    shell = lms.page(shell_url + "index.html")
    shell.wait_for_selector(".outline li.current")
    pages, quizzes = len(german_course.pages), len(german_course.quizzes)
    assert re.fullmatch(rf"\d+ von {pages} Seiten erledigt, 0 von {quizzes} Quiz bestanden",
                        shell.inner_text(".progress")), shell.inner_text(".progress")
    assert "(gesperrt)" in shell.inner_text(".outline")
    assert shell.inner_text(".toc-panel summary") == "Inhalt"
    assert shell.is_visible(".lms-note") and "Dieser Kurs läuft nicht in einer Lernplattform" in shell.inner_text(".lms-note")
    assert axe_violations(shell.main_frame) == []


def test_right_to_left_page_mirrors_and_passes_axe(lms, site, artifact, rtl):
    """An Arabic course: no catalog ships for it, so the words fall back to English; the direction does not."""
    url = pkg(site, artifact, "scorm12", rtl, "s12rtl")
    items = {i.id: i for i in rtl.items}
    quiz_ = next(p for p in rtl.pages if p.quiz)
    page = lms.page(url + quiz_.href)
    page.wait_for_selector("fieldset.item")
    assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == ("ar", "rtl")
    assert page.eval_on_selector(".quiz", "el => getComputedStyle(el).direction") == "rtl"
    # the page's start is on the right: the heading's text ends at the right edge of the content
    box = page.eval_on_selector("main h1", "el => { const r = document.createRange(); r.selectNodeContents(el); "
                                "const t = r.getBoundingClientRect(), b = el.getBoundingClientRect(); "
                                "return [t.right, b.right, t.left, b.left]; }")
    assert abs(box[0] - box[1]) < 2 and box[2] > box[3] + 20, box
    # English words (no Arabic catalog ships), isolated so that each sentence reads left to right
    assert page.inner_text("button.score") == "\u2068Score\u2069"
    assert axe_violations(page.main_frame) == []
    answer(page, items, wrong={drawn(page)[0]})
    score(page)
    assert axe_violations(page.main_frame) == []
    shell = lms.page(pkg(site, artifact, "scorm12", rtl, "s12rtlc", mode="course") + "index.html")
    shell.wait_for_selector(".outline li.current")
    assert shell.get_attribute("html", "dir") == "rtl"
    assert axe_violations(shell.main_frame) == []


# ---------- SCORM 2004 as Moodle 5.1's player plays it (issue 20, findings 17-20) ----------

def seed_2004(cmi: dict) -> dict:
    """What Moodle 5.1 hands a 2004 SCO back on its next launch when its last exit was "suspend"
    (mod/scorm/datamodels/scorm_13lib.php: every element it stored, entry "resume"); after any other exit
    it hands back nothing."""
    seed = {"cmi.entry": "resume", "cmi.completion_status": cmi["completion_status"],
            "cmi.suspend_data": cmi["suspend_data"], "cmi.location": cmi.get("location", "")}
    if cmi.get("success_status") not in (None, "", "unknown"):
        seed["cmi.success_status"] = cmi["success_status"]
    if cmi.get("score", {}).get("scaled") not in (None, ""):
        seed["cmi.score.scaled"] = cmi["score"]["scaled"]
    return seed


def test_2004_failed_page_is_not_complete_and_comes_back_as_it_was(lms, site, artifact, sample_course):
    """18: a failed page stores completion "incomplete" (Moodle counts a 2004 SCO by completion alone), so the
    learner is sent back to it; 19: it exits "suspend", so Moodle hands its attempt back on the next launch."""
    url = pkg(site, artifact, "scorm2004", sample_course, "s2004")
    items = {i.id: i for i in sample_course.items}
    page_ = quiz_page(sample_course)
    lms.remember_done(sample_course, sample_course.pages[sample_course.pages.index(page_) - 1])
    page, frame = lms.open("2004", url + page_.href)
    first = drawn(frame)
    answer(frame, items, wrong={first[0]})
    score(frame)
    cmi = data(page)
    assert (cmi["completion_status"], cmi["success_status"]) == ("incomplete", "failed")
    calls = finish(page)
    assert "completed" not in [v for k, v in calls if k == "cmi.completion_status"]
    assert last(calls, "cmi.exit") == "suspend"
    page2, frame2 = lms.open("2004", url + page_.href, seed_2004(cmi))
    assert drawn(frame2) == first
    assert frame2.locator("fieldset.item.wrong").count() == 1 and frame2.locator(".explanation").count() >= 0
    assert frame2.is_visible("button.retry")
    frame2.click("button.retry")
    answer(frame2, items)
    score(frame2)
    cmi2 = data(page2)
    assert (cmi2["completion_status"], cmi2["success_status"]) == ("completed", "passed")
    assert last(finish(page2), "cmi.exit") == "suspend"


def test_2004_second_page_in_one_player_load_tells_the_learner_what_works(lms, site, artifact, sample_course):
    """17: Moodle 5.1's 2004 player serves one SCO per load; the next page's Initialize answers "false" with
    error 104 (terminated). The page says exactly what to do, and keeps its quiz closed."""
    url = pkg(site, artifact, "scorm2004", sample_course, "s2004")
    page_ = quiz_page(sample_course)
    page, frame = lms.open("2004", url + page_.href, faults={"start": "false", "startCode": "104"})
    frame.wait_for_selector(".lms-failed-note:not([hidden])")
    assert frame.inner_text(".lms-failed-note").strip() == (
        "This learning platform opens one page of the course per visit, so this page cannot record anything now. "
        "What you did on the pages before is saved. Leave the activity and enter it again: it opens at the first "
        "page you have not finished.")
    assert not frame.is_visible("#quiz") and not frame.is_visible(".lms-note")
    assert axe_violations(frame) == []
    page.evaluate("closeSco()")


def test_2004_course_mode_keeps_the_learners_record(lms, site, artifact, sample_course):
    """20: the bookmark never depends on the save made while leaving (cmi.exit "suspend" committed right after
    Initialize), saves stay small (no interaction descriptions: Moodle sends every interaction on every
    save), and a visit the LMS hands no record to never writes a fresh state over the one it kept."""
    url = pkg(site, artifact, "scorm2004", sample_course, "s2004c", mode="course")
    items = {i.id: i for i in sample_course.items}
    page, shell = lms.open("2004", url + "index.html")
    content = walk_to_first_quiz(shell, sample_course.pages)
    writes = [c[:3] for c in page.evaluate("apiCalls") if c[0] in ("SetValue", "Commit")]
    assert writes[:2] == [["SetValue", "cmi.exit", "suspend"], ["Commit", "", "true"]], writes[:4]
    answer(content, items)
    score(content)
    cmi = data(page)
    assert len(interactions(cmi)) and not any(x.get("description") for x in interactions(cmi))
    assert not [k for k, _ in page.evaluate("calls") if k.endswith(".description")]
    kept = cmi["suspend_data"]
    finish(page)

    # the next visit: the LMS hands back nothing (Moodle, when the exit of the last visit never arrived)
    page2, shell2 = lms.open("2004", url + "index.html")
    shell2.wait_for_selector(".lms-failed-note:not([hidden])")
    assert "did not hand back" in shell2.inner_text(".lms-failed-note")
    calls = finish(page2)
    written = {k for k, _ in calls}
    assert not written & {"cmi.suspend_data", "cmi.location", "cmi.score.scaled", "cmi.completion_status",
                          "cmi.success_status"}, written
    assert last(calls, "cmi.exit") == "suspend"  # so the next visit gets the record back
    # with the record handed back, the visit goes on where it was
    page3, shell3 = lms.open("2004", url + "index.html", {"cmi.entry": "resume", "cmi.suspend_data": kept,
                                                         "cmi.completion_status": "incomplete"})
    shell3.wait_for_selector(".outline li.current")
    assert not shell3.is_visible(".lms-failed-note")
    assert "1 of" in shell3.inner_text(".progress")
    finish(page3)


@pytest.mark.parametrize("width, folded", [(740, False), (480, True)])
def test_course_table_of_contents_folds_only_on_a_phone(lms, site, artifact, sample_course, width, folded):
    """20: Moodle's player frame is under 768 px wide at a 1400 px window: the table of contents stays open
    beside the page there, and folds above it only on a phone-sized frame."""
    url = pkg(site, artifact, "scorm12", sample_course, "s12c", mode="course")
    shell = lms.context.new_page()
    shell.set_viewport_size({"width": width, "height": 800})
    shell.goto(url + "index.html")
    shell.wait_for_selector(".outline li.current", state="attached")
    assert shell.eval_on_selector(".toc-panel", "d => d.open") is (not folded)
    toc = shell.eval_on_selector(".shell-toc", "e => e.getBoundingClientRect().toJSON()")
    frame = shell.eval_on_selector("iframe[name=content]", "e => e.getBoundingClientRect().toJSON()")
    if folded:
        assert toc["bottom"] <= frame["top"] + 1
    else:
        assert toc["right"] <= frame["left"] + 1 and frame["width"] >= 400, (toc, frame)
