"""The interface every output format implements."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Course


@dataclass
class Options:
    """Build options some writers read (the rest ignore them)."""

    scorm_mode: str = "pages"  # "pages": one SCO per page; "course": one SCO for the whole course


@dataclass
class Artifact:
    data: bytes
    pages: int
    quizzes: int
    items: int
    warnings: list[str] = field(default_factory=list)


class Writer:
    """One output format. Subclasses set the class attributes and implement write().

    A writer receives the finished model; it never reads the source. Course pages
    sit flat in one folder of a package under their `page.href`, with the course's
    local files (`course.files`) at their own paths beside them, so links made by
    the reader work unchanged.
    """

    name: str = ""  # the --format name
    extension: str = "zip"
    title: str = ""  # shown in --help and the README's formats table

    def write(self, course: Course, options: Options) -> Artifact:  # pragma: no cover - interface
        raise NotImplementedError

    def filename(self, course: Course) -> str:
        return f"{course.identifier}-{self.name}.{self.extension}"
