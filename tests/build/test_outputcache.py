"""The cache of writer output (exporter.build.outputcache): after each kind of change to a course, a build that
reuses the last build's artifacts and fragments writes the same bytes as a clean build, in every format; and
what it reuses is counted, so a cache that never hits fails too."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE
from coursekit import awkward_course, typed_course

import exporter.build.outputcache as outputcache
from exporter.build.outputcache import FragmentStore, OutputCache
from exporter.build.pipeline import build
from exporter.source.cache import PageCache
from exporter.writers import WRITERS, Options


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}: the test's edit must change something"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# one change at a time, each to something a different part of some package shows
EDITS = {
    "nothing": lambda c: None,
    "a page's text": lambda c: append(c / "02-bike-check.md", "\nCarry a pump on longer rides.\n"),
    "a page's text before its quiz": lambda c: replace_in(c / "02-bike-check.md", "check three things",
                                                          "check these three things"),
    "a paragraph above a quiz": lambda c: replace_in(c / "02-bike-check.md", "check three things",
                                                     "check three things.\n\nIt takes a minute:\n\nso"),
    "a chapter page's first paragraph": lambda c: replace_in(c / "01-before.md", "A safe ride starts",
                                                             "A safe ride always starts"),
    "a quiz statement": lambda c: replace_in(c / "02-bike-check.md", "Both brakes should be checked",
                                             "Both brakes must be checked"),
    "an explanation": lambda c: replace_in(c / "02-bike-check.md", "A quick squeeze of each lever",
                                           "One squeeze of each lever"),
    "a quiz's draw": lambda c: replace_in(c / "02-bike-check.md", 'data-n="3"', 'data-n="2"'),
    "an item added": lambda c: replace_in(c / "02-bike-check.md", "check them anyway.\n", "check them anyway.\n"
                                          "- A bell is worth having in town. /Y/ It warns people on foot.\n"),
    "a page title": lambda c: replace_in(c / "02-bike-check.md", 'title: "Checking your bike"',
                                         'title: "Checking the bike"'),
    "the course title": lambda c: replace_in(c / "course.yml", "title: Safe Cycling in Town",
                                             "title: Safe Cycling in the City"),
    "the course language": lambda c: replace_in(c / "course.yml", "language: en", "language: de"),
    "a course file": lambda c: (c / "images" / "right-turn.svg").write_bytes(
        (c / "images" / "right-turn.svg").read_bytes().replace(b"</svg>", b"<!-- redrawn --></svg>")),
    "a page added": lambda c: (c / "10-parking.md").write_text(
        '---\nlayout: page\ntitle: "Parking"\nclass: section\nserial: 10\n---\nLock the frame, not only a '
        "wheel.\n", encoding="utf-8"),
    "a page removed": lambda c: (c / "06-sharing.md").unlink(),
}


# a format whose gzip stream is kept in segments (the backup's .tgz, `gzipsegments`): the segment holding a change,
# and the next one when the change moves the boundary between them, are made again too
SEGMENTS = {"moodle-backup": 2}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """The sample course built once with the caches on, in `work/`; kept aside: the course and the cache folder."""
    root = tmp_path_factory.mktemp("warmed")
    work = root / "work"
    shutil.copytree(SAMPLE, work / "course")
    build(work / "course", root / "out", jobs=1, cache=PageCache(work / "cache"))
    shutil.copytree(work, root / "pristine")
    return root


@pytest.fixture
def warmed(pristine):
    """The course and its cache folder as the first build left them, at the place it read the course from (the model
    holds the source's paths, so a course read from elsewhere is another course to the cache)."""
    work = pristine / "work"
    shutil.rmtree(work)
    shutil.copytree(pristine / "pristine", work)
    return work / "course", work / "cache"


@pytest.fixture
def reuse(monkeypatch):
    """What the build reused: artifacts copied whole (by format) and each writer's fragment store."""
    seen: dict[str, list] = {"fetched": [], "stores": []}
    fetch, fragments = OutputCache.fetch, OutputCache.fragments

    def counting_fetch(self, writer, *args):
        artifact = fetch(self, writer, *args)
        if artifact is not None:
            seen["fetched"].append(writer.name)
        return artifact

    def counting_fragments(self, writer, *args):
        store = fragments(self, writer, *args)
        seen["stores"].append((writer.name, store))
        return store

    monkeypatch.setattr(OutputCache, "fetch", counting_fetch)
    monkeypatch.setattr(OutputCache, "fragments", counting_fragments)
    return seen


@pytest.mark.parametrize("edit", EDITS)
def test_a_warm_build_after_each_change_is_a_clean_build(edit, warmed, tmp_path, reuse):
    course, cache = warmed
    EDITS[edit](course)
    warm = build(course, tmp_path / "warm", jobs=1, cache=PageCache(cache))
    clean = build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")
    assert [str(w) for w in warm.report.warnings] == [str(w) for w in clean.report.warnings]
    for built in warm.artifacts:  # a copied artifact's digest is the record's: it must be the file's
        assert (built.sha256, built.bytes) == (hashlib.sha256(built.path.read_bytes()).hexdigest(),
                                               built.path.stat().st_size), built.format
    fetched = set(reuse["fetched"])
    quiz_only = {name for name, w in WRITERS.items() if not w.pages}
    if edit == "nothing":
        assert fetched == set(WRITERS)  # every artifact copied, none written
    elif edit.startswith("a page's text") or edit in ("a chapter page's first paragraph", "a paragraph above a quiz"):
        # the quiz-only formats are not handed the pages' text, nor the lines a quiz and its items stand on
        assert fetched == quiz_only
        for name, store in reuse["stores"]:  # the page formats make only the edited page's part again
            assert store.hits > 0 and store.misses <= 2 + SEGMENTS.get(name, 0), (name, store.hits, store.misses)
    elif edit in ("a quiz statement", "an explanation"):
        assert not fetched
        assert {name for name, _ in reuse["stores"]} == set(WRITERS)
        for name, store in reuse["stores"]:  # every format makes only the edited quiz's parts again (in a
            # cartridge: its page, its quiz and the question bank it is a piece of)
            assert store.hits > 0 and store.misses <= 3 + SEGMENTS.get(name, 0), (name, store.hits, store.misses)
    elif edit in ("the course title", "the course language"):
        assert not fetched


@pytest.mark.parametrize("in_build", [0.0, 60.0])
def test_a_warm_build_in_forked_writers_is_a_clean_build(in_build, warmed, tmp_path, monkeypatch):
    """The writers side by side in worker processes (each keeps its own entries), or, each with its fragments kept,
    run in the build itself (up to `IN_BUILD` seconds of them); a writer whose artifact is kept whole is copied in
    the build either way."""
    from exporter.build import parallel

    course, cache = warmed
    pooled: list[list[str]] = []
    in_workers = parallel._in_workers

    def recording(indexes, jobs, done):
        pooled.append(sorted(parallel._job[0][n].name for n in indexes))
        return in_workers(indexes, jobs, done)

    monkeypatch.setattr(parallel, "_in_workers", recording)
    monkeypatch.setattr(parallel, "IN_BUILD", in_build)
    EDITS["a page's text"](course)
    build(course, tmp_path / "warm", jobs=2, cache=PageCache(cache))
    page_formats = sorted(name for name, w in WRITERS.items() if w.pages)
    assert pooled == ([page_formats] if in_build == 0 else []), pooled  # the quiz-only formats: copied whole
    EDITS["a quiz statement"](course)
    build(course, tmp_path / "warm2", jobs=2, cache=PageCache(cache))
    build(course, tmp_path / "clean", jobs=2)
    assert files_of(tmp_path / "warm2") == files_of(tmp_path / "clean")
    shutil.rmtree(cache)  # nothing kept: every writer in a worker
    pooled.clear()
    build(course, tmp_path / "cold", jobs=2, cache=PageCache(cache))
    assert pooled == [sorted(WRITERS)]
    assert files_of(tmp_path / "cold") == files_of(tmp_path / "clean")


def test_what_a_warm_build_replayed_is_kept_for_the_next_one(warmed, tmp_path, reuse):
    """Two edits, two warm builds: the second replays as much as the first (a fragment the first replayed is kept in
    the store, not only the ones it made)."""
    course, cache = warmed
    EDITS["a page's text"](course)
    build(course, tmp_path / "warm", jobs=1, cache=PageCache(cache))
    first = {name: (store.hits, store.misses) for name, store in reuse["stores"]}
    reuse["stores"].clear()
    append(course / "01-before.md", "\nAnother sentence.\n")
    build(course, tmp_path / "warm2", jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "warm2") == files_of(tmp_path / "clean")
    for name, store in reuse["stores"]:
        assert store.misses <= 2 + SEGMENTS.get(name, 0) and store.hits >= first[name][0] - 2, \
            (name, first[name], (store.hits, store.misses))


def test_typed_course_warm_builds_are_clean_builds(tmp_path):
    """Every question kind through every format, warm after a change to one item of each quiz's page."""
    course = typed_course(tmp_path / "course", draw=3)
    cache = tmp_path / "cache"
    build(course, tmp_path / "cold", jobs=1, cache=PageCache(cache))
    for page in sorted(course.glob("*.md")):
        append(page, "\nA closing line.\n")
    warm = build(course, tmp_path / "warm", jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")
    assert warm.artifacts


def test_a_damaged_cache_is_a_miss_never_an_error(warmed, tmp_path):
    course, cache = warmed
    kept = sorted((cache / outputcache.FOLDER).iterdir())
    assert any(p.suffix == ".fragments" for p in kept) and any(p.suffix == ".artifact" for p in kept)
    for n, path in enumerate(kept):  # truncated, emptied, or garbage in place of the entries
        data = path.read_bytes()
        path.write_bytes([data[: len(data) // 2], b"", b"\x00garbage{"][n % 3])
    build(course, tmp_path / "warm", jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")


def test_an_entry_changed_in_place_is_a_miss(warmed, tmp_path):
    """One byte changed in every kept artifact and fragment file, sizes kept: each is made again."""
    course, cache = warmed
    for path in (cache / outputcache.FOLDER).iterdir():
        if path.suffix in (".artifact", ".fragments"):
            data = bytearray(path.read_bytes())
            data[len(data) // 3] ^= 0x20
            path.write_bytes(bytes(data))
    build(course, tmp_path / "warm", jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")


def _damage_fragments(path: Path, which) -> int:
    """One byte flipped in each member of a fragment file that `which(name)` picks, sizes kept; how many."""
    index = FragmentStore(path, "base", None).index  # (as the store reads it)
    data = bytearray(path.read_bytes())
    damaged = 0
    for _, members in index.values():
        for name, offset, stored, *_ in members:
            if which(name) and stored:
                data[len(outputcache.MAGIC) + offset + stored // 2] ^= 0x20
                damaged += 1
    path.write_bytes(bytes(data))
    return damaged


@pytest.mark.parametrize("edit", ["a page's text", "a quiz statement"])
@pytest.mark.parametrize("part", ["the bank's pieces", "the bank"])
def test_a_cartridge_bank_kept_by_its_quizzes_keys_is_read_only_when_made_and_never_damaged(edit, part, warmed,
                                                                                          tmp_path, reuse, monkeypatch):
    """A cartridge's question bank is kept by its quizzes' keys, their items' bytes read only when it is made again.
    Each piece damaged (an edit, or the bank itself damaged, makes the bank again: the writer finds the damage and
    writes the cartridge anew, its fragments made afresh), or the kept bank itself damaged: the cartridges are still
    a clean build's, and once the damage was found (when the bank was made again) the builds after replay them as
    usual."""
    course, cache = warmed
    which = (lambda name: name == "") if part == "the bank's pieces" else (lambda name: name.startswith("question_"))
    assert sum(_damage_fragments(path, which) for path in (cache / outputcache.FOLDER).glob("cc1*.fragments")) >= 2
    EDITS[edit](course)
    build(course, tmp_path / "warm", jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")
    replace_in(course / "02-bike-check.md", "Both brakes", "Both of the brakes")  # the bank made again
    build(course, tmp_path / "warm2", jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "clean2", jobs=1)
    assert files_of(tmp_path / "warm2") == files_of(tmp_path / "clean2")
    reuse["stores"].clear()
    from exporter.writers.cartridge.common import Cartridge

    found, splice = [], Cartridge._splice_pending

    def recording(self):
        try:
            splice(self)
        except Exception as exc:
            found.append(exc)
            raise

    monkeypatch.setattr(Cartridge, "_splice_pending", recording)
    replace_in(course / "02-bike-check.md", "Both of the brakes", "Both the brakes")
    build(course, tmp_path / "warm3", jobs=1, cache=PageCache(cache))
    assert not found  # (the damage was dropped with the fragments it was in)
    build(course, tmp_path / "clean3", jobs=1)
    assert files_of(tmp_path / "warm3") == files_of(tmp_path / "clean3")
    for name, store in reuse["stores"]:
        if name.startswith("cc"):
            assert store.hits > 0 and store.misses <= 3, (name, store.hits, store.misses)


def test_a_qti_manifest_made_from_damaged_kept_parts_finds_the_damage(warmed, tmp_path, reuse, monkeypatch):
    """A QTI 2.x/3.0 manifest is made from each quiz's part, kept with the quiz's files, and kept whole by the quizzes'
    keys. Every kept part damaged, then an item edited (its id, so the manifest, changes): the writer reads the kept
    parts, finds the damage, and writes its package anew, its fragments made afresh; the result is a clean build's,
    and the build after replays them as usual."""
    course, cache = warmed
    assert sum(_damage_fragments(path, lambda name: name == "")
               for path in (cache / outputcache.FOLDER).glob("qti[23]*.fragments")) >= 8
    forgotten = []
    forget = OutputCache.forget_fragments
    monkeypatch.setattr(OutputCache, "forget_fragments",
                        lambda self, writer, *args: forgotten.append(writer.name) or forget(self, writer, *args))
    EDITS["a quiz statement"](course)
    build(course, tmp_path / "warm", jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")
    assert sorted(forgotten) == ["qti21", "qti30"]
    reuse["stores"].clear()
    replace_in(course / "02-bike-check.md", "Both brakes", "Both of the brakes")
    build(course, tmp_path / "warm2", jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "clean2", jobs=1)
    assert files_of(tmp_path / "warm2") == files_of(tmp_path / "clean2") and sorted(forgotten) == ["qti21", "qti30"]
    for name, store in reuse["stores"]:
        if name in ("qti21", "qti30"):
            assert store.hits > 0 and store.misses <= 3, (name, store.hits, store.misses)


def test_an_artifact_changed_in_place_in_the_output_folder_is_not_copied_again(warmed, tmp_path):
    """A kept artifact may be the same file as the one in the output folder (a second name for it, not a copy): one
    changed there in place, its size kept, is then changed in the cache too, and is made again, not copied."""
    course, cache = warmed
    out = tmp_path / "out"
    build(course, out, jobs=1, cache=PageCache(cache))
    assert all(path.stat().st_nlink == 2 for path in out.iterdir() if path.name != "report.html")  # (one file)
    for path in out.iterdir():
        if path.name != "report.html":
            data = bytearray(path.read_bytes())
            data[len(data) // 2] ^= 0x20
            with open(path, "r+b") as fh:  # in place: every name of the file sees it
                fh.write(bytes(data))
    build(course, out, jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(out) == files_of(tmp_path / "clean")


def test_kept_artifacts_are_copied_where_the_file_system_cannot_link(warmed, tmp_path, monkeypatch, reuse):
    """A cache folder on another file system than the output (or one without hard links): artifacts are kept and
    put in place as copies, and the output is still a clean build's."""
    import errno
    import os

    def no_link(*args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    course, cache = warmed
    monkeypatch.setattr(os, "link", no_link)
    EDITS["a page's text"](course)
    build(course, tmp_path / "warm", jobs=1, cache=PageCache(cache))
    build(course, tmp_path / "warm2", jobs=1, cache=PageCache(cache))  # (every artifact copied from the cache)
    assert set(reuse["fetched"]) >= set(WRITERS) - {name for name, w in WRITERS.items() if w.pages}
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean") == files_of(tmp_path / "warm2")
    for path in (tmp_path / "warm2").iterdir():
        assert path.stat().st_nlink == 1, path


def test_a_fragment_store_reads_back_what_it_saved(tmp_path):
    scratch = b"....some bytes...."

    def copy(fh, offset, size):
        fh.write(scratch[offset:offset + size])

    store = FragmentStore(tmp_path / "x.fragments", "base", None)
    store.save([("k1", None, [("", 4, 10, 0, 10)]), ("k2", {"a": [1]}, [])], copy)
    again = FragmentStore(tmp_path / "x.fragments", "base", None)
    value, members = again.get("k1")
    assert value is None and [(n, bytes(d), c, z) for n, d, c, z in members] == [("", b"some bytes", 0, 10)]
    assert again.get("k2") == ({"a": [1]}, []) and again.get("k3") is None and again.misses == 1
    data = (tmp_path / "x.fragments").read_bytes()  # one byte of a member changed: that entry is a miss
    (tmp_path / "x.fragments").write_bytes(data.replace(b"some bytes", b"some bytez"))
    assert FragmentStore(tmp_path / "x.fragments", "base", None).get("k1") is None
    index = data.rindex(b"k2")  # a byte of the index changed: it fails its CRC, every entry is a miss
    (tmp_path / "x.fragments").write_bytes(data[:index] + b"k3" + data[index + 2:])
    damaged = FragmentStore(tmp_path / "x.fragments", "base", None)
    assert damaged.index == {} and damaged.get("k1") is None and damaged.get("k3") is None


def test_a_fragment_store_appends_what_is_new_and_is_rewritten_when_mostly_unused(tmp_path):
    """A build that reuses most fragments appends the ones it made (the file grows by them, the old bytes stay);
    when less than half the file would be in use, it is written anew with only those in use."""
    path = tmp_path / "x.fragments"
    scratch = bytes(range(256)) * 40  # 10 KiB of member bytes to take pieces of

    def copy(fh, where, size):
        fh.write(scratch[where:where + size] if isinstance(where, int) else where)

    def build(keys, reuse):
        """One build: the fragments in `reuse` got from the store (a hit keeps them), the others made anew."""
        store = FragmentStore(path, "base", None)
        kept = []
        for n, key in enumerate(keys):
            hit = store.get(key) if key in reuse else None
            members = [(name, data, len(data), crc, size) for name, data, crc, size in hit[1]] if hit else \
                [("m", 100 * n, 1000, n, 2000)]
            kept.append((key, n if hit is None else hit[0], members))
        before = path.stat().st_size if path.exists() else 0
        store.save(kept, copy)
        return before, path.stat().st_size

    build(["a", "b", "c", "d"], set())
    inode = path.stat().st_ino
    before, after = build(["a", "b", "c", "e"], {"a", "b", "c"})
    assert path.stat().st_ino == inode and before + 1000 < after < before + 1500  # "e" appended with the index
    check = FragmentStore(path, "base", None)
    assert [bytes(check.get(k)[1][0][1]) == scratch[100 * n:100 * n + 1000] for n, k in enumerate("abce")] == \
        [True] * 4 and check.get("d") is None
    build(["f", "g", "h", "i"], set())  # nothing reused: a file of its own
    assert path.stat().st_ino != inode and path.stat().st_size < 4 * 1000 + 500
    (tmp_path / "x.fragments").write_bytes(path.read_bytes()[:-3])  # a damaged file: replaced whole
    build(["f", "j"], {"f"})
    assert FragmentStore(path, "base", None).get("j") is not None


def test_every_field_of_the_model_is_in_the_course_digest(tmp_path):
    """A writer's key changes with anything it is handed: each field of the course, each page."""
    from dataclasses import replace

    from exporter.source.reader import read_course

    course, _ = read_course(SAMPLE)
    cache = OutputCache(tmp_path)
    writer = WRITERS["html"]()
    base = cache.writer_key(writer, course, Options())
    changed = {
        "title": "Other", "identifier": "other", "language": "de", "version": "2", "description": "d",
        "site_url": "https://example.org/", "strings": {"quiz.score": "Go"}, "skipped": ["x.md"],
        "pages": course.pages[:-1], "links": course.links[:-1],
        "chapters": course.chapters[:-1], "preface": course.preface + course.pages[:1],
        "files": {**course.files, "extra.txt": b"x"},
    }
    from dataclasses import fields

    from exporter.model import Course

    assert set(changed) == {f.name for f in fields(Course)}, "a new field of Course: add a change of it here"
    for name, value in changed.items():
        assert OutputCache(tmp_path).writer_key(writer, replace(course, **{name: value}), Options()) != base, name
    assert cache.writer_key(WRITERS["html"](), course, Options(scorm_mode="course")) == base  # not its option
    assert cache.writer_key(WRITERS["scorm12"](), course, Options(scorm_mode="course")) != \
        cache.writer_key(WRITERS["scorm12"](), course, Options())


def test_a_quiz_only_formats_key_changes_exactly_when_what_it_is_handed_does(tmp_path):
    """`CourseDigests`' digest without the pages' text and `Writer.reads` describe one projection: the key of a
    quiz-only format changes when, and only when, the course it is handed changes."""
    from dataclasses import replace

    from exporter.source.reader import read_course
    from exporter.writers.layout import with_pages

    course, _ = read_course(SAMPLE)
    quizzed = next(n for n, p in enumerate(course.pages) if p.quiz and p.body_html)
    page = course.pages[quizzed]
    item = page.quiz.items[0]

    def with_page(new):
        return with_pages(course, [new if n == quizzed else p for n, p in enumerate(course.pages)])

    variants = {
        "text": with_page(replace(page, body_html=page.body_html + "<p>more</p>", after_html="<p>after</p>")),
        "links in text": replace(course, links=[u for u in course.links if u.in_quiz]),
        "item": with_page(replace(page, quiz=replace(page.quiz, items=[replace(item, statement_html="<p>x</p>"),
                                                                       *page.quiz.items[1:]]))),
        "title": with_page(replace(page, title="Another title")),
        "lines": with_page(replace(page, quiz=replace(page.quiz, line=page.quiz.line + 4, items=[
            replace(i, line=i.line + 4) for i in page.quiz.items]))),
        "links' lines": replace(course, links=[replace(u, line=(u.line or 0) + 4) for u in course.links]),
        "language": replace(course, language="de"),
    }
    for name, w in WRITERS.items():
        if w.pages:
            continue
        writer = w()
        handed = outputcache.digest(writer.reads(course))
        key = OutputCache(tmp_path).writer_key(writer, course, Options())
        for variant, changed in variants.items():
            same_handed = outputcache.digest(writer.reads(changed)) == handed
            same_key = OutputCache(tmp_path).writer_key(writer, changed, Options()) == key
            assert same_handed == same_key, (name, variant)
            assert same_key == variant.endswith(("text", "lines")), (name, variant)


@pytest.fixture
def fresh_templates(monkeypatch):
    """A new template environment for the test (none compiled yet), counting what it compiles; the next test gets
    a new one again."""
    import jinja2

    from exporter import render

    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    render.environment.cache_clear()
    yield compiled
    render.environment.cache_clear()


def test_templates_are_compiled_once_per_code_and_a_damaged_one_is_compiled_again(warmed, tmp_path,
                                                                                   fresh_templates):
    from exporter import render

    course, cache = warmed
    folder = cache / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "0123456789abcdef-old.cache").write_bytes(b"another code's")
    build(course, tmp_path / "first", jobs=1, cache=PageCache(cache))  # (compiled here, or by the fixture's build)
    kept = sorted(folder.iterdir())
    prefix = outputcache.code_digest()[:16] + "-"
    assert kept and all(p.name.startswith(prefix) for p in kept)
    render.environment.cache_clear()  # a new process
    fresh_templates.clear()
    build(course, tmp_path / "warm", jobs=1, cache=PageCache(cache))
    assert fresh_templates == []
    for n, path in enumerate(kept):  # truncated, emptied or garbage after jinja2's own header
        data = path.read_bytes()
        path.write_bytes([data[: len(data) // 2], b"", data[:6] + b"\x00garbage{"][n % 3])
    render.environment.cache_clear()
    build(course, tmp_path / "damaged", jobs=1, cache=PageCache(cache))
    assert "html/page.html" in fresh_templates and "report/report.html" in fresh_templates
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "damaged") == files_of(tmp_path / "warm") == files_of(tmp_path / "clean")


@pytest.mark.parametrize("which", ["sample", "typed"])
def test_every_writer_sees_the_outline_the_build_digested_once(which, tmp_path):
    """`CourseDigests.outline` is made once, in the build: every writer's own outline (from the course it is handed,
    its items carried and its links written) must digest to it, or its fragments would be kept under a wrong key."""
    from exporter.source.reader import read_course
    from exporter.writers.layout import outline

    source = SAMPLE if which == "sample" else typed_course(tmp_path / "typed")
    course, _ = read_course(source)
    digests = OutputCache(tmp_path / "cache").prepare(course)
    for name, w in WRITERS.items():
        writer = w()
        handed = writer.write_links(writer.carried(writer.reads(course)))
        assert outputcache.digest(outline(handed)) == digests.outline, name


def test_a_plain_digest_is_one_of_its_values_and_never_a_pickled_ones():
    from exporter.build.outputcache import digest, plain_digest

    assert plain_digest("a", 1, None) == plain_digest("a", 1, None)
    assert len({plain_digest("a", 1), plain_digest("a", "1"), plain_digest("a1"), plain_digest("a", 1.0),
                plain_digest("a", True), digest("a", 1)}) == 6
    assert plain_digest("a", ("b",)) == digest("a", ("b",))  # anything but strings and numbers is pickled


_DIGEST_IN_A_NEW_PROCESS = """
import sys
if sys.argv[1] == "backup-first":  # another import order: the numbering of classes must not follow it
    import exporter.writers.moodle.backup.plan
from exporter.build.outputcache import digest
from exporter.source.reader import read_course
course, _ = read_course(sys.argv[2])
print(digest(course.pages), digest(course.pages[0]))
"""


def test_a_digest_is_a_function_of_the_values_in_any_process_and_import_order():
    """`digest` writes the model's classes as numbers (`_numbered`): the numbers are fixed, so a page read in
    two processes that imported modules in another order has one digest, the one this process gives; shared
    objects and equal copies agree; values that differ only in their class differ."""
    import subprocess
    import sys
    from copy import deepcopy

    from exporter.build.outputcache import digest
    from exporter.model import Choice, Pair
    from exporter.source.reader import read_course

    pages = read_course(SAMPLE)[0].pages
    here = f"{digest(pages)} {digest(pages[0])}"
    for order in ("model-first", "backup-first"):
        done = subprocess.run([sys.executable, "-c", _DIGEST_IN_A_NEW_PROCESS, order, str(SAMPLE)],
                              capture_output=True, text=True, check=True)
        assert done.stdout.split() == here.split(), order
    shared = pages[0]
    assert digest([shared, shared]) == digest([shared, deepcopy(shared)])
    other = object.__new__(Pair)  # a Choice's fields in another class
    other.__dict__.update(vars(Choice("a", True)))
    assert digest(other) != digest(Choice("a", True)) != digest(Choice("a", False))


def test_whether_a_course_holds_a_formula_is_looked_at_once_and_a_course_without_is_written_as_a_clean_build(
        tmp_path, monkeypatch):
    """`CourseDigests.math`: the sample holds formulas, the awkward course none. Without any, a warm build's writers
    do not look for them (`Writer.math_step` is None) and write what a clean build writes."""
    from exporter.source.reader import read_course
    from exporter.writers import layout

    assert OutputCache(tmp_path / "c").prepare(read_course(SAMPLE)[0]).math is True
    course = awkward_course(tmp_path / "awkward")
    assert OutputCache(tmp_path / "c").prepare(read_course(course)[0]).math is False
    build(course, tmp_path / "cold", jobs=1, cache=PageCache(tmp_path / "cache"))
    append(course / "b.md", "\nOne more line.\n")
    looked = []
    has_math = layout.has_math
    monkeypatch.setattr(layout, "has_math", lambda c: looked.append(1) or has_math(c))
    build(course, tmp_path / "warm", jobs=1, cache=PageCache(tmp_path / "cache"))
    assert looked == []  # (the build's own look is `CourseDigests`', made with the name it imported)
    monkeypatch.undo()
    build(course, tmp_path / "clean", jobs=1)
    assert files_of(tmp_path / "warm") == files_of(tmp_path / "clean")


# changes after which a page read from an unchanged page cache entry has another value: its true/false labels
PAGE_CONTEXT = {
    "the course language": EDITS["the course language"],
    "the words for true and false": lambda c: append(c / "course.yml", "strings:\n  label.true: \"Yes, true\"\n"),
}


def _read_for_build(course: Path, cache: PageCache):
    """The course as a build hands it to `OutputCache.prepare`, and the page cache's tokens of that read."""
    from exporter.source.reader import read_course
    from exporter.writers.layout import unplaced

    read, _ = read_course(course, cache=cache)
    return unplaced(read, in_place=True), cache.tokens


def _fresh(course) -> outputcache.CourseDigests:
    return outputcache.CourseDigests(course)


@pytest.mark.parametrize("edit", ["nothing", "a page's text", "a quiz statement", "a page title", *PAGE_CONTEXT])
def test_page_digests_kept_by_their_cache_entries_are_the_digests_made_afresh(edit, warmed, tmp_path):
    """`PageDigests`: a page read from the same page cache entry as the last build takes its digests from that build
    (the others are made); what comes out is what digesting every page afresh gives, also where the course's
    language or wording gives its true/false items other labels than the entry's page had."""
    course, cache = warmed
    (EDITS | PAGE_CONTEXT)[edit](course)
    read, tokens = _read_for_build(course, PageCache(cache))
    assert len(tokens) == len(read.pages)  # every page of a build with a cache folder has its entry's token
    outputs = OutputCache(cache)
    digests = outputs.prepare(read, tokens)
    fresh = _fresh(read)
    assert (digests.quizzes, digests.whole, digests.course, digests.math) == \
        (fresh.quizzes, fresh.whole, fresh.course, fresh.math)
    changed = {"nothing": 0, "a page's text": 1, "a quiz statement": 1, "a page title": 1}.get(edit, len(read.pages))
    assert outputs.known.found == len(read.pages) - changed  # taken from the last build: the test is not idle
    # ... and the next build, with nothing changed, takes them all
    again, tokens = _read_for_build(course, PageCache(cache))
    outputs = OutputCache(cache)
    assert outputs.prepare(again, tokens).quizzes == fresh.quizzes and outputs.known.found == len(again.pages)


def test_page_digests_from_a_damaged_file_or_for_a_page_replaced_after_its_read_are_made_afresh(warmed, tmp_path):
    course, cache = warmed
    read, tokens = _read_for_build(course, PageCache(cache))
    kept = cache / "output" / "pages.digests"
    data = bytearray(kept.read_bytes())
    data[-5] ^= 0xFF
    kept.write_bytes(bytes(data))
    outputs = OutputCache(cache)
    assert outputs.prepare(read, tokens).quizzes == _fresh(read).quizzes and outputs.known.found == 0
    # a page put in the course's place of the one read is not the page its token stands for: its digest is made
    from exporter.model import copy_with

    read, tokens = _read_for_build(course, PageCache(cache))
    at = next(n for n, p in enumerate(read.pages) if p.quiz is not None)
    read.pages[at] = copy_with(read.pages[at], title="Renamed after the read")
    outputs = OutputCache(cache)
    assert outputs.prepare(read, tokens).quizzes == _fresh(read).quizzes
    assert outputs.known.found == len(read.pages) - 1


def test_pages_read_again_from_memory_keep_their_tokens_and_a_page_read_anew_gets_another(warmed):
    """`build --watch` and the preview read the course again through the same page cache: its pages come from memory
    then, with the tokens of their entries; a page whose step ran again has its new entry's token."""
    course, cache = warmed
    pages = PageCache(cache)
    _, first = _read_for_build(course, pages)
    first = {page_id: token for page_id, (_, token) in first.items()}
    EDITS["a page's text"](course)
    read, again = _read_for_build(course, pages)
    assert pages.hits == 2 * len(read.pages) - 1
    changed = {page_id for page_id, (_, token) in again.items() if first[page_id] != token}
    assert changed == {p.id for p in read.pages if p.source.endswith("02-bike-check.md")}


def test_a_digest_is_a_new_picklers_after_other_digests_and_after_one_that_failed():
    """`digest` reuses one pickler per thread: each digest must be what a new one gives, whatever came before (a
    deep value, one that could not be pickled)."""
    import io
    import pickle

    from exporter.model import Choice

    values = (Choice("a", True), [1, "x", None], {"k": Path("p/q")})

    def fresh(*parts) -> str:
        buf = io.BytesIO()
        pickler = pickle.Pickler(buf, protocol=4)
        pickler.fast = True
        pickler.memo = outputcache._numbered()
        pickler.dump(parts)
        return hashlib.sha256(buf.getvalue()).hexdigest()

    assert outputcache.digest(*values) == fresh(*values)
    deep: list = []
    for _ in range(80):  # deeper than a fast pickler's nesting check starts at
        deep = [deep, Choice("b", False)]
    assert outputcache.digest(deep) == fresh(deep)
    with pytest.raises(Exception):
        outputcache.digest(Choice("c", True), lambda: None)  # (a function cannot be pickled)
    assert outputcache.digest(*values) == fresh(*values)
    assert outputcache.digest(Choice("c", True)) == fresh(Choice("c", True))
