"""Every question kind in the Moodle XML file and in the course backup's questions.xml, read on their own with lxml
(tests/support/mbzread.py for the backup) and checked against Moodle 5.1's rules as its code states them: the grade list
an import accepts (question/engine/bank.php, match_grade_options within 1e-5), multi-answer grades adding up to
100% (qtype_multichoice::save_question_options), the shortanswer wildcard, numerical tolerance, match
subquestions. What Moodle itself stores and grades: tests/writers/moodle/test_moodle_real.py (marker `moodle`).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from html import unescape
from itertools import combinations

import pytest
from itemcheck import text_of
from kindsmodel import PRIMES, kinds_course
from lxml import etree
from mbzread import read, value

from exporter.model import ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, Choice
from exporter.writers import WRITERS

PARSER = etree.XMLParser(no_network=True, resolve_entities=False)
# Moodle's grade list (question_bank::ensure_fraction_options_initialised), written out here on its own
POSITIVE = [Fraction(n, d) for n, d in ((1, 1), (9, 10), (5, 6), (4, 5), (3, 4), (7, 10), (2, 3), (3, 5), (1, 2),
                                        (2, 5), (1, 3), (3, 10), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (1, 9),
                                        (1, 10), (1, 20))]
LISTED = [Fraction(0)] + POSITIVE + [-f for f in POSITIVE]


def on_list(fraction: float) -> bool:
    return any(abs(Fraction(fraction) - f) < Fraction(1, 10**5) for f in LISTED)


@pytest.fixture(scope="module")
def kinds(tmp_path_factory):
    return kinds_course(tmp_path_factory.mktemp("kinds") / "course")


@pytest.fixture(scope="module")
def xml_questions(kinds):
    root = etree.fromstring(WRITERS["moodle"]().write(kinds).data, PARSER)
    return {q.findtext("idnumber"): q for q in root if q.get("type") != "category"}


@pytest.fixture(scope="module")
def mbz_questions(kinds):
    backup = read(WRITERS["moodle-backup"]().write(kinds).data)
    return {q.idnumber: q for c in backup.categories for q in c.questions}


def xml_answers(q) -> list[tuple[str, float, str]]:
    """(text, fraction, feedback) as Moodle's import reads them: the fraction attribute in percent."""
    return [(a.findtext("text") or "", float(a.get("fraction")) / 100, a.findtext("feedback/text") or "")
            for a in q.iterfind("answer")]


def check_multiple_grades(fractions: list[float], rights: list[bool]) -> None:
    """Moodle's rules for a multi-answer question, and ours: only all the right ones, no other, score 100%."""
    assert all(on_list(f) for f in fractions), fractions
    assert round(sum(f for f in fractions if f > 0), 2) == 1  # qtype_multichoice: positives add up to 100%
    assert [f > 0 for f in fractions] == rights

    def score(ticked) -> float:  # qtype_multichoice_multi_question::grade_response
        return min(max(0.0, sum(fractions[i] for i in ticked)), 1.0)

    right = [i for i, r in enumerate(rights) if r]
    assert score(right) == pytest.approx(1, abs=1e-6)
    assert score(range(len(fractions))) <= 0  # ticking everything scores nothing
    wrong = [i for i, r in enumerate(rights) if not r]
    for extra in wrong[:5]:
        assert score(right + [extra]) < 1
    for subset in combinations(right, len(right) - 1):
        assert score(list(subset)) < 1


def item(kinds, suffix: str):
    return next(i for i in kinds.items if i.id.endswith(suffix))


# --- Moodle XML -------------------------------------------------------------------------------------------------

def test_xml_question_types(kinds, xml_questions):
    types = {i.id: xml_questions[i.id].get("type") for i in kinds.items}
    assert [types[i.id] for i in kinds.quizzes[0].items] == [
        "multichoice", "multichoice", "multichoice", "shortanswer", "numerical", "numerical", "numerical", "matching",
        "essay"]


