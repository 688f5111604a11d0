"""Shared test fixtures: the corpus and schemas from ../shared/, builds made once per session.

EXPORTER_NO_SHARED=1 makes the tests see no ../shared (as on a clone without it): what needs it skips, saying
why; .ci/run makes a second run that way."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # test this checkout, whatever else is installed
# The tests mirror the package (tests/source/, tests/writers/qti/, ...); their helpers are in tests/support/. Every
# folder goes on the path, so a test module imports a helper, or another test module's reader, by its name.
for _folder in sorted(p for p in (ROOT / "tests").rglob("*") if p.is_dir() and "__pycache__" not in p.parts):
    if _folder.relative_to(ROOT / "tests").parts[0] not in ("data", "moodle"):  # test data, Moodle's PHP helpers
        sys.path.insert(1, str(_folder))

from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options
from exporter.writers.layout import with_hrefs

NO_SHARED = os.environ.get("EXPORTER_NO_SHARED", "") not in ("", "0")
SHARED = ROOT.parent / ("shared" if not NO_SHARED else "shared (hidden by EXPORTER_NO_SHARED)")
CORPUS = SHARED / "corpus" / "listener-course"
SCHEMAS = SHARED / "schemas"
SAMPLE = ROOT / "content"


def require(path: Path, what: str) -> Path:
    if not path.exists():
        why = "EXPORTER_NO_SHARED is set" if NO_SHARED else "it lives in ../shared/ beside the project checkout"
        pytest.skip(f"{what} not found at {path} ({why})")
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
def plain_corpus(corpus, tmp_path_factory) -> Path:
    """The corpus copied with every item of every quiz written in the plain form (made here, at test time)."""
    from coursekit import plain_copy

    folder, count = plain_copy(corpus, tmp_path_factory.mktemp("plain") / "listener-course")
    assert count == 644
    return folder


@pytest.fixture(scope="session")
def plain_corpus_course(plain_corpus):
    return packaged(plain_corpus)


@pytest.fixture(scope="session", params=["corpus_course", "plain_corpus_course"], ids=["base64", "plain"])
def any_corpus_course(request):
    """The corpus course read from its base64 items, then from its plain-text copy."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session", params=["corpus", "plain_corpus"], ids=["base64", "plain"])
def any_corpus(request) -> Path:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def awkward_forms(tmp_path_factory) -> dict:
    """coursekit's awkward course (markup characters, entities, hearts), read from its base64 items and from
    a plain-text copy: {"base64": course, "plain": course}."""
    from coursekit import awkward_course, plain_copy

    folder = awkward_course(tmp_path_factory.mktemp("awkward") / "course")
    plain, _ = plain_copy(folder, tmp_path_factory.mktemp("awkward") / "course")
    return {"base64": packaged(folder), "plain": packaged(plain)}


@pytest.fixture(scope="session")
def plain_awkward(awkward_forms):
    return awkward_forms["plain"]


@pytest.fixture(scope="session")
def sample_course():
    return packaged(SAMPLE)


@pytest.fixture(scope="session")
def typed(tmp_path_factory) -> dict:
    """coursekit's course with every question kind in the author's order ("typed") and shuffled ("typed-shuffled"),
    and its edges course in order ("edges") and shuffled ("edges-shuffled"), as the reader reads them."""
    from coursekit import typed_course, typed_edges_course

    return {"typed": packaged(typed_course(tmp_path_factory.mktemp("typed"))),
            "typed-shuffled": packaged(typed_course(tmp_path_factory.mktemp("typed-shuffled"), shuffle=True)),
            "edges": packaged(typed_edges_course(tmp_path_factory.mktemp("edges"))),
            "edges-shuffled": packaged(typed_edges_course(tmp_path_factory.mktemp("shuffled"), shuffle=True))}


@pytest.fixture(scope="session")
def artifact():
    """artifact(fmt, course) -> bytes: each format written once per course per session."""
    cache: dict = {}

    def make(fmt: str, course, mode: str = "pages") -> bytes:
        key = (fmt, id(course), mode)
        if key not in cache:  # the course is kept with its bytes: a freed course's id may be a new course's
            cache[key] = (course, WRITERS[fmt]().write(course, Options(scorm_mode=mode)).data)
        assert cache[key][0] is course
        return cache[key][1]

    return make


# --- a real Moodle on this machine (tests marked `moodle`; scripts/moodle-site installs one) -------------------

MOODLE_DIR = Path(os.environ.get("MOODLE_DIR", "/opt/moodle"))
MOODLE_SCRIPTS = ROOT / "tests" / "moodle"  # the PHP that drives Moodle's own import code


@dataclass(frozen=True)
class MoodleSite:
    """An installed Moodle: its code, our PHP import scripts (tests/moodle/), and SQL on its database."""

    dir: Path
    scripts: Path

    def php(self, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
        env = dict(os.environ, MOODLE_DIR=str(self.dir))
        return subprocess.run(["php", *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout)

    def sql(self, query: str):
        """The rows of a query as JSON (wrapped in json_agg), through psql."""
        env = dict(os.environ, PGPASSWORD=MOODLE_DB["password"])
        wrapped = f"select coalesce(json_agg(t), '[]'::json) from ({query}) t"
        r = subprocess.run(["psql", "-h", MOODLE_DB["host"], "-U", MOODLE_DB["user"], MOODLE_DB["name"], "-At",
                            "-v", "ON_ERROR_STOP=1", "-c", wrapped], capture_output=True, text=True, env=env,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        import json

        return json.loads(r.stdout)


MOODLE_DB = {"host": "localhost", "user": "moodle", "name": "moodle", "password": "moodlepass"}


def _moodle_missing() -> str | None:
    """Why the real-Moodle tests cannot run here, or None when they can."""
    import shutil

    if not (MOODLE_DIR / "config.php").is_file():
        return (f"no Moodle installed at {MOODLE_DIR}: install one with scripts/moodle-site (as root; MOODLE_SRC= "
                "a Moodle source tree, MOODLE_GITDIR= a git repository, or a clone of MOODLE_501_STABLE by default); "
                "MOODLE_DIR overrides the place")
    for tool in ("php", "psql"):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH, though a Moodle is installed at {MOODLE_DIR}"
    env = dict(os.environ, PGPASSWORD=MOODLE_DB["password"])
    r = subprocess.run(["psql", "-h", MOODLE_DB["host"], "-U", MOODLE_DB["user"], MOODLE_DB["name"], "-At", "-c",
                        "select 1 from mdl_config where name = 'release'"], capture_output=True, text=True,
                       env=env, timeout=60)
    if r.returncode != 0 or r.stdout.strip() != "1":
        return (f"Moodle's database is not reachable as moodle@localhost (scripts/moodle-site starts it): "
                f"{r.stderr.strip()[:200]}")
    return None


@pytest.fixture(scope="session")
def moodle() -> MoodleSite:
    """The installed Moodle 5.1 (scripts/moodle-site); skips with the reason when there is none."""
    reason = _moodle_missing()
    if reason:
        pytest.skip(reason)
    return MoodleSite(MOODLE_DIR, MOODLE_SCRIPTS)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the browser tests (skipped, with the reason, where a part is missing)."""
    from scorm_harness import CHROMIUM, CHROMIUM_ARGS, missing_browser_parts

    why = missing_browser_parts()
    if why:
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
