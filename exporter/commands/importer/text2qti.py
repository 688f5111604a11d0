"""A text2qti quiz file (Canvas users' plain-text quizzes) as course pages.

text2qti's syntax, read here on its own terms: `Quiz title:`, `Quiz description:`, quiz options, numbered
questions (`1.`), each with `Title:`/`Points:` before it and its answer lines after it (`*a)`, `[*]`, `*`, `=`,
`___`, `^^^`, feedback `...`, `+`, `-`, solutions `!`), `Text:` regions, `GROUP` ... `pick:` ...
`END_GROUP`, `%` and `COMMENT` ... `END_COMMENT` comments. A line's text goes on over the following lines
indented to where its text starts. This format's items use the same answer markers, indented under the
question, so each question becomes one item line for line.

One page per quiz: its title the quiz's, its text the description, its quiz drawing every question; a file
with question groups becomes one page per group (drawing the group's `pick`) and one for the questions outside
any group. What this format has no place for is a warning at its line: question titles and points (every
item is worth one and is listed by its text), text regions (kept as the page's text), file upload questions
(left out), solutions (left out), Canvas quiz options other than shuffling answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from exporter.commands.importer.pages import NewItem, NewPage
from exporter.errors import Report

# (name, pattern at the start of a line); the order decides between `*a)` and `*`
_STARTS = [
    ("question", r"\d+\."), ("choice", r"\*?[a-zA-Z]\)"), ("multiple", r"\[\*\]|\[ ?\]"), ("short", r"\*"),
    ("feedback", r"\.\.\."), ("right", r"\+"), ("wrong", r"-"), ("solution", r"!"), ("essay", r"___+"),
    ("upload", r"\^\^\^+"), ("numeric", r"="), ("title", r"[Tt]itle:"), ("points", r"[Pp]oints:"),
    ("text_title", r"[Tt]ext [Tt]itle:"), ("text", r"[Tt]ext:"), ("quiz_title", r"[Qq]uiz [Tt]itle:"),
    ("quiz_description", r"[Qq]uiz description:"), ("end_group", r"END_GROUP"), ("group", r"GROUP"),
    ("pick", r"[Pp]ick:"), ("solutions_pick", r"[Ss]olutions pick:"),
    ("points_per_question", r"[Pp]oints per question:"), ("shuffle", r"[Ss]huffle answers:"),
    ("option", r"[Ss]how correct answers:|[Oo]ne question at a time:|[Cc]an't go back:|[Ff]eedback is solution:|"
               r"[Ss]olutions sample groups:|[Ss]olutions randomize groups:"),
]
_BARE = {"essay", "upload", "group", "end_group"}  # nothing after the marker
_ONE_LINE = {"points", "pick", "solutions_pick", "points_per_question", "numeric", "short", "shuffle", "option"}
_LINE = re.compile("|".join(rf"(?P<{n}>(?:{p})\s*$)" if n in _BARE else rf"(?P<{n}>(?:{p})[ \t]+(?=\S))"
                            for n, p in _STARTS))
_ANSWERS = {"choice": "{mark}", "multiple": "{mark}", "short": "*", "numeric": "=", "essay": "____",
            "feedback": "...", "right": "+", "wrong": "-"}


@dataclass
class _Question:
    line: int
    text: list[str]
    parts: list[tuple[str, str, list[str], int]] = field(default_factory=list)  # (kind, marker, lines, line)


@dataclass
class _Group:
    line: int
    pick: int | None = None
    questions: list[_Question] = field(default_factory=list)


def read(path: Path, shown: str, report: Report) -> list[NewPage]:
    lines = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title, description, shuffle = path.stem, "", False
    loose: list[_Question] = []
    groups: list[_Group] = []
    group: _Group | None = None
    question: _Question | None = None
    texts: list[str] = []
    n = 0
    while n < len(lines):
        raw, at = lines[n], n + 1
        if raw.startswith("%"):
            n += 1
            continue
        if raw.strip() == "COMMENT":
            end = next((k for k in range(n + 1, len(lines)) if lines[k].strip() == "END_COMMENT"), None)
            if end is None:
                report.error(shown, at, "COMMENT without a closing END_COMMENT")
                return []
            n = end + 1
            continue
        if not raw.strip():
            n += 1
            continue
        m = _LINE.match(raw)
        if not m:
            report.error(shown, at, f"text2qti reads no line like this here: '{raw.strip()[:60]}' (a question "
                         "starts '1.', an answer 'a)', '*b)', '[ ]', '[*]', '*', '=', '___', feedback '...', '+', '-')")
            return []
        kind = m.lastgroup
        body = raw[m.end():].strip()
        more, n = _continued(lines, n + 1, len(raw[:m.end()].expandtabs(4)), kind not in _ONE_LINE | _BARE)
        text = [body] + more
        if kind == "quiz_title":
            title = " ".join(t for t in text if t)
        elif kind == "quiz_description":
            description = "\n".join(text)
        elif kind == "shuffle":
            shuffle = body.lower() == "true"
        elif kind == "option":
            report.warning(shown, at, f"'{raw.strip()}': Canvas quiz options other than shuffling answers are not "
                           "part of a course page (each LMS's quiz settings decide them): left out")
        elif kind in ("title", "points"):
            report.warning(shown, at, f"'{raw.strip()}': questions have no {kind} here (each item is worth one "
                           "point and listed by its text): left out")
        elif kind in ("text_title", "text"):
            report.warning(shown, at, "a text region between questions becomes the page's text, above the quiz")
            texts.append("\n".join(text))
        elif kind == "group":
            if group is not None:
                report.error(shown, at, "GROUP inside a GROUP: close the first with END_GROUP")
                return []
            question, group = None, _Group(at)
            groups.append(group)
        elif kind == "end_group":
            if group is None:
                report.error(shown, at, "END_GROUP without a GROUP before it")
                return []
            question, group = None, None
        elif kind in ("pick", "solutions_pick", "points_per_question"):
            if group is None or group.questions:
                report.error(shown, at, f"'{raw.strip()}' belongs at the start of a GROUP, before its questions")
                return []
            if kind == "pick":
                if not body.isdigit() or int(body) < 1:
                    report.error(shown, at, f"pick: {body} is not a positive whole number")
                    return []
                group.pick = int(body)
            elif kind == "points_per_question":
                report.warning(shown, at, "points per question: every item is worth one point here: left out")
        elif kind == "question":
            question = _Question(at, text)
            (group.questions if group is not None else loose).append(question)
        elif question is None:
            report.error(shown, at, f"'{raw.strip()[:40]}' comes before any question: start a question with '1.'")
            return []
        else:
            question.parts.append((kind, m.group(kind).strip(), text, at))
    if group is not None:
        report.error(shown, group.line, "GROUP without END_GROUP")
        return []
    intro = "\n\n".join([description] + texts).strip()
    pages = []
    if loose:
        pages.append(NewPage(title, intro, [_item(q, shown, report) for q in loose], None, shuffle, 1))
    for k, g in enumerate(groups, start=1):
        name = title if not loose and len(groups) == 1 else f"{title} ({k})"
        pages.append(NewPage(name, "" if pages else intro, [_item(q, shown, report) for q in g.questions],
                             g.pick, shuffle, g.line))
        if g.pick is not None and g.pick > len(g.questions):
            report.error(shown, g.line, f"pick: {g.pick} is more than the group's {len(g.questions)} questions")
    if len(pages) > 1:
        report.warning(shown, 1, f"{len(pages)} pages: a course page has one quiz with one draw, so each question "
                       "group is a page of its own (and the questions outside any group one more)")
    return [p for p in pages if p.items]


def _continued(lines: list[str], n: int, indent: int, paragraphs: bool) -> tuple[list[str], int]:
    """The lines that go on a line's text (indented by `indent` or at least two spaces), and where it ends."""
    out: list[str] = []
    while n < len(lines):
        line = lines[n].expandtabs(4)
        if not line.strip():
            if not paragraphs:
                break
            k = n
            while k < len(lines) and not lines[k].strip():
                k += 1
            if k == len(lines) or not lines[k].startswith((" ", "\t")):
                break
            out += [""] * (k - n)
            n = k
            continue
        if not line.startswith(" " * min(indent, 2)) or line.startswith("%"):
            break
        out.append(line.strip())
        n += 1
    return out, n


def _item(q: _Question, shown: str, report: Report) -> NewItem:
    """A question as an item of this format: its text, then each answer line indented under it."""
    lines = [_one(q.text)]
    for kind, marker, text, at in q.parts:
        if kind == "upload":
            report.warning(shown, at, "a file upload question has no place in a course page: left out")
            return NewItem([], q.line)
        if kind == "solution":
            report.warning(shown, at, "a solution ('!') is not shown by the packages: left out (write it as "
                           "feedback with '...' to keep it)")
            continue
        written = _ANSWERS[kind].format(mark=marker)
        lines.append(f"  {written} {_one(text)}".rstrip())
    return NewItem(lines, q.line)


def _one(text: list[str]) -> str:
    """Text over several lines as one line (an item's parts are inline Markdown: a line break is a space)."""
    return " ".join(t for t in text if t)