def test_xml_choice_single_and_feedback(kinds, xml_questions):
    q = xml_questions[item(kinds, "_k1").id]
    assert q.findtext("single") == "true" and q.findtext("shuffleanswers") == "false"
    answers = xml_answers(q)
    assert [(t, f) for t, f, _ in answers] == [("White", 0), ("<strong>Red</strong>", 1), ("Green", 0)]
    # the verdict, then the choice's own feedback (as QTI, the cartridges and the SCORM pages show them)
    assert text_of(answers[2][2]) == \
        "Not quite: the right answer is Red. Green is for the right side of boats, not bikes."
    assert unescape(answers[0][2]) == "<p>Not quite: the right answer is Red.</p>"  # the verdict, by its text
    assert q.findtext("correctfeedback/text") == "<p>Well spotted.</p>"
    assert q.findtext("incorrectfeedback/text") == q.findtext("partiallycorrectfeedback/text") == \
        "<p>Look at a bike from behind.</p>"
    assert q.findtext("generalfeedback/text") == "White at the front, red at the back."


@pytest.mark.parametrize("suffix", ["_k2", "_k3"])
def test_xml_multiple_grades(kinds, xml_questions, suffix):
    it = item(kinds, suffix)
    q = xml_questions[it.id]
    assert q.findtext("single") == "false"
    check_multiple_grades([f for _, f, _ in xml_answers(q)], [c.right for c in it.choices])


def test_xml_multiple_fractions_written_as_moodle_writes_them(kinds, xml_questions):
    assert [a.get("fraction") for a in xml_questions[item(kinds, "_k2").id].iterfind("answer")] == ["50", "50", "-100"]
    primes = [a.get("fraction") for a in xml_questions[item(kinds, "_k3").id].iterfind("answer")]
    assert sorted(set(primes)) == ["-5", "10", "5"] and primes.count("10") == 8 and primes.count("5") == 4
    assert [n for n, f in enumerate(primes, start=1) if f != "-5"] == list(PRIMES)


def test_xml_shortanswer_escapes_the_wildcard(kinds, xml_questions):
    q = xml_questions[item(kinds, "_k4").id]
    assert q.findtext("usecase") == "0"
    assert xml_answers(q) == [("brake", 1, "Right: the brake."), ("brake lever", 1, "Right: the brake."),
                              ("5 \\* 2", 1, "Right: the brake."), ("*", 0, "Think of what stops the wheel.")]


@pytest.mark.parametrize("suffix,answer,tolerance,wrong", [("_k5", "7", "1", True), ("_k6", "1.4142", "0.0001", False),
                                                           ("_k7", "0", "0", False)])
def test_xml_numerical_midpoint_and_tolerance(kinds, xml_questions, suffix, answer, tolerance, wrong):
    it = item(kinds, suffix)
    q = xml_questions[it.id]
    answers = q.findall("answer")
    assert (answers[0].findtext("text"), answers[0].findtext("tolerance"), answers[0].get("fraction")) == \
        (answer, tolerance, "100")
    mid, half = Decimal(answer), Decimal(tolerance)
    assert (mid - half, mid + half) == (Decimal(it.numeric.low), Decimal(it.numeric.high))
    assert [a.findtext("text") for a in answers[1:]] == (["*"] if wrong else [])
    assert q.findtext("showunits") == "3"


def test_xml_match_subquestions_and_distractor(kinds, xml_questions):
    q = xml_questions[item(kinds, "_k8").id]
    subs = [(s.findtext("text") or "", s.findtext("answer/text")) for s in q.iterfind("subquestion")]
    assert subs == [("Red ring", "No vehicles"), ("<em>Blue</em> disc", "Route to follow"),
                    ("Triangle", "Warning &amp; danger &lt;ahead&gt;"), ("", "No stopping")]
    assert q.findtext("shuffleanswers") == "false"
    assert q.findtext("correctfeedback/text") == "All matched."


def test_xml_essay(kinds, xml_questions):
    q = xml_questions[item(kinds, "_k9").id]
    assert (q.findtext("responseformat"), q.findtext("responserequired"), q.findtext("attachments")) == \
        ("editor", "1", "0")
    assert q.find("answer") is None
    assert q.findtext("generalfeedback/text") == "Arm out to the right, look behind first."


