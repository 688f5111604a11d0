"""Shared test fixtures: the corpus and schemas from ../shared/, builds made once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # test this checkout, whatever else is installed

from exporter.reader import read_course  # noqa: E402
from exporter.writers import WRITERS, Options  # noqa: E402
from exporter.writers.layout import with_hrefs  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "listener-course"
SCHEMAS = SHARED / "schemas"
SAMPLE = ROOT / "content"


def require(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"{what} not found at {path} (it lives in ../shared/ beside the project checkout)")
    return path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m exporter ...` as a user would, against this checkout."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "exporter", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=300)


@lru_cache(maxsize=None)
def xml_schema(relative: str):
    """An XSD from ../shared/schemas/, loaded offline."""
    from lxml import etree

    path = require(SCHEMAS / relative, "schema")
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


def assert_valid(schema, doc, name: str = "") -> None:
    if not schema.validate(doc):
        errors = "\n".join(f"  line {e.line}: {e.message}" for e in list(schema.error_log)[:10])
        raise AssertionError(f"{name} is not valid:\n{errors}")


@pytest.fixture(scope="session")
def corpus() -> Path:
    return require(CORPUS, "the listener corpus")


def packaged(folder, **overrides):
    """The course as the reader reads it (settings overridden as on the command line, e.g. language="de"), with
    each page's file name in a package (`page.href`) set."""
    course, _ = read_course(folder, overrides)
    return with_hrefs(course)


@pytest.fixture(scope="session")
def corpus_course(corpus):
    return packaged(corpus)


@pytest.fixture(scope="session")
def sample_course():
    return packaged(SAMPLE)


@pytest.fixture(scope="session")
def artifact():
    """artifact(fmt, course) -> bytes: each format written once per course per session."""
    cache: dict = {}

    def make(fmt: str, course, mode: str = "pages") -> bytes:
        key = (fmt, id(course), mode)
        if key not in cache:
            cache[key] = WRITERS[fmt]().write(course, Options(scorm_mode=mode)).data
        return cache[key]

    return make
