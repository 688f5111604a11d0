"""What the Common Cartridge writers (`cc11`, `cc13`) share: the cartridge's files, its manifest (LOM metadata,
one rooted organization, resources) and the course pages as webcontent.

Layout, one that Moodle and Canvas both import: course pages in `wiki_content/` under their `page.href` (so
links between pages work unchanged; Canvas turns that folder into Pages, Moodle each `.html` into a Page),
shared files in `web_resources/` (the stylesheet under `_static/`, the course's files at their own paths;
Canvas turns that folder into course Files), pages referring to them as `../web_resources/<path>`. Each quiz
is a CC QTI assessment `<ident>/assessment_qti.xml`; the question bank holds every item.

The organization's root item is untitled; its children are the modules (one per chapter, the pages before the
first chapter in a module titled after the course), each holding its pages and, after a page with a quiz,
that quiz.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from exporter import ids, xhtml
from exporter.i18n.messages import messages_for
from exporter.model import MATCHING, MULTIPLE, NUMERIC, SHORT, Course, Page, Quiz, copy_with
from exporter.render import render_template, static_file
from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.cartridge import items as cc_qti
from exporter.writers.packaging import StaleFragments, ZipPackage
from exporter.writers.xmltree import Namespace, cp_resource, serialize, sub

MANIFEST = "imsmanifest.xml"
PAGES = "wiki_content/"
SHARED = "web_resources/"
STATIC = "_static/"  # inside SHARED: the stylesheet
STYLESHEET = STATIC + "course.css"
FROM_PAGES = f"../{SHARED}"  # how a page refers to a shared file
QUESTION_BANK = "question_bank/question_bank.xml"


@dataclass(frozen=True)
class Profile:
    """One CC version: its namespaces, schemaversion and resource type tag."""

    version: str  # "1.1.0" or "1.3.0"
    cp: str
    lom: str
    tag: str  # "imscc_xmlv1p1" or "imscc_xmlv1p3"

    @property
    def assessment(self) -> str:
        return f"imsqti_xmlv1p2/{self.tag}/assessment"

    @property
    def question_bank(self) -> str:
        return f"imsqti_xmlv1p2/{self.tag}/question-bank"

    @property
    def associated_content(self) -> str:
        return f"associatedcontent/{self.tag}/learning-application-resource"


CC11 = Profile("1.1.0", "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
               "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest", "imscc_xmlv1p1")
CC13 = Profile("1.3.0", "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
               "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest", "imscc_xmlv1p3")


@dataclass
class Entry:
    """One module item: an organization item pointing at a resource."""

    ident: str
    title: str
    resource: str
    kind: str  # "page" | "quiz"
    quiz: Quiz | None = None  # the quiz a "quiz" entry holds


@dataclass
class Module:
    ident: str
    title: str
    entries: list[Entry] = field(default_factory=list)


class Cartridge:
    """A cartridge being built: its files, the manifest's resources and the outline (written last)."""

    def __init__(self, course: Course, profile: Profile, target: Path, writer: Writer | None = None):
        self.course, self.profile = course, profile
        self.writer = writer or CartridgeWriter()
        # the cartridge's files, each compressed into it as it is made; a page's or a quiz's as one fragment,
        # made from the outline (`layout.outline`) and the page alone
        self.files = ZipPackage(target, self.writer.fragments)
        self.view, self.outline_key = self.writer.outline(course)
        self.modules: list[Module] = []
        self.rows: list[list] = []  # the manifest's resources in order: [ident, kind, [file names], href, depends]
        self.shared: dict[str, str] = {}  # shared file path (inside SHARED) -> its resource
        self.texts = messages_for(course)
        self.items = cc_qti.ItemBuilder(cc_qti.FLAVOUR, self.texts)  # each item built once, for its quiz and the bank
        self.bank_ident = f"{course.identifier}_question_bank"
        # the bank is written as the quizzes are built, into a scratch file beside the package
        self.bank = cc_qti.QuestionBank(self.bank_ident, tempfile.TemporaryFile(dir=target.parent))
        self.quiz_keys: list[str | None] = []  # each quiz's fragment key, in course order
        self.pending: list = []  # replayed quizzes' items not in the bank yet: (kept bytes, their checksum, count)
        self.used: dict[str, list[str]] = {}  # page id -> the course files its body uses
        for use in course.links:
            if use.target.kind == "file" and not use.in_quiz:
                self.used.setdefault(use.page, []).append(use.target.ref)

    def resource(self, ident: str, kind: str, files: dict[str, bytes | str], href: str | None = None,
                 depends: tuple[str, ...] | list[str] = ()) -> None:
        """A manifest resource listing `files` (added to the cartridge) and its dependencies."""
        self.listed([self.made(ident, kind, files, href, depends)])

    def listed(self, resources: list) -> None:
        """Manifest resources a fragment made: [ident, kind, [file names], href, depends] each (their files are in
        the cartridge already)."""
        self.rows.extend(resources)

    def made(self, ident: str, kind: str, files: dict[str, bytes | str], href: str | None = None,
             depends: tuple[str, ...] | list[str] = ()) -> list:
        """Inside a fragment: `files` added to the cartridge, and their resource as `listed` takes it."""
        for name, data in files.items():
            self.files.add(name, data)
        return [ident, kind, list(files), href, list(depends)]

    def add_shared_files(self) -> None:
        """The stylesheet and every course file, each a webcontent resource of its own (as Canvas expects)."""
        shared = {STYLESHEET: static_file("static/course.css"), **self.course.files}
        for path in sorted(shared):
            ident = f"{self.course.identifier}_file_{ids.digest(path, 12)}"
            self.resource(ident, "webcontent", {SHARED + path: shared[path]}, href=SHARED + path)
            self.shared[path] = ident

    def add_page(self, page: Page) -> Entry:
        """The page as a webcontent HTML file; it depends on the stylesheet and the files it shows."""
        def make() -> None:
            self.files.add(PAGES + page.href, render_template(
                "cc/page.html", course=self.view, page=page, body=page.body_html, after=page.after_html,
                quiz_title=self.texts.quiz_title(page.title) if page.quiz else None, static=FROM_PAGES + STATIC))

        self.files.fragment(self.writer.fragment_key(self.outline_key, page, "page"), make)
        depends = [self.shared[p] for p in dict.fromkeys([STYLESHEET, *self.used.get(page.id, ())])]
        self.rows.append([page.id, "webcontent", [PAGES + page.href], PAGES + page.href, depends])
        return Entry(f"{page.id}_item", page.title, page.id, "page")

    def quiz_ident(self, quiz: Quiz) -> str:
        return quiz.id

    def quiz_companions(self, page: Page, quiz: Quiz, ident: str) -> list:
        """Resources a quiz's assessment depends on (none in a plain cartridge), made inside the quiz's fragment:
        [ident, kind, [file names], href, depends] each (`made`)."""
        return []

    def add_quiz(self, page: Page, quiz: Quiz) -> Entry | None:
        """The quiz as a CC QTI assessment: one file, no href. None when the CC profile holds none of its items
        (numeric and matching only: the writer warns about each, and about the quiz). Its files, its part of the
        question bank and its resources are one fragment, made from the page without its text."""
        if not any(cc_qti.carried(item) for item in quiz.items):
            return None
        ident = self.quiz_ident(quiz)
        bare = copy_with(page, body_html="", after_html="")

        def make() -> dict:
            self._splice_pending()  # (the quizzes before this one first: the bank is in course order)
            mark = self.bank.mark()
            data = cc_qti.assessment_xml(self.view, bare, bare.quiz, ident, self.items, self.bank)
            companions = self.quiz_companions(bare, bare.quiz, ident)
            own = self.made(ident, self.profile.assessment, {f"{ident}/assessment_qti.xml": data},
                            depends=[c[0] for c in companions])
            bank, count = self.bank.since(mark)
            self.files.attach(bank)
            return {"resources": [*companions, own], "count": count}

        key = self.writer.fragment_key(self.outline_key, bare, "quiz", ident, text=False)
        self.quiz_keys.append(key)
        made = self.files.fragment(key, make)
        if self.files.replayed:  # its items go into the bank as they were written, when the bank is made
            self.pending.append((self.files.attached[0], self.files.checks[0], made["count"]))
        self.listed(made["resources"])
        return Entry(f"{ident}_item", self.texts.quiz_title(page.title), ident, "quiz", quiz)

    def _splice_pending(self) -> None:
        """The items of the quizzes replayed so far put into the bank, each checked as it is read (a damaged one: the
        build writes the cartridge again, its fragments made anew: `StaleFragments`)."""
        for data, check, count in self.pending:
            if not self.files.store.intact(data, check):
                raise StaleFragments(QUESTION_BANK)
            self.bank.splice(data, count)
        self.pending = []

    def add_question_bank(self) -> None:
        """The bank the quizzes filled as they were built, when the course has items. It is made from their items
        alone, so kept by their fragments' keys: when every quiz was replayed and the bank is kept under theirs, no
        item of it is read."""
        if not self.bank.count and not any(count for _, _, count in self.pending):
            return
        key = None if None in self.quiz_keys else \
            self.writer.fragment_key(self.outline_key, None, "question bank", *self.quiz_keys)

        def make() -> None:
            self._splice_pending()
            with self.bank.finish() as document:
                self.files.add(QUESTION_BANK, document)

        self.files.fragment(key, make)
        self.rows.append([self.bank_ident, self.profile.question_bank, [QUESTION_BANK], None, []])

    def build(self) -> Cartridge:
        """Every part of the course: shared files, then each module's pages and quizzes, then the question bank."""
        self.add_shared_files()
        for n, group in enumerate(self.course.groups, start=1):
            module = Module(f"{self.course.identifier}_module{n}", group.title)
            for page in group.pages:
                module.entries.append(self.add_page(page))
                entry = self.add_quiz(page, page.quiz) if page.quiz is not None else None
                if entry is not None:
                    module.entries.append(entry)
            self.modules.append(module)
        self.add_question_bank()
        return self

    def artifact(self) -> Artifact:
        """The zip of every file and the manifest: made from the course's settings, the resources and the modules
        alone (`manifest_xml`), so kept by them: a build whose edit changes none of them does not make it again."""
        course = self.course
        inputs = (self.profile, course.identifier, course.title, course.language, course.description, self.rows,
                  [(m.ident, m.title, [(e.ident, e.title, e.resource) for e in m.entries]) for m in self.modules])
        self.files.derived(MANIFEST, inputs, lambda: manifest_xml(*inputs))
        self.files.close()
        return Artifact(self.files.path, len(course.pages), len(course.quizzes), len(course.items))


