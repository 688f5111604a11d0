"""How each item kind becomes a Moodle question: the decisions the Moodle XML file and the course backup share.

Read from Moodle 5.1's own code (question/format/xml/format.php, question/type/*/questiontype.php and question.php,
question/engine/bank.php):

- true/false: `truefalse` (its labels True/False) or a single-answer `multichoice` (the author's labels); choice:
  single-answer `multichoice`, fractions 1 and 0.
- multiple: multi-answer `multichoice`. Moodle adds the fractions of the ticked answers and keeps the sum between 0
  and 1; the positive ones must add up to 1, and an import refuses any fraction not on its list
  (`question_bank::fraction_options_full`, within 1e-5). Each right answer gets 1/k of k (on the list for
  k = 1..10 and 20; 11..19 right answers share 1 as 0.1s and 0.05s); each wrong one the negative of the smallest
  listed fraction not below 1/w of w wrong ones (what the question editor offers), so ticking every answer
  scores 0 and only the right ones, all of them, score full marks.
- short: `shortanswer`, case-insensitive (`usecase` 0), each accepted answer 100% with `*` (Moodle's wildcard)
  escaped; Moodle trims the learner's answer but compares inner spaces as typed.
- numeric: `numerical` without units: one answer, the range's midpoint, with the half width as tolerance (Moodle's
  nominal tolerance: right from answer - tolerance to answer + tolerance, both included).
- matching: `match`, one subquestion per pair, a distractor an empty subquestion with its answer; Moodle shows the
  options as plain text in a menu (always in a shuffled order) and grades each pair (partial credit).
- essay: `essay`, answered in the editor, graded by a teacher.

Feedback: the explanation is the general feedback. Per-choice feedback is the answer's feedback (a true/false or
two-label choice without one keeps the verdict "Right." / "Not quite: ..."). Right/wrong feedback (`+`/`-`) is
Moodle's combined feedback for multichoice and match (correct; partially correct and incorrect both get the wrong
feedback, since only all right is right); for short and numeric the right feedback is each right answer's
feedback and the wrong feedback that of a last answer `*` worth 0 (Moodle's "any other answer"); for truefalse it
follows the verdict in the answer's feedback. An essay has no right or wrong: its `+`/`-` feedback is not carried
(the build warns).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from exporter.model import CHOICE, ESSAY, MATCHING, MULTIPLE, NUMERIC, SHORT, TRUE_FALSE, Choice, Item, Numeric
from exporter.i18n.messages import Messages
from exporter.writers.qti.items12 import verdict_html
from exporter.xhtml import text_html, to_text, to_xhtml

QTYPE = {TRUE_FALSE: "truefalse", CHOICE: "multichoice", MULTIPLE: "multichoice", SHORT: "shortanswer",
         NUMERIC: "numerical", MATCHING: "match", ESSAY: "essay"}

# Moodle's list of grades an answer may carry (question_bank::ensure_fraction_options_initialised), positive ones,
# as Moodle writes them (7 decimals: question_answers.fraction is NUMBER(12,7)); the negatives are the same
# with a minus, and -1.
LISTED = ("1.0000000", "0.9000000", "0.8333333", "0.8000000", "0.7500000", "0.7000000", "0.6666667",
          "0.6000000", "0.5000000", "0.4000000", "0.3333333", "0.3000000", "0.2500000", "0.2000000",
          "0.1666667", "0.1428571", "0.1250000", "0.1111111", "0.1000000", "0.0500000")
MAX_RIGHT = 20  # at most 20 right answers can share 100% in listed grades (1/20 is the smallest)
ONE, NONE = "1.0000000", "0.0000000"


def qtype(item: Item) -> str:
    """The Moodle question type of an item (a true/false statement with the author's labels is a multichoice)."""
    return QTYPE[item.kind]


def right_shares(k: int) -> list[str]:
    """k listed fractions adding up to 1 (within Moodle's check, rounded to 2 decimals), the larger first."""
    exact = [f for f in LISTED if Fraction(1, k) - Fraction(f) < Fraction(1, 10**5)
             and Fraction(f) - Fraction(1, k) < Fraction(1, 10**5)]
    if exact:
        return [exact[0]] * k
    if k <= MAX_RIGHT:  # 10 < k < 20: (20 - k) tenths and (2k - 20) twentieths
        return ["0.1000000"] * (20 - k) + ["0.0500000"] * (2 * k - 20)
    return ["0.0500000"] * MAX_RIGHT + [NONE] * (k - MAX_RIGHT)  # not carried: the build warns (uncarried)


def wrong_share(w: int) -> str:
    """The penalty for one of w wrong answers: the smallest listed fraction not below 1/w, negative."""
    fit = [f for f in LISTED if Fraction(f) >= Fraction(1, w) - Fraction(1, 10**7)]
    return "-" + min(fit, key=Fraction)


def fractions(item: Item) -> list[str]:
    """Each choice's fraction, in the author's order (7 decimals)."""
    if item.kind != MULTIPLE:
        return [ONE if c.right else NONE for c in item.choices]
    rights = iter(right_shares(sum(1 for c in item.choices if c.right)))
    wrongs = sum(1 for c in item.choices if not c.right)
    penalty = wrong_share(wrongs) if wrongs else NONE
    return [next(rights) if c.right else penalty for c in item.choices]


def percent(fraction: str) -> str:
    """A fraction as Moodle XML's `fraction` attribute, in percent, as Moodle's export writes it ("33.33333")."""
    value = Decimal(fraction) * 100
    return decimal_text(value)


def decimal_text(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros ("7", "1.25", "-0.05")."""
    return "0" if value == 0 else format(value.normalize(), "f")


def numeric_answer(numeric: Numeric) -> tuple[str, str]:
    """(answer, tolerance): the range's midpoint and half width, exact."""
    low, high = Decimal(numeric.low), Decimal(numeric.high)
    return decimal_text((low + high) / 2), decimal_text((high - low) / 2)


def short_pattern(answer: str) -> str:
    """An accepted answer as a Moodle shortanswer pattern: trimmed, `*` (the wildcard) escaped as `\\*`."""
    return answer.strip().replace("*", "\\*")


def match_answer(right_html: str) -> str:
    """A matching option as Moodle stores it: plain text, shown through format_string (markup characters as
    entities, so they show as themselves)."""
    return text_html(to_text(right_html))


def verdict(texts: Messages, item: Item, right: bool) -> str:
    """The verdict a true/false or one-right choice answer shows when the author gave it no feedback of its own
    (`verdict_html`; a right choice with markup is named by its text)."""
    if right or "<" not in item.right_choice.html:
        return verdict_html(texts, item, right)
    # Translators: {label} is the right answer's label, e.g. True, or the author's own label such as Yes
    text = texts.tr("feedback.wrong", "Not quite: the right answer is {label}.", label=to_text(item.right_choice.html))
    return f"<p>{text_html(text)}</p>"


def choice_feedback(texts: Messages, item: Item, choice: Choice) -> str:
    """A choice's answer feedback (XHTML): a true/false or one-right choice's verdict, then the choice's own
    feedback (as the other formats show them); a choice of a multiple-answers question: its own. A truefalse
    question has no overall feedback: the item's right or wrong feedback follows."""
    own = to_xhtml(choice.feedback_html) if choice.feedback_html.strip() else ""
    if item.kind in (TRUE_FALSE, CHOICE):
        said = verdict(texts, item, choice.right)
        own = f"{said}\n{own}" if own else said
    extra = (item.right_feedback_html if choice.right else item.wrong_feedback_html) if item.true_false else ""
    return f"{own}\n{to_xhtml(extra)}" if extra.strip() else own


def uncarried(item: Item) -> list[str]:
    """What Moodle cannot carry of an item, in the author's words (the build warns at the item's line)."""
    found = []
    if item.kind == MULTIPLE:
        rights = sum(1 for c in item.choices if c.right)
        if rights > MAX_RIGHT:
            found.append(f"Moodle's grades cannot share full marks among {rights} right answers (at most "
                         f"{MAX_RIGHT}): the first {MAX_RIGHT} carry 5% each, the others nothing, so Moodle gives "
                         "full marks without them")
    if item.kind == ESSAY and (item.right_feedback_html.strip() or item.wrong_feedback_html.strip()):
        found.append("an essay is graded by a teacher, never right or wrong: its right/wrong feedback (+ and -) is "
                     "not carried (only the general feedback is)")
    return found
