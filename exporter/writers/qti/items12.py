"""QTI 1.2 items, one builder with two flavours: Canvas's (`canvas_qti`, for `qti12` and cc13's Canvas copy) and
the Common Cartridge profile's (`cc_qti`, for cartridge quizzes and question banks).

An item is one self-contained question: the quiz's stimulus then the statement, then what learners answer with, and
its response processing (SCORE 0-100), the explanation as general feedback shown whatever the answer. Each kind as
Canvas's own exports write it (canvas-lms `lib/cc/qti/qti_items.rb`) and its importer reads it back:
- true/false, choice: `response_lid` Single, a label per choice, the right one's condition sets SCORE 100;
- multiple: `response_lid` Multiple, one condition `<and>` of the right labels and `<not>` of the others (Canvas
  Classic Quizzes gives partial credit whatever the condition says; Moodle's cartridge import gives each right one
  1/k and the others 0);
- short: `response_str` with `render_fib`, one `varequal` per accepted answer in one condition;
- numeric: `render_fib fibtype="Decimal"`; exact with a margin as `<or><varequal>x</varequal><and><vargte>x-m
  </vargte><varlte>x+m</varlte></and></or>` (Canvas: exact_answer with that margin), a range as bare `vargte` and
  `varlte` (range_answer);
- matching: a `response_lid` per left item (`response_<ident>`) offering every right option and the distractors,
  each right match adding its share of 100 (Canvas's `setvar action="Add"`);
- essay: `response_str`, no score (a person grades it).
A flavour says only what its readers require to differ: answer idents, metadata, how a label is written, and how
the verdict (right, or what was right: in the course's language) is given, as each answer's own feedback or as
Canvas's correct and incorrect feedback. Each item is built once per flavour; a cartridge writes it into its
question bank from its quiz.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from html import unescape
from typing import Callable

from babel.numbers import format_decimal
from lxml import etree

from exporter import xhtml
from exporter.i18n.messages import Messages
from exporter.model import CHOICE, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, TRUE_FALSE, Item, Quiz
from exporter.writers.xmltree import Namespace, sub

QTI = Namespace("http://www.imsglobal.org/xsd/ims_qtiasiv1p2")
RESPONSE = "response1"
FIB_LABEL = "answer1"  # the one blank of a short, numeric or essay item (Canvas's ident for it)
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
    # the verdict learners read after answering a true/false or choice item: "answer" (each answer's own feedback,
    # `<ident>_fb`, as the CC profile has it) or "verdict" (`correct_fb` when right, `general_incorrect_fb`
    # otherwise: Canvas's idents). The other kinds always give `correct_fb` and `general_incorrect_fb`.
    feedback: str
    case: str | None = None  # the `case` attribute of a multiple item's varequal (Moodle counts right ones by it)


def number_text(value: str, texts: Messages) -> str:
    """An exact decimal as learners of the course's language write it (a decimal comma in German, French, ...)."""
    return format_decimal(Decimal(value), locale=texts.number_locale, decimal_quantization=False,
                          group_separator=False)


def answer_text(item: Item, texts: Messages) -> str:
    """The right answer as plain text, for the verdict's {label}."""
    if item.kind in (TRUE_FALSE, CHOICE):  # a label is text made HTML; a typed choice may hold markup
        html = item.right_choice.html
        return xhtml.to_text(html) if "<" in html else unescape(html)
    if item.kind == MULTIPLE:
        return ", ".join(xhtml.to_text(c.html) for c in item.choices if c.right)
    if item.kind == SHORT:
        return item.answers[0]
    if item.kind == NUMERIC:
        n = item.numeric
        if n.range:
            return f"{number_text(n.low, texts)}\u2013{number_text(n.high, texts)}"
        if Decimal(n.margin):
            return f"{number_text(n.value, texts)} \u00b1 {number_text(n.margin, texts)}"
        return number_text(n.value, texts)
    if item.kind == MATCHING:
        return "; ".join(f"{xhtml.to_text(p.left_html)} \u2192 {xhtml.to_text(p.right_html)}" for p in item.matches)
    raise ValueError(f"{item.kind} items have no right answer")


