"""Every question kind in QTI 1.2: Canvas's flavour (`qti12`, and cc13's Canvas copy) and the Common Cartridge
profile (`cc11`, `cc13`), read back on their own with lxml, against the DTD and the CC profile's XSD, beside
text2qti's own QTI for the same questions, through Canvas's converter (QTIMigrationTool, when
QTI_MIGRATION_TOOL names a checkout of it) and through Moodle's cartridge import (marker `moodle`).

Items are built in Python from the model (until the typed-item syntax is read), into a small course from
coursekit: one quiz with every kind, one with numeric and matching only (which the CC profile cannot hold).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from conftest import SCHEMAS, assert_valid, packaged, require, xml_schema
from coursekit import ITEMS, page, quiz, small_course, write_course
from exporter.model import (CHOICE, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, TRUE_FALSE, Choice, Item, Numeric,
                            Pair)
from exporter.writers import WRITERS, Options
from itemcheck import text_of

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
Q = {"q": QTI}
PARSER = etree.XMLParser(no_network=True, resolve_entities=False)
CC_QTI_SCHEMA = "cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd"

# what each kind is in Canvas, and in the CC profile (None: not in it)
CANVAS_TYPES = {TRUE_FALSE: "true_false_question", CHOICE: "multiple_choice_question",
                MULTIPLE: "multiple_answers_question", SHORT: "short_answer_question", NUMERIC: "numerical_question",
                MATCHING: "matching_question", ESSAY: "essay_question"}
CC_PROFILES = {TRUE_FALSE: "cc.true_false.v0p1", CHOICE: "cc.multiple_choice.v0p1",
               MULTIPLE: "cc.multiple_response.v0p1", SHORT: "cc.fib.v0p1", NUMERIC: None, MATCHING: None,
               ESSAY: "cc.essay.v0p1"}


# ---- the course -------------------------------------------------------------------------------------------

def typed_items(page_id: str, source: str) -> list[Item]:
    """One item of each kind (two numeric: exact with a margin, and a range), with every sort of feedback."""
    def item(n: int, kind: str, statement: str, **kw) -> Item:
        return Item(f"{page_id}_k{n}", f"{statement}", kw.pop("choices", []), kw.pop("explanation", ""), source,
                    20 + n, title=statement, kind=kind, **kw)

    return [
        item(1, CHOICE, "Which light goes at the back?", explanation="<p>White at the front, red at the back.</p>",
             choices=[Choice("White", False), Choice("Red", True),
                      Choice("Green", False, "Green is for the right side of <em>boats</em>.")]),
        item(2, MULTIPLE, "What do you check before every ride?",
             choices=[Choice("Brakes", True), Choice("Tyres", True), Choice("The colour of the saddle", False,
                                                                           "It does not matter.")],
             right_feedback_html="All set.", wrong_feedback_html="Brakes and tyres, nothing else."),
        item(3, SHORT, "What do you squeeze to stop?", answers=["brake", "brake lever"],
             explanation="The brake lever."),
        item(4, NUMERIC, "Tyre pressure of a road bike, in bar?", numeric=Numeric("6", "8", "7", "1", True)),
        item(5, NUMERIC, "The square root of two?", numeric=Numeric("1.4141", "1.4143", "1.4142", "0.0001")),
        item(6, NUMERIC, "How many wheels has a bicycle?", numeric=Numeric("2", "2", "2", "0")),
        item(7, MATCHING, "Match each sign to its meaning.",
             pairs=[Pair("Red ring", "No vehicles"), Pair("Blue disc", "Route to follow"),
                    Pair("Red cross", "No stopping"), Pair("", "One way")]),
        item(8, ESSAY, "Describe how you signal a right turn.", explanation="Arm out, look, then turn."),
    ]


def uncarried_items(page_id: str, source: str) -> list[Item]:
    return [Item(f"{page_id}_u1", "Seconds in a minute?", [], "", source, 7, title="Seconds", kind=NUMERIC,
                 numeric=Numeric("60", "60", "60", "0")),
            Item(f"{page_id}_u2", "Match the colours.", [], "", source, 8, title="Colours", kind=MATCHING,
                 pairs=[Pair("Stop", "Red"), Pair("Go", "Green")])]


@pytest.fixture(scope="module")
def kinds(tmp_path_factory):
    """small_course with a third quiz page; its first quiz holds one true/false item and every other kind, its
    last numeric and matching items only."""
    folder = small_course(tmp_path_factory.mktemp("kinds") / "course")
    write_course(folder, {"e.md": page("Numbers and signs", 4, "Text.\n\n" + quiz(1, ITEMS))})
    course = packaged(folder)
    first, last = course.pages[1], course.pages[4]
    first.quiz.items = first.quiz.items[:1] + typed_items(first.id, first.quiz.items[0].source)
    first.quiz.draw = 5
    last.quiz.items = uncarried_items(last.id, last.quiz.items[0].source)
    return course


def build(fmt: str, course) -> dict[str, bytes]:
    data = WRITERS[fmt]().write(course, Options()).data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def fields(item: etree._Element) -> dict[str, str]:
    return {f.findtext("q:fieldlabel", namespaces=Q): f.findtext("q:fieldentry", default="", namespaces=Q)
            for f in item.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", Q)}


def feedback(item: etree._Element) -> dict[str, str]:
    return {fb.get("ident"): text_of(fb.findtext("q:flow_mat/q:material/q:mattext", namespaces=Q))
            for fb in item.iterfind("q:itemfeedback", Q)}


def scoring(item: etree._Element) -> list[etree._Element]:
    return [c for c in item.iterfind("q:resprocessing/q:respcondition", Q) if c.find("q:setvar", Q) is not None]


def canvas_items(files: dict[str, bytes], name: str) -> dict[str, etree._Element]:
    doc = etree.fromstring(files[name], PARSER)
    return {i.get("ident"): i for i in doc.iter(f"{{{QTI}}}item")}


# ---- Canvas's flavour, read with lxml -----------------------------------------------------------------------

def read_canvas_item(item: etree._Element) -> dict:
    """What Canvas's importer takes from one Canvas-flavour item, read from the QTI 1.2 directly."""
    meta = fields(item)
    presentation = item.find("q:presentation", Q)
    out = {"type": meta["question_type"], "answer_ids": meta["original_answer_ids"]}
    qtype = out["type"]
    fb = feedback(item)
    if qtype in ("true_false_question", "multiple_choice_question", "multiple_answers_question"):
        lid = presentation.find("q:response_lid", Q)
        out["cardinality"] = lid.get("rcardinality")
        labels = {rl.get("ident"): rl.findtext("q:material/q:mattext", namespaces=Q)
                  for rl in lid.iterfind("q:render_choice/q:response_label", Q)}
        out["labels"] = list(labels.values())
        assert ",".join(labels) == meta["original_answer_ids"]
        [right] = scoring(item)
        test = right.find("q:conditionvar", Q)
        if qtype == "multiple_answers_question":
            both = test.find("q:and", Q)
            out["right"] = [labels[v.text] for v in both.findall("q:varequal", Q)]
            out["wrong"] = [labels[v.text] for v in both.findall("q:not/q:varequal", Q)]
            assert sorted(out["right"] + out["wrong"]) == sorted(labels.values()), "every label in the condition"
        else:
            out["right"] = [labels[test.findtext("q:varequal", namespaces=Q)]]
        out["choice_feedback"] = {labels[c.findtext("q:conditionvar/q:varequal", namespaces=Q)]: fb[link]
                                  for c in item.iterfind("q:resprocessing/q:respcondition", Q)
                                  for shown in c.findall("q:displayfeedback", Q)
                                  for link in [shown.get("linkrefid")]
                                  if link.endswith("_fb") and link[:-3] in labels}
    elif qtype in ("short_answer_question", "numerical_question", "essay_question"):
        box = presentation.find("q:response_str", Q)
        out["fibtype"] = box.find("q:render_fib", Q).get("fibtype")
        found = scoring(item)
        if qtype == "short_answer_question":
            [right] = found
            out["answers"] = [v.text for v in right.findall("q:conditionvar/q:varequal", Q)]
        elif qtype == "numerical_question":
            [right] = found
            test = right.find("q:conditionvar", Q)
            either = test.find("q:or", Q)
            if either is not None:
                exact = Decimal(either.findtext("q:varequal", namespaces=Q))
                low = Decimal(either.findtext("q:and/q:vargte", namespaces=Q))
                high = Decimal(either.findtext("q:and/q:varlte", namespaces=Q))
                assert exact - low == high - exact
                out["exact"], out["margin"] = exact, high - exact
            else:
                out["range"] = (Decimal(test.findtext("q:vargte", namespaces=Q)),
                                Decimal(test.findtext("q:varlte", namespaces=Q)))
        else:
            assert not found, "an essay sets no score"
            out["answers"] = []
    elif qtype == "matching_question":
        lids = presentation.findall("q:response_lid", Q)
        out["answer_ids"] = meta["original_answer_ids"]
        assert [lid.get("ident") for lid in lids] == [f"response_{i}" for i in meta["original_answer_ids"].split(",")]
        options = [[(rl.get("ident"), rl.findtext("q:material/q:mattext", namespaces=Q))
                    for rl in lid.iterfind("q:render_choice/q:response_label", Q)] for lid in lids]
        assert all(o == options[0] for o in options), "every left item offers every option"
        digits = [re.search(r"\d+", ident).group() for ident, _ in options[0]]
        assert len(set(digits)) == len(digits), "Canvas takes an option's first digits as its id: unique per item"
        text = dict(options[0])
        out["options"] = [t for _, t in options[0]]
        shares, pairs = Decimal(0), []
        for cond in item.iterfind("q:resprocessing/q:respcondition", Q):
            add = cond.find("q:setvar[@action='Add']", Q)
            if add is None:
                continue
            var = cond.find("q:conditionvar/q:varequal", Q)
            left = next(lid for lid in lids if lid.get("ident") == var.get("respident"))
            pairs.append((text_of(left.findtext("q:material/q:mattext", namespaces=Q)), text[var.text]))
            shares += Decimal(add.text)
        out["pairs"], out["shares"] = pairs, shares
    out["correct"] = fb.get("correct_fb", "")
    out["incorrect"] = fb.get("general_incorrect_fb", "")
    out["general"] = fb.get("general_fb", "")
    return out


