"""Which files a course is made of, and how their names travel: pages in any Markdown suffix, one rule for files
that are links, names that collide on Windows and macOS, names that need percent-encoding."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import pytest
from coursekit import ITEMS, page, quiz, write_course
from lxml import etree

from exporter.errors import ContentError
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options


def errors_of(folder) -> list[str]:
    with pytest.raises(ContentError) as exc:
        read_course(folder)
    return [str(d) for d in exc.value.diagnostics]


def test_markdown_and_upper_case_suffixes_are_pages(tmp_path):
    folder = write_course(tmp_path / "c", {
        "a.markdown": page("One", 0, "To [two](b.MD) and [three](c).\n"),
        "b.MD": page("Two", 1, "Text.\n"),
        "c.Markdown": page("Three", 2, "Text.\n\n" + quiz(1, ITEMS)),
    })
    course, report = read_course(folder)
    assert [p.title for p in course.pages] == ["One", "Two", "Three"]
    assert not course.files and report.warnings == []
    files = zipfile.ZipFile(io.BytesIO(WRITERS["html"]().write(course, Options()).data)).namelist()
    assert {"a.html", "b.html", "c.html"} <= set(files) and not [f for f in files if f.lower().endswith(("md", "markdown"))]


def test_pages_that_differ_only_in_case_or_suffix_are_an_error(tmp_path):
    folder = write_course(tmp_path / "c", {"Intro.md": page("A", 0, "a\n"), "intro.markdown": page("B", 1, "b\n")})
    [message] = errors_of(folder)
    assert "differ only in case or suffix" in message and "Intro.md" in message


def test_files_that_differ_only_in_case_are_an_error(tmp_path):
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, "![x](Pic.png)\n\n![y](pic.png)\n")})
    (folder / "Pic.png").write_bytes(b"1")
    (folder / "pic.png").write_bytes(b"2")
    found = [e for e in errors_of(folder) if "differ only in case" in e]
    assert found and found[0].startswith(f"{folder / 'a.md'}:8: error: pic.png and Pic.png")


def test_links_to_files_outside_are_refused_for_pages_settings_and_images(tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "page.md").write_text(page("Secret", 1, "private\n"))
    (outside / "course.yml").write_text("title: Secret\n")
    (outside / "pic.png").write_bytes(b"png")
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, "![x](pic.png)\n")})
    (folder / "b.md").symlink_to(outside / "page.md")
    (folder / "course.yml").symlink_to(outside / "course.yml")
    (folder / "pic.png").symlink_to(outside / "pic.png")
    errors = errors_of(folder)
    assert any(e.startswith(f"{folder / 'b.md'}: error: this page is a link to a file outside") for e in errors)
    assert any(e.startswith(f"{folder / 'course.yml'}: error: the settings file is a link") for e in errors)
    (folder / "b.md").unlink()
    (folder / "course.yml").unlink()
    errors = errors_of(folder)
    assert any(e.startswith(f"{folder / 'a.md'}:6: error: pic.png lies outside") for e in errors), errors


def test_a_file_name_with_a_colon_is_refused(tmp_path):
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, "![x](./C:evil.png)\n")})
    (folder / "C:evil.png").write_bytes(b"x")
    assert any("rename the file without ':'" in e for e in errors_of(folder))


NAMES = ["my pic.png", "hash#1.png", "what?.png", "100%.png", "café.png"]


@pytest.mark.parametrize("fmt", ["html", "scorm12", "cc13", "qti21"])
def test_names_that_need_encoding_are_carried_and_referenced_encoded(tmp_path, fmt):
    from urllib.parse import quote

    links = " ".join(f"![{n}]({quote(n)})" for n in NAMES)
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, f"{links}\n\n" + quiz(1, ITEMS, stimulus=links))})
    for n in NAMES:
        (folder / n).write_bytes(n.encode())
    course, _ = read_course(folder)
    assert sorted(course.files) == sorted(NAMES)
    zf = zipfile.ZipFile(io.BytesIO(WRITERS[fmt]().write(course, Options()).data))
    names = set(zf.namelist())
    manifest = etree.fromstring(zf.read("imsmanifest.xml")) if "imsmanifest.xml" in names else None
    for member in names:
        if not member.endswith((".html", ".xml")):
            continue
        root = etree.fromstring(zf.read(member), etree.HTMLParser() if member.endswith(".html") else None)
        for el in root.iter():
            for attr in ("src", "href"):
                value = el.get(attr) if isinstance(el.tag, str) else None
                if value and any(quote(n) in value for n in NAMES):
                    assert "#" not in value.split("/")[-1].replace("%23", "") and " " not in value, (member, value)
                    path = unquote(value.split("?")[0].split("#")[0]).replace("../", "")
                    assert any(path.endswith(n) for n in NAMES) and any(m.endswith(path) for m in names), value
    if manifest is not None:
        hrefs = [f.get("href") for f in manifest.iter("{*}file")]
        assert all(" " not in h and "#" not in h for h in hrefs)
        assert {unquote(h) for h in hrefs} <= names
