"""Our course's quizzes as text2qti quiz files (https://github.com/gpoore/text2qti), one per quiz, so the
benchmark gives text2qti the same items our `qti12` writer gets.

Each quiz is a GROUP drawing the quiz's count (`pick: N`, `points per question: 1`); each item a question
whose text is the stimulus and the statement, its explanation as `...` general feedback, its right and wrong
feedback as `+` and `-`, then its answers in text2qti's syntax for its kind: a statement's two choices (the
author's labels, in order) and a choice item's choices as `a)` with `*` on the right one, a choice's own
feedback as `...` after it; a multiple item's `[*]` / `[ ]`; a short item's accepted answers as `*` lines; a
numeric item as `= [low, high]` or `= value +- margin` (text2qti keeps four decimals); an essay as `____`.
text2qti has no matching question (its tracker's #54, syntax undecided): a matching item is left out of the
file, and the quiz draws at most the questions written. HTML goes in as one line inside a `<div>`, which
text2qti's Markdown passes through untouched; `$` and `\\` become character references so text2qti reads no
LaTeX or siunitx macro in them. A statement repeated within one quiz (text2qti refuses duplicates) gets a
`data-repeat` attribute on its `<div>`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from exporter.model import CHOICE_KINDS, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, Course, Item, Page, Quiz
from exporter.xhtml import question_html, to_xhtml

_LINE_BREAKS = re.compile(r"\s*\n\s*")
_MARKDOWN = re.compile(r"[\\`*_\[\]$!#|~{}]")  # characters Markdown (or text2qti's LaTeX pass) would read


def raw_html(fragment: str, attrs: str = "") -> str:
    """The fragment as one line of HTML in a <div>: a raw HTML block to Markdown, free of `$` and `\\`."""
    text = _LINE_BREAKS.sub(" ", to_xhtml(fragment)).replace("$", "&#36;").replace("\\", "&#92;")
    return f"<div{attrs}>{text}</div>"


def literal(text: str) -> str:
    """Plain text (a choice label) that text2qti's Markdown shows as written."""
    escaped = html.escape(text, quote=False)
    return _MARKDOWN.sub(lambda m: f"&#{ord(m.group())};", escaped)


def label_text(label: str) -> str:
    """True/False stay bare words, so text2qti makes them a true_false_question, as Canvas expects."""
    return label if label in ("True", "False") else literal(label)


def written(quiz: Quiz) -> list[Item]:
    """The items a text2qti file can hold: every kind but matching."""
    return [item for item in quiz.items if item.kind != MATCHING]


def answer_lines(quiz: Quiz, item: Item) -> list[str]:
    """An item's answers in text2qti's syntax for its kind."""
    if item.labelled:
        return [f"{'*' if choice.right else ''}{_letters(n)}) {label_text(label)}"
                for n, (choice, label) in enumerate(zip(item.choices, quiz.labels))]
    if item.kind in CHOICE_KINDS:
        lines = []
        for n, choice in enumerate(item.choices):
            if item.kind == MULTIPLE:
                mark = "[*]" if choice.right else "[ ]"
            else:
                mark = f"{'*' if choice.right else ''}{_letters(n)})"
            lines.append(f"{mark} {raw_html(choice.html)}")
            if choice.feedback_html.strip():
                lines.append(f"... {raw_html(choice.feedback_html)}")
        return lines
    if item.kind == SHORT:
        return [f"*   {answer}" for answer in item.answers]  # text2qti takes a short answer as plain text
    if item.kind == NUMERIC:
        n = item.numeric
        return [f"=   [{n.low}, {n.high}]" if n.range else f"=   {n.value} +- {n.margin}"
                if n.margin != "0" else f"=   {n.value}"]
    assert item.kind == ESSAY, item.kind
    return ["____"]


def _letters(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    if n >= len(letters):
        raise ValueError("text2qti takes at most 26 choices (a) to z))")
    return letters[n]


def quiz_text(page: Page, quiz: Quiz) -> str:
    items = written(quiz)
    lines = [f"Quiz title: {' '.join(page.title.split())}"]
    if quiz.instruction_html.strip():
        lines.append(f"Quiz description: {raw_html(quiz.instruction_html)}")
    lines += ["", "GROUP", f"pick: {min(quiz.drawn, len(items))}", "points per question: 1", ""]
    seen: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        question = question_html(quiz, item)
        seen[question] = seen.get(question, 0) + 1
        attrs = f' data-repeat="{seen[question]}"' if seen[question] > 1 else ""
        lines.append(f"{number}. {raw_html(question, attrs)}")
        if item.explanation_html.strip():
            lines.append(f"... {raw_html(item.explanation_html)}")
        if item.graded and item.right_feedback_html.strip():
            lines.append(f"+ {raw_html(item.right_feedback_html)}")
        if item.graded and item.wrong_feedback_html.strip():
            lines.append(f"- {raw_html(item.wrong_feedback_html)}")
        lines += answer_lines(quiz, item)
        lines.append("")
    lines += ["END_GROUP", ""]
    return "\n".join(lines)


def write_quizzes(course: Course, folder: Path) -> list[Path]:
    """One `<quiz id>.txt` per quiz page, in page order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for page in course.pages:
        if page.quiz is not None:
            path = folder / f"{page.quiz.id}.txt"
            path.write_text(quiz_text(page, page.quiz), encoding="utf-8")
            paths.append(path)
    return paths
