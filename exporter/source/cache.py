"""The per-page cache: a page's rendered Markdown, its quiz and its resolved links, kept by the content of
everything the reader's per-page step (`reader._build_page`) reads, so an unchanged page is not rendered again.

The key is a digest of the page's source (its bytes after the front matter, title, serial, class, file name
and the line its body starts on), the settings the step reads (the course identifier, which names page and
item ids, and site_url) and this code's version (CACHE_VERSION, every module of the
package, the versions of Markdown, nh3 and lxml): an upgrade never reuses an entry. An entry also records
what the step looked up outside the page: each page name a link resolved (to which page, or to none) and each
file it carried (with a digest of the file's bytes). It is used only while all of those are still the same;
so adding a page that a link names, or changing a linked file, renders the pages that refer to them again.
Pages whose step reported an error are never kept.

Entries live in memory (`exporter preview`, `build --watch`: a rebuild renders only the pages a save
touched) and, for repeated builds, on disk in `.exporter-cache/` (SQLite, git-ignored, safe to delete).
What a hit returns is rebuilt from the stored data, so a cached build is byte-identical to a clean one.
A stored entry carries a digest of its key and content (`seal`): one edited, truncated or written by anything
else is a miss, and so is one whose shape is not an entry's (`_entry_from`), never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import fields
import importlib.util
from pathlib import Path

from exporter.errors import Diagnostic, Report
from exporter.links import LinkUse, Target
from exporter.model import Choice, Item, Numeric, Page, Pair, Quiz
from exporter.source.frontcache import FrontMatters
from exporter.source.resolve import Resolver

# the entry layout (2: each stored entry sealed with a digest; 3: in marshal's format; 4: items as their fields' values
# in order; 5: not compressed: inflating took a tenth of a course's read from the cache, for entries 2.8 times
# smaller); code changes are caught by the code digest below
CACHE_VERSION = 5
MARSHAL_VERSION = 4  # entries and the writer fragments' index: plain data reads the same in every Python since 3.4
DIR_NAME = ".exporter-cache"
KEEP_BUILDS = 30  # disk entries not used by one of the last this many builds are dropped
# A build marks an entry it read from disk as used by it only once the entry's mark is this many builds old: most
# builds then write no entry they only read (a mark is a field of the row that holds the page: marking each of 580
# pages had a warm build write 4.7 MB of database pages), and an entry is dropped once none of the last KEEP_BUILDS
# builds used it, at the latest MARK_EVERY - 1 builds later
MARK_EVERY = 10

PageStep = Callable[..., Page]  # reader._build_page(src, course_id, resolver, report)


def _code_digest() -> str:
    """Every module of the package and the libraries that shape the output: a different version, a new key."""
    h = hashlib.sha256(f"cache {CACHE_VERSION}\n".encode())
    hash_tree(h, Path(__file__).resolve().parent.parent, lambda name: name.endswith(".py"))
    import lxml.etree
    import markdown
    import nh3

    for lib, version in (("markdown", markdown.__version__), ("nh3", nh3.__version__),
                         ("lxml", lxml.etree.__version__)):
        h.update(f"{lib} {version}\n".encode())
    # PyYAML without loading it (a build whose front matter is all kept never does, `frontmatter`): its __init__.py,
    # which names its version, and the names of its files, libyaml's binding (_yaml*.so) among them or not
    try:
        origin = Path(importlib.util.find_spec("yaml").origin)
        h.update(b"PyYAML " + origin.read_bytes() + b"\0")
        h.update("\0".join(sorted(set(os.listdir(origin.parent)) - {"__pycache__"})).encode())
    except (AttributeError, TypeError, ValueError, OSError):  # (not installed as files: its version, loaded)
        import yaml

        h.update(f"PyYAML {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', None)}\n".encode())
    # latex2mathml names its version only through importlib.metadata (slow to load): its files stand for it
    spec = importlib.util.find_spec("latex2mathml")
    if spec is not None and spec.origin:
        hash_tree(h, Path(spec.origin).parent, lambda name: True)
    return h.hexdigest()


def hash_tree(h, root: Path, keep: Callable[[str], bool]) -> None:
    """Each file under `root` whose name `keep` takes (none in __pycache__), in the order of their paths: its path
    inside `root` and its bytes, into the digest `h`."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        inside = os.path.relpath(folder, root).replace(os.sep, "/")
        found += [(name if inside == "." else f"{inside}/{name}", os.path.join(folder, name))
                  for name in names if keep(name)]
    for shown, path in sorted(found):
        with open(path, "rb") as fh:
            h.update(shown.encode("utf-8", "surrogateescape") + b"\0" + fh.read() + b"\0")


