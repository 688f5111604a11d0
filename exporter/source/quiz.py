"""Find a page's quiz in its rendered blocks, cut it out, and read its item bank.

The bank's items are read from their source lines, never from Markdown's rendering of the page: before the
page is rendered, `find_bank` replaces each item with a stand-in word, so an item's text (plain Markdown or
base64) cannot change the page around it, and `read_item` reads each item in either written form."""

from __future__ import annotations

import binascii
import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import lxml.html
from lxml import etree

from exporter import ids
from exporter.errors import Report
from exporter.model import CHOICE, DEFAULT_LABELS, TRUE_FALSE, Choice, Item, Quiz
from exporter.source.itemforms import (
    Shown,
    base64_text,
    base64_word,
    decoded_form,
    decoded_parts,
    decoded_shown,
    plain_html,
    plain_parts,
    plain_shown,
)
from exporter.source import itemtypes
from exporter.source.itemtypes import FEEDBACK_LINE, answer_kind, is_typed
from exporter.source.linefinder import LineFinder
from exporter.source.markup import ITEM_STAND_IN, inner_html, outer_html
from exporter.source.math import at_line
from exporter.source.nesting import MAX_DEPTH, html_depth
from exporter.source.sanitize import clean_blocks, clean_inline, visible_text
from exporter.xhtml import shorten, text_html, to_text
from exporter.xmlchars import bad_char, message

# resolve(elements, in_quiz, line, own_line): the reader's link resolution, applied to blocks in document order;
# `line` is where a link stands when the source does not show it (own_line: always, as in a base64 item)
Resolve = Callable[[list, bool, "int | None", bool], None]

_LIST_LINE = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(\S.*?)\s*$")
_IAL_TEXT = re.compile(r"\{:[^}]*\bdata-n\s*=")  # a quiz's attribute list, anywhere in a text
_IAL_N = re.compile(r"^\s*" + _IAL_TEXT.pattern)  # ... as a line of its own
# A list item's first line as Python-Markdown reads one: up to 3 spaces, a marker, white space, the text.
# (the text up to its last character that is no space or tab: what a lazy `.*?` before `[ \t]*$` takes, without
# trying the end at every character of a long base64 word)
_ITEM_LINE = re.compile(r"^(?P<lead> {0,3}(?:[-*+]|\d+\.)[ \t]+)(?P<text>(?:.*[^ \t])?)[ \t]*$")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_QUIZ_IAL = re.compile(r"^ {0,3}\{:[^}]*\bdata-n\s*=\s*[\"']?\s*\+?0*[1-9]\d*\s*[\"'\s}]")  # data-n above 0
FORMS = ("write it as 'statement /Y/ explanation' (or /N/; T and F work too) or as the base64 of "
         "'statement/Y/explanation'")


@dataclass
class Cut:
    """A page split around its quiz."""

    before: list  # blocks before the quiz paragraph
    after: list  # blocks after the item list
    quiz: Quiz | None
    bank: etree._Element | None = None  # the quiz's item list


def cut_quiz(tree: etree._Element, page_ident: str, shown: str, lines: list[str], first_line: int,
             report: Report, resolve: Resolve, source: Bank | None = None) -> Cut:
    """Split the page's top-level blocks into body, quiz and the blocks after it; every block's links are
    resolved (through `resolve`, in document order, each block once), quiz text before it is sanitized.
    Whatever is left on the page must not be a quiz in disguise: a quiz attribute list Markdown did not read,
    a quiz inside another block, or encoded items (answers included) outside the quiz's bank are errors at
    their line. `source`: the page's items as `find_bank` found them in its lines, when the tree was rendered
    from its `masked` text (each item a stand-in word)."""
    lines = visible_lines(lines)  # what a fence or a comment holds is never the quiz: its lines are not searched
    blocks = list(tree)
    starts = [i for i, b in enumerate(blocks) if b.get("data-n") is not None]
    ial_lines = [first_line + n for n, text in enumerate(lines) if _IAL_N.match(text)]
    cut = _cut(blocks, starts, page_ident, shown, lines, first_line, ial_lines, report, resolve, source)
    resolve(cut.after, False, None, False)
    _unread_quiz_attributes(tree, shown, lines, first_line, report)
    reported = _nested_quizzes(tree, shown, lines, first_line, report)
    _loose_items(tree, {cut.bank, *reported}, shown, lambda: LineFinder(lines, first_line), report)
    return cut


