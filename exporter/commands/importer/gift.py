"""A GIFT file (Moodle's plain-text question format) as course pages: one page per `$CATEGORY`.

Read as Moodle 5.1's own GIFT reader reads it (question/format/gift/format.php): questions are separated by
blank lines; `//` lines are comments; `::name::` names a question; the answers stand in `{...}`, with `\\:`
`\\#` `\\=` `\\{` `\\}` `\\~` escapes; `####` starts general feedback; `[html]`, `[markdown]`, `[plain]`,
`[moodle]` say how a text is written. The kinds: `{}` essay, `{#...}` numeric (`5:0.5`, `1..5`, several `=`),
`{=a ~b}` one right choice, `{~%50%a ~%50%b ~%-100%c}` several right ones, `{=a -> b ...}` matching, `{T}`/`{F}`
true/false (`#wrong feedback#right feedback`), `{=a =b}` short answer; answers in the middle of a sentence are a
"missing word" question, whose blank Moodle shows as `_____`.

Everything comes across or is a warning at its line: names (items are listed by their text), partial credit
this format's kinds do not hold (a multiple-answer weight other than an equal share, a partly right short or
numeric answer, a second full-credit number), feedback on a true/false answer or a short answer, idnumbers and
tags in comments. Where this reader takes what Moodle's refuses (`{#0}`: Moodle's reader drops it), it says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from exporter.commands.importer.pages import NewItem, NewPage
from exporter.errors import Report
from exporter.source.itemforms import escape_markdown

_ESCAPES = {":": "\x01", "#": "\x02", "=": "\x03", "{": "\x04", "}": "\x05", "~": "\x06", "n": "\x07"}
_BACK = {v: k for k, v in _ESCAPES.items()} | {"\x07": "\n"}
_WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")
_FIELD = re.compile(r"/(?=[YyNnTtFf]/)")
_FORMAT = re.compile(r"^\[(html|markdown|plain|moodle)\]", re.IGNORECASE)


@dataclass
class _Block:
    line: int
    lines: list[str]


def read(path: Path, shown: str, report: Report) -> list[NewPage]:
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    pages = [NewPage(path.stem, "", [], None, False, 1)]
    for block in _blocks(text.split("\n")):
        comments = [t.strip() for t in block.lines if t.strip().startswith("//")]
        body = "\n".join(t.strip() for t in block.lines if not t.strip().startswith("//")).strip()
        if any(re.search(r"\[(id|tag):", c) for c in comments):
            report.warning(shown, block.line, "an [id:...] or [tag:...] comment: question idnumbers and tags are not "
                           "part of a course page: left out")
        if not body:
            continue
        body = _pre(body)
        if body.startswith("$CATEGORY:"):
            name = _post(body[len("$CATEGORY:"):]).strip().rstrip("/").split("/")[-1].strip() or path.stem
            if name.startswith("$") and name.endswith("$"):
                name = path.stem
            pages.append(NewPage(name, "", [], None, False, block.line))
            continue
        item = _question(body, block.line, shown, report)
        if isinstance(item, str):  # a description: text on the page
            page = pages[-1]
            page.text = f"{page.text}\n\n{item}".strip()
        elif item is not None:
            pages[-1].items.append(item)
    for page in pages:
        if page.text and not page.items:
            report.warning(shown, page.line, f"'{page.title}' holds only text (descriptions) and no question: it "
                           "becomes a page without a quiz")
    return [p for p in pages if p.items or p.text]


def _blocks(lines: list[str]) -> list[_Block]:
    out: list[_Block] = []
    current: list[str] = []
    start = 0
    for n, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = n
            current.append(line)
        elif current:
            out.append(_Block(start, current))
            current = []
    if current:
        out.append(_Block(start, current))
    return out


def _pre(text: str) -> str:
    """Escaped characters out of the way of parsing (as Moodle's escapedchar_pre)."""
    text = text.replace("\\\\", "\x00")
    for char, mark in _ESCAPES.items():
        text = text.replace("\\" + char, mark)
    return text.replace("\x00", "\\")


def _post(text: str) -> str:
    for mark, char in _BACK.items():
        text = text.replace(mark, char)
    return text


def _markdown(text: str) -> str:
    """A GIFT text (after escapes) as Markdown of this format that shows it: HTML kept, Markdown's characters
    outside tags escaped; `[markdown]` text as it is; `[plain]` text entirely as text."""
    text = text.strip()
    fmt = _FORMAT.match(text)
    kind = fmt.group(1).lower() if fmt else "moodle"
    if fmt:
        text = text[fmt.end():].strip()
    text = _post(text)
    if kind == "markdown":
        return " ".join(text.split())
    if kind == "plain":
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(escape_markdown(text).split())


def _feedback(answer: str) -> tuple[str, str]:
    """`answer#feedback` as (answer, feedback)."""
    a, _, fb = answer.partition("#")
    return a.strip(), fb.strip()


def _question(body: str, line: int, shown: str, report: Report) -> NewItem | str | None:
    if body.startswith("::"):
        end = body.find("::", 2)
        if end >= 0:
            report.warning(shown, line, f"the question name '{_post(body[2:end]).strip()[:40]}': items are listed by "
                           "their text here: left out")
            body = body[end + 2:].strip()
    start, finish = body.find("{"), body.find("}")
    if start < 0 and finish < 0:
        return _markdown(body)
    if start < 0 or finish < start:
        report.error(shown, line, "a '{' or '}' without its partner: escape a brace in text as \\{ or \\}")
        return None
    answers = body[start + 1:finish].strip()
    after = body[finish + 1:].strip()
    question = body[:start].strip()
    if after:
        report.warning(shown, line, "answers in the middle of the sentence (a missing word question): the blank is "
                       "shown as _____ in the question, as Moodle shows it")
        question = f"{question} _____ {after}".strip()
    general = ""
    if "####" in answers:
        answers, _, general = answers.rpartition("####")
        answers = answers.strip()
    lines = [_markdown(question) or "_____"]
    if general.strip():
        lines.append(f"  ... {_markdown(general)}")
    if not answers:
        return NewItem(lines + ["  ____"], line)
    if answers.startswith("#"):
        return _numeric(answers[1:], lines, line, shown, report)
    if "~" in answers:
        return _choices(answers, lines, line, shown, report)
    if "=" in answers and "->" in answers:
        return _matching(answers, lines, line, shown, report)
    head = answers.split("#", 1)[0].strip()
    if head in ("T", "TRUE", "F", "FALSE"):
        parts = answers.split("#", 2)
        if any(p.strip() for p in parts[1:]):
            report.warning(shown, line, "feedback on a true/false answer ('#...'): a true/false item here has only "
                           "its general feedback (####): left out")
        letter = "Y" if head in ("T", "TRUE") else "N"
        statement = _FIELD.sub(r"\\/", lines[0])  # a slash that would start the answer field
        explanation = _markdown(general) if general.strip() else ""
        return NewItem([f"{statement} /{letter}/ {explanation}".rstrip()], line)
    return _short(answers, lines, line, shown, report)


def _weighted(answer: str) -> tuple[Decimal | None, str]:
    m = _WEIGHT.match(answer)
    if not m:
        return None, answer
    return Decimal(m.group(1)), answer[m.end():]


def _choices(answers: str, lines: list[str], line: int, shown: str, report: Report) -> NewItem:
    single = "=" in answers
    parts = [p.strip() for p in answers.replace("=", "~=").split("~")]
    parts = [p for p in parts if p]
    out = []
    for part in parts:
        right = part.startswith("=")
        text, fb = _feedback(part[1:] if right else part)
        weight, text = _weighted(text)
        out.append((text, right, weight, fb))
    if single:
        if any(w is not None and w != 0 for _, r, w, _ in out if not r):
            report.warning(shown, line, "partial credit on a wrong choice (~%n%): one right choice here scores, the "
                           "others score nothing: left out")
        body = [f"  {'*' if r else ''}{'abcdefghijklmnopqrstuvwxyz'[k]}) {_markdown(t)}"
                + (f"\n  ... {_markdown(fb)}" if fb else "") for k, (t, r, w, fb) in enumerate(out)]
    else:
        rights = [w for _, _, w, _ in out if w is not None and w > 0]
        if rights and len(set(rights)) > 1:
            report.warning(shown, line, "answers of unequal weight (~%n%): here each right answer counts the same, "
                           "and a wrong tick counts against: the weights are left out")
        body = [f"  [{'*' if w is not None and w > 0 else ' '}] {_markdown(t)}"
                + (f"\n  ... {_markdown(fb)}" if fb else "") for t, r, w, fb in out]
    return NewItem(lines + "\n".join(body).split("\n"), line)


def _matching(answers: str, lines: list[str], line: int, shown: str, report: Report) -> NewItem:
    out = []
    for part in (p.strip() for p in answers.split("=")):
        if not part:
            continue
        left, _, right = part.partition("->")
        out.append(f"  ~ {_markdown(left)} -> {_markdown(right)}".replace("  ~  ->", "  ~ ->"))
    return NewItem(lines + out, line)


def _full_credit(parts: list[str], what: str, line: int, shown: str, report: Report) -> list[tuple[str, str]]:
    """The answers worth full marks, with their feedback: a partly right one is a warning and left out."""
    full = []
    for part in parts:
        text, fb = _feedback(part)
        weight, text = _weighted(text)
        if weight is not None and weight != 100:
            report.warning(shown, line, f"a partly right {what} ('%{weight}%{_post(text)[:30]}'): here an "
                           "answer is right or wrong: left out")
            continue
        full.append((text, fb))
    return full


def _short(answers: str, lines: list[str], line: int, shown: str, report: Report) -> NewItem:
    out = []
    for text, fb in _full_credit([p.strip() for p in answers.split("=") if p.strip()], "short answer", line, shown,
                                 report):
        if fb:
            report.warning(shown, line, "feedback on one short answer ('#...'): a short answer here has feedback "
                           "for right and wrong only: left out")
        out.append(f"  * {' '.join(_post(text).split())}")
    return NewItem(lines + out, line)


def _numeric(answers: str, lines: list[str], line: int, shown: str, report: Report) -> NewItem | None:
    wrong = ""
    if "~" in answers:
        answers, _, wrong = answers.partition("~")
    parts = [p.strip() for p in answers.split("=")]
    if parts and not parts[0]:
        parts = parts[1:]
    elif parts and parts[0] == "0":
        report.warning(shown, line, "{#0}: Moodle's own GIFT reader drops this question (it takes '0' for no "
                       "answer); it is read here as the number 0: write {#=0} for both")
    full = _full_credit(parts, "number", line, shown, report)
    if not full:
        report.error(shown, line, "a numeric question ({#...}) with no fully right number")
        return None
    if len(full) > 1:
        report.warning(shown, line, "more than one fully right number: here a numeric item accepts one value or one "
                       "range: the first is kept")
    text, fb = full[0]
    try:
        if ".." in text:
            low, high = (Decimal(x.strip()) for x in text.split("..", 1))
            spec = f"[{low}, {high}]"
        elif ":" in text:
            value, margin = (Decimal(x.strip()) for x in text.split(":", 1))
            spec = f"{value} +- {margin}" if margin else f"{value}"
        else:
            spec = f"{Decimal(text.strip())}"
    except InvalidOperation:
        report.error(shown, line, f"'{_post(text)[:30]}' is not a number (write 5, 5:0.5 or 4..6)")
        return None
    if fb:
        lines.insert(1, f"  + {_markdown(fb)}")
    wrong_fb = _feedback(wrong)[1] if wrong else ""
    if wrong_fb:
        lines.insert(1, f"  - {_markdown(wrong_fb)}")
    return NewItem(lines + [f"  = {spec}"], line)
