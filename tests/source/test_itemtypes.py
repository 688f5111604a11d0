"""Typed quiz items (exporter/source/itemtypes.py): text2qti's markers indented under the question, read into
the model's kinds with their answers and feedback; what text2qti refuses is an error at its line; the base64 form
carries any item and gives it the same identifier."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest
from coursekit import page, write_course

from exporter.errors import ContentError
from exporter.model import CHOICE, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, TRUE_FALSE, Numeric, Pair
from exporter.source.itemtypes import ItemError, numeric
from exporter.source.reader import read_course

BANK = """\
- Which light goes at the back?
  ... White at the front, red at the back.
  a) White
  *b) Red
  c) Green
  ... Green is for the *right* side of boats, not bikes.
- What do you check before every ride?
  + Well done.
  - Look again at the list.
  [*] Brakes
  [*] Tyres
  [ ] The colour of the saddle
- What do you squeeze to stop?
  *   brake
  * brake   lever
- Tyre pressure of a road bike, in bar?
  = [6, 8]
- Match each sign to its meaning.
  ~ Red ring -> No vehicles
  ~ Blue disc -> Route to follow
  ~ -> No stopping
- Describe how you signal a right turn.
  ... Arm out, then look.
  ____
- Both brakes should work. /Y/ Squeeze each lever.
"""


def quiz_page(bank: str, attrs: str = 'data-n="3"') -> str:
    return page("Types", 1, f"Some text.\n\nAnswer these:\n{{: #quiz {attrs}}}\n\n{bank}")


def read(tmp_path, bank: str, attrs: str = 'data-n="3"'):
    return read_course(write_course(tmp_path / "c", {"p.md": quiz_page(bank, attrs)}))[0]


def errors(tmp_path, bank: str, attrs: str = 'data-n="1"') -> list[str]:
    folder = write_course(tmp_path / "c", {"p.md": quiz_page(bank, attrs)})
    with pytest.raises(ContentError) as exc:
        read_course(folder)
    return [f"{d.line}: {d.message}" for d in exc.value.diagnostics]


def first_item_line(tmp_path) -> int:
    text = (tmp_path / "c" / "p.md").read_text().split("\n")
    return next(n for n, line in enumerate(text, start=1) if line.startswith("- "))


def test_every_kind_is_read_with_its_answers_and_feedback(tmp_path):
    course = read(tmp_path, BANK)
    items = course.items
    assert [i.kind for i in items] == [CHOICE, MULTIPLE, SHORT, NUMERIC, MATCHING, ESSAY, TRUE_FALSE]
    choice, multiple, short, number, matching, essay, statement = items
    assert choice.statement_html == "Which light goes at the back?"
    assert choice.explanation_html == "White at the front, red at the back."
    assert [(c.html, c.right) for c in choice.choices] == [("White", False), ("Red", True), ("Green", False)]
    assert choice.choices[2].feedback_html == "Green is for the <em>right</em> side of boats, not bikes."
    assert [c.right for c in multiple.choices] == [True, True, False]
    assert (multiple.right_feedback_html, multiple.wrong_feedback_html) == ("Well done.", "Look again at the list.")
    assert short.answers == ["brake", "brake lever"]  # spaces collapsed
    assert number.numeric == Numeric("6", "8", "7", "1", True)
    assert matching.pairs == [Pair("Red ring", "No vehicles"), Pair("Blue disc", "Route to follow"),
                              Pair("", "No stopping")]
    assert [p.right_html for p in matching.matches] == ["No vehicles", "Route to follow"]
    assert essay.explanation_html == "Arm out, then look." and not essay.graded
    assert [c.right for c in statement.choices] == [True, False]
    start = first_item_line(tmp_path)
    assert [i.line for i in items] == [start, start + 6, start + 12, start + 15, start + 17, start + 21, start + 24]
    assert not course.quizzes[0].shuffle


def test_data_shuffle_choices(tmp_path):
    assert read(tmp_path, BANK, 'data-n="2" data-shuffle="choices"').quizzes[0].shuffle
    assert "not an option" in errors(tmp_path, BANK, 'data-n="2" data-shuffle="yes"')[0]


@pytest.mark.parametrize("text, low, high, value, margin", [
    ("5", "5", "5", "5", "0"),
    ("0", "0", "0", "0", "0"),
    ("-0.0001", "-0.0001", "-0.0001", "-0.0001", "0"),
    ("1.4142 +- 0.0001", "1.4141", "1.4143", "1.4142", "0.0001"),
    ("3 +- 5%", "2.85", "3.15", "3", "0.15"),
    ("-20 +- 10%", "-22", "-18", "-20", "2"),
    ("[1.2, 1.3]", "1.2", "1.3", "1.25", "0.05"),
    ("[-1, 1e2]", "-1", "100", "49.5", "50.5"),
    ("0.1 +- 0.2", "-0.1", "0.3", "0.1", "0.2"),  # exact decimals, no float rounding
])
def test_numbers_are_exact(text, low, high, value, margin):
    n = numeric(text, 1)
    assert (n.low, n.high, n.value, n.margin) == (low, high, value, margin)


@pytest.mark.parametrize("bank, offset, words", [
    ("- Which light?\n  a) White\nb) Red\n", 2, "not indented under its question"),
    ("- Which?\n  a) White\n  c) Red\n", 2, "out of order"),
    ("- Which?\n  a) White\n  b) Red\n", 1, "no choice is marked right"),
    ("- Which?\n  [ ] White\n  [ ] Red\n", 1, "no choice is marked right"),
    ("- Which?\n  *a) White\n  *b) Red\n", 1, "2 choices are marked right"),
    ("- Which?\n  *a) White\n", 1, "two choices or more"),
    ("- Pressure?\n  = [8, 6]\n", 1, "upside down"),
    ("- Pressure?\n  = five\n", 1, "is not a number"),
    ("- Pressure?\n  = 5 +- -1\n", 1, "margin in '= 5 +- -1' is negative"),
    ("- Pressure?\n  = 5\n  = 6\n", 2, "one '=' line"),
    ("- Match.\n  ~ a b\n  ~ c -> d\n", 1, "has no '->'"),
    ("- Match.\n  ~ a -> b\n", 1, "two '~ left -> right' lines"),
    ("- Mixed\n  a) x\n  *b) y\n  * z\n", 3, "mixes multiple choice (a), *b)) and short answer"),
    ("- Essay\n  + good\n  ____\n", 0, "no right or wrong feedback"),
    ("- Which?\n  *a) White\n  b) Red\n  + late\n", 3, "before its answers"),
    ("- Which?\n  *a) White\n  b) White\n", 2, "there twice"),
    ("- Which?\n  ... one\n  ... two\n  *a) White\n  b) Red\n", 2, "a second '...'"),
])
def test_what_text2qti_refuses_is_an_error_at_its_line(tmp_path, bank, offset, words):
    found = errors(tmp_path, bank)
    assert len(found) == 1 and words in found[0], found
    assert found[0].startswith(f"{first_item_line(tmp_path) + offset}: ")


def test_text2qti_spellings_read_the_same(tmp_path):
    """What text2qti also takes: upper-case letters, `[]` for a wrong answer, three underscores for an essay."""
    course = read(tmp_path, "- Which?\n  A) x\n  *B) y\n- Which?\n  [] x\n  [*] y\n- Tell.\n  ___\n", 'data-n="1"')
    assert [i.kind for i in course.items] == [CHOICE, MULTIPLE, ESSAY]
    assert [c.right for c in course.items[1].choices] == [False, True]


def test_an_error_of_each_item_is_reported(tmp_path):
    found = errors(tmp_path, "- A?\n  a) x\n  b) y\n- B?\n  = [2, 1]\n- C /Y/ fine.\n")
    assert len(found) == 2 and "no choice is marked right" in found[0] and "upside down" in found[1]


def test_base64_carries_a_typed_item_with_the_same_identifier(tmp_path):
    raw = "Which light goes at the back?\n  a) White\n  *b) Red"
    plain = read(tmp_path / "plain", f"- {raw}\n", 'data-n="1"').items[0]
    word = base64.b64encode(raw.encode()).decode()
    encoded = read(tmp_path / "b64", f"- {word}\n", 'data-n="1"').items[0]
    assert encoded.kind == plain.kind == CHOICE
    assert replace(encoded, source=plain.source) == plain


def test_an_indented_bank_keeps_its_items_apart(tmp_path):
    """Items whose list markers are themselves indented: only lines indented under an item's marker belong
    to it."""
    course = read(tmp_path, "  - One /Y/ a.\n  - Two /N/ b.\n  - Three?\n    * three\n", 'data-n="1"')
    assert [i.kind for i in course.items] == [TRUE_FALSE, TRUE_FALSE, SHORT]


def test_item_error_carries_its_offset():
    err = ItemError(3, "x")
    assert (err.offset, err.message) == (3, "x")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_encode_then_decode_gives_typed_items_back_byte_for_byte(tmp_path, newline):
    from conftest import run_cli
    from coursekit import typed_course

    folder = typed_course(tmp_path / "c")
    page = folder / "b.md"
    page.write_bytes(page.read_bytes().replace(b"\n", newline.encode()))
    before = {p.name: p.read_bytes() for p in folder.glob("*.md")}
    ids_before = [i.id for i in read_course(folder)[0].items]
    r = run_cli("encode", folder)
    assert r.returncode == 0, r.stderr
    encoded = page.read_bytes().decode()
    assert "  a) White" not in encoded and encoded.count("\n- ") == 9  # each typed item one base64 line
    assert [i.id for i in read_course(folder)[0].items] == ids_before
    r = run_cli("decode", folder)
    assert r.returncode == 0, r.stderr
    assert {p.name: p.read_bytes() for p in folder.glob("*.md")} == before


def test_html_parts_are_the_parts_map_html_changes():
    """`layout` looks for formulas and links in `Item.html_parts`; `map_html` rewrites them: the same parts."""
    from exporter.model import Choice, Item, Pair

    item = Item("i", "<p>s</p>", [Choice("a", True, "fa"), Choice("b", False)], "<p>e</p>", "x.md", 1,
                pairs=[Pair("l", "r"), Pair("", "d")], right_feedback_html="+", wrong_feedback_html="-")
    seen: list[str] = []
    item.map_html(lambda html: seen.append(html) or html)
    assert sorted(item.html_parts()) == sorted(seen)