def _cut(blocks: list, starts: list[int], page_ident: str, shown: str, lines: list[str], first_line: int,
         ial_lines: list[int], report: Report, resolve: Resolve, source: Bank | None) -> Cut:
    if not starts:
        resolve(blocks, False, None, False)
        return Cut(blocks, [], None)
    written = ial_lines or [next((first_line + n for n, t in enumerate(lines) if "data-n" in t), first_line)]
    if len(starts) > 1:
        for k in range(1, len(starts)):
            report.error(shown, written[min(k, len(written) - 1)],
                         "a page has one quiz: remove the second data-n paragraph or move it to its own page")
    start = starts[0]
    para = blocks[start]
    line = written[0]
    # the bank is the first list after the paragraph, also when the quiz is refused: its items are no
    # answers left on the page, and need no second error
    lists = [i for i in range(start + 1, len(blocks)) if blocks[i].tag in ("ul", "ol")]
    refused = Cut(blocks, [], None, blocks[lists[0]] if lists else None)
    raw_n = para.get("data-n", "").strip()
    raw_opt = para.get("data-opt")
    raw_shuffle = para.get("data-shuffle")
    for attr in ("data-n", "data-opt", "data-shuffle"):
        para.attrib.pop(attr, None)
    if not re.fullmatch(r"[+-]?\d+", raw_n):
        report.error(shown, line, f'data-n="{raw_n}" is not a whole number: write how many items one attempt draws, '
                     'e.g. data-n="6" (0 for no quiz)')
        resolve(blocks, False, None, False)
        return refused
    draw = int(raw_n)
    if draw < 0:
        report.error(shown, line, f"data-n={draw} is negative: write how many items one attempt draws (0 for no quiz)")
        resolve(blocks, False, None, False)
        return refused
    if draw == 0:
        resolve(blocks, False, None, False)
        return Cut(blocks, [], None)  # data-n="0": the paragraph is ordinary text, the page has no quiz
    shuffle = raw_shuffle is not None and raw_shuffle.strip() == "choices"
    if raw_shuffle is not None and not shuffle:
        report.error(shown, line, f'data-shuffle="{raw_shuffle}" is not an option: write data-shuffle="choices" to '
                     "show each attempt's choices in a new order, or leave it out to keep the order you wrote")
    labels = DEFAULT_LABELS
    if raw_opt is not None:
        parts = [p.strip() for p in raw_opt.split(",")]
        if len(parts) != 2 or not all(parts):
            report.error(shown, line, f'data-opt="{raw_opt}" must name two labels separated by a comma, '
                         'e.g. data-opt="Yes,No"')
        elif parts[0].casefold() == parts[1].casefold():
            report.error(shown, line, f'data-opt="{raw_opt}" names the same label twice: learners could not tell '
                         'the answers apart; write two different labels, e.g. data-opt="Yes,No"')
        else:
            labels = (parts[0], parts[1])
            for label in labels:
                char = bad_char(label)
                if char:
                    report.error(shown, line, message(char, f'the label "{label}" in data-opt'))
    if not lists:
        report.error(shown, line, f"the quiz (data-n={draw}) has no item list after it: add a '- ' list of "
                     'items, or write data-n="0" for a page without a quiz')
        resolve(blocks, False, None, False)
        return Cut(blocks, [], None)
    resolve(blocks[:start], False, None, False)
    resolve([para] + blocks[start + 1:lists[0]], True, line, False)
    bank = blocks[lists[0]]
    if source is not None:  # each item's own text, from its lines (one stand-in each in the list: Bank.read_by)
        sources = [(first_line + it.index, it.text, it.more) for it in source.items]
    else:  # rendered without stand-ins: base64 items read from the list's text, lines matched by it
        texts = ["".join(li.itertext()).strip() for li in bank.findall("li")]
        item_lines = _item_lines(lines, first_line, (line or first_line) - first_line, texts)
        sources = [(item_lines[k] or line, text, []) for k, text in enumerate(texts)]
    items: list[Item] = []
    taken: dict[str, int] = {}
    for item_line, text, more in sources:
        item = read_item(text, shown, item_line, report, plain=source is not None, more=more)
        if item:
            fields = dict(item.fields)
            if fields["kind"] == TRUE_FALSE:
                fields["choices"] = label_choices(labels, fields.pop("answer"))
                fields["kind"] = TRUE_FALSE if labels == DEFAULT_LABELS else CHOICE
                fields["labelled"] = True
            ident = ids.item_id(page_ident, item.key, taken)
            made = Item(id=ident, source=shown, line=item_line or 0, **fields)
            if _has_url("".join(made.html_parts())):  # (parts joined: at worst a no-op map_html)
                made = made.map_html(lambda html, at=item_line: resolve_html(html, resolve, at))
            made.title = item_title(made.statement_html, ident)
            items.append(made)
    count = len(sources)
    if draw > count:
        report.error(shown, line, f"data-n={draw} is larger than the item bank ({count} items): "
                     "add items or lower data-n")
    quiz = Quiz(
        id=ids.quiz_id(page_ident),
        instruction_html=clean_inline(inner_html(para)),
        stimulus_html=clean_blocks(outer_html(blocks[start + 1:lists[0]])),
        draw=draw,
        items=items,
        line=line or 0,
        shuffle=shuffle,
    )
    return Cut(blocks[:start], blocks[lists[0] + 1:], quiz, bank)


