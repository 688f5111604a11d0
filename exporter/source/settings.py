"""Course settings: course.yml or course.toml beside the pages, then command-line overrides."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

from exporter.errors import Report, UsageError
from exporter.i18n import messages as i18n
from exporter.ids import slug
from exporter.source import lineends as sourcetext
from exporter.source.frontmatter import Entry, MetaError, load_mapping, text_value
from exporter.source.paths import inside
from exporter.xmlchars import bad_char, first_bad_line, message

Load = Callable[[str, int], dict[str, Entry]]  # a YAML text and its first line -> its entries (`load_mapping`)
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


def load_settings(folder: Path, overrides: dict, report: Report, load: Load = load_mapping) -> Settings:
    """Read the settings file (if any), apply overrides, fill defaults (with a note). `load`: how a YAML text
    becomes its entries (`frontmatter.load_mapping`, or a build's kept ones: `frontcache`)."""
    data: dict[str, str] = {}
    strings, text = None, ""
    found = [folder / n for n in SETTINGS_FILES if (folder / n).is_file()]
    if found and not inside(found[0], folder):
        report.error(found[0], None, "the settings file is a link to a file outside the course folder: copy the "
                     "file into the course folder")
        found = []
    if len(found) > 1:
        report.error(found[1], None, f"{' and '.join(p.name for p in found)} are both in the course folder: "
                     "keep one settings file")
    elif found:
        data, strings, text = _read_file(found[0], report, load)
    for key, value in overrides.items():
        if isinstance(value, str) and bad_char(value):
            raise UsageError(message(bad_char(value), f"--{key.replace('_', '-')}"))
    data.update({k: v for k, v in overrides.items() if v})
    wording = i18n.read_strings(strings, found[0] if found else folder, text, report)
    settings = Settings(**{k: " ".join(str(v).split()) for k, v in data.items()}, strings=wording)
    if not settings.title:
        name = sourcetext.file_name_text(folder.resolve().name)
        settings.title = name.replace("-", " ").replace("_", " ").strip().title() or "Course"
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
    in_file = found and not overrides.get("language")
    written = settings.language or "en"
    tag = language_tag(written)
    if tag is None:
        problem = (f"{written!r} is not a language tag (BCP 47: a language code, then optionally a script and a "
                   "region, joined by '-', such as en, de-CH, pt-BR or zh-Hant-TW; no encoding or '@' part)")
        if not in_file:
            raise UsageError(f"--language {problem}")
        report.error(found[0], _key_line(text, "language"), f"language {problem}")
        settings.language = "en"
    else:
        settings.language = tag
        i18n.check_language(tag, found[0] if in_file else "--language",
                            _key_line(text, "language") if in_file else None, report)
        i18n.check_labels(tag, wording, found[0] if found else folder, text, report)
    settings.version = settings.version or "1.0"
    return settings


# A BCP 47 language tag (RFC 5646): language (with up to three extended subtags), script, region, variants,
# extensions, private use. `_` is taken for `-` (de_DE, as locales write it).
_TAG = re.compile(r"(?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3})(?:-(?P<script>[a-z]{4}))?"
                  r"(?:-(?P<region>[a-z]{2}|\d{3}))?(?P<rest>(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"
                  r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?)", re.IGNORECASE)


def language_tag(text: str) -> str | None:
    """`text` as a BCP 47 tag in its usual case (de-DE, zh-Hant-TW), or None when it is not one."""
    m = _TAG.fullmatch(text.strip().replace("_", "-"))
    if m is None:
        return None
    script, region = m.group("script"), m.group("region")
    return (m.group("language").lower() + (f"-{script.title()}" if script else "")
            + (f"-{region.upper()}" if region else "") + m.group("rest").lower())


def _key_line(text: str, key: str) -> int | None:
    """The line of a top-level key in the settings file's text."""
    return next((n for n, line in enumerate(text.split("\n"), 1) if re.match(rf"^{re.escape(key)}\s*[:=]", line)), None)


def _read_file(path: Path, report: Report, load: Load) -> tuple[dict[str, str], dict | None, str]:
    """The known settings of a course.yml or course.toml, each as text, its `strings` mapping (None when
    absent) and the file's text; errors and warnings to the report."""
    try:
        text = sourcetext.normalize(path.read_bytes().decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError:
        report.error(path, None, "the settings file is not UTF-8 text")
        return {}, None, ""
    except OSError as exc:
        report.error(path, None, f"the settings file cannot be read ({exc.strerror or exc})")
        return {}, None, ""
    bad = first_bad_line(text.split("\n"), 1)
    if bad:
        report.error(path, bad[0], message(bad[1], "this line"))
        return {}, None, text
    try:
        values = _toml(text) if path.suffix == ".toml" else _yaml(text, load)
    except MetaError as exc:
        report.error(path, exc.line, exc.message)
        return {}, None, text
    known = {f.name for f in fields(Settings)} - {"strings"}
    data: dict[str, str] = {}
    strings = values.pop("strings", (None, 0))[0]
    for key, (value, line) in values.items():
        name = key.replace("-", "_")
        if name not in known:
            report.warning(path, line, f"unknown setting {key!r} ignored (known: {', '.join(sorted(known))})")
        elif isinstance(value, MetaError):
            report.error(path, value.line, value.message)
        elif value is not None and bad_char(value):  # a YAML escape such as "\x07"
            report.error(path, line, message(bad_char(value), f"the setting {key}"))
        elif value is not None:
            data[name] = value
    return data, strings, text


def _yaml(text: str, load: Load) -> dict[str, tuple[str | None | MetaError, int]]:
    entries = load(text, 1)
    out: dict[str, tuple[str | None | MetaError, int]] = {}
    for key, entry in entries.items():
        if key == "strings":  # the one setting that is a mapping: the author's wording of messages
            out[key] = ({k: v for k, v, _ in entry.pairs} if entry.kind == "mapping" else
                        entry.text if entry.kind == "text" else [] if entry.kind == "list" else None, entry.line)
            continue
        try:
            out[key] = (text_value(entries, key), entry.line)
        except MetaError as exc:
            out[key] = (exc, entry.line)
    return out


def _toml(text: str) -> dict[str, tuple[str | None | MetaError, int]]:
    """TOML keeps no source text for its values: strings and whole numbers are taken; a float
    (1.10 would read as 1.1), a boolean, a date, a list or a table must be written as a string."""
    import tomllib  # (loaded for a course.toml only: 5 ms of the start of every other build)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise MetaError(int(m.group(1)) if m else None, f"not valid TOML ({exc})") from None
    out: dict[str, tuple[str | None | MetaError, int]] = {}
    lines = text.split("\n")
    for key, value in data.items():
        line = next((n for n, ln in enumerate(lines, 1) if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", ln)), 1)
        if key == "strings":
            out[key] = (value, line)
        elif isinstance(value, str):
            out[key] = (value, line)
        elif isinstance(value, int) and not isinstance(value, bool):
            out[key] = (str(value), line)
        else:
            out[key] = (MetaError(line, f"{key} is {type(value).__name__} {value!r} in TOML: write it as a "
                                        f'string, e.g. {key} = "..."'), line)
    return out
