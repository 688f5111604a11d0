"""Characters no package can hold (`exporter.xmlchars`): the reader's first look at a file's bytes finds one
exactly where the search of its text does."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from exporter.xmlchars import bad_bytes, bad_char

# text a file can hold (no lone surrogate: it decoded as UTF-8), the bad characters and their neighbours among it
_TEXT = st.text(alphabet=st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from(["\x00", "\x08", "\t", "\n", "\x0b", "\x0c", "\r", "\x0e", "\x1f", " ", "\x7f", "\x80", "\x85",
                     "\ufeff", "\ufffd", "\ufffe", "\uffff", "\U00010000", "\uefbf", "\u07ff"])), max_size=20)


@settings(max_examples=2000, deadline=None)
@given(_TEXT)
@example("\uffbe")  # the bytes EF BE BE: not U+FFFE
@example("\ufdbf\u00bf")
def test_the_bytes_hold_a_bad_character_where_the_text_does(text):
    assert bad_bytes(text.encode("utf-8")) == (bad_char(text) is not None)