_URL_ATTR = re.compile(r"\b(?:href|src|srcset|poster|data)\s*=", re.IGNORECASE)


def _has_url(html: str) -> bool:
    return "=" in html and bool(_URL_ATTR.search(html))  # (no attribute at all: most items' parts)


def resolve_html(html: str, resolve: Resolve, line: int | None) -> str:
    """An item's sanitized HTML with its links resolved (parsed only when it has any)."""
    if not _has_url(html):
        return html
    div = lxml.html.fragment_fromstring(html, create_parent="div")
    resolve([div], True, line, True)
    return inner_html(div)


TITLE_LIMIT = 80  # characters of the statement in an item's title (Moodle's own default names use 80)


def label_choices(labels: tuple[str, str], answer: bool) -> list[Choice]:
    """A statement's two choices: the first label is right when the statement's answer field says yes."""
    first, second = _labels_html(labels)
    return [Choice(first, answer), Choice(second, not answer)]


@functools.lru_cache(maxsize=64)  # a course has a few pairs of labels; each of its statements asks for one
def _labels_html(labels: tuple[str, str]) -> tuple[str, str]:
    return text_html(labels[0]), text_html(labels[1])


def item_title(statement_html: str, ident: str) -> str:
    """An item's title in every format: the start of its statement as text, or its id when it shows no text."""
    return shorten(to_text(statement_html), TITLE_LIMIT) or ident


def _code_free_text(el: etree._Element) -> str:
    return "".join(_texts(el, set()))


def _unread_quiz_attributes(tree: etree._Element, shown: str, lines: list[str], first_line: int,
                            report: Report) -> None:
    """A quiz's attribute list that Markdown did not read stays on the page as text, and the quiz silently
    disappears: an error at each such list, saying why it was not read."""
    if not _IAL_TEXT.search(_code_free_text(tree)):
        return
    unread = sum(len(_IAL_TEXT.findall(_code_free_text(el))) for el in tree if el.tag != "pre")
    found = 0
    for n, text in enumerate(lines):
        if found == unread:
            return
        if _IAL_LINE.search(text) and not _IAL_SHOWN.search(text):
            cause = _unread_cause(lines, n)
            if cause:
                report.error(shown, first_line + n, cause)
                found += 1
    if found == 0:
        line = next((first_line + n for n, t in enumerate(lines) if _IAL_TEXT.search(t)), None)
        report.error(shown, line, _UNREAD_REWRITTEN)


