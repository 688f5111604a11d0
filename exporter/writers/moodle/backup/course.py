"""The course-level files of a Moodle backup: `moodle_backup.xml` (what the backup holds, read first by the
restore), `course/`, `sections/`, `files.xml` with the file pool, the gradebook and the empty root files a
restore reads. Structures as Moodle 5.1 writes them (`backup_main_structure_step`, `backup_course_structure_step`,
`backup_section_structure_step`, `backup_gradebook_structure_step`; files by `backup_file_manager`).

A backup made elsewhere: `original_site_identifier_hash` is no site's, so a restore treats it as another site's
(maps every question category it refers to); no users, no enrolments, no logs.
"""

from __future__ import annotations

import hashlib
import mimetypes

from lxml import etree

from exporter.model import Course, LocalFile
from exporter.writers.moodle.backup.activities import FORMAT_HTML
from exporter.writers.moodle.backup.content import Files
from exporter.writers.moodle.backup.plan import (
    COURSE_CONTEXT,
    COURSE_GRADE_ITEM,
    GRADE_CATEGORY,
    SYSTEM_CONTEXT,
    Plan,
    Section,
)
from exporter.writers.moodle.backup.xmldoc import (
    db_name,
    document,
    empty,
    fields,
    nest,
    refs,
    row,
)
from exporter.xhtml import text_html, xml_chars

BACKUP_VERSION = 2025100600  # backup::VERSION in Moodle 5.1
BACKUP_RELEASE = "5.1"
# The course's start date: Moodle 5.1's release day (6 October 2025, 00:00 UTC), so never in the future where the
# backup restores. Not 0: Moodle shows 0 as 1 January 1970, and its restore moves the start date (the wizard's
# "Course start date") only when the backup has one (restore_step::apply_date_offset leaves 0 as it is).
# Fixed, not the clock: the same source gives the same backup.
START_DATE = 1759708800
INDEX = ".ARCHIVE_INDEX"  # the list of files Moodle's tgz_packer writes first in every .mbz
NOWHERE = "https://exporter.invalid"  # original_wwwroot when the course names no site
COURSE_FORMAT = "topics"
FULLNAME = 254  # course.fullname is char(254)


def _own_types() -> mimetypes.MimeTypes:
    """Python's own table only: the same type on every machine. (A first `MimeTypes()` also reads the system's type
    files into the module's table, which this one never uses: 8 ms of every build's start, skipped.)"""
    was = mimetypes.inited
    mimetypes.inited = True
    try:
        return mimetypes.MimeTypes(filenames=())
    finally:
        mimetypes.inited = was


_MIME = _own_types()

# root-level files a restore reads, with nothing in them (no users, groups, scales, outcomes, badges, roles)
ROOT_EMPTY = {
    "users.xml": ("users",),
    "groups.xml": ("groups", "groupcustomfields", "groupings/groupingcustomfields"),
    "scales.xml": ("scales_definition",),
    "outcomes.xml": ("outcomes_definition",),
    "roles.xml": ("roles_definition",),
    "badges.xml": ("badges",),
    "completion.xml": ("course_completion",),
    "grade_history.xml": ("grade_history", "grade_grades"),
}
COURSE_EMPTY = {
    "roles.xml": ("roles", "role_overrides", "role_assignments"),
    "filters.xml": ("filters", "filter_actives", "filter_configs"),
    "comments.xml": ("comments",),
    "calendar.xml": ("events",),
    "competencies.xml": ("course_competencies", "competencies", "user_competencies"),
    "completiondefaults.xml": ("course_completion_defaults",),
    "contentbank.xml": ("contents",),
    "enrolments.xml": ("enrolments", "enrols"),
    "inforef.xml": ("inforef",),
}
# moodle_backup.xml's root settings: activities and files, nothing about people
ROOT_SETTINGS = {
    "imscc11": 0, "users": 0, "anonymize": 0, "role_assignments": 0, "activities": 1, "blocks": 0, "files": 1,
    "filters": 0, "comments": 0, "badges": 0, "calendarevents": 0, "userscompletion": 0, "logs": 0,
    "grade_histories": 0, "groups": 0, "competencies": 0, "customfield": 0, "contentbankcontent": 0,
    "xapistate": 0, "legacyfiles": 0,
}


def write(course: Course, plan: Plan, files: Files, filename: str) -> dict[str, bytes | LocalFile]:
    """The backup's files but its activities' and `moodle_backup.xml` (`backup_inputs`, `moodle_backup_xml`)."""
    out: dict[str, bytes | LocalFile] = {"course/course.xml": course_xml(course)}
    for name, tags in COURSE_EMPTY.items():
        out["course/" + name] = empty(*tags)
    for section in plan.sections:
        out[section.directory + "/section.xml"] = section_xml(section)
        out[section.directory + "/inforef.xml"] = section_inforef_xml(section, files)
    for name, tags in ROOT_EMPTY.items():
        out[name] = empty(*tags)
    out["gradebook.xml"] = gradebook_xml()
    out["files.xml"] = files_xml(files)
    for stored in files.rows:
        out[stored.pool_path] = stored.data
    return out


