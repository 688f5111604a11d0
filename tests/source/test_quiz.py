"""Quiz cutting and items: each page's quiz found in its blocks, its items decoded, checked against the source."""

from __future__ import annotations

import base64
import html
import re

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st


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
            assert (item.right_index == 0) == (answer == "Y")
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


def test_repeated_statements_stay_in_each_quiz(corpus_course):
    seen = {}
    for q in corpus_course.quizzes:
        for i in q.items:
            seen.setdefault(i.statement_html, set()).add(q.id)
    assert sum(1 for qs in seen.values() if len(qs) > 1) == 3




@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from([" ", "\t", "-", "*", "+", "1", "2.", ".", "a", "\x0b", "\u2028", "\r", "é", "x y"]),
                max_size=14).map("".join))
def test_an_item_line_is_read_as_the_lazy_pattern_reads_it(line):
    """quiz._ITEM_LINE takes the text up to its last character that is no space or tab, greedily: what the lazy
    `(?P<text>.*?)[ \\t]*$` it replaced took (that one tried the end at every character of a base64 word)."""
    from exporter.source.quiz import _ITEM_LINE

    lazy = re.compile(r"^(?P<lead> {0,3}(?:[-*+]|\d+\.)[ \t]+)(?P<text>.*?)[ \t]*$").match(line)
    ours = _ITEM_LINE.match(line)
    assert (lazy and (lazy.groupdict(), lazy.span())) == (ours and (ours.groupdict(), ours.span()))


_WORD_PIECES = st.sampled_from(["QUJD", "YQ==", "eC9ZL3k=", "ab", "c", "=", "==", "+/", " ", "\n", "-", ".", "é",
                                "complete", "together", base64.b64encode(b"x/Y/y").decode(),
                                base64.b64encode(b"Long one/N/why").decode(),
                                base64.b64encode(b"\xff\xfe/Y/").decode()])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_WORD_PIECES, max_size=16).map("".join))
def test_encoded_items_are_the_base64_words_that_decode_to_items(text):
    """quiz.encoded_items: each base64-looking word (6 characters or more, up to two `=`) that base64.b64decode
    (validating) decodes to UTF-8 text with an answer field, in order; words of other lengths are not decoded."""
    from exporter.source.itemforms import base64_text, decoded_parts, looks_base64
    from exporter.source.quiz import B64_WORD, encoded_items

    def decodes(word):
        try:
            return decoded_parts(base64.b64decode(word, validate=True).decode("utf-8")) is not None
        except (ValueError, UnicodeDecodeError):
            return False

    assert encoded_items(text) == [m.group() for m in B64_WORD.finditer(text) if decodes(m.group())]
    for word in text.split():  # an item's word as the reader decodes it: what b64decode, validating, gives
        try:
            expected = base64.b64decode(word, validate=True) if looks_base64(word) else None
        except ValueError:
            expected = None
        assert base64_text(word) == expected, word


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["/", "Y", "y", "N", "n", "T", "a", " ", "\n", "//", "/Y/", "/n/", "é"]),
                max_size=14).map("".join))
def test_a_decoded_item_splits_as_the_lazy_pattern_split_it(text):
    """itemforms.decoded_parts: the first /Y/ or /N/ (either case), what `^(.*?)/([YyNn])/(.*)$` (DOTALL) took."""
    from exporter.source.itemforms import decoded_parts

    m = re.compile(r"^(.*?)/([YyNn])/(.*)$", re.DOTALL).match(text)
    assert decoded_parts(text) == (m and (m.group(1), m.group(2), m.group(3)))
