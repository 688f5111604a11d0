"""report.html: written by every build beside the artifacts, parsed back here: its counts match the build
summary, every warning of the build is in it, and it is a static page with nothing from outside."""

from __future__ import annotations

import json

import lxml.html
from conftest import SAMPLE, run_cli
from coursekit import ITEMS, page, quiz, write_course


def build_json(*args) -> dict:
    r = run_cli("build", *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def read_report(path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(open(path, "rb").read())


def assert_matches(summary: dict) -> lxml.html.HtmlElement:
    doc = read_report(summary["report"])
    totals = {e.get("data-total"): int(e.text_content()) for e in doc.xpath("//*[@data-total]")}
    assert totals == {"pages": summary["pages"], "chapters": summary["chapters"], "quizzes": summary["quizzes"],
                      "items": summary["items"], "warnings": len(summary["warnings"]),
                      "artifacts": len(summary["artifacts"])}
    rows = {r.get("data-format"): r for r in doc.xpath("//tr[@data-format]")}
    assert list(rows) == [a["format"] for a in summary["artifacts"]]
    for a in summary["artifacts"]:
        counts = {c.get("data-count"): int(c.text_content()) for c in rows[a["format"]].xpath(".//*[@data-count]")}
        assert counts == {"pages": a["pages"], "quizzes": a["quizzes"], "items": a["items"], "bytes": a["bytes"]}
    text = doc.text_content()
    for w in summary["warnings"]:
        assert w in text, w
    assert len(doc.xpath("//tr[@data-page]")) == summary["pages"]
    assert len(doc.xpath("//tr[@data-quiz]")) == summary["quizzes"]
    assert not doc.xpath("//script") and not doc.xpath("//link") and not doc.xpath("//img")
    assert not doc.xpath("//@src") and not [h for h in doc.xpath("//@href") if not h.startswith("#")]
    return doc


def test_corpus_report_matches_the_summary(corpus, tmp_path):
    summary = build_json(corpus, "--out", tmp_path)
    assert summary["report"] == str(tmp_path / "report.html")
    doc = assert_matches(summary)
    row = doc.xpath("//tr[@data-page='listen00.md']")[0]
    assert "listen00.md:39" in row.text_content()  # the site-absolute link, with its line, on its page
    assert "draws 6 of 18 (True / False)" in row.text_content()


def test_sample_report_and_every_format_drop(tmp_path):
    course = write_course(tmp_path / "c", {
        "a.md": page("Signs", 0, "Text.\n\n" + quiz(1, ITEMS, stimulus="![A stop sign](img/stop.png)"), kind="chapter"),
        "b.md": page("Plain", 1, "See [the site](/about/).\n\n" + quiz(2, ITEMS, opt="Yes,No")),
    })
    (course / "img").mkdir()
    (course / "img" / "stop.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    summary = build_json(course, "--out", tmp_path / "out")
    doc = assert_matches(summary)
    for fmt in ("qti12", "moodle", "cc11", "cc13"):
        cell = doc.xpath(f"//tr[@data-format='{fmt}']")[0].text_content()
        assert "img/stop.png" in cell, fmt
    assert "img/stop.png" not in doc.xpath("//tr[@data-format='scorm12']")[0].text_content()
    a_row = doc.xpath("//tr[@data-page='a.md']")[0].text_content()
    assert a_row.count("img/stop.png") == 4  # one per format that drops it
    b_row = doc.xpath("//tr[@data-page='b.md']")[0].text_content()
    assert "site-absolute link /about/" in b_row and "b.md:" in b_row
    assert "draws 2 of 3 (Yes / No)" in b_row


def test_every_format_row_says_what_its_writer_carries(tmp_path):
    """The Carries and Drops cells are the writer's own declared facts, for every format (moodle-backup too)."""
    from exporter.writers import WRITERS

    doc = read_report(build_json(SAMPLE, "--out", tmp_path)["report"])
    for name, writer in WRITERS.items():
        assert writer.carries, f"{name} declares nothing it carries"
        row = " ".join(doc.xpath(f"//tr[@data-format='{name}']")[0].text_content().split())
        assert " ".join(writer.carries.split()) in row and " ".join(writer.drops.split()) in row, name


def test_scorm2004_row_says_what_a_moodle_learner_meets(tmp_path):
    """Issue 20, 17: Moodle 5.1's 2004 player records one page per visit; the report says so and what to use."""
    doc = read_report(build_json(SAMPLE, "--format", "scorm2004", "--out", tmp_path)["report"])
    row = " ".join(doc.xpath("//tr[@data-format='scorm2004']")[0].text_content().split())
    assert "Moodle 5.1's player, pages mode records one page per visit" in row
    assert "for Moodle use scorm12 or moodle-backup" in row


def test_report_is_reproducible_and_only_formats_built_are_listed(tmp_path):
    one = build_json(SAMPLE, "--out", tmp_path / "a", "--format", "scorm12,qti12")
    two = build_json(SAMPLE, "--out", tmp_path / "b", "--format", "scorm12,qti12")
    assert (tmp_path / "a" / "report.html").read_bytes() == (tmp_path / "b" / "report.html").read_bytes()
    doc = assert_matches(one)
    assert [r.get("data-format") for r in doc.xpath("//tr[@data-format]")] == ["scorm12", "qti12"]
    assert two["report"].endswith("report.html")


def test_a_failed_build_writes_no_report(tmp_path):
    course = write_course(tmp_path / "c", {"a.md": "no front matter\n"})
    r = run_cli("build", course, "--out", tmp_path / "out")
    assert r.returncode == 1
    assert not (tmp_path / "out" / "report.html").exists()
