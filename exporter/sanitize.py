"""Quiz text is author HTML that ends up inside other systems: keep markup and text, drop scripts."""

from __future__ import annotations

import re

import nh3

from .links import FILE_SCHEME, PAGE_SCHEME

HEART = "\u2764"
# Text nh3 returns unchanged: no markup, no entity, none of the characters its HTML serializer rewrites
# (CR becomes LF, NUL is dropped, a no-break space becomes &nbsp;). Most statements are such text.
_PLAIN = re.compile("[^<>&\r\x00\u00a0]*")

INLINE_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "img",  # a statement may show a picture (carried where a format's quizzes carry files)
}
BLOCK_TAGS = INLINE_TAGS | {
    "blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "ul",
    "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "caption", "img", "figure", "figcaption",
}
# the reader's link targets (placeholders it wrote after resolving the author's links) pass as well
URL_SCHEMES = nh3.ALLOWED_URL_SCHEMES | {PAGE_SCHEME, FILE_SCHEME}
ATTRIBUTES = {
    "*": {"class", "lang", "dir", "title"},
    "a": {"href", "target"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def hearts(text: str) -> str:
    """`<3` in the source is a heart (the original site drew an icon), never a broken tag."""
    return text.replace("<3", HEART)


def clean_inline(html: str) -> str:
    """Statement, explanation, instruction: inline markup and text only."""
    html = hearts(html)
    if _PLAIN.fullmatch(html):
        return html.strip()
    return nh3.clean(html, tags=INLINE_TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer").strip()


def clean_blocks(html: str) -> str:
    """A quiz stimulus: block and inline markup, classes kept (a `.conv` chat line stays one)."""
    return nh3.clean(hearts(html), tags=BLOCK_TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer").strip()
