"""The link model: every link and image resolved once by the reader, written by each format in its own terms."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from conftest import run_cli
from coursekit import ITEMS, encode, page, quiz, write_course

from exporter import links
from exporter.errors import ContentError
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options

ITEMS_WITH_LINKS = [("See <a href=\"b.md#top\">the other page</a>", "Y", "Read <a href=\"files/h.pdf#page=2\">page 2</a>"),
                    ("Plain statement", "N", "Because.")]
PLACEHOLDER = re.compile(rb"exporter-(?:page|file):")


def artifact_texts(data: bytes) -> dict[str, bytes]:
    if data[:2] == b"PK":
        zf = zipfile.ZipFile(io.BytesIO(data))
        return {n: zf.read(n) for n in zf.namelist()}
    return {"": data}


def linked_course(tmp_path):
    """Links of every kind, in the body, the stimulus, a base64 item and the page after the quiz."""
    items = ITEMS_WITH_LINKS
    folder = write_course(tmp_path / "c", {
        "a.md": page("Links", 0, "Body [b](b.md) and ![pic](files/my%20pic.png).\n\n"
                     + quiz(2, items, stimulus="The handout: [sheet](files/h.pdf#page=2).")
                     + "\nAfter: [web](https://example.org/x).\n", kind="chapter"),
        "b.md": page("Other", 1, "Back to [a](a.md).\n"),
    })
    (folder / "files").mkdir()
    (folder / "files" / "h.pdf").write_bytes(b"%PDF-1.4 test")
    (folder / "files" / "my pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


def test_reader_resolves_links_everywhere_into_targets(tmp_path):
    folder = linked_course(tmp_path)
    course, report = read_course(folder)
    a, b = course.pages
    lines = (folder / "a.md").read_text().splitlines()
    body, stimulus, item = (next(n for n, t in enumerate(lines, 1) if text in t)
                            for text in ("Body [b]", "The handout", encode(*ITEMS_WITH_LINKS[0])))
    uses = [(u.target.kind, u.target.ref, u.target.fragment, u.in_quiz, u.line) for u in course.links]
    assert uses == [
        ("page", b.id, "", False, body), ("file", "files/my pic.png", "", False, body),
        ("file", "files/h.pdf", "page=2", True, stimulus),
        ("page", b.id, "top", True, item), ("file", "files/h.pdf", "page=2", True, item),
        ("page", a.id, "", False, 6)]
    assert set(course.files) == {"files/h.pdf", "files/my pic.png"}
    item = a.quiz.items[0]
    assert links.targets(item.statement_html) == [links.Target("page", b.id, "", "top")]
    assert "b.md" not in item.statement_html  # defect 3: links inside base64 items were left unresolved
    assert report.warnings == []


def test_no_format_ships_a_placeholder_or_a_source_link(tmp_path):
    course, _ = read_course(linked_course(tmp_path))
    for name, writer in WRITERS.items():
        for path, data in artifact_texts(writer().write(course, Options()).data).items():
            assert not PLACEHOLDER.search(data), (name, path)
            assert b'href="b.md' not in data and b"b.md#top" not in data, (name, path)


def test_flat_packages_write_page_and_file_links(tmp_path):
    course, _ = read_course(linked_course(tmp_path))
    files = artifact_texts(WRITERS["scorm12"]().write(course, Options()).data)
    a = files["a.html"].decode()
    assert '<a href="b.html" data-page-link="b.html">b</a>' in a
    assert 'src="files/my%20pic.png"' in a and "files/my pic.png" in files
    data = json.loads(re.search(r'id="quiz-data">(.*?)</script>', a).group(1))
    assert '<a href="b.html#top" rel="noopener noreferrer" data-page-link="b.html#top">' in data["items"][0]["s"]
    assert 'href="files/h.pdf#page=2"' in data["items"][0]["e"]


def test_qti2_carries_a_file_linked_with_a_fragment(tmp_path):
    """Defect 1: a stimulus linking `files/h.pdf#page=2` was neither carried nor warned about in QTI 2.x."""
    course, _ = read_course(linked_course(tmp_path))
    for fmt in ("qti21", "qti30"):
        files = artifact_texts(WRITERS[fmt]().write(course, Options()).data)
        assert files["files/h.pdf"] == b"%PDF-1.4 test", fmt
        manifest = files["imsmanifest.xml"].decode()
        assert 'href="files/h.pdf"' in manifest, fmt
        docs = "".join(v.decode() for k, v in files.items() if k.startswith(("items/", "stimuli/")))
        assert 'href="../files/h.pdf#page=2"' in docs, fmt


def test_quiz_link_to_a_page_warns_truthfully_with_file_and_line(tmp_path):
    """Defect 2: a quiz linking another course page got a false "does not carry b.html" file warning, without
    its file and line. Now formats whose quizzes cannot link to pages say so, at the item's line."""
    folder = linked_course(tmp_path)
    r = run_cli("build", folder, "--out", tmp_path / "out", "--json")
    assert r.returncode == 0, r.stderr
    warnings = json.loads(r.stdout)["warnings"]
    assert not [w for w in warnings if "b.html" in w]
    page_links = [w for w in warnings if "links to another course page" in w]
    assert {re.search(r"which (\S+) quizzes", w).group(1) for w in page_links} == {
        "qti12", "qti21", "qti30", "moodle", "cc11", "cc13"}
    line = next(n for n, t in enumerate((folder / "a.md").read_text().splitlines(), 1)
                if t.endswith(encode(*ITEMS_WITH_LINKS[0])))
    assert all(w.startswith(f"{folder / 'a.md'}:{line}: warning:") for w in page_links), page_links
    dropped = [w for w in warnings if "files/h.pdf" in w]
    assert {re.search(r"which (\S+) quizzes", w).group(1) for w in dropped} == {"qti12", "moodle", "cc11", "cc13"}


