"""Author HTML fragments (from the model) as XML: well-formed XHTML text for formats that carry HTML
as a string (QTI 1.2 mattext, Moodle XML, CC), or elements in a namespace for formats whose bodies
are XML (QTI 2.1 and 3.0 itemBody).

Model fragments are already sanitized and hold no named entities; this module only changes syntax.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

import lxml.html
from lxml import etree

from exporter import mathml

# Characters XML 1.0 cannot hold at all (C0 controls other than tab, newline, return; U+FFFE/FFFF; lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPACE = re.compile(r"\s+")
_ABSOLUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|/)")

# The XHTML subset QTI 2.1 and 3.0 bodies accept (as elements in the QTI namespace), with each tag's attributes.
# Tags outside it are unwrapped (their text kept); attributes outside it are dropped.
_COMMON = {"id", "class"}
QTI_HTML: dict[str, set[str]] = {
    **{t: _COMMON for t in (
        "abbr", "acronym", "b", "big", "blockquote", "br", "caption", "cite", "code", "dd", "dfn", "div", "dl",
        "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "q", "samp",
        "small", "span", "strong", "sub", "sup", "table", "tbody", "thead", "tfoot", "tr", "tt", "ul", "var")},
    "a": _COMMON | {"href"},
    "img": _COMMON | {"src", "alt", "width", "height"},
    "td": _COMMON | {"colspan", "rowspan"},
    "th": _COMMON | {"colspan", "rowspan", "scope"},
}
BLOCK_TAGS = {"blockquote", "div", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre", "table", "ul"}


def xml_chars(text: str) -> str:
    """Text with the characters XML cannot hold removed."""
    return _NOT_XML.sub("", text)


def parse_fragment(html: str) -> etree._Element:
    """An HTML fragment parsed into a <div> that holds it."""
    return lxml.html.fragment_fromstring(xml_chars(html) or "", create_parent="div")


def text_html(text: str) -> str:
    """Plain text (a label, a name) as HTML text: `&`, `<`, `>` stay characters."""
    return escape(xml_chars(text), quote=False)


def _plain(html: str) -> bool:
    """Text with no markup and no entity: its XHTML is itself (with `>` escaped), no parse needed."""
    return "<" not in html and "&" not in html and "\r" not in html


@lru_cache(maxsize=1 << 16)  # every writer of a build converts the same fragments: parse each once
def to_xhtml(html: str) -> str:
    """The fragment as well-formed XHTML text (`<br/>`, every element closed, `&`/`<` escaped), no namespace."""
    return escape(xml_chars(html), quote=False).strip() if _plain(html) else parsed_xhtml(html)


def parsed_xhtml(html: str) -> str:
    """`to_xhtml` by parsing the fragment, whatever it holds."""
    div = parse_fragment(html)
    out = [escape(div.text, quote=False)] if div.text else []
    out += [etree.tostring(child, encoding="unicode", method="xml", with_tail=True) for child in div]
    return "".join(out).strip()


@lru_cache(maxsize=1 << 16)
def to_text(html: str) -> str:
    """What a reader sees of the fragment, as one line of plain text."""
    if _plain(html):
        text = xml_chars(html)
    else:
        div = parse_fragment(html)
        for math in list(div.iter("math")):  # a formula reads as its TeX between dollars, as written
            tex, display = mathml.tex_of(math)
            span = etree.Element("span")
            span.text, span.tail = (f"$${tex}$$" if display else f"${tex}$"), math.tail
            math.getparent().replace(math, span)
        text = div.text_content()
    return _SPACE.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where possible, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "\u2026"


def local_files(html: str) -> list[str]:
    """The course files a fragment shows or links to (relative `src`/`href`), in order."""
    if "src=" not in html and "href=" not in html:
        return []
    div = parse_fragment(html)
    found = [el.get("src") or el.get("href") for el in div.iter("img", "a", "source", "audio", "video")]
    return [url for url in found if url and not _ABSOLUTE.match(url) and not url.startswith("#")]


def question_html(quiz, item) -> str:
    """A self-contained question: the quiz's stimulus (shared context), then the statement."""
    statement = f"<p>{item.statement_html}</p>"
    return f"{quiz.stimulus_html}\n{statement}" if quiz.stimulus_html else statement


