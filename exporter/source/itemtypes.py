"""Typed quiz items: a question's text, then marker lines indented under it (text2qti's question syntax).

```
- Which light goes at the back?        the question (it may go on over more lines before the first marker)
  ... White at the front, red at the back.      general feedback (the explanation); `+` when right, `-` when wrong
  a) White                              choice: exactly one right, marked `*` (`*b) Red`)
  *b) Red
  ... Red is the rear light.            right after a choice: that choice's own feedback
  [*] Brakes  /  [ ] Saddle             multiple answers: at least one right
  * brake lever                         short answer: one or more accepted answers
  = 5  /  = 1.4 +- 0.1  /  = 3 +- 5%  /  = [1.2, 1.3]      numeric: exact, a margin, a percent margin, a range
  ~ Red ring -> No vehicles             matching: left -> right; `~ -> extra` is a distractor
  ____                                  essay: free text a person grades
```

An item is typed when one of the lines after its first holds an answer marker; otherwise it is a true/false
statement (`quiz.read_item`). Every part is inline Markdown, rendered and sanitized as plain items' parts are
(`itemforms.plain_html`). Numbers are exact decimals (`Decimal`), written back as plain decimal strings. What
text2qti refuses is an error at the line it stands on: no right choice, two right in an `a)` list, a numeric
range upside down, a matching line without `->`, markers of two kinds in one item, a marker not indented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable
from decimal import Decimal, InvalidOperation, localcontext

from exporter.model import CHOICE, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, Choice, Numeric, Pair

# answer markers, on a line of their own (after its indentation)
_CHOICE = re.compile(r"^(\*?)([a-zA-Z])\)(?:[ \t]+(.*))?$")
_MULTIPLE = re.compile(r"^\[([ *]?)\](?:[ \t]+(.*))?$")
_SHORT = re.compile(r"^\*(?:[ \t]+(.*))?$")
_NUMERIC = re.compile(r"^=(?:[ \t]*(.*))?$")
_MATCHING = re.compile(r"^~(?:[ \t]+(.*))?$")
_ESSAY = re.compile(r"^_{3,}$")
# feedback markers
FEEDBACK_LINE = re.compile(r"^(\.\.\.|\+|-)(?:[ \t]+(.*))?$")

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_EXACT = re.compile(rf"^({_NUMBER})$")
_MARGIN = re.compile(rf"^({_NUMBER})[ \t]*\+-[ \t]*({_NUMBER})[ \t]*(%?)$")
_RANGE = re.compile(rf"^\[[ \t]*({_NUMBER})[ \t]*,[ \t]*({_NUMBER})[ \t]*\]$")

LETTERS = "abcdefghijklmnopqrstuvwxyz"
KIND_WORDS = {CHOICE: "multiple choice (a), *b))", MULTIPLE: "multiple answers ([ ], [*])",
              SHORT: "short answer (* text)", NUMERIC: "numeric (= number)", MATCHING: "matching (~ left -> right)",
              ESSAY: "essay (____)"}
SYNTAX = ("indent each answer line two spaces under the question: 'a)' ... '*c)' for one right choice, "
          "'[ ]'/'[*]' for several, '* text' for a typed answer, '= 5' for a number, '~ left -> right' for "
          "matching, '____' for an essay")


def answer_kind(line: str) -> str | None:
    """The kind an answer marker line belongs to (its text after the indentation), or None."""
    text = line.strip()
    if _CHOICE.match(text):
        return CHOICE
    if _MULTIPLE.match(text):
        return MULTIPLE
    if _SHORT.match(text):
        return SHORT
    if _NUMERIC.match(text):
        return NUMERIC
    if _MATCHING.match(text):
        return MATCHING
    if _ESSAY.match(text):
        return ESSAY
    return None


def is_typed(lines: list[str]) -> bool:
    """Whether an item's lines (its first line's text, then the lines that go on from it) are a typed item:
    a line after the first holds an answer marker."""
    return any(answer_kind(line) for line in lines[1:])


class ItemError(Exception):
    """What is wrong with a typed item, and on which of its lines (0: the first)."""

    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset
        self.message = message


@dataclass
class Typed:
    """A typed item's parts as written (Markdown), before rendering."""

    kind: str
    question: str
    explanation: str = ""
    right_feedback: str = ""
    wrong_feedback: str = ""
    choices: list[list] = field(default_factory=list)  # [text, right, feedback]
    answers: list[str] = field(default_factory=list)
    numeric: Numeric | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (left, right); left "" for a distractor
    essay: bool = False