def verdict_html(texts: Messages, item: Item, right: bool) -> str:
    """The feedback saying whether an answer was right, and what was: HTML in the course's language."""
    if right:
        text = texts.tr("feedback.right", "Right.")
    else:
        # Translators: {label} is the right answer's label, e.g. True, or the author's own label such as Yes
        text = texts.tr("feedback.wrong", "Not quite: the right answer is {label}.", label=answer_text(item, texts))
    return f"<p>{xhtml.text_html(text)}</p>"


def _joined(*parts: str) -> str:
    """Feedback fragments in order, as one well-formed XHTML fragment (the empty ones left out)."""
    return "\n".join(p for p in (xhtml.to_xhtml(p) if p.strip() else "" for p in parts) if p)


class ItemBuilder:
    """Builds items in one flavour and course language; `place` appends one under a parent. Where an item appears
    twice (a cartridge quiz and its question bank), the second is a serialization of the first, not a rebuild.

    Statements share their shape with every statement that has the same labels, the same right one (so the same
    verdicts, in the course's language) and an explanation or none. The first statement of each shape is built in
    full and kept as a prototype; the next ones are copies of it (lxml copies a tree in C) with their own values set
    in the places `Prototype` recorded, which writes the same bytes as a full build at a fraction of its cost."""

    def __init__(self, flavour: Flavour, texts: Messages):
        self.flavour = flavour
        self.texts = texts
        self._prototypes: dict[tuple, Prototype] = {}

    def place(self, parent: etree._Element, quiz: Quiz, item: Item) -> etree._Element:
        shape = statement_shape(quiz, item)
        if shape is None:
            el = build_item(self.flavour, quiz, item, self.texts)
        else:
            explanation = xhtml.to_xhtml(item.explanation_html)  # converted once: for the shape and to fill it in
            shape += (bool(explanation),)
            prototype = self._prototypes.get(shape)
            if prototype is not None:
                el = prototype.make(self.flavour, quiz, item, self.texts, explanation)
            else:
                el = build_item(self.flavour, quiz, item, self.texts)
                self._prototypes[shape] = Prototype(self.flavour, el, item)
        parent.append(el)
        return el


def statement_shape(quiz: Quiz, item: Item) -> tuple | None:
    """What makes two statements' items alike, in any quiz, but for their identifiers, title, question and
    explanation, and whether there is an explanation, which each builder adds as it tells it (None: the item is not
    a plain statement answered with the quiz's labels, true/false or the author's own: a typed item, or one with
    feedback of the author's own)."""
    if not item.labelled or item.right_feedback_html.strip() or item.wrong_feedback_html.strip() or any(
            c.feedback_html.strip() for c in item.choices):
        return None
    return quiz.shuffle, tuple(c.html for c in item.choices), item.right_index


