"""QTI 2.1 and 3.0 items tell the learner whether the answer was right (finding 16 of issue 20), as the other
formats do: modal feedback for both outcomes, the verdict in the course's language followed by the explanation.

Each item's response processing is run here on its own terms (the outcomes its conditions set for the declared
correct response, and for the other choice), and the modal feedback it then shows is read, as a delivery
engine would: shown when showHide is "show" and its outcome holds the feedback's identifier."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from conftest import SAMPLE, packaged
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
    """The outcomes after response processing, for the correct response (right) or the other choice. Knows the
    rules an item of ours may use: setOutcomeValue with a baseValue, responseCondition with responseIf on
    match(variable, correct), responseElse."""
    outcomes: dict[str, str] = {}

    def do(rules) -> None:
        for rule in rules:
            kind = local(rule).lower()
            if kind == "setoutcomevalue":
                [value] = children(rule, "baseValue")
                outcomes[rule.get("identifier")] = value.text
            elif kind == "responsecondition":
                branch = children(rule, "responseIf")[0]
                [match] = children(branch, "match")
                assert [local(c).lower() for c in match] == ["variable", "correct"], "only match(RESPONSE, correct)"
                if right:
                    do([c for c in branch if local(c).lower() != "match"])
                else:
                    for other in children(rule, "responseElse"):
                        do(list(other))
            else:
                raise AssertionError(f"response processing rule this reader does not know: {kind}")

    do([c for c in processing if isinstance(c.tag, str)])
    return outcomes


def shown_feedback(item: etree._Element, right: bool) -> str:
    [processing] = children(item, "responseProcessing")
    outcomes = run(processing, right)
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


@pytest.mark.parametrize("fmt", ["qti21", "qti30"])
def test_each_item_shows_its_verdict_then_the_explanation(fmt, course, artifact):
    right_words, wrong_words = VERDICTS[course.language]
    items = items_of(artifact(fmt, course))
    assert len(items) == len(course.items)
    for item in course.items:
        root = items[item.id]
        explanation = text_of(item.explanation_html)
        assert explanation  # the sample's items all explain themselves
        right = shown_feedback(root, right=True)
        wrong = shown_feedback(root, right=False)
        assert right == f"{right_words} {explanation}", (fmt, item.id, right)
        assert wrong == f"{wrong_words.format(label=right_label(root))} {explanation}", (fmt, item.id, wrong)
    if course.language == "de":
        assert any(right_label(root) == "Wahr" for root in items.values())  # labels in the course's language
