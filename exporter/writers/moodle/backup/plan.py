"""The plan of a Moodle backup: every section, activity, question category and question with the ids the
backup gives them.

Moodle remaps every id on restore, so a backup needs ids that are only consistent among themselves: these are
small numbers counted from 1 in course order, the same for the same course on every build. Contexts: the
system is 1, the course 2, each activity `CONTEXT_BASE + its course module id`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exporter.model import Page, Quiz
from exporter.writers.moodle.backup.content import Area, Files

SYSTEM_CONTEXT = 1
COURSE_CONTEXT = 2
CONTEXT_BASE = 2  # an activity's context id is this plus its course module id
GRADE_CATEGORY = 1  # the course's grade category
COURSE_GRADE_ITEM = 1


@dataclass
class Answer:
    id: int
    text: str  # HTML (multichoice); plain text (Moodle's own "True"/"False", a shortanswer pattern, a number, "*")
    fraction: str  # Moodle's grade for it, 7 decimals ("1.0000000", "0.3333333", "-0.5000000")
    feedback: str  # HTML
    html: bool = False  # the text is HTML (multichoice) rather than plain
    tolerance: str | None = None  # numerical: how far from the number is still right


@dataclass
class Match:
    """One subquestion of a match question: `text` (HTML) matched to `answer` (plain); a distractor has no text."""

    id: int
    text: str
    answer: str


@dataclass
class Question:
    id: int  # also the id of its question bank entry and of its version
    name: str
    text: str  # HTML
    feedback: str  # general feedback, HTML
    qtype: str  # "truefalse" | "multichoice" | "shortanswer" | "numerical" | "match" | "essay"
    answers: list[Answer]
    stamp: str
    idnumber: str
    options: dict[str, str | int | None] = field(default_factory=dict)  # the qtype's own row, Moodle's fields
    matches: list[Match] = field(default_factory=list)  # match: the subquestions


@dataclass
class Category:
    id: int
    name: str
    info: str  # HTML
    parent: int  # 0 for the bank's top category
    sortorder: int
    stamp: str
    idnumber: str | None = None
    questions: list[Question] = field(default_factory=list)
    # the writer's fragments (exporter.build.outputcache): the key of this category's part of questions.xml, and
    # that part's bytes when they were kept, where the store holds them (its questions are then not planned again)
    key: str | None = None
    kept: bytes | memoryview | None = None
    counted: tuple[int, int, int] = (0, 0, 0)  # how many question, answer and match ids its questions use


@dataclass
class Activity:
    """One course module: a Page, a Quiz, or the question bank (mod_qbank) that holds the quizzes' questions."""

    modname: str  # "page" | "quiz" | "qbank"
    moduleid: int  # the course module id
    instanceid: int  # the id of its page/quiz/qbank row
    name: str
    section: Section
    intro: str = ""  # HTML
    content: str = ""  # a Page's content, HTML
    page: Page | None = None
    quiz: Quiz | None = None
    category: Category | None = None  # a Quiz's: the category its random questions are drawn from
    first_slot: int = 0  # a Quiz's: the id of its first slot (and of that slot's set reference)
    grade_item: int = 0  # a Quiz's grade item
    previous: Activity | None = None  # the activity whose completion opens this one

    @property
    def contextid(self) -> int:
        return CONTEXT_BASE + self.moduleid

    @property
    def directory(self) -> str:
        return f"activities/{self.modname}_{self.moduleid}"

    @property
    def key(self) -> str:
        """How moodle_backup.xml's settings name the activity."""
        return f"{self.modname}_{self.moduleid}"

    def area(self, filearea: str) -> Area:
        return Area(self.contextid, f"mod_{self.modname}", filearea, 0)


@dataclass
class Section:
    id: int
    number: int
    name: str | None  # None: Moodle's default name (section 0: "General")
    summary: str  # HTML
    activities: list[Activity] = field(default_factory=list)

    @property
    def directory(self) -> str:
        return f"sections/section_{self.id}"

    @property
    def key(self) -> str:
        return f"section_{self.id}"

    @property
    def area(self) -> Area:
        return Area(COURSE_CONTEXT, "course", "section", self.id)


@dataclass
class Plan:
    sections: list[Section]
    qbank: Activity
    categories: list[Category]  # the bank's, top first, each parent before its children
    files: Files  # every file the texts show, by file area

    @property
    def activities(self) -> list[Activity]:
        """Every activity in course order (section by section; the question bank sits in section 0)."""
        return [a for s in self.sections for a in s.activities]

    @property
    def quizzes(self) -> list[Activity]:
        return [a for a in self.activities if a.modname == "quiz"]
