"""Our artifacts through a real Moodle 5.1 (marker `moodle`: `python -m pytest -m moodle`; install the site with
scripts/moodle-site). Each test imports with Moodle's own code, then reads back what Moodle stored, from its
database (psql) or from the JSON of our import scripts (tests/moodle/), and compares it with the course:

- the course backup (`moodle-backup`) restored by `admin/cli/restore_backup.php` into a new course and into an
  existing one: sections, pages with their files and links, quizzes with their random draws, grades to pass,
  completion and the order lock, every question with its answers and feedback, a restore log free of warnings,
  and an attempt started at every quiz drawing its questions from the right category;
- `scorm12` through the SCORM activity form (import_scorm.php), `moodle` (Moodle XML) through the question bank
  import (import_questions.php) and `cc11` through the cartridge restore (import_cartridge.php).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape

import pytest
from itemcheck import (ESSAY_ANSWER, choices_answer, expected_quizzes, item_key, margin_answer, matching_answer,
                       short_answer, strip_stimulus, text_of)

from exporter.writers import WRITERS
from exporter.writers.moodle.backup.course import START_DATE

pytestmark = pytest.mark.moodle

COURSES = ["sample_course", "corpus_course"]


@pytest.fixture(scope="module")
def awkward(tmp_path_factory):
    """Markup characters, ]]>, scripts other than Latin, emoji in names and texts (tests/support/coursekit.py)."""
    from coursekit import awkward_course

    from exporter.source.reader import read_course

    course, _ = read_course(awkward_course(tmp_path_factory.mktemp("awkward")))
    return course


IMMEDIATELY_AFTER = 0x1000


@pytest.fixture(scope="module")
def files(tmp_path_factory, artifact):
    """files(fmt, course) -> path of the artifact written to disk (once per module)."""
    folder = tmp_path_factory.mktemp("moodle-artifacts")
    made = {}

    def get(fmt: str, course):
        key = (fmt, id(course))
        if key not in made:
            from exporter.writers import WRITERS

            path = folder / WRITERS[fmt]().filename(course)
            path.write_bytes(artifact(fmt, course))
            made[key] = path
        return made[key]

    return get


def run_restore(moodle, path, **target) -> int:
    """`admin/cli/restore_backup.php` (Moodle's own), debugging on; the id of the course it restored into."""
    args = [moodle.dir / "admin" / "cli" / "restore_backup.php", f"--file={path}", "--showdebugging"]
    args += [f"--{k}={v}" for k, v in target.items()]
    r = moodle.php(*args)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    for noise in ("Debug info", "Warning:", "Notice:", "Deprecated:", "Coding error", "Exception"):
        assert noise not in out, out[-3000:]
    found = re.search(r"Restored course ID: (\d+)", out)
    assert found, out[-2000:]
    course_id = int(found.group(1))
    problems = moodle.sql(f"""select l.loglevel, l.message from mdl_backup_logs l
        join mdl_backup_controllers c on c.backupid = l.backupid
        where c.operation = 'restore' and c.itemid = {course_id} and l.loglevel <= 30""")  # LOG_WARNING or worse
    assert problems == [], problems
    return course_id


def new_course(moodle, shortname: str) -> int:
    """An ordinary empty course, made as the course form would (create_course)."""
    code = (f"define('CLI_SCRIPT', 1); require '{moodle.dir}/config.php'; require_once $CFG->dirroot.'/course/lib.php';"
            f"$n = '{shortname}-' . time(); "
            "echo create_course((object)['fullname' => 'Existing ' . $n, 'shortname' => $n, 'category' => 1])->id;")
    r = moodle.php("-r", code)
    assert r.returncode == 0 and r.stdout.strip().isdigit(), r.stdout + r.stderr
    return int(r.stdout.strip())


def stored_course(moodle, course_id: int) -> dict:
    """What Moodle stored for a course: sections, modules (with their contexts), pages, quizzes, slots, grade
    items, the question banks' categories and questions with answers, files."""
    modules = moodle.sql(f"""select cm.id, m.name as modname, cm.section, cm.instance, cm.completion,
            cm.completionview, cm.completionpassgrade, cm.completiongradeitemnumber, cm.availability, cm.visible,
            ctx.id as contextid
        from mdl_course_modules cm join mdl_modules m on m.id = cm.module
        left join mdl_context ctx on ctx.instanceid = cm.id and ctx.contextlevel = 70
        where cm.course = {course_id} and cm.deletioninprogress = 0""")
    banks = [m["contextid"] for m in modules if m["modname"] == "qbank"] or [0]
    contexts = [m["contextid"] for m in modules if m["contextid"]] or [0]  # a new course's forum may have none yet
    return {
        "course": moodle.sql(f"select id, fullname, enablecompletion, startdate, enddate from mdl_course "
                             f"where id = {course_id}")[0],
        "sections": moodle.sql(f"""select id, section, name, summary, sequence from mdl_course_sections
            where course = {course_id} order by section"""),
        "modules": {m["id"]: m for m in modules},
        "pages": {p["id"]: p for p in moodle.sql(f"select id, name, content from mdl_page where course = {course_id}")},
        "quizzes": {q["id"]: q for q in moodle.sql(f"""select id, name, intro, grade, sumgrades, attempts,
            preferredbehaviour, reviewrightanswer, reviewgeneralfeedback, reviewspecificfeedback, reviewcorrectness
            from mdl_quiz where course = {course_id}""")},
        "slots": moodle.sql(f"""select s.quizid, s.slot, s.page, s.maxmark, r.usingcontextid, r.questionscontextid,
                r.filtercondition
            from mdl_quiz_slots s join mdl_quiz q on q.id = s.quizid
            left join mdl_question_set_references r on r.itemid = s.id and r.component = 'mod_quiz'
                and r.questionarea = 'slot'
            where q.course = {course_id} order by s.quizid, s.slot"""),
        "grades": {g["iteminstance"]: g for g in moodle.sql(f"""select iteminstance, grademax, gradepass
            from mdl_grade_items where courseid = {course_id} and itemmodule = 'quiz'""")},
        "categories": {c["id"]: c for c in moodle.sql(f"""select id, name, parent, contextid
            from mdl_question_categories where contextid in ({','.join(map(str, banks))})""")},
        "questions": moodle.sql(f"""select e.questioncategoryid as category, q.id, q.qtype, q.name, q.questiontext,
                q.generalfeedback,
                (select json_agg(json_build_object('answer', a.answer, 'fraction', a.fraction,
                    'feedback', a.feedback, 'tolerance', n.tolerance) order by a.id) from mdl_question_answers a
                    left join mdl_question_numerical n on n.answer = a.id where a.question = q.id) as answers,
                (select json_agg(json_build_object('questiontext', m.questiontext, 'answertext', m.answertext)
                    order by m.id) from mdl_qtype_match_subquestions m where m.questionid = q.id) as subquestions
            from mdl_question q join mdl_question_versions v on v.questionid = q.id
            join mdl_question_bank_entries e on e.id = v.questionbankentryid
            join mdl_question_categories c on c.id = e.questioncategoryid
            where c.contextid in ({','.join(map(str, banks))}) order by q.id"""),
        "files": moodle.sql(f"""select contextid, component, filearea, itemid, filepath, filename, filesize
            from mdl_files where filename <> '.' and contextid in ({','.join(map(str, contexts))})"""),
    }


def check_restored(course, stored: dict, existing: bool) -> dict:
    """The restored course against the course model; returns the numbers Moodle stored."""
    sections = stored["sections"]
    modules = stored["modules"]
    # the outline: section 0 holds the bank (and an existing course's own forum), then a section per chapter
    general = [modules[int(m)]["modname"] for m in sections[0]["sequence"].split(",") if m]
    assert general.count("qbank") == 1 and set(general) <= ({"qbank", "forum"} if existing else {"qbank"})
    chapters = sections[1:]
    assert len(chapters) == len(course.groups)
    ordered = []
    for section, group in zip(chapters, course.groups):
        assert unescape(section["name"]) == group.title.strip()
        cms = [modules[int(m)] for m in section["sequence"].split(",") if m]
        names = []
        for cm in cms:
            table = stored["pages"] if cm["modname"] == "page" else stored["quizzes"]
            names.append((cm["modname"], unescape(table[cm["instance"]]["name"])))
        expected = []
        for p in group.pages:
            expected.append(("page", p.title))
            if p.quiz:
                expected.append(("quiz", f"Quiz: {p.title}"))
        assert names == expected
        ordered += cms
    # completion and the order lock: each activity opens when the one before is complete (a quiz: passed)
    for before, cm in zip([None] + ordered, ordered):
        if cm["modname"] == "page":
            assert (cm["completion"], cm["completionview"]) == (2, 1)
        else:
            assert (cm["completion"], cm["completionpassgrade"], cm["completiongradeitemnumber"]) == (2, 1, 0)
        if before is None:
            assert cm["availability"] is None
        else:
            expected = 2 if before["modname"] == "quiz" else 1  # after a quiz: complete and passed
            assert json.loads(cm["availability"]) == {"op": "&", "showc": [True],
                                                      "c": [{"type": "completion", "cm": before["id"], "e": expected}]}
    # pages: text, their files stored in their own area, links to other pages pointing at the restored pages
    page_cms = {cm["instance"]: cm for cm in ordered if cm["modname"] == "page"}
    page_by_cm = {cm["id"]: stored["pages"][cm["instance"]] for cm in page_cms.values()}
    files = Counter()
    for cm, p in zip([c for c in ordered if c["modname"] == "page"], course.pages):
        content = stored["pages"][cm["instance"]]["content"]
        assert text_of(p.body_html)[:200] in text_of(content)
        for path in re.findall(r'src="@@PLUGINFILE@@/([^"]+)"', content):
            assert any(f["contextid"] == cm["contextid"] and f["component"] == "mod_page" and f["filearea"] == "content"
                       and f["filepath"] + f["filename"] == "/" + path for f in stored["files"]), path
            files["page images"] += 1
        for target in re.findall(r'href="[^"]*/mod/page/view\.php\?id=(\d+)', content):
            assert int(target) in page_by_cm, target  # a page of this course, restored
            files["page links"] += 1
        assert "$@PAGEVIEWBYID" not in content and ".html" not in re.sub(r'href="https?://[^"]*"', "", content)
    # quizzes: data-n random slots from the page's own category of the restored bank, pass = all right
    quiz_cms = [cm for cm in ordered if cm["modname"] == "quiz"]
    bank = next(m for m in modules.values() if m["modname"] == "qbank" and any(
        c["contextid"] == m["contextid"] and c["parent"] != 0 for c in stored["categories"].values()))
    questions_by_category: dict[int, list] = {}
    for q in stored["questions"]:
        questions_by_category.setdefault(q["category"], []).append(q)
    draws = []
    for cm, exp in zip(quiz_cms, expected_quizzes(course)):
        quiz = stored["quizzes"][cm["instance"]]
        slots = [s for s in stored["slots"] if s["quizid"] == quiz["id"]]
        n = sum(exp.items.values())
        draw = min(exp.draw, n)
        assert [s["slot"] for s in slots] == list(range(1, draw + 1))
        assert all(s["filtercondition"] and s["questionscontextid"] == bank["contextid"]
                   and s["usingcontextid"] == cm["contextid"] and s["maxmark"] == 1 for s in slots)
        # the restore writes the new category id as a number or as a string: Moodle reads either
        (category_id,) = {int(json.loads(s["filtercondition"])["filter"]["category"]["values"][0]) for s in slots}
        category = stored["categories"][category_id]
        assert category["contextid"] == bank["contextid"] and unescape(category["name"]) == exp.page_title.strip()
        grade = stored["grades"][quiz["id"]]
        assert float(quiz["grade"]) == float(quiz["sumgrades"]) == float(grade["grademax"]) == \
            float(grade["gradepass"]) == draw
        assert quiz["attempts"] == 0 and quiz["preferredbehaviour"] == "deferredfeedback"
        for review in ("reviewrightanswer", "reviewgeneralfeedback", "reviewspecificfeedback", "reviewcorrectness"):
            assert quiz[review] & IMMEDIATELY_AFTER, review
        check_questions(questions_by_category[category_id], exp)
        draws.append(draw)
    return {"sections": len(chapters), "pages": len(page_cms), "quizzes": len(quiz_cms), "slots": sum(draws),
            "draws": Counter(draws), "questions": len(stored["questions"]),
            "gradepass=grademax": sum(1 for g in stored["grades"].values() if g["gradepass"] == g["grademax"]),
            "restricted": sum(1 for cm in ordered if cm["availability"]), **files}


def check_attempts_draw(moodle, course_id: int, stored: dict) -> int:
    """Start an attempt at every quiz (tests/moodle/quiz_draws.php, Moodle's own attempt code): each draws as many
    distinct questions as it has random slots, all from the category its slots name. Returns the attempts made."""
    r = moodle.php(moodle.scripts / "quiz_draws.php", str(course_id))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    attempts = json.loads(r.stdout)
    assert len(attempts) == len(stored["quizzes"])
    for quiz_id, attempt in attempts.items():
        slots = [s for s in stored["slots"] if s["quizid"] == int(quiz_id)]
        categories = {int(json.loads(s["filtercondition"])["filter"]["category"]["values"][0]) for s in slots}
        drawn = attempt["drawn"]
        assert len(drawn) == len(slots) and len({q for q, _ in drawn}) == len(drawn)
        assert {c for _, c in drawn} == categories
    return len(attempts)


MOODLE_QTYPE = {"truefalse": "truefalse", "choice": "multichoice", "multiple": "multichoice",
                "short": "shortanswer", "numeric": "numerical", "matching": "match", "essay": "essay"}


def answered_with_labels(q: dict, exp) -> bool:
    """Whether a stored question is one of the quiz's statements: a truefalse, or two answers reading as its labels."""
    answers = q["answers"] or []  # an essay has none
    return q["qtype"] == "truefalse" or (len(answers) == len(exp.labels) == 2 and [
        text_of(a["answer"]) for a in answers] == [label.strip() for label in exp.labels])


def stored_answer(q: dict) -> str:
    """A typed question's answer as itemcheck writes it, from what Moodle stored for its type."""
    answers = q["answers"] or []
    if q["qtype"] == "multichoice":
        return choices_answer(text_of(a["answer"]) for a in answers if float(a["fraction"]) > 0)
    if q["qtype"] == "shortanswer":  # Moodle reads * as any text: an accepted answer's own * is escaped
        assert [a["answer"] for a in answers if float(a["fraction"]) != 1] in ([], ["*"])
        return short_answer(a["answer"].replace("\\*", "*") for a in answers if float(a["fraction"]) == 1)
    if q["qtype"] == "numerical":
        [right] = [a for a in answers if float(a["fraction"]) == 1]
        return margin_answer(right["answer"], str(right["tolerance"]))
    if q["qtype"] == "match":
        subs = [(text_of(s["questiontext"]), text_of(s["answertext"])) for s in q["subquestions"] or []]
        return matching_answer([(left, right) for left, right in subs if left], [right for _, right in subs])
    assert q["qtype"] == "essay" and not answers, q["qtype"]
    return ESSAY_ANSWER


def check_questions(questions: list, exp) -> None:
    """Every item of the quiz once, as Moodle stored it. A statement: its type, both answers in the author's order,
    the right one, the explanation as general feedback, each answer's feedback the verdict. A question of another
    kind: its Moodle type, and its answer as that type stores it (right choices, accepted answers, the number and
    its tolerance, the pairs and distractors), the explanation as general feedback."""
    true_false = exp.labels == ("True", "False")
    found = Counter()
    for q in questions:
        statement = strip_stimulus(text_of(q["questiontext"]), exp.stimulus)
        explanation = text_of(q["generalfeedback"])
        answers = q["answers"]
        if not answered_with_labels(q, exp):
            key = item_key(statement, stored_answer(q), explanation)
            assert key in exp.kinds and key not in exp.labelled, key
            assert q["qtype"] == MOODLE_QTYPE[exp.kinds[key]], (key, q["qtype"])
            found[key] += 1
            continue
        assert q["qtype"] == ("truefalse" if true_false else "multichoice")
        assert sorted(float(a["fraction"]) for a in answers) == [0.0, 1.0]
        texts = [a["answer"] if true_false else text_of(a["answer"]) for a in answers]
        assert texts == (["True", "False"] if true_false else [label.strip() for label in exp.labels])
        right = texts[[float(a["fraction"]) for a in answers].index(1.0)]
        assert {float(a["fraction"]): text_of(a["feedback"]) for a in answers} == \
            {1.0: "Right.", 0.0: f"Not quite: the right answer is {right}."}
        key = item_key(statement, right, explanation)
        assert key in exp.labelled, key
        found[key] += 1
    assert found == exp.items


@pytest.mark.parametrize("which", COURSES + ["awkward"])
def test_backup_restores_as_a_new_course(which, request, moodle, files):
    course = request.getfixturevalue(which)
    course_id = run_restore(moodle, files("moodle-backup", course), categoryid=1)
    stored = stored_course(moodle, course_id)
    assert stored["course"]["enablecompletion"] == 1
    assert unescape(stored["course"]["fullname"]).startswith(course.title)
    # the backup's start date (not 1970), which the restore wizard's "Course start date" can move; no end date
    assert (stored["course"]["startdate"], stored["course"]["enddate"]) == (START_DATE, 0)
    numbers = check_restored(course, stored, existing=False)
    numbers["attempts drawn"] = check_attempts_draw(moodle, course_id, stored)
    print(f"\n{which} restored as course {course_id}: {numbers}")
    assert numbers["pages"] == len(course.pages) and numbers["quizzes"] == len(course.quizzes)
    assert numbers["questions"] == len(course.items)
    if which == "corpus_course":
        assert (numbers["sections"], numbers["pages"], numbers["quizzes"], numbers["questions"]) == (5, 58, 51, 644)
        assert numbers["draws"] == {6: 51} and numbers["gradepass=grademax"] == 51
    elif which == "sample_course":
        assert numbers["page images"] >= 2 and numbers["page links"] >= 2


@pytest.mark.parametrize("which", COURSES)
def test_backup_restores_into_an_existing_course(which, request, moodle, files):
    course = request.getfixturevalue(which)
    target = new_course(moodle, f"mbz-{which}")
    assert run_restore(moodle, files("moodle-backup", course), courseid=target) == target
    stored = stored_course(moodle, target)
    numbers = check_restored(course, stored, existing=True)
    print(f"\n{which} restored into existing course {target}: {numbers}")
    assert numbers["questions"] == len(course.items) and numbers["quizzes"] == len(course.quizzes)
    # adding to a course keeps its settings: completion tracking is the course's own choice (README says so)
    assert stored["course"]["enablecompletion"] in (0, 1)


@pytest.mark.parametrize("which", COURSES)
def test_scorm12_package_in_moodle(which, request, moodle, files):
    course = request.getfixturevalue(which)
    r = moodle.php(moodle.scripts / "import_scorm.php", files("scorm12", course))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    got = json.loads(r.stdout)
    assert got["ok"] and got["scorm"]["version"] == "SCORM_1.2"
    scos = [s for s in got["scoes"] if s["scormtype"] == "sco"]
    assert [s["title"] for s in scos] == [p.title for p in course.pages]
    assert all(s["launch_file_in_package"] for s in scos)
    assert got["counts"]["launchable"] == len(course.pages)
    for before, sco, p in zip([None] + scos, scos, course.pages):
        assert sco["data"].get("prerequisites") == (before["identifier"] if before else None)
        assert sco["data"].get("masteryscore") == ("100" if p.quiz else None)
    clusters = [s for s in got["scoes"] if s["scormtype"] == "asset" and s["parent"] != "/"]
    assert [c["title"] for c in clusters] == [g.title for g in course.groups]
    print(f"\n{which} scorm12: {len(scos)} SCOs, {sum(1 for s in scos if s['data'].get('masteryscore'))} mastery 100")


@pytest.mark.parametrize("which", COURSES)
def test_moodle_xml_question_import(which, request, moodle, files):
    course = request.getfixturevalue(which)
    r = moodle.php(moodle.scripts / "import_questions.php", files("moodle", course), "--format=xml")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    got = json.loads(r.stdout)
    assert got["ok"] and got["imported"] == len(course.items) == len(got["questions"])
    by_page: dict[str, list] = {}
    for q in got["questions"]:
        page_title = unescape(q["category"].rsplit("/", 1)[-1])
        by_page.setdefault(page_title, []).append({**q, "generalfeedback": q["generalfeedback"],
                                                   "answers": [{**a, "answer": a["answer"]} for a in q["answers"]]})
    for exp in expected_quizzes(course):
        check_questions(by_page[exp.page_title.strip()], exp)
    print(f"\n{which} Moodle XML: {got['imported']} questions in {len(by_page)} categories")


@pytest.mark.parametrize("which", COURSES)
def test_cc11_cartridge_in_moodle(which, request, moodle, files):
    course = request.getfixturevalue(which)
    r = moodle.php(moodle.scripts / "import_cartridge.php", files("cc11", course))
    assert r.returncode in (0, 3), r.stdout[-2000:] + r.stderr[-2000:]  # 3: Moodle flagged something, below
    got = json.loads(r.stdout)
    modules = got["modules"]
    pages = [m for m in modules if m["modname"] == "page"]
    quizzes = [m for m in modules if m["modname"] == "quiz"]
    assert [m["name"] for m in pages] == [p.title for p in course.pages]
    assert [m["name"] for m in quizzes] == [f"Quiz: {p.title}" for p in course.pages if p.quiz]
    assert [s["summary"] for s in got["sections"]] == [g.title for g in course.groups]
    for quiz, exp in zip(quizzes, expected_quizzes(course, carried=WRITERS["cc11"].kinds)):  # no "draw N": all
        questions = [{"qtype": q["qtype"], "questiontext": q["questiontext"], "generalfeedback": q["generalfeedback"],
                      "answers": q["answers"]} for q in quiz["questions"]]
        assert len(questions) == sum(exp.items.values())
        check_cc_questions(questions, exp)
    print(f"\n{which} cc11: {len(got['sections'])} sections, {len(pages)} pages, {len(quizzes)} quizzes, "
          f"{sum(len(q['questions']) for q in quizzes)} questions; problems: {len(got['problems'])}")


def check_cc_questions(questions: list, exp) -> None:
    """A cartridge quiz's questions: type, the right answer, the explanation as general feedback (Moodle's CC
    import gives answers its own feedback, and joins the question's paragraphs without white space: texts are
    compared without it). A question of another kind than a statement: its Moodle type and its answer as that type
    stores it (a multiple-answers question: each right choice its share, as Moodle's CC import scores it)."""
    true_false = exp.labels == ("True", "False")
    found = Counter()
    squeezed = {(squeeze(s), r, squeeze(e)): key for key in exp.items for s, r, e in [key]}
    for q in questions:
        statement = strip_stimulus(squeeze(text_of(q["questiontext"])), squeeze(exp.stimulus))
        explanation = squeeze(text_of(q["generalfeedback"]))
        if not answered_with_labels(q, exp):
            key = squeezed.get((statement, stored_answer({**q, "subquestions": []}), explanation))
            assert key in exp.kinds and key not in exp.labelled, (statement, q["qtype"])
            assert q["qtype"] == MOODLE_QTYPE[exp.kinds[key]], (key, q["qtype"])
            found[key] += 1
            continue
        assert q["qtype"] == ("truefalse" if true_false else "multichoice")
        texts = [a["answer"] if true_false else text_of(a["answer"]) for a in q["answers"]]
        assert texts == (["True", "False"] if true_false else [label.strip() for label in exp.labels])
        right = texts[[float(a["fraction"]) for a in q["answers"]].index(1.0)]
        key = squeezed.get((statement, right, explanation))
        assert key in exp.labelled, (statement, right)
        found[key] += 1
    assert found == exp.items


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.xfail(strict=True, reason="cc11 links between pages (the build warns at each, docs/moodle.md says to "
                   "use the .mbz): Moodle's CC import turns a link to another page into a file of the Page "
                   "(@@PLUGINFILE@@/wiki_content/x.html) and then fails to migrate that file "
                   "('(moodle1) error migrating file course_files/wiki_content/...'), so the link is broken in Moodle")
def test_cc11_links_between_pages_survive(sample_course, moodle, files):
    r = moodle.php(moodle.scripts / "import_cartridge.php", files("cc11", sample_course))
    got = json.loads(r.stdout)
    assert r.returncode == 0 and got["problems"] == [], got["problems"]


# --- every question kind (issue 17): Moodle's own import, restore and question engine ----------------------------

@pytest.fixture(scope="module")
def kinds(tmp_path_factory):
    """A course with every question kind (tests/support/kindsmodel.py): quiz 1 one of each, quiz 2 draws 2 of 3 with an
    essay."""
    from kindsmodel import kinds_course

    return kinds_course(tmp_path_factory.mktemp("kinds") / "course")


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    """The source format's course with every kind (tests/support/coursekit.py typed_course), read by the reader."""
    from coursekit import typed_course

    from exporter.source.reader import read_course

    course, _ = read_course(typed_course(tmp_path_factory.mktemp("typed") / "course"))
    return course


@pytest.mark.parametrize("which", ["kinds", "typed", "sample_course"])
def test_moodle_xml_every_kind_imports_as_its_type(which, request, moodle, files):
    kinds = request.getfixturevalue(which)
    from decimal import Decimal

    r = moodle.php(moodle.scripts / "import_questions.php", files("moodle", kinds), "--format=xml")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    got = json.loads(r.stdout)
    assert got["ok"] and got["imported"] == len(kinds.items), got["messages"][-2000:]
    by_name = {unescape(q["name"]): q for q in got["questions"]}
    for item in kinds.items:
        q = next(q for name, q in by_name.items() if name.endswith(f"[{item.id.split('_', 1)[1]}]"))
        assert q["qtype"] == MOODLE_QTYPE[item.kind], item.id
        assert text_of(q["generalfeedback"]) == text_of(item.explanation_html)
        answers = q["answers"]
        if item.kind in ("choice", "multiple", "truefalse"):
            if q["qtype"] == "multichoice":
                assert int(q["options"]["single"]) == (item.kind != "multiple")
            fractions = [a["fraction"] for a in answers]
            assert [f > 0 for f in fractions] == [c.right for c in item.choices]
            assert round(sum(f for f in fractions if f > 0), 2) == 1  # Moodle's own check on multi-answer grades
            if item.kind == "multiple":
                assert sum(fractions) <= 0  # ticking every choice scores nothing
        elif item.kind == "short":
            assert q["options"]["usecase"] in (0, "0")
            assert [a["answer"] for a in answers if a["fraction"] == 1] == \
                [a.strip().replace("*", "\\*") for a in item.answers]
            assert [a["answer"] for a in answers if a["fraction"] != 1] == (["*"] if item.wrong_feedback_html else [])
        elif item.kind == "numeric":
            right = next(a for a in answers if a["fraction"] == 1)
            low, high = Decimal(right["answer"]) - Decimal(str(right["tolerance"])), \
                Decimal(right["answer"]) + Decimal(str(right["tolerance"]))
            assert (low, high) == (Decimal(item.numeric.low), Decimal(item.numeric.high)), item.id
        elif item.kind == "matching":
            assert [(text_of(s["questiontext"]), unescape(s["answertext"])) for s in q["subquestions"]] == \
                [(text_of(p.left_html), text_of(p.right_html)) for p in item.pairs]
        else:
            assert q["options"]["responseformat"] == "editor" and answers == []
    print(f"\nevery kind, Moodle XML: {Counter(q['qtype'] for q in got['questions'])}")


@pytest.mark.parametrize("which", ["kinds", "typed", "sample_course"])
def test_backup_every_kind_graded_by_moodle(which, request, moodle, files):
    """Restored, each question answered right scores full marks and answered wrong less, by Moodle's question
    engine (tests/moodle/grade_attempt.php); a quiz drawing an essay waits for a teacher before it passes."""
    kinds = request.getfixturevalue(which)
    course_id = run_restore(moodle, files("moodle-backup", kinds), categoryid=1)
    r = moodle.php(moodle.scripts / "grade_attempt.php", str(course_id))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    got = json.loads(r.stdout)
    assert len(got["questions"]) == len(kinds.items)
    for item in kinds.items:
        q = got["questions"][item.id[:100]]
        assert q["qtype"] == MOODLE_QTYPE[item.kind]
        if item.kind == "essay":  # a teacher grades it: no mark until then
            assert (q["right"]["state"], q["right"]["mark"]) == ("needsgrading", None)
            continue
        # right: full marks, as the grade book keeps them (5 decimals: three right choices of a multiple-answers
        # question are 0.3333333 each in Moodle's list of fractions, 0.9999999 in all)
        assert (q["right"]["state"], round(q["right"]["mark"], 5)) == ("gradedright", 1), (item.id, q["right"])
        assert q["wrong"]["mark"] < 1 and q["wrong"]["state"] != "gradedright", (item.id, q["wrong"])
        if item.kind == "multiple":
            assert q["all"]["mark"] == 0, q["all"]  # ticking everything
    quizzes = list(got["quizzes"].values())
    assert len(quizzes) == len(kinds.quizzes)
    for quiz, exp in zip(quizzes, kinds.quizzes):
        assert len(quiz["drawn"]) == exp.drawn
        essay = any(kind == "essay" for _, kind in quiz["drawn"])
        submitted = quiz["submitted"]
        assert submitted["gradepass"] == submitted["grademax"] == exp.drawn
        if essay:  # every answer right, but the essay is not graded yet: no grade, not passed
            assert quiz["needs_grading"] and submitted["grade"] is None and submitted["completion"] == 0
            graded = quiz["graded"]  # a teacher gave it full marks: passed
            assert graded["grade"] == exp.drawn and graded["completion"] == 2  # COMPLETION_COMPLETE_PASS
        else:
            assert submitted["grade"] == exp.drawn and submitted["completion"] == 2
    print(f"\nevery kind restored as course {course_id}: " + ", ".join(
        f"{q['qtype']} right {q['right']['mark']} wrong {q['wrong']['mark']}" for q in got["questions"].values()))
