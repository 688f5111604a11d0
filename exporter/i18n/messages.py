"""Learner-facing text in the course's language: gettext catalogs, number formatting, text direction.

Every word a learner reads that the course author did not write comes from here. Code asks for a message by
its key (the catalog's msgctxt, short and stable) and its English text (the msgid):

    texts.tr("feedback.wrong", "Not quite: the right answer is {label}.", label=...)
    texts.trn("quiz.rule-all", "Answer the statement.", "Answer all {total} statements.", total, total=total)

Placeholders are `{name}`; whole numbers given as placeholders are written in the language's number format.
The catalogs are `locale/<language>/LC_MESSAGES/messages.po` beside this module, made from `locale/messages.pot`
(`python -m exporter.i18n.catalogs` extracts and updates them); each is compiled in memory the first time a build
asks for its language (a build with a cache folder keeps it compiled there, and the numbers it wrote: `kept`). A
course can replace any message (`strings:` in course.yml, by key or by English text). A language without a catalog
falls back to English; its direction (right-to-left or not) still applies.
"""

from __future__ import annotations

import functools
import gettext
import re
import string
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from exporter.i18n import kept
from exporter.xhtml import xml_chars
from exporter.xmlchars import bad_char, message

SOURCE = "en"  # the language of the msgids
# Languages written left to right in every region CLDR knows them in, unless a script is named (the shipped
# catalogs' languages; a test checks each against Babel's locale data)
LEFT_TO_RIGHT = frozenset({"de", "en", "es", "fr", "it", "nl", "pt"})
DOMAIN = "messages"
KEYWORDS = {"tr": ((1, "c"), 2), "trn": ((1, "c"), 2, 3)}  # how Babel finds messages in code and templates


def locale_dir() -> Path:
    return Path(str(resources.files("exporter.i18n") / "locale"))


