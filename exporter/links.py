"""Links as the model holds them, and their writing: the half of the link model every stage shares.

The reader resolves every link and image an author wrote once (`exporter.source.resolve`) into a `Target`: a
course page or a course file. Page and file targets are written into the model's HTML as placeholder URLs
(`exporter-page:<page id>#f`, `exporter-file:<path>?q#f`), so no writer can take one for the other, nor ship one
unwritten (the build checks), and each is recorded as a `LinkUse` where it stands. Writer side,
`rewrite(html, page=..., file=...)` puts each one through the writer's callables: a relative path,
`$IMS-CC-FILEBASE$/...`, `@@PLUGINFILE@@/...`, or None to drop the link and keep its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape
from typing import Callable
from urllib.parse import quote, unquote, urlsplit

PAGE_SCHEME = "exporter-page"
FILE_SCHEME = "exporter-file"
MARK = "exporter-"  # what every placeholder starts with: a fragment without it has nothing to rewrite
# every attribute that refers to another resource, by tag; `srcset` holds a list of URLs
URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",), "area": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "audio": ("src",), "video": ("src", "poster"), "track": ("src",), "embed": ("src",), "iframe": ("src",),
    "object": ("data",), "input": ("src",),
}
_ALL_URL_ATTRS = frozenset(a for attrs in URL_ATTRS.values() for a in attrs)
_SAFE = "/!$&()*+,;=@-._~"  # what a path keeps as it is (RFC 3986 pchar but ':', and '/'); the rest is %-encoded
_SAFE_TAIL = _SAFE + "?%"  # query and fragment: as the author wrote them, quotes and spaces encoded


@dataclass(frozen=True)
class Target:
    """Where a link or image points: a course page (`ref` = page id) or a course file (`ref` = package path)."""

    kind: str  # "page" | "file"
    ref: str
    query: str = ""
    fragment: str = ""

    @property
    def url(self) -> str:
        """The placeholder written into the model's HTML."""
        if self.kind == "page":
            return f"{PAGE_SCHEME}:{self.ref}" + (f"#{self.fragment}" if self.fragment else "")
        return f"{FILE_SCHEME}:{quote(self.ref, safe=_SAFE)}" + (f"?{self.query}" if self.query else "") + \
            (f"#{self.fragment}" if self.fragment else "")


def parse(url: str) -> Target | None:
    """The target of a placeholder URL; None for any other URL."""
    if not url.startswith(MARK):
        return None
    parts = urlsplit(url)
    if parts.scheme == PAGE_SCHEME:
        return Target("page", parts.path, "", parts.fragment)
    if parts.scheme == FILE_SCHEME:
        return Target("file", unquote(parts.path), parts.query, parts.fragment)
    return None


_KEPT_PATH = re.compile(r"[A-Za-z0-9" + re.escape(_SAFE) + r"]*\Z")  # what `quote` returns as it is


def encode_path(path: str) -> str:
    """A package path as a URL path (spaces, '#', '?', '%' and non-ASCII percent-encoded)."""
    if _KEPT_PATH.match(path):  # (a manifest has thousands, nearly all plain)
        return path
    return quote(path, safe=_SAFE)


def file_url(prefix: str = "") -> Callable[[Target], str]:
    """The usual way a package writes a file target: prefix + the encoded path + query + fragment."""
    def write(target: Target) -> str:
        return prefix + encode_path(target.ref) + (f"?{target.query}" if target.query else "") + \
            (f"#{target.fragment}" if target.fragment else "")
    return write


@dataclass(frozen=True)
class LinkUse:
    """One link or image as the author wrote it: its target, where it stands, and in which part of the page."""

    target: Target
    source: str  # the page file, as messages name it
    line: int | None
    page: str  # the page id
    in_quiz: bool  # in the quiz's instruction, stimulus or items (formats may carry those without the page)
    tag: str  # "a", "img", ...


# --- the reader's side --------------------------------------------------------------------------------------

_TAG = re.compile(r"<[A-Za-z][^<>]*>")  # lxml escapes '<' and '>' inside attribute values and text
_ATTR = re.compile(r"""(\s)([^\s=/>]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")

PageWriter = Callable[[Target], "str | None"]
FileWriter = Callable[[Target], "str | None"]


def rewrite(html: str, page: PageWriter, file: FileWriter, mark: str | None = None) -> str:
    """The fragment with every page and file target written by `page` / `file` (None: drop the reference,
    keep the text). With `mark`, a link to a course page also gets that attribute, holding its new URL.
    Text and every other attribute stay byte for byte as they were."""
    if MARK not in html:
        return html

    def tag(m: re.Match) -> str:
        text = m.group(0)
        if MARK not in text:
            return text
        marked: list[str] = []

        def attr(a: re.Match) -> str:
            name = a.group(2).lower()
            raw = a.group(4)
            if name not in _ALL_URL_ATTRS or MARK not in raw:
                return a.group(0)
            value = unescape(raw[1:-1] if raw[0] in "\"'" else raw)
            if name == "srcset":
                kept = []
                for cand in value.split(","):
                    bits = cand.split()
                    if not bits:
                        continue
                    new = _one(bits[0], page, file, marked)
                    if new is not None:
                        kept.append(" ".join([new] + bits[1:]))
                return f'{a.group(1)}{a.group(2)}{a.group(3)}"{escape(", ".join(kept))}"'
            new = _one(value, page, file, marked)
            if new is None:
                return ""
            return f'{a.group(1)}{a.group(2)}{a.group(3)}"{escape(new)}"'

        out = _ATTR.sub(attr, text)
        if mark and marked:
            end = len(out) - (2 if out.endswith("/>") else 1)
            out = f'{out[:end]} {mark}="{escape(marked[0])}"{out[end:]}'
        return out

    return _TAG.sub(tag, html)


def _one(url: str, page: PageWriter, file: FileWriter, marked: list[str]) -> str | None:
    target = parse(url)
    if target is None:
        return url
    if target.kind == "page":
        new = page(target)
        if new is not None:
            marked.append(new)
        return new
    return file(target)


def targets(html: str) -> list[Target]:
    """The page and file targets a fragment refers to, in order."""
    if MARK not in html:
        return []
    found = []
    for m in _TAG.finditer(html):
        for a in _ATTR.finditer(m.group(0)):
            if a.group(2).lower() in _ALL_URL_ATTRS and MARK in a.group(4):
                raw = a.group(4)
                value = unescape(raw[1:-1] if raw[0] in "\"'" else raw)
                for url in (c.split()[0] for c in value.split(",") if c.split()):
                    t = parse(url)
                    if t is not None:
                        found.append(t)
    return found


__all__ = ["FILE_SCHEME", "LinkUse", "MARK", "PAGE_SCHEME", "Target", "encode_path", "file_url", "parse", "rewrite",
           "targets"]
