"""The QTI 2.1 and 3.0 packages (`qti21`, `qti30`): schema-valid, complete manifests, items that round-trip,
and citolab-qti-convert's upgrade of our 2.1 package holding what our own 3.0 package holds.

Everything is read back here with lxml and the element names of each spec, never through the writers.
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from conftest import assert_valid, xml_schema
from coursekit import AWKWARD_ITEMS, ITEMS, awkward_course, page, quiz, write_course
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options
from itemcheck import (ESSAY_ANSWER, choices_answer, expected_quizzes, item_key, matching_answer, numeric_answer,
                       short_answer, strip_stimulus)

PARSER = etree.XMLParser(no_network=True, resolve_entities=False)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Spec:
    """One QTI version as its spec spells it: namespaces, element names, schemas, manifest resource types."""

    ns: str
    cp: str
    asi_schema: str
    cp_schema: str
    item_type: str
    test_type: str
    stimulus_type: str | None
    names: dict[str, str]

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{self.names.get(name, name)}"


QTI21 = Spec("http://www.imsglobal.org/xsd/imsqti_v2p1", "http://www.imsglobal.org/xsd/imscp_v1p1",
             "qti21/qtiv2p1/imsqti_v2p1.xsd", "imscp11/imscp_v1p1.xsd",
             "imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1", None,
             {"outcomeIdentifier": "outcomeIdentifier", "showHide": "showHide"})
QTI30 = Spec("http://www.imsglobal.org/xsd/imsqtiasi_v3p0", "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1",
             "qti30/qtiv3p0/imsqti_asiv3p0_sbacv1p0_v1p0.xsd", "qti30/qtiv3p0/imsqtiv3p0_imscpv1p2_v1p0.xsd",
             "imsqti_item_xmlv3p0", "imsqti_test_xmlv3p0", "imsqti_stimulus_xmlv3p0",
             {"assessmentItem": "qti-assessment-item", "assessmentTest": "qti-assessment-test",
              "assessmentStimulus": "qti-assessment-stimulus", "assessmentStimulusRef": "qti-assessment-stimulus-ref",
              "assessmentItemRef": "qti-assessment-item-ref", "assessmentSection": "qti-assessment-section",
              "testPart": "qti-test-part", "selection": "qti-selection", "rubricBlock": "qti-rubric-block",
              "itemBody": "qti-item-body", "choiceInteraction": "qti-choice-interaction", "prompt": "qti-prompt",
              "simpleChoice": "qti-simple-choice", "responseDeclaration": "qti-response-declaration",
              "correctResponse": "qti-correct-response", "value": "qti-value", "modalFeedback": "qti-modal-feedback",
              "responseProcessing": "qti-response-processing", "setOutcomeValue": "qti-set-outcome-value",
              "baseValue": "qti-base-value", "stimulusBody": "qti-stimulus-body", "responseIf": "qti-response-if",
              "match": "qti-match", "variable": "qti-variable", "correct": "qti-correct",
              "responseElse": "qti-response-else", "contentBody": "qti-content-body",
              "outcomeIdentifier": "outcome-identifier", "showHide": "show-hide"})
SPECS = {"qti21": QTI21, "qti30": QTI30}


def text(el: etree._Element | None) -> str:
    """The text a reader sees, a formula (MathML) read as its TeX annotation."""
    if el is None:
        return ""
    if next(el.iter(f"{{{MATHML}}}math"), None) is not None:
        el = copy.deepcopy(el)
        for math in list(el.iter(f"{{{MATHML}}}math")):
            span = etree.Element("span")
            span.text, span.tail = math.findtext(f".//{{{MATHML}}}annotation") or "", math.tail
            math.getparent().replace(math, span)
    return _SPACE.sub(" ", "".join(el.itertext())).strip()


MATHML = "http://www.w3.org/1998/Math/MathML"


# --- an independent reader of a QTI package -----------------------------------------------------------------

@dataclass
class ReadItem:
    statement: str
    labels: tuple[str, ...]  # a choice interaction's choices (texts, in order); () for the other interactions
    right: str  # the answer as itemcheck writes it
    explanation: str
    stimulus: str
    interaction: str = "choiceinteraction"  # its local name, lower case, without 3.0's "qti-" and dashes
    led: bool = False  # no prompt: the quiz's stimulus (2.1, or 3.0 without a shared one) leads the statement


def _name(el: etree._Element) -> str:
    """An element's name in either spelling: `qti-text-entry-interaction` and `textEntryInteraction` are
    `textentryinteraction`."""
    return re.sub(r"^qti-", "", etree.QName(el).localname).replace("-", "").lower()


def _all(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el.iter() if isinstance(c.tag, str) and _name(c) == name.lower()]


def _attr(el: etree._Element, camel: str) -> str | None:
    return el.get(camel) if el.get(camel) is not None else el.get(re.sub(r"(?<!^)(?=[A-Z])", "-", camel).lower())


def typed_answer(root: etree._Element, interaction: etree._Element) -> str:
    """The answer of a typed item, read from its interaction and its response declaration and processing."""
    kind = _name(interaction)
    [decl] = _all(root, "responseDeclaration")
    values = [v.text for c in _all(decl, "correctResponse") for v in _all(c, "value")]
    if kind == "choiceinteraction":
        choices = {c.get("identifier"): text(c) for c in _all(interaction, "simpleChoice")}
        return choices_answer(t for i, t in choices.items() if i in values)
    if kind == "textentryinteraction" and _attr(decl, "baseType") == "string":
        entries = _all(decl, "mapEntry")
        assert {_attr(e, "mappedValue") for e in entries} == {"1"}
        return short_answer(_attr(e, "mapKey") for e in entries)
    if kind == "textentryinteraction":
        assert _attr(decl, "baseType") == "float"
        [processing] = _all(root, "responseProcessing")
        bounds = [_all(op, "baseValue")[0].text for op in _all(processing, "gte") + _all(processing, "lte")]
        if not bounds:
            [equal] = _all(processing, "equal")
            assert _attr(equal, "toleranceMode") == "exact"
            bounds = [_all(equal, "baseValue")[0].text] * 2
        return numeric_answer(*bounds)
    if kind == "matchinteraction":
        left, right = ({c.get("identifier"): text(c) for c in _all(s, "simpleAssociableChoice")}
                       for s in _all(interaction, "simpleMatchSet"))
        pairs = [v.split() for v in values]
        return matching_answer([(left[a], right[b]) for a, b in pairs], right.values())
    assert kind == "extendedtextinteraction" and not values, kind
    return ESSAY_ANSWER


def typed_explanation(root: etree._Element) -> str:
    """The explanation a typed item shows: its EXPLANATION feedback, or what its RIGHT and WRONG feedback end with
    alike (after the verdict's words or the author's + and -)."""
    shown = {fb.get("identifier"): [text(p) for p in (_all(fb, "contentBody") or [fb])[0]]
             for fb in _all(root, "modalFeedback") if _attr(fb, "outcomeIdentifier") == "FEEDBACK"}
    if "EXPLANATION" in shown:
        assert set(shown) == {"EXPLANATION"}
        return " ".join(shown["EXPLANATION"])
    if not shown:
        return ""
    right, wrong = shown.get("RIGHT", []), shown.get("WRONG", [])
    common = []
    while len(common) < min(len(right), len(wrong)) and right[-1 - len(common)] == wrong[-1 - len(common)]:
        common.insert(0, right[-1 - len(common)])
    return " ".join(common)


@dataclass
class ReadTest:
    title: str
    select: int
    items: list[ReadItem]


class Package:
    """A QTI package as files: the manifest's resources, and each document resolved through them."""

    def __init__(self, files: dict[str, bytes], spec: Spec):
        self.files, self.spec = files, spec
        self.manifest = etree.fromstring(files["imsmanifest.xml"], PARSER)
        cp = lambda t: f"{{{spec.cp}}}{t}"  # noqa: E731
        self.resources = {r.get("identifier"): r for r in self.manifest.iter(cp("resource"))}
        self.cp = cp

    @classmethod
    def from_zip(cls, data: bytes, spec: Spec) -> Package:
        zf = zipfile.ZipFile(io.BytesIO(data))
        return cls({n: zf.read(n) for n in zf.namelist()}, spec)

    @classmethod
    def from_folder(cls, folder: Path, spec: Spec) -> Package:
        return cls({p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}, spec)

    def doc(self, path: str) -> etree._Element:
        return etree.fromstring(self.files[path], PARSER)

    def of_type(self, type_: str) -> list[etree._Element]:
        return [r for r in self.resources.values() if r.get("type") == type_]

    def tests(self) -> list[ReadTest]:
        return [self.read_test(r.get("href")) for r in self.of_type(self.spec.test_type)]

    def read_test(self, path: str) -> ReadTest:
        s = self.spec
        root = self.doc(path)
        assert root.tag == s.q("assessmentTest"), path
        [section] = root.iter(s.q("assessmentSection"))
        [selection] = section.findall(s.q("selection"))
        refs = [r.get("href") for r in section.iter(s.q("assessmentItemRef"))]
        items = [self.read_item(posixpath.normpath(posixpath.join(posixpath.dirname(path), h))) for h in refs]
        return ReadTest(root.get("title"), int(selection.get("select")), items)

    def read_item(self, path: str) -> ReadItem:
        s = self.spec
        root = self.doc(path)
        assert root.tag == s.q("assessmentItem"), path
        body = root.find(s.q("itemBody"))
        [interaction] = [el for el in body.iter() if isinstance(el.tag, str) and _name(el).endswith("interaction")]
        if _name(interaction) != "choiceinteraction" or _attr(interaction, "maxChoices") != "1" \
                or len(_all(interaction, "simpleChoice")) != 2:
            return self.read_typed(path, root, body, interaction)
        choices = {c.get("identifier"): text(c) for c in interaction.iter(s.q("simpleChoice"))}
        [decl] = root.iter(s.q("responseDeclaration"))
        [right] = [v.text for v in decl.iter(s.q("value"))]
        # the response processing gives 1 point when the response matches the declared correct response
        [rif] = root.iter(s.q("responseIf"))
        assert rif.find(f"{s.q('match')}/{s.q('variable')}").get("identifier") == decl.get("identifier")
        assert rif.find(f"{s.q('match')}/{s.q('correct')}").get("identifier") == decl.get("identifier")
        assert float(rif.find(f"{s.q('setOutcomeValue')}/{s.q('baseValue')}").text) == 1.0
        # one modal feedback per outcome, its value set in the right branch or the other (test_qti2x_verdict.py
        # checks what each shows): the verdict's paragraph, then the explanation, the same after either answer
        explanations = set()
        for fb, branch in zip(root.findall(s.q("modalFeedback")), (rif, root.find(f".//{s.q('responseElse')}"))):
            outcome = fb.get(s.names["outcomeIdentifier"])
            values = [sv.find(s.q("baseValue")).text for sv in branch.findall(s.q("setOutcomeValue"))
                      if sv.get("identifier") == outcome]
            assert fb.get(s.names["showHide"]) == "show" and values == [fb.get("identifier")], path
            content = fb.find(s.q("contentBody")) if fb.find(s.q("contentBody")) is not None else fb  # 3.0 wraps it
            verdict, *rest = list(content)
            assert text(verdict), path
            explanations.add(_SPACE.sub(" ", " ".join(text(el) for el in rest)).strip())
        [explanation] = explanations
        return ReadItem(text(interaction.find(s.q("prompt"))), tuple(choices.values()), choices[right], explanation,
                        self.stimulus_of(path, root, body, interaction))

    def read_typed(self, path: str, root: etree._Element, body: etree._Element,
                   interaction: etree._Element) -> ReadItem:
        """An item of another kind, or a choice item with its own choices: its interaction's answer."""
        labels = tuple(text(c) for c in _all(interaction, "simpleChoice"))
        prompt = next((c for c in interaction if isinstance(c.tag, str) and _name(c) == "prompt"), None)
        if prompt is not None:
            return ReadItem(text(prompt), labels, typed_answer(root, interaction), typed_explanation(root),
                            self.stimulus_of(path, root, body, interaction), _name(interaction))
        # a text entry sits in a paragraph after the statement's, the quiz's stimulus (if any) before them
        statement = _SPACE.sub(" ", " ".join(text(el) for el in body if interaction not in el.iter())).strip()
        stimulus = self.stimulus_of(path, root, body, None) if root.findall(self.spec.q("assessmentStimulusRef")) \
            else ""
        return ReadItem(statement, labels, typed_answer(root, interaction), typed_explanation(root), stimulus,
                        _name(interaction), led=not stimulus)

    def stimulus_of(self, path: str, root: etree._Element, body: etree._Element, interaction) -> str:
        """The quiz's stimulus the item shows: what its body holds beside the interaction, or the shared
        stimulus it references (3.0)."""
        s = self.spec
        stimulus = "" if interaction is None else \
            _SPACE.sub(" ", " ".join(text(el) for el in body if el is not interaction)).strip()
        for ref in root.findall(s.q("assessmentStimulusRef")):
            assert not stimulus, "a 3.0 item referencing a stimulus repeats it"
            href = posixpath.normpath(posixpath.join(posixpath.dirname(path), ref.get("href")))
            stim = self.doc(href)
            assert stim.tag == s.q("assessmentStimulus") and stim.get("identifier") == ref.get("identifier")
            stimulus = text(stim.find(s.q("stimulusBody")))
        return stimulus


