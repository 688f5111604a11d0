"""`qti12`: a QTI .zip for Canvas's importer (Settings > Import Course Content > QTI .zip file).

Laid out as Canvas's own QTI exports and text2qti lay it out: `imsmanifest.xml` in the Common
Cartridge 1.1 namespace, then one folder per course quiz holding `<ident>/<ident>.xml` (the
questestinterop, resource type `imsqti_xmlv1p2`) and `<ident>/assessment_meta.xml` (Canvas's quiz
settings, a dependency of that resource). The documents come from `canvas_qti`.
"""

from __future__ import annotations

from lxml import etree

from exporter.model import KINDS, Course
from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.packaging import ZipPackage
from exporter.writers.qti.canvas import (
    assessment_meta_xml,
    assessment_xml,
    canvas_items,
    meta_ident,
    quiz_ident,
)
from exporter.writers.xmltree import Namespace, cp_resource, serialize, sub

CP = Namespace("http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1")
IMSMD = Namespace("http://www.imsglobal.org/xsd/imsmd_v1p2")
QTI_TYPE = "imsqti_xmlv1p2"
META_TYPE = "associatedcontent/imscc_xmlv1p1/learning-application-resource"


def quiz_files(quiz) -> tuple[str, str]:
    """The quiz's questestinterop and assessment_meta paths inside the zip."""
    ident = quiz_ident(quiz)
    return f"{ident}/{ident}.xml", f"{ident}/assessment_meta.xml"


def manifest_xml(course: Course) -> bytes:
    """Per quiz, a QTI resource (its questestinterop) depending on a resource that holds its assessment_meta."""
    root = etree.Element(CP("manifest"), nsmap={None: str(CP), "imsmd": str(IMSMD)},
                         identifier=f"{course.identifier}_qti12")
    meta = sub(root, CP("metadata"))
    sub(meta, CP("schema"), "IMS Content")
    sub(meta, CP("schemaversion"), "1.1.3")
    general = sub(sub(meta, IMSMD("lom")), IMSMD("general"))
    sub(sub(general, IMSMD("title")), IMSMD("string"), course.title, language=course.language)
    sub(general, IMSMD("language"), course.language)
    sub(root, CP("organizations"))
    resources = sub(root, CP("resources"))
    for quiz in course.quizzes:
        qti_path, meta_path = quiz_files(quiz)
        cp_resource(resources, CP.uri, quiz_ident(quiz), QTI_TYPE, [qti_path], depends=[meta_ident(quiz)])
        cp_resource(resources, CP.uri, meta_ident(quiz), META_TYPE, [meta_path], href=meta_path)
    return serialize(root)


class CanvasQti12Writer(Writer):
    name = "qti12"
    math = "canvas"  # Canvas's equation images (docs/canvas.md)
    extension = "zip"
    title = "Canvas QTI 1.2 zip (Canvas's QTI .zip import): one quiz per course quiz, drawing its items"
    carries = "each quiz as a Canvas quiz drawing N of its items, with labels and explanations"
    drops = "the pages; images and files shown in quiz text"
    kinds = frozenset(KINDS)

    def build(self, course: Course, options: Options) -> Artifact:
        files = ZipPackage(self.target, self.fragments)  # each file compressed into it as it is made
        files.add("imsmanifest.xml", manifest_xml(course))
        view, outline_key = self.outline(course)
        items = canvas_items(view)  # one builder: statements of every quiz share its prototypes
        for page in course.pages:
            if page.quiz is not None:  # each quiz's two files: one fragment, made from the outline and its page
                files.fragment(self.fragment_key(outline_key, page, "quiz", text=False),
                               lambda page=page: self._quiz(files, view, page, items))
        files.close()
        return Artifact(self.target, 0, len(course.quizzes), len(course.items))

    @staticmethod
    def _quiz(files: ZipPackage, view: Course, page, items) -> None:
        qti_path, meta_path = quiz_files(page.quiz)
        files.add(qti_path, assessment_xml(view, page, page.quiz, items))
        files.add(meta_path, assessment_meta_xml(view, page, page.quiz))
