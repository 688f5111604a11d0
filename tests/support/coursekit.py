"""Build small courses in a temporary folder for tests (our own text, items base64-encoded here), and plain-text
copies of courses whose items are base64."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path


def encode(statement: str, answer: str, explanation: str) -> str:
    return base64.b64encode(f"{statement}/{answer}/{explanation}".encode("utf-8")).decode("ascii")


def plain(statement: str, answer: str, explanation: str) -> str:
    """An item in the plain form, written by the test on its own: Markdown's inline characters and a slash that
    would start an answer field in the statement are escaped with a backslash."""
    def escaped(text: str) -> str:
        return re.sub(r"[\\`*_\[\]]", lambda m: "\\" + m.group(0), text)

    statement = re.sub(r"/(?=[YyNnTtFf]/)", r"\\/", escaped(statement))
    return f"{statement} /{answer}/ {escaped(explanation)}".rstrip()


_BASE64_ITEM = re.compile(r"^(?P<lead>[-*+] +)(?P<word>[A-Za-z0-9+/]{8,}={0,2})(?P<tail>[ \t]*)$")


def plain_copy(source: Path, target: Path) -> tuple[Path, int]:
    """A copy of a course with every base64 quiz item written in the plain form; returns it and how many items
    it rewrote. The files are otherwise the same, line for line."""
    shutil.copytree(source, target)
    count = 0
    for path in sorted(target.glob("*.md")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for n, line in enumerate(lines):
            m = _BASE64_ITEM.match(line)
            if not m:
                continue
            text = base64.b64decode(m.group("word")).decode("utf-8")
            parts = re.match(r"^(.*?)/([YyNn])/(.*)$", text, re.DOTALL)
            if parts:
                lines[n] = m.group("lead") + plain(*parts.groups()) + m.group("tail")
                count += 1
        path.write_text("\n".join(lines), encoding="utf-8")
    return target, count


def page(title: str, serial: int | None, body: str, kind: str = "section", extra: str = "") -> str:
    lines = ["---", f'title: "{title}"' if title else "", f"class: {kind}"]
    if serial is not None:
        lines.append(f"serial: {serial}")
    if extra:
        lines.append(extra)
    lines.append("---")
    return "\n".join(x for x in lines if x != "") + "\n" + body


def quiz(n: int | str, items: list[tuple[str, str, str]], opt: str | None = None, stimulus: str = "",
         form=encode) -> str:
    """A quiz paragraph and its bank; `form` writes each item (`encode`: base64, `plain`: the plain form)."""
    attrs = f'data-n="{n}"' + (f' data-opt="{opt}"' if opt else "")
    bank = "\n".join(f"- {form(*i)}" for i in items)
    stim = f"{stimulus}\n\n" if stimulus else ""
    return f"Mark each statement, then press the Score button:\n{{: {attrs}}}\n\n{stim}{bank}\n"


ITEMS = [
    ("Water boils at 100 degrees Celsius at sea level.", "Y", "At standard pressure it does."),
    ("The moon is made of cheese.", "N", "It is rock and dust."),
    ("Cats are mammals.", "Y", "They feed their young on milk."),
]


def write_course(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def small_course(folder: Path) -> Path:
    """A valid two-chapter course: the base every error test breaks in one place."""
    return write_course(folder, {
        "a.md": page("Start here", 0, "Welcome.\n\nSee [the next page](b.md).\n", kind="chapter"),
        "b.md": page("Second page", 1, "Some text.\n\n" + quiz(2, ITEMS)),
        "c.md": page("Chapter two", 2, "More.\n", kind="chapter"),
        "d.md": page("Last page", 3, "Text.\n\n" + quiz(1, ITEMS, opt="Yes,No")),
    })


# Text that breaks naive writers: markup characters, CDATA's terminator, quotes, scripts other than
# Latin, emoji, and the source format's `<3` heart. Written by us for these tests.
AWKWARD_ITEMS = [
    ("Fish &amp; chips &lt; 5 &gt; 2, \"quoted\" and 'single' ]]&gt; end", "Y",
     "Ampersand &amp; angle &lt;brackets&gt; and ]]&gt; survive."),
    ("Ελληνικά, русский, 中文, العربية, עברית", "N", "Non-Latin scripts: 日本語 and हिन्दी."),
    ("Emoji 🚲🙂 and a heart <3 here", "Y", "We <3 it / and/or a URL https://example.org/a/b"),
    ("<em>Emphasis</em> and <strong>strong</strong> text", "N", "Markup <em>kept</em> &hellip; entities &ldquo;ok&rdquo;"),
]
AWKWARD_TITLE = 'Q&A: <Tricky> "titles" & \'quotes\' ]]> 🚲'


def awkward_course(folder: Path) -> Path:
    """One chapter, one quiz with custom labels and a stimulus, one True/False quiz: every item awkward."""
    stimulus = 'Member: *"I &amp; my <3 friend said ]]&gt; hello"*\n{: .conv}'
    return write_course(folder, {
        "a.md": page(AWKWARD_TITLE.replace('"', '\\"'), 0, "Intro with & and <3.\n", kind="chapter"),
        "b.md": page("Labels: Ja & Nein", 1, "Text.\n\n" + quiz(2, AWKWARD_ITEMS, opt="Ja & ja,Nein <nein>",
                                                               stimulus=stimulus)),
        "c.md": page("True/False ]]> page", 2, "Text.\n\n" + quiz(3, AWKWARD_ITEMS)),
    })


# A course in Arabic (and a Hebrew item): right-to-left text, a language no catalog ships for. Our own text.
RTL_PAGES = {
    "a.md": page("مرحبا بكم في الدورة", 0, "هذه الصفحة الأولى.\n\nانظر [الصفحة التالية](b.md).\n", kind="chapter"),
    "b.md": page("ركوب الدراجة بأمان", 1, "نص قصير.\n\n" + quiz(2, [
        ("الخوذة تحمي الرأس.", "Y", "نعم، هذا صحيح."),
        ("يمكن القيادة ليلاً بدون أضواء.", "N", "لا، الأضواء ضرورية."),
        ("עברית: רוכבים בצד ימין של הכביש.", "Y", "נכון."),
    ])),
}


def rtl_course(folder: Path) -> Path:
    write_course(folder, RTL_PAGES)
    (folder / "course.yml").write_text("title: السلامة على الدراجة\nidentifier: rtl\nlanguage: ar\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the folder with its digest: what a failed build must leave as it was."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# Every question kind of the source format once, with each kind of feedback, a link to a page and an image, and
# awkward text in choices, answers and pairs. Our own text.
TYPED_BANK = """\
- Which light goes at the *back* of a bike?
  ... White at the front, red at the back: see [the lights page](a.md).
  a) White
  *b) Red & only red
  c) Green <3
  ... Green is for the right side of boats, not bikes.