def manifest_xml(profile: Profile, identifier: str, title: str, language: str, description: str, rows: list,
                 modules: list) -> bytes:
    """The manifest: schema, schemaversion and the LOM block with the course's title, language and description; one
    rooted organization whose untitled root item holds the modules (ident, title, [(ident, title, resource)]); the
    resources (`Cartridge.rows`)."""
    cp, lom = Namespace(profile.cp), Namespace(profile.lom)
    root = etree.Element(cp("manifest"), nsmap={None: profile.cp, "lomimscc": profile.lom},
                         identifier=f"{identifier}_manifest")
    meta = sub(root, cp("metadata"))
    sub(meta, cp("schema"), "IMS Common Cartridge")
    sub(meta, cp("schemaversion"), profile.version)
    general = sub(sub(meta, lom("lom")), lom("general"))
    sub(sub(general, lom("title")), lom("string"), xhtml.xml_chars(title), language=language)
    sub(general, lom("language"), language)
    text = xhtml.xml_chars(description).strip() or xhtml.xml_chars(title)
    sub(sub(general, lom("description")), lom("string"), text, language=language)
    organization = sub(sub(root, cp("organizations")), cp("organization"), identifier=f"{identifier}_org",
                       structure="rooted-hierarchy")
    outline = sub(organization, cp("item"), identifier=f"{identifier}_root")  # untitled, as CC requires
    for ident, module_title, entries in modules:
        parent = sub(outline, cp("item"), identifier=ident)
        sub(parent, cp("title"), xhtml.xml_chars(module_title))
        for entry, entry_title, resource in entries:
            item = sub(parent, cp("item"), identifier=entry, identifierref=resource)
            sub(item, cp("title"), xhtml.xml_chars(entry_title))
    resources = sub(root, cp("resources"))
    for ident, kind, names, href, depends in rows:
        cp_resource(resources, profile.cp, ident, kind, names, href=href, depends=depends)
    return serialize(root)


