"""Packaging core shared by every writer: deterministic zips and gzip'd tars, written into a file as their
members are made (`ZipPackage`, `TgzPackage`), or in memory from a dict of members (`zip_bytes`, `tgz_bytes`:
the reference the packages are tested against; a `TgzPackage`'s tar, compressed in segments)."""

from __future__ import annotations

import bisect
import contextlib
import gzip
import io
import json
import mmap
import os
import struct
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, NamedTuple, TypeVar

from exporter.model import LocalFile
from exporter.writers import contentkey
from exporter.writers.gzipsegments import SegmentedGzip, ends_segment

T = TypeVar("T")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in any artifact


CHUNK = 1 << 20
SCRATCH_PREFIX = ".members-"  # a package's scratch file, beside it while it is written


def zip_bytes(files: dict[str, bytes | str | LocalFile]) -> bytes:
    """A zip of the files, byte-identical for the same input: sorted names, fixed times and modes, deflate.
    Course files (LocalFile) are streamed from disk and large members compressed a chunk at a time, so the
    zip being built is the only large thing in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            data = files[name]
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is read
            info.external_attr = 0o100644 << 16
            try:
                info.compress_level = 6  # Python 3.13+
            except AttributeError:
                info._compresslevel = 6  # what writestr(compresslevel=6) sets before 3.13
            if isinstance(data, str):
                data = data.encode("utf-8")
            if isinstance(data, LocalFile):
                info.file_size = data.size
                chunks = data.chunks(CHUNK)
            else:
                info.file_size = len(data)
                view = memoryview(data)
                chunks = (view[k:k + CHUNK] for k in range(0, len(data), CHUNK))
            with zf.open(info, "w") as dest:
                for chunk in chunks:
                    dest.write(chunk)
    return buf.getvalue()


def size_of(data: bytes | str | LocalFile) -> int:
    """The size in bytes a member will have in an archive."""
    if isinstance(data, LocalFile):
        return data.size
    return len(data.encode("utf-8") if isinstance(data, str) else data)


def tgz_bytes(files: dict[str, bytes | str | LocalFile], first: tuple[str, ...] = ()) -> bytes:
    """A gzip'd ustar archive of the files, byte-identical for the same input: the `first` names in that order,
    then the rest sorted; time 0, owner root, mode 0644, no file name or time in the gzip header. Course files
    (LocalFile) are streamed from disk into the compressor."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=6, mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in [*first, *sorted(n for n in files if n not in first)]:
            data = files[name]
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = size_of(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if isinstance(data, LocalFile):
                with open(data.path, "rb") as fh:
                    tar.addfile(info, fh)
            else:
                tar.addfile(info, io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data))
    return buf.getvalue()


# ---- packages written as their members are made ------------------------------------------------------------

class _Spill:
    """A scratch file beside the package (a short name of its own: the package's name may be as long as the
    file system allows): members go in as they are made, the archive is written from it in its own member
    order at the end. Removed when the package is closed or discarded; if the writer fails, with the folder
    it was written in (a build's staging folder, or `Writer.write`'s temporary one)."""

    def __init__(self, path: Path):
        fd, name = tempfile.mkstemp(prefix=SCRATCH_PREFIX, dir=path.parent)
        self.path = Path(name)
        self.fh = os.fdopen(fd, "w+b")
        self.end = 0  # its size: written only at its end (no seek: each would flush its buffer), read by offset
        self._flushed = 0  # how much of it the file holds (the rest waits in the buffer)

    def append(self, data) -> int:
        """Write at the end; where the bytes start."""
        offset = self.end
        self.fh.write(data)
        self.end += len(data)
        return offset

    def _sync(self) -> None:
        """Everything appended handed to the file (read by offset or mapped, not through the buffer)."""
        if self._flushed != self.end:
            self.fh.flush()
            self._flushed = self.end

    def read(self, offset: int, size: int) -> bytes:
        self._sync()
        data = os.pread(self.fh.fileno(), size, offset)
        while len(data) < size:
            more = os.pread(self.fh.fileno(), size - len(data), offset + len(data))
            if not more:
                raise OSError(f"{self.path}: shorter than written")
            data += more
        return data

    def remove(self) -> None:
        self.fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    @contextlib.contextmanager
    def mapped(self):
        """A reader of what the file holds now, for many members in an order of their own (no system call per
        member): `read(offset, size)` gives a view of the file mapped. What it has read stops counting in the
        process's memory every `RESIDENT` bytes (the pages stay in the system's cache)."""
        self._sync()
        if self.end == 0:
            yield _Mapped(None)
            return
        m = mmap.mmap(self.fh.fileno(), self.end, access=mmap.ACCESS_READ)
        reader = _Mapped(m)
        try:
            yield reader
        finally:
            reader.view.release()
            with contextlib.suppress(BufferError):  # a view still held (a failed write's): closed when it goes
                m.close()

    def copy_to(self, dest, offset: int, size: int) -> None:
        while size > 0:
            chunk = self.read(offset, min(CHUNK, size))
            dest.write(chunk)
            offset += len(chunk)
            size -= len(chunk)


