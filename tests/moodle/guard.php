<?php
// What the import helpers share, included once Moodle's config.php is loaded: everything Moodle complains about
// goes to stderr (stdout stays JSON), a script Moodle stops before it finished exits 4 saying so, and finish()
// prints the result as JSON and exits with its status. Written for exporter's tests.
$CFG->debug = E_ALL;
$CFG->debugdisplay = 1;
ini_set('display_errors', 'stderr');
$finished = false;

function guard(string $script, string $doing): void {
    register_shutdown_function(function () use ($script, $doing) {
        global $finished;
        if (!$finished) {
            fwrite(STDERR, "$script: Moodle stopped before the $doing finished\n");
            exit(4);
        }
    });
}

function finish(array $result, int $status): void {
    global $finished;
    $finished = true;
    echo json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
    exit($status);
}