class CartridgeWriter(Writer):
    """A Common Cartridge writer: which CC version, and which cartridge builder (plain or with extensions)."""

    extension = "imscc"
    templates = ("cc/page.html",)
    profile: Profile = CC11
    cartridge: type[Cartridge] = Cartridge
    pages = True
    file_prefix = FROM_PAGES  # pages in wiki_content/ reach the course files in web_resources/

    def build(self, course: Course, options: Options) -> Artifact:
        return self.cartridge(course, self.profile, self.target, self).build().artifact()

    # what the build report says where an item is left out of the CC quiz, and where a whole quiz is
    left_out = "; the Moodle XML and Moodle backup formats carry it"
    quiz_left_out = ""
    # the cartridge's reader is Moodle: it scores a multiple-answers item without penalty and reads * in a short
    # answer as a wildcard
    moodle_reader = False

    def uncarried(self, course: Course) -> list[tuple[str, int | None, str]]:
        """Besides links: each numeric and matching item (the CC QTI profile has neither), a quiz left with no
        item, and, where the reader is Moodle, each multiple-answers item (its cartridge import scores a wrong tick
        0, not less)."""
        found = super().uncarried(course)
        for quiz in course.quizzes:
            kept = any(cc_qti.carried(item) for item in quiz.items)
            for item in quiz.items:
                if not cc_qti.carried(item) and item.kind in self.kinds:  # (else Writer.uncarried said it)
                    found.append((item.source, item.line, f"a {KIND_WORDS[item.kind]} question is not in the Common "
                                  f"Cartridge QTI profile: {self.name} leaves it out of the quiz and the question "
                                  f"bank{self.left_out if kept else self.quiz_left_out}"))
                elif item.kind == SHORT and self.moodle_reader and any("*" in a for a in item.answers):
                    found.append((item.source, item.line, "Moodle reads * in a short answer as any text: from "
                                  f"{self.name}, an accepted answer with * matches more than its own words; the "
                                  "Moodle XML and Moodle backup formats keep it literal"))
                elif item.kind == MULTIPLE and self.moodle_reader:
                    found.append((item.source, item.line, "Moodle's cartridge import gives each right choice of a "
                                  "multiple-answers question its share and a wrong one 0, so ticking every choice "
                                  f"scores full marks from {self.name}; the Moodle XML and Moodle backup formats "
                                  "take marks off for a wrong tick"))
            if quiz.items and not kept:
                found.append((quiz.items[0].source, quiz.line or None, "the quiz holds only numeric and matching "
                              f"questions, which the Common Cartridge QTI profile has not: {self.name} leaves the "
                              f"whole quiz out{self.quiz_left_out}"))
        return found


KIND_WORDS = {NUMERIC: "numeric", MATCHING: "matching"}


__all__ = ["CC11", "CC13", "Cartridge", "CartridgeWriter", "Entry", "Module", "Profile"]
