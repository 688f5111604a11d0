"""Author HTML as XML text: the shortcuts (plain text without a parse, a question made from parts converted
once) must give what parsing the whole fragment gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from coursekit import awkward_course
from exporter import xhtml
from exporter.source.reader import read_course
from exporter.source.sanitize import clean_inline


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=50))
def test_plain_text_shortcut_matches_a_parse(text):
    assert xhtml.to_xhtml(text) == xhtml.parsed_xhtml(text)
    assert xhtml.to_text(text) == " ".join(xhtml.parse_fragment(text).text_content().split())
    etree.fromstring(f"<x>{xhtml.to_xhtml(clean_inline(text))}</x>")  # model fragments come out well-formed


def questions(course):
    return [(q, i) for q in course.quizzes for i in q.items]


def test_question_from_parts_matches_a_parse_of_the_whole(sample_course, corpus_course, tmp_path):
    awkward, _ = read_course(awkward_course(tmp_path / "awkward"))
    pairs = questions(sample_course) + questions(corpus_course) + questions(awkward)
    assert any(q.stimulus_html for q, _ in pairs)
    for quiz, item in pairs:
        assert xhtml.question_xhtml(quiz, item) == xhtml.parsed_xhtml(xhtml.question_html(quiz, item)), item.id
