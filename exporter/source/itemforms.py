"""A quiz item's two written forms, and the way between them.

Both hold the same three parts: a statement, the answer, an explanation.

- base64: one word, the base64 of UTF-8 text `statement/Y/explanation` (or `/N/`) whose parts are HTML
  fragments. It splits on the first `/Y/` or `/N/` (any case).
- plain: Markdown as the author reads it, `statement /Y/ explanation`; `/N/`, and `/T/`, `/F/` for True and
  False, any case, spaces around the answer field optional. It splits on the first answer field that is not
  escaped: `\\/` is a slash that never starts one. Each part is rendered as inline Markdown.

Both forms go through the same sanitizer (`clean_inline`). `plain_form` writes a decoded item as a plain item
that shows the same thing and `decoded_form` gives back the exact text it came from; each conversion is
checked by reading its result back, and refused (None) when that does not give the same item.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from typing import NamedTuple

import lxml.html
import markdown
from markdown import util
from markdown.extensions.attr_list import AttrListExtension

from exporter.source import inline
from exporter.source.markup import inner_html
from exporter.source.math import MathExtension, html_math
from exporter.source.sanitize import (
    HEART_MARK,
    clean_inline,
    hearts_in_tree,
    mark_hearts,
)

TRUE_LETTERS = "YyTt"
_TO_BASE64_LETTER = {"T": "Y", "t": "y", "F": "N", "f": "n"}

# base64 form: the decoded text's answer field (first /Y/ or /N/)
_DECODED_FIELDS = ("/Y/", "/y/", "/N/", "/n/")
_BASE64_WORD = re.compile(r"[A-Za-z0-9+/]+={0,2}")

# plain form: an escaped character, or an answer field; the first answer field not inside an escape wins
_PLAIN_TOKEN = re.compile(r"\\.|/([YyNnTtFf])/", re.DOTALL)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
# Markdown's own backslash escapes (Python-Markdown's ESCAPED_CHARS), plus the plain form's `\/`
_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!/$])")

# what `plain_form` escapes: outside HTML tags, the characters Markdown's inline pass reads ...
_MD_SPECIAL = re.compile(r"[\\`*_\[\]]")
# ... (raw HTML as Python-Markdown recognises it stays as it is) ...
_HTML_TAG = re.compile(r"<(?:/?[A-Za-z][^\s\"'<>@]*(?:\s+[^\s\"'=<>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>]+))?)*"
                       r"\s*/?|!--(?:(?!<!--|-->).)*--)>", re.DOTALL)
# ... a statement's start that other Markdown readers would take for a heading, quote or list ...
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$)))")
# ... and a slash that would start an answer field in the statement.
_FIELD_SLASH = re.compile(r"/(?=[YyNnTtFf]/)")

_md = markdown.Markdown(extensions=[AttrListExtension(), MathExtension()], output_format="html")
inline.install(_md)
# Where Markdown's inline pass can start anything (escapes, code, emphasis, links, images, HTML, entities, line
# breaks, attribute lists, its placeholders, formulas); text without these comes out of it as it went in.
_INLINE_SYNTAX = re.compile("[\\\\`*_\\[\\]!<>&{}$\n\r" + util.STX + util.ETX + "]")
_OPEN, _CLOSE = "<div>\n<p>", "</p>\n</div>"


class Parts(NamedTuple):
    """An item split into its written parts (raw text, before rendering)."""

    statement: str
    letter: str  # the answer field's letter as written
    explanation: str

    @property
    def answer(self) -> bool:
        return self.letter in TRUE_LETTERS


class Shown(NamedTuple):
    """What an item shows: sanitized statement and explanation HTML, and the answer."""

    statement_html: str
    answer: bool
    explanation_html: str


# --- base64 form -------------------------------------------------------------------------------------------

def looks_base64(text: str) -> bool:
    return len(text) % 4 == 0 and bool(_BASE64_WORD.fullmatch(text))


def base64_text(word: str) -> bytes | None:
    """The bytes a base64 word holds, or None when it is not base64."""
    if not looks_base64(word):
        return None
    try:  # (base64.b64decode's `validate` checks the characters looks_base64 has already checked)
        return binascii.a2b_base64(word)
    except (binascii.Error, ValueError):
        return None


def base64_word(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def decoded_parts(text: str) -> Parts | None:
    """`statement/Y/explanation` split on its first /Y/ or /N/, or None when it has no answer field. (From one
    `/` to the next: `^(.*?)/([YyNn])/(.*)$` tried the field at every character of the statement.)"""
    at = text.find("/")
    while at >= 0:
        if text.startswith(_DECODED_FIELDS, at):
            return Parts(text[:at], text[at + 1], text[at + 3:])
        at = text.find("/", at + 1)
    return None


def decoded_shown(parts: Parts) -> Shown:
    return Shown(clean_inline(html_math(parts.statement)), parts.answer, clean_inline(html_math(parts.explanation)))


# --- plain form --------------------------------------------------------------------------------------------

def plain_parts(text: str) -> Parts | None:
    """A plain item split on its first unescaped answer field (surrounding spaces stay with the parts)."""
    for m in _PLAIN_TOKEN.finditer(text):
        if m.group(1):
            return Parts(text[:m.start()], m.group(1), text[m.end():])
    return None


def inline_markdown(text: str) -> str:
    """Markdown's inline pass alone (emphasis, code, links, images, raw inline HTML, entities) on one part:
    no block syntax, so a part that starts with `#` or `1.` is text, as it is inside the list item."""
    text = text.replace(util.STX, "").replace(util.ETX, "")
    if not text:
        return ""
    _md.reset()
    root = ET.Element("div")
    ET.SubElement(root, "p").text = text
    for processor in _md.treeprocessors:
        root = processor.run(root) or root
    out = _md.serializer(root)
    for processor in _md.postprocessors:
        out = processor.run(out)
    out = out.strip()
    if out.startswith(_OPEN) and out.endswith(_CLOSE):
        return out[len(_OPEN):-len(_CLOSE)]
    return out  # pragma: no cover - Markdown always wraps the paragraph it was given


def plain_html(part: str) -> str:
    """One part of a plain item as sanitized HTML: `\\/` is a slash, `<3` a heart (as on the page: not in code
    or URLs, nor before a digit), the rest Markdown."""
    if not _INLINE_SYNTAX.search(part) and HEART_MARK not in part:
        return clean_inline(part)  # nothing Markdown's inline pass would change (most items)
    return markdown_html(part)


def markdown_html(part: str) -> str:
    """plain_html's way for text with Markdown in it."""
    unslashed = _ESCAPED.sub(lambda m: "/" if m.group(1) == "/" else m.group(0), part)
    html = inline_markdown(mark_hearts(unslashed.replace(HEART_MARK, "")))
    if HEART_MARK in html:
        div = lxml.html.fragment_fromstring(f"<div>{html}</div>")  # parsed: the mark is no text the API takes
        hearts_in_tree(div)
        html = inner_html(div, strip=False)  # clean_inline strips, as for a part with no heart: U+00A0 stays
    return clean_inline(html)


