"""What a build that writes quiz-only formats renders of a page: its quiz region, when the rest is inert.

A quiz-only format (QTI, Moodle XML) publishes a page's quiz and nothing of its text, but the text is still
checked: a broken link, an encoded item left outside the quiz, a second quiz or one inside a quote, a formula
that cannot be read are errors (or warnings) whatever the format. Rendering the whole page to find them cost
more than half of a quiz-only build's reading. So the reader renders only the quiz region (the chunk of lines
holding the quiz's attribute list, through the end of its item list) when a scan of the other lines proves that
rendering them could report nothing and link nothing, and that Markdown reads the region alone exactly as it
reads it in the page. Anything else is rendered whole, as for every other format.

The rest is inert when none of its lines holds what makes a link, an HTML element, an entity or a formula
(`[ < & \\ $`), a code span or fence (`` ` ~``), an attribute list that sets more than a class or an id, a
quiz's `data-n`, or a word that decodes to an item. The region stands on its own when a blank line (or the top
of the page) comes before it and its first line starts a top-level block (no indentation, quote or list marker),
and the first line after its item list's blank lines does too: Markdown then starts afresh at both ends.
"""

from __future__ import annotations

import re

from exporter.source.quiz import Bank, encoded_items, mask_items

# a character or word in a line that makes rendering it report or link something, or read its neighbours
# differently; a `{` that does not open an attribute list of classes and ids only (`{: .note #intro}`)
_LIVE = re.compile(r"[\[<&\\$`~\ufffe\uffff]|data-n|\{(?!:?(?:[ \t]*[.#][^\s{}=]+)+[ \t]*\})")
# the start of a line that continues the block before it: indentation, a quote, a list item
_CONTINUES = re.compile(r"[ \t]|>|(?:[-*+]|\d+[.)])(?:[ \t]|$)")


def quiz_region(lines: list[str], bank: Bank | None) -> str | None:
    """The Markdown to render for a quiz-only format (its items as stand-ins, `quiz.mask_items`): the quiz region
    as the page's other lines leave it, "" for a page with no quiz and no other text to check; None when the
    page must be rendered whole."""
    if bank is None:
        return "" if _inert(lines) else None
    start = bank.at
    while start > 0 and lines[start - 1].strip(" \t"):  # (a line of other white space, as U+00A0, is text)
        start -= 1
    end = bank.items[-1].end
    after = next((n for n in range(end, len(lines)) if lines[n].strip(" \t")), len(lines))
    if _CONTINUES.match(lines[start]) or (after < len(lines) and (after == end or _CONTINUES.match(lines[after]))):
        return None
    if not (_inert(lines[:start]) and _inert(lines[after:])):
        return None
    return mask_items(lines, bank.items, start, end)


def _inert(lines: list[str]) -> bool:
    text = "\n".join(lines)
    return not _LIVE.search(text) and not encoded_items(text)
