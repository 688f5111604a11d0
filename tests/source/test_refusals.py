"""Issue 13 findings in reading a course: deep nesting, hearts, quiz edge cases and their messages.
Each test failed before its fix."""

from __future__ import annotations

import time

import pytest

from coursekit import ITEMS, encode, page, quiz, small_course, write_course
from exporter.errors import ContentError
from exporter.source.markup import outer_html, render
from exporter.source.reader import read_course
from exporter.source.sanitize import HEART, clean_inline


def errors_of(folder) -> list[str]:
    with pytest.raises(ContentError) as info:
        read_course(folder)
    return [str(d) for d in info.value.diagnostics]


def has(errors: list[str], where: str, text: str) -> bool:
    return any(e.startswith(where) and text in e for e in errors)


@pytest.fixture
def course(tmp_path):
    return small_course(tmp_path / "course")


# --- nesting --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, line", [
    ("\n".join("    " * k + "- x" for k in range(250)), 58),  # RecursionError inside Python-Markdown
    ("- " * 250 + "x", 8),
    ("> " * 254 + "x", 8),  # lxml stopped at depth 255 and dropped the rest of the page
    ("<div>" * 260 + "x" + "</div>" * 260, 8),
    ("1. " * 200 + "x", 8),
    ("> - " * 130 + "x", 8),
], ids=["indented-list", "inline-list", "quotes", "divs", "numbered", "quoted-list"])
def test_deep_nesting_is_an_error_at_its_line(course, body, line):
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n" + body + "\n\n" + quiz(1, ITEMS))})
    started = time.perf_counter()
    errors = errors_of(course)
    assert time.perf_counter() - started < 5
    assert has(errors, f"{course / 'b.md'}:{line}: error: ", "nested more than 100 levels deep"), errors
    assert len(errors) == 1, errors  # the quiz after it is not blamed


def test_depth_1000_list_is_refused_quickly(course):
    write_course(course, {"b.md": page("Second page", 1, "\n".join("    " * k + "- x" for k in range(1000)))})
    started = time.perf_counter()
    errors = errors_of(course)
    assert time.perf_counter() - started < 2
    assert has(errors, f"{course / 'b.md'}:", "nested more than 100 levels deep")


def test_nesting_below_the_limit_renders_whole(course):
    body = "> " * 40 + "deep\n\n" + "<div>" * 60 + "x" + "</div>" * 60 + "\n\nLast paragraph.\n"
    write_course(course, {"b.md": page("Second page", 1, body + "\n" + quiz(1, ITEMS))})
    c, _ = read_course(course)
    assert "Last paragraph." in c.pages[1].body_html and c.pages[1].quiz


def test_deeply_nested_item_html_is_an_error(course):
    deep = encode("<span>" * 300 + "x" + "</span>" * 300, "Y", "why")
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n" + quiz(1, ITEMS) + f"- {deep}\n")})
    errors = errors_of(course)
    assert has(errors, f"{course / 'b.md'}:14: error: ", "nests HTML elements more than 100 levels deep"), errors


# --- hearts ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, html", [
    ("I <3 you", f"<p>I {HEART} you</p>"),
    ("<30 seconds", "<p>&lt;30 seconds</p>"),
    ("pH <3.5 and <3.", f"<p>pH &lt;3.5 and {HEART}.</p>"),
    ("a `x <3 y` b", "<p>a <code>x &lt;3 y</code> b</p>"),
    ("    code <3", "<pre><code>code &lt;3\n</code></pre>"),
    ('[I <3 it](http://a.b/?q<3 "t <3")', f'<p><a href="http://a.b/?q&lt;3" title="t {HEART}">I {HEART} it</a></p>'),
    ("see http://x.org/a<3 ok <3", f"<p>see http://x.org/a&lt;3 ok {HEART}</p>"),
    ("I &lt;3 written as an entity", "<p>I &lt;3 written as an entity</p>"),
    ("<div>raw <3</div>", f"<div>raw {HEART}</div>"),
])
def test_hearts_in_pages(source, html):
    assert outer_html(render(source)) == html


@pytest.mark.parametrize("source, html", [
    ("We <3 it", f"We {HEART} it"),
    ("Under <30 seconds, pH <3.5", "Under &lt;30 seconds, pH &lt;3.5"),
    ("<code>a <3 b</code> <3", f"<code>a &lt;3 b</code> {HEART}"),
    ('<a href="https://x.org/<3">x <3</a>', f'<a href="https://x.org/&lt;3" rel="noopener noreferrer">x {HEART}</a>'),
    ("https://x.org/q<3", "https://x.org/q&lt;3"),
])
def test_hearts_in_quiz_text(source, html):
    assert clean_inline(source) == html


# --- quiz edge cases ------------------------------------------------------------------------------------