def backup_id(identifier: str, version: str) -> str:
    """The backup's id (32 hex digits, like Moodle's): the same for the same course."""
    return hashlib.md5(f"exporter:{identifier}:{version}".encode()).hexdigest()


def backup_inputs(course: Course, plan: Plan, filename: str) -> tuple:
    """What `moodle_backup.xml` is made from, as plain data: the file's name, the course's settings, each activity
    (module id, section id, kind, name, folder, key) and each section (id, title, folder, key, its activities' keys)."""
    return (filename, course.site_url, course.identifier, course.title, course.version,
            [(a.moduleid, a.section.id, a.modname, a.name, a.directory, a.key) for a in plan.activities],
            [(s.id, s.name or str(s.number), s.directory, s.key, [a.key for a in s.activities])
             for s in plan.sections])


def moodle_backup_xml(filename: str, site_url: str, identifier: str, title: str, version: str, activities: list,
                      sections: list) -> bytes:
    """The backup's index (`backup_inputs` gives what it is made from)."""
    root = etree.Element("moodle_backup")
    information = fields(etree.SubElement(root, "information"), {
        "name": filename,
        "moodle_version": BACKUP_VERSION,
        "moodle_release": BACKUP_RELEASE,
        "backup_version": BACKUP_VERSION,
        "backup_release": BACKUP_RELEASE,
        "backup_date": 0,
        "mnet_remoteusers": 0,
        "include_files": 1,
        "include_file_references_to_external_content": 0,
        "original_wwwroot": site_url.rstrip("/") or NOWHERE,
        "original_site_identifier_hash": hashlib.md5(f"exporter:{identifier}".encode()).hexdigest(),
        "original_course_id": 1,
        "original_course_format": COURSE_FORMAT,
        "original_course_fullname": db_name(title, FULLNAME),
        "original_course_shortname": xml_chars(identifier),
        "original_course_startdate": START_DATE,
        "original_course_enddate": 0,
        "original_course_contextid": COURSE_CONTEXT,
        "original_system_contextid": SYSTEM_CONTEXT,
    })
    detail = etree.SubElement(nest(information, "details"), "detail", {"backup_id": backup_id(identifier, version)})
    fields(detail, {"type": "course", "format": "moodle2", "interactive": 1, "mode": 10, "execution": 1,
                    "executiontime": 0})
    contents = etree.SubElement(information, "contents")
    listed = etree.SubElement(contents, "activities")
    for moduleid, sectionid, modname, name, directory, _ in activities:
        row(listed, "activity", {"moduleid": moduleid, "sectionid": sectionid, "modulename": modname, "title": name,
                                 "directory": directory, "insubsection": ""})
    listed = etree.SubElement(contents, "sections")
    for sectionid, section_title, directory, _, _ in sections:
        row(listed, "section", {"sectionid": sectionid, "title": section_title, "directory": directory,
                                "parentcmid": "", "modname": ""})
    row(contents, "course", {"courseid": 1, "title": xml_chars(identifier), "directory": "course"})
    settings = etree.SubElement(information, "settings")
    setting(settings, "root", "filename", filename)
    for name, value in ROOT_SETTINGS.items():
        setting(settings, "root", name, value)
    for _, _, _, key, keys in sections:
        setting(settings, "section", f"{key}_included", 1, section=key)
        setting(settings, "section", f"{key}_userinfo", 0, section=key)
        for activity in keys:
            setting(settings, "activity", f"{activity}_included", 1, activity=activity)
            setting(settings, "activity", f"{activity}_userinfo", 0, activity=activity)
    return document(root)


def setting(parent: etree._Element, level: str, name: str, value: str | int, **owner: str) -> None:
    row(parent, "setting", {"level": level, **owner, "name": name, "value": value})


