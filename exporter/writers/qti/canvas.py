"""Canvas's flavour of QTI 1.2, one course quiz at a time: the questestinterop document and Canvas's
`assessment_meta.xml` settings, as Canvas's own exports and text2qti write them.

Shared by `qti12` (a QTI .zip for Canvas's importer) and Common Cartridge 1.3 (which carries a copy
of each quiz in this flavour). A quiz is one assessment whose root section holds one question group
drawing `quiz.draw` items at 1 point each; every item is self-contained (stimulus, then statement).
"""

from __future__ import annotations

import functools

from lxml import etree

from exporter import xhtml
from exporter.i18n.messages import Messages, messages_for
from exporter.model import (CHOICE_KINDS, DEFAULT_LABELS, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, Course, Item,
                            Page, Quiz)
from exporter.writers.qti.items12 import QTI, Flavour, ItemBuilder, match_idents, metadata
from exporter.writers.xmltree import Namespace, serialize, sub

CANVAS = Namespace("http://canvas.instructure.com/xsd/cccv1p0")
XSI = Namespace("http://www.w3.org/2001/XMLSchema-instance")
QTI_LOCATION = f"{QTI} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CANVAS_LOCATION = f"{CANVAS} https://canvas.instructure.com/xsd/cccv1p0.xsd"

POINTS_PER_ITEM = 1


def quiz_ident(quiz: Quiz) -> str:
    """The Canvas quiz identifier: the assessment ident, assessment_meta's identifier and the manifest resource id."""
    return quiz.id


def meta_ident(quiz: Quiz) -> str:
    """The manifest resource that holds the quiz's assessment_meta.xml."""
    return f"{quiz_ident(quiz)}_meta"


def answer_idents(item: Item) -> tuple[str, ...]:
    """The answers' idents, in the choices' order."""
    return tuple(f"{item.id}_a{n}" for n in range(1, len(item.choices) + 1))


QUESTION_TYPES = {MULTIPLE: "multiple_answers_question", SHORT: "short_answer_question",
                  NUMERIC: "numerical_question", MATCHING: "matching_question", ESSAY: "essay_question"}


def question_type(item: Item) -> str:
    """Canvas's question_type for the item. Canvas keeps a true_false_question only when its answers read True and
    False; other labels, True and False in another language included, are two choices."""
    if item.kind in QUESTION_TYPES:
        return QUESTION_TYPES[item.kind]
    return "true_false_question" if item.true_false and item.choices and \
        tuple(c.html for c in item.choices) == DEFAULT_LABELS else "multiple_choice_question"


def original_answer_ids(item: Item) -> tuple[str, ...]:
    """What Canvas's exports list as the question's answers: the choices, each accepted short answer, the numeric
    answer, the left items of a matching question (their response_lids); none for an essay."""
    if item.kind in CHOICE_KINDS:
        return answer_idents(item)
    if item.kind == SHORT:
        return tuple(f"{item.id}_a{n}" for n in range(1, len(item.answers) + 1))
    if item.kind == NUMERIC:
        return (f"{item.id}_a1",)
    if item.kind == MATCHING:
        return match_idents(item)[0]
    return ()


def points_possible(quiz: Quiz) -> int:
    """What one attempt is worth: the drawn items, not the bank."""
    return quiz.drawn * POINTS_PER_ITEM


def settings(quiz: Quiz) -> list[tuple[str, str]]:
    """assessment_meta's settings after title and description, in the order Canvas writes them.

    A graded quiz (quiz_type "assignment": it counts in the gradebook, where a "practice_quiz" is never
    graded) set up for practice: unlimited attempts, the best one kept, right answers shown after every
    submission, the answers in the author's order unless the quiz shuffles them, unpublished until the teacher
    publishes it."""
    return [
        ("shuffle_answers", "true" if quiz.shuffle else "false"),
        ("scoring_policy", "keep_highest"),
        ("hide_results", ""),  # empty: results are never hidden
        ("quiz_type", "assignment"),
        ("points_possible", str(points_possible(quiz))),
        ("require_lockdown_browser", "false"),
        ("require_lockdown_browser_for_results", "false"),
        ("require_lockdown_browser_monitor", "false"),
        ("show_correct_answers", "true"),
        ("anonymous_submissions", "false"),
        ("could_be_locked", "false"),
        ("allowed_attempts", "-1"),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
        ("available", "false"),
        ("one_time_results", "false"),
        ("show_correct_answers_last_attempt", "false"),
        ("only_visible_to_overrides", "false"),
        ("module_locked", "false"),
    ]


def description_html(quiz: Quiz) -> str:
    """The quiz description: the instruction, then the stimulus, as well-formed XHTML."""
    parts = [f"<p>{quiz.instruction_html}</p>" if quiz.instruction_html.strip() else "", quiz.stimulus_html]
    return xhtml.to_xhtml("\n".join(p for p in parts if p.strip()))


def _metadata(quiz: Quiz, item: Item, texts: Messages) -> list[tuple[str, str]]:
    return [
        ("question_type", question_type(item)),
        ("points_possible", str(POINTS_PER_ITEM)),
        ("original_answer_ids", ",".join(original_answer_ids(item))),
        ("assessment_question_identifierref", f"{item.id}_aq"),
    ]


