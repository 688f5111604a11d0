"""What an independent parse of any artifact must find: every quiz with its draw count and labels,
and every item with its statement, the right label and the explanation, as a reader sees the text.

Each format's test parses its artifact with lxml on its own (never through exporter's writers) and
compares what it found with `expected_quizzes(course)` through `item_key`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

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


@dataclass
class ExpectedQuiz:
    page_title: str
    draw: int
    labels: tuple[str, str]
    stimulus: str  # text
    items: Counter  # (statement text, right label, explanation text) -> count


def item_key(statement: str, right_label: str, explanation: str) -> tuple[str, str, str]:
    return (_SPACE.sub(" ", statement).strip(), right_label.strip(), _SPACE.sub(" ", explanation).strip())


def expected_quizzes(course) -> list[ExpectedQuiz]:
    """Course quizzes in page order, as text."""
    out = []
    for page in course.pages:
        q = page.quiz
        if q is None:
            continue
        items = Counter(item_key(text_of(i.statement_html), q.labels[i.right_index],
                                 text_of(i.explanation_html)) for i in q.items)
        out.append(ExpectedQuiz(page.title, q.draw, tuple(q.labels), text_of(q.stimulus_html), items))
    return out


def strip_stimulus(question_text: str, stimulus_text: str) -> str:
    """A self-contained question's text less the quiz's stimulus that leads it."""
    question_text = _SPACE.sub(" ", question_text).strip()
    if stimulus_text:
        assert question_text.startswith(stimulus_text), (question_text[:80], stimulus_text[:80])
        question_text = question_text[len(stimulus_text):].strip()
    return question_text