def test_cartridge_pages_reach_files_in_web_resources(tmp_path):
    course, _ = read_course(linked_course(tmp_path))
    files = artifact_texts(WRITERS["cc13"]().write(course, Options()).data)
    a = next(v.decode() for k, v in files.items() if k.startswith("wiki_content/") and b"Body" in v)
    assert 'src="../web_resources/files/my%20pic.png"' in a and 'href="b.html"' in a
    assert files["web_resources/files/my pic.png"] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("body, message", [
    ("[x](file:///etc/passwd)", "'file:' address"),
    ("[x](javascript:alert(1))", "'javascript:' address"),
    ('<iframe src="../../etc/passwd"></iframe>', "outside the course folder"),
    ("![x](..\\\\evil.png)", "outside the course folder"),
    ("[x](sub/notes.md)", "Markdown source"),
    ("[x](exporter-file:secret.txt)", "reserved"),
    ("![x](files)", "is a folder"),
    ("![x](missing.png)", "does not exist"),
])
def test_references_that_cannot_work_are_errors_at_their_line(tmp_path, body, message):
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, f"Intro.\n\n{body}\n")})
    (folder / "files").mkdir()
    (folder / "sub").mkdir()
    (folder / "sub" / "notes.md").write_text("notes, not a page\n")
    with pytest.raises(ContentError) as exc:
        read_course(folder)
    found = [str(d) for d in exc.value.diagnostics if message in str(d)]
    assert found and found[0].startswith(f"{folder / 'a.md'}:8: error:"), [str(d) for d in exc.value.diagnostics]


def test_srcset_poster_and_object_are_carried(tmp_path):
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, (
        '<img src="s.png" srcset="s.png 1x, l.png 2x" alt="x">\n\n'
        '<video src="v.mp4" poster="p.png"></video>\n\n<object data="d.svg"></object>\n'))})
    for name in ("s.png", "l.png", "v.mp4", "p.png", "d.svg"):
        (folder / name).write_bytes(name.encode())
    course, _ = read_course(folder)
    assert set(course.files) == {"s.png", "l.png", "v.mp4", "p.png", "d.svg"}
    html = artifact_texts(WRITERS["cc11"]().write(course, Options()).data)
    body = next(v.decode() for k, v in html.items() if k.startswith("wiki_content/"))
    assert 'srcset="../web_resources/s.png 1x, ../web_resources/l.png 2x"' in body
    assert 'poster="../web_resources/p.png"' in body and 'data="../web_resources/d.svg"' in body


def test_css_url_is_reported(tmp_path):
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, 'Intro.\n\n<div style="background: url(x.png)">x</div>\n')})
    _, report = read_course(folder)
    assert [str(w) for w in report.warnings if "url()" in str(w)][0].startswith(f"{folder / 'a.md'}:8: warning:")


def test_rewrite_touches_only_url_attributes():
    html = ('<p title=\'say href="exporter-page:x"\'>a "b" <a href="exporter-page:p1#f" class="k">t</a>'
            ' <img alt="1&gt;2" src="exporter-file:a%20b.png?x=1&amp;y=2"></p>')
    out = links.rewrite(html, lambda t: f"{t.ref}.html#{t.fragment}", links.file_url("../"), mark="data-page-link")
    assert out == ('<p title=\'say href="exporter-page:x"\'>a "b" <a href="p1.html#f" class="k" '
                   'data-page-link="p1.html#f">t</a> <img alt="1&gt;2" src="../a%20b.png?x=1&amp;y=2"></p>')
    assert links.rewrite(html, lambda t: None, lambda t: None).count("href=") == 1  # the title's text stays


