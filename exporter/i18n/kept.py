"""Catalogs compiled, and whole numbers written in a language's format, once: kept in a folder (a build's cache
folder, `keep_in`) for the builds after it.

Compiling a catalog from its .po source (Babel's reader, in Python) and loading a language's number format (Babel's
locale data) cost a build more than writing what one edited page changes. Both give the same output for the same
input and Babel version, so each is kept by a digest of them: a compiled catalog by its source's bytes, a number's
text by the language. Each file is sealed (`sealedfile`): a damaged, cut short or foreign file is not used (the
catalog is compiled, the number formatted, again), never an error. Without a folder nothing is kept.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable
from pathlib import Path

import babel

from exporter import sealedfile

VERSION = 1
_folder: Path | None = None
_numbers: dict[str, dict[int, str]] = {}  # by language: the numbers read from its file, and those formatted since


def keep_in(folder: Path | None) -> None:
    """From now on, keep compiled catalogs and numbers' texts in `folder` (None: keep nothing)."""
    global _folder
    if folder != _folder:
        _folder = folder
        _numbers.clear()


def _name(kind: str, *parts: bytes) -> str:
    h = hashlib.sha256(f"{kind} {VERSION} Babel {babel.__version__}\0".encode())
    for part in parts:
        h.update(part + b"\0")
    return f"{kind}-{h.hexdigest()[:32]}"


def catalog(source: bytes, compile: Callable[[bytes], bytes]) -> bytes:
    """The compiled (.mo) bytes of a catalog's .po `source`: `compile(source)`, or as kept from an earlier build."""
    if _folder is None:
        return compile(source)
    path = _folder / (_name("catalog", source) + ".mo")
    kept = sealedfile.read(path)
    if kept is None:
        kept = compile(source)
        sealedfile.write(path, kept)
    return kept


def number(language: str, n: int, format: Callable[[int], str]) -> str:
    """A whole number in `language`'s format: `format(n)`, or as kept from an earlier build."""
    if _folder is None:
        return format(n)
    path = _folder / (_name("numbers", language.encode("utf-8", "surrogatepass")) + ".marshal")
    known = _numbers.get(language)
    if known is None:
        known = _numbers[language] = {k: v for k, v in sealedfile.read_dict(path).items()
                                      if type(k) is int and type(v) is str}
    text = known.get(n)
    if text is None:
        text = known[n] = format(n)
        sealedfile.write(path, marshal.dumps(known, 4))
    return text
