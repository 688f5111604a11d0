"""What the QTI 2.1 and 3.0 writers share: items, tests and the content package, built once for both dialects.

The two versions hold the same structure under different names (`choiceInteraction` in 2.1 is
`qti-choice-interaction` in 3.0, `maxChoices` is `max-choices`), so every element is named in
2.1 spelling and a `Dialect` turns it into the version's own. A package lays out `items/`,
`tests/` (one assessmentTest per quiz, drawing `quiz.draw` items) and, in 3.0, `stimuli/`;
course files used by item HTML keep their own paths and are listed as webcontent resources.

Each kind is its interaction: true/false, choice and multiple answers a `choiceInteraction` (maxChoices 1 or 0),
a short answer a string `textEntryInteraction` whose mapping gives each accepted answer 1 (without case), a
number a float `textEntryInteraction` right from the exact decimal `low` to `high` (`gte`/`lte`, so no player
arithmetic moves a bound; `equal` when it is one value), matching a `matchInteraction` of directed pairs, an
essay an `extendedTextInteraction` that a person scores. Every graded item's processing sets SCORE to 1 when
right and 0 when not; its feedback (`item_feedback`) is modal feedback.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import unquote

from lxml import etree

from exporter import __version__, ids
from exporter.i18n.messages import Messages, messages_for
from exporter.model import (CHOICE, CHOICE_KINDS, KINDS, MATCHING, MULTIPLE, NUMERIC, SHORT, TRUE_FALSE, Course, Item,
                             Page, Quiz)
from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.packaging import StaleFragments, ZipPackage
from exporter.writers.qti.items12 import statement_shape, verdict_html
from exporter.writers.xmltree import cp_resource, serialize, sub
from exporter.xhtml import append_html, text_html, to_text

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TOOL = {"toolName": "exporter", "toolVersion": __version__}
CHOICES = ("T", "F")  # the first label's choice (the statement is true), then the second's
# the FEEDBACK outcome's values: RIGHT and WRONG set by the verdict, each showing the verdict ("Right." / "Not
# quite: the right answer is X."), the author's + or -, then the explanation; EXPLANATION (an essay: no verdict
# to show) the explanation whatever the answer
FEEDBACK = "EXPLANATION"
RIGHT, WRONG = "RIGHT", "WRONG"
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


def choice_idents(item: Item) -> list[str]:
    """The identifiers of an item's choices: a statement's labels are T and F (the first label, then the second),
    a question's choices C1, C2, ... in the author's order."""
    return list(CHOICES) if item.labelled else [f"C{n}" for n in range(1, len(item.choices) + 1)]


def _spaced(text: str) -> str:
    return " ".join(text.split())


def short_answers(item: Item) -> list[str]:
    """A short-answer item's accepted answers, spaces collapsed, each once however it is cased (the mapping
    compares without case, and a mapping's keys must differ)."""
    seen, found = set(), []
    for answer in item.answers:
        text = _spaced(answer)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            found.append(text)
    return found


def match_sets(item: Item) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """A matching item's left items, its right options (each text once, distractors included, as written) and
    the right pairs as (left index, option index)."""
    lefts = [p.left_html for p in item.matches]
    options: list[str] = []
    where: dict[str, int] = {}
    for pair in item.pairs:
        if pair.right_html not in where:
            where[pair.right_html] = len(options)
            options.append(pair.right_html)
    return lefts, options, [(n, where[p.right_html]) for n, p in enumerate(item.matches)]


@dataclass
class ItemFeedback:
    """What an item shows as modal feedback after an answer. `by_outcome`: the FEEDBACK outcome's values, each with
    the HTML fragments its feedback shows: RIGHT and WRONG are set by the verdict, EXPLANATION whatever the answer
    (nothing shown: not there). `choices`: each choice's own feedback by its identifier, shown when picked."""

    by_outcome: dict[str, list[str]] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def verdict(self) -> bool:
        return RIGHT in self.by_outcome or WRONG in self.by_outcome