# --- fixtures ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def awkward(tmp_path_factory):
    course, _ = read_course(awkward_course(tmp_path_factory.mktemp("awkward")))
    return course


@pytest.fixture(scope="session")
def pictured(tmp_path_factory):
    """A quiz whose stimulus shows a local image."""
    folder = write_course(tmp_path_factory.mktemp("pictured"), {
        "a.md": page("Signs", 0, "Text.\n\n" + quiz(2, ITEMS, stimulus="![A stop sign](images/stop.png)\n\nLook."),
                     kind="chapter")})
    (folder / "images").mkdir()
    (folder / "images" / "stop.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    course, _ = read_course(folder)
    return course


COURSES = ("sample_course", "corpus_course", "plain_corpus_course", "awkward", "plain_awkward", "pictured")


@pytest.fixture(params=COURSES)
def course(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(params=sorted(SPECS))
def fmt(request) -> str:
    return request.param


def package(artifact, fmt: str, course) -> Package:
    return Package.from_zip(artifact(fmt, course), SPECS[fmt])


# --- tests -------------------------------------------------------------------------------------------------

def test_every_file_is_valid_against_its_schema(artifact, fmt, course):
    spec = SPECS[fmt]
    pkg = package(artifact, fmt, course)
    asi, cp = xml_schema(spec.asi_schema), xml_schema(spec.cp_schema)
    roots = {"items/": "assessmentItem", "tests/": "assessmentTest", "stimuli/": "assessmentStimulus"}
    for name, data in pkg.files.items():
        if not name.endswith(".xml"):
            continue
        assert b"&#" not in data, f"{name}: numeric character references instead of raw UTF-8"
        doc = etree.fromstring(data, PARSER)
        if name == "imsmanifest.xml":
            assert_valid(cp, doc, name)
            continue
        folder = name.split("/")[0] + "/"
        assert doc.tag == spec.q(roots[folder]), name
        assert_valid(asi, doc, name)
    if fmt == "qti21":
        assert not any(n.startswith("stimuli/") for n in pkg.files)


def test_manifest_lists_exactly_the_files_and_every_reference_resolves(artifact, fmt, course):
    spec = SPECS[fmt]
    pkg = package(artifact, fmt, course)
    cp = pkg.cp
    listed = [f.get("href") for f in pkg.manifest.iter(cp("file"))]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(pkg.files) - {"imsmanifest.xml"}
    ids = [r.get("identifier") for r in pkg.manifest.iter(cp("resource"))]
    assert len(ids) == len(set(ids))
    meta = pkg.manifest.find(cp("metadata"))
    assert meta.findtext(cp("schema")) == ("QTIv2.1 Package" if fmt == "qti21" else "QTI Package")
    for res in pkg.resources.values():
        files = [f.get("href") for f in res.iter(cp("file"))]
        assert res.get("href") in files
        deps = [d.get("identifierref") for d in res.iter(cp("dependency"))]
        assert all(d in pkg.resources for d in deps), deps
        if res.get("type") in (spec.item_type, spec.test_type, spec.stimulus_type):
            root = pkg.doc(res.get("href"))
            assert root.get("identifier") == res.get("identifier")
            here = posixpath.dirname(res.get("href"))
            refs = [(el.get("href"), el.tag) for el in root.iter(spec.q("assessmentItemRef"),
                                                                 spec.q("assessmentStimulusRef"))]
            refs += [(el.get("src"), el.tag) for el in root.iter(f"{{{spec.ns}}}img")]
            targets = {posixpath.normpath(posixpath.join(here, h)) for h, _ in refs}
            assert targets <= set(pkg.files), targets - set(pkg.files)
            # a document depends on exactly the resources it points at
            by_file = {r.get("href"): i for i, r in pkg.resources.items()}
            assert sorted(deps) == sorted(by_file[t] for t in targets)
    types = Counter(r.get("type") for r in pkg.resources.values())
    assert types[spec.test_type] == len(course.quizzes)
    assert types[spec.item_type] == len(course.items)
    if spec.stimulus_type:
        assert types[spec.stimulus_type] == sum(1 for q in course.quizzes if q.stimulus_html.strip())


def test_items_round_trip(artifact, fmt, course):
    check_items(fmt, course, artifact(fmt, course))


def check_items(fmt: str, course, data: bytes) -> None:
    """Every quiz and item of the course, read back from the package (also used by test_property)."""
    tests = Package.from_zip(data, SPECS[fmt]).tests()
    expected = expected_quizzes(course)
    assert len(tests) == len(expected)
    for test, exp in zip(tests, expected):
        assert test.title == exp.page_title
        assert test.select == exp.draw
        assert len(test.items) == sum(exp.items.values())
        found = Counter()
        for item in test.items:
            statement = item.statement
            if item.led:
                statement = strip_stimulus(statement, exp.stimulus)
            else:
                assert item.stimulus == exp.stimulus
            key = item_key(statement, item.right, item.explanation)
            found[key] += 1
            if key in exp.labelled:
                assert item.labels == exp.labels
            elif key in exp.kinds:
                kind = exp.kinds[key]
                assert item.interaction == KIND_INTERACTION[kind].lower(), (key, item.interaction)
        assert found == exp.items


def test_awkward_text_survives_as_text_and_markup(artifact, fmt, awkward):
    spec = SPECS[fmt]
    pkg = package(artifact, fmt, awkward)
    docs = {n: pkg.doc(n) for n in pkg.files if n.endswith(".xml")}
    seen = "".join(text(doc) for doc in docs.values())
    for raw in ("🚲🙂", "中文", "\u2764", "]]>", "Ja & ja", "Nein <nein>", "Fish & chips < 5 > 2"):
        assert raw in seen, raw
    assert "&amp;" not in seen and "&lt;" not in seen, "escaped twice"
    items = [doc for n, doc in docs.items() if n.startswith("items/")]
    labels = {tuple(text(c) for c in doc.iter(spec.q("simpleChoice"))) for doc in items}
    assert labels == {("Ja & ja", "Nein <nein>"), ("True", "False")}
    emphasis = [el for doc in items for el in doc.iter(f"{{{spec.ns}}}em") if text(el) == "Emphasis"]
    assert emphasis and all(el.getparent().tag == spec.q("prompt") for el in emphasis)
    assert len(items) == 2 * len(AWKWARD_ITEMS)


def test_a_stimulus_image_is_packaged_and_linked(artifact, fmt, pictured):
    spec = SPECS[fmt]
    pkg = package(artifact, fmt, pictured)
    assert pkg.files["images/stop.png"] == pictured.files["images/stop.png"].read()
    [res] = pkg.of_type("webcontent")
    assert res.get("href") == "images/stop.png"
    holders = [n for n in pkg.files if n.endswith(".xml") and n != "imsmanifest.xml"
               and any(True for _ in pkg.doc(n).iter(f"{{{spec.ns}}}img"))]
    assert holders == ([f"stimuli/{pictured.quizzes[0].id}.xml"] if fmt == "qti30" else
                       sorted(n for n in pkg.files if n.startswith("items/")))
    for name in holders:
        [img] = pkg.doc(name).iter(f"{{{spec.ns}}}img")
        assert (img.get("src"), img.get("alt")) == ("../images/stop.png", "A stop sign")
    assert_valid(xml_schema(spec.asi_schema), pkg.doc(holders[0]), holders[0])


def test_two_writes_are_byte_identical(fmt, corpus_course):
    first = WRITERS[fmt]().write(corpus_course, Options()).data
    assert first == WRITERS[fmt]().write(corpus_course, Options()).data


@pytest.mark.parametrize("name", ["corpus_course", "awkward"])
def test_citolab_upgrade_of_our_21_matches_our_30(artifact, request, tmp_path, name):
    """citolab-qti-convert, written by others, upgrades our 2.1 package; it must hold the items of our 3.0 one."""
    tool = shutil.which("qti-convert")
    if tool is None:
        pytest.skip("qti-convert (PyPI citolab-qti-convert) is not installed")
    course = request.getfixturevalue(name)
    src, out = tmp_path / "qti21", tmp_path / "upgraded"
    zipfile.ZipFile(io.BytesIO(artifact("qti21", course))).extractall(src)
    r = subprocess.run([tool, "upgrade", "-q", str(src), str(out)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    upgraded = Package.from_folder(out, QTI30).tests()
    ours = package(artifact, "qti30", course).tests()
    assert len(upgraded) == len(ours) == len(course.quizzes)

    def summary(test: ReadTest):
        return test.title, test.select, Counter((i.statement, i.right, i.explanation, i.labels) for i in test.items)

    assert [summary(t) for t in upgraded] == [summary(t) for t in ours]


# --- every question kind (coursekit's typed courses; the player's scoring is in test_qti_player) ---------------

KIND_INTERACTION = {"truefalse": "choiceInteraction", "choice": "choiceInteraction", "multiple": "choiceInteraction",
                    "short": "textEntryInteraction", "numeric": "textEntryInteraction",
                    "matching": "matchInteraction", "essay": "extendedTextInteraction"}
TYPED = ("typed", "edges", "edges-shuffled")


def _spelled(spec: Spec, camel: str) -> str:
    """A name in the spec's spelling (3.0: kebab-case; elements also `qti-`), for names the table above lacks."""
    return camel if spec is QTI21 else re.sub(r"(?<!^)(?=[A-Z])", "-", camel).lower()


@pytest.mark.parametrize("name", TYPED)
def test_every_kind_is_valid_against_its_schema(artifact, fmt, typed, name):
    spec = SPECS[fmt]
    pkg = package(artifact, fmt, typed[name])
    asi = xml_schema(spec.asi_schema)
    for file in pkg.files:
        if file.endswith(".xml") and file != "imsmanifest.xml":
            assert_valid(asi, pkg.doc(file), file)
    assert_valid(xml_schema(spec.cp_schema), pkg.manifest, "imsmanifest.xml")


@pytest.mark.parametrize("name", TYPED)
def test_every_kind_reads_back_as_its_interaction_and_answer(artifact, fmt, typed, name):
    """Each item read back with lxml: the kind's interaction, the response it declares, and the right answer
    resolved to the texts a learner reads, against the model."""
    from exporter.model import CHOICE_KINDS, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT
    from itemcheck import text_of

    spec = SPECS[fmt]
    q = lambda camel: f"{{{spec.ns}}}" + ("" if spec is QTI21 else "qti-") + _spelled(spec, camel)  # noqa: E731
    a = lambda camel: _spelled(spec, camel)  # noqa: E731
    course = typed[name]
    pkg = package(artifact, fmt, course)
    assert {i.kind for i in course.items} >= {"choice", "multiple", "short", "numeric", "matching", "essay"}
    shuffled = {i.id: q_.shuffle for q_ in course.quizzes for i in q_.items}
    for item in course.items:
        root = pkg.doc(f"items/{item.id}.xml")
        [interaction] = root.iter(q(KIND_INTERACTION[item.kind]))
        [decl] = root.iter(q("responseDeclaration"))
        assert interaction.get(a("responseIdentifier")) == decl.get("identifier")
        values = [v.text for v in decl.iter(q("value"))]
        processing = root.find(q("responseProcessing"))
        scored = [sv for sv in root.iter(q("setOutcomeValue")) if sv.get("identifier") == "SCORE"]
        if item.kind in CHOICE_KINDS:
            choices = {c.get("identifier"): text(c) for c in interaction.iter(q("simpleChoice"))}
            assert list(choices.values()) == [text_of(c.html) for c in item.choices]
            assert sorted(choices[v] for v in values) == sorted(text_of(c.html) for c in item.choices if c.right)
            assert (decl.get("cardinality"), interaction.get(a("maxChoices"))) == (
                ("multiple", "0") if item.kind == MULTIPLE else ("single", "1"))
        elif item.kind == SHORT:
            entries = list(decl.iter(q("mapEntry")))
            keys = [e.get(a("mapKey")) for e in entries]
            assert {k.casefold() for k in keys} == {" ".join(x.split()).casefold() for x in item.answers}
            assert len(keys) == len({k.casefold() for k in keys})
            assert all(e.get(a("caseSensitive")) == "false" and e.get(a("mappedValue")) == "1" for e in entries)
            assert decl.get(a("baseType")) == "string" and any(True for _ in processing.iter(q("mapResponse")))
        elif item.kind == NUMERIC:
            assert decl.get(a("baseType")) == "float" and values == [item.numeric.value]
            bounds = [op.find(q("baseValue")).text for op in processing.iter(q("gte"), q("lte"))]
            if item.numeric.low == item.numeric.high:
                [equal] = processing.iter(q("equal"))
                assert equal.get(a("toleranceMode")) == "exact" and not bounds
                assert equal.find(q("baseValue")).text == item.numeric.value
            else:
                assert bounds == [item.numeric.low, item.numeric.high]
        elif item.kind == MATCHING:
            left, right = ({c.get("identifier"): text(c) for c in s.iter(q("simpleAssociableChoice"))}
                           for s in interaction.findall(q("simpleMatchSet")))
            pairs = [tuple(v.split()) for v in values]
            assert sorted((left[x], right[y]) for x, y in pairs) == sorted(
                (text_of(p.left_html), text_of(p.right_html)) for p in item.matches)
            assert sorted(right.values()) == sorted({text_of(p.right_html) for p in item.pairs})
            assert decl.get(a("baseType")) == "directedPair"
            assert interaction.get(a("maxAssociations")) == str(len(item.matches))
        else:
            assert item.kind == ESSAY and not values and not scored
            assert not any(True for _ in root.iter(q("responseCondition")))
        if item.kind != ESSAY:
            assert sorted(sv.find(q("baseValue")).text for sv in scored) in (["0", "1"], ["0", "0", "1"])
        if interaction.get(a("shuffle")) is not None:
            assert interaction.get(a("shuffle")) == ("true" if shuffled[item.id] else "false")
    assert any(shuffled.values()) == name.endswith("shuffled")


def test_an_essays_right_and_wrong_feedback_is_a_warning_at_its_line(fmt, typed):
    import copy

    course = copy.deepcopy(typed["edges"])
    [essay] = [i for i in course.items if i.kind == "essay"]
    assert WRITERS[fmt]().uncarried(course) == []
    essay.right_feedback_html = "<p>Good.</p>"
    [(source, line, message)] = WRITERS[fmt]().uncarried(course)
    assert (source, line) == (essay.source, essay.line) and "essay" in message and fmt in message
    pkg = Package.from_zip(WRITERS[fmt]().write(course).data, SPECS[fmt])
    assert "Good." not in text(pkg.doc(f"items/{essay.id}.xml"))
