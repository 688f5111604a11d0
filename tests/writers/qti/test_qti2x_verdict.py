"""QTI 2.1 and 3.0 items tell the learner whether the answer was right (finding 16 of issue 20), as the other
formats do: modal feedback for both outcomes, the verdict in the course's language followed by the explanation.

Each item's response processing is run here on its own terms (the outcomes set by the branch its right-answer
test takes, and by the branch a wrong answer takes), and the modal feedback it then shows is read, as a delivery
engine would: shown when showHide is "show" and its outcome holds the feedback's identifier.

What applies per kind (the writer's rule, `package2x.item_feedback`, which tests/writers/qti/test_qti_player.py
plays in a real player): every item graded automatically shows the verdict's words ("Right." / "Not quite: the right
answer is X.", X the right choice or choices, an accepted answer, the number or range, or the pairs:
`itemcheck.verdict_label`), the author's + or - feedback, then the explanation; an essay is scored by a person and
shows its explanation after any answer."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from conftest import SAMPLE, packaged
from itemcheck import verdict_label
from lxml import etree

PARSER = etree.XMLParser(no_network=True, resolve_entities=False)


def local(el: etree._Element) -> str:
    return re.sub(r"^qti-", "", etree.QName(el).localname).replace("-", "")


def children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and local(c).lower() == name.lower()]


def attr(el: etree._Element, camel: str) -> str | None:
    return el.get(camel) if el.get(camel) is not None else el.get(re.sub(r"(?<!^)(?=[A-Z])", "-", camel).lower())


def words(el: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def run(processing: etree._Element, right: bool) -> dict[str, str]:
    """The outcomes after response processing, for a right answer or a wrong one. Knows the rules an item of ours
    may use: setOutcomeValue with a baseValue (one with a variable, the picked choice's own feedback, is left
    out: it depends on the choice), responseCondition whose right-answer test is the responseIf or the
    responseElseIf after an isNull (an unanswered item) one, and responseElse for a wrong answer."""
    outcomes: dict[str, str] = {}

    def do(rules) -> None:
        for rule in rules:
            kind = local(rule).lower()
            if kind == "setoutcomevalue":
                values = children(rule, "baseValue")
                if values:
                    outcomes[rule.get("identifier")] = values[0].text
                else:
                    assert [local(c).lower() for c in rule] == ["variable"], "a value or the response itself"
            elif kind == "responsecondition":
                tests = children(rule, "responseIf") + children(rule, "responseElseIf")
                answered = [b for b in tests if local(b[0]).lower() != "isnull"]
                [branch] = answered
                if local(branch[0]).lower() == "match" and local(branch[0][1]).lower() == "correct":
                    assert [local(c).lower() for c in branch[0]] == ["variable", "correct"]
                if right:
                    do(list(branch)[1:])
                else:
                    for other in children(rule, "responseElse"):
                        do(list(other))
            else:
                raise AssertionError(f"response processing rule this reader does not know: {kind}")

    do([c for c in processing if isinstance(c.tag, str)])
    if "SCORE" in outcomes:  # the branch taken scores as it should
        assert outcomes["SCORE"] == ("1" if right else "0"), outcomes
    return outcomes


def shown_feedback(item: etree._Element, right: bool) -> str:
    processing = children(item, "responseProcessing")
    outcomes = run(processing[0], right) if processing else {}
    shown = [fb for fb in children(item, "modalFeedback")
             if attr(fb, "showHide") == "show" and outcomes.get(attr(fb, "outcomeIdentifier")) == fb.get("identifier")]
    return " ".join(words(fb) for fb in shown)


def items_of(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {(root := etree.fromstring(zf.read(n), PARSER)).get("identifier"): root
                for n in zf.namelist() if n.startswith("items/")}


def text_of(html: str) -> str:
    return words(etree.fromstring(f"<div>{html}</div>", PARSER)) if html.strip() else ""


def right_label(item: etree._Element) -> str:
    """The text of the choice the item declares correct."""
    [decl] = children(item, "responseDeclaration")
    [correct] = children(decl, "correctResponse")
    [value] = children(correct, "value")
    [choice] = [c for c in item.iter() if isinstance(c.tag, str) and local(c).lower() == "simplechoice"
                and c.get("identifier") == value.text]
    return words(choice)


VERDICTS = {  # the other formats' verdicts (tests/writers/moodle/test_moodle.py, tests/i18n/test_i18n.py), by course language
    "en": ("Right.", "Not quite: the right answer is {label}."),
    "de": ("Richtig.", "Nicht ganz: Die richtige Antwort ist „{label}“."),
}


@pytest.fixture(scope="module", params=["en", "de"])
def course(request):
    return packaged(SAMPLE, language=request.param)


ONE_RIGHT_CHOICE = ("truefalse", "choice")  # the kinds whose verdict names the one right choice


@pytest.mark.parametrize("fmt", ["qti21", "qti30"])
def test_each_item_shows_its_verdict_then_the_explanation(fmt, course, artifact):
    right_words, wrong_words = VERDICTS[course.language]
    items = items_of(artifact(fmt, course))
    assert len(items) == len(course.items)
    kinds = set()
    for item in course.items:
        root = items[item.id]
        kinds.add(item.kind)
        explanation = text_of(item.explanation_html)
        assert explanation or item.kind == "multiple", item.id  # the sample's items explain themselves
        right = shown_feedback(root, right=True)
        wrong = shown_feedback(root, right=False)
        if item.graded:
            said = (text_of(item.right_feedback_html), text_of(item.wrong_feedback_html))
            assert right == " ".join(t for t in (right_words, said[0], explanation) if t), (fmt, item.id, right)
            label = verdict_label(item, decimal_comma=course.language == "de")
            if item.kind in ONE_RIGHT_CHOICE:  # the label as the item's own right choice reads, in its language
                assert right_label(root) == label or item.true_false, (right_label(root), label)
                label = right_label(root)
            verdict = wrong_words.format(label=label)
            assert wrong == " ".join(t for t in (verdict, said[1], explanation) if t), (fmt, item.id, wrong)
        else:  # an essay: a person scores it
            assert right == wrong == explanation, (fmt, item.id, right, wrong)
    if course.language == "de":
        assert any(right_label(items[i.id]) == "Wahr" for i in course.items if i.true_false)  # course's language
    assert kinds == {"truefalse", "choice", "multiple", "short", "numeric", "matching", "essay"}
