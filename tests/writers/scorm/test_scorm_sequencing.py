"""The `scorm2004` manifest's sequencing run in a real SCORM 2004 sequencing engine: scorm-again's Overall
Sequencing Process (Node, tests/support/seq_engine.mjs), fed the activity tree read back from the manifest
(tests/support/seqtree.py), driven as an LMS and the pages would drive it.

What a learner must not be able to do: get page N+1 delivered before page N is done (a quiz page: passed with
every drawn item right), by Continue, by choosing it in the table of contents, or by leaving without
answering; and what they must be able to do: move on once it is done, and go back to pages already done.
The SCOs report what the pages report (templates/static/hosts.js, page.js, lms.js) in an LMS that sequences:
completion (complete only once passed), success, score.scaled, and `cmi.exit` "suspend" once the page is done,
"normal" before (SCORM does not apply post-condition rules to a suspended activity; in an LMS that does not
sequence, such as Moodle, an unfinished page exits "suspend" so that it gets its attempt back).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass

import pytest

from scorm_harness import NODE, ROOT
from seqtree import activity_tree, leaves

DRIVER = ROOT / "tests" / "support" / "seq_engine.mjs"
ENGINE = NODE / "scorm-again" / "dist" / "esm" / "scorm2004.js"


def run_engine(tree: dict, steps: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (Debian package nodejs; CI has it)")
    if not ENGINE.exists():
        pytest.skip(f"{ENGINE.relative_to(ROOT)} is missing: run `npm ci` in the checkout")
    done = subprocess.run([node, str(DRIVER)], input=json.dumps({"tree": tree, "steps": steps}),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    reports = json.loads(done.stdout)
    assert len(reports) == len(steps)
    for step, report in zip(steps, reports):
        assert report["errors"] == [], (step, report)
    return reports


def tree_of(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return activity_tree(zf.read("imsmanifest.xml"))


# what a page reports (templates/static/hosts.js, page.js), as cmi values
def viewed() -> dict:
    return {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.exit": "suspend"}


def opened_quiz() -> dict:
    return {"cmi.completion_status": "incomplete", "cmi.exit": "normal"}


def failed(draw: int) -> dict:
    return {"cmi.completion_status": "incomplete", "cmi.success_status": "failed",
            "cmi.score.scaled": str(round((draw - 1) / draw, 4)), "cmi.exit": "normal"}


def passed() -> dict:
    return {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "1",
            "cmi.exit": "suspend"}


def revisited() -> dict:
    """A page already done, opened again: it reports nothing new and keeps its attempt."""
    return {"cmi.exit": "suspend"}


def sco(values: dict, nav: str | None) -> dict:
    return {"do": "sco", "set": values, "nav": nav}


@dataclass
class Expect:
    """What the engine must do for one step: deliver these activities (none: stay on `current`)."""

    delivered: list[str]
    current: str | None
    why: str


def walk(course, ids: list[str]) -> tuple[list[dict], list[Expect]]:
    """A learner through the whole course. At every quiz page with a page after it: leaves without answering,
    fails, tries to choose the next page, tries Previous, then passes and continues; on the next page, goes
    back to the quiz page and forward again (a page without a quiz, done on opening), or finds that Previous
    restarts it while it is not done (a quiz page)."""
    steps: list[dict] = [{"do": "start"}]
    expect = [Expect([ids[0]], ids[0], "start delivers the first page")]
    pages = course.pages
    for n, page in enumerate(pages):
        me, last = ids[n], n == len(pages) - 1
        if last:
            steps.append(sco(passed() if page.quiz else viewed(), "continue"))
            expect.append(Expect([], None, "continue after the last page ends the course"))
            break
        nxt = ids[n + 1]
        if page.quiz is None:
            steps.append(sco(viewed(), "continue"))
            expect.append(Expect([nxt], nxt, f"{me} viewed: continue delivers {nxt}"))
            continue
        draw = min(page.quiz.draw, len(page.quiz.items))
        steps += [sco(opened_quiz(), "continue"),
                  sco(failed(draw), "continue"),
                  sco(failed(draw), f"{{target={nxt}}}choice"),
                  sco(failed(draw), "previous"),
                  sco(passed(), "continue")]
        expect += [Expect([me], me, f"{me} left unanswered: continue starts {me} again, not {nxt}"),
                   Expect([me], me, f"{me} failed: continue starts {me} again, not {nxt}"),
                   Expect([], me, f"{me} failed: choosing {nxt} is refused"),
                   Expect([me], me, f"{me} failed: previous starts {me} again"),
                   Expect([nxt], nxt, f"{me} passed: continue delivers {nxt}")]
        if pages[n + 1].quiz is None:
            steps += [sco(viewed(), "previous"), sco(revisited(), "continue")]
            expect += [Expect([me], me, f"back from {nxt} (viewed) to {me}, which is done"),
                       Expect([nxt], nxt, f"{me} still done: continue delivers {nxt} again")]
        else:
            steps.append(sco(opened_quiz(), "previous"))
            expect.append(Expect([nxt], nxt, f"{nxt} not done yet: previous starts it again"))
    return steps, expect


def check(reports: list[dict], expect: list[Expect]) -> None:
    for n, (report, want) in enumerate(zip(reports, expect)):
        got = (report["delivered"], report["current"] if want.current is not None else None)
        assert got == (want.delivered, want.current), f"step {n}: {want.why}; the engine did {report}"


@pytest.fixture(params=["sample", "corpus"])
def course(request):
    return request.getfixturevalue(f"{request.param}_course")


def test_engine_reads_the_manifest_as_written(course, artifact):
    tree = tree_of(artifact("scorm2004", course))
    ids = leaves(tree)
    assert len(ids) == len(course.pages)
    assert tree["sequencingControls"]["choice"] is False and tree["sequencingControls"]["flow"] is True
    gated = [a for a in ids if a != ids[-1]]
    by_id = {}

    def index(a):
        by_id[a["id"]] = a
        for c in a.get("children", []):
            index(c)
    index(tree)
    for ident in gated:
        rules = by_id[ident]["sequencingRules"]["postConditionRules"]
        assert [r["action"] for r in rules] == ["retry"]
    assert "sequencingRules" not in by_id[ids[-1]]


def test_next_page_only_after_this_page_is_done(course, artifact):
    """The whole course, page by page, in scorm-again's sequencing engine."""
    tree = tree_of(artifact("scorm2004", course))
    ids = leaves(tree)
    steps, expect = walk(course, ids)
    reports = run_engine(tree, steps)
    check(reports, expect)
    assert any(p.quiz for p in course.pages[:-1]), "the course must have a quiz that gates a page"


