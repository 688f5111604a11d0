"""Generated items in both written forms.

- A decoded item written as a plain item (`plain_form`) shows exactly what it showed, and gives back its text
  byte for byte (`decoded_form`); the conversion refuses only items no Markdown line can hold.
- Plain items an author could write (Markdown, entities, hearts, slashes, answer fields inside the explanation)
  read into the model as the text they show, and come out of every format as that text.
"""

from __future__ import annotations

import io
import json
import re
import string
import zipfile
from collections import Counter

import lxml.html
import mbzread
import test_cc
import test_moodle
import test_moodle_backup
import test_qti2x
import test_qti12
import test_scorm_manifest
from coursekit import page, write_course
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from itemcheck import expected_quizzes, item_key, text_of

from exporter.source.itemforms import decoded_form, decoded_parts, decoded_shown, plain_form, plain_parts, plain_shown
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options
from exporter.writers.layout import with_hrefs

# --- decoded text -> plain -> decoded text --------------------------------------------------------------------

WORDS = st.text(alphabet=string.ascii_letters + string.digits + " .,'\"", min_size=1, max_size=8)
# Markdown's inline characters, block starts, answer fields a statement may hold, entities, hearts, raw HTML
MARKS = ["*", "**", "_", "`", "\\", "\\*", "[", "]", "](x)", "#", "# ", ">", "- ", "+ ", "1. ", "2) ", "/", "/T/",
         "/F/", "/t/", "&amp;", "&hellip;", "&#47;", "&lt;", "&", "<3", "<br>", "<br/>", "!", "![", "{", "}",
         "{: .x}", "(", ")", "\t", " ", "  ", "a < b", "<!-- c -->", ".", "=", "~", "|", "\u00a0", "❤", "🚲"]
TAGS = ["em", "strong", "code", 'a href="https://example.org/a_b*c" title="a/T/b"', "span class=\"x_y\""]


def balanced(children):
    return st.tuples(st.sampled_from(TAGS), children).map(
        lambda t: f"<{t[0]}>{t[1]}</{t[0].split()[0]}>")


TEXT = st.recursive(st.one_of(st.sampled_from(MARKS), WORDS), lambda inner: st.one_of(
    st.lists(inner, min_size=1, max_size=4).map("".join), balanced(inner)), max_leaves=12)
# anything at all, broken HTML included
ANY = st.lists(st.one_of(TEXT, st.sampled_from(["<", "a<b", "<em>", "</a>", "\n", "\r", " /Y/ ", "<x:y>",
                                                "<https://example.org>"])), max_size=6).map("".join)
LETTER = st.sampled_from("YyNn")


@settings(max_examples=500, deadline=None)
@given(statement=ANY, letter=LETTER, explanation=ANY)
def test_a_plain_form_is_exact_or_refused(statement, letter, explanation):
    decoded = f"{statement}/{letter}/{explanation}"
    plain = plain_form(decoded)
    if plain is not None:
        assert "\n" not in plain and plain == plain.strip()
        assert plain_shown(plain_parts(plain)) == decoded_shown(decoded_parts(decoded))
        assert decoded_form(plain) == decoded


@settings(max_examples=500, deadline=None)
@given(statement=TEXT, letter=LETTER, explanation=st.one_of(st.just(""), TEXT))
@example(statement="<3\xa0", letter="Y", explanation="")  # found by hypothesis: a heart's part lost its last U+00A0
def test_well_formed_items_always_have_a_plain_form(statement, letter, explanation):
    """Text with its tags closed and no white space at either end: written plain, then back, exactly."""
    decoded = f"{statement}/{letter}/{explanation}"
    parts = decoded_parts(decoded)
    if decoded != decoded.strip() or not decoded_shown(parts).statement_html:
        return  # spaces at the line's ends cannot be kept; an empty statement is an error in both forms
    plain = plain_form(decoded)
    assert plain is not None, decoded
    assert plain_shown(plain_parts(plain)) == decoded_shown(parts)
    assert decoded_form(plain) == decoded


# --- plain items an author writes -> model -> every format ----------------------------------------------------

SAFE = string.ascii_letters + string.digits + ",.;:!?'\"()-=+%@"  # `$…$` is a formula (tests/test_math.py)
FIELD = re.compile(r"/[YyNnTtFf]/")
word = st.text(alphabet=SAFE, min_size=1, max_size=10)


def link(urls: list[str]):
    return st.tuples(word, st.sampled_from(urls)).map(lambda t: (f"[{t[0]}]({t[1]})", t[0]))


# (Markdown as written, the text it shows)
common = st.one_of(
    word.map(lambda w: (w, w)),
    word.map(lambda w: (f"*{w}*", w)),
    word.map(lambda w: (f"**{w}**", w)),
    st.text(alphabet=SAFE + "*_/&>[]", min_size=1, max_size=10)
    .filter(lambda c: c.strip() == c and not FIELD.search(c)).map(lambda c: (f"`{c}`", c)),
    link(["https://example.org/a/b", "p.md#part"]),
    st.sampled_from([("&amp;", "&"), ("&hellip;", "…"), ("&lt;", "<"), ("&#47;", "/"), ("&ldquo;", "“"),
                     ("<3", "\u2764"), ("and/or", "and/or"), ("a / b", "a / b"), ("\\*", "*"), ("\\_", "_"),
                     ("<em>html</em>", "html"), ("\\\\", "\\"), ("&", "&"), ("3 > 2", "3 > 2"),
                     ("$5 or $10", "$5 or $10"), ("\\$x\\$", "$x$")]),
)
# a statement holds an answer field only escaped; an explanation may hold any
in_statement = st.one_of(common, st.sampled_from([("\\/Y/", "/Y/"), ("T\\/F/", "T/F/")]))
in_explanation = st.one_of(common, link(["https://example.org/Y/N/"]),
                           st.sampled_from([("/Y/", "/Y/"), ("x /N/ y", "x /N/ y"), ("/t/", "/t/")]))


