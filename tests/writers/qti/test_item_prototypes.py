"""Items built from a prototype (`items12.ItemBuilder`: the first statement of each shape built in full, the next
ones copied from it and filled in) are the very bytes a full build of each item gives, in both QTI 1.2 flavours
(Canvas's, and the Common Cartridge profile's), for every course we have: statements with True/False, with an
author's labels in several quizzes, with and without explanations, right answer first or second, beside typed
items and shuffled choices."""

from __future__ import annotations

import pytest
from lxml import etree

from exporter.i18n.messages import messages_for
from exporter.writers.cartridge import items as cc_items
from exporter.writers.qti import canvas
from exporter.writers.qti.items12 import ItemBuilder, build_item, statement_shape

FLAVOURS = {"canvas": canvas.FLAVOUR, "cc": cc_items.FLAVOUR}


@pytest.fixture(params=["sample_course", "corpus_course", "awkward", "typed", "typed-shuffled", "edges-shuffled",
                        "german"])
def course(request, typed, awkward_forms):
    if request.param.startswith(("typed", "edges")):
        return typed[request.param]
    if request.param == "awkward":
        return awkward_forms["base64"]
    if request.param == "german":
        from conftest import SAMPLE, packaged
        return packaged(SAMPLE, language="de")
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_item_from_a_prototype_is_the_full_build(course, flavour):
    f, texts = FLAVOURS[flavour], messages_for(course)
    builder = ItemBuilder(f, texts)  # one for the whole course, as the writers hold it
    parent = etree.Element("group")
    copies = 0
    for quiz in course.quizzes:
        for item in quiz.items:
            if flavour == "cc" and not cc_items.carried(item):  # numeric and matching: not in the CC profile
                continue
            before = len(builder._prototypes)
            made = builder.place(parent, quiz, item)
            copies += statement_shape(quiz, item) is not None and len(builder._prototypes) == before
            assert etree.tostring(made) == etree.tostring(build_item(f, quiz, item, texts)), (quiz.id, item.id)
    statements = sum(statement_shape(q, i) is not None for q in course.quizzes for i in q.items)
    assert copies == statements - len(builder._prototypes)  # every statement after its shape's first is a copy
    assert copies or statements <= len(builder._prototypes)


@pytest.mark.parametrize("fmt", ["qti21", "qti30"])
def test_every_qti2x_item_from_a_prototype_is_the_full_build(course, fmt):
    from exporter.writers import WRITERS
    from exporter.writers.qti.package2x import StatementItems, build_item, stimulus_ident

    writer = WRITERS[fmt]
    d, texts = writer.dialect, messages_for(course)
    items = StatementItems(d, texts)
    copies = statements = 0
    for quiz in course.quizzes:
        ref = (stimulus_ident(quiz), f"../stimuli/{quiz.id}.xml", "A title") \
            if writer.shared_stimulus and quiz.stimulus_html.strip() else None
        for item in quiz.items:
            statements += statement_shape(quiz, item) is not None
            before = len(items._prototypes)
            made = items.build(quiz, item, ref)
            copies += statement_shape(quiz, item) is not None and len(items._prototypes) == before
            assert etree.tostring(made) == etree.tostring(build_item(d, quiz, item, texts, ref)), (quiz.id, item.id)
    assert copies == statements - len(items._prototypes)
