"""The interface every output format implements."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from exporter import links, mathml
from exporter.model import Course
from exporter.writers.layout import write_links, page_files


@dataclass(frozen=True)
class Option:
    """A build option a writer takes: its name (`scorm_mode` is `--scorm-mode`), choices, default and help."""

    name: str
    default: str
    choices: tuple[str, ...]
    help: str

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


class Options(dict):
    """The build's option values by name; a writer reads the ones it declares (`Writer.options`)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Artifact:
    data: bytes
    pages: int
    quizzes: int
    items: int
    warnings: list[str] = field(default_factory=list)


class Writer:
    """One output format. Subclasses set the class attributes and implement build().

    A writer receives the finished model, with links written for it (`layout.write_links`): links to course pages and
    files written the way its package needs them (`page_link`, `file_link`). It never reads the source.
    What it cannot carry (files shown in quizzes, links from quizzes to pages) is declared here, and the
    build warns about it in one place, with file and line.
    """

    name: str = ""  # the --format name
    extension: str = "zip"
    title: str = ""  # the README's formats table: what it is for
    carries: str = ""  # the build report: what the package carries into the LMS (author-facing words)
    drops: str = ""  # ... and what it cannot carry ("" when nothing)
    options: tuple[Option, ...] = ()  # the build options it takes

    pages: bool = False  # the package holds the course pages
    quiz_files: bool = False  # its quizzes show the course files they refer to (carried with them)
    quiz_pages: bool = False  # its quizzes can link to course pages
    file_prefix: str = ""  # how a page of the package reaches a course file
    quiz_file_prefix: str = ""  # how its quiz text reaches a course file
    page_mark: str | None = None  # an attribute marking links to course pages (for a runtime)
    math: str = "mathml"  # how its formulas are written: "mathml" (kept), "tex" or "canvas" (exporter.mathml)

    def write(self, course: Course, options: Options | None = None) -> Artifact:
        """The artifact for the course: the model with links written for this package, then built."""
        opts = Options({o.name: o.default for o in self.options})
        opts.update({k: v for k, v in (options or {}).items() if k in opts})
        return self.build(self.write_links(course), opts)

    def build(self, course: Course, options: Options) -> Artifact:  # pragma: no cover - interface
        raise NotImplementedError

    def write_links(self, course: Course) -> Course:
        hrefs = page_files(course)

        def page_link(target: links.Target, in_quiz: bool) -> str | None:
            if not self.pages or (in_quiz and not self.quiz_pages):
                return None
            return hrefs[target.ref] + (f"#{target.fragment}" if target.fragment else "")

        def file_link(target: links.Target, in_quiz: bool) -> str | None:
            if in_quiz and not self.quiz_files:
                return None
            return links.file_url(self.quiz_file_prefix if in_quiz else self.file_prefix)(target)

        return write_links(course, page_link, file_link, self.page_mark, mathml.STEPS[self.math])

    def uncarried(self, course: Course) -> list[tuple[str, int | None, str]]:
        """(file, line, message) for each link in the course this format cannot carry."""
        found = []
        for use in course.links:
            if not use.in_quiz:
                continue
            if use.target.kind == "file" and not self.quiz_files:
                found.append((use.source, use.line, f"the quiz shows {use.target.ref}, which {self.name} quizzes "
                              "do not carry (it is left out there): describe it in the text, or show it on the page"))
            elif use.target.kind == "page" and not (self.pages and self.quiz_pages):
                found.append((use.source, use.line, "the quiz links to another course page, which "
                              f"{self.name} quizzes cannot link to (the link shows as plain text there)"))
        return found

    def filename(self, course: Course) -> str:
        return f"{course.identifier}-{self.name}.{self.extension}"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser, seen: set[str]) -> None:
        """Its options on the command line (each once, whichever writers share it)."""
        for option in cls.options:
            if option.name not in seen:
                seen.add(option.name)
                parser.add_argument(option.flag, dest=option.name, choices=option.choices, default=option.default,
                                    help=f"{option.help} (default: {option.default})")
