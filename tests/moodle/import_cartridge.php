<?php
// Restore an IMS Common Cartridge (.imscc) as a new course, as "Restore" does with an uploaded cartridge: the file
// is unpacked into the backup temp folder, its format detected (backup_general_helper::detect_backup_format), a
// new course made (restore_dbops::create_new_course), then restore_controller converts it (imscc11 -> moodle1 ->
// moodle2, convert_helper) and runs the restore with the default settings, as the admin.
// Prints, as JSON, what the course holds afterwards:
//   {"ok", "format", "course": {id, shortname, fullname},
//    "sections": [{section, name, summary (plain text), modules: [cmid, ...]}],
//    "modules": [{cmid, modname, name, section, ...; a quiz: settings, questions: [{slot, page, maxmark, qtype, name,
//                 questiontext, generalfeedback, answers: [{answer, fraction, feedback}], options}]}],
//    "problems": [restore/convert log lines at WARNING or ERROR, quizzes without questions], "log": [...]}
// or {"ok": false, "step", "error"} when Moodle refuses the file.
//
// usage: php import_cartridge.php FILE.imscc [--shortname=SHORT]   (MOODLE_DIR, default /opt/moodle)
// exit:  0 restored cleanly; 1 usage; 2 refused (not an archive, not a cartridge Moodle converts, conversion
//        failed); 3 restored but with problems (see "problems"); 4 Moodle stopped the script.
define('CLI_SCRIPT', true);
$usage = "usage: php import_cartridge.php FILE.imscc [--shortname=SHORT]\n";
$file = null;
$shortname = null;
foreach (array_slice($argv, 1) as $arg) {
    if (preg_match('/^--shortname=(.+)$/', $arg, $m)) {
        $shortname = $m[1];
    } else if ($arg !== '' && $arg[0] !== '-' && $file === null) {
        $file = realpath($arg) ?: null;
        if ($file === null) {
            fwrite(STDERR, "import_cartridge.php: cannot read $arg\n");
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
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');

require_once(__DIR__ . '/guard.php');
guard('import_cartridge.php', 'restore');

/** Keeps every line the restore and the conversion log, with its level. */
class collecting_logger extends base_logger {
    /** @var array[] [level, message] */
    public array $lines = [];

    protected function action($message, $level, $options = null) {
        $this->lines[] = [$level, $message];
        return true;
    }
}

/** HTML as one line of plain text. */
function plain(?string $html): string {
    $text = html_entity_decode(strip_tags(preg_replace('/<(br|p|div|li|h\d)\b/i', ' $0', (string)$html)),
        ENT_QUOTES | ENT_HTML5, 'UTF-8');
    return trim(preg_replace('/\s+/u', ' ', $text));
}

\core\session\manager::set_user(get_admin());
$admin = get_admin();
$shortname = $shortname ?? 'cc-' . date('YmdHis') . '-' . random_string(4);
if ($DB->record_exists('course', ['shortname' => $shortname])) {
    fwrite(STDERR, "import_cartridge.php: a course named $shortname exists already\n");
    exit(1);
}

// The upload, unpacked as the restore's confirmation step does.
$fs = get_file_storage();
$upload = $fs->create_file_from_pathname(['contextid' => context_user::instance($USER->id)->id,
    'component' => 'user', 'filearea' => 'draft', 'itemid' => file_get_unused_draft_itemid(), 'filepath' => '/',
    'filename' => basename($file)], $file);
$folder = restore_controller::get_tempdir_name(SITEID, $USER->id);
$path = make_backup_temp_directory($folder);
if (get_file_packer('application/vnd.moodle.backup')->extract_to_pathname($upload, "$path/") === false) {
    fulldelete($path);
    finish(['ok' => false, 'step' => 'unpack', 'error' => 'Moodle cannot unpack the file'], 2);
}
$format = backup_general_helper::detect_backup_format($folder);
if ($format !== backup::FORMAT_IMSCC11 && $format !== backup::FORMAT_IMSCC1) {
    fulldelete($path);
    finish(['ok' => false, 'step' => 'detect', 'error' => "Moodle reads the file as format '$format'"], 2);
}

// "Restore as a new course" into the default category.
$category = core_course_category::get_default()->id;
[$fullname, $tmpshort] = restore_dbops::calculate_course_names(0, get_string('restoringcourse', 'backup'),
    get_string('restoringcourseshortname', 'backup'));
$courseid = restore_dbops::create_new_course($fullname, $tmpshort, $category);
$log = new collecting_logger(backup::LOG_DEBUG);
$step = 'convert';
$controller = null;
try {
    $controller = new restore_controller($folder, $courseid, backup::INTERACTIVE_NO, backup::MODE_GENERAL,
        $admin->id, backup::TARGET_NEW_COURSE);
    $controller->get_logger()->set_next($log);
    if ($controller->get_status() == backup::STATUS_REQUIRE_CONV) {
        // The cartridge converter reads its templates by paths relative to backup/ (where restore.php runs).
        chdir($CFG->dirroot . '/backup');
        $controller->convert();
    }
    $controller->get_plan()->get_setting('course_shortname')->set_value($shortname);
    $step = 'precheck';
    if (!$controller->execute_precheck()) {
        $errors = $controller->get_precheck_results()['errors'] ?? [];
        if ($errors) {
            throw new moodle_exception('generalexceptionmessage', 'error', '', implode('; ', $errors));
        }
    }
    $step = 'restore';
    $controller->execute_plan();
    $controller->destroy();
} catch (Throwable $e) {
    if ($controller) {
        try {
            $controller->destroy();
        } catch (Throwable $ignored) {
            // a controller that never loaded its plan cannot be destroyed
        }
    }
    fulldelete($path);
    delete_course($courseid, false);
    $refused = $step === 'convert' && ($e instanceof convert_exception || $e instanceof convert_helper_exception
        || $e instanceof restore_controller_exception);
    finish(['ok' => false, 'step' => $step, 'error' => get_class($e) . ': ' . plain($e->getMessage())
        . (isset($e->debuginfo) && $e->debuginfo ? ' (' . trim($e->debuginfo) . ')' : ''),
        'log' => array_map(fn($l) => $l[1], $log->lines)], $refused ? 2 : 4);
}

// What the new course holds.
rebuild_course_cache($courseid, true);
$course = get_course($courseid);
$modinfo = get_fast_modinfo($course);
$sections = [];
$modules = [];
$problems = [];
foreach ($log->lines as [$level, $message]) {
    if ($level <= backup::LOG_WARNING) {
        $problems[] = ($level == backup::LOG_ERROR ? 'error: ' : 'warning: ') . $message;
    }
}
foreach ($modinfo->get_section_info_all() as $section) {
    $cmids = array_map('intval', $modinfo->sections[$section->section] ?? []);
    $sections[] = ['section' => (int)$section->section, 'name' => $section->name,
        'summary' => plain($section->summary), 'modules' => $cmids];
    foreach ($cmids as $cmid) {
        $cm = $modinfo->get_cm($cmid);
        $module = ['cmid' => $cmid, 'modname' => $cm->modname, 'name' => $cm->name,
            'section' => (int)$section->section, 'visible' => (int)$cm->visible];
        $instance = $DB->get_record($cm->modname, ['id' => $cm->instance]);
        if ($cm->modname === 'page') {
            $module['content'] = $instance->content;
        } else if ($cm->modname === 'quiz') {
            $module['settings'] = ['grade' => (float)$instance->grade, 'sumgrades' => (float)$instance->sumgrades,
                'attempts' => (int)$instance->attempts, 'preferredbehaviour' => $instance->preferredbehaviour];
            $module['questions'] = [];
            $context = context_module::instance($cmid);
            foreach (\mod_quiz\question\bank\qbank_helper::get_question_structure($instance->id, $context) as $slot) {
                if (empty($slot->questionid)) {
                    $module['questions'][] = ['slot' => (int)$slot->slot, 'missing' => true];
                    $problems[] = "quiz '{$cm->name}': slot {$slot->slot} has no question";
                    continue;
                }
                $q = question_bank::load_question_data($slot->questionid);
                $options = [];
                foreach ((array)($q->options ?? []) as $key => $value) {
                    if ($key !== 'answers' && (is_scalar($value) || $value === null)) {
                        $options[$key] = $value;
                    }
                }
                $module['questions'][] = [
                    'slot' => (int)$slot->slot, 'page' => (int)$slot->page, 'maxmark' => (float)$slot->maxmark,
                    'id' => (int)$q->id, 'qtype' => $q->qtype, 'name' => $q->name,
                    'questiontext' => $q->questiontext, 'generalfeedback' => $q->generalfeedback,
                    'answers' => array_values(array_map(fn($a) => ['answer' => $a->answer,
                        'fraction' => (float)$a->fraction, 'feedback' => $a->feedback], $q->options->answers ?? [])),
                    'options' => (object)$options,
                ];
            }
            if (!$module['questions']) {
                $problems[] = "quiz '{$cm->name}' has no questions";
            }
        }
        $modules[] = $module;
    }
}
if (!$modules) {
    $problems[] = 'the course has no activities';
}
finish([
    'ok' => !$problems, 'format' => $format,
    'course' => ['id' => (int)$course->id, 'shortname' => $course->shortname, 'fullname' => $course->fullname],
    'sections' => $sections, 'modules' => $modules, 'problems' => $problems,
    'log' => array_map(fn($l) => $l[1], array_filter($log->lines, fn($l) => $l[0] <= backup::LOG_INFO)),
], $problems ? 3 : 0);