def test_two_equal_labels_are_an_error(course):
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n" + quiz(1, ITEMS, opt="Yes, yes"))})
    assert has(errors_of(course), f"{course / 'b.md'}:9: error: ", "two different labels")


@pytest.mark.parametrize("statement", ["<b></b>", "<i> </i>&nbsp;", "<script>x</script>"])
def test_statement_empty_once_tags_are_stripped_is_an_error(course, statement):
    bad = encode(statement, "Y", "why")
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n" + quiz(1, ITEMS) + f"- {bad}\n")})
    assert has(errors_of(course), f"{course / 'b.md'}:14: error: ", "empty statement"), errors_of(course)


@pytest.mark.parametrize("wrap", [
    lambda q: "> " + q.replace("\n", "\n> "),
    lambda q: '<div markdown="1">\n\n' + q + "\n</div>",
    lambda q: "- An item\n\n    " + q.replace("\n", "\n    "),
])
def test_quiz_nested_in_a_block_is_an_error_not_published_answers(course, wrap):
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n" + wrap(quiz(2, ITEMS)))})
    errors = errors_of(course)
    assert any(e.startswith(f"{course / 'b.md'}:") and
               ("inside" in e and "quiz" in e or "outside any quiz" in e) for e in errors), errors


@pytest.mark.parametrize("body, line", [
    ("Just a list:\n\n- " + encode("s", "Y", "e") + "\n", 10),  # no data-n at all
    ('No quiz here:\n{: data-n="0"}\n\n- ' + encode("s", "N", "e") + "\n", 11),
    (quiz(1, ITEMS[:2]) + "\nA paragraph splitting the bank.\n\n- " + encode("s", "Y", "e") + "\n", 16),
])
def test_encoded_items_outside_a_quiz_are_errors(course, body, line):
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n" + body)})
    errors = errors_of(course)
    assert has(errors, f"{course / 'b.md'}:{line}: error: ", "outside any quiz"), errors


def test_base64_words_that_are_not_items_stay_text(course):
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n- SGVsbG8gd29ybGQ=\n- c29tZXRoaW5n\n")})
    c, _ = read_course(course)
    assert "SGVsbG8gd29ybGQ=" in c.pages[1].body_html


# --- quiz attribute-list messages -----------------------------------------------------------------------

@pytest.mark.parametrize("body, line, cause", [
    ('## Quiz\n{: data-n="2"}\n\n- ' + "\n- ".join(encode(*i) for i in ITEMS) + "\n", 9, "after a heading"),
    ('Answer these:\n{: data-n="2"}\n- ' + "\n- ".join(encode(*i) for i in ITEMS) + "\n", 9, "blank line"),
    ('Answer these: {: data-n="2"}\n\n- ' + "\n- ".join(encode(*i) for i in ITEMS) + "\n", 8, "its own line"),
    ('Answer these:\n\n{: data-n="2"}\n\n- ' + "\n- ".join(encode(*i) for i in ITEMS) + "\n", 10,
     "right after the instruction"),
], ids=["heading", "no-blank", "same-line", "alone"])
def test_quiz_attribute_list_mistakes_name_their_cause(course, body, line, cause):
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n" + body)})
    errors = errors_of(course)
    assert has(errors, f"{course / 'b.md'}:{line}: error: ", cause), errors
    assert not any("data-opt" in e for e in errors), errors


def test_item_line_with_a_list_like_line_in_the_stimulus(course):
    stimulus = "Member says:\n- not a list, part of the paragraph\n1) nor this"
    body = "Text.\n\n" + quiz(1, ITEMS, stimulus=stimulus) + "- not*base64\n"
    write_course(course, {"b.md": page("Second page", 1, body)})
    errors = errors_of(course)
    # 5 front matter lines, Text, blank, instruction (8), IAL (9), blank, 3 stimulus lines (11-13), blank,
    # 3 items (15-17): the bad one is on line 18
    assert has(errors, f"{course / 'b.md'}:18: error: ", "neither a plain item nor base64"), errors


def test_item_lines_in_a_loose_bank(course):
    bank = "\n\n".join(f"- {encode(*i)}" for i in ITEMS) + "\n\n- bad*\n"
    body = "Text.\n\nAnswer:\n{: data-n=\"1\"}\n\n" + bank
    write_course(course, {"b.md": page("Second page", 1, body)})
    assert has(errors_of(course), f"{course / 'b.md'}:17: error: ", "neither a plain item nor base64")


# --- what is given where ------------------------------------------------------------------------------

def test_a_file_given_as_the_course_folder(tmp_path):
    from exporter.errors import UsageError

    f = tmp_path / "page.md"
    f.write_text("x")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        read_course(f)


def test_a_folder_given_as_an_image(course):
    (course / "pics").mkdir()
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n![A map](pics)\n")})
    assert has(errors_of(course), f"{course / 'b.md'}:8: error: ", "is a folder, not a file")

