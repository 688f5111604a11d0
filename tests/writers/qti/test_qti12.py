"""`qti12` (Canvas's QTI 1.2 zip), read back with lxml on its own: package layout, the QTI DTD (with the
Canvas extension), identifier agreement, Canvas's quiz settings, every item round-tripped through
`itemcheck`, well-formed HTML, awkward text, reproducibility, and qti2latex as an independent reader."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from copy import deepcopy

import pytest
from lxml import etree

from conftest import SCHEMAS, require
from coursekit import AWKWARD_TITLE, awkward_course
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options
from test_qti12_kinds import CANVAS_TYPES, read_canvas_item
from itemcheck import (ESSAY_ANSWER, choices_answer, expected_quizzes, item_key, margin_answer, matching_answer,
                       numeric_answer, short_answer, strip_stimulus, text_of)

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
NS = {"q": QTI, "c": CANVAS, "cp": CP}
QTI_TYPE = "imsqti_xmlv1p2"
PARSER = etree.XMLParser(no_network=True, resolve_entities=False)


@pytest.fixture(scope="session")
def awkward(tmp_path_factory):
    course, _ = read_course(awkward_course(tmp_path_factory.mktemp("awkward") / "course"))
    return course


@pytest.fixture(params=["sample_course", "corpus_course", "plain_corpus_course", "awkward", "plain_awkward"])
def course(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def dtd():
    path = require(SCHEMAS / "qti12" / "ims_qtiasiv1p2p1.canvas-ext.dtd", "the QTI 1.2 DTD")
    return etree.DTD(str(path))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, PARSER)


def resources(files: dict[str, bytes]) -> list[etree._Element]:
    return parse(files["imsmanifest.xml"]).findall("cp:resources/cp:resource", NS)


def quizzes(files: dict[str, bytes]) -> list[tuple[str, etree._Element, etree._Element]]:
    """(ident, questestinterop, assessment_meta) per QTI resource, in manifest order, found through the manifest."""
    by_id = {r.get("identifier"): r for r in resources(files)}
    out = []
    for res in by_id.values():
        if res.get("type") != QTI_TYPE:
            continue
        qti = res.find("cp:file", NS).get("href")
        meta = by_id[res.find("cp:dependency", NS).get("identifierref")].find("cp:file", NS).get("href")
        out.append((res.get("identifier"), parse(files[qti]), parse(files[meta])))
    return out


def without_namespaces(root: etree._Element) -> etree._ElementTree:
    """A copy with every element in no namespace and namespaced attributes dropped (xml:lang kept), for the DTD."""
    copy = deepcopy(root)
    for el in copy.iter():
        el.tag = etree.QName(el).localname
        for name in [n for n in el.attrib if n.startswith("{") and not n.startswith("{http://www.w3.org/XML")]:
            del el.attrib[name]
    etree.cleanup_namespaces(copy)
    return etree.ElementTree(copy)


def meta_value(meta: etree._Element, name: str) -> str | None:
    el = meta.find(f"c:{name}", NS)
    return None if el is None else (el.text or "")


def fields(parent: etree._Element) -> dict[str, str]:
    return {f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", default="", namespaces=NS)
            for f in parent.iterfind(".//q:qtimetadatafield", NS)}


def read_item(item: etree._Element) -> dict:
    """What Canvas's importer takes from one item: type, HTML text, labels, the right one, the general feedback."""
    labels = [(rl.get("ident"), rl.findtext("q:material/q:mattext", namespaces=NS))
              for rl in item.iterfind("q:presentation/q:response_lid/q:render_choice/q:response_label", NS)]
    right = [c.findtext("q:conditionvar/q:varequal", namespaces=NS)
             for c in item.iterfind("q:resprocessing/q:respcondition", NS)
             if c.findtext("q:setvar[@varname='SCORE']", namespaces=NS) == "100"]
    general = [c for c in item.iterfind("q:resprocessing/q:respcondition", NS)
               if c.find("q:conditionvar/q:other", NS) is not None and c.get("continue") == "Yes"
               and c.find("q:displayfeedback[@linkrefid='general_fb']", NS) is not None]
    feedback = item.findtext("q:itemfeedback[@ident='general_fb']/q:flow_mat/q:material/q:mattext", namespaces=NS)
    return {
        "ident": item.get("ident"),
        "meta": fields(item.find("q:itemmetadata", NS)),
        "html": item.findtext("q:presentation/q:material/q:mattext", namespaces=NS),
        "labels": labels,
        "right": right,
        "general_shown": len(general) == 1,
        "explanation": feedback or "",
    }


def shown(mattext: etree._Element) -> str:
    """The text a mattext shows: as written when it is plain text, read as HTML otherwise."""
    raw = mattext.text or ""
    return raw if mattext.get("texttype") == "text/plain" else text_of(raw)