RESIDENT = 16 << 20  # bytes of a mapped scratch file read between two drops of its pages from the process


class _Mapped:
    """`_Spill.mapped`'s reader."""

    def __init__(self, m: mmap.mmap | None):
        self.map, self.view, self.read_since = m, memoryview(m if m is not None else b""), 0

    def read(self, offset: int, size: int) -> memoryview:
        self.read_since += size
        if self.read_since > RESIDENT and self.map is not None and hasattr(mmap, "MADV_DONTNEED"):
            self.map.madvise(mmap.MADV_DONTNEED)
            self.read_since = size
        return self.view[offset:offset + size]


class Package:
    """An archive being written at `path`: `add(name, data)` or `with open(name) as stream:` for each member as
    it is made (a later member of the same name replaces the earlier one); `close()` writes the archive in its
    member order (each package type has its own) and removes the scratch file. Nothing holds all members:
    each is in the scratch file (compressed, for a zip) from the moment it is added. As a context manager, a
    package removes both files on an exception."""

    def __init__(self, path: Path | str, fragments=None):
        self.path = Path(path)
        self._spill = _Spill(self.path)
        self._open = False
        self.sizes: dict[str, int] = {}  # each member's size in bytes, by name
        self.store = fragments  # exporter.build.outputcache.FragmentStore, or None: nothing is kept
        self._kept: list = []  # what this package keeps for the store: (key, value, members in the scratch file)

    def add(self, name: str, data: bytes | str | LocalFile | BinaryIO) -> None:
        """One member: bytes, text (UTF-8), a course file, or an open binary file read from where it stands
        to its end (a scratch file a writer wrote a document into)."""
        if isinstance(data, LocalFile):
            self._add_local(name, data)
            return
        with self.open(name) as stream:
            if hasattr(data, "read"):
                while chunk := data.read(CHUNK):
                    stream.write(chunk)
            else:
                stream.write(data.encode("utf-8") if isinstance(data, str) else data)

    def _add_local(self, name: str, data: LocalFile) -> None:
        with self.open(name) as stream:
            for chunk in data.chunks(CHUNK):
                stream.write(chunk)

    @contextlib.contextmanager
    def open(self, name: str):
        """A binary stream for one member (lxml's `etree.xmlfile` writes into it); one at a time."""
        assert not self._open, "one member at a time"
        self._open = True
        try:
            stream = self._stream(name)
            yield stream
            self._finish(name, stream)
        finally:
            self._open = False

    def close(self) -> None:
        """The archive written; then, with a store, what was kept handed to it from the scratch file."""
        try:
            with open(self.path, "wb") as fh:
                self._write(fh)
            if self.store is not None:
                self.store.save(self._kept, self._copy_kept)
        finally:
            self._spill.remove()

    def _derived_key(self, name: str, inputs) -> str | None:
        """The store's key of member `name` made from `inputs` alone (`derived`); None without a store."""
        return None if self.store is None else self.store.key(None, None, ("member", name, self.store.digest(inputs)))

    def _copy_kept(self, dest, where: int | memoryview, size: int) -> None:
        """A kept member's bytes for the store: from the scratch file (an offset), or as the store held them."""
        if isinstance(where, int):
            self._spill.copy_to(dest, where, size)
        else:
            dest.write(where)

    def discard(self) -> None:
        self._spill.remove()
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()

    # per package type
    def _stream(self, name: str):  # pragma: no cover - interface
        raise NotImplementedError

    def _finish(self, name: str, stream) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def _write(self, fh) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class _Deflating:
    """A zip member's stream: raw deflate at level 6 (what zipfile writes) into the scratch file, with CRC."""

    def __init__(self, spill: _Spill):
        self.spill = spill
        self.offset = spill.end
        self.compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.crc = 0
        self.size = 0

    def write(self, data) -> int:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        out = self.compressor.compress(data)
        if out:
            self.spill.append(out)
        return len(data)

    def close(self) -> tuple[int, int]:
        """(offset, compressed size) in the scratch file."""
        self.spill.append(self.compressor.flush())
        return self.offset, self.spill.end - self.offset


