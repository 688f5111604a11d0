"""A SCORM 2004 manifest's organization and `imsss:` sequencing as scorm-again's activity tree (its
`ActivitySettings`, node_modules/scorm-again/dist/types/types/sequencing_types.d.ts), read independently of the
writer. scorm-again does not read manifests: an LMS hands it this tree.

Every sequencing element and attribute the IMS SS schema allows is either translated or refused with an
AssertionError, so a rule the writer adds can never be dropped silently. Control modes are always written out
with the schema's defaults (choice, choiceExit true; flow, forwardOnly false): scorm-again's own default for
flow is true, the specification's is false.
"""

from __future__ import annotations

from lxml import etree

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
NS = {"cp": CP, "ss": IMSSS}

CONTROL_MODE = {"choice": True, "choiceExit": True, "flow": False, "forwardOnly": False,
                "useCurrentAttemptObjectiveInfo": True, "useCurrentAttemptProgressInfo": True}
DELIVERY = {"tracked": True, "completionSetByContent": False, "objectiveSetByContent": False}
RULE_KINDS = {"preConditionRule": "preConditionRules", "exitConditionRule": "exitConditionRules",
              "postConditionRule": "postConditionRules"}
MAP_FLAGS = ("readSatisfiedStatus", "readNormalizedMeasure", "writeSatisfiedStatus", "writeNormalizedMeasure")


def _bool(value: str) -> bool:
    assert value in ("true", "false"), value
    return value == "true"


def _local(el: etree._Element) -> str:
    q = etree.QName(el)
    assert q.namespace == IMSSS, f"unexpected element {el.tag} in imsss:sequencing"
    return q.localname


def _attrs(el: etree._Element, allowed: set[str]) -> dict[str, str]:
    got = dict(el.attrib)
    unknown = set(got) - allowed
    assert not unknown, f"imsss:{_local(el)} has attributes this reader does not translate: {unknown}"
    return got


def _controls(seq: etree._Element | None) -> dict:
    controls = dict(CONTROL_MODE)
    if seq is not None:
        mode = seq.find("ss:controlMode", NS)
        if mode is not None:
            for name, value in _attrs(mode, set(CONTROL_MODE)).items():
                controls[name] = _bool(value)
    return controls


def _rule(el: etree._Element) -> dict:
    conds = el.find("ss:ruleConditions", NS)
    action = el.find("ss:ruleAction", NS)
    assert conds is not None and action is not None
    combination = _attrs(conds, {"conditionCombination"}).get("conditionCombination", "all")
    conditions = []
    for c in conds.findall("ss:ruleCondition", NS):
        a = _attrs(c, {"condition", "operator", "referencedObjective", "measureThreshold"})
        cond: dict = {"condition": a["condition"]}
        if a.get("operator", "noOp") == "not":
            cond["operator"] = "not"
        if "referencedObjective" in a:
            cond["referencedObjective"] = a["referencedObjective"]
        if "measureThreshold" in a:
            cond["parameters"] = {"threshold": float(a["measureThreshold"])}
        conditions.append(cond)
    return {"action": _attrs(action, {"action"})["action"], "conditionCombination": combination,
            "conditions": conditions}


def _objective(el: etree._Element, primary: bool) -> dict:
    a = _attrs(el, {"objectiveID", "satisfiedByMeasure"})
    obj: dict = {"objectiveID": a.get("objectiveID", "primary" if primary else ""), "isPrimary": primary,
                 "satisfiedByMeasure": _bool(a.get("satisfiedByMeasure", "false"))}
    measure = el.findtext("ss:minNormalizedMeasure", namespaces=NS)
    obj["minNormalizedMeasure"] = float(measure) if measure is not None else 1.0
    maps = []
    for m in el.findall("ss:mapInfo", NS):
        ma = _attrs(m, {"targetObjectiveID", *MAP_FLAGS})
        entry: dict = {"targetObjectiveID": ma["targetObjectiveID"]}
        for flag in MAP_FLAGS:
            if flag in ma:
                entry[flag] = _bool(ma[flag])
        maps.append(entry)
    if maps:
        obj["mapInfo"] = maps
    for child in el:
        assert _local(child) in ("minNormalizedMeasure", "mapInfo"), child.tag
    return obj


def _sequencing(seq: etree._Element | None, activity: dict) -> None:
    activity["sequencingControls"] = _controls(seq)
    activity["deliveryControls"] = dict(DELIVERY)
    if seq is None:
        return
    for child in seq:
        name = _local(child)
        if name == "controlMode":
            continue
        if name == "sequencingRules":
            rules: dict = {}
            for r in child:
                rules.setdefault(RULE_KINDS[_local(r)], []).append(_rule(r))
            activity["sequencingRules"] = rules
        elif name == "objectives":
            for o in child:
                kind = _local(o)
                if kind == "primaryObjective":
                    activity["primaryObjective"] = _objective(o, True)
                else:
                    assert kind == "objective", o.tag
                    activity.setdefault("objectives", []).append(_objective(o, False))
        elif name == "deliveryControls":
            for attr, value in _attrs(child, set(DELIVERY)).items():
                activity["deliveryControls"][attr] = _bool(value)
        elif name == "limitConditions":
            a = _attrs(child, {"attemptLimit", "attemptAbsoluteDurationLimit"})
            if "attemptLimit" in a:
                activity["attemptLimit"] = int(a["attemptLimit"])
            if "attemptAbsoluteDurationLimit" in a:
                activity["attemptAbsoluteDurationLimit"] = a["attemptAbsoluteDurationLimit"]
        else:
            raise AssertionError(f"imsss:{name} is not translated by this reader; extend it before using it")


def _activity(el: etree._Element) -> dict:
    ident = el.get("identifier")
    activity: dict = {"id": ident, "title": el.findtext("cp:title", namespaces=NS) or ident}
    _sequencing(el.find("ss:sequencing", NS), activity)
    children = [_activity(c) for c in el.findall("cp:item", NS)]
    if children:
        activity["children"] = children
    return activity


def activity_tree(manifest: bytes) -> dict:
    """The default organization as scorm-again's activity tree (the organization is the root activity)."""
    root = etree.fromstring(manifest, etree.XMLParser(no_network=True))
    assert root.find("cp:sequencingCollection", NS) is None and \
        root.find("ss:sequencingCollection", NS) is None, "shared sequencing collections are not translated"
    orgs = root.find("cp:organizations", NS)
    default = orgs.get("default")
    org = next(o for o in orgs.findall("cp:organization", NS) if o.get("identifier") == default)
    assert org.get(f"{{{ADLSEQ}}}objectivesGlobalToSystem") in (None, "false", "true")
    return _activity(org)


def leaves(tree: dict) -> list[str]:
    """The SCO activities in the order an LMS flows through them."""
    kids = tree.get("children")
    return [tree["id"]] if not kids else [leaf for k in kids for leaf in leaves(k)]