def test_canvas_items_per_kind(kinds):
    files = build("qti12", kinds)
    quiz = kinds.pages[1].quiz
    items = canvas_items(files, f"{quiz.id}/{quiz.id}.xml")
    got = {i.id: read_canvas_item(items[i.id]) for i in quiz.items}
    assert [got[i.id]["type"] for i in quiz.items] == [CANVAS_TYPES[i.kind] for i in quiz.items]
    k = {i.id.rsplit("_", 1)[1]: got[i.id] for i in quiz.items[1:]}
    assert k["k1"]["cardinality"] == "Single" and k["k1"]["labels"] == ["White", "Red", "Green"]
    assert k["k1"]["right"] == ["Red"] and k["k1"]["general"] == "White at the front, red at the back."
    assert k["k1"]["choice_feedback"] == {"Green": "Green is for the right side of boats."}
    assert k["k1"]["incorrect"] == "Not quite: the right answer is Red."
    assert k["k2"]["cardinality"] == "Multiple"
    assert k["k2"]["right"] == ["Brakes", "Tyres"] and k["k2"]["wrong"] == ["The colour of the saddle"]
    assert k["k2"]["choice_feedback"] == {"The colour of the saddle": "It does not matter."}
    assert k["k2"]["correct"] == "Right. All set."
    assert k["k2"]["incorrect"] == "Not quite: the right answer is Brakes, Tyres. Brakes and tyres, nothing else."
    assert k["k3"]["answers"] == ["brake", "brake lever"] and k["k3"]["fibtype"] is None
    assert k["k4"]["fibtype"] == "Decimal" and k["k4"]["range"] == (6, 8)
    assert k["k4"]["incorrect"] == "Not quite: the right answer is 6\u20138."
    assert (k["k5"]["exact"], k["k5"]["margin"]) == (Decimal("1.4142"), Decimal("0.0001"))
    assert k["k5"]["incorrect"] == "Not quite: the right answer is 1.4142 \u00b1 0.0001."
    assert (k["k6"]["exact"], k["k6"]["margin"]) == (2, 0) and "k6" in k
    assert k["k7"]["options"] == ["No vehicles", "Route to follow", "No stopping", "One way"]
    assert k["k7"]["pairs"] == [("Red ring", "No vehicles"), ("Blue disc", "Route to follow"),
                                ("Red cross", "No stopping")]
    assert k["k7"]["shares"] == 100, "all pairs right is exactly 100"
    assert k["k8"]["answers"] == [] and k["k8"]["general"] == "Arm out, look, then turn."
    assert not k["k8"]["correct"] and not k["k8"]["incorrect"], "an essay has no verdict"
    # the true/false item kept its form
    tf = got[quiz.items[0].id]
    assert tf["type"] == "true_false_question" and tf["labels"] == ["True", "False"]


