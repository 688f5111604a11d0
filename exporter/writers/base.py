"""The interface every output format implements."""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporter import links, mathml
from exporter.model import CHOICE, KIND_NAMES, TRUE_FALSE, Course, Page, copy_with
from exporter.writers.layout import outline, page_files, unplaced, with_pages, write_links


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
    """What a writer made: the file it wrote (`path`), or, from `Writer.write` without a target, its bytes
    (`content`: what tests and tools read as `data`)."""

    path: Path | None
    pages: int
    quizzes: int
    items: int
    warnings: list[str] = field(default_factory=list)
    content: bytes | None = None
    sha256: str | None = None  # the file's digest where it is known already (copied from the cache of writer output)

    @property
    def data(self) -> bytes:
        if self.content is not None:
            return self.content
        assert self.path is not None, "an artifact is a file or bytes"
        return self.path.read_bytes()

    def save(self, dest: Path) -> None:
        """Put the artifact at `dest` (a rename when it is a file already)."""
        if self.content is not None:
            Path(dest).write_bytes(self.content)
        elif self.path is not None and Path(dest) != self.path:
            self.path.replace(dest)
            self.path = Path(dest)


class Writer:
    """One output format. Subclasses set the class attributes and implement build().

    A writer receives the finished model, with links written for it (`layout.write_links`): links to course pages and
    files written the way its package needs them (`page_link`, `file_link`). It never reads the source.
    What it cannot carry (files shown in quizzes, links from quizzes to pages, links between pages that a
    platform's import breaks) is declared here, and the build warns about it in one place, with file and line.
    """

    name: str = ""  # the --format name
    extension: str = "zip"
    title: str = ""  # the README's formats table: what it is for
    carries: str = ""  # the build report: what the package carries into the LMS (author-facing words)
    drops: str = ""  # ... and what it cannot carry ("" when nothing)
    options: tuple[Option, ...] = ()  # the build options it takes

    kinds: frozenset[str] = frozenset({TRUE_FALSE, CHOICE})  # the question kinds it carries (model.KINDS)
    pages: bool = False  # the package holds the course pages
    quiz_files: bool = False  # its quizzes show the course files they refer to (carried with them)
    quiz_pages: bool = False  # its quizzes can link to course pages
    file_prefix: str = ""  # how a page of the package reaches a course file
    quiz_file_prefix: str = ""  # how its quiz text reaches a course file
    page_mark: str | None = None  # an attribute marking links to course pages (for a runtime)
    # where the package keeps its links between pages but a platform importing it breaks them: said at each link
    page_links_break: str = ""
    math: str = "mathml"  # how its formulas are written: "mathml" (kept), "tex" or "canvas" (exporter.mathml)
    templates: tuple[str, ...] = ()  # the templates it renders (a build compiles them before its writers fork)

    target: Path  # the file build() writes the package into (set by write())
    # the build's store of this writer's fragments (exporter.build.outputcache.FragmentStore), set by a build
    # that keeps writer output; None: every fragment is made
    fragments = None

    def write(self, course: Course, options: Options | None = None, target: Path | None = None) -> Artifact:
        """The artifact for the course: the model with links written for this package, then built into the file
        `target` (a build's staging file), its members added as they are made. Without a target it is built
        in a temporary folder and returned as bytes (`Artifact.content`)."""
        course = self.reads(course)
        opts = Options({o.name: o.default for o in self.options})
        opts.update({k: v for k, v in (options or {}).items() if k in opts})
        if target is not None:
            return self._build_into(Path(target), course, opts)
        with tempfile.TemporaryDirectory(prefix="exporter-") as folder:
            artifact = self._build_into(Path(folder) / "artifact", course, opts)
            artifact.content, artifact.path = artifact.data, None
        return artifact

    def _build_into(self, target: Path, course: Course, options: Options) -> Artifact:
        """build() into `target`; if it fails, the half-written file is removed (a package's scratch file goes
        with the folder it is in: the build's staging folder, or write()'s temporary one)."""
        self.target = target
        try:
            return self.build(self.write_links(self.carried(course)), options)
        except BaseException:
            with contextlib.suppress(OSError):
                target.unlink()
            raise

    def reads(self, course: Course) -> Course:
        """What of the course this writer is handed (the cache of writer output keys on it, exporter.build.outputcache):
        the course without its source lines (`layout.unplaced`: the build says what a format cannot carry at its
        line, from the course as read); for a quiz-only format, also the pages without their text and only the
        links in quiz text, so editing a page's text leaves its artifact as it was."""
        course = unplaced(course)
        if self.pages:
            return course
        return copy_with(with_pages(course, [copy_with(p, body_html="", after_html="") for p in course.pages]),
                         links=[use for use in course.links if use.in_quiz])

    def outline(self, course: Course) -> tuple[Course, str | None]:
        """The course's outline (`layout.outline`: what a page's fragment sees of the other pages) and, when
        fragments are kept, its digest for their keys (both made once by the build: the same for every writer)."""
        if self.fragments is not None:
            return self.fragments.digests.outline_view, self.fragments.digests.outline
        return outline(course), None

    def fragment_key(self, outline_key: str | None, page: Page | None, *extra, text: bool = True) -> str | None:
        """The key of a fragment made from the outline, `page` and `extra` (plain data); text=False for one made
        from the page without its text (`body_html`, `after_html` empty). None when fragments are not kept."""
        return None if self.fragments is None else self.fragments.key(outline_key, page, extra, text)

    def build(self, course: Course, options: Options) -> Artifact:  # pragma: no cover - interface
        """Write the package into `self.target` and return Artifact(self.target, ...)."""
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

        return write_links(course, page_link, file_link, self.page_mark, self.math_step())

    def math_step(self) -> Callable[[str], str] | None:
        """Its step over each fragment holding a formula (`mathml.STEPS`), or None: when fragments are kept, the build
        has looked once whether the course holds any formula (`CourseDigests.math`), and none in the whole course
        means none in what this writer is handed; else `layout.write_links` looks in the writer's course."""
        digests = getattr(self.fragments, "digests", None)
        if digests is not None and not digests.math:
            return None
        return mathml.STEPS[self.math]

    def carried(self, course: Course) -> Course:
        """The course with only the items whose kind this format carries (the others: `uncarried`)."""
        if all(i.kind in self.kinds for i in course.items):
            return course
        pages = [copy_with(p, quiz=copy_with(p.quiz, items=[i for i in p.quiz.items if i.kind in self.kinds]))
                 if p.quiz else p for p in course.pages]
        return with_pages(course, pages)

    def uncarried(self, course: Course) -> list[tuple[str, int | None, str]]:
        """(file, line, message) for each item and link in the course this format cannot carry."""
        found = [(i.source, i.line, f"{KIND_NAMES[i.kind]} questions are not carried by {self.name}: this one is "
                  "left out of it") for i in course.items if i.kind not in self.kinds]
        for use in course.links:
            if not use.in_quiz:
                if use.target.kind == "page" and self.page_links_break:
                    found.append((use.source, use.line, self.page_links_break))
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