- What do you check before every ride?
  + Yes: brakes and tyres.
  - Not quite: the saddle's colour does not matter.
  [*] Brakes
  [*] Tyres
  [ ] The colour of the saddle
  [ ] The bell's "tune"
- What do you squeeze to stop?
  ... The brake lever.
  * brake
  * brake lever
- How many wheels does a tandem have?
  = 2
- Tyre pressure of a road bike, in bar?
  = [6, 8]
- A rear reflector's width in cm (give or take 5 percent)?
  = 4.5 +- 5%
- Match each sign to its meaning.
  ~ Red ring -> No vehicles
  ~ Blue disc -> Route to follow
  ~ Red triangle -> Warning & danger
  ~ -> No stopping
- Describe how you signal a right turn. ![A hand signal](img/signal.png)
  ... Arm straight out to the right, then look over your shoulder.
  ____
- Both brakes should be checked before every ride. /Y/ A quick squeeze of each lever.
"""

TYPED_KINDS = ["choice", "multiple", "short", "numeric", "numeric", "numeric", "matching", "essay", "truefalse"]


def typed_course(folder: Path, draw: int | None = None, shuffle: bool = False) -> Path:
    """A course whose quiz holds every question kind (TYPED_BANK; `draw`: data-n, default all), beside a
    true/false quiz and a page the feedback links to."""
    n = draw or len(TYPED_KINDS)
    attrs = f'data-n="{n}"' + (' data-shuffle="choices"' if shuffle else "")
    write_course(folder, {
        "a.md": page("Lights and signs", 0, "Lights matter.\n", kind="chapter"),
        "b.md": page("Every kind of question", 1, f"Answer each question.\n{{: {attrs}}}\n\n{TYPED_BANK}"),
        "c.md": page("True or false", 2, "Text.\n\n" + quiz(2, ITEMS, form=plain)),
    })
    (folder / "img").mkdir(exist_ok=True)
    (folder / "img" / "signal.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4"
                                                b"\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND"
                                                b"\xaeB`\x82")
    return folder


# Typed items at their edges, for the writers that score answers: feedback on every choice and on both
# verdicts, an option two pairs share, answers differing only in case or spacing, numbers at zero, below zero and
# with a margin of a ten-thousandth, labels of the author's own beside them. Our own text.
TYPED_EDGES = """\
- Which light goes at the back?
  + Well done.
  - Look again at the back light.
  ... White at the front, red at the back.
  a) White
  ... White is for the front.
  *b) **Red**
  ... Yes: red, like a car's.
  c) Green
  ... Green is for the right side of boats, not bikes.
- What do you check before every ride?
  [*] Brakes
  ... Both of them.
  [*] Tyres
  [ ] The colour of the saddle
  ... It does not matter.
  [*] Lights
- What do you squeeze to stop? 🚲
  + Right.
  - The brake, or its lever.
  * brake
  * Brake  lever
  * BRAKE
  * Bremse
- The square root of 2, to four places?
  = 1.4142 +- 0.0001
- How many wheels does a unicycle lack, compared with a bike?
  = 1
- The lowest temperature of the week, in degrees Celsius?
  = -3
- How many punctures did you have this year?
  = 0
- Match each sign to its meaning.
  + All matched.
  - Not all of them.
  ... Round signs give orders.
  ~ Red ring -> No vehicles
  ~ Blue disc -> Route to follow
  ~ Blue *arrow* -> Route to follow
  ~ -> No stopping
- Describe how you signal a right turn.
  ... Arm out, look, then turn.
  ____
"""


def typed_edges_course(folder: Path, shuffle: bool = False) -> Path:
    """TYPED_EDGES as one quiz drawing all its items (shuffled with `shuffle`), then a quiz of statements answered
    with the author's labels."""
    attrs = 'data-n="9"' + (' data-shuffle="choices"' if shuffle else "")
    write_course(folder, {
        "a.md": page("Edges", 0, f"Answer each question.\n{{: {attrs}}}\n\n{TYPED_EDGES}", kind="chapter"),
        "b.md": page("Labels", 1, "Text.\n\n" + quiz(2, ITEMS[:2], opt="Ja & ja,Nein <nein>", form=plain)),
    })
    return folder