def course_xml(course: Course) -> bytes:
    description = xml_chars(course.description).strip()
    root = row(None, "course", {
        "shortname": xml_chars(course.identifier)[:255],
        "fullname": db_name(course.title, FULLNAME),
        "idnumber": "",
        "summary": f"<p>{text_html(description)}</p>" if description else "",
        "summaryformat": FORMAT_HTML,
        "format": COURSE_FORMAT,
        "showgrades": 1,
        "newsitems": 0,
        "startdate": START_DATE,
        "enddate": 0,  # no end date
        "marker": 0,
        "maxbytes": 0,
        "legacyfiles": 0,
        "showreports": 0,
        "visible": 1,
        "groupmode": 0,
        "groupmodeforce": 0,
        "defaultgroupingid": 0,
        "lang": "",
        "theme": "",
        "timecreated": 0,
        "timemodified": 0,
        "requested": 0,
        "showactivitydates": 0,
        "showcompletionconditions": 1,
        "pdfexportfont": None,
        "enablecompletion": 1,
        "completionnotify": 0,
        "enableaitools": None,
    }, id=1, contextid=COURSE_CONTEXT)
    row(root, "category", {"name": "", "description": None}, id=1)
    for tag in ("tags", "customfields"):
        etree.SubElement(root, tag)
    options = etree.SubElement(root, "courseformatoptions")
    for name, value in (("hiddensections", 1), ("coursedisplay", 0)):
        row(options, "courseformatoption", {"format": COURSE_FORMAT, "sectionid": 0, "name": name, "value": value})
    return document(root)


def section_xml(section: Section) -> bytes:
    root = row(None, "section", {
        "number": section.number,
        "name": section.name,
        "summary": section.summary,
        "summaryformat": FORMAT_HTML,
        "sequence": ",".join(str(a.moduleid) for a in section.activities),
        "visible": 1,
        "availabilityjson": None,
        "component": None,
        "itemid": None,
        "timemodified": 0,
    }, id=section.id)
    return document(root)


def section_inforef_xml(section: Section, files: Files) -> bytes:
    root = etree.Element("inforef")
    refs(root, "fileref", "file", (f.id for f in files.in_area(section.area)))
    return document(root)


def files_xml(files: Files) -> bytes:
    root = etree.Element("files")
    for f in files.rows:
        row(root, "file", {
            "contenthash": f.contenthash,
            "contextid": f.area.contextid,
            "component": f.area.component,
            "filearea": f.area.filearea,
            "itemid": f.area.itemid,
            "filepath": f.filepath,
            "filename": f.filename,
            "userid": None,
            "filesize": f.size,
            "mimetype": _MIME.guess_type(f.filename)[0] or "application/octet-stream",
            "status": 0,
            "timecreated": 0,
            "timemodified": 0,
            "source": f.filename,
            "author": None,
            "license": None,
            "sortorder": 0,
            "repositorytype": None,
            "repositoryid": None,
            "reference": None,
        }, id=f.id)
    return document(root)


def gradebook_xml() -> bytes:
    """The course's grade category and total (Moodle recomputes the total after the restore)."""
    root = etree.Element("gradebook")
    etree.SubElement(root, "attributes")
    categories = etree.SubElement(root, "grade_categories")
    row(categories, "grade_category", {
        "parent": None, "depth": 1, "path": f"/{GRADE_CATEGORY}/", "fullname": "?", "aggregation": 13,
        "keephigh": 0, "droplow": 0, "aggregateonlygraded": 1, "aggregateoutcomes": 0, "timecreated": 0,
        "timemodified": 0, "hidden": 0,
    }, id=GRADE_CATEGORY)
    items = etree.SubElement(root, "grade_items")
    item = row(items, "grade_item", {
        "categoryid": None, "itemname": None, "itemtype": "course", "itemmodule": None,
        "iteminstance": GRADE_CATEGORY, "itemnumber": None, "iteminfo": None, "idnumber": None, "calculation": None,
        "gradetype": 1, "grademax": "100.00000", "grademin": "0.00000", "scaleid": None, "outcomeid": None,
        "gradepass": "0.00000", "multfactor": "1.00000", "plusfactor": "0.00000", "aggregationcoef": "0.00000",
        "aggregationcoef2": "0.00000", "weightoverride": 0, "sortorder": COURSE_GRADE_ITEM, "display": 0,
        "decimals": None, "hidden": 0, "locked": 0, "locktime": 0, "needsupdate": 0, "timecreated": 0,
        "timemodified": 0,
    }, id=COURSE_GRADE_ITEM)
    etree.SubElement(item, "grade_grades")
    etree.SubElement(root, "grade_letters")
    settings = etree.SubElement(root, "grade_settings")
    row(settings, "grade_setting", {"name": "minmaxtouse", "value": 1}, id="")
    return document(root)


def archive_index(sizes: dict[str, int]) -> bytes:
    """`.ARCHIVE_INDEX`: the count, then one line per file (path, f, size, time), as `tgz_packer` writes it;
    `sizes`: each file's size in bytes by its path."""
    names = sorted(sizes)
    lines = [f"Moodle archive file index. Count: {len(names)}"]
    lines += [f"{name}\tf\t{sizes[name]}\t0" for name in names]
    return ("\n".join(lines) + "\n").encode("utf-8")


__all__ = ["INDEX", "archive_index", "backup_inputs", "moodle_backup_xml", "write"]
