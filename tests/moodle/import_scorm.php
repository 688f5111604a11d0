<?php
// Add a SCORM package to a course as a teacher does with "Add an activity > SCORM package": the form's checks on
// the uploaded file (scorm_validate_package), then create_module() -> add_moduleinfo() -> scorm_add_instance(),
// which parses imsmanifest.xml. Prints what Moodle stored, as JSON:
//   {"ok", "course", "cmid", "scorm": {id, name, version, launch}, "counts": {scoes, launchable, files},
//    "scoes": [{id, identifier, title, parent, organization, scormtype, launch, launch_file_in_package,
//               data: {prerequisites, masteryscore, ...}}], "files": [...]}
// or {"ok": false, "rejected": {field: message}} when the form would refuse the file.
//
// usage: php import_scorm.php PACKAGE.zip [--course=SHORTNAME]      (MOODLE_DIR, default /opt/moodle)
// exit:  0 stored and launchable; 1 usage; 2 refused by the form's checks; 3 stored with a problem (version
//        ERROR, no SCO, nothing to launch); 4 Moodle stopped the script (an exception or a die()).
define('CLI_SCRIPT', true);
$package = null;
$coursename = null;
foreach (array_slice($argv, 1) as $arg) {
    if (preg_match('/^--course=(.+)$/', $arg, $m)) {
        $coursename = $m[1];
    } else if ($arg !== '' && $arg[0] !== '-' && $package === null) {
        $package = realpath($arg) ?: null;
        if ($package === null) {
            fwrite(STDERR, "import_scorm.php: cannot read $arg\n");
            exit(1);
        }
    } else {
        fwrite(STDERR, "usage: php import_scorm.php PACKAGE.zip [--course=SHORTNAME]\n");
        exit(1);
    }
}
if ($package === null) {
    fwrite(STDERR, "usage: php import_scorm.php PACKAGE.zip [--course=SHORTNAME]\n");
    exit(1);
}

require((getenv('MOODLE_DIR') ?: '/opt/moodle') . '/config.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/mod/scorm/lib.php');
require_once($CFG->dirroot . '/mod/scorm/locallib.php');

require_once(__DIR__ . '/guard.php');
guard('import_scorm.php', 'import');

\core\session\manager::set_user(get_admin());
$coursename = $coursename ?? 'scorm-' . date('YmdHis') . '-' . random_string(4);
$course = $DB->get_record('course', ['shortname' => $coursename])
    ?: create_course((object)['fullname' => "SCORM import $coursename", 'shortname' => $coursename,
        'category' => core_course_category::get_default()->id]);

// The file picker puts the upload in the user's draft area.
$fs = get_file_storage();
$draftitemid = file_get_unused_draft_itemid();
$upload = $fs->create_file_from_pathname(['contextid' => context_user::instance($USER->id)->id,
    'component' => 'user', 'filearea' => 'draft', 'itemid' => $draftitemid, 'filepath' => '/',
    'filename' => basename($package)], $package);

// mod_scorm_mod_form::validation() for a local package.
$name = strtolower($upload->get_filename());
if ($name === 'imsmanifest.xml') {
    finish(['ok' => false, 'rejected' => ['packagefile' => get_string('aliasonly', 'mod_scorm')]], 2);
} else if (substr($name, -3) === 'xml') {
    finish(['ok' => false, 'rejected' => ['packagefile' => get_string('invalidmanifestname', 'mod_scorm')]], 2);
}
$refused = scorm_validate_package($upload);
if ($refused) {
    finish(['ok' => false, 'rejected' => $refused], 2);
}

// The form's fields: the site's SCORM defaults (admin settings), a local package, no completion rules.
$defaults = get_config('scorm');
$module = (object)[
    'modulename' => 'scorm', 'course' => $course->id, 'section' => 0, 'visible' => 1,
    'name' => pathinfo($package, PATHINFO_FILENAME),
    'introeditor' => ['text' => '', 'format' => FORMAT_HTML, 'itemid' => file_get_unused_draft_itemid()],
    'cmidnumber' => '',
    'scormtype' => SCORM_TYPE_LOCAL, 'packagefile' => $draftitemid, 'packageurl' => '',
    'updatefreq' => SCORM_UPDATE_NEVER, 'popup' => 0,
    'width' => $defaults->framewidth, 'height' => $defaults->frameheight,
    'timeopen' => 0, 'timeclose' => 0, 'grademethod' => GRADESCOES,
];
foreach (['skipview', 'hidebrowse', 'displaycoursestructure', 'hidetoc', 'nav', 'navpositionleft',
        'navpositiontop', 'displayattemptstatus', 'maxgrade', 'maxattempt', 'whatgrade', 'forcenewattempt',
        'lastattemptlock', 'forcecompleted', 'masteryoverride', 'auto'] as $setting) {
    $module->$setting = $defaults->$setting;
}
$module = create_module($module);

// What Moodle stored.
$scorm = $DB->get_record('scorm', ['id' => $module->instance], '*', MUST_EXIST);
$context = context_module::instance($module->coursemodule);
$files = [];
foreach ($fs->get_area_files($context->id, 'mod_scorm', 'content', 0, 'filepath, filename', false) as $file) {
    $files[] = ltrim($file->get_filepath(), '/') . $file->get_filename();
}
$scoes = [];
foreach ($DB->get_records('scorm_scoes', ['scorm' => $scorm->id], 'sortorder, id') as $sco) {
    $data = [];
    foreach ($DB->get_records('scorm_scoes_data', ['scoid' => $sco->id], 'id') as $row) {
        $data[$row->name] = $row->value;
    }
    $launchfile = $sco->launch === '' ? null : strtok($sco->launch, '?#');
    $scoes[] = [
        'id' => (int)$sco->id, 'identifier' => $sco->identifier, 'title' => $sco->title, 'parent' => $sco->parent,
        'organization' => $sco->organization, 'scormtype' => $sco->scormtype, 'launch' => $sco->launch,
        'launch_file_in_package' => $launchfile === null ? null : in_array($launchfile, $files, true),
        'data' => (object)$data,
    ];
}
$launchable = count(array_filter($scoes, fn($s) => $s['launch'] !== ''));
$ok = $scorm->version !== 'ERROR' && $scoes && $launchable && !empty($scorm->launch);
finish([
    'ok' => (bool)$ok,
    'course' => ['id' => (int)$course->id, 'shortname' => $course->shortname],
    'cmid' => (int)$module->coursemodule,
    'scorm' => ['id' => (int)$scorm->id, 'name' => $scorm->name, 'version' => $scorm->version,
        'launch' => (int)$scorm->launch],
    'counts' => ['scoes' => count($scoes), 'launchable' => $launchable, 'files' => count($files)],
    'scoes' => $scoes,
    'files' => $files,
], $ok ? 0 : 3);
