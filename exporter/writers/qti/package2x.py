"""What the QTI 2.1 and 3.0 writers share: items, tests and the content package, built once for both dialects.

The two versions hold the same structure under different names (`choiceInteraction` in 2.1 is
`qti-choice-interaction` in 3.0, `maxChoices` is `max-choices`), so every element is named in
2.1 spelling and a `Dialect` turns it into the version's own. A package lays out `items/`,
`tests/` (one assessmentTest per quiz, drawing `quiz.draw` items) and, in 3.0, `stimuli/`;
course files used by item HTML keep their own paths and are listed as webcontent resources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

from lxml import etree

from exporter import __version__, ids
from exporter.i18n.messages import Messages, messages_for
from exporter.model import Course, Item, Page, Quiz
from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.packaging import ZipPackage
from exporter.writers.xmltree import cp_resource, serialize, sub
from exporter.xhtml import append_html

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TOOL = {"toolName": "exporter", "toolVersion": __version__}
CHOICES = ("T", "F")  # the first label's choice (the statement is true), then the second's
FEEDBACK = "EXPLANATION"  # the FEEDBACK outcome's value that shows the explanation
_UPPER = re.compile(r"(?<!^)(?=[A-Z])")


@lru_cache(maxsize=None)  # a few dozen names, asked for once per element
def _kebab(camel: str) -> str:
    return _UPPER.sub("-", camel).lower()


@dataclass(frozen=True)
class Dialect:
    """A QTI version's spelling: its namespace, schema location, and 3.0's `qti-` kebab-case names."""

    ns: str
    location: str  # the xsi:schemaLocation pair (a hint for readers; nothing is fetched)
    kebab: bool  # QTI 3.0: `qti-` + kebab-case element names, kebab-case attribute names

    def name(self, camel: str) -> str:
        return _kebab(camel) if self.kebab else camel

    def tag(self, camel: str) -> str:
        return f"{{{self.ns}}}" + ("qti-" + self.name(camel) if self.kebab else camel)

    def sub(self, parent: etree._Element, camel: str, text: str | None = None, **attrs) -> etree._Element:
        return sub(parent, self.tag(camel), text, **{self.name(k): v for k, v in attrs.items()})

    def root(self, camel: str, lang: str | None = None, **attrs) -> etree._Element:
        root = etree.Element(self.tag(camel), nsmap={None: self.ns, "xsi": XSI})
        root.set(f"{{{XSI}}}schemaLocation", self.location)
        for key, value in attrs.items():
            root.set(self.name(key), value)
        if lang:
            root.set(XML_LANG, lang)
        return root

    def content(self, parent: etree._Element) -> etree._Element:
        """Where feedback and rubric content goes: 3.0 wraps it in `qti-content-body`."""
        return self.sub(parent, "contentBody") if self.kebab else parent

    def html(self, parent: etree._Element, html: str, block: bool = False) -> None:
        append_html(parent, html, self.ns, block=block)


@dataclass
class Resource:
    """One manifest resource: its file (or files) and the resources it depends on."""

    ident: str
    type: str
    href: str
    files: list[str]
    deps: list[str] = field(default_factory=list)


# --- items -------------------------------------------------------------------------------------------------

def _outcome(d: Dialect, parent: etree._Element, ident: str, base_type: str, default: str | None = None) -> None:
    decl = d.sub(parent, "outcomeDeclaration", identifier=ident, cardinality="single", baseType=base_type)
    if default is not None:
        d.sub(d.sub(decl, "defaultValue"), "value", default)


def _set(d: Dialect, parent: etree._Element, ident: str, base_type: str, value: str) -> None:
    d.sub(d.sub(parent, "setOutcomeValue", identifier=ident), "baseValue", value, baseType=base_type)


def stimulus_ident(quiz: Quiz) -> str:
    return f"{quiz.id}_stimulus"


def build_item(d: Dialect, quiz: Quiz, item: Item, texts: Messages,
               stimulus: tuple[str, str, str] | None) -> etree._Element:
    """An assessmentItem: two fixed choices showing the quiz's labels, SCORE 1 when right, the explanation as
    modal feedback shown whatever the answer. `stimulus` is (identifier, href, title) of a shared stimulus to
    reference (3.0); without it the quiz's stimulus leads the item body, so the item stands alone."""
    root = d.root("assessmentItem", texts.language, identifier=item.id, title=item.title, adaptive="false",
                  timeDependent="false", **TOOL)
    decl = d.sub(root, "responseDeclaration", identifier="RESPONSE", cardinality="single", baseType="identifier")
    d.sub(d.sub(decl, "correctResponse"), "value", CHOICES[0] if item.answer else CHOICES[1])
    _outcome(d, root, "SCORE", "float", "0")
    _outcome(d, root, "MAXSCORE", "float", "1")
    _outcome(d, root, "FEEDBACK", "identifier")
    if stimulus:
        ident, href, title = stimulus
        d.sub(root, "assessmentStimulusRef", identifier=ident, href=href, title=title)
    body = d.sub(root, "itemBody")
    if stimulus is None and quiz.stimulus_html:
        d.html(body, quiz.stimulus_html, block=True)
    interaction = d.sub(body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false", maxChoices="1")
    d.html(d.sub(interaction, "prompt"), item.statement_html)
    for ident, label in zip(CHOICES, texts.labels(quiz)):  # True/False in the course's language
        d.sub(interaction, "simpleChoice", label, identifier=ident, fixed="true")
    processing = d.sub(root, "responseProcessing")
    condition = d.sub(processing, "responseCondition")
    right = d.sub(condition, "responseIf")
    match = d.sub(right, "match")
    d.sub(match, "variable", identifier="RESPONSE")
    d.sub(match, "correct", identifier="RESPONSE")
    _set(d, right, "SCORE", "float", "1")
    _set(d, d.sub(condition, "responseElse"), "SCORE", "float", "0")
    if item.explanation_html.strip():
        _set(d, processing, "FEEDBACK", "identifier", FEEDBACK)
        feedback = d.sub(root, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier=FEEDBACK, showHide="show")
        d.html(d.content(feedback), item.explanation_html, block=True)
    return root


def build_stimulus(d: Dialect, page: Page, quiz: Quiz, lang: str) -> etree._Element:
    """A quiz's stimulus as one assessmentStimulus (QTI 3.0) its items reference, titled after its page."""
    root = d.root("assessmentStimulus", lang, identifier=stimulus_ident(quiz), title=page.title, **TOOL)
    d.html(d.sub(root, "stimulusBody"), quiz.stimulus_html, block=True)
    return root


# --- tests -------------------------------------------------------------------------------------------------

def build_test(d: Dialect, page: Page, quiz: Quiz, hrefs: dict[str, str]) -> etree._Element:
    """An assessmentTest for one quiz: one linear part, one section drawing `quiz.draw` of its items, the
    instruction as a candidate rubric, and SCORE the sum of the drawn items' scores."""
    root = d.root("assessmentTest", identifier=quiz.id, title=page.title, **TOOL)
    _outcome(d, root, "SCORE", "float", "0")
    part = d.sub(root, "testPart", identifier=f"{quiz.id}_part", navigationMode="linear",
                 submissionMode="individual")
    section = d.sub(part, "assessmentSection", identifier=f"{quiz.id}_section", title=page.title, visible="true")
    d.sub(section, "selection", select=str(min(quiz.draw, len(quiz.items))))
    if quiz.instruction_html.strip():
        rubric = d.sub(section, "rubricBlock", view="candidate", use="instructions" if d.kebab else None)
        d.html(d.content(rubric), quiz.instruction_html, block=True)
    for item in quiz.items:
        d.sub(section, "assessmentItemRef", identifier=item.id, href=hrefs[item.id])
    total = d.sub(d.sub(root, "outcomeProcessing"), "setOutcomeValue", identifier="SCORE")
    d.sub(d.sub(total, "sum"), "testVariables", variableIdentifier="SCORE")
    return root


# --- course files and the manifest ----------------------------------------------------------------------

def files_used(root: etree._Element, ns: str, course: Course, prefix: str) -> list[str]:
    """The course files a document shows or links to (written as `prefix` + path by the layout); every img
    gets an alt on the way (QTI requires one)."""
    used = set()
    for el in root.iter(f"{{{ns}}}img", f"{{{ns}}}a"):
        attr = "src" if etree.QName(el).localname == "img" else "href"
        if attr == "src" and el.get("alt") is None:
            el.set("alt", "")
        value = el.get(attr) or ""
        if value.startswith(prefix):
            path = unquote(value[len(prefix):].split("#", 1)[0].split("?", 1)[0])
            if path in course.files:
                used.add(path)
    return sorted(used)


def file_resource(path: str) -> Resource:
    return Resource(f"file_{ids.digest(path)}", "webcontent", path, [path])


def build_manifest(ns: str, location: str, ident: str, schema: str, version: str,
                   resources: list[Resource]) -> bytes:
    """An IMS CP manifest: package metadata, no organization, one resource per file with its dependencies."""
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    root = etree.Element(q("manifest"), nsmap={None: ns, "xsi": XSI}, identifier=ident)
    root.set(f"{{{XSI}}}schemaLocation", location)
    meta = sub(root, q("metadata"))
    sub(meta, q("schema"), schema)
    sub(meta, q("schemaversion"), version)
    sub(root, q("organizations"))
    holder = sub(root, q("resources"))
    for res in resources:
        cp_resource(holder, ns, res.ident, res.type, res.files, href=res.href, depends=res.deps)
    return serialize(root)


# --- the writer --------------------------------------------------------------------------------------------

class QtiWriter(Writer):
    """A QTI 2.x/3.0 content package; subclasses give the dialect, the resource types and the manifest's
    namespace. With `shared_stimulus`, a quiz's stimulus is one stimulus file its items reference."""

    dialect: Dialect
    manifest_ns = ""
    manifest_location = ""
    manifest_schema = ""
    manifest_version = ""
    item_type = ""
    test_type = ""
    stimulus_type = ""
    shared_stimulus = False
    quiz_files = True
    quiz_file_prefix = "../"  # items, tests and stimuli lie one folder down; course files keep their paths

    def build(self, course: Course, options: Options) -> Artifact:
        d = self.dialect
        texts = messages_for(course)
        files = ZipPackage(self.target)  # each file compressed into it as it is made
        resources: list[Resource] = []
        used: set[str] = set()

        def add(path: str, root: etree._Element, type_: str, ident: str, deps: list[str]) -> None:
            linked = files_used(root, d.ns, course, self.quiz_file_prefix)
            used.update(linked)
            files.add(path, serialize(root))
            resources.append(Resource(ident, type_, path, [path], deps + [file_resource(f).ident for f in linked]))

        for page in course.pages:
            quiz = page.quiz
            if quiz is None:
                continue

            ref, deps = None, []
            if self.shared_stimulus and quiz.stimulus_html.strip():
                ident = stimulus_ident(quiz)
                ref, deps = (ident, f"../stimuli/{quiz.id}.xml", page.title), [ident]
                add(f"stimuli/{quiz.id}.xml", build_stimulus(d, page, quiz, course.language), self.stimulus_type,
                    ident, [])
            hrefs = {}
            for item in quiz.items:
                add(f"items/{item.id}.xml", build_item(d, quiz, item, texts, ref), self.item_type,
                    item.id, deps)
                hrefs[item.id] = f"../items/{item.id}.xml"
            add(f"tests/{quiz.id}.xml", build_test(d, page, quiz, hrefs), self.test_type, quiz.id,
                [i.id for i in quiz.items])
        for path in sorted(used):
            files.add(path, course.files[path])
            resources.append(file_resource(path))
        files.add("imsmanifest.xml", build_manifest(
            self.manifest_ns, self.manifest_location, f"{course.identifier}_{self.name}", self.manifest_schema,
            self.manifest_version, resources))
        files.close()
        return Artifact(self.target, 0, len(course.quizzes), len(course.items))
