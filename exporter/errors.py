"""Diagnostics: what the reader found wrong, with file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int | None
    message: str
    level: str = "error"  # error | warning | note
    format: str = ""  # the output format whose writer raised it ("" when it is about the course itself)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"


class ContentError(Exception):
    """The course source has one or more errors; each is a Diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


class UsageError(Exception):
    """The command line asked for something that cannot be done (exit code 2)."""


@dataclass
class Report:
    """Collects diagnostics during a read; raise() once the whole course was seen."""

    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)

    def error(self, path: Path | str, line: int | None, message: str) -> None:
        self.errors.append(Diagnostic(str(path), line, message))

    def warning(self, path: Path | str, line: int | None, message: str, format: str = "") -> None:
        self.warnings.append(Diagnostic(str(path), line, message, "warning", format))

    def note(self, path: Path | str, line: int | None, message: str) -> None:
        self.notes.append(Diagnostic(str(path), line, message, "note"))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(list(self.errors))