def item_feedback(item: Item, texts: Messages) -> ItemFeedback:
    """The one place that decides an item's feedback outcomes. An item graded automatically says whether the answer
    was right and, if not, what was (the right choice or choices, an accepted answer, the number or range, the
    pairs), in the course's language (`verdict_html`, as the other formats do); the verdict decides what is shown:
    its words, the author's right or wrong feedback (+, -), then the explanation. An essay has no verdict: its
    explanation is shown whatever the answer (`QtiWriter.uncarried` warns of its + and -)."""
    explanation = [item.explanation_html] if item.explanation_html.strip() else []
    by_outcome = {FEEDBACK: explanation} if explanation else {}
    words = {}
    if item.kind in (TRUE_FALSE, CHOICE):  # the right choice named as text, whatever markup it has
        named = replace(item, choices=[replace(c, html=text_html(to_text(c.html))) for c in item.choices])
        words = {RIGHT: verdict_html(texts, named, True), WRONG: verdict_html(texts, named, False)}
    elif item.graded:  # the right choices, answer, number or pairs, as text
        words = {RIGHT: verdict_html(texts, item, True), WRONG: verdict_html(texts, item, False)}
    if words or (item.graded and (item.right_feedback_html.strip() or item.wrong_feedback_html.strip())):
        by_outcome = {}
        for ident, html in ((RIGHT, item.right_feedback_html), (WRONG, item.wrong_feedback_html)):
            if fragments := [h for h in (words.get(ident, ""), html) if h.strip()] + explanation:
                by_outcome[ident] = fragments
    return ItemFeedback(by_outcome, {ident: c.feedback_html for ident, c in zip(choice_idents(item), item.choices)
                                     if c.feedback_html.strip()})


def _declare_response(d: Dialect, root: etree._Element, item: Item) -> None:
    """RESPONSE as the kind answers it, with its correct response (none for an essay) and, for a short answer,
    the mapping of every accepted answer to 1."""
    kind = item.kind
    if kind in CHOICE_KINDS:
        idents = choice_idents(item)
        right = [i for i, c in zip(idents, item.choices) if c.right]
        cardinality, base, values = ("multiple" if kind == MULTIPLE else "single"), "identifier", right
    elif kind == SHORT:
        answers = short_answers(item)
        cardinality, base, values = "single", "string", answers[:1]
    elif kind == NUMERIC:
        cardinality, base, values = "single", "float", [item.numeric.value]
    elif kind == MATCHING:
        _, _, pairs = match_sets(item)
        cardinality, base, values = "multiple", "directedPair", [f"L{a + 1} R{b + 1}" for a, b in pairs]
    else:  # ESSAY
        cardinality, base, values = "single", "string", []
    decl = d.sub(root, "responseDeclaration", identifier="RESPONSE", cardinality=cardinality, baseType=base)
    if values:
        correct = d.sub(decl, "correctResponse")
        for value in values:
            d.sub(correct, "value", value)
    if kind == SHORT:
        mapping = d.sub(decl, "mapping", defaultValue="0")
        for answer in answers:
            d.sub(mapping, "mapEntry", mapKey=answer, mappedValue="1", caseSensitive="false")


