"""The course model: plain data, nothing format-specific.

Every writer receives one Course. HTML fields hold fragments already rendered
(page bodies as the author wrote them; quiz text sanitized), with no named
entities, so they can be embedded in HTML or, after parsing, in XML. Links to
course pages and files in them are placeholders the reader resolved
(see `links`): a writer writes them through `links.rewrite` in its own terms.
Text holds no character a package cannot carry (see `text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from html import unescape
from typing import Callable, Iterator, NamedTuple
from pathlib import Path

from exporter.links import LinkUse

_PLAIN: dict[type, frozenset[str] | None] = {}  # each class `copy_with` met: its field names, or None


def copy_with(obj, **changes):
    """`dataclasses.replace(obj, **changes)` at less than half its cost (a warm build copies its pages for each
    writer: thousands of copies): the new object's fields set directly, for a dataclass whose `__init__` does
    nothing else (no `__post_init__`, every field in it, no slots) and an object holding its fields only (no
    cached property); anything else, or a name that is not a field, goes through `replace`."""
    cls = type(obj)
    names = _PLAIN.get(cls, False)
    if names is False:
        names = _PLAIN[cls] = _plain_fields(cls)
    state = getattr(obj, "__dict__", None)
    if names is None or state is None or state.keys() != names or not names.issuperset(changes):
        return replace(obj, **changes)
    new = object.__new__(cls)
    new.__dict__.update(state)
    new.__dict__.update(changes)
    return new


def _plain_fields(cls: type) -> frozenset[str] | None:
    try:
        found = fields(cls)
    except TypeError:  # not a dataclass
        return None
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__") or any(not f.init for f in found):
        return None
    return frozenset(f.name for f in found)


DEFAULT_LABELS = ("True", "False")  # a quiz's labels when the author names none (in the course's language)

TRUE_FALSE = "truefalse"  # a statement, answered with the quiz's default labels True and False (`/Y/`, `/N/`)
CHOICE = "choice"  # exactly one right choice of two or more (`a)` ... `*c)`; a statement with the author's labels)
MULTIPLE = "multiple"  # at least one right choice; right = every right one ticked, no other (`[ ]` / `[*]`)
SHORT = "short"  # a typed answer: any accepted one, case-insensitive, spaces collapsed (`* text`)
NUMERIC = "numeric"  # a number from a range (`= 5`, `= 1.4142 +- 0.0001`, `= 3 +- 5%`, `= [1.2, 1.3]`)
MATCHING = "matching"  # each left item matched to its right one, extra right ones as distractors (`~ l -> r`)
ESSAY = "essay"  # free text that a person grades (`____`): never auto-graded, never right or wrong here
KINDS = (TRUE_FALSE, CHOICE, MULTIPLE, SHORT, NUMERIC, MATCHING, ESSAY)
KIND_NAMES = {TRUE_FALSE: "true/false", CHOICE: "multiple choice", MULTIPLE: "multiple answer", SHORT: "short answer",
              NUMERIC: "numeric", MATCHING: "matching", ESSAY: "essay"}  # what authors call them (messages)
CHOICE_KINDS = (TRUE_FALSE, CHOICE, MULTIPLE)  # the kinds whose answers are `Item.choices`


@dataclass
class Choice:
    html: str  # what learners read (HTML; a label is text made HTML, `xhtml.text_html`)
    right: bool
    feedback_html: str = ""  # shown when this choice is picked (`...` right after it)


@dataclass
class Numeric:
    """A numeric item's right answers: every number from `low` to `high`, both included. Numbers are decimal
    strings computed exactly (no float), as `Decimal` would print them: "0.5", "-3", "1.41415"."""

    low: str
    high: str
    value: str  # the number the author gave (a range's midpoint): the answer a learner is shown
    margin: str  # how far from `value` is still right, absolute ("0" when exact; a percent margin made absolute)
    range: bool = False  # written as a range `[low, high]` rather than a value and a margin


@dataclass
class Pair:
    """A matching item's line: `left_html` is matched to `right_html`; a distractor has no left ("")."""

    left_html: str
    right_html: str


HTML_FIELDS = ("statement_html", "explanation_html", "right_feedback_html", "wrong_feedback_html")


@dataclass
class Item:
    id: str
    statement_html: str
    choices: list[Choice]  # true/false, choice, multiple: in the author's order; [] for the other kinds
    explanation_html: str  # general feedback, shown after any answer (`...` before the answers)
    source: str
    line: int
    title: str = ""  # how LMS question banks list it: the statement's start, or the item id (`quiz.item_title`)
    kind: str = TRUE_FALSE
    answers: list[str] = field(default_factory=list)  # short: the accepted answers, plain text as written
    numeric: Numeric | None = None  # numeric: the right range
    pairs: list[Pair] = field(default_factory=list)  # matching: the pairs, then the distractors, as written
    right_feedback_html: str = ""  # shown when the answer is right (`+`)
    wrong_feedback_html: str = ""  # shown when it is not (`-`)
    labelled: bool = False  # a statement answered with the quiz's labels (`/Y/`, `/N/`): true/false or data-opt

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

    @property
    def graded(self) -> bool:
        """Whether the answer is graded automatically (every kind but essay)."""
        return self.kind != ESSAY

    @property
    def matches(self) -> list[Pair]:
        """A matching item's pairs without its distractors."""
        return [p for p in self.pairs if p.left_html]

    def html_parts(self) -> Iterator[str]:
        """Every HTML part it shows: the parts `map_html` changes."""
        for name in HTML_FIELDS:
            yield getattr(self, name)
        for choice in self.choices:
            yield choice.html
            yield choice.feedback_html
        for pair in self.pairs:
            yield pair.left_html
            yield pair.right_html

    def map_html(self, change: Callable[[str], str]) -> Item:
        """The item with `change` applied to every HTML part it shows (statement, feedback, choices, pairs);
        itself when nothing changes."""
        new = {k: change(getattr(self, k)) for k in HTML_FIELDS}
        choices = [Choice(change(c.html), c.right, change(c.feedback_html)) for c in self.choices]
        pairs = [Pair(change(p.left_html), change(p.right_html)) for p in self.pairs]
        if all(new[k] is getattr(self, k) for k in HTML_FIELDS) and choices == self.choices and pairs == self.pairs:
            return self
        return replace(self, choices=choices, pairs=pairs, **new)


@dataclass
class Quiz:
    id: str
    instruction_html: str
    stimulus_html: str
    draw: int  # data-n: how many items one attempt draws from the bank, as the author wrote it
    items: list[Item]
    line: int
    shuffle: bool = False  # data-shuffle="choices": each attempt shows choices (and matching options) shuffled

    @property
    def drawn(self) -> int:
        """How many items one attempt draws: data-n, at most the whole bank."""
        return min(self.draw, len(self.items))

    @property
    def statements(self) -> bool:
        """Whether every item is a statement answered with the quiz's labels (a true/false quiz)."""
        return all(i.labelled for i in self.items)

    @property
    def labels(self) -> tuple[str, ...]:
        """The answer words its statements share, as learners read them (plain text; empty without any)."""
        first = next((i for i in self.items if i.labelled), None)
        return tuple(unescape(c.html) for c in first.choices) if first else ()


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
