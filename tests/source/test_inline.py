"""SkippingInline: Markdown's inline pass that passes over patterns a text cannot hold gives Markdown's own HTML."""

from __future__ import annotations

import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import inlinepatterns as ip

from exporter.source import inline, itemforms, markup
from exporter.source.math import MathExtension

# Texts made of what inline patterns start on (and what ends them), words, spaces and line ends
PIECES = st.sampled_from([
    "a", "word", " ", "  ", "\n", "  \n", "*", "**", "_", "__", "`", "``", "\\", "\\*", "[", "]", "(", ")", "![",
    "<", ">", "&", "&amp;", "&#38;", ";", "$", "$$", "x^2", "<b>", "</b>", "<http://e.org/a>", "<me@e.org>",
    "<!-- c -->", "{: .k}", "[l](u)", "[r][1]", "\n[1]: http://e.org\n", "!", "#", "~~~", "\n\n", "- ", "1. ",
    "> ", "    ", "\t", "é", "🚲",
])
TEXTS = st.lists(PIECES, max_size=30).map("".join)


def stock(extensions) -> markdown.Markdown:
    return markdown.Markdown(extensions=extensions, output_format="html")


PAGE_STOCK = stock(["attr_list", "fenced_code", MathExtension()])
ITEM_STOCK = stock(["attr_list", MathExtension()])


def test_both_renderers_use_it():
    assert type(markup._md.treeprocessors["inline"]) is inline.SkippingInline
    assert type(itemforms._md.treeprocessors["inline"]) is inline.SkippingInline
    assert type(PAGE_STOCK.treeprocessors["inline"]) is not inline.SkippingInline


def test_every_pattern_of_ours_is_known():
    """Each registered pattern has what it needs, so none is tried on every text (a Markdown release that
    changes an expression makes this fail, and the pattern is then tried everywhere: slower, still right)."""
    for md in (markup._md, itemforms._md):
        unknown = [item.name for item in md.inlinePatterns._priority if inline.needs(md.inlinePatterns[item.name])
                   is None]
        assert unknown == []


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
def test_same_html_as_markdown(text):
    for ours, theirs in ((markup._md, PAGE_STOCK), (itemforms._md, ITEM_STOCK)):
        ours.reset()
        theirs.reset()
        assert ours.convert(text) == theirs.convert(text)


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
def test_a_pattern_passed_over_cannot_match(text):
    """The claim itself: a text without any of a pattern's needed strings holds no match of its expression."""
    for item in markup._md.inlinePatterns._priority:
        pattern = markup._md.inlinePatterns[item.name]
        need = inline.needs(pattern)
        if need is not None and not any(s in text for s in need):
            assert pattern.getCompiledRegExp().search(text) is None, item.name


def test_an_unknown_pattern_is_always_tried():
    class Shout(ip.InlineProcessor):
        def handleMatch(self, m, data):  # noqa: N802
            return "!", m.start(0), m.end(0)

    assert inline.needs(Shout(r"hey")) is None
    md = stock([])
    md.inlinePatterns.register(Shout(r"hey", md), "shout", 5)
    inline.install(md)
    assert md.convert("well hey there") == "<p>well ! there</p>"


def test_a_replaced_inline_processor_stays():
    md = stock([])

    class Other(markdown.treeprocessors.InlineProcessor):
        pass

    md.treeprocessors.register(Other(md), "inline", 20)
    inline.install(md)
    assert type(md.treeprocessors["inline"]) is Other


def test_delimiters_need_their_tokens():
    md = stock([])
    assert inline.needs(md.inlinePatterns["em_strong"]) == ("*", "_")
    assert re.fullmatch(r"\\\*\|_", md.inlinePatterns["em_strong"].pattern)
