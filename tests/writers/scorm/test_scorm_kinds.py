"""Every question kind in a SCORM package, played in headless Chromium with scorm-again as the LMS (issue 17):
each kind answered right and wrong, by mouse and by keyboard, in every course language (a decimal comma where
the language writes one), with the interactions each standard allows (types and correct_responses patterns
within Moodle's limits: 1.2 has no long-fill-in and holds one numeric value; 2004's patterns and identifiers),
and axe on the quiz before and after scoring.

An essay is never right or wrong: it is recorded "neutral", weighs nothing, and an attempt whose draw holds an
essay is never reported passed: every other answer right makes it *submitted* (complete, no pass, no score).
"""

from __future__ import annotations

import json
import re

import pytest
from coursekit import typed_course
from test_scorm_e2e import axe_violations, data, finish, interactions, lms, pkg, site  # noqa: F401 (fixtures)

from conftest import packaged
from exporter.i18n.messages import messages_for
from exporter.writers.scorm.runtime_messages import page_strings

LANGUAGES = ["en", "de", "fr", "es", "pt", "nl", "it"]
ID_2004 = re.compile(r"^[\w.]{1,250}$")  # Moodle's identifier rule for 2004 choice and matching patterns


@pytest.fixture(scope="module")
def typed_folder(tmp_path_factory):
    return typed_course(tmp_path_factory.mktemp("typed") / "course")


def typed_in(folder, language: str):
    return packaged(folder, language=language)


def quiz_page(course):
    return next(p for p in course.pages if p.quiz and any(i.kind == "matching" for i in p.quiz.items))


def open_quiz(lms, site, artifact, course, version: str, name: str):
    fmt = "scorm12" if version == "1.2" else "scorm2004"
    url = pkg(site, artifact, fmt, course, name)
    target = quiz_page(course)
    return lms.open_in_order(version, url, course, target)


def number_in(text: str, comma: bool) -> str:
    return text.replace(".", ",") if comma else text


def answer_all(frame, course, right: bool, comma: bool) -> dict:
    """Answer every drawn item of the typed quiz, all right or all wrong (essays get a text either way)."""
    items = {i.id: i for i in quiz_page(course).quiz.items}
    frame.wait_for_selector("fieldset.item")
    ids = [i.removeprefix("item-") for i in frame.eval_on_selector_all("fieldset.item", "es => es.map(e => e.id)")]
    for ident in ids:
        item, box = items[ident], f"#item-{ident}"
        if item.kind in ("truefalse", "choice"):
            index = item.right_index if right else (item.right_index + 1) % len(item.choices)
            frame.check(f"{box} input[value='{index}']")
        elif item.kind == "multiple":
            picks = [n for n, c in enumerate(item.choices) if c.right] if right else [0]
            for n in picks:
                frame.check(f"{box} input[value='{n}']")
        elif item.kind == "short":
            frame.fill(f"{box} input", f"  {item.answers[-1].upper()}  " if right else "pedal")
        elif item.kind == "numeric":
            frame.fill(f"{box} input", number_in(item.numeric.low, comma) if right else "999")
        elif item.kind == "matching":
            lefts = [n for n, p in enumerate(item.pairs) if p.left_html]
            targets = lefts if right else lefts[1:] + lefts[:1]
            for select, target in enumerate(targets):
                frame.select_option(f"{box} select >> nth={select}", value=str(target))
        elif item.kind == "essay":
            frame.fill(f"{box} textarea", "Arm out to the right, then look back.")
    return items


def score(frame) -> str:
    frame.wait_for_selector("button.score:enabled")
    frame.click("button.score")
    frame.wait_for_selector(".result:not([hidden])")
    return frame.inner_text(".result")


