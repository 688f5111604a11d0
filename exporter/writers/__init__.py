"""The registry of output formats: one module per format, one line here."""

from __future__ import annotations

from .base import Artifact, Options, Writer
from .cc11 import Cc11Writer
from .cc13 import Cc13Writer
from .html import HtmlWriter
from .moodle import MoodleXmlWriter
from .moodle_backup import MoodleBackupWriter
from .qti12 import CanvasQti12Writer
from .qti21 import Qti21Writer
from .qti30 import Qti30Writer
from .scorm12 import Scorm12Writer
from .scorm2004 import Scorm2004Writer

WRITERS: dict[str, type[Writer]] = {w.name: w for w in (
    HtmlWriter,
    Scorm12Writer,
    Scorm2004Writer,
    CanvasQti12Writer,
    Qti21Writer,
    Qti30Writer,
    MoodleXmlWriter,
    Cc11Writer,
    Cc13Writer,
    MoodleBackupWriter,
)}

__all__ = ["WRITERS", "Artifact", "Options", "Writer", "select"]


def select(spec: str) -> list[Writer]:
    """Writers for a --format value: comma-separated names, or 'all'."""
    from ..errors import UsageError

    names = [n.strip().lower() for n in spec.split(",") if n.strip()]
    if not names:
        raise UsageError(f"--format is empty: choose from {', '.join(WRITERS)} or all")
    if names == ["all"]:
        return [cls() for cls in WRITERS.values()]
    unknown = [n for n in names if n not in WRITERS]
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)}: choose from {', '.join(WRITERS)} or all")
    return [WRITERS[n]() for n in dict.fromkeys(names)]
