"""How deeply a page nests its blocks, found before Markdown and the HTML parser see it.

Python-Markdown recurses once per nested list (a list ~250 deep raised RecursionError, and took 27 s at
1000), and libxml2 silently stops building a tree 255 elements deep, dropping the rest of the page. A page
nested deeper than MAX_DEPTH is refused at the line where it gets there. The count is an estimate from the
source that errs high: each blockquote marker counts 1, each list level 2 (list and item), by marker or by
four columns of indentation, each open HTML element 1.
"""

from __future__ import annotations

import functools
import re

MAX_DEPTH = 100

# a container marker at the start of what is left of a line: a quote, or a list item's bullet or number
_MARKER = re.compile(r"[ \t]{0,3}(?:(>)|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))[ \t]?")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?(/?)>")
# elements that never hold others, or whose end tag authors leave out: they do not add depth here
_FLAT = frozenset(
    "area base br col embed hr img input link meta source track wbr p li dt dd tr td th thead tbody tfoot "
    "option optgroup rb rt rp colgroup caption".split())

# The characters a line can open blocks with (indentation, quote and list markers): each adds at most 2 to the
# line's depth (a tab is four columns: a list and its item; a `-` at the end of a line: a list and its item).
_OPENERS = "[ \t>*+\\-0-9.)]"

MESSAGE = (f"blocks nested more than {MAX_DEPTH} levels deep (lists, quotes or HTML elements inside each "
           "other) from this line: no Markdown or HTML reader keeps that; flatten the text")


def too_deep(source: str, limit: int = MAX_DEPTH) -> int | None:
    """The 0-based index of the first line whose nesting passes `limit`, or None."""
    if source.count("<") <= limit // 2 and not _long_start(limit // 4).search("\n" + source):
        return None  # each line's start nests fewer than limit/2 levels, all its tags together limit/2 (most pages)
    return _scan(source, limit)


@functools.lru_cache(maxsize=8)
def _long_start(length: int) -> re.Pattern:
    """A line (after a newline) starting with `length` characters that can open blocks."""
    return re.compile(f"\n{_OPENERS}{{{length}}}")


def _scan(source: str, limit: int) -> int | None:
    open_tags: list[str] = []
    for n, line in enumerate(source.split("\n")):
        depth = 0
        indent = len(line) - len(line.lstrip(" \t"))
        if indent >= 4:
            depth += 2 * (len(line[:indent].expandtabs(4)) // 4)
        rest = line[indent:] if indent >= 4 else line
        while rest:
            m = _MARKER.match(rest)
            if not m or not m.group():
                break
            depth += 1 if m.group(1) else 2
            rest = rest[m.end():]
            if depth > limit:
                return n
        if "<" in rest and html_depth(rest, open_tags, limit - depth) is not None:
            return n
        if depth + len(open_tags) > limit:
            return n
    return None


def html_depth(html: str, open_tags: list[str] | None = None, limit: int = MAX_DEPTH) -> int | None:
    """Follow the HTML elements opened and closed in `html` (updating `open_tags`); the offset where more
    than `limit` are open at once, or None."""
    stack = open_tags if open_tags is not None else []
    for m in _TAG.finditer(html):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if name in _FLAT or selfclosing:
            continue
        if closing:
            if name in stack:
                while stack.pop() != name:
                    pass
        else:
            stack.append(name)
            if len(stack) > limit:
                return m.start()
    return None