def expected(item, version: str) -> tuple[str, list[str]]:
    """The interaction type and correct_responses patterns a standard allows for this item."""
    right = [n for n, c in enumerate(item.choices) if c.right]
    lefts = [n for n, p in enumerate(item.pairs) if p.left_html]
    if version == "1.2":
        return {"truefalse": ("true-false", ["t" if item.choices and item.right_index == 0 else "f"]),
                "choice": ("choice", [",".join("abcdefghij"[n] for n in right)]),
                "multiple": ("choice", [",".join("abcdefghij"[n] for n in right)]),
                "short": ("fill-in", list(item.answers)),
                "numeric": ("numeric", [item.numeric.value] if item.numeric else []),
                "matching": ("matching", [",".join(f"{k + 1}.{'abcdefghij'[p]}" for k, p in enumerate(lefts))]),
                "essay": ("fill-in", [])}[item.kind]
    return {"truefalse": ("true-false", ["true" if item.choices and item.right_index == 0 else "false"]),
            "choice": ("choice", ["[,]".join(f"c{n + 1}" for n in right)]),
            "multiple": ("choice", ["[,]".join(f"c{n + 1}" for n in right)]),
            "short": ("fill-in", [f"{{case_matters=false}}{a}" for a in item.answers]),
            "numeric": ("numeric", [f"{item.numeric.low}[:]{item.numeric.high}"] if item.numeric else []),
            "matching": ("matching", ["[,]".join(f"p{k + 1}[.]o{p + 1}" for k, p in enumerate(lefts))]),
            "essay": ("long-fill-in", [])}[item.kind]


