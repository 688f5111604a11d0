"""Rendering a page's Markdown (markup): hearts, and the stand-ins for item banks.

The reader folds each run of base64 item lines (and of the stand-ins `quiz.find_bank` puts for a quiz's items)
into one stand-in before Markdown (the inline pass over thousands of items was most of a build's reading time)
and unfolds it after. The page must come out exactly as Markdown renders the unfolded source, whatever
surrounds the items."""

from __future__ import annotations

import frontmatter
import lxml.html
from conftest import CORPUS, SAMPLE
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exporter.source import markup

ITEM = "- QmlrZXMgaGF2ZSB0d28gd2hlZWxzLi9ZL1llcy4="


def html(tree) -> bytes:
    return lxml.html.tostring(tree)


def test_folding_is_used_and_exact_on_every_page(tmp_path):
    """On our generated courses (whose base64 banks must take the fast path), the sample course, and the
    corpus when ../shared is there."""
    from coursekit import awkward_course, small_course

    generated = sorted(small_course(tmp_path / "small").glob("*.md")) + sorted(
        awkward_course(tmp_path / "awkward").glob("*.md"))
    sources = generated + sorted(SAMPLE.glob("*.md")) + (sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else [])
    folded = set()
    for path in sources:
        body = frontmatter.loads(path.read_text(encoding="utf-8")).content
        assert html(markup.render(body)) == html(markup._render(body)), path
        folded_body, runs = markup._fold_banks(body)
        if runs and markup._render(folded_body, runs) is not None:
            folded.add(path)
    assert {tmp_path / "small" / "b.md", tmp_path / "small" / "d.md"} <= folded, \
        "base64 quiz banks should take the fast path"


LINES = st.sampled_from([
    ITEM, "* QUJDREVGR0hJSg==", "+ QUJDREVGR0hJSg==", "", "", "Some *text* here", "    indented", "1. first",
    "> - QUJDREVGR0hJSg==", "{: .showul}", '{: #quiz data-n="1"}', "- plain item", "- exporterbank0x",
    "  - nested QUJDREVGR0hJSg==", "<div>html</div>", "### Heading", "- `code`",
    "- \uffffitem0\uffff", "* \uffffitem1\uffff", "1. \uffffitem2\uffff", "  - \uffffitem3\uffff", "```", "I <3 it",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=14))
@example(["```", "", ITEM, "", "I <3 it", "```"])  # found by hypothesis: a run folded in code, a heart beside it
@example(["- \uffffitem0\uffff", "I <3 it"])  # ... a heart in a stand-in's text (lxml refuses to set U+FFFF)
def test_folding_never_changes_the_rendering(lines):
    body = "\n".join(lines) + "\n"
    assert html(markup.render(body)) == html(markup._render(body))


def test_a_heart_after_an_html_comment_is_a_heart(tmp_path):
    """The text after a comment was left with the reader's heart mark (U+FFFE, which no XML file can hold)."""
    from coursekit import page, write_course

    from exporter.source.reader import read_course

    folder = write_course(tmp_path / "c", {"a.md": page("Hearts", 0, "Text <!-- c --> I <3 you.\n\n"
                                                        "Mark:\n{: data-n=\"1\"}\n\n- <!-- c --><3 /Y/ ok\n")})
    course, _ = read_course(folder)
    assert course.pages[0].body_html == "<p>Text <!-- c --> I \u2764 you.</p>"
    assert course.items[0].statement_html == "\u2764"


_WORDS = st.sampled_from(["Mark", "each", "statement,", "7", "Cups'", "“quoted”", "é", "(see", "this)", "2.", "1.",
                          "-", "+", "=", "#", "*em*", "a_b", "[x](y)", "!", "&amp;", "<b>", "$x$", "`c`", "{", "}",
                          "x\\y", "\u00a0", "~", "|", "^", "==", "---"])
_INSTRUCTION_LINE = st.lists(_WORDS, min_size=1, max_size=5).flatmap(
    lambda words: st.sampled_from([" ", "  ", "\t"]).map(lambda sep: sep.join(words)))
_IALS = st.sampled_from(['{: data-n="3"}', '{: #quiz data-n="2" data-opt="Yes,No"}', "{: .c data-n='1'}",
                         "{: data-n=4}", '{:data-n="1"}', '{: data-n="1" }', '{: data-n="1"}}', '{: data_n="1"}',
                         '{: data-n="1" data-opt="Oui, Non"}', '{: title="a,b" data-n="2"}', '{:}', "{: #a #b .c .d}"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_INSTRUCTION_LINE, min_size=1, max_size=3), _IALS, st.sampled_from(["\n", "\n\n", "\n  \n"]),
       st.sampled_from(["-", "*", "+"]), st.integers(min_value=1, max_value=3))
@example(["Mark each statement True or False, then press the Score button:"], '{: data-n="3"}', "\n", "-", 2)
def test_a_plain_quiz_region_is_written_as_markdown_writes_it(lines, ial, blank, marker, items):
    """markup._plain_quiz_html, which writes a plain quiz region's HTML without Markdown, writes what Markdown
    does; and the whole rendering of the region (stand-ins folded, then put back) is the same either way."""
    region = "\n".join(lines) + "\n" + ial + "\n" + blank + "\n".join(
        f"{marker} \uffffitem{k}\uffff" for k in range(items))
    folded, runs = markup._fold_banks(region)
    fast = markup._plain_quiz_html(folded) if runs else None
    if fast is not None:
        markup._md.reset()
        assert fast == markup._md.convert(folded)
    assert html(markup.render(region)) == html(markup._render(region))


def test_the_plain_quiz_region_is_written_without_markdown_where_it_can_be():
    plain = 'Mark each statement True or False, then press the Score button:\n{: data-n="2"}\n\n- \uffffbank0\uffff'
    assert markup._plain_quiz_html(plain) is not None
    for other in ("Mark *each* one:", "Mark each one  ", "1. Mark each one:", "See [this](a.md):", "Tom & Jerry:"):
        assert markup._plain_quiz_html(plain.replace(plain.split("\n")[0], other)) is None, other