# Canvas's items: answers named after the item, labels as plain text, the explanation as general feedback, and the
# verdict as Canvas's correct and incorrect comments
FLAVOUR = Flavour(answer_idents=answer_idents, metadata=_metadata,
                  label_texttype="text/plain", shuffle=None, general_title=None, feedback="verdict")


def canvas_items(course: Course) -> ItemBuilder:
    """The builder of the course's items in Canvas's flavour: one per artifact, so its prototypes serve every quiz."""
    return ItemBuilder(FLAVOUR, messages_for(course))


def assessment_xml(course: Course, page: Page, quiz: Quiz, items: ItemBuilder) -> bytes:
    """The questestinterop document (Canvas flavour): one assessment, its root section, one question group. Its
    frame is a copy of one tree (`_assessment_shape`) with the quiz's values set; then its items."""
    root = _assessment_shape().__copy__()
    title = _title(page.title)
    assessment = root[0]
    assessment.set("ident", quiz_ident(quiz))
    assessment.set("title", title)
    assessment.set("{http://www.w3.org/XML/1998/namespace}lang", course.language)
    group = assessment[1][0]
    group.set("ident", f"{quiz_ident(quiz)}_group")
    group.set("title", title)
    group[0][0][0].text = str(quiz.draw)  # selection_ordering/selection/selection_number
    for item in quiz.items:
        items.place(group, quiz, item)
    return serialize(root)


@functools.cache
def _assessment_shape() -> etree._Element:
    """The questestinterop document without its items, its quiz's values empty and its attributes in place (in
    their order), to be set."""
    root = etree.Element(QTI("questestinterop"), nsmap={None: str(QTI), "xsi": str(XSI)})
    root.set(XSI("schemaLocation"), QTI_LOCATION)
    assessment = sub(root, QTI("assessment"), ident="", title="")
    assessment.set("{http://www.w3.org/XML/1998/namespace}lang", "")
    metadata(assessment, (("cc_maxattempts", "unlimited"),))
    group = sub(sub(assessment, QTI("section"), ident="root_section"), QTI("section"), ident="", title="")
    selection = sub(sub(group, QTI("selection_ordering")), QTI("selection"))
    sub(selection, QTI("selection_number"))
    sub(sub(selection, QTI("selection_extension")), QTI("points_per_item"), str(POINTS_PER_ITEM))
    return root


def assessment_meta_xml(course: Course, page: Page, quiz: Quiz) -> bytes:
    """Canvas's settings for the quiz: title, description, points and the practice-quiz settings (the quiz's
    gradebook entry, `assignment`, among them). Every quiz's file has the same elements: a copy of one empty tree
    (lxml copies it in C) with each element's value set in order."""
    root = _meta_shape().__copy__()
    root.set("identifier", quiz_ident(quiz))
    title = _title(page.title)
    values = [title, description_html(quiz), *(value for _, value in settings(quiz))]
    for el, value in zip(root, values):
        el.text = value
    assignment = root[len(values)]
    assignment.set("identifier", assignment_ident(quiz))
    for el, (_, value) in zip(assignment, _assignment_fields(title, quiz)):
        el.text = value
    return serialize(root)


_ANY_QUIZ = Quiz(id="", instruction_html="", stimulus_html="", draw=0, items=[], line=0)  # (for names only)


@functools.cache
def _meta_shape() -> etree._Element:
    """assessment_meta's elements in their order, empty, and its attributes in place (in their order), to be set:
    the title, the description, the settings, the assignment with its fields, its overrides."""
    root = etree.Element(CANVAS("quiz"), nsmap={None: str(CANVAS), "xsi": str(XSI)}, identifier="")
    root.set(XSI("schemaLocation"), CANVAS_LOCATION)
    for name in ("title", "description", *(name for name, _ in settings(_ANY_QUIZ))):
        sub(root, CANVAS(name))
    assignment = sub(root, CANVAS("assignment"), identifier="")
    for name, _ in _assignment_fields("", _ANY_QUIZ):
        sub(assignment, CANVAS(name))
    sub(root, CANVAS("assignment_overrides"))
    return root


def assignment_ident(quiz: Quiz) -> str:
    return f"{quiz_ident(quiz)}_assignment"


def _assignment_fields(title: str, quiz: Quiz) -> list[tuple[str, str]]:
    """The quiz's gradebook entry. Canvas builds one itself for a graded quiz from a plain QTI or CC import, but
    not when it takes the package for one of its own exports (a cartridge with course_settings/): then only this
    block gives the quiz its assignment, so every quiz carries it, as Canvas's exports and text2qti do."""
    return [
        ("title", title),
        ("workflow_state", "unpublished"),  # published with the quiz
        ("quiz_identifierref", quiz_ident(quiz)),
        ("points_possible", str(points_possible(quiz))),
        ("grading_type", "points"),
        ("submission_types", "online_quiz"),
        ("all_day", "false"),
        ("omit_from_final_grade", "false"),
    ]


def _title(text: str) -> str:
    return xhtml.xml_chars(text).strip()


__all__ = ["CANVAS", "QTI", "assessment_meta_xml", "assessment_xml", "canvas_items", "meta_ident", "points_possible",
           "quiz_ident"]
