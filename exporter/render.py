"""Jinja2 templates (templates/ in the repository, exporter.templates once installed) and static files."""

from __future__ import annotations

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


def render_template(name: str, **context) -> str:
    """A page of a package. Given the `course`, the template also receives its learner-facing text in the course's
    language (`tr`, `trn`, `lang`, `text_dir`: see i18n)."""
    if "course" in context and "tr" not in context:
        context = {**messages_for(context["course"]).html().context(), **context}
    return environment().get_template(name).render(**context)


def static_file(name: str) -> bytes:
    """A file shipped in templates/ as it is (stylesheets, the quiz runtime)."""
    return (templates_dir() / name).read_bytes()
