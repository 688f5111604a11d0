"""The `activities/<modname>_<cmid>/` folders of a Moodle backup: Pages, Quizzes and the question bank.

Each folder holds what Moodle 5.1's backup writes for an activity without user data: `module.xml` (the course
module: section, completion, availability; `backup_module_structure_step`), `<modname>.xml` (the instance:
`backup_page_activity_structure_step`, `backup_quiz_activity_structure_step`, `backup_qbank_activity_structure_step`),
`inforef.xml` (the files and question categories it uses), `grades.xml` (a quiz's grade item with its grade
to pass) and the empty files the restore reads (roles, filters, comments, calendar, competencies, completion,
grade history, xAPI state).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from lxml import etree

from exporter.model import Course, Quiz, copy_with
from exporter.writers.moodle.backup.content import Files, StoredFile
from exporter.writers.moodle.backup.plan import GRADE_CATEGORY, Activity, Category, Plan, Section
from exporter.writers.moodle.backup.xmldoc import document, empty, nest, refs, row

MODULE_VERSION = 2025100600  # mod_page, mod_quiz and mod_qbank in Moodle 5.1
COMPLETION_AUTOMATIC = 2  # COMPLETION_TRACKING_AUTOMATIC
COMPLETE = 1  # COMPLETION_COMPLETE: an availability condition met once the activity is complete
# COMPLETION_COMPLETE_PASS: met once the quiz is complete and passed. A quiz is complete only when passed either
# way; this one makes the lock say so ("... is complete and passed", not "... is marked complete")
COMPLETE_PASS = 2
FORMAT_HTML = 1
PAGE_DISPLAY_OPEN = 5  # RESOURCELIB_DISPLAY_OPEN: the page in the course's own layout
# print neither the intro nor a "last modified" date (the backup has no real date to show)
PAGE_DISPLAY_OPTIONS = 'a:2:{s:10:"printintro";i:0;s:17:"printlastmodified";i:0;}'
# mod_quiz display_options: DURING 0x10000, IMMEDIATELY_AFTER 0x1000, LATER_WHILE_OPEN 0x100, AFTER_CLOSE 0x10
REVIEW_ALWAYS = 0x10000 | 0x1000 | 0x100 | 0x10
REVIEW_AFTER = 0x1000 | 0x100 | 0x10  # overall feedback has no "during the attempt"
QUIZ_REVIEW = ("attempt", "correctness", "maxmarks", "marks", "specificfeedback", "generalfeedback", "rightanswer")

EMPTY = {
    "roles.xml": ("roles", "role_overrides", "role_assignments"),
    "filters.xml": ("filters", "filter_actives", "filter_configs"),
    "comments.xml": ("comments",),
    "calendar.xml": ("events",),
    "competencies.xml": ("course_module_competencies", "competencies"),
    "completion.xml": ("completions", "completionviews"),
    "grade_history.xml": ("grade_history", "grade_grades"),
    "xapistate.xml": ("states",),
}


def write(course: Course, plan: Plan,
          kept: Callable[[tuple, Callable[[], dict[str, bytes]]], dict[str, bytes]] | None = None) -> dict[str, bytes]:
    """Every activity folder's files, by path in the backup, each folder made from its activity `detached` from
    the plan. `kept(parts, make)`: puts a folder's files into the package itself (from the writer's fragments, by
    what they are made from, or make() them) and returns what is left to add (nothing)."""
    files: dict[str, bytes] = {}
    for activity in plan.activities:
        own, view = detached(activity, plan)
        made = kept((own, view), lambda: folder(own, view)) if kept is not None else folder(own, view)
        files.update(made)
    return files


def folder(activity: Activity, plan: Plan) -> dict[str, bytes]:
    """One activity's files."""
    files: dict[str, bytes] = {}
    path = activity.directory + "/"
    files[path + "module.xml"] = module_xml(activity)
    files[path + f"{activity.modname}.xml"] = INSTANCE[activity.modname](activity, plan)
    files[path + "inforef.xml"] = inforef_xml(activity, plan)
    files[path + "grades.xml"] = grades_xml(activity)
    for name, tags in EMPTY.items():
        files[path + name] = empty(*tags)
    return files


AREAS = {"page": ("content",), "quiz": ("intro",), "qbank": ()}  # the file areas of each kind's texts


