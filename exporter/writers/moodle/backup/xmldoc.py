"""The XML of a Moodle backup (`moodle-backup`): Moodle's own conventions, as lxml trees.

Moodle writes each table row as an element whose children are its fields, NULL as the text `$@NULL@$`,
and reads a backup's `moodle_backup.xml` only if its first bytes are exactly the declaration it writes
itself (`<?xml version="1.0" encoding="UTF-8"?>`, double quotes: `convert_helper::detect_moodle2_format`),
so every file here starts with that declaration rather than lxml's.
"""

from __future__ import annotations

import copy

from lxml import etree

from exporter.writers.xmltree import sub
from exporter.xhtml import shorten, text_html, xml_chars

DB_NAME = 255  # Moodle's name columns (course_sections.name, page.name, quiz.name, question.name ...) are char(255)
NULL = "$@NULL@$"  # how a backup writes a NULL field (backup_xml_transformer)
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

Value = str | int | None


def text(value: Value) -> str:
    """A field's text: NULL for None, numbers as written, text without the characters XML cannot hold."""
    if value is None:
        return NULL
    return str(value) if isinstance(value, int) else xml_chars(value)


def fields(parent: etree._Element, values: dict[str, Value]) -> etree._Element:
    """One child element per field, in the order given (Moodle's order, as its backup steps define it)."""
    for name, value in values.items():
        sub(parent, name, text(value))
    return parent


def row(parent: etree._Element | None, tag: str, values: dict[str, Value], **attrib: Value) -> etree._Element:
    """A table row: `<tag id=..>` with its fields; the root of a file when parent is None. Rows of one table have
    the same shape: each is a copy (made by lxml, in C) of an empty row of that shape, with its values set."""
    shape = (tag, tuple(attrib), tuple(values))
    prototype = _ROWS.get(shape)
    if prototype is None:
        prototype = _ROWS[shape] = etree.Element(tag, dict.fromkeys(attrib, ""))
        for name in values:
            etree.SubElement(prototype, name)
    el = copy.copy(prototype)
    for name, value in attrib.items():
        el.set(name, text(value))
    for field, value in zip(el, values.values()):
        field.text = text(value)
    if parent is not None:
        parent.append(el)
    return el


_ROWS: dict[tuple, etree._Element] = {}  # an empty row of each shape (table, attributes, fields)


def nest(parent: etree._Element, *tags: str) -> etree._Element:
    """A chain of wrapper elements (`grade_items`, `fileref/file` ...); returns the innermost."""
    for tag in tags:
        parent = sub(parent, tag)
    return parent


def refs(root: etree._Element, group: str, tag: str, ids) -> None:
    """An inforef's `<group><tag><id>..</id></tag>...</group>`, left out when there is no id."""
    ids = list(ids)
    if ids:
        holder = nest(root, group)
        for ident in ids:
            row(holder, tag, {"id": ident})


def document(root: etree._Element) -> bytes:
    """The file: Moodle's declaration, then the tree, indented as Moodle indents its own."""
    etree.indent(root, space="  ")
    return DECLARATION + etree.tostring(root, encoding="UTF-8") + b"\n"


def empty(*tags: str) -> bytes:
    """A file of empty wrappers (`<roles><role_overrides/><role_assignments/></roles>` ...): the first tag is the
    root, a tag containing '/' a path under it."""
    root = etree.Element(tags[0])
    for path in tags[1:]:
        node = root
        for tag in path.split("/"):
            found = node.find(tag)
            node = found if found is not None else sub(node, tag)
    return document(root)


def db_name(text: str, limit: int = DB_NAME) -> str:
    """A name as Moodle stores it: its markup characters as entities (it shows names as HTML), cut to fit."""
    plain = xml_chars(text).strip()
    name = text_html(plain)
    while len(name) > limit:
        plain = shorten(plain, max(1, limit - (len(name) - limit) - 1))
        name = text_html(plain)
    return name
