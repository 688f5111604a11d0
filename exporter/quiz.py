"""Find a page's quiz in its rendered blocks, cut it out, and decode its item bank."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Callable

import lxml.html
from lxml import etree

from . import ids
from .errors import Report
from .markup import inner_html, outer_html
from .model import DEFAULT_LABELS, Item, Quiz
from .sanitize import clean_blocks, clean_inline
from .xhtml import shorten, to_text
from .text import bad_char, message

# resolve(elements, in_quiz, line, own_line): the reader's link resolution, applied to blocks in document order;
# `line` is where a link stands when the source does not show it (own_line: always, as in a base64 item)
Resolve = Callable[[list, bool, "int | None", bool], None]

_LIST_LINE = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(\S.*?)\s*$")
_IAL_TEXT = re.compile(r"\{:[^}]*\bdata-n\s*=")  # a quiz's attribute list, anywhere in a text
_IAL_N = re.compile(r"^\s*" + _IAL_TEXT.pattern)  # ... as a line of its own
_SPLIT = re.compile(r"^(.*?)/([YyNn])/(.*)$", re.DOTALL)


@dataclass
class Cut:
    """A page split around its quiz."""

    before: list  # blocks before the quiz paragraph
    after: list  # blocks after the item list
    quiz: Quiz | None


def cut_quiz(tree: etree._Element, page_ident: str, shown: str, lines: list[str], first_line: int,
             report: Report, resolve: Resolve) -> Cut:
    """Split the page's top-level blocks into body, quiz and the blocks after it; every block's links are
    resolved (through `resolve`, in document order, each block once), quiz text before it is sanitized."""
    blocks = list(tree)
    starts = [i for i, b in enumerate(blocks) if b.get("data-n") is not None]
    ial_lines = [first_line + n for n, text in enumerate(lines) if _IAL_N.match(text)]
    cut = _cut(blocks, starts, page_ident, shown, lines, first_line, ial_lines, report, resolve)
    resolve(cut.after, False, None, False)
    return cut


def _cut(blocks: list, starts: list[int], page_ident: str, shown: str, lines: list[str], first_line: int,
         ial_lines: list[int], report: Report, resolve: Resolve) -> Cut:
    if not starts:
        _unread_quiz_attributes(blocks, shown, ial_lines, report)
        resolve(blocks, False, None, False)
        return Cut(blocks, [], None)
    if len(starts) > 1:
        for k in range(1, len(starts)):
            report.error(shown, ial_lines[k] if k < len(ial_lines) else None, "a page has one quiz: remove the second data-n paragraph or move it to its own page")
    start = starts[0]
    para = blocks[start]
    line = ial_lines[0] if ial_lines else None
    raw_n = para.get("data-n", "").strip()
    raw_opt = para.get("data-opt")
    for attr in ("data-n", "data-opt"):
        para.attrib.pop(attr, None)
    if not re.fullmatch(r"[+-]?\d+", raw_n):
        report.error(shown, line, f'data-n="{raw_n}" is not a whole number: write how many items one attempt draws, '
                     'e.g. data-n="6" (0 for no quiz)')
        resolve(blocks, False, None, False)
        return Cut(blocks, [], None)
    draw = int(raw_n)
    if draw < 0:
        report.error(shown, line, f"data-n={draw} is negative: write how many items one attempt draws (0 for no quiz)")
        resolve(blocks, False, None, False)
        return Cut(blocks, [], None)
    if draw == 0:
        resolve(blocks, False, None, False)
        return Cut(blocks, [], None)  # data-n="0": the paragraph is ordinary text, the page has no quiz
    labels = DEFAULT_LABELS
    if raw_opt is not None:
        parts = [p.strip() for p in raw_opt.split(",")]
        if len(parts) != 2 or not all(parts):
            report.error(shown, line, f'data-opt="{raw_opt}" must name two labels separated by a comma, '
                         'e.g. data-opt="Yes,No"')
        else:
            labels = (parts[0], parts[1])
            for label in labels:
                char = bad_char(label)
                if char:
                    report.error(shown, line, message(char, f'the label "{label}" in data-opt'))
    lists = [i for i in range(start + 1, len(blocks)) if blocks[i].tag in ("ul", "ol")]
    if not lists:
        report.error(shown, line, f"the quiz (data-n={draw}) has no item list after it: add a '- ' list of "
                     'base64 items, or write data-n="0" for a page without a quiz')
        resolve(blocks, False, None, False)
        return Cut(blocks, [], None)
    resolve(blocks[:start], False, None, False)
    resolve([para] + blocks[start + 1:lists[0]], True, line, False)
    bank = blocks[lists[0]]
    item_lines = _item_lines(lines, first_line, (line or first_line) - first_line)
    items: list[Item] = []
    taken: set[str] = set()
    for k, li in enumerate(bank.findall("li")):
        text = "".join(li.itertext()).strip()
        item_line = item_lines[k] if k < len(item_lines) else line
        item = decode_item(text, shown, item_line, report)
        if item:
            statement, answer, explanation = (resolve_html(item[0], resolve, item_line), item[1],
                                              resolve_html(item[2], resolve, item_line))
            ident = ids.item_id(page_ident, text, taken)
            items.append(Item(ident, statement, answer, explanation, shown, item_line or 0,
                              item_title(statement, ident)))
    count = len(bank.findall("li"))
    if draw > count:
        report.error(shown, line, f"data-n={draw} is larger than the item bank ({count} items): "
                     "add items or lower data-n")
    quiz = Quiz(
        id=ids.quiz_id(page_ident),
        instruction_html=clean_inline(inner_html(para)),
        stimulus_html=clean_blocks(outer_html(blocks[start + 1:lists[0]])),
        draw=draw,
        labels=labels,
        items=items,
        line=line or 0,
    )
    return Cut(blocks[:start], blocks[lists[0] + 1:], quiz)


_URL_ATTR = re.compile(r"\b(?:href|src|srcset|poster|data)\s*=", re.IGNORECASE)


def resolve_html(html: str, resolve: Resolve, line: int | None) -> str:
    """An item's sanitized HTML with its links resolved (parsed only when it has any)."""
    if not _URL_ATTR.search(html):
        return html
    div = lxml.html.fragment_fromstring(html, create_parent="div")
    resolve([div], True, line, True)
    return inner_html(div)


