"""The nesting estimate's shortcut (`nesting.too_deep`): a page whose line starts and tags cannot reach the limit is
not walked line by line, and the shortcut never says "not too deep" where the walk finds a line that is."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from exporter.source import nesting

# line starts and pieces that nest (quotes, bullets, numbers, indentation, tags) and some that do not
_PIECES = st.sampled_from(["> ", ">", "- ", "-", "* ", "+ ", "1. ", "12) ", "    ", "\t", "  ", "<div>", "</div>",
                           "<p>", "<br/>", "<span>", "text", " ", "x.", "(", ")", "3", "\n"])


@settings(max_examples=800, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join), st.integers(min_value=0, max_value=16))
@example("\t\t\t-", 7)  # three tabs (six levels) then a bullet at the end of the line (two): 8
@example("\t\t\t\t-", 8)
@example("<div><div>\n- > x", 4)
@example("><div><div><div><div><div><div><div><div>", 8)  # a quote (one) and eight tags: past 8
@example("\t\t\t\t><div><div><div><div><div><div>", 12)  # four tabs (eight), a quote (one), six tags: past 12
def test_the_shortcut_agrees_with_the_walk(source, limit):
    assert nesting.too_deep(source, limit) == nesting._scan(source, limit)


def test_the_walk_runs_where_the_shortcut_cannot_decide():
    assert nesting.too_deep("> " * 101 + "deep") == 0
    assert nesting.too_deep("text\n" + "<div>" * 101) == 1
    assert nesting.too_deep("> " * 40 + "x\n" + "<div>" * 60) is None  # past the shortcut, under the limit
