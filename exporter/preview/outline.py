"""The outline a learner meets in the LMS, read back from the package's own imsmanifest.xml.

The preview locks pages the way an LMS reads the manifest: in SCORM 1.2 an item's
`adlcp:prerequisites` names the SCO that must be passed or completed first; in SCORM 2004 a
`disabled` precondition on the objective `previous` names (through its global objective) the SCO
whose primary objective must be satisfied, by measure (score.scaled at least minNormalizedMeasure)
or by success status. Reading the manifest, not the model, is the point: what is shown is what the
package declares.
"""

from __future__ import annotations

from lxml import etree

from ..model import Course


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _child(el: etree._Element, name: str) -> etree._Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _title(el: etree._Element) -> str:
    t = _child(el, "title")
    return (t.text or "").strip() if t is not None else ""


def read_outline(manifest: bytes) -> dict:
    """{"groups": [{"title", "scos": [{"id", "title", "href", "requires", "scored", "mastery", "measure"}]}]}
    with `requires` the id of the SCO that must be done first (or None)."""
    root = etree.fromstring(manifest, etree.XMLParser(resolve_entities=False, no_network=True))
    hrefs = {}
    for res in root.iter("{*}resource"):
        hrefs[res.get("identifier")] = res.get("href")
    orgs = _child(root, "organizations")
    default = orgs.get("default") if orgs is not None else None
    org = next((o for o in _children(orgs, "organization") if o.get("identifier") == default), None) \
        if orgs is not None else None
    if org is None and orgs is not None:
        org = _child(orgs, "organization")
    groups: list[dict] = []
    writes: dict[str, str] = {}  # 2004: global objective -> the SCO whose primary objective writes it
    reads: dict[str, str] = {}  # 2004: SCO -> the global objective its `previous` precondition reads
    loose: list[dict] = []
    for item in _children(org, "item") if org is not None else []:
        if item.get("identifierref"):
            loose.append(_sco(item, hrefs, writes, reads))
            continue
        if loose:
            groups.append({"title": "", "scos": loose})
            loose = []
        groups.append({"title": _title(item),
                       "scos": [_sco(i, hrefs, writes, reads) for i in _children(item, "item")
                                if i.get("identifierref")]})
    if loose:
        groups.append({"title": "", "scos": loose})
    for group in groups:
        for sco in group["scos"]:
            if sco["requires"] is None and sco["id"] in reads:
                sco["requires"] = writes.get(reads[sco["id"]])
    return {"title": _title(org) if org is not None else "", "groups": groups}


def _sco(item: etree._Element, hrefs: dict, writes: dict, reads: dict) -> dict:
    ident = item.get("identifier")
    sco = {"id": ident, "title": _title(item), "href": hrefs.get(item.get("identifierref")) or "",
           "requires": None, "scored": False, "mastery": None, "measure": None}
    prereq = _child(item, "prerequisites")  # SCORM 1.2: our packages name one identifier
    if prereq is not None and (prereq.text or "").strip():
        sco["requires"] = prereq.text.strip()
    mastery = _child(item, "masteryscore")
    if mastery is not None and (mastery.text or "").strip():
        sco["mastery"] = mastery.text.strip()
        sco["scored"] = True
    seq = _child(item, "sequencing")
    if seq is not None:
        _sequencing(seq, sco, writes, reads)
    return sco


def _sequencing(seq: etree._Element, sco: dict, writes: dict, reads: dict) -> None:
    objectives = _child(seq, "objectives")
    disabled_by: set[str] = set()
    rules = _child(seq, "sequencingRules")
    for rule in _children(rules, "preConditionRule") if rules is not None else []:
        action = _child(rule, "ruleAction")
        conds = _child(rule, "ruleConditions")
        if action is not None and action.get("action") == "disabled" and conds is not None:
            disabled_by |= {c.get("referencedObjective") for c in _children(conds, "ruleCondition")}
    if objectives is None:
        return
    primary = _child(objectives, "primaryObjective")
    if primary is not None:
        if primary.get("satisfiedByMeasure") == "true":
            sco["scored"] = True
            measure = _child(primary, "minNormalizedMeasure")
            sco["measure"] = float(measure.text) if measure is not None and measure.text else 1.0
        for info in _children(primary, "mapInfo"):
            if info.get("writeSatisfiedStatus") == "true":
                writes[info.get("targetObjectiveID")] = sco["id"]
    for objective in _children(objectives, "objective"):
        if objective.get("objectiveID") not in disabled_by:
            continue
        for info in _children(objective, "mapInfo"):
            if info.get("readSatisfiedStatus") == "true":
                reads[sco["id"]] = info.get("targetObjectiveID")


def course_pages(course: Course) -> list[dict]:
    """Course mode: the pages the one SCO's shell shows, in its order (its suspend_data indexes them),
    with the quiz fingerprint the shell keeps for each quiz."""
    from ..writers.scorm_common import fingerprint

    chapter_of = {id(p): g.title for g in course.groups for p in g.pages}
    return [{"id": p.id, "title": p.title, "href": p.href, "chapter": chapter_of.get(id(p), ""),
             "quiz": fingerprint(p.quiz) if p.quiz else None} for p in course.pages]
