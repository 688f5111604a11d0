"""How a package lays out the course and writes the reader's link targets: the writers' shared layout helper.

Course pages lie flat in one folder of a package, each under a file name made from its source's name
(`page_files`: `intro.md` is `intro.html`; `index` is kept for a package's own table of contents).

Every writer receives the course `with links written` for it: each page given its file name (`Page.href`) and each
HTML fragment with the reader's page and file targets written the way that writer's package needs them
(`Writer.write_links`), so no writer meets a placeholder and none decides for itself what a link is. Fragments
without a link are shared as they are: the copy costs one pass over the model.
"""

from __future__ import annotations

import functools
from pathlib import PurePosixPath
from typing import Callable, Iterator

from exporter import ids, links, mathml
from exporter.model import Chapter, Course, Item, Page, copy_with

WriteLink = Callable[[links.Target, bool], "str | None"]  # a target (in quiz text?) as the package writes it


def write_links(course: Course, page_link: WriteLink, file_link: WriteLink, mark: str | None = None,
                math: Callable[[str], str] | None = None) -> Course:
    """The course with each page's file name set and every fragment's targets written by the callables
    (in_quiz: False for page bodies, True for quiz text); a callable's None drops the reference, keeps its text.
    `math`: the writer's step over each fragment holding a formula (exporter.mathml.STEPS), None to keep MathML.
    A fragment with neither a link nor a formula is shared as it is, and a quiz none of whose text changes."""
    if math is not None and not has_math(course):
        math = None
    if not course.links and math is None:
        return with_hrefs(course)

    def rewriter(in_quiz: bool) -> Callable[[str], str]:
        def page(t: links.Target) -> str | None:
            return page_link(t, in_quiz)

        def file(t: links.Target) -> str | None:
            return file_link(t, in_quiz)

        def write(html: str) -> str:
            if links.MARK in html:
                html = links.rewrite(html, page, file, mark)
            if math is not None and mathml.MARK in html:
                html = math(html)
            return html

        return write

    body, quiz_text = rewriter(False), rewriter(True)
    return _copy(course, lambda p, href: _page(p, href, body, quiz_text))


def write_math(course: Course, math: Callable[[str], str] | None) -> Course:
    """The course with each page's file name set and each formula written by `math` (links left as they are)."""
    if math is None or not has_math(course):
        return with_hrefs(course)

    def step(html: str) -> str:
        return math(html) if mathml.MARK in html else html

    return _copy(course, lambda p, href: _page(p, href, step, step))


def with_hrefs(course: Course) -> Course:
    """The course with each page's file name set (`Page.href`), fragments as they are."""
    return _copy(course, lambda p, href: copy_with(p, href=href))


def _copy(course: Course, make: Callable[[Page, str], Page]) -> Course:
    names = page_files(course)
    return with_pages(course, [make(p, names[p.id]) for p in course.pages])


def unplaced(course: Course, in_place: bool = False) -> Course:
    """The course without the source lines its quizzes, items and links stand on (each 0). No package shows one:
    what a format cannot carry is said at its line by the build, from the course as read (`Writer.uncarried`). So
    the writers are handed this (`Writer.reads`), and text added above a quiz, which moves its lines, changes no
    other part of any package. A course without lines is returned as it is. `in_place`: its own objects changed,
    no copy made (a build does so once, with its own course, before its writers fork: a copy would hold every
    quiz and item twice)."""

    def placed(p: Page) -> bool:
        return p.quiz is not None and bool(p.quiz.line or any(i.line for i in p.quiz.items))

    if not any(use.line for use in course.links) and not any(placed(p) for p in course.pages):
        return course
    links = [copy_with(use, line=0) if use.line else use for use in course.links]
    if in_place:
        for p in filter(placed, course.pages):
            p.quiz.line = 0
            for item in p.quiz.items:
                item.line = 0
        course.links = links
        return course

    def page(p: Page) -> Page:
        if not placed(p):
            return p
        return copy_with(p, quiz=copy_with(p.quiz, line=0, items=[copy_with(i, line=0) for i in p.quiz.items]))

    new: dict[int, Page] = {}  # by the page's id(): a page stands in the pages and in its chapter (or preface)
    for p in (*course.pages, *course.preface, *(c.page for c in course.chapters if c.page),
              *(s for c in course.chapters for s in c.sections)):
        if id(p) not in new:
            new[id(p)] = page(p)
    return copy_with(course, pages=[new[id(p)] for p in course.pages], preface=[new[id(p)] for p in course.preface],
                     chapters=[copy_with(c, page=new[id(c.page)] if c.page else None,
                                         sections=[new[id(s)] for s in c.sections]) for c in course.chapters],
                     links=links)


