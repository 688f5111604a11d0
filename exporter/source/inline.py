"""Markdown's inline pass, skipping the patterns a text cannot hold.

Python-Markdown tries every inline pattern on every text of the page, in order, and most texts hold none of
the characters a pattern begins with: a paragraph without `[` cannot hold a link. `SkippingInline` is its own
inline processor with one change: a pattern whose regular expression needs a string the text does not contain
is passed over, as if it had been tried and found nothing (what Markdown does then: the text unchanged, the
search restarted at 0). Only patterns known here by their exact expression are ever passed over; a pattern
from anywhere else (another extension, another Markdown release) is always tried, so the output is Markdown's
own whatever is registered.
"""

from __future__ import annotations

import re

from markdown import inlinepatterns as ip
from markdown import util
from markdown.treeprocessors import InlineProcessor

from exporter.source.math import MATH

# An expression, and the strings of which a match holds at least one
NEEDS: dict[str, tuple[str, ...]] = {
    ip.BACKTICK_RE: ("`",),  # both branches end on, or look ahead at, a backtick
    ip.ESCAPE_RE: ("\\",),
    ip.LINK_RE: ("[",),  # also REFERENCE_RE
    ip.IMAGE_LINK_RE: ("![",),  # also IMAGE_REFERENCE_RE
    ip.AUTOLINK_RE: ("<",),
    ip.AUTOMAIL_RE: ("<",),
    ip.LINE_BREAK_RE: ("  \n",),
    ip.HTML_RE: ("<",),
    ip.ENTITY_RE: ("&",),
    MATH.pattern: ("$",),
}


def needs(pattern) -> tuple[str, ...] | None:
    """What a text must contain for `pattern` to match in it; None: try it on every text."""
    if type(pattern) is ip.DelimiterProcessor:  # noqa: E721 - exactly Markdown's own, whose expression is its tokens
        tokens = tuple(pattern.tokens)
        return tokens if tokens and pattern.pattern == "|".join(map(re.escape, tokens)) else None
    if isinstance(pattern, ip.InlineProcessor):
        return NEEDS.get(pattern.pattern)
    return None


class SkippingInline(InlineProcessor):
    """Markdown's InlineProcessor; a text is offered only the patterns that can match in it (see the module)."""

    def run(self, tree, ancestors=None):
        # what each pattern needs: one string (most), several (any of them), or None (always tried)
        self._plan = [(p, need[0] if need and len(need) == 1 else need) for p, need in
                      ((p, needs(p)) for p in self.inlinePatterns)]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        # InlineProcessor.__handleInline, name-mangled, with the skip; its recursive calls come here too
        if isinstance(data, util.AtomicString):
            return data
        plan = self._plan
        apply = self._InlineProcessor__applyPattern
        start = 0
        count = len(plan)
        while patternIndex < count:
            pattern, need = plan[patternIndex]
            if need is not None and (need not in data if type(need) is str else not any(s in data for s in need)):
                patternIndex, start = patternIndex + 1, 0  # what a pattern that found nothing returns
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def install(md) -> None:
    """Put SkippingInline in the place of `md`'s inline processor, at its priority (unless an extension replaced
    Markdown's own, or a Markdown release names its inner steps otherwise: then Markdown's own stays)."""
    inner = all(hasattr(InlineProcessor, f"_InlineProcessor__{name}") for name in ("handleInline", "applyPattern"))
    if inner and type(md.treeprocessors["inline"]) is InlineProcessor:  # noqa: E721 - exactly Markdown's own
        priority = next(item.priority for item in md.treeprocessors._priority if item.name == "inline")
        md.treeprocessors.register(SkippingInline(md), "inline", priority)
