"""Jinja2 templates (templates/ in the repository, exporter.templates once installed) and static files."""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from exporter.i18n.messages import messages_for


def templates_dir() -> Path:
    """templates/ beside the package in a source checkout; the installed package data otherwise."""
    checkout = Path(__file__).resolve().parent.parent / "templates"
    if (checkout / "base.html").is_file():
        return checkout
    return Path(str(resources.files("exporter.templates")))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=jinja2.select_autoescape(["html", "xml", "htm"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


class _KeptCompiled(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in a folder (jinja2 writes each beside and renames it into place); a file that cannot
    be read or written is a miss: the template is compiled as without the folder."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged file: compiled afresh
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def keep_compiled(folder: Path, code: str) -> None:
    """From now on, templates are compiled once for this code (`code`: a digest of the package and its templates,
    which the files' names hold; those of other code are removed) and kept in `folder` (a build's cache folder),
    so a build does not compile the same templates again."""
    prefix = f"{code[:16]}-"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in os.listdir(folder):
            if not old.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.unlink(folder / old)
    except OSError:
        return
    environment().bytecode_cache = _KeptCompiled(str(folder), prefix + "%s.cache")


def preload(names) -> None:
    """These templates compiled now (in a build, before its writers fork: each then finds them compiled)."""
    for name in sorted(set(names)):
        environment().get_template(name)


def render_template(name: str, **context) -> str:
    """A page of a package. Given the `course`, the template also receives its learner-facing text in the course's
    language (`tr`, `trn`, `lang`, `text_dir`: see i18n)."""
    if "course" in context and "tr" not in context:
        context = {**messages_for(context["course"]).html().context(), **context}
    return environment().get_template(name).render(**context)


def static_file(name: str) -> bytes:
    """A file shipped in templates/ as it is (stylesheets, the quiz runtime)."""
    return (templates_dir() / name).read_bytes()
