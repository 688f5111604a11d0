"""Learner-facing text in the course's language: the catalogs (complete, extraction up to date), a German build of
the sample course in every format, the author's `strings:`, unknown and right-to-left languages.
The browser side (the SCORM quiz in German, axe on a German and a right-to-left page) is in test_scorm_e2e.py."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile

import pytest
from conftest import SAMPLE, packaged, run_cli
from coursekit import ITEMS, page, quiz, rtl_course, write_course
from lxml import etree

from exporter.i18n import catalogs, messages as i18n
from exporter.errors import ContentError
from exporter.i18n.messages import Messages
from exporter.source.reader import read_course
from exporter.writers.qti.items12 import CORRECT_FB, INCORRECT_FB

SHIPPED = {"en", "de", "fr", "es", "pt", "nl", "it"}
Q12 = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", etree.fromstring(f"<div>{html}</div>").xpath("string()")).strip()


@pytest.fixture(scope="session")
def german():
    return packaged(SAMPLE, language="de")


# ---------- the catalogs ----------

def test_every_catalog_has_every_message():
    assert SHIPPED <= set(i18n.available())
    for language in i18n.available():
        assert catalogs.problems(language) == [], language


def test_the_template_holds_exactly_the_messages_in_code_and_templates():
    """Extraction run now (Python under exporter/, Jinja templates) matches the committed messages.pot."""
    extracted, committed = catalogs.messages(catalogs.extract()), catalogs.messages(catalogs.read(catalogs.pot_path()))
    assert set(extracted) - set(committed) == set(), "in code, not in messages.pot: run python -m exporter.i18n.catalogs update"
    assert set(committed) - set(extracted) == set(), "in messages.pot, no longer in code: run the update"
    assert extracted == committed
    assert len(extracted) > 40 and all(context for context, _ in extracted)  # every message has its key


def test_the_checks_fail_on_a_new_message_a_missing_or_fuzzy_translation(tmp_path, monkeypatch):
    """The two tests above can fail: a message added in code, a translation removed, one marked fuzzy."""
    locale = tmp_path / "locale"
    shutil.copytree(i18n.locale_dir(), locale)
    monkeypatch.setattr(i18n, "locale_dir", lambda: locale)
    monkeypatch.setattr(catalogs, "locale_dir", lambda: locale)
    po = locale / "de" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgctxt "quiz.score"\nmsgid "Score"\nmsgstr "Auswerten"', 'msgctxt "quiz.score"\nmsgid "Score"\nmsgstr ""')
    text = text.replace('msgctxt "quiz.retry"', '#, fuzzy\nmsgctxt "quiz.retry"')
    po.write_text(text, encoding="utf-8")
    found = catalogs.problems("de")
    assert any("'quiz.score': not translated" in f for f in found), found
    assert any("'quiz.retry': fuzzy" in f for f in found), found
    extra = tmp_path / "code"
    extra.mkdir()
    (extra / "new.py").write_text('def f(texts):\n    return texts.tr("quiz.new", "A new message.")\n')
    monkeypatch.setattr(catalogs, "SOURCES", catalogs.SOURCES + ((extra, [("**.py", "python")]),))
    assert any("out of date" in f for f in catalogs.check())


def test_placeholders_and_plurals_are_checked(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(i18n.locale_dir(), locale)
    monkeypatch.setattr(catalogs, "locale_dir", lambda: locale)
    po = locale / "fr" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace("la bonne réponse est «\u00a0{label}", "la bonne réponse est «\u00a0{libelle}")
    text = text.replace("vous avez répondu «\u00a0{given}", "vous avez répondu «\u00a0{given")
    text = re.sub(r'(msgctxt "quiz.passed-all"\n(?:.*\n){3})msgstr\[1\] .*\n', r"\1", text)
    po.write_text(text, encoding="utf-8")
    found = catalogs.problems("fr")
    assert any("'feedback.wrong': placeholders ['libelle'] are not in the English text" in f for f in found), found
    assert any("'quiz.wrong'" in f for f in found), found  # a brace that does not close
    assert any("'quiz.passed-all'" in f for f in found), found  # a plural form missing


# ---------- messages, numbers, direction ----------

def test_numbers_and_plurals_follow_the_language():
    de, fr, en = Messages("de"), Messages("fr"), Messages("en")
    rule = ("quiz.rule-draw", "Each attempt shows {draw} of {total} statements, drawn at random.",
            "Each attempt shows {draw} of {total} statements, drawn at random.")
    assert de.trn(*rule, 1200, draw=6, total=1200) == "Jeder Versuch zeigt 6 von 1.200 Aussagen, zufällig ausgewählt."
    assert en.trn(*rule, 1200, draw=6, total=1200) == "Each attempt shows 6 of 1,200 statements, drawn at random."
    assert "1\u202f200" in fr.trn(*rule, 1200, draw=6, total=1200)  # French groups with a narrow no-break space
    one = ("quiz.passed-all", "The answer is right.", "All {n} answers are right.")
    assert (de.trn(*one, 1, n=1), de.trn(*one, 3, n=3)) == ("Die Antwort ist richtig.", "Alle 3 Antworten sind richtig.")
    assert fr.trn(*one, 2, n=2) == "Les 2 réponses sont justes."


@pytest.mark.parametrize("tag, catalog, direction", [
    ("de", "de", "ltr"), ("de-CH", "de", "ltr"), ("pt-BR", "pt", "ltr"), ("fr_CA", "fr", "ltr"),
    ("ar", "en", "rtl"), ("he", "en", "rtl"), ("fa-IR", "en", "rtl"), ("tlh", "en", "ltr"),
])
def test_catalog_and_direction_of_a_language_tag(tag, catalog, direction):
    texts = Messages(tag)
    assert (texts.catalog, texts.direction) == (catalog, direction)


# ---------- a German build of the sample course ----------

def test_german_moodle_xml_feedback_and_draw_sentence(german, artifact):
    root = etree.fromstring(artifact("moodle", german))
    infos = [text_of(q.findtext("info/text")) for q in root.iterfind("question[@type='category']")]
    assert infos and all(re.search(r"Jeder Versuch (zieht \d+ der \d+ Fragen dieser Kategorie: Fügen Sie in einem "
                                   r"Moodle-Test eine Zufallsfrage|verwendet alle \d+ Fragen)", i) for i in infos), infos
    questions = root.findall("question[@type='truefalse']")
    assert questions
    for q in questions:
        feedback = {a.findtext("text"): (a.get("fraction"), text_of(a.findtext("feedback/text")))
                    for a in q.iterfind("answer")}
        right = "true" if feedback["true"][0] == "100" else "false"
        wrong = "false" if right == "true" else "true"
        label = {"true": "Wahr", "false": "Falsch"}[right]
        assert feedback[right][1] == "Richtig."
        assert feedback[wrong][1] == f"Nicht ganz: Die richtige Antwort ist „{label}“."


def test_german_canvas_qti_feedback_and_labels(german, artifact):
    files = unzip(artifact("qti12", german))
    items = [item for name, data in files.items() if name.endswith(".xml") and not name.endswith("assessment_meta.xml")
             and name != "imsmanifest.xml" for item in etree.fromstring(data).iter(f"{{{Q12['q']}}}item")]
    assert len(items) == len(german.items)
    true_false = {i.id for q in german.quizzes if q.items[0].true_false for i in q.items}
    assert true_false and len(true_false) < len(items)  # the sample also has a quiz labelled Yes/No
    for item in items:
        if item.get("ident") not in true_false:
            continue
        meta = {f.findtext("q:fieldlabel", namespaces=Q12): f.findtext("q:fieldentry", namespaces=Q12)
                for f in item.iterfind(".//q:qtimetadatafield", Q12)}
        # Canvas keeps a true_false_question only for answers reading True and False: in German, two choices
        assert meta["question_type"] == "multiple_choice_question"
        labels = [m.text for m in item.iterfind(".//q:response_label/q:material/q:mattext", Q12)]
        assert labels == ["Wahr", "Falsch"]
        fb = {f.get("ident"): text_of(f.findtext("q:flow_mat/q:material/q:mattext", namespaces=Q12))
              for f in item.iterfind("q:itemfeedback", Q12)}
        assert fb[CORRECT_FB] == "Richtig."
        assert re.fullmatch(r"Nicht ganz: Die richtige Antwort ist „(Wahr|Falsch)“\.", fb[INCORRECT_FB])
        conditions = item.findall("q:resprocessing/q:respcondition", Q12)
        right = [c for c in conditions if c.findtext("q:setvar", namespaces=Q12) == "100"]
        assert len(right) == 1 and right[0].get("continue") == "No"
        assert right[0].find("q:displayfeedback", Q12).get("linkrefid") == CORRECT_FB
        wrong = conditions[-1]  # reached only when the right answer's condition did not match
        assert wrong.find("q:conditionvar/q:other", Q12) is not None
        assert wrong.find("q:displayfeedback", Q12).get("linkrefid") == INCORRECT_FB
    manifest = etree.fromstring(files["imsmanifest.xml"])
    ns = {"imsmd": "http://www.imsglobal.org/xsd/imsmd_v1p2"}
    assert manifest.findtext(".//imsmd:general/imsmd:language", namespaces=ns) == "de"
    assert manifest.find(".//imsmd:title/imsmd:string", ns).get("language") == "de"


def test_german_cartridge_titles_feedback_and_language_fields(german, artifact):
    files = unzip(artifact("cc11", german))
    manifest = etree.fromstring(files["imsmanifest.xml"])
    titles = [t.text for t in manifest.iter("{*}title") if t.text and t.text.startswith("Quiz")]
    assert len(titles) == len(german.quizzes) and all(t.startswith("Quiz: ") for t in titles)
    assert manifest.findtext(".//{*}general/{*}language") == "de"
    assert {s.get("language") for s in manifest.iter("{*}string")} == {"de"}
    page_with_quiz = next(p for p in german.pages if p.quiz)
    html = next(v.decode() for k, v in files.items() if k.endswith("/" + page_with_quiz.href))
    assert '<html lang="de">' in html and "Das Quiz zu dieser Seite, <strong>Quiz: " in html
    assessment = next(v for k, v in files.items() if k.endswith("assessment_qti.xml"))
    root = etree.fromstring(assessment)
    assert root.find(".//q:assessment", Q12).get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    fb = [text_of(m.text) for m in root.iterfind(".//q:itemfeedback/q:flow_mat/q:material/q:mattext", Q12)]
    assert "Richtig." in fb and any(f.startswith("Nicht ganz: Die richtige Antwort ist „") for f in fb)


def test_german_qti2x_labels_and_item_language(german, artifact):
    for fmt in ("qti21", "qti30"):
        files = unzip(artifact(fmt, german))
        items = [etree.fromstring(v) for k, v in files.items() if k.startswith("items/")]
        assert len(items) == len(german.items)
        from itemcheck import text_of

        model = {i.id: (q, i) for q in german.quizzes for i in q.items}
        kinds = set()
        for item in items:
            assert item.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
            choices = tuple(c.text for c in item.iter("{*}simpleChoice", "{*}qti-simple-choice"))
            quiz, it = model[item.get("identifier")]
            kinds.add(it.kind)
            if it.labelled:  # a statement: the default labels in German, the author's own as written
                assert choices == (("Wahr", "Falsch") if quiz.labels == ("True", "False") else quiz.labels), fmt
            elif it.kind in ("choice", "multiple"):  # the author's choices, as written
                assert choices == tuple(text_of(c.html) for c in it.choices), fmt
            else:  # no choices to label
                assert choices == (), (fmt, it.kind)
        assert kinds == {"truefalse", "choice", "multiple", "short", "numeric", "matching", "essay"}


def test_german_scorm_and_html_pages(german, artifact):
    files = unzip(artifact("scorm12", german))
    quiz_page = next(p for p in german.pages if p.quiz and p.quiz.draw < len(p.quiz.items))
    html = files[quiz_page.href].decode()
    assert '<html lang="de">' in html
    rule = f"Jeder Versuch zeigt {quiz_page.quiz.draw} von {len(quiz_page.quiz.items)} Aussagen"
    for words in ('<h2 id="quiz-heading">Quiz</h2>', ">Auswerten</button>", "Beantworten Sie alle Aussagen, um „Auswerten“",
                  "Mit neuen Aussagen erneut versuchen", rule, "Die Lernplattform hat nicht geantwortet"):
        assert words in html, words
    strings = json.loads(re.search(r'<script type="application/json" id="strings">(.*?)</script>', html).group(1))
    n = quiz_page.quiz.draw
    assert strings["failed"][n - 1] == f"Noch nicht bestanden: {n - 1} von {n} richtig."
    assert strings["hintLeft"][n].endswith(f"(noch {n} offen).") and len(strings["hintLeft"]) == n + 1
    data = json.loads(re.search(r'<script type="application/json" id="quiz-data">(.*?)</script>', html).group(1))
    assert data["labels"] == ["Wahr", "Falsch"]
    review = unzip(artifact("html", german))
    index = review["index.html"].decode()
    assert '<html lang="de">' in index and "Quiz: " in index
    review_page = review[quiz_page.href].decode()
    assert "Quiz zur Durchsicht" in review_page and "Antwort: <strong>" in review_page


def test_the_scripts_hold_no_learner_text():
    """The page's and the shell's scripts take every word from the page's strings block: no English sentence in
    them (lms.js's log lines are for developers, in the browser's console)."""
    from exporter.render import static_file, templates_dir

    names = sorted(p.name for p in (templates_dir() / "static").glob("*.js") if p.name != "lms.js")
    assert {"widget.js", "page.js", "course.js"} <= set(names)
    for name in names:
        code = static_file(f"static/{name}").decode()
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", code, flags=re.DOTALL)  # comments may speak English
        literals = re.findall(r'"((?:[^"\\\n]|\\.)*)"', code) + re.findall(r"'((?:[^'\\\n]|\\.)*)'", code)
        words = [re.sub(r"<[^>]*>", "", s) for s in literals if s not in ("use strict", "noopener noreferrer")
                 and not re.search(r"^[.#]|\[", s)]  # CSS selectors
        prose = [s for s in words if re.search(r"[A-Za-z]{2,}[,.:;!?]? [A-Za-z]{2,}|\b[A-Z][a-z]+[.:!?]", s)]
        assert prose == [], (name, prose)


# ---------- the author's own wording ----------

def with_settings(tmp_path, settings: str, language_pages: dict | None = None):
    folder = write_course(tmp_path / "course", language_pages or {
        "a.md": page("Start", 0, "Welcome.\n", kind="chapter"),
        "b.md": page("Check", 1, "Text.\n\n" + quiz(2, ITEMS)),
    })
    (folder / "course.yml").write_text(settings, encoding="utf-8")
    return folder


def test_strings_override_wins_by_key_and_by_english_text(tmp_path, artifact):
    folder = with_settings(tmp_path, 'title: T\nlanguage: de\nstrings:\n  quiz.score: "Prüfen"\n'
                           '  "Not quite: the right answer is {label}.": "Leider falsch, richtig wäre {label}."\n')
    course = packaged(folder)
    assert course.strings == {"quiz.score": "Prüfen",
                              "Not quite: the right answer is {label}.": "Leider falsch, richtig wäre {label}."}
    html = unzip(artifact("scorm12", course))["b.html"].decode()
    assert ">Prüfen</button>" in html and "um „Prüfen“ zu aktivieren" in html  # the hints name the button as set
    root = etree.fromstring(artifact("moodle", course))
    wrong = [text_of(a.findtext("feedback/text")) for a in root.iter("answer") if a.get("fraction") == "0"]
    assert wrong and all(re.fullmatch(r"Leider falsch, richtig wäre (Wahr|Falsch)\.", w) for w in wrong)


def test_strings_problems_name_file_and_line(tmp_path):
    folder = with_settings(tmp_path, "title: T\nstrings:\n  quiz.score: Go\n  quiz.nothing: Hm\n"
                           "  quiz.right: 'Yes {nope}'\n")
    with pytest.raises(ContentError) as err:
        read_course(folder)
    [problem] = err.value.diagnostics
    assert (problem.line, problem.path.endswith("course.yml")) == (5, True)
    assert "{nope}" in problem.message and "{given}" in problem.message
    folder = with_settings(tmp_path / "2", "title: T\nstrings:\n  quiz.score: Go\n  quiz.nothing: Hm\n")
    _, report = read_course(folder)
    [warning] = [w for w in report.warnings if "strings" in w.message]
    assert warning.line == 4 and "quiz.nothing" in warning.message
    folder = with_settings(tmp_path / "3", "title: T\nstrings: [a, b]\n")
    with pytest.raises(ContentError) as err:
        read_course(folder)
    assert err.value.diagnostics[0].line == 2 and "mapping" in err.value.diagnostics[0].message


def test_cli_stops_on_a_bad_override_and_writes_nothing(tmp_path):
    folder = with_settings(tmp_path, "title: T\nstrings:\n  quiz.failed: 'Only {right'\n")
    out = tmp_path / "out"
    result = run_cli("build", folder, "--out", out)
    assert result.returncode == 1 and "course.yml:3" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


# ---------- languages without a catalog ----------

def test_unknown_language_warns_once_and_falls_back_to_english(tmp_path):
    folder = with_settings(tmp_path, "title: T\nlanguage: tlh\n")
    result = run_cli("build", folder, "--out", tmp_path / "out", "--format", "scorm12,moodle")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "tlh" in line]
    assert len(warnings) == 1 and "course.yml:2: warning:" in warnings[0] and "English" in warnings[0]
    html = unzip((tmp_path / "out" / "course-scorm12.zip").read_bytes())["b.html"].decode()
    assert '<html lang="tlh">' in html and ">Score</button>" in html
    result = run_cli("check", SAMPLE, "--language", "qqa")  # a well-formed tag (private use) no one knows
    assert result.returncode == 0 and "--language: warning: 'qqa' is not a language tag this tool" in result.stderr
    result = run_cli("check", SAMPLE, "--language", "Deutsch")  # no tag at all
    assert result.returncode == 2 and "--language 'Deutsch' is not a language tag (BCP 47" in result.stderr


@pytest.fixture(scope="session")
def arabic(tmp_path_factory):
    return packaged(rtl_course(tmp_path_factory.mktemp("rtl") / "course"))


def test_right_to_left_language_sets_dir_though_text_falls_back(arabic, artifact):
    assert arabic.language == "ar"
    for fmt, name in (("scorm12", "b.html"), ("html", "b.html"), ("html", "index.html"), ("scorm12", "a.html")):
        html = unzip(artifact(fmt, arabic))[name].decode()
        assert '<html lang="ar" dir="rtl">' in html, (fmt, name)
    course_mode = unzip(artifact("scorm12", arabic, "course"))["index.html"].decode()
    # English words (no Arabic catalog), each message isolated (FSI ... PDI) so that it reads left to right
    assert '<html lang="ar" dir="rtl">' in course_mode and ">\u2068Contents\u2069</summary>" in course_mode
    cc = unzip(artifact("cc13", arabic))
    assert '<html lang="ar" dir="rtl">' in next(v.decode() for k, v in cc.items() if k.endswith("/b.html"))
    english = packaged(SAMPLE)
    for fmt in ("html", "scorm12"):  # left-to-right languages get no dir
        assert '<html lang="en">' in unzip(artifact(fmt, english))[english.pages[0].href].decode()


def test_the_languages_taken_as_left_to_right_are_so_in_every_region_babel_knows():
    """Messages.direction answers "ltr" for these languages without loading locale data: Babel's data agrees for
    every locale of theirs it has (a language written in another script names it, and goes to Babel)."""
    from babel import Locale
    from babel.localedata import locale_identifiers

    checked = 0
    for ident in locale_identifiers():
        loc = Locale.parse(ident)
        if loc.language in i18n.LEFT_TO_RIGHT and loc.script is None:
            assert loc.text_direction == "ltr", ident
            assert Messages(ident.replace("_", "-")).direction == "ltr", ident
            checked += 1
    assert checked > 50  # every region of seven languages
    assert {Messages(tag).direction for tag in ("ar", "he", "fa", "ur", "pa-Arab", "uz-Arab")} == {"rtl"}
