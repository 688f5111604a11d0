"""SCORM packages read back independently: XSD validity, references, file listing, the attribute
spelling and prefixes Moodle's literal parser needs, forced order, and every quiz item in the pages."""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal

import lxml.html
import pytest
from lxml import etree

from conftest import SAMPLE, assert_valid, run_cli, xml_schema
from exporter.source.reader import read_course
from itemcheck import (ESSAY_ANSWER, choices_answer, item_key, key_of, matching_answer, numeric_answer, short_answer,
                       text_of)

CP12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
CP04 = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP04 = "http://www.adlnet.org/xsd/adlcp_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
PREFIXES = {
    "scorm12": {None: CP12, "adlcp": ADLCP12},
    "scorm2004": {None: CP04, "adlcp": ADLCP04, "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
                  "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3", "imsss": IMSSS},
}
SCHEMA = {"scorm12": "scorm12/validator_driver.xsd", "scorm2004": "scorm2004-4th/validator_driver.xsd"}
CP = {"scorm12": CP12, "scorm2004": CP04}
SCORMTYPE = {"scorm12": (f"{{{ADLCP12}}}scormtype", "adlcp:scormtype"),
             "scorm2004": (f"{{{ADLCP04}}}scormType", "adlcp:scormType")}
FORMATS = ("scorm12", "scorm2004")


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def manifest(files: dict[str, bytes]) -> etree._Element:
    return etree.fromstring(files["imsmanifest.xml"], etree.XMLParser(no_network=True))


def scos(root, fmt: str) -> list[etree._Element]:
    ns = {"cp": CP[fmt]}
    return root.xpath("//cp:organization//cp:item[@identifierref]", namespaces=ns)


@pytest.fixture(params=["sample", "corpus", "plain_corpus"])
def course(request):
    return request.getfixturevalue(f"{request.param}_course")