def test_shuffle_reaches_the_questions(kinds):
    shuffled = copy.deepcopy(kinds)
    shuffled.quizzes[0].shuffle = True
    root = etree.fromstring(WRITERS["moodle"]().write(shuffled).data, PARSER)
    first = {i.id for i in shuffled.quizzes[0].items}
    flags = {(q.get("type"), q.findtext("shuffleanswers")) for q in root if q.find("shuffleanswers") is not None
             and q.findtext("idnumber") in first}
    assert flags == {("multichoice", "true"), ("matching", "true")}
    backup = read(WRITERS["moodle-backup"]().write(shuffled).data)
    quiz = next(a for a in backup.activities.values() if a.modname == "quiz")
    assert value(quiz.row, "shuffleanswers") == "1"  # the quiz lets its questions shuffle


# --- the backup -------------------------------------------------------------------------------------------------

def test_backup_question_types_and_options(kinds, mbz_questions):
    got = {i.id: mbz_questions[i.id[:100]].qtype for i in kinds.items}
    assert [got[i.id] for i in kinds.quizzes[0].items] == [
        "multichoice", "multichoice", "multichoice", "shortanswer", "numerical", "numerical", "numerical", "match",
        "essay"]
    choice = mbz_questions[item(kinds, "_k1").id]
    assert (choice.options["single"], choice.options["correctfeedback"]) == ("1", "<p>Well spotted.</p>")
    multiple = mbz_questions[item(kinds, "_k2").id]
    assert (multiple.options["single"], multiple.options["showstandardinstruction"]) == ("0", "1")
    assert mbz_questions[item(kinds, "_k4").id].options == {"usecase": "0"}
    essay = mbz_questions[item(kinds, "_k9").id].el.find("plugin_qtype_essay_question/essay")
    assert (value(essay, "responseformat"), value(essay, "responserequired")) == ("editor", "1")


@pytest.mark.parametrize("suffix", ["_k2", "_k3"])
def test_backup_multiple_grades(kinds, mbz_questions, suffix):
    it = item(kinds, suffix)
    q = mbz_questions[it.id]
    assert all(len(value(a, "fraction").split(".")[1]) == 7 for a in q.el.iterfind(".//answers/answer"))
    check_multiple_grades([a.fraction for a in q.answers], [c.right for c in it.choices])


def test_backup_numerical_records(kinds, mbz_questions):
    for suffix in ("_k5", "_k6", "_k7"):
        it = item(kinds, suffix)
        q = mbz_questions[it.id]
        records = {value(r, "answer"): value(r, "tolerance")
                   for r in q.el.iterfind("plugin_qtype_numerical_question/numerical_records/numerical_record")}
        right = next(a for a in q.answers if a.fraction == 1)
        mid, half = Decimal(right.text), Decimal(records[right.id])
        assert (mid - half, mid + half) == (Decimal(it.numeric.low), Decimal(it.numeric.high))
        assert set(records) == {a.id for a in q.answers}
        option = q.el.find("plugin_qtype_numerical_question/numerical_options/numerical_option")
        assert value(option, "showunits") == "3"


def test_backup_match_subquestions(kinds, mbz_questions):
    q = mbz_questions[item(kinds, "_k8").id]
    matches = [(value(m, "questiontext"), value(m, "answertext"))
               for m in q.el.iterfind("plugin_qtype_match_question/matches/match")]
    assert matches == [("Red ring", "No vehicles"), ("<em>Blue</em> disc", "Route to follow"),
                       ("Triangle", "Warning &amp; danger &lt;ahead&gt;"), ("", "No stopping")]
    options = q.el.find("plugin_qtype_match_question/matchoptions")
    assert (value(options, "correctfeedback"), value(options, "incorrectfeedback")) == \
        ("All matched.", "Some pairs are wrong.")


def test_backup_shortanswer_and_catch_all(kinds, mbz_questions):
    q = mbz_questions[item(kinds, "_k4").id]
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("brake", 1, "Right: the brake."), ("brake lever", 1, "Right: the brake."), ("5 \\* 2", 1, "Right: the brake."),
        ("*", 0, "Think of what stops the wheel.")]
    assert {a.format for a in q.answers} == {"0"}


