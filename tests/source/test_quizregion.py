"""Reading for quiz-only formats (`read_course(quiz_only=True)`, `exporter.source.quizregion`).

A build whose formats publish no page text renders only a page's quiz region when the rest of the page is inert.
It must read the same quizzes, report the same errors and warnings at the same lines, and record the same links
and files of quiz text as reading every page whole, whatever surrounds the quiz; and it must be taken."""

from __future__ import annotations

import base64

import pytest
from conftest import CORPUS, SAMPLE
from coursekit import ITEMS, awkward_course, encode, page, plain, quiz, rtl_course, typed_course, typed_edges_course, \
    write_course
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter.build.pipeline import build
from exporter.errors import ContentError
from exporter.source import reader
from exporter.source.reader import read_course

ITEM = encode(*ITEMS[0])
PNG = b"\x89PNG\r\n\x1a\n"


def read(folder, quiz_only: bool):
    """What a read gives that a quiz-only format can use: quizzes, diagnostics, quiz links and files."""
    try:
        course, report = read_course(folder, quiz_only=quiz_only)
    except ContentError as exc:
        return "refused", [str(d) for d in exc.diagnostics]
    quiz_links = [use for use in course.links if use.in_quiz]
    files = sorted({use.target.ref for use in quiz_links if use.target.kind == "file"})
    return ("read", [p.quiz for p in course.pages], [str(d) for d in report.warnings + report.notes], quiz_links,
            {path: course.files[path] for path in files}, [p.title for p in course.pages])


def taken(monkeypatch) -> list[str]:
    """The quiz regions the reader renders, as it renders them (appended to the list returned)."""
    regions: list[str] = []
    original = reader.quiz_region

    def recorded(lines, bank):
        region = original(lines, bank)
        if region is not None:
            regions.append(region)
        return region

    monkeypatch.setattr(reader, "quiz_region", recorded)
    return regions


def courses(tmp_path):
    made = {"awkward": awkward_course(tmp_path / "awkward"), "typed": typed_course(tmp_path / "typed", draw=3),
            "edges": typed_edges_course(tmp_path / "edges"), "rtl": rtl_course(tmp_path / "rtl"), "sample": SAMPLE}
    if CORPUS.is_dir():
        made["corpus"] = CORPUS
    return made


def test_quiz_only_reading_reads_what_a_whole_reading_reads(tmp_path, monkeypatch):
    regions = taken(monkeypatch)
    for name, folder in courses(tmp_path).items():
        before = len(regions)
        assert read(folder, True) == read(folder, False), name
        course, _ = read_course(folder, quiz_only=True)
        assert not any(p.body_html or p.after_html for p in course.pages), name
        if name in ("sample", "corpus"):
            assert len(regions) - before >= len(course.pages) // 2, f"{name}: the quiz region is rarely used"


def test_a_quiz_only_build_writes_the_bytes_of_a_whole_build(tmp_path, monkeypatch):
    """A build of quiz-only formats alone (no cache) reads only quiz regions; one with a page format, never."""
    regions = taken(monkeypatch)
    formats = "qti12,qti21,qti30,moodle"
    for name, folder in courses(tmp_path).items():
        if name == "corpus":
            continue  # (the snapshot of every format: bench and CI; this test keeps to our own courses)
        del regions[:]
        whole = build(folder, tmp_path / name / "whole", "html," + formats, cache=None)
        assert not regions, name
        alone = build(folder, tmp_path / name / "alone", formats, cache=None)
        assert regions or name != "sample", "the sample course's quiz-only build should render quiz regions"
        made = {a.format: a.path.read_bytes() for a in alone.artifacts}
        assert made == {a.format: a.path.read_bytes() for a in whole.artifacts if a.format in made}, name


# --- whatever surrounds the quiz ----------------------------------------------------------------------------

