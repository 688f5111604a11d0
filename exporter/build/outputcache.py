"""The cache of writer output: an artifact whose writer would be handed exactly what it was handed last build is
copied, not written again; inside a package, each page's and quiz's part likewise (`FragmentStore`).

Keys are digests of everything the output is made from, so a hit is byte-identical to a fresh write:
- the writer's name and the values of the options it declares;
- what the writer is handed of the course (`Writer.reads`): every field of the model (`CourseDigests`); a
  quiz-only format is handed the pages without their text, so editing a page's text does not touch its key;
- each course file's stamp (path, size, modification time; a file held in memory by its bytes' digest);
- this code's version: every file of the package and its templates, catalogs and static files, and the versions
  of the libraries that shape the output (`code_digest`).

A fragment's key holds its writer's parts, the digest of the course's outline (`layout.outline`: settings, and
each page's place, title and file name, none of their text) and the page's own digest, plus what else its writer
names (ids counted in course order). The fragment's maker is handed the outline and the page, never another
page's text, so nothing outside the key reaches it; the Moodle backup's parts are made from objects detached
from its plan the same way (`activities.detached`, `Planner.kept_category`). A member made from plain inputs
alone (a manifest, the backup's index) is kept by a digest of them (`ZipPackage.derived`, `TgzPackage.derived`), a
cartridge's question bank and a QTI 2.x/3.0 manifest by their quizzes' keys (each quiz's part of them is kept with
its fragment, and read only when they are made again). Members of 16 KiB or more added outside a fragment are kept by
their bytes' key (`ZipPackage.add`, `contentkey`).

A page's digests are made once per page cache entry (`PageDigests`): a page read from the same entry as in the last
build, in a course of the same language and wording, has the same value, so its digests are read back by the entry's
token (`PageCache.tokens`) instead of digesting its quiz again.

Entries live in the page cache's folder (`.exporter-cache/output/`): per writer and course, the last build's
artifact with a record of its key, and one file of fragments. A kept artifact and the one in the output folder are
one file with two names where the file system allows (a hard link, not a copy: no build changes either in place).
Each entry is written beside and renamed into place, so a failed or interrupted write leaves the last good entry. A
kept artifact carries its SHA-256 and each kept member a checksum of its bytes (`checksum`): a missing, short,
changed or unreadable entry is a miss, never an error (a piece a writer reads late, and finds damaged, makes it
write its package again: `StaleFragments`). A course read from another folder is another course here (the model
holds its source paths).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import marshal
import mmap
import os
import pickle
import tempfile
import threading
import zlib
from dataclasses import fields
from pathlib import Path

import xxhash

from exporter import sealedfile
from exporter.model import Course, LocalFile, copy_with
from exporter.source import cache as page_cache
from exporter.writers.layout import has_math, outline, page_has_math, unplaced, with_hrefs

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: entries are written anew there, never appended to
    fcntl = None  # type: ignore[assignment]

OUTPUT_VERSION = 1
FOLDER = "output"

_CODE: str | None = None


def code_digest() -> str:
    """The page cache's digest of the code (every module, the reader's libraries), then every other file of the
    package (catalogs) and of its templates and static files, and the versions of the libraries only the writers
    use: any change is a new key."""
    global _CODE
    if _CODE is None:
        from exporter.render import templates_dir

        import babel
        import jinja2

        h = hashlib.sha256(f"output {OUTPUT_VERSION}\n{page_cache.code_digest()}\n".encode())
        # the package's modules are in the page cache's part
        page_cache.hash_tree(h, Path(__file__).resolve().parent.parent, lambda name: not name.endswith(".py"))
        page_cache.hash_tree(h, templates_dir(), lambda name: True)
        h.update(f"jinja2 {jinja2.__version__}\nBabel {babel.__version__}\n".encode())
        h.update(f"zlib {zlib.ZLIB_RUNTIME_VERSION}\n".encode())  # kept compressed bytes are zlib's
        _CODE = h.hexdigest()
    return _CODE


def digest(*parts) -> str:
    """A digest of plain data and model objects (dataclasses, lists, dicts, strings, numbers, paths): equal values
    give equal digests in any process (pickle without its memo, so shared objects and equal copies agree). The
    classes of `_NUMBERED` are written as their number in it, not by name (`_numbered`)."""
    held = _picklers.__dict__
    buf, pickler = held.pop("pickler", None) or _pickler()  # (taken while in use: a digest inside one gets its own)
    buf.seek(0)
    buf.truncate()
    pickler.dump(parts)  # (a dump in fast mode adds nothing to the memo: each starts as a new pickler would)
    value = hashlib.sha256(buf.getvalue()).hexdigest()
    held["pickler"] = buf, pickler  # (not put back after a failed dump)
    return value


def _pickler() -> tuple[io.BytesIO, pickle.Pickler]:
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=4)
    pickler.fast = True  # no memo: the bytes depend on the values only, not on which objects are shared
    pickler.memo = _numbered()  # (copied into the pickler: set once per pickler, not per digest)
    return buf, pickler


_picklers = threading.local()  # a pickler and its buffer per thread, reused by one digest after another


# The modules whose classes `digest` numbers: the model, and the backup's plan its folder keys are made from.
_NUMBERED = ("exporter.links", "exporter.model", "exporter.writers.moodle.backup.content",
             "exporter.writers.moodle.backup.plan")


@functools.cache
def _numbered() -> dict[int, tuple[int, type]]:
    """The classes of `_NUMBERED`'s modules (and paths), each by a fixed number, as a pickler's memo: a pickler
    in fast mode adds nothing to its memo but still looks each object up in it, so a class found there is written
    as that number (a memo reference), not as its module and name, looked up again for every object (which took
    a third of a page's digest). Nothing else is in the memo, so the bytes stay a function of the values alone,
    and the numbers are the same in every process: the modules and their classes in the order of this code (a
    change of which changes `code_digest`, every key's part), whatever a process has imported before."""
    import importlib
    import pathlib

    classes = [pathlib.PurePosixPath, pathlib.PosixPath, pathlib.PureWindowsPath, pathlib.WindowsPath]
    for name in _NUMBERED:
        module = importlib.import_module(name)
        classes += [c for c in vars(module).values() if isinstance(c, type) and c.__module__ == name]
    return {id(c): (n, c) for n, c in enumerate(classes)}


_PLAIN = frozenset({str, int, float, type(None)})


def plain_digest(*parts) -> str:
    """`digest` of parts that are each a string, a number or None, without pickling: their `repr` (a tuple of these
    has one spelling) hashed under a prefix pickle's bytes never start with, so no plain digest equals a pickled
    one. Anything else goes through `digest`."""
    if not all(type(part) in _PLAIN for part in parts):
        return digest(*parts)
    return hashlib.sha256(b"plain " + repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def file_stamps(course: Course) -> list[tuple[str, int, int | str]]:
    """Each course file as (package path, size, modification time in ns); a file held in memory as (path, size,
    its bytes' digest)."""
    out: list[tuple[str, int, int | str]] = []
    for name in sorted(course.files):
        data = course.files[name]
        if isinstance(data, LocalFile):
            try:
                out.append((name, data.size, os.stat(data.path).st_mtime_ns))
            except OSError:
                out.append((name, data.size, -1))
        else:
            out.append((name, len(data), hashlib.sha256(data).hexdigest()))
    return out


class CourseDigests:
    """Each page's digest, whole and without its text (what a quiz-only format is handed, `Writer.reads`), and the
    course's digest both ways, made once per build before the writers fork. Every field of the model is in them
    (pages, chapters and preface as page digests and ids, course files by `file_stamps`)."""

    def __init__(self, course: Course, tokens: dict | None = None, known: "PageDigests | None" = None):
        """`tokens` (the page cache's: by page id, the page as read and its entry's token) and `known` (the last
        build's bare digests by token): a page read from the same entry as then, in a course of the same language
        and wording, has the same value (the step's page, its true/false labels set in the course's words, its lines
        taken off), so its digest and whether it holds a formula are taken from `known`, not made again."""
        self.whole: dict[str, str] = {}
        self.quizzes: dict[str, str] = {}
        course = unplaced(course)  # what every writer is handed (`Writer.reads`): no source lines
        context = _page_context(course) if tokens and known is not None else None
        math = False
        for page in course.pages:
            held = tokens.get(page.id) if context is not None else None
            if held is not None and held[0] is page:  # (this very object, changed only as the build changes all)
                bare, formula = known.get(held[1], context, page)
            else:
                bare = _bare_digest(page)
                formula = context is not None and page_has_math(page)
            math = math or formula
            self.quizzes[page.id] = bare
            self.whole[page.id] = digest(bare, page.body_html, page.after_html)
        self.course = {text: digest(*self._parts(course, text)) for text in (True, False)}
        self._unplaced = course
        # whether any fragment holds a formula (`Writer.math_step`), looked at once
        self.math = math if context is not None else has_math(course)

    @functools.cached_property
    def outline_view(self) -> Course:
        """The outline every writer's fragments see (`Writer.outline`): the same for all of them, since it holds no
        page text, quiz text or item, and each page's file name comes from the layout they share (made once by the
        build, before its writers fork; they read it, never change it)."""
        return outline(with_hrefs(self._unplaced))

    @functools.cached_property
    def outline(self) -> str:
        """The digest of `outline_view`."""
        return digest(self.outline_view)

    def _parts(self, course: Course, text: bool) -> list:
        pages = self.whole if text else self.quizzes
        parts = []
        for f in fields(Course):
            value = getattr(course, f.name)
            if f.name == "pages":
                value = [pages[p.id] for p in value]
            elif f.name == "chapters":
                value = [(c.title, c.page.id if c.page else None, [p.id for p in c.sections]) for c in value]
            elif f.name == "preface":
                value = [p.id for p in value]
            elif f.name == "files":
                value = file_stamps(course)
            elif f.name == "links" and not text:
                value = [use for use in value if use.in_quiz]
            parts.append((f.name, value))
        return parts


def _bare_digest(page) -> str:
    """The digest of the page without its text (what a quiz-only format is handed of it)."""
    return digest(copy_with(page, body_html="", after_html=""))


def _page_context(course: Course) -> bytes:
    """What a page's value depends on besides its page cache entry: the code (the reader's changes after its step,
    the catalogs), and the course's language and wording, which set true/false items' labels
    (`reader._true_false_in_language`)."""
    from exporter.i18n.messages import messages_for

    return hashlib.sha256(repr((code_digest(), course.language, sorted(course.strings.items()),
                                messages_for(course).labels())).encode("utf-8", "surrogatepass")).digest()


PAGES_MAGIC = b"exporter page digests 1\n"


class PageDigests:
    """Each page's bare digest and whether it holds a formula (`CourseDigests`), by the token of the page cache entry
    it was read from and the page's context (`_page_context`), as the last build found them: one file, sealed
    (`sealedfile`: a dict in `marshal`'s format). A damaged or missing file is empty."""

    def __init__(self, path: Path):
        self.path = path
        self.held: dict[bytes, tuple[str, bool]] = sealedfile.read_dict(path, PAGES_MAGIC)
        self.used: dict[bytes, tuple[str, bool]] = {}
        self.changed = False
        self.found = 0  # pages whose digests were taken from the file (for tests and the curious)

    def get(self, token: bytes, context: bytes, page) -> tuple[str, bool]:
        """(the page's bare digest, whether it holds a formula): as kept, else made (and kept from now on)."""
        key = hashlib.sha256(token + context).digest()
        found = self.held.get(key)
        if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], str)
                and isinstance(found[1], bool)):
            found = (_bare_digest(page), page_has_math(page))
            self.changed = True
        else:
            self.found += 1
        self.used[key] = found
        return found

    def save(self) -> None:
        """Keep what this build used (only that: the file does not grow with old pages), if it differs."""
        if not self.changed and len(self.used) == len(self.held):
            return
        sealedfile.write(self.path, marshal.dumps(self.used, page_cache.MARSHAL_VERSION), PAGES_MAGIC)