def check_interactions(cmi: dict, items: dict, version: str, right: bool) -> None:
    got = interactions(cmi)
    assert {x["id"] for x in got} == set(items)
    response = "student_response" if version == "1.2" else "learner_response"
    wrong = "wrong" if version == "1.2" else "incorrect"
    for x in got:
        item = items[x["id"]]
        kind, patterns = expected(item, version)
        assert x["type"] == kind, (item.kind, x)
        stored = [x["correct_responses"][k]["pattern"] for k in sorted(x.get("correct_responses", {}), key=int)
                  if k.isdigit()]
        assert stored == patterns, (item.kind, stored, patterns)
        want = "neutral" if item.kind == "essay" else "correct" if right else wrong
        assert x["result"] == want, (item.kind, x["result"])
        assert x[response], (item.kind, x)
        assert len(x[response]) <= 255 or (version == "2004" and item.kind == "essay")
        if version == "2004" and kind in ("choice", "matching"):
            for pattern in stored + [x[response]]:
                for ident in re.split(r"\[,\]|\[\.\]", pattern):
                    assert ID_2004.match(ident), pattern
        if version == "1.2" and kind == "numeric":
            assert re.fullmatch(r"-?\d+(\.\d+)?", x[response]) and len(stored) == 1


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_every_kind_answered_right_is_submitted_not_passed(lms, site, artifact, typed_folder, version):
    """All right, an essay drawn: "submitted" (complete, no pass claimed, no score that a mastery score would
    turn into a pass); each interaction has its standard's type and pattern."""
    course = typed_in(typed_folder, "en")
    page, frame = open_quiz(lms, site, artifact, course, version, f"typed{version}")
    assert axe_violations(frame) == []
    assert frame.inner_text("[data-kind=multiple] .select-all") == "Select all that apply."
    items = answer_all(frame, course, right=True, comma=False)
    assert frame.inner_text("[data-kind=matching] .matched") == "3 of 3 pairs matched"
    result = score(frame)
    assert result.startswith("Submitted.") and "person for grading" in result, result
    assert frame.locator("fieldset.item.right").count() == len(items) - 1
    assert frame.locator("fieldset.item.neutral").count() == 1
    assert frame.inner_text("[data-kind=essay] .verdict") == "A person grades this answer: it is neither right nor wrong here."
    assert "Yes: brakes and tyres." in frame.inner_text("[data-kind=multiple] .feedback")  # the + feedback
    assert axe_violations(frame) == []
    cmi = data(page)
    check_interactions(cmi, items, version, right=True)
    if version == "1.2":
        assert cmi["core"]["lesson_status"] == "completed" and cmi["core"]["score"]["raw"] == ""
    else:
        assert (cmi["completion_status"], cmi["success_status"]) == ("completed", "unknown")
        assert cmi["score"]["scaled"] == ""
    calls = finish(page)
    exit_ = "cmi.core.exit" if version == "1.2" else "cmi.exit"
    assert [v for k, v in calls if k == exit_][-1] == "suspend"


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_every_kind_answered_wrong_fails_and_shows_the_right_answers(lms, site, artifact, typed_folder, version):
    course = typed_in(typed_folder, "en")
    page, frame = open_quiz(lms, site, artifact, course, version, f"typed{version}")
    items = answer_all(frame, course, right=False, comma=False)
    result = score(frame)
    graded = len(items) - 1
    assert result.startswith(f"Not passed yet: 0 of {graded} right."), result
    verdicts = {k: frame.inner_text(f"[data-kind={k}] .verdict") for k in ("choice", "short", "matching")}
    assert verdicts["choice"] == "\u2717 Not right. The right answer: Red & only red"
    assert verdicts["short"] == "\u2717 Not right. The right answer: brake; brake lever"
    assert verdicts["matching"].startswith("\u2717 Not right. The right answer: Red ring \u2192 No vehicles; ")
    assert "Green is for the right side of boats" in frame.inner_text("[data-kind=choice] .feedback")  # its own
    assert "the saddle's colour does not matter" in frame.inner_text("[data-kind=multiple] .feedback")  # - feedback
    assert frame.is_visible("button.retry")
    assert axe_violations(frame) == []
    cmi = data(page)
    check_interactions(cmi, items, version, right=False)
    if version == "1.2":
        assert cmi["core"]["lesson_status"] == "failed" and cmi["core"]["score"]["raw"] == "0"
    else:
        assert (cmi["completion_status"], cmi["success_status"]) == ("incomplete", "failed")
    finish(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_in_the_course_language(lms, site, artifact, typed_folder, language):
    """The words of each kind come from the catalog of the course's language; numbers are typed with the
    language's decimal separator (a comma in de, fr, es, pt, nl, it); the attempt comes back as it was."""
    course = typed_in(typed_folder, language)
    quiz = quiz_page(course).quiz
    words = page_strings(messages_for(course), quiz)
    english = page_strings(messages_for(typed_in(typed_folder, "en")), quiz)
    comma = language != "en"
    assert words["decimal"] == ("," if comma else ".")
    if language != "en":
        for key in ("selectAll", "yourAnswer", "choose", "rightPlain", "essay", "submitted"):
            assert words[key] != english[key], (language, key)
    page, frame = open_quiz(lms, site, artifact, course, "1.2", f"typed-{language}")
    assert frame.inner_text("[data-kind=multiple] .select-all") == words["selectAll"]
    assert frame.inner_text("[data-kind=short] .typed-label") == words["yourAnswer"]
    assert frame.inner_text("[data-kind=matching] select >> nth=0 >> option >> nth=0") == words["choose"]
    items = answer_all(frame, course, right=True, comma=comma)
    assert frame.inner_text("[data-kind=matching] .matched") == words["matched"]["3"][3]
    if comma:  # a point is no decimal separator's stand-in in the learner's words: the hint says how to write it
        box = next(f"#item-{i.id}" for i in quiz.items if i.kind == "numeric" and "." in i.numeric.low)
        frame.fill(f"{box} input", "4,2,7")
        assert frame.inner_text(f"{box} .number-hint") == words["notNumber"]
        frame.fill(f"{box} input", number_in(items[box.removeprefix('#item-')].numeric.low, comma))
        assert frame.inner_text(f"{box} .number-hint") == words["numberHint"]
    result = score(frame)
    assert result.startswith(words["submitted"]), result
    assert frame.locator("fieldset.item.wrong").count() == 0
    cmi = data(page)
    check_interactions(cmi, items, "1.2", right=True)
    assert axe_violations(frame) == []
    calls = finish(page)
    suspend = [v for k, v in calls if k == "cmi.suspend_data"][-1]
    record = json.loads(suspend)["q"]
    assert record[1] == 3 and isinstance(record[4], list)  # submitted, answers kept per kind
    seed = {"cmi.core.lesson_status": cmi["core"]["lesson_status"], "cmi.core.entry": "resume",
            "cmi.suspend_data": suspend}
    url = pkg(site, artifact, "scorm12", course, f"typed-{language}")
    page2, frame2 = lms.open("1.2", url + quiz_page(course).href, seed)
    frame2.wait_for_selector(".result:not([hidden])")
    assert frame2.inner_text(".result") == result
    essay = next(i for i in quiz.items if i.kind == "essay")
    assert frame2.input_value(f"#item-{essay.id} textarea") == "Arm out to the right, then look back."
    assert frame2.locator("fieldset.item input:enabled, fieldset.item select:enabled").count() == 0
    finish(page2)


def test_every_kind_by_keyboard_alone(lms, site, artifact, typed_folder):
    """Tab, arrows, Space and typing answer every kind; Enter on Score scores."""
    course = typed_in(typed_folder, "en")
    page, frame = open_quiz(lms, site, artifact, course, "2004", "typed2004")
    items = {i.id: i for i in quiz_page(course).quiz.items}
    frame.wait_for_selector("fieldset.item")
    ids = [i.removeprefix("item-") for i in frame.eval_on_selector_all("fieldset.item", "es => es.map(e => e.id)")]
    for ident in ids:
        item, box = items[ident], f"#item-{ident}"
        first = frame.locator(f"{box} input, {box} select, {box} textarea").first
        first.focus()
        if item.kind in ("truefalse", "choice"):
            for _ in range(item.right_index):
                first.page.keyboard.press("ArrowDown")
            if item.right_index == 0:
                first.page.keyboard.press("Space")
        elif item.kind == "multiple":
            for n, c in enumerate(item.choices):
                if c.right:
                    frame.locator(f"{box} input >> nth={n}").focus()
                    first.page.keyboard.press("Space")
        elif item.kind in ("short", "numeric", "essay"):
            text = item.answers[0] if item.kind == "short" else item.numeric.low if item.kind == "numeric" else "Arm out."
            first.page.keyboard.type(text)
        elif item.kind == "matching":
            lefts = [n for n, p in enumerate(item.pairs) if p.left_html]
            for select, target in enumerate(lefts):
                frame.locator(f"{box} select >> nth={select}").focus()
                for _ in range(target + 1):  # the first option is "Choose…"; options in the author's order
                    first.page.keyboard.press("ArrowDown")
    frame.wait_for_selector("button.score:enabled")
    frame.focus("button.score")
    frame.page.keyboard.press("Enter")
    frame.wait_for_selector(".result:not([hidden])")
    assert frame.inner_text(".result").startswith("Submitted."), frame.inner_text(".result")
    finish(page)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_course_mode_takes_every_kind(lms, site, artifact, typed_folder, version):
    """Course mode: the shell keeps the typed attempt, opens the next page once it is submitted, records its
    interactions (no descriptions) and claims no pass for the course while an essay waits for a person."""
    course = typed_in(typed_folder, "en")
    fmt = "scorm12" if version == "1.2" else "scorm2004"
    url = pkg(site, artifact, fmt, course, f"typed-c{version}", mode="course")
    target = quiz_page(course)
    page, shell = lms.open(version, url + "index.html")
    content = shell.wait_for_selector("iframe[name=content]").content_frame()
    content.wait_for_selector("main h1")
    shell.click(f".outline li[data-page='{target.id}'] a")
    content.wait_for_function("t => document.querySelector('main h1').textContent === t", arg=target.title)
    after = course.pages[course.pages.index(target) + 1]
    assert shell.locator(f".outline li.locked[data-page='{after.id}']").count() == 1
    items = answer_all(content, course, right=True, comma=False)
    assert score(content).startswith("Submitted.")
    shell.wait_for_selector(f".outline li[data-page='{after.id}']:not(.locked)")
    cmi = data(page)
    check_interactions(cmi, items, version, right=True)
    assert not any(x.get("description") for x in interactions(cmi))
    record = json.loads(cmi["suspend_data"])["q"][str(course.pages.index(target))]
    assert record[1] == 3
    finish(page)
