"""The outline a learner meets in the LMS, read back from the package's own imsmanifest.xml.

The preview locks pages the way an LMS reads the manifest: in SCORM 1.2 an item's
`adlcp:prerequisites` names the SCO that must be passed or completed first. In SCORM 2004 an LMS that
sequences delivers the next SCO in flow order only once a SCO with a "retry while not satisfied"
post-condition is satisfied, when its cluster allows flow and not choice: by measure (score.scaled at
least minNormalizedMeasure) or by success status. Reading the manifest, not the model, is the point: what is
shown is what the package declares.
"""

from __future__ import annotations

from lxml import etree

from exporter.model import Course


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
    """{"groups": [{"title", "scos": [{"id", "title", "href", "requires", "scored", "mastery", "measure"}]}],
    "sequenced": bool} with `requires` the id of the SCO that must be done first (or None)."""
    root = etree.fromstring(manifest, etree.XMLParser(resolve_entities=False, no_network=True))
    hrefs = {res.get("identifier"): res.get("href") for res in root.iter("{*}resource")}
    orgs = _child(root, "organizations")
    organizations = _children(orgs, "organization") if orgs is not None else []
    default = orgs.get("default") if orgs is not None else None
    org = next((o for o in organizations if o.get("identifier") == default), organizations[0] if organizations else None)
    groups: list[dict] = []
    loose: list[dict] = []
    flow_only = org is not None and _flow_only(org)
    for item in _children(org, "item") if org is not None else []:
        if item.get("identifierref"):
            loose.append(_sco(item, hrefs))
            continue
        if loose:
            groups.append({"title": "", "scos": loose})
            loose = []
        flow_only = flow_only and _flow_only(item)
        groups.append({"title": _title(item),
                       "scos": [_sco(i, hrefs) for i in _children(item, "item") if i.get("identifierref")]})
    if loose:
        groups.append({"title": "", "scos": loose})
    scos = [s for g in groups for s in g["scos"]]
    sequenced = flow_only and any(s["gate"] for s in scos)
    if sequenced:  # 2004: Continue leads past a gate only once it is satisfied
        for before, sco in zip(scos, scos[1:]):
            if before["gate"] and sco["requires"] is None:
                sco["requires"] = before["id"]
    for sco in scos:
        del sco["gate"]
    return {"title": _title(org) if org is not None else "", "groups": groups, "sequenced": sequenced}


def _flow_only(item: etree._Element) -> bool:
    """SCORM 2004: a cluster the learner moves through with Continue/Previous only (no table of contents)."""
    seq = _child(item, "sequencing")
    mode = _child(seq, "controlMode") if seq is not None else None
    return mode is not None and mode.get("choice") == "false" and mode.get("flow", "false") == "true"


def _sco(item: etree._Element, hrefs: dict) -> dict:
    ident = item.get("identifier")
    sco = {"id": ident, "title": _title(item), "href": hrefs.get(item.get("identifierref")) or "",
           "requires": None, "scored": False, "mastery": None, "measure": None, "gate": False}
    prereq = _child(item, "prerequisites")  # SCORM 1.2: our packages name one identifier
    if prereq is not None and (prereq.text or "").strip():
        sco["requires"] = prereq.text.strip()
    mastery = _child(item, "masteryscore")
    if mastery is not None and (mastery.text or "").strip():
        sco["mastery"] = mastery.text.strip()
        sco["scored"] = True
    seq = _child(item, "sequencing")
    if seq is not None:
        _sequencing(seq, sco)
    return sco


def _sequencing(seq: etree._Element, sco: dict) -> None:
    rules = _child(seq, "sequencingRules")
    for rule in _children(rules, "postConditionRule") if rules is not None else []:
        action = _child(rule, "ruleAction")
        conds = _child(rule, "ruleConditions")
        if action is not None and action.get("action") == "retry" and conds is not None and any(
                c.get("operator") == "not" and c.get("condition") == "satisfied"
                for c in _children(conds, "ruleCondition")):
            sco["gate"] = True  # leaving it unsatisfied starts it again: the next SCO waits for it
    objectives = _child(seq, "objectives")
    primary = _child(objectives, "primaryObjective") if objectives is not None else None
    if primary is not None and primary.get("satisfiedByMeasure") == "true":
        sco["scored"] = True
        measure = _child(primary, "minNormalizedMeasure")
        sco["measure"] = float(measure.text) if measure is not None and measure.text else 1.0


def course_pages(course: Course) -> list[dict]:
    """Course mode: the pages the one SCO's shell shows, in its order (its suspend_data indexes them),
    with the quiz fingerprint the shell keeps for each quiz."""
    from exporter.writers.layout import page_files
    from exporter.writers.scorm.common import fingerprint

    names = page_files(course)
    return [{"id": p.id, "title": p.title, "href": names[p.id], "chapter": chapter.title,
             "quiz": fingerprint(p.quiz) if p.quiz else None} for p, chapter, _, _ in course.places()]
