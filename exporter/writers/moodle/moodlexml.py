"""`moodle`: a Moodle XML question file for the question bank (Question bank > Import > Moodle XML format).

One `category` pseudo-question per quiz page (`$course$/<course>/<chapter>/<page>`; Moodle creates the
chapter categories from the path), its `<info>` holding the quiz instruction and the draw count in words,
since Moodle XML cannot carry "draw N" (authors add a random question with that count). Then one
question per item: `truefalse` when the labels are True/False, otherwise a single-choice `multichoice`
with the author's two labels in order. Each answer's feedback is the verdict in the course's language ("Right.",
or which label was right), the explanation the general feedback; the question text is the stimulus, then the
statement.
"""

from __future__ import annotations

from lxml import etree

from exporter.i18n.messages import Messages, messages_for
from exporter.model import Course, Item, Page, Quiz
from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.qti.items12 import verdict_html
from exporter.writers.xmltree import serialize, sub
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
    math = "tex"  # Moodle's MathJax filter typesets \( \) and $$ $$
    extension = "xml"
    title = "Moodle XML question file (question bank import: a category per page, true/false or two-choice items)"
    carries = "each quiz's items in a question category per page, with labels and explanations"
    drops = "the pages; \"draw N\" (only described); images and files shown in quiz text"

    def build(self, course: Course, options: Options) -> Artifact:
        self.texts = messages_for(course)
        root = etree.Element("quiz")
        for group in course.groups:
            for page in group.pages:
                if page.quiz is not None:
                    self.add_category(root, course, group.title, page)
                    for item in page.quiz.items:
                        self.add_question(root, course, page.quiz, item)
        return Artifact(serialize(root), 0, len(course.quizzes), len(course.items))

    def add_category(self, root: etree._Element, course: Course, chapter: str, page: Page) -> None:
        quiz = page.quiz
        assert quiz is not None
        question = sub(root, "question", type="category")
        path = category_path(["$course$"] + [plain_name(n) for n in (course.title, chapter, page.title)])
        text_field(question, "category", path)
        info = f"<div>{quiz.instruction_html}</div>\n<p>{text_html(draw_sentence(self.texts, quiz))}</p>"
        html_field(question, "info", to_xhtml(info))
        sub(question, "idnumber", quiz.id)

    def add_question(self, root: etree._Element, course: Course, quiz: Quiz, item: Item) -> None:
        kind = "truefalse" if item.true_false else "multichoice"
        explanation = to_xhtml(item.explanation_html)
        question = sub(root, "question", type=kind)
        text_field(question, "name", f"{plain_name(item.title)} [{short_id(course, item)}]")
        html_field(question, "questiontext", question_xhtml(quiz, item))
        html_field(question, "generalfeedback", explanation)
        sub(question, "defaultgrade", "1")
        sub(question, "penalty", "0")  # practice: no penalty
        sub(question, "hidden", "0")
        sub(question, "idnumber", item.id)
        verdicts = {right: verdict_html(self.texts, item, right) for right in (True, False)}
        if kind == "truefalse":
            for text, choice in zip(("true", "false"), item.choices):
                answer = sub(question, "answer", fraction="100" if choice.right else "0", format="moodle_auto_format")
                sub(answer, "text", text)
                html_field(answer, "feedback", verdicts[choice.right])
            return
        sub(question, "single", "true")
        sub(question, "shuffleanswers", "false")  # the author's order: the first label first
        sub(question, "answernumbering", "none")
        for choice in item.choices:
            answer = html_field(question, "answer", choice.html, fraction="100" if choice.right else "0")
            html_field(answer, "feedback", verdicts[choice.right])


def short_id(course: Course, item: Item) -> str:
    """The item id without the course identifier it starts with: short, stable and unique in the course."""
    prefix = f"{course.identifier}_"
    return item.id[len(prefix):] if item.id.startswith(prefix) else item.id
