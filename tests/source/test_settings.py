"""Course settings: course.yml or course.toml beside the pages, then command-line overrides."""

from __future__ import annotations


def test_settings_file_and_overrides(tmp_path):
    from coursekit import small_course

    from exporter.source.reader import read_course

    folder = small_course(tmp_path / "my_course")
    course, report = read_course(folder)
    assert course.title == "My Course" and course.identifier == "my_course"
    assert any("no course title" in str(n) for n in report.notes)
    (folder / "course.yml").write_text("title: Tea & Biscuits\nidentifier: 2 Tea\nlanguage: fr\n")
    course, report = read_course(folder)
    assert (course.title, course.identifier, course.language) == ("Tea & Biscuits", "c-2-tea", "fr")
    course, _ = read_course(folder, {"title": "Override"})
    assert course.title == "Override"
    (folder / "course.yml").unlink()
    (folder / "course.toml").write_text('title = "From TOML"\nversion = "2.0"\n')
    course, _ = read_course(folder)
    assert (course.title, course.version) == ("From TOML", "2.0")


# --- the answer labels a strings: override sets; the course's language tag ---------------------------------

import pytest  # noqa: E402

from conftest import run_cli  # noqa: E402
from coursekit import ITEMS, page, quiz, write_course  # noqa: E402
from exporter.errors import ContentError  # noqa: E402


def _course(tmp_path, settings: str):
    folder = write_course(tmp_path / "course", {
        "a.md": page("Start", 0, "Welcome.\n", kind="chapter"),
        "b.md": page("Check", 1, "Text.\n\n" + quiz(2, ITEMS)),
    })
    (folder / "course.yml").write_text(settings, encoding="utf-8")
    return folder


@pytest.mark.parametrize("settings, line", [
    ("title: T\nstrings:\n  label.true: \"False\"\n", 3),
    ("title: T\nstrings:\n  label.false: true\n", 3),
    ("title: T\nlanguage: de\nstrings:\n  label.true: falsch\n", 4),  # German's own "Falsch"
    ("title: T\nstrings:\n  True: Same\n  False: same\n", 4),
])
def test_strings_that_make_both_labels_the_same_are_an_error(tmp_path, settings, line):
    """The rule data-opt="Yes,Yes" follows: learners could not tell the answers apart."""
    from exporter.source.reader import read_course

    folder = _course(tmp_path, settings)
    with pytest.raises(ContentError) as err:
        read_course(folder)
    [d] = err.value.diagnostics
    assert d.path.endswith("course.yml") and d.line == line
    assert "the same label twice" in d.message and "learners could not tell the answers apart" in d.message


@pytest.mark.parametrize("given, tag", [("de_DE", "de-DE"), ("EN-gb", "en-GB"), ("zh_hant_tw", "zh-Hant-TW"),
                                        ("tlh", "tlh"), ("es-419", "es-419"), ("de-CH-x-basel", "de-CH-x-basel")])
def test_the_language_is_a_bcp47_tag_normalised(tmp_path, given, tag):
    from exporter.source.reader import read_course

    course, _ = read_course(_course(tmp_path, f"title: T\nlanguage: {given}\n"))
    assert course.language == tag
    course, _ = read_course(_course(tmp_path / "o", "title: T\n"), {"language": given})
    assert course.language == tag


def test_the_normalised_tag_is_what_the_packages_say(tmp_path):
    folder = _course(tmp_path, "title: T\nlanguage: de_de\n")
    r = run_cli("build", folder, "--out", tmp_path / "out", "--format", "qti21,cc13")
    assert r.returncode == 0, r.stderr
    import zipfile
    for artifact in sorted((tmp_path / "out").glob("*.zip")):
        with zipfile.ZipFile(artifact) as z:
            text = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml")).decode()
        assert "de-DE" in text and "de_de" not in text and "de-de" not in text, artifact.name


@pytest.mark.parametrize("bad", ["de_DE.UTF-8", "C", "de@euro", "../../etc", "Deutsch", "e", "en--us"])
def test_a_language_that_is_no_tag_is_an_error_at_its_line(tmp_path, bad):
    from exporter.source.reader import read_course

    folder = _course(tmp_path, f"title: T\nversion: '2'\nlanguage: \"{bad}\"\n")
    with pytest.raises(ContentError) as err:
        read_course(folder)
    [d] = err.value.diagnostics
    assert d.path.endswith("course.yml") and d.line == 3
    assert f"language {bad!r} is not a language tag" in d.message
    r = run_cli("check", _course(tmp_path / "o", "title: T\n"), "--language", bad)
    assert r.returncode == 2 and f"--language {bad!r} is not a language tag" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_format_spec_in_a_strings_placeholder_is_named_as_such(tmp_path):
    from exporter.source.reader import read_course

    folder = _course(tmp_path, "title: T\nstrings:\n  review.rule: 'Answer {draw:99999999} of {total}'\n")
    with pytest.raises(ContentError) as err:
        read_course(folder)
    [d] = err.value.diagnostics
    assert d.line == 3
    assert "{draw:99999999}" in d.message and "a format" in d.message and "write {draw}" in d.message
    assert "is not a placeholder" not in d.message
