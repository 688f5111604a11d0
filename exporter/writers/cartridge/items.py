"""The Common Cartridge QTI profile (QTI 1.2.1, CC 1.1 and 1.3): one assessment per course quiz, and the
cartridge's question bank holding every item.

Read by Moodle's CC importer (`backup/cc/entity11.quiz.class.php`) and by any CC consumer. A quiz is one
`cc.exam.v0p1` assessment whose one section holds every item of the bank (the profile has no selection,
so "draw N" is not carried). True/False quizzes are `cc.true_false.v0p1` items with answers `true` and
`false`; other labels make `cc.multiple_choice.v0p1` items with two choices. The right answer's condition
sets SCORE 100; each answer has its own feedback (right, or which label was: in the course's language); the
explanation is general feedback shown for any answer. Choices are `cc.multiple_choice.v0p1`, multiple answers
`cc.multiple_response.v0p1` (right labels' `varequal case="Yes"`, which Moodle counts), short answers `cc.fib.v0p1`,
essays `cc.essay.v0p1` (not computer-scored). The profile has no numeric or matching item: `CARRIED` says which
kinds a cartridge's CC quiz holds; the writers leave the others out, with a warning at the item's line.
"""

from __future__ import annotations

import io
from contextlib import ExitStack

from lxml import etree

from exporter import xhtml
from exporter.model import CHOICE, ESSAY, MULTIPLE, SHORT, TRUE_FALSE as TRUE_FALSE_KIND, Course, Item, Page, Quiz
from exporter.writers.qti.items12 import QTI, Flavour, ItemBuilder, mattext, metadata
from exporter.writers.splicedfile import SplicedFile
from exporter.writers.xmltree import serialize, sub

EXAM = "cc.exam.v0p1"
TRUE_FALSE = "cc.true_false.v0p1"
MULTIPLE_CHOICE = "cc.multiple_choice.v0p1"
MULTIPLE_RESPONSE = "cc.multiple_response.v0p1"
FIB = "cc.fib.v0p1"
ESSAY_PROFILE = "cc.essay.v0p1"
PROFILES = {TRUE_FALSE_KIND: TRUE_FALSE, CHOICE: MULTIPLE_CHOICE, MULTIPLE: MULTIPLE_RESPONSE, SHORT: FIB,
            ESSAY: ESSAY_PROFILE}
CARRIED = tuple(PROFILES)  # the kinds the CC QTI profile has an item profile for (no numeric, no matching)


def carried(item: Item) -> bool:
    """Whether a cartridge's CC quiz and question bank can hold the item."""
    return item.kind in PROFILES


def profile(item: Item) -> str:
    return PROFILES[item.kind]


def answer_idents(item: Item) -> tuple[str, ...]:
    """The answers' idents in the choices' order: exactly `true`/`false` for True/False items (Moodle refuses
    anything else), `choice1`, `choice2`, ... for choices."""
    return ("true", "false") if item.true_false else tuple(f"choice{n}" for n in range(1, len(item.choices) + 1))


def item_metadata(quiz: Quiz, item: Item, texts) -> list[tuple[str, str]]:
    fields = [("cc_profile", profile(item)), ("cc_weighting", "1")]
    if item.kind == ESSAY:
        fields.append(("qmd_computerscored", "No"))  # as Canvas's CC export marks an essay
    return fields


# the CC profile's items: idents Moodle requires, labels as HTML, each answer with its own feedback
FLAVOUR = Flavour(answer_idents=answer_idents, metadata=item_metadata,
                  label_texttype="text/html", shuffle="No", general_title="General feedback",
                  feedback="answer", case="Yes")


def assessment_xml(course: Course, page: Page, quiz: Quiz, ident: str, items: ItemBuilder,
                   bank: QuestionBank | None = None) -> bytes:
    """The quiz as a `cc.exam.v0p1` assessment: instruction as presentation material, one section, every item;
    each item also goes into the question bank, as it was built for the quiz."""
    root = _document()
    title = items.texts.quiz_title(page.title)
    assessment = sub(root, QTI("assessment"), ident=ident, title=title)
    assessment.set("{http://www.w3.org/XML/1998/namespace}lang", course.language)
    metadata(assessment, (
        ("cc_profile", EXAM),
        ("qmd_assessmenttype", "Examination"),
        ("qmd_scoretype", "Percentage"),
        ("qmd_feedbackpermitted", "Yes"),
        ("qmd_hintspermitted", "No"),
        ("qmd_solutionspermitted", "Yes"),
        ("cc_maxattempts", "unlimited"),
    ))
    instruction = xhtml.to_xhtml(quiz.instruction_html)
    if instruction:
        mattext(sub(sub(assessment, QTI("presentation_material")), QTI("flow_mat")), f"<p>{instruction}</p>")
    section = sub(assessment, QTI("section"), ident=f"{ident}_section", title=title)
    for item in quiz.items:
        if carried(item):
            items.place(section, quiz, item)
    data = serialize(root)
    if bank is not None:
        bank.add(section.iterchildren(QTI("item")))
    return data


class QuestionBank:
    """The cartridge's question bank (an objectbank with every item of every quiz, in course order), written as
    the quizzes are built: each item is serialized into it from its quiz's document, so it is built once and no
    item waits in memory for the bank (lxml's incremental writer), into `out` (a scratch file) or memory. Items
    written before (`splice`) go in by reference (`SplicedFile`)."""

    def __init__(self, ident: str, out=None):
        self.count = 0
        self._out = SplicedFile(out if out is not None else io.BytesIO())
        self._open = ExitStack()
        self._xf = self._open.enter_context(etree.xmlfile(self._out, encoding="UTF-8"))
        self._xf.write_declaration()
        self._open.enter_context(self._xf.element(QTI("questestinterop"), nsmap={None: str(QTI)}))
        self._open.enter_context(self._xf.element(QTI("objectbank"), ident=ident))

    def add(self, items) -> None:
        for el in items:
            self._xf.write("\n")
            self._xf.write(el, pretty_print=True)
            self.count += 1

    def mark(self) -> tuple[int, int]:
        """Where the bank stands (`since` gives what was written after)."""
        self._xf.flush()
        return self._out.tell(), self.count

    def since(self, mark: tuple[int, int]) -> tuple[bytes, int]:
        """The bytes written since `mark` and how many items they hold."""
        self._xf.flush()
        return self._out.part(mark[0], self._out.tell()), self.count - mark[1]

    def splice(self, data, count: int) -> None:
        """Items written before (`since`), put in as they were: `data` is not copied, and must stay as it is until
        the bank is read (`finish`)."""
        self._xf.flush()
        self._out.splice(data)
        self.count += count

    def finish(self):
        """The finished document, as an open file at its start (closing it closes the scratch file)."""
        self._xf.write("\n")
        self._open.close()
        return self._out.reader()

    def xml(self) -> bytes:
        """The finished document."""
        return self.finish().read()


def _document() -> etree._Element:
    return etree.Element(QTI("questestinterop"), nsmap={None: str(QTI)})


__all__ = ["CARRIED", "ESSAY_PROFILE", "EXAM", "FIB", "FLAVOUR", "ItemBuilder", "MULTIPLE_CHOICE", "MULTIPLE_RESPONSE",
           "QTI", "QuestionBank", "TRUE_FALSE", "answer_idents", "assessment_xml", "carried"]
