"""Packages written as their members are made (writers/packaging.py) and XML documents written a child at a
time (xmltree.ChildStream): byte-identical to the in-memory reference of the same members and trees."""

from __future__ import annotations

import gzip
import io
import os
import random
import tarfile
import zlib

import pytest
from lxml import etree

from exporter.model import LocalFile
from exporter.writers import gzipsegments, packaging
from exporter.writers.gzipsegments import SegmentedGzip
from exporter.writers.moodle.backup.xmldoc import DECLARATION as MOODLE_DECLARATION
from exporter.writers.moodle.backup.xmldoc import document
from exporter.writers.packaging import (SCRATCH_PREFIX, TgzPackage, ZipPackage, _tar_info, tgz_bytes, ustar_header,
                                        zip_bytes)
from exporter.writers.xmltree import DECLARATION, ChildStream, serialize


def members(tmp_path) -> dict:
    rng = random.Random(7)
    big = tmp_path / "video.bin"
    big.write_bytes(bytes(rng.getrandbits(8) for _ in range(300_000)) + b"x" * 2_500_000)
    return {
        "imsmanifest.xml": "<manifest>" + "<r>é ü ✓</r>" * 5000 + "</manifest>",
        "a/empty.txt": b"",
        "b/random.bin": bytes(rng.getrandbits(8) for _ in range(70_000)),
        "files/video.bin": LocalFile(big, big.stat().st_size),
        "names/ünïcode name.html": "<p>text</p>",
        "z.txt": "last",
    }


def test_zip_package_is_the_zip_of_its_members_in_any_order(tmp_path):
    files = members(tmp_path)
    order = list(files)
    random.Random(1).shuffle(order)
    path = tmp_path / "out" / "p.zip"
    path.parent.mkdir()
    with ZipPackage(path) as package:
        package.add("z.txt", "replaced below")  # a later member of the same name wins, as in a dict
        for name in order:
            if name == "imsmanifest.xml":
                with package.open(name) as stream:  # written in pieces, as lxml's incremental writer does
                    data = files[name].encode("utf-8")
                    for k in range(0, len(data), 1000):
                        stream.write(data[k:k + 1000])
            else:
                package.add(name, files[name])
    assert path.read_bytes() == zip_bytes(files)
    assert os.listdir(path.parent) == ["p.zip"]  # the scratch file is gone
    assert package.sizes["files/video.bin"] == files["files/video.bin"].size


def test_tgz_package_is_the_tgz_of_its_members(tmp_path):
    """The same tar as the reference, in a gzip stream of segments (`gzipsegments`): one gzip member that gzip
    and tarfile read."""
    files = members(tmp_path)
    path = tmp_path / "out" / "p.tgz"
    path.parent.mkdir()
    with TgzPackage(path, first=("z.txt",)) as package:
        for name in reversed(list(files)):
            package.add(name, files[name])
    assert gzip.decompress(path.read_bytes()) == gzip.decompress(tgz_bytes(files, first=("z.txt",)))
    assert package.segments.deflated > 1  # the video (2.8 MB) ends a segment: more than one
    with tarfile.open(path) as tar:
        assert tar.getnames() == ["z.txt", *sorted(n for n in files if n != "z.txt")]
    assert os.listdir(path.parent) == ["p.tgz"]


def test_packages_read_their_scratch_file_mapped_in_bounded_pieces(tmp_path, monkeypatch):
    """The archive is the same when what is read of the mapped scratch file is dropped from memory every few
    bytes (at every member here)."""
    files = members(tmp_path)
    made = {}
    for resident in (packaging.RESIDENT, 100):
        monkeypatch.setattr(packaging, "RESIDENT", resident)
        for kind, package_type in (("zip", ZipPackage), ("tgz", TgzPackage)):
            path = tmp_path / f"{kind}-{resident}" / f"p.{kind}"
            path.parent.mkdir()
            with package_type(path) as package:
                for name in files:
                    package.add(name, files[name])
            made.setdefault(kind, set()).add(path.read_bytes())
    assert len(made["zip"]) == 1 and len(made["tgz"]) == 1
    assert made["zip"] == {zip_bytes(files)}


