<?php
// Grade answers with Moodle's own question engine, for a course restored from our backup (or any course whose
// questions live in its question banks). Prints JSON:
//   {"questions": {idnumber: {"id", "qtype", "maxmark", "right": {"mark", "state", "response"},
//                             "wrong": {...}, "all": {...}}},
//    "quizzes": {quiz name: {"drawn": [[idnumber, qtype], ...], "needs_grading": bool,
//                            "submitted": {"state", "sumgrades", "grade", "completion"},
//                            "graded": {... after a teacher gives every essay full marks}, "gradepass", "grademax"}}}
//
// "questions": each question of the course's banks in a question usage of its own (deferred feedback, as our
// quizzes), answered once with the question type's get_correct_response() ("right"), once with a wrong answer
// built for its type ("wrong": the false statement, a wrong choice, every choice ticked, a word and a number it
// does not accept, every stem matched to one option) and, for multichoice with several answers, ticking every
// choice ("all"). An essay's "right" is some text: Moodle leaves it to a teacher (state needsgrading, no mark).
// "quizzes": a student (created and enrolled) attempts every quiz, answering each drawn question right, and submits;
// then a teacher grades each essay with full marks (question_usage manual_grade, as the grading report does).
//
// usage: php grade_attempt.php COURSEID      (MOODLE_DIR, default /opt/moodle)
define('CLI_SCRIPT', true);
require((getenv('MOODLE_DIR') ?: '/opt/moodle') . '/config.php');
require_once($CFG->libdir . '/questionlib.php');
require_once($CFG->libdir . '/gradelib.php');
require_once($CFG->libdir . '/completionlib.php');
require_once($CFG->dirroot . '/mod/quiz/locallib.php');
require_once($CFG->dirroot . '/user/lib.php');

$courseid = (int)($argv[1] ?? 0);
$course = $DB->get_record('course', ['id' => $courseid], '*', MUST_EXIST);
\core\session\manager::set_user(get_admin());

/** A response for the question of a started attempt: its right one, or a wrong one built for its type. */
function response_for(question_attempt $qa, string $which): array {
    $question = $qa->get_question();
    $right = $qa->get_correct_response() ?? [];
    if ($which === 'right') {
        if ($question->qtype->name() === 'essay') {
            return ['answer' => '<p>Arm out to the right after a look behind.</p>', 'answerformat' => FORMAT_HTML];
        }
        return $right;
    }
    switch ($question->qtype->name()) {
        case 'truefalse':
            return ['answer' => $right['answer'] ? 0 : 1];
        case 'multichoice':
            if ($question instanceof qtype_multichoice_single_question) {
                foreach ($question->get_order($qa) as $key => $answerid) {
                    if ($question->answers[$answerid]->fraction < 1) {
                        return ['answer' => $key];
                    }
                }
                throw new coding_exception('no wrong choice');
            }
            if ($which === 'all') {
                $all = [];
                foreach (array_keys($question->get_order($qa)) as $key) {
                    $all['choice' . $key] = 1;
                }
                return $all;
            }
            // the right choices less the first, and every wrong one
            $wrong = [];
            foreach ($question->get_order($qa) as $key => $answerid) {
                $isright = $question->answers[$answerid]->fraction > 0;
                $wrong['choice' . $key] = (int)!$isright;
            }
            return $wrong;
        case 'shortanswer':
            return ['answer' => 'zzz not an answer'];
        case 'numerical':
            $answer = reset($question->answers);
            return ['answer' => (string)((float)$answer->answer + (float)$answer->tolerance + 1000)];
        case 'match':
            // every stem matched to the option that is right for the first one: at most one pair right
            $first = reset($right);
            $wrong = [];
            foreach (array_keys($right) as $field) {
                $wrong[$field] = $first;
            }
            if (count($wrong) === 1) {
                $wrong[array_key_first($wrong)] = $first == 1 ? 2 : 1;
            }
            return $wrong;
        case 'essay':
            return ['answer' => '', 'answerformat' => FORMAT_HTML];
    }
    throw new coding_exception('no wrong answer for ' . $question->qtype->name());
}

/** Answer one question in a usage of its own and finish it: Moodle's mark and state. */
function grade_one(int $questionid, context $context, string $which): array {
    $quba = question_engine::make_questions_usage_by_activity('core_question_preview', $context);
    $quba->set_preferred_behaviour('deferredfeedback');
    $slot = $quba->add_question(question_bank::load_question($questionid), 1);
    $quba->start_all_questions();
    $response = response_for($quba->get_question_attempt($slot), $which);
    $quba->process_action($slot, $response);
    $quba->finish_all_questions();
    $mark = $quba->get_question_mark($slot);
    return ['mark' => $mark === null ? null : (float)$mark, 'state' => (string)$quba->get_question_state($slot),
        'response' => $response, 'summary' => $quba->get_response_summary($slot)];
}