Append = Callable[[str], None]  # where a line that goes on the text above it is added


def parse(lines: list[str]) -> Typed:
    """A typed item from its lines: the first is the question's first line (after the list marker), the others
    as written in the file (with their indentation). Raises ItemError."""
    typed = Typed("", lines[0].strip())
    feedback: dict[str, str] = {}
    kind, kind_line = None, 0

    def go_on(get, put) -> Append:
        return lambda text: put(f"{get()}\n{text}")

    current: Append | None = go_on(lambda: typed.question, lambda v: setattr(typed, "question", v))
    for offset, raw in enumerate(lines[1:], start=1):
        text = raw.strip()
        if not text:
            continue
        marker = answer_kind(text)
        fb = FEEDBACK_LINE.match(text) if marker is None else None
        if (marker or fb) and not raw[:1].isspace():
            raise ItemError(offset, f"the line '{text[:40]}' is not indented under its question: {SYNTAX}")
        if marker:
            if kind is not None and marker != kind:
                raise ItemError(offset, f"this item mixes {KIND_WORDS[kind]} and {KIND_WORDS[marker]}: one item "
                                        "is one kind of question")
            kind, kind_line = marker, kind_line or offset
            current = _answer(typed, marker, text, offset)
        elif fb:
            sign, body = fb.group(1), (fb.group(2) or "").strip()
            if sign == "..." and kind in (CHOICE, MULTIPLE):
                choice = typed.choices[-1]
                if choice[2]:
                    raise ItemError(offset, "this choice already has its feedback ('...' line): write it on one "
                                            "'...' line, or go on with an indented line")
                choice[2] = body
                current = go_on(lambda c=choice: c[2], lambda v, c=choice: c.__setitem__(2, v))
            elif kind is not None:
                raise ItemError(offset, f"'{sign}' feedback comes right after the question, before its answers "
                                        "('...' after a choice is that choice's own feedback)")
            else:
                key = {"...": "explanation", "+": "right", "-": "wrong"}[sign]
                if key in feedback:
                    raise ItemError(offset, f"a second '{sign}' feedback line: write it on one line, or go on "
                                            "with an indented line")
                feedback[key] = body
                current = go_on(lambda k=key: feedback[k], lambda v, k=key: feedback.__setitem__(k, v))
        elif current is not None:
            current(text)
        else:
            raise ItemError(offset, f"the line '{text[:40]}' is neither an answer nor feedback: {SYNTAX}")
    assert kind is not None, "parse() is for typed items (is_typed)"
    typed.kind = kind
    typed.question = typed.question.strip()
    typed.explanation = feedback.get("explanation", "").strip()
    typed.right_feedback = feedback.get("right", "").strip()
    typed.wrong_feedback = feedback.get("wrong", "").strip()
    _check(typed, kind_line)
    return typed


def _answer(typed: Typed, kind: str, text: str, offset: int) -> Append | None:
    """Adds one answer line to the item; returns where a plain line after it goes on (None: nowhere)."""
    if kind in (CHOICE, MULTIPLE):
        if kind == CHOICE:
            m = _CHOICE.match(text)
            right, body, letter = bool(m.group(1)), (m.group(3) or "").strip(), m.group(2)
            want = LETTERS[len(typed.choices)] if len(typed.choices) < len(LETTERS) else None
            if letter.lower() != want:
                raise ItemError(offset, f"choice '{letter})' is out of order: the choices go a), b), c) ... "
                                        f"(here '{want})')" if want else "an item has at most 26 choices, a) to z)")
            what = f"choice '{letter})'"
        else:
            m = _MULTIPLE.match(text)
            right, body, what = m.group(1) == "*", (m.group(2) or "").strip(), f"choice '[{m.group(1) or ' '}]'"
        if not body:
            raise ItemError(offset, f"{what} is empty: write the choice after it")
        if any(c[0] == body for c in typed.choices):
            raise ItemError(offset, f"the choice '{body[:40]}' is there twice: learners could not tell them apart")
        choice = [body, right, ""]
        typed.choices.append(choice)
        return lambda more: choice.__setitem__(0, f"{choice[0]}\n{more}")
    if kind == SHORT:
        body = " ".join((_SHORT.match(text).group(1) or "").split())
        if not body:
            raise ItemError(offset, "this '*' answer is empty: write an accepted answer after it")
        typed.answers.append(body)
    elif kind == NUMERIC:
        if typed.numeric is not None:
            raise ItemError(offset, "a numeric item has one '=' line: give a margin (= 5 +- 0.5) or a range "
                                    "(= [4.5, 5.5]) for more than one right number")
        typed.numeric = numeric(_NUMERIC.match(text).group(1) or "", offset)
    elif kind == MATCHING:
        body = (_MATCHING.match(text).group(1) or "").strip()
        if "->" not in body:
            raise ItemError(offset, f"the matching line '~ {body[:40]}' has no '->': write '~ left -> right', or "
                                    "'~ -> option' for an option that matches nothing")
        left, right = (part.strip() for part in body.split("->", 1))
        if not right:
            raise ItemError(offset, f"the matching line '~ {body[:40]}' has nothing after '->': write what "
                                    "the left side matches")
        typed.pairs.append((left, right))
    else:
        if typed.essay:
            raise ItemError(offset, "an essay item has one '____' line")
        typed.essay = True
    return None


