"""The course's HTML inside a Moodle backup: links and files in Moodle's terms.

- A link to another course page becomes Moodle's encoded link to that Page activity,
  `$@PAGEVIEWBYID*<cmid>@$` (what `backup_page_activity_task::encode_content_links` writes; the restore turns it
  into `/mod/page/view.php?id=<new cmid>`), its fragment kept; a link to a place on the same page stays `#frag`.
- A course file (image, download) becomes `@@PLUGINFILE@@/<path>`, and the file is stored in the file area of
  the text that shows it (a Page's `content`, a quiz's `intro`, a question's `questiontext` ...), under the
  same path, so each activity carries its own files as Moodle's editor would have stored them.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from html import escape
from typing import Callable
from urllib.parse import quote, unquote, urlsplit

import lxml.html

from .. import xhtml
from ..model import Course

PLUGINFILE = "@@PLUGINFILE@@/"
_URL_ATTRS = {"a": ("href",), "img": ("src",), "source": ("src",), "audio": ("src",), "video": ("src", "poster")}
_SAFE = "/!$&()*+,;=:@-._~"


@dataclass(frozen=True)
class Target:
    """Where a link points: a course page (`ref` = page id) or a course file (`ref` = package path)."""

    kind: str  # "page" | "file"
    ref: str
    query: str = ""
    fragment: str = ""


def rewrite(html: str, course: Course, page: Callable[[Target], str], file: Callable[[Target], str]) -> str:
    """The fragment with every link to a course page written by `page` and every course file by `file`.
    Unchanged (byte for byte) when it has neither."""
    if not html.strip() or ("href=" not in html and "src=" not in html and "poster=" not in html):
        return html
    pages = {p.href: p.id for p in course.pages}
    div = xhtml.parse_fragment(html)
    changed = False
    for el in div.iter(tuple(_URL_ATTRS)):
        for attr in _URL_ATTRS[el.tag]:
            value = (el.get(attr) or "").strip()
            parts = urlsplit(value)
            if not value or parts.scheme or value.startswith(("#", "/")):
                continue
            path = unquote(parts.path)
            if el.tag == "a" and parts.path in pages:
                el.set(attr, page(Target("page", pages[parts.path], "", parts.fragment)))
                changed = True
            elif path in course.files:
                el.set(attr, file(Target("file", path, parts.query, parts.fragment)))
                changed = True
    if not changed:
        return html
    text = escape(div.text, quote=False) if div.text else ""
    return text + "".join(lxml.html.tostring(child, encoding="unicode") for child in div)


def encode_path(path: str) -> str:
    """A package path as a URL path (spaces, '#', '?', '%' and non-ASCII percent-encoded)."""
    return quote(path, safe=_SAFE)


@dataclass(frozen=True)
class Area:
    """A Moodle file area: where the files one text shows are stored."""

    contextid: int
    component: str  # "mod_page", "mod_quiz", "course", "question"
    filearea: str  # "content", "intro", "section", "questiontext", "generalfeedback", "answerfeedback"
    itemid: int


@dataclass
class StoredFile:
    """One row of files.xml: a course file in one file area."""

    id: int
    area: Area
    path: str  # the package path, e.g. "images/bike.png"
    data: bytes

    @property
    def contenthash(self) -> str:
        return hashlib.sha1(self.data).hexdigest()

    @property
    def filepath(self) -> str:
        folder = posixpath.dirname(self.path)
        return f"/{folder}/" if folder else "/"

    @property
    def filename(self) -> str:
        return posixpath.basename(self.path)

    @property
    def pool_path(self) -> str:
        """Where the backup keeps its bytes: files/<first two hex digits>/<sha1>."""
        return f"files/{self.contenthash[:2]}/{self.contenthash}"


@dataclass
class Files:
    """Every file the backup stores, each (area, path) once, numbered in the order first used."""

    course: Course
    rows: list[StoredFile] = field(default_factory=list)
    _index: dict[tuple[Area, str], StoredFile] = field(default_factory=dict)
    _areas: dict[Area, list[StoredFile]] = field(default_factory=dict)

    def add(self, area: Area, path: str) -> StoredFile:
        key = (area, path)
        if key not in self._index:
            stored = self._index[key] = StoredFile(len(self.rows) + 1, area, path, self.course.files[path])
            self.rows.append(stored)
            self._areas.setdefault(area, []).append(stored)
        return self._index[key]

    def in_area(self, area: Area) -> list[StoredFile]:
        return self._areas.get(area, [])


@dataclass
class Linker:
    """Rewrites the course's HTML for one backup: page links by the pages' course module ids, files into areas."""

    course: Course
    files: Files
    cmids: dict[str, int]  # page id -> the course module id of its Page activity

    def html(self, html: str, area: Area, own: str | None = None) -> str:
        """The fragment as Moodle stores it in `area`; `own` is the id of the page it belongs to, if any."""

        def page(target: Target) -> str:
            frag = f"#{target.fragment}" if target.fragment else ""
            if target.ref == own and frag:
                return frag
            return f"$@PAGEVIEWBYID*{self.cmids[target.ref]}@${frag}"

        def file(target: Target) -> str:
            self.files.add(area, target.ref)
            return (PLUGINFILE + encode_path(target.ref) + (f"?{target.query}" if target.query else "")
                    + (f"#{target.fragment}" if target.fragment else ""))

        return rewrite(html, self.course, page=page, file=file)