class OutputCache:
    """The cache folder's output part; one per build, shared by the forked writers (each writes its own files)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder) / FOLDER
        self.digests: CourseDigests | None = None
        self.known: PageDigests | None = None  # the last build's page digests, when `prepare` was given tokens
        self._of: int | None = None

    def prepare(self, course: Course, tokens: dict | None = None) -> CourseDigests:
        """The course's digests (made once, in the build before its writers fork). `tokens`: the page cache's for the
        read that gave `course` (`PageCache.tokens`): the pages' digests are then kept by them (`PageDigests`)."""
        if self.digests is None or self._of != id(course):
            known = PageDigests(self.folder / "pages.digests") if tokens else None
            self.digests, self._of = CourseDigests(course, tokens, known), id(course)
            self.known = known
            if known is not None:
                known.save()
        return self.digests

    def writer_key(self, writer, course: Course, options) -> str:
        """The key of `writer`'s whole artifact for `course`: the writer's own part, and what of the course
        `writer.write` hands it (`Writer.reads`: with the pages' text or without)."""
        return digest(_writer_part(writer, options), self.prepare(course).course[bool(writer.pages)])

    def _base(self, writer, course: Course) -> str:
        """Entries of one writer for one course share this name's start (one set kept per writer and course)."""
        return f"{writer.name}-{digest(course.identifier)[:12]}"

    def fragments(self, writer, course: Course, options) -> FragmentStore:
        """The store of `writer`'s fragments for this course (a package's members per page or quiz)."""
        return FragmentStore(self._fragments_path(writer, course), _writer_part(writer, options), self.prepare(course))

    def has_fragments(self, writer, course: Course) -> bool:
        """Whether an earlier build kept `writer`'s fragments for this course."""
        return self._fragments_path(writer, course).is_file()

    def forget_fragments(self, writer, course: Course) -> None:
        """`writer`'s fragments for this course dropped (a damaged piece found: the next store starts afresh)."""
        with contextlib.suppress(OSError):
            self._fragments_path(writer, course).unlink()

    def _fragments_path(self, writer, course: Course) -> Path:
        base = self.folder / self._base(writer, course)
        return base.with_name(base.name + ".fragments")

    # ---- whole artifacts ----

    def fetch(self, writer, course: Course, key: str, target: Path):
        """The artifact record if the entry for `key` is there (its file copied to `target`), else None."""
        from exporter.writers.base import Artifact

        base = self.folder / self._base(writer, course)
        try:
            record = json.loads((base.with_name(base.name + ".json")).read_text(encoding="utf-8"))
            if record.get("key") != key:
                return None
            stored = base.with_name(f"{base.name}.{key[:32]}.artifact")
            if stored.stat().st_size != record["bytes"] or _placed(stored, Path(target)) != record["sha256"]:
                Path(target).unlink()
                return None
            return Artifact(Path(target), record["pages"], record["quizzes"], record["items"],
                            list(record["warnings"]), sha256=record["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            with contextlib.suppress(OSError):
                Path(target).unlink()
            return None

    def store(self, writer, course: Course, key: str, artifact) -> None:
        """Keep the artifact just written under `key` (replacing the writer's last one for this course)."""
        base = self.folder / self._base(writer, course)
        record = {"key": key, "pages": artifact.pages, "quizzes": artifact.quizzes, "items": artifact.items,
                  "warnings": list(artifact.warnings), "bytes": artifact.path.stat().st_size}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stored = base.with_name(f"{base.name}.{key[:32]}.artifact")  # named by its key: the record points to it
            record["sha256"] = _kept(artifact.path, stored)
            sealedfile.replace(base.with_name(base.name + ".json"), lambda fh: fh.write(json.dumps(record).encode()))
            for old in self.folder.glob(f"{base.name}.*.artifact"):
                if old != stored:
                    old.unlink()
        except OSError:
            return  # a read-only or full cache folder: the build goes on without it
        artifact.sha256 = record["sha256"]


def _writer_part(writer, options) -> str:
    """What every key of a writer's output holds: the code, the writer's name and the options it declares."""
    own = sorted((o.name, str((options or {}).get(o.name, o.default))) for o in writer.options)
    return digest(code_digest(), writer.name, own)


def checksum(data) -> int:
    """What a kept member's bytes must sum to when read back (XXH3, 64 bits: about five times as fast as Adler-32
    here, and a warm build checks every piece it copies, some 120 MB for a course of 6,000 items)."""
    return xxhash.xxh3_64_intdigest(data)


class _Summed:
    """A file being written, summing (`checksum`) what goes into it since `start`."""

    def __init__(self, fh):
        self.fh, self.hasher = fh, xxhash.xxh3_64()

    def start(self) -> None:
        self.hasher.reset()

    def sum(self) -> int:
        return self.hasher.intdigest()

    def write(self, data) -> None:
        self.hasher.update(data)
        self.fh.write(data)


def _copy_into(path: Path, fh) -> str:
    """The file copied into `fh`; the SHA-256 of its bytes."""
    h = hashlib.sha256()
    for piece in page_cache.file_pieces(path):
        h.update(piece)
        fh.write(piece)
    return h.hexdigest()


def _copy_summed(path: Path, target: Path) -> str:
    """`path` copied to `target`; the SHA-256 of what was copied."""
    with open(target, "wb") as fh:
        return _copy_into(path, fh)


def _placed(path: Path, target: Path) -> str:
    """`path` at `target`, a new name of the same file where the file system allows (an artifact is never changed
    in place: the cache and the build replace theirs whole), else a copy; the SHA-256 of its bytes, read from
    `target`, so a kept artifact changed since it was kept is a miss."""
    try:
        os.link(path, target)
    except OSError:
        return _copy_summed(path, target)
    return page_cache.file_sha256(target)


def _kept(path: Path, stored: Path) -> str:
    """The artifact at `path` kept as `stored` (a new name of the same file, else a copy, put in place whole); the
    SHA-256 of its bytes."""
    fd, name = tempfile.mkstemp(prefix=".tmp-", dir=stored.parent)
    os.close(fd)
    try:
        os.unlink(name)
        digest = _placed(path, Path(name))
        os.replace(name, stored)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return digest


MAGIC = b"exporter fragments 4\n"  # (4: members summed by `checksum`, no longer Adler-32)
# the index is in `marshal`'s format (plain data: a fifth of the time JSON took to write it, and less to read, for
# the 7,000 entries of a course of 6,000 items; `page_cache.MARSHAL_VERSION`), followed by its CRC-32 (4 bytes) and
# its length (8 bytes). A damaged index fails its CRC or its loading, and its fragments are made anew.
_TAIL = 12


class FragmentStore:
    """One writer's fragments for one course: what a package's `fragment(key, make)` replays on a hit (each member's
    stored bytes, CRC and size, and the small value `make` returned) and keeps for the next build.

    The file is MAGIC, the members' stored bytes, the index (key -> [value, [[name, offset, stored size, CRC, size,
    `checksum` of the stored bytes], ...]], in `marshal`'s format), its CRC-32 (4 bytes) and its length (8 bytes). The
    last build's file is mapped when the writer starts (a hit reads its own bytes, and is used only if they sum as
    they did). At the package's close, the fragments this build made are appended to it with an index of the ones it
    used (the old bytes stay where they are: a build reading the file meanwhile still finds its own), unless less than
    half of the file would then be in use: then a new file holding only those replaces it (written beside it,
    renamed)."""

    def __init__(self, path: Path, base: str, digests: CourseDigests):
        self.path = path
        self.base = base  # the writer's own key parts: code, name, options
        self.digests = digests  # each page's digest by id, with and without its text
        self.index: dict = {}
        self.data: bytes | memoryview = b""
        self.hits = self.misses = 0
        self._hit: set[str] = set()  # the keys `get` found whole
        self._size = -1  # the file's size when it was mapped (-1: no file to append to), and which file it is
        self._inode = -1
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError, EOFError):
            with open(path, "rb") as fh:  # mapped, not read: a hit reads its own bytes only
                blob = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                inode = os.fstat(fh.fileno()).st_ino
            if blob[:len(MAGIC)] == MAGIC and len(blob) >= len(MAGIC) + _TAIL:
                length = int.from_bytes(blob[-8:], "big")
                end = len(blob) - _TAIL - length
                head = blob[end:len(blob) - _TAIL] if end >= len(MAGIC) else b""
                if head and zlib.crc32(head) == int.from_bytes(blob[-_TAIL:-8], "big"):
                    index = marshal.loads(head)
                    if isinstance(index, dict):
                        self.index, self.data, self._size = index, memoryview(blob)[len(MAGIC):end], len(blob)
                        self._inode = inode

    def digest(self, *parts) -> str:
        """A digest of plain data and model objects, for a writer's own key parts (a course outline's)."""
        return digest(*parts)

    def key(self, outline: str, page, extra: tuple, text: bool = True) -> str:
        """A fragment's key: the writer's, the course outline's digest (`Writer.outline`), the page's own digest (with
        its text, or without it for a fragment made from the page without its text) and `extra` (plain data:
        numbers given in course order, a part's name)."""
        pages = self.digests.whole if text else self.digests.quizzes
        return plain_digest(self.base, outline, pages[page.id] if page is not None else None, *extra)

    def get(self, key: str, attached: bool = True):
        """(value, [(name, stored bytes, CRC, size), ...]) or None (also when a member's bytes do not sum as they
        did when saved: a damaged entry is made again). attached=False: pieces attached to the fragment (named "")
        are not read here; their CRC is the `checksum` they must sum to, for `intact` when they are used."""
        entry = self.index.get(key)
        try:
            value, members = entry
            out = []
            for name, offset, stored, crc, size, check in members:
                data = self.data[offset:offset + stored]
                if len(data) != stored:
                    raise ValueError("damaged")
                if not name and not attached:
                    out.append((name, data, check, size))
                    continue
                if checksum(data) != check:
                    raise ValueError("damaged")
                out.append((name, data, crc, size))
        except (TypeError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        self._hit.add(key)
        return value, out

    @staticmethod
    def intact(data, check: int) -> bool:
        """Whether an attached piece `get(attached=False)` handed over sums as it did when it was saved."""
        return checksum(data) == check

    def save(self, kept: list, copy) -> None:
        """Keep the fragments `kept` ([(key, value, members)]) for the next build, appended to the file or in a file
        of their own (see the class): each member (name, where its stored bytes are (an offset in the package's
        scratch file, or the bytes themselves: a replayed fragment's, as this store held them), stored size, CRC,
        size), `copy(fh, where, size)` writing them (a zip member's compressed ones; a piece of a tar member as it
        is, named "" and CRC 0)."""
        def in_file(key: str, value) -> bool:
            """Whether the fragment is in this file already, as this build keeps it (a hit, with its value)."""
            return key in self._hit and self.index[key][0] == value

        def write(fh, at: int, reuse: bool) -> None:
            out, index = _Summed(fh), {}
            for key, value, members in kept:
                if reuse and in_file(key, value):  # where it is in the file already
                    index[key] = self.index[key]
                    continue
                placed = []
                for name, offset, stored, crc, size in members:
                    out.start()
                    copy(out, offset, stored)
                    placed.append([name, at, stored, crc, size, out.sum()])
                    at += stored
                index[key] = [value, placed]
            head = marshal.dumps(index, page_cache.MARSHAL_VERSION)
            fh.write(head + zlib.crc32(head).to_bytes(4, "big") + len(head).to_bytes(8, "big"))

        with contextlib.suppress(OSError, ValueError):  # a full or read-only cache folder: the next build makes them
            self.path.parent.mkdir(parents=True, exist_ok=True)
            used = sum(stored for _, _, members in kept for _, _, stored, _, _ in members)
            made = sum(stored for key, value, members in kept if not in_file(key, value)
                       for _, _, stored, _, _ in members)
            if fcntl is not None and self._size >= 0 and 2 * used >= self._size + made and self._append(write):
                return
            sealedfile.replace(self.path, lambda fh: (fh.write(MAGIC), write(fh, 0, False)))

    def _append(self, write) -> bool:
        """`write` the new fragments and the index at the end of the file as it was mapped; False when it is not
        that file any more (another build replaced or appended to it: then it is replaced as a whole)."""
        with open(self.path, "r+b") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True  # another build is appending to it now: this one keeps nothing
            now = os.fstat(fh.fileno())
            if (now.st_size, now.st_ino) != (self._size, self._inode):
                return False
            fh.seek(self._size)
            write(fh, self._size - len(MAGIC), True)
        return True