def question_xhtml(quiz, item) -> str:
    """`to_xhtml(question_html(quiz, item))`, made from the stimulus converted once per quiz and the statement
    (an inline fragment, so it stays whole inside the paragraph)."""
    statement = f"<p>{to_xhtml(item.statement_html)}</p>"
    return f"{to_xhtml(quiz.stimulus_html)}\n{statement}" if quiz.stimulus_html.strip() else statement


def append_html(parent: etree._Element, html: str, ns: str, allowed: dict[str, set[str]] = QTI_HTML,
                block: bool = False) -> None:
    """Append the fragment's content to `parent` as elements in namespace `ns`.

    Tags outside `allowed` are unwrapped (text kept), attributes outside it dropped. With `block`,
    loose text and inline elements at the top level are gathered into paragraphs, for containers
    that take only blocks (QTI itemBody, feedback blocks)."""
    div = _namespaced(parse_fragment(html), ns, allowed)
    if not block:
        _append_content(parent, div)
        return
    para: etree._Element | None = None

    def paragraph() -> etree._Element:
        nonlocal para
        if para is None:
            para = etree.SubElement(parent, f"{{{ns}}}p")
        return para

    if div.text and div.text.strip():
        _add_text(paragraph(), div.text.lstrip())
    for child in list(div):
        tail, child.tail = child.tail, None
        if etree.QName(child).localname in BLOCK_TAGS:
            parent.append(child)
            para = None
        else:
            paragraph().append(child)
        if tail and (tail.strip() or para is not None):
            text = tail if para is not None else tail.lstrip()
            _add_text(paragraph(), text)


def _add_text(el: etree._Element, text: str) -> None:
    """Text appended at the end of el's content."""
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def _append_content(parent: etree._Element, div: etree._Element) -> None:
    if div.text:
        _add_text(parent, div.text)
    for child in list(div):
        parent.append(child)


def _namespaced(div: etree._Element, ns: str, allowed: dict[str, set[str]]) -> etree._Element:
    """A copy of the tree with allowed tags moved into `ns`, others unwrapped, attributes filtered."""
    out = etree.Element(f"{{{ns}}}div")
    out.text = div.text
    for child in div:
        _copy_into(out, child, ns, allowed)
    return out


def _copy_into(parent: etree._Element, el: etree._Element, ns: str, allowed: dict[str, set[str]]) -> None:
    tag = el.tag if isinstance(el.tag, str) else None  # comments and processing instructions are dropped
    if tag == "math":  # a formula: MathML in its own namespace, as QTI 2.1 and 3.0 bodies embed it
        new = mathml.namespaced(el)
        new.tail = el.tail
        parent.append(new)
        return
    # a link whose target the package cannot carry (no href left) is its text: QTI's `a` requires an href
    if tag is not None and tag.lower() in allowed and not (tag.lower() == "a" and el.get("href") is None):
        new = etree.SubElement(parent, f"{{{ns}}}{tag.lower()}",
                               {k: v for k, v in el.attrib.items() if k in allowed[tag.lower()]})
        new.text = el.text
        for child in el:
            _copy_into(new, child, ns, allowed)
        new.tail = el.tail
        return
    # unwrap: the element's text and children take its place
    holder = etree.Element("holder")
    holder.text = el.text if tag is not None else None
    for child in el if tag is not None else ():
        _copy_into(holder, child, ns, allowed)
    _add_text(parent, holder.text or "")
    for child in list(holder):
        parent.append(child)
    _add_text(parent, el.tail or "")


__all__ = ["QTI_HTML", "append_html", "local_files", "parse_fragment", "parsed_xhtml", "question_html",
           "question_xhtml", "shorten", "text_html", "to_text", "to_xhtml", "xml_chars"]
