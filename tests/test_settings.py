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
