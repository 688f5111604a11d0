"""Formulas in Moodle (marker `moodle`): the sample course's formula item, imported from our Moodle XML and
restored from our .mbz into a real Moodle 5.1, then rendered as Moodle shows it to a learner (format_text with
the site's filters, tests/moodle/render_questions.php): Moodle's MathJax filter finds every formula, each TeX
intact between its delimiters, for MathJax to typeset in the browser."""

from __future__ import annotations

import json
import re

import pytest
from test_moodle_real import files, run_restore  # noqa: F401 - files is a fixture

pytestmark = pytest.mark.moodle

TEX = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.S)


@pytest.fixture(scope="module")
def formula_items(sample_course):
    """The sample's items holding a formula, with the TeX of each formula in their question and explanation."""
    found = {}
    for item in sample_course.items:
        tex = TEX.findall(item.statement_html) + TEX.findall(item.explanation_html)
        if tex:
            found[item.id] = tex
    assert found, "the sample course has a formula in a quiz item"
    return found


def rendered(moodle, ids) -> list[dict]:
    r = moodle.php(moodle.scripts / "render_questions.php", *map(str, ids))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return json.loads(r.stdout)["questions"]


def assert_typeset(question: dict, tex: list[str]) -> None:
    from html import unescape

    shown = question["questiontext"] + question["generalfeedback"]
    assert 'class="filter_mathjaxloader_equation"' in shown, shown
    for formula in tex:
        assert f'<span class="nolink">\\({unescape(formula)}\\)</span>' in unescape(shown), (formula, shown)


def test_moodle_xml_formulas_reach_mathjax(moodle, files, sample_course, formula_items):
    r = moodle.php(moodle.scripts / "import_questions.php", files("moodle", sample_course), "--format=xml")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    stored = {q["name"]: q["id"] for q in json.loads(r.stdout)["questions"]}
    ids = {item_id: next(qid for name, qid in stored.items() if name.endswith(f"[{item_id.split('_', 1)[1]}]"))
           for item_id in formula_items}
    for question in rendered(moodle, ids.values()):
        item_id = next(i for i, qid in ids.items() if qid == question["id"])
        assert_typeset(question, formula_items[item_id])


def test_backup_formulas_reach_mathjax(moodle, files, sample_course, formula_items):
    run_restore(moodle, files("moodle-backup", sample_course), categoryid=1)
    ids = {}
    for item_id in formula_items:
        rows = moodle.sql(f"""select qv.questionid from mdl_question_bank_entries e
            join mdl_question_versions qv on qv.questionbankentryid = e.id
            where e.idnumber = '{item_id[:100]}' order by qv.questionid desc limit 1""")
        ids[item_id] = rows[0]["questionid"]
    for question in rendered(moodle, ids.values()):
        item_id = next(i for i, qid in ids.items() if qid == question["id"])
        assert_typeset(question, formula_items[item_id])

