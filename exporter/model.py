"""The course model: plain data, nothing format-specific.

Every writer receives one Course. HTML fields hold fragments already rendered
(page bodies as the author wrote them; quiz text sanitized), with no named
entities, so they can be embedded in HTML or, after parsing, in XML. Links to
course pages and files in them are placeholders the reader resolved
(see `links`): a writer writes them through `links.rewrite` in its own terms.
Text holds no character a package cannot carry (see `text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from exporter.links import LinkUse

DEFAULT_LABELS = ("True", "False")


@dataclass
class Item:
    id: str
    statement_html: str
    answer: bool  # True: the statement is true (the first label is right)
    explanation_html: str
    source: str
    line: int
    title: str = ""  # how LMS question banks list it: the statement's start, or the item id (`quiz.item_title`)


@dataclass
class Quiz:
    id: str
    instruction_html: str
    stimulus_html: str
    draw: int  # how many items one attempt draws from the bank
    labels: tuple[str, str]
    items: list[Item]
    line: int

    @property
    def true_false(self) -> bool:
        """True when the labels are the default True/False."""
        return tuple(self.labels) == DEFAULT_LABELS


@dataclass
class Page:
    id: str
    title: str
    serial: int
    kind: str  # "chapter" | "section"
    source: str  # path of the source file, relative to the course folder
    body_html: str  # the page before its quiz (the whole page when it has none)
    after_html: str = ""  # blocks after the quiz's item list
    quiz: Quiz | None = None
    href: str = ""  # its file name in a package: empty in the reader's model, set by the writers' layout


@dataclass
class Chapter:
    title: str
    page: Page | None  # the chapter's own page; None for pages before the first chapter
    sections: list[Page] = field(default_factory=list)

    @property
    def pages(self) -> list[Page]:
        return ([self.page] if self.page else []) + self.sections


@dataclass(frozen=True)
class LocalFile:
    """A course file carried into packages, read from disk only while a package is written (a 200 MB
    video is never held in memory whole, nor copied into every worker)."""

    path: Path
    size: int

    def read(self) -> bytes:
        return self.path.read_bytes()

    def chunks(self, size: int = 1 << 20):
        with open(self.path, "rb") as fh:
            while chunk := fh.read(size):
                yield chunk


@dataclass
class Course:
    title: str
    identifier: str
    language: str = "en"
    version: str = "1.0"
    description: str = ""
    site_url: str = ""
    strings: dict[str, str] = field(default_factory=dict)  # the author's wording for messages (see i18n), by key
    pages: list[Page] = field(default_factory=list)  # every course page, in serial order
    chapters: list[Chapter] = field(default_factory=list)  # real chapters only
    preface: list[Page] = field(default_factory=list)  # pages before the first chapter
    files: dict[str, LocalFile | bytes] = field(default_factory=dict)  # local images and files, by package path
    links: list[LinkUse] = field(default_factory=list)  # every link to a course page or file, where it stands
    skipped: list[str] = field(default_factory=list)  # source files that are not course pages

    @property
    def groups(self) -> list[Chapter]:
        """The outline: a group for pages before the first chapter (titled after the course), then the chapters."""
        lead = [Chapter(self.title, None, list(self.preface))] if self.preface else []
        return lead + self.chapters

    @property
    def quizzes(self) -> list[Quiz]:
        return [p.quiz for p in self.pages if p.quiz]

    @property
    def items(self) -> list[Item]:
        return [i for q in self.quizzes for i in q.items]
