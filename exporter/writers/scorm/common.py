"""What the SCORM 1.2 and 2004 writers share: the package's files, its SCOs, and manifest helpers.

A package holds the course pages (`page.href`), the course's local files at their own paths,
and the shared runtime under `_static/`. In `pages` mode every page is one SCO; in `course`
mode `index.html` is the one SCO: it frames the pages, keeps the table of contents and
reports one overall result. Each writer builds its own manifest around `ScormPackage`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree
from markupsafe import Markup

from exporter import ids
from exporter.i18n.messages import Messages, messages_for
from exporter.model import CHOICE_KINDS, KINDS, MATCHING, NUMERIC, SHORT, Course, Item, LocalFile, Page, Quiz
from exporter.render import render_template, static_file
from exporter.writers.layout import outline as outline_of, outline_places
from exporter.writers.base import Artifact, Option, Options, Writer
from exporter.writers.packaging import ZipPackage
from exporter.writers.scorm.runtime_messages import course_strings, page_strings
from exporter.writers.xmltree import cp_resource, sub

STATIC = "_static/"
# The scripts a page loads, in the order they run (each needs those before it): the link to the LMS, what the
# page embeds and the {name} filler, the saved-quiz format, the draw, the page's links, the question kinds, the
# quiz widget, where
# its attempt goes, the order of pages, and the page's start-up. One job per file (templates/static/).
PAGE_SCRIPTS = ("lms.js", "pagedata.js", "record.js", "draw.js", "links.js", "kinds.js", "widget.js", "hosts.js",
                "order.js", "page.js")
SHELL_SCRIPTS = ("lms.js", "pagedata.js", "record.js", "course.js")  # course mode's shell: the table of contents
RUNTIME = ("course.css", *PAGE_SCRIPTS)
SHELL = ("course.js",)  # course mode only: the table of contents that hosts the pages
LAUNCH = "index.html"  # the course-mode SCO
MODES = ("pages", "course")


@dataclass
class Sco:
    """One SCO: its manifest item and resource, and the files that are its own."""

    ident: str  # the item identifier (a resource is ident + "_res")
    title: str
    href: str
    files: list[str]
    page: Page | None = None  # pages mode: the page it shows
    previous: Sco | None = None  # pages mode: the SCO that must be finished first
    quiz: bool = False  # pages mode: its page has a quiz (scored)

    @property
    def resource(self) -> str:
        return f"{self.ident}_res"


@dataclass
class Cluster:
    """A chapter in the table of contents (an item without a resource), or None for a flat course."""

    ident: str
    title: str
    scos: list[Sco] = field(default_factory=list)


@dataclass
class ScormPackage:
    files: dict[str, bytes | str]
    outline: list[Cluster]  # pages mode: chapters holding SCOs; course mode: one cluster-less list
    assets: list[str]  # the shared asset resource's files
    mode: str

    @property
    def scos(self) -> list[Sco]:
        return [s for c in self.outline for s in c.scos]

    @property
    def assets_ident(self) -> str:
        return "shared_assets"


def json_block(data) -> Markup:
    """JSON to put inside <script type="application/json">: no '<', '>' or '&' that could end the block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def _answer_key(item: Item) -> str:
    """What a saved attempt depends on in an item: its right answer (a statement's: the first label or not)."""
    if item.labelled:
        return str(int(item.right_index == 0))
    return json.dumps(_typed(item), ensure_ascii=False, sort_keys=True)


def fingerprint(quiz: Quiz) -> str:
    """Changes whenever the bank changes, so a saved attempt is never restored onto other items."""
    return ids.digest("\n".join(f"{i.id}:{_answer_key(i)}" for i in quiz.items), 6)


def _feedback(item: Item) -> dict:
    out = {"e": item.explanation_html}
    if item.right_feedback_html:
        out["+"] = item.right_feedback_html
    if item.wrong_feedback_html:
        out["-"] = item.wrong_feedback_html
    return out


def _typed(item: Item) -> dict:
    """A typed item's answer data (kind k): choices c [{h: html, r: right, f: feedback}], accepted answers t,
    the numeric range n {low, high, value, range}, matching pairs p [{l: left html ("" for a distractor), r}]."""
    data: dict = {"k": item.kind}
    if item.kind in CHOICE_KINDS:
        data["c"] = [{"h": c.html, "r": c.right, **({"f": c.feedback_html} if c.feedback_html else {})}
                     for c in item.choices]
    elif item.kind == SHORT:
        data["t"] = list(item.answers)
    elif item.kind == NUMERIC and item.numeric is not None:
        n = item.numeric
        data["n"] = {"low": n.low, "high": n.high, "value": n.value, "range": n.range}
    elif item.kind == MATCHING:
        data["p"] = [{"l": p.left_html, "r": p.right_html} for p in item.pairs]
    return data


