"""Our course's quizzes as text2qti quiz files (https://github.com/gpoore/text2qti), one per quiz, so the
benchmark gives text2qti the same items our `qti12` writer gets.

Each quiz is a GROUP drawing the quiz's count (`pick: N`, `points per question: 1`); each item a question
whose text is the stimulus and the statement, its explanation as `...` general feedback, and two choices
(the author's labels, in order) with `*` on the right one. HTML goes in as one line inside a `<div>`, which
text2qti's Markdown passes through untouched; `$` and `\\` become character references so text2qti reads no
LaTeX or siunitx macro in them. A statement repeated within one quiz (text2qti refuses duplicates) gets a
`data-repeat` attribute on its `<div>`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from exporter.model import Course, Page, Quiz
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


def quiz_text(page: Page, quiz: Quiz) -> str:
    lines = [f"Quiz title: {' '.join(page.title.split())}"]
    if quiz.instruction_html.strip():
        lines.append(f"Quiz description: {raw_html(quiz.instruction_html)}")
    lines += ["", "GROUP", f"pick: {quiz.drawn}", "points per question: 1", ""]
    seen: dict[str, int] = {}
    for number, item in enumerate(quiz.items, start=1):
        question = question_html(quiz, item)
        seen[question] = seen.get(question, 0) + 1
        attrs = f' data-repeat="{seen[question]}"' if seen[question] > 1 else ""
        lines.append(f"{number}. {raw_html(question, attrs)}")
        if item.explanation_html.strip():
            lines.append(f"... {raw_html(item.explanation_html)}")
        for letter, choice, label in zip("abcdefghijklmnopqrstuvwxyz", item.choices, quiz.labels):
            lines.append(f"{'*' if choice.right else ''}{letter}) {label_text(label)}")
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
