"""`scorm2004`: a SCORM 2004 4th Edition package with forced-order sequencing.

Each SCO's primary objective writes a global objective (`<page id>_done`); the next SCO reads it
into its `previous` objective and is `disabled` until it is satisfied. Quiz pages are satisfied
by measure (`score.scaled` 1.0, all drawn items right); pages without a quiz by their content
(it reports `passed` once viewed). `deliveryControls` leave completion and success to the
content, otherwise an LMS marks each SCO done the moment it opens. Moodle parses but does not
enforce sequencing, so the pages enforce the order themselves as well (templates/static/quiz.js).
"""

from __future__ import annotations

from lxml import etree

from ..model import Course
from ..xmltree import serialize, sub
from .scorm_common import Sco, ScormPackage, ScormWriter, add_organization, add_resources

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
NSMAP = {None: CP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS}
PRIMARY, PREVIOUS = "done", "previous"  # local objective ids inside each SCO's sequencing


def _q(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def _ss(tag: str) -> str:
    return f"{{{IMSSS}}}{tag}"


def global_objective(sco: Sco) -> str:
    return f"{sco.ident}_done"


def _flow(parent: etree._Element) -> None:
    """Let learners move with Continue/Previous as well as by the table of contents."""
    seq = sub(parent, _ss("sequencing"))
    sub(seq, _ss("controlMode"), choice="true", flow="true")


def _sco_sequencing(item: etree._Element, sco: Sco, scored: bool, course_mode: bool) -> None:
    seq = sub(item, _ss("sequencing"))
    if sco.previous is not None:
        rules = sub(seq, _ss("sequencingRules"))
        pre = sub(rules, _ss("preConditionRule"))
        conds = sub(pre, _ss("ruleConditions"), conditionCombination="any")
        # "not satisfied" alone is unknown (so false) while the previous page is untouched
        sub(conds, _ss("ruleCondition"), referencedObjective=PREVIOUS, operator="not", condition="satisfied")
        sub(conds, _ss("ruleCondition"), referencedObjective=PREVIOUS, operator="not",
            condition="objectiveStatusKnown")
        sub(pre, _ss("ruleAction"), action="disabled")
    objectives = sub(seq, _ss("objectives"))
    primary = sub(objectives, _ss("primaryObjective"), objectiveID=PRIMARY,
                  satisfiedByMeasure="true" if scored else "false")
    if scored:
        sub(primary, _ss("minNormalizedMeasure"), "1.0")
    if not course_mode:
        sub(primary, _ss("mapInfo"), targetObjectiveID=global_objective(sco),
            readSatisfiedStatus="false", writeSatisfiedStatus="true")
    if sco.previous is not None:
        prev = sub(objectives, _ss("objective"), objectiveID=PREVIOUS)
        sub(prev, _ss("mapInfo"), targetObjectiveID=global_objective(sco.previous),
            readSatisfiedStatus="true", writeSatisfiedStatus="false")
    sub(seq, _ss("deliveryControls"), tracked="true", completionSetByContent="true", objectiveSetByContent="true")


class Scorm2004Writer(ScormWriter):
    name = "scorm2004"
    title = "SCORM 2004 4th Edition package (sequenced pages in order, scored quizzes)"
    version = "2004"

    def manifest(self, course: Course, package: ScormPackage) -> bytes:
        root = etree.Element(_q("manifest"), nsmap=NSMAP, identifier=f"{course.identifier}_scorm2004",
                             version=course.version)
        meta = sub(root, _q("metadata"))
        sub(meta, _q("schema"), "ADL SCORM")
        sub(meta, _q("schemaversion"), "2004 4th Edition")
        org, items, clusters = add_organization(root, CP, course, package,
                                                **{f"{{{ADLSEQ}}}objectivesGlobalToSystem": "false"})
        course_mode = package.mode == "course"
        for item, sco in items:
            scored = bool(course.quizzes) if course_mode else (sco.page is not None and sco.page.quiz is not None)
            _sco_sequencing(item, sco, scored, course_mode)
        for cluster in clusters:
            _flow(cluster)
        _flow(org)
        add_resources(root, CP, f"{{{ADLCP}}}scormType", package)
        return serialize(root)