def test_no_jumping_ahead_from_the_start(sample_course, artifact):
    """Choosing the last page (or any page after the next) from the first is refused, done or not."""
    tree = tree_of(artifact("scorm2004", sample_course))
    ids = leaves(tree)
    steps = [{"do": "start"}, sco(viewed(), f"{{target={ids[-1]}}}choice"),
             sco(viewed(), f"{{target={ids[2]}}}choice"), sco(viewed(), "continue")]
    reports = run_engine(tree, steps)
    check(reports, [Expect([ids[0]], ids[0], "start"),
                    Expect([], ids[0], "choosing the last page is refused"),
                    Expect([], ids[0], "choosing the page after next is refused"),
                    Expect([ids[1]], ids[1], "continue still works")])


def test_delivered_page_sees_a_sequencing_lms(sample_course, artifact):
    """What the page trusts (order.js allows): an LMS that sequences answers request_valid.previous with
    "true" on a page it delivered after the first; a plain runtime (Moodle, scorm-again without an activity
    tree) answers "unknown"."""
    tree = tree_of(artifact("scorm2004", sample_course))
    ids = leaves(tree)
    reports = run_engine(tree, [{"do": "start"}, sco(viewed(), "continue"), sco(viewed(), None)])
    assert reports[1]["valid"]["previous"] == "false", "nothing before the first page"
    assert reports[2]["valid"]["previous"] == "true" and reports[1]["delivered"] == [ids[1]]


def test_the_old_design_would_fail_here(sample_course, artifact):
    """The engine test can fail: a manifest without the retry rules lets Continue pass a failed quiz."""
    tree = tree_of(artifact("scorm2004", sample_course))

    def strip(a):
        a.pop("sequencingRules", None)
        for c in a.get("children", []):
            strip(c)
    strip(tree)
    ids = leaves(tree)
    quiz_at = next(n for n, p in enumerate(sample_course.pages) if p.quiz)
    steps = [{"do": "start"}] + [sco(viewed(), "continue") for _ in range(quiz_at)] + \
        [sco(failed(sample_course.pages[quiz_at].quiz.draw), "continue")]
    reports = run_engine(tree, steps)
    assert reports[-1]["delivered"] == [ids[quiz_at + 1]]