class ZipMember(NamedTuple):
    """A member compressed and ready to place: where its deflate stream is (at `offset` in the scratch file, or
    `kept`: a replayed fragment's bytes where the store holds them), its CRC and sizes. (A named tuple: made in
    less than half the time of a frozen dataclass, once for each member of every zip a warm build writes.)"""

    offset: int
    compressed: int
    crc: int
    size: int
    kept: memoryview | None = None

    def stored(self, spill: _Mapped):
        """Its compressed bytes: as the store holds them, or from the mapped scratch file."""
        return self.kept if self.kept is not None else spill.read(self.offset, self.compressed)


class StaleFragments(Exception):
    """Raised by a writer that relied on fragments it had not read yet (`FragmentStore.get(attached=False)`) and
    found one damaged: the build drops that writer's fragments and writes its artifact again, keeping them anew."""


KEEP_AT_LEAST = 1 << 14  # a member outside a fragment is kept by its bytes from this size


class _Deflated:
    """Large members' deflate streams and CRCs by the digest and size of their bytes, for the packages one process
    writes one after another (a warm build runs its writers in turn: the two cartridges hold the same question bank,
    19 MB for a course of 6,000 items, deflated once). Level 6 deflate of the same bytes is the same stream. At
    most `budget` bytes of them, the oldest dropped first."""

    def __init__(self, budget: int):
        self.budget, self.held = budget, 0
        self.streams: dict[tuple[str, int], tuple[bytes, int]] = {}

    def get(self, key: tuple[str, int]) -> tuple[bytes, int] | None:
        return self.streams.get(key)

    def put(self, key: tuple[str, int], compressed: bytes, crc: int) -> None:
        if len(compressed) > self.budget or key in self.streams:
            return
        self.streams[key] = (compressed, crc)
        self.held += len(compressed)
        while self.held > self.budget:
            dropped, _ = self.streams.pop(next(iter(self.streams)))
            self.held -= len(dropped)


_DEFLATED = _Deflated(32 << 20)


def _content_digest(data) -> tuple[str, int]:
    """The key of a member's bytes (`contentkey`) and their count; an open file is read to its end and put back where
    it stood."""
    h = contentkey.hasher()
    size = 0
    if isinstance(data, LocalFile):
        for chunk in data.chunks(CHUNK):
            h.update(chunk)
            size += len(chunk)
    elif hasattr(data, "read"):
        start = data.tell()
        while chunk := data.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
        data.seek(start)
    else:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        h.update(raw)
        size = len(raw)
    return h.hexdigest(), size


