"""scan_tasks (the fast scanner) finds exactly what the reference scanner finds.

tests/support/tasks_reference.py keeps the first, simple line scanner (``scan_tasks_reference``)
(checked against markdown-it-py in tests/reading/test_tasks_differential.py).
``scan_tasks`` skips the sections that cannot hold a task and reads simple task
lists without the container machinery; these tests compare the two on bodies
built to hit every boundary of those shortcuts (column-0 headings, real and
fake; HTML comments closed, unclosed, one-line; fences and HTML blocks that
swallow a heading; tabs, indents, lazy lines, setext underlines...), and check
that realistic bodies do take the shortcuts, so a silent fall-back to the slow
path fails a test.
"""

from __future__ import annotations

import itertools
import random
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import ROOT, examples
from support.notegen import body_text
from onenotes.reading.note import HANDLER, decode
from onenotes.reading.tasks import _scan, scan_tasks
from support.tasks_reference import scan_tasks_reference as _scan_tasks_full

# Lines that end, fake or hide a section: headings and what looks like one.
HEADINGS = ["## Homework", "# One-on-one", "###### six", "#", "## ", "#\tTabbed", "####### seven",
            "#hashtag", " ## indented", "    # code", "> # quoted", "- # in an item", "##"]
# Lines that open, close or hide blocks.
TRICKY = [
    "", "  ", "\t", " \t ", "\x0c", "\u00a0", "\r",
    "<!--", "-->", "<!-- one line -->", "<!-- a --> - [ ] after", "text -->", " <!--", "<!---->",
    "<!-->", "<!--->", "<!-- -- > -- >",
    "```", "~~~", "````", "```py", "``` `x`", "  ```", "\t```", "    ```",
    "<div>", "</div>", "<details>", "<pre>", "</pre>", "<script>", "<?php", "?>", "<!DOCTYPE x>",
    "<![CDATA[", "]]>", "<b>", "<span class='x'>", "5 < 3 and <b>bold</b>",
    "> quote", ">", "> - [ ] quoted task", " > > deep",
    "---", "===", "***", "* * *", "- - -", "___", "-", "*", "1.", "2)",
    "    indented code - [ ] x", "\t- [ ] tab code", "     - [ ] five spaces",
    "lazy continuation text", "  indented continuation", "[x] no item", "| a | - [ ] cell |",
    "    four-space continuation", "      six-space continuation", "[x] box continuation",
    "=== ", "  ---", "  ===", "   ==", "2026 numbers", "  a -- b", "é continuation", "\u00a0nbsp continuation",
    "%%", "%% comment %%", "text %% opens", "closes %% - [ ] after", "`%%` code", "``%%`` x", "%%%",
    "%%%%", "## heading %% opens", "    %% code", "```%%", "<!-- %% -->", "85% of goal",
]
TASKS = [
    "- [ ] Send the deck", "- [x] Call Bob due: 2026-11-30", "* [X] Done", "+ [-] Dropped",
    "- [?] unknown marker", "- [ ]", "- [ ]   ", "- []  not a task", "- [ ] [owner:: manager] x",
    "1. [ ] one", "2. [ ] two", "1) [x] paren", "10. [ ] ten", "123456789. [ ] nine digits",
    "1234567890. [ ] ten digits", "-  [ ] two spaces", "-    [ ] four", "-     [ ] five",
    "- [ ]\tafter a tab", "-\t[ ] tab after marker", "- [\t] tab marker", "- [ ] a\tb",
    "  - [ ] nested two", "   - [ ] nested three", "    - [ ] nested four", "      - [x] deeper",
    "- plain item", "- **bold** item", "- [link](x) item", "- 5 sales calls", "- <b>x</b>",
    "- > quote in item", "- > - [ ] quoted in an item", "- ```", "- # heading item",
    "- - [ ] nested on one line", "- 1. [ ] ordered in an item", "* 9) [x] nine in an item",
    "9. [ ] nine", "0) [ ] zero", "- <!-- [ ] x -->", "- ~~~", "- _ [ ] x", "- + [ ] plus",
    "* * [ ] star star", "- [ ] text with [x] inside", "- [x] trailing spaces   ",
    "- [ ] " + "long " * 400, "- [ ] é中🙂 📅 2026-11-24", "- [ ]\u00a0nbsp",
    "- [ ] call Ann %% after lunch %%", "- [ ] a %% opens", "* [x] `%%` kept", "%% - [ ] hidden %%",
    "- %% [ ] x", "- [ ] %% all hidden %%", "  - [ ] nested %% note",
]
LINES = HEADINGS + TRICKY + TASKS
# Item lines at any indent, to nest: every marker width, 1 to 5 spaces after it.
MARKS = ["-", "*", "+", "1.", "2.", "1)", "01.", "10.", "3)", "123."]
BOXES = ["[ ] ", "[x] ", "[-] ", "[?] ", "[ ]", "", "[]"]


