"""Render a page's Markdown once into a tree of blocks."""

from __future__ import annotations

import copy
import functools
import re
import xml.etree.ElementTree as ET
from html import escape

import lxml.html
import markdown
from lxml import etree
from markdown.extensions.attr_list import AttrListExtension, AttrListTreeprocessor
from markdown.serializers import to_html_string

from exporter.source import inline
from exporter.source.math import MathExtension
from exporter.source.sanitize import HEART_MARK, hearts_in_tree, mark_hearts

# Extensions are handed over made, not by name: a name has Markdown look through every installed package's entry
# points first (15 ms of every build's start). fenced_code (kramdown's ~~~ fences and GFM's ``` fences, with a
# language (`~~~ ruby`, ```` ```python ````, `~~~ {.yaml}`) as the code's class: language-ruby) is added to it at the
# first text that may hold a fence (`_fenced`)
_md = markdown.Markdown(extensions=[AttrListExtension(), MathExtension()], output_format="html")
inline.install(_md)
# Three backticks or tildes (Markdown drops STX and ETX before it looks for fences): every text fenced_code's
# preprocessor could change has them, and it leaves any other text as it is, so a text without them is rendered
# the same without it. Importing it imports Pygments (for codehilite, which we never use), and Pygments
# importlib.metadata: 30 ms of a build whose pages have no fence, such as a warm one rendering one page again.
_MAY_FENCE = re.compile(r"`[\x02\x03]*`[\x02\x03]*`|~[\x02\x03]*~[\x02\x03]*~")
_fences = False
_parser = lxml.html.HTMLParser()


# An item's stand-in (`quiz.find_bank` writes one for each item of a quiz's bank): U+FFFF around its number. The
# reader refuses U+FFFF in a source (raw or as an entity: no package can carry it), so no author text is one.
ITEM_STAND_IN = "\uffffitem{}\uffff"
_ITEM_STAND_IN = re.compile(re.escape(ITEM_STAND_IN).replace(r"\{\}", r"\d+"))
# A list line whose content is one base64 word (a quiz item), or an item's stand-in. Markdown's inline pass leaves
# such a word as it is, at a cost (every inline pattern tried on every item, and each list item handled on its
# own), so a run of them goes through Markdown as one stand-in item.
_B64_LINE = re.compile(r"^[-*+] +(?:[A-Za-z0-9+/]{8,}={0,2}|" + _ITEM_STAND_IN.pattern + r")[ \t]*$")
# A run's stand-in: U+FFFF around its number (the reader refuses U+FFFF in a source: no author text is one).
_STAND_IN = re.compile("\uffffbank(\\d+)\uffff")


def render(source: str) -> etree._Element:
    """Markdown (kramdown flavour: IALs, inline HTML, entities, fenced code) into a <div> holding the blocks."""
    folded, runs = _fold_banks(source)
    if runs:
        tree = _render(folded, runs)
        if tree is not None:
            return tree
    return _render(source)  # no bank, or one in a shape the stand-in does not reproduce exactly


def render_shared(source: str) -> etree._Element:
    """`render` for a text that pages share word for word: a quiz region (its instruction, attribute list and the
    items' stand-ins) is often the same on many pages ("Mark each statement True or False ..."), so each such text
    is rendered once and copied (the reader changes the tree it is given: it resolves links and takes the quiz's
    attributes off). A text holding a `$` is rendered each time: rendering it reports its formulas (`math`) for
    the page that has them."""
    if "$" in source:
        return render(source)
    return copy.deepcopy(_rendered(source))


@functools.lru_cache(maxsize=256)  # small trees: a course rarely has more distinct quiz regions than pages
def _rendered(source: str) -> etree._Element:
    return render(source)


class TooDeep(ValueError):
    """The HTML parser stopped at its depth limit (libxml2 drops the rest of the document silently)."""


def _render(source: str, runs: list[list[str]] | None = None) -> etree._Element | None:
    """The blocks of `source`; with `runs` (`_fold_banks`), None unless each run's stand-in was rendered as a
    list item, which its items then replace (before hearts are put back: a stand-in Markdown left elsewhere, as in
    code, is no text a tree can hold)."""
    html = _plain_quiz_html(source) if runs else None
    if html is None:
        text = mark_hearts(source.replace(HEART_MARK, ""))
        if not _fences and _MAY_FENCE.search(text):
            _fenced()
        _md.reset()
        html = _md.convert(text)
    tree = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div", parser=_parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _parser.error_log):
        raise TooDeep("the page nests elements deeper than the HTML parser goes")
    if runs and not _unfold_banks(tree, runs):
        return None
    if HEART_MARK in html:
        hearts_in_tree(tree)
    return tree


