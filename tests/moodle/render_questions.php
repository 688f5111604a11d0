<?php
// What a learner's browser receives for stored questions' texts: each question's text and general feedback put
// through format_text() in the question's own context, as the question engine displays them (filters on, the
// site's defaults: filter_mathjaxloader among them). Written for exporter's tests.
// Prints, as JSON: {"questions": [{id, name, questiontext, generalfeedback}]} (the texts as rendered).
//
// usage: php render_questions.php QUESTIONID [QUESTIONID ...]   (MOODLE_DIR, default /opt/moodle)
// exit:  0 rendered; 1 usage.
define('CLI_SCRIPT', true);
$ids = array_map('intval', array_slice($argv, 1));
if (!$ids || in_array(0, $ids, true)) {
    fwrite(STDERR, "usage: php render_questions.php QUESTIONID [QUESTIONID ...]\n");
    exit(1);
}
require((getenv('MOODLE_DIR') ?: '/opt/moodle') . '/config.php');
require_once($CFG->libdir . '/questionlib.php');
require_once($CFG->libdir . '/filterlib.php');

\core\session\manager::set_user(get_admin());
$PAGE->set_context(context_system::instance());
$PAGE->set_url('/');
$out = [];
foreach ($ids as $id) {
    $question = question_bank::load_question_data($id);
    $context = context::instance_by_id($question->contextid);
    $options = ['context' => $context, 'noclean' => true, 'para' => false];
    $out[] = [
        'id' => $id,
        'name' => $question->name,
        'questiontext' => format_text($question->questiontext, $question->questiontextformat, $options),
        'generalfeedback' => format_text($question->generalfeedback, $question->generalfeedbackformat, $options),
    ];
}
echo json_encode(['questions' => $out], JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
