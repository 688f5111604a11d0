<?php
// A student in a course, as a teacher's "Enrol users" makes one: the user (created once, with the given
// password, its policy agreed) enrolled by manual enrolment with the student role. Prints JSON:
//   {"ok", "user": {id, username}, "course": {id, shortname}}
//
// usage: php enrol_student.php COURSE_SHORTNAME USERNAME PASSWORD      (MOODLE_DIR, default /opt/moodle)
// exit:  0 enrolled; 1 usage; 4 Moodle stopped the script.
define('CLI_SCRIPT', true);
if (count($argv) !== 4) {
    fwrite(STDERR, "usage: php enrol_student.php COURSE_SHORTNAME USERNAME PASSWORD\n");
    exit(1);
}
[, $shortname, $username, $password] = $argv;
require((getenv('MOODLE_DIR') ?: '/opt/moodle') . '/config.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->dirroot . '/enrol/manual/lib.php');
$finished = false;
register_shutdown_function(function () use (&$finished) {
    if (!$finished) {
        fwrite(STDERR, "enrol_student.php: Moodle stopped before the enrolment finished\n");
        exit(4);
    }
});
\core\session\manager::set_user(get_admin());
$course = $DB->get_record('course', ['shortname' => $shortname], '*', MUST_EXIST);
$user = $DB->get_record('user', ['username' => $username, 'mnethostid' => $CFG->mnet_localhost_id]);
if (!$user) {
    $id = user_create_user((object)['username' => $username, 'password' => $password, 'firstname' => 'Student',
        'lastname' => $username, 'email' => "$username@example.invalid", 'auth' => 'manual', 'confirmed' => 1,
        'mnethostid' => $CFG->mnet_localhost_id, 'policyagreed' => 1], true, false);
    $user = $DB->get_record('user', ['id' => $id], '*', MUST_EXIST);
}
$plugin = enrol_get_plugin('manual');
$instance = $DB->get_record('enrol', ['courseid' => $course->id, 'enrol' => 'manual']);
if (!$instance) {
    $plugin->add_instance($course);
    $instance = $DB->get_record('enrol', ['courseid' => $course->id, 'enrol' => 'manual'], '*', MUST_EXIST);
}
$student = $DB->get_record('role', ['shortname' => 'student'], '*', MUST_EXIST);
$plugin->enrol_user($instance, $user->id, $student->id);
$finished = true;
echo json_encode(['ok' => true, 'user' => ['id' => (int)$user->id, 'username' => $user->username],
    'course' => ['id' => (int)$course->id, 'shortname' => $course->shortname]]), "\n";