def item_data(item: Item) -> dict:
    """One item as the page's quiz runtime reads it. A statement answered with the quiz's labels (true/false,
    data-opt) keeps its form: {id, s, a: the first label is right, e}; every other kind says its kind and
    answers (see _typed), with its feedback."""
    if item.labelled:
        return {"id": item.id, "s": item.statement_html, "a": item.right_index == 0, "e": item.explanation_html}
    return {"id": item.id, "s": item.statement_html, **_typed(item), **_feedback(item)}


def quiz_data(texts: Messages, quiz: Quiz) -> dict:
    """Everything the page's quiz runtime needs, embedded in the page (no network); True/False labels in the
    course's language. shuffle (only when set): each attempt shows choices and matching options shuffled."""
    data = {
        "id": quiz.id,
        "fp": fingerprint(quiz),
        "draw": quiz.drawn,
        "labels": list(quiz.labels),
        "items": [item_data(i) for i in quiz.items],
    }
    if quiz.shuffle:
        data["shuffle"] = True
    return data


def build_package(course: Course, options: Options, version: str,
                  add: Callable[[str, bytes | str | LocalFile], None] | None = None,
                  view: Course | None = None,
                  fragment: Callable[[Page, Callable[[], None]], None] | None = None) -> ScormPackage:
    """The package's files and outline; version is "1.2" or "2004" (which LMS API the pages look for).
    With `add`, each file goes to add(path, data) as it is made (into the zip being written) and the
    package's `files` stay empty; without it, `files` holds them all (what `exporter preview` serves).
    Each page is made from the course's outline (`view`, else `layout.outline` of the course) and itself, by
    fragment(page, make) where given (the zip's cached fragments)."""
    mode = options.scorm_mode
    texts = messages_for(course)
    files: dict[str, bytes | str] = {}
    put = add or files.__setitem__
    for name, data in course.files.items():
        put(name, data)
    runtime = RUNTIME + (SHELL if mode == "course" else ())
    for name in runtime:
        put(STATIC + name, static_file(f"static/{name}"))
    assets = [STATIC + n for n in runtime] + sorted(course.files)
    scos_by_page: dict[int, Sco] = {}
    previous: Sco | None = None
    view = view if view is not None else outline_of(course)
    for page, chapter, prev, nxt in outline_places(course, view):  # each page from the outline and itself
        sco = Sco(page.id, page.title, page.href, [page.href], page, previous, page.quiz is not None)
        config = {
            "scorm": version,
            "mode": mode,
            "course": course.identifier,
            "page": page.id,
            "previous": previous.ident if previous else None,
            "previousTitle": previous.title if previous else None,
            "quiz": page.quiz is not None,
        }

        def make() -> None:
            put(page.href, render_template(
                "scorm/page.html", course=view, page=page, chapter=chapter, prev=prev, next=nxt, static=STATIC,
                mode=mode, scripts=PAGE_SCRIPTS, config=json_block(config),
                strings=json_block(page_strings(texts, page.quiz)),
                quiz=json_block(quiz_data(texts, page.quiz)) if page.quiz else None))

        fragment(page, make) if fragment is not None else make()
        scos_by_page[id(page)] = sco
        previous = sco
    if mode == "course":
        put(LAUNCH, render_template("scorm/course.html", course=course, static=STATIC, scripts=SHELL_SCRIPTS,
                                    config=json_block(course_config(course, version)),
                                    strings=json_block(course_strings(texts, course))))
        sco = Sco(f"{course.identifier}_sco", course.title, LAUNCH, [LAUNCH] + [p.href for p in course.pages])
        return ScormPackage(files, [Cluster("", "", [sco])], assets, mode)
    outline = [Cluster(f"{course.identifier}_ch{n}", g.title, [scos_by_page[id(p)] for p in g.pages])
               for n, g in enumerate(course.groups, start=1)]
    return ScormPackage(files, outline, assets, mode)


class ManifestCourse(NamedTuple):
    """What of the course a manifest shows."""

    identifier: str
    version: str
    title: str
    quizzes: bool  # whether it has any


def manifest_inputs(course: Course, package: ScormPackage) -> tuple:
    """What a manifest is made from, as plain data: the course's part, the mode, the shared assets, and each chapter
    with its SCOs (no page: a SCO's title, files, whether it is scored and the SCO before it)."""
    return (ManifestCourse(course.identifier, course.version, course.title, bool(course.quizzes)),
            package.mode, list(package.assets),
            [(c.ident, c.title, [(s.ident, s.title, s.href, list(s.files), s.quiz,
                                  s.previous.ident if s.previous is not None else None) for s in c.scos])
             for c in package.outline])