def test_a_zip_made_directly_is_what_zipfile_writes(tmp_path, monkeypatch):
    """`_plain_zip` (headers and directory made directly) against zipfile's own writing of the same members, and
    zipfile's writing where `_plain_zip` declines (here: every zip, as for one needing ZIP64 records)."""
    files = {**members(tmp_path), "ascii/ok.txt": "plain", "ünï/ÇØDÉ.txt": "utf-8 names", "": "no name"}
    made = []
    for plain in (True, False):
        if not plain:
            monkeypatch.setattr(packaging, "_plain_zip", lambda *args: False)
        path = tmp_path / f"plain-{plain}.zip"
        with ZipPackage(path) as package:
            for name in files:
                package.add(name, files[name])
        made.append(path.read_bytes())
    assert made[0] == made[1] == zip_bytes(files)
    out = io.BytesIO()
    many = [(f"{n}.txt", packaging.ZipMember(0, 2, 0, 0)) for n in range(65_536)]  # a ZIP64 count: zipfile's
    assert packaging._plain_zip(out, many, None) is False and out.getvalue() == b""
    huge = [("big.bin", packaging.ZipMember(0, 10, 0, 1 << 31))]  # a ZIP64 member: zipfile's
    assert packaging._plain_zip(out, huge, None) is False and out.getvalue() == b""


def test_pieces_are_written_whole_in_order_through_short_writes(tmp_path, monkeypatch):
    """`_write_pieces` (a zip's headers and members, one `os.writev` per batch) goes on where a short write stopped,
    also inside a piece, and writes what the file's buffer held first; a file without a descriptor gets the same."""
    rng = random.Random(3)
    pieces = [bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 300))) for _ in range(2500)]
    pieces += [memoryview(b"a view" * 50)[7:200], b""]
    real, calls = os.writev, []

    def short(fd, buffers):  # at most 997 bytes a call: most calls stop inside a piece
        calls.append(len(buffers))
        return real(fd, [bytes(b"".join(bytes(b) for b in buffers)[:997])])

    monkeypatch.setattr(os, "writev", short)
    path = tmp_path / "pieces"
    with open(path, "wb") as fh:
        fh.write(b"before ")
        packaging._write_pieces(fh, pieces)
    assert path.read_bytes() == b"before " + b"".join(bytes(p) for p in pieces)
    assert max(calls) <= packaging.BATCH and len(calls) > len(pieces) // packaging.BATCH + 1
    out = io.BytesIO()
    packaging._write_pieces(out, pieces)
    assert out.getvalue() == b"".join(bytes(p) for p in pieces)


def _units(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    return [("<unit %d>" % n).encode() + bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 3000)))
            + b"text " * rng.randrange(0, 40000) for n in range(count)]


def _segmented(units: list[bytes], kept: dict | None = None) -> tuple[bytes, SegmentedGzip]:
    out = io.BytesIO()
    seg = SegmentedGzip(out, key=(lambda *parts: repr(parts)) if kept is not None else None,
                        lookup=kept.get if kept is not None else None,
                        keep=kept.__setitem__ if kept is not None else None)
    for k, unit in enumerate(units):  # as pieces: bytes, and a callable yielding bytes
        seg.unit([unit[:10], lambda unit=unit: iter([unit[10:20], unit[20:]])] if k % 2 else [unit])
    seg.close()
    return out.getvalue(), seg


def test_segmented_gzip_is_one_gzip_of_its_units_and_reuses_segments_of_the_same_bytes():
    units = _units(3, 120)
    plain, seg = _segmented(units)
    assert gzip.decompress(plain) == b"".join(units)
    assert seg.deflated > 5 and seg.reused == 0
    kept: dict = {}
    first, seg = _segmented(units, kept)
    assert first == plain and seg.reused == 0 and len(kept) == seg.deflated
    changed = list(units)
    changed[60] = b"an edited unit " + units[60]  # boundaries elsewhere stay: only its segment is deflated again
    again, seg = _segmented(changed, kept)
    assert again == _segmented(changed)[0] and gzip.decompress(again) == b"".join(changed)
    # (and the next one, when the edit moves the boundary after the unit)
    assert seg.deflated <= 2 and seg.reused > 5, (seg.deflated, seg.reused)
    assert zlib.decompressobj(wbits=31).decompress(again)  # a single gzip member (no second header)


def test_a_segment_is_deflated_from_its_pieces_as_from_its_bytes_whole():
    """A segment not kept is deflated from its pieces again (never copied into one buffer): the same stream as its
    bytes in one piece, however they are cut."""
    units = _units(5, 40)

    def stream(cut: int) -> bytes:
        out = io.BytesIO()
        seg = SegmentedGzip(out)
        for unit in units:
            seg.unit([unit[k:k + cut] for k in range(0, len(unit), cut)] or [b""])
        seg.close()
        return out.getvalue()

    whole = stream(1 << 30)
    assert stream(7) == stream(4096) == whole and gzip.decompress(whole) == b"".join(units)


