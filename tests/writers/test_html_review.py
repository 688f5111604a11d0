"""The html review copy shows every question kind with its answer, in the course's language."""

from __future__ import annotations

import zipfile

import lxml.html
from coursekit import typed_course

from exporter.source.reader import read_course
from exporter.writers import WRITERS, Options


def review(folder, language: str = "en") -> lxml.html.HtmlElement:
    if language != "en":
        (folder / "course.yml").write_text(f"title: T\nlanguage: {language}\n", encoding="utf-8")
    course, report = read_course(folder)
    artifact = WRITERS["html"]().write(course, Options())
    assert WRITERS["html"]().uncarried(course) == []  # the review copy carries every kind
    with zipfile.ZipFile(__import__("io").BytesIO(artifact.data)) as zf:
        return lxml.html.fromstring(zf.read("b.html"))


def answers(doc) -> list[str]:
    return [" ".join(li.xpath("string(.)").split()) for li in doc.xpath("//ol[@class='quiz-bank']/li")]


def test_every_kind_shows_its_answer(tmp_path):
    doc = review(typed_course(tmp_path / "c"))
    shown = answers(doc)
    assert len(shown) == 9
    assert "Red & only red (right)" in shown[0] and "White (right)" not in shown[0]
    assert "Brakes (right)" in shown[1] and "Tyres (right)" in shown[1] and "saddle (right)" not in shown[1]
    assert "When right: Yes: brakes and tyres." in shown[1]
    assert "Accepted answers: brake | brake lever" in shown[2]
    assert "Answer: 2" in shown[3] and "any number from 6 to 8" in shown[4] and "from 4.275 to 4.725" in shown[5]
    assert "Red ring → No vehicles" in shown[6] and "No stopping matches nothing" in shown[6]
    assert "A person grades the answer." in shown[7]
    assert "Answer: True" in shown[8]
    assert "draws 9 of these 9 questions" in doc.xpath("string(//p[@class='quiz-rule'])")


def test_in_german_with_a_decimal_comma(tmp_path):
    shown = answers(review(typed_course(tmp_path / "c"), "de"))
    assert "jede Zahl von 4,275 bis 4,725" in shown[5]
    assert "Akzeptierte Antworten" in shown[2] and "Antwort: Wahr" in shown[8]