def manifest_parts(inputs: tuple) -> tuple[ManifestCourse, ScormPackage]:
    """The course and package a manifest is written from, made back from `manifest_inputs` alone."""
    course, mode, assets, clusters = inputs
    scos: dict[str, Sco] = {}
    outline = []
    for ident, title, members in clusters:
        cluster = Cluster(ident, title)
        for sco_ident, sco_title, href, files, quiz, previous in members:
            sco = Sco(sco_ident, sco_title, href, files, None, scos[previous] if previous else None, quiz)
            scos[sco_ident] = sco
            cluster.scos.append(sco)
        outline.append(cluster)
    return course, ScormPackage({}, outline, assets, mode)


def course_config(course: Course, version: str) -> dict:
    """The course-mode shell's outline: pages in order with what forces the order (their quizzes)."""
    return {
        "scorm": version,
        "course": course.identifier,
        "pages": [{"id": p.id, "href": p.href, "title": p.title, "quiz": fingerprint(p.quiz) if p.quiz else None}
                  for p in course.pages],
    }


def add_resources(parent: etree._Element, ns: str, scormtype_attr: str, package: ScormPackage,
                  extra_attrs: dict[str, str] | None = None) -> None:
    """The resources: one SCO resource per SCO (its own files + a dependency on the shared assets),
    and one asset resource holding the shared stylesheet, scripts and course files."""
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    resources = sub(parent, q("resources"))
    for sco in package.scos:
        cp_resource(resources, ns, sco.resource, "webcontent", sco.files, href=sco.href,
                    depends=[package.assets_ident], **{scormtype_attr: "sco"}, **(extra_attrs or {}))
    cp_resource(resources, ns, package.assets_ident, "webcontent", package.assets,
                **{scormtype_attr: "asset"}, **(extra_attrs or {}))


def add_organization(root: etree._Element, ns: str, course: Course, package: ScormPackage,
                     **org_attrs) -> tuple[etree._Element, list[tuple[etree._Element, Sco]], list[etree._Element]]:
    """organizations > organization (titled after the course) > a cluster item per chapter > an item per SCO.
    Returns the organization, each SCO item with its SCO, and the cluster items, for version-specific children."""
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    org_id = f"{course.identifier}_org"
    org = sub(sub(root, q("organizations"), default=org_id), q("organization"), identifier=org_id, **org_attrs)
    sub(org, q("title"), course.title)
    items, clusters = [], []
    for cluster in package.outline:
        parent = org
        if cluster.ident:
            parent = sub(org, q("item"), identifier=cluster.ident)
            sub(parent, q("title"), cluster.title)
            clusters.append(parent)
        for sco in cluster.scos:
            item = sub(parent, q("item"), identifier=sco.ident, identifierref=sco.resource)
            sub(item, q("title"), sco.title)
            items.append((item, sco))
    return org, items, clusters


class ScormWriter(Writer):
    """A SCORM writer: the package's files plus the manifest its version builds."""

    version = ""  # "1.2" or "2004": which LMS API the pages look for
    options = (Option("scorm_mode", "pages", MODES, "SCORM: one SCO per page (pages), so the LMS lists and "
                      "tracks every page, or the whole course as one SCO (course)"),)
    pages = quiz_files = quiz_pages = True
    kinds = frozenset(KINDS)  # the quiz widget answers every kind (templates/static/widget.js)
    page_mark = "data-page-link"  # the runtime opens these as other pages of the course
    templates = ("scorm/course.html", "scorm/page.html")

    def manifest(self, course: Course | ManifestCourse, package: ScormPackage) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    def files(self, course: Course, options: Options | None = None) -> dict[str, bytes | str]:
        """Every file of the package by its path, the manifest included: what the zip holds (and what
        `exporter preview` serves), with the options and localization write() applies."""
        opts = Options({o.name: o.default for o in self.options})
        opts.update({k: v for k, v in (options or {}).items() if k in opts})
        return self._files(self.write_links(course), opts)

    def _files(self, course: Course, options: Options) -> dict[str, bytes | str]:
        package = build_package(course, options, self.version)
        files = dict(package.files)
        files["imsmanifest.xml"] = self.manifest(course, package)
        return files

    def build(self, course: Course, options: Options) -> Artifact:
        files = ZipPackage(self.target, self.fragments)  # each file compressed into it as it is made
        view, outline_key = self.outline(course)
        package = build_package(course, options, self.version, files.add, view,
                                lambda page, make: files.fragment(self.fragment_key(outline_key, page), make))
        inputs = manifest_inputs(course, package)  # made from these alone, so kept by them
        files.derived("imsmanifest.xml", inputs, lambda: self.manifest(*manifest_parts(inputs)))
        files.close()
        return Artifact(self.target, len(course.pages), len(course.quizzes), len(course.items))
