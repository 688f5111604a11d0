"""Front matter read once per text: what `frontmatter.load_mapping` gives for a page's front matter (and for the
settings file, course.yml), kept in the page cache's folder for the builds after it, so a build composes again only
the front matter that changed, and one that changed none never loads PyYAML.

Reading every page's front matter (libyaml composing it, Python resolving each scalar's type) took about a
twentieth of a build after a one-page edit. An entry is kept by the YAML's text, the line it starts on and the code
(`cache.code_digest`: every module of the package, PyYAML's version and whether libyaml is there): the same text
gives the same entries. Front matter with an error is never kept (it is read again, and reported as reading
reports it). One file, sealed (`sealedfile`: MAGIC, the SHA-256 of the rest, then a dict in `marshal`'s format); a
damaged, cut short or foreign file is empty. It holds what the last build used, and others up to `LIMIT` (two courses
built from one working folder keep each other's).
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

from exporter import sealedfile
from exporter.source import frontmatter
from exporter.source.frontmatter import Entry

MAGIC = b"exporter front matter 1\n"
LIMIT = 100_000  # entries kept besides the last build's


class FrontMatters:
    """`load(text, first_line)`: `frontmatter.load_mapping`'s entries, from the file when it holds them; `save()`
    once the read is over."""

    def __init__(self, path: Path, code: str):
        self.path = path
        self.salt = f"{code}\0".encode()  # (the code digest names PyYAML's files: whether libyaml is there too)
        self.held: dict | None = None  # read at the first load
        self.used: dict[bytes, tuple] = {}
        self.found = 0  # entries read from the file (for tests and the curious)

    def load(self, text: str, first_line: int) -> dict[str, Entry]:
        if self.held is None:
            self.held = sealedfile.read_dict(self.path, MAGIC)
        key = hashlib.sha256(self.salt + f"{first_line}\0{text}".encode("utf-8", "surrogatepass")).digest()[:16]
        kept = self.held.get(key)
        entries = _entries(kept) if kept is not None else None
        if entries is None:
            entries = frontmatter.load_mapping(text, first_line)  # (MetaError: read again next time)
            kept = tuple((name, e.kind, e.text, e.line, e.pairs) for name, e in entries.items())
        else:
            self.found += 1
        self.used[key] = kept
        return entries

    def save(self) -> None:
        """Keep what this read used (and what else the file held, up to `LIMIT`), if that is not what it holds."""
        held = self.held or {}
        if self.found == len(self.used) and all(key in held for key in self.used):
            return  # every entry read from the file: it holds them already
        keep = dict(self.used)
        for key, value in held.items():
            if len(keep) >= len(self.used) + LIMIT:
                break
            keep.setdefault(key, value)
        sealedfile.write(self.path, marshal.dumps(keep, 4), MAGIC)


def _entries(kept) -> dict[str, Entry] | None:
    """The entries as kept, or None when what is kept does not have their shape."""
    try:
        out = {}
        for name, kind, text, line, pairs in kept:
            if not (isinstance(name, str) and kind in ("text", "null", "list", "mapping") and isinstance(text, str)
                    and type(line) is int and isinstance(pairs, tuple)):
                return None
            out[name] = Entry(kind, text, line, pairs)
        return out
    except (TypeError, ValueError):
        return None
