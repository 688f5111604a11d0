"""`moodle-backup`: a Moodle course backup (`<id>-moodle.mbz`) that Moodle 5 restores as the whole course (tested: 5.1).

What a restore creates (Course reuse > Restore, into a new or an existing course):
- a section per chapter, named after it, its summary the chapter page's first paragraph (pages before the first
  chapter: a first section named after the course, the course description as its summary); section 0 holds
  only the course's question bank;
- a Page per course page, with its images and files in the Page's own file area, links between pages as
  Moodle's links to the Page activities;
- after each page with a quiz, a Quiz of `data-n` random questions drawn from that page's category of the
  question bank (a mod_qbank activity, where Moodle 5 keeps questions), one page, 1 mark each; grade to pass
  = all of them right; unlimited attempts; deferred feedback; after each attempt the review shows the right
  answer and the explanation;
- activity completion: a Page is complete when viewed, a Quiz when passed; each activity is restricted to the
  completion of the one before it, so the course opens in order;
- the question bank: a category per chapter, inside it a category per quiz page holding every item of that
  page's quiz, each as the Moodle question type of its kind with the grades and feedback of the Moodle XML format
  (`moodle.questiontypes`): True/False, multiple choice (one or several answers), short answer, numerical,
  matching, essay; the explanation as general feedback. A quiz that draws an essay is passed only once a teacher
  has graded it (docs/moodle.md).

The backup is written the way Moodle 5.1 writes its own (`backup/moodle2/`, each module's `backup/moodle2/`):
`moodle_backup.xml`, `course/`, `sections/`, `activities/`, `questions.xml`, `files.xml` and the file pool,
gzip'd tar. Ids are small numbers of its own (mbz_plan), so nothing depends on a site.
"""

from __future__ import annotations

from itertools import pairwise

import lxml.html
from markupsafe import Markup

from exporter.i18n.messages import messages_for
from exporter.ids import digest
from exporter.model import CHOICE_KINDS, KINDS, MATCHING, MULTIPLE, NUMERIC, SHORT, Course, Item, Page, Quiz
from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.layout import write_math
from exporter.writers.moodle.backup import (
    activities as mbz_activities,
)
from exporter.writers.moodle.backup import (
    course as mbz_course,
)
from exporter.writers.moodle.backup import (
    questions as mbz_questions,
)
from exporter.writers.moodle.backup.content import Area, Files, Linker
from exporter.writers.moodle.backup.plan import (
    Activity,
    Answer,
    Category,
    Match,
    Plan,
    Question,
    Section,
)
from exporter.writers.moodle.backup.xmldoc import db_name
from exporter.writers.moodle.moodlexml import short_id
from exporter.writers.moodle.questiontypes import NONE, ONE
from exporter.writers.packaging import TgzPackage
from exporter.writers.moodle import questiontypes as moodle_types
from exporter.writers.moodle.backup.activities import FORMAT_HTML
from exporter.xhtml import (
    parse_fragment,
    question_xhtml,
    text_html,
    to_xhtml,
    xml_chars,
)


def stamp(course: Course, key: str) -> str:
    """A question category's or question's stamp: stable for the same course and key (Moodle matches stamps
    when a backup is restored again into a course that already holds it)."""
    return f"exporter+{digest(course.identifier + '/' + key, 20)}"