def numeric(text: str, offset: int) -> Numeric:
    """`5`, `1.4142 +- 0.0001`, `3 +- 5%` or `[1.2, 1.3]` as the exact range it accepts."""
    text = text.strip()
    with localcontext() as ctx:
        ctx.prec = 60
        try:
            m = _EXACT.match(text)
            if m:
                value = Decimal(m.group(1))
                return Numeric(_num(value), _num(value), _num(value), "0")
            m = _MARGIN.match(text)
            if m:
                value, margin = Decimal(m.group(1)), Decimal(m.group(2))
                if margin < 0:
                    raise ItemError(offset, f"the margin in '= {text}' is negative: write how far from the value "
                                            "an answer may be, e.g. = 5 +- 0.5")
                if m.group(3):
                    margin = abs(value) * margin / 100
                return Numeric(_num(value - margin), _num(value + margin), _num(value), _num(margin))
            m = _RANGE.match(text)
            if m:
                low, high = Decimal(m.group(1)), Decimal(m.group(2))
                if low > high:
                    raise ItemError(offset, f"the range '= {text}' is upside down: write the lower number "
                                            f"first, = [{m.group(2)}, {m.group(1)}]")
                return Numeric(_num(low), _num(high), _num((low + high) / 2), _num((high - low) / 2), True)
        except InvalidOperation:  # pragma: no cover - the patterns admit only numbers Decimal reads
            pass
    raise ItemError(offset, f"'= {text}' is not a number: write = 5, = 1.4142 +- 0.0001, = 3 +- 5% or "
                            "= [1.2, 1.3] (a point for decimals)")


def _num(value: Decimal) -> str:
    """A decimal as plain digits: no exponent, no trailing zeros, no negative zero."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def _check(typed: Typed, at: int) -> None:
    """What a complete item of its kind must hold; errors at the line its answers start on."""
    kind = typed.kind
    if not typed.question:
        raise ItemError(0, "this item has no question: write it after the '- '")
    if kind in (CHOICE, MULTIPLE):
        right = sum(1 for _, r, _ in typed.choices if r)
        if len(typed.choices) < 2:
            raise ItemError(at, "a choice item needs two choices or more")
        if right == 0:
            mark = "'*' before the right letter (*b) Red)" if kind == CHOICE else "'[*]' on each right answer"
            raise ItemError(at, f"no choice is marked right: put {mark}")
        if kind == CHOICE and right > 1:
            raise ItemError(at, f"{right} choices are marked right in an a) b) c) list, which takes exactly one: "
                                "for several right answers write '[*]' and '[ ]' lines")
    if kind == MATCHING:
        if sum(1 for left, _ in typed.pairs if left) < 2:
            raise ItemError(at, "a matching item needs two '~ left -> right' lines or more")
    if kind == ESSAY and (typed.right_feedback or typed.wrong_feedback):
        raise ItemError(0, "an essay is graded by a person, so it has no right or wrong feedback ('+'/'-'): "
                           "write '...' feedback instead")


def rendered(typed: Typed, html) -> dict:
    """The model fields of a typed item, each part rendered by `html` (Markdown to sanitized HTML)."""
    return {
        "kind": typed.kind,
        "statement_html": html(typed.question),
        "explanation_html": html(typed.explanation),
        "right_feedback_html": html(typed.right_feedback),
        "wrong_feedback_html": html(typed.wrong_feedback),
        "choices": [Choice(html(t), r, html(f.strip())) for t, r, f in typed.choices],
        "answers": list(typed.answers),
        "numeric": typed.numeric,
        "pairs": [Pair(html(left) if left else "", html(right)) for left, right in typed.pairs],
    }