class Prototype:
    """A statement's item as built in full, and where in it (by position in document order) the values that differ
    from item to item of its shape stand: the item's ident and title, its metadata entries, the question, the
    answers' idents wherever they appear (labels, conditions, feedback references) and the explanation."""

    def __init__(self, f: Flavour, el: etree._Element, item: Item):
        self.tree = copy.deepcopy(el)
        answers = f.answer_idents(item)
        # each answer ident, and its feedback's, as (which answer, suffix)
        idents = {a: (k, "") for k, a in enumerate(answers)} | {f"{a}_fb": (k, "_fb") for k, a in enumerate(answers)}
        self.entries: list[int] = []  # metadata fieldentry elements, in order
        self.question = self.explanation = -1  # their mattext elements
        self.attributes: list[tuple[int, str, int, str]] = []  # (element, attribute, answer, suffix): an answer ident
        self.texts: list[tuple[int, int, str]] = []  # (element, answer, suffix): an element whose text is one
        in_presentation = in_general = False
        nodes = list(self.tree.iter())
        for n, node in enumerate(nodes):
            name = etree.QName(node).localname
            if name == "fieldentry":
                self.entries.append(n)
            elif name == "presentation":
                in_presentation = True
            elif name == "mattext" and in_presentation and self.question < 0:
                self.question = n
            elif name == "itemfeedback":
                in_general = node.get("ident") == GENERAL_FB
            elif name == "mattext" and in_general:
                self.explanation, in_general = n, False
            for attribute in ("ident", "linkrefid"):
                if node.get(attribute) in idents:
                    self.attributes.append((n, attribute, *idents[node.get(attribute)]))
            if name == "varequal" and node.text in idents:
                self.texts.append((n, *idents[node.text]))
        self.entry_texts = [nodes[n].text for n in self.entries]

    def make(self, f: Flavour, quiz: Quiz, item: Item, texts: Messages, explanation: str) -> etree._Element:
        """A copy for `item`; `explanation` is its explanation as XHTML (empty where its shape has none)."""
        el = self.tree.__copy__()  # (lxml copies the whole tree either way; this skips copy.deepcopy's memo)
        nodes = list(el.iter())
        el.set("ident", item.id)
        el.set("title", item.title)
        for n, was, (_, entry) in zip(self.entries, self.entry_texts, f.metadata(quiz, item, texts)):
            if entry != was:  # (most are the same for every item of the shape: its type, its points)
                nodes[n].text = entry
        nodes[self.question].text = xhtml.question_xhtml(quiz, item)
        if self.explanation >= 0:
            nodes[self.explanation].text = explanation
        answers = f.answer_idents(item)
        for n, attribute, k, suffix in self.attributes:
            nodes[n].set(attribute, answers[k] + suffix)
        for n, k, suffix in self.texts:
            nodes[n].text = answers[k] + suffix
        return el


def build_item(f: Flavour, quiz: Quiz, item: Item, texts: Messages) -> etree._Element:
    el = etree.Element(QTI("item"), ident=item.id, title=item.title)
    metadata(sub(el, QTI("itemmetadata")), f.metadata(quiz, item, texts))
    presentation = sub(el, QTI("presentation"))
    mattext(presentation, xhtml.question_xhtml(quiz, item))
    if item.kind in (TRUE_FALSE, CHOICE):
        _one_choice(el, presentation, f, quiz, item, texts)
        return el
    _kind_builders[item.kind](el, presentation, f, quiz, item, texts)
    return el


def _choices(presentation: etree._Element, f: Flavour, quiz: Quiz, item: Item, cardinality: str) -> tuple[str, ...]:
    """The response_lid with a label per choice, in the author's order; returns the labels' idents."""
    answers = f.answer_idents(item)
    lid = sub(presentation, QTI("response_lid"), ident=RESPONSE, rcardinality=cardinality)
    shuffle = "Yes" if quiz.shuffle and f.shuffle is not None else f.shuffle
    choices = sub(lid, QTI("render_choice"), shuffle=shuffle)
    for ident, choice in zip(answers, item.choices):
        label = sub(choices, QTI("response_label"), ident=ident)
        if f.label_texttype != "text/plain":
            mattext(label, choice.html, f.label_texttype)
        elif "<" in choice.html:  # a choice with markup (a label is text made HTML): as HTML, as Canvas writes it
            mattext(label, xhtml.to_xhtml(choice.html), "text/html")
        else:
            mattext(label, unescape(choice.html), "text/plain")
    return answers


def _processing(el: etree._Element, f: Flavour, item: Item) -> tuple[etree._Element, str]:
    """resprocessing with SCORE declared and, when the item has an explanation, the condition showing it first."""
    processing = sub(el, QTI("resprocessing"))
    sub(sub(processing, QTI("outcomes")), QTI("decvar"), varname="SCORE", vartype="Decimal", minvalue="0",
        maxvalue="100")
    explanation = xhtml.to_xhtml(item.explanation_html)
    if explanation:
        shown = sub(processing, QTI("respcondition"), title=f.general_title, **{"continue": "Yes"})
        sub(sub(shown, QTI("conditionvar")), QTI("other"))
        sub(shown, QTI("displayfeedback"), feedbacktype="Response", linkrefid=GENERAL_FB)
    return processing, explanation