def canvas_answer(element: etree._Element) -> tuple[str, str]:
    """(question_type, the item's answer as itemcheck writes it), read from Canvas's encoding of each kind
    (test_qti12_kinds.read_canvas_item reads the kinds)."""
    got = read_canvas_item(element)
    qtype = got["type"]
    if qtype in ("true_false_question", "multiple_choice_question", "multiple_answers_question"):
        texts = {m.text or "": shown(m) for m in element.iterfind(
            "q:presentation/q:response_lid/q:render_choice/q:response_label/q:material/q:mattext", NS)}
        return qtype, choices_answer(texts[r] for r in got["right"])
    if qtype == "short_answer_question":
        return qtype, short_answer(got["answers"])
    if qtype == "numerical_question":
        return qtype, (margin_answer(got["exact"], got["margin"]) if "exact" in got else numeric_answer(*got["range"]))
    if qtype == "matching_question":
        return qtype, matching_answer(got["pairs"], got["options"])
    assert qtype == "essay_question" and got["answers"] == [], qtype
    return qtype, ESSAY_ANSWER


def test_layout_and_identifiers(course, artifact):
    files = unzip(artifact("qti12", course))
    listed = set()
    ids = [r.get("identifier") for r in resources(files)]
    assert len(ids) == len(set(ids)) == 2 * len(course.quizzes)
    for res in resources(files):
        hrefs = [f.get("href") for f in res.findall("cp:file", NS)]
        assert hrefs and all(h in files for h in hrefs), hrefs
        listed.update(hrefs)
        for dep in res.findall("cp:dependency", NS):
            assert dep.get("identifierref") in ids
    assert listed == set(files) - {"imsmanifest.xml"}  # every file is listed, every listed file is there
    found = quizzes(files)
    assert len(found) == len(course.quizzes)
    for ident, qti, meta in found:
        assert f"{ident}/{ident}.xml" in files and f"{ident}/assessment_meta.xml" in files
        assert qti.tag == f"{{{QTI}}}questestinterop" and meta.tag == f"{{{CANVAS}}}quiz"
        assert qti.find("q:assessment", NS).get("ident") == ident == meta.get("identifier")


def test_valid_against_the_dtd(course, artifact, dtd):
    for ident, qti, _ in quizzes(unzip(artifact("qti12", course))):
        doc = without_namespaces(qti)
        if not dtd.validate(doc):
            errors = "\n".join(f"  line {e.line}: {e.message}" for e in list(dtd.error_log)[:10])
            raise AssertionError(f"{ident} is not valid:\n{errors}")


def test_html_is_well_formed(course, artifact):
    count = 0
    for _, qti, meta in quizzes(unzip(artifact("qti12", course))):
        html = [m.text or "" for m in qti.iter(f"{{{QTI}}}mattext") if m.get("texttype") == "text/html"]
        for text in html + [meta_value(meta, "description")]:
            etree.fromstring(f"<div>{text}</div>", PARSER)  # raises when not well-formed
            count += 1
    assert count > len(course.items) * 2


def test_every_item_round_trips(course, artifact):
    check_items(course, artifact("qti12", course))


def check_items(course, data: bytes) -> None:
    """Every quiz and item of the course, read back from the package (also used by test_property)."""
    expected = expected_quizzes(course)
    found = quizzes(unzip(data))
    assert len(found) == len(expected)
    idents = Counter()
    for exp, quiz, (ident, qti, meta) in zip(expected, course.quizzes, found):
        assessment = qti.find("q:assessment", NS)
        assert assessment.get("title") == exp.page_title == meta_value(meta, "title")
        description = text_of(meta_value(meta, "description"))
        assert description.startswith(text_of(quiz.instruction_html)) and description.endswith(exp.stimulus)
        root = assessment.find("q:section", NS)
        assert root.get("ident") == "root_section" and root.find("q:item", NS) is None
        groups = root.findall("q:section", NS)
        assert len(groups) == 1, "one question group per quiz"
        selection = groups[0].find("q:selection_ordering/q:selection", NS)
        assert int(selection.findtext("q:selection_number", namespaces=NS)) == exp.draw
        assert selection.findtext("q:selection_extension/q:points_per_item", namespaces=NS) == "1"
        assert float(meta_value(meta, "points_possible")) == exp.draw
        got = Counter()
        for element in groups[0].findall("q:item", NS):
            item = read_item(element)
            idents[item["ident"]] += 1
            qtype, answer = canvas_answer(element)
            assert item["meta"]["points_possible"] == "1"
            assert item["meta"]["assessment_question_identifierref"]
            if qtype in ("true_false_question", "multiple_choice_question", "multiple_answers_question"):
                answer_ids = [i for i, _ in item["labels"]]
                assert item["meta"]["original_answer_ids"] == ",".join(answer_ids)
                assert len(set(answer_ids)) == len(answer_ids) >= 2
            assert item["general_shown"] == bool(item["explanation"])
            statement = strip_stimulus(text_of(item["html"]), exp.stimulus)
            key = item_key(statement, answer, text_of(item["explanation"]))
            got[key] += 1
            kind = exp.kinds.get(key)
            if key in exp.labelled:  # a statement: both labels, in order, true/false only with True and False
                assert tuple(label for _, label in item["labels"]) == exp.labels
                assert qtype == ("true_false_question" if exp.labels == ("True", "False")
                                 else "multiple_choice_question")
            elif kind is not None:
                assert qtype == CANVAS_TYPES[kind], (key, qtype)
        assert got == exp.items, ident
    assert all(n == 1 for n in idents.values()), "item idents are unique in the package"


