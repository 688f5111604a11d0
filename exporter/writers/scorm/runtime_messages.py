"""What the SCORM runtime (templates/static/*.js) says to learners, in the course's language.

The scripts hold no learner text: each page embeds these messages as JSON (`<script id="strings">`) and the
scripts read them from there. Numbers are written here in the language's format; where a message depends on
a count that changes in the browser (statements left, answers right, pages done), it is given once per count
the page can reach (a list indexed by the count), so the scripts never build a plural or format a number.
`{given}`, `{due}`, `{page}` and `{previous}` stay for the scripts to fill with a label or a page title.
"""

from __future__ import annotations

from exporter.i18n.messages import Messages
from exporter.model import MATCHING, Course, Quiz


def page_strings(texts: Messages, quiz: Quiz | None) -> dict:
    """A page's messages: the locked page, the no-LMS notes, and its quiz's (counts up to its draw)."""
    strings = {
        "lockedFallback": texts.tr("page.locked-fallback", "the page before"),
        "referenceCopy": texts.tr("page.reference", "A reference copy: progress on this page is recorded only when "
                                  "you open it from the course outline."),
        # Translators: shown where the platform plays one page (SCO) per visit of the activity (Moodle's SCORM
        # 2004 player): the learner leaves the activity and enters it again, and the platform opens the first
        # page not finished
        "oneVisit": texts.tr("page.one-visit", "This learning platform opens one page of the course per visit, so "
                             "this page cannot record anything now. What you did on the pages before is saved. "
                             "Leave the activity and enter it again: it opens at the first page you have not "
                             "finished."),
    }
    if quiz is None:
        return strings
    n = quiz.drawn
    button = texts.tr("quiz.score", "Score")  # the Score button, as the hints name it
    strings.update({
        "numbers": [texts.tr("quiz.item-number", "{n}.", n=k) for k in range(1, n + 1)],
        "hintReady": texts.tr("quiz.hint-ready", "All answered: press {button}.", button=button),
        "hintLeft": [""] + [texts.trn("quiz.hint-left", "Answer every statement to enable {button} ({left} left).",
                                      "Answer every statement to enable {button} ({left} left).", left, left=left,
                                      button=button) for left in range(1, n + 1)],
        # Translators: {given} is the label the learner chose
        "right": texts.tr("quiz.right", "Right: {given}."),
        # Translators: {given} is the label the learner chose, {due} the right one
        "wrong": texts.tr("quiz.wrong", "Wrong: you answered {given}; the answer is {due}."),
        "passed": texts.tr("quiz.passed", "Passed."),
        "passedBefore": texts.tr("quiz.passed-before", "You have already passed this quiz."),
        "passedAll": texts.trn("quiz.passed-all", "The answer is right.", "All {n} answers are right.", n, n=n),
        "failed": [texts.trn("quiz.failed", "Not passed yet: {right} of {n} right.",
                             "Not passed yet: {right} of {n} right.", n, right=right, n=n) for right in range(n)],
        "failedAdvice": texts.tr("quiz.failed-advice", "To pass, every answer must be right. Read the explanations, "
                                 "review the page, then try again with a new set of statements."),
        "redrawn": texts.tr("quiz.redrawn", "New statements drawn: answer them, then press {button}.", button=button),
    })
    if any(not i.labelled for i in quiz.items):
        strings.update(typed_strings(texts, quiz))
    return strings


