"""The benchmark's text2qti input, read back by text2qti itself: the same quizzes, items and right answers
our writers get, so the benchmark compares equal work."""

from __future__ import annotations

import html
from collections import Counter
from decimal import Decimal

import pytest

from coursekit import awkward_course, page, quiz, write_course
from exporter.source.reader import read_course
from itemcheck import (ESSAY_ANSWER, choices_answer, expected_quizzes, item_key, margin_answer, numeric_answer,
                       short_answer, strip_stimulus, text_of)

text2qti_quiz = pytest.importorskip("text2qti.quiz", reason="text2qti (PyPI) is not installed")
from text2qti.config import Config  # noqa: E402

from bench.text2qti_format import write_quizzes  # noqa: E402


TYPES = {"truefalse": "true_false_question", "choice": "multiple_choice_question",
         "multiple": "multiple_answers_question", "short": "short_answer_question",
         "numeric": "numerical_question", "essay": "essay_question"}  # text2qti has no matching question


def answer(q) -> str:
    """A text2qti question's answer as itemcheck writes it, from what text2qti parsed for its type."""
    if q.type in ("true_false_question", "multiple_choice_question", "multiple_answers_question"):
        return choices_answer(text_of(html.unescape(c.choice_html_xml)) for c in q.choices if c.correct)
    if q.type == "short_answer_question":
        return short_answer(html.unescape(c.choice_xml) for c in q.choices)
    if q.type == "numerical_question":
        if q.numerical_exact_html_xml is None:  # a range
            return numeric_answer(q.numerical_min_html_xml, q.numerical_max_html_xml)
        exact = q.numerical_exact_html_xml
        return margin_answer(exact, Decimal(q.numerical_max_html_xml) - Decimal(exact))
    assert q.type == "essay_question" and not q.choices, q.type
    return ESSAY_ANSWER


def read_back(course, folder):
    """Per quiz file: (group pick, points per question, [(type, question text, answer, feedback)])."""
    quizzes = []
    for path in write_quizzes(course, folder):
        quiz = text2qti_quiz.Quiz(path.read_text(encoding="utf-8"), config=Config(), source_name=path.as_posix())
        group = next(x.group for x in quiz.questions_and_delims if isinstance(x, text2qti_quiz.GroupStart))
        questions = []
        for q in (x for x in quiz.questions_and_delims if isinstance(x, text2qti_quiz.Question)):
            questions.append((q.type, text_of(html.unescape(q.question_html_xml)), answer(q),
                              text_of(html.unescape(q.feedback_html_xml or ""))))
        quizzes.append((group.pick, group.points_per_question, questions))
    return quizzes


# What text2qti would read as LaTeX ($...$, siunitx macros) or Markdown (emphasis, code, links), in items and labels.
LATEX_ITEMS = [
    ("It costs $5 or $10, $a+b$ and \\SI{3}{m} is far", "Y", "Prices: $5 *and* $10 `code` [link](x)"),
    ("A * star and _under_ score", "N", "Backslash \\ stays; 50% off"),
]


def latex_course(folder):
    return write_course(folder, {
        "a.md": page("Prices $5", 0, "Text.\n\n" + quiz(1, LATEX_ITEMS, opt="Yes $1$ #1,No_way_ ~x~|"), kind="chapter"),
    })


COURSES = {"awkward": awkward_course, "latex": latex_course}


@pytest.mark.parametrize("which", ["sample", "awkward", "latex"])
def test_text2qti_reads_the_same_items(which, sample_course, tmp_path):
    """Every item in text2qti's own type for its kind, with its answer, but matching (text2qti has none): exactly
    the matching items are left out, and the group draws at most what is left."""
    course = sample_course if which == "sample" else read_course(COURSES[which](tmp_path / "course"))[0]
    found = read_back(course, tmp_path / "t2q")
    expected = expected_quizzes(course, carried=set(TYPES))
    assert len(found) == len(expected) > 0
    left_out = [i for exp in expected for i in exp.left_out]
    assert {i.kind for i in left_out} <= {"matching"}
    assert len(left_out) == sum(i.kind == "matching" for i in course.items)
    for (pick, points, questions), exp in zip(found, expected):
        assert len(questions) == sum(exp.items.values())
        assert (pick, points) == (min(exp.draw, len(questions)), 1)
        got = Counter()
        for qtype, text, right, feedback in questions:
            key = item_key(strip_stimulus(text, exp.stimulus), right, feedback)
            got[key] += 1
            if key in exp.labelled:  # a statement: true/false only with the labels True and False
                assert qtype == ("true_false_question" if exp.labels == ("True", "False")
                                 else "multiple_choice_question")
            elif key in exp.kinds:
                assert qtype == TYPES[exp.kinds[key]], key
        assert got == exp.items
    if which == "sample":  # the sample course asks every kind: each but matching reaches text2qti
        assert {t for _, _, qs in found for t, _, _, _ in qs} == set(TYPES.values())
        assert [i.kind for i in left_out] == ["matching"]
