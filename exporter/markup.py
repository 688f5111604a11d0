"""Render a page's Markdown once, and resolve its links and local files."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import markdown
from lxml import etree

from .errors import Report
from .sanitize import hearts

_md = markdown.Markdown(extensions=["attr_list"], output_format="html")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm")


# A list line whose content is one base64 word: a quiz item. Markdown's inline pass leaves such a word as it is,
# at a cost (every inline pattern tried on every item), so a run of them goes through Markdown as one stand-in item.
_B64_LINE = re.compile(r"^[-*+] +[A-Za-z0-9+/]{8,}={0,2}[ \t]*$")
_STAND_IN = re.compile(r"exporterbank(\d+)x")


def render(source: str) -> etree._Element:
    """Markdown (kramdown flavour: IALs, inline HTML, entities) into a <div> holding the blocks."""
    folded, runs = _fold_banks(source)
    if runs:
        tree = _render(folded)
        if _unfold_banks(tree, runs):
            return tree
    return _render(source)  # no bank, or one in a shape the stand-in does not reproduce exactly


def _render(source: str) -> etree._Element:
    _md.reset()
    html = _md.convert(hearts(source))
    return lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")


def _fold_banks(source: str) -> tuple[str, list[list[str]]]:
    """Each run of base64 list lines, standing alone between blank lines, replaced by one stand-in list line."""
    if _STAND_IN.search(source):
        return source, []
    lines = source.split("\n")
    out: list[str] = []
    runs: list[list[str]] = []
    n = 0
    while n < len(lines):
        end = n
        while end < len(lines) and _B64_LINE.match(lines[end]):
            end += 1
        if end > n and (n == 0 or not lines[n - 1].strip()) and (end == len(lines) or not lines[end].strip()):
            out.append(f"{lines[n][0]} exporterbank{len(runs)}x")
            runs.append([line.split(None, 1)[1].strip() for line in lines[n:end]])
            n = end
        else:
            out.append(lines[n])
            n += 1
    return "\n".join(out), runs


def _unfold_banks(tree: etree._Element, runs: list[list[str]]) -> bool:
    """Put each run's items back where its stand-in was rendered. Only a tight list item (`<li>stand-in</li>`)
    is taken: in a loose list Markdown wraps items in paragraphs its own way, so False: render in full."""
    found = 0
    for li in list(tree.iter("li")):
        m = _STAND_IN.fullmatch((li.text or "").strip())
        if not m:
            continue
        run = int(m.group(1))
        if len(li) or run >= len(runs):
            return False
        parent = li.getparent()
        at = parent.index(li)
        parent.remove(li)
        for n, word in enumerate(runs[run]):
            new = etree.Element("li")
            new.text, new.tail = word, li.tail
            parent.insert(at + n, new)
        found += 1
    return found == len(runs)


def inner_html(el: etree._Element) -> str:
    """The serialized content of an element (text and children), HTML syntax."""
    parts = [escape(el.text, quote=False)] if el.text else []
    parts += [lxml.html.tostring(c, encoding="unicode", with_tail=True) for c in el]
    return "".join(parts).strip()


def outer_html(elements) -> str:
    return "\n".join(lxml.html.tostring(e, encoding="unicode", with_tail=False).strip() for e in elements)


@dataclass
class LinkContext:
    """What link resolution needs to know about the course."""

    root: Path  # the course folder
    pages: dict[str, str]  # lower-case source stem -> page href inside the package
    site_url: str
    report: Report
    files: dict[str, bytes] = field(default_factory=dict)  # collected local files, by package path


def find_line(lines: list[str], needle: str, first_line: int) -> int | None:
    """The file line (1-based) of the first body line holding needle; lines are the body's."""
    for n, text in enumerate(lines):
        if needle in text:
            return first_line + n
    return None


def resolve_links(tree: etree._Element, src: Path, lines: list[str], first_line: int, ctx: LinkContext) -> None:
    """Rewrite hrefs and srcs in place: course pages, local files, site-absolute and external links."""
    rel = src.relative_to(ctx.root).as_posix()
    shown = str(src)
    for el in tree.iter("a", "img", "source", "audio", "video"):
        attr = "href" if el.tag == "a" else "src"
        url = (el.get(attr) or "").strip()
        if not url or url.startswith("#"):
            continue
        line = find_line(lines, url, first_line)
        parts = urlsplit(url)
        frag = f"#{parts.fragment}" if parts.fragment else ""
        if _SCHEME.match(url) or url.startswith("//"):
            if el.tag == "a" and parts.scheme in ("http", "https", ""):
                el.set("target", "_blank")
                el.set("rel", "noopener noreferrer")
            elif el.tag != "a" and parts.scheme in ("http", "https", ""):
                ctx.report.warning(shown, line, f"{url} is loaded from another web site: it will not show where "
                                   "the LMS runs offline or blocks outside content; put the file in the course folder")
            continue
        page = _page_target(parts.path, ctx.pages) if el.tag == "a" else None
        if page:
            el.set(attr, page + frag)
        elif url.startswith("/"):
            if ctx.site_url:
                el.set(attr, ctx.site_url + url)
                if el.tag == "a":
                    el.set("target", "_blank")
                    el.set("rel", "noopener noreferrer")
            else:
                ctx.report.warning(shown, line, f"site-absolute link {url} is neither a page of this course nor "
                                   "reachable inside an LMS: set site_url in course.yml or link to a page")
        else:
            target = _local_file(parts.path, rel, shown, line, ctx)
            if target:
                el.set(attr, target + (f"?{parts.query}" if parts.query else "") + frag)


def _page_target(path: str, pages: dict[str, str]) -> str | None:
    """A course page named by file name (with or without .md/.html) or by its site path."""
    p = unquote(path)
    if not p.startswith("/") and "/" in p.removeprefix("./"):
        return None  # a relative path into a folder is a local file, not a page
    name = posixpath.basename(p.rstrip("/")).lower()
    for suffix in _PAGE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return pages.get(name) if name else None


def _local_file(path: str, page_rel: str, shown: str, line: int | None, ctx: LinkContext) -> str | None:
    """A relative link to a file beside the pages: check it, carry it, return its package path."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_rel), unquote(path)))
    if joined.startswith("../") or joined == ".." or posixpath.isabs(joined):
        ctx.report.error(shown, line, f"{path} lies outside the course folder: move the file into the course folder")
        return None
    file = ctx.root / joined
    if not file.is_file():
        ctx.report.error(shown, line, f"{path} does not exist: add the file to the course folder or fix the link")
        return None
    try:
        file.resolve().relative_to(ctx.root.resolve())
    except ValueError:
        ctx.report.error(shown, line, f"{path} lies outside the course folder (a link that leaves it): "
                         "copy the file into the course folder")
        return None
    if joined not in ctx.files:
        ctx.files[joined] = file.read_bytes()
    return joined