def detached(activity: Activity, plan: Plan) -> tuple[Activity, Plan]:
    """The activity with only what its folder's files read of the rest of the plan: its section's id and number,
    the activity before it (kind and id), its quiz's draw and shuffle (its items only counted), its category's
    id; and a plan holding the bank's ids, the categories' ids (the first, or, for the bank, all) and the files
    of the activity's areas. What the folder is made from is all here, so it is what the writer's fragments key
    it by."""
    section = Section(activity.section.id, activity.section.number, None, "")
    prev = activity.previous
    previous = Activity(prev.modname, prev.moduleid, 0, "", section) if prev is not None else None
    quiz = activity.quiz
    if quiz is not None:  # how many items, not which: the draw is at most their number
        quiz = Quiz("", "", "", quiz.draw, [None] * len(quiz.items), 0, quiz.shuffle)  # type: ignore[list-item]
    category = Category(activity.category.id, "", "", 0, 0, "") if activity.category is not None else None
    own = copy_with(activity, section=section, previous=previous, page=None, quiz=quiz, category=category)
    bank = Activity(plan.qbank.modname, plan.qbank.moduleid, plan.qbank.instanceid, "", section)
    categories = plan.categories if activity.modname == "qbank" else plan.categories[:1]
    files = Files(None)  # type: ignore[arg-type]
    for name in AREAS[activity.modname]:
        area = activity.area(name)
        files._areas[area] = [StoredFile(f.id, f.area, f.path, b"") for f in plan.files.in_area(area)]
    return own, Plan([], bank, [Category(c.id, "", "", 0, 0, "") for c in categories], files)


def availability(activity: Activity) -> str | None:
    """Restrict access: the activity before it must be complete, a quiz complete and passed (shown greyed out
    until then, with what the learner must do)."""
    if activity.previous is None:
        return None
    expected = COMPLETE_PASS if activity.previous.modname == "quiz" else COMPLETE
    condition = {"type": "completion", "cm": activity.previous.moduleid, "e": expected}
    return json.dumps({"op": "&", "c": [condition], "showc": [True]}, separators=(",", ":"))


def module_xml(activity: Activity) -> bytes:
    tracked = activity.modname in ("page", "quiz")
    root = row(None, "module", {
        "modulename": activity.modname,
        "sectionid": activity.section.id,
        "sectionnumber": activity.section.number,
        "idnumber": "",
        "added": 0,
        "score": 0,
        "indent": 0,
        "visible": 1,
        "visibleoncoursepage": 1,
        "visibleold": 1,
        "groupmode": 0,
        "groupingid": 0,
        "completion": COMPLETION_AUTOMATIC if tracked else 0,
        "completiongradeitemnumber": 0 if activity.modname == "quiz" else None,  # "receive a grade"
        "completionpassgrade": 1 if activity.modname == "quiz" else 0,  # ... a passing one
        "completionview": 1 if activity.modname == "page" else 0,
        "completionexpected": 0,
        "availability": availability(activity),
        "showdescription": 0,
        "downloadcontent": 1,
        "lang": None,
        "enableaitools": None,
        "enabledaiactions": None,
    }, id=activity.moduleid, version=MODULE_VERSION)
    etree.SubElement(root, "tags")
    return document(root)


def activity_root(activity: Activity) -> etree._Element:
    return etree.Element("activity", {"id": str(activity.instanceid), "moduleid": str(activity.moduleid),
                                      "modulename": activity.modname, "contextid": str(activity.contextid)})


def page_xml(activity: Activity, plan: Plan) -> bytes:
    root = activity_root(activity)
    row(root, "page", {
        "name": activity.name,
        "intro": "",
        "introformat": FORMAT_HTML,
        "content": activity.content,
        "contentformat": FORMAT_HTML,
        "legacyfiles": 0,
        "legacyfileslast": None,
        "display": PAGE_DISPLAY_OPEN,
        "displayoptions": PAGE_DISPLAY_OPTIONS,
        "revision": 1,
        "timemodified": 0,
    }, id=activity.instanceid)
    return document(root)