def _one_choice(el, presentation, f: Flavour, quiz: Quiz, item: Item, texts: Messages) -> None:
    """True/false and choice items: one right label."""
    answers = _choices(presentation, f, quiz, item, "Single")
    right = answers[item.right_index]
    processing, explanation = _processing(el, f, item)
    per_answer = f.feedback == "answer"
    own = {ident: c.feedback_html for ident, c in zip(answers, item.choices) if c.feedback_html.strip()}
    if not per_answer:  # Canvas: each choice's own feedback where it has one, whatever else is shown
        for ident in own:
            _show_when(processing, ident, f"{ident}_fb")
    for ident in answers if per_answer else [right]:
        condition = sub(processing, QTI("respcondition"), title=("Right" if ident == right else "Wrong")
                        if per_answer else None, **{"continue": "No"})
        sub(sub(condition, QTI("conditionvar")), QTI("varequal"), ident, respident=RESPONSE)
        if ident == right:
            sub(condition, QTI("setvar"), SCORE_RIGHT, action="Set", varname="SCORE")
        sub(condition, QTI("displayfeedback"), feedbacktype="Response",
            linkrefid=f"{ident}_fb" if per_answer else CORRECT_FB)
    if not per_answer:  # reached only when the right answer's condition did not match
        _otherwise(processing, INCORRECT_FB)
    if explanation:
        _feedback(el, GENERAL_FB, explanation)
    if per_answer:
        for ident in answers:
            ok = ident == right
            _feedback(el, f"{ident}_fb", _verdict(texts, item, ok, own.get(ident, "")))
    else:
        _feedback(el, CORRECT_FB, _verdict(texts, item, True))
        _feedback(el, INCORRECT_FB, _verdict(texts, item, False))
        for ident, html in own.items():
            _feedback(el, f"{ident}_fb", xhtml.to_xhtml(html))


def _verdict(texts: Messages, item: Item, right: bool, own: str = "") -> str:
    """The verdict, then the choice's own feedback, then the author's feedback for a right or a wrong answer."""
    author = item.right_feedback_html if right else item.wrong_feedback_html
    verdict = verdict_html(texts, item, right)
    if not own.strip() and not author.strip():
        return verdict
    return _joined(verdict, own, author)


def _show_when(processing: etree._Element, ident: str, feedback: str) -> None:
    """A condition showing a label's own feedback when it is picked, processing going on."""
    shown = sub(processing, QTI("respcondition"), **{"continue": "Yes"})
    sub(sub(shown, QTI("conditionvar")), QTI("varequal"), ident, respident=RESPONSE)
    sub(shown, QTI("displayfeedback"), feedbacktype="Response", linkrefid=feedback)


def _otherwise(processing: etree._Element, feedback: str | None, last: bool = False) -> etree._Element:
    """A condition that always holds, showing `feedback`. `last`: the item's last condition, ending processing, as
    the CC profile's readers need of a verdict (Moodle's import takes every `continue="Yes"` condition's feedback as
    the question's general feedback)."""
    condition = sub(processing, QTI("respcondition"), **{"continue": "No" if last else "Yes"})
    sub(sub(condition, QTI("conditionvar")), QTI("other"))
    if feedback:
        sub(condition, QTI("displayfeedback"), feedbacktype="Response", linkrefid=feedback)
    return condition


def _scored(processing: etree._Element, title: str | None = None) -> tuple[etree._Element, etree._Element]:
    """The condition that sets SCORE 100 (its conditionvar to be filled), showing the right verdict."""
    condition = sub(processing, QTI("respcondition"), title=title, **{"continue": "No"})
    test = sub(condition, QTI("conditionvar"))
    return condition, test


