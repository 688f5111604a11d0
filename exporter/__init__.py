"""exporter: a Markdown training course into SCORM, QTI, Moodle XML, Common Cartridge and a Moodle backup.

The packages, in the order a build runs them (each imports only from those above it, and the shared modules):
    source/    reading: settings, front matter, pages and chapters, Markdown rendered once, quizzes and their
               items, links resolved, the per-page cache -> one Course
    writers/   one module (or folder) per output format and one registry, with the families' shared code:
               scorm/, qti/, cartridge/, moodle/ (moodle/backup/ for the .mbz); never reads the source
    build/     a build: the writers side by side, the output folder replaced at once, the report, --watch
    preview/   the course served locally as an LMS plays it
    commands/  the commands that rewrite or create a course folder: decode/encode, new
    i18n/      what learners read in the course's language: the message catalogs and their upkeep
    cli        the command line
Shared by every stage: model (the plain course model), links (link targets and their writing), errors,
ids, xhtml, xmlchars (what text a package can carry), render (templates), progress.
"""

__version__ = "0.1.0"
