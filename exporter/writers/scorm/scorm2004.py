"""`scorm2004`: a SCORM 2004 4th Edition package whose pages an LMS that sequences delivers only in order.

Sequencing design (pages mode), chosen so that Moodle 5.1 can import the package:
- the organization and every chapter allow flow navigation only (`controlMode choice="false" flow="true"`):
  the learner moves with the LMS's Continue and Previous, never by jumping ahead in the table of contents;
- every page but the last carries a post-condition rule "while this page's primary objective is not
  satisfied (or not known), `retry`": leaving an unfinished page (Continue, Previous, or any other exit
  that ends the attempt) starts it again instead of moving on, so page N+1 is delivered only once page N is
  done. Quiz pages are satisfied by measure (`score.scaled` 1.0, all drawn items right); pages without a
  quiz by their content (it reports `passed` once viewed);
- `deliveryControls` leave completion and success to the content, otherwise an LMS marks each SCO done the
  moment it opens.

No objective carries an `imsss:mapInfo` (no global objectives): Moodle 5.1's manifest parser assigns map
infos to a misspelt variable (`$objectivesdata`, mod/scorm/datamodels/scormlib.php line 378) and PHP 8
aborts the upload. Moodle stores this sequencing but does not run it, so in Moodle the pages enforce the
order themselves (templates/static/order.js). Course mode is one SCO and needs no order rules.
"""

from __future__ import annotations

from lxml import etree

from exporter.model import Course
from exporter.writers.scorm.common import (
    Sco,
    ScormPackage,
    ScormWriter,
    add_organization,
    add_resources,
)
from exporter.writers.xmltree import serialize, sub

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
NSMAP = {None: CP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS}
PRIMARY = "done"  # the primary objective's id inside each SCO's sequencing


def _q(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def _ss(tag: str) -> str:
    return f"{{{IMSSS}}}{tag}"


def _control(parent: etree._Element, choice: bool) -> None:
    """How learners move among this cluster's children: Continue/Previous always; the table of contents
    only where choice is allowed."""
    seq = sub(parent, _ss("sequencing"))
    sub(seq, _ss("controlMode"), choice="true" if choice else "false", flow="true")


def _retry_until_satisfied(seq: etree._Element) -> None:
    """Leaving the page while its primary objective is not satisfied starts it again."""
    rules = sub(seq, _ss("sequencingRules"))
    post = sub(rules, _ss("postConditionRule"))
    conds = sub(post, _ss("ruleConditions"), conditionCombination="any")
    # "not satisfied" alone is unknown (so the rule would not fire) while the page has reported nothing
    sub(conds, _ss("ruleCondition"), operator="not", condition="satisfied")
    sub(conds, _ss("ruleCondition"), operator="not", condition="objectiveStatusKnown")
    sub(post, _ss("ruleAction"), action="retry")


def _sco_sequencing(item: etree._Element, scored: bool, gate: bool) -> None:
    seq = sub(item, _ss("sequencing"))
    if gate:
        _retry_until_satisfied(seq)
    objectives = sub(seq, _ss("objectives"))
    primary = sub(objectives, _ss("primaryObjective"), objectiveID=PRIMARY,
                  satisfiedByMeasure="true" if scored else "false")
    if scored:
        sub(primary, _ss("minNormalizedMeasure"), "1.0")
    sub(seq, _ss("deliveryControls"), tracked="true", completionSetByContent="true", objectiveSetByContent="true")


def _gates(scos: list[Sco]) -> set[str]:
    """The SCOs that must be done before the learner moves on: every one another SCO follows."""
    return {sco.previous.ident for sco in scos if sco.previous is not None}


class Scorm2004Writer(ScormWriter):
    name = "scorm2004"
    title = "SCORM 2004 4th Edition package (sequenced pages in order, scored quizzes)"
    carries = ("every page and course file; quizzes of every kind drawn at random and scored in the page, each answer "
               "recorded as an interaction; pages in order (sequencing)")
    drops = ("an essay is not graded: recorded neutral (long-fill-in), and a quiz with an essay drawn is reported "
             "completed with success unknown, never passed; ""in Moodle 5.1's player, pages mode records one page per visit (its 2004 runtime starts only the first "
             "SCO it loads: the learner leaves and enters again for each page, and the page says so), and Moodle does "
             "not enforce 2004 sequencing (the pages keep the order themselves, per browser): for Moodle use scorm12 "
             "or moodle-backup")
    version = "2004"

    def manifest(self, course: Course | ManifestCourse, package: ScormPackage) -> bytes:
        root = etree.Element(_q("manifest"), nsmap=NSMAP, identifier=f"{course.identifier}_scorm2004",
                             version=course.version)
        meta = sub(root, _q("metadata"))
        sub(meta, _q("schema"), "ADL SCORM")
        sub(meta, _q("schemaversion"), "2004 4th Edition")
        org, items, clusters = add_organization(root, CP, course, package)
        course_mode = package.mode == "course"
        gates = _gates(package.scos)
        for item, sco in items:
            scored = bool(course.quizzes) if course_mode else sco.quiz
            _sco_sequencing(item, scored, sco.ident in gates)
        for cluster in clusters:
            _control(cluster, choice=course_mode)
        _control(org, choice=course_mode)
        add_resources(root, CP, f"{{{ADLCP}}}scormType", package)
        return serialize(root)
