"""The Common Cartridge QTI profile (QTI 1.2.1, CC 1.1 and 1.3): one assessment per course quiz, and the
cartridge's question bank holding every item.

Read by Moodle's CC importer (`backup/cc/entity11.quiz.class.php`) and by any CC consumer. A quiz is one
`cc.exam.v0p1` assessment whose one section holds every item of the bank (the profile has no selection,
so "draw N" is not carried). True/False quizzes are `cc.true_false.v0p1` items with answers `true` and
`false`; other labels make `cc.multiple_choice.v0p1` items with two choices. The right answer's condition
sets SCORE 100; each answer has its own feedback; the explanation is general feedback shown for any answer.
"""

from __future__ import annotations

from lxml import etree

from .. import xhtml
from ..model import Course, Item, Page, Quiz
from ..xmltree import serialize, sub
from .qti1 import GENERAL_FB, QTI, RESPONSE, item_title, mattext, metadata, show_general_feedback

EXAM = "cc.exam.v0p1"
TRUE_FALSE = "cc.true_false.v0p1"
MULTIPLE_CHOICE = "cc.multiple_choice.v0p1"


def quiz_title(page: Page) -> str:
    """The title a course quiz has in a cartridge (organization item, assessment, module item)."""
    return f"Quiz: {xhtml.xml_chars(page.title).strip()}"


def profile(quiz: Quiz) -> str:
    return TRUE_FALSE if quiz.true_false else MULTIPLE_CHOICE


def answer_idents(quiz: Quiz) -> tuple[str, str]:
    """The two answers' idents in label order: exactly `true`/`false` for True/False items (Moodle refuses
    anything else), `choice1`/`choice2` for custom labels."""
    return ("true", "false") if quiz.true_false else ("choice1", "choice2")


def assessment_xml(course: Course, page: Page, quiz: Quiz, ident: str) -> bytes:
    """The quiz as a `cc.exam.v0p1` assessment: instruction as presentation material, one section, every item."""
    root = _document()
    assessment = sub(root, QTI("assessment"), ident=ident, title=quiz_title(page))
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
    section = sub(assessment, QTI("section"), ident=f"{ident}_section", title=quiz_title(page))
    for item in quiz.items:
        item_element(section, quiz, item)
    return serialize(root)


def question_bank_xml(course: Course, ident: str) -> bytes:
    """The cartridge's question bank: an objectbank with every item of every quiz, in course order."""
    root = _document()
    bank = sub(root, QTI("objectbank"), ident=ident)
    for quiz in course.quizzes:
        for item in quiz.items:
            item_element(bank, quiz, item)
    return serialize(root)


def item_element(parent: etree._Element, quiz: Quiz, item: Item) -> etree._Element:
    """One self-contained question (stimulus, then statement) with its two answers, scoring and feedback."""
    answers = answer_idents(quiz)
    right = answers[0] if item.answer else answers[1]
    el = sub(parent, QTI("item"), ident=item.id, title=item_title(item))
    metadata(sub(el, QTI("itemmetadata")), (("cc_profile", profile(quiz)), ("cc_weighting", "1")))
    presentation = sub(el, QTI("presentation"))
    mattext(presentation, xhtml.question_xhtml(quiz, item))
    lid = sub(presentation, QTI("response_lid"), ident=RESPONSE, rcardinality="Single")
    choices = sub(lid, QTI("render_choice"), shuffle="No")
    for ident, label in zip(answers, quiz.labels):
        mattext(sub(choices, QTI("response_label"), ident=ident), xhtml.text_html(label))
    processing = sub(el, QTI("resprocessing"))
    sub(sub(processing, QTI("outcomes")), QTI("decvar"), varname="SCORE", vartype="Decimal", minvalue="0",
        maxvalue="100")
    explanation = xhtml.to_xhtml(item.explanation_html)
    if explanation:
        show_general_feedback(processing, title="General feedback")
    for ident in answers:
        condition = sub(processing, QTI("respcondition"), title="Right" if ident == right else "Wrong",
                        **{"continue": "No"})
        sub(sub(condition, QTI("conditionvar")), QTI("varequal"), ident, respident=RESPONSE)
        if ident == right:
            sub(condition, QTI("setvar"), "100", varname="SCORE", action="Set")
        sub(condition, QTI("displayfeedback"), feedbacktype="Response", linkrefid=f"{ident}_fb")
    if explanation:
        _feedback(el, GENERAL_FB, explanation)
    right_label = quiz.labels[answers.index(right)]
    for ident in answers:
        text = "Right." if ident == right else f"Not quite: the right answer is {xhtml.text_html(right_label)}."
        _feedback(el, f"{ident}_fb", f"<p>{text}</p>")
    return el


def _document() -> etree._Element:
    return etree.Element(QTI("questestinterop"), nsmap={None: str(QTI)})


def _feedback(item: etree._Element, ident: str, html: str) -> None:
    mattext(sub(sub(item, QTI("itemfeedback"), ident=ident), QTI("flow_mat")), html)


__all__ = ["EXAM", "MULTIPLE_CHOICE", "QTI", "TRUE_FALSE", "answer_idents", "assessment_xml", "item_element",
           "question_bank_xml", "quiz_title"]
