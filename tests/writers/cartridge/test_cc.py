"""Common Cartridges (cc11, cc13) read back on their own with lxml: schema validity, the CC rules the XSDs do
not check, the outline, every page and item, the question bank, Canvas's extension files, reproducibility."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from lxml import etree

from conftest import SAMPLE, assert_valid, run_cli, xml_schema
from coursekit import AWKWARD_TITLE, awkward_course
from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options
from itemcheck import ESSAY_ANSWER, choices_answer, expected_quizzes, item_key, short_answer, strip_stimulus, text_of

FORMATS = ("cc11", "cc13")
CP = {"cc11": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
      "cc13": "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"}
LOM = {"cc11": "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest",
       "cc13": "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"}
TAG = {"cc11": "imscc_xmlv1p1", "cc13": "imscc_xmlv1p3"}
VERSION = {"cc11": "1.1.0", "cc13": "1.3.0"}
MANIFEST_SCHEMA = {"cc11": "cc11/cc11libxml2validator.xsd", "cc13": "cc13/validator_driver.xsd"}
QTI_SCHEMA = "cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd"  # the CC QTI profile; no v1p3 profile XSD in ../shared
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
Q = {"q": QTI}
PARSER = etree.XMLParser(no_network=True, resolve_entities=False)
# each kind's CC profile; numeric and matching have none (cc13's Canvas copy keeps them, its IMS part does not)
PROFILES = {"truefalse": "cc.true_false.v0p1", "choice": "cc.multiple_choice.v0p1",
            "multiple": "cc.multiple_response.v0p1", "short": "cc.fib.v0p1", "essay": "cc.essay.v0p1"}
CARRIED = set(PROFILES)


# ---- an independent reader -------------------------------------------------------------------------------

@dataclass
class Resource:
    ident: str
    type: str
    href: str | None
    files: list[str]
    depends: list[str]


@dataclass
class Entry:
    ident: str
    title: str
    ref: str
    children: int


@dataclass
class Module:
    ident: str
    title: str | None
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Cartridge:
    fmt: str
    files: dict[str, bytes]
    root: etree._Element
    resources: dict[str, Resource]
    root_item: etree._Element
    modules: list[Module]

    def ns(self) -> dict[str, str]:
        return {"cp": CP[self.fmt], "lom": LOM[self.fmt]}

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name], PARSER)

    def of_type(self, kind: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type == kind]


def read_cartridge(fmt: str, data: bytes) -> Cartridge:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    assert "imsmanifest.xml" in files, "the manifest must sit at the zip root"
    root = etree.fromstring(files["imsmanifest.xml"], PARSER)
    ns = {"cp": CP[fmt]}
    resources = {}
    for res in root.iterfind("cp:resources/cp:resource", ns):
        ident = res.get("identifier")
        assert ident not in resources, f"resource {ident} twice"
        resources[ident] = Resource(ident, res.get("type"), res.get("href"),
                                    [f.get("href") for f in res.iterfind("cp:file", ns)],
                                    [d.get("identifierref") for d in res.iterfind("cp:dependency", ns)])
    orgs = root.findall("cp:organizations/cp:organization", ns)
    assert len(orgs) == 1, "one organization"
    assert orgs[0].get("structure") == "rooted-hierarchy"
    tops = orgs[0].findall("cp:item", ns)
    assert len(tops) == 1, "one root item"
    modules = []
    for mod in tops[0].iterfind("cp:item", ns):
        module = Module(mod.get("identifier"), mod.findtext("cp:title", namespaces=ns))
        for it in mod.iterfind("cp:item", ns):
            module.entries.append(Entry(it.get("identifier"), it.findtext("cp:title", namespaces=ns),
                                        it.get("identifierref"), len(it.findall("cp:item", ns))))
        modules.append(module)
    return Cartridge(fmt, files, root, resources, tops[0], modules)


@dataclass
class ReadItem:
    ident: str
    profile: str
    question: str  # text
    labels: list[str]  # texts, in order ([] for fib and essay)
    right: str  # the answer as itemcheck writes it (a statement's: the right label's text)
    explanation: str  # text


def mattext(el: etree._Element | None) -> str:
    """The HTML a mattext holds (escaped markup, read as characters)."""
    return "" if el is None else (el.text or "")


def read_items(parent: etree._Element) -> list[ReadItem]:
    """Items as a CC consumer reads them, per profile, checking on the way the rules Moodle's importer depends on."""
    out = []
    for item in parent.iterfind("q:item", Q):
        ident = item.get("ident")
        fields = {f.findtext("q:fieldlabel", namespaces=Q): f.findtext("q:fieldentry", namespaces=Q)
                  for f in item.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", Q)}
        profile = fields.get("cc_profile")
        assert profile in PROFILES.values(), (ident, profile)
        question = text_of(mattext(item.find("q:presentation/q:material/q:mattext", Q)))
        labels = item.findall("q:presentation/q:response_lid/q:render_choice/q:response_label", Q)
        idents = [lab.get("ident") for lab in labels]
        texts = {lab.get("ident"): text_of(mattext(lab.find("q:material/q:mattext", Q))) for lab in labels}
        feedback = {fb.get("ident"): text_of(mattext(fb.find("q:flow_mat/q:material/q:mattext", Q)))
                    for fb in item.iterfind("q:itemfeedback", Q)}
        general, scoring, per_answer = [], [], []
        for cond in item.iterfind("q:resprocessing/q:respcondition", Q):
            links = [d.get("linkrefid") for d in cond.iterfind("q:displayfeedback", Q)]
            assert all(link in feedback for link in links), f"{ident}: displayfeedback without its itemfeedback"
            if cond.get("continue") == "Yes":
                assert cond.find("q:conditionvar/q:other", Q) is not None
                general += links
                continue
            if any((s.text or "").strip() for s in cond.iterfind("q:setvar", Q)):
                assert [s.get("action") for s in cond.iterfind("q:setvar", Q)] == ["Set"], "the profile's only action"
                assert cond.findtext("q:setvar", namespaces=Q) == "100"
                scoring.append(cond)
            per_answer.append((cond, links))
        assert len(general) <= 1
        if profile in (PROFILES["truefalse"], PROFILES["choice"]):
            assert len(labels) >= 2, ident
            if profile == PROFILES["truefalse"]:
                assert idents == ["true", "false"], f"{ident}: true_false labels must be exactly true/false: {idents}"
            for cond, links in per_answer:
                answer = cond.findtext("q:conditionvar/q:varequal", namespaces=Q)
                assert answer in texts, f"{ident}: condition on an unknown answer {answer}"
                assert links, f"{ident}: answer {answer} has no feedback of its own"
            assert len(scoring) == 1, f"{ident}: exactly one answer must set a score"
            right = texts[scoring[0].findtext("q:conditionvar/q:varequal", namespaces=Q)]
        elif profile == PROFILES["multiple"]:  # Moodle: right = varequal case="Yes" not under <not>, in SCORE=100
            [cond] = scoring
            both = cond.find("q:conditionvar/q:and", Q)
            ticked = [v.text for v in both.findall("q:varequal", Q)]
            unticked = [v.text for v in both.findall("q:not/q:varequal", Q)]
            assert sorted(ticked + unticked) == sorted(idents), f"{ident}: every choice in the condition"
            assert {v.get("case") for v in both.iter(f"{{{QTI}}}varequal")} == {"Yes"}
            right = choices_answer(texts[i] for i in idents if i in ticked)
        elif profile == PROFILES["short"]:
            [cond] = scoring
            right = short_answer(v.text for v in cond.findall("q:conditionvar/q:varequal", Q))
        else:
            assert fields.get("qmd_computerscored") == "No" and not scoring, f"{ident}: an essay scores nothing"
            assert item.find("q:presentation/q:response_str/q:render_fib", Q) is not None
            right = ESSAY_ANSWER
        explanation = feedback[general[0]] if general else ""
        out.append(ReadItem(ident, profile, question, [texts[i] for i in idents], right, explanation))
    return out


def left_out_warned(fmt: str, course) -> None:
    """Each item the profile cannot hold is named at its line in the build's warnings for the format."""
    warned = {(source, line) for source, line, _ in WRITERS[fmt]().uncarried(course)}
    for item in course.items:
        if item.kind not in CARRIED:
            assert (item.source, item.line) in warned, (fmt, item.kind, item.line)


# ---- fixtures ----------------------------------------------------------------------------------------------

@pytest.fixture(params=["sample", "corpus", "plain_corpus"])
def course(request):
    return request.getfixturevalue(f"{request.param}_course")


@pytest.fixture(params=FORMATS)
def fmt(request):
    return request.param


@pytest.fixture
def cart(fmt, course, artifact) -> Cartridge:
    return read_cartridge(fmt, artifact(fmt, course))


# ---- tests -------------------------------------------------------------------------------------------------

def test_manifest_valid_with_metadata(cart, course):
    assert_valid(xml_schema(MANIFEST_SCHEMA[cart.fmt]), cart.root, f"{cart.fmt} manifest")
    head = cart.files["imsmanifest.xml"][:1024].decode("utf-8", "replace")
    assert f'xmlns="{CP[cart.fmt]}"' in head, "the default namespace must be declared in the first 1024 bytes"
    ns = cart.ns()
    assert cart.root.findtext("cp:metadata/cp:schema", namespaces=ns) == "IMS Common Cartridge"
    assert cart.root.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == VERSION[cart.fmt]
    general = cart.root.find("cp:metadata/lom:lom/lom:general", ns)
    assert general is not None, "lomimscc:lom with its general block"
    assert general.findtext("lom:title/lom:string", namespaces=ns) == course.title
    assert general.findtext("lom:language", namespaces=ns) == course.language
    assert general.findtext("lom:description/lom:string", namespaces=ns).strip()
    if course.description:
        assert general.findtext("lom:description/lom:string", namespaces=ns) == course.description.strip()


def test_cc_rules_beyond_the_schema(cart):
    ns = cart.ns()
    for res in cart.resources.values():
        if res.type.endswith("/assessment") or res.type.endswith("/question-bank"):
            assert res.href is None and len(res.files) == 1, f"{res.ident}: one file, no href"
        if res.type == "webcontent":
            assert res.href in res.files, f"{res.ident}: webcontent href must be one of its files"
        for dep in res.depends:
            assert dep in cart.resources, f"{res.ident} depends on a missing {dep}"
    assert cart.root_item.find("cp:title", ns) is None, "the root item is untitled"
    assert cart.modules and all(m.title for m in cart.modules), "every module is titled"
    idents = [el.get("identifier") for el in cart.root.iter() if el.get("identifier")]
    assert len(idents) == len(set(idents)), "identifiers are unique"
    for item in cart.root.iterfind(".//cp:item[@identifierref]", ns):
        assert item.find("cp:item", ns) is None, "an item with identifierref has no child items"
        assert item.get("identifierref") in cart.resources
        assert item.findtext("cp:title", namespaces=ns)
    assert len(cart.of_type(f"imsqti_xmlv1p2/{TAG[cart.fmt]}/question-bank")) == 1, "one question bank"


def test_listed_files_are_the_zip(cart):
    listed = [f for r in cart.resources.values() for f in r.files]
    assert len(listed) == len(set(listed)), "each file listed once"
    assert set(listed) == set(cart.files) - {"imsmanifest.xml"}


def test_outline_pages_and_quizzes_in_order(cart, course):
    assert [m.title for m in cart.modules] == [g.title for g in course.groups]
    assessment = f"imsqti_xmlv1p2/{TAG[cart.fmt]}/assessment"
    for module, group in zip(cart.modules, course.groups):
        expected = []
        for page in group.pages:
            expected.append(("webcontent", page.title))
            if page.quiz:
                expected.append((assessment, None))
        got = [(cart.resources[e.ref].type, e.title) for e in module.entries]
        assert [t for t, _ in got] == [t for t, _ in expected], module.title
        assert [title for (_, title), (_, want) in zip(got, expected) if want] == [p.title for p in group.pages]
    pages = [e for m in cart.modules for e in m.entries if cart.resources[e.ref].type == "webcontent"]
    quizzes = [e for m in cart.modules for e in m.entries if cart.resources[e.ref].type == assessment]
    assert len(pages) == len(course.pages) and len(quizzes) == len(course.quizzes)
    assert len(cart.of_type(assessment)) == len(course.quizzes)


def test_corpus_counts(fmt, any_corpus_course, artifact):
    cart = read_cartridge(fmt, artifact(fmt, any_corpus_course))
    assessment = f"imsqti_xmlv1p2/{TAG[fmt]}/assessment"
    entries = [cart.resources[e.ref].type for m in cart.modules for e in m.entries]
    assert (len(cart.modules), entries.count("webcontent"), entries.count(assessment)) == (5, 58, 51)
    bank = cart.of_type(f"imsqti_xmlv1p2/{TAG[fmt]}/question-bank")[0]
    items = read_items(cart.xml(bank.files[0]).find("q:objectbank", Q))
    assert len(items) == 644


def test_pages_are_styled_self_contained_html(cart, course):
    by_ref = {e.ref: e for m in cart.modules for e in m.entries}
    for page in course.pages:
        res = cart.resources[by_ref[page.id].ref] if page.id in by_ref else None
        assert res is not None and res.type == "webcontent", page.title
        doc = lxml.html.document_fromstring(cart.files[res.href])
        assert doc.findtext(".//title") == page.title
        text = text_of(lxml.html.tostring(doc.find(".//main"), encoding="unicode"))  # formulas read as their TeX
        assert text_of(page.body_html) in text and text_of(page.after_html) in text
        if cart.fmt == "cc13":  # Canvas takes a page's identity from its meta identifier
            assert doc.xpath("string(//meta[@name='identifier']/@content)") == res.ident
        sheets = doc.xpath("//link[@rel='stylesheet']/@href")
        assert sheets, "each page carries the course stylesheet"
        for ref in doc.xpath("//@href | //@src"):
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
                continue  # external, in-page, or site-absolute (the reader makes those absolute with --site-url)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(res.href), unquote(parts.path)))
            assert target in cart.files, f"{res.href}: link {ref} does not resolve inside the cartridge"
            owner = [r.ident for r in cart.resources.values() if target in r.files]
            assert owner, target
            if target != res.href and cart.resources[owner[0]].type == "webcontent" and \
                    not target.startswith("wiki_content/"):
                assert owner[0] in res.depends, f"{res.href} uses {target} without depending on it"


def test_qti_files_valid_and_items_round_trip(cart, course):
    check_items(cart, course)


def check_items(cart: Cartridge, course) -> None:
    """Every quiz and item of the course, in its module and in the question bank (also used by test_property)."""
    schema = xml_schema(QTI_SCHEMA)
    assessment = f"imsqti_xmlv1p2/{TAG[cart.fmt]}/assessment"
    by_ref = {e.ref: e for m in cart.modules for e in m.entries}
    quizzes = [by_ref[r.ident] for r in cart.of_type(assessment)]
    order = {e.ident: n for n, e in enumerate(e for m in cart.modules for e in m.entries)}
    quizzes.sort(key=lambda e: order[e.ident])
    expected = expected_quizzes(course, carried=CARRIED)  # a quiz with no item the profile holds is left out
    assert len(quizzes) == len(expected)
    left_out_warned(cart.fmt, course)
    everything: Counter = Counter()
    for entry, want in zip(quizzes, expected):
        res = cart.resources[entry.ref]
        doc = cart.xml(res.files[0])
        assert_valid(schema, doc, res.files[0])
        node = doc.find("q:assessment", Q)
        assert node.get("ident") == res.ident
        fields = {f.findtext("q:fieldlabel", namespaces=Q): f.findtext("q:fieldentry", namespaces=Q)
                  for f in node.iterfind("q:qtimetadata/q:qtimetadatafield", Q)}
        assert fields["cc_profile"] == "cc.exam.v0p1"
        sections = node.findall("q:section", Q)
        assert len(sections) == 1 and sections[0].find("q:section", Q) is None
        assert not doc.xpath("//q:selection_ordering", namespaces=Q), "the CC profile has no selection"
        assert want.page_title in node.get("title") and want.page_title in entry.title
        items = read_items(sections[0])
        got = Counter()
        for i in items:
            key = item_key(strip_stimulus(i.question, want.stimulus), i.right, i.explanation)
            got[key] += 1
            if key in want.labelled:
                want_profile = "cc.true_false.v0p1" if want.labels == ("True", "False") else "cc.multiple_choice.v0p1"
                assert i.profile == want_profile
                assert i.labels == [" ".join(lab.split()) for lab in want.labels]  # labels are text
            elif key in want.kinds:
                assert i.profile == PROFILES[want.kinds[key]], key
        assert got == want.items, want.page_title
        everything += got
    bank = cart.of_type(f"imsqti_xmlv1p2/{TAG[cart.fmt]}/question-bank")[0]
    doc = cart.xml(bank.files[0])
    assert_valid(schema, doc, bank.files[0])
    stimuli = {text_of(q.stimulus_html) for q in course.quizzes if q.stimulus_html}
    bank_items = read_items(doc.find("q:objectbank", Q))
    assert len(bank_items) == sum(i.kind in CARRIED for i in course.items)
    assert len({i.ident for i in bank_items}) == len(bank_items), "Moodle keys a file's questions by ident"

    def unstimulated(text: str) -> str:
        lead = max((s for s in stimuli if text.startswith(s)), key=len, default="")
        return strip_stimulus(text, lead)

    got = Counter(item_key(unstimulated(i.question), i.right, i.explanation) for i in bank_items)
    assert got == everything


def test_canvas_extension_files(course, artifact):
    fmt = "cc13"
    cart = read_cartridge(fmt, artifact(fmt, course))
    lar = f"associatedcontent/{TAG[fmt]}/learning-application-resource"
    settings = [r for r in cart.of_type(lar) if r.href == "course_settings/canvas_export.txt"]
    assert len(settings) == 1
    assert {"course_settings/course_settings.xml", "course_settings/module_meta.xml"} <= set(settings[0].files)
    canvas_course = cart.xml("course_settings/course_settings.xml")
    assert canvas_course.findtext(f"{{{CANVAS}}}title") == course.title
    quizzes = cart.of_type(f"imsqti_xmlv1p2/{TAG[fmt]}/assessment")
    by_id = {q.id: q for q in course.quizzes}
    for res in quizzes:
        metas = [cart.resources[d] for d in res.depends if cart.resources[d].type == lar]
        assert len(metas) == 1, f"{res.ident}: one assessment_meta resource"
        meta = metas[0]
        assert meta.href == f"{res.ident}/assessment_meta.xml" and meta.href in meta.files
        qti_copy = f"non_cc_assessments/{res.ident}.xml.qti"
        assert qti_copy in meta.files and qti_copy in cart.files
        assert cart.xml(meta.href).get("identifier") == res.ident
        doc = cart.xml(qti_copy)
        assert doc.find("q:assessment", Q).get("ident") == res.ident
        groups = doc.findall("q:assessment/q:section/q:section", Q)
        assert len(groups) == 1
        draw = int(groups[0].findtext("q:selection_ordering/q:selection/q:selection_number", namespaces=Q))
        cc_doc = cart.xml(res.files[0])
        quiz = by_id[res.ident]
        assert draw == quiz.draw
        # Canvas's copy holds every item, the IMS part those its profile holds (no numeric, no matching)
        assert [i.get("ident") for i in groups[0].findall("q:item", Q)] == [i.id for i in quiz.items]
        assert [i.get("ident") for i in cc_doc.findall("q:assessment/q:section/q:item", Q)] == \
            [i.id for i in quiz.items if i.kind in CARRIED]
    modules = cart.xml("course_settings/module_meta.xml")
    c = {"c": CANVAS}
    canvas_modules = modules.findall("c:module", c)
    assert [m.get("identifier") for m in canvas_modules] == [m.ident for m in cart.modules]
    kinds = {"webcontent": "WikiPage", f"imsqti_xmlv1p2/{TAG[fmt]}/assessment": "Quizzes::Quiz"}
    for canvas_module, module in zip(canvas_modules, cart.modules):
        assert canvas_module.findtext("c:title", namespaces=c) == module.title
        items = canvas_module.findall("c:items/c:item", c)
        assert [(i.get("identifier"), i.findtext("c:identifierref", namespaces=c)) for i in items] == \
            [(e.ident, e.ref) for e in module.entries]
        assert [i.findtext("c:content_type", namespaces=c) for i in items] == \
            [kinds[cart.resources[e.ref].type] for e in module.entries]
        assert [int(i.findtext("c:position", namespaces=c)) for i in items] == list(range(1, len(items) + 1))
    wiki = [n for n in cart.files if n.startswith("wiki_content/")]
    assert all(n.endswith(".html") for n in wiki), "Canvas makes a Page of every file in wiki_content/"
    assert len(wiki) == len(course.pages)
    shared = [r for r in cart.of_type("webcontent") if r.href.startswith("web_resources/")]
    assert all(r.files == [r.href] for r in shared), "Canvas makes a course file of each web_resources resource"
    assert {r.href[len("web_resources/"):] for r in shared} >= set(course.files)


# What Canvas's importer reads from module_meta.xml (lib/cc/importer/canvas/module_converter.rb) and what its
# exporter writes there (lib/cc/module_meta.rb): per module these children, each at most once. Canvas's XSD
# (lib/cc/xsd/cccv1p0.xsd) lacks `locked` and the items' `workflow_state` and `new_tab`, which its exporter writes.
MODULE_CHILDREN = {"title", "workflow_state", "position", "unlock_at", "require_sequential_progress",
                   "requirement_count", "locked", "prerequisites", "items", "completionRequirements"}
REQUIREMENT_TYPES = {"must_view", "must_submit", "must_contribute", "min_score", "must_mark_done"}


def canvas_children(el: etree._Element) -> list[str]:
    names = []
    for child in el:
        q = etree.QName(child)
        assert q.namespace == CANVAS, f"{child.tag}: not in Canvas's namespace"
        names.append(q.localname)
    return names


def test_canvas_order_lock(course, artifact):
    """cc13 carries the order lock for Canvas: every module in sequential order, each page to view and each quiz
    to score full marks on (every drawn question, 1 point each), each module after the first requiring the one
    before; every requirement refers to an item of its own module."""
    cart = read_cartridge("cc13", artifact("cc13", course))
    doc = cart.xml("course_settings/module_meta.xml")
    c = {"c": CANVAS}
    assert etree.QName(doc).localname == "modules" and canvas_children(doc) == ["module"] * len(cart.modules)
    points = {q.id: q.draw for q in course.quizzes}  # Canvas's quiz draws `draw` questions at 1 point
    assessment = f"imsqti_xmlv1p2/{TAG['cc13']}/assessment"
    seen_modules: list[tuple[str, str]] = []
    for el, module in zip(doc.findall("c:module", c), cart.modules):
        names = canvas_children(el)
        assert set(names) <= MODULE_CHILDREN and len(names) == len(set(names)), names
        assert el.get("identifier") == module.ident
        assert el.findtext("c:require_sequential_progress", namespaces=c) == "true"
        assert el.find("c:requirement_count", c) is None, "no requirement_count: every requirement counts"
        items = {i.get("identifier"): i for i in el.findall("c:items/c:item", c)}
        assert list(items) == [e.ident for e in module.entries]
        requirements = el.findall("c:completionRequirements/c:completionRequirement", c)
        assert canvas_children(el.find("c:completionRequirements", c)) == ["completionRequirement"] * len(requirements)
        refs = [r.findtext("c:identifierref", namespaces=c) for r in requirements]
        assert refs == list(items), "one requirement per item, in the items' order, each naming an item of this module"
        for req, entry in zip(requirements, module.entries):
            kind = cart.resources[entry.ref].type
            if kind == assessment:
                assert req.get("type") == "min_score"
                assert sorted(canvas_children(req)) == ["identifierref", "min_score"]
                assert float(req.findtext("c:min_score", namespaces=c)) == points[entry.ref]
            else:
                assert kind == "webcontent" and req.get("type") == "must_view"
                assert canvas_children(req) == ["identifierref"]
            assert req.get("type") in REQUIREMENT_TYPES
        prereqs = el.findall("c:prerequisites/c:prerequisite", c)
        if not seen_modules:
            assert el.find("c:prerequisites", c) is None, "the first module is open"
        else:
            assert len(prereqs) == 1
            assert prereqs[0].get("type") == "context_module"
            assert sorted(canvas_children(prereqs[0])) == ["identifierref", "title"]
            ref = prereqs[0].findtext("c:identifierref", namespaces=c)
            assert (ref, prereqs[0].findtext("c:title", namespaces=c)) == seen_modules[-1], \
                "each module requires the one just before it (Canvas resolves it among modules already imported)"
        seen_modules.append((module.ident, module.title))
    quizzes = [r for r in doc.iterfind(".//c:completionRequirement[@type='min_score']", c)]
    assert len(quizzes) == len(course.quizzes)


def test_determinism(fmt, course):
    first = WRITERS[fmt]().write(course, Options()).data
    again = WRITERS[fmt]().write(course, Options()).data
    assert first == again


def test_awkward_text_survives(fmt, tmp_path):
    course, _ = read_course(awkward_course(tmp_path / "awkward"))
    data = WRITERS[fmt]().write(course, Options()).data
    cart = read_cartridge(fmt, data)
    assert_valid(xml_schema(MANIFEST_SCHEMA[fmt]), cart.root, "awkward manifest")
    assert b"&#" not in cart.files["imsmanifest.xml"], "raw UTF-8, no numeric references"
    assert cart.modules[0].title == AWKWARD_TITLE
    test_qti_files_valid_and_items_round_trip(cart, course)
    test_pages_are_styled_self_contained_html(cart, course)


def test_cli_builds_both_cartridges(tmp_path, sample_course):
    """Both cartridges of the sample course, and a warning from each at the line of every numeric and matching
    question, which neither cartridge's IMS part holds (cc13's Canvas copy does), and at the multiple-answer one."""
    import json

    r = run_cli("build", SAMPLE, "--out", tmp_path, "--format", "cc11,cc13", "--json")
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.endswith("-cc11.imscc") for n in names) and any(n.endswith("-cc13.imscc") for n in names)
    warnings = json.loads(r.stdout)["warnings"]
    uncarried = [i for i in sample_course.items if i.kind not in CARRIED]
    assert {i.kind for i in uncarried} == {"numeric", "matching"}, "the sample course asks both"
    for item in sample_course.items:
        said = [w for w in warnings if w.startswith(f"{item.source}:{item.line}: warning: ")]
        if item.kind == "multiple":  # Moodle's cartridge import scores a multiple-answer question its own way
            assert len(said) == 1 and "ticking every choice scores full marks from cc11" in said[0], said
        elif item.kind in CARRIED:
            assert not any("cc11" in w or "cc13" in w or "Common Cartridge" in w for w in said), said
        else:
            assert len(said) == 2 and any("cc11" in w for w in said) and any("Canvas" in w for w in said), said
