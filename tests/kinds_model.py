"""A course with every question kind, built from the model directly (exporter.model), for writer tests that
must not wait for the reader: each kind once or more, with per-choice, right/wrong and general feedback,
markup and characters that must survive, and the quiz's choices in order or shuffled.
"""

from __future__ import annotations

from exporter.model import (CHOICE, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, TRUE_FALSE, Chapter, Choice, Course,
                            Item, Numeric, Page, Pair, Quiz)

SOURCE = "kinds.md"


def kinds_items() -> list[Item]:
    """One or more items of each kind, in the order an author might write them (lines as in a page)."""
    def item(ident: str, line: int, kind: str, statement: str, explanation: str = "", **fields) -> Item:
        choices = fields.pop("choices", [])
        return Item(f"kinds_{ident}", statement, choices, explanation, SOURCE, line, ident, kind, **fields)

    return [
        item("tf", 5, TRUE_FALSE, "<p>Lights are needed after dark.</p>", "<p>The law says so.</p>",
             choices=[Choice("True", True), Choice("False", False)]),
        item("labels", 6, CHOICE, "Helmets are <em>compulsory</em> here.", "",
             choices=[Choice("Ja &amp; ja", False), Choice("Nein &lt;nein&gt;", True)]),
        item("choice", 8, CHOICE, "Which light goes at the <em>back</em>?", "White at the front, red at the back.",
             choices=[Choice("White", False), Choice("<strong>Red</strong>", True, "Yes: red, like a car's."),
                      Choice("Green", False, "Green is for the right side of boats, not bikes.")],
             right_feedback_html="Well done.", wrong_feedback_html="Look again at the back light."),
        item("multiple", 14, MULTIPLE, "What do you check before every ride?", "",
             choices=[Choice("Brakes", True, "Both of them."), Choice("Tyres", True),
                      Choice("The colour of the saddle", False, "It does not matter."),
                      Choice("Lights", True)]),
        item("short", 20, SHORT, "What do you squeeze to stop? 🚲", "",
             answers=["brake", "Brake  lever", "BRAKE", "Bremse"],
             right_feedback_html="Right.", wrong_feedback_html="The brake (lever)."),
        item("range", 26, NUMERIC, "Tyre pressure of a road bike, in bar?", "Between 6 and 8.",
             numeric=Numeric("6", "8", "7", "1", True)),
        item("margin", 28, NUMERIC, "The square root of 2, to four places?", "",
             numeric=Numeric("1.4141", "1.4143", "1.4142", "0.0001")),
        item("percent", 30, NUMERIC, "A speed of 3 m/s, give or take 5 %?", "",
             numeric=Numeric("2.85", "3.15", "3", "0.15")),
        item("exact", 32, NUMERIC, "How many wheels does a unicycle lack, compared with a bike?", "",
             numeric=Numeric("1", "1", "1", "0")),
        item("negative", 34, NUMERIC, "The lowest temperature of the week, in °C?", "",
             numeric=Numeric("-3", "-3", "-3", "0")),
        item("matching", 36, MATCHING, "Match each sign to its meaning.", "Signs are round when they order.",
             pairs=[Pair("Red ring", "No vehicles"), Pair("Blue disc", "Route to follow"),
                    Pair("Blue <em>arrow</em>", "Route to follow"), Pair("", "No stopping")],
             right_feedback_html="All matched.", wrong_feedback_html="Not all of them."),
        item("essay", 42, ESSAY, "Describe how you signal a right turn.", "Arm out, look, then turn."),
    ]


def kinds_course(shuffle: bool = False, language: str = "en") -> Course:
    """The course: one chapter page whose quiz holds `kinds_items`, drawing all of them."""
    items = kinds_items()
    quiz = Quiz("kinds_quiz", "<p>Answer every question.</p>", "<p>About bikes &amp; roads.</p>", len(items),
                items, 3, shuffle)
    page = Page("kinds_p1", "Every kind", 1, "chapter", SOURCE, "<p>Questions of every kind.</p>", quiz=quiz)
    return Course("Every kind", "kinds", language, pages=[page], chapters=[Chapter(page.title, page)])