def _interaction(d: Dialect, body: etree._Element, quiz: Quiz, item: Item) -> None:
    """The item's interaction after the stimulus: the statement its prompt (or, before a text entry, which
    takes none, a paragraph of its own)."""
    kind = item.kind
    shuffle = "true" if quiz.shuffle else "false"
    fixed = "true" if item.labelled or not quiz.shuffle else None  # a statement's labels keep their order
    if kind in CHOICE_KINDS:
        interaction = d.sub(body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle=shuffle,
                            maxChoices="0" if kind == MULTIPLE else "1")
        d.html(d.sub(interaction, "prompt"), item.statement_html)
        for ident, choice in zip(choice_idents(item), item.choices):
            d.html(d.sub(interaction, "simpleChoice", identifier=ident, fixed=fixed), choice.html)
    elif kind in (SHORT, NUMERIC):
        d.html(body, item.statement_html, block=True)
        d.sub(sub(body, f"{{{d.ns}}}p"), "textEntryInteraction", responseIdentifier="RESPONSE")
    elif kind == MATCHING:
        lefts, options, pairs = match_sets(item)
        uses = [sum(1 for _, b in pairs if b == n) for n in range(len(options))]
        interaction = d.sub(body, "matchInteraction", responseIdentifier="RESPONSE", shuffle=shuffle,
                            maxAssociations=str(len(lefts)))
        d.html(d.sub(interaction, "prompt"), item.statement_html)
        left_set, right_set = d.sub(interaction, "simpleMatchSet"), d.sub(interaction, "simpleMatchSet")
        for n, html in enumerate(lefts, 1):
            d.html(d.sub(left_set, "simpleAssociableChoice", identifier=f"L{n}", matchMax="1", fixed=fixed), html)
        for n, html in enumerate(options):
            d.html(d.sub(right_set, "simpleAssociableChoice", identifier=f"R{n + 1}", matchMax=str(max(uses[n], 1)),
                         fixed=fixed), html)
    else:  # ESSAY
        interaction = d.sub(body, "extendedTextInteraction", responseIdentifier="RESPONSE")
        d.html(d.sub(interaction, "prompt"), item.statement_html)


def _is_right(d: Dialect, parent: etree._Element, item: Item) -> None:
    """The expression that is true when RESPONSE is right."""
    kind = item.kind
    if kind == SHORT:  # an accepted answer maps to 1, anything else to 0
        test = d.sub(parent, "gt")
        d.sub(test, "mapResponse", identifier="RESPONSE")
        d.sub(test, "baseValue", "0", baseType="float")
    elif kind == NUMERIC:
        number = item.numeric
        if number.low == number.high:
            test = d.sub(parent, "equal", toleranceMode="exact")
            d.sub(test, "variable", identifier="RESPONSE")
            d.sub(test, "baseValue", number.value, baseType="float")
        else:  # the exact decimal bounds: no arithmetic in the player, so a bound itself is right
            both = d.sub(parent, "and")
            for op, bound in (("gte", number.low), ("lte", number.high)):
                test = d.sub(both, op)
                d.sub(test, "variable", identifier="RESPONSE")
                d.sub(test, "baseValue", bound, baseType="float")
    else:  # the choices (a set for multiple answers) or pairs declared correct, no more, no fewer
        test = d.sub(parent, "match")
        d.sub(test, "variable", identifier="RESPONSE")
        d.sub(test, "correct", identifier="RESPONSE")


