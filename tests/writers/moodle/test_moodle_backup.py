"""The Moodle course backup (`moodle-backup`, `<id>-moodle.mbz`), read back on its own (tests/support/mbzread.py): archive,
XML, files, ids and references, then the course a restore would build: outline, random draws, grade to pass,
completion, the order lock and every question. The real restore is in test_moodle_real.py (marker `moodle`)."""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from urllib.parse import unquote

import pytest
from conftest import SAMPLE, run_cli
from coursekit import AWKWARD_TITLE, ITEMS, awkward_course, page, quiz, write_course
from itemcheck import (ESSAY_ANSWER, choices_answer, expected_quizzes, item_key, margin_answer, matching_answer,
                       short_answer, strip_stimulus, text_of)
from mbzread import DECLARATION, Backup, grade_item, random_draws, read, value

from exporter.source.reader import read_course

FMT = "moodle-backup"
PLUGINFILE = re.compile(r'(?:src|href)="@@PLUGINFILE@@/([^"?#]*)')
PAGELINK = re.compile(r'href="\$@PAGEVIEWBYID\*(\d+)@\$(#[^"]*)?"')
IMMEDIATELY_AFTER = 0x1000  # mod_quiz display_options


@pytest.fixture(scope="session")
def awkward(tmp_path_factory):
    course, _ = read_course(awkward_course(tmp_path_factory.mktemp("awkward")))
    return course


@pytest.fixture(scope="session")
def backups(artifact):
    cache = {}

    def get(course) -> Backup:
        if id(course) not in cache:
            cache[id(course)] = read(artifact(FMT, course))
        return cache[id(course)]

    return get


COURSES = ["sample_course", "corpus_course", "awkward"]


# --- the file itself -------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", COURSES)
def test_archive_is_a_reproducible_moodle_tgz(which, request, artifact, backups):
    course = request.getfixturevalue(which)
    data = artifact(FMT, course)
    assert data[:2] == b"\x1f\x8b" and data[4:8] == b"\0\0\0\0"  # gzip, no time in its header
    archive = backups(course).archive
    assert all(m.mtime == 0 and m.uid == 0 and m.gid == 0 and m.mode == 0o644 for m in archive.members)
    names = [m.name for m in archive.members]
    assert names[0] == ".ARCHIVE_INDEX" and names[1:] == sorted(names[1:])
    index = archive.files[".ARCHIVE_INDEX"].decode().splitlines()
    assert index[0] == f"Moodle archive file index. Count: {len(names) - 1}"
    assert [line.split("\t")[:3] for line in index[1:]] == [[n, "f", str(len(archive.files[n]))] for n in names[1:]]
    from exporter.writers import WRITERS, Options

    assert WRITERS[FMT]().write(course, Options()).data == data  # byte-identical on rebuild


@pytest.mark.parametrize("which", COURSES)
def test_every_xml_file_parses_with_moodles_declaration(which, request, backups):
    archive = backups(request.getfixturevalue(which)).archive
    xml = [n for n in archive.files if n.endswith(".xml")]
    assert len(xml) > 20
    for name in xml:
        assert archive.files[name].startswith(DECLARATION), name  # convert_helper::detect_moodle2_format
        archive.xml(name)
        assert b"&#" not in archive.files[name], name  # raw UTF-8, never character references
        assert b"exporter-page:" not in archive.files[name] and b"exporter-file:" not in archive.files[name], name


@pytest.mark.parametrize("which", COURSES)
def test_files_xml_and_the_pool_agree(which, request, backups):
    backup = backups(request.getfixturevalue(which))
    files = backup.archive.files
    ids = set()
    for row in backup.files:
        sha1 = value(row, "contenthash")
        pool = f"files/{sha1[:2]}/{sha1}"
        assert pool in files and hashlib.sha1(files[pool]).hexdigest() == sha1
        assert int(value(row, "filesize")) == len(files[pool])
        assert value(row, "filepath").startswith("/") and value(row, "filepath").endswith("/")
        ids.add(row.get("id"))
    assert len(ids) == len(backup.files)
    pooled = {n for n in files if n.startswith("files/")}
    assert pooled == {f"files/{value(r, 'contenthash')[:2]}/{value(r, 'contenthash')}" for r in backup.files}
    for activity in backup.activities.values():
        assert {r.text for r in activity.inforef.iterfind("fileref/file/id")} <= ids