def _score_right(condition: etree._Element) -> None:
    sub(condition, QTI("setvar"), SCORE_RIGHT, action="Set", varname="SCORE")
    sub(condition, QTI("displayfeedback"), feedbacktype="Response", linkrefid=CORRECT_FB)


def _verdicts(el: etree._Element, texts: Messages, item: Item, explanation: str) -> None:
    if explanation:
        _feedback(el, GENERAL_FB, explanation)
    _feedback(el, CORRECT_FB, _verdict(texts, item, True))
    _feedback(el, INCORRECT_FB, _verdict(texts, item, False))


def _multiple(el, presentation, f: Flavour, quiz: Quiz, item: Item, texts: Messages) -> None:
    """Right when every right label is ticked and no other: one condition, as Canvas and Moodle export it."""
    answers = _choices(presentation, f, quiz, item, "Multiple")
    processing, explanation = _processing(el, f, item)
    own = {ident: c.feedback_html for ident, c in zip(answers, item.choices) if c.feedback_html.strip()}
    canvas = f.feedback == "verdict"
    if canvas:  # Canvas: a ticked label's own feedback first, processing going on (its exports' order)
        for ident in own:
            _show_when(processing, ident, f"{ident}_fb")
    condition, test = _scored(processing, None if canvas else "Right")
    every = sub(test, QTI("and"))
    for ident, choice in zip(answers, item.choices):
        parent = every if choice.right else sub(every, QTI("not"))
        sub(parent, QTI("varequal"), ident, respident=RESPONSE, case=f.case)
    _score_right(condition)
    if not canvas:  # the CC profile (Moodle's own export): each ticked label's feedback after the right condition
        for ident in own:
            shown = sub(processing, QTI("respcondition"), title="Choice feedback", **{"continue": "No"})
            sub(sub(shown, QTI("conditionvar")), QTI("varequal"), ident, respident=RESPONSE)
            sub(shown, QTI("displayfeedback"), feedbacktype="Response", linkrefid=f"{ident}_fb")
    _otherwise(processing, INCORRECT_FB, last=f.feedback != "verdict")
    _verdicts(el, texts, item, explanation)
    for ident, html in own.items():
        _feedback(el, f"{ident}_fb", xhtml.to_xhtml(html))


def _blank(presentation: etree._Element, f: Flavour, fibtype: str | None = None, rshuffle: str | None = "No") -> None:
    """The one text box of a short, numeric or essay item."""
    box = sub(presentation, QTI("response_str"), ident=RESPONSE, rcardinality="Single")
    sub(sub(box, QTI("render_fib"), fibtype=fibtype), QTI("response_label"), ident=FIB_LABEL, rshuffle=rshuffle)


def _short(el, presentation, f: Flavour, quiz: Quiz, item: Item, texts: Messages) -> None:
    """Right when the answer is one of the accepted ones (case-insensitive: `varequal` without case="Yes")."""
    _blank(presentation, f)
    processing, explanation = _processing(el, f, item)
    condition, test = _scored(processing, None if f.feedback == "verdict" else "Right")
    for answer in item.answers:
        sub(test, QTI("varequal"), answer, respident=RESPONSE)
    _score_right(condition)
    _otherwise(processing, INCORRECT_FB, last=f.feedback != "verdict")
    _verdicts(el, texts, item, explanation)


def _numeric(el, presentation, f: Flavour, quiz: Quiz, item: Item, texts: Messages) -> None:
    """Canvas's numerical_question: exact with its margin, or a range (its exports' two forms)."""
    _blank(presentation, f, fibtype="Decimal", rshuffle=None)
    processing, explanation = _processing(el, f, item)
    condition, test = _scored(processing)
    n = item.numeric
    if n.range:
        sub(test, QTI("vargte"), n.low, respident=RESPONSE)
        sub(test, QTI("varlte"), n.high, respident=RESPONSE)
    else:
        either = sub(test, QTI("or"))
        sub(either, QTI("varequal"), n.value, respident=RESPONSE)
        near = sub(either, QTI("and"))
        sub(near, QTI("vargte"), n.low, respident=RESPONSE)
        sub(near, QTI("varlte"), n.high, respident=RESPONSE)
    _score_right(condition)
    _otherwise(processing, INCORRECT_FB, last=f.feedback != "verdict")
    _verdicts(el, texts, item, explanation)