class ZipPackage(Package):
    """A zip, byte-identical to `zip_bytes` of the same members: sorted names, fixed times and modes, deflate
    at level 6. Each member is compressed as it is added; at close the compressed streams are copied into the
    zip in name order."""

    def __init__(self, path: Path | str, fragments=None):
        super().__init__(path, fragments)
        self.members: dict[str, ZipMember] = {}
        self._recording: list | None = None
        self.replayed = False  # whether the last fragment was replayed (its value: what it made then)
        self.attached: list = []  # the bytes the last fragment attached
        self.checks: list[int] = []  # ... when replayed: the checksum each must sum to (`FragmentStore.intact`)

    def fragment(self, key: str | None, make: Callable[[], T]) -> T:
        """The members `make()` adds, and the plain value it returns (JSON data: manifest entries): replayed from
        the fragment store when it holds `key` (their compressed bytes copied), else made and kept. The value
        comes back as JSON gives it (lists for tuples) either way, so a writer meets the same in both cases.
        Bytes `make()` attaches (`attach`: a fragment's piece of a larger member) are in `attached` after it; when
        replayed, as the store holds them, not read yet: the writer checks each with `FragmentStore.intact` and its
        `checks` entry before it uses it."""
        self.replayed, self.attached, self.checks = False, [], []
        if self.store is None or key is None:
            return make()
        hit = self.store.get(key, attached=False)
        if hit is not None:
            self.replayed = True
            value, members = hit
            recorded = []
            for name, data, crc, size in members:  # placed from where the store holds them (never copied here)
                if name:
                    self.members[name], self.sizes[name] = ZipMember(-1, len(data), crc, size, data), size
                else:
                    self.attached.append(data)
                    self.checks.append(crc)  # (for an attached piece: its checksum)
                    crc = 0
                recorded.append((name, data, len(data), crc, size))
            self._kept.append((key, value, recorded))
            return value
        assert self._recording is None, "fragments do not nest"
        self._recording = []
        try:
            value = json.loads(json.dumps(make()))
            recorded = self._recording
        finally:
            self._recording = None
        self._kept.append((key, value, recorded))
        return value

    def derived(self, name: str, inputs, make: Callable[[], bytes]) -> None:
        """A member made from `inputs` alone (plain data: a manifest's resources and outline): with a fragment store,
        kept by a digest of them, so the same inputs as last build neither make nor compress it again."""
        self.fragment(self._derived_key(name, inputs), lambda: self.add(name, make()))

    def attach(self, data: bytes) -> None:
        """Inside a fragment: bytes kept with it (not a member of the zip: a piece of one written elsewhere)."""
        self.attached.append(data)
        if self._recording is not None:
            self._recording.append(("", self._spill.append(data), len(data), 0, len(data)))

    def add(self, name: str, data: bytes | str | LocalFile | BinaryIO) -> None:
        """As `Package.add`; with a fragment store, a large member added outside a fragment (a manifest, a question
        bank, a course file) is kept by a digest of its bytes: the same bytes as last build are not compressed
        again. A large member's deflate stream is also shared with the packages this process writes after it
        (`_Deflated`)."""
        if self.store is None:
            super().add(name, data)
            return
        digest, size = _content_digest(data)
        if size < KEEP_AT_LEAST:
            super().add(name, data)
        elif self._recording is not None:  # inside a fragment: kept with it
            self._add_large(name, data, digest, size)
        else:
            self.fragment(self.store.key(None, None, ("bytes", digest, size, name)),
                          lambda: self._add_large(name, data, digest, size))

    def _add_large(self, name: str, data, digest: str, size: int) -> None:
        shared = _DEFLATED.get((digest, size))
        if shared is not None:  # deflated by a package written before this one in this process
            compressed, crc = shared
            self._place(name, self._spill.append(compressed), len(compressed), crc, size)
            return
        super().add(name, data)
        member = self.members[name]
        _DEFLATED.put((digest, size), self._spill.read(member.offset, member.compressed), member.crc)

    def _stream(self, name: str) -> _Deflating:
        return _Deflating(self._spill)

    def _finish(self, name: str, stream: _Deflating) -> None:
        offset, compressed = stream.close()
        self._place(name, offset, compressed, stream.crc, stream.size)

    def _place(self, name: str, offset: int, compressed: int, crc: int, size: int) -> None:
        """A member whose deflate stream is in the scratch file at `offset`."""
        self.members[name] = ZipMember(offset, compressed, crc, size)
        self.sizes[name] = size
        if self._recording is not None:
            self._recording.append((name, offset, compressed, crc, size))

    def _write(self, fh) -> None:
        with self._spill.mapped() as spill:
            if not _plain_zip(fh, [(name, self.members[name]) for name in sorted(self.members)], spill):
                self._zipfile_write(fh, spill)

    def _zipfile_write(self, fh, spill: _Mapped) -> None:
        """What zipfile writes for these members: for a zip needing ZIP64 records, which `_plain_zip` leaves to it."""
        with zipfile.ZipFile(fh, "w") as zf:
            at = fh.tell()  # counted on from here (asking the file each time costs a system call)
            for name in sorted(self.members):
                member = self.members[name]
                info = _zip_info(name)
                info.file_size, info.compress_size, info.CRC = member.size, member.compressed, member.crc
                zip64 = info.file_size * 1.05 > zipfile.ZIP64_LIMIT  # as zipfile decides for a member it writes
                info.header_offset = at
                header = info.FileHeader(zip64)
                fh.write(header)
                fh.write(member.stored(spill))
                at += len(header) + member.compressed
                zf.filelist.append(info)
                zf.NameToInfo[name] = info
                zf.start_dir = at  # where zipfile writes the central directory on close