def test_canvas_numbers_in_the_course_language(kinds, tmp_path):
    """A German learner reads the verdict's numbers with a decimal comma."""
    from exporter.i18n.messages import Messages
    from exporter.writers.qti.items12 import answer_text

    de = Messages("de")
    k5, k4 = typed_items("p", "x.md")[4], typed_items("p", "x.md")[3]
    assert answer_text(k5, de) == "1,4142 \u00b1 0,0001"
    assert answer_text(k4, de) == "6\u20138"
    assert answer_text(Item("i", "s", [], "", "x.md", 1, kind=NUMERIC,
                            numeric=Numeric("1234.5", "1234.5", "1234.5", "0")), de) == "1234,5"


def test_canvas_shuffle_setting(kinds):
    quiz = kinds.pages[1].quiz
    meta = etree.fromstring(build("qti12", kinds)[f"{quiz.id}/assessment_meta.xml"], PARSER)
    assert meta.findtext("{http://canvas.instructure.com/xsd/cccv1p0}shuffle_answers") == "false"
    quiz.shuffle = True
    try:
        meta = etree.fromstring(build("qti12", kinds)[f"{quiz.id}/assessment_meta.xml"], PARSER)
        cc = build("cc11", kinds)
    finally:
        quiz.shuffle = False
    assert meta.findtext("{http://canvas.instructure.com/xsd/cccv1p0}shuffle_answers") == "true"
    doc = etree.fromstring(cc[f"{quiz.id}/assessment_qti.xml"], PARSER)
    assert {rc.get("shuffle") for rc in doc.iter(f"{{{QTI}}}render_choice")} == {"Yes"}


def test_canvas_qti_valid_against_the_dtd(kinds):
    from test_qti12 import without_namespaces

    dtd = etree.DTD(str(require(SCHEMAS / "qti12" / "ims_qtiasiv1p2p1.canvas-ext.dtd", "the QTI 1.2 DTD")))
    files = build("qti12", kinds)
    for name in [n for n in files if n.endswith(".xml") and not n.endswith("assessment_meta.xml")
                 and n != "imsmanifest.xml"]:
        doc = without_namespaces(etree.fromstring(files[name], PARSER))
        assert dtd.validate(doc), f"{name}: " + "\n".join(str(e) for e in list(dtd.error_log)[:5])


