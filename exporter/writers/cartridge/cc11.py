"""`cc11`: an IMS Common Cartridge 1.1 (`.imscc`), the version Moodle imports (Moodle reads CC 1.0 and 1.1 only).

Modules per chapter, a Page per course page, a Quiz per course quiz (every item of its bank: CC has no
"draw N"), and a question bank with every item. Moodle recognises 1.1 by the default namespace declared in
the manifest's first 1024 bytes and rejects a manifest its bundled schemas refuse.
"""

from __future__ import annotations

from exporter.writers.cartridge.common import CC11, CartridgeWriter


class Cc11Writer(CartridgeWriter):
    name = "cc11"
    title = "IMS Common Cartridge 1.1 (Moodle: modules, pages and quizzes in one import)"
    carries = "pages as Moodle pages, quizzes, a question bank"
    drops = "\"draw N\"; the order lock; images and files shown in quiz text"
    profile = CC11
    math = "tex"  # Moodle imports CC 1.1; its MathJax filter typesets \( \) and $$ $$