def test_units_added_as_a_run_make_the_same_stream_as_one_by_one():
    """`SegmentedGzip.run` (units as one piece, with where a segment ends) writes what `add` of each writes."""
    units = _units(7, 150)
    one_by_one = io.BytesIO()
    seg = SegmentedGzip(one_by_one)
    for unit in units:
        seg.add(unit)
    seg.close()
    assert one_by_one.getvalue() == _segmented(units)[0] and seg.deflated > 5
    for size in (1, 7, 40, 150):  # runs of that many units
        out = io.BytesIO()
        seg = SegmentedGzip(out)
        for start in range(0, len(units), size):
            ends, at = [], 0
            for unit in units[start:start + size]:
                at += len(unit)
                if gzipsegments.ends_segment(unit):
                    ends.append(at)
            seg.run(memoryview(b"".join(units[start:start + size])), ends)
        seg.close()
        assert out.getvalue() == one_by_one.getvalue(), size


def _folders(rng: random.Random) -> dict[str, dict[str, bytes]]:
    return {f"activities/{kind}_{n}": {f"activities/{kind}_{n}/{name}": (f"<{name} {n}/>" * rng.randrange(1, 3000)).encode()
                                       for name in ("module.xml", f"{kind}.xml", "inforef.xml", "roles.xml")}
            for n in range(1, 40) for kind in ("page", "quiz")}


def test_members_added_as_runs_make_the_same_archive(tmp_path):
    """`TgzPackage.add_run` (an activity folder's files as one piece of the tar) gives the bytes `add` of each
    gives, kept runs put back give them too, and where a run's members do not stand together in the archive's
    order, or one of them is replaced (by a member or by a later run's), its members go in one by one."""
    folders = _folders(random.Random(5))
    loose = {"activities/page_1/la.xml": b"<between/>", "activities/page_17b.xml": b"<after the folder/>",
             "moodle_backup.xml": b"<index/>"}

    def archive(path, how, kept=None) -> bytes:
        with TgzPackage(path, first=("moodle_backup.xml",)) as package:
            for folder in folders.values():
                if how == "one by one":
                    for name, data in folder.items():
                        package.add(name, data)
                elif kept is not None and kept:
                    value, data = kept.pop(0)
                    assert package.kept_run(value, data)
                else:
                    package.add_run(folder, key="k")
            package.add("activities/quiz_3/roles.xml", b"<replaced/>")  # replaces a member of a run
            # a later run holding a member of an earlier one: the earlier run's members then go in one by one
            again = {"activities/quiz_5/module.xml": b"<taken over/>", "activities/quiz_5/zz.xml": b"<new/>"}
            if how == "one by one":
                for name, data in again.items():
                    package.add(name, data)
            else:
                package.add_run(again)
            for name, data in loose.items():
                package.add(name, data)
            runs = [(value, package._spill.read(offset, size)) for _, value, [(_, offset, size, _, _)] in package._kept]
        return path.read_bytes(), runs

    plain, _ = archive(tmp_path / "a.tgz", "one by one")
    as_runs, kept = archive(tmp_path / "b.tgz", "runs")
    assert as_runs == plain and len(kept) == len(folders)
    assert archive(tmp_path / "c.tgz", "runs", list(kept))[0] == plain
    with tarfile.open(tmp_path / "c.tgz") as tar:
        assert tar.extractfile("activities/quiz_3/roles.xml").read() == b"<replaced/>"
        assert tar.extractfile("activities/quiz_5/module.xml").read() == b"<taken over/>"
    with TgzPackage(tmp_path / "d.tgz") as package:  # a damaged kept value adds nothing
        value, data = kept[0]
        assert not package.kept_run(value, data[:-1]) and not package.kept_run([value[0], value[1][:-1]], data)
        assert not package.kept_run(None, data) and not package.members
        names, sizes, ends = value
        for wrong in ([len(data) + 512], [0], ["512"], [1024, 512], [512, 512]):  # units that end segments: in order
            assert not package.kept_run([names, sizes, wrong], data), wrong


def test_a_failed_package_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), ZipPackage(tmp_path / "p.zip") as package:
        package.add("a.txt", "text")
        raise RuntimeError("the writer failed")
    assert os.listdir(tmp_path) == []


