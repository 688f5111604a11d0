"""The command line end to end: summaries, JSON, reproducibility, the html writer."""

from __future__ import annotations

import io
import json
import re
import zipfile

from conftest import SAMPLE, run_cli


def test_corpus_build_json(corpus, tmp_path):
    r = run_cli("build", corpus, "--out", tmp_path, "--format", "html", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert (summary["pages"], summary["chapters"], summary["quizzes"], summary["items"]) == (58, 5, 51, 644)
    assert summary["skipped"] == ["index.md"]
    assert len(summary["warnings"]) == 1 and "listen00.md:39" in summary["warnings"][0]
    [art] = summary["artifacts"]
    assert art["format"] == "html" and art["path"].endswith("listener-course-html.zip")
    data = (tmp_path / "listener-course-html.zip").read_bytes()
    assert art["bytes"] == len(data)
    assert "skipped" in r.stderr and "index.md" in r.stderr


def test_default_build_of_sample_course(tmp_path):
    r = run_cli("build", SAMPLE, "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines and all("pages" in ln and "quizzes" in ln and "items" in ln for ln in lines)
    assert (tmp_path / "safe-cycling-html.zip").exists()


def test_two_builds_are_byte_identical(tmp_path):
    """Twice, and once with the writers one after another (--jobs 1) and once side by side (--jobs 2)."""
    a, b = tmp_path / "a", tmp_path / "b"
    for out, jobs in ((a, "1"), (b, "2")):
        r = run_cli("build", SAMPLE, "--out", out, "--jobs", jobs)
        assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in a.iterdir())
    assert names and names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_zip_entries_are_fixed(tmp_path):
    from exporter.writers.packaging import zip_bytes

    data = zip_bytes({"b.txt": "two", "a/x.txt": b"one"})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == ["a/x.txt", "b.txt"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert zip_bytes({"a/x.txt": b"one", "b.txt": "two"}) == data


def test_check_command(corpus):
    r = run_cli("check", corpus)
    assert r.returncode == 0
    assert "58 pages" in r.stdout and "644 items" in r.stdout


def test_html_export_holds_every_page_and_item(any_corpus, corpus_course, tmp_path):
    r = run_cli("build", any_corpus, "--out", tmp_path, "--format", "html")
    assert r.returncode == 0
    import lxml.html

    with zipfile.ZipFile(tmp_path / "listener-course-html.zip") as zf:
        names = set(zf.namelist())
        assert {p.href for p in corpus_course.pages} <= names and "index.html" in names
        statements = 0
        for page in corpus_course.pages:
            doc = lxml.html.fromstring(zf.read(page.href))
            assert doc.findtext(".//h1") == page.title
            statements += len(doc.xpath('//ol[@class="quiz-bank"]/li'))
            for href in doc.xpath("//a/@href | //img/@src | //link/@href"):
                if not href.startswith(("http:", "https:", "#", "/")):  # "/listen/" is the warned one
                    assert href.split("#")[0] in names, (page.href, href)
        assert statements == 644


def test_jobs_must_be_a_positive_number(tmp_path):
    r = run_cli("build", SAMPLE, "--out", tmp_path, "--jobs", "0")
    assert r.returncode == 2 and "--jobs" in r.stderr
    assert not list(tmp_path.iterdir())


def test_formats_that_drop_a_quiz_image_say_so(tmp_path):
    """An image in quiz text travels in SCORM, HTML and QTI 2.1/3.0 packages; Canvas QTI, Moodle XML and
    cartridge quizzes do not carry it, and the build warns, per format, naming the page and the file."""
    from coursekit import ITEMS, page, quiz, write_course

    course = write_course(tmp_path / "c", {
        "a.md": page("Signs", 0, "Text.\n\n" + quiz(1, ITEMS, stimulus="![A stop sign](img/stop.png)"), kind="chapter"),
        "b.md": page("Plain", 1, "Text.\n\n" + quiz(1, ITEMS)),
    })
    (course / "img").mkdir()
    (course / "img" / "stop.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    r = run_cli("build", course, "--out", tmp_path / "out", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    shown = [w for w in summary["warnings"] if "img/stop.png" in w]
    assert sorted(re.search(r"which (\S+) quizzes", w).group(1) for w in shown) == ["cc11", "cc13", "moodle", "qti12"]
    line = next(n for n, text in enumerate((course / "a.md").read_text().splitlines(), 1) if "stop.png" in text)
    assert all(w.startswith(f"{course / 'a.md'}:{line}: warning: ") for w in shown), shown
    held = {a["format"]: a["pages"] for a in summary["artifacts"]}
    assert held["qti12"] == held["qti21"] == held["qti30"] == held["moodle"] == 0
    assert held["cc11"] == held["scorm12"] == held["html"] == 2