def available() -> list[str]:
    """The languages a catalog ships for (folder names: de, pt, ...)."""
    return sorted(p.parent.parent.name for p in locale_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@cache
def template() -> dict[str, tuple[str, str | None]]:
    """The catalog template's messages: key (msgctxt) -> (msgid, plural msgid or None)."""
    from babel.messages.pofile import read_po  # (Babel's catalog reader: loaded where one is read)

    with open(locale_dir() / f"{DOMAIN}.pot", "rb") as f:
        pot = read_po(f)
    found = {}
    for m in pot:
        if not m.id:
            continue
        singular, plural = (m.id[0], m.id[1]) if isinstance(m.id, tuple) else (m.id, None)
        found[m.context or singular] = (singular, plural)
    return found


@cache
def _compiled(name: str) -> gettext.GNUTranslations:
    """One catalog compiled in memory from its .po source (or as a build's cache folder kept it: `kept`)."""
    def compile(source: bytes) -> bytes:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        buffer = BytesIO()
        write_mo(buffer, read_po(BytesIO(source), locale=name, domain=DOMAIN), use_fuzzy=False)
        return buffer.getvalue()

    source = (locale_dir() / name / "LC_MESSAGES" / f"{DOMAIN}.po").read_bytes()
    return gettext.GNUTranslations(BytesIO(kept.catalog(source, compile)))


def parse_locale(language: str) -> Locale | None:
    """Babel's Locale for a language tag (de, de-CH, pt_BR, ar), or None when Babel does not know it."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def catalog_for(language: str) -> str | None:
    """The shipped catalog that serves a language tag (pt-BR: pt_BR if shipped, else pt), or None."""
    shipped = set(available())
    loc = parse_locale(language)
    candidates = [language.replace("-", "_")]
    if loc is not None:
        candidates += [str(loc), loc.language]
    candidates.append(language.replace("-", "_").split("_")[0].lower())
    return next((c for c in candidates if c in shipped), None)


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders of a message; ValueError when its braces do not parse."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if re.fullmatch(r"[a-z_]+", name) and (spec or conversion):
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"{written} gives the placeholder a format, which a message does not take: "
                             f"write {{{name}}}")
        if not re.fullmatch(r"[a-z_]+", name):
            raise ValueError(f"{{{name}}} is not a placeholder such as {{total}} (write a brace as {{{{ or }}}})")
        names.add(name)
    return names


class _Kept(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class Messages:
    """The messages of one language with a course's own wording on top (`overrides`: key or msgid -> text)."""

    language: str = SOURCE
    overrides: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.locale = parse_locale(self.language)
        self.catalog = catalog_for(self.language) or SOURCE
        self.translations = _compiled(self.catalog)
        self.number_locale = self.locale or Locale.parse(SOURCE)
        self._numbers: dict[int, str] = {}

    @functools.cached_property
    def direction(self) -> str:
        """"rtl" for a right-to-left language (Arabic, Hebrew, ...), whether or not a catalog ships for it."""
        if self.locale is None:
            return "ltr"
        if self.locale.language in LEFT_TO_RIGHT and self.locale.script is None:
            return "ltr"  # (Babel's answer needs the locale's data: loading it cost more than a small build)
        return self.locale.text_direction

    def number(self, n: int) -> str:
        """A whole number as this language writes it (each number formatted once: Babel takes ~40 us a number, and
        loading its format for the language, once, more than writing one page; `kept` keeps them from build to
        build)."""
        text = self._numbers.get(n)
        if text is None:
            locale = self.number_locale
            text = self._numbers[n] = kept.number(str(locale), n, lambda n: format_decimal(n, locale=locale))
        return text

    def decimal(self, text: str) -> str:
        """An exact decimal (a numeric answer, `model.Numeric`) as this language writes it, every digit kept."""
        return format_decimal(Decimal(text), locale=self.number_locale, decimal_quantization=False)

    def _fill(self, text: str, values: dict) -> str:
        """The placeholders given filled in (whole numbers in the language's format); the others stay, for the
        runtime's scripts to fill."""
        return text.format_map(_Kept({k: self.number(v) if isinstance(v, int) and not isinstance(v, bool) else v
                                      for k, v in values.items()}))

    def _override(self, key: str, msgid: str) -> str | None:
        return self.overrides.get(key, self.overrides.get(msgid))

    def _isolated(self, text: str) -> str:
        """A message from a left-to-right catalog on a right-to-left page (English for want of an Arabic catalog)
        is isolated (Unicode FSI ... PDI), so its sentence reads left to right, its full stop at its end."""
        return f"\u2068{text}\u2069" if self.direction == "rtl" else text

    def tr(self, key: str, msgid: str, /, **values) -> str:
        text = self._override(key, msgid)
        if text is not None:
            return self._fill(text, values)
        return self._isolated(self._fill(self.translations.pgettext(key, msgid), values))

    def trn(self, key: str, singular: str, plural: str, count: int, /, **values) -> str:
        text = self._override(key, singular)
        if text is not None:
            return self._fill(text, values)
        return self._isolated(self._fill(self.translations.npgettext(key, singular, plural, count), values))

    def labels(self) -> tuple[str, str]:
        """The labels of a true/false item as learners read them: True and False in this language."""
        return self.tr("label.true", "True"), self.tr("label.false", "False")

    def quiz_title(self, page_title: str) -> str:
        """A course quiz's name in an LMS (its activity, assessment or module item), after its page."""
        return self.tr("quiz.title", "Quiz: {page}", page=xml_chars(page_title).strip())

    def html(self) -> HtmlTexts:
        return HtmlTexts(self)


class HtmlTexts:
    """The same messages for Jinja templates: HTML-escaped, with placeholders that may be HTML (Markup)."""

    def __init__(self, texts: Messages):
        self.texts = texts

    def _markup(self, text_of, values: dict) -> Markup:
        keep = {k: v for k, v in values.items() if isinstance(v, Markup)}
        marks = {k: f"\x00{n}\x00" for n, k in enumerate(keep)}
        plain = text_of({**values, **marks})
        out = str(escape(plain))
        for k, mark in marks.items():
            out = out.replace(mark, str(keep[k]))
        return Markup(out)

    def tr(self, key: str, msgid: str, /, **values) -> Markup:
        return self._markup(lambda v: self.texts.tr(key, msgid, **v), values)

    def trn(self, key: str, singular: str, plural: str, count: int, /, **values) -> Markup:
        return self._markup(lambda v: self.texts.trn(key, singular, plural, count, **v), values)

    def context(self) -> dict:
        """What every template receives: tr, trn, the page's language tag and direction."""
        return {"tr": self.tr, "trn": self.trn, "decimal": self.texts.decimal, "lang": self.texts.language,
                "text_dir": self.texts.direction}


def messages_for(course) -> Messages:
    """The course's messages: its language, its own wording (`strings:`) on top."""
    return _texts(course.language, tuple(sorted(course.strings.items())))


@lru_cache(maxsize=32)
def _texts(language: str, overrides: tuple[tuple[str, str], ...]) -> Messages:
    return Messages(language, dict(overrides))


# --- checking course.yml's `language` and `strings` ------------------------------------------------------------

def language_problem(language: str) -> str | None:
    """Why learners of a course in this language read English, or None when a catalog serves it."""
    if catalog_for(language) is not None:
        return None
    shipped = ", ".join(available())
    known = parse_locale(language)
    what = (f"no translation ships for {known.english_name} ({language!r})" if known is not None
            else f"{language!r} is not a language tag this tool knows (such as de or pt-BR)")
    return f"{what}: learner-facing text is in English (translations: {shipped}; course.yml's strings: can " \
           "set any message)"


def strings_problems(strings: dict) -> list[tuple[str, str, str]]:
    """(key, level, message) for each override that names no message or does not fit it."""
    known = template()
    by_msgid = {msgid: key for key, (msgid, _) in known.items()}
    found = []
    for key, text in strings.items():
        target = key if key in known else by_msgid.get(key)
        if target is None:
            found.append((key, "warning", (f"strings: {key!r} is not a message key or English text of this tool; "
                                           "it is ignored (the keys are in exporter/i18n/locale/messages.pot and "
                                           "docs/languages.md)")))
            continue
        msgid, plural = known[target]
        allowed = placeholders(msgid) | (placeholders(plural) if plural else set())
        try:
            used = placeholders(text)
        except ValueError as exc:
            found.append((key, "error", f"strings: {key!r}: {exc}"))
            continue
        extra = sorted(used - allowed)
        if extra:
            names = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
            used_names = ", ".join("{" + n + "}" for n in extra)
            found.append((key, "error", (f"strings: {key!r} uses {used_names}, which this message does not have "
                                         f"(it has: {names})")))
    return found


def read_strings(value, path: Path | str, text: str, report) -> dict[str, str]:
    """course.yml's `strings:`, a mapping from a message's key (or English text) to the author's wording."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        report.error(path, _top_line(text, "strings"), "strings: must be a mapping from a message key to its text, "
                     "e.g. strings: {quiz.score: Check my answers}")
        return {}
    strings = {}
    for key, wording in value.items():
        line = _nested_line(text, str(key))
        if not isinstance(wording, str) or not wording.strip():
            report.error(path, line, f"strings: {key!r} must be text")
        elif bad_char(wording):
            report.error(path, line, message(bad_char(wording), f"strings: {key!r}"))
        else:
            strings[str(key)] = wording.strip()
    for key, level, problem in strings_problems(strings):
        getattr(report, level)(path, _nested_line(text, key), problem)
    return strings


LABEL_KEYS = (("label.true", "True"), ("label.false", "False"))


def check_labels(language: str, strings: dict[str, str], path: Path | str, text: str, report) -> None:
    """The rule data-opt="Yes,Yes" follows: the True/False labels, as `strings:` leaves them in this language,
    must differ; an error at the line of the override that makes them the same."""
    overridden = [k for pair in LABEL_KEYS for k in pair if k in strings]
    if not overridden:
        return
    texts = Messages(language, dict(strings))
    true, false = (texts.tr(key, msgid).strip("\u2068\u2069").strip() for key, msgid in LABEL_KEYS)
    if true.casefold() != false.casefold():
        return
    lines = [n for n in (_nested_line(text, k) for k in overridden) if n is not None]
    report.error(path, max(lines) if lines else _top_line(text, "strings"),
                 f"strings: the True/False labels are both {true!r}: a quiz would name the same label twice, and "
                 "learners could not tell the answers apart; write two different labels (label.true, label.false)")


def _nested_line(text: str, key: str) -> int | None:
    """The line of a key under `strings` (YAML: indented below `strings:`; TOML: in the `[strings]` table)."""
    within = None
    for n, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^strings\s*:", line) or re.match(r"^\[strings\]", line):
            within = "toml" if line.startswith("[") else "yaml"
        elif within and line.strip() and not line.lstrip().startswith("#"):
            if (within == "yaml" and not line[0].isspace()) or (within == "toml" and line.startswith("[")):
                within = None
            elif line.strip().lstrip("\"'").startswith(key):
                return n
    return None


def _top_line(text: str, key: str) -> int | None:
    return next((n for n, line in enumerate(text.splitlines(), start=1) if re.match(rf"^{key}\s*[:=]", line)), None)


def check_language(language: str, where, line: int | None, report) -> None:
    """One warning when no catalog serves the course's language (its learners read English)."""
    problem = language_problem(language)
    if problem:
        report.warning(where, line, problem)
