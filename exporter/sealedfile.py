"""The small files the caches keep beside the course (`.exporter-cache/`): each written beside its place and renamed
into it, so a reader meets a whole file or none, and, where it is read back as one piece, sealed: its magic line,
the SHA-256 of its content, then the content, so a damaged, cut short or foreign file reads as none."""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def replace(path: Path, write: Callable) -> None:
    """`write(fh)` into a file beside `path`, renamed into place (an entry is whole or absent)."""
    fd, name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def write(path: Path, content: bytes, magic: bytes = b"") -> None:
    """The content sealed at `path` (its folder made); a folder that cannot be written keeps nothing."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        replace(path, lambda fh: fh.write(magic + hashlib.sha256(content).digest() + content))


def read(path: Path, magic: bytes = b"") -> bytes | None:
    """The content `write` sealed at `path`, or None when there is none or it is not whole."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    start = len(magic) + 32
    content = data[start:]
    if len(data) < start or not data.startswith(magic) or hashlib.sha256(content).digest() != data[len(magic):start]:
        return None
    return content


def read_dict(path: Path, magic: bytes = b"") -> dict:
    """A dict `write` sealed at `path` in `marshal`'s format, or an empty one when there is none, it is not whole,
    or it holds anything else."""
    content = read(path, magic)
    with contextlib.suppress(ValueError, EOFError, TypeError):
        held = marshal.loads(content) if content is not None else None
        if isinstance(held, dict):
            return held
    return {}