def stored_paths(backup: Backup, contextid: str, component: str, filearea: str, itemid: str = "0") -> set[str]:
    return {value(r, "filepath")[1:] + value(r, "filename") for r in backup.files
            if (value(r, "contextid"), value(r, "component"), value(r, "filearea"), value(r, "itemid"))
            == (contextid, component, filearea, itemid)}


@pytest.mark.parametrize("which", COURSES)
def test_every_file_a_text_shows_is_in_its_file_area(which, request, backups):
    backup = backups(request.getfixturevalue(which))
    qbank = next(a for a in backup.activities.values() if a.modname == "qbank")
    texts = []  # (html, contextid, component, filearea, itemid)
    for a in backup.activities.values():
        ctx = a.instance.get("contextid")
        if a.modname == "page":
            texts.append((value(a.row, "content"), ctx, "mod_page", "content", "0"))
        if a.modname == "quiz":
            texts.append((value(a.row, "intro"), ctx, "mod_quiz", "intro", "0"))
    qctx = qbank.instance.get("contextid")
    for c in backup.categories:
        for q in c.questions:
            texts += [(q.text, qctx, "question", "questiontext", q.id), (q.general, qctx, "question", "generalfeedback", q.id)]
            texts += [(a.feedback, qctx, "question", "answerfeedback", a.id) for a in q.answers]
    for s in backup.sections:
        texts.append((s.summary, "2", "course", "section", s.id))
    for text, *area in texts:
        for path in PLUGINFILE.findall(text or ""):
            assert unquote(path) in stored_paths(backup, *area), (path, area)


# --- ids and references ----------------------------------------------------------------------------------

@pytest.mark.parametrize("which", COURSES)
def test_ids_and_references_are_consistent(which, request, backups):
    backup = backups(request.getfixturevalue(which))
    files, info = backup.archive.files, backup.info
    section_ids = {s.id for s in backup.sections}
    assert [s.number for s in backup.sections] == list(range(len(backup.sections)))
    contexts = set()
    for cmid, a in backup.activities.items():
        assert a.directory == f"activities/{a.modname}_{cmid}"
        assert a.module.get("id") == cmid and a.field("modulename") == a.modname
        assert a.instance.get("moduleid") == cmid and a.instance.get("modulename") == a.modname
        assert a.row.tag == a.modname and a.row.get("id") == a.instance.get("id")
        assert a.field("sectionid") in section_ids
        section = next(s for s in backup.sections if s.id == a.field("sectionid"))
        assert int(a.field("sectionnumber")) == section.number and section.sequence.count(cmid) == 1
        contexts.add(a.instance.get("contextid"))
        for name in ("roles", "filters", "comments", "calendar", "competencies", "completion", "grades",
                     "grade_history", "xapistate"):
            assert f"{a.directory}/{name}.xml" in files
    assert len(contexts) == len(backup.activities) and not contexts & {"1", "2"}
    assert sorted(m for s in backup.sections for m in s.sequence) == sorted(backup.activities)
    # moodle_backup.xml's settings name every section and activity it lists
    settings = {(value(s, "level"), value(s, "name")): value(s, "value") for s in info.iterfind("settings/setting")}
    for s in info.iterfind("contents/sections/section"):
        assert settings[("section", f"section_{value(s, 'sectionid')}_included")] == "1"
    for a in backup.activities.values():
        assert settings[("activity", f"{a.modname}_{a.moduleid}_included")] == "1"
    assert settings[("root", "users")] == "0" and settings[("root", "activities")] == "1"
    # the question bank's categories live in its context; each parent exists; one top category
    qbank = [a for a in backup.activities.values() if a.modname == "qbank"]
    assert len(qbank) == 1 and qbank[0].field("sectionnumber") == "0"
    cat_ids = {c.id for c in backup.categories}
    for c in backup.categories:
        assert (c.contextid, c.contextlevel, c.contextinstanceid) == (qbank[0].instance.get("contextid"), "70",
                                                                      qbank[0].moduleid)
        assert c.parent == "0" or c.parent in cat_ids
    assert [c.parent for c in backup.categories].count("0") == 1
    assert {r.text for r in qbank[0].inforef.iterfind("question_categoryref/question_category/id")} == cat_ids
    question_ids = [q.id for c in backup.categories for q in c.questions]
    answer_ids = [a.id for c in backup.categories for q in c.questions for a in q.answers]
    stamps = [c.stamp for c in backup.categories] + [value(q.el, "stamp") for c in backup.categories for q in c.questions]
    assert len(set(question_ids)) == len(question_ids) and len(set(answer_ids)) == len(answer_ids)
    assert len(set(stamps)) == len(stamps) and all(len(s) <= 255 for s in stamps)
    # quizzes refer to the bank and to their own grade item
    for a in backup.activities.values():
        if a.modname != "quiz":
            continue
        for slot in random_draws(a):
            assert slot["usingcontextid"] == a.instance.get("contextid")
            assert slot["questionscontextid"] == qbank[0].instance.get("contextid")
            assert slot["filter"]["filter"]["category"]["values"][0] in {int(i) for i in cat_ids}
        item = grade_item(backup.archive, a)
        assert value(item, "iteminstance") == a.row.get("id") and value(item, "itemmodule") == "quiz"
        assert {r.text for r in a.inforef.iterfind("grade_itemref/grade_item/id")} == {item.get("id")}
        used = {str(s["filter"]["filter"]["category"]["values"][0]) for s in random_draws(a)}
        assert used <= {r.text for r in a.inforef.iterfind("question_categoryref/question_category/id")}