TEXT = [
    "Plain text, with words of every length: listening supportive members.", "Some *emphasis* and **more**.",
    "", "", "", "    an indented line", "\tafter a tab", "> a quote", "> - " + ITEM, "- a list item", "* another",
    "1. a numbered item", "  - a nested item", "{: .showul}", "{: #intro .note}", '{: style="background: url(p.png)"}',
    "{: src}", "{.bare}", "[a link](missing.md)", "[a page](other.md)", "![a picture](p.png)", "![gone](gone.png)",
    "<b>bold</b>", "<div>", "</div>", "<!-- a comment", "-->", "```", "~~~", "`code`", "$x^2$", "$\\frac{1}$",
    "a &amp; b", "a \\* b", ITEM, "text then " + ITEM, "\u00a0", " ", "## A heading", "===", "---", "- - -",
    "data-n is written here", '{: data-n="0"}', "http://example.org/p.png", "I <3 it", "Aaaaaaaa BBBBbbbb",
]
INSTRUCTION = ["Answer each:", "## Quiz\nAnswer each:", "> Answer each:", "  Answer each:", "Answer *each*:",
               "Answer [each](p.png):", "- Answer each:"]
ATTRIBUTES = ['{: data-n="1"}', '{: #quiz data-n="2"}', '{: data-n="1" data-opt="Yes,No"}', '{: data-n="x"}',
              '{: data-n="9"}', "{: data-n='1' data-shuffle=\"choices\"}"]
BANK_ITEMS = [f"- {ITEM}", f"* {encode(*ITEMS[1])}", f"- {plain(*ITEMS[2])}", f"1. {ITEM}", f"  - {ITEM}",
              "- What is 2 + 2?\n  = 4", "- Pick one\n  * right\n  - wrong", f"- {ITEM}\n  lazy text",
              f"- {ITEM}\n\n    more of it", "- plain [with a link](p.png) /Y/ ok", "- $x$ /N/ no"]


@st.composite
def page_body(draw):
    before = draw(st.lists(st.sampled_from(TEXT), max_size=6))
    after = draw(st.lists(st.sampled_from(TEXT), max_size=6))
    bank = draw(st.lists(st.sampled_from(BANK_ITEMS), min_size=1, max_size=4))
    between = draw(st.sampled_from(["\n\n", "\n\n", "\n", "\n\nA stimulus.\n\n"]))
    quiz_text = draw(st.sampled_from(INSTRUCTION)) + "\n" + draw(st.sampled_from(ATTRIBUTES)) + between + \
        draw(st.sampled_from(["\n", "\n\n"])).join(bank)
    quizzes = draw(st.sampled_from([0, 1, 1, 1, 2]))
    middle = "\n\n".join([quiz_text] * quizzes)
    return "\n".join(before) + draw(st.sampled_from(["\n\n", "\n"])) + middle + \
        draw(st.sampled_from(["\n\n", "\n", "\n\n\n"])) + "\n".join(after) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=page_body())
def test_whatever_surrounds_the_quiz_a_quiz_only_read_says_the_same(tmp_path_factory, body):
    folder = write_course(tmp_path_factory.mktemp("region"), {
        "a.md": page("A page", 0, body), "other.md": page("Other", 1, "Text.\n"), "p.png": PNG})
    assert read(folder, True) == read(folder, False)