def match_idents(item: Item) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """A matching item's left idents (one per pair, in order) and its options (ident, text): every distinct right
    text, in the author's order, distractors included. An option's ident is `m<n>`: Canvas's importer takes the
    first run of digits in it as the match's id, so the number must come first and be unique in the item."""
    lefts = tuple(f"{item.id}_l{n}" for n in range(1, len(item.matches) + 1))
    options: dict[str, str] = {}
    for pair in item.pairs:
        text = xhtml.to_text(pair.right_html)
        options.setdefault(text, f"m{len(options) + 1}")
    return lefts, [(ident, text) for text, ident in options.items()]


def _matching(el, presentation, f: Flavour, quiz: Quiz, item: Item, texts: Messages) -> None:
    """Canvas's matching_question: a response_lid per left item offering every option; each right match adds its
    share of 100 (the last share takes the rest, so all right is exactly 100)."""
    lefts, options = match_idents(item)
    by_text = {text: ident for ident, text in options}
    for ident, pair in zip(lefts, item.matches):
        lid = sub(presentation, QTI("response_lid"), ident=f"response_{ident}")
        mattext(lid, xhtml.to_xhtml(pair.left_html))
        choices = sub(lid, QTI("render_choice"))
        for option, text in options:
            mattext(sub(choices, QTI("response_label"), ident=option), text, "text/plain")
    processing, explanation = _processing(el, f, item)
    count = len(item.matches)
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    rights = []
    for n, (ident, pair) in enumerate(zip(lefts, item.matches), start=1):
        right = by_text[xhtml.to_text(pair.right_html)]
        rights.append((ident, right))
        condition = sub(processing, QTI("respcondition"), **{"continue": "Yes"})
        sub(sub(condition, QTI("conditionvar")), QTI("varequal"), right, respident=f"response_{ident}")
        points = share if n < count else Decimal(100) - share * (count - 1)
        sub(condition, QTI("setvar"), str(int(points)) if points == points.to_integral() else str(points),
            action="Add", varname="SCORE")
    for feedback, negate in ((CORRECT_FB, False), (INCORRECT_FB, True)):
        condition = sub(processing, QTI("respcondition"), **{"continue": "Yes"})
        test = sub(condition, QTI("conditionvar"))
        every = sub(sub(test, QTI("not")) if negate else test, QTI("and"))
        for ident, right in rights:
            sub(every, QTI("varequal"), right, respident=f"response_{ident}")
        sub(condition, QTI("displayfeedback"), feedbacktype="Response", linkrefid=feedback)
    _verdicts(el, texts, item, explanation)


def _essay(el, presentation, f: Flavour, quiz: Quiz, item: Item, texts: Messages) -> None:
    """A text box and no score: a person grades it (Canvas: essay_question; CC: cc.essay)."""
    _blank(presentation, f)
    processing, explanation = _processing(el, f, item)
    sub(sub(sub(processing, QTI("respcondition"), **{"continue": "No"}), QTI("conditionvar")), QTI("other"))
    if explanation:
        _feedback(el, GENERAL_FB, explanation)


_kind_builders = {MULTIPLE: _multiple, SHORT: _short, NUMERIC: _numeric, MATCHING: _matching, ESSAY: _essay}


def _feedback(item: etree._Element, ident: str, html: str) -> None:
    mattext(sub(sub(item, QTI("itemfeedback"), ident=ident), QTI("flow_mat")), html)


__all__ = ["CORRECT_FB", "FIB_LABEL", "Flavour", "GENERAL_FB", "INCORRECT_FB", "ItemBuilder", "QTI", "RESPONSE",
           "answer_text", "build_item", "match_idents", "mattext", "metadata", "number_text", "verdict_html"]
