"""`cc11`: an IMS Common Cartridge 1.1 (`.imscc`), the version Moodle imports (Moodle reads CC 1.0 and 1.1 only).

Modules per chapter, a Page per course page, a Quiz per course quiz (every item of its bank: CC has no
"draw N"), and a question bank with every item. Moodle recognises 1.1 by the default namespace declared in
the manifest's first 1024 bytes and rejects a manifest its bundled schemas refuse.
"""

from __future__ import annotations

from exporter.writers.cartridge import items as cc_qti
from exporter.writers.cartridge.common import CC11, CartridgeWriter


class Cc11Writer(CartridgeWriter):
    name = "cc11"
    title = "IMS Common Cartridge 1.1 (Moodle: modules, pages and quizzes in one import)"
    carries = "pages as Moodle pages, quizzes, a question bank"
    drops = ("\"draw N\"; the order lock; images and files shown in quiz text; numeric and matching questions "
             "(not in CC 1.1); links between pages in Moodle's import (use the .mbz)")
    profile = CC11
    kinds = frozenset(cc_qti.CARRIED)  # the CC QTI profile's: no numeric, no matching
    moodle_reader = True
    quiz_left_out = "; the Moodle XML and Moodle backup formats carry it"
    # Moodle's import (backup/cc/entity11.resource.class.php) makes every relative link naming a file of the
    # cartridge a file of the Page ($@FILEPHP@$) and fails to migrate it; no portable link form reaches the
    # restored page. The cartridge keeps the link for other platforms; the author hears of it at each link.
    page_links_break = ("Moodle's Common Cartridge import breaks this link to another course page (it makes the "
                        "linked page a file of this one, and fails to copy it): for Moodle, use the course backup "
                        "(moodle-backup, the .mbz), where links between pages work")
    math = "tex"  # Moodle imports CC 1.1; its MathJax filter typesets \( \) and $$ $$