def quiz_xml(activity: Activity, plan: Plan) -> bytes:
    """The quiz: settings for practice to mastery, then one random slot per drawn question, all on page 1, each a
    question set reference to the page's category of the bank (as `slot_random` stores them)."""
    quiz, category = activity.quiz, activity.category
    assert quiz is not None and category is not None
    draw = quiz.drawn
    root = activity_root(activity)
    review = {f"review{name}": REVIEW_ALWAYS for name in QUIZ_REVIEW}
    el = row(root, "quiz", {
        "name": activity.name,
        "intro": activity.intro,
        "introformat": FORMAT_HTML,
        "timeopen": 0,
        "timeclose": 0,
        "timelimit": 0,
        "overduehandling": "autosubmit",
        "graceperiod": 0,
        "preferredbehaviour": "deferredfeedback",
        "canredoquestions": 0,
        "attempts_number": 0,  # unlimited
        "attemptonlast": 0,
        "grademethod": 1,  # highest grade
        "decimalpoints": 0,
        "questiondecimalpoints": -1,
        **review,
        "reviewoverallfeedback": REVIEW_AFTER,
        "questionsperpage": 0,  # every drawn question on one page
        "navmethod": "free",
        "shuffleanswers": int(quiz.shuffle),  # lets questions shuffle their choices (data-shuffle="choices")
        "sumgrades": f"{draw}.00000",
        "grade": f"{draw}.00000",
        "timecreated": 0,
        "timemodified": 0,
        "password": "",
        "subnet": "",
        "browsersecurity": "-",
        "delay1": 0,
        "delay2": 0,
        "showuserpicture": 0,
        "showblocks": 0,
        "completionattemptsexhausted": 0,
        "completionminattempts": 0,
        "allowofflineattempts": 0,
        "precreateattempts": None,
    }, id=activity.instanceid)
    etree.SubElement(el, "quiz_grade_items")
    instances = etree.SubElement(el, "question_instances")
    condition = json.dumps({"filter": {"category": {"jointype": 1, "values": [category.id],
                                                    "filteroptions": {"includesubcategories": False}}}},
                           separators=(",", ":"))
    for n in range(draw):
        slot = activity.first_slot + n
        instance = row(instances, "question_instance", {
            "quizid": activity.instanceid,
            "slot": n + 1,
            "page": 1,
            "displaynumber": None,
            "requireprevious": 0,
            "maxmark": "1.0000000",
            "quizgradeitemid": None,
        }, id=slot)
        row(instance, "question_set_reference", {
            "usingcontextid": activity.contextid,
            "component": "mod_quiz",
            "questionarea": "slot",
            "questionscontextid": plan.qbank.contextid,
            "filtercondition": condition,
        }, id=slot)
    sections = etree.SubElement(el, "sections")
    row(sections, "section", {"firstslot": 1, "heading": "", "shufflequestions": 0}, id=activity.instanceid)
    for tag in ("feedbacks", "overrides", "grades", "attempts"):
        etree.SubElement(el, tag)
    return document(root)


def qbank_xml(activity: Activity, plan: Plan) -> bytes:
    root = activity_root(activity)
    row(root, "qbank", {
        "name": activity.name,
        "timecreated": 0,
        "timemodified": 0,
        "intro": "",
        "introformat": FORMAT_HTML,
        "type": "standard",
    }, id=activity.instanceid)
    return document(root)


INSTANCE = {"page": page_xml, "quiz": quiz_xml, "qbank": qbank_xml}


def inforef_xml(activity: Activity, plan: Plan) -> bytes:
    """The files the activity's texts show, the question categories it holds or draws from, its grade item."""
    root = etree.Element("inforef")
    areas = AREAS[activity.modname]
    refs(root, "fileref", "file", (f.id for area in areas for f in plan.files.in_area(activity.area(area))))
    if activity.modname == "quiz":
        row(nest(root, "grade_itemref"), "grade_item", {"id": activity.grade_item})
    categories = {"quiz": [plan.categories[0]] + ([activity.category] if activity.category else []),
                  "qbank": plan.categories, "page": []}[activity.modname]
    refs(root, "question_categoryref", "question_category", (c.id for c in categories))
    return document(root)


def grades_xml(activity: Activity) -> bytes:
    """A quiz's grade item: maximum = the number drawn, grade to pass = the same (every drawn question right)."""
    root = etree.Element("activity_gradebook")
    items = etree.SubElement(root, "grade_items")
    quiz = activity.quiz
    if activity.modname == "quiz" and quiz is not None:
        draw = quiz.drawn
        item = row(items, "grade_item", {
            "categoryid": GRADE_CATEGORY,
            "itemname": activity.name,
            "itemtype": "mod",
            "itemmodule": "quiz",
            "iteminstance": activity.instanceid,
            "itemnumber": 0,
            "iteminfo": None,
            "idnumber": "",
            "calculation": None,
            "gradetype": 1,
            "grademax": f"{draw}.00000",
            "grademin": "0.00000",
            "scaleid": None,
            "outcomeid": None,
            "gradepass": f"{draw}.00000",
            "multfactor": "1.00000",
            "plusfactor": "0.00000",
            "aggregationcoef": "0.00000",
            "aggregationcoef2": "0.00000",
            "weightoverride": 0,
            "sortorder": activity.grade_item,
            "display": 0,
            "decimals": None,
            "hidden": 0,
            "locked": 0,
            "locktime": 0,
            "needsupdate": 0,
            "timecreated": 0,
            "timemodified": 0,
        }, id=activity.grade_item)
        etree.SubElement(item, "grade_grades")
    etree.SubElement(root, "grade_letters")
    return document(root)