_IAL_LINE = re.compile(r"\{:[^}]*\bdata-n\s*=[^}]*\}\s*$")  # ... ending a line
_IAL_SHOWN = re.compile(r"`[^`]*\{:[^}]*\bdata-n|^(?: {4}|\t)")  # ... in a code span or an indented code block
_HEADING = re.compile(r"^ {0,3}(?:#{1,6}(?:\s|$)|=+\s*$|-+\s*$)")
_UNREAD_REWRITTEN = ("this quiz's attribute list could not be read: Markdown changed it before it was read "
                     "(a '*', '_' or '`' in data-opt?); write the labels as plain text, e.g. data-opt=\"Yes,No\"")


def _unread_cause(lines: list[str], n: int) -> str | None:
    """Why Markdown did not take line n's quiz attribute list; None when its shape is right."""
    text = lines[n]
    before = text[:text.index("{:")]
    prev = lines[n - 1] if n > 0 else ""
    nxt = lines[n + 1] if n + 1 < len(lines) else ""
    if before.strip(" \t>"):
        return ("the quiz's attribute list is on the same line as text: put it on its own line, right after "
                "the instruction paragraph")
    if not prev.strip():
        return ("the quiz's attribute list stands alone after a blank line: put it on the line right after the "
                "instruction paragraph, with no blank line between them")
    if _HEADING.match(prev.lstrip(" >")):
        return ("the quiz's attribute list comes right after a heading: a quiz starts with an instruction "
                "paragraph; put the attribute list on the line right after that paragraph")
    if nxt.strip():
        return ("the quiz's attribute list needs a blank line after it: leave one blank line between it and "
                "the item list")
    if re.search(r"[*_`]", text[text.index("{:"):]):
        return _UNREAD_REWRITTEN
    return None


def _nested_quizzes(tree: etree._Element, shown: str, lines: list[str], first_line: int, report: Report) -> list:
    """A quiz's attribute list read inside a quote, a list item or an HTML block: its quiz is not taken
    (a quiz is a paragraph of the page itself), and its items would show as a list. Returns the item lists
    of those quizzes (reported here, not again as loose items)."""
    quizzes = [el for el in tree.iter() if isinstance(el.tag, str) and el is not tree and el.get("data-n") is not None]
    if all(el.getparent() is tree for el in quizzes):
        return []
    banks = []
    # the k-th quiz attribute list read (in document order) is the k-th one written at the end of a line
    written = [first_line + n for n, t in enumerate(lines) if _IAL_LINE.search(t) and not _IAL_SHOWN.search(t)]
    for k, el in enumerate(quizzes):
        if el.getparent() is tree or el.get("data-n", "").strip() in ("0", "+0", "-0"):
            continue
        holder = next((a.tag for a in el.iterancestors() if a.getparent() is tree), el.getparent().tag)
        where = {"blockquote": "a quote ('>')", "li": "a list item", "ul": "a list item",
                 "ol": "a list item"}.get(holder, f"an HTML <{holder}> block (one left open above it?)")
        line = written[k] if k < len(written) else (written[0] if written else first_line)
        report.error(shown, line, f"this quiz is inside {where}: a quiz must be a paragraph of the page itself, "
                     "its item list after it; move it out")
        banks += [sib for sib in el.itersiblings() if sib.tag in ("ul", "ol")][:1]
    return banks


B64_WORD = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{6,}={0,2}(?![A-Za-z0-9+/=])")


def _loose_items(tree: etree._Element, banks: set, shown: str, finder: Callable[[], LineFinder],
                 report: Report) -> None:
    """Encoded items (statement and answer, base64) anywhere on the page but in the quiz's bank would be
    published as they are, and anyone could decode the answers: an error at each one's line. Code shows
    syntax and is left alone. `finder`: the page's LineFinder, made when one is found."""
    index = None
    for text in _texts(tree, banks):
        for word in encoded_items(text):
            index = index or finder()
            report.error(shown, index.find(word), "this line holds an encoded quiz item (statement and answer) "
                         "outside any quiz: learners would see it and could decode the answer; put it in a "
                         "quiz's item list or remove it")


