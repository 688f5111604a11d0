"""Generated input: the reader returns a model or raises ContentError, nothing else."""

from __future__ import annotations

import base64
import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exporter.errors import ContentError
from exporter.model import Course
from exporter.source.reader import read_course

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
words = st.text(alphabet=string.ascii_letters + string.digits + " &<>\"'*_#/:{}=-", max_size=30)
yaml_value = st.one_of(words, st.integers(-3, 99), st.none(), st.booleans(), st.just("[x"), st.just("{a: b"))


@st.composite
def item_line(draw):
    kind = draw(st.sampled_from(["good"] * 8 + ["raw", "bytes"]))
    if kind == "good":
        body = f"{draw(st.one_of(words.map('S '.__add__), words))}/{draw(st.sampled_from('YNYNyn?'))}/{draw(words)}".encode("utf-8")
    elif kind == "bytes":
        body = draw(st.binary(max_size=30))
    else:
        return draw(words)
    return base64.b64encode(body).decode()


@st.composite
def front_matter(draw, serial):
    """Mostly valid front matter, sometimes broken in one of many ways."""
    if draw(st.integers(0, 5)) == 5:
        meta = draw(st.dictionaries(st.sampled_from(["title", "class", "serial", "layout"]), yaml_value, max_size=4))
        return "\n".join(f"{k}: {v}" for k, v in meta.items())
    title = draw(st.one_of(st.just("A page"), words.map("T ".__add__), st.just(""))).replace("\\", "").replace('"', "'")
    kind = draw(st.sampled_from(["section", "chapter", "section", "", "index", "lesson"]))
    lines = [f'title: "{title}"', f"serial: {serial}"] + ([f"class: {kind}"] if kind else [])
    return "\n".join(draw(st.permutations(lines)))


@st.composite
def page_text(draw, serial=0):
    front = draw(front_matter(serial))
    blocks = draw(st.lists(st.one_of(words, text, st.sampled_from(["<3", "{: .conv}", "[x](p0.md)", "[x](y.md)", "![i](z.png)"])),
                           max_size=4))
    n = draw(st.one_of(st.integers(1, 2).map(str), st.integers(-1, 5).map(str), words))
    opt = draw(st.sampled_from(["", "", ' data-opt="Yes,No"', ' data-opt="A"', ' data-opt=""']))
    items = draw(st.lists(item_line(), min_size=1, max_size=5) | st.just([]))
    quiz = f'Answer:\n{{: data-n="{n}"{opt}}}\n\n' + "".join(f"- {i}\n" for i in items) if draw(st.booleans()) else ""
    head = draw(st.sampled_from(["---\n"] * 8 + ["", "--- \n"]))
    return f"{head}{front}\n---\n" + "\n\n".join(blocks) + "\n\n" + quiz


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pages=st.lists(st.integers(0, 3), min_size=1, max_size=3).flatmap(
    lambda serials: st.tuples(*[page_text(s) for s in serials])))
def test_reader_returns_model_or_content_error(tmp_path_factory, pages):
    folder = tmp_path_factory.mktemp("gen")
    for n, body in enumerate(pages):
        (folder / f"p{n}.md").write_text(body, encoding="utf-8")
    try:
        course, _ = read_course(folder)
    except ContentError as exc:
        assert exc.diagnostics and all(d.level == "error" for d in exc.diagnostics)
        return
    assert isinstance(course, Course) and course.pages
    for q in course.quizzes:
        assert 0 < q.draw <= len(q.items)
        assert all(i.statement_html for i in q.items)
    assert len({p.serial for p in course.pages}) == len(course.pages)


