"""Reading a rep's prep form back: figures by the notes' rule, the box and the new date, the
rep's own words as points; any text in, a form or a list of problems out, and no line lost."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import EXAMPLE, examples
from onenotes.errors import Problem
from onenotes.reading.note import parse_note
from onenotes.reading.notebook import load_notebook
from onenotes.reading.prep_form import PrepForm, PrepFormProblems, read_prep_form
from onenotes.reading.prep_spec import FormSpec, form_spec
from onenotes.reading.prep_layout import free_entries, unquote
from onenotes.reading.privacy import private_lines, shared_lines
from onenotes.views.agenda import open_help_requests, upcoming_calls
from onenotes.views.prep import neutral, prep_form_text
from support import notegen
from support.prepfill import BOB, fill

DATE = dt.date(2026, 11, 23)
SETTINGS = settings(max_examples=examples(200), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@lru_cache(maxsize=1)
def spec() -> FormSpec:
    return form_spec(load_notebook(EXAMPLE), "bob-okafor", DATE)


@lru_cache(maxsize=1)
def form() -> str:
    return prep_form_text(spec())


def read(text: str, the_spec: FormSpec | None = None) -> PrepForm:
    return read_prep_form(text, "form.md", the_spec or spec())


def problems(text: str, the_spec: FormSpec | None = None) -> list[Problem]:
    with pytest.raises(PrepFormProblems) as refused:
        read(text, the_spec)
    return refused.value.problems


# ------------------------------------------------------------ what is read ---

def test_the_form_as_made_reads_back_empty():
    assert read(form()) == PrepForm("form.md", "bob-okafor", DATE, {}, {}, (), (), (), ())


def test_a_filled_form_reads_back_what_was_filled():
    got = read(fill(form(), **BOB))
    assert got.actuals == {"revenue": 21450.5, "new_accounts": 2, "sales_calls": 38, "new_opportunities": 5}
    assert [type(v) for v in got.actuals.values()] == [float, int, int, int]
    assert got.confidence == {"revenue": 3, "new_accounts": 4, "sales_calls": 4}
    assert [(u.key, u.id, u.done, u.new_date) for u in got.updates] == [
        ("C1", "1ec65bcf", True, None), ("C3", "bob-freight-prospect-list", False, dt.date(2026, 11, 27))]
    assert (got.wins, got.help, got.calls) == (BOB["wins"], BOB["help"], BOB["calls"])


@pytest.mark.parametrize("typed, value", [
    ("18900", 18900), ("27.5", 27.5), ("0.250", 0.25), ("-3", -3), ("7.50", 7.5), ("", None), ("  42 ", 42),
    ("n/a", None), ("-", None), ("\u2014", None), ("none", "write it in digits"),
    ("1\u00a0200", "write 1200: no thousands separators"), ("30,5", "write 30.5: a decimal point, not a comma"),
    ("1,234", "write 1234 or 1.234"), ("$1,200.50", "write 1200.50: no thousands separators; no currency sign"),
    ("27%", "write 27: no % sign"), ("20.000", "20.000 could be 20 or 20000"), ("1.500", "1.500 could be 1.5 or 1500"),
    ("abc", "write it in digits"), ("1e5", "write it in digits"), ("12 calls", "write only the figure after the colon"),
    ("9" * 17, "is too large"), ("1" + "0" * 15, 10 ** 15), ("9" * 41, "is too large"), ("1." + "5" * 50, "is too large"),
])
def test_a_figure_is_read_by_the_rule_notes_follow(typed, value):
    text = form().replace("- Revenue in USD (goal 25000):", f"- Revenue in USD (goal 25000): {typed}", 1)
    if value is None or isinstance(value, (int, float)):
        got = read(text).actuals.get("revenue")
        assert got == value and type(got) is type(value)
    else:
        [problem] = problems(text)
        assert problem.code == "prep-figure"
        assert problem.line == text.split("\n").index(f"- Revenue in USD (goal 25000): {typed}".rstrip()) + 1
        assert value in f"{problem.message} ({problem.hint})"


@pytest.mark.parametrize("typed, value", [("4", 4), ("4/5", 4), ("4 / 5", 4), ("4 of 5", 4), ("5.", 5), ("", None),
                                          ("3.5", "whole number"), ("6", "whole number"), ("0", "whole number"),
                                          ("high", "whole number"), ("3,5", "whole number")])
def test_confidence_is_a_whole_number_from_1_to_5(typed, value):
    at = form().rindex("- Revenue in USD (goal 25000):")
    text = form()[:at] + form()[at:].replace(":", f": {typed}", 1)
    if value is None or isinstance(value, int):
        assert read(text).confidence.get("revenue") == value
    else:
        [problem] = problems(text)
        assert problem.code == "prep-confidence" and value in problem.message


@pytest.mark.parametrize("mark, done", [(" ", False), ("", False), ("x", True), ("X", True), ("\u2713", True),
                                        (" x ", True), ("-", "not a box"), ("/", "not a box"), ("xx", "not a box")])
def test_a_box_is_ticked_with_an_x(mark, done):
    text = form().replace("- [ ] Done", f"- [{mark}] Done", 1)
    if isinstance(done, bool):
        got = read(text)
        assert [u.key for u in got.updates if u.done] == (["C1"] if done else [])
    else:
        assert done in problems(text)[0].message


def test_a_new_date_may_use_the_notebooks_formats_and_takes_the_meetings_year():
    local = dataclasses.replace(spec(), date_formats=("%d.%m.%Y", "%d/%m"))
    for typed in ("2026-12-04", "04.12.2026", "04/12"):
        text = form().replace("- New date:", f"- New date: {typed}", 1)
        assert read(text, local).updates[0].new_date == dt.date(2026, 12, 4)
    [problem] = problems(form().replace("- New date:", "- New date: 31.11.2026", 1), local)
    assert problem.hint == "November has 30 days"


def test_a_heading_or_a_figure_wrapped_onto_the_next_line_is_read():
    text = form().replace("with a named contact at each (due", "with a named\ncontact at each (due", 1)
    text = text.replace("- Sales calls (goal 40):\n", "- Sales calls (goal 40):\n  38\n", 1)
    assert read(text).actuals == {"sales_calls": 38}


def test_points_are_items_paragraphs_and_headings_with_their_wrapped_and_nested_lines():
    lines = ["- first point", "  wrapped on", "  - nested", "", "A paragraph", "over two lines", "",
             "1. numbered", "* starred", "\u2022 bulleted", "-", "---", "### a heading", "```", "## code",
             "```", "> quoted", "\t- [ ] a box"]
    got = [text for _, text in free_entries(list(enumerate(lines, 1)))]
    assert got == ["first point wrapped on; nested", "A paragraph over two lines", "numbered", "starred",
                   "bulleted", "a heading", "## code", "> quoted", "[ ] a box"]


def test_mail_quoting_comes_off_the_lines_that_have_it():
    assert unquote(["> ---", "> a", ">b", "typed", "> > c"]) == ["---", "a", "b", "typed", "> c"]
    assert unquote(["> > ---", "> > a", "> b"]) == ["---", "a", "b"]
    assert unquote(["> quoted", "---"]) == ["> quoted", "---"]  # a form that does not start quoted


def test_a_private_or_managers_commitment_put_on_the_form_by_hand_is_refused():
    first = next(e for e in spec().entries if e.id == spec().items[0].id)
    for field, value in (("private", True), ("owner", "manager")):
        entry = copy.copy(first)
        setattr(entry, field, value)
        hidden = dataclasses.replace(spec(), entries=tuple(entry if e is first else e for e in spec().entries))
        [problem] = [p for p in problems(form(), hidden) if p.code == "prep-unknown-commitment"]
        assert problem.message == f"C1: {first.id!r} is not one of bob-okafor's own commitments"


# ---------------------------------------------------------- never a crash ---

FORM_LINES = st.sampled_from(form().split("\n"))
ANY_LINE = st.one_of(FORM_LINES, notegen.any_text, notegen.hostile_text,
                     st.sampled_from(["---", "...", "> ---", "## Wins this week", "### C1.", "- [x] Done",
                                      "- New date: 2026-13-01", "kpi_set: 1", "commitments: [", "&a x", "*a",
                                      "\ufeff---", "- Revenue in USD (goal 25000): 1,5", "# title", "```"]))


@SETTINGS
@given(st.one_of(st.text(max_size=300), st.lists(ANY_LINE, max_size=40).map("\n".join)))
@example("---\n---\n")
@example("---\nform: onenotes-prep\nversion: 1\n---\n")
@example("---\nform: onenotes-prep\nversion: 1\ncommitments: {C1: [a]}\n---\n")
@example("---\n[1, 2]\n---\n")
def test_any_text_gives_a_form_or_problems_with_lines_never_a_crash(text):
    try:
        got = read(text)
    except PrepFormProblems as refused:
        assert refused.problems
        for problem in refused.problems:
            assert 1 <= problem.line <= text.count("\n") + 1 and problem.message
    else:
        assert isinstance(got, PrepForm)


@SETTINGS
@given(st.data())
def test_a_changed_form_is_refused_or_read_whole_never_half_read(data):
    """Lines deleted, doubled or moved, and a line of the rep's own inserted anywhere: the
    form is refused, or the inserted words are in what was read."""
    lines = fill(form(), **BOB).split("\n")
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "double", "move"]))
        line = lines.pop(at)
        if action == "double":
            lines[at:at] = [line, line]
        elif action == "move":
            lines.insert(data.draw(st.integers(0, len(lines))), line)
    token = "zqxj" + str(data.draw(st.integers(0, 999)))
    shape = data.draw(st.sampled_from(["{}", "- {}", "  {}", "### {}", "1. {}", "> {}", "{} words", "- [x] {}"]))
    lines.insert(data.draw(st.integers(0, len(lines))), shape.format(token))
    try:
        got = read("\n".join(lines))
    except PrepFormProblems as refused:
        assert refused.problems
        return
    assert any(token in point for point in got.wins + got.help + got.calls), lines


# ------------------------------------------------- the rep's words, as text ---

WORDS = st.one_of(notegen.any_text, notegen.hostile_text, st.text(max_size=80), st.lists(st.sampled_from(
    ["- [ ] ", "[x] ", "<!-- private -->", "<!-- manager-only -->", "<!--", "-->", "## Private", "# ", "%%",
     "> ", "---", "***", "<div>", "</div>", "1. ", "2) ", "[id:: x]", "\\", "`", "```", "~~", "|", "\u202e",
     "\u2028", "\n", "\t", "\r", "&lt;", "[a]: http://x", "Private", " "]), max_size=8).map("".join))
_MD = MarkdownIt("commonmark")


@SETTINGS
@given(WORDS)
@example("- [ ] task due: 2026-12-01")
@example("<!-- private -->")
@example("%%")
@example("12. x")
def test_a_reps_words_on_the_agenda_are_one_line_of_plain_text(words):
    """``- {neutral(words)}`` under a heading: no task, no heading, no HTML, no comment,
    no private or manager-only part; and it is carried as written."""
    point = neutral(words)
    assert "\n" not in point and "\r" not in point and "<" not in point and "%%" not in point
    for heading in ("## Where do you need help?", "## Most important upcoming calls"):
        body = f"{heading}\n\n- {point}\n\n## After\n\nThe end.\n"
        note = parse_note("---\nrep: ann\n---\n" + body, "ann/2026-11-23.md", "ann", DATE)
        assert note.mentions == [] and not [p for p in note.problems if p.severity == "error"]
        assert private_lines(body) == set()
        assert shared_lines(body) == set(range(body.count("\n") + 1))
        tokens = _MD.parse(body)
        assert [t.tag for t in tokens if t.type == "heading_open"] == ["h2", "h2"]
        assert not [t for t in tokens if t.type in ("html_block", "fence", "code_block", "blockquote_open")]
        inline = [c for t in tokens if t.children for c in t.children]
        assert not [c for c in inline if c.type == "html_inline"]
        items = [t for t in tokens if t.type == "list_item_open"]
        assert len(items) <= 1 and not [t for t in tokens if t.type in ("ordered_list_open",)]
    if point:
        carried = upcoming_calls(f"## Most important upcoming calls\n\n- {point}\n")
        asked = open_help_requests(f"## Where do you need help?\n\n- {point}\n")
        assert carried == [point] and asked == [point]