def _fenced() -> None:
    """fenced_code added to `_md` (once: it stays for every text after)."""
    global _fences
    from markdown.extensions.fenced_code import FencedCodeExtension

    _md.registerExtensions([FencedCodeExtension()], {})
    _fences = True


# A quiz region in its plainest shape, its items folded into one stand-in (`_fold_banks`): lines of plain text
# (the instruction), the quiz's attribute list, blank lines, the stand-in's list line. Markdown makes of it the
# paragraph with the list's attributes and a list of one item; `_plain_quiz_html` writes that HTML without
# Markdown's passes (most of the cost of reading such a region). Plain text: words of characters no Markdown
# pattern (inline or block) starts with, single spaces between them, and no line that starts like a list item, a
# rule or a heading's underline.
_PLAIN_WORDS = r"[^\s\x00-\x1f\\`*_\[\]!<>&$#{}|~^\ufffe\uffff]+"
_PLAIN_LINE = rf"(?![-+=]|\d+[.)]){_PLAIN_WORDS}(?: {_PLAIN_WORDS})*"
_PLAIN_REGION = re.compile(rf"(?P<text>{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*)\n(?P<ial>\{{:[A-Za-z0-9 #.=\"',:-]*\}})\n"
                           "(?:[ \t]*\n)*[-*+] (?P<item>\uffffbank0\uffff)")


def _plain_quiz_html(source: str) -> str | None:
    """Markdown's HTML for a quiz region of the plainest shape (`_PLAIN_REGION`), or None for any other text. The
    attribute list is read by Markdown's own extension (attr_list), the paragraph written by its serializer."""
    m = _PLAIN_REGION.fullmatch(source)
    ial = m and AttrListTreeprocessor.BLOCK_RE.search("\n" + m["ial"])
    if not ial:
        return None
    p = ET.Element("p")
    if _md.treeprocessors["attr_list"].assign_attrs(p, ial.group(1), strict=True):
        return None  # a `}` too many: Markdown leaves such a list in the text
    p.text = m["text"]
    return f"{to_html_string(p)}\n<ul>\n<li>{m['item']}</li>\n</ul>"


def _fold_banks(source: str) -> tuple[str, list[list[str]]]:
    """Each run of base64 list lines (or of the reader's item stand-ins), standing alone between blank lines,
    replaced by one stand-in list line."""
    if "\uffff" in source and source.count("\uffff") != 2 * len(_ITEM_STAND_IN.findall(source)):
        return source, []  # U+FFFF besides the reader's item stand-ins: not a page the reader took (it refuses it)
    lines = source.split("\n")
    out: list[str] = []
    runs: list[list[str]] = []
    n = 0
    while n < len(lines):
        end = n
        while end < len(lines) and _B64_LINE.match(lines[end]):
            end += 1
        if end > n and (n == 0 or not lines[n - 1].strip()) and (end == len(lines) or not lines[end].strip()):
            out.append(f"{lines[n][0]} \uffffbank{len(runs)}\uffff")
            runs.append([line.split(None, 1)[1].strip() for line in lines[n:end]])
            n = end
        else:
            out.append(lines[n])
            n += 1
    return "\n".join(out), runs


def _unfold_banks(tree: etree._Element, runs: list[list[str]]) -> bool:
    """Put each run's items back where its stand-in was rendered. Only a tight list item (`<li>stand-in</li>`)
    is taken: in a loose list Markdown wraps items in paragraphs its own way, so False: render in full."""
    found = 0
    for li in list(tree.iter("li")):
        m = _STAND_IN.fullmatch((li.text or "").strip())
        if not m:
            continue
        run = int(m.group(1))
        if len(li) or run >= len(runs):
            return False
        # each item goes in right after the one before (inserting by index walks the list: quadratic); made by
        # the parser that read the page (an item's stand-in holds U+FFFF, which lxml's API refuses in a text)
        made = lxml.html.fragment_fromstring("".join(f"<li>{escape(word, quote=False)}</li>" for word in runs[run]),
                                             create_parent="ul", parser=_parser)
        at = li
        for new in list(made):
            new.tail = li.tail
            at.addnext(new)
            at = new
        li.getparent().remove(li)
        found += 1
    return found == len(runs)


def inner_html(el: etree._Element, strip: bool = True) -> str:
    """The serialized content of an element (text and children), HTML syntax; `strip`: without white space at
    either end (any Unicode white space, U+00A0 included)."""
    parts = [escape(el.text, quote=False)] if el.text else []
    parts += [lxml.html.tostring(c, encoding="unicode", with_tail=True) for c in el]
    return "".join(parts).strip() if strip else "".join(parts)


def outer_html(elements) -> str:
    return "\n".join(lxml.html.tostring(e, encoding="unicode", with_tail=False).strip() for e in elements)
