"""`scorm12`: a SCORM 1.2 package (the format Moodle plays best), pages in forced order, quizzes scored.

Each page is a SCO (or, with --scorm-mode course, the whole course is one). Quiz pages carry
`adlcp:masteryscore` 100, and each page's `adlcp:prerequisites` (aicc_script) names the page
before it, so Moodle opens the sections in order.
"""

from __future__ import annotations

from lxml import etree

from exporter.model import Course
from exporter.writers.scorm.common import (
    ScormPackage,
    ScormWriter,
    add_organization,
    add_resources,
)
from exporter.writers.xmltree import serialize, sub

CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
MASTERY = "100"  # pass = every drawn item right (score.raw = 100 * right / drawn)


class Scorm12Writer(ScormWriter):
    name = "scorm12"
    title = "SCORM 1.2 package (Moodle's best-supported SCORM; pages in order, scored quizzes)"
    carries = ("every page and course file; quizzes of every kind drawn at random and scored in the page, each answer "
               "recorded as an interaction; pages in order (prerequisites)")
    drops = ("an essay is not graded: recorded neutral (as fill-in, its first 255 characters: 1.2 has no long-fill-in), "
             "and a quiz with an essay drawn is reported completed, never passed; a numeric answer's range is graded in "
             "the page, the interaction records its one value")
    version = "1.2"

    def manifest(self, course: Course | ManifestCourse, package: ScormPackage) -> bytes:
        root = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "adlcp": ADLCP},
                             identifier=f"{course.identifier}_scorm12", version=course.version)
        meta = sub(root, f"{{{CP}}}metadata")
        sub(meta, f"{{{CP}}}schema", "ADL SCORM")
        sub(meta, f"{{{CP}}}schemaversion", "1.2")
        _, items, _ = add_organization(root, CP, course, package)
        for item, sco in items:  # adlcp children in the XSD's order: prerequisites, ..., masteryscore
            if sco.previous is not None:
                sub(item, f"{{{ADLCP}}}prerequisites", sco.previous.ident, type="aicc_script")
            if sco.quiz:
                sub(item, f"{{{ADLCP}}}masteryscore", MASTERY)
        add_resources(root, CP, f"{{{ADLCP}}}scormtype", package)
        return serialize(root)