def _texts(el: etree._Element, skip: set):
    """The text of `el` in document order, leaving out the elements in `skip` and code."""
    if el.text:
        yield el.text
    for child in el:
        if isinstance(child.tag, str) and child not in skip and child.tag not in ("code", "pre"):
            yield from _texts(child, skip)
        if child.tail:
            yield child.tail


def encoded_items(text: str) -> list[str]:
    """The words of a text that are encoded items (`is_item`), in order. (Most words of prose look like base64;
    only those of a length base64 has are decoded.)"""
    return [word for word in B64_WORD.findall(text) if not len(word) % 4 and is_item(word)]


def is_item(word: str) -> bool:
    """Whether a word (a `B64_WORD`: base64 characters, then at most two `=`) is an encoded item."""
    if len(word) % 4:
        return False
    try:  # (base64.b64decode's `validate` checks the characters B64_WORD has already checked)
        return decoded_parts(binascii.a2b_base64(word).decode("utf-8")) is not None
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False


def _item_lines(lines: list[str], first_line: int, from_index: int, texts: list[str]) -> list[int | None]:
    """The file line of each bank item (by its text): the first list line at or after the quiz paragraph
    that starts with the item's first word, after the previous item's line; else the next list line."""
    by_word: dict[str, list[int]] = {}
    list_lines: list[int] = []
    for n in range(max(from_index, 0), len(lines)):
        m = _LIST_LINE.match(lines[n])
        if m:
            list_lines.append(n)
            by_word.setdefault(m.group(1).split()[0], []).append(n)
    out: list[int | None] = []
    prev = max(from_index, 0) - 1
    for text in texts:
        word = text.split()[0] if text.split() else None
        found = by_word.get(word, []) if word else []
        k = bisect_right(found, prev)
        if k < len(found):
            prev = found[k]
        else:
            k = bisect_right(list_lines, prev)
            if k >= len(list_lines):
                out.append(None)
                continue
            prev = list_lines[k]
        out.append(first_line + prev)
    return out


# --- the item bank in the source --------------------------------------------------------------------------

@dataclass
class SourceItem:
    index: int  # the body line (0-based) its list marker is on
    end: int  # the body line after its last line
    lead: str  # indentation, list marker and the white space after it, as written
    text: str  # what follows the marker; continuation lines joined with "\n"
    more: list[str] = field(default_factory=list)  # the lines after its first, as written (a typed item's answers)


@dataclass
class Bank:
    """The item list after a page's quiz paragraph, as its source lines hold it."""

    items: list[SourceItem]
    lines: list[str]  # the page body's lines
    at: int  # the body line (0-based) of the quiz's attribute list

    @functools.cached_property
    def masked(self) -> str:
        """The page body with each item's lines replaced by one stand-in list item (made when a page is rendered
        whole: a quiz-only read may render its quiz region alone)."""
        return mask_items(self.lines, self.items, 0, len(self.lines))

    def read_by(self, tree: etree._Element) -> bool:
        """Whether Markdown read the masked body as the reader expects: the first list after the first
        data-n paragraph holds exactly the stand-ins, in order."""
        blocks = list(tree)
        start = next((i for i, b in enumerate(blocks) if b.get("data-n") is not None), None)
        if start is None:
            return False
        bank = next((b for b in blocks[start + 1:] if b.tag in ("ul", "ol")), None)
        if bank is None or len(bank) != len(self.items):
            return False
        return all(li.tag == "li" and ((li.text or "") if not len(li) else "".join(li.itertext())).strip() ==
                   ITEM_STAND_IN.format(k) for k, li in enumerate(bank))


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"


