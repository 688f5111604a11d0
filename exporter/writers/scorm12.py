"""`scorm12`: a SCORM 1.2 package (the format Moodle plays best), pages in forced order, quizzes scored.

Each page is a SCO (or, with --scorm-mode course, the whole course is one). Quiz pages carry
`adlcp:masteryscore` 100, and each page's `adlcp:prerequisites` (aicc_script) names the page
before it, so Moodle opens the sections in order.
"""

from __future__ import annotations

from lxml import etree

from ..model import Course
from ..packaging import zip_bytes
from .base import Artifact, Options, Writer
from .scorm_common import ScormPackage, add_resources, build_package, serialize, sub

CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
MASTERY = "100"  # pass = every drawn item right (score.raw = 100 * right / drawn)


def _q(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def manifest(course: Course, package: ScormPackage) -> bytes:
    root = etree.Element(_q("manifest"), nsmap={None: CP, "adlcp": ADLCP},
                         identifier=f"{course.identifier}_scorm12", version=course.version)
    meta = sub(root, _q("metadata"))
    sub(meta, _q("schema"), "ADL SCORM")
    sub(meta, _q("schemaversion"), "1.2")
    orgs = sub(root, _q("organizations"), default=f"{course.identifier}_org")
    org = sub(orgs, _q("organization"), identifier=f"{course.identifier}_org")
    sub(org, _q("title"), course.title)
    for cluster in package.outline:
        parent = org
        if cluster.ident:
            parent = sub(org, _q("item"), identifier=cluster.ident)
            sub(parent, _q("title"), cluster.title)
        for sco in cluster.scos:
            item = sub(parent, _q("item"), identifier=sco.ident, identifierref=sco.resource)
            sub(item, _q("title"), sco.title)
            if sco.previous is not None:
                sub(item, f"{{{ADLCP}}}prerequisites", sco.previous.ident, type="aicc_script")
            if sco.page is not None and sco.page.quiz is not None:
                sub(item, f"{{{ADLCP}}}masteryscore", MASTERY)
    add_resources(root, CP, f"{{{ADLCP}}}scormtype", package)
    return serialize(root)


class Scorm12Writer(Writer):
    name = "scorm12"
    title = "SCORM 1.2 package (Moodle's best-supported SCORM; pages in order, scored quizzes)"

    def write(self, course: Course, options: Options) -> Artifact:
        package = build_package(course, options, "1.2")
        files = dict(package.files)
        files["imsmanifest.xml"] = manifest(course, package)
        return Artifact(zip_bytes(files), len(course.pages), len(course.quizzes), len(course.items))
