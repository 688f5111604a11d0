"""Catalogs compiled and numbers written once, kept in a build's cache folder (`exporter.i18n.kept`): what is kept is
what compiling and formatting give, a kept file is used (the test is not idle), a damaged one never is."""

from __future__ import annotations

import gettext
import io
import shutil

import pytest
from babel import Locale
from babel.numbers import format_decimal
from conftest import SAMPLE

from exporter.build.pipeline import build
from exporter.i18n import kept, messages
from exporter.source.cache import PageCache


@pytest.fixture
def folder(tmp_path):
    kept.keep_in(tmp_path / "i18n")
    messages._compiled.cache_clear()
    yield tmp_path / "i18n"
    kept.keep_in(None)
    messages._compiled.cache_clear()


def counting(make, calls: list):
    def counted(value):
        calls.append(value)
        return make(value)
    return counted


def test_a_catalog_is_compiled_once_and_read_back_as_compiled(folder):
    source = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Yes"\nmsgstr "Ja"\n'
    compiled: list = []
    first = kept.catalog(source, counting(lambda s: b"compiled " + s, compiled))
    assert first == b"compiled " + source and len(compiled) == 1
    kept.keep_in(None)
    kept.keep_in(folder)  # (as the next build: nothing held in memory)
    assert kept.catalog(source, counting(lambda s: b"compiled " + s, compiled)) == first and len(compiled) == 1
    assert kept.catalog(source + b"\n", counting(lambda s: b"other", compiled)) == b"other"  # another source
    assert len(compiled) == 2


def test_a_damaged_kept_file_is_made_again_never_used(folder):
    calls: list = []
    kept.catalog(b"source", counting(lambda s: b"right", calls))
    kept.number("en", 1234, counting(lambda n: "1,234", calls))
    for path in folder.iterdir():
        data = bytearray(path.read_bytes())
        data[-1] ^= 1
        path.write_bytes(bytes(data))
    kept.keep_in(None)
    kept.keep_in(folder)
    assert kept.catalog(b"source", counting(lambda s: b"right", calls)) == b"right"
    assert kept.number("en", 1234, counting(lambda n: "1,234", calls)) == "1,234"
    assert len(calls) == 4


def test_numbers_are_kept_by_language_and_read_back(folder):
    calls: list = []
    assert kept.number("en", 1234, counting(lambda n: "1,234", calls)) == "1,234"
    assert kept.number("de", 1234, counting(lambda n: "1.234", calls)) == "1.234"
    kept.keep_in(None)
    kept.keep_in(folder)
    assert kept.number("en", 1234, counting(lambda n: "wrong", calls)) == "1,234"
    assert kept.number("de", 1234, counting(lambda n: "wrong", calls)) == "1.234"
    assert kept.number("de", 5, counting(lambda n: "5", calls)) == "5"
    assert calls == [1234, 1234, 5]


def test_without_a_folder_nothing_is_kept(tmp_path):
    kept.keep_in(None)
    calls: list = []
    for _ in range(2):
        assert kept.catalog(b"x", counting(lambda s: b"y", calls)) == b"y"
        assert kept.number("en", 5, counting(lambda n: "5", calls)) == "5"
    assert len(calls) == 4 and not list(tmp_path.iterdir())


@pytest.mark.parametrize("language", ["en", "de", "fr", "pt_BR"])
def test_kept_catalogs_and_numbers_are_what_babel_gives(language, folder):
    """Every shipped catalog and a few numbers through the folder, then read back from it: the same translations and
    texts as compiled and formatted afresh."""
    numbers = [0, 7, 1234, 1234567]
    locale = Locale.parse(language)
    for round in range(2):  # made and kept, then read back
        kept.keep_in(None)
        kept.keep_in(folder)
        messages._compiled.cache_clear()
        texts = messages.Messages(language.replace("_", "-"))
        assert [texts.number(n) for n in numbers] == [format_decimal(n, locale=locale) for n in numbers]
        for name in messages.available():
            source = (messages.locale_dir() / name / "LC_MESSAGES" / "messages.po").read_bytes()
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            fresh = io.BytesIO()
            write_mo(fresh, read_po(io.BytesIO(source), locale=name, domain=messages.DOMAIN), use_fuzzy=False)
            assert messages._compiled(name)._catalog == gettext.GNUTranslations(io.BytesIO(fresh.getvalue()))._catalog
    assert len(list(folder.glob("catalog-*.mo"))) == len(messages.available())
    assert len(list(folder.glob("numbers-*"))) == 1


def test_a_build_keeps_them_in_its_cache_folder_and_the_next_build_reads_them(tmp_path, monkeypatch):
    course = tmp_path / "course"
    shutil.copytree(SAMPLE, course)
    messages._compiled.cache_clear()  # (as in a new process: nothing compiled or formatted yet)
    messages._texts.cache_clear()
    build(course, tmp_path / "first", jobs=1, cache=PageCache(tmp_path / "cache"))
    assert list((tmp_path / "cache" / "i18n").glob("catalog-*.mo"))
    assert list((tmp_path / "cache" / "i18n").glob("numbers-*"))
    messages._compiled.cache_clear()
    messages._texts.cache_clear()
    kept.keep_in(None)
    formatted: list = []
    monkeypatch.setattr(messages, "format_decimal",  # (whole numbers: a numeric answer's decimal is not kept)
                        lambda n, **k: (type(n) is int and formatted.append(n)) or format_decimal(n, **k))
    monkeypatch.setattr("babel.messages.pofile.read_po", lambda *a, **k: pytest.fail("a kept catalog was compiled"))
    quiz = course / "02-bike-check.md"  # every quiz format writes again, its draw sentences' numbers among it
    quiz.write_text(quiz.read_text(encoding="utf-8").replace('data-n="3"', 'data-n="2"'), encoding="utf-8")
    built = build(course, tmp_path / "second", jobs=1, cache=PageCache(tmp_path / "cache"))
    assert formatted == [] and built.artifacts
    monkeypatch.undo()
    kept.keep_in(None)
    messages._compiled.cache_clear()
    messages._texts.cache_clear()
    assert {p.name: p.read_bytes() for p in (tmp_path / "second").iterdir()} == \
        {p.name: p.read_bytes() for p in build(course, tmp_path / "clean", jobs=1).report_path.parent.iterdir()}
