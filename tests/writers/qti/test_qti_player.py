"""Our QTI 3.0 items played in a real QTI 3 player: Cito's `@citolab/qti-components` (npm) in Chromium.

Each item of a course with every kind is loaded into the player's `<qti-item>` from 127.0.0.1, answered the way a
learner does (a click on a choice by its text, keys typed into the entry, a drag from a left item to its option),
and scored by the player's own response processing: a right answer scores 1, a wrong one (or none) 0, an essay
is not scored. The modal feedback the player opens is the one the model says (the verdict's, each picked
choice's, the general explanation). QTI 2.1 packages are played after citolab-qti-convert (PyPI, written by
others) upgrades them to 3.0, as a 3.0 platform would take them in.

The courses are coursekit's typed courses as the reader reads them; the answers come from the model, never from
our XML.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from exporter.model import CHOICE, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, TRUE_FALSE, Item
from exporter.writers import WRITERS
from itemcheck import text_of, verdict_label
from scorm_harness import NODE, Site

PLAYER = NODE / "@citolab/qti-components/cdn/index.js"  # the package's own single-file ES module build
HOST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>QTI player</title>
<script type="module" src="qti.js"></script></head>
<body><qti-item><item-container id="item"></item-container></qti-item></body></html>
"""
# a new item: the one shown before is marked stale first, as the player swaps it out only once the new one is in
LOAD = """url => { const c = document.getElementById('item'); const root = c.shadowRoot;
  const old = root && root.querySelector('qti-assessment-item'); if (old) old.dataset.stale = 'yes';
  c.itemURL = url; }"""
LOADED = """id => { const c = document.getElementById('item'); const root = c && c.shadowRoot;
  const item = root && root.querySelector('qti-assessment-item');
  return !!item && !item.dataset.stale && item.identifier === id && !!root.querySelector('[response-identifier]'); }"""
# the player's own scoring, then what it shows: SCORE and the texts of the modal feedback dialogs it opened
SCORE = """async () => { const root = document.getElementById('item').shadowRoot;
  const item = root.querySelector('qti-assessment-item');
  item.processResponse();
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const open = [...root.querySelectorAll('qti-modal-feedback')].filter(f => {
    const dialog = f.shadowRoot && f.shadowRoot.querySelector('dialog'); return dialog && dialog.open; });
  const score = item.getOutcome('SCORE');
  return {score: score.value, external: score.externalScored || null,
          shown: open.map(f => f.textContent.replace(/\\s+/g, ' ').trim())}; }"""


def exact(text: str) -> re.Pattern:
    return re.compile(r"^\s*" + re.escape(text) + r"\s*$")


@dataclass
class Case:
    """One way to answer an item: what the learner does, the score the player must give, the feedback it shows."""

    name: str
    clicks: list[str] = field(default_factory=list)  # choices by their text
    typed: str | None = None  # into the text entry (or the essay's box)
    drags: list[tuple[str, str]] = field(default_factory=list)  # (left item, option) by their text
    score: str = "0"
    picked_feedback: list[str] = field(default_factory=list)  # per-choice feedback of the picked choices


def _up(number: str, step: str = "0.0001") -> str:
    return str(Decimal(number) + Decimal(step))


def _down(number: str, step: str = "0.0001") -> str:
    return str(Decimal(number) - Decimal(step))


def cases(item: Item) -> list[Case]:
    """A right answer and wrong ones for each kind, from the model."""
    text = [text_of(c.html) for c in item.choices]
    fb = [text_of(c.feedback_html) for c in item.choices]
    kind = item.kind
    if kind in (TRUE_FALSE, CHOICE):
        found = [Case("right", [text[item.right_index]], score="1", picked_feedback=[fb[item.right_index]])]
        found += [Case(f"wrong {t}", [t], picked_feedback=[fb[n]]) for n, t in enumerate(text)
                  if not item.choices[n].right]
        return found + [Case("unanswered")]
    if kind == MULTIPLE:
        right = [n for n, c in enumerate(item.choices) if c.right]
        return [Case("every right one", [text[n] for n in right], score="1", picked_feedback=[fb[n] for n in right]),
                Case("every one", text, picked_feedback=fb),
                Case("one right one missing", [text[n] for n in right[1:]],
                     picked_feedback=[fb[n] for n in right[1:]]),
                Case("unanswered")]
    if kind == SHORT:
        found = [Case(f"right {a!r}", typed=" ".join(a.split()).upper(), score="1") for a in item.answers]
        return found + [Case("wrong", typed=item.answers[0] + "s"), Case("unanswered")]
    if kind == NUMERIC:
        n = item.numeric
        return [Case("lowest", typed=n.low, score="1"), Case("highest", typed=n.high, score="1"),
                Case("given", typed=n.value, score="1"), Case("above", typed=_up(n.high)),
                Case("below", typed=_down(n.low)), Case("unanswered")]
    if kind == MATCHING:
        pairs = [(text_of(p.left_html), text_of(p.right_html)) for p in item.matches]
        distractor = next(text_of(p.right_html) for p in item.pairs if not p.left_html)
        return [Case("all matched", drags=pairs, score="1"),
                Case("one to the distractor", drags=[(pairs[0][0], distractor)] + pairs[1:]),
                Case("one left out", drags=pairs[1:]),
                Case("unanswered")]
    assert kind == ESSAY  # SCORE stays as QTI starts a number without a default: 0, until a person scores it
    return [Case("written", typed="I hold my right arm out.")]


