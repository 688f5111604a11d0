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

from exporter import links
from exporter.model import Course, LocalFile
from exporter.writers.packaging import size_of

PLUGINFILE = "@@PLUGINFILE@@/"


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
    data: bytes | LocalFile  # a course file is read from disk while the archive is written
    _sha1: str = ""

    @property
    def contenthash(self) -> str:
        if not self._sha1:
            digest = hashlib.sha1()
            for chunk in self.data.chunks() if isinstance(self.data, LocalFile) else (self.data,):
                digest.update(chunk)
            self._sha1 = digest.hexdigest()
        return self._sha1

    @property
    def size(self) -> int:
        return size_of(self.data)

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

        def page(target: links.Target) -> str:
            frag = f"#{target.fragment}" if target.fragment else ""
            if target.ref == own and frag:
                return frag
            return f"$@PAGEVIEWBYID*{self.cmids[target.ref]}@${frag}"

        def file(target: links.Target) -> str:
            self.files.add(area, target.ref)
            return to_pluginfile(target)

        return links.rewrite(html, page, file)


to_pluginfile = links.file_url(PLUGINFILE)