def test_backup_and_xml_agree_on_every_grade(kinds, xml_questions, mbz_questions):
    for it in kinds.items:
        xml = [f for _, f, _ in xml_answers(xml_questions[it.id])]
        assert xml == pytest.approx([a.fraction for a in mbz_questions[it.id].answers], abs=1e-7), it.id


# --- what Moodle cannot carry -------------------------------------------------------------------------------------

def test_what_moodle_cannot_carry_is_a_warning_at_the_item(kinds):
    odd = copy.deepcopy(kinds)
    many = next(i for i in odd.items if i.kind == MULTIPLE)
    many.choices = [Choice(f"r{n}", True) for n in range(21)] + [Choice("w", False)]
    essay = next(i for i in odd.items if i.kind == ESSAY)
    essay.right_feedback_html = "Good."
    for name in ("moodle", "moodle-backup"):
        warnings = WRITERS[name]().uncarried(odd)
        assert [(s, line) for s, line, _ in warnings] == [(many.source, many.line), (essay.source, essay.line)]
        assert "21 right answers" in warnings[0][2] and "essay" in warnings[1][2]
    q = etree.fromstring(WRITERS["moodle"]().write(odd).data, PARSER)
    fractions = [float(a.get("fraction")) for a in q.find(f"question[idnumber='{many.id}']").iterfind("answer")]
    assert all(on_list(f / 100) for f in fractions) and round(sum(f for f in fractions if f > 0)) == 100
    assert not WRITERS["moodle"]().uncarried(kinds)


def test_every_kind_is_covered(kinds):
    assert {i.kind for i in kinds.quizzes[0].items} == {"choice", MULTIPLE, SHORT, NUMERIC, MATCHING, ESSAY}


# --- the source format's course with every kind (coursekit.typed_course, read by the reader) --------------------

@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    from coursekit import typed_course

    from exporter.source.reader import read_course

    course, _ = read_course(typed_course(tmp_path_factory.mktemp("typed") / "course", shuffle=True))
    return course


def test_typed_course_every_kind_in_both_artifacts(typed):
    root = etree.fromstring(WRITERS["moodle"]().write(typed).data, PARSER)
    xml = {q.findtext("idnumber"): q for q in root if q.get("type") != "category"}
    backup = {q.idnumber: q for c in read(WRITERS["moodle-backup"]().write(typed).data).categories
              for q in c.questions}
    qtypes = {"truefalse": "truefalse", "choice": "multichoice", "multiple": "multichoice", "short": "shortanswer",
              "numeric": "numerical", "matching": "match", "essay": "essay"}
    seen = set()
    for it in typed.items:
        q, b = xml[it.id], backup[it.id[:100]]
        assert b.qtype == qtypes[it.kind] and q.get("type") == {"match": "matching"}.get(b.qtype, b.qtype)
        seen.add(it.kind)
        fractions = [f for _, f, _ in xml_answers(q)]
        assert fractions == pytest.approx([a.fraction for a in b.answers], abs=1e-7)
        if it.kind == MULTIPLE:
            check_multiple_grades(fractions, [c.right for c in it.choices])
            assert q.findtext("shuffleanswers") == "true" and b.options["shuffleanswers"] == "1"
        elif it.kind == NUMERIC:
            right = q.find("answer")
            mid, half = Decimal(right.findtext("text")), Decimal(right.findtext("tolerance"))
            assert (mid - half, mid + half) == (Decimal(it.numeric.low), Decimal(it.numeric.high))
        elif it.kind == SHORT:
            assert [t for t, f, _ in xml_answers(q) if f == 1] == [a.strip().replace("*", "\\*") for a in it.answers]
        elif it.kind == MATCHING:
            assert [s.findtext("answer/text") for s in q.iterfind("subquestion")] == \
                [etree.fromstring(f"<p>{p.right_html}</p>").xpath("string()").replace("&", "&amp;")
                 for p in it.pairs]
            assert (q.find("subquestion[last()]").findtext("text") or "") == ""  # the distractor
    assert seen == set(qtypes)
