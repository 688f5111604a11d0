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
from html import unescape
from typing import Iterator, NamedTuple
from pathlib import Path

from exporter.links import LinkUse

DEFAULT_LABELS = ("True", "False")  # a quiz's labels when the author names none (in the course's language)

TRUE_FALSE = "truefalse"  # a statement and the quiz's default labels, True and False
CHOICE = "choice"  # exactly one right choice of several (a statement with the author's own two labels)
KINDS = (TRUE_FALSE, CHOICE)


@dataclass
class Choice:
    html: str  # what learners read (HTML; a label is text made HTML, `xhtml.text_html`)
    right: bool


@dataclass
class Item:
    id: str
    statement_html: str
    choices: list[Choice]  # in the author's order
    explanation_html: str
    source: str
    line: int
    title: str = ""  # how LMS question banks list it: the statement's start, or the item id (`quiz.item_title`)
    kind: str = TRUE_FALSE

    @property
    def right_index(self) -> int:
        """Where the one right choice stands (true/false and choice items have exactly one)."""
        return next(n for n, c in enumerate(self.choices) if c.right)

    @property
    def right_choice(self) -> Choice:
        return self.choices[self.right_index]

    @property
    def true_false(self) -> bool:
        return self.kind == TRUE_FALSE


@dataclass
class Quiz:
    id: str
    instruction_html: str
    stimulus_html: str
    draw: int  # data-n: how many items one attempt draws from the bank, as the author wrote it
    items: list[Item]
    line: int

    @property
    def drawn(self) -> int:
        """How many items one attempt draws: data-n, at most the whole bank."""
        return min(self.draw, len(self.items))

    @property
    def labels(self) -> tuple[str, ...]:
        """The answer words its true/false items share, as learners read them (plain text; empty without
        items)."""
        return tuple(unescape(c.html) for c in self.items[0].choices) if self.items else ()


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


class Place(NamedTuple):
    """Where a page stands in the course (`Course.places`)."""

    page: Page
    chapter: Chapter
    previous: Page | None
    next: Page | None


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

    def places(self) -> Iterator[Place]:
        """Each page in course order with its chapter (an outline group) and the pages before and after it."""
        chapter_of = {id(p): g for g in self.groups for p in g.pages}
        pages = self.pages
        for n, page in enumerate(pages):
            yield Place(page, chapter_of[id(page)], pages[n - 1] if n else None,
                        pages[n + 1] if n + 1 < len(pages) else None)

    @property
    def quizzes(self) -> list[Quiz]:
        return [p.quiz for p in self.pages if p.quiz]

    @property
    def items(self) -> list[Item]:
        return [i for q in self.quizzes for i in q.items]