def test_control_character_in_a_title_is_an_error_not_a_traceback(tmp_path):
    """Defect 4: `title: "Bell\\x07"` passed the reader, then four writers crashed inside lxml."""
    folder = write_course(tmp_path / "c", {"a.md": '---\ntitle: "Bell\\x07"\nserial: 0\n---\nText.\n'})
    for command in (("check", folder), ("build", folder, "--out", tmp_path / "out")):
        r = run_cli(*command)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert f"{folder / 'a.md'}:2: error: the title holds the control character U+0007" in r.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where, text, line", [
    ("body", "Ring &#7; the bell.", 5),
    ("body", "Ring \x07 the bell.", 5),
    ("label", 'Quiz:\n{: data-n="1" data-opt="Yes&#1;,No"}\n\n- ' + encode("S", "Y", "E"), 6),
    ("item", 'Quiz:\n{: data-n="1"}\n\n- ' + encode("S\x01", "Y", "E"), 8),
])
def test_control_characters_anywhere_are_errors_at_their_line(tmp_path, where, text, line):
    folder = write_course(tmp_path / "c", {"a.md": f"---\ntitle: T\nserial: 0\n---\n{text}\n"})
    with pytest.raises(ContentError) as exc:
        read_course(folder)
    assert any(str(d).startswith(f"{folder / 'a.md'}:{line}: error:") and "U+000" in str(d)
               for d in exc.value.diagnostics), [str(d) for d in exc.value.diagnostics]


def test_cli_settings_with_control_characters_are_usage_errors(tmp_path):
    from coursekit import small_course

    folder = small_course(tmp_path / "c")
    r = run_cli("build", folder, "--out", tmp_path / "out", "--title", "Bad\x01title")
    assert r.returncode in (1, 2) and "Traceback" not in r.stderr and "U+0001" in r.stderr, r.stderr
    assert not (tmp_path / "out").exists()


def test_items_with_quiz_images(tmp_path):
    """An <img> in a quiz statement is kept (the sanitizer dropped it silently) and carried where quizzes carry files."""
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, "Text.\n\n" + quiz(1, [
        ('Which sign? <img src="stop.png" alt="a stop sign">', "Y", "It is a stop sign.")] + ITEMS[:1]))})
    (folder / "stop.png").write_bytes(b"png")
    course, _ = read_course(folder)
    assert links.targets(course.pages[0].quiz.items[0].statement_html) == [links.Target("file", "stop.png")]
    files = artifact_texts(WRITERS["qti21"]().write(course, Options()).data)
    assert files["stop.png"] == b"png"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_writer_is_a_diagnostic_naming_the_format(tmp_path, monkeypatch, jobs):
    from coursekit import small_course

    from exporter.build.pipeline import build
    from exporter.writers.moodle.moodlexml import MoodleXmlWriter

    def broken(self, course, options):
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(MoodleXmlWriter, "build", broken)
    with pytest.raises(ContentError) as exc:
        build(small_course(tmp_path / "c"), tmp_path / "out", "moodle,html", jobs=jobs)
    assert [str(d) for d in exc.value.diagnostics] == [
        "format moodle: error: the writer failed (ValueError: All strings must be XML compatible): nothing was "
        "written; this is a bug in exporter, please report it with the course that shows it"]
    assert not (tmp_path / "out").exists()


def test_links_in_corpus(corpus, corpus_course):
    bodies = "".join(p.body_html + p.after_html for p in corpus_course.pages)
    external = re.findall(r'<a href="https?://[^"]+"[^>]*>', bodies)
    in_source = sum(len(re.findall(r"\]\(https?://", f.read_text())) for f in corpus.glob("listen*.md"))
    assert len(external) == in_source >= 10
    assert all('target="_blank"' in a and "noopener" in a for a in external)


def test_site_absolute_link_warns(corpus):
    from exporter.source.reader import read_course

    _, report = read_course(corpus)
    assert [str(w) for w in report.warnings] == [
        f"{corpus / 'listen00.md'}:39: warning: site-absolute link /listen/ is neither a page of this course "
        "nor reachable inside an LMS: set site_url in course.yml or link to a page"]
    course, report = read_course(corpus, {"site_url": "https://example.org"})
    assert report.warnings == []
    assert 'href="https://example.org/listen/"' in course.pages[0].body_html


def test_page_links_resolve_by_name_and_site_path(tmp_path):
    from coursekit import page, write_course

    from exporter.source.reader import read_course

    folder = write_course(tmp_path / "c", {
        "one.md": page("One", 0, "[a](two) [b](two.md#x) [c](/course/two.html) [d](./two.html) [e](#top)\n"),
        "two.md": page("Two", 1, "Back to [one](one.md).\n"),
    })
    course, report = read_course(folder)
    two = course.pages[1].id
    assert [(t.kind, t.ref, t.fragment) for t in links.targets(course.pages[0].body_html)] == [
        ("page", two, ""), ("page", two, "x"), ("page", two, ""), ("page", two, "")]
    assert 'href="#top"' in course.pages[0].body_html
    assert report.warnings == []


@pytest.mark.parametrize("link", ["[x](/nope/<x>)", "[x](/a<b)", "[x](/p/&lt;x&gt;)", "[x](<a b.png>)"])
def test_a_link_with_angle_brackets_is_reported_at_its_line(tmp_path, link):
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, f"Intro.\n\nMore text.\n\nSee {link} here.\n")})
    (folder / "a b.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    course, report = read_course(folder) if "png" in link else (None, None)
    if report is None:
        course, report = read_course(folder)
        [w] = report.warnings
        assert w.line == 10 and "site-absolute link" in w.message, w
    else:
        assert not report.warnings and course.files
