"""QTI 1.2 items, one builder with two flavours: Canvas's (`canvas_qti`, for `qti12` and cc13's Canvas copy) and
the Common Cartridge profile's (`cc_qti`, for cartridge quizzes and question banks).

An item is one self-contained question: the quiz's stimulus then the statement, two answers in label order,
SCORE 100 for the right one, the explanation as general feedback shown whatever the answer. A flavour says
only what its readers require to differ: answer idents, metadata, how a label is written, and how the verdict
(right, or which label was right: in the course's language) is given, as each answer's own feedback or as Canvas's
correct and incorrect feedback. Each item is built once per flavour; a cartridge writes it into its question bank from its quiz.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape
from typing import Callable

from lxml import etree

from exporter import xhtml
from exporter.i18n.messages import Messages
from exporter.model import Item, Quiz
from exporter.writers.xmltree import Namespace, sub

QTI = Namespace("http://www.imsglobal.org/xsd/ims_qtiasiv1p2")
RESPONSE = "response1"
GENERAL_FB = "general_fb"  # the feedback shown whatever the answer (Canvas's ident for it)
CORRECT_FB, INCORRECT_FB = "correct_fb", "general_incorrect_fb"  # Canvas's right and wrong feedback
SCORE_RIGHT = "100"  # an item scores 0-100; Canvas scales it to the item's points


def metadata(parent: etree._Element, fields) -> None:
    """A qtimetadata block of (label, entry) fields."""
    meta = sub(parent, QTI("qtimetadata"))
    for label, entry in fields:
        field = sub(meta, QTI("qtimetadatafield"))
        sub(field, QTI("fieldlabel"), label)
        sub(field, QTI("fieldentry"), entry)


def mattext(parent: etree._Element, text: str, texttype: str = "text/html") -> None:
    """A material holding text (HTML as characters, escaped on output)."""
    sub(sub(parent, QTI("material")), QTI("mattext"), text, texttype=texttype)


@dataclass(frozen=True)
class Flavour:
    """What one family of readers needs of an item."""

    answer_idents: Callable[[Item], tuple[str, ...]]  # the answers' idents, in the choices' order
    metadata: Callable[[Quiz, Item, Messages], list[tuple[str, str]]]  # itemmetadata fields
    label_texttype: str  # "text/plain": the label as it is; "text/html": escaped as HTML text
    shuffle: str | None  # render_choice's shuffle attribute (None: left out)
    general_title: str | None  # the title of the condition that shows the general feedback
    # the verdict learners read after answering: "answer" (each answer's own feedback, `<ident>_fb`, as the CC
    # profile has it) or "verdict" (`correct_fb` when right, `general_incorrect_fb` otherwise: Canvas's idents)
    feedback: str


def verdict_html(texts: Messages, item: Item, right: bool) -> str:
    """The feedback saying whether an answer was right, and which choice was: HTML in the course's language."""
    if right:
        text = texts.tr("feedback.right", "Right.")
    else:
        due = unescape(item.right_choice.html)
        # Translators: {label} is the right answer's label, e.g. True, or the author's own label such as Yes
        text = texts.tr("feedback.wrong", "Not quite: the right answer is {label}.", label=due)
    return f"<p>{xhtml.text_html(text)}</p>"


class ItemBuilder:
    """Builds items in one flavour and course language; `place` appends one under a parent. Where an item appears
    twice (a cartridge quiz and its question bank), the second is a serialization of the first, not a rebuild."""

    def __init__(self, flavour: Flavour, texts: Messages):
        self.flavour = flavour
        self.texts = texts

    def place(self, parent: etree._Element, quiz: Quiz, item: Item) -> etree._Element:
        el = build_item(self.flavour, quiz, item, self.texts)
        parent.append(el)
        return el


def build_item(f: Flavour, quiz: Quiz, item: Item, texts: Messages) -> etree._Element:
    answers = f.answer_idents(item)
    right = answers[item.right_index]
    el = etree.Element(QTI("item"), ident=item.id, title=item.title)
    metadata(sub(el, QTI("itemmetadata")), f.metadata(quiz, item, texts))
    presentation = sub(el, QTI("presentation"))
    mattext(presentation, xhtml.question_xhtml(quiz, item))
    lid = sub(presentation, QTI("response_lid"), ident=RESPONSE, rcardinality="Single")
    choices = sub(lid, QTI("render_choice"), shuffle=f.shuffle)
    for ident, choice in zip(answers, item.choices):
        text = unescape(choice.html) if f.label_texttype == "text/plain" else choice.html
        mattext(sub(choices, QTI("response_label"), ident=ident), text, f.label_texttype)
    processing = sub(el, QTI("resprocessing"))
    sub(sub(processing, QTI("outcomes")), QTI("decvar"), varname="SCORE", vartype="Decimal", minvalue="0",
        maxvalue="100")
    explanation = xhtml.to_xhtml(item.explanation_html)
    if explanation:
        shown = sub(processing, QTI("respcondition"), title=f.general_title, **{"continue": "Yes"})
        sub(sub(shown, QTI("conditionvar")), QTI("other"))
        sub(shown, QTI("displayfeedback"), feedbacktype="Response", linkrefid=GENERAL_FB)
    per_answer = f.feedback == "answer"
    for ident in answers if per_answer else [right]:
        condition = sub(processing, QTI("respcondition"), title=("Right" if ident == right else "Wrong")
                        if per_answer else None, **{"continue": "No"})
        sub(sub(condition, QTI("conditionvar")), QTI("varequal"), ident, respident=RESPONSE)
        if ident == right:
            sub(condition, QTI("setvar"), SCORE_RIGHT, action="Set", varname="SCORE")
        sub(condition, QTI("displayfeedback"), feedbacktype="Response",
            linkrefid=f"{ident}_fb" if per_answer else CORRECT_FB)
    if not per_answer:  # reached only when the right answer's condition did not match
        wrong = sub(processing, QTI("respcondition"), **{"continue": "Yes"})
        sub(sub(wrong, QTI("conditionvar")), QTI("other"))
        sub(wrong, QTI("displayfeedback"), feedbacktype="Response", linkrefid=INCORRECT_FB)
    if explanation:
        _feedback(el, GENERAL_FB, explanation)
    if per_answer:
        for ident in answers:
            _feedback(el, f"{ident}_fb", verdict_html(texts, item, ident == right))
    else:
        _feedback(el, CORRECT_FB, verdict_html(texts, item, True))
        _feedback(el, INCORRECT_FB, verdict_html(texts, item, False))
    return el


def _feedback(item: etree._Element, ident: str, html: str) -> None:
    mattext(sub(sub(item, QTI("itemfeedback"), ident=ident), QTI("flow_mat")), html)


__all__ = ["CORRECT_FB", "Flavour", "GENERAL_FB", "INCORRECT_FB", "ItemBuilder", "QTI", "RESPONSE", "build_item",
           "mattext", "metadata", "verdict_html"]
