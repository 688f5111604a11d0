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