def item_line(indent: int, mark: str, spaces: int, box: str, text: str = "t") -> str:
    return " " * indent + mark + " " * spaces + box + text


ITEM = st.builds(item_line, st.integers(0, 9), st.sampled_from(MARKS),
                 st.sampled_from([1, 1, 1, 2, 3, 4, 5]), st.sampled_from(BOXES),
                 st.sampled_from(["t", "more text", "", "- [ ] x"]))
PROSE = ["Numbers are close to goal this week.", "Calls are below target again: meetings.",
         "Good week overall. Worth asking for more referrals."]


def same(body: str) -> None:
    assert scan_tasks(body) == _scan_tasks_full(body), body


@st.composite
def sectioned_body(draw) -> str:
    """A note body as people write it (sections under headings) with tricky lines mixed in."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.integers(0, 4)):
            lines.append(draw(st.sampled_from(HEADINGS[:3] + HEADINGS)))
            if draw(st.booleans()):
                lines.append("")
        for _ in range(draw(st.integers(0, 6))):
            pool = draw(st.sampled_from([TASKS, TASKS, TRICKY, PROSE, HEADINGS, None, None]))
            lines.append(draw(ITEM) if pool is None else draw(st.sampled_from(pool)))
        if draw(st.booleans()):
            lines.append("")
    end = draw(st.sampled_from(["\n", "", "\n\n", "\n  "]))
    return "\n".join(lines) + end


@settings(max_examples=examples(400), deadline=None)
@given(sectioned_body())
@example("## A\n- [ ] a\n## B\n- [x] b\n")
@example("```\n## fenced heading\n- [ ] fenced\n```\n## B\n- [ ] b\n")  # a fence swallows a heading
@example("<!--\n## A\n- [ ] commented\n-->\n- [ ] shown\n")  # so does a comment
@example("## A\n<!--\n- [ ] commented\n## B\n- [ ] still commented\n")  # unclosed comment
@example("<div>\n## A\n- [ ] in html\n\n## B\n- [ ] b\n")  # HTML block until the blank line
@example("- [ ] a\n---\n## B\n- [ ] b\n")  # setext underline drops the task
@example("- [ ] a\ncontinued lazily\n## B\n")
@example("para\n2. [ ] cannot interrupt\n## B\n1. [ ] can\n")
@example("## A\n- [ ] a\n<!-- c -->\n- [ ] b\n")
@example("## A\n- [ ] a\n\t- [ ] tab\n")
@example("# [x] heading holds a box\n- [ ] a\n")
def test_fast_scanner_agrees_with_reference_on_sectioned_bodies(body):
    same(body)


@settings(max_examples=examples(100), deadline=None)
@given(body_text())
def test_fast_scanner_agrees_with_reference_on_hostile_bodies(body):
    same(body)


def test_fast_scanner_agrees_with_reference_on_every_pair_of_tricky_lines():
    """Each pair of lines, between a task section and another, in both orders."""
    for first, second in itertools.product(LINES, repeat=2):
        same(f"Intro\n## A\n{first}\n{second}\n- [ ] t\n## B\n- [x] u\n")
        same(f"## A\n- [ ] t\n{first}\n{second}\n## B\n- [x] u\n")
    for first, second in itertools.product(HEADINGS + TRICKY, LINES):
        same(f"{first}\n- [ ] t\n{second}")


def test_fast_scanner_agrees_with_reference_on_many_seeded_random_bodies():
    """Thousands of bodies: random lines, mostly tasks and headings, from a fixed seed."""
    rng = random.Random(5)
    pools = [TASKS, TASKS, HEADINGS, TRICKY, PROSE, [""], None, None, None]

    def line():
        pool = rng.choice(pools)
        if pool is None:
            return item_line(rng.randint(0, 9), rng.choice(MARKS), rng.choice([1, 1, 2, 4, 5]),
                             rng.choice(BOXES))
        return rng.choice(pool)

    for _ in range(4000):
        same("\n".join(line() for _ in range(rng.randint(1, 14))) + rng.choice(["\n", ""]))


def test_fast_scanner_agrees_with_reference_on_nested_lists():
    """Every list of three items of any indent (0-8), marker and spacing, after a heading."""
    items = [item_line(indent, mark, spaces, "[ ] ")
             for indent in range(9) for mark in ("-", "1.", "2)") for spaces in (1, 4, 5)]
    rng = random.Random(7)
    for first in items:
        for second in items:
            third = rng.choice(items)
            same(f"## A\n{first}\n{second}\n{third}\n")
            same(f"## A\n{first}\n\n{second}\n{third}\n")


@pytest.mark.parametrize("body, expected", [
    ("## A\n\n- [ ] a\n- [x] b\n", [(3, " ", "a"), (4, "x", "b")]),
    ("## A\n<!--\n- [ ] hidden\n-->\n1. [ ] shown\n", [(5, " ", "shown")]),
    ("## A\n<!--\n- [ ] hidden\n## B\n- [ ] hidden too\n", []),
    ("```\n## B\n- [ ] fenced\n", []),
    ("- [ ] a\n  - [ ] nested\n", [(1, " ", "a"), (2, " ", "nested")]),
    ("- [ ] a\n  2. [ ] continues a\n", [(1, " ", "a 2. [ ] continues a")]),
    ("- [ ] a\n      - [ ] continues a\n", [(1, " ", "a - [ ] continues a")]),
    ("1.    [ ] a\n    - [ ] continues a\n", [(1, " ", "a - [ ] continues a")]),
    ("## A\n- [ ] Send the proposal\n  with the new prices\nlazily\n- [ ]\n  b\n",
     [(2, " ", "Send the proposal with the new prices lazily"), (5, " ", "b")]),
    ("- [ ] a\n  ---\n", []),  # a setext heading in the item, not a task
    ("- [ ] a\n---\n", [(1, " ", "a")]),  # a thematic break after the item
    ("para\n2. [ ] not an item\n", []),
])
def test_fast_scanner_finds_the_expected_tasks(body, expected):
    assert [(t.line, t.marker, t.text) for t in scan_tasks(body)] == expected
    same(body)


HOSTILE_SHAPES = {
    "a heading and an HTML line, many times": "# h\n<\n",
    "indented headings": "  # x\n",
    "sections of one task": "# h\n- [ ] x\n",
    "a heading and an empty fence": "# h\n```\n```\n",
    "hashtags": "#tag\n",
    "sections with a quote and a task": "# h\n> q\n- [ ] x\n",
    "sections of inline code and HTML": "# h\n`x` `y` ~a~ <\n",
    "sections with an Obsidian comment": "# h %% c %%\n%% c %%\n- [ ] x 5%\n",
}


@pytest.mark.parametrize("shape", HOSTILE_SHAPES)
def test_the_fast_scanner_reads_a_hostile_body_a_bounded_number_of_times(shape, monkeypatch):
    """Found by hunting worst cases: each skip searched again to the body's far end for the
    next task, so 20,000 sections took minutes.  Now every search goes on from where the
    last stopped: the text searched for tasks, the simple regions and the lines the general
    scanner reads add up to a few times the body, however many sections it has."""
    from onenotes.reading import tasks

    body = "<\n" + HOSTILE_SHAPES[shape] * 3000 + "- [ ] last\n"
    searched = []

    class Counting:
        def search(self, text, pos=0):
            m = tasks_maybe.search(text, pos)
            searched.append((m.end() if m else len(text)) - pos)
            return m

        def finditer(self, text, pos=0):
            searched.append(len(text) - pos)
            return tasks_maybe.finditer(text, pos)

    tasks_maybe = tasks.MAYBE_TASK
    monkeypatch.setattr(tasks, "MAYBE_TASK", Counting())
    regions = []
    real_simple = tasks._simple_tasks
    monkeypatch.setattr(tasks, "_simple_tasks",
                        lambda region, *args: regions.append(len(region)) or real_simple(region, *args))
    found, simple, general = tasks._scan(body)
    monkeypatch.undo()
    assert found == _scan_tasks_full(body)
    lines = body.count("\n") + 1
    assert sum(searched) <= 3 * len(body)
    assert sum(regions) <= len(body)
    assert simple + general <= lines


# ---------------------------------------------------------- the fast path ---

def _bodies(folder):
    out = []
    for path in sorted(folder.glob("*/*.md")):
        parts = HANDLER.split_at(decode(path.read_bytes(), str(path)))
        out.append((path, parts[1]))
    return out


def test_generated_benchmark_notes_are_read_as_simple_task_lists(tmp_path):
    """On a realistic notebook the general scanner never runs and 1 line in 5 at most is read."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    generate(tmp_path / "nb", 100, 5)
    bodies = _bodies(tmp_path / "nb")
    assert len(bodies) == 100
    read = total = 0
    for path, body in bodies:
        tasks, simple, general = _scan(body)
        assert tasks == _scan_tasks_full(body), path
        assert tasks and general == 0, path
        read += simple
        total += body.count("\n") + 1
    assert read * 5 < total