def with_pages(course: Course, pages: list[Page]) -> Course:
    """The course with its pages replaced, one for one (same order), in its chapters too."""
    by_id = {id(old): new for old, new in zip(course.pages, pages)}
    out = copy_with(course, pages=pages, chapters=[], preface=[])
    for chapter in course.chapters:
        out.chapters.append(copy_with(chapter, page=by_id[id(chapter.page)] if chapter.page else None,
                                      sections=[by_id[id(p)] for p in chapter.sections]))
    out.preface = [by_id[id(p)] for p in course.preface]
    return out


def _page(page: Page, href: str, body: Callable[[str], str], quiz_text: Callable[[str], str]) -> Page:
    quiz = page.quiz
    if quiz is not None:
        items = [_item(i, quiz_text) for i in quiz.items]
        instruction, stimulus = quiz_text(quiz.instruction_html), quiz_text(quiz.stimulus_html)
        if instruction is not quiz.instruction_html or stimulus is not quiz.stimulus_html or \
                any(new is not old for new, old in zip(items, quiz.items)):
            quiz = copy_with(quiz, instruction_html=instruction, stimulus_html=stimulus, items=items)
    return copy_with(page, href=href, body_html=body(page.body_html), after_html=body(page.after_html), quiz=quiz)


def _item(item: Item, quiz_text: Callable[[str], str]) -> Item:
    return item.map_html(quiz_text)


def has_math(course: Course) -> bool:
    """Whether any HTML fragment of the course holds a formula (its pages' text, their quizzes' text, every part of
    every item: `Item.map_html`'s)."""
    return any(page_has_math(page) for page in course.pages)


def page_has_math(page: Page) -> bool:
    """Whether any HTML fragment of the page holds a formula: its text, its quiz's, every part of every item."""
    if mathml.MARK in page.body_html or mathml.MARK in page.after_html:
        return True
    quiz = page.quiz
    return quiz is not None and (mathml.MARK in quiz.instruction_html or mathml.MARK in quiz.stimulus_html or
                                 any(mathml.MARK in html for item in quiz.items for html in item.html_parts()))


def outline(course: Course) -> Course:
    """The course as one page of a package may see the others: its settings, chapters and files, and each page's
    id, title, place and file name, with no page's text, quiz text or items (a quiz is kept as its settings, without
    the line it stands on: text added above a quiz changes that page alone). A page's part of a package is made
    from this and the page itself alone, which is what the cache of writer output keys it on
    (exporter.build.outputcache)."""
    stubs = [copy_with(p, body_html="", after_html="", quiz=copy_with(
                 p.quiz, instruction_html="", stimulus_html="", items=[], line=0) if p.quiz else None)
             for p in course.pages]
    return copy_with(with_pages(course, stubs), links=[])


def outline_places(course: Course, view: Course) -> Iterator[tuple[Page, Chapter, Page | None, Page | None]]:
    """Each page of the course in order, with its chapter and the pages before and after it from the outline
    `view` (`outline(course)`); a chapter's own page is the page itself where it is that page."""
    for page, (stub, chapter, prev, nxt) in zip(course.pages, view.places()):
        yield page, (copy_with(chapter, page=page) if chapter.page is stub else chapter), prev, nxt


RESERVED = {"index"}  # a package's own table of contents


@functools.lru_cache(maxsize=4096)  # every writer of a build asks, for every page (a path object each time cost more)
def _file_stem(source: str) -> str:
    return ids.file_stem(PurePosixPath(source).stem)


def page_files(course: Course) -> dict[str, str]:
    """Each page's file name inside a flat package, by page id: its source name as .html (unique, stable)."""
    out: dict[str, str] = {}
    used = set(RESERVED)
    for page in course.pages:
        stem = _file_stem(page.source)
        name, n = stem, 1
        while name.lower() in used:
            n += 1
            name = f"{stem}-{n}"
        used.add(name.lower())
        out[page.id] = f"{name}.html"
    return out


__all__ = ["RESERVED", "has_math", "outline", "outline_places", "page_files", "page_has_math", "unplaced",
           "with_hrefs", "with_pages", "write_links", "write_math"]
