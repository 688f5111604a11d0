"""`cc13`: an IMS Common Cartridge 1.3 (`.imscc`) for Canvas and other LMSs, with Canvas's own extension files.

The standard part is the `cc11` cartridge in CC 1.3 terms. Beside it, as Canvas's course exports carry them
(Canvas reads these through `lib/cc/importer/canvas/` once `course_settings/canvas_export.txt` is present):
- `course_settings/course_settings.xml` (the course) and `module_meta.xml` (modules with their items in order,
  identifiers matching the manifest's, and the order lock: students move through each module's requirements in
  order, viewing each page and scoring full marks on each quiz, and each module requires the one before), in
  one resource with `canvas_export.txt`;
- per quiz, a resource holding `<ident>/assessment_meta.xml` (Canvas's quiz settings) and
  `non_cc_assessments/<ident>.xml.qti` (the quiz in Canvas's QTI flavour, with its question group drawing N),
  on which the quiz's CC assessment depends. Canvas builds its quizzes from these, so "draw N" and the quiz
  settings survive; any other LMS reads the CC assessment.
"""

from __future__ import annotations

import functools

from lxml import etree

from exporter import xhtml
from exporter.model import KINDS, Page, Quiz
from exporter.writers.base import Artifact
from exporter.writers.cartridge.common import CC13, Cartridge, CartridgeWriter
from exporter.writers.qti import canvas as canvas_qti
from exporter.writers.xmltree import serialize, sub

CANVAS = canvas_qti.CANVAS
SETTINGS = "course_settings/"
NON_CC = "non_cc_assessments/"
CONTENT_TYPES = {"page": "WikiPage", "quiz": "Quizzes::Quiz"}
# Canvas's quizzes arrive unpublished (assessment_meta's `available` is false): their module items too.
ITEM_STATES = {"page": "active", "quiz": "unpublished"}
EXPORT_NOTE = "Common Cartridge 1.3 with Canvas extension files, written by exporter.\n"


class CanvasCartridge(Cartridge):
    """A CC 1.3 cartridge that also carries Canvas's course settings, module order and quizzes."""

    def quiz_ident(self, quiz: Quiz) -> str:
        return canvas_qti.quiz_ident(quiz)

    @functools.cached_property
    def canvas_items(self) -> canvas_qti.ItemBuilder:
        """The builder of the Canvas copies' items, one for the cartridge (its prototypes serve every quiz)."""
        return canvas_qti.canvas_items(self.view)

    def quiz_companions(self, page: Page, quiz: Quiz, ident: str) -> list:
        """Canvas's settings for the quiz and its own copy of it, in one resource the assessment depends on."""
        return [self.made(canvas_qti.meta_ident(quiz), self.profile.associated_content, {
            f"{ident}/assessment_meta.xml": canvas_qti.assessment_meta_xml(self.view, page, quiz),
            f"{NON_CC}{ident}.xml.qti": canvas_qti.assessment_xml(self.view, page, quiz, self.canvas_items),
        }, href=f"{ident}/assessment_meta.xml")]

    def add_course_settings(self) -> None:
        """Canvas's course files, in one resource; `module_meta.xml` made from the modules alone, so kept by them."""
        settings = f"{SETTINGS}canvas_export.txt", f"{SETTINGS}course_settings.xml", f"{SETTINGS}module_meta.xml"
        self.files.add(settings[0], EXPORT_NOTE)
        self.files.add(settings[1], self.course_settings_xml())
        modules = [(m.ident, m.title, [(e.ident, e.kind, e.title, e.resource,
                                        None if e.quiz is None else float(canvas_qti.points_possible(e.quiz)))
                                       for e in m.entries]) for m in self.modules]
        self.files.derived(settings[2], modules, lambda: module_meta_xml(modules))
        self.rows.append([f"{self.course.identifier}_course_settings", self.profile.associated_content,
                          list(settings), settings[0], []])

    def course_settings_xml(self) -> bytes:
        """The course's title and code, its home page the modules."""
        course = self.course
        root = etree.Element(CANVAS("course"), nsmap={None: str(CANVAS)}, identifier=f"{course.identifier}_course")
        sub(root, CANVAS("title"), xhtml.xml_chars(course.title))
        sub(root, CANVAS("course_code"), course.identifier)
        sub(root, CANVAS("default_view"), "modules")
        return serialize(root)

    def artifact(self) -> Artifact:
        self.add_course_settings()
        return super().artifact()