# markup characters left out ($ starts a formula, read as MathML: tests/source/test_math.py tests those)
safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\`*_[]#{}<>|!$\ufffe\uffff"),
                    min_size=1, max_size=40).filter(lambda s: s.strip() and not s.strip()[0] in "-+0123456789=")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=safe_text, body=safe_text, stimulus=st.one_of(st.just(""), safe_text),
       items=st.lists(st.tuples(safe_text, st.booleans(), safe_text), min_size=1, max_size=6),
       labels=st.sampled_from([None, "Yes,No", "Agree,Disagree"]), data=st.data())
def test_well_formed_pages_always_read(tmp_path_factory, title, body, stimulus, items, labels, data):
    """Any well-formed page reads, and each item comes back with its text and answer."""
    import html

    from coursekit import page, quiz

    draw = data.draw(st.integers(1, len(items)))
    bank = [(s, "Y" if a else "N", e) for s, a, e in items]
    folder = tmp_path_factory.mktemp("ok")
    text = page(title.replace('"', "'"), 0, f"{body}\n\n" + quiz(draw, bank, opt=labels, stimulus=stimulus))
    (folder / "p.md").write_text(text, encoding="utf-8")
    course, _ = read_course(folder)
    [q] = course.quizzes
    assert q.draw == draw and len(q.items) == len(items)
    assert q.labels == (tuple(labels.split(",")) if labels else ("True", "False"))
    for item, (s, a, e) in zip(q.items, items):
        assert (item.right_index == 0) == a
        assert html.unescape(item.statement_html).strip() == s.strip()
        assert html.unescape(item.explanation_html).strip() == e.strip()


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
@example("\ufeff")  # found by hypothesis: nh3 drops a byte order mark at the start, the fast path kept it
@example("\ufeffa\ufeff")
def test_plain_text_fast_path_matches_the_sanitizer(text):
    """clean_inline and clean_blocks skip nh3 for text with no markup; the result must be what nh3 would return."""
    import nh3

    from exporter.source.sanitize import ATTRIBUTES, BLOCK_TAGS, INLINE_TAGS, URL_SCHEMES, clean_blocks, \
        clean_inline, hearts

    for clean, tags in ((clean_inline, INLINE_TAGS), (clean_blocks, BLOCK_TAGS)):
        expected = nh3.clean(hearts(text), tags=tags, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                             link_rel="noopener noreferrer").strip()
        assert clean(text) == expected, clean.__name__


_MARKUP = st.lists(st.sampled_from(["<p>", "</p>", "<em>", "</em>", '<p class="conv">', "<script>x</script>",
                                     '<a href="https://e.org" onclick="x()">', "</a>", '<img src="a.png" alt="A">',
                                     "<3", "&amp;", "&nbsp;", "\u00a0", "<!-- c -->", "<table><tr><td>1</td></tr>",
                                     "<math><mi>x</mi></math>", "text", " ", "\n", "<b>", "</b>", "<div>"]),
                   max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(_MARKUP)
def test_the_sanitizer_is_nh3_with_our_settings(text):
    """clean_inline and clean_blocks sanitize with one nh3.Cleaner per tag set, set up once: what nh3.clean
    returns with the same settings, markup or not."""
    import nh3

    from exporter.source.sanitize import ATTRIBUTES, BLOCK_TAGS, INLINE_TAGS, URL_SCHEMES, clean_blocks, \
        clean_inline, hearts

    for clean, tags in ((clean_inline, INLINE_TAGS), (clean_blocks, BLOCK_TAGS)):
        expected = nh3.clean(hearts(text), tags=tags, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                             link_rel="noopener noreferrer").strip()
        assert clean(text) == expected, clean.__name__


# mostly text a package can carry (any script, symbols, format characters), sometimes what it cannot
any_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30).map(lambda t: t + "]]>"),
    st.text(alphabet=st.characters(), max_size=30),
    st.sampled_from(["]]>", "\x07bell", "a\ufffeb", "<3", "&#1;", "&amp;<b>x</b>", "\u2028", "\ud800"]))


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding text exactly, escapes included (so lone surrogates and controls)."""
    import json

    return json.dumps(text)


def xml_parts(data: bytes) -> list[tuple[str, bytes]]:
    import io
    import tarfile
    import zipfile

    if data[:2] == b"\x1f\x8b":  # a gzip'd tar (a Moodle backup)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            return [(m.name, tar.extractfile(m).read()) for m in tar.getmembers() if m.name.endswith(".xml")]
    if data[:2] != b"PK":
        return [("", data)]
    zf = zipfile.ZipFile(io.BytesIO(data))
    return [(n, zf.read(n)) for n in zf.namelist() if n.endswith((".xml", ".qti", ".html"))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=any_text, body=any_text, stimulus=any_text, labels=st.tuples(any_text, any_text),
       items=st.lists(st.tuples(any_text, st.booleans(), any_text), min_size=1, max_size=3))
def test_any_unicode_the_reader_accepts_every_writer_writes(tmp_path_factory, title, body, stimulus, labels, items):
    """Whatever text a course holds (control characters, surrogates through YAML escapes, `]]>`, entities), the
    reader refuses it with a diagnostic or every writer writes it: XML well-formed, no exception."""
    import lxml.html
    from lxml import etree

    from exporter.writers import WRITERS, Options

    folder = tmp_path_factory.mktemp("uni")
    bank = "".join("- " + base64.b64encode(f"S {s}/{'Y' if a else 'N'}/{e}".encode("utf-8", "surrogatepass")).decode()
                   + "\n" for s, a, e in items)
    opt = ",".join(label.replace(",", " ").replace('"', "'").replace("}", ")") or "x" for label in labels)
    page = (f"---\ntitle: {yaml_quoted(title or 'T')}\nserial: 0\n---\n{body}\n\nAnswer:\n"
            f'{{: data-n="1" data-opt="{opt}"}}\n\n{stimulus}\n\n{bank}')
    (folder / "p.md").write_bytes(page.encode("utf-8", "surrogatepass"))
    try:
        course, _ = read_course(folder)
    except ContentError as exc:
        assert exc.diagnostics and all(d.level == "error" for d in exc.diagnostics)
        return
    for name, writer in WRITERS.items():
        artifact = writer().write(course, Options())
        for part, data in xml_parts(artifact.data):
            if part.endswith(".html"):
                lxml.html.document_fromstring(data)
            else:
                etree.fromstring(data)  # well-formed, or this raises