TITLE_LIMIT = 80  # characters of the statement in an item's title (Moodle's own default names use 80)


def item_title(statement_html: str, ident: str) -> str:
    """An item's title in every format: the start of its statement as text, or its id when it shows no text."""
    return shorten(to_text(statement_html), TITLE_LIMIT) or ident


def _unread_quiz_attributes(blocks: list, shown: str, ial_lines: list[int], report: Report) -> None:
    """A quiz's attribute list that Markdown did not read stays on the page as text (its inline pass changed
    `*...*` or backticks inside the list first): an error, never a page whose quiz silently disappears."""
    for block in blocks:
        if block.tag == "p" and _IAL_TEXT.search("".join(block.xpath(".//text()[not(ancestor::code)]"))):
            report.error(shown, ial_lines[0] if ial_lines else None,
                         "this quiz's attribute list could not be read: Markdown changed it before it was read "
                         "(a '*', '_' or '`' in data-opt?); write the labels as plain text, e.g. data-opt=\"Yes,No\"")
            return


def _item_lines(lines: list[str], first_line: int, from_index: int) -> list[int]:
    """File line numbers of the list items of the first list after the quiz paragraph."""
    found: list[int] = []
    for n in range(max(from_index, 0), len(lines)):
        m = _LIST_LINE.match(lines[n])
        if m:
            found.append(first_line + n)
        elif found and lines[n].strip() and not lines[n].startswith((" ", "\t")):
            break
    return found


def decode_item(text: str, shown: str, line: int | None, report: Report) -> tuple[str, bool, str] | None:
    """base64 of UTF-8 `statement/Y|N/explanation` into sanitized statement, answer, explanation."""
    if not text:
        report.error(shown, line, "this quiz item is empty: write base64 of 'statement/Y/explanation'")
        return None
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        report.error(shown, line, "this quiz item is not base64: encode 'statement/Y/explanation' "
                     "(or /N/) as base64 of UTF-8 text")
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        report.error(shown, line, "this quiz item decodes to bytes that are not UTF-8 text: "
                     "encode the item's text as UTF-8 before base64")
        return None
    char = bad_char(decoded)
    if char:
        report.error(shown, line, message(char, "this quiz item"))
        return None
    m = _SPLIT.match(decoded)
    if not m:
        report.error(shown, line, f"this quiz item has no Y/N answer field: it decodes to {decoded[:60]!r}; "
                     "write 'statement/Y/explanation' or 'statement/N/explanation'")
        return None
    statement = clean_inline(m.group(1))
    if not statement:
        report.error(shown, line, "this quiz item has an empty statement: write 'statement/Y/explanation'")
        return None
    return statement, m.group(2).upper() == "Y", clean_inline(m.group(3))