class Planner:
    """Builds the plan: ids in course order, names and texts in Moodle's terms."""

    def __init__(self, course: Course, fragments=None, key=None):
        """`fragments`: the writer's store of kept question bank categories, `key(*parts)` their keys (None:
        every question is planned)."""
        self.course = course
        self.fragments, self.key = fragments, key
        self.quiz_files = {use.page for use in course.links if use.in_quiz and use.target.kind == "file"}
        self.texts = messages_for(course)  # every word this format adds, in the course's language
        self.files = Files(course)
        self.cmids: dict[str, int] = {}  # page id -> its Page's course module id
        self.linker = Linker(course, self.files, self.cmids)
        self.categories: list[Category] = []
        self.children: dict[int, int] = {}  # category id -> how many children it has so far
        self.questions = 0
        self.answers = 0
        self.matches = 0  # match subquestions
        self._context_key: str | None = None

    def plan(self) -> Plan:
        course = self.course
        general = Section(1, 0, None, "")
        qbank = Activity("qbank", 1, 1, db_name(self.texts.tr("backup.bank-name", "Questions: {course}",
                                                              course=course.title)), general)
        general.activities.append(qbank)
        self.qbank = qbank
        top = self.category(db_name("top"), "", 0, "top")
        sections = [general]
        moduleid, pages, quizzes = 1, 0, 0
        for n, group in enumerate(course.groups, start=1):
            section = Section(n + 1, n, db_name(group.title), "")
            sections.append(section)
            for page in group.pages:
                moduleid, pages = moduleid + 1, pages + 1
                self.cmids[page.id] = moduleid
                activity = Activity("page", moduleid, pages, db_name(page.title), section, page=page)
                section.activities.append(activity)
                if page.quiz is not None:
                    moduleid, quizzes = moduleid + 1, quizzes + 1
                    quiz = Activity("quiz", moduleid, quizzes, db_name(self.texts.quiz_title(page.title)), section,
                                    page=page, quiz=page.quiz)
                    section.activities.append(quiz)
        chapter_categories: dict[int, Category] = {}
        slot = 1
        for section, group in zip(sections[1:], course.groups):
            section.summary = self.summary(section, group.page)
            for activity in section.activities:
                if activity.modname == "page":
                    activity.content = self.page_content(activity)
                    continue
                if section.number not in chapter_categories:
                    chapter_categories[section.number] = self.category(section.name or "", "", top.id,
                                                                      f"chapter/{section.number}")
                activity.category = self.quiz_category(activity, chapter_categories[section.number].id, qbank)
                activity.intro = self.quiz_intro(activity)
                activity.first_slot, slot = slot, slot + self.draw(activity.quiz)
                activity.grade_item = 1 + activity.instanceid
        ordered = [a for s in sections[1:] for a in s.activities]
        for before, after in pairwise(ordered):
            after.previous = before
        return Plan(sections, qbank, self.categories, self.files)

    # --- texts -------------------------------------------------------------------------------------------

    def summary(self, section: Section, chapter: Page | None) -> str:
        """The section's summary: the chapter page's first paragraph; for the pages before the first chapter,
        the course description."""
        if chapter is None:
            text = xml_chars(self.course.description).strip()
            return f"<p>{text_html(text)}</p>" if text else ""
        first = next((p for p in parse_fragment(chapter.body_html).iter("p") if p.text_content().strip()), None)
        if first is None:
            return ""
        first.tail = None
        return self.linker.html(lxml.html.tostring(first, encoding="unicode"), section.area, chapter.id)

    def page_content(self, activity: Activity) -> str:
        page = activity.page
        assert page is not None
        area = activity.area("content")
        parts = [self.linker.html(page.body_html, area, page.id)]
        if page.quiz is not None:
            name = Markup("<strong>{}</strong>").format(self.texts.quiz_title(page.title))
            note = self.texts.html().tr("backup.quiz-next", "The quiz for this page, {quiz}, follows it in this section.",
                                        quiz=name)
            parts.append(f'<p class="quiz-next">{note}</p>')
        if page.after_html.strip():
            parts.append(self.linker.html(page.after_html, area, page.id))
        return "\n".join(p for p in parts if p.strip())

    def draw(self, quiz: Quiz | None) -> int:
        assert quiz is not None
        return quiz.drawn

    def rule(self, quiz: Quiz) -> str:
        """The quiz's rule in the learner's words: how many questions an attempt asks, and what passes."""
        draw, total = self.draw(quiz), len(quiz.items)
        if draw >= total:
            return self.texts.trn(
                "backup.quiz-rule-all",
                "Each attempt asks this question, and you pass when your answer is right. You can try as many times "
                "as you need.",
                "Each attempt asks all {total} questions on this page, and you pass when every answer is right. You "
                "can try as many times as you need.", total, total=total)
        return self.texts.trn(
            "backup.quiz-rule",
            "Each attempt asks {draw} of the {total} questions on this page, and you pass when your answer is "
            "right. You can try as many times as you need.",
            "Each attempt asks {draw} of the {total} questions on this page, and you pass when every answer is "
            "right. You can try as many times as you need.", draw, draw=draw, total=total)

    def quiz_intro(self, activity: Activity) -> str:
        quiz, page = activity.quiz, activity.page
        assert quiz is not None and page is not None
        instruction = self.linker.html(quiz.instruction_html, activity.area("intro"), page.id)
        return f"<p>{instruction}</p>\n<p>{text_html(self.rule(quiz))}</p>" if instruction.strip() else \
            f"<p>{text_html(self.rule(quiz))}</p>"

    # --- question bank -----------------------------------------------------------------------------------

    def category(self, name: str, info: str, parent: int, key: str, idnumber: str | None = None) -> Category:
        order = 0  # the top category
        if parent:
            order = self.children[parent] = self.children.get(parent, 0) + 1
        category = Category(len(self.categories) + 1, name, info, parent, order, stamp(self.course, key), idnumber)
        self.categories.append(category)
        return category

    def quiz_category(self, activity: Activity, parent: int, qbank: Activity) -> Category:
        quiz, page = activity.quiz, activity.page
        assert quiz is not None and page is not None
        category = self.category(db_name(page.title), f"<p>{text_html(self.draw_note(quiz))}</p>", parent, quiz.id,
                                 idnumber=quiz.id[:100])
        if self.fragments is not None and page.id not in self.quiz_files:  # (files are numbered as texts use them)
            return self.kept_category(category, page, qbank)
        category.questions = [self.question(quiz, item, qbank, page.id) for item in quiz.items]
        return category

    def kept_category(self, category: Category, page: Page, qbank: Activity) -> Category:
        """The category with its questions planned, or, when the writer's fragments hold its part of questions.xml
        (kept by all its questions are made from: the page without its text, the category, the ids counted so
        far, the bank's context and the pages' course module ids), with that part and the ids it used counted."""
        counted = (self.questions, self.answers, self.matches)
        if self._context_key is None:  # what every question may read besides its quiz: settings, page links
            c = self.course
            self._context_key = self.fragments.digest(c.title, c.identifier, c.language, c.version, c.description,
                                                      c.site_url, c.strings, self.cmids)
        category.key = self.key(page, "category", category, counted, qbank.contextid, qbank.moduleid,
                                self._context_key)
        hit = self.fragments.get(category.key)
        try:
            category.counted = tuple(int(n) for n in hit[0])
            category.kept = hit[1][0][1]  # (read where the store holds it, not copied)
        except (TypeError, ValueError, IndexError):
            quiz = page.quiz
            assert quiz is not None
            category.questions = [self.question(quiz, item, qbank, page.id) for item in quiz.items]
            category.counted = (self.questions - counted[0], self.answers - counted[1], self.matches - counted[2])
            return category
        self.questions, self.answers, self.matches = (n + m for n, m in zip(counted, category.counted))
        return category

    def draw_note(self, quiz: Quiz) -> str:
        """The category's description for teachers: what the quiz draws from it."""
        draw, total = self.draw(quiz), len(quiz.items)
        if draw >= total:
            return self.texts.trn("moodle.draw-all", "Each attempt uses this question.",
                                  "Each attempt uses all {total} of these questions.", total, total=total)
        return self.texts.trn("backup.draw", "Each attempt of the quiz draws {draw} of these {total} questions.",
                              "Each attempt of the quiz draws {draw} of these {total} questions.", total,
                              draw=draw, total=total)

    def question(self, quiz: Quiz, item: Item, qbank: Activity, own: str) -> Question:
        self.questions += 1
        qid = self.questions

        def area(filearea: str) -> Area:
            return Area(qbank.contextid, "question", filearea, qid)

        text = self.linker.html(question_xhtml(quiz, item), area("questiontext"), own)
        explanation = to_xhtml(item.explanation_html)
        general = self.linker.html(explanation, area("generalfeedback"), own)
        name = f"{item.title} [{short_id(self.course, item)}]"
        kind = moodle_types.qtype(item)
        question = Question(qid, db_name(name), text, general, kind, [], stamp(self.course, item.id), item.id[:100])
        if item.kind in CHOICE_KINDS:
            self.choices(question, quiz, item, area, own)
        elif item.kind == SHORT:
            question.options = {"usecase": 0}  # case-insensitive
            for accepted in item.answers:
                self.answer(question, moodle_types.short_pattern(accepted), ONE, item.right_feedback_html, own)
            self.any_other_answer(question, item, own)
        elif item.kind == NUMERIC:
            assert item.numeric is not None
            value, tolerance = moodle_types.numeric_answer(item.numeric)
            self.answer(question, value, ONE, item.right_feedback_html, own).tolerance = tolerance
            other = self.any_other_answer(question, item, own)
            if other is not None:
                other.tolerance = "0"
            question.options = {"showunits": 3, "unitsleft": 0, "unitgradingtype": 0, "unitpenalty": "0.1000000"}
        elif item.kind == MATCHING:
            question.options = {"shuffleanswers": int(quiz.shuffle), **self.combined_feedback(item, area, own),
                                "shownumcorrect": 0}
            for pair in item.pairs:  # a distractor: an empty subquestion with its answer
                self.matches += 1
                subquestion = Area(qbank.contextid, "qtype_match", "subquestion", self.matches)
                question.matches.append(Match(self.matches, self.linker.html(to_xhtml(pair.left_html), subquestion,
                                                                             own),
                                              moodle_types.match_answer(pair.right_html)))
        else:  # essay: answered in the editor, graded by a teacher
            question.options = {
                "responseformat": "editor",
                "responserequired": 1,
                "responsefieldlines": 15,  # Moodle's default
                "minwordlimit": None,
                "maxwordlimit": None,
                "attachments": 0,
                "attachmentsrequired": 0,
                "graderinfo": "",
                "graderinfoformat": FORMAT_HTML,
                "responsetemplate": "",
                "responsetemplateformat": FORMAT_HTML,
                "filetypeslist": "",
                "maxbytes": 0,
            }
        return question

    def choices(self, question: Question, quiz: Quiz, item: Item, area, own: str) -> None:
        """True/false, choice and multiple: an answer per choice in the author's order; Moodle's truefalse answers
        are the words True and False, which it shows in the learner's language."""
        labels = ("True", "False") if item.true_false else [c.html for c in item.choices]
        for label, choice, fraction in zip(labels, item.choices, moodle_types.fractions(item)):
            feedback = moodle_types.choice_feedback(self.texts, item, choice)
            answer = self.answer(question, label, fraction, feedback, own, html=not item.true_false)
            if not item.true_false:
                answer.text = self.linker.html(to_xhtml(label), self.answer_area(question, "answer", answer), own)
        if item.true_false:
            return
        question.options = {
            "layout": 0,
            "single": int(item.kind != MULTIPLE),
            "shuffleanswers": int(quiz.shuffle),  # else the author's order: the first label first
            **self.combined_feedback(item, area, own),
            "answernumbering": "none",
            "shownumcorrect": 0,
            "showstandardinstruction": int(item.kind == MULTIPLE),  # "Select one or more:"
        }

    def answer_area(self, question: Question, filearea: str, answer: Answer) -> Area:
        return Area(self.qbank.contextid, "question", filearea, answer.id)

    def answer(self, question: Question, text: str, fraction: str, feedback: str, own: str,
               html: bool = False) -> Answer:
        self.answers += 1
        answer = Answer(self.answers, text, fraction, "", html)
        answer.feedback = self.linker.html(to_xhtml(feedback), self.answer_area(question, "answerfeedback", answer),
                                           own)
        question.answers.append(answer)
        return answer

    def any_other_answer(self, question: Question, item: Item, own: str) -> Answer | None:
        """The wrong feedback, as Moodle gives it to any other answer: a last answer `*` worth nothing."""
        if not item.wrong_feedback_html.strip():
            return None
        return self.answer(question, "*", NONE, item.wrong_feedback_html, own)

    def combined_feedback(self, item: Item, area, own: str) -> dict[str, str | int]:
        """Moodle's overall feedback of multichoice and match: right, or not (partially right is not right)."""
        right = self.linker.html(to_xhtml(item.right_feedback_html), area("correctfeedback"), own)
        partly = self.linker.html(to_xhtml(item.wrong_feedback_html), area("partiallycorrectfeedback"), own)
        wrong = self.linker.html(to_xhtml(item.wrong_feedback_html), area("incorrectfeedback"), own)
        return {"correctfeedback": right, "correctfeedbackformat": FORMAT_HTML,
                "partiallycorrectfeedback": partly, "partiallycorrectfeedbackformat": FORMAT_HTML,
                "incorrectfeedback": wrong, "incorrectfeedbackformat": FORMAT_HTML}