def visible_lines(lines: list[str]) -> list[str]:
    """The lines with those of a fenced code block (its fence lines too) and of an HTML comment block made
    blank: what they hold is shown as code or not shown at all, so it is neither a quiz nor its items. A comment
    block starts a line (`<!--` after up to three spaces, as Markdown reads one) and ends with the line that
    holds `-->`; a `<!--` inside a line is inline text or HTML, as Markdown takes it."""
    out = list(lines)
    joined = "\n".join(lines)
    if "```" not in joined and "~~~" not in joined and _COMMENT_OPEN not in joined:  # most pages: nothing to blank
        return out
    fence = None  # the open fence's characters
    comment = False
    for n, text in enumerate(lines):
        indent = len(text) - len(text.lstrip(" "))
        if fence is not None:
            stripped = text.strip()
            if indent <= 3 and stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
        elif comment:
            comment = _COMMENT_CLOSE not in text
        elif indent <= 3 and text.lstrip(" ").startswith(_COMMENT_OPEN):
            comment = _COMMENT_CLOSE not in text[indent + len(_COMMENT_OPEN):]
        else:
            m = _FENCE.match(text)
            if not m or (m.group(1)[0] == "`" and "`" in text[m.end():]):  # ``` with a backtick after: no fence
                continue
            fence = m.group(1)
        out[n] = ""
    return out


def find_bank(lines: list[str]) -> Bank | None:
    """The items of the list after the page's first quiz attribute list (data-n above 0), or None."""
    if any("\uffff" in text for text in lines):  # not a page the reader took (it refuses U+FFFF)
        return None
    seen = visible_lines(lines)
    at = next((n for n, text in enumerate(seen) if _QUIZ_IAL.match(text)), None)
    if at is None:
        return None
    items = bank_items(seen, _first_list_line(seen, at + 1))
    if not items:
        return None
    return Bank(items, lines, at)


def mask_items(lines: list[str], items: list[SourceItem], start: int, end: int) -> str:
    """Lines `start` to `end` (0-based, `end` excluded) with each item's lines in them replaced by one line: its
    list marker and its stand-in."""
    out: list[str | None] = lines[start:end]
    for k, item in enumerate(items):
        if start <= item.index < end:
            out[item.index - start] = item.lead + ITEM_STAND_IN.format(k)
            for n in range(item.index + 1, min(item.end, end)):
                out[n - start] = None
    return "\n".join(text for text in out if text is not None)


def _first_list_line(lines: list[str], start: int) -> int:
    """The first list line after a blank line (a list line right under text is that text's, as in Markdown)."""
    return next((n for n in range(max(start, 1), len(lines)) if _ITEM_LINE.match(lines[n])
                 and not lines[n - 1].strip()), len(lines))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _is_marker(line: str) -> bool:
    """An answer or feedback line of a typed item (`itemtypes`)."""
    return answer_kind(line) is not None or bool(FEEDBACK_LINE.match(line.strip()))


def bank_items(lines: list[str], start: int) -> list[SourceItem]:
    """The list items from line `start` on: each a marker line, then lines that continue it (unindented lines
    straight after it, indented ones after a blank line), until a line that is neither."""
    items: list[SourceItem] = []
    n = start
    following = None  # the next item's first line, matched where the item before it ended: (line, match)
    while n < len(lines):
        m = following[1] if following and following[0] == n else _ITEM_LINE.match(lines[n])
        if not m:
            break
        texts, end = [m.group("text")], n + 1
        indent = len(m.group("lead")) - len(m.group("lead").lstrip(" "))
        while end < len(lines):
            nxt = end
            while nxt < len(lines) and not lines[nxt].strip():
                nxt += 1
            if nxt == len(lines):
                break
            under = _indent(lines[nxt]) >= indent + 2  # indented under the item's marker
            following = (nxt, _ITEM_LINE.match(lines[nxt]))
            if following[1] and not under:
                break
            if nxt > end and not (_INDENTED.match(lines[nxt]) or (under and _is_marker(lines[nxt]))):
                break  # after a blank line, an unindented line ends the list
            texts.extend([""] * (nxt - end) + [lines[nxt].strip()])
            end = nxt + 1
        items.append(SourceItem(n, end, m.group("lead"), "\n".join(texts).strip(), lines[n + 1:end]))
        n = end
        while n < len(lines) and not lines[n].strip():
            n += 1
    return items


# --- one item, in either written form ----------------------------------------------------------------------

class ItemText(NamedTuple):
    fields: dict  # the model Item's fields it sets (statement_html, kind, ...); a statement's also `answer`
    key: str  # the item's base64 form, whichever form it is written in: its identifier derives from it

    @property
    def statement_html(self) -> str:
        return self.fields["statement_html"]

