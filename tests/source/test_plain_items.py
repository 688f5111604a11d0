"""Quiz items written as plain Markdown: read like base64 items, Markdown rendered and sanitized, the page
around them untouched, errors that show both forms; the corpus's plain copy gives the same course."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import run_cli
from coursekit import ITEMS, encode, page, plain, write_course
from exporter.errors import ContentError
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options
from itemcheck import expected_quizzes


def read_page(tmp_path, body: str, name: str = "p.md"):
    folder = write_course(tmp_path / "course", {name: page("A page", 0, body)})
    course, report = read_course(folder)
    return course.pages[0], report


def bank(*lines: str, n: int = 1, opt: str = "", after: str = "After the quiz.\n") -> str:
    attrs = f'data-n="{n}"' + (f' data-opt="{opt}"' if opt else "")
    return "Intro.\n\nAnswer these:\n{: " + attrs + "}\n\n" + "".join(f"{line}\n" for line in lines) + "\n" + after


# --- reading -----------------------------------------------------------------------------------------------

def test_both_forms_mixed_in_one_list(tmp_path):
    p, _ = read_page(tmp_path, bank("- Water is wet /Y/ It is.", "- " + encode("Fire is cold", "N", "It is hot."),
                                    "- Ice floats/n/Always, in water.", n=3))
    assert [(i.statement_html, (i.right_index == 0), i.explanation_html) for i in p.quiz.items] == [
        ("Water is wet", True, "It is."), ("Fire is cold", False, "It is hot."),
        ("Ice floats", False, "Always, in water.")]
    assert [i.line for i in p.quiz.items] == [11, 12, 13]


@pytest.mark.parametrize("field, answer", [("/Y/", True), ("/y/", True), ("/T/", True), ("/t/", True),
                                           ("/N/", False), ("/n/", False), ("/F/", False), ("/f/", False)])
@pytest.mark.parametrize("space", ["", " ", "  "])
def test_answer_fields(tmp_path, field, answer, space):
    p, _ = read_page(tmp_path, bank(f"- A statement{space}{field}{space}An explanation."))
    [item] = p.quiz.items
    assert (item.statement_html, (item.right_index == 0), item.explanation_html) == ("A statement", answer, "An explanation.")


def test_the_first_answer_field_splits_and_explanations_keep_slashes(tmp_path):
    p, _ = read_page(tmp_path, bank("- Cats purr /Y/ Yes and/or no /N/ see https://example.org/a/Y/b"))
    [item] = p.quiz.items
    assert (item.right_index == 0) is True
    assert item.explanation_html == "Yes and/or no /N/ see https://example.org/a/Y/b"


def test_an_escaped_slash_is_not_an_answer_field(tmp_path):
    p, _ = read_page(tmp_path, bank(r"- Write Y\/N/T\/F/ by hand /N/ Use the buttons.", r"- A back\\slash /Y/ ok", n=2))
    assert [(i.statement_html, (i.right_index == 0)) for i in p.quiz.items] == [("Write Y/N/T/F/ by hand", False),
                                                                      ("A back\\slash", True)]


def test_markdown_renders_as_on_the_page(tmp_path):
    """Emphasis, code, links and images render; the item's links are resolved like the page's (a web link opens
    a new window, an image is a course file the packages carry, found at the item's line)."""
    (tmp_path / "course" / "images").mkdir(parents=True)
    (tmp_path / "course" / "images" / "bell.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    line = ("- *Brakes* come **first**, then `tyres` /Y/ See [the guide](https://example.org/guide \"Guide\") "
            "&hellip; and ![a bell](images/bell.png) <3")
    folder = write_course(tmp_path / "course", {"p.md": page("A page", 0, bank(line))})
    course, _ = read_course(folder)
    [item] = course.pages[0].quiz.items
    assert item.statement_html == "<em>Brakes</em> come <strong>first</strong>, then <code>tyres</code>"
    assert item.explanation_html == ('See <a href="https://example.org/guide" title="Guide" rel="noopener noreferrer" '
                                     'target="_blank">the guide</a> … and <img alt="a bell" '
                                     'src="exporter-file:images/bell.png"> \u2764')
    assert list(course.files) == ["images/bell.png"]
    [use] = course.links
    assert (use.target.ref, use.line, use.in_quiz) == ("images/bell.png", 11, True)


def test_a_missing_image_in_a_plain_item_is_an_error_at_its_line(tmp_path):
    with pytest.raises(ContentError) as err:
        read_page(tmp_path, bank("- Fine /Y/ ok", "- A bell ![bell](images/none.png) /N/ x", n=1))
    [d] = err.value.diagnostics
    assert d.line == 12 and "images/none.png does not exist" in d.message


def test_plain_items_pass_the_sanitizer(tmp_path):
    p, _ = read_page(tmp_path, bank('- Safe <script>alert(1)</script>text <b onclick="x()">bold</b> /N/ '
                                    '<a href="javascript:alert(1)">link</a>'))
    [item] = p.quiz.items
    assert item.statement_html == "Safe text <b>bold</b>"
    assert "javascript" not in item.explanation_html and "link" in item.explanation_html


def test_block_syntax_at_an_items_start_is_text(tmp_path):
    p, _ = read_page(tmp_path, bank("- # of riders is 2 /Y/ fine", "- > quoted /N/ x", "- 1. numbered /Y/ y", n=3))
    assert [i.statement_html for i in p.quiz.items] == ["# of riders is 2", "&gt; quoted", "1. numbered"]


def test_an_item_continues_on_the_lines_after_it(tmp_path):
    p, _ = read_page(tmp_path, bank("- A long statement", "  that wraps /Y/ and an explanation",
                                    "continuing lazily.", "- Next /N/ one.", n=2))
    first, second = p.quiz.items
    assert first.statement_html == "A long statement\nthat wraps"
    assert first.explanation_html == "and an explanation\ncontinuing lazily."
    assert (first.line, second.line) == (11, 14)


@pytest.mark.parametrize("item", ["- <!-- an open comment /Y/ x", "- <div>open block /Y/ x", "- <em>open /Y/ x",
                                  "- </ul></li>closing tags /Y/ x", "- - a list in a list /Y/ x"])
def test_an_item_cannot_change_the_page_around_it(tmp_path, item):
    p, _ = read_page(tmp_path, bank(item, "- Second /N/ y", n=2, after="After the quiz.\n\n- a visible list\n"))
    assert len(p.quiz.items) == 2 and p.quiz.items[1].statement_html == "Second"
    assert p.after_html == "<p>After the quiz.</p>\n<ul>\n<li>a visible list</li>\n</ul>"
    assert p.body_html == "<p>Intro.</p>"


def test_stimulus_and_loose_lists(tmp_path):
    body = ("Read this:\n{: data-n=\"2\" data-opt=\"Agree,Disagree\"}\n\nMember: *\"Hi\"*\n{: .conv}\n\n"
            "- One /Y/ a\n\n- Two /N/ b\n\n- Three /Y/ c\n\nEnd.\n")
    p, _ = read_page(tmp_path, body)
    assert [i.statement_html for i in p.quiz.items] == ["One", "Two", "Three"]
    assert p.quiz.labels == ("Agree", "Disagree") and 'class="conv"' in p.quiz.stimulus_html
    assert p.after_html == "<p>End.</p>"


def test_quiz_syntax_in_code_before_the_quiz(tmp_path):
    body = ("Write this:\n\n    {: data-n=\"2\"}\n    - statement /Y/ explanation\n\n- an ordinary list\n\n"
            + bank("- Real /Y/ one", "- Items /N/ two", n=2))
    p, _ = read_page(tmp_path, body)
    assert [i.statement_html for i in p.quiz.items] == ["Real", "Items"]
    assert "<li>an ordinary list</li>" in p.body_html and "statement /Y/ explanation" in p.body_html


def test_data_n_zero_keeps_its_list(tmp_path):
    p, _ = read_page(tmp_path, 'Some text\n{: data-n="0"}\n\n- a /Y/ b\n- plain list\n')
    assert p.quiz is None and "<li>a /Y/ b</li>" in p.body_html


def test_a_word_like_the_old_stand_in_is_prose(tmp_path):
    """The reader's stand-ins hold U+FFFF, which no source may: the word the reader once used is prose, and the
    page's items, plain and base64, read from their lines."""
    words = "The word exporteritem0x is odd.\n\n"
    p, _ = read_page(tmp_path, words + bank("- " + encode(*ITEMS[0]), "- plain /Y/ item", n=1))
    assert [i.statement_html for i in p.quiz.items] == [ITEMS[0][0], "plain"]
    assert "exporteritem0x" in p.body_html


@pytest.mark.parametrize("line, message", [
    ("- just some words", "neither a plain item nor base64"),
    ("- /Y/ no statement", "empty statement (nothing a learner would see): write 'statement /Y/ explanation'"),
    ("- <script>x</script> /Y/ nothing shown", "empty statement"),
    ("- " + encode("", "Y", "x"), "empty statement (nothing a learner would see): write 'statement/Y/explanation'"),
])
def test_errors_name_file_line_and_both_forms(tmp_path, line, message):
    with pytest.raises(ContentError) as err:
        read_page(tmp_path, bank("- fine /Y/ ok", line, n=1))
    [d] = err.value.diagnostics
    assert d.path.endswith("p.md") and d.line == 12 and message in d.message
    if "neither" in message:
        assert "'statement /Y/ explanation'" in d.message and "base64 of 'statement/Y/explanation'" in d.message


def test_identifiers_do_not_depend_on_the_form(tmp_path):
    items = [("Bikes need *brakes*", "Y", "Always & <em>everywhere</em>"), ("A/T/B", "N", "x/Y/y")]
    b64, _ = read_page(tmp_path / "a", bank(*(f"- {encode(*i)}" for i in items), n=2))
    txt, _ = read_page(tmp_path / "b", bank(*(f"- {plain(*i)}" for i in items), n=2))
    assert [dataclasses.astuple(i)[:4] for i in b64.quiz.items] == [dataclasses.astuple(i)[:4] for i in txt.quiz.items]


# --- the corpus, in both forms ------------------------------------------------------------------------------

def test_plain_corpus_is_the_same_course(corpus_course, plain_corpus_course):
    """Every item of the plain copy equals its base64 original: text, answer, explanation, identifier, line."""
    def items(course):
        return [(p.source, [dataclasses.astuple(i)[:4] + (i.line,) for i in p.quiz.items] if p.quiz else None)
                for p in course.pages]

    assert items(plain_corpus_course) == items(corpus_course)
    assert expected_quizzes(plain_corpus_course) == expected_quizzes(corpus_course)
    assert [(p.body_html, p.after_html) for p in plain_corpus_course.pages] == \
        [(p.body_html, p.after_html) for p in corpus_course.pages]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_plain_corpus_builds_byte_identical_packages(fmt, corpus_course, plain_corpus_course, artifact):
    """The strongest form of "same content in every format": the same bytes."""
    assert artifact(fmt, plain_corpus_course) == artifact(fmt, corpus_course)
    if fmt.startswith("scorm"):
        assert artifact(fmt, plain_corpus_course, "course") == artifact(fmt, corpus_course, "course")


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_plain_awkward_course_builds_byte_identical_packages(fmt, awkward_forms):
    b64, txt = awkward_forms["base64"], awkward_forms["plain"]
    assert WRITERS[fmt]().write(txt, Options()).data == WRITERS[fmt]().write(b64, Options()).data


def test_check_counts_the_plain_corpus(plain_corpus):
    r = run_cli("check", plain_corpus)
    assert r.returncode == 0, r.stderr
    assert "58 pages, 5 chapters, 51 quizzes, 644 items" in r.stdout