def test_cc13_canvas_copy_holds_every_kind(kinds):
    files = build("cc13", kinds)
    quiz = kinds.pages[1].quiz
    qti12 = build("qti12", kinds)
    assert files[f"non_cc_assessments/{quiz.id}.xml.qti"] == qti12[f"{quiz.id}/{quiz.id}.xml"]


# ---- the Common Cartridge profile ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["cc11", "cc13"])
def test_cc_items_per_kind(fmt, kinds):
    files = build(fmt, kinds)
    schema = xml_schema(CC_QTI_SCHEMA)
    first, last = kinds.pages[1].quiz, kinds.pages[4].quiz
    assert f"{last.id}/assessment_qti.xml" not in files, "a quiz with no item the profile holds is left out"
    manifest = files["imsmanifest.xml"].decode()
    assert last.id not in manifest
    doc = etree.fromstring(files[f"{first.id}/assessment_qti.xml"], PARSER)
    assert_valid(schema, doc, fmt)
    bank = etree.fromstring(files["question_bank/question_bank.xml"], PARSER)
    assert_valid(schema, bank, f"{fmt} question bank")
    items = {i.get("ident"): i for i in doc.iter(f"{{{QTI}}}item")}
    want = [i for i in first.items if CC_PROFILES[i.kind]]
    assert list(items) == [i.id for i in want]
    assert [i.get("ident") for i in bank.iter(f"{{{QTI}}}item")] == [i.id for i in kinds.items
                                                                     if CC_PROFILES[i.kind]]
    for it in want:
        el = items[it.id]
        meta = fields(el)
        assert meta["cc_profile"] == CC_PROFILES[it.kind]
        fb = feedback(el)
        general = [c for c in el.iterfind("q:resprocessing/q:respcondition", Q) if c.get("continue") == "Yes"]
        # Moodle takes every continue="Yes" condition's feedback as general feedback: only the explanation's
        assert [c.find("q:displayfeedback", Q).get("linkrefid") for c in general] == \
            (["general_fb"] if it.explanation_html else [])
        if it.kind == MULTIPLE:
            [right] = scoring(el)
            both = right.find("q:conditionvar/q:and", Q)
            assert [v.get("case") for v in both.iter(f"{{{QTI}}}varequal")] == ["Yes"] * 3
            assert [v.text for v in both.findall("q:varequal", Q)] == ["choice1", "choice2"]
            assert [v.text for v in both.findall("q:not/q:varequal", Q)] == ["choice3"]
            assert fb["choice3_fb"] == "It does not matter."
        elif it.kind == SHORT:
            [right] = scoring(el)
            assert [(v.text, v.get("case")) for v in right.findall("q:conditionvar/q:varequal", Q)] == \
                [("brake", None), ("brake lever", None)]
        elif it.kind == ESSAY:
            assert meta["qmd_computerscored"] == "No" and not scoring(el)
            assert el.find("q:presentation/q:response_str/q:render_fib", Q) is not None
        elif it.kind == CHOICE:
            assert fb["choice3_fb"] == "Not quite: the right answer is Red. Green is for the right side of boats."
            assert fb["choice2_fb"] == "Right."


@pytest.mark.parametrize("fmt", ["cc11", "cc13"])
def test_cc_warns_at_the_item_line(fmt, kinds):
    found = WRITERS[fmt]().uncarried(kinds)
    by_line = {(Path(s).name, line): msg for s, line, msg in found}
    first, last = kinds.pages[1].quiz, kinds.pages[4].quiz
    for it in first.items + last.items:
        key = (Path(it.source).name, it.line)
        if it.kind in (NUMERIC, MATCHING):
            if fmt == "cc11":  # cc11 declares it does not carry the kind (Writer.kinds): the build's own words
                assert by_line[key] == f"{it.kind} questions are not carried by cc11: this one is left out of it"
                continue
            assert f"a {it.kind} question is not in the Common Cartridge" in by_line[key]
            if it in last.items:
                assert "Canvas's copy too" in by_line[key]
            else:
                assert "Canvas reads the cartridge's Canvas copy" in by_line[key]
        elif it.kind == MULTIPLE and fmt == "cc11":
            assert "ticking every choice scores full marks" in by_line[key]
        else:
            assert key not in by_line, by_line.get(key)
    assert any("leaves the whole quiz out" in m for (_, line), m in by_line.items() if line == last.line)
    star = Item("s", "Wildcards?", [], "", "x.md", 3, kind=SHORT, answers=["a*b"])
    first.items.append(star)
    try:
        said = [m for s, line, m in WRITERS[fmt]().uncarried(kinds) if (s, line) == ("x.md", 3)]
    finally:
        first.items.remove(star)
    assert said == (["Moodle reads * in a short answer as any text: from cc11, an accepted answer with * matches "
                     "more than its own words; the Moodle XML and Moodle backup formats keep it literal"]
                    if fmt == "cc11" else [])
    assert "numeric and matching" in WRITERS[fmt].drops


