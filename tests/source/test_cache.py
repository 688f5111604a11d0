"""The per-page cache: a cached build is byte-identical to a clean one; a change renders again exactly the
pages that depend on it (counted); entries from other code versions are never used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE
from coursekit import ITEMS, awkward_course, page, quiz, small_course, write_course

import exporter.source.cache as cache_mod
import exporter.source.reader as reader_mod
from exporter.build.pipeline import build
from exporter.source.cache import PageCache
from exporter.errors import ContentError


@pytest.fixture
def renders(monkeypatch):
    """How many pages had their Markdown rendered, by source file name."""
    counted: list[str] = []
    real = reader_mod._build_page

    def counting(src, *args, **kwargs):
        counted.append(src.path.name)
        return real(src, *args, **kwargs)

    monkeypatch.setattr(reader_mod, "_build_page", counting)
    return counted


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def assert_cached_build_identical(course: Path, tmp_path: Path, renders: list[str]) -> None:
    clean = build(course, tmp_path / "clean", jobs=1)
    disk = tmp_path / "cache"
    build(course, tmp_path / "cold", jobs=1, cache=PageCache(disk))
    renders.clear()
    warm_cache = PageCache(disk)  # a new process: the entries come from disk
    warm = build(course, tmp_path / "warm", jobs=1, cache=warm_cache)
    assert renders == [] and warm_cache.hits == len(clean.course.pages)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")
    assert [str(w) for w in warm.report.warnings] == [str(w) for w in clean.report.warnings]
    assert [str(n) for n in warm.report.notes] == [str(n) for n in clean.report.notes]


def test_corpus_cached_build_is_byte_identical(corpus, tmp_path, renders):
    assert_cached_build_identical(corpus, tmp_path, renders)


@pytest.mark.parametrize("make", [awkward_course, small_course])
def test_awkward_courses_cached_builds_are_byte_identical(make, tmp_path, renders):
    assert_cached_build_identical(make(tmp_path / "course"), tmp_path, renders)


def test_sample_cached_build_is_byte_identical(tmp_path, renders):
    assert_cached_build_identical(SAMPLE, tmp_path, renders)


def course_with_links(folder: Path) -> Path:
    write_course(folder, {
        "a.md": page("Start", 0, "![A bike](img/bike.png)\n\nSee [more](/more/).\n", kind="chapter"),
        "b.md": page("Quiz", 1, "Text.\n\n" + quiz(2, ITEMS)),
        "c.md": page("Plain", 2, "Nothing linked.\n"),
    })
    (folder / "img").mkdir()
    (folder / "img" / "bike.png").write_bytes(b"\x89PNG\r\n\x1a\nONE")
    return folder


def test_a_change_renders_exactly_what_depends_on_it(tmp_path, renders):
    course = course_with_links(tmp_path / "c")
    cache = PageCache()
    first = build(course, tmp_path / "o", "scorm12", cache=cache)
    assert sorted(renders) == ["a.md", "b.md", "c.md"]

    def rebuild():
        renders.clear()
        return build(course, tmp_path / "o", "scorm12", cache=cache)

    assert rebuild() and renders == []
    # one page edited: that page only
    (course / "c.md").write_text(page("Plain", 2, "Something new.\n"), encoding="utf-8")
    rebuild()
    assert renders == ["c.md"]
    # a linked file changed: the page showing it, and the package carries the new bytes
    (course / "img" / "bike.png").write_bytes(b"\x89PNG\r\n\x1a\nTWO")
    result = rebuild()
    assert renders == ["a.md"] and result.course.files["img/bike.png"].read().endswith(b"TWO")
    # course.yml: the title is not read by pages; site_url is
    (course / "course.yml").write_text("title: Renamed\n", encoding="utf-8")
    result = rebuild()
    assert renders == [] and result.course.title == "Renamed"
    (course / "course.yml").write_text("title: Renamed\nsite_url: https://example.org\n", encoding="utf-8")
    rebuild()
    assert sorted(renders) == ["a.md", "b.md", "c.md"]
    # a page a link names appears: the linking page renders again, and links to it
    (course / "more.md").write_text(page("More", 3, "More text.\n"), encoding="utf-8")
    result = rebuild()
    assert sorted(renders) == ["a.md", "more.md"]
    a = next(p for p in result.course.pages if p.source == "a.md")
    assert "exporter-page:" in a.body_html
    # the linked file goes: an error, whatever the cache holds
    (course / "img" / "bike.png").unlink()
    with pytest.raises(ContentError) as err:
        rebuild()
    assert any("img/bike.png" in str(d) for d in err.value.diagnostics)
    assert first.course.pages  # the first build was whole


def test_an_entry_of_other_code_is_never_used(tmp_path, renders, monkeypatch):
    course = small_course(tmp_path / "c")
    disk = tmp_path / "cache"
    build(course, tmp_path / "o", "qti12", cache=PageCache(disk))
    renders.clear()
    monkeypatch.setattr(cache_mod, "_CODE", "another version of exporter")
    build(course, tmp_path / "o", "qti12", cache=PageCache(disk))
    assert len(renders) == 4


def test_cache_folder_is_git_ignored_and_safe_to_delete(tmp_path, renders):
    course = small_course(tmp_path / "c")
    disk = tmp_path / ".exporter-cache"
    build(course, tmp_path / "o", "qti12", cache=PageCache(disk))
    assert (disk / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    shutil.rmtree(disk)
    renders.clear()
    build(course, tmp_path / "o", "qti12", cache=PageCache(disk))
    assert len(renders) == 4
    # a broken cache file: the build goes on without it
    for f in disk.glob("*.sqlite3*"):
        f.write_bytes(b"not a database")
    renders.clear()
    result = build(course, tmp_path / "o2", "qti12", cache=PageCache(disk))
    assert len(renders) == 4 and result.artifacts


def test_errors_are_not_cached(tmp_path, renders):
    course = small_course(tmp_path / "c")
    (course / "b.md").write_text(page("Second page", 1, "Text.\n\n" + quiz(9, ITEMS)), encoding="utf-8")
    cache = PageCache()
    for _ in range(2):
        with pytest.raises(ContentError):
            build(course, tmp_path / "o", "qti12", cache=cache)
    assert renders.count("b.md") == 2


def test_a_file_name_differing_in_case_from_another_pages_is_still_an_error(tmp_path, renders):
    course = write_course(tmp_path / "c", {
        "a.md": page("One", 0, "![A bike](img/bike.png)\n", kind="chapter"),
        "b.md": page("Two", 1, "Nothing.\n"),
    })
    (course / "img").mkdir()
    (course / "img" / "bike.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (course / "img" / "Bike.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    cache = PageCache()
    build(course, tmp_path / "o", "html", cache=cache)
    (course / "b.md").write_text(page("Two", 1, "![The same?](img/Bike.png)\n"), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        build(course, tmp_path / "o", "html", cache=cache)
    assert any("differ only in case" in str(d) and "b.md" in str(d) for d in err.value.diagnostics)


def _rewrite_entries(disk: Path, change, sealed: bool = True) -> int:
    """Each stored entry's content passed through `change` (to a value of any shape) and written back: sealed with
    a digest as the cache seals what it stores, or (`sealed=False`) under the digest it had, as an edit by
    hand would leave it. How many there were."""
    import marshal
    import sqlite3

    [db_path] = disk.glob("pages-v*.sqlite3")
    db = sqlite3.connect(db_path, isolation_level=None)
    rows = db.execute("SELECT key, data FROM entry").fetchall()
    for key, data in rows:
        value = change(cache_mod.unseal(key, data))
        new = (cache_mod.seal(key, value) if sealed else
               data[:32] + marshal.dumps(value, 4))
        db.execute("UPDATE entry SET data = ? WHERE key = ?", (new, key))
    db.close()
    return len(rows)


def _edit_body(entry):
    entry["page"]["body_html"] = "<p>edited in the cache</p>"
    return entry


@pytest.mark.parametrize("change", [
    lambda entry: [],  # a list, not an object
    lambda entry: {**entry, "page": "text"},
    lambda entry: {**entry, "files": None},
    lambda entry: {**entry, "pages": [1, 2]},
    lambda entry: {k: v for k, v in entry.items() if k != "uses"},
    lambda entry: {**entry, "diagnostics": [["a", 1]]},
    lambda entry: {**entry, "page": {**entry["page"], "nonsense": 1}},
    _edit_body,  # well shaped, but not what was stored (under its old digest, below)
], ids=["list", "page-text", "files-null", "pages-list", "no-uses", "short-diagnostic", "unknown-field", "edited"])
def test_a_stored_entry_of_the_wrong_shape_or_edited_is_a_miss(tmp_path, renders, change):
    course = small_course(tmp_path / "course")
    clean = build(course, tmp_path / "clean", "qti12,scorm12", jobs=1)
    disk = tmp_path / "cache"
    build(course, tmp_path / "cold", "qti12,scorm12", jobs=1, cache=PageCache(disk))
    assert _rewrite_entries(disk, change, sealed=change is not _edit_body) == 4
    renders.clear()
    warm = build(course, tmp_path / "warm", "qti12,scorm12", jobs=1, cache=PageCache(disk))
    assert sorted(renders) == ["a.md", "b.md", "c.md", "d.md"], "every altered entry is rendered again"
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")
    assert [a.sha256 for a in warm.artifacts] == [a.sha256 for a in clean.artifacts]


def _items_changed(change):
    """An entry change applied to each item of its quiz (an entry without one left as it is)."""
    def changed(entry):
        quiz = entry["page"].get("quiz")
        if quiz:
            quiz["items"] = [change(item) for item in quiz["items"]]
        return entry
    return changed


def _with_choice(item):
    choices = cache_mod._ITEM_FIELDS.index("choices")
    return item[:choices] + ([(*c, "one more") for c in item[choices]] or [("x", True, "", "one more")],) + \
        item[choices + 1:]


@pytest.mark.parametrize("change", [
    lambda item: item[:-1],  # a field short
    lambda item: (*item, 1),  # one too many
    lambda item: dict(zip(cache_mod._ITEM_FIELDS, item)),  # the layout before items were their values
    _with_choice,  # a choice with a value too many
], ids=["short", "long", "as-dict", "choice-long"])
def test_a_stored_item_of_the_wrong_shape_is_a_miss(tmp_path, renders, change):
    """Items are stored as their fields' values in order (`_item_data`): one of another length, or in the older
    layout, rebuilds into no item, and its page is rendered again."""
    course = small_course(tmp_path / "course")
    clean = build(course, tmp_path / "clean", "qti12,scorm12", jobs=1)
    disk = tmp_path / "cache"
    build(course, tmp_path / "cold", "qti12,scorm12", jobs=1, cache=PageCache(disk))
    with_items = [p.source.rsplit("/", 1)[-1] for p in clean.course.pages if p.quiz and p.quiz.items]
    assert with_items
    _rewrite_entries(disk, _items_changed(change))
    renders.clear()
    build(course, tmp_path / "warm", "qti12,scorm12", jobs=1, cache=PageCache(disk))
    assert sorted(renders) == sorted(with_items)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")


def test_an_earlier_layouts_entries_are_removed_when_the_cache_opens(tmp_path):
    disk = tmp_path / "cache"
    disk.mkdir()
    for name in ("pages-v3.sqlite3", "pages-v3.sqlite3-wal", "pages-v3.sqlite3-shm", "other.sqlite3"):
        (disk / name).write_bytes(b"old")
    PageCache(disk).close()
    assert sorted(p.name for p in disk.iterdir() if p.name != ".gitignore") == \
        ["other.sqlite3", f"pages-v{cache_mod.CACHE_VERSION}.sqlite3"]


def test_hash_tree_takes_every_kept_file_by_its_path_and_bytes(tmp_path):
    """The code digests' walk (`hash_tree`): a changed, added or renamed file changes it; __pycache__ and files the
    filter leaves do not."""
    import hashlib

    from exporter.source.cache import hash_tree

    def digest() -> str:
        h = hashlib.sha256()
        hash_tree(h, tmp_path, lambda name: name.endswith(".py"))
        return h.hexdigest()

    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "a.py").write_text("a = 1\n")
    (tmp_path / "pkg" / "sub" / "b.py").write_text("b = 2\n")
    first = digest()
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "c.py").write_text("ignored\n")
    (tmp_path / "pkg" / "notes.txt").write_text("not a module\n")
    assert digest() == first
    (tmp_path / "pkg" / "sub" / "b.py").write_text("b = 3\n")
    assert digest() != first
    (tmp_path / "pkg" / "sub" / "b.py").write_text("b = 2\n")
    assert digest() == first
    (tmp_path / "pkg" / "sub" / "b.py").rename(tmp_path / "pkg" / "sub" / "c.py")
    assert digest() != first
    (tmp_path / "pkg" / "sub" / "c.py").rename(tmp_path / "pkg" / "sub" / "b.py")
    (tmp_path / "pkg" / "d.py").write_text("")
    assert digest() != first


def test_a_sealed_entry_reads_back_as_plain_data_even_from_a_str_subclass():
    """Entries are stored in marshal's format; a value it cannot hold (a subclass of str) is stored as JSON would
    give it back, and a damaged entry is None, never an error."""
    from markupsafe import Markup

    entry = {"page": {"title": "T", "n": 3, "x": 1.5, "none": None, "list": [1, "a"]}, "files": {}}
    assert cache_mod.unseal("k", cache_mod.seal("k", entry)) == entry
    back = cache_mod.unseal("k", cache_mod.seal("k", {"html": Markup("<b>x</b>"), "pair": ("a", 1)}))
    assert back == {"html": "<b>x</b>", "pair": ["a", 1]} and type(back["html"]) is str
    sealed = cache_mod.seal("k", entry)
    assert cache_mod.unseal("other key", sealed) is None
    assert cache_mod.unseal("k", sealed[:-1] + bytes([sealed[-1] ^ 1])) is None


def test_the_code_digest_names_pyyaml_by_its_files_or_else_by_its_version(monkeypatch):
    """PyYAML is named by its files without loading it: its __init__.py and the names beside it (libyaml's
    binding among them); a PyYAML that is not there as files (no origin to read) is named by its loaded version."""
    import copy
    import importlib.util

    files = cache_mod._code_digest()
    real = importlib.util.find_spec

    def no_file(name, *args):
        spec = real(name, *args)
        if name == "yaml":  # (a copy: a loaded module's own spec is what find_spec gives)
            spec = copy.copy(spec)
            spec.origin = None
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", no_file)
    loaded = cache_mod._code_digest()
    assert len(files) == len(loaded) == 64 and files != loaded


@pytest.mark.parametrize("reads, last", [(3, 3), (4, 4)])
def test_entries_read_are_marked_every_few_builds_and_dropped_after_keep_builds(tmp_path, monkeypatch, reads, last):
    """A build marks an entry it read from disk as used by it only once the mark is `MARK_EVERY` builds old (most
    builds write back none of the entries they read), and an entry is dropped once none of the last `KEEP_BUILDS`
    builds used it, at the latest `MARK_EVERY` - 1 builds later. Here 5 and 3: a page read by builds 1 to `reads`
    (marked by build 1 and, from the 4th, by build 4), then edited, is dropped by build `last` + 6 (its mark 1: the
    earliest) or `last` + 8 (its mark 4: the latest)."""
    import sqlite3

    from exporter.source.reader import read_course

    monkeypatch.setattr(cache_mod, "KEEP_BUILDS", 5)
    monkeypatch.setattr(cache_mod, "MARK_EVERY", 3)
    course = small_course(tmp_path / "c")
    disk = tmp_path / "cache"

    used: set[str] = set()

    def read() -> dict[str, int]:
        """The entries on disk after a build that read the course (their keys and marks); `used`: the keys it used."""
        cache = PageCache(disk)
        read_course(course, cache=cache)
        cache.close()
        used.clear()
        used.update(cache.used)
        with sqlite3.connect(disk / f"pages-v{cache_mod.CACHE_VERSION}.sqlite3") as db:
            return dict(db.execute("SELECT key, used FROM entry"))

    marks = [read() for _ in range(reads)]
    assert len(marks[0]) == 4 and set(marks[0].values()) == {1}
    assert marks[1:3] == [marks[0]] * 2  # builds 2 and 3 write no mark
    if reads == 4:
        assert set(marks[3].values()) == {4}  # build 4 marks them all
    (course / "d.md").write_text((course / "d.md").read_text(encoding="utf-8").replace("Text.", "Edited."),
                                 encoding="utf-8")
    assert len(read()) == 5  # build reads + 1: a new entry for d.md, the old one not used
    edited = set(marks[-1]) - used
    assert len(edited) == 1
    builds = reads + 1
    while edited <= set(read()):
        builds += 1
    assert builds + 1 == last + (6 if last == 3 else 8)