def test_practice_settings(course, artifact):
    for _, qti, meta in quizzes(unzip(artifact("qti12", course))):
        assert fields(qti.find("q:assessment", NS))["cc_maxattempts"] == "unlimited"
        assert meta_value(meta, "allowed_attempts") == "-1"
        assert meta_value(meta, "scoring_policy") == "keep_highest"
        assert meta_value(meta, "quiz_type") == "assignment"
        assert meta_value(meta, "show_correct_answers") == "true"
        assert meta_value(meta, "show_correct_answers_last_attempt") == "false"
        assert meta_value(meta, "shuffle_answers") == "false"
        assert meta_value(meta, "hide_results") == ""
        # the gradebook entry Canvas needs when it takes a package for one of its own exports (cc13)
        assignment = meta.find("c:assignment", NS)
        assert assignment is not None and assignment.get("identifier")
        assert assignment.findtext("c:quiz_identifierref", namespaces=NS) == meta.get("identifier")
        assert assignment.findtext("c:points_possible", namespaces=NS) == meta_value(meta, "points_possible")
        assert assignment.findtext("c:submission_types", namespaces=NS) == "online_quiz"
        assert assignment.findtext("c:grading_type", namespaces=NS) == "points"


def test_corpus_counts(any_corpus_course, artifact):
    found = quizzes(unzip(artifact("qti12", any_corpus_course)))
    assert len(found) == 51
    types = Counter()
    for _, qti, _ in found:
        items = qti.findall(".//q:item", NS)
        types[fields(items[0].find("q:itemmetadata", NS))["question_type"]] += 1
    assert types == {"true_false_question": 23, "multiple_choice_question": 28}
    assert sum(len(qti.findall(".//q:item", NS)) for _, qti, _ in found) == 644


def test_awkward_text_survives(awkward, artifact):
    files = unzip(artifact("qti12", awkward))
    titles = {qti.find("q:assessment", NS).get("title") for _, qti, _ in quizzes(files)}
    assert titles == {"Labels: Ja & Nein", "True/False ]]> page"}
    labels = {tuple(read_item(i)["labels"][n][1] for n in (0, 1))
              for _, qti, _ in quizzes(files) for i in qti.iter(f"{{{QTI}}}item")}
    assert labels == {("Ja & ja", "Nein <nein>"), ("True", "False")}
    assert AWKWARD_TITLE not in titles  # the chapter page has no quiz: no assessment for it
    text = b"".join(files.values()).decode("utf-8")
    assert "🚲" in text and "&#" not in text  # raw UTF-8, no character references


def test_reproducible(course, artifact):
    assert WRITERS["qti12"]().write(course, Options()).data == artifact("qti12", course)


PLAIN = re.compile(r"[A-Za-z0-9 ,.?!]+")  # text pandoc writes unchanged into LaTeX


@pytest.mark.parametrize("which", ["corpus_course", "sample_course"])
def test_qti2latex_reads_a_quiz(which, request, artifact, tmp_path):
    """qti2latex (an independent Canvas QTI reader) turns one quiz's zip into an exam: every item is there,
    once, and the answer it marks right is ours."""
    if shutil.which("qti2latex") is None:
        pytest.skip("qti2latex is not installed (pip install qti2latex pypandoc_binary)")
    course = request.getfixturevalue(which)
    files = unzip(artifact("qti12", course))
    # a quiz with a stimulus and custom labels where there is one, else the first
    quiz = next((q for q in course.quizzes if q.stimulus_html and not q.items[0].true_false), course.quizzes[0])
    exp = expected_quizzes(course)[course.quizzes.index(quiz)]
    one = tmp_path / "quiz.zip"
    with zipfile.ZipFile(one, "w") as zf:  # qti2latex reads every assessment it finds: give it this quiz only
        for name, data in files.items():
            if name == "imsmanifest.xml" or name.startswith(f"{quiz.id}/"):
                zf.writestr(name, data)
    run = subprocess.run(["qti2latex", str(one), "-o", "quiz.tex", "--answer-key"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    tex = (tmp_path / "quiz-answerkey.tex").read_text(encoding="utf-8")
    blocks = [re.sub(r"\s+", " ", b) for b in tex.split("\\question[")[1:]]
    assert len(blocks) == len(quiz.items)
    assert all(b.startswith("1]") and b.count("\\CorrectChoice") == 1 for b in blocks)
    marked = [re.search(r"\\CorrectChoice (\S+)", b).group(1) for b in blocks]
    assert Counter(marked) == Counter(right for (_, right, _), n in exp.items.items() for _ in range(n))
    plain = [(s, right, n) for (s, right, _), n in exp.items.items() if PLAIN.fullmatch(s)]
    assert len(plain) >= len(exp.items) // 2, "enough statements to check verbatim"
    for statement, right, n in plain:
        holding = [m for b, m in zip(blocks, marked) if f" {statement} " in b]
        assert holding == [right] * n, statement
