"""Front matter read once per text (`exporter.source.frontcache`): a page cache with a folder keeps what
`load_mapping` gives for each page's front matter; a later read takes it from there (the test fails if it does not),
and what it takes is what reading gives: the same course, the same errors."""

from __future__ import annotations

import pytest
from coursekit import ITEMS, page, quiz, small_course, write_course

import exporter.source.frontcache as frontcache
from exporter.errors import ContentError
from exporter.source.cache import PageCache
from exporter.source.reader import read_course

# front matter of every shape a page may hold: quoted text with escapes, an empty value, a mapping, a list, a
# number kept as written, an unknown key, a block scalar
SHAPES = {
    "a.md": page("Start: \\\"here\\\"", 0, "Welcome.\n", kind="chapter", extra="layout: page\nsummary:"),
    "b.md": page("Second page", 1, "Text.\n\n" + quiz(2, ITEMS),
                 extra="meta:\n  author: Ann\n  year: 2024\ntags:\n  - one\n  - two\nversion: 1.10"),
    "c.md": "---\ntitle: >\n  A folded\n  title\nclass: chapter\nserial: 2\n---\nMore.\n",
    "d.md": page("Last page", 3, "Text.\n\n" + quiz(1, ITEMS, opt="Yes,No"), extra="note: 'single ''quoted'''"),
}


def _read(course, folder):
    cache = PageCache(folder)
    try:
        return read_course(course, cache=cache)[0], cache.front_matter
    finally:
        cache.close()


def test_kept_front_matter_is_read_from_the_file_and_reads_as_the_text_does(tmp_path, monkeypatch):
    course = write_course(tmp_path / "course", SHAPES)
    plain, _ = read_course(course)
    first, kept = _read(course, tmp_path / "cache")
    assert kept.found == 0 and len(kept.used) == len(SHAPES)
    read = []
    real = frontcache.frontmatter.load_mapping
    monkeypatch.setattr(frontcache.frontmatter, "load_mapping", lambda *a, **k: read.append(a) or real(*a, **k))
    second, kept = _read(course, tmp_path / "cache")
    assert read == [] and kept.found == len(SHAPES)  # every page's front matter from the file
    assert second.pages == first.pages == plain.pages
    assert [(p.title, p.serial, p.kind) for p in second.pages] == [
        ('Start: "here"', 0, "chapter"), ("Second page", 1, "section"), ("A folded title", 2, "chapter"),
        ("Last page", 3, "section")]
    # a page edited in its front matter is read again, the others still come from the file
    (course / "d.md").write_text(SHAPES["d.md"].replace("Last page", "The last page"), encoding="utf-8")
    third, kept = _read(course, tmp_path / "cache")
    assert len(read) == 1 and kept.found == len(SHAPES) - 1 and third.pages[3].title == "The last page"


def test_front_matter_with_an_error_is_never_kept_and_reported_each_time(tmp_path):
    course = small_course(tmp_path / "course")
    (course / "b.md").write_text(page("Second page", 1, "Text.\n", extra="title: again"), encoding="utf-8")
    said = []
    for _ in range(2):
        with pytest.raises(ContentError) as err:
            _read(course, tmp_path / "cache")
        said.append([str(d) for d in err.value.diagnostics])
    assert said[0] == said[1] and any("set twice" in d and "b.md" in d for d in said[0])


@pytest.mark.parametrize("damage", ["bytes", "shape"])
def test_a_damaged_file_or_entry_is_read_again_never_used(damage, tmp_path):
    import hashlib
    import marshal

    course = write_course(tmp_path / "course", SHAPES)
    first, _ = _read(course, tmp_path / "cache")
    path = tmp_path / "cache" / "front-matter"
    data = path.read_bytes()
    if damage == "bytes":
        path.write_bytes(data[:-3] + bytes([data[-3] ^ 1]) + data[-2:])
    else:  # well sealed, but an entry of another shape (a line that is not a number)
        held = marshal.loads(data[len(frontcache.MAGIC) + 32:])
        held = {key: tuple((n, kind, text, str(line), pairs) for n, kind, text, line, pairs in value)
                for key, value in held.items()}
        payload = marshal.dumps(held, 4)
        path.write_bytes(frontcache.MAGIC + hashlib.sha256(payload).digest() + payload)
    second, kept = _read(course, tmp_path / "cache")
    assert kept.found == 0 and second.pages == first.pages


def test_the_settings_file_is_kept_too_and_a_build_of_kept_texts_never_loads_yaml(tmp_path):
    """course.yml goes through the same store as the pages' front matter; a build that finds every text there
    composes no YAML, and so never loads PyYAML (`frontmatter` loads it with the first text it composes)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    settings = "title: Kept settings\nversion: 1.10\ndescription: >\n  Folded\n  text\n"
    course = write_course(tmp_path / "course", {**SHAPES, "course.yml": settings})
    first, kept = _read(course, tmp_path / "cache")
    assert kept.found == 0 and len(kept.used) == len(SHAPES) + 1
    second, kept = _read(course, tmp_path / "cache")
    assert kept.found == len(SHAPES) + 1  # the settings file's entries from the store too
    assert (second.title, second.version, second.description) == (first.title, first.version, first.description) \
        == ("Kept settings", "1.10", "Folded text")
    root = Path(__file__).resolve().parents[2]
    code = "import sys; from exporter import cli; cli.main(sys.argv[1:]); print('yaml' in sys.modules)"
    env = dict(os.environ, EXPORTER_CACHE_DIR=str(tmp_path / "build-cache"), PYTHONPATH=str(root))
    loaded = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code, "build", str(course), "--format", "qti12", "--out",
                               str(tmp_path / "out"), "--quiet"], capture_output=True, text=True, env=env, check=True)
        loaded.append(done.stdout.split()[-1])
    assert loaded == ["True", "False"]
