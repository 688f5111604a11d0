"""Text made safe once, in the reader: characters no package can hold are an error naming file and line.

XML 1.0 (every manifest, item and question file) cannot hold C0 control characters other than tab, newline and
carriage return, nor U+FFFE/U+FFFF or lone surrogates, and HTML pages should not show them. An author never
means one (they come from pasted text, a YAML escape such as "\\x07", or an entity such as `&#1;`), so the
reader refuses them with the file, the line and the character's code, and no writer ever meets one.
"""

from __future__ import annotations

import re

BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_ENTITY = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,8})|(\d{1,10}));")


def bad_char(text: str) -> str | None:
    """The first character of text no package can hold, or None."""
    m = BAD.search(text)
    return m.group(0) if m else None


# the bytes of those characters in UTF-8 (which never holds a lone surrogate): a control character is one byte,
# U+FFFE and U+FFFF three
_BAD_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_BAD_NONCHARACTER = re.compile(b"\xef\xbf[\xbe\xbf]")


def bad_bytes(data: bytes) -> bool:
    """Whether UTF-8 text (valid: it decodes) holds a character `bad_char` finds; faster on the bytes than the
    search on the text (which looks at every character for a class of them)."""
    return len(data.translate(None, _BAD_CONTROLS)) != len(data) or _BAD_NONCHARACTER.search(data) is not None


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def message(char: str, what: str) -> str:
    return (f"{what} holds the control character {describe(char)}, which no package can carry: delete it "
            "(it often comes from pasted text, a YAML escape such as \"\\x07\" or an entity such as &#1;)")


def first_bad_line(lines: list[str], first_line: int) -> tuple[int, str] | None:
    """The file line and character of the first bad character in lines, written raw or as a numeric entity."""
    for n, line in enumerate(lines):
        char = bad_char(line)
        if char is None and "&#" in line:
            char = next((c for m in _ENTITY.finditer(line) for c in [bad_char(_referenced(m))] if c), None)
        if char is not None:
            return first_line + n, char
    return None


def _referenced(m: re.Match) -> str:
    """The character a numeric reference names, as an HTML parser reads it (lxml keeps control characters)."""
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    return chr(code) if 0 < code <= 0x10FFFF else ""


__all__ = ["BAD", "bad_char", "describe", "first_bad_line", "message"]
