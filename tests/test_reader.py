"""The reader on the listener corpus and on the sample course, checked against the source itself."""

from __future__ import annotations

import base64
import html
import re

import lxml.html

from exporter.links import targets
from exporter.model import DEFAULT_LABELS


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    if not fragment.strip():
        return ""
    node = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return " ".join(node.text_content().split())


def source_items(path):
    """An independent reading of a page's item lines: (statement, Y/N, explanation) as decoded text."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r'^\{:[^}]*data-n="(\d+)"[^}]*\}$', text, re.M)
    if not m or m.group(1) == "0":
        return None
    after = text[m.end():]
    found = []
    for line in after.splitlines():
        lm = re.match(r"^- ([A-Za-z0-9+/=]+)\s*$", line)
        if lm:
            found.append(base64.b64decode(lm.group(1)).decode("utf-8"))
        elif found and line.strip():
            break
    out = []
    for raw in found:
        sm = re.match(r"^(.*?)/([YN])/(.*)$", raw, re.S | re.I)
        out.append((sm.group(1), sm.group(2).upper(), sm.group(3)))
    return int(m.group(1)), out


def as_text(source_html: str) -> str:
    return " ".join(html.unescape(source_html.replace("<3", "\u2764")).split())


def test_corpus_counts(any_corpus_course):
    c = any_corpus_course
    assert len(c.pages) == 58
    assert len(c.chapters) == 5
    assert sum(1 for p in c.pages if p.kind == "section") == 53
    assert len(c.quizzes) == 51
    assert len(c.items) == 644
    assert sum(1 for q in c.quizzes if q.labels == ("Yes", "No")) == 28
    assert sum(1 for q in c.quizzes if q.labels == DEFAULT_LABELS) == 23
    assert c.skipped == ["index.md"]
    assert [p.serial for p in c.pages] == list(range(58))
    assert [ch.page.serial for ch in c.chapters] == [0, 1, 14, 27, 42]
    assert sum(len(ch.pages) for ch in c.groups) == 58


def test_every_corpus_item_equals_its_decoded_source(corpus, any_corpus_course):
    """Both forms of the corpus give the items the base64 source holds."""
    by_source = {p.source: p for p in any_corpus_course.pages}
    checked = 0
    for path in sorted(corpus.glob("listen*.md")):
        expected = source_items(path)
        page = by_source[path.name]
        if expected is None:
            assert page.quiz is None, path.name
            continue
        draw, items = expected
        assert page.quiz.draw == draw
        assert len(page.quiz.items) == len(items)
        for item, (statement, answer, explanation) in zip(page.quiz.items, items):
            assert text_of(item.statement_html) == as_text(statement)
            assert item.answer == (answer == "Y")
            assert text_of(item.explanation_html) == as_text(explanation)
            checked += 1
    assert checked == 644


def test_entities_and_hearts_in_corpus_items(corpus_course):
    texts = [i.statement_html + i.explanation_html for i in corpus_course.items]
    assert any("\u2764" in t for t in texts), "<3 must become a heart"
    assert not any("<3" in t or "&lt;3" in t for t in texts)
    assert not any(re.search(r"&(?!amp;|lt;|gt;|quot;|#)", t) for t in texts), "named entities must be decoded"


def test_stimulus_and_quiz_cut_out(corpus_course):
    page = corpus_course.pages[28]
    assert page.quiz.stimulus_html.startswith('<p class="conv">')
    assert "data-n" not in page.body_html and "base64" not in page.body_html
    assert not re.search(r"<li>[A-Za-z0-9+/]{40,}={0,2}</li>", page.body_html)
    assert page.quiz.instruction_html and "Score" in text_of(page.quiz.instruction_html) or page.quiz.instruction_html


def test_no_quiz_pages_keep_their_last_paragraph(corpus_course):
    no_quiz = [p for p in corpus_course.pages if p.quiz is None]
    assert len(no_quiz) == 7
    for page in (corpus_course.pages[55], corpus_course.pages[56]):
        assert page.quiz is None and "data-n" not in page.body_html
        assert page.body_html.rstrip().endswith("</p>")


def test_links_in_corpus(corpus, corpus_course):
    bodies = "".join(p.body_html + p.after_html for p in corpus_course.pages)
    external = re.findall(r'<a href="https?://[^"]+"[^>]*>', bodies)
    in_source = sum(len(re.findall(r"\]\(https?://", f.read_text())) for f in corpus.glob("listen*.md"))
    assert len(external) == in_source >= 10
    assert all('target="_blank"' in a and "noopener" in a for a in external)


def test_site_absolute_link_warns(corpus):
    from exporter.reader import read_course

    _, report = read_course(corpus)
    assert [str(w) for w in report.warnings] == [
        f"{corpus / 'listen00.md'}:39: warning: site-absolute link /listen/ is neither a page of this course "
        "nor reachable inside an LMS: set site_url in course.yml or link to a page"]
    course, report = read_course(corpus, {"site_url": "https://example.org"})
    assert report.warnings == []
    assert 'href="https://example.org/listen/"' in course.pages[0].body_html


def test_identifiers_are_stable_ncnames(corpus_course):
    from exporter.ids import is_ncname

    ids = [p.id for p in corpus_course.pages] + [q.id for q in corpus_course.quizzes]
    ids += [i.id for i in corpus_course.items]
    assert all(is_ncname(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert corpus_course.pages[5].id == "listener-course_p5"


def test_repeated_statements_stay_in_each_quiz(corpus_course):
    seen = {}
    for q in corpus_course.quizzes:
        for i in q.items:
            seen.setdefault(i.statement_html, set()).add(q.id)
    assert sum(1 for qs in seen.values() if len(qs) > 1) == 3


def test_sample_course_shape(sample_course):
    c = sample_course
    assert len(c.chapters) >= 2
    assert sum(1 for p in c.pages if p.kind == "section") >= 6
    assert len(c.quizzes) >= 4
    assert any(q.labels != DEFAULT_LABELS for q in c.quizzes)
    assert any(q.stimulus_html for q in c.quizzes)
    assert any(p.quiz is None for p in c.pages)
    assert c.files, "the sample course carries a local image"
    linked = {t.ref for p in c.pages for t in targets(p.body_html + p.after_html) if t.kind == "page"}
    assert linked and linked <= {p.id for p in c.pages}


def test_settings_file_and_overrides(tmp_path):
    from coursekit import small_course
    from exporter.reader import read_course

    folder = small_course(tmp_path / "my_course")
    course, report = read_course(folder)
    assert course.title == "My Course" and course.identifier == "my_course"
    assert any("no course title" in str(n) for n in report.notes)
    (folder / "course.yml").write_text("title: Tea & Biscuits\nidentifier: 2 Tea\nlanguage: fr\n")
    course, report = read_course(folder)
    assert (course.title, course.identifier, course.language) == ("Tea & Biscuits", "c-2-tea", "fr")
    course, _ = read_course(folder, {"title": "Override"})
    assert course.title == "Override"
    (folder / "course.yml").unlink()
    (folder / "course.toml").write_text('title = "From TOML"\nversion = "2.0"\n')
    course, _ = read_course(folder)
    assert (course.title, course.version) == ("From TOML", "2.0")


def test_page_links_resolve_by_name_and_site_path(tmp_path):
    from coursekit import page, write_course
    from exporter.reader import read_course

    folder = write_course(tmp_path / "c", {
        "one.md": page("One", 0, "[a](two) [b](two.md#x) [c](/course/two.html) [d](./two.html) [e](#top)\n"),
        "two.md": page("Two", 1, "Back to [one](one.md).\n"),
    })
    course, report = read_course(folder)
    two = course.pages[1].id
    assert [(t.kind, t.ref, t.fragment) for t in targets(course.pages[0].body_html)] == [
        ("page", two, ""), ("page", two, "x"), ("page", two, ""), ("page", two, "")]
    assert 'href="#top"' in course.pages[0].body_html
    assert report.warnings == []


def test_a_heart_after_an_html_comment_is_a_heart(tmp_path):
    """The text after a comment was left with the reader's heart mark (U+FFFE, which no XML file can hold)."""
    from coursekit import page, write_course
    from exporter.reader import read_course

    folder = write_course(tmp_path / "c", {"a.md": page("Hearts", 0, "Text <!-- c --> I <3 you.\n\n"
                                                        "Mark:\n{: data-n=\"1\"}\n\n- <!-- c --><3 /Y/ ok\n")})
    course, _ = read_course(folder)
    assert course.pages[0].body_html == "<p>Text <!-- c --> I \u2764 you.</p>"
    assert course.items[0].statement_html == "\u2764"