class MoodleBackupWriter(Writer):
    name = "moodle-backup"
    kinds = frozenset(KINDS)  # every question kind, as its Moodle question type (questiontypes)
    extension = "mbz"
    title = ("Moodle course backup (Course reuse > Restore): sections, pages, quizzes drawing N from a question "
             "bank, completion and restrictions so the course opens in order")
    carries = ("every page and course file in its section; quizzes drawing N from a question bank, every question type "
               "as its Moodle question type with answers, grades and feedback; grade to pass; completion and the order "
               "lock")
    drops = "an essay's right/wrong feedback (a teacher grades essays)"

    math = "tex"  # Moodle's MathJax filter typesets \( \) and $$ $$ (docs/format.md, Math)
    pages = quiz_files = quiz_pages = True  # Pages, question texts and quiz intros each carry their files and links

    def filename(self, course: Course) -> str:
        return f"{course.identifier}-moodle.mbz"

    def uncarried(self, course: Course) -> list[tuple[str, int | None, str]]:
        return super().uncarried(course) + [(item.source, item.line, message) for item in course.items
                                            for message in moodle_types.uncarried(item)]

    def write_links(self, course: Course) -> Course:
        """Links stay the reader's targets here: each text is written once its file area is known (mbz_content).
        Formulas are TeX for Moodle's MathJax filter."""
        return write_math(course, self.math_step())

    def _kept_folder(self, store, files: TgzPackage):
        """`activities.write`'s `kept`: an activity folder's files put into the package as one run of the tar
        (`TgzPackage.add_run`), from the fragments when they hold what it is made of (its detached activity and
        plan), else made and kept there for the next build."""
        def folder(parts: tuple, make) -> dict[str, bytes]:
            key = self.fragment_key(None, None, "activity", *parts)
            hit = store.get(key)
            if hit is None or len(hit[1]) != 1 or not files.kept_run(hit[0], hit[1][0][1], key):
                files.add_run(make(), key)
            return {}

        return folder

    def build(self, course: Course, options: Options) -> Artifact:
        store = self.fragments
        planner = Planner(course, store, lambda page, *parts: self.fragment_key(None, page, *parts, text=False))
        plan = planner.plan()
        files = TgzPackage(self.target, first=(mbz_course.INDEX,), fragments=store)  # each file added as it is made
        for name, data in mbz_activities.write(course, plan, self._kept_folder(store, files) if store else None
                                               ).items():
            files.add(name, data)
        categories: list = []  # (key, ids counted, offset, size) of each question bank category
        mbz_questions.write(plan, files, categories)
        for key, counted, offset, size in categories:
            files.keep(key, counted, [("", offset, size)])
        inputs = mbz_course.backup_inputs(course, plan, self.filename(course))  # made from these alone: kept by them
        files.derived("moodle_backup.xml", inputs, lambda: mbz_course.moodle_backup_xml(*inputs))
        for name, data in mbz_course.write(course, plan, planner.files, self.filename(course)).items():
            files.add(name, data)
        files.add(mbz_course.INDEX, mbz_course.archive_index(files.sizes))
        files.close()  # (and what was kept handed to the store)
        return Artifact(self.target, len(course.pages), len(course.quizzes), len(course.items))