def test_the_region_is_taken_where_the_rest_is_inert_and_not_elsewhere(tmp_path, monkeypatch):
    """The cases the rule names, each way: the fast path is no dead code, and it stands aside where it must."""
    regions = taken(monkeypatch)
    bank = quiz(1, ITEMS)
    cases = {
        "inert": (f"Some text.\n\n{bank}\nMore text.\n", True),
        "the quiz alone": (bank, True),
        "the quiz first, no newline at the end": (f"{bank}\nMore text.", True),
        "an empty page": ("", True),
        "no quiz": ("Only text, no quiz.\n", True),
        "a link before": (f"See [this](p.png).\n\n{bank}", False),
        "a formula after": (f"{bank}\nThe sum $x$.\n", False),
        "an encoded item left": (f"{ITEM}\n\n{bank}", False),
        "a second quiz": (f"{bank}\n{bank}", False),
        "an attribute list with a value": (f'Text\n{{: title="x"}}\n\n{bank}', False),
        "no blank line before": (f"Text\n- item\n{bank}", None),  # (its region starts at the list: see below)
        "a list right after": (f"{bank}\n- not an item\n", None),
        "indented after": (f"{bank}\n    more\n", True),  # (the last item's text: in the region)
        "a quote after": (f"{bank}\n> more\n", False),
        "a line of U+00A0 before": (f"Text\n\u00a0\n{bank}", None),
    }
    for name, (body, expected) in cases.items():
        folder = write_course(tmp_path / name.replace(" ", "-"), {"a.md": page("A", 0, body), "p.png": PNG})
        del regions[:]
        assert read(folder, True) == read(folder, False), name
        if expected is not None:
            assert bool(regions) == expected, name
    body = f"Text\n\u00a0\n{bank}"
    lines = body.split("\n")
    from exporter.source.quiz import find_bank
    from exporter.source.quizregion import quiz_region

    region = quiz_region(lines, find_bank(lines))
    assert region is None or region.startswith("Text"), "a line of U+00A0 is text to Markdown: no break before it"


@pytest.mark.parametrize("word", [ITEM, base64.b64encode(b"S x/Y/y").decode()])
def test_an_encoded_item_outside_the_quiz_is_still_refused(tmp_path, word):
    folder = write_course(tmp_path / "c", {"a.md": page("A", 0, f"Before {word} it.\n\n" + quiz(1, ITEMS))})
    with pytest.raises(ContentError) as whole:
        read_course(folder)
    with pytest.raises(ContentError) as alone:
        read_course(folder, quiz_only=True)
    assert [str(d) for d in whole.value.diagnostics] == [str(d) for d in alone.value.diagnostics]


def test_pages_sharing_a_quiz_region_render_it_once_and_each_reads_its_own(tmp_path, monkeypatch):
    """The same region on many pages is rendered once (`markup.render_shared`); each page still gets its own tree:
    its link recorded for it, the quiz's attributes taken off its copy, not the one kept."""
    from exporter.source import markup

    markup._rendered.cache_clear()
    rendered: list[str] = []
    original = markup.render

    def counted(source):
        rendered.append(source)
        return original(source)

    monkeypatch.setattr(markup, "render", counted)
    monkeypatch.setattr(reader, "render", counted)  # a page rendered whole
    region = 'See the [other page](b.md) first:\n{: data-n="1"}\n\n- ' + ITEM + "\n"
    folder = write_course(tmp_path / "c", {f"{n}.md": page(f"P{n}", n, f"Text.\n\n{region}") for n in range(4)}
                          | {"b.md": page("B", 9, "Text.\n")})
    once = read(folder, True)
    assert len(rendered) == 1, rendered
    assert once == read(folder, False)
    links = [use.page for use in once[3]]
    assert len(links) == 4 and len(set(links)) == 4, links
    assert all(p.instruction_html.startswith("See the <a") for p in once[1][:4])


def test_a_shared_region_with_a_formula_is_reported_on_every_page(tmp_path):
    region = 'Is $\\frac{1}{$ right?\n{: data-n="1"}\n\n- ' + ITEM + "\n"
    folder = write_course(tmp_path / "c", {f"{n}.md": page(f"P{n}", n, f"Text.\n\n{region}") for n in range(3)})
    verdict, errors = read(folder, True)
    assert verdict == "refused" and (verdict, errors) == read(folder, False)
    assert sorted(e.split(":")[0].rsplit("/", 1)[-1] for e in errors if "the formula" in e) == ["0.md", "1.md", "2.md"]
