"""Math in the author's text: `$…$` inline and `$$…$$` display TeX, made MathML when the course is read.

The rule is text2qti's: an inline formula has no white space just inside its dollars, and its closing dollar
is not followed by a digit, so "it costs $5 and $10" stays text; `\\$` is a dollar sign. A display formula may
span lines. Code spans and code blocks are never math (Markdown takes code first).

Each formula becomes `<math display="inline|block"><semantics>MathML<annotation encoding="application/x-tex">
TeX</annotation></semantics></math>` (`tex_mathml`): the MathML is what a browser lays out, the TeX is what
formats whose LMS renders TeX write instead (see exporter.mathml). A formula that cannot be read is recorded
(`record`), and the reader reports it at its file and line with the reason (`Formulas`).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

from lxml import etree
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from exporter import xmlchars
from exporter.mathml import ANNOTATION, TEX_ENCODING

# `$$…$$` (any text but a bare dollar, over lines), or `$…$` by text2qti's rule; neither after a backslash
# or right after another dollar.
MATH = re.compile(r"(?<![\\$])(?:\$\$(?P<display>(?:\\.|[^$\\])+?)\$\$(?!\$)"
                  r"|\$(?![\s$])(?P<inline>(?:\\.|[^$\\\n])+?)(?<![\s\\])\$(?![$0-9]))", re.DOTALL)
ESCAPED_DOLLAR = re.compile(r"\\\$")
_ANY = re.compile(r"\$")

# the MathML elements that take a fixed number of arguments, and the TeX that makes them
_ARITY = {"mfrac": (2, r"\frac"), "msup": (2, "^"), "msub": (2, "_"), "msubsup": (3, "_ and ^"),
          "mroot": (2, r"\sqrt[n]"), "munder": (2, "_"), "mover": (2, "^"), "munderover": (3, "_ and ^")}
# why latex2mathml refused a formula, by the name of its exception (latex2mathml.exceptions; the library is
# imported with the first formula: a course without one, or a rebuild from the page cache, never loads it)
_REASONS = {
    "NumeratorNotFoundError": r"\frac has no numerator",
    "DenominatorNotFoundError": r"\frac has no denominator",
    "ExtraLeftOrMissingRightError": r"a \left has no \right",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ has nothing after it",
    "DoubleSubscriptsError": "double subscript: write x_{ab} or {x_a}_b",
    "DoubleSuperscriptsError": "double superscript: write x^{ab} or {x^a}^b",
    "NoAvailableTokensError": "a command has no argument after it",
    "InvalidStyleForGenfracError": r"\genfrac has an invalid style",
    "MissingEndError": r"a \begin{...} has no \end{...}",
    "InvalidAlignmentError": "an array's column alignment is invalid",
    "InvalidWidthError": "a width is invalid",
    "LimitsMustFollowMathOperatorError": r"\limits must follow an operator such as \sum",
}


class TexError(ValueError):
    """A formula that cannot be read; the message says why."""


def tex_mathml(tex: str, display: bool) -> str:
    """The formula as an HTML `<math>` element holding its MathML and its TeX, or TexError."""
    char = xmlchars.bad_char(tex)
    if char is not None:  # the reader refuses these in a page; text from elsewhere (an import) may hold one
        raise TexError(f"it holds the control character {xmlchars.describe(char)}, which no package can carry")
    _balanced(tex)
    import latex2mathml.exceptions as texerr
    from latex2mathml.converter import convert

    try:
        mathml = convert(tex, display="block" if display else "inline")
    except tuple(getattr(texerr, name) for name in _REASONS) as exc:
        raise TexError(_REASONS[type(exc).__name__]) from None
    except (IndexError, KeyError, ValueError, TypeError, AttributeError, StopIteration) as exc:
        raise TexError(f"latex2mathml cannot read it ({type(exc).__name__}: {exc})") from None
    try:
        root = etree.fromstring(mathml)
    except etree.XMLSyntaxError:  # latex2mathml passes a bare & (TeX's column separator) and \text{<} on as they are
        raise TexError(r"a & outside a matrix, or a & or < inside \text{}: write \& for the sign, and < outside "
                       r"\text{}") from None
    for el in root.iter():
        el.tag = etree.QName(el).localname
    etree.cleanup_namespaces(root)
    _checked(root)
    math = etree.Element("math", display="block" if display else "inline")
    semantics = etree.SubElement(math, "semantics")
    body = list(root)
    if len(body) == 1:
        semantics.append(body[0])
    else:
        row = etree.SubElement(semantics, "mrow")
        row.text = root.text
        row.extend(body)
    etree.SubElement(semantics, ANNOTATION, encoding=TEX_ENCODING).text = tex
    return etree.tostring(math, encoding="unicode", method="html")


def _balanced(tex: str) -> None:
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex, re.DOTALL):
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            depth -= 1
            if depth < 0:
                raise TexError("a '}' closes no '{'")
    if depth:
        raise TexError("a '{' is never closed" if depth == 1 else f"{depth} '{{' are never closed")


def _checked(root: etree._Element) -> None:
    for el in root.iter():
        if el.tag in ("mi", "mo") and el.text and len(el.text) > 1 and el.text.startswith("\\"):
            raise TexError(f"unknown command {el.text}")
        if el.tag in _ARITY and len(el) < _ARITY[el.tag][0]:
            raise TexError(f"{_ARITY[el.tag][1]} is missing an argument")


# --- recording formulas that cannot be read, to report them where they stand ------------------------------

@dataclass
class Bad:
    tex: str
    display: bool
    reason: str
    line: int | None  # where the text holding it starts, when the caller knows (an item's line)

    @property
    def written(self) -> str:
        return f"$${self.tex}$$" if self.display else f"${self.tex}$"


_found: list[list[Bad]] = []
_line: list[int | None] = [None]


@contextmanager
def formulas():
    """Collect the formulas that cannot be read while a page is built: yields the list they go into."""
    bad: list[Bad] = []
    _found.append(bad)
    try:
        yield bad
    finally:
        _found.pop()


class at_line:  # noqa: N801 (used as a function: `with at_line(n):`)
    """Formulas read inside stand on this file line (an item's text, read from its own lines). A class, not a
    generator: it is entered once per quiz item."""

    __slots__ = ("line",)

    def __init__(self, line: int | None):
        self.line = line

    def __enter__(self) -> None:
        _line.append(self.line)

    def __exit__(self, *exc) -> None:
        _line.pop()


def record(tex: str, display: bool, reason: str) -> None:
    if _found:
        _found[-1].append(Bad(tex, display, reason, _line[-1]))


def mathml_or_none(tex: str, display: bool) -> str | None:
    """The formula's `<math>` HTML, or None (recorded) when it cannot be read."""
    try:
        return tex_mathml(tex, display)
    except TexError as exc:
        record(tex, display, str(exc))
        return None


def message(bad: Bad) -> str:
    return f"the formula {bad.written} cannot be read: {bad.reason} (write it in TeX, as LaTeX math mode takes it)"


# --- in Markdown --------------------------------------------------------------------------------------------

class _MathProcessor(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 - Markdown's name
        ial = data.rfind("{:", 0, m.start())
        if ial >= 0 and "}" not in data[ial:m.start()]:
            return None, None, None  # inside an attribute list (`{: data-opt="..."}`): its text, not math
        display = m.group("display") is not None
        tex = m.group("display") if display else m.group("inline")
        html = mathml_or_none(tex.strip() if display else tex, display)
        if html is None:
            return None, None, None
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class MathExtension(Extension):
    """`$…$` and `$$…$$` as MathML, after code spans (190) and before backslash escapes (180); `\\$` a dollar."""

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's name
        md.inlinePatterns.register(_MathProcessor(MATH.pattern, md), "math", 185)
        if "$" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("$")
        # a formula alone in its paragraph stays in it (Markdown would take a stashed <math> for a block)
        if "math" in md.block_level_elements:
            md.block_level_elements.remove("math")


def has_math(text: str) -> bool:
    return "$" in text


# --- in HTML (an item written as base64 holds HTML, not Markdown) --------------------------------------------

_CODE = {"code", "pre", "kbd", "samp", "script", "style", "math"}


def html_math(html: str) -> str:
    """HTML with the formulas in its text (outside code) as MathML, and `\\$` as `$`."""
    if "$" not in html:
        return html
    import lxml.html  # only for the rare item with a dollar

    div = lxml.html.fragment_fromstring(html, create_parent="div")
    changed = False
    for el in list(div.iter()):
        if not isinstance(el.tag, str) or el.tag in _CODE or any(a.tag in _CODE for a in el.iterancestors()):
            continue
        if el.text and "$" in el.text:
            changed |= _text_math(el, el.text, into_text=True)
        for child in list(el):
            if child.tail and "$" in child.tail:
                changed |= _text_math(child, child.tail, into_text=False)
    if not changed:
        return html
    from exporter.source.markup import inner_html
    return inner_html(div)


def _text_math(el: etree._Element, text: str, into_text: bool) -> bool:
    """Replace `text` (el's text, or its tail) by text and `<math>` elements."""
    import lxml.html

    pieces: list = []
    at = 0
    for m in MATH.finditer(text):
        display = m.group("display") is not None
        tex = m.group("display") if display else m.group("inline")
        html = mathml_or_none(tex.strip() if display else tex, display)
        if html is None:
            continue
        pieces += [text[at:m.start()], lxml.html.fragment_fromstring(html)]
        at = m.end()
    pieces.append(text[at:])
    pieces = [ESCAPED_DOLLAR.sub("$", p) if isinstance(p, str) else p for p in pieces]
    if len(pieces) == 1 and pieces[0] == text:
        return False
    parent, at_index = (el, 0) if into_text else (el.getparent(), el.getparent().index(el) + 1)
    first = pieces[0]
    if into_text:
        el.text = first
    else:
        el.tail = first
    for k in range(1, len(pieces), 2):
        node = pieces[k]
        node.tail = pieces[k + 1]
        parent.insert(at_index, node)
        at_index += 1
    return True


__all__ = ["MATH", "MathExtension", "TexError", "Bad", "at_line", "formulas", "has_math", "html_math",
           "mathml_or_none", "message", "tex_mathml"]
