"""Maintaining the message catalogs with Babel: extract the messages from the code and templates into
`locale/messages.pot`, merge them into each language's `.po`, and check that every catalog is complete.

    python -m exporter.i18n.catalogs extract   # rewrite messages.pot from the code and templates
    python -m exporter.i18n.catalogs update    # extract, then merge into every .po (new messages untranslated)
    python -m exporter.i18n.catalogs check     # exit 1 listing what is missing, fuzzy or out of date
    python -m exporter.i18n.catalogs init LANG # start a catalog for a new language

Messages are found where code calls `tr(key, msgid, ...)` or `trn(key, singular, plural, n, ...)`: Python
under exporter/ and Jinja templates under templates/ (the runtime's strings are built in Python, see
writers/scorm/runtime_messages.py). The template carries no source locations, so it changes only when a message does.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from exporter import __version__
from exporter.i18n.messages import DOMAIN, KEYWORDS, available, locale_dir, placeholders

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = (  # (folder, Babel method map): what extraction reads
    (ROOT / "exporter", [("**.py", "python")]),
    (ROOT / "templates", [("**.html", "jinja2.ext:babel_extract")]),
)
JINJA_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true"}
HEADER = "Learner-facing text of exporter: quiz runtime, page chrome and quiz feedback."


def extract() -> Catalog:
    """Every message the code and templates ask for, as a catalog template."""
    pot = Catalog(project="exporter", version=__version__, fuzzy=False,
                  header_comment=f"# {HEADER}\n# Made by `python -m exporter.i18n.catalogs extract`.")
    for folder, methods in SOURCES:
        options = {pattern: JINJA_OPTIONS for pattern, method in methods if method.startswith("jinja2")}
        for _, lineno, message, comments, context in extract_from_dir(
                str(folder), methods, options, keywords=KEYWORDS, comment_tags=("Translators:",),
                strip_comment_tags=True):
            pot.add(message, None, [], auto_comments=comments, context=context)
    return pot


def po_bytes(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalog, width=100, no_location=True, omit_header=False, sort_output=True,
             include_previous=False)
    return out.getvalue()


def pot_path() -> Path:
    return locale_dir() / f"{DOMAIN}.pot"


def po_path(language: str) -> Path:
    return locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, language: str | None = None) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def messages(catalog: Catalog) -> dict:
    """What a template holds, without headers or dates: (context, msgid) -> (plural msgid, translator comments)."""
    found = {}
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        found[(m.context, ids[0])] = (ids[1] if len(ids) > 1 else None, tuple(m.auto_comments))
    return found


def write_template() -> Catalog:
    """messages.pot from the code and templates; left as it is (date and all) when no message changed."""
    pot = extract()
    if pot_path().exists() and messages(read(pot_path())) == messages(pot):
        return read(pot_path())
    pot_path().write_bytes(po_bytes(pot))
    return pot


def update() -> None:
    """Extract, then merge the template into every catalog (no fuzzy guesses: a new message stays untranslated)."""
    pot = write_template()
    for language in available():
        catalog = read(po_path(language), language)
        catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        po_path(language).write_bytes(po_bytes(catalog))


def init(language: str) -> None:
    Locale.parse(language)  # a language Babel knows
    path = po_path(language)
    if path.exists():
        raise SystemExit(f"{path} exists: run update")
    catalog = Catalog(locale=language, domain=DOMAIN, project="exporter", fuzzy=False)
    catalog.update(read(pot_path()), no_fuzzy_matching=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(po_bytes(catalog))


def problems(language: str) -> list[str]:
    """What keeps a catalog from being complete: a message missing, untranslated, fuzzy, obsolete, with other
    placeholders than its English text, or the wrong number of plural forms."""
    pot = messages(read(pot_path()))
    catalog = read(po_path(language), language)
    found = []
    have = {}
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        have[(m.context, ids[0])] = m
        where = f"{language}: {m.context or ids[0]!r}"
        if (m.context, ids[0]) not in pot:
            found.append(f"{where}: not in the template (obsolete)")
        if m.fuzzy:
            found.append(f"{where}: fuzzy")
        strings = list(m.string) if isinstance(m.string, tuple) else [m.string]
        if not all(s.strip() for s in strings):
            found.append(f"{where}: not translated")
            continue
        if len(ids) > 1 and len(strings) != catalog.num_plurals:
            found.append(f"{where}: {len(strings)} plural forms, the language has {catalog.num_plurals}")
        try:
            allowed = set().union(*(placeholders(i) for i in ids))
        except ValueError as exc:
            found.append(f"{where}: the English text: {exc}")
            continue
        for s in strings:
            try:
                used = placeholders(s)
            except ValueError as exc:
                found.append(f"{where}: {exc}")
                continue
            if used - allowed:
                found.append(f"{where}: placeholders {sorted(used - allowed)} are not in the English text")
            elif len(ids) == 1 and used != allowed:
                found.append(f"{where}: placeholders {sorted(used)} differ from the English {sorted(allowed)}")
    for key in pot:
        if key not in have:
            found.append(f"{language}: {key[0] or key[1]!r}: missing")
    found += [f"{language}: {m!r}: obsolete entry" for m in catalog.obsolete]
    return found


def check() -> list[str]:
    found = []
    if messages(extract()) != messages(read(pot_path())):
        found.append(f"{pot_path()} is out of date: run python -m exporter.i18n.catalogs update")
    for language in available():
        found += problems(language)
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        write_template()
    elif command == "update":
        update()
    elif command == "init" and len(argv) == 2:
        init(argv[1])
    elif command == "check":
        found = check()
        print("\n".join(found) or f"catalogs complete: {', '.join(available())}")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
