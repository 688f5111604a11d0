"""Quiz text is author HTML that ends up inside other systems: keep markup and text, drop scripts."""

from __future__ import annotations

import functools
import re
from html import unescape

import nh3

from exporter.links import FILE_SCHEME, PAGE_SCHEME

HEART = "\u2764"
# Text nh3 returns unchanged: no markup, no entity, none of the characters its HTML serializer rewrites
# (CR becomes LF, NUL is dropped, a no-break space becomes &nbsp;), no byte order mark first (its parser drops
# one there). Most statements are such text.
_PLAIN = re.compile("(?!\ufeff)[^<>&\r\x00\u00a0]*")

# Formulas (exporter.source.math): MathML presentation elements, the TeX annotation, and their layout attributes.
# No annotation-xml (it can hold HTML), no maction, no link or style attribute.
MATH_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup",
    "msubsup", "mfrac", "msqrt", "mroot", "mstyle", "merror", "mpadded", "mphantom", "menclose", "mfenced",
    "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd", "mlabeledtr",
}
_MATH_LAYOUT = {"mathvariant", "mathsize", "displaystyle", "scriptlevel"}
MATH_ATTRIBUTES = {
    "math": {"display"} | _MATH_LAYOUT,
    "annotation": {"encoding"},
    "mo": {"accent", "fence", "form", "largeop", "lspace", "maxsize", "minsize", "movablelimits", "rspace",
           "separator", "stretchy", "symmetric"} | _MATH_LAYOUT,
    "mi": _MATH_LAYOUT, "mn": _MATH_LAYOUT, "mtext": _MATH_LAYOUT, "ms": _MATH_LAYOUT, "mrow": _MATH_LAYOUT,
    "mstyle": _MATH_LAYOUT,
    "mspace": {"width", "height", "depth", "linebreak"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "mfrac": {"linethickness"} | _MATH_LAYOUT,
    "munder": {"accentunder"}, "mover": {"accent"}, "munderover": {"accent", "accentunder"},
    "menclose": {"notation"},
    "mtable": {"columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines", "frame"}
    | _MATH_LAYOUT,
    "mtr": {"columnalign", "rowalign"},
    "mtd": {"columnalign", "rowalign", "columnspan", "rowspan"},
}
INLINE_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "img",  # a statement may show a picture (carried where a format's quizzes carry files)
} | MATH_TAGS
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
    **MATH_ATTRIBUTES,
}


# `<3` is a heart unless a number follows (`<30 seconds`, `pH <3.5`) or it is part of a URL or code.
_HEART = re.compile(r"<3(?![0-9]|\.[0-9])")
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://\S*")
_ANY_TAG = re.compile(r"(<[A-Za-z/!?][^>]*>)")
HEART_MARK = "\ufffe"  # a `<3` in Markdown source while it is rendered (the reader removes U+FFFE from sources)
STAND_IN_MARK = "\uffff"  # what the reader's stand-ins are made of (`markup`, `quiz.find_bank`): it refuses U+FFFF
_CODE_TAGS = {"code", "pre", "kbd", "samp", "script", "style"}
_CODE_NAMES = "|".join(sorted(_CODE_TAGS))
_CODE_TAG = re.compile(rf"<(?:({_CODE_NAMES})\b[^>]*|/({_CODE_NAMES})\s*)>", re.IGNORECASE)  # a code start or end tag
_URL_ATTRIBUTES = {"href", "src", "action", "cite", "data", "poster", "srcset"}


def _text_hearts(text: str) -> str:
    return _URL.sub(lambda m: m.group().replace(HEART_MARK, "<3"), text).replace(HEART_MARK, HEART)


def hearts(html: str) -> str:
    """`<3` in author HTML (quiz text) is a heart, never a broken tag: in text, outside code and URLs."""
    if "<3" not in html:
        return html
    out, at = [], 0
    for start, end in _code_spans(html):
        out.append(_outside_code_hearts(html[at:start]))
        out.append(html[start:end])
        at = end
    out.append(_outside_code_hearts(html[at:]))
    return "".join(out)


def _outside_code_hearts(html: str) -> str:
    parts = _ANY_TAG.split(html)  # text, tag, text, ...
    for n in range(0, len(parts), 2):
        if "<3" in parts[n]:
            parts[n] = _text_hearts(_HEART.sub(HEART_MARK, parts[n]))
    return "".join(parts)