def test_qti12_drops_no_kind(kinds):
    assert WRITERS["qti12"]().uncarried(kinds) == []


# ---- text2qti's QTI for the same questions ----------------------------------------------------------------

TEXT2QTI_QUIZ = """Quiz title: Kinds
Quiz description: every kind text2qti has

1.  Which light goes at the back?
a)  White
*b) Red
c)  Green

2.  What do you check before every ride?
[*] Brakes
[*] Tyres
[ ] The colour of the saddle

3.  What do you squeeze to stop?
*   brake
*   brake lever

4.  Tyre pressure of a road bike, in bar?
=   [6, 8]

5.  The square root of two?
=   1.4142 +- 0.0001

6.  Describe how you signal a right turn.
____
"""


def shape(item: etree._Element) -> tuple:
    """An item's structure as Canvas reads it: type, response elements, and the scoring condition with labels
    as their texts and numbers as numbers."""
    labels = {rl.get("ident"): text_of(rl.findtext("q:material/q:mattext", namespaces=Q))
              for rl in item.iter(f"{{{QTI}}}response_label")}

    def tree(el: etree._Element) -> tuple:
        tag = etree.QName(el).localname
        text = (el.text or "").strip()
        if tag.startswith("var"):
            text = labels.get(text, text)
            if re.fullmatch(r"-?\d+(\.\d+)?", text):
                text = Decimal(text).normalize()
        return (tag, text, tuple(tree(c) for c in el))

    responses = tuple((etree.QName(r).localname, r.get("rcardinality"),
                       next((f.get("fibtype") for f in r.iter(f"{{{QTI}}}render_fib")), None))
                      for r in item.find("q:presentation", Q) if etree.QName(r).localname.startswith("response"))
    scored = [tree(c.find("q:conditionvar", Q)) for c in item.iterfind("q:resprocessing/q:respcondition", Q)
              if c.findtext("q:setvar", namespaces=Q) == "100" or c.find("q:conditionvar/q:other", Q) is not None
              and c.find("q:displayfeedback", Q) is None]
    return fields(item)["question_type"], responses, scored


