"""`moodle`: a Moodle XML question file for the question bank (Question bank > Import > Moodle XML format).

One `category` pseudo-question per quiz page (`$course$/<course>/<chapter>/<page>`; Moodle creates the
chapter categories from the path), its `<info>` holding the quiz instruction and the draw count in words,
since Moodle XML cannot carry "draw N" (authors add a random question with that count). Then one
question per item, of the Moodle type its kind becomes (`questiontypes`): `truefalse` when the labels are
True/False, otherwise a single-choice `multichoice` with the author's two labels in order (each answer's feedback
the verdict in the course's language: "Right.", or which label was right); `multichoice` for choice and multiple
answers, `shortanswer`, `numerical`, `matching` and `essay`. The explanation is the general feedback; the question
text is the stimulus, then the statement.
"""

from __future__ import annotations

import os

from lxml import etree

from exporter.i18n.messages import Messages, messages_for
from exporter.model import KINDS, MULTIPLE, Course, Item, Page, Quiz
from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.moodle import questiontypes as moodle_types
from exporter.writers.xmltree import DECLARATION, ChildStream, sub
from exporter.xhtml import question_xhtml, text_html, to_xhtml


def category_path(names: list[str]) -> str:
    """Moodle's category path: names joined by '/', a '/' inside a name doubled, a name that would start or
    end with '/' padded with a space (as `qformat_default::assemble_category_path` writes it)."""
    parts = []
    for name in names:
        part = name.replace("/", "//")
        if part.startswith("/"):
            part = " " + part
        if part.endswith("/"):
            part = part + " "
        parts.append(part)
    return "/".join(parts)


def plain_name(text: str) -> str:
    """A category or question name as Moodle stores it: it strips tags from names (PARAM_TEXT) and shows
    them as HTML, so markup characters go in as entities and display as themselves."""
    return text_html(text).strip()


def draw_sentence(texts: Messages, quiz: Quiz) -> str:
    """The category's note on what the course draws, since Moodle XML cannot say "draw N"."""
    n, draw = len(quiz.items), quiz.drawn
    if draw >= n:
        return texts.trn("moodle.draw-all", "Each attempt uses this question.",
                         "Each attempt uses all {total} of these questions.", n, total=n)
    return texts.trn("moodle.draw", "Each attempt draws {draw} of these {total} questions: in a Moodle quiz, add a "
                     "random question from this category with {draw} as the number of questions.",
                     "Each attempt draws {draw} of these {total} questions: in a Moodle quiz, add a random question "
                     "from this category with {draw} as the number of questions.", n, draw=draw, total=n)


def html_field(parent: etree._Element, tag: str, xhtml: str, **attrs: str) -> etree._Element:
    """`<tag format="html"><text>` holding well-formed XHTML (from `to_xhtml`) in CDATA, or as escaped text
    when it holds `]]>`, which no CDATA section can (lxml before 6 refuses it; later ones split it)."""
    el = sub(parent, tag, **attrs, format="html")
    sub(el, "text").text = etree.CDATA(xhtml) if xhtml and "]]>" not in xhtml else xhtml
    return el


def text_field(parent: etree._Element, tag: str, text: str) -> etree._Element:
    el = sub(parent, tag)
    sub(el, "text", text)
    return el


