"""A source file's text as the reader sees it: one kind of line end.

Only `\n` ends a line (CRLF and a lone CR become `\n`), as every editor shows the file, so line numbers
in messages are the author's. Characters that Python, YAML or other tools take for line ends but Markdown
does not (NEL U+0085, the Unicode line and paragraph separators U+2028 and U+2029) would otherwise split a
line in two (a `---` after one became a heading) and shift every later line number: they become spaces.
Control characters (form feed and vertical tab among them) are the business of `text`: an error at their line.
"""

from __future__ import annotations

import re

_LINE_END = re.compile("\r\n?")
_SPACE_LIKE = re.compile("[\x85\u2028\u2029]")


def normalize(text: str) -> str:
    """The text with `\n` line ends and line-like characters as spaces. (Each character is looked for first: a
    search for one character is a fraction of a substitution's pass over a text that has none, as most have.)"""
    if "\r" in text:
        text = _LINE_END.sub("\n", text)
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = _SPACE_LIKE.sub(" ", text)
    return text


def file_name_text(name: str) -> str:
    """A file name as text for the packages: bytes that were not UTF-8 (lone surrogates in Python) as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
