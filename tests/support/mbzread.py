"""An independent reader of a Moodle course backup (.mbz): the archive opened with tarfile, every XML file
parsed with lxml, and what a restore would build read back as plain data (never through exporter's writers).

Used by tests/writers/moodle/test_moodle_backup.py (the structure, in CI) and tests/writers/moodle/test_moodle_real.py (what a real Moodle
stored must match what the file says).
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from dataclasses import dataclass, field

from lxml import etree

NULL = "$@NULL@$"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
PARSER = etree.XMLParser(no_network=True, resolve_entities=False)


def value(el: etree._Element, tag: str) -> str | None:
    """A field's text, None for Moodle's NULL marker; a missing field fails."""
    node = el.find(tag)
    assert node is not None, f"<{el.tag}> has no <{tag}>"
    text = node.text or ""
    return None if text == NULL else text


@dataclass
class Archive:
    data: bytes
    members: list[tarfile.TarInfo]
    files: dict[str, bytes]

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name], PARSER)


def open_archive(data: bytes) -> Archive:
    raw = gzip.decompress(data)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
        members = tar.getmembers()
        files = {}
        for m in members:
            assert m.isfile(), m.name
            assert m.name not in files, f"{m.name} twice in the archive"
            fh = tar.extractfile(m)
            assert fh is not None
            files[m.name] = fh.read()
    return Archive(data, members, files)


@dataclass
class Answer:
    id: str
    text: str
    format: str
    fraction: float
    feedback: str


@dataclass
class Question:
    id: str
    entry_id: str
    qtype: str
    name: str
    text: str
    general: str
    answers: list[Answer]
    options: dict[str, str | None]  # the qtype's own row (truefalse / multichoice)
    idnumber: str | None
    el: etree._Element


@dataclass
class Category:
    id: str
    name: str
    info: str
    parent: str
    contextid: str
    contextlevel: str
    contextinstanceid: str
    stamp: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class Activity:
    moduleid: str
    modname: str
    directory: str
    module: etree._Element  # module.xml root
    instance: etree._Element  # <activity> root of <modname>.xml
    inforef: etree._Element

    def field(self, name: str) -> str | None:
        return value(self.module, name)

    @property
    def row(self) -> etree._Element:
        return self.instance[0]

    @property
    def name(self) -> str:
        return value(self.row, "name") or ""

    @property
    def availability(self) -> dict | None:
        raw = self.field("availability")
        return json.loads(raw) if raw else None


@dataclass
class Section:
    id: str
    number: int
    name: str | None
    summary: str
    sequence: list[str]


@dataclass
class Backup:
    archive: Archive
    info: etree._Element  # moodle_backup.xml's <information>
    sections: list[Section]  # by number
    activities: dict[str, Activity]  # by module id
    categories: list[Category]
    files: list[etree._Element]  # files.xml rows

    def in_order(self) -> list[Activity]:
        """Activities as the course shows them: section by section, each in its sequence."""
        return [self.activities[m] for s in self.sections for m in s.sequence]

    def category(self, ident: str) -> Category:
        return next(c for c in self.categories if c.id == ident)


def read(data: bytes) -> Backup:
    archive = open_archive(data)
    info = archive.xml("moodle_backup.xml").find("information")
    assert info is not None
    sections = []
    for entry in info.iterfind("contents/sections/section"):
        root = archive.xml(value(entry, "directory") + "/section.xml")
        assert root.get("id") == value(entry, "sectionid")
        sequence = value(root, "sequence") or ""
        sections.append(Section(root.get("id"), int(value(root, "number")), value(root, "name"),
                                value(root, "summary") or "", [s for s in sequence.split(",") if s]))
    sections.sort(key=lambda s: s.number)
    activities = {}
    for entry in info.iterfind("contents/activities/activity"):
        folder = value(entry, "directory")
        modname = value(entry, "modulename")
        activity = Activity(value(entry, "moduleid"), modname, folder, archive.xml(folder + "/module.xml"),
                            archive.xml(f"{folder}/{modname}.xml"), archive.xml(folder + "/inforef.xml"))
        assert activity.moduleid not in activities
        activities[activity.moduleid] = activity
    return Backup(archive, info, sections, activities, read_questions(archive.xml("questions.xml")),
                  list(archive.xml("files.xml").iterfind("file")))


def read_questions(root: etree._Element) -> list[Category]:
    categories = []
    for c in root.iterfind("question_category"):
        category = Category(c.get("id"), value(c, "name") or "", value(c, "info") or "", value(c, "parent"),
                            value(c, "contextid"), value(c, "contextlevel"), value(c, "contextinstanceid"),
                            value(c, "stamp"))
        for entry in c.iterfind("question_bank_entries/question_bank_entry"):
            assert value(entry, "questioncategoryid") == category.id
            versions = entry.findall("question_version/question_versions")
            assert len(versions) == 1 and value(versions[0], "status") == "ready"
            (q,) = versions[0].findall("questions/question")
            qtype = value(q, "qtype")
            plugin = q.find(f"plugin_qtype_{qtype}_question")
            assert plugin is not None, qtype
            answers = [Answer(a.get("id"), value(a, "answertext") or "", value(a, "answerformat"),
                              float(value(a, "fraction")), value(a, "feedback") or "")
                       for a in plugin.iterfind("answers/answer")]
            options_el = plugin.find(qtype)
            options = {child.tag: (None if child.text == NULL else child.text) for child in options_el} \
                if options_el is not None else {}
            category.questions.append(Question(q.get("id"), entry.get("id"), qtype, value(q, "name") or "",
                                               value(q, "questiontext") or "", value(q, "generalfeedback") or "",
                                               answers, options, value(entry, "idnumber"), q))
        categories.append(category)
    return categories


def random_draws(activity: Activity) -> list[dict]:
    """A quiz's slots: each a question set reference's fields with its filter condition decoded."""
    slots = []
    for instance in activity.row.iterfind("question_instances/question_instance"):
        ref = instance.find("question_set_reference")
        assert ref is not None, "a slot that is not a random question"
        slots.append({"slot": int(value(instance, "slot")), "page": value(instance, "page"),
                      "maxmark": float(value(instance, "maxmark")),
                      "usingcontextid": value(ref, "usingcontextid"), "component": value(ref, "component"),
                      "questionarea": value(ref, "questionarea"),
                      "questionscontextid": value(ref, "questionscontextid"),
                      "filter": json.loads(value(ref, "filtercondition"))})
    return slots


def grade_item(archive: Archive, activity: Activity) -> etree._Element:
    items = archive.xml(activity.directory + "/grades.xml").findall("grade_items/grade_item")
    assert len(items) == 1
    return items[0]