def test_a_fresh_agenda_with_tasks_typed_under_its_comment_is_read_as_a_simple_list():
    text = (ROOT / "tests" / "golden" / "new-bob-okafor-2026-11-23.md").read_text(encoding="utf-8")
    body = HANDLER.split_at(text)[1].rstrip("\n") + "\n- [ ] Send the deck due: 2026-11-30\n- [x] Call Bob\n"
    tasks, simple, general = _scan(body)
    # The review items the agenda lists, then what was typed under the homework's comment.
    reviewed = [t.text for t in tasks if "[id:: " in t.text]
    assert len(reviewed) == body.count("[id:: ") and reviewed == [t.text for t in tasks[:len(reviewed)]]
    assert [t.text for t in tasks[len(reviewed):]] == ["Send the deck due: 2026-11-30", "Call Bob"]
    assert tasks == _scan_tasks_full(body)
    # Only the review list's and the homework's lines (and the few around them) are read: the
    # guidance before them, between one-line manager-only comments, is skipped unread.
    assert general == 0 and len(tasks) <= simple < len(tasks) + 10 and simple * 3 < body.count("\n")


@pytest.mark.parametrize("body", [
    "## Homework\n\n- [ ] Send the proposal\n  with the new prices\n- [x] Call Bob\n",
    "## Homework\n1. [ ] Prepare the call\n   - [ ] agenda\n   - [x] slides\n2. [ ] Book the room\n",
    "# Title\n<!-- notes -->\n## Homework\n<!--\n- [ ] example\n-->\n- [ ] real\n## Notes\ntext\n",
])
def test_wrapped_nested_and_commented_task_lists_take_the_fast_path(body):
    tasks, simple, general = _scan(body)
    assert tasks and tasks == _scan_tasks_full(body)
    assert general == 0 and simple > 0


