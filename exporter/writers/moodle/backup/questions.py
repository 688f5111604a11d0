"""`questions.xml` of a Moodle backup: the question bank's categories and questions (`backup_questions_structure_step`
and each qtype plugin's structure in Moodle 5.1: truefalse, multichoice, shortanswer, numerical, match, essay,
`question/type/*/backup/moodle2/backup_qtype_*_plugin.class.php`).

In Moodle 5 a course's questions live in a question bank activity (mod_qbank): every category here belongs to
that activity's context (context level 70, module), the bank's top category first. Each question is one
question bank entry with one version (ready) holding it. Creator and owner are placeholders the restore replaces
with the user who restores (a backup from another site names no user of the target site).
"""

from __future__ import annotations

from lxml import etree

from exporter.writers.moodle.backup.activities import FORMAT_HTML
from exporter.writers.moodle.backup.plan import Answer, Category, Plan, Question
from exporter.writers.moodle.backup.xmldoc import DECLARATION, nest, row
from exporter.writers.packaging import Package
from exporter.writers.xmltree import ChildStream

CONTEXT_MODULE = 70
SOME_USER = 2  # createdby / modifiedby / ownerid: replaced by the restoring user on any other site
FORMAT_PLAIN = 0  # how Moodle stores plain answers (truefalse's "True"/"False", shortanswer, numerical)
ANSWERED = ("truefalse", "multichoice", "shortanswer", "numerical")  # the qtypes with question_answers


def write(plan: Plan, files: Package, kept: list | None = None) -> None:
    """`questions.xml` into the package, a category at a time (a course's bank is the largest file here). A
    category the writer's fragments kept (`Category.kept`) is put in as it was; for each one with a key, `kept`
    gets (key, [questions, answers, matches], offset, size): where its bytes lie in the package's scratch file."""
    root = etree.Element("question_categories")
    with files.open("questions.xml") as stream:
        out = ChildStream(stream, root, DECLARATION)
        for category in plan.categories:
            out.start()  # (the writer's buffer is empty here: start, raw and the sync below hand it all over)
            start = stream.size
            if category.kept is not None:
                out.raw(category.kept)
            else:
                category_element(root, category, plan)
                out.flush()
                out.sync()
            stream.cut()  # a category is a unit of the gzip stream: an edit recompresses the segment around it
            if category.key is not None and kept is not None:
                kept.append((category.key, list(category.counted), stream.offset + start, stream.size - start))
        out.close()


def category_element(root: etree._Element, category: Category, plan: Plan) -> None:
    el = row(root, "question_category", {
        "name": category.name,
        "contextid": plan.qbank.contextid,
        "contextlevel": CONTEXT_MODULE,
        "contextinstanceid": plan.qbank.moduleid,
        "info": category.info,
        "infoformat": FORMAT_HTML,
        "stamp": category.stamp,
        "parent": category.parent,
        "sortorder": category.sortorder,
        "idnumber": category.idnumber,
    }, id=category.id)
    entries = etree.SubElement(el, "question_bank_entries")
    for question in category.questions:
        entry = row(entries, "question_bank_entry", {
            "questioncategoryid": category.id,
            "idnumber": question.idnumber,
            "ownerid": SOME_USER,
        }, id=question.id)
        version = row(nest(entry, "question_version"), "question_versions", {"version": 1, "status": "ready"},
                      id=question.id)
        question_element(nest(version, "questions"), question)


def question_element(parent: etree._Element, question: Question) -> None:
    el = row(parent, "question", {
        "parent": 0,
        "name": question.name,
        "questiontext": question.text,
        "questiontextformat": FORMAT_HTML,
        "generalfeedback": question.feedback,
        "generalfeedbackformat": FORMAT_HTML,
        "defaultmark": "1.0000000",
        "penalty": "0.0000000",  # practice: no penalty
        "qtype": question.qtype,
        "length": 1,
        "stamp": question.stamp,
        "timecreated": 0,
        "timemodified": 0,
        "createdby": SOME_USER,
        "modifiedby": SOME_USER,
    }, id=question.id)
    plugin = etree.SubElement(el, f"plugin_qtype_{question.qtype}_question")
    if question.qtype in ANSWERED:
        answers = etree.SubElement(plugin, "answers")
        for answer in question.answers:
            answer_element(answers, answer)
    if question.qtype == "truefalse":
        true, false = question.answers
        row(plugin, "truefalse", {"trueanswer": true.id, "falseanswer": false.id, "showstandardinstruction": 0},
            id=question.id)
    elif question.qtype == "numerical":
        etree.SubElement(plugin, "numerical_units")  # none: the number alone
        row(nest(plugin, "numerical_options"), "numerical_option", question.options, id=question.id)
        records = etree.SubElement(plugin, "numerical_records")
        for answer in question.answers:
            row(records, "numerical_record", {"answer": answer.id, "tolerance": answer.tolerance}, id=answer.id)
    elif question.qtype == "match":
        row(plugin, "matchoptions", question.options, id=question.id)
        matches = etree.SubElement(plugin, "matches")
        for match in question.matches:
            row(matches, "match", {"questiontext": match.text, "questiontextformat": FORMAT_HTML,
                                   "answertext": match.answer}, id=match.id)
    else:  # multichoice, shortanswer (usecase), essay: one row of the qtype's options, named after it
        row(plugin, question.qtype, question.options, id=question.id)
    etree.SubElement(el, "question_hints")
    etree.SubElement(el, "tags")


def answer_element(parent: etree._Element, answer: Answer) -> None:
    row(parent, "answer", {
        "answertext": answer.text,
        "answerformat": FORMAT_HTML if answer.html else FORMAT_PLAIN,
        "fraction": answer.fraction,
        "feedback": answer.feedback,
        "feedbackformat": FORMAT_HTML,
    }, id=answer.id)
