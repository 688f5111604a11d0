<?php
// Start one attempt at each quiz of a course, as Moodle starts a learner's (a preview, as the admin), and print
// the questions each attempt drew: JSON {quizid: {"category": [...], "drawn": [[questionid, categoryid], ...]}}.
// usage: php quiz_draws.php COURSEID      (MOODLE_DIR, default /opt/moodle)
define('CLI_SCRIPT', true);
require((getenv('MOODLE_DIR') ?: '/opt/moodle') . '/config.php');
require_once($CFG->dirroot . '/mod/quiz/locallib.php');

$courseid = (int)($argv[1] ?? 0);
\core\session\manager::set_user(get_admin());
$out = [];
foreach ($DB->get_records('quiz', ['course' => $courseid], 'id') as $quiz) {
    $quizobj = \mod_quiz\quiz_settings::create($quiz->id);
    $attempt = quiz_prepare_and_start_new_attempt($quizobj, 1, null);
    $quba = question_engine::load_questions_usage_by_activity($attempt->uniqueid);
    $drawn = [];
    foreach ($quba->get_slots() as $slot) {
        $question = $quba->get_question($slot);
        $drawn[] = [(int)$question->id, (int)$question->category];
    }
    $out[$quiz->id] = ['attempt' => (int)$attempt->id, 'preview' => (int)$attempt->preview, 'drawn' => $drawn];
}
echo json_encode($out), "\n";