def build_item(d: Dialect, quiz: Quiz, item: Item, texts: Messages,
               stimulus: tuple[str, str, str] | None) -> etree._Element:
    """An assessmentItem: the kind's interaction, SCORE 1 when right and 0 when not (an essay is scored by a
    person), and its feedback (`item_feedback`) as modal feedback. `stimulus` is (identifier, href, title) of a
    shared stimulus to reference (3.0); without it the quiz's stimulus leads the item body, so the item stands
    alone."""
    root = d.root("assessmentItem", texts.language, identifier=item.id, title=item.title, adaptive="false",
                  timeDependent="false", **TOOL)
    feedback = item_feedback(item, texts)
    _declare_response(d, root, item)
    if item.graded:
        _outcome(d, root, "SCORE", "float", "0")
    else:  # a person scores it
        d.sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float",
              externalScored="human" if d.kebab else None)
    _outcome(d, root, "MAXSCORE", "float", "1")
    _outcome(d, root, "FEEDBACK", "identifier")
    if feedback.choices:
        d.sub(root, "outcomeDeclaration", identifier="CHOICE_FEEDBACK", baseType="identifier",
              cardinality="multiple" if item.kind == MULTIPLE else "single")
    if stimulus:
        ident, href, title = stimulus
        d.sub(root, "assessmentStimulusRef", identifier=ident, href=href, title=title)
    body = d.sub(root, "itemBody")
    if stimulus is None and quiz.stimulus_html:
        d.html(body, quiz.stimulus_html, block=True)
    _interaction(d, body, quiz, item)
    if item.graded or feedback.by_outcome:
        processing = d.sub(root, "responseProcessing")
        if item.graded:
            condition = d.sub(processing, "responseCondition")
            branches = []
            if item.kind in (SHORT, NUMERIC):  # no answer is wrong before any arithmetic on it (players
                # differ on NULL: one throws in mapResponse, one compares it as 0)
                unanswered = d.sub(condition, "responseIf")
                d.sub(d.sub(unanswered, "isNull"), "variable", identifier="RESPONSE")
                branches.append((unanswered, False))
                right = d.sub(condition, "responseElseIf")
            else:
                right = d.sub(condition, "responseIf")
            _is_right(d, right, item)
            branches += [(right, True), (d.sub(condition, "responseElse"), False)]
            for branch, ok in branches:
                _set(d, branch, "SCORE", "float", "1" if ok else "0")
                if feedback.verdict:
                    _set(d, branch, "FEEDBACK", "identifier", RIGHT if ok else WRONG)
        if feedback.choices:  # the picked choice (or choices) shows its own
            d.sub(d.sub(processing, "setOutcomeValue", identifier="CHOICE_FEEDBACK"), "variable",
                  identifier="RESPONSE")
        if FEEDBACK in feedback.by_outcome:
            _set(d, processing, "FEEDBACK", "identifier", FEEDBACK)
    shown = [("FEEDBACK", ident, fragments) for ident, fragments in feedback.by_outcome.items() if ident != FEEDBACK]
    shown += [("CHOICE_FEEDBACK", ident, [html]) for ident, html in feedback.choices.items()]
    shown += [("FEEDBACK", FEEDBACK, feedback.by_outcome[FEEDBACK])] if FEEDBACK in feedback.by_outcome else []
    for outcome, ident, fragments in shown:
        content = d.content(d.sub(root, "modalFeedback", outcomeIdentifier=outcome, identifier=ident,
                                  showHide="show"))
        for html in fragments:
            d.html(content, html, block=True)
    return root


class StatementItems:
    """Items of one dialect and language where statements are made from prototypes (as `items12.ItemBuilder`
    does for QTI 1.2): the first statement of each shape (`items12.statement_shape`: the labels, the right one; here
    also an explanation or none, and the stimulus: referenced, in the body, or none) is built in full, the next ones
    are lxml copies of it with their identifier, title, stimulus, prompt and explanation put in the places this
    recorded. A quiz's stimulus is parsed once. The bytes are those of a full build (test_item_prototypes)."""

    def __init__(self, d: Dialect, texts: Messages):
        self.d, self.texts = d, texts
        self._prototypes: dict[tuple, tuple[etree._Element, dict]] = {}
        self._stimuli: dict[str, list[etree._Element]] = {}

    def build(self, quiz: Quiz, item: Item, stimulus: tuple[str, str, str] | None) -> etree._Element:
        shape = statement_shape(quiz, item)
        if shape is None:
            return build_item(self.d, quiz, item, self.texts, stimulus)
        in_body = stimulus is None and bool(quiz.stimulus_html)
        shape += (bool(item.explanation_html.strip()), stimulus is not None, in_body)
        if shape not in self._prototypes:
            el = build_item(self.d, quiz, item, self.texts, stimulus)
            self._prototypes[shape] = (_copy(el), self._places(el, item))
            return el
        prototype, places = self._prototypes[shape]
        el = _copy(prototype)
        nodes = list(el.iter())
        el.set("identifier", item.id)
        el.set("title", item.title)
        if stimulus is not None:
            ref = nodes[places["ref"]]
            for name, value in zip(("identifier", "href", "title"), stimulus):
                ref.set(name, value)
        if in_body:
            body = nodes[places["body"]]
            interaction = body[-1]
            for child in list(body):
                body.remove(child)
            body.extend(_copy(part) for part in self._stimulus(quiz))
            body.append(interaction)
        prompt = nodes[places["prompt"]]
        prompt.text = None
        for child in list(prompt):
            prompt.remove(child)
        self.d.html(prompt, item.statement_html)
        if places["contents"]:
            explanation = etree.Element("explanation")
            self.d.html(explanation, item.explanation_html, block=True)
            for n, keep in places["contents"]:
                content = nodes[n]
                del content[keep:]
                content.extend(_copy(part) for part in explanation)
        return el

    def _stimulus(self, quiz: Quiz) -> list[etree._Element]:
        if quiz.id not in self._stimuli:
            holder = etree.Element("stimulus")
            self.d.html(holder, quiz.stimulus_html, block=True)
            self._stimuli = {quiz.id: list(holder)}  # one quiz at a time: the last one's only
        return self._stimuli[quiz.id]

    def _places(self, el: etree._Element, item: Item) -> dict:
        """Where, by position in document order, the prototype's varying parts stand; for each modal feedback's
        content, how many of its children come before the explanation's."""
        d = self.d
        explanation = etree.Element("explanation")
        if item.explanation_html.strip():
            d.html(explanation, item.explanation_html, block=True)
        places: dict = {"ref": -1, "body": -1, "prompt": -1, "contents": []}
        content_tag = d.tag("contentBody" if d.kebab else "modalFeedback")
        for n, node in enumerate(el.iter()):
            if node.tag == d.tag("assessmentStimulusRef"):
                places["ref"] = n
            elif node.tag == d.tag("itemBody"):
                places["body"] = n
            elif node.tag == d.tag("prompt") and places["prompt"] < 0:
                places["prompt"] = n
            elif node.tag == content_tag and len(explanation):
                places["contents"].append((n, len(node) - len(explanation)))
        return places


