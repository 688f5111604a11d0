"""How a package lays out the course and writes the reader's link targets: the writers' shared layout helper.

Every writer receives the course `localized` for it: each HTML fragment with the reader's page and file
targets written the way that writer's package needs them (`Writer.page_link` / `Writer.file_link`), so no
writer meets a placeholder and none decides for itself what a link is. Fragments without a link are shared
as they are: the copy costs one pass over the model.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from .. import links
from ..model import Course, Item, Page

Write = Callable[[links.Target], "str | None"]


def localize(course: Course, page_link: Callable[[links.Target, bool], "str | None"],
             file_link: Callable[[links.Target, bool], "str | None"], mark: str | None = None) -> Course:
    """The course with every fragment's targets written by the callables (in_quiz: False for page bodies,
    True for quiz text); a callable's None drops the reference and keeps its text."""
    if not course.links:
        return course

    def rewriter(in_quiz: bool) -> Callable[[str], str]:
        def page(t: links.Target) -> str | None:
            return page_link(t, in_quiz)

        def file(t: links.Target) -> str | None:
            return file_link(t, in_quiz)

        return lambda html: links.rewrite(html, page, file, mark) if links.MARK in html else html

    body, quiz_text = rewriter(False), rewriter(True)
    pages = [_page(p, body, quiz_text) for p in course.pages]
    by_id = {id(old): new for old, new in zip(course.pages, pages)}
    out = replace(course, pages=pages, chapters=[], preface=[])
    for chapter in course.chapters:
        out.chapters.append(replace(chapter, page=by_id[id(chapter.page)] if chapter.page else None,
                                    sections=[by_id[id(p)] for p in chapter.sections]))
    out.preface = [by_id[id(p)] for p in course.preface]
    return out


def _page(page: Page, body: Callable[[str], str], quiz_text: Callable[[str], str]) -> Page:
    quiz = page.quiz
    if quiz is not None:
        items = [_item(i, quiz_text) for i in quiz.items]
        quiz = replace(quiz, instruction_html=quiz_text(quiz.instruction_html),
                       stimulus_html=quiz_text(quiz.stimulus_html), items=items)
    return replace(page, body_html=body(page.body_html), after_html=body(page.after_html), quiz=quiz)


def _item(item: Item, quiz_text: Callable[[str], str]) -> Item:
    statement, explanation = quiz_text(item.statement_html), quiz_text(item.explanation_html)
    if statement is item.statement_html and explanation is item.explanation_html:
        return item
    return replace(item, statement_html=statement, explanation_html=explanation)


def page_hrefs(course: Course) -> dict[str, str]:
    """Each page's file name inside a flat package, by page id."""
    return {p.id: p.href for p in course.pages}


def quiz_files(course: Course) -> list[str]:
    """The course files the quizzes show or link to, in path order."""
    return sorted({u.target.ref for u in course.links if u.in_quiz and u.target.kind == "file"})


__all__ = ["localize", "page_hrefs", "quiz_files"]
