"""Front matter and course.yml read one way, as the author wrote them: no alias bombs, no Python reprs,
no text lost between two readers' ideas of where the body starts, line numbers that are the file's."""

from __future__ import annotations

import time

import pytest

from coursekit import ITEMS, page, quiz, small_course, write_course
from exporter.errors import ContentError
from exporter.source.reader import read_course

BOMB = "\n".join(["a: &a [" + ", ".join(["lol"] * 10) + "]"] +
                 [f"{chr(98 + n)}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 10) + "]" for n in range(8)])


def errors_of(folder, overrides=None) -> list[str]:
    with pytest.raises(ContentError) as info:
        read_course(folder, overrides)
    return [str(d) for d in info.value.diagnostics]


@pytest.fixture
def course(tmp_path):
    return small_course(tmp_path / "course")


def test_alias_bomb_in_front_matter_is_refused_at_once(course):
    text = "---\n" + BOMB + "\ntitle: *i\nserial: 1\n---\nText.\n"
    assert len(text) < 600
    write_course(course, {"b.md": text})
    started = time.perf_counter()
    errors = errors_of(course)
    assert time.perf_counter() - started < 5
    assert any(e.startswith(f"{course / 'b.md'}:3: error: broken front matter: YAML aliases") for e in errors), errors


def test_alias_bomb_in_course_yml_is_refused_at_once(course):
    (course / "course.yml").write_text(BOMB + "\ntitle: *i\n")
    started = time.perf_counter()
    errors = errors_of(course)
    assert time.perf_counter() - started < 5
    assert any(e.startswith(f"{course / 'course.yml'}:2: error: YAML aliases") for e in errors), errors


def test_deeply_nested_yaml_is_refused(course):
    write_course(course, {"b.md": "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\nserial: 1\n---\nText.\n"})
    errors = errors_of(course)
    assert any(e.startswith(f"{course / 'b.md'}:2: error: broken front matter: values nested") for e in errors)


def test_front_matter_closed_by_dots_is_read(course):
    write_course(course, {"b.md": "---\ntitle: Dots\nserial: 1\n...\nBody text.\n"})
    c, _ = read_course(course)
    assert c.pages[1].title == "Dots" and "Body text." in c.pages[1].body_html


def test_front_matter_closed_by_five_dashes_is_an_error(course):
    """python-frontmatter took `-----` as the end and our reader did not: the text between vanished."""
    write_course(course, {"b.md": "---\ntitle: Five\nserial: 1\n-----\nLost text?\n---\nBody.\n"})
    errors = errors_of(course)
    assert f"{course / 'b.md'}:4: error: the front matter is closed by a line of 5 dashes: close it with " \
           "exactly three, '---'" in errors


def test_body_starts_after_the_first_closing_line(course):
    write_course(course, {"b.md": "---\ntitle: One\nserial: 1\n---\nFirst.\n\n---\n\nSecond.\n"})
    c, _ = read_course(course)
    body = c.pages[1].body_html
    assert "First." in body and "<hr" in body and "Second." in body


@pytest.mark.parametrize("front, title", [
    ("title: yes", "yes"), ("title: 1.10", "1.10"), ("title: 0x10", "0x10"), ("title: 2024-01-01", "2024-01-01"),
    ("title: ~tilde", "~tilde"), ("title: '  spaced   out '", "spaced out"),
    ("title: |\n  two\n  lines", "two lines"), ('title: "a\\nb"', "a b"), ("title: >\n  folded\n  text", "folded text"),
])
def test_titles_are_the_text_as_written_on_one_line(course, front, title):
    write_course(course, {"b.md": f"---\n{front}\nserial: 1\n---\nText.\n"})
    c, _ = read_course(course)
    assert c.pages[1].title == title


@pytest.mark.parametrize("front, line, message", [
    ("title: [a, b]\nserial: 1", 2, "title is a list"),
    ("title:\n  a: b\nserial: 1", 3, "title is a mapping"),
    ("title: T\nserial: [1]", 3, "serial a list is not a whole number"),
    ("title: T\nserial: 1\nclass: [section]", 4, "class is a list"),
    ("title: T\nserial: 1\ntitle: U", 4, "'title' is set twice (lines 2 and 4)"),
    ("title: T\nserial: true", 3, "serial 'true' is not a whole number"),
])
def test_values_that_are_not_text_are_errors_at_their_line(course, front, line, message):
    write_course(course, {"b.md": f"---\n{front}\n---\nText.\n"})
    errors = errors_of(course)
    assert any(e.startswith(f"{course / 'b.md'}:{line}: error: ") and message in e for e in errors), errors


def test_yaml_error_is_one_line_at_its_own_line(course):
    write_course(course, {"b.md": "---\ntitle: T\nserial: 1\nlayout: x\nbad: [unclosed\nmore: y\n---\nText.\n"})
    [error] = errors_of(course)
    assert error.startswith(f"{course / 'b.md'}:6: error: broken front matter: not valid YAML"), error
    assert "\n" not in error


def test_course_yml_values_as_written(course):
    (course / "course.yml").write_text("title: yes\nversion: 1.10\nidentifier: 007\ndescription: |\n  two\n  lines\n")
    c, _ = read_course(course)
    assert (c.title, c.version, c.identifier, c.description) == ("yes", "1.10", "c-007", "two lines")


@pytest.mark.parametrize("text, line, message", [
    ("title: [a, b]\n", 1, "title is a list"),
    ("title: T\nlanguage: [en]\n", 2, "language is a list"),
    ("title: T\nversion:\n  major: 1\n", 3, "version is a mapping"),
    ("title: T\nbad: [x\n", 3, "not valid YAML"),
    ("- title\n", 1, "it must be 'key: value' lines"),
])
def test_course_yml_errors(course, text, line, message):
    (course / "course.yml").write_text(text)
    errors = errors_of(course)
    assert any(e.startswith(f"{course / 'course.yml'}:{line}: error: ") and message in e for e in errors), errors


def test_course_toml_non_strings(course):
    (course / "course.toml").write_text('title = "T"\nversion = 1.10\nlanguage = ["en"]\nidentifier = 7\n')
    errors = errors_of(course)
    assert any(e.startswith(f"{course / 'course.toml'}:2: error: version is float 1.1") for e in errors), errors
    assert any(e.startswith(f"{course / 'course.toml'}:3: error: language is list") for e in errors), errors
    (course / "course.toml").write_text('title = "T"\nversion = "1.10"\nidentifier = 7\n')
    c, _ = read_course(course)
    assert (c.version, c.identifier) == ("1.10", "c-7")


def test_two_settings_files_are_an_error_naming_both(course):
    (course / "course.yml").write_text("title: One\n")
    (course / "course.yaml").write_text("title: Two\n")
    errors = errors_of(course)
    assert any("course.yml and course.yaml are both in the course folder" in e for e in errors), errors


def test_settings_title_on_one_line(course):
    (course / "course.yml").write_text("title: |\n  Tea\n  and biscuits\n")
    c, _ = read_course(course)
    assert c.title == "Tea and biscuits"


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85"])
def test_line_like_characters_are_spaces_and_keep_line_numbers(course, sep):
    body = f"Text{sep}---\n\nMore{sep}text.\n\n" + quiz(1, ITEMS) + "- not*base64\n"
    write_course(course, {"b.md": page("Second page", 1, body)})
    errors = errors_of(course)
    # page(): 5 front matter lines + 1 body line "Text ---", blank, "More text.", blank, 2 quiz lines, blank,
    # then 3 items: the bad item is on line 16
    assert any(e.startswith(f"{course / 'b.md'}:16: error: this quiz item is neither a plain item nor base64") for e in errors), errors
    write_course(course, {"b.md": page("Second page", 1, f"Text{sep}---\n")})
    c, _ = read_course(course)
    assert "<h2" not in c.pages[1].body_html and "---" in c.pages[1].body_html


def test_crlf_and_lone_cr_line_ends(course):
    write_course(course, {"b.md": page("Second page", 1, "Text.\n\n" + quiz(1, ITEMS) + "- bad*\n")
                          .replace("\n", "\r\n")})
    errors = errors_of(course)
    assert any(e.startswith(f"{course / 'b.md'}:14: error: this quiz item is neither a plain item nor base64") for e in errors), errors


@pytest.mark.parametrize("char", ["\x0c", "\x0b", "\x07"])
def test_control_characters_are_errors_at_their_own_line(course, char):
    """Form feed and vertical tab were line breaks to the old reader (splitlines), shifting line numbers."""
    body = f"Text{char}---\n\nMore text.\n\n" + quiz(1, ITEMS) + "- not*base64\n"
    write_course(course, {"b.md": page("Second page", 1, body)})
    errors = errors_of(course)
    assert any(e.startswith(f"{course / 'b.md'}:6: error: this line holds the control character") for e in errors)


def test_a_character_yaml_refuses_is_an_error_at_its_line(course):
    """Found by the fuzz test: a C1 control in front matter raised yaml's ReaderError (a traceback)."""
    write_course(course, {"b.md": "---\nserial: 1\ntitle: \"\x80\"\n---\nText.\n"})
    assert f"{course / 'b.md'}:3: error: broken front matter: the character U+0080 cannot be in YAML: delete it" \
        in errors_of(course)
    (course / "course.yml").write_text("title: T\x85x\nlanguage: \x9f\n")  # NEL is a space; U+009F is not
    write_course(course, {"b.md": page("Second page", 1, "Text.\n")})
    assert f"{course / 'course.yml'}:2: error: the character U+009F cannot be in YAML: delete it" in errors_of(course)


# ---- the libyaml path reads every text as the strict loader does ----------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from exporter.source import yamltext  # noqa: E402
from exporter.source.frontmatter import MetaError, load_mapping  # noqa: E402


def both_ways(text: str, first_line: int = 2):
    """What load_mapping gives (entries, or the error's line and message), through libyaml and strictly."""
    out = []
    for strict in (False, True):
        try:
            out.append(load_mapping(text, first_line, strict=strict))
        except MetaError as exc:
            out.append((exc.line, exc.message))
    return out


SAMPLES = [
    "? e:1", "? e\n:1", "- ? e:1",  # explicit keys (hypothesis found libyaml placing the missing value a line off)
    "title: >#", "title: |-#\n  x", "a: |2#",  # a block header's comment with no space (hypothesis: libyaml takes it)
    "title: yes\nserial: 1.10\nclass: chapter", "title: 'on'\nserial: 007", "a: 1\nb: 2\na: 3", "a: b: c",
    "title: >\n  folded\n  text\nserial: 2", "title: |\n  kept\n  lines\n", "a:\n  b: c\n  d:\n    - e", "- a\n- b",
    "plain", "", "~", "a: null\nb: ~\nc: ''\nd:", "a: 'unclosed", 'a: "x\\x07y"', "a: 1\n b: 2", "a:\n- 1\n-",
    "? a\n: b", "a: -1\nb: - c", "# only a comment", "a: 1 # and a comment", "a: 'it''s'\nb: \"\\u00e9\"",
    "a: &x 1\nb: *x", "a: !!str 1", "a: [1, 2]", "a: {b: c}", "a:\tb", "%YAML 1.1\n---\na: b", "a: b\n---\nc: d",
    "a: b\n...\n", "-\n  -\n    - x", "title: caf\u00e9 \u2013 \U0001f600", "a: \x85b", "key with spaces: v",
    "a:\n  " + "\n  ".join(f"k{n}: v" for n in range(30)), "- - - - - - - - - - - - - - - - - - - - - - - x",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_libyaml_path_reads_as_the_strict_loader(text):
    fast, strict = both_ways(text)
    assert fast == strict


def test_libyaml_path_is_taken_for_plain_front_matter():
    assert yamltext._FAST is not None, "PyYAML is built without libyaml here"
    assert yamltext._fast_root("title: A page\nserial: 3\nclass: section") is not yamltext._STRICT


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["title", "serial", "class", "a", "b", " c", "- d", "? e", "", "#"]),
                          st.sampled_from([": ", ":", " ", ": - ", ":\n  ", ": |\n  ", ": '", ': "', ": >\n ", ""]),
                          st.text(alphabet=st.sampled_from(list("ab 1.:-'\"#|>\\\n\t&*[]{}é")), max_size=12)),
                max_size=6))
def test_libyaml_path_reads_generated_texts_as_the_strict_loader(parts):
    text = "\n".join(k + sep + v for k, sep, v in parts)
    fast, strict = both_ways(text)
    assert fast == strict, text