_CODE: str | None = None


def file_pieces(file: Path) -> Iterator[memoryview]:
    """A file's bytes, 256 KiB at a time, each piece read into the same buffer (use it before asking for the next):
    a 300 MB video is never held whole, and no piece takes fresh memory (a new megabyte each time cost a warm build
    2,000 page faults)."""
    buf = bytearray(1 << 18)
    view = memoryview(buf)
    with open(file, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            yield view[:n]


def file_sha256(file: Path) -> str:
    """A file's SHA-256 (`file_pieces`)."""
    h = hashlib.sha256()
    for piece in file_pieces(file):
        h.update(piece)
    return h.hexdigest()


def code_digest() -> str:
    global _CODE
    if _CODE is None:
        _CODE = _code_digest()
    return _CODE


class _Lookups:
    """The course's page names as the step sees them, recording each name it asks for."""

    def __init__(self, pages: dict[str, str]):
        self.pages = pages
        self.asked: dict[str, str | None] = {}

    def get(self, name: str, default=None):
        value = self.pages.get(name, default)
        self.asked[name] = value
        return value


# ---- entries: plain data ----------------------------------------------------------------------------------

_FIELDS: dict[type, tuple[str, ...]] = {}


def _names(obj) -> tuple[str, ...]:
    """A dataclass's field names, in order (looked up once per class)."""
    names = _FIELDS.get(type(obj))
    if names is None:
        names = _FIELDS[type(obj)] = tuple(f.name for f in fields(obj))
    return names


def _plain(obj) -> dict:
    """A dataclass's fields, one level deep (faster than dataclasses.asdict, which deep-copies)."""
    return {n: getattr(obj, n) for n in _names(obj)}


def _page_data(page: Page) -> dict:
    data = _plain(page)
    if page.quiz is not None:
        quiz = _plain(page.quiz)
        quiz["items"] = [_item_data(i) for i in page.quiz.items]
        data["quiz"] = quiz
    return data


_ITEM_FIELDS = tuple(f.name for f in fields(Item))
_CHOICES, _PAIRS, _NUMERIC = (_ITEM_FIELDS.index(name) for name in ("choices", "pairs", "numeric"))


def _values(obj) -> tuple:
    """A dataclass's fields' values, in their order (what its constructor takes, one by one)."""
    return tuple([getattr(obj, n) for n in _names(obj)])


def _item_data(item: Item) -> tuple:
    """An item as its fields' values in order, its choices, pairs and numeric range likewise: the items are most of an
    entry, and `marshal` reads tuples back in about half the time it takes for dicts of the same values."""
    values = list(_values(item))
    values[_CHOICES] = [_values(c) for c in item.choices]
    values[_PAIRS] = [_values(p) for p in item.pairs]
    values[_NUMERIC] = _values(item.numeric) if item.numeric else None
    return tuple(values)


def _item_from(data: tuple) -> Item:
    if len(data) != len(_ITEM_FIELDS):
        raise ValueError("not an item")
    values = list(data)
    values[_CHOICES] = [Choice(*c) for c in values[_CHOICES]]
    values[_PAIRS] = [Pair(*p) for p in values[_PAIRS]]
    values[_NUMERIC] = Numeric(*values[_NUMERIC]) if values[_NUMERIC] else None
    return Item(*values)


def _page_from(data: dict) -> Page:
    quiz = data.get("quiz")
    if quiz is not None:
        quiz = Quiz(**{**quiz, "items": [_item_from(i) for i in quiz["items"]]})
    return Page(**{**data, "quiz": quiz})


def _use_data(use: LinkUse) -> dict:
    data = _plain(use)
    data["target"] = _plain(use.target)
    return data


def _use_from(data: dict) -> LinkUse:
    return LinkUse(**{**data, "target": Target(**data["target"])})


def _diag_data(d: Diagnostic) -> list:
    return [d.path, d.line, d.message, d.level]


_ENTRY_KEYS = {"page", "pages", "files", "uses", "diagnostics"}
_BUILT = "built"  # an entry read from disk: its uses and page as `_entry_from` rebuilt them, for its first replay


def _entry_from(data) -> dict | None:
    """A stored entry, checked to have an entry's shape throughout (every part rebuilds into the model), or
    None: a miss. What was rebuilt to check it is kept in it for the first replay (`_BUILT`)."""
    try:
        if not isinstance(data, dict) or set(data) != _ENTRY_KEYS:
            return None
        pages, files, uses, diagnostics = data["pages"], data["files"], data["uses"], data["diagnostics"]
        if not (isinstance(pages, dict) and all(isinstance(v, (str, type(None))) for v in pages.values())
                and isinstance(files, dict) and all(isinstance(v, str) for v in files.values())
                and isinstance(uses, list) and all(isinstance(u, dict) and isinstance(u.get("target"), dict)
                                                   for u in uses)
                and isinstance(diagnostics, list)
                and all(isinstance(d, list) and len(d) == 4 and isinstance(d[0], str) and isinstance(d[2], str)
                        and isinstance(d[1], (int, type(None))) and d[3] in ("warning", "note")
                        for d in diagnostics)
                and isinstance(data["page"], dict)):
            return None
        built = ([_use_from(u) for u in uses], _page_from(data["page"]))
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    data[_BUILT] = built
    return data


def seal(key: str, entry) -> bytes:
    """An entry as stored: a digest of its key and content, then the content (plain data in `marshal`'s
    version 4: read back in a third of the time JSON took, the same in every Python since 3.4; a value marshal
    cannot hold, such as a subclass of str, is stored as JSON would give it back)."""
    try:
        plain = marshal.dumps(entry, 4)
    except ValueError:
        plain = marshal.dumps(json.loads(json.dumps(entry, ensure_ascii=False)), 4)
    return hashlib.sha256(key.encode("ascii") + b"\0" + plain).digest() + plain


def unseal(key: str, data: bytes):
    """The stored value, or None when its digest does not match (edited, cut short, not written by `seal`)."""
    digest, payload = bytes(data[:32]), bytes(data[32:])
    if len(digest) != 32 or hashlib.sha256(key.encode("ascii") + b"\0" + payload).digest() != digest:
        return None
    return marshal.loads(payload)


class PageCache:
    """Wraps the reader's per-page step; one instance per process (memory), optionally backed by a folder."""

    def __init__(self, folder: Path | None = None):
        self.memory: dict[str, dict] = {}
        self.used: set[str] = set()  # keys used by the current read
        self.renders = 0  # pages rendered (the step ran) since this cache was made
        self.hits = 0
        self.folder = folder
        self.db: sqlite3.Connection | None = None
        self.generation = 0
        self._file_digests: dict[Path, str | None] = {}
        # what the last read's pages were replayed from or kept as: by page id, the page and its entry's token (the
        # digest `seal` put before it: of its key and its whole content); `tokens` says what they are for
        self.tokens: dict[str, tuple[Page, bytes]] = {}
        self._token_of: dict[str, bytes] = {}  # by key: the token of the entry held in memory
        self.front_matter: FrontMatters | None = None  # pages' front matter read once per text (with a folder)
        if folder is not None:
            self._open(folder)

    # ---- disk ----

    def _open(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# made by exporter: a cache of rendered pages, safe to delete\n*\n",
                                  encoding="utf-8")
            ours = f"pages-v{CACHE_VERSION}.sqlite3"
            for old in folder.glob("pages-v*.sqlite3*"):  # an earlier layout's entries: never read again
                if not old.name.startswith(ours):
                    old.unlink(missing_ok=True)
            db = sqlite3.connect(folder / ours, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, data BLOB NOT NULL, "
                       "used INTEGER NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            db.execute("INSERT OR IGNORE INTO meta VALUES ('builds', 0)")
            self.db = db
            self.front_matter = FrontMatters(folder / "front-matter", code_digest())
        except (OSError, sqlite3.Error):
            self.db = None  # a read-only or broken cache folder: build without it

    def _disk_get(self, key: str) -> dict | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT data, used FROM entry WHERE key = ?", (key,)).fetchone()
            entry = _entry_from(unseal(key, row[0])) if row and isinstance(row[0], bytes) else None
        except (sqlite3.Error, ValueError, EOFError, TypeError):
            return None
        if entry is not None:
            self._token_of[key] = bytes(row[0][:32])  # (what `unseal` checked: the digest of key and content)
            self._marks[key] = row[1]
        return entry

    # ---- one read of the course ----

    def begin(self) -> None:
        """A new read of the course: files may have changed since the last one."""
        self.used = set()
        self._file_digests = {}
        self.tokens = {}
        self._pending: list[tuple[str, bytes]] = []
        self._touched: list[str] = []
        self._marks: dict[str, object] = {}  # by key: the mark (`used`) of each entry read from disk
        self._build = 0  # this build's number, as the disk's count of builds gives it now (`MARK_EVERY`)
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error, TypeError):
                self._build = self.db.execute("SELECT value FROM meta WHERE name = 'builds'").fetchone()[0] + 1

    def finish(self) -> None:
        """The read is over: keep in memory only what it used; store new entries on disk; forget old ones."""
        self.memory = {k: v for k, v in self.memory.items() if k in self.used}
        self._token_of = {k: v for k, v in self._token_of.items() if k in self.memory}
        if self.front_matter is not None:
            self.front_matter.save()
        if self.db is None:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE meta SET value = value + 1 WHERE name = 'builds'")
            builds = self.db.execute("SELECT value FROM meta WHERE name = 'builds'").fetchone()[0]
            self.db.executemany("INSERT OR REPLACE INTO entry VALUES (?, ?, ?)",
                                [(k, v, builds) for k, v in self._pending])
            self.db.executemany("UPDATE entry SET used = ? WHERE key = ?", [(builds, k) for k in self._touched])
            self.db.execute("DELETE FROM entry WHERE used < ?", (builds - KEEP_BUILDS - (MARK_EVERY - 1),))
            self.db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        self._pending, self._touched = [], []

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # ---- the step ----

    def step(self, build_page: PageStep) -> PageStep:
        """The reader's per-page step, through this cache."""
        def cached(src, course_id: str, resolver: Resolver, report: Report) -> Page:
            key = self._key(src, course_id, resolver)
            self.used.add(key)
            entry = self.memory.get(key)
            from_disk = entry is None
            if entry is None:
                entry = self._disk_get(key)
            if entry is not None and self._valid(entry, resolver) and not self._clashes(entry, resolver):
                self.hits += 1
                self.memory[key] = entry
                if from_disk and self._stale(key):
                    self._touched.append(key)
                return self._token(key, self._replay(entry, resolver, report))
            return self._token(key, self._run(build_page, key, src, course_id, resolver, report))
        return cached

    def _stale(self, key: str) -> bool:
        """Whether the entry read from disk under `key` is marked used by this build (`MARK_EVERY`)."""
        mark = self._marks.get(key)
        return not isinstance(mark, int) or mark <= self._build - MARK_EVERY

    def _token(self, key: str, page: Page) -> Page:
        """The page, its entry's token noted (`tokens`) where it has one: the page is a function of that entry
        alone (a replay rebuilds it from the entry's content, which a run made from the page)."""
        token = self._token_of.get(key) if key in self.memory else None
        if token is not None:
            self.tokens[page.id] = (page, token)
        return page

    def _key(self, src, course_id: str, resolver: Resolver) -> str:
        parts = [code_digest(), str(resolver.root), src.shown, src.path.name, src.title, str(src.serial), src.kind,
                 str(src.body_first_line), course_id, resolver.site_url, src.body]
        h = hashlib.sha256()
        for p in parts:
            h.update(p.encode("utf-8", "surrogatepass") + b"\0")
        return h.hexdigest()

    def _digest(self, file: Path) -> str | None:
        """A carried file's bytes as a digest (None when it is no longer a file inside the course folder)."""
        if file not in self._file_digests:
            try:
                self._file_digests[file] = file_sha256(file) if file.is_file() else None
            except OSError:
                self._file_digests[file] = None
        return self._file_digests[file]

    def _valid(self, entry: dict, resolver: Resolver) -> bool:
        if any(resolver.pages.get(name) != value for name, value in entry["pages"].items()):
            return False
        root = resolver.root
        for path, digest in entry["files"].items():
            file = root / path
            if self._digest(file) != digest:
                return False
            try:
                file.resolve().relative_to(root.resolve())
            except ValueError:
                return False
        return True

    @staticmethod
    def _clashes(entry: dict, resolver: Resolver) -> bool:
        """A file the entry carries differs only in case from one an earlier page carries: the step reports
        that (an error), so it runs again."""
        return any(resolver.folded.get(path.lower(), path) != path for path in entry["files"])

    def _replay(self, entry: dict, resolver: Resolver, report: Report) -> Page:
        """The page and what its step did, made anew each time (a build changes its course in place); the first
        replay of an entry read from disk takes what checking it made."""
        uses, page = entry.pop(_BUILT, None) or ([_use_from(u) for u in entry["uses"]], _page_from(entry["page"]))
        for path in entry["files"]:
            resolver.folded.setdefault(path.lower(), path)
            resolver.files.setdefault(path, resolver.root / path)
        resolver.uses.extend(uses)
        for path, line, message, level in entry["diagnostics"]:
            getattr(report, level)(path, line, message)
        return page

    def _run(self, build_page: PageStep, key: str, src, course_id: str, resolver: Resolver,
             report: Report) -> Page:
        self.renders += 1
        self._token_of.pop(key, None)  # (the entry this run replaces, if any, is not what it returns)
        local = Report()
        lookups = _Lookups(resolver.pages)
        own = Resolver(root=resolver.root, pages=lookups, site_url=resolver.site_url, report=local,  # type: ignore[arg-type]
                       folded=resolver.folded)  # files carried by earlier pages: names differing in case clash
        page = build_page(src, course_id, own, local)
        for path, file in own.files.items():
            resolver.files.setdefault(path, file)
        resolver.uses.extend(own.uses)
        diagnostics = [d for kind in ("errors", "warnings", "notes") for d in getattr(local, kind)]
        # the same order as without a cache: errors, warnings and notes each keep theirs
        report.errors.extend(local.errors)
        report.warnings.extend(local.warnings)
        report.notes.extend(local.notes)
        if local.errors:
            return page
        files = {path: self._digest(file) for path, file in own.files.items()}
        if any(d is None for d in files.values()):
            return page
        entry = {"page": _page_data(page), "pages": lookups.asked, "files": files,
                 "uses": [_use_data(u) for u in own.uses],
                 "diagnostics": [_diag_data(d) for d in diagnostics if d.level != "error"]}
        self.memory[key] = entry
        if self.db is not None:
            sealed = seal(key, entry)
            self._pending.append((key, sealed))
            self._token_of[key] = sealed[:32]
        return page


def default_folder() -> Path:
    """.exporter-cache/ in the working folder (beside dist/), or EXPORTER_CACHE_DIR."""
    return Path(os.environ.get("EXPORTER_CACHE_DIR") or DIR_NAME)