$out = ['questions' => [], 'quizzes' => []];
$banks = $DB->get_records_sql("SELECT cm.id FROM {course_modules} cm JOIN {modules} m ON m.id = cm.module
                                WHERE cm.course = ? AND m.name = 'qbank'", [$courseid]);
foreach ($banks as $bank) {
    $context = context_module::instance($bank->id);
    $questions = $DB->get_records_sql("SELECT q.id, q.qtype, e.idnumber
                                         FROM {question} q
                                         JOIN {question_versions} v ON v.questionid = q.id
                                         JOIN {question_bank_entries} e ON e.id = v.questionbankentryid
                                         JOIN {question_categories} c ON c.id = e.questioncategoryid
                                        WHERE c.contextid = ? ORDER BY q.id", [$context->id]);
    foreach ($questions as $q) {
        $graded = ['id' => (int)$q->id, 'qtype' => $q->qtype, 'maxmark' => 1.0,
            'right' => grade_one($q->id, $context, 'right'), 'wrong' => grade_one($q->id, $context, 'wrong')];
        $loaded = question_bank::load_question($q->id);
        if ($loaded instanceof qtype_multichoice_multi_question) {
            $graded['all'] = grade_one($q->id, $context, 'all');
        }
        $out['questions'][$q->idnumber ?? (string)$q->id] = $graded;
    }
}

// A student attempts each quiz, every drawn question answered right; then a teacher grades the essays.
$name = 'gradeattempt' . $courseid . '_' . random_string(6);
$studentid = user_create_user((object)['username' => strtolower($name), 'firstname' => 'Grade', 'lastname' => 'Attempt',
    'email' => strtolower($name) . '@example.invalid', 'password' => 'Secret-1' . random_string(12),
    'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id]);
$manual = enrol_get_plugin('manual');
$instance = $DB->get_record('enrol', ['courseid' => $courseid, 'enrol' => 'manual'])
    ?: $DB->get_record('enrol', ['id' => $manual->add_default_instance($course)]);
$manual->enrol_user($instance, $studentid, $DB->get_field('role', 'id', ['shortname' => 'student']));
$completion = new completion_info($course);

/** The student's grade for the quiz in the gradebook, and the quiz's completion state for them. */
function standing(stdClass $course, stdClass $quiz, int $userid, completion_info $completion): array {
    global $DB;
    $attempt = $DB->get_record_sql('SELECT * FROM {quiz_attempts} WHERE quiz = ? AND userid = ?
                                     ORDER BY attempt DESC', [$quiz->id, $userid], IGNORE_MULTIPLE);
    $grades = grade_get_grades($course->id, 'mod', 'quiz', $quiz->id, $userid);
    $item = reset($grades->items);
    $grade = $item->grades[$userid]->grade ?? null;
    $cm = get_coursemodule_from_instance('quiz', $quiz->id, $course->id);
    $state = $completion->get_data($cm, false, $userid)->completionstate;
    return ['state' => $attempt->state, 'sumgrades' => $attempt->sumgrades === null ? null : (float)$attempt->sumgrades,
        'grade' => $grade === null ? null : (float)$grade, 'gradepass' => (float)$item->gradepass,
        'grademax' => (float)$item->grademax, 'completion' => (int)$state];
}

foreach ($DB->get_records('quiz', ['course' => $courseid], 'id') as $quiz) {
    \core\session\manager::set_user($DB->get_record('user', ['id' => $studentid]));
    $quizobj = \mod_quiz\quiz_settings::create($quiz->id, $studentid);
    $attempt = quiz_prepare_and_start_new_attempt($quizobj, 1, null);
    $quba = question_engine::load_questions_usage_by_activity($attempt->uniqueid);
    $drawn = [];
    foreach ($quba->get_slots() as $slot) {
        $qa = $quba->get_question_attempt($slot);
        $quba->process_action($slot, response_for($qa, 'right'));
        $entry = $DB->get_field_sql('SELECT e.idnumber FROM {question_bank_entries} e
            JOIN {question_versions} v ON v.questionbankentryid = e.id WHERE v.questionid = ?', [$qa->get_question()->id]);
        $drawn[] = [$entry, $qa->get_question()->qtype->name()];
    }
    question_engine::save_questions_usage_by_activity($quba);
    $attemptobj = \mod_quiz\quiz_attempt::create($attempt->id);
    $attemptobj->process_submit(time(), false);
    $attemptobj->process_grade_submission(time());
    $result = ['drawn' => $drawn, 'needs_grading' => \mod_quiz\quiz_attempt::create($attempt->id)->requires_manual_grading(),
        'submitted' => standing($course, $quiz, $studentid, $completion)];

    // A teacher gives each essay full marks, as the quiz's manual grading page does.
    \core\session\manager::set_user(get_admin());
    $quba = question_engine::load_questions_usage_by_activity($attempt->uniqueid);
    $manual = false;
    foreach ($quba->get_slots() as $slot) {
        if ($quba->get_question_state($slot)->is_finished() && $quba->get_question_mark($slot) === null) {
            $quba->manual_grade($slot, 'Well argued.', $quba->get_question_max_mark($slot), FORMAT_HTML);
            $manual = true;
        }
    }
    if ($manual) {
        question_engine::save_questions_usage_by_activity($quba);
        $DB->set_field('quiz_attempts', 'sumgrades', $quba->get_total_mark(), ['id' => $attempt->id]);
        $quizobj->get_grade_calculator()->recompute_final_grade($studentid);
        $result['graded'] = standing($course, $quiz, $studentid, $completion);
    }
    $out['quizzes'][$quiz->name] = $result;
}
echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
