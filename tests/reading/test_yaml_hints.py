"""YAML errors get the hint that fits the mistake (issue 16).

libyaml says "mapping values are not allowed here" both for a ``calls: 40``
indented one space too far and for ``text: Call Ann: VIP``; the fix differs.
A wrong indentation gets an indentation hint naming the line to line up with;
a ``: `` inside a value keeps the hint about quotes; ``rep:ann`` (no space)
and a line without ``:`` get theirs.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import write
from onenotes.reading.yaml.safe import YamlProblem, load_yaml


def problem(text: str) -> YamlProblem:
    """The problem of ``text`` as a note's frontmatter (which starts on line 2)."""
    with pytest.raises(YamlProblem) as raised:
        load_yaml(text, line_offset=1)
    return raised.value


@pytest.mark.parametrize("text, line, hint", [
    # a metrics entry indented 3 spaces under 2
    ("rep: ann\nmetrics:\n  revenue: 100\n   sales_calls: 40\n", 5,
     "this line is indented 3 spaces: indent it 2 spaces, like line 4 ('revenue:')"),
    ("metrics:\n  revenue:\n    goal: 1\n     actual: 2\n", 5,
     "this line is indented 5 spaces: indent it 4 spaces, like line 4 ('goal:')"),
    # a key dedented between two levels
    ("rep: ann\nmetrics:\n  revenue: 100\n sales_calls: 40\n", 5,
     "this line is indented 1 space: indent it 2 spaces, like line 4 ('revenue:') "
     "or start it in the first column, like line 3 ('metrics:')"),
    # a top-level key indented
    ("rep: ann\n  date: 2026-11-16\n", 3,
     "this line is indented 2 spaces: start it in the first column, like line 2 ('rep:')"),
    (" rep: ann\ndate: 2026-11-16\n", 3,
     "line 2 ('rep:') is indented 1 space: start the top level in the first column"),
    # list items misaligned
    ("commitments:\n  - text: Call Acme\n   - text: Send the deck\n", 4,
     "this line is indented 3 spaces: indent it 2 spaces, like line 3 ('- text:')"),
    ("commitments:\n  - text: Call Acme\n - text: Send the deck\n", 4,
     "this line is indented 1 space: indent it 2 spaces, like line 3 ('- text:')"),
    ("commitments:\n  - text: Call Acme\n    - text: Send the deck\n", 4,
     "this line is indented 4 spaces: indent it 2 spaces, like line 3 ('- text:')"),
    # a key of a list item misaligned
    ("commitments:\n  - text: Call Acme\n     due: 2026-11-30\n", 4,
     "this line is indented 5 spaces: indent it 4 spaces, like line 3 ('text:')"),
    ("commitments:\n  - text: Call Acme\n   due: 2026-11-30\n", 4,
     "this line is indented 3 spaces: indent it 4 spaces, like line 3 ('text:') "
     "or start it in the first column, like line 2 ('commitments:')"),
])
def test_a_wrong_indentation_gets_an_indentation_hint_naming_the_line_to_line_up_with(text, line, hint):
    found = problem(text)
    assert (found.line, found.hint) == (line, hint)


def test_a_colon_and_space_inside_a_value_keeps_the_hint_about_quotes():
    found = problem("rep: ann\ncommitments:\n  - text: Call Ann: VIP account\n")
    assert (found.line, found.hint) == (4, "put a value containing ': ' in double quotes")


def test_a_missing_space_after_a_colon_is_named():
    found = problem("rep:ann\ndate: 2026-11-16\n")
    assert found.hint == "put a space after 'rep:' on line 2"


def test_a_line_without_a_colon_is_reported_on_its_own_line():
    found = problem("rep: ann\ndate 2026-11-16\nmanager: Sam\n")
    assert found.line == 3  # libyaml names the line after it
    assert found.hint.startswith("this line has no ':'")


def test_check_shows_the_indentation_hint(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md",
          "---\nrep: ann\nmetrics:\n  revenue: 100\n   sales_calls: 40\n---\n")
    result = cli("--notebook", notebook, "check")
    assert result.stdout == (
        "ann/2026-11-16.md:5:4: error: invalid YAML: mapping values are not allowed in this context [yaml]\n"
        "    hint: this line is indented 3 spaces: indent it 2 spaces, like line 4 ('revenue:')\n")
    assert result.exit_code == 1


def test_onenotes_yaml_gets_the_same_hints(cli, notebook):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text().replace("  sales_calls:", "   sales_calls:"))
    result = cli("--notebook", notebook, "kpis")
    assert result.exit_code == 3
    assert "onenotes.yaml:6:4: error: invalid YAML: did not find expected key (this line is indented 3 spaces: " \
           "indent it 2 spaces, like line 5 ('revenue:'))" in result.stderr


LINES = st.lists(st.tuples(st.integers(0, 7), st.sampled_from(
    ["rep: ann", "metrics:", "revenue: 1", "- text: a", "-", "- b", "due: 2026-11-30", "text: a: b",
     "rep:ann", "date 2026", "# note", "", "k: [a, b", "k: |", "x", "- {a: 1}", "'q': 1"])),
    min_size=1, max_size=8).map(lambda lines: "\n".join(" " * n + text for n, text in lines) + "\n")


@given(LINES)
def test_every_yaml_problem_has_a_line_inside_the_text_and_a_hint(text):
    try:
        load_yaml(text, line_offset=1)
    except YamlProblem as found:
        assert 2 <= found.line <= text.count("\n") + 2
        assert found.hint
