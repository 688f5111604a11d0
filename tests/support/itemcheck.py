"""What an independent parse of any artifact must find: every quiz with its draw count and labels,
and every item with its statement, its answer and the explanation, as a reader sees the text.

Each format's test parses its artifact with lxml on its own (never through exporter's writers) and
compares what it found with `expected_quizzes(course)` through `item_key`.

An item's answer is text that depends on its kind, made by the `*_answer` functions below both from the model
(`answer_of`) and by each reader from its artifact's own encoding of that kind:
- true/false, and a statement answered with the author's labels: the right label;
- choice: the right choice's text; multiple: the right choices' texts in the author's order;
- short: the accepted answers, in order;
- numeric: the closed range of right numbers, as exact decimals (a value and its margin read as the range they
  span: formats keep one form or the other, never both);
- matching: each "left -> right" pair, then each distractor option as "-> right";
- essay: a fixed marker (no answer data).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import lxml.html
from lxml import etree

_SPACE = re.compile(r"\s+")


def text_of(html: str | None) -> str:
    """The text a reader sees of an HTML fragment (or of plain text), white space folded."""
    if not html or not html.strip():
        return ""
    node = lxml.html.fragment_fromstring(html, create_parent="div")
    _formulas_as_tex(node)
    text = _SPACE.sub(" ", node.text_content()).strip()
    if "\\(" in text or "$$" in text:
        text = _TEX_DELIMITED.sub(lambda m: m.group(1) or m.group(2), text)
    return text


# A formula reads as its TeX, whichever form a format writes it in: MathML (its TeX annotation), Canvas's equation
# image (data-equation-content), or TeX between MathJax's delimiters.
_TEX_DELIMITED = re.compile(r"\\\((.+?)\\\)|\$\$(.+?)\$\$", re.DOTALL)


def _formulas_as_tex(node) -> None:
    found = [el for el in node.iter() if isinstance(el.tag, str) and (
        etree.QName(el).localname == "math" or (el.tag == "img" and el.get("data-equation-content") is not None))]
    for el in found:
        if etree.QName(el).localname == "math":
            tex = next((a.text or "" for a in el.iter() if isinstance(a.tag, str)
                        and etree.QName(a).localname == "annotation"), "")
        else:
            tex = el.get("data-equation-content")
        span = etree.Element("span")
        span.text, span.tail = tex, el.tail
        el.getparent().replace(el, span)


ESSAY_ANSWER = "(essay: read by a person)"
_JOIN = " | "


def choices_answer(right_texts) -> str:
    """A choice or multiple item's answer: its right choices' texts, in the author's order."""
    return _JOIN.join(_fold(t) for t in right_texts)


def short_answer(accepted) -> str:
    """A short-answer item's accepted answers, in order, as plain text."""
    return _JOIN.join(_fold(a) for a in accepted)


def _decimal(text) -> str:
    number = Decimal(str(text).strip())
    return format(number.normalize(), "f") if number else "0"


def numeric_answer(low, high) -> str:
    """A numeric item's right numbers: every x with low <= x <= high (exact decimals)."""
    return f"[{_decimal(low)}, {_decimal(high)}]"


def margin_answer(value, margin) -> str:
    """The same for a number and how far from it is still right."""
    value, margin = Decimal(str(value).strip()), Decimal(str(margin).strip())
    return numeric_answer(value - margin, value + margin)


def matching_answer(pairs, options) -> str:
    """A matching item's answer from its (left, right) pairs and the options offered: each pair, then each option
    that no left item takes (a distractor)."""
    pairs = [(_fold(left), _fold(right)) for left, right in pairs]
    taken = {right for _, right in pairs}
    extra = [o for o in dict.fromkeys(_fold(o) for o in options) if o not in taken]
    return _JOIN.join([f"{left} -> {right}" for left, right in pairs] + [f"-> {o}" for o in extra])


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def answer_of(item, labels) -> str:
    """What a reader finds as `item`'s answer (see the module's docstring); `labels` are its quiz's labels."""
    kind = item.kind
    if item.labelled:
        return labels[item.right_index]
    if kind in ("truefalse", "choice", "multiple"):
        return choices_answer(text_of(c.html) for c in item.choices if c.right)
    if kind == "short":
        return short_answer(item.answers)
    if kind == "numeric":
        return numeric_answer(item.numeric.low, item.numeric.high)
    if kind == "matching":
        return matching_answer([(text_of(p.left_html), text_of(p.right_html)) for p in item.matches],
                               [text_of(p.right_html) for p in item.pairs])
    if kind == "essay":
        return ESSAY_ANSWER
    raise AssertionError(f"unknown kind {kind}")


