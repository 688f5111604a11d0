"""`model.copy_with`: what `dataclasses.replace` gives, by a shorter road where the class allows it."""

import functools
from dataclasses import dataclass, field, replace

import pytest

from exporter.model import Choice, Item, Page, Quiz, copy_with


def _page() -> Page:
    item = Item("i1", "<p>Statement</p>", [Choice("True", True), Choice("False", False)], "", "a.md", 4)
    return Page("p1", "Title", 1, "section", "a.md", "<p>Body</p>", quiz=Quiz("q1", "", "", 1, [item], 3))


def test_a_copy_is_what_replace_gives_and_leaves_the_original_as_it_was():
    page = _page()
    copy = copy_with(page, href="a.html", body_html="")
    assert copy == replace(page, href="a.html", body_html="") and type(copy) is Page
    assert copy is not page and page.href == "" and page.body_html == "<p>Body</p>"
    assert copy.quiz is page.quiz  # shallow, as replace
    copy.title = "Changed"  # its own fields: the original's stay
    assert page.title == "Title"


def test_a_name_that_is_not_a_field_is_refused_as_replace_refuses_it():
    with pytest.raises(TypeError):
        copy_with(_page(), no_such_field=1)


@dataclass
class _Checked:
    value: int
    doubled: int = field(init=False)

    def __post_init__(self):
        self.doubled = 2 * self.value


@dataclass
class _Cached:
    value: int

    @functools.cached_property
    def square(self) -> int:
        return self.value * self.value


@dataclass(frozen=True)
class _Frozen:
    a: int
    b: str = "b"


def test_a_class_whose_init_does_more_goes_through_replace():
    with pytest.raises(ValueError):  # replace refuses an init=False field, and runs __post_init__
        copy_with(_Checked(1), doubled=5)
    assert copy_with(_Checked(1), value=4).doubled == 8


def test_a_cached_property_is_not_carried_to_a_copy_with_other_fields():
    cached = _Cached(3)
    assert cached.square == 9
    assert copy_with(cached, value=4).square == 16


def test_a_frozen_class_copies():
    frozen = _Frozen(1)
    assert copy_with(frozen, b="c") == _Frozen(1, "c") and frozen.b == "b"
