"""Fenced code blocks (kramdown's `~~~`, GFM's ```) are code, with their language as a class; what a fence or
an HTML comment holds is never the page's quiz, nor its items."""

from __future__ import annotations

import pytest

from coursekit import ITEMS, encode, page, write_course
from exporter.source.reader import read_course


def read_one(tmp_path, body: str):
    folder = write_course(tmp_path / "c", {"a.md": page("Fences", 0, body)})
    course, report = read_course(folder)
    return course.pages[0], report


@pytest.mark.parametrize("fence, info, cls", [("~~~", "", None), ("~~~", " ruby", "language-ruby"),
                                              ("```", "", None), ("```", "python", "language-python"),
                                              ("````", " {.yaml}", "language-yaml")])
def test_a_fenced_block_is_code(tmp_path, fence, info, cls):
    body = f"Before.\n\n{fence}{info}\nx = 1  # <b>not bold</b> *nor emphasis*\n\ny = [2]\n{fence}\n\nAfter.\n"
    p, report = read_one(tmp_path, body)
    assert not report.errors and not report.warnings
    assert "<pre><code" in p.body_html and fence[0] not in p.body_html.replace("&#", "")
    code = p.body_html[p.body_html.index("<code"):p.body_html.index("</code>")]
    assert "x = 1  # &lt;b&gt;not bold&lt;/b&gt; *nor emphasis*\n\ny = [2]" in code
    if cls:
        assert f'<code class="{cls}">' in p.body_html
    assert "<p>After.</p>" in p.body_html


EXAMPLE = 'Mark each statement:\n{: data-n="1"}\n\n- Example statement /Y/ shown, not asked\n'
REAL = "Now the real quiz:\n{: data-n=\"2\"}\n\n- " + "\n- ".join(
    [encode(*ITEMS[0]), "Plain real item /N/ its explanation"]) + "\n"


@pytest.mark.parametrize("wrap", [
    lambda text: f"~~~markdown\n{text}~~~\n",
    lambda text: f"```\n{text}```\n",
    lambda text: f"<!--\n{text}-->\n",
    lambda text: f"<!-- an old quiz, kept for later:\n\n{text}\n-->\n",
], ids=["tilde-fence", "backtick-fence", "comment", "comment-with-blank-lines"])
def test_a_quiz_in_a_fence_or_a_comment_is_not_the_pages_quiz(tmp_path, wrap):
    body = "How a quiz is written:\n\n" + wrap(EXAMPLE) + "\n" + REAL
    p, report = read_one(tmp_path, body)
    assert not report.errors, report.errors
    assert p.quiz is not None and p.quiz.draw == 2
    assert [i.statement_html for i in p.quiz.items] == [ITEMS[0][0], "Plain real item"]
    assert p.quiz.line == body.split("\n").index('{: data-n="2"}') + 6  # five lines of front matter
    assert "Example statement" not in p.quiz.instruction_html


@pytest.mark.parametrize("wrap", [lambda text: f"~~~\n{text}~~~\n", lambda text: f"<!--\n{text}-->\n"],
                         ids=["fence", "comment"])
def test_a_page_whose_only_quiz_is_shown_or_hidden_has_none(tmp_path, wrap):
    p, report = read_one(tmp_path, "Intro.\n\n" + wrap(EXAMPLE) + "\nAfter.\n")
    assert not report.errors and p.quiz is None


def test_decode_leaves_an_example_in_a_fence_alone(tmp_path):
    from conftest import run_cli

    example = f'~~~\nMark:\n{{: data-n="1"}}\n\n- {encode(*ITEMS[1])}\n~~~\n'
    body = "How it looks:\n\n" + example + "\n" + REAL
    folder = write_course(tmp_path / "c", {"a.md": page("Fences", 0, body)})
    r = run_cli("decode", folder)
    assert r.returncode == 0, r.stderr
    text = (folder / "a.md").read_text(encoding="utf-8")
    assert example in text and encode(*ITEMS[0]) not in text


def test_fenced_code_is_loaded_at_the_first_text_that_may_hold_a_fence():
    """Markdown's fenced_code (and the Pygments it imports) is added at the first text with three backticks or
    tildes, in a new process: texts before it render without it, and a fence after them is still code, as in a
    process that had it from its start."""
    import json
    import subprocess
    import sys

    code = """if True:
        import sys
        from exporter.source import markup
        from lxml import etree
        html = lambda text: etree.tostring(markup.render(text), encoding="unicode")
        plain = html("Some *text* with `code`, ~one~ tilde and `` two ``.\\n\\n- a list\\n")
        loaded = "markdown.extensions.fenced_code" in sys.modules or "pygments" in sys.modules
        split = html("Before.\\n\\n`\\x02``\\nnot code\\n``\\x03`\\n")
        fenced = html("Before.\\n\\n~~~ ruby\\nx = *1*\\n~~~\\n\\n```\\ny\\n```\\n")
        import json
        print(json.dumps([loaded, "markdown.extensions.fenced_code" in sys.modules, plain, fenced, split]))
    """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, after, plain, fenced, split = json.loads(done.stdout)
    assert (loaded, after) == (False, True)
    assert "<em>text</em>" in plain and "<code>code</code>" in plain and "<li>a list</li>" in plain
    assert '<pre><code class="language-ruby">x = *1*\n</code></pre>' in fenced
    assert "<pre><code>y\n</code></pre>" in fenced
    assert "<pre><code>not code\n</code></pre>" in split  # (Markdown drops STX and ETX before it looks for fences)