def test_an_open_file_is_read_from_where_it_stands(tmp_path):
    scratch = tmp_path / "doc.xml"
    scratch.write_bytes(b"skip<doc/>")
    with open(scratch, "rb") as fh, ZipPackage(tmp_path / "p.zip") as package:
        fh.seek(4)
        package.add("doc.xml", fh)
    assert (tmp_path / "p.zip").read_bytes() == zip_bytes({"doc.xml": b"<doc/>"})
    assert not [n for n in os.listdir(tmp_path) if n.startswith(SCRATCH_PREFIX)]


def tree(children: int) -> etree._Element:
    root = etree.Element("quiz", kind="x")
    for n in range(children):
        q = etree.SubElement(root, "question", type="multichoice", n=str(n))
        etree.SubElement(etree.SubElement(q, "name"), "text").text = f"Q{n} & <b> \"ü\""
        text = etree.SubElement(etree.SubElement(q, "questiontext", format="html"), "text")
        text.text = etree.CDATA(f"<p>item {n}</p>")
        etree.SubElement(q, "empty")
        etree.SubElement(q, "mixed").text = "  "
    return root


@pytest.mark.parametrize("children", [0, 1, 5])
@pytest.mark.parametrize("flush_every", [1, 2, 10])
def test_child_stream_writes_what_the_whole_tree_serializes_to(tmp_path, children, flush_every):
    for declaration, whole in ((DECLARATION, serialize), (MOODLE_DECLARATION, document)):
        reference = whole(tree(children))
        root = etree.Element("quiz", kind="x")
        path = tmp_path / "doc.xml"
        with open(path, "wb") as fh:
            out = ChildStream(fh, root, declaration)
            for n, child in enumerate(tree(children)):
                root.append(child)
                if n % flush_every == 0:
                    out.flush()
            out.close()
        assert path.read_bytes() == reference
        assert len(root) == 0  # nothing written stays in the tree


@pytest.mark.parametrize("name", ["a", "activities/page_12/module.xml", "é/ü ✓.txt", "x" * 100, "d/" + "y" * 99,
                                  "q/" * 30 + "r" * 80, "\udcff.bin"])
@pytest.mark.parametrize("size", [0, 1, 511, 512, 123_456_789, 8 ** 11 - 1])
def test_ustar_header_is_tarfiles(name, size):
    """The backup's headers are made directly; they are the bytes tarfile makes for the same member."""
    assert ustar_header(name, size) == _tar_info(name, size).tobuf(tarfile.USTAR_FORMAT, tarfile.ENCODING,
                                                                    "surrogateescape")


def test_child_stream_puts_in_kept_children_as_they_were(tmp_path):
    """A child's bytes kept from one document (`sync`), put in another with `raw`: the same document."""
    reference = serialize(tree(4))
    kept, root = [], etree.Element("quiz", kind="x")
    with open(tmp_path / "a.xml", "wb") as fh:
        out = ChildStream(fh, root, DECLARATION)
        out.start()
        for child in tree(4):
            out.sync()
            before = fh.tell()
            root.append(child)
            out.flush()
            out.sync()
            kept.append(before)
        out.close()
    data = (tmp_path / "a.xml").read_bytes()
    assert data == reference
    pieces = [data[a:b] for a, b in zip(kept, kept[1:] + [data.rindex(b"\n</quiz>")])]
    with open(tmp_path / "b.xml", "wb") as fh:
        out = ChildStream(fh, etree.Element("quiz", kind="x"), DECLARATION)
        for piece in pieces:
            out.raw(piece)
        out.close()
    assert (tmp_path / "b.xml").read_bytes() == reference


class Store:
    """A fragment store in memory (what exporter.build.outputcache.FragmentStore keeps on disk)."""

    def __init__(self, entries=None):
        self.entries, self.saved = entries or {}, None

    def get(self, key, attached=True):
        """As FragmentStore.get: attached=False hands attached pieces (named "") over unread, with their checksum."""
        from exporter.build.outputcache import checksum

        hit = self.entries.get(key)
        if hit is None or attached:
            return hit
        value, members = hit
        return value, [(name, data, crc if name else checksum(data), size) for name, data, crc, size in members]

    @staticmethod
    def intact(data, check):
        from exporter.build.outputcache import FragmentStore

        return FragmentStore.intact(data, check)

    def key(self, outline, page, extra, text=True):
        return repr(extra)

    def digest(self, *parts):
        return repr(parts)

    def save(self, kept, copy):
        import io

        self.saved = {}
        for key, value, members in kept:
            out = []
            for name, offset, compressed, crc, size in members:
                buf = io.BytesIO()
                copy(buf, offset, compressed)
                out.append((name, buf.getvalue(), crc, size))
            self.saved[key] = (value, out)


