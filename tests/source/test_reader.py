"""The reader on the listener corpus and on the sample course, checked against the source itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.links import targets
from exporter.model import DEFAULT_LABELS


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


def test_identifiers_are_stable_ncnames(corpus_course):
    from exporter.ids import is_ncname

    ids = [p.id for p in corpus_course.pages] + [q.id for q in corpus_course.quizzes]
    ids += [i.id for i in corpus_course.items]
    assert all(is_ncname(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert corpus_course.pages[5].id == "listener-course_p5"


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




@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["\r", "\n", "\r\n", "\x85", "\u2028", "\u2029", "a", " ", "é", "\u00a0"]),
                max_size=20).map("".join))
def test_line_ends_become_newlines_and_line_like_characters_spaces(text):
    """lineends.normalize, which looks for each character before substituting: what the two substitutions give."""
    import re

    from exporter.source import lineends

    assert lineends.normalize(text) == re.sub("[\x85\u2028\u2029]", " ", re.sub("\r\n?", "\n", text))