def test_example_notes_mostly_take_the_fast_path(example_notebook):
    """examples/ holds tricky notes on purpose, yet most are simple and few lines are read."""
    bodies = _bodies(example_notebook)
    simple_only = read = total = 0
    for path, body in bodies:
        tasks, simple, general = _scan(body)
        assert tasks == _scan_tasks_full(body), path
        simple_only += general == 0
        read += simple + general
        total += body.count("\n") + 1
    assert simple_only * 4 >= len(bodies) * 3
    assert read * 4 < total


# ------------------------------------- CommonMark cases both scanners missed ---

def _agree(body: str, expected: list[tuple]) -> None:
    """The fast scanner, the reference scanner and markdown-it all find ``expected``:
    (line, marker, text) or (line, marker, text, parent) for each task."""
    from support.mdoracle import oracle_tasks

    size = len(expected[0]) if expected else 3
    for found in (scan_tasks(body), _scan_tasks_full(body), oracle_tasks(body)):
        assert [tuple(t)[:size] for t in found] == expected, body
    assert scan_tasks(body) == _scan_tasks_full(body), body
    assert [tuple(t) for t in scan_tasks(body)] == oracle_tasks(body), body


@pytest.mark.parametrize("body, expected", [
    ("1. > Ann said:\ncall her back\n2. [ ] send the deck", [(3, " ", "send the deck")]),
    ("## Homework\n1. > Ann said:\ncall her back\n2. [ ] send the deck\n", [(4, " ", "send the deck")]),
    ("- > - [ ] call Ann\nback on Monday\n", [(1, " ", "call Ann back on Monday")]),
    ("- [ ] a\n  > quoted\n lazily\n  - [ ] b\n", [(1, " ", "a"), (4, " ", "b")]),
    ("> 1. > Ann said:\n> call her back\n> 2. [ ] send the deck\n", [(3, " ", "send the deck")]),
    ("- > said\ncall her back\n---\n- [ ] c\n", [(4, " ", "c")]),  # the break still ends it
    ("- > said\n\n2. [ ] after a blank line\n", [(3, " ", "after a blank line")]),
])
def test_a_lazy_line_goes_on_with_a_paragraph_in_a_quote_in_a_list_item(body, expected):
    """CommonMark: a lazy continuation line may leave any open containers, a block
    quote inside a list item too; it was taken for a new paragraph, which then
    kept an ordered item not numbered 1 from starting a list."""
    _agree(body, expected)