def module_meta_xml(modules: list) -> bytes:
    """The modules in order with their items, identifiers as in the manifest's organization, and the order lock:
    each module in sequential order, its pages to view and its quizzes to score full marks on (`modules`: ident,
    title, [(ident, kind, title, resource, a quiz's points or None)]), and each module after the first requiring
    the one before. Elements as Canvas's `lib/cc/module_meta.rb` writes them (its importer resolves a requirement's
    identifierref among the module's own items and a prerequisite's among the modules imported before it)."""
    root = etree.Element(CANVAS("modules"), nsmap={None: str(CANVAS)})
    previous = None
    for position, (ident, title, entries) in enumerate(modules, start=1):
        el = sub(root, CANVAS("module"), identifier=ident)
        sub(el, CANVAS("title"), xhtml.xml_chars(title))
        sub(el, CANVAS("workflow_state"), "active")
        sub(el, CANVAS("position"), str(position))
        sub(el, CANVAS("require_sequential_progress"), "true")
        sub(el, CANVAS("locked"), "false")
        if previous is not None:
            prerequisite = sub(sub(el, CANVAS("prerequisites")), CANVAS("prerequisite"), type="context_module")
            sub(prerequisite, CANVAS("title"), xhtml.xml_chars(previous[1]))
            sub(prerequisite, CANVAS("identifierref"), previous[0])
        items = sub(el, CANVAS("items"))
        for n, (entry, kind, entry_title, resource, _) in enumerate(entries, start=1):
            item = sub(items, CANVAS("item"), identifier=entry)
            sub(item, CANVAS("content_type"), CONTENT_TYPES[kind])
            sub(item, CANVAS("workflow_state"), ITEM_STATES[kind])
            sub(item, CANVAS("title"), xhtml.xml_chars(entry_title))
            sub(item, CANVAS("identifierref"), resource)
            sub(item, CANVAS("position"), str(n))
            sub(item, CANVAS("new_tab"), "false")
            sub(item, CANVAS("indent"), "0")
        requirements = sub(el, CANVAS("completionRequirements"))
        for entry, _, _, _, points in entries:
            if points is None:
                sub(sub(requirements, CANVAS("completionRequirement"), type="must_view"),
                    CANVAS("identifierref"), entry)
            else:
                req = sub(requirements, CANVAS("completionRequirement"), type="min_score")
                sub(req, CANVAS("min_score"), str(points))
                sub(req, CANVAS("identifierref"), entry)
        previous = (ident, title)
    return serialize(root)


class Cc13Writer(CartridgeWriter):
    name = "cc13"
    title = "IMS Common Cartridge 1.3 with Canvas extensions (Canvas keeps draw N and quiz settings)"
    carries = "pages, quizzes with Canvas's \"draw N\" and quiz settings, a question bank"
    drops = ("the order lock; images and files shown in quiz text; numeric and matching questions for LMSs other "
             "than Canvas (not in the CC QTI profile: Canvas reads them from its own copy of each quiz)")
    profile = CC13
    kinds = frozenset(KINDS)  # numeric and matching items in Canvas's copy of each quiz only
    left_out = (", which LMSs other than Canvas read; Canvas reads the cartridge's Canvas copy of the quiz, which "
                "keeps it")
    quiz_left_out = ", Canvas's copy too: the qti12 zip carries it to Canvas"
    cartridge = CanvasCartridge
    math = "canvas"  # Canvas's equation images (docs/canvas.md)
