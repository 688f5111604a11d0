"""A course with every question kind, built in Python on the model (until the typed-item syntax is read by the
source): the small course of tests/support/coursekit.py, its first quiz holding one item of each kind plus the awkward
cases Moodle's encodings have to handle (a `*` in a short answer, markup characters in a matching option, more
right and wrong answers than share a grade evenly), its second quiz drawing 2 of a true/false, a choice and an
essay.
"""

from __future__ import annotations

from pathlib import Path

from coursekit import small_course

from exporter.model import (CHOICE, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, TRUE_FALSE, Choice, Course, Item,
                            Numeric, Pair)
from exporter.source.reader import read_course
from exporter.xhtml import to_text


PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def item(quiz_id: str, n: int, kind: str, statement: str, **fields) -> Item:
    fields.setdefault("choices", [])
    fields.setdefault("explanation_html", "")
    return Item(f"{quiz_id}_k{n}", statement, source="b.md", line=10 + n, title=to_text(statement), kind=kind,
                **fields)


def every_kind(quiz_id: str) -> list[Item]:
    return [
        item(quiz_id, 1, CHOICE, "Which light goes at the <em>back</em>?",
             explanation_html="White at the front, red at the back.",
             choices=[Choice("White", False), Choice("<strong>Red</strong>", True),
                      Choice("Green", False, "Green is for the right side of boats, not bikes.")],
             right_feedback_html="<p>Well spotted.</p>", wrong_feedback_html="<p>Look at a bike from behind.</p>"),
        item(quiz_id, 2, MULTIPLE, "What do you check before every ride?",
             explanation_html="Brakes and tyres keep you safe.",
             choices=[Choice("Brakes", True, "Yes: brakes."), Choice("Tyres", True),
                      Choice("The colour of the saddle", False, "The colour does not matter.")],
             right_feedback_html="All the checks.", wrong_feedback_html="Not quite all of them."),
        item(quiz_id, 3, MULTIPLE, "Which of these are prime?",
             choices=[Choice(str(n), n in PRIMES) for n in range(1, 41)]),  # 12 right, 28 wrong
        item(quiz_id, 4, SHORT, "What do you squeeze to stop?", answers=["brake", "brake lever", "5 * 2"],
             explanation_html="The brake lever.", right_feedback_html="Right: the brake.",
             wrong_feedback_html="Think of what stops the wheel."),
        item(quiz_id, 5, NUMERIC, "Tyre pressure of a road bike, in bar?",
             numeric=Numeric("6", "8", "7", "1", True), explanation_html="Between 6 and 8 bar.",
             right_feedback_html="In range.", wrong_feedback_html="Outside the range."),
        item(quiz_id, 6, NUMERIC, "The square root of 2, to four places?",
             numeric=Numeric("1.4141", "1.4143", "1.4142", "0.0001")),
        item(quiz_id, 7, NUMERIC, "How many wheels does a unicycle lose when it falls over?",
             numeric=Numeric("0", "0", "0", "0")),
        item(quiz_id, 8, MATCHING, "Match each sign to its meaning.",
             pairs=[Pair("Red ring", "No vehicles"), Pair("<em>Blue</em> disc", "Route to follow"),
                    Pair("Triangle", "Warning &amp; danger &lt;ahead&gt;"), Pair("", "No stopping")],
             explanation_html="Rings forbid, discs command.", right_feedback_html="All matched.",
             wrong_feedback_html="Some pairs are wrong."),
        item(quiz_id, 9, ESSAY, "Describe how you signal a right turn.",
             explanation_html="Arm out to the right, look behind first."),
    ]


def draws_with_essay(quiz_id: str, true_false: Item) -> list[Item]:
    return [
        true_false,
        item(quiz_id, 1, CHOICE, "Which side do you ride on in the UK?",
             choices=[Choice("Left", True), Choice("Right", False)]),
        item(quiz_id, 2, ESSAY, "Why do cyclists wear bright clothes?", explanation_html="To be seen."),
    ]


def kinds_course(folder: Path) -> Course:
    course, _ = read_course(small_course(folder))
    first, second = course.quizzes
    first.items = every_kind(first.id)
    first.draw = len(first.items)
    second.items = draws_with_essay(second.id, next(i for i in second.items if i.kind in (TRUE_FALSE, CHOICE)))
    second.draw = 2
    return course
