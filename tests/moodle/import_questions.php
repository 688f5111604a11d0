<?php
// Import a question file into a course's question bank as "Question bank > Import" does with the form's defaults
// (categories and contexts from the file, grades must match, stop on error): the form's file checks
// (can_import_file, validate_file), then qformat_<format> importpreprocess / importprocess / importpostprocess.
// The course is new (or --course names one) and gets a new question bank (mod_qbank) named "Imported questions".
// Prints, as JSON, every question the import stored:
//   {"ok", "format", "course", "bank": {cmid, contextid}, "imported": N, "messages": "...",
//    "questions": [{id, name, qtype, category: "top/…/page", questiontext, questiontextformat, generalfeedback,
//                   defaultmark, penalty, answers: [{answer, answerformat, fraction, feedback[, tolerance]}],
//                   options: {...}, hints: [...], subquestions: [{questiontext, answertext}]}]}
// or {"ok": false, "rejected": "..."} when the form would refuse the file.
//
// usage: php import_questions.php FILE [--format=xml|gift] [--course=SHORTNAME]   (MOODLE_DIR, default /opt/moodle)
// exit:  0 imported; 1 usage; 2 refused by the form's checks; 3 the format refused the file (or stored nothing);
//        4 Moodle stopped the script (an exception or a die()).
define('CLI_SCRIPT', true);
$usage = "usage: php import_questions.php FILE [--format=xml|gift] [--course=SHORTNAME]\n";
$file = null;
$format = 'xml';
$coursename = null;
foreach (array_slice($argv, 1) as $arg) {
    if (preg_match('/^--format=(xml|gift)$/', $arg, $m)) {
        $format = $m[1];
    } else if (preg_match('/^--course=(.+)$/', $arg, $m)) {
        $coursename = $m[1];
    } else if ($arg !== '' && $arg[0] !== '-' && $file === null) {
        $file = realpath($arg) ?: null;
        if ($file === null) {
            fwrite(STDERR, "import_questions.php: cannot read $arg\n");
            exit(1);
        }
    } else {
        fwrite(STDERR, $usage);
        exit(1);
    }
}
if ($file === null) {
    fwrite(STDERR, $usage);
    exit(1);
}

require((getenv('MOODLE_DIR') ?: '/opt/moodle') . '/config.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->libdir . '/questionlib.php');
require_once($CFG->dirroot . '/question/format.php');
require_once($CFG->dirroot . "/question/format/$format/format.php");

use core_question\local\bank\question_bank_helper;
use core_question\local\bank\question_edit_contexts;

require_once(__DIR__ . '/guard.php');
guard('import_questions.php', 'import');

\core\session\manager::set_user(get_admin());
$coursename = $coursename ?? "questions-$format-" . date('YmdHis') . '-' . random_string(4);
$course = $DB->get_record('course', ['shortname' => $coursename])
    ?: create_course((object)['fullname' => "Question import $coursename", 'shortname' => $coursename,
        'category' => core_course_category::get_default()->id]);
$bank = question_bank_helper::create_default_open_instance($course, 'Imported questions',
    question_bank_helper::TYPE_STANDARD);
$bankcontext = context_module::instance($bank->id);
$category = question_get_default_category($bankcontext->id, true);
$category->context = $bankcontext;
$contexts = new question_edit_contexts($bankcontext);

// The upload, in the user's draft area, and the form's checks on it.
$fs = get_file_storage();
$upload = $fs->create_file_from_pathname(['contextid' => context_user::instance($USER->id)->id,
    'component' => 'user', 'filearea' => 'draft', 'itemid' => file_get_unused_draft_itemid(), 'filepath' => '/',
    'filename' => basename($file)], $file);
$class = "qformat_$format";
$qformat = new $class();
if (!$qformat->can_import_file($upload)) {
    finish(['ok' => false, 'rejected' => get_string('importwrongfiletype', 'question',
        (object)['actualtype' => $upload->get_mimetype(), 'expectedtype' => $qformat->mime_type()])], 2);
}
$refused = $qformat->validate_file($upload);
if ($refused !== '') {
    finish(['ok' => false, 'rejected' => $refused], 2);
}
$copy = make_request_directory() . '/' . $upload->get_filename();
$upload->copy_content_to($copy);

// The import page's sequence, with the form's defaults.
$qformat->setCategory($category);
$qformat->setContexts($contexts->having_one_edit_tab_cap('import'));
$qformat->setCourse($course);
$qformat->setFilename($copy);
$qformat->setRealfilename($upload->get_filename());
$qformat->setMatchgrades('error');
$qformat->setCatfromfile(true);
$qformat->setContextfromfile(true);
$qformat->setStoponerror(true);
ob_start();  // the formats report progress as HTML
$failed = null;
foreach (['importpreprocess', 'importprocess', 'importpostprocess'] as $step) {
    if (!$qformat->$step()) {
        $failed = $step;
        break;
    }
}
$messages = trim(html_to_text(ob_get_clean(), 0, false));
if ($failed === null) {
    \core\event\questions_imported::create(['contextid' => $qformat->category->contextid,
        'other' => ['format' => $format, 'categoryid' => $qformat->category->id]])->trigger();
}

/** A category's names from the top category down, joined by "/". */
function category_path(int $id): string {
    global $DB;
    $names = [];
    while ($id) {
        $category = $DB->get_record('question_categories', ['id' => $id], 'id, name, parent', MUST_EXIST);
        array_unshift($names, $category->name);
        $id = (int)$category->parent;
    }
    return implode('/', $names);
}

// What the bank holds now, as the question engine loads it.
$questions = [];
foreach ($qformat->questionids as $id) {
    if (!$DB->record_exists('question', ['id' => $id])) {
        continue;  // saved, then rolled back by its question type
    }
    $q = question_bank::load_question_data($id);
    $answers = [];
    foreach ($q->options->answers ?? [] as $a) {
        $answers[] = ['answer' => $a->answer, 'answerformat' => (int)$a->answerformat,
            'fraction' => (float)$a->fraction, 'feedback' => $a->feedback]
            + (isset($a->tolerance) ? ['tolerance' => (float)$a->tolerance] : []);  // numerical
    }
    $options = [];
    foreach ((array)($q->options ?? []) as $key => $value) {
        if ($key !== 'answers' && (is_scalar($value) || $value === null)) {
            $options[$key] = $value;
        }
    }
    $questions[] = [
        'id' => (int)$q->id, 'name' => $q->name, 'qtype' => $q->qtype, 'category' => category_path((int)$q->category),
        'questiontext' => $q->questiontext, 'questiontextformat' => (int)$q->questiontextformat,
        'generalfeedback' => $q->generalfeedback, 'defaultmark' => (float)$q->defaultmark,
        'penalty' => (float)$q->penalty, 'answers' => $answers, 'options' => (object)$options,
        'hints' => array_values(array_map(fn($h) => $h->hint, $q->hints ?? [])),
        'subquestions' => array_values(array_map(fn($s) => ['questiontext' => $s->questiontext,
            'answertext' => $s->answertext], (array)($q->options->subquestions ?? []))),  // match
    ];
}
$ok = $failed === null && $questions;
finish([
    'ok' => (bool)$ok, 'format' => $format, 'failed_step' => $failed,
    'course' => ['id' => (int)$course->id, 'shortname' => $course->shortname],
    'bank' => ['cmid' => (int)$bank->id, 'contextid' => (int)$bankcontext->id],
    'imported' => count($questions),
    'questions' => $questions,
    'messages' => $messages,
], $ok ? 0 : 3);
