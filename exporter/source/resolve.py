"""The reader's half of the link model: every link and image an author wrote, resolved once into a target
(`exporter.links.Target`) or an error at its line. What a link may be is decided here, nowhere else:

- a course page, named by its file name (with or without .md/.markdown/.html/.htm) or its site path:
  a PAGE target (page id + fragment);
- a file beside the pages (a relative path inside the course folder): a FILE target (package path + query
  + fragment), and the file is carried;
- an external URL (http, https, mailto, tel; `data:` for images): written as is, links open a new window;
- a site-absolute path that is no page: made absolute with the course's site URL, else a warning;
- anything else (a missing file, a path leaving the course folder, `file:`, `javascript:`): an error.
Each decision is recorded as a `LinkUse` (target, file, line, page or quiz), from which the writers' `uncarried`
tells what a format cannot carry, with file and line.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from lxml import etree

from exporter.errors import Report
from exporter.links import (
    _SAFE_TAIL,
    FILE_SCHEME,
    PAGE_SCHEME,
    URL_ATTRS,
    LinkUse,
    Target,
)
from exporter.source.paths import inside

PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_CSS_URL = re.compile(r"url\(", re.IGNORECASE)


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")


class LineIndex:
    """File lines of the URLs a page's source holds, found in one pass: each URL gives its lines in order."""

    _PATTERNS = (
        # [text](url) and ![alt](url): <url>, or a URL with balanced () that may hold < and >
        re.compile(r"\]\(\s*(<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))+)"),
        re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)"),  # [ref]: url
        re.compile(r"\b(?:href|src|srcset|poster|data)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE),
        re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]+)>"),  # <https://...>
        re.compile(r"\bstyle\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE),  # for url() in a style
    )

    def __init__(self, lines: list[str], first_line: int):
        self.first_line = first_line
        self.source = lines
        self.taken: dict[str, int] = {}

    @functools.cached_property
    def lines(self) -> dict[str, list[int]]:
        """The pass, made when a URL is first looked up (most pages' quizzes and many pages have none)."""
        found: dict[str, list[int]] = {}
        first_line = self.first_line
        for n, text in enumerate(self.source):
            if "](" not in text and "=" not in text and "]:" not in text and "<" not in text:  # most lines
                continue
            for pattern in self._PATTERNS:
                for m in pattern.finditer(text):
                    raw = m.group(1)
                    if raw.startswith("<") and raw.endswith(">"):
                        raw = raw[1:-1]
                    value = unescape(raw.strip("\"'"))
                    unescaped = _MD_ESCAPE.sub(r"\1", value)  # what Markdown makes of `\\` and `\(`
                    for url in dict.fromkeys(_urls_in(value) + ([unescaped] if unescaped != value else [])):
                        found.setdefault(url, []).append(first_line + n)
        return found

    def line(self, url: str) -> int | None:
        """The line of the next use of url not yet asked for (the last one again when all were taken)."""
        found = self.lines.get(url)
        if not found:
            return None
        k = self.taken.get(url, 0)
        self.taken[url] = k + 1
        return found[min(k, len(found) - 1)]


def _urls_in(value: str) -> list[str]:
    """The URL of an attribute value, or each URL of a srcset-like list."""
    value = value.strip()
    if "," in value and " " in value:
        return [c.split()[0] for c in value.split(",") if c.split()] + [value]
    return [value]