def _code_spans(html: str) -> list[tuple[int, int]]:
    """Where code is, in order: each code element from its start tag to the end tag that closes it (a code element
    inside another of its name closes first); an unclosed start tag runs to the next end tag of its name, if any."""
    tags = [(m.start(), m.end(), m.group(2) is not None, (m.group(1) or m.group(2)).lower())
            for m in _CODE_TAG.finditer(html)]
    spans, open_by_name = [], {}
    for start, end, closing, name in tags:
        stack = open_by_name.setdefault(name, [])
        if not closing:
            stack.append(start)
        elif stack:
            opened = stack.pop()
            if not stack:
                spans.append((opened, end))
    unclosed = {start for stack in open_by_name.values() for start in stack}
    following: dict[str, int] = {}  # the next end tag of each name after the place reached (walking backwards)
    for start, end, closing, name in reversed(tags):
        if closing:
            following[name] = end
        elif name in following and start in unclosed:
            spans.append((start, following[name]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark_hearts(source: str) -> str:
    """Markdown source with each heart `<3` as HEART_MARK; `hearts_in_tree` decides after rendering."""
    return _HEART.sub(HEART_MARK, source) if "<3" in source else source


def hearts_in_tree(tree) -> None:
    """Rendered marks as hearts in text and text attributes; as `<3` again in code, URLs and URL attributes. A text
    that also holds a reader's stand-in (U+FFFF, which lxml refuses to set) is left as it is: a tree where a
    stand-in is not a list item's whole text is one the reader renders again without stand-ins."""
    for el in tree.iter():
        if not isinstance(el.tag, str):  # a comment: only the text after it is the page's
            if _marked(el.tail):
                parent = el.getparent()
                outer = parent is not None and (parent.tag in _CODE_TAGS or
                                                any(a.tag in _CODE_TAGS for a in parent.iterancestors()))
                el.tail = el.tail.replace(HEART_MARK, "<3") if outer else _text_hearts(el.tail)
            continue
        for name, value in el.attrib.items():
            if _marked(value):
                el.set(name, value.replace(HEART_MARK, "<3") if name in _URL_ATTRIBUTES else _text_hearts(value))
        if _marked(el.text):
            code = el.tag in _CODE_TAGS or any(a.tag in _CODE_TAGS for a in el.iterancestors())
            el.text = el.text.replace(HEART_MARK, "<3") if code else _text_hearts(el.text)
        if _marked(el.tail):
            parent = el.getparent()
            outer = parent is not None and (parent.tag in _CODE_TAGS or
                                            any(a.tag in _CODE_TAGS for a in parent.iterancestors()))
            el.tail = el.tail.replace(HEART_MARK, "<3") if outer else _text_hearts(el.tail)


def _marked(text: str | None) -> bool:
    """A text with a heart's mark to put back, and no stand-in (`hearts_in_tree`)."""
    return bool(text) and HEART_MARK in text and STAND_IN_MARK not in text


def clean_inline(html: str) -> str:
    """Statement, explanation, instruction: inline markup and text only."""
    return _clean(html, INLINE_TAGS)


def clean_blocks(html: str) -> str:
    """A quiz stimulus: block and inline markup, classes kept (a `.conv` chat line stays one)."""
    return _clean(html, BLOCK_TAGS)


def _clean(html: str, tags) -> str:
    """Hearts put in, then nh3 with these tags; text with no markup (most parts) skips it: what tags are allowed
    does not matter there."""
    html = hearts(html)
    if _PLAIN.fullmatch(html):
        return html.strip()
    return _cleaner(frozenset(tags)).clean(html).strip()


@functools.lru_cache(maxsize=4)
def _cleaner(tags: frozenset) -> nh3.Cleaner:
    """nh3's sanitizer for these tags, set up once (`nh3.clean` sets one up per call: 8 times the cost)."""
    return nh3.Cleaner(tags=set(tags), attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


_TAG = re.compile(r"<[^>]*>")


def visible_text(html: str) -> str:
    """What a reader sees of sanitized HTML: tags dropped, entities decoded, whitespace folded."""
    if "<" in html or "&" in html:
        html = unescape(_TAG.sub("", html))
    return " ".join(html.split())