class _Spilling:
    """A tar member's stream: its bytes as they are, into the scratch file."""

    def __init__(self, spill: _Spill, cuts: list[int]):
        self.spill = spill
        self.offset = spill.end
        self.size = 0
        self.cuts = cuts

    def write(self, data) -> int:
        self.spill.append(data)
        self.size += len(data)
        return len(data)

    def cut(self) -> None:
        """What was written so far ends a unit of the gzip stream (`gzipsegments`): a part of a large member that
        changes on its own (a question bank category), so a segment may end here."""
        self.cuts.append(self.spill.end)


class TgzPackage(Package):
    """A gzip'd ustar archive whose tar is byte-identical to `tgz_bytes`'s of the same members: the `first` names
    in that order, then the rest sorted. Members wait in the scratch file as they are (course files stay where
    they are) and are compressed at close, in segments (`gzipsegments`)."""

    def __init__(self, path: Path | str, first: tuple[str, ...] = (), fragments=None):
        super().__init__(path, fragments)
        self.first = first
        # each member: (offset, size) in the scratch file, a course file, or kept bytes where the store holds them
        self.members: dict[str, tuple[int, int] | LocalFile | memoryview] = {}
        self._cuts: list[int] = []  # scratch file offsets where a member's writer ended a unit (`_Spilling.cut`)
        # `add_run`'s and `kept_run`'s, by their first member: names, offset in the scratch file (or the kept bytes),
        # size, where units end segments
        self._runs: dict[str, tuple[list[str], int | memoryview, int, list[int]]] = {}
        self._run_of: dict[str, str] = {}  # each of their members' run, by its first member
        self.segments: SegmentedGzip | None = None  # the last close's gzip writer (what it deflated and reused)

    def add(self, name: str, data: bytes | str | LocalFile | BinaryIO) -> None:
        """As `Package.add`; bytes and text go straight to the scratch file (what a stream of them would write)."""
        if isinstance(data, (bytes, str)) and not self._open:
            raw = data.encode("utf-8") if isinstance(data, str) else data
            self._set(name, (self._spill.append(raw), len(raw)), len(raw))
            return
        super().add(name, data)

    def add_run(self, files: dict[str, bytes], key: str | None = None) -> None:
        """Members written as their part of the tar at once (headers, bytes, padding), in name order: what an
        activity folder of the backup is. The archive is the same as with `add` of each; where the names
        stand together in the archive's order, the run goes in as one piece at close, not member by member. With
        `key`, the run is kept for the store (`kept_run` puts it back)."""
        names = sorted(files)
        units = []
        for name in names:
            data = files[name]
            header = ustar_header(name, len(data))
            if len(header) != tarfile.BLOCKSIZE or name in self.first:  # (never in a backup's folder)
                for name in names:
                    self.add(name, files[name])
                return
            units.append(header + data + tarfile.NUL * (-len(data) % tarfile.BLOCKSIZE))
        run = b"".join(units)
        offset = self._spill.append(run)
        sizes = [len(files[name]) for name in names]
        ends = self._run(names, sizes, run, offset)
        if key is not None:
            self._kept.append((key, [names, sizes, ends], [("", offset, len(run), 0, len(run))]))

    def derived(self, name: str, inputs, make: Callable[[], bytes]) -> None:
        """A member made from `inputs` alone (plain data), as `ZipPackage.derived`: with a fragment store, kept by a
        digest of them, and read where the store holds it when they are the same as last build."""
        key = self._derived_key(name, inputs)
        hit = self.store.get(key) if key is not None else None
        if hit is not None and len(hit[1]) == 1 and not hit[1][0][0]:
            data = hit[1][0][1]
            self._set(name, data, len(data))
            self._kept.append((key, None, [("", data, len(data), 0, len(data))]))
            return
        data = make()
        offset = self._spill.append(data)
        self._set(name, (offset, len(data)), len(data))
        if key is not None:
            self._kept.append((key, None, [("", offset, len(data), 0, len(data))]))

    def kept_run(self, value, data, key: str | None = None) -> bool:
        """A run kept by `add_run` (its value and bytes, from the store: the bytes checked as they were kept, so the
        units ending segments are the ones kept with them) put back, read where the store holds them (not copied
        into the scratch file), and with `key` kept again for the next build; False, adding nothing, where they do
        not agree (a damaged entry: the caller makes the members again)."""
        try:
            names, sizes, ends = value
            total = sum(tarfile.BLOCKSIZE + size + (-size % tarfile.BLOCKSIZE) for size in sizes)
            ordered = all(isinstance(end, int) and 0 < end <= total for end in ends) and ends == sorted(set(ends))
        except (TypeError, ValueError):
            return False
        if total != len(data) or len(names) != len(sizes) or not names or names != sorted(names) \
                or any(name in self.first for name in names) or not ordered:
            return False
        view = memoryview(data)
        self._run(names, sizes, view, None, ends)
        if key is not None:
            self._kept.append((key, value, [("", view, len(view), 0, len(view))]))
        return True

    def _run(self, names: list[str], sizes: list[int], data, offset: int | None,
             ends: list[int] | None = None) -> list[int]:
        """The run's members placed (at `offset` in the scratch file, or, with None, read from `data` where it is), and
        where its units end segments (`ends_segment`, taken from its bytes unless `ends` gives them); those ends."""
        found, at = [], 0
        view = memoryview(data)
        for name, size in zip(names, sizes):
            start = at + tarfile.BLOCKSIZE
            self._set(name, (offset + start, size) if offset is not None else view[start:start + size], size)
            unit = tarfile.BLOCKSIZE + size + (-size % tarfile.BLOCKSIZE)
            if ends is None and ends_segment(view[at:at + unit]):
                found.append(at + unit)
            at += unit
        ends = found if ends is None else ends
        self._runs[names[0]] = (names, offset if offset is not None else view, at, ends)
        for name in names:
            self._run_of[name] = names[0]
        return ends

    def _set(self, name: str, where: "tuple[int, int] | LocalFile | memoryview", size: int) -> None:
        """A member's place; one that replaces a member of a run breaks the run up (its members go in one by
        one)."""
        first = self._run_of.pop(name, None)
        if first is not None:
            self._runs.pop(first, None)
        self.members[name] = where
        self.sizes[name] = size

    def keep(self, key: str, value, pieces: list[tuple[str, int, int]]) -> None:
        """For the fragment store: (name, offset, size) pieces of the scratch file (members added, or a part of
        one, named "") kept under `key` with a plain value; saved at close, read back with the store's `get`."""
        self._kept.append((key, value, [(name, offset, size, 0, size) for name, offset, size in pieces]))

    def _add_local(self, name: str, data: LocalFile) -> None:
        self._set(name, data, data.size)

    def _stream(self, name: str) -> _Spilling:
        return _Spilling(self._spill, self._cuts)

    def _finish(self, name: str, stream: _Spilling) -> None:
        self._set(name, (stream.offset, stream.size), stream.size)

    def _write(self, fh) -> None:
        """What tarfile writes for these members (USTAR, headers from `ustar_header`), as a gzip stream in
        segments (`gzipsegments`): each member a unit, or the units its writer cut it into; the archive's end the
        last. With a store, each segment's compressed bytes are kept, and copied where a segment is the same."""
        store = self.store
        self.segments = out = SegmentedGzip(
            fh, key=(lambda digest, size, last: store.key(None, None, ("gzip segment", digest, size, last)))
            if store is not None else None, lookup=self._kept_segment, keep=self._keep_segment)
        with self._spill.mapped() as spill:
            self._units(out, spill)
            out.close()  # (its last segment may read pieces again: inside the mapping)

    def _units(self, out: SegmentedGzip, spill: _Mapped) -> None:
        total = 0
        names = [*self.first, *sorted(n for n in self.members if n not in self.first)]
        i = 0
        while i < len(names):
            if i == len(self.first):  # the first members end a segment (a backup's index lists every member's size)
                out.boundary()
            name = names[i]
            run = self._runs.get(name)
            if run is not None and names[i:i + len(run[0])] == run[0]:  # a run whose members stand together
                out.run(spill.read(run[1], run[2]) if isinstance(run[1], int) else run[1], run[3])
                total += run[2]
                i += len(run[0])
                continue
            i += 1
            data, size = self.members[name], self.sizes[name]
            pad = tarfile.NUL * (-size % tarfile.BLOCKSIZE)
            total += tarfile.BLOCKSIZE + size + len(pad)
            if isinstance(data, LocalFile):
                out.unit([ustar_header(name, size), lambda data=data, size=size: _read_exactly(data, size), pad])
                continue
            if isinstance(data, memoryview):  # a member of a kept run, where the store holds it
                out.add(ustar_header(name, size) + data + pad)
                continue
            offset, end = data[0], data[0] + size
            at = bisect.bisect_right(self._cuts, offset)
            if size <= CHUNK and (at == len(self._cuts) or self._cuts[at] >= end):  # (almost every member)
                out.add(ustar_header(name, size) + spill.read(offset, size) + pad)
                continue
            bounds = [offset]
            while at < len(self._cuts) and self._cuts[at] < end:
                bounds.append(self._cuts[at])
                at += 1
            bounds.append(end)
            # a large member (a question bank, cut into parts; a large course's index) changes its size with any edit
            # of a part: its header and its padding are segments of their own, so only the part's segment is deflated
            # again
            out.boundary()
            out.unit([ustar_header(name, size)])
            out.boundary()
            for start, stop in zip(bounds, bounds[1:]):
                out.unit([spill.read(start, stop - start)])
            out.boundary()
            out.unit([pad])
            out.boundary()
        end = tarfile.NUL * (2 * tarfile.BLOCKSIZE)  # the end of the archive, then its last record filled
        total += len(end)
        out.unit([end + tarfile.NUL * (-total % tarfile.RECORDSIZE)])

    def _kept_segment(self, key: str) -> bytes | None:
        hit = self.store.get(key) if self.store is not None else None
        return None if hit is None else b"".join(data for _, data, _, _ in hit[1])

    def _keep_segment(self, key: str, data: bytes) -> None:
        self._kept.append((key, None, [("", self._spill.append(data), len(data), 0, len(data))]))