def expected_feedback(item: Item, case: Case) -> list[str]:
    """The feedback texts the model says a learner reads after this answer, one per dialog in the item's order.
    An item graded automatically says whether the answer was right and, if not, what was (`verdict_label`, in
    English here), then the author's right or wrong feedback and the explanation, in one; then each picked
    choice's own. An essay shows its explanation on its own."""
    explanation = text_of(item.explanation_html)
    if item.kind == ESSAY:
        return [s for s in [*case.picked_feedback, explanation] if s]
    right = case.score == "1"
    words = "Right." if right else f"Not quite: the right answer is {verdict_label(item)}."
    said = text_of(item.right_feedback_html if right else item.wrong_feedback_html)
    return [s for s in [" ".join(t for t in (words, said, explanation) if t), *case.picked_feedback] if s]


# --- the player --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def player(browser, tmp_path_factory):
    """A page on 127.0.0.1 holding the player; every request elsewhere is refused and recorded."""
    if not PLAYER.exists():
        pytest.skip(f"{PLAYER.relative_to(NODE.parent)} is missing: run `npm ci` in the checkout")
    site = Site(tmp_path_factory.mktemp("qti-player"))
    folder = site.root / "_qti"
    folder.mkdir()
    shutil.copy(PLAYER, folder / "qti.js")
    (folder / "host.html").write_text(HOST, encoding="utf-8")
    page = browser.new_page()
    outside, errors = [], []

    def route(r):
        if r.request.url.startswith(site.base + "/"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site.base}/_qti/host.html")
    yield site, page, outside, errors
    page.close()
    site.close()


def play(page, url: str, item: Item, case: Case) -> dict:
    """Load the item afresh (a new URL each time), answer it as the case says, and score it in the player."""
    page.evaluate(LOAD, url)
    page.wait_for_function(LOADED, arg=item.id, timeout=15000)
    for choice in case.clicks:
        page.locator("qti-simple-choice").filter(has_text=exact(choice)).click()
    if case.typed is not None:
        box = page.locator("qti-text-entry-interaction input, qti-extended-text-interaction textarea")
        box.press_sequentially(case.typed)
        box.press("Tab")
    sets = page.locator("qti-simple-match-set")
    for left, option in case.drags:
        source = sets.nth(0).locator("qti-simple-associable-choice").filter(has_text=exact(left))
        target = sets.nth(1).locator("qti-simple-associable-choice").filter(has_text=re.compile(re.escape(option)))
        source.first.drag_to(target.first)
    return page.evaluate(SCORE)


def published(site: Site, course, name: str, fmt: str, tmp_path) -> str:
    """The course's package on the site, as 3.0 (a 2.1 package upgraded by citolab-qti-convert)."""
    data = WRITERS[fmt]().write(course).data
    name = f"{fmt}-{name}"
    if fmt == "qti30":
        return site.publish(name, data)
    tool = shutil.which("qti-convert")
    if tool is None:
        pytest.skip("qti-convert (PyPI citolab-qti-convert) is not installed: the 2.1 package is played upgraded")
    source = tmp_path / "qti21"
    zipfile.ZipFile(io.BytesIO(data)).extractall(source)
    r = subprocess.run([tool, "upgrade", "-q", str(source), str(site.root / name)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    return f"{site.base}/{name}/"


@pytest.mark.parametrize("name", ["typed", "edges-shuffled"])
@pytest.mark.parametrize("fmt", ["qti30", "qti21"])
def test_every_kind_scores_right_and_wrong_in_the_player(player, typed, fmt, name, tmp_path):
    site, page, outside, errors = player
    course = typed[name]
    base = published(site, course, name, fmt, tmp_path)
    assert {i.kind for i in course.items} >= {CHOICE, MULTIPLE, SHORT, NUMERIC, MATCHING, ESSAY}
    failures = []
    attempt = 0
    for item in course.items:
        for case in cases(item):
            attempt += 1
            got = play(page, f"{base}items/{item.id}.xml?attempt={attempt}", item, case)
            external = "human" if item.kind == ESSAY and fmt == "qti30" else None  # 2.1 cannot say it
            expected = {"score": case.score, "external": external, "shown": expected_feedback(item, case)}
            if got != expected:
                failures.append(f"{item.id} {case.name}: the player gave {got}, the model says {expected}")
    assert not failures, "\n".join(failures)
    assert not outside, f"requests off 127.0.0.1: {outside}"
    assert not errors, errors


def test_the_player_shuffles_choices_and_keeps_true_before_false(player, typed, tmp_path):
    """data-shuffle="choices": the player shows a choice item's choices in more than one order over a few loads;
    a true/false item's stay True, False (fixed)."""
    site, page, _, _ = player
    course = typed["typed-shuffled"]
    base = published(site, course, "typed-shuffled", "qti30", tmp_path)
    [quiz] = [q for q in course.quizzes if q.shuffle]
    [multiple] = [i for i in quiz.items if i.kind == MULTIPLE]
    [statement] = [i for i in quiz.items if i.kind == TRUE_FALSE]
    orders = {i.id: set() for i in (multiple, statement)}
    for attempt in range(6):
        for item in (multiple, statement):
            page.evaluate(LOAD, f"{base}items/{item.id}.xml?order={attempt}")
            page.wait_for_function(LOADED, arg=item.id, timeout=15000)
            orders[item.id].add(tuple(t.strip() for t in page.locator("qti-simple-choice").all_inner_texts()))
    assert len(orders[multiple.id]) > 1, "six loads of four shuffled choices, all in one order"
    assert orders[statement.id] == {tuple(text_of(c.html) for c in statement.choices)}