def verdict_label(item, decimal_comma: bool = False) -> str:
    """What a verdict names as the right answer ("Not quite: the right answer is {label}."), as a learner reads it:
    the right choice (or choices, joined by commas), the first accepted answer, the number (with its margin, or the
    range), or each pair as "left → right" joined by semicolons. `decimal_comma`: numbers as German, French ...
    write them."""
    def number(text: str) -> str:
        return text.replace(".", ",") if decimal_comma else text

    if item.kind in ("truefalse", "choice", "multiple"):
        return ", ".join(text_of(c.html) for c in item.choices if c.right)
    if item.kind == "short":
        return item.answers[0]
    if item.kind == "numeric":
        n = item.numeric
        if n.range:
            return f"{number(n.low)}\u2013{number(n.high)}"
        return f"{number(n.value)} \u00b1 {number(n.margin)}" if Decimal(n.margin) else number(n.value)
    if item.kind == "matching":
        return "; ".join(f"{text_of(p.left_html)} \u2192 {text_of(p.right_html)}" for p in item.matches)
    raise AssertionError(f"{item.kind} has no right answer to name")


@dataclass
class ExpectedQuiz:
    page_title: str
    draw: int
    labels: tuple[str, ...]
    stimulus: str  # text
    items: Counter  # (statement text, answer text, explanation text) -> count
    kinds: dict = field(default_factory=dict)  # item key -> the item's kind
    left_out: list = field(default_factory=list)  # the quiz's items of kinds the format does not carry (model Items)
    labelled: set = field(default_factory=set)  # keys of the items answered with the quiz's labels

    @property
    def statements(self) -> bool:
        """Every item a statement answered with the quiz's labels."""
        return bool(self.labels) and not self.kinds.keys() - self.labelled


def item_key(statement: str, answer: str, explanation: str) -> tuple[str, str, str]:
    return (_SPACE.sub(" ", statement).strip(), _fold(answer), _SPACE.sub(" ", explanation).strip())


def key_of(item, labels) -> tuple[str, str, str]:
    return item_key(text_of(item.statement_html), answer_of(item, labels), text_of(item.explanation_html))


def expected_quizzes(course, carried=None) -> list[ExpectedQuiz]:
    """Course quizzes in page order, as text. `carried`: the kinds the artifact holds (default every kind);
    an item of another kind is in its quiz's `left_out`, and a quiz left with no item is not in the list."""
    out = []
    for page in course.pages:
        q = page.quiz
        if q is None:
            continue
        labels = tuple(q.labels)
        kept = [i for i in q.items if carried is None or i.kind in carried]
        left_out = [i for i in q.items if not (carried is None or i.kind in carried)]
        if not kept:
            continue
        keys = [(key_of(i, labels), i) for i in kept]
        out.append(ExpectedQuiz(page.title, q.draw, labels, text_of(q.stimulus_html), Counter(k for k, _ in keys),
                                {k: i.kind for k, i in keys}, left_out,
                                {k for k, i in keys if i.labelled}))
    return out


def strip_stimulus(question_text: str, stimulus_text: str) -> str:
    """A self-contained question's text less the quiz's stimulus that leads it."""
    question_text = _SPACE.sub(" ", question_text).strip()
    if stimulus_text:
        assert question_text.startswith(stimulus_text), (question_text[:80], stimulus_text[:80])
        question_text = question_text[len(stimulus_text):].strip()
    return question_text