def _read_exactly(data: LocalFile, size: int) -> Iterator[bytes]:
    """A course file's `size` bytes, a chunk at a time (an error, as tarfile's, if it got shorter while the build
    ran)."""
    with open(data.path, "rb") as fh:
        while size > 0:
            chunk = fh.read(min(CHUNK, size))
            if not chunk:
                raise OSError(f"{data.path}: unexpected end of data")
            yield chunk
            size -= len(chunk)


_USTAR_MODES = b"0000644\0" + b"0000000\0" * 2  # mode, uid, gid
_USTAR_TAIL = (tarfile.REGTYPE + tarfile.NUL * 100 + tarfile.POSIX_MAGIC  # after mtime 0 and the checksum
               + b"root".ljust(32, tarfile.NUL) * 2  # uname, gname
               + tarfile.NUL * (16 + 155 + 12))  # devmajor, devminor (empty for a file), prefix, the block's rest
# the header's byte sum but for its name and size: the checksum is taken with its own field as eight spaces
_USTAR_SUM = sum(_USTAR_MODES) + sum(b"0" * 11 + b"\0") + sum(b" " * 8) + sum(_USTAR_TAIL)


def ustar_header(name: str, size: int) -> bytes:
    """The USTAR header tarfile writes for a file of this name and size with `_tar_info`'s fields (mode 0644,
    owner root, time 0), made directly; names over 100 bytes and huge sizes through tarfile itself."""
    raw = name.encode(tarfile.ENCODING, "surrogateescape")
    if len(raw) > 100 or size >= 8 ** 11:
        return _tar_info(name, size).tobuf(tarfile.USTAR_FORMAT, tarfile.ENCODING, "surrogateescape")
    sized = b"%011o\0" % size
    check = b"%06o\0 " % (_USTAR_SUM + sum(raw) + sum(sized))
    return b"".join((raw.ljust(100, tarfile.NUL), _USTAR_MODES, sized, b"00000000000\0", check, _USTAR_TAIL))


