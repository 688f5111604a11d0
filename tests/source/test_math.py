"""Math: `$…$` inline and `$$…$$` display TeX read into MathML (with its TeX kept), in every part of a page and
its quiz, and written per target: MathML for HTML, SCORM and QTI 2.x (XSD-valid, laid out by Chromium, axe
clean), TeX for Moodle XML, the .mbz and CC 1.1, Canvas equation images for QTI 1.2 and CC 1.3. A formula that
cannot be read is an error at its file and line, with the reason."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import unquote

import pytest
from lxml import etree

from conftest import assert_valid, xml_schema
from coursekit import page as kit_page, write_course
from exporter.errors import ContentError
from exporter.mathml import MATHML_NS, as_canvas, as_tex
from exporter.source.itemforms import decoded_parts, decoded_shown
from exporter.source.math import TexError, tex_mathml
from exporter.source.reader import read_course
from exporter.source.sanitize import clean_blocks, clean_inline
from exporter.writers import WRITERS
from exporter.writers.base import Options

M = f"{{{MATHML_NS}}}"
# formulas that exercise what latex2mathml writes: fractions, scripts, roots, big operators, fences, matrices,
# text, spacing, accents, functions
FORMULAS = [r"E = mc^2", r"\frac{a+b}{2}", r"\sqrt[3]{x}", r"\sum_{i=1}^{n} i^2", r"\int_0^1 x\,dx",
            r"\left( \frac{1}{2} \right)", r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}", r"\text{speed} = v",
            r"\hat{x} + \vec{v}", r"\sin\theta \le 1", r"\lim_{x \to 0} f(x)", r"\alpha_1^2 \cdot \beta"]


def course_with_math(tmp_path):
    body = ("Energy is $E = mc^2$; it costs $5 and $10, a \\$ sign, `$code$` stays code.\n\n"
            "$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$\n\n"
            + "".join(f"Formula ${f}$.\n\n" for f in FORMULAS)
            + "Answer with care, $x_1$ first:\n{: data-n=\"2\"}\n\n"
            "Given $a = 2$:\n\n"
            "- Is $\\sqrt{4} = 2$? /Y/ Yes: $2^2 = 4$.\n"
            "- Is $\\frac{1}{2} > 1$? /N/ No, $$\\frac{1}{2} < 1$$\n\nAfter the quiz, $y$.\n")
    return read_course(write_course(tmp_path / "c", {"m.md": kit_page("Math", 1, body)}))[0]


# --- reading ----------------------------------------------------------------------------------------------

def test_formulas_become_mathml_with_their_tex(tmp_path):
    course = course_with_math(tmp_path)
    page = course.pages[0]
    body = etree.fromstring(f"<div>{page.body_html}</div>", etree.HTMLParser()).find(".//div")
    maths = body.findall(".//math")
    assert len(maths) == 2 + len(FORMULAS)
    tex = [m.findtext(".//annotation") for m in maths]
    assert tex == ["E = mc^2", r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", *FORMULAS]
    assert [m.get("display") for m in maths[:2]] == ["inline", "block"]
    assert all(m.find("semantics") is not None and m.find("semantics/annotation").get("encoding") ==
               "application/x-tex" for m in maths)
    text = "".join(body.itertext())
    assert "it costs $5 and $10, a $ sign" in text  # text2qti's rule: a space inside the dollars is no formula
    assert body.find(".//code").text == "$code$"
    quiz = page.quiz
    assert "<math" in quiz.instruction_html and "x_1" in quiz.instruction_html
    assert "<math" in quiz.stimulus_html and "a = 2" in quiz.stimulus_html
    first, second = quiz.items
    assert r"\sqrt{4} = 2" in first.statement_html and "2^2 = 4" in first.explanation_html
    assert 'display="block"' in second.explanation_html
    assert first.title == r"Is $\sqrt{4} = 2$?"  # titles read as the author wrote the formula
    assert "<math" in page.after_html


def test_the_dollar_rule():
    def shown(text):
        return decoded_shown(decoded_parts(text + "/Y/")).statement_html

    assert shown("costs $5 and $10") == "costs $5 and $10"
    assert shown("$ x$ and $x $") == "$ x$ and $x $"  # a space just inside the dollars: text
    assert shown(r"a \$ and \$x\$") == "a $ and $x$"
    assert shown("$x$").startswith("<math")
    assert shown("<code>$x$</code>") == "<code>$x$</code>"
    assert shown("$$a$$").count('display="block"') == 1


@pytest.mark.parametrize("tex, reason", [
    (r"\frac{1}{", "'{' is never closed"), (r"x}", "'}' closes no '{'"), (r"\foo x", r"unknown command \foo"),
    (r"x^", "^ or _ has nothing after it"), (r"\frac{1}", r"\frac is missing an argument"),
    (r"\left( x", r"\left has no \right"), (r"\begin{matrix} a", r"\begin{...} has no \end"),
    # the reader refuses a control character in a page; text from elsewhere (an import) reaches here with it
    ("x\x1b", "the control character U+001B"),
    # latex2mathml passes these on as they are, which is no XML (found by hypothesis: `$&$` in a page was a traceback)
    ("&", r"a & outside a matrix"), ("a & b", r"write \& for the sign"), (r"\text{<}", r"< inside \text{}"),
])
def test_a_formula_that_cannot_be_read_says_why(tex, reason):
    with pytest.raises(TexError, match=re.escape(reason)):
        tex_mathml(tex, False)


def test_bad_formulas_are_errors_at_their_lines(tmp_path):
    body = ("Fine $x$.\n\nBroken $\\frac{1}{$ here.\n\n$$\n\\foo\n$$\n\nQuiz:\n{: data-n=\"1\"}\n\n"
            "- Is $x^$ right? /Y/ yes\n- ok /N/ and $\\bar$\n")
    folder = write_course(tmp_path / "c", {"m.md": kit_page("Math", 1, body)})
    with pytest.raises(ContentError) as err:
        read_course(folder)
    text = str(err.value)
    lines = sorted(int(m) for m in re.findall(r"m\.md:(\d+): error: the formula", text))
    first = 6  # the body's first line (after five lines of front matter); a display formula's is its TeX's
    assert lines == [first + 2, first + 5, first + 11, first + 12], text
    assert "the formula $\\frac{1}{$ cannot be read: a '{' is never closed" in text
    assert "unknown command \\foo" in text and "a ^ or _ has nothing after it" in text
    assert "\\bar is missing an argument" in text or "a command has no argument after it" in text


def test_sanitizer_keeps_mathml_and_nothing_dangerous():
    html = tex_mathml(r"\frac{a}{b}", False)
    assert clean_inline(html) == html
    assert clean_blocks(f"<p>{html}</p>") == f"<p>{html}</p>"
    evil = ('<math><annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml>'
            '<mi href="javascript:alert(1)" style="color:red" onclick="x()">x</mi><maction actiontype="toggle">'
            '<mi>y</mi></maction></math>')
    out = clean_inline(evil)
    assert "annotation-xml" not in out and "onerror" not in out and "javascript" not in out
    assert "style" not in out and "onclick" not in out and "maction" not in out
    assert "<mi>x</mi>" in out


# --- each target ----------------------------------------------------------------------------------------

def test_writer_steps():
    html = "<p>Area " + tex_mathml(r"\pi r^2", False) + " and " + tex_mathml(r"a<b", True) + "</p>"
    assert as_tex(html) == r"<p>Area \(\pi r^2\) and $$a&lt;b$$</p>"
    canvas = as_canvas(html)
    imgs = etree.fromstring(canvas, etree.HTMLParser()).findall(".//img")
    assert [i.get("data-equation-content") for i in imgs] == [r"\pi r^2", "a<b"]
    assert all(i.get("class") == "equation_image" and i.get("alt").startswith("LaTeX: ") for i in imgs)
    assert unquote(unquote(imgs[0].get("src").removeprefix("/equation_images/").removesuffix("?scale=1"))) == \
        r"\pi r^2"
    assert as_tex("<p>no math</p>") == "<p>no math</p>"


def _zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize("fmt, spec", [("qti21", "qti21/qtiv2p1/imsqti_v2p1.xsd"),
                                       ("qti30", "qti30/qtiv3p0/imsqti_asiv3p0_sbacv1p0_v1p0.xsd")])
def test_qti2x_items_carry_mathml_and_are_valid(tmp_path, fmt, spec):
    course = course_with_math(tmp_path)
    files = _zip(WRITERS[fmt]().write(course, Options()).data)
    schema = xml_schema(spec)
    items = [n for n in files if n.startswith("items/")]
    assert items
    found = []
    for name in files:
        if not name.endswith(".xml") or name == "imsmanifest.xml":
            continue
        doc = etree.fromstring(files[name])
        assert_valid(schema, doc, name)
        found += [m.findtext(f".//{M}annotation") for m in doc.iter(f"{M}math")]
    assert r"\sqrt{4} = 2" in found and "2^2 = 4" in found and "x_1" in found and "a = 2" in found
    # the schema checks the MathML: an element MathML does not have makes the item invalid
    doc = etree.fromstring(files[items[0]])
    etree.SubElement(next(doc.iter(f"{M}mrow")), f"{M}mnonsense")
    assert not schema.validate(doc)


def test_moodle_xml_and_cc11_write_tex(tmp_path):
    course = course_with_math(tmp_path)
    xml = WRITERS["moodle"]().write(course, Options()).data.decode()
    assert "<math" not in xml
    assert r"\(\sqrt{4} = 2\)" in xml and r"\(2^2 = 4\)" in xml and r"$$\frac{1}{2} &lt; 1$$" in xml
    assert r"\(x_1\)" in xml  # the instruction is the question bank's info? at least in the quiz text
    cc = _zip(WRITERS["cc11"]().write(course, Options()).data)
    text = b"".join(cc.values()).decode()
    assert "<math" not in text and "&lt;math" not in text
    assert r"\(E = mc^2\)" in text and r"\(\sqrt{4} = 2\)" in text


def test_moodle_backup_writes_tex(tmp_path):
    import tarfile
    course = course_with_math(tmp_path)
    data = WRITERS["moodle-backup"]().write(course, Options()).data
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        text = "".join(tar.extractfile(m).read().decode() for m in tar.getmembers() if m.isfile()
                       and m.name.endswith(".xml"))
    assert "<math" not in text and "&lt;math" not in text
    assert r"\(E = mc^2\)" in text and r"\(\sqrt{4} = 2\)" in text and r"\(x_1\)" in text


@pytest.mark.parametrize("fmt", ["qti12", "cc13"])
def test_canvas_formats_write_equation_images(tmp_path, fmt):
    course = course_with_math(tmp_path)
    files = _zip(WRITERS[fmt]().write(course, Options()).data)
    text = b"".join(v for n, v in files.items() if n.endswith((".xml", ".html", ".qti"))).decode()
    assert "<math" not in text and "&lt;math" not in text
    assert 'data-equation-content="\\sqrt{4} = 2"' in text
    if fmt == "cc13":
        assert 'data-equation-content="E = mc^2"' in text  # the page too


def test_html_package_lays_out_the_math_in_chromium(tmp_path, browser):
    from scorm_harness import AXE, AXE_TAGS

    course = course_with_math(tmp_path)
    out = tmp_path / "html"
    with zipfile.ZipFile(io.BytesIO(WRITERS["html"]().write(course, Options()).data)) as z:
        z.extractall(out)
    target = out / "m.html"
    html = target.read_text()
    assert "<script" not in html.split("<math", 1)[1].split("</math>", 1)[0]
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(target.as_uri())
    boxes = page.eval_on_selector_all(
        "math", "ms => ms.map(m => { const r = m.getBoundingClientRect(); return {ns: m.namespaceURI, "
        "w: r.width, h: r.height, display: getComputedStyle(m).display, shown: m.checkVisibility(), "
        "annotation: getComputedStyle(m.querySelector('annotation')).display}; })")
    # the page's formulas, the quiz's instruction, stimulus, two statements, and the text after the quiz are
    # shown; the explanations' formulas wait, hidden, for an answer
    shown = [b for b in boxes if b["shown"]]
    assert len(boxes) == 2 + len(FORMULAS) + 7 and len(shown) >= 2 + len(FORMULAS) + 5
    assert all(b["ns"] == MATHML_NS and b["w"] > 0 and b["h"] > 0 for b in shown), boxes
    assert boxes[0]["display"] == "math" and boxes[1]["display"] == "block math"  # laid out as MathML
    assert all(b["annotation"] == "none" for b in boxes)  # the TeX is not shown beside it
    # a fraction is laid out as one: numerator above denominator
    above = page.evaluate("() => { const f = document.querySelector('mfrac'); const [n, d] = f.children;"
                          " return n.getBoundingClientRect().bottom <= d.getBoundingClientRect().top + 1; }")
    assert above
    assert all(u.startswith("file:") for u in requests)  # no network
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("tags => axe.run(document, {runOnly: tags}).then(r => r.violations.map("
                               "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))", AXE_TAGS)
    assert violations == []
    page.close()
