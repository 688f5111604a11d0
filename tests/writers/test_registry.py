"""The registry is where a format is added: the command line and the README's formats table follow it."""

from __future__ import annotations

import re

from conftest import ROOT, run_cli

from exporter.model import Course
from exporter.writers import WRITERS
from exporter.writers.base import Writer


def readme_formats() -> dict[str, str]:
    """The README's formats table: format name -> artifact file pattern."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Formats", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z0-9-]+)` \| `(<id>-[^`]+)` \|", section, re.M))


def test_readme_formats_table_matches_the_registry():
    table = readme_formats()
    placeholder = Course(title="", identifier="<id>")  # each writer names its own artifact (moodle-backup: .mbz)
    assert table == {name: w().filename(placeholder) for name, w in WRITERS.items()}, \
        "add each registered format to the README's formats table (name, file), and no other"


def test_every_writer_declares_itself():
    for name, writer in WRITERS.items():
        assert writer.name == name and writer.title and writer.extension
        assert writer.build is not Writer.build, f"{name} implements build()"
        assert not (writer.quiz_pages and not writer.pages), f"{name}: quizzes cannot link to pages it lacks"


def test_command_line_takes_each_writers_options():
    r = run_cli("build", "--help")
    assert r.returncode == 0
    for writer in WRITERS.values():
        for option in writer.options:
            assert option.flag in r.stdout and all(c in r.stdout for c in option.choices)
