"""The Moodle XML question file, parsed on its own with lxml: categories, questions, answers, feedback, text."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from lxml import etree

from conftest import SAMPLE, run_cli
from coursekit import AWKWARD_TITLE, awkward_course
from exporter.source.reader import read_course
from itemcheck import (ESSAY_ANSWER, choices_answer, expected_quizzes, item_key, margin_answer, matching_answer,
                       short_answer, strip_stimulus, text_of)

PARSER = etree.XMLParser(no_network=True, resolve_entities=False, strip_cdata=False)
CATEGORY_SPLIT = re.compile(r"(?<!/)/(?!/)")  # Moodle's split_category_path: a single '/' separates


@dataclass
class Question:
    type: str
    name: str
    text: str  # HTML
    general: str  # HTML
    answers: list[tuple[str, str, str]]  # (text, fraction, feedback HTML), in file order
    el: etree._Element


@dataclass
class Category:
    names: list[str]
    info: str
    questions: list[Question] = field(default_factory=list)


def field_text(el: etree._Element, path: str) -> str:
    node = el.find(path)
    assert node is not None, f"{el.get('type')} question without {path}"
    return node.text or ""


def category_names(path: str) -> list[str]:
    """The names Moodle reads from a category path (names hold HTML entities, shown as characters)."""
    return [html.unescape(part.replace("//", "/").strip()) for part in CATEGORY_SPLIT.split(path)]


def read_file(data: bytes) -> list[Category]:
    root = etree.fromstring(data, PARSER)
    assert root.tag == "quiz"
    categories: list[Category] = []
    for q in root:
        kind = q.get("type")
        if kind == "category":
            categories.append(Category(category_names(field_text(q, "category/text")), field_text(q, "info/text")))
            continue
        assert categories, "a question before the first category"
        answers = [(field_text(a, "text"), a.get("fraction"), field_text(a, "feedback/text"))
                   for a in q.findall("answer")]
        categories[-1].questions.append(Question(kind, field_text(q, "name/text"), field_text(q, "questiontext/text"),
                                                 field_text(q, "generalfeedback/text"), answers, q))
    return categories


def right_label(q: Question, labels: tuple[str, str]) -> str:
    fractions = sorted(f for _, f, _ in q.answers)
    assert fractions == ["0", "100"], q.name
    if q.type == "truefalse":
        assert q.answers[0][0] == "true" and q.answers[1][0] == "false"  # Moodle's own vocabulary
        return "True" if dict((t, f) for t, f, _ in q.answers)["true"] == "100" else "False"
    assert [text_of(t) for t, _, _ in q.answers] == list(labels)  # both labels, the author's order
    return next(text_of(t) for t, f, _ in q.answers if f == "100")


MOODLE_TYPES = {"truefalse": "truefalse", "choice": "multichoice", "multiple": "multichoice",
                "short": "shortanswer", "numeric": "numerical", "matching": "matching", "essay": "essay"}


def answer(q: Question) -> str:
    """The question's answer as itemcheck writes it, from Moodle XML's encoding of its type."""
    if q.type == "truefalse":
        return "True" if dict((t, f) for t, f, _ in q.answers)["true"] == "100" else "False"
    if q.type == "multichoice":
        return choices_answer(text_of(t) for t, f, _ in q.answers if float(f) > 0)
    if q.type == "shortanswer":  # Moodle reads * as any text: an accepted answer's own * is escaped
        assert [t for t, f, _ in q.answers if f != "100"] in ([], ["*"]), "only the catch-all scores nothing"
        return short_answer(t.replace("\\*", "*") for t, f, _ in q.answers if f == "100")
    if q.type == "numerical":
        [right] = [a for a in q.el.iterfind("answer") if a.get("fraction") == "100"]
        return margin_answer(right.findtext("text"), right.findtext("tolerance"))
    if q.type == "matching":
        subs = [(text_of(s.findtext("text")), text_of(s.findtext("answer/text"))) for s in q.el.iterfind("subquestion")]
        return matching_answer([(left, right) for left, right in subs if left], [right for _, right in subs])
    assert q.type == "essay" and not q.answers, q.type
    return ESSAY_ANSWER


def group_titles(course) -> dict[str, str]:
    return {p.id: g.title for g in course.groups for p in g.pages}


def check_course(course, data: bytes) -> list[Category]:
    categories = read_file(data)
    expected = expected_quizzes(course)
    quiz_pages = [p for p in course.pages if p.quiz]
    assert len(categories) == len(expected) == len(quiz_pages)
    chapters = group_titles(course)
    names, idnumbers = [], []
    for cat, exp, page in zip(categories, expected, quiz_pages):
        assert cat.names == ["$course$", course.title, chapters[page.id], exp.page_title]
        n = sum(exp.items.values())
        assert len(cat.questions) == n
        draw = min(exp.draw, n)
        sentence = (f"draws {draw} of these {n} questions" if draw < n else
                    "uses this question" if n == 1 else f"uses all {n} of these questions")
        assert sentence in text_of(cat.info)
        found = Counter()
        for q in cat.questions:
            statement = strip_stimulus(text_of(q.text), exp.stimulus)
            explanation = text_of(q.general)
            key = item_key(statement, answer(q), explanation)
            found[key] += 1
            el = q.el
            assert (el.findtext("defaultgrade"), el.findtext("penalty"), el.findtext("hidden")) == ("1", "0", "0")
            if key in exp.labelled:
                want_type = "truefalse" if exp.labels == ("True", "False") else "multichoice"
                assert q.type == want_type
                # each answer's own feedback is the verdict: right, or which label was (the explanation is general)
                verdicts = {f: text_of(fb) for _, f, fb in q.answers}
                due = right_label(q, exp.labels)
                assert verdicts == {"100": "Right.", "0": f"Not quite: the right answer is {due}."}
                if want_type == "multichoice":
                    assert (el.findtext("single"), el.findtext("shuffleanswers"), el.findtext("answernumbering")) \
                        == ("true", "false", "none")
            elif key in exp.kinds:
                assert q.type == MOODLE_TYPES[exp.kinds[key]], key
                if q.type == "multichoice":
                    assert el.findtext("single") == ("true" if exp.kinds[key] == "choice" else "false")
            names.append(q.name)
            idnumbers.append(el.findtext("idnumber"))
        assert found == exp.items  # every item exactly once, right answer and explanation intact
    assert all(n.strip() for n in names) and len(set(names)) == len(names)
    assert all(idnumbers) and len(set(idnumbers)) == len(idnumbers) == len(course.items)
    check_html_fields(data)
    return categories


def check_html_fields(data: bytes) -> None:
    """Every text in a format="html" field is well-formed XML, with no numeric character references."""
    assert b"&#" not in data
    root = etree.fromstring(data, PARSER)
    fields = root.iter(tag=etree.Element)
    count = 0
    for el in fields:
        if el.get("format") == "html":
            etree.fromstring(f"<div>{el.findtext('text') or ''}</div>")
            count += 1
    assert count


@pytest.fixture(scope="session")
def awkward(tmp_path_factory):
    course, _ = read_course(awkward_course(tmp_path_factory.mktemp("awkward")))
    return course


@pytest.mark.parametrize("which", ["sample_course", "corpus_course", "plain_corpus_course", "awkward",
                                   "plain_awkward"])
def test_every_item_once_in_its_page_category(which, request, artifact):
    course = request.getfixturevalue(which)
    check_course(course, artifact("moodle", course))


def test_corpus_question_types(any_corpus_course, artifact):
    corpus_course = any_corpus_course
    categories = read_file(artifact("moodle", corpus_course))
    kinds = [{q.type for q in c.questions} for c in categories]
    assert kinds.count({"truefalse"}) == 23 and kinds.count({"multichoice"}) == 28
    by_type = Counter(q.type for c in categories for q in c.questions)
    tf_items = sum(len(q.items) for q in corpus_course.quizzes if q.items[0].true_false)
    assert by_type == {"truefalse": tf_items, "multichoice": len(corpus_course.items) - tf_items}
    labels = {tuple(text_of(t) for t, _, _ in q.answers) for c in categories for q in c.questions
              if q.type == "multichoice"}
    assert labels == {("Yes", "No")}


def test_corpus_repeated_statements_have_distinct_names(corpus_course, artifact):
    questions = [q for c in read_file(artifact("moodle", corpus_course)) for q in c.questions]
    statement = {q.name: q.name.rsplit(" [", 1)[0] for q in questions}
    by_statement = Counter(statement.values())
    repeated = [q.name for q in questions if by_statement[statement[q.name]] > 1]
    assert len(repeated) >= 8 and len(set(repeated)) == len(repeated)  # 3 statements repeated: 2 + 3 + 3


def test_awkward_text_survives(awkward, artifact):
    data = artifact("moodle", awkward)
    categories = read_file(data)
    assert categories[0].names[2] == AWKWARD_TITLE  # '&', '<', quotes, ']]>' and emoji in a category name
    assert categories[1].names[3] == "True/False ]]> page"
    assert b"True//False ]]&amp;gt; page" in data  # Moodle's '/' escape in a path; markup as entities
    texts = " ".join(text_of(q.text) + text_of(q.general) for c in categories for q in c.questions)
    pieces = ("Fish & chips < 5 > 2", "]]> end", "中文", "🚲🙂", "heart \u2764 here", "https://example.org/a/b")
    for piece in pieces:
        assert piece in texts
    custom = categories[0].questions[0]
    assert [text_of(t) for t, _, _ in custom.answers] == ["Ja & ja", "Nein <nein>"]
    assert text_of(custom.text).startswith('Member: "I & my \u2764 friend said ]]> hello"')
    names = [html.unescape(q.name) for c in categories for q in c.questions]
    assert any(n.startswith("Fish & chips < 5 > 2") for n in names)  # entities: Moodle strips tags from names


def test_category_path_escapes_slashes_as_moodle_does():
    from exporter.writers.moodle.moodlexml import category_path

    names = ["$course$", "Tim's questions", "Tricky things like / // and so on", "Category name ending in /",
             "/ and one that starts with one"]
    path = category_path(names)  # the expected value is moodle/moodle's own test of assemble_category_path
    assert path == ("$course$/Tim's questions/Tricky things like // //// and so on/Category name ending in // / "
                    "// and one that starts with one")
    assert category_names(path) == names


def test_cdata_falls_back_to_escaped_text_around_its_terminator():
    from exporter.writers.moodle.moodlexml import html_field
    from exporter.xhtml import to_xhtml

    root = etree.Element("q")
    html_field(root, "a", to_xhtml("<b>plain</b>"))
    html_field(root, "b", to_xhtml("before <!-- ]]> --> after"))
    data = etree.tostring(root, encoding="UTF-8")
    assert b"<![CDATA[<b>plain</b>]]>" in data
    assert b"<text>before &lt;!-- ]]&gt; --&gt; after</text>" in data  # escaped text, on any lxml version
    back = etree.fromstring(data, PARSER)
    assert back.findtext("a/text") == "<b>plain</b>"
    assert "]]>" in back.findtext("b/text") and text_of(back.findtext("b/text")) == "before after"


def test_names_carry_statement_and_stable_id(sample_course, artifact):
    questions = [q for c in read_file(artifact("moodle", sample_course)) for q in c.questions]
    for q, item in zip(questions, sample_course.items):
        assert q.el.findtext("idnumber") == item.id
        assert re.fullmatch(r".+ \[[A-Za-z0-9_.-]+\]", q.name) and item.id.endswith(q.name.rsplit("[", 1)[1][:-1])
        assert len(q.name) <= 255


def test_deterministic_and_built_by_cli(tmp_path):
    first, second = (tmp_path / "a", tmp_path / "b")
    for out in (first, second):
        r = run_cli("build", SAMPLE, "--format", "moodle", "--out", out)
        assert r.returncode == 0, r.stderr
    name = "safe-cycling-moodle.xml"
    assert (first / name).read_bytes() == (second / name).read_bytes()
    assert (first / name).read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<quiz>")