@pytest.mark.parametrize("comment", ["<!-->", "<!--->", "<!---->", "<!-- x -->", "  <!-->"])
@pytest.mark.parametrize("body, expected", [
    ("{c}\n- [ ] shown\n", [(2, " ", "shown")]),
    ("## A\n{c}\n- [ ] shown\n## B\n- [x] b\n", [(3, " ", "shown"), (5, "x", "b")]),
    ("- [ ] a\n  {c}\n  - [ ] b\n", [(1, " ", "a"), (3, " ", "b")]),
    ("> {c}\n> - [ ] quoted\n", [(2, " ", "quoted")]),
    ("\t{c}\n- [ ] after code\n", [(2, " ", "after code")]),
])
def test_an_html_comment_closed_on_its_opening_line_hides_nothing_after_it(comment, body, expected):
    """CommonMark 0.31: an HTML comment block ends on the line holding "-->", its
    first line too, and "<!-->" and "<!--->" are whole comments; they were taken
    for open ones that hid every task after them."""
    _agree(body.format(c=comment), expected)


# ------------------------------------------------------------- sub-tasks ---

@pytest.mark.parametrize("body, expected", [
    ("- [ ] Prepare QBR\n  - [ ] pull the numbers", [(1, None), (2, 1)]),
    ("- [ ] a\n  - [ ] b\n    - [ ] c\n  - [ ] d\n- [ ] e\n", [(1, None), (2, 1), (3, 2), (4, 1), (5, None)]),
    ("1. [ ] a\n   1) [x] b\n2. [ ] c\n", [(1, None), (2, 1), (3, None)]),
    # Through a plain item, a block quote, both.
    ("- [ ] a\n  - plain\n    - [ ] c\n", [(1, None), (3, 1)]),
    ("- [ ] a\n  > - [ ] quoted\n  >   - plain\n  >     - [x] deep\n", [(1, None), (2, 1), (4, 2)]),
    ("> - [ ] a\n>   - [ ] b\n", [(1, None), (2, 1)]),
    ("- plain\n  - [ ] a\n    - [ ] b\n", [(2, None), (3, 2)]),
    # What is no task is no parent: the next task up is.
    ("- [ ]\n  - [ ] child\n", [(2, None)]),
    ("- [ ] a\n  - [ ]\n    - [ ] c\n", [(1, None), (3, 1)]),
    ("- [ ] a\n  - [ ] b\n    ===\n    - [ ] c\n", [(1, None), (4, 1)]),  # b is a heading
    ("- [ ] a\n  - [ ] b\n- [ ] c\n  - [ ] d\n", [(1, None), (2, 1), (3, None), (4, 3)]),
    ("-\n  [ ] a\n  - [ ] b\n", [(2, None), (3, 2)]),  # the task's line is its paragraph's
    ("- [ ] a\n\n  - [ ] b\n\n\n- [ ] c\n", [(1, None), (3, 1), (6, None)]),
])
@pytest.mark.parametrize("heading", ["", "## Homework\n"])
def test_a_sub_task_has_the_nearest_enclosing_task_as_parent(body, expected, heading):
    """RawTask.parent is the line of the nearest task item whose list item holds
    the task, at any depth; the same in both scanners and in markdown-it's nesting."""
    from support.mdoracle import oracle_tasks

    shift = heading.count("\n")
    body = heading + body
    want = [(line + shift, None if parent is None else parent + shift) for line, parent in expected]
    for found in (scan_tasks(body), _scan_tasks_full(body), oracle_tasks(body)):
        assert [(t[0], t[3]) for t in found] == want, body
    assert [tuple(t) for t in scan_tasks(body)] == oracle_tasks(body)
    same(body)