def read_item(text: str, shown: str, line: int | None, report: Report, plain: bool = True,
              more: list[str] | None = None) -> ItemText | None:
    """A list item's text, base64 or plain Markdown, as sanitized HTML parts: a true/false statement with its
    answer and explanation, or a typed item (`itemtypes`) when the lines after its first hold answers.
    `more`: the item's lines after its first, as written. `plain=False`: the text is Markdown's rendering, not
    the source, so only a base64 item can be read. A formula in it that cannot be read is reported at the
    item's line (exporter.source.math)."""
    with at_line(line):
        if more and is_typed([text.split("\n", 1)[0]] + more):
            raw = "\n".join([text.split("\n", 1)[0]] + more)
            return _typed(raw, base64_word(raw), shown, line, report, own_lines=True)
        return _read_item(text, shown, line, report, plain)


def _read_item(text: str, shown: str, line: int | None, report: Report, plain: bool) -> ItemText | None:
    text = text.strip()
    if not text:
        report.error(shown, line, f"this quiz item is empty: {FORMS}")
        return None
    problem = None
    raw = base64_text(text)
    if raw is not None:
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            problem = ("this quiz item decodes from base64 to bytes that are not UTF-8 text: encode the item's "
                       "text as UTF-8 before base64, or write it as 'statement /Y/ explanation'")
        else:
            char = bad_char(decoded)
            if char:
                report.error(shown, line, message(char, "this quiz item"))
                return None
            if _too_deep(decoded, shown, line, report):
                return None
            if "\n" in decoded and is_typed(decoded.split("\n")):
                return _typed(decoded, text, shown, line, report, own_lines=False)
            parts = decoded_parts(decoded)
            if parts:
                return _checked(decoded_shown(parts), text, shown, line, report, "statement/Y/explanation")
            problem = (f"this quiz item is base64 of text with no Y/N answer field: it decodes to {decoded[:60]!r}; "
                       f"{FORMS}")
    parts = plain_parts(text) if plain else None
    if parts is None:
        if not plain and problem is None:
            problem = ("this quiz item could not be matched to its line in the file: write each item on a "
                       "'- ' line of the list right after the quiz paragraph (and its stimulus)")
        report.error(shown, line, problem or f"this quiz item is neither a plain item nor base64: {FORMS}")
        return None
    if _too_deep(text, shown, line, report):
        return None
    item = plain_shown(parts)
    return _checked(item, base64_word(decoded_form(text, item) or text), shown, line, report,
                    "statement /Y/ explanation")


def _too_deep(text: str, shown: str, line: int | None, report: Report) -> bool:
    if "<" in text and html_depth(text) is not None:
        report.error(shown, line, f"this quiz item nests HTML elements more than {MAX_DEPTH} levels deep: "
                     "no HTML reader keeps that; simplify its markup")
        return True
    return False


def _checked(item: Shown, key: str, shown: str, line: int | None, report: Report, form: str) -> ItemText | None:
    if not visible_text(item.statement_html):
        report.error(shown, line, f"this quiz item has an empty statement (nothing a learner would see): write "
                     f"'{form}'")
        return None
    return ItemText({"kind": TRUE_FALSE, "statement_html": item.statement_html, "answer": item.answer,
                     "explanation_html": item.explanation_html}, key)


def _typed(raw: str, key: str, shown: str, line: int | None, report: Report, own_lines: bool) -> ItemText | None:
    """A typed item from its text (first line, then its other lines as written). `own_lines`: its lines are the
    file's, so an error names the line it stands on; a base64 item's errors name the item's line."""
    if _too_deep(raw, shown, line, report):
        return None
    try:
        typed = itemtypes.parse(raw.split("\n"))
    except itemtypes.ItemError as exc:
        report.error(shown, (line + exc.offset) if line and own_lines else line, exc.message)
        return None
    fields = itemtypes.rendered(typed, plain_html)
    if not visible_text(fields["statement_html"]):
        report.error(shown, line, "this quiz item has an empty question (nothing a learner would see)")
        return None
    return ItemText(fields, key)