def test_same_structure_as_text2qti(kinds, tmp_path):
    if shutil.which("text2qti") is None:
        pytest.skip("text2qti is not installed (pip install text2qti)")
    (tmp_path / "quiz.md").write_text(TEXT2QTI_QUIZ, encoding="utf-8")
    run = subprocess.run(["text2qti", "quiz.md"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(tmp_path / "quiz.zip") as zf:
        theirs = [etree.fromstring(zf.read(n), PARSER) for n in zf.namelist()
                  if n.endswith(".xml") and "assessment_meta" not in n and n != "imsmanifest.xml"]
    theirs = [shape(i) for doc in theirs for i in doc.iter(f"{{{QTI}}}item")]
    quiz = kinds.pages[1].quiz
    ours = canvas_items(build("qti12", kinds), f"{quiz.id}/{quiz.id}.xml")
    mine = [shape(ours[f"{kinds.pages[1].id}_k{n}"]) for n in (1, 2, 3, 4, 5, 8)]
    assert len(theirs) == len(mine) == 6
    for a, b in zip(mine, theirs):
        assert a == b


# ---- Canvas's own converter: QTIMigrationTool ------------------------------------------------------------

def migration_tool() -> Path:
    where = os.environ.get("QTI_MIGRATION_TOOL")
    if not where:
        pytest.skip("QTI_MIGRATION_TOOL is not set: point it at a checkout of github.com/instructure/QTIMigrationTool "
                    "(Canvas's QTI 1.2 -> 2.1 converter; Python 3 and lxml) to run Canvas's conversion")
    script = Path(where) / "migrate.py"
    if not script.is_file():
        pytest.skip(f"QTI_MIGRATION_TOOL={where} holds no migrate.py")
    return script


def convert(script: Path, package: Path, out: Path) -> dict[str, etree._Element]:
    """The tool run as Canvas runs it (`Qti.get_conversion_command`); the QTI 2.1 items by identifier."""
    run = subprocess.run([sys.executable, str(script), "--ucvars", "--nogui", "--overwrite", f"--cpout={out}",
                          str(package)], capture_output=True, text=True, timeout=600, cwd=script.parent)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    items = {}
    for path in sorted((out / "assessmentItems").glob("*.xml")):
        doc = etree.parse(str(path), PARSER).getroot()
        items[doc.get("identifier")] = doc
    return items


def canvas_question(doc: etree._Element) -> dict:
    """What Canvas's importer (canvas-lms gems/plugins/qti_exporter/lib/qti/: assessment_item_converter.rb picks
    the converter from the question_type field; choice_interaction.rb, extended_text_interaction.rb,
    numeric_interaction.rb and associate_interaction.rb's canvas_matching read the answers) makes of one
    converted item, by the same selectors."""
    def x(el, path):
        return el.xpath(path)

    meta = {f.get("name"): f.get("value") for f in x(doc, "//*[local-name()='instructureField']")}
    qtype = meta["question_type"]
    ifs = x(doc, "//*[local-name()='responseIf' or local-name()='responseElseIf']")

    def scores(r_if) -> bool:
        values = x(r_if, "./*[local-name()='setOutcomeValue'][@identifier='SCORE']//*[local-name()='baseValue']")
        return any(float(v.text) > 0 for v in values)

    q = {"question_type": qtype}
    if qtype == "matching_question":  # AssociateInteraction, canvas_matching
        interactions = x(doc, "//*[local-name()='choiceInteraction']")
        matches = {c.get("identifier"): (int(re.search(r"\d+", c.get("identifier")).group()),
                                         " ".join(c.xpath("string()").split()))
                   for c in x(interactions[0], ".//*[local-name()='simpleChoice']")}
        answers = {ci.get("responseIdentifier"): {"left": " ".join(x(ci, "string(*[local-name()='prompt'])").split())}
                   for ci in interactions}
        for r_if in ifs:
            match = x(r_if, ".//*[local-name()='match']")
            if not match or not x(r_if, "./*[local-name()='setOutcomeValue'][@identifier='SCORE']"
                                        "//*[local-name()='sum']"):
                continue
            var = x(match[0], "./*[local-name()='variable']/@identifier")[0]
            value = x(match[0], "./*[local-name()='baseValue'][@baseType='identifier']")[0].text
            if var in answers and value in matches:
                answers[var]["match_id"], answers[var]["right"] = matches[value]
        q["matches"] = [t for _, t in matches.values()]
        q["match_ids"] = [i for i, _ in matches.values()]
        q["answers"] = [(a["left"], a.get("right")) for a in answers.values()]
    elif x(doc, "//*[local-name()='choiceInteraction']"):  # ChoiceInteraction
        choices = {c.get("identifier"): " ".join(c.xpath("string()").split())
                   for c in x(doc, "//*[local-name()='simpleChoice']")}
        right = set()
        for cond in x(doc, "//*[local-name()='responseProcessing']/*[local-name()='responseCondition']"):
            members = x(cond, "./*[local-name()='responseIf']/*[local-name()='and']/*[local-name()='member']")
            if members:
                right |= {x(m, "./*[local-name()='baseValue']")[0].text.strip() for m in members}
                continue
            for r_if in x(cond, "./*[local-name()='responseIf' or local-name()='responseElseIf']"):
                ident = x(r_if, ".//*[local-name()='match']/*[local-name()='baseValue'][@baseType='identifier']")
                if ident and scores(r_if):
                    right.add(ident[0].text.strip())
        q["answers"] = [(text, ident in right) for ident, text in choices.items()]
        if qtype == "true_false_question" and [t for t, _ in q["answers"]] != ["True", "False"]:
            q["question_type"] = "multiple_choice_question"
    elif qtype == "numerical_question":  # NumericInteraction.get_canvas_answers
        q["answers"] = []
        for r_if in ifs:
            either = x(r_if, ".//*[local-name()='or']")
            if either:
                exact = x(either[0], ".//*[local-name()='stringMatch']/*[local-name()='baseValue']")[0].text
                upper = x(either[0], ".//*[local-name()='and']/*[local-name()='customOperator'][@class='varlte']"
                                     "/*[local-name()='baseValue']")
                margin = Decimal(upper[0].text) - Decimal(exact) if upper else None
                q["answers"].append({"type": "exact_answer", "exact": Decimal(exact), "margin": margin})
            elif x(r_if, ".//*[local-name()='and']"):
                low = x(r_if, ".//*[local-name()='customOperator'][@class='vargte']/*[local-name()='baseValue']")
                high = x(r_if, ".//*[local-name()='customOperator'][@class='varlte']/*[local-name()='baseValue']")
                q["answers"].append({"type": "range_answer", "start": Decimal(low[0].text),
                                     "end": Decimal(high[0].text)})
    else:  # ExtendedTextInteraction: a short answer with no answers is an essay
        texts = [v.text for v in x(doc, "//*[local-name()='responseCondition']//*[local-name()='stringMatch' or "
                                        "local-name()='match']/*[local-name()='baseValue'][@baseType='string']")]
        q["answers"] = texts
        if not texts:
            q["question_type"] = "essay_question"
    return q


def expected_question(item: Item) -> dict:
    q = {"question_type": CANVAS_TYPES[item.kind]}
    if item.kind in (TRUE_FALSE, CHOICE, MULTIPLE):
        q["answers"] = [(text_of(c.html), c.right) for c in item.choices]
    elif item.kind == SHORT:
        q["answers"] = item.answers
    elif item.kind == NUMERIC:
        n = item.numeric
        q["answers"] = [{"type": "range_answer", "start": Decimal(n.low), "end": Decimal(n.high)} if n.range else
                        {"type": "exact_answer", "exact": Decimal(n.value), "margin": Decimal(n.margin)}]
    elif item.kind == MATCHING:
        q["matches"] = list(dict.fromkeys(text_of(p.right_html) for p in item.pairs))
        q["match_ids"] = list(range(1, len(q["matches"]) + 1))
        q["answers"] = [(text_of(p.left_html), text_of(p.right_html)) for p in item.matches]
    else:
        q["answers"] = []
    return q


@pytest.mark.parametrize("which", ["kinds", "sample_course"])
def test_canvas_converter_reads_every_kind(which, request, tmp_path):
    """Canvas's converter reads each item as its Canvas question type, with its answers: every kind of the model
    course, and every item of the sample course (its statements and its review quiz of every kind)."""
    course = request.getfixturevalue(which)
    script = migration_tool()
    package = tmp_path / "qti12"
    with zipfile.ZipFile(io.BytesIO(WRITERS["qti12"]().write(course, Options()).data)) as zf:
        zf.extractall(package)
    converted = convert(script, package, tmp_path / "qti21")
    assert set(converted) == {i.id for i in course.items}, "every item converted, under its ident"
    for item in course.items:
        assert canvas_question(converted[item.id]) == expected_question(item), item.id
    assert {i.kind for i in course.items} >= {"choice", "multiple", "short", "numeric", "matching", "essay"}


def test_canvas_converter_reads_cc13_canvas_copy(kinds, tmp_path):
    """Canvas imports cc13's quizzes from non_cc_assessments/ through the same converter."""
    script = migration_tool()
    package = tmp_path / "cc13"
    with zipfile.ZipFile(io.BytesIO(WRITERS["cc13"]().write(kinds, Options()).data)) as zf:
        zf.extractall(package)
    converted = convert(script, package / "non_cc_assessments", tmp_path / "qti21")
    kept = [i for q in kinds.quizzes if any(CC_PROFILES[i.kind] for i in q.items) for i in q.items]
    assert set(converted) == {i.id for i in kept}, "every item of every quiz the cartridge keeps"
    for item in kept:
        assert canvas_question(converted[item.id]) == expected_question(item), item.id


# ---- Moodle's cartridge import of cc11 ------------------------------------------------------------------------

@pytest.mark.moodle
def test_cc11_kinds_in_moodle(kinds, moodle, tmp_path):
    path = tmp_path / "kinds-cc11.imscc"
    path.write_bytes(WRITERS["cc11"]().write(kinds, Options()).data)
    r = moodle.php(moodle.scripts / "import_cartridge.php", path)
    assert r.returncode in (0, 3), r.stdout[-2000:] + r.stderr[-2000:]
    got = json.loads(r.stdout)
    quizzes = [m for m in got["modules"] if m["modname"] == "quiz"]
    assert [m["name"] for m in quizzes] == ["Quiz: Second page", "Quiz: Last page"], "the numeric-only quiz left out"
    stored = {q["name"]: q for q in quizzes[0]["questions"]}
    first = kinds.pages[1].quiz
    assert list(stored) == [i.title for i in first.items if CC_PROFILES[i.kind]]

    def answers(q):
        return [(text_of(a["answer"]), round(float(a["fraction"]), 5)) for a in q["answers"]]

    k = {i.id.rsplit("_", 1)[1]: stored[i.title] for i in first.items[1:] if CC_PROFILES[i.kind]}
    assert k["k1"]["qtype"] == "multichoice" and k["k1"]["options"]["single"] == "1"
    assert answers(k["k1"]) == [("White", 0), ("Red", 1), ("Green", 0)]
    assert "Green is for the right side of boats." in text_of(k["k1"]["answers"][2]["feedback"])
    assert text_of(k["k1"]["generalfeedback"]) == "White at the front, red at the back."
    assert k["k2"]["qtype"] == "multichoice" and k["k2"]["options"]["single"] == "0"
    assert answers(k["k2"]) == [("Brakes", 0.5), ("Tyres", 0.5), ("The colour of the saddle", 0)]
    assert text_of(k["k2"]["generalfeedback"]) == "", "the verdicts are not general feedback"
    assert k["k3"]["qtype"] == "shortanswer" and k["k3"]["options"]["usecase"] == "0"
    assert answers(k["k3"]) == [("brake", 1), ("brake lever", 1)]
    assert text_of(k["k3"]["generalfeedback"]) == "The brake lever."
    assert k["k8"]["qtype"] == "essay" and k["k8"]["answers"] == []
    assert text_of(k["k8"]["generalfeedback"]) == "Arm out, look, then turn."
    print(f"\ncc11 kinds in Moodle: {[(q['name'], q['qtype']) for q in quizzes[0]['questions']]}")


# ---- a course written in the typed-item syntax (coursekit.typed_course), built as an author builds it ----------

@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    from coursekit import typed_course

    folder = typed_course(tmp_path_factory.mktemp("typed") / "course")
    return folder, packaged(folder)


def test_typed_course_build_warns_at_each_line(typed, tmp_path):
    """`exporter build`: the three artifacts, and each numeric and matching item's line in cc11's and cc13's
    warnings (the report's drops), none in qti12's but the image the essay shows."""
    from conftest import run_cli

    folder, course = typed
    r = run_cli("build", folder, "--out", tmp_path / "out", "--format", "qti12,cc11,cc13", "--json")
    assert r.returncode == 0, r.stderr
    warnings = json.loads(r.stdout)["warnings"]
    for item in course.items:
        at = f"{item.source}:{item.line}: warning: "
        said = [w for w in warnings if w.startswith(at) and ("Common Cartridge QTI profile" in w
                                                              or "not carried by" in w)]
        assert len(said) == (2 if item.kind in (NUMERIC, MATCHING) else 0), (item.kind, said)
        assert not any("qti12" in w for w in said)
    assert sum("ticking every choice scores full marks" in w for w in warnings) == 1  # cc11's multiple item
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "numeric and matching questions (not in CC 1.1)" in report


def test_typed_course_in_canvas_flavour(typed):
    folder, course = typed
    files = build("qti12", course)
    quiz = course.pages[1].quiz
    items = canvas_items(files, f"{quiz.id}/{quiz.id}.xml")
    got = [read_canvas_item(items[i.id]) for i in quiz.items]
    assert [g["type"] for g in got] == [CANVAS_TYPES[i.kind] for i in quiz.items]
    choice, multiple, short, exact, rng, percent, matching, essay, tf = got
    assert [text_of(t) for t in choice["labels"]] == [text_of(c.html) for c in quiz.items[0].choices]
    assert [text_of(t) for t in choice["right"]] == ["Red & only red"]
    assert multiple["right"] == ["Brakes", "Tyres"] and len(multiple["wrong"]) == 2
    assert multiple["correct"] == "Right. Yes: brakes and tyres."
    assert short["answers"] == ["brake", "brake lever"]
    assert (exact["exact"], exact["margin"]) == (2, 0)
    assert rng["range"] == (6, 8)
    assert (percent["exact"], percent["margin"]) == (Decimal("4.5"), Decimal("0.225"))
    assert matching["options"] == ["No vehicles", "Route to follow", "Warning & danger", "No stopping"]
    assert matching["shares"] == 100
    assert essay["answers"] == [] and essay["general"].startswith("Arm straight out")
    assert tf["type"] == "true_false_question"
    from test_qti12 import without_namespaces

    dtd = etree.DTD(str(require(SCHEMAS / "qti12" / "ims_qtiasiv1p2p1.canvas-ext.dtd", "the QTI 1.2 DTD")))
    for name in (n for n in files if n.endswith(".xml") and "assessment_meta" not in n and n != "imsmanifest.xml"):
        assert dtd.validate(without_namespaces(etree.fromstring(files[name], PARSER))), name


@pytest.mark.parametrize("fmt", ["cc11", "cc13"])
def test_typed_course_cc_valid(fmt, typed):
    folder, course = typed
    files = build(fmt, course)
    schema = xml_schema(CC_QTI_SCHEMA)
    quiz = course.pages[1].quiz
    doc = etree.fromstring(files[f"{quiz.id}/assessment_qti.xml"], PARSER)
    assert_valid(schema, doc, fmt)
    assert [fields(i)["cc_profile"] for i in doc.iter(f"{{{QTI}}}item")] == \
        [CC_PROFILES[i.kind] for i in quiz.items if CC_PROFILES[i.kind]]


def test_typed_course_through_canvas_converter(typed, tmp_path):
    script = migration_tool()
    folder, course = typed
    package = tmp_path / "qti12"
    with zipfile.ZipFile(io.BytesIO(WRITERS["qti12"]().write(course, Options()).data)) as zf:
        zf.extractall(package)
    converted = convert(script, package, tmp_path / "qti21")
    assert set(converted) == {i.id for i in course.items}
    for item in course.items:
        assert canvas_question(converted[item.id]) == expected_question(item), item.id


@pytest.mark.moodle
def test_typed_course_cc11_in_moodle(typed, moodle, tmp_path):
    folder, course = typed
    path = tmp_path / "typed-cc11.imscc"
    path.write_bytes(WRITERS["cc11"]().write(course, Options()).data)
    r = moodle.php(moodle.scripts / "import_cartridge.php", path)
    assert r.returncode in (0, 3), r.stdout[-2000:] + r.stderr[-2000:]
    got = json.loads(r.stdout)
    quiz = next(m for m in got["modules"] if m["modname"] == "quiz")
    kept = [i for i in course.pages[1].quiz.items if CC_PROFILES[i.kind]]
    qtypes = {CHOICE: "multichoice", MULTIPLE: "multichoice", SHORT: "shortanswer", ESSAY: "essay",
              TRUE_FALSE: "truefalse"}
    assert [q["qtype"] for q in quiz["questions"]] == [qtypes[i.kind] for i in kept]
    for q, item in zip(quiz["questions"], kept):
        fractions = [round(float(a["fraction"]), 5) for a in q["answers"]]
        if item.kind == CHOICE:
            assert fractions == [1.0 if c.right else 0.0 for c in item.choices]
        elif item.kind == MULTIPLE:
            share = round(1 / sum(c.right for c in item.choices), 5)
            assert fractions == [share if c.right else 0.0 for c in item.choices]
        elif item.kind == SHORT:
            assert [text_of(a["answer"]) for a in q["answers"]] == item.answers and fractions == [1.0, 1.0]
        elif item.kind == ESSAY:
            assert q["answers"] == []
    print(f"\ntyped cc11 in Moodle: {[q['qtype'] for q in quiz['questions']]}")