def _copy(el: etree._Element) -> etree._Element:
    return copy.deepcopy(el)


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
    d.sub(section, "selection", select=str(quiz.drawn))
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


def build_manifest(ns: str, location: str, ident: str, schema: str, version: str, resources: list[bytes]) -> bytes:
    """An IMS CP manifest: package metadata, no organization, and the resources (`resource_xml`'s pieces, in order):
    one per file with its dependencies. The same bytes as the whole tree serialized."""
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    root = etree.Element(q("manifest"), nsmap={None: ns, "xsi": XSI}, identifier=ident)
    root.set(f"{{{XSI}}}schemaLocation", location)
    meta = sub(root, q("metadata"))
    sub(meta, q("schema"), schema)
    sub(meta, q("schemaversion"), version)
    sub(root, q("organizations"))
    sub(root, q("resources"))
    text = serialize(root)
    body = b"".join(resources)
    if not body:
        return text
    at = text.rindex(_NO_RESOURCES)  # (the last element: nothing after it holds text of the course)
    return text[:at] + _RESOURCES_OPEN + body + _RESOURCES_CLOSE + text[at + len(_NO_RESOURCES):]


_NO_RESOURCES = b"  <resources/>\n"
_RESOURCES_OPEN = b"  <resources>\n"
_RESOURCES_CLOSE = b"  </resources>\n"


def resource_xml(ns: str, resources: list[Resource]) -> bytes:
    """Resources as `build_manifest` places them: each `<resource>` serialized at its depth in the manifest (a
    quiz's are made, and kept, with its files)."""
    if not resources:
        return b""
    root = etree.Element(f"{{{ns}}}manifest", nsmap={None: ns, "xsi": XSI})
    holder = sub(root, f"{{{ns}}}resources")
    for res in resources:
        cp_resource(holder, ns, res.ident, res.type, res.files, href=res.href, depends=res.deps)
    text = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    start = text.index(_RESOURCES_OPEN.strip()) + len(_RESOURCES_OPEN.strip()) + 1  # (after its line's end)
    return text[start:text.rindex(_RESOURCES_CLOSE)]


# --- the writer --------------------------------------------------------------------------------------------