def joined(parts: list[tuple[str, str]]) -> tuple[str, str]:
    return " ".join(md for md, _ in parts), " ".join(text for _, text in parts)


@st.composite
def plain_item(draw) -> tuple[str, str, bool, str]:
    """(the item's line, its statement's text, its answer, its explanation's text)"""
    statement = joined([draw(word.map(lambda w: (w, w)))] + draw(st.lists(in_statement, max_size=5)))
    explanation = joined(draw(st.lists(in_explanation, max_size=5)))
    letter = draw(st.sampled_from("YyNnTtFf"))
    space = draw(st.sampled_from(["", " ", "  "]))
    line = f"{statement[0]}{space}/{letter}/{space}{explanation[0]}".rstrip()
    return line, statement[1], letter in "YyTt", explanation[1]


def html_check(course, data: bytes) -> None:
    """The review site: each page's bank lists statement, right label and explanation."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for page_, exp in zip([p for p in course.pages if p.quiz], expected_quizzes(course)):
            doc = lxml.html.fromstring(zf.read(page_.href))
            found = Counter()
            for li in doc.xpath('//ol[@class="quiz-bank"]/li'):
                def part(cls):
                    return " ".join(li.xpath(f'string(p[@class="{cls}"])').split())
                right = li.xpath('string(p[@class="answer"]/strong)')
                found[item_key(part("statement"), right, part("explanation"))] += 1
            assert found == exp.items


def scorm_check(fmt: str):
    """The SCORM pages' quiz data: each page's items as text (links in them are written per package)."""
    def check(course, data: bytes) -> None:
        files = test_scorm_manifest.unzip(data)
        for page_, exp in zip([p for p in course.pages if p.quiz], expected_quizzes(course)):
            doc = lxml.html.fromstring(files[page_.href])
            quiz = json.loads(doc.xpath("//script[@id='quiz-data']")[0].text)
            assert quiz["draw"] == exp.draw and tuple(quiz["labels"]) == exp.labels
            found = Counter(item_key(text_of(i["s"]), exp.labels[0 if i["a"] else 1], text_of(i["e"]))
                            for i in quiz["items"])
            assert found == exp.items
    return check


CHECKS = {
    "html": html_check,
    "scorm12": scorm_check("scorm12"),
    "scorm2004": scorm_check("scorm2004"),
    "qti12": test_qti12.check_items,
    "moodle": test_moodle.check_course,
    "qti21": lambda c, d: test_qti2x.check_items("qti21", c, d),
    "qti30": lambda c, d: test_qti2x.check_items("qti30", c, d),
    "cc11": lambda c, d: test_cc.check_items(test_cc.read_cartridge("cc11", d), c),
    "cc13": lambda c, d: test_cc.check_items(test_cc.read_cartridge("cc13", d), c),
    "moodle-backup": lambda c, d: test_moodle_backup.check_items(c, mbzread.read(d)),
}


def test_every_format_is_checked():
    assert set(CHECKS) == set(WRITERS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(items=st.lists(plain_item(), min_size=1, max_size=4),
       labels=st.sampled_from([None, "Yes,No", "Agree,Disagree"]), stimulus=st.sampled_from(["", "Look: *this*."]))
def test_plain_items_come_out_of_every_format_as_written(tmp_path_factory, items, labels, stimulus):
    attrs = 'data-n="1"' + (f' data-opt="{labels}"' if labels else "")
    bank = "".join(f"- {line}\n" for line, *_ in items)
    body = f"Answer:\n{{: {attrs}}}\n\n" + (f"{stimulus}\n\n" if stimulus else "") + bank
    folder = write_course(tmp_path_factory.mktemp("plain"), {"p.md": page("Plain items", 0, body, kind="chapter")})
    course, _ = read_course(folder)
    course = with_hrefs(course)
    [quiz] = course.quizzes
    shown = [item_key(text_of(i.statement_html), quiz.labels[i.right_index], text_of(i.explanation_html))
             for i in quiz.items]
    assert shown == [item_key(s, quiz.labels[0 if a else 1], e) for _, s, a, e in items]
    for fmt, check in CHECKS.items():
        check(course, WRITERS[fmt]().write(course, Options()).data)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
@example("$\x1b$")  # a formula holding a control character: a traceback before math.tex_mathml refused it
def test_text_without_inline_syntax_skips_markdown_unchanged(text):
    """plain_html skips Markdown's inline pass for text it would not change: the result must be the same."""
    from exporter.source.itemforms import markdown_html, plain_html

    assert plain_html(text) == markdown_html(text)