# --- the course a restore builds -------------------------------------------------------------------------

def plain(name: str | None) -> str:
    """A name as Moodle shows it (names are stored as HTML text)."""
    return html.unescape(name or "")


@pytest.mark.parametrize("which", COURSES)
def test_outline_sections_pages_and_quizzes(which, request, backups):
    course = request.getfixturevalue(which)
    backup = backups(course)
    general, *sections = backup.sections
    assert [backup.activities[m].modname for m in general.sequence] == ["qbank"]
    assert len(sections) == len(course.groups)
    for section, group in zip(sections, course.groups):
        assert plain(section.name) == group.title.strip()
        expected = []
        for p in group.pages:
            expected.append(("page", p.title))
            if p.quiz:
                expected.append(("quiz", f"Quiz: {p.title}"))
        found = [(backup.activities[m].modname, plain(backup.activities[m].name)) for m in section.sequence]
        assert found == expected
        if group.page is not None:  # the chapter page's first paragraph introduces the section
            assert text_of(section.summary) and text_of(section.summary) in text_of(group.page.body_html)
    pages = [a for a in backup.in_order() if a.modname == "page"]
    for activity, p in zip(pages, course.pages):
        content = text_of(value(activity.row, "content"))
        assert text_of(p.body_html)[:200] in content
        assert text_of(p.after_html) in content
        assert value(activity.row, "contentformat") == "1"


@pytest.mark.parametrize("which", COURSES)
def test_completion_and_the_order_lock(which, request, backups):
    backup = backups(request.getfixturevalue(which))
    ordered = [a for a in backup.in_order() if a.modname != "qbank"]
    for before, a in zip([None] + ordered, ordered):
        if a.modname == "page":
            assert (a.field("completion"), a.field("completionview")) == ("2", "1")
        else:  # a quiz is complete when passed
            assert (a.field("completion"), a.field("completionpassgrade"), a.field("completiongradeitemnumber")) \
                == ("2", "1", "0")
        if before is None:
            assert a.availability is None
        else:  # after a quiz: "complete and passed" (COMPLETION_COMPLETE_PASS), so the lock says to pass it
            expected = 2 if before.modname == "quiz" else 1
            assert a.availability == {"op": "&", "showc": [True],
                                      "c": [{"type": "completion", "cm": int(before.moduleid), "e": expected}]}
    assert any(a.modname == "quiz" for a in ordered[:-1])  # the course has a lock after a quiz


@pytest.mark.parametrize("which", COURSES)
def test_the_restored_course_starts_on_a_date_the_restore_can_roll(which, request, backups):
    """Not 0 (1 January 1970 in Moodle's course lists): a fixed date, in the backup's information too, because
    Moodle's restore moves the start date (the wizard's "Course start date") only when the backup has one
    (restore_step::apply_date_offset). Fixed: no clock in the artifact; never in the future on a Moodle 5.1."""
    import calendar

    backup = backups(request.getfixturevalue(which))
    course = backup.archive.xml("course/course.xml")
    info = backup.archive.xml("moodle_backup.xml").find("information")
    moodle_51 = calendar.timegm((2025, 10, 6, 0, 0, 0))  # Moodle 5.1's release (the backup's version)
    assert int(value(course, "startdate")) == int(value(info, "original_course_startdate")) == moodle_51
    assert value(course, "enddate") == value(info, "original_course_enddate") == "0"  # no end date