class QtiWriter(Writer):
    """A QTI 2.x/3.0 content package; subclasses give the dialect, the resource types and the manifest's
    namespace. With `shared_stimulus`, a quiz's stimulus is one stimulus file its items reference."""

    kinds = frozenset(KINDS)
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

    def uncarried(self, course: Course) -> list[tuple[str, int | None, str]]:
        found = super().uncarried(course)
        for item in course.items:
            if not item.graded and (item.right_feedback_html.strip() or item.wrong_feedback_html.strip()):
                found.append((item.source, item.line, f"an essay is graded by a person, so {self.name} has no "
                              "right or wrong answer to show its + and - feedback after (they are left out): "
                              "write what every learner should read as the general feedback (...)"))
        return found

    def build(self, course: Course, options: Options) -> Artifact:
        d = self.dialect
        files = ZipPackage(self.target, self.fragments)  # each file compressed into it as it is made
        view, outline_key = self.outline(course)
        items = StatementItems(d, messages_for(view))
        pieces: list = []  # each quiz's part of the manifest (`resource_xml`), and when replayed its check
        keys: list[str | None] = []
        used: set[str] = set()
        for page in course.pages:
            if page.quiz is not None:  # a quiz's files and manifest part: one fragment, made from the outline and page
                key = self.fragment_key(outline_key, page, "quiz", text=False)
                made = files.fragment(key, lambda page=page: self._quiz(files, view, page, items))
                pieces.append((files.attached[0], files.checks[0] if files.replayed else None))
                keys.append(key)
                used.update(made["used"])
        for path in sorted(used):
            files.add(path, course.files[path])
        head = (self.manifest_ns, self.manifest_location, f"{course.identifier}_{self.name}", self.manifest_schema,
                self.manifest_version)
        shared = [file_resource(path) for path in sorted(used)]

        def manifest() -> bytes:
            """Made from the quizzes' parts, each checked as it is read (a damaged one: the build writes the package
            again, its fragments made anew: `StaleFragments`)."""
            parts = []
            for data, check in pieces:
                if check is not None and not files.store.intact(data, check):
                    raise StaleFragments("imsmanifest.xml")
                parts.append(data)
            return build_manifest(*head, [*parts, resource_xml(self.manifest_ns, shared)])

        # kept by what it is made from: the quizzes' fragments (by their keys) and the course files' resources
        files.derived("imsmanifest.xml", (head, keys, [(r.ident, r.href) for r in shared]), manifest)
        files.close()
        return Artifact(self.target, 0, len(course.quizzes), len(course.items))

    def _quiz(self, files: ZipPackage, view: Course, page: Page, items: StatementItems) -> dict:
        """The quiz's stimulus, items and test added to the zip, and their part of the manifest attached
        (`resource_xml`); the course files they use, as plain data."""
        d, quiz = self.dialect, page.quiz
        resources: list[Resource] = []
        used: set[str] = set()

        def add(path: str, root: etree._Element, type_: str, ident: str, deps: list[str]) -> None:
            linked = files_used(root, d.ns, view, self.quiz_file_prefix)
            used.update(linked)
            files.add(path, serialize(root))
            resources.append(Resource(ident, type_, path, [path], deps + [file_resource(f).ident for f in linked]))

        ref, deps = None, []
        if self.shared_stimulus and quiz.stimulus_html.strip():
            ident = stimulus_ident(quiz)
            ref, deps = (ident, f"../stimuli/{quiz.id}.xml", page.title), [ident]
            add(f"stimuli/{quiz.id}.xml", build_stimulus(d, page, quiz, view.language), self.stimulus_type,
                ident, [])
        hrefs = {}
        for item in quiz.items:
            add(f"items/{item.id}.xml", items.build(quiz, item, ref), self.item_type, item.id, deps)
            hrefs[item.id] = f"../items/{item.id}.xml"
        add(f"tests/{quiz.id}.xml", build_test(d, page, quiz, hrefs), self.test_type, quiz.id,
            [i.id for i in quiz.items])
        files.attach(resource_xml(self.manifest_ns, resources))
        return {"used": sorted(used)}
