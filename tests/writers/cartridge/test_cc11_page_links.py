"""Links between pages in the CC 1.1 cartridge (finding 15 of issue 20). Moodle's cartridge import
(backup/cc/entity11.resource.class.php) turns every relative link that names a file of the cartridge into a file
of the Page ($@FILEPHP@$, then @@PLUGINFILE@@/wiki_content/x.html) and cannot migrate it, so the link is broken
in Moodle, and no portable link form reaches the restored page (tests/writers/moodle/test_moodle_real.py records the import).
The cartridge keeps its links (other platforms read them); the build says, at each link, that Moodle breaks it
and to use the course backup, in the summary and the report, and only for cc11."""

from __future__ import annotations

import json

import lxml.html
from conftest import SAMPLE, run_cli

from exporter.source.reader import read_course


def page_links(folder) -> list[tuple[str, int]]:
    course, _ = read_course(folder)
    return [(u.source, u.line) for u in course.links if u.target.kind == "page" and not u.in_quiz]


def test_cc11_warns_at_each_link_between_pages(tmp_path):
    expected = page_links(SAMPLE)
    assert len(expected) >= 2  # the sample course links between its pages
    r = run_cli("build", SAMPLE, "--out", tmp_path, "--format", "cc11,cc13,moodle-backup", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    found = [w for w in summary["warnings"] if "Common Cartridge import" in w]
    assert len(found) == len(expected), found
    for (source, line), warning in zip(expected, found):
        assert warning.startswith(f"{source}:{line}: warning: "), warning
        assert "safe-cycling-moodle.mbz" in warning or "moodle-backup" in warning, warning
    assert all(w in r.stderr for w in found)  # the terminal shows them too
    report = lxml.html.fromstring((tmp_path / "report.html").read_bytes())
    rows = {row.get("data-format"): row.text_content() for row in report.xpath("//tr[@data-format]")}
    assert all(w in rows["cc11"] for w in found)  # listed under the format that breaks them
    assert "Common Cartridge import" not in rows["cc13"] + rows["moodle-backup"]
    assert "links between pages" in rows["cc11"]  # what the package drops, in Moodle


def test_links_in_the_cartridge_stay_as_written(tmp_path):
    """Warned, not dropped: the cartridge's pages still link to each other for platforms that keep them."""
    import io
    import zipfile

    from exporter.writers import WRITERS, Options
    from exporter.writers.layout import page_files

    course, _ = read_course(SAMPLE)
    names = page_files(course)
    data = WRITERS["cc11"]().write(course, Options()).data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        welcome = zf.read("wiki_content/" + names[course.pages[0].id]).decode()
    assert f'href="{names[course.pages[2].id]}"' in welcome