@pytest.mark.parametrize("which", COURSES)
def test_each_quiz_draws_data_n_from_its_page_category(which, request, backups):
    course = request.getfixturevalue(which)
    backup = backups(course)
    quizzes = [a for a in backup.in_order() if a.modname == "quiz"]
    expected = expected_quizzes(course)
    assert len(quizzes) == len(expected) == len(course.quizzes)
    for activity, exp in zip(quizzes, expected):
        n = sum(exp.items.values())
        draw = min(exp.draw, n)
        slots = random_draws(activity)
        assert [s["slot"] for s in slots] == list(range(1, draw + 1))
        assert {s["page"] for s in slots} == {"1"} and {s["maxmark"] for s in slots} == {1.0}
        assert {(s["component"], s["questionarea"]) for s in slots} == {("mod_quiz", "slot")}
        (category_id,) = {s["filter"]["filter"]["category"]["values"][0] for s in slots}
        assert all(s["filter"]["filter"]["category"]["filteroptions"]["includesubcategories"] is False for s in slots)
        category = backup.category(str(category_id))
        assert plain(category.name) == exp.page_title.strip() and len(category.questions) == n
        row = activity.row
        assert float(value(row, "grade")) == float(value(row, "sumgrades")) == draw
        item = grade_item(backup.archive, activity)
        assert float(value(item, "grademax")) == float(value(item, "gradepass")) == draw  # every drawn one right
        assert value(row, "attempts_number") == "0" and value(row, "preferredbehaviour") == "deferredfeedback"
        for review in ("reviewrightanswer", "reviewgeneralfeedback", "reviewspecificfeedback", "reviewcorrectness"):
            assert int(value(row, review)) & IMMEDIATELY_AFTER, review
        assert text_of(value(row, "intro"))


@pytest.mark.parametrize("which", COURSES + ["plain_corpus_course", "plain_awkward"])
def test_every_item_once_with_answers_and_explanation(which, request, backups):
    course = request.getfixturevalue(which)
    check_items(course, backups(course))


BACKUP_TYPES = {"truefalse": "truefalse", "choice": "multichoice", "multiple": "multichoice",
                "short": "shortanswer", "numeric": "numerical", "matching": "match", "essay": "essay"}


def backup_answer(q) -> str:
    """The question's answer as itemcheck writes it, from the backup's rows for its qtype."""
    if q.qtype == "truefalse":
        return next(a.text for a in q.answers if a.fraction == 1.0)
    if q.qtype == "multichoice":
        return choices_answer(text_of(a.text) for a in q.answers if a.fraction > 0)
    if q.qtype == "shortanswer":  # Moodle reads * as any text: an accepted answer's own * is escaped
        assert [a.text for a in q.answers if a.fraction != 1.0] in ([], ["*"]), "only the catch-all scores nothing"
        return short_answer(a.text.replace("\\*", "*") for a in q.answers if a.fraction == 1.0)
    if q.qtype == "numerical":
        tolerance = {r.findtext("answer"): r.findtext("tolerance") for r in
                     q.el.iterfind("plugin_qtype_numerical_question/numerical_records/numerical_record")}
        [right] = [a for a in q.answers if a.fraction == 1.0]
        return margin_answer(right.text, tolerance[right.id])
    if q.qtype == "match":
        matches = [(text_of(value(m, "questiontext")), text_of(value(m, "answertext")))
                   for m in q.el.iterfind("plugin_qtype_match_question/matches/match")]
        return matching_answer([(left, right) for left, right in matches if left], [right for _, right in matches])
    assert q.qtype == "essay" and not q.answers, q.qtype
    return ESSAY_ANSWER