_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # ... structCentralDir
_END = struct.Struct("<4s4H2LH")  # ... structEndArchive
_DOSDATE = (ZIP_EPOCH[0] - 1980) << 9 | ZIP_EPOCH[1] << 5 | ZIP_EPOCH[2]
_DOSTIME = ZIP_EPOCH[3] << 11 | ZIP_EPOCH[4] << 5 | ZIP_EPOCH[5] // 2
_UTF8_NAME = 0x800  # the flag zipfile sets on a name that is not ASCII
_MODE = 0o100644 << 16  # `_zip_info`'s external_attr


def _plain_zip(fh, members: list[tuple[str, ZipMember]], spill: _Mapped) -> bool:
    """What zipfile writes for these members (deflated, time `ZIP_EPOCH`, mode 0644, made on unix: `_zip_info`), its
    local headers, central directory and end record made directly, as `ustar_header` makes a tar's; False, having
    written nothing, where zipfile would write ZIP64 records (a member of 2 GiB or more, 65,536 members or more,
    or an archive past 2 GiB) or change a name (one holding NUL), which `_zipfile_write` leaves to zipfile."""
    limit = zipfile.ZIP64_LIMIT
    start = fh.tell()
    named = []
    at = start
    for name, m in members:
        if "\0" in name or m.size * 1.05 > limit or m.compressed > limit:
            return False
        try:
            raw, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw, flags = name.encode("utf-8"), _UTF8_NAME
        named.append((raw, flags, m, at))
        at += _LOCAL.size + len(raw) + m.compressed
    central_size = sum(_CENTRAL.size + len(raw) for raw, _, _, _ in named)
    if len(named) > zipfile.ZIP_FILECOUNT_LIMIT or at > limit or central_size > limit:
        return False
    pieces: list = []
    for raw, flags, m, _ in named:
        pieces.append(_LOCAL.pack(b"PK\003\004", 20, 0, flags, zipfile.ZIP_DEFLATED, _DOSTIME, _DOSDATE, m.crc,
                                  m.compressed, m.size, len(raw), 0) + raw)
        pieces.append(m.stored(spill))
        if len(pieces) >= BATCH:  # (written a batch at a time: the views they hold stay few)
            _write_pieces(fh, pieces)
            pieces = []
    _write_pieces(fh, pieces)
    fh.write(b"".join(_CENTRAL.pack(b"PK\001\002", 20, 3, 20, 0, flags, zipfile.ZIP_DEFLATED, _DOSTIME, _DOSDATE,
                                    m.crc, m.compressed, m.size, len(raw), 0, 0, 0, 0, _MODE, offset) + raw
                      for raw, flags, m, offset in named))
    fh.write(_END.pack(b"PK\005\006", 0, 0, len(named), len(named), central_size, at, 0))
    return True


