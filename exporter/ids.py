"""Stable identifiers: derived from content, valid XML NCNames, never random."""

from __future__ import annotations

import hashlib
import re

_NOT_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def slug(text: str) -> str:
    """A lower-case, dash-separated NCName made from any text."""
    s = _NOT_NAME.sub("-", text.strip().lower()).strip("-.")
    s = re.sub(r"-{2,}", "-", s)
    if not s:
        s = "course"
    if not (s[0].isalpha() or s[0] == "_"):
        s = "c-" + s
    return s


def file_stem(text: str) -> str:
    """A safe file name stem (not necessarily an NCName): letters, digits, '-', '_', '.'."""
    s = _NOT_NAME.sub("-", text.strip()).strip("-.")
    return s or "page"


def is_ncname(s: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", s))


def digest(text: str, length: int = 10) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def page_id(course_id: str, serial: int) -> str:
    return f"{course_id}_p{serial}"


def quiz_id(page_ident: str) -> str:
    return f"{page_ident}_quiz"


def item_id(page_ident: str, source_text: str, taken: dict[str, int]) -> str:
    """An item's id: its page and a digest of its source; a repeat within the bank gets a suffix (_2, _3...).
    `taken` counts the ids given per digest in this bank, so a thousand repeats cost no more than one."""
    base = f"{page_ident}_i{digest(source_text, 8)}"
    n = taken.get(base, 0) + 1
    taken[base] = n
    return base if n == 1 else f"{base}_{n}"