def typed_strings(texts: Messages, quiz: Quiz) -> dict:
    """The words of the kinds beyond true/false (only on a page whose quiz has such items, so that a true/false
    quiz's page stays as it was): the answers' hints and labels, verdicts, and the essay's part in the result.
    `decimal` is the language's decimal separator: a learner types numbers with it (or with a point)."""
    from babel.numbers import get_decimal_symbol

    example = texts.decimal("2.5")
    n = quiz.drawn
    button = texts.tr("quiz.score", "Score")
    pairs = sorted({len(i.matches) for i in quiz.items if i.kind == MATCHING})
    strings = {
        # the statements' words, said of questions
        "hintLeft": [""] + [texts.trn("quiz.hint-left-questions", "Answer every question to enable {button} ({left} "
                                      "left).", "Answer every question to enable {button} ({left} left).", left,
                                      left=left, button=button) for left in range(1, n + 1)],
        "redrawn": texts.tr("quiz.redrawn-questions", "New questions drawn: answer them, then press {button}.",
                            button=button),
        "failedAdvice": texts.tr("quiz.failed-advice-questions", "To pass, every answer must be right. Read the "
                                 "explanations, review the page, then try again with a new set of questions."),
        "decimal": get_decimal_symbol(texts.number_locale),
        "selectAll": texts.tr("quiz.select-all", "Select all that apply."),
        "yourAnswer": texts.tr("quiz.your-answer", "Your answer"),
        # Translators: {example} is a number as this language writes it, such as 2,5
        "numberHint": texts.tr("quiz.number-hint", "A number, such as {example}", example=example),
        "notNumber": texts.tr("quiz.not-a-number", "Write a number, such as {example}.", example=example),
        "choose": texts.tr("quiz.choose", "Choose\u2026"),
        # Translators: under a matching question, how many of its left items have a match chosen
        "matched": {str(total): [texts.trn("quiz.pairs-matched", "{matched} of {total} pair matched",
                                           "{matched} of {total} pairs matched", total, matched=m, total=total)
                                 for m in range(total + 1)] for total in pairs},
        "rightPlain": texts.tr("quiz.right-plain", "Right."),
        "wrongPlain": texts.tr("quiz.wrong-plain", "Not right."),
        # Translators: {due} is the right answer (a choice, several choices, a word, a number, or pairs)
        "due": texts.tr("quiz.due", "The right answer: {due}"),
        # Translators: a numeric question's right answers, {low} and {high} written as this language writes numbers
        "range": texts.tr("quiz.range", "any number from {low} to {high}"),
        "essay": texts.tr("quiz.essay", "A person grades this answer: it is neither right nor wrong here."),
        "submitted": texts.tr("quiz.submitted", "Submitted."),
        "submittedAll": texts.tr("quiz.submitted-all", "Every answer that can be checked here is right. Your "
                                 "written answers go to a person for grading."),
    }
    if any(not i.graded for i in quiz.items):  # a drawn essay is not counted: "{right} of {n}" counts the others
        strings["failedOf"] = {str(t): [texts.trn("quiz.failed", "Not passed yet: {right} of {n} right.",
                                                  "Not passed yet: {right} of {n} right.", t, right=r, n=t)
                                        for r in range(t)] for t in range(1, n)}
    return strings


def course_strings(texts: Messages, course: Course) -> dict:
    """The course-mode shell's messages: the table of contents' states and progress, the order notes."""
    pages, quizzes = len(course.pages), len(course.quizzes)
    return {
        "locked": texts.tr("toc.locked", "(locked)"),
        "passed": texts.tr("toc.passed", "(passed)"),
        "done": texts.tr("toc.done", "(done)"),
        "pagesDone": [texts.trn("toc.pages-done", "{done} of {total} page done", "{done} of {total} pages done",
                                pages, done=done, total=pages) for done in range(pages + 1)],
        "quizzesPassed": [texts.trn("toc.quizzes-passed", "{passed} of {total} quiz passed",
                                    "{passed} of {total} quizzes passed", quizzes, passed=passed, total=quizzes)
                          for passed in range(quizzes + 1)] if quizzes else [],
        # Translators: the two parts above, e.g. "3 of 8 pages done, 2 of 6 quizzes passed"
        "progress": texts.tr("toc.progress", "{pages}, {quizzes}"),
        "nextLocked": texts.tr("shell.next-locked", "Pass this page's quiz to continue"),
        "withheld": texts.tr("shell.withheld", "The learning platform did not hand back the progress you saved "
                             "before. To keep it safe, this visit records nothing: leave the activity and enter it "
                             "again to continue where you were."),
        "opensAfterQuiz": texts.tr("shell.opens-after-quiz", "\u201c{page}\u201d opens after \u201c{previous}\u201d "
                                   "is passed."),
        "opensAfterPage": texts.tr("shell.opens-after-page", "\u201c{page}\u201d opens after \u201c{previous}\u201d "
                                   "is read."),
    }