class MoodleXmlWriter(Writer):
    name = "moodle"
    kinds = frozenset(KINDS)  # every question kind, as its Moodle question type (questiontypes)
    math = "tex"  # Moodle's MathJax filter typesets \( \) and $$ $$
    extension = "xml"
    title = "Moodle XML question file (question bank import: a category per page, every question type)"
    carries = ("each quiz's items in a question category per page, every type as its Moodle question type, with "
               "labels, answers, grades and feedback")
    drops = ("the pages; \"draw N\" (only described); images and files shown in quiz text; an essay's right/wrong "
             "feedback")

    def build(self, course: Course, options: Options) -> Artifact:
        """Each page's category and questions written once made. With the writer's fragments, they are one
        fragment: their bytes, made from the course outline and the page (without its text), kept as a piece of
        the file and put in as they were when the key is the same."""
        view, outline_key = self.outline(course)
        self.texts = messages_for(view)
        store, kept = self.fragments, []
        root = etree.Element("quiz")
        with open(self.target, "wb") as fh:
            out = ChildStream(fh, root, DECLARATION)
            for group in course.groups:
                for page in group.pages:
                    if page.quiz is None:
                        continue
                    key = self.fragment_key(outline_key, page, "category", group.title, text=False)
                    hit = store.get(key) if key is not None else None
                    out.start()  # (the writer's buffer is empty here: start, raw and the sync below hand it all over)
                    start = fh.tell()
                    if hit is not None:
                        out.raw(b"".join(data for _, data, _, _ in hit[1]))
                    else:
                        self.add_category(root, view, group.title, page)
                        for item in page.quiz.items:
                            self.add_question(root, view, page.quiz, item)
                        out.flush()
                        out.sync()
                    if key is not None:
                        kept.append((key, None, [("", start, fh.tell() - start, 0, fh.tell() - start)]))
            out.close()
        if store is not None:
            with open(self.target, "rb") as fh:
                store.save(kept, lambda to, offset, size: to.write(os.pread(fh.fileno(), size, offset)))
        return Artifact(self.target, 0, len(course.quizzes), len(course.items))

    def add_category(self, root: etree._Element, course: Course, chapter: str, page: Page) -> None:
        quiz = page.quiz
        assert quiz is not None
        question = sub(root, "question", type="category")
        path = category_path(["$course$"] + [plain_name(n) for n in (course.title, chapter, page.title)])
        text_field(question, "category", path)
        info = f"<div>{quiz.instruction_html}</div>\n<p>{text_html(draw_sentence(self.texts, quiz))}</p>"
        html_field(question, "info", to_xhtml(info))
        sub(question, "idnumber", quiz.id)

    def uncarried(self, course: Course) -> list[tuple[str, int | None, str]]:
        return super().uncarried(course) + [(item.source, item.line, message) for item in course.items
                                            for message in moodle_types.uncarried(item)]

    def add_question(self, root: etree._Element, course: Course, quiz: Quiz, item: Item) -> None:
        kind = moodle_types.qtype(item)
        explanation = to_xhtml(item.explanation_html)
        question = sub(root, "question", type="matching" if kind == "match" else kind)
        text_field(question, "name", f"{plain_name(item.title)} [{short_id(course, item)}]")
        html_field(question, "questiontext", question_xhtml(quiz, item))
        html_field(question, "generalfeedback", explanation)
        sub(question, "defaultgrade", "1")
        sub(question, "penalty", "0")  # practice: no penalty
        sub(question, "hidden", "0")
        sub(question, "idnumber", item.id)
        {"truefalse": self.truefalse, "multichoice": self.multichoice, "shortanswer": self.shortanswer,
         "numerical": self.numerical, "match": self.match, "essay": self.essay}[kind](question, quiz, item)

    def truefalse(self, question: etree._Element, quiz: Quiz, item: Item) -> None:
        for text, choice in zip(("true", "false"), item.choices):
            answer = sub(question, "answer", fraction="100" if choice.right else "0", format="moodle_auto_format")
            sub(answer, "text", text)
            html_field(answer, "feedback", moodle_types.choice_feedback(self.texts, item, choice))

    def multichoice(self, question: etree._Element, quiz: Quiz, item: Item) -> None:
        multiple = item.kind == MULTIPLE
        sub(question, "single", "false" if multiple else "true")
        sub(question, "shuffleanswers", "true" if quiz.shuffle else "false")  # else the author's order
        sub(question, "answernumbering", "none")
        self.combined_feedback(question, item)
        for choice, fraction in zip(item.choices, moodle_types.fractions(item)):
            answer = html_field(question, "answer", to_xhtml(choice.html), fraction=moodle_types.percent(fraction))
            html_field(answer, "feedback", moodle_types.choice_feedback(self.texts, item, choice))

    def shortanswer(self, question: etree._Element, quiz: Quiz, item: Item) -> None:
        sub(question, "usecase", "0")  # case-insensitive
        for accepted in item.answers:
            self.plain_answer(question, "100", moodle_types.short_pattern(accepted), item.right_feedback_html)
        self.any_other_answer(question, item)

    def numerical(self, question: etree._Element, quiz: Quiz, item: Item) -> None:
        assert item.numeric is not None
        value, tolerance = moodle_types.numeric_answer(item.numeric)
        sub(self.plain_answer(question, "100", value, item.right_feedback_html), "tolerance", tolerance)
        other = self.any_other_answer(question, item)
        if other is not None:
            sub(other, "tolerance", "0")
        sub(question, "unitgradingtype", "0")
        sub(question, "unitpenalty", "0.1000000")
        sub(question, "showunits", "3")  # no units: the number alone
        sub(question, "unitsleft", "0")

    def match(self, question: etree._Element, quiz: Quiz, item: Item) -> None:
        sub(question, "shuffleanswers", "true" if quiz.shuffle else "false")  # the pairs' order (Moodle always
        self.combined_feedback(question, item)  # shuffles the options in the menus)
        for pair in item.pairs:  # a distractor: an empty subquestion with its answer
            subquestion = html_field(question, "subquestion", to_xhtml(pair.left_html))
            text_field(subquestion, "answer", moodle_types.match_answer(pair.right_html))

    def essay(self, question: etree._Element, quiz: Quiz, item: Item) -> None:
        sub(question, "responseformat", "editor")
        sub(question, "responserequired", "1")
        sub(question, "responsefieldlines", "15")  # Moodle's default
        sub(question, "attachments", "0")
        sub(question, "attachmentsrequired", "0")
        html_field(question, "graderinfo", "")
        html_field(question, "responsetemplate", "")

    # --- feedback ----------------------------------------------------------------------------------------

    def combined_feedback(self, question: etree._Element, item: Item) -> None:
        """Moodle's overall feedback of multichoice and match: right, or not (partially right is not right)."""
        if not (item.right_feedback_html.strip() or item.wrong_feedback_html.strip()):
            return
        right, wrong = to_xhtml(item.right_feedback_html), to_xhtml(item.wrong_feedback_html)
        for tag, text in (("correctfeedback", right), ("partiallycorrectfeedback", wrong),
                          ("incorrectfeedback", wrong)):
            html_field(question, tag, text)

    def plain_answer(self, question: etree._Element, fraction: str, text: str, feedback: str) -> etree._Element:
        answer = sub(question, "answer", fraction=fraction, format="moodle_auto_format")
        sub(answer, "text", text)
        html_field(answer, "feedback", to_xhtml(feedback))
        return answer

    def any_other_answer(self, question: etree._Element, item: Item) -> etree._Element | None:
        """The wrong feedback, as Moodle gives it to any other answer: a last answer `*` worth nothing."""
        if not item.wrong_feedback_html.strip():
            return None
        return self.plain_answer(question, "0", "*", item.wrong_feedback_html)


def short_id(course: Course, item: Item) -> str:
    """The item id without the course identifier it starts with: short, stable and unique in the course."""
    prefix = f"{course.identifier}_"
    return item.id[len(prefix):] if item.id.startswith(prefix) else item.id