@dataclass
class Resolver:
    """What link resolution knows of the course: its folder, its pages, its site URL."""

    root: Path  # the course folder
    pages: dict[str, str]  # lower-case page name (file stem) -> page id
    site_url: str
    report: Report
    files: dict[str, Path] = field(default_factory=dict)  # carried files: package path -> file
    uses: list[LinkUse] = field(default_factory=list)
    folded: dict[str, str] = field(default_factory=dict)  # carried files: lower-case package path -> path

    def resolve(self, tree: etree._Element, src: Path, page: str, in_quiz: bool, lines: LineIndex | None,
                line: int | None = None) -> None:
        """Rewrite every URL of the fragment in place (placeholders, absolute site URLs); record what it uses.
        `lines` finds each URL's line in the page source; `line` is used where it cannot (a base64 item, whose
        links are not in the source as written: give no `lines` there)."""
        shown = str(src)
        for el in tree.iter(tuple(URL_ATTRS)):
            for attr in URL_ATTRS.get(el.tag, ()):
                value = el.get(attr)
                if value is None:
                    continue
                where = (lines.line(value.strip()) if lines else None) or line
                if attr == "srcset":  # candidates "url descriptor", each resolved; a refused one is left out
                    kept = []
                    for url, *descriptor in (c.split() for c in value.split(",") if c.split()):
                        new = self._one(el, url, shown, where, page, in_quiz)
                        if new is not None:
                            kept.append(" ".join([new, *descriptor]))
                    el.set(attr, ", ".join(kept))
                    continue
                new = self._one(el, value.strip(), shown, where, page, in_quiz)
                if new is None:
                    del el.attrib[attr]
                else:
                    el.set(attr, new)
        for el in tree.iter():
            style = el.get("style") if isinstance(el.tag, str) else None
            if style and _CSS_URL.search(style):
                self.report.warning(shown, (lines.line(style) if lines else None) or line,
                                    "a style attribute loads a file through url(): no package carries it; "
                                    "use an <img> or a stylesheet-free layout")

    def _one(self, el: etree._Element, url: str, shown: str, line: int | None, page: str, in_quiz: bool) -> str | None:
        """The URL to write for one reference, or None to drop it (an error was reported)."""
        if not url or url.startswith("#"):
            return url
        scheme = _SCHEME.match(url)
        if scheme or url.startswith("//"):
            name = scheme.group(1).lower() if scheme else "https"
            return self._external(el, url, name, shown, line)
        parts = urlsplit(url)
        target = self._page(parts.path) if el.tag in ("a", "area") else None
        if target is not None:
            return self._use(Target("page", target, "", parts.fragment), shown, line, page, in_quiz, el)
        if url.startswith("/"):
            if self.site_url:
                if el.tag in ("a", "area"):
                    _new_window(el)
                return self.site_url + url
            self.report.warning(shown, line, f"site-absolute link {url} is neither a page of this course nor "
                                "reachable inside an LMS: set site_url in course.yml or link to a page")
            return url
        path = self._file(parts.path, shown, line)
        if path is None:
            return None
        return self._use(Target("file", path, _tail(parts.query), _tail(parts.fragment)), shown, line, page,
                         in_quiz, el)

    def _external(self, el: etree._Element, url: str, scheme: str, shown: str, line: int | None) -> str | None:
        if scheme in (PAGE_SCHEME, FILE_SCHEME):
            self.report.error(shown, line, f"{url}: '{scheme}:' is reserved for the exporter's own use: link to "
                              "the page or file by its name")
            return None
        if scheme == "data" and el.tag != "a":
            return url
        if scheme not in EXTERNAL_SCHEMES:
            self.report.error(shown, line, f"{url}: a '{scheme}:' address does not work inside a package: link to "
                              "a web page (https://...) or to a file in the course folder")
            return None
        if el.tag in ("a", "area"):
            _new_window(el)
        elif scheme in ("http", "https"):
            self.report.warning(shown, line, f"{url} is loaded from another web site: it will not show where "
                                "the LMS runs offline or blocks outside content; put the file in the course folder")
        return url

    def _page(self, path: str) -> str | None:
        """The page id a path names (file name with or without .md/.html, or site path), if it names a page."""
        p = unquote(path)
        if not p.startswith("/") and "/" in p.removeprefix("./"):
            return None  # a relative path into a folder is a file, not a page
        name = posixpath.basename(p.rstrip("/")).lower()
        for suffix in PAGE_SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        return self.pages.get(name) if name else None

    def _file(self, path: str, shown: str, line: int | None) -> str | None:
        """A relative reference to a file beside the pages: checked, carried; its package path."""
        raw = unquote(path)
        joined = posixpath.normpath(raw)
        if "\\" in raw or joined.startswith("../") or joined == ".." or posixpath.isabs(joined):
            self.report.error(shown, line, f"{path} lies outside the course folder: move the file into the "
                              "course folder and link to it by a relative path (with '/', not '\\')")
            return None
        if ":" in joined:
            self.report.error(shown, line, f"{path}: a file name with ':' is read as a drive or a web address by "
                              "some systems and unzip tools: rename the file without ':'")
            return None
        file = self.root / joined
        if file.is_dir():
            self.report.error(shown, line, f"{path} is a folder, not a file: link to a file inside it")
            return None
        if not file.is_file():
            self.report.error(shown, line, f"{path} does not exist: add the file to the course folder or fix the link")
            return None
        if not inside(file, self.root):
            self.report.error(shown, line, f"{path} lies outside the course folder (a link that leaves it): "
                              "copy the file into the course folder")
            return None
        if joined.lower().endswith(PAGE_SUFFIXES[:2]):
            self.report.error(shown, line, f"{path} is Markdown source, not a page of this course: link to a "
                              "course page by its name, or add it as a page")
            return None
        other = self.folded.setdefault(joined.lower(), joined)
        if other != joined:
            self.report.error(shown, line, f"{path} and {other} differ only in case: they would be the same file on "
                              "Windows and macOS; rename one, or link to one of them everywhere")
            return None
        self.files.setdefault(joined, file)
        return joined

    def _use(self, target: Target, shown: str, line: int | None, page: str, in_quiz: bool,
             el: etree._Element) -> str:
        self.uses.append(LinkUse(target, shown, line, page, in_quiz, el.tag))
        return target.url


def _tail(text: str) -> str:
    return quote(text, safe=_SAFE_TAIL) if text else ""


def _new_window(el: etree._Element) -> None:
    """A link that leaves the course opens a new window: the LMS frame must not be navigated away."""
    el.set("target", "_blank")
    el.set("rel", "noopener noreferrer")