def _write_pieces(fh, pieces: list) -> None:
    """Pieces (a member's header, its compressed bytes where the scratch file or the store holds them) written into
    an open file in order, with one `os.writev` per `BATCH` of them: straight from where they are, with no copy
    into the file's buffer and no call per piece (a zip of 6,951 members: 0.028 s of CPU instead of 0.041 with two
    writes per member). A file without a descriptor (an in-memory one) is written piece by piece."""
    try:
        fd = fh.fileno() if hasattr(os, "writev") else None
    except (OSError, ValueError, io.UnsupportedOperation):
        fd = None
    if fd is None:
        for piece in pieces:
            fh.write(piece)
        return
    fh.flush()  # (what the file's buffer holds goes first)
    for start in range(0, len(pieces), BATCH):
        batch = pieces[start:start + BATCH]
        while batch:
            done = os.writev(fd, batch)
            if done == sum(map(len, batch)):
                break
            n = 0  # (a short write: rare, on a full disk or a signal)
            while done >= len(batch[n]):
                done -= len(batch[n])
                n += 1
            batch = [memoryview(batch[n])[done:], *batch[n + 1:]]


def _iov_max() -> int:
    try:
        limit = os.sysconf("SC_IOV_MAX")
    except (AttributeError, ValueError, OSError):
        limit = -1
    return min(1024, limit) if limit > 0 else 16  # (POSIX's least IOV_MAX where the system names none)


BATCH = _iov_max()  # pieces per system call: the system's IOV_MAX (1,024 on Linux and macOS), at most 1,024


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix, so the mode below is read
    info.external_attr = 0o100644 << 16
    return info


def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, 0, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info