@pytest.mark.parametrize("mode", ["pages", "course"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_manifest_valid_and_self_consistent(fmt, mode, course, artifact):
    files = unzip(artifact(fmt, course, mode))
    assert "imsmanifest.xml" in files, "the manifest must sit at the zip root"
    root = manifest(files)
    assert_valid(xml_schema(SCHEMA[fmt]), root, f"{fmt} {mode} manifest")
    ns = {"cp": CP[fmt]}
    resources = {r.get("identifier"): r for r in root.xpath("//cp:resource", namespaces=ns)}
    for el in root.xpath("//cp:item[@identifierref] | //cp:dependency", namespaces=ns):
        assert el.get("identifierref") in resources, el.get("identifierref")
    ids = root.xpath("//@identifier")
    assert len(ids) == len(set(ids)), "identifiers must be unique"
    listed = {f.get("href") for f in root.xpath("//cp:file", namespaces=ns)}
    in_zip = set(files) - {"imsmanifest.xml"}
    assert listed == in_zip, (listed ^ in_zip)
    for r in resources.values():
        if r.get("href"):
            assert r.get("href") in {f.get("href") for f in r.xpath("cp:file", namespaces=ns)}
    # the shared stylesheet and scripts: one asset resource every SCO depends on
    attr, literal = SCORMTYPE[fmt]
    assets = [r for r in resources.values() if r.get(attr) == "asset"]
    assert len(assets) == 1
    shared = {f.get("href") for f in assets[0].xpath("cp:file", namespaces=ns)}
    assert {"_static/course.css", "_static/lms.js", "_static/widget.js", "_static/page.js"} <= shared
    for item in scos(root, fmt):
        res = resources[item.get("identifierref")]
        assert res.get(attr) == "sco"
        assert [d.get("identifierref") for d in res.xpath("cp:dependency", namespaces=ns)] == [assets[0].get("identifier")]
    # prefixes and spelling exactly as Moodle's literal parser matches them
    assert root.nsmap == PREFIXES[fmt]
    raw = files["imsmanifest.xml"].decode("utf-8")
    assert f'{literal}="sco"' in raw and f'{literal}="asset"' in raw
    other = "adlcp:scormType" if fmt == "scorm12" else "adlcp:scormtype"
    assert other not in raw
    used = set(re.findall(r"</?([A-Za-z]+):", raw)) | set(re.findall(r"\s([A-Za-z]+):[A-Za-z]+=", raw))
    assert used <= {"adlcp", "imsss", "adlseq", "adlnav", "xmlns"}, used
    title = root.xpath("cp:organizations/cp:organization/cp:title/text()", namespaces=ns)
    assert title == [course.title]
    schemaversion = root.xpath("cp:metadata/cp:schemaversion/text()", namespaces=ns)
    assert schemaversion == (["1.2"] if fmt == "scorm12" else ["2004 4th Edition"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_pages_mode_outline_one_sco_per_page_in_order(fmt, course, artifact):
    root = manifest(unzip(artifact(fmt, course)))
    ns = {"cp": CP[fmt]}
    items = scos(root, fmt)
    assert [i.xpath("string(cp:title)", namespaces=ns) for i in items] == [p.title for p in course.pages]
    org = root.xpath("//cp:organization", namespaces=ns)[0]
    clusters = org.xpath("cp:item", namespaces=ns)
    assert [c.xpath("string(cp:title)", namespaces=ns) for c in clusters] == [g.title for g in course.groups]
    for cluster, group in zip(clusters, course.groups):
        assert cluster.get("identifierref") is None
        assert [i.xpath("string(cp:title)", namespaces=ns) for i in cluster.xpath("cp:item", namespaces=ns)] == \
            [p.title for p in group.pages]


def test_corpus_counts(any_corpus_course, artifact):
    corpus_course = any_corpus_course
    r12 = manifest(unzip(artifact("scorm12", corpus_course)))
    r04 = manifest(unzip(artifact("scorm2004", corpus_course)))
    assert len(scos(r12, "scorm12")) == 58 and len(scos(r04, "scorm2004")) == 58
    assert len(r12.xpath("//adlcp:prerequisites", namespaces={"adlcp": ADLCP12})) == 57


def test_12_prerequisites_chain_and_mastery(course, artifact):
    root = manifest(unzip(artifact("scorm12", course)))
    items = scos(root, "scorm12")
    ns = {"adlcp": ADLCP12}
    for n, (item, page) in enumerate(zip(items, course.pages)):
        pre = item.xpath("adlcp:prerequisites", namespaces=ns)
        if n == 0:
            assert pre == []
        else:
            assert len(pre) == 1 and pre[0].get("type") == "aicc_script"
            assert pre[0].text == items[n - 1].get("identifier")
        mastery = item.xpath("adlcp:masteryscore/text()", namespaces=ns)
        assert mastery == (["100"] if page.quiz else [])
        children = [etree.QName(c).localname for c in item if etree.QName(c).namespace == ADLCP12]
        assert children == sorted(children, key=["prerequisites", "masteryscore"].index)


def test_2004_forced_order_sequencing(course, artifact):
    """Flow only (no jumping ahead by the table of contents); every page but the last is retried, not left,
    while its primary objective is unsatisfied; quiz pages are satisfied by a full score."""
    root = manifest(unzip(artifact("scorm2004", course)))
    ns = {"cp": CP04, "ss": IMSSS}
    items = scos(root, "scorm2004")
    org = root.xpath("//cp:organization", namespaces=ns)[0]
    for cluster in [org, *org.xpath(".//cp:item[not(@identifierref)]", namespaces=ns)]:
        modes = cluster.xpath("ss:sequencing/ss:controlMode", namespaces=ns)
        assert len(modes) == 1 and modes[0].get("flow") == "true" and modes[0].get("choice") == "false"
        assert modes[0].get("forwardOnly") in (None, "false"), "Previous stays possible"
    for n, (item, page) in enumerate(zip(items, course.pages)):
        seq = item.xpath("ss:sequencing", namespaces=ns)[0]
        delivery = seq.xpath("ss:deliveryControls", namespaces=ns)[0]
        assert delivery.get("completionSetByContent") == "true" and delivery.get("objectiveSetByContent") == "true"
        primary = seq.xpath("ss:objectives/ss:primaryObjective", namespaces=ns)[0]
        assert primary.get("satisfiedByMeasure") == ("true" if page.quiz else "false")
        if page.quiz:
            assert primary.xpath("ss:minNormalizedMeasure/text()", namespaces=ns) == ["1.0"]
        assert seq.xpath("ss:sequencingRules/ss:preConditionRule | ss:sequencingRules/ss:exitConditionRule",
                         namespaces=ns) == []
        rules = seq.xpath("ss:sequencingRules/ss:postConditionRule", namespaces=ns)
        if n == len(items) - 1:
            assert rules == [], "the last page gates nothing"
            continue
        assert len(rules) == 1
        assert rules[0].xpath("ss:ruleAction/@action", namespaces=ns) == ["retry"]
        conds = rules[0].xpath("ss:ruleConditions", namespaces=ns)[0]
        assert conds.get("conditionCombination") == "any"
        got = {(c.get("operator"), c.get("condition"), c.get("referencedObjective"))
               for c in conds.xpath("ss:ruleCondition", namespaces=ns)}
        assert got == {("not", "satisfied", None), ("not", "objectiveStatusKnown", None)}


@pytest.mark.parametrize("mode", ["pages", "course"])
def test_2004_has_nothing_moodle_cannot_import(mode, course, artifact):
    """Moodle 5.1 aborts the upload on any imsss:objective or imsss:primaryObjective with an imsss:mapInfo
    child (scormlib.php assigns it to a misspelt variable): none may exist, by namespace or by literal name."""
    raw = unzip(artifact("scorm2004", course, mode))["imsmanifest.xml"]
    root = etree.fromstring(raw, etree.XMLParser(no_network=True))
    ns = {"ss": IMSSS}
    assert root.xpath("//ss:objective[ss:mapInfo] | //ss:primaryObjective[ss:mapInfo]", namespaces=ns) == []
    assert root.xpath("//ss:mapInfo", namespaces=ns) == [], "no global objectives at all"
    # Moodle's parser is not namespace-aware: it matches the literal prefixed name, whatever it is bound to
    assert root.xpath("//*[local-name()='mapInfo']") == []
    assert not re.search(rb"<[A-Za-z0-9_.-]*:?mapInfo\b", raw, re.IGNORECASE)


@pytest.mark.parametrize("fmt", FORMATS)
def test_course_mode_is_one_sco_over_every_page(fmt, course, artifact):
    files = unzip(artifact(fmt, course, "course"))
    root = manifest(files)
    ns = {"cp": CP[fmt]}
    items = scos(root, fmt)
    assert len(items) == 1
    res = root.xpath(f"//cp:resource[@identifier='{items[0].get('identifierref')}']", namespaces=ns)[0]
    assert res.get("href") == "index.html"
    assert {p.href for p in course.pages} <= {f.get("href") for f in res.xpath("cp:file", namespaces=ns)}
    assert not root.xpath("//adlcp:prerequisites | //adlcp:masteryscore", namespaces={"adlcp": ADLCP12})
    shell = lxml.html.fromstring(files["index.html"])
    assert [li.get("data-page") for li in shell.xpath("//li[@data-page]")] == [p.id for p in course.pages]
    assert "_static/course.js" in files


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_item_round_trips_through_the_pages(fmt, course, artifact):
    check_pages(fmt, course, artifact(fmt, course))


def page_answer(item: dict, labels: list[str]) -> str:
    """An item's answer from a page's quiz data: a statement's "a" (the first label right), a choice or multiple
    item's choices "c" (text "h", right "r"), a short item's accepted texts "t", a numeric item's range "n", a
    matching item's pairs "p" (a distractor without its left "l"), an essay nothing."""
    if "a" in item:
        return labels[0 if item["a"] else 1]
    kind = item["k"]
    if kind in ("choice", "multiple"):
        return choices_answer(text_of(c["h"]) for c in item["c"] if c["r"])
    if kind == "short":
        return short_answer(item["t"])
    if kind == "numeric":
        n = item["n"]
        assert n["range"] or Decimal(n["value"]) * 2 == Decimal(n["low"]) + Decimal(n["high"])
        return numeric_answer(n["low"], n["high"])
    if kind == "matching":
        pairs = [(text_of(p["l"]), text_of(p["r"])) for p in item["p"]]
        return matching_answer([(left, right) for left, right in pairs if left], [right for _, right in pairs])
    assert kind == "essay" and not {"c", "t", "n", "p", "a"} & set(item), item
    return ESSAY_ANSWER


def check_pages(fmt: str, course, data: bytes) -> None:
    """Each page's quiz data carries its items as the model holds them (also used by test_property)."""
    files = unzip(data)
    for page in course.pages:
        doc = lxml.html.fromstring(files[page.href])
        config = json.loads(doc.get_element_by_id("page-config").text)
        assert config["page"] == page.id and config["scorm"] == ("1.2" if fmt == "scorm12" else "2004")
        blocks = doc.xpath("//script[@id='quiz-data']")
        if not page.quiz:
            assert not blocks and not doc.xpath("//*[@id='quiz']")
            continue
        raw = blocks[0].text
        assert "</" not in raw and "<" not in raw
        data = json.loads(raw)
        quiz = page.quiz
        assert data["draw"] == quiz.draw and data["labels"] == list(quiz.labels)
        assert [(i["id"], i["s"], i["e"]) for i in data["items"]] == \
            [(i.id, i.statement_html, i.explanation_html) for i in quiz.items]
        # every item's answer in the page's own encoding of its kind, read as itemcheck writes it
        assert [(i["id"], i.get("k", "statement"), item_key(text_of(i["s"]), page_answer(i, data["labels"]),
                                                            text_of(i["e"]))) for i in data["items"]] == \
            [(i.id, "statement" if i.labelled else i.kind, key_of(i, quiz.labels)) for i in quiz.items]
        assert [(i.get("+", ""), i.get("-", "")) for i in data["items"]] == \
            [(i.right_feedback_html, i.wrong_feedback_html) for i in quiz.items]
        for src in doc.xpath("//script/@src | //link/@href | //img/@src"):
            assert not re.match(r"^(https?:)?//", src), f"{page.href} loads {src} from the network"
            assert src.split("?")[0] in files, f"{page.href} needs {src}"


def test_titles_with_markup_characters_stay_raw_utf8(artifact):
    title = 'Bikes & <Cars> "quoted" \u2764 caf\u00e9'
    course, _ = read_course(SAMPLE, {"title": title})
    for fmt in FORMATS:
        data = artifact(fmt, course)
        raw = unzip(data)["imsmanifest.xml"]
        assert b"&#" not in raw
        assert "\u2764 caf\u00e9".encode("utf-8") in raw
        root = manifest(unzip(data))
        assert_valid(xml_schema(SCHEMA[fmt]), root, f"{fmt} manifest with a markup-laden title")
        assert root.xpath("//*[local-name()='organization']/*[local-name()='title']/text()") == [title]


@pytest.mark.parametrize("mode", ["pages", "course"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_reproducible(fmt, mode, sample_course):
    from exporter.writers import WRITERS, Options

    a = WRITERS[fmt]().write(sample_course, Options(scorm_mode=mode)).data
    b = WRITERS[fmt]().write(sample_course, Options(scorm_mode=mode)).data
    assert a == b


def test_cli_builds_both_modes(tmp_path):
    for mode in ("pages", "course"):
        out = tmp_path / mode
        done = run_cli("build", SAMPLE, "--out", out, "--format", "scorm12,scorm2004", "--scorm-mode", mode, "--json")
        assert done.returncode == 0, done.stderr
        summary = json.loads(done.stdout)
        names = sorted(a["path"].rsplit("/", 1)[1] for a in summary["artifacts"])
        assert names == ["safe-cycling-scorm12.zip", "safe-cycling-scorm2004.zip"]
        for a in summary["artifacts"]:
            assert zipfile.ZipFile(a["path"]).testzip() is None