def check_items(course, backup: Backup) -> None:
    """Every item of every quiz in its page's category, with its answers and explanation (also used by
    test_plain_property)."""
    quizzes = [a for a in backup.in_order() if a.modname == "quiz"]
    for activity, exp in zip(quizzes, expected_quizzes(course)):
        category = backup.category(str(random_draws(activity)[0]["filter"]["filter"]["category"]["values"][0]))
        true_false = exp.labels == ("True", "False")
        found = Counter()
        for q in category.questions:
            key = item_key(strip_stimulus(text_of(q.text), exp.stimulus), backup_answer(q), text_of(q.general))
            found[key] += 1
            assert q.name.strip() and len(q.name) <= 255
            if key not in exp.labelled:
                if key in exp.kinds:
                    assert q.qtype == BACKUP_TYPES[exp.kinds[key]], key
                continue
            assert q.qtype == ("truefalse" if true_false else "multichoice")
            assert sorted(a.fraction for a in q.answers) == [0.0, 1.0]
            if true_false:
                assert [a.text for a in q.answers] == ["True", "False"]
                assert (q.options["trueanswer"], q.options["falseanswer"]) == (q.answers[0].id, q.answers[1].id)
            else:
                assert [text_of(a.text) for a in q.answers] == [label.strip() for label in exp.labels]
                assert (q.options["single"], q.options["shuffleanswers"], q.options["answernumbering"]) == \
                    ("1", "0", "none")
            label = key[1]
            # each answer's feedback is the verdict, as in Moodle XML (the explanation is the general feedback)
            assert {a.fraction: text_of(a.feedback) for a in q.answers} == \
                {1.0: "Right.", 0.0: f"Not quite: the right answer is {label}."}
        assert found == exp.items
    idnumbers = [q.idnumber for c in backup.categories for q in c.questions]
    assert len(idnumbers) == len(set(idnumbers)) == len(course.items)


def test_corpus_counts(any_corpus_course, backups):
    corpus_course = any_corpus_course
    backup = backups(corpus_course)
    kinds = Counter(a.modname for a in backup.activities.values())
    assert kinds == {"page": 58, "quiz": 51, "qbank": 1}
    assert len(backup.sections) == 1 + 5
    quizzes = [a for a in backup.in_order() if a.modname == "quiz"]
    assert sum(len(random_draws(a)) for a in quizzes) == sum(q.draw for q in corpus_course.quizzes) == 51 * 6
    assert {float(value(grade_item(backup.archive, a), "gradepass")) for a in quizzes} == {6.0}
    questions = [q for c in backup.categories for q in c.questions]
    assert len(questions) == 644
    assert Counter(q.qtype for q in questions) == {"truefalse": 316, "multichoice": 328}


def test_sample_links_and_images(sample_course, backups):
    backup = backups(sample_course)
    pages = {plain(a.name): a for a in backup.activities.values() if a.modname == "page"}
    by_title = {p.title: p for p in sample_course.pages}
    seen_link = seen_image = 0
    for title, activity in pages.items():
        content = value(activity.row, "content")
        assert 'href="' not in content or ".html" not in re.sub(r'href="https?://[^"]*"', "", content), title
        for cmid, _frag in PAGELINK.findall(content):
            assert backup.activities[cmid].modname == "page"
            seen_link += 1
        for path in PLUGINFILE.findall(content):
            assert unquote(path) in sample_course.files
            seen_image += 1
        assert title in by_title
    assert seen_link >= 2 and seen_image >= 2
    welcome = pages["Welcome to Safe Cycling in Town"]
    target = backup.activities[PAGELINK.findall(value(welcome.row, "content"))[0][0]]
    assert plain(target.name) == "Checking your bike"


def test_preface_section_is_titled_after_the_course(sample_course, backups):
    backup = backups(sample_course)
    first = backup.sections[1]
    assert sample_course.preface and plain(first.name) == sample_course.title
    assert text_of(first.summary) == sample_course.description


def test_awkward_names_survive(awkward, backups):
    backup = backups(awkward)
    assert plain(backup.sections[1].name) == AWKWARD_TITLE
    names = [plain(a.name) for a in backup.in_order()]
    assert "Labels: Ja & Nein" in names and "Quiz: True/False ]]> page" in names
    texts = " ".join(text_of(q.text) + text_of(q.general) for c in backup.categories for q in c.questions)
    for piece in ("Fish & chips < 5 > 2", "]]> end", "中文", "🚲🙂", "heart \u2764 here"):
        assert piece in texts


def test_long_titles_fit_moodles_name_columns(tmp_path, artifact):
    long_title = "A very long page title " * 20 + "& <more>"
    folder = write_course(tmp_path / "c", {
        "a.md": page(long_title, 0, "Text.\n\n" + quiz(1, ITEMS), kind="chapter"),
    })
    course, _ = read_course(folder)
    backup = read(artifact(FMT, course))
    names = [a.name for a in backup.activities.values()] + [s.name or "" for s in backup.sections]
    names += [c.name for c in backup.categories] + [q.name for c in backup.categories for q in c.questions]
    assert all(len(n) <= 255 for n in names)
    assert any(plain(n).startswith("A very long page title") for n in names)


