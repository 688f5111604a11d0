"""The registry of output formats: one module per format, one line here."""

from __future__ import annotations

from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.cartridge.cc11 import Cc11Writer
from exporter.writers.cartridge.cc13 import Cc13Writer
from exporter.writers.html import HtmlWriter
from exporter.writers.moodle.backup.writer import MoodleBackupWriter
from exporter.writers.moodle.moodlexml import MoodleXmlWriter
from exporter.writers.qti.qti12 import CanvasQti12Writer
from exporter.writers.qti.qti21 import Qti21Writer
from exporter.writers.qti.qti30 import Qti30Writer
from exporter.writers.scorm.scorm12 import Scorm12Writer
from exporter.writers.scorm.scorm2004 import Scorm2004Writer

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
    from exporter.errors import UsageError

    names = [n.strip().lower() for n in spec.split(",") if n.strip()]
    if not names:
        raise UsageError(f"--format is empty: choose from {', '.join(WRITERS)} or all")
    if names == ["all"]:
        return [cls() for cls in WRITERS.values()]
    unknown = [n for n in names if n not in WRITERS]
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)}: choose from {', '.join(WRITERS)} or all")
    return [WRITERS[n]() for n in dict.fromkeys(names)]
