"""Where a piece of a page's source is: file line numbers for messages, found in linear time.

Some messages name lines for things found in the rendered tree (an encoded item left on the page), which no
longer knows its source line. Looking each one up from the top of the page is quadratic on a page of many.
A LineFinder is built once per page; lookups go forward from the last one found (the tree is walked in
document order, so the next thing is almost always further down), wrap around to the top only when it
is not found below, and remember every answer. What a page's lookups may scan in all is bounded by a few
times its length: past that, a lookup that is not already known answers None (no line).
(Links have their own index, resolve.LineIndex, built from the URLs a page writes.)
"""

from __future__ import annotations

from bisect import bisect_right


class LineFinder:
    """The body `lines` of a page whose first line is file line `first_line`."""

    def __init__(self, lines: list[str], first_line: int):
        self.first_line = first_line
        self.text = "\n".join(lines)
        self.starts = [0]
        pos = self.text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = self.text.find("\n", pos + 1)
        self._cursor = 0
        self._found: dict[str, int | None] = {}
        self._budget = 8 * len(self.text) + 100_000  # characters lookups may still scan

    def line_at(self, offset: int) -> int:
        """The file line holding the character at `offset` of the body."""
        return self.first_line + bisect_right(self.starts, offset) - 1

    def find(self, needle: str) -> int | None:
        """The file line of `needle`: its next occurrence from the last one found, else its first."""
        if not needle:
            return None
        if needle in self._found:
            return self._found[needle]
        if self._budget <= 0:
            return None
        pos = self.text.find(needle, self._cursor)
        self._budget -= (pos if pos >= 0 else len(self.text)) - self._cursor
        if pos < 0:
            pos = self.text.find(needle, 0, self._cursor + len(needle))
            self._budget -= pos if pos >= 0 else self._cursor
        if pos < 0:
            self._found[needle] = None
            return None
        self._cursor = self.starts[bisect_right(self.starts, pos) - 1]  # things later on the same line
        line = self._found[needle] = self.line_at(pos)
        return line
