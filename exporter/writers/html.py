"""`html`: a static web site of the course, for reviewers (the quiz shown with its answers)."""

from __future__ import annotations

from exporter.model import Course
from exporter.render import render_template, static_file
from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.packaging import ZipPackage

STATIC = "_static/"


def page_neighbours(course: Course):
    """Each page with the chapter it belongs to and the pages before and after it."""
    chapter_of = {id(p): g for g in course.groups for p in g.pages}
    pages = course.pages
    for n, page in enumerate(pages):
        yield page, chapter_of[id(page)], pages[n - 1] if n else None, pages[n + 1] if n + 1 < len(pages) else None


class HtmlWriter(Writer):
    name = "html"
    title = "Static HTML site (review copy, answers shown)"
    pages = quiz_files = quiz_pages = True

    def build(self, course: Course, options: Options) -> Artifact:
        files = ZipPackage(self.target)  # each file compressed into it as it is made
        for name, data in course.files.items():
            files.add(name, data)
        files.add(STATIC + "course.css", static_file("static/course.css"))
        files.add("index.html", render_template("html/index.html", course=course, static=STATIC))
        for page, chapter, prev, nxt in page_neighbours(course):
            files.add(page.href, render_template("html/page.html", course=course, page=page, chapter=chapter,
                                                 prev=prev, next=nxt, static=STATIC))
        files.close()
        return Artifact(self.target, len(course.pages), len(course.quizzes), len(course.items))
