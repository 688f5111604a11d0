"""The interface every output format implements."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Course
from ..xhtml import local_files


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


def uncarried_files(course: Course, name: str) -> list[str]:
    """Warnings for a format that carries quiz text but not the course files it shows: one per quiz that
    refers to a local image or file, so a missing picture in the LMS is never a surprise."""
    warnings = []
    for page in course.pages:
        quiz = page.quiz
        if quiz is None:
            continue
        texts = [quiz.instruction_html, quiz.stimulus_html] + [t for i in quiz.items
                                                               for t in (i.statement_html, i.explanation_html)]
        files = list(dict.fromkeys(f for t in texts for f in local_files(t)))
        if files:
            warnings.append(f"{page.source}: the quiz refers to {', '.join(files)}, which {name} quizzes do not "
                            "carry (it will be missing in the LMS): describe it in the text, or show it on the page")
    return warnings


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
