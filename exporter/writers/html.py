"""`html`: a static web site of the course, for reviewers (the quiz shown with its answers)."""

from __future__ import annotations

from exporter.model import KINDS, Course
from exporter.render import render_template, static_file
from exporter.writers.base import Artifact, Options, Writer
from exporter.writers.layout import outline_places
from exporter.writers.packaging import ZipPackage

STATIC = "_static/"


class HtmlWriter(Writer):
    name = "html"
    templates = ("html/index.html", "html/page.html")
    title = "Static HTML site (review copy, answers shown)"
    carries = "every page and course file; quizzes shown with their answers"
    drops = "no tracking or scoring: a review copy"
    kinds = frozenset(KINDS)  # the review page shows every kind's answer
    pages = quiz_files = quiz_pages = True

    def build(self, course: Course, options: Options) -> Artifact:
        files = ZipPackage(self.target, self.fragments)  # each file compressed into it as it is made
        for name, data in course.files.items():
            files.add(name, data)
        files.add(STATIC + "course.css", static_file("static/course.css"))
        view, outline_key = self.outline(course)
        # the table of contents: made from the outline and how many items each quiz has, so kept by them
        counts = [len(page.quiz.items) for page in course.pages if page.quiz is not None]
        files.fragment(self.fragment_key(outline_key, None, "index", *counts), lambda: files.add(
            "index.html", render_template("html/index.html", course=course, static=STATIC)))
        for page, chapter, prev, nxt in outline_places(course, view):  # each page from the outline and itself
            files.fragment(self.fragment_key(outline_key, page), lambda: files.add(page.href, render_template(
                "html/page.html", course=view, page=page, chapter=chapter, prev=prev, next=nxt, static=STATIC)))
        files.close()
        return Artifact(self.target, len(course.pages), len(course.quizzes), len(course.items))