def test_quiz_images_travel_in_the_question_file_areas(tmp_path):
    """Unlike Moodle XML and cartridges, the backup carries an image shown in quiz text: no warning, the file
    in the question's `questiontext` area."""
    folder = write_course(tmp_path / "c", {
        "a.md": page("Signs", 0, "Text.\n\n" + quiz(1, ITEMS, stimulus="![A stop sign](img/stop.png)"), kind="chapter"),
    })
    (folder / "img").mkdir()
    (folder / "img" / "stop.png").write_bytes(b"\x89PNG\r\n\x1a\nstop")
    r = run_cli("build", folder, "--out", tmp_path / "out", "--format", FMT, "--json")
    assert r.returncode == 0, r.stderr
    assert not [w for w in __import__("json").loads(r.stdout)["warnings"] if "stop.png" in w]
    backup = read((tmp_path / "out" / "c-moodle.mbz").read_bytes())
    qbank = next(a for a in backup.activities.values() if a.modname == "qbank")
    for q in backup.categories[-1].questions:
        assert '@@PLUGINFILE@@/img/stop.png' in q.text
        assert stored_paths(backup, qbank.instance.get("contextid"), "question", "questiontext", q.id) == {"img/stop.png"}


def test_build_names_the_artifact_and_lists_the_format(tmp_path):
    r = run_cli("build", SAMPLE, "--out", tmp_path, "--format", FMT)
    assert r.returncode == 0, r.stderr
    artifacts = sorted(p.name for p in tmp_path.iterdir() if p.name != "report.html")  # the build's report beside it
    assert artifacts == ["safe-cycling-moodle.mbz"]
    assert "moodle-backup" in (tmp_path / "report.html").read_text(encoding="utf-8")
    first = (tmp_path / "safe-cycling-moodle.mbz").read_bytes()
    r = run_cli("build", SAMPLE, "--out", tmp_path, "--format", FMT)
    assert (tmp_path / "safe-cycling-moodle.mbz").read_bytes() == first


def test_quiz_links_to_pages_become_moodle_page_links(tmp_path, artifact):
    """An explanation that links to another course page links to that Page activity (Moodle decodes
    $@PAGEVIEWBYID*cmid@$ in question texts and general feedback on restore)."""
    items = [("Brakes first.", "Y", 'See <a href="b.md#check">the check</a>.'), *ITEMS[1:]]
    folder = write_course(tmp_path / "c", {
        "a.md": page("First", 0, "Text.\n\n" + quiz(1, items), kind="chapter"),
        "b.md": page("Second", 1, "More text.\n"),
    })
    course, _ = read_course(folder)
    backup = read(artifact(FMT, course))
    second = next(a for a in backup.activities.values() if a.modname == "page" and plain(a.name) == "Second")
    (q,) = [q for c in backup.categories for q in c.questions if "Brakes first." in q.text]
    assert f'href="$@PAGEVIEWBYID*{second.moduleid}@$#check"' in q.general


def test_german_course_speaks_german(artifact):
    """The words the backup adds (quiz rule, the note after a page, the verdicts) come from the course's catalog."""
    from conftest import packaged

    german = packaged(SAMPLE, language="de")
    backup = read(artifact(FMT, german))
    quizzes = [a for a in backup.in_order() if a.modname == "quiz"]
    assert quizzes and all(re.search(r"Jeder Versuch stellt (\d+ der \d+|alle \d+) Fragen zu dieser Seite; Sie "
                                     r"bestehen, wenn (jede|Ihre) Antwort richtig ist\.", text_of(value(a.row, "intro")))
                           for a in quizzes)
    pages = [a for a in backup.in_order() if a.modname == "page"]
    assert any("folgt ihr in diesem Abschnitt" in text_of(value(a.row, "content")) for a in pages)
    feedback = {text_of(a.feedback) for c in backup.categories for q in c.questions for a in q.answers}
    assert "Richtig." in feedback and any(f.startswith("Nicht ganz: Die richtige Antwort ist") for f in feedback)
    bank = next(a for a in backup.activities.values() if a.modname == "qbank")
    assert plain(bank.name) == f"Fragen: {german.title}"
