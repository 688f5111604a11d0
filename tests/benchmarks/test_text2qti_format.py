"""The benchmark's text2qti input, read back by text2qti itself: the same quizzes, items and right answers
our writers get, so the benchmark compares equal work."""

from __future__ import annotations

import html
from collections import Counter

import pytest

from coursekit import awkward_course, page, quiz, write_course
from exporter.source.reader import read_course
from itemcheck import expected_quizzes, item_key, strip_stimulus, text_of

text2qti_quiz = pytest.importorskip("text2qti.quiz", reason="text2qti (PyPI) is not installed")
from text2qti.config import Config  # noqa: E402

from bench.text2qti_format import write_quizzes  # noqa: E402


def read_back(course, folder):
    """Per quiz file: (group pick, points per question, [(type, question text, right choice, feedback)])."""
    quizzes = []
    for path in write_quizzes(course, folder):
        quiz = text2qti_quiz.Quiz(path.read_text(encoding="utf-8"), config=Config(), source_name=path.as_posix())
        group = next(x.group for x in quiz.questions_and_delims if isinstance(x, text2qti_quiz.GroupStart))
        questions = []
        for q in (x for x in quiz.questions_and_delims if isinstance(x, text2qti_quiz.Question)):
            [right] = [c for c in q.choices if c.correct]
            assert len(q.choices) == 2
            questions.append((q.type, text_of(html.unescape(q.question_html_xml)),
                              text_of(html.unescape(right.choice_html_xml)),
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
    course = sample_course if which == "sample" else read_course(COURSES[which](tmp_path / "course"))[0]
    found = read_back(course, tmp_path / "t2q")
    expected = expected_quizzes(course)
    assert len(found) == len(expected) > 0
    for (pick, points, questions), exp in zip(found, expected):
        assert len(questions) == sum(exp.items.values())
        assert (pick, points) == (min(exp.draw, len(questions)), 1)
        want = "true_false_question" if exp.labels == ("True", "False") else "multiple_choice_question"
        assert {t for t, _, _, _ in questions} == {want}
        got = Counter(item_key(strip_stimulus(text, exp.stimulus), right, feedback)
                      for _, text, right, feedback in questions)
        assert got == exp.items
