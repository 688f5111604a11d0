"""`exporter new DIR`: a small course that builds clean in every format, its settings all explained."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from conftest import run_cli
from exporter.model import DEFAULT_LABELS
from exporter.source.reader import read_course
from exporter.source.settings import Settings
from exporter.writers import WRITERS, Options
from exporter.writers.layout import with_hrefs
from test_plain_property import CHECKS


@pytest.fixture(scope="session")
def scaffold(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("new") / "first-steps"
    r = run_cli("new", folder)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return folder


@pytest.fixture(scope="session")
def scaffold_course(scaffold):
    course, report = read_course(scaffold)
    assert not report.warnings and not report.notes, report
    return with_hrefs(course)


def test_new_then_build_succeeds_with_no_warning(scaffold, tmp_path):
    """No warning and no note, but one: Moodle's cartridge import breaks links between pages, and the course
    shows such links, so cc11 says so at each (tests/test_cc11_page_links.py)."""
    r = run_cli("build", scaffold, "--out", tmp_path / "dist")
    assert r.returncode == 0, r.stderr
    course, _ = read_course(scaffold)
    links = [(u.source, u.line) for u in course.links if u.target.kind == "page" and not u.in_quiz]
    assert r.stderr.splitlines() == [f"{source}:{line}: warning: {WRITERS['cc11'].page_links_break}"
                                     for source, line in links], "no other warning, no note"
    assert len(r.stdout.splitlines()) == len(WRITERS)
    assert run_cli("check", scaffold).stderr == ""


def test_the_course_it_makes(scaffold_course):
    c = scaffold_course
    assert (c.title, c.identifier) == ("First Steps", "first-steps")
    assert [p.kind for p in c.pages] == ["chapter", "section", "section", "section"]
    plain, labelled = (p.quiz for p in c.pages[1:3])
    assert plain.labels == DEFAULT_LABELS and not plain.stimulus_html and len(plain.items) > plain.draw
    assert labelled.labels != DEFAULT_LABELS and 'class="conv"' in labelled.stimulus_html
    assert c.pages[0].quiz is None and c.pages[3].quiz is None
    assert "<em>emphasis</em>" in " ".join(i.statement_html for i in plain.items)
    assert list(c.files) == ["images/pages-to-packages.svg"]
    assert b"<title" in c.files["images/pages-to-packages.svg"].read()
    assert '<img alt="' in c.pages[0].body_html


def test_its_items_are_plain_text(scaffold):
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(scaffold.glob("*.md")))
    assert text.count(" /Y/ ") + text.count(" /N/ ") == 9


def test_every_setting_is_there_and_explained(scaffold):
    text = (scaffold / "course.yml").read_text(encoding="utf-8")
    lines = text.splitlines()
    for f in fields(Settings):
        [n] = [n for n, line in enumerate(lines) if line.lstrip("# ").startswith(f"{f.name}:")]
        assert lines[n - 1].startswith("# "), f"{f.name} has no comment above it"
    data = yaml.safe_load(text)
    assert set(data) == {f.name for f in fields(Settings)} - {"site_url", "strings"}, "those two commented out"


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_builds_clean_in_every_format(scaffold_course, fmt):
    artifact = WRITERS[fmt]().write(scaffold_course, Options())
    assert artifact.warnings == []
    CHECKS[fmt](scaffold_course, artifact.data)


@pytest.mark.parametrize("name, title, identifier", [("no", "No", "no"), ("2024 Q&A: \"x\"", "2024 Q&A: \"X\"", None)])
def test_names_that_yaml_would_misread(tmp_path, name, title, identifier):
    r = run_cli("new", tmp_path / name)
    assert r.returncode == 0, r.stderr
    course, _ = read_course(tmp_path / name)
    assert course.title == title
    assert course.identifier == (identifier or course.identifier) and course.identifier[0].isalpha()


def test_an_empty_folder_is_fine_even_the_current_one(tmp_path):
    (tmp_path / "empty").mkdir()
    assert run_cli("new", tmp_path / "empty").returncode == 0
    assert (tmp_path / "empty" / "course.yml").is_file()
    (tmp_path / "here").mkdir()
    r = run_cli("new", ".", cwd=tmp_path / "here")
    assert r.returncode == 0, r.stderr
    assert run_cli("build", ".", "--out", "dist", cwd=tmp_path / "here").returncode == 0
    course, _ = read_course(tmp_path / "here")
    assert course.identifier == "here"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "here"], "no temporary folder left behind"


def test_refuses_a_folder_that_is_not_empty(tmp_path, scaffold):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in scaffold.rglob("*") if p.is_file()}
    r = run_cli("new", scaffold)
    assert r.returncode == 2 and "is not empty" in r.stderr and "Traceback" not in r.stderr
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in scaffold.rglob("*") if p.is_file()} == before
    (tmp_path / "file").write_text("x")
    r = run_cli("new", tmp_path / "file")
    assert r.returncode == 2 and "is a file" in r.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary folder left behind"


def test_the_scaffold_ships_as_package_data():
    """pyproject ships templates/ (all of it, folders included) as exporter.templates."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert project["package-dir"]["exporter.templates"] == "templates"
    packages = {".".join(init.parent.relative_to(root).parts) for init in (root / "exporter").rglob("__init__.py")}
    assert packages <= set(project["packages"]), "a package pip would leave out of an install"
    assert project["package-data"]["exporter.templates"] == ["**/*"]
    assert (root / "templates" / "scaffold" / "images" / "pages-to-packages.svg").is_file()


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_folder_name_is_a_usage_error(tmp_path, name):
    r = run_cli("new", name, cwd=tmp_path)
    assert r.returncode == 2
    assert "exporter: error: the folder name is empty: name the folder to create" in r.stderr
    assert "not empty" not in r.stderr and list(tmp_path.iterdir()) == []