def test_sub_tasks_of_a_simple_task_list_take_the_fast_path():
    body = "## Homework\n- [ ] Prepare QBR\n  - [ ] pull the numbers\n  - plain\n    - [x] slides\n"
    tasks, simple, general = _scan(body)
    assert general == 0 and simple > 0
    assert [(t.line, t.parent) for t in tasks] == [(2, None), (3, 2), (5, 2)]
    assert tasks == _scan_tasks_full(body)


# ------------------------------------------------------ Obsidian comments ---

@pytest.mark.parametrize("body, expected", [
    ("%%\n- [ ] hidden\n%%\n- [ ] shown\n", [(4, " ", "shown")]),
    ("%% - [ ] hidden %%\n- [ ] shown\n", [(2, " ", "shown")]),
    ("- [ ] a\n\n%% never closed\n- [ ] hidden\n## B\n- [ ] hidden too\n", [(1, " ", "a")]),
    ("## A\n%%\n## B\n- [ ] hidden\n%%\n- [ ] shown\n", [(6, " ", "shown")]),
    ("## Notes %% private\n- [ ] hidden\n%%\n- [ ] shown\n", [(4, " ", "shown")]),
    ("%% a\nb %% - [ ] not a task: its line starts in the comment\n\n- [ ] c\n", [(4, " ", "c")]),
    ("> %% quoted\n> - [ ] hidden\n> %%\n> - [ ] shown\n", [(4, " ", "shown")]),
    ("- [ ] a\n  - [ ] b %%\n  - [ ] hidden\n  %%\n  - [ ] c\n", [(1, " ", "a"), (2, " ", "b"), (5, " ", "c")]),
    ("<!-- %% -->\n- [ ] hidden: the comment is not code\n", []),
])
def test_nothing_in_an_obsidian_comment_is_a_task(body, expected):
    """"%%" opens a comment up to the next "%%", on any line, or to the body's end;
    a task item whose line starts in one is none."""
    _agree(body, expected)


