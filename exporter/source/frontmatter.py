"""Front matter and course.yml: one way to split a page, and YAML read as the author wrote it.

A page's front matter is the lines between a first line `---` and the next line `---` or `...` (YAML's
document end, which Jekyll accepts too). The YAML is composed into nodes, never constructed: each value is
the scalar's own text, so `title: yes` stays "yes" and `version: 1.10` stays "1.10" instead of becoming
True and 1.1, and a list or mapping where text belongs is an error at its line. Aliases are refused (an
alias bomb of a few hundred bytes would otherwise expand to billions of strings), and so is nesting deeper
than a few levels.

The YAML itself is composed in `yamltext`, loaded (with PyYAML) by the first text composed: a build whose front
matter and settings all come from the page cache's folder (`frontcache`) never loads PyYAML (26 ms of its start).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DEPTH = 20  # settings and front matter are flat; a few levels leave room for layouts' own keys


class MetaError(Exception):
    """Front matter or a settings file that cannot be read; `line` is the file's (1-based)."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Entry:
    """One top-level key's value."""

    kind: str  # "text" | "null" | "list" | "mapping"
    text: str  # a scalar as written (quotes and escapes resolved); "" for the others
    line: int  # the file line where the value starts
    pairs: tuple = ()  # a mapping's (key, text or None when not text, line) pairs, one level deep

    def describe(self) -> str:
        return {"list": "a list", "mapping": "a mapping", "null": "empty"}.get(self.kind, repr(self.text))


@dataclass(frozen=True)
class FrontMatter:
    yaml: str  # the front matter's text, without the two fences
    body: str
    body_first_line: int  # file line of the body's first line
    first_line: int = 2  # file line of the YAML's first line


def split_front_matter(text: str) -> FrontMatter:
    """The page's front matter and body; `text` has `\\n` line ends. Raises MetaError."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise MetaError(1, "missing front matter: a page starts with a '---' line, then title, class and "
                           "serial, then '---'")
    for n in range(1, len(lines)):
        fence = lines[n].rstrip()
        if fence in ("---", "..."):
            return FrontMatter("\n".join(lines[1:n]), "\n".join(lines[n + 1:]), n + 2)
        if len(fence) > 3 and fence.strip("-") == "":
            raise MetaError(n + 1, f"the front matter is closed by a line of {len(fence)} dashes: close it with "
                                   "exactly three, '---'")
    raise MetaError(1, "broken front matter: no closing '---' line after the title, class and serial")


def load_mapping(text: str, first_line: int = 1, *, strict: bool = False) -> dict[str, Entry]:
    """Top-level `key: value` pairs of a YAML text that starts on file line `first_line` (`yamltext.load_mapping`).
    Raises MetaError."""
    from exporter.source import yamltext  # (PyYAML with it: loaded where a text is composed)

    return yamltext.load_mapping(text, first_line, strict=strict)


def folded(text: str) -> str:
    """The text on one line: each run of whitespace a single space."""
    return " ".join(str(text).split())


def text_value(entries: dict[str, Entry], key: str, *, one_line: bool = True) -> str | None:
    """A key's text (whitespace folded to single spaces when `one_line`), None when absent or empty.
    Raises MetaError when it is a list or mapping."""
    entry = entries.get(key)
    if entry is None or entry.kind == "null":
        return None
    if entry.kind != "text":
        raise MetaError(entry.line, f"{key} is {entry.describe()}: write it as text, e.g. '{key}: ...'")
    return folded(entry.text) if one_line else entry.text.strip()
