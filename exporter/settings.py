"""Course settings: course.yml or course.toml beside the pages, then command-line overrides."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from . import i18n
from .errors import Report, UsageError
from .ids import slug
from .paths import inside
from .text import bad_char, message

SETTINGS_FILES = ("course.yml", "course.yaml", "course.toml")


@dataclass
class Settings:
    title: str = ""
    identifier: str = ""
    language: str = "en"
    version: str = "1.0"
    description: str = ""
    site_url: str = ""
    strings: dict[str, str] = field(default_factory=dict)  # the author's wording for learner-facing messages


def _key_line(text: str, key: str) -> int | None:
    """The line of a top-level key in the settings file's text."""
    for n, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^{re.escape(key)}\s*[:=]", line.replace("-", "_")):
            return n
    return None


def load_settings(folder: Path, overrides: dict, report: Report) -> Settings:
    """Read the settings file (if any), apply overrides, fill defaults (with a note)."""
    data: dict = {}
    text = ""
    found = [folder / n for n in SETTINGS_FILES if (folder / n).is_file()]
    if found and not inside(found[0], folder):
        report.error(found[0], None, "the settings file is a link to a file outside the course folder: copy the "
                     "file into the course folder")
        found = []
    if found:
        path = found[0]
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text) if path.suffix == ".toml" else (yaml.safe_load(text) or {})
        except UnicodeDecodeError:
            report.error(path, None, "the settings file is not UTF-8 text")
        except yaml.YAMLError as exc:
            line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
            report.error(path, line, f"the settings file is not valid YAML ({getattr(exc, 'problem', exc)})")
        except tomllib.TOMLDecodeError as exc:
            report.error(path, None, f"the settings file is not valid TOML ({exc})")
        if not isinstance(data, dict):
            report.error(path, 1, "the settings file must be a mapping of keys such as title, identifier, language")
            data = {}
        known = {f.name for f in fields(Settings)}
        for key in list(data):
            if key.replace("-", "_") not in known:
                report.warning(path, None, f"unknown setting {key!r} ignored (known: {', '.join(sorted(known))})")
        data = {k.replace("-", "_"): v for k, v in data.items() if k.replace("-", "_") in known}
        for key, value in data.items():
            if isinstance(value, str) and bad_char(value):
                report.error(path, _key_line(text, key), message(bad_char(value), f"the setting {key}"))
                data[key] = ""
    for key, value in overrides.items():
        if isinstance(value, str) and bad_char(value):
            raise UsageError(message(bad_char(value), f"--{key.replace('_', '-')}"))
    data.update({k: v for k, v in overrides.items() if v})
    strings = i18n.read_strings(data.pop("strings", None), found[0] if found else folder, text, report)
    settings = Settings(**{k: "" if v is None else str(v).strip() for k, v in data.items()}, strings=strings)
    if not settings.title:
        settings.title = folder.resolve().name.replace("-", " ").replace("_", " ").strip().title() or "Course"
        report.note(folder, None, f"no course title set (course.yml or --title): using {settings.title!r}")
    settings.identifier = slug(settings.identifier or folder.resolve().name or settings.title)
    settings.site_url = settings.site_url.rstrip("/")
    if settings.site_url and not re.match(r"^https?://[^/\s]+", settings.site_url, re.IGNORECASE):
        problem = (f"site_url {settings.site_url!r} is not a web address: write https://your.site/path "
                   "(site-absolute links become links to it)")
        if overrides.get("site_url"):
            raise UsageError(problem)
        report.error(found[0] if found else folder, None, problem)
        settings.site_url = ""
    settings.language = (settings.language or "en").replace("_", "-")
    in_file = found and not overrides.get("language")
    i18n.check_language(settings.language, found[0] if in_file else "--language",
                        _key_line(text, "language") if in_file else None, report)
    settings.version = settings.version or "1.0"
    return settings