def test_a_replayed_fragment_makes_the_same_zip(tmp_path):
    files = members(tmp_path)
    names = sorted(files)

    def write(path, store):
        with ZipPackage(path, store) as package:
            for n, name in enumerate(names):
                made = package.fragment(f"k{n}", lambda: package.add(name, files[name]) or ("made", n))
                assert made == ["made", n]  # a value as JSON gives it back, made or replayed
        return package

    first = write(tmp_path / "a.zip", Store())
    assert (tmp_path / "a.zip").read_bytes() == zip_bytes(files)
    second = write(tmp_path / "b.zip", Store(first.store.saved))
    assert second.replayed and (tmp_path / "b.zip").read_bytes() == zip_bytes(files)


def test_a_large_member_is_deflated_once_for_the_packages_a_process_writes(tmp_path, monkeypatch):
    """Packages with a fragment store written one after another (a warm build's writers in turn) share the deflate
    stream of a large member they both hold, inside a fragment or outside one; each zip is still what zipfile writes.
    Beyond its budget, the oldest stream is dropped."""
    monkeypatch.setattr(packaging, "_DEFLATED", packaging._Deflated(1 << 20))
    files = members(tmp_path)
    deflated = []
    compressobj = zlib.compressobj
    monkeypatch.setattr(packaging.zlib, "compressobj", lambda *a: deflated.append(1) or compressobj(*a))

    def write(path, inside):
        with ZipPackage(path, Store()) as package:
            for name in sorted(files):
                if inside:
                    package.fragment(f"k {name}", lambda name=name: package.add(name, files[name]))
                else:
                    package.add(name, files[name])
        return len(deflated)

    first = write(tmp_path / "a.zip", False)
    assert write(tmp_path / "b.zip", True) - first == first - 3  # the three large members deflated once
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes() == zip_bytes(files)
    assert 0 < packaging._DEFLATED.held <= 1 << 20
    small = packaging._Deflated(10)
    small.put(("a", 1), b"123456", 1)
    small.put(("b", 1), b"abcdef", 2)  # over the budget with the first: the first dropped
    small.put(("c", 1), b"x" * 11, 3)  # over it alone: not held
    assert small.get(("a", 1)) is None and small.get(("b", 1)) == (b"abcdef", 2) and small.get(("c", 1)) is None
    assert small.held == 6


def test_a_large_members_header_and_padding_and_the_index_end_segments(tmp_path, monkeypatch):
    """A member cut into parts (a backup's question bank) changes its size, in its header, and its padding with any
    edit of a part, and the index listed first (a backup's, of every member's size) changes too: each is a segment
    of its own (`SegmentedGzip.boundary`), so an edit deflates no part but its own again."""
    ends: list[int] = []
    boundary = SegmentedGzip.boundary

    def noted(self):
        if self._size:
            ends.append(self.total)  # (where in the tar a segment ends)
        boundary(self)

    monkeypatch.setattr(SegmentedGzip, "boundary", noted)
    parts = [(f"<part {n}>" + "words " * (300 + 37 * n)).encode() for n in range(8)]

    def write(path, parts, store):
        ends.clear()
        files = {"index.txt": f"bank {sum(map(len, parts))}\n".encode(), "a.txt": b"before", "z.txt": b"after"}
        with TgzPackage(path, first=("index.txt",), fragments=store) as package:
            for name, data in files.items():
                package.add(name, data)
            with package.open("bank.xml") as stream:
                for part in parts:
                    stream.write(part)
                    stream.cut()
        files["bank.xml"] = b"".join(parts)
        assert gzip.decompress(path.read_bytes()) == gzip.decompress(tgz_bytes(files, first=("index.txt",)))
        return package

    first = write(tmp_path / "a.tgz", parts, Store())
    size = sum(map(len, parts))
    index, header = 1024, 2048  # (index.txt, then a.txt, each a header and a block, then bank.xml's header)
    assert ends == [index, header, header + 512, header + 512 + size, header + 512 + size + (-size % 512)]
    edited = list(parts)
    edited[3] = b"<edited>" + parts[3]
    again = write(tmp_path / "b.tgz", edited, Store(first.store.saved))
    # the index, the bank's header, the segment of its parts, its padding: its parts are one segment here, and
    # a.txt and z.txt (each in a segment of its own, between boundaries) are not deflated again
    assert again.segments.deflated == 4, (again.segments.deflated, again.segments.reused)
    write(tmp_path / "c.tgz", edited, None)
    assert (tmp_path / "b.tgz").read_bytes() == (tmp_path / "c.tgz").read_bytes()