def plain_shown(parts: Parts) -> Shown:
    """The spaces around the answer field are not part of the text (not even inside an unclosed tag)."""
    return Shown(plain_html(parts.statement.strip(" \t")), parts.answer,
                 plain_html(parts.explanation.strip(" \t")))


# --- from one form to the other ----------------------------------------------------------------------------

def escape_markdown(text: str) -> str:
    """Decoded HTML text as Markdown that renders to it: Markdown's inline characters escaped outside tags."""
    out, at = [], 0
    for tag in _HTML_TAG.finditer(text):
        out.append(_MD_SPECIAL.sub(r"\\\g<0>", text[at:tag.start()]))
        out.append(tag.group(0))
        at = tag.end()
    out.append(_MD_SPECIAL.sub(r"\\\g<0>", text[at:]))
    return "".join(out)


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def _drop_one_space(text: str, end: bool) -> str:
    """The plain form puts one space each side of the answer field; these are not part of the text."""
    if end:
        return text[:-1] if text.endswith(" ") else text
    return text[1:] if text.startswith(" ") else text


def plain_form(decoded: str) -> str | None:
    """A decoded item's text (`statement/Y/explanation`) as a plain item that shows the same and gives back
    exactly this text through `decoded_form`; None when no single Markdown line can (a line break, spaces at
    either end, HTML that Markdown would read differently)."""
    parts = decoded_parts(decoded)
    if parts is None or "\n" in decoded or "\r" in decoded:
        return None
    statement = _FIELD_SLASH.sub(r"\\/", escape_markdown(parts.statement))
    start = _BLOCK_START.match(statement)
    if start:  # `1.` -> `1\.`; `#`, `>`, `-`, `+` -> `\#` ...
        at = start.end() if statement[0].isdigit() else 0
        statement = statement[:at] + "\\" + statement[at:]
    explanation = escape_markdown(parts.explanation)
    plain = f"{statement} /{parts.letter}/" + (f" {explanation}" if explanation else "")
    if plain != plain.strip() or plain_parts(plain) is None:
        return None
    if plain_shown(plain_parts(plain)) != decoded_shown(parts) or decoded_form(plain) != decoded:
        return None
    return plain


def decoded_form(plain: str, shown: Shown | None = None) -> str | None:
    """The decoded text (`statement/Y/explanation`, HTML) of a plain item, showing what it shows.

    The text as written, escapes undone, when that already shows the same (so a plain item written by
    `plain_form` gives back its original text byte for byte); otherwise the HTML its Markdown renders to.
    None when it is not a plain item. `shown`: what the item shows, when the caller has it already."""
    parts = plain_parts(plain)
    if parts is None:
        return None
    shown = shown or plain_shown(parts)
    letter = _TO_BASE64_LETTER.get(parts.letter, parts.letter)
    literal = (_unescape(_drop_one_space(parts.statement, end=True)) + f"/{letter}/"
               + _unescape(_drop_one_space(parts.explanation, end=False)))
    rendered = (re.sub(r"/(?=[YyNn](?:/|$))", "&#47;", shown.statement_html) + f"/{letter}/"
                + shown.explanation_html)
    for text in (literal, rendered):
        back = decoded_parts(text)
        if back is not None and decoded_shown(back) == shown:
            return text
    return None  # pragma: no cover - the rendered text always reads back as itself