@pytest.mark.parametrize("body, expected", [
    ("- [ ] call Ann %% after lunch %%\n", [(1, " ", "call Ann")]),
    ("- [ ] call Ann %% after lunch %% about the deck\n", [(1, " ", "call Ann about the deck")]),
    ("- [ ] call Ann %% she is\nout until Monday %% about the deck\n- [ ] b\n",
     [(1, " ", "call Ann about the deck"), (3, " ", "b")]),
    ("- [ ] a\n  more %% x %% text\n", [(1, " ", "a more text")]),
    ("- [ ] a %%x%% b %%y%% c\n", [(1, " ", "a b c")]),
    ("## A\n- [x] done %% on Friday\n%%\n- [ ] b\n", [(2, "x", "done"), (4, " ", "b")]),
    ("- [ ] a %%x%% %%y%% b\n", [(1, " ", "a b")]),
    ("- [ ] %% nothing but a comment %%\n", []),  # no text: no task
])
def test_an_obsidian_comment_is_taken_out_of_a_tasks_text(body, expected):
    _agree(body, expected)


@pytest.mark.parametrize("body, expected", [
    ("```\n%%\n```\n- [ ] shown\n", [(4, " ", "shown")]),
    ("~~~ %%\n- [ ] in code\n~~~\n- [ ] shown\n", [(4, " ", "shown")]),
    ("    %% indented code\n\n- [ ] shown\n", [(3, " ", "shown")]),
    ("`%%` in a code span\n- [ ] shown\n", [(2, " ", "shown")]),
    ("``a %% ` b``\n- [ ] shown\n", [(2, " ", "shown")]),
    ("- [ ] keep `%%` this\n- [ ] b\n", [(1, " ", "keep `%%` this"), (2, " ", "b")]),
    ("`not a span %%\n- [ ] hidden\n", []),  # an unclosed backtick is text
    ("85% of goal, 10% more\n- [ ] shown 5%\n", [(2, " ", "shown 5%")]),
    ("%%%%\n- [ ] shown\n", [(2, " ", "shown")]),  # an empty comment
    ("%%%\n- [ ] hidden\n", []),
])
def test_percent_signs_in_code_or_alone_open_no_obsidian_comment(body, expected):
    _agree(body, expected)


def test_a_body_without_obsidian_comments_still_takes_the_fast_path_with_percent_signs():
    body = "## Notes\nAt 85% of goal.\n100% on calls\n## Homework\n- [ ] Hold the line at 8%\n"
    tasks, simple, general = _scan(body)
    assert [t.text for t in tasks] == ["Hold the line at 8%"]
    assert general == 0 and simple == 2  # the last line and the empty one after it


def test_a_long_line_of_backtick_runs_with_a_comment_is_read_quickly():
    """Found by hunting worst cases: each backtick run without a closing run looked
    along the rest of the line again, so a line of runs of every length then single
    backticks took time quadratic in its length (17 s for this one, 280 KB).  Now the
    runs are found once a line."""
    import time

    line = "x %% y %% " + "".join("`" * n + "a" for n in range(2, 400)) + " `" * 100000
    body = "- [ ] t\n  " + line + "\n"
    start = time.process_time()
    found = scan_tasks(body)
    assert time.process_time() - start < 2  # (about 0.2 s; it was 17 s)
    assert found == _scan_tasks_full(body) and found[0].text.startswith("t x ``a")
