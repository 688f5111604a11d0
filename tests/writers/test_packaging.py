"""Packages written as their members are made (writers/packaging.py) and XML documents written a child at a
time (xmltree.ChildStream): byte-identical to the in-memory reference of the same members and trees."""

from __future__ import annotations

import os
import random

import pytest
from lxml import etree

from exporter.model import LocalFile
from exporter.writers.moodle.backup.xmldoc import DECLARATION as MOODLE_DECLARATION
from exporter.writers.moodle.backup.xmldoc import document
from exporter.writers.packaging import SCRATCH_PREFIX, TgzPackage, ZipPackage, tgz_bytes, zip_bytes
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
    files = members(tmp_path)
    path = tmp_path / "out" / "p.tgz"
    path.parent.mkdir()
    with TgzPackage(path, first=("z.txt",)) as package:
        for name in reversed(list(files)):
            package.add(name, files[name])
    assert path.read_bytes() == tgz_bytes(files, first=("z.txt",))
    assert os.listdir(path.parent) == ["p.tgz"]


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
