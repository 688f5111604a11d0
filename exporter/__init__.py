"""exporter: a Markdown training course into SCORM, QTI, Moodle XML and Common Cartridge.

The pipeline, one module a stage:
    settings  -> course.yml / course.toml and command-line overrides
    reader    -> source files into the model (front matter, pages, chapters)
    markup    -> each page's Markdown rendered once, links and local files resolved
    quiz      -> the quiz cut out of a rendered page, its items decoded
    model     -> plain dataclasses handed to every writer
    writers/  -> one module per output format, one registry
    packaging -> deterministic zips and atomic writes
    build     -> ties the stages together; cli is the command line
"""

__version__ = "0.1.0"
