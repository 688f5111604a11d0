"""Formulas in model fragments, as each package writes them.

The reader makes each `$…$` / `$$…$$` formula one `<math display="inline|block">` element: its MathML
inside `<semantics>`, its TeX in `<annotation encoding="application/x-tex">` (exporter.source.math). A writer
keeps that (HTML, SCORM, QTI 2.x: browsers lay out MathML Core) or writes the TeX form its LMS renders, in one
step over every fragment (`Writer.math`, applied by `layout.write_links`):

- `tex`: `\\(TeX\\)` inline, `$$TeX$$` display: what Moodle's MathJax filter (on by default) typesets.
- `canvas`: Canvas's equation image, `<img class="equation_image" data-equation-content="TeX" ...>`, which
  Canvas draws from its own `/equation_images/` route and its editor opens as an equation (docs/canvas.md).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import lxml.html
from lxml import etree

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
ANNOTATION = "annotation"
TEX_ENCODING = "application/x-tex"
MARK = "<math"  # a fragment holds a formula only if it holds this


def tex_of(math: etree._Element) -> tuple[str, bool]:
    """A `<math>` element's TeX (from its annotation) and whether it is a display formula."""
    tex = next((a.text or "" for a in math.iter() if isinstance(a.tag, str) and
                etree.QName(a).localname == ANNOTATION and a.get("encoding") == TEX_ENCODING), None)
    if tex is None:  # pragma: no cover - the reader writes the annotation on every formula
        tex = "".join(math.itertext())
    return tex, math.get("display") == "block"


def tex_text(tex: str, display: bool) -> str:
    """The TeX with the delimiters MathJax reads by default."""
    return f"$${tex}$$" if display else f"\\({tex}\\)"


# Canvas's own equation images (see docs/canvas.md): the TeX twice URL-escaped in the path, as the rich
# content editor writes it, the TeX again in data-equation-content (what its equation editor reopens).
# Canvas's images are inline either way: a display formula is one of them alone in its paragraph.
def canvas_image(tex: str, display: bool) -> etree._Element:
    return etree.Element("img", {
        "class": "equation_image", "title": tex, "src": "/equation_images/" + quote(quote(tex, safe=""), safe="")
        + "?scale=1", "alt": f"LaTeX: {tex}", "data-equation-content": tex})


def _replace(html: str, make) -> str:
    if MARK not in html:
        return html
    div = lxml.html.fragment_fromstring(html, create_parent="div")
    for math in list(div.iter("math")):
        if any(a.tag == "math" for a in math.iterancestors()):
            continue
        tex, display = tex_of(math)
        new = make(tex, display)
        parent = math.getparent()
        if isinstance(new, str):
            prev = math.getprevious()
            text = new + (math.tail or "")
            if prev is not None:
                prev.tail = (prev.tail or "") + text
            else:
                parent.text = (parent.text or "") + text
            parent.remove(math)
        else:
            new.tail = math.tail
            parent.replace(math, new)
    out = [escape(div.text, quote=False)] if div.text else []
    out += [lxml.html.tostring(c, encoding="unicode", with_tail=True) for c in div]
    return "".join(out).strip()


def as_tex(html: str) -> str:
    """The fragment with each formula as its TeX between MathJax's delimiters."""
    return _replace(html, tex_text)


def as_canvas(html: str) -> str:
    """The fragment with each formula as a Canvas equation image."""
    return _replace(html, canvas_image)


STEPS = {"mathml": None, "tex": as_tex, "canvas": as_canvas}  # Writer.math -> the step over each fragment


def namespaced(math: etree._Element) -> etree._Element:
    """A copy of an HTML `<math>` element as MathML elements in their namespace (for XML bodies, QTI 2.x)."""
    out = etree.Element(f"{{{MATHML_NS}}}math", nsmap={None: MATHML_NS})
    _copy(math, out)
    return out


def _copy(src: etree._Element, dst: etree._Element) -> None:
    for name, value in src.attrib.items():
        dst.set(name, value)
    dst.text = src.text
    for child in src:
        if not isinstance(child.tag, str):
            continue
        new = etree.SubElement(dst, f"{{{MATHML_NS}}}{child.tag}")
        _copy(child, new)
        new.tail = child.tail


__all__ = ["ANNOTATION", "MARK", "MATHML_NS", "STEPS", "TEX_ENCODING", "as_canvas", "as_tex", "canvas_image",
           "namespaced", "tex_of", "tex_text"]
