"""Figures as people type them (issue 16): a decimal comma, thousands separators, a unit.

An unreadable figure is an error naming its line that says what to write
("write 30.5"), and a gap for every command: no command uses a value it had to
guess.  YAML splits ``{actual: 30,5}`` at the comma (30, and a key 5), and reads
a block-style ``30,5`` as text; ``20.000`` it reads as 20, which may have been
meant as twenty thousand (a warning).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples, note_text, write
from onenotes.reading.figures import comma_splits, figure_hint, thousands_reading, typed_value
from onenotes.reading.note import parse_note
from onenotes.reading.yaml.safe import load_yaml

NOTE = "ann/2026-11-16.md"


def read(frontmatter: str):
    text = f"---\nrep: ann\ndate: 2026-11-16\n{frontmatter}---\n"
    return parse_note(text, NOTE, "ann", dt.date(2026, 11, 16))


def problems(note):
    return [(p.line, p.severity, p.code, p.message, p.hint) for p in note.problems]


# ---------------------------------------------------------------- the rule ---

@pytest.mark.parametrize("typed, hint", [
    ("30,5", "write 30.5: a decimal point, not a comma"),
    ("30,50", "write 30.50: a decimal point, not a comma"),
    ("0,5", "write 0.5: a decimal point, not a comma"),
    ("-3,5", "write -3.5: a decimal point, not a comma"),
    ("1.234,5", "write 1234.5: a decimal point, not a comma; no thousands separators"),
    ("1.234.567", "write 1234567: no thousands separators"),
    ("1,234,567", "write 1234567: no thousands separators"),
    ("1,234.5", "write 1234.5: no thousands separators"),
    ("12 000", "write 12000: no thousands separators"),
    ("12\u202f000,50", "write 12000.50: a decimal point, not a comma; no thousands separators"),
    ("1'234.5", "write 1234.5: no thousands separators"),
    ("30,50 \u20ac", "write 30.50: a decimal point, not a comma; no currency sign"),
    ("$1,200.50", "write 1200.50: no thousands separators; no currency sign"),
    ("$1,200", "write 1200 or 1.200: the ',' could separate thousands or decimals"),
    ("12,5%", "write 12.5: a decimal point, not a comma; no % sign"),
    ("1,234", "write 1234 or 1.234: the ',' could separate thousands or decimals"),
    ("30,500", "write 30500 or 30.500: the ',' could separate thousands or decimals"),
    ("1.234", "write 1234 or 1.234: the '.' could separate thousands or decimals"),
])
def test_the_hint_for_a_typed_figure_is_the_plain_figure_to_write(typed, hint):
    assert figure_hint(typed) == hint


@pytest.mark.parametrize("typed", ["lots", "30, 5", "1,2,3", "12,34,5", "", "3 to 5", "1e5"])
def test_no_figure_is_made_up_for_text_that_is_no_figure(typed):
    assert figure_hint(typed) is None


@pytest.mark.parametrize("typed, other", [("20.000", 20000), ("1.500", 1500), ("999.999", 999999),
                                          ("27.5", None), ("0.125", None), ("1.50", None), ("1234.500", None),
                                          ("20", None), ("20,000", None)])
def test_a_dot_that_may_separate_thousands(typed, other):
    assert thousands_reading(typed) == other


@pytest.mark.parametrize("line, key, typed", [
    ("  revenue: {goal: 20000, actual: 30,5}", "actual", "30,5"),
    ("  revenue: {actual: 30,5, goal: 20.000}", "actual", "30,5"),
    ("  revenue: {actual: 30,5, goal: 20.000}", "goal", "20.000"),
    ("metrics: {revenue: 1,234,567, calls: 4}", "revenue", "1,234,567"),
    ("    actual: 30,5   # last week", "actual", "30,5"),
    ("  revenue: '12 000'", "revenue", "12 000"),
    ("  revenue: 1", "actual", None),
])
def test_the_text_typed_for_a_key_is_found_on_its_line(line, key, typed):
    assert typed_value(line, key) == typed


def test_a_flow_mapping_split_at_a_comma_is_found_by_its_pieces():
    loaded = load_yaml("m: {goal: 20000, actual: 1,234,567, other: 5}\n", 1)["m"]
    assert dict(loaded) == {"goal": 20000, "actual": 1, 234: None, 567: None, "other": 5}
    assert comma_splits(loaded) == {"actual": [234, 567]}
    # a key with no value on a line of its own is no piece: block style says what it means
    assert comma_splits(load_yaml("m:\n  goal: 30\n  5:\n", 1)["m"]) == {}
    assert comma_splits({"actual": 30, 5: None}) == {}  # no lines: nothing is guessed either way


# ------------------------------------------------------- reading a note ---

def test_a_decimal_comma_in_a_flow_mapping_is_an_error_and_a_gap():
    note = read("metrics:\n  revenue: {goal: 20000, actual: 30,5}\n  sales_calls: 12\n")
    assert [(m.name, m.actual, m.goal) for m in note.metrics] == [("revenue", None, 20000), ("sales_calls", 12, None)]
    assert problems(note) == [(5, "error", "metric-not-number", "metric 'revenue' is not a number: '30,5'",
                               "write 30.5: a decimal point, not a comma")]


def test_a_decimal_comma_in_block_style_is_an_error_and_a_gap():
    note = read("metrics:\n  revenue:\n    goal: 20000\n    actual: 30,5\n  sales_calls: 1.234,5\n")
    assert [(m.name, m.actual) for m in note.metrics] == [("revenue", None), ("sales_calls", None)]
    assert problems(note) == [
        (7, "error", "metric-not-number", "metric 'revenue' is not a number: '30,5'",
         "write 30.5: a decimal point, not a comma"),
        (8, "error", "metric-not-number", "metric 'sales_calls' is not a number: '1.234,5'",
         "write 1234.5: a decimal point, not a comma; no thousands separators")]


def test_a_plain_figure_split_at_its_comma_makes_no_metric_of_its_pieces():
    note = read("metrics: {revenue: 1,234,567, sales_calls: 40}\n")
    assert [(m.name, m.actual) for m in note.metrics] == [("revenue", None), ("sales_calls", 40)]
    assert problems(note) == [(4, "error", "metric-not-number", "metric 'revenue' is not a number: '1,234,567'",
                               "write 1234567: no thousands separators")]


def test_a_goal_with_a_comma_is_an_error_and_no_unknown_key_warning():
    note = read("metrics:\n  revenue: {actual: 18500, goal: 20,000}\n")
    assert [(m.actual, m.goal) for m in note.metrics] == [(18500, None)]
    assert problems(note) == [(5, "error", "metric-not-number", "goal of 'revenue' is not a number: '20,000'",
                               "write 20000 or 20.000: the ',' could separate thousands or decimals")]


def test_a_dot_that_may_separate_thousands_is_an_error_and_a_gap_not_a_guess():
    note = read("metrics:\n  revenue: {goal: 20.000, actual: 18500}\n  calls: 1.500\n  rate: 27.5\n"
                "  discount: 7.50\n  close: 0.250\n")
    assert [(m.name, m.actual, m.goal) for m in note.metrics] == [
        ("revenue", 18500, None), ("calls", None, None), ("rate", 27.5, None), ("discount", 7.5, None),
        ("close", 0.25, None)]
    assert problems(note) == [
        (5, "error", "figure-ambiguous", "goal of 'revenue': 20.000 could be 20 or 20000",
         "write 20000 if the dot separates thousands, or 20 if it does not"),
        (6, "error", "figure-ambiguous", "metric 'calls': 1.500 could be 1.5 or 1500",
         "write 1500 if the dot separates thousands, or 1.5 if it does not")]


def test_a_target_that_may_be_thousands_is_not_used():
    note = read("behaviour_plan:\n  sales_calls: 40\n  new_opportunities: 2.500\n")
    assert note.behaviour_plan == {"sales_calls": 40}
    assert [(p.line, p.code) for p in note.problems] == [(6, "figure-ambiguous")]


def test_behaviour_plan_targets_and_confidence_with_a_decimal_comma_are_errors_and_not_used():
    note = read("behaviour_plan: {sales_calls: 40, new_opportunities: 7,5}\n"
                "confidence: {revenue: 3,5, sales_calls: 4}\n")
    assert note.behaviour_plan == {"sales_calls": 40}
    assert note.confidence == {"sales_calls": 4}
    assert problems(note) == [
        (4, "error", "plan-invalid", "behaviour_plan target for 'new_opportunities' is not a number: '7,5'",
         "write 7.5: a decimal point, not a comma"),
        (5, "error", "confidence-invalid", "confidence for 'revenue' must be 1 to 5, not '3,5'",
         "write a whole number from 1 (unsure) to 5 (sure)")]


# ------------------------------------------------------------------ CLI ---

def test_check_fails_on_a_decimal_comma_and_says_what_to_write(cli, notebook):
    write(notebook / NOTE, note_text(metrics="  revenue: {goal: 20000, actual: 30,5}\n"))
    result = cli("--notebook", notebook, "check")
    assert result.exit_code == 1
    assert result.stdout == (f"{NOTE}:5: error: metric 'revenue' is not a number: '30,5' [metric-not-number]\n"
                             "    hint: write 30.5: a decimal point, not a comma\n")


def test_commands_that_show_figures_warn_of_one_they_cannot_read_and_show_a_gap(cli, notebook):
    write(notebook / NOTE, note_text(metrics="  revenue: {goal: 20000, actual: 30,5}\n  sales_calls: 12\n"))
    warning = f"onenotes: {NOTE}:5: error: metric 'revenue' is not a number: '30,5' (write 30.5"
    kpis = cli("--notebook", notebook, "kpis", "--format", "json")
    assert kpis.exit_code == 0 and warning in kpis.stderr
    rows = {r["kpi"]: r for r in json.loads(kpis.stdout)}
    assert rows["revenue"]["latest"] is None and rows["revenue"]["trend"] == [None]
    assert rows["sales_calls"]["latest"] == 12
    brief = cli("--notebook", notebook, "brief", "ann", "--today", "2026-11-23")
    assert warning in brief.stderr and "| Revenue | 25,000 USD | \u2013 |" in brief.stdout
    new = cli("--notebook", notebook, "new", "ann", "--today", "2026-11-23")
    assert new.exit_code == 0 and warning in new.stderr
    assert "onenotes: " + NOTE not in cli("--notebook", notebook, "followups").stderr  # shows no figure


def test_a_goal_that_may_be_thousands_in_onenotes_yaml_is_refused(cli, notebook):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text().replace("goal: 25000", "goal: 25.000"))
    result = cli("--notebook", notebook, "kpis")
    assert result.exit_code == 3
    assert "onenotes.yaml:5: error: goal 25.000 could be 25 or 25000" in result.stderr
    assert "write 25000 if the dot separates thousands, or 25 if it does not" in result.stderr


@pytest.mark.parametrize("setting, message, hint", [
    ("  revenue: {kind: output, goal: 25000,5, unit: USD}", "goal: 25000,5 is not a number",
     "write 25000.5: a decimal point, not a comma"),
    ("  revenue: {kind: output, goal: '25 000', unit: USD}", "goal '25 000' is not a usable number",
     "write 25000: no thousands separators"),
])
def test_a_goal_with_a_comma_or_a_space_in_onenotes_yaml_is_refused(cli, notebook, setting, message, hint):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text().replace("  revenue: {kind: output, goal: 25000, unit: USD}", setting))
    result = cli("--notebook", notebook, "check")
    assert result.exit_code == 1
    assert f"onenotes.yaml:5: error: {message}" in result.stdout and f"hint: {hint}" in result.stdout


def test_a_rep_goal_split_at_its_comma_is_refused_not_read_as_its_first_part(cli, notebook):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text().replace("    name: Ann Lee\n", "    goals: {sales_calls: 42,5}\n"))
    result = cli("--notebook", notebook, "kpis")
    assert result.exit_code == 3
    assert "onenotes.yaml:9: error: sales_calls: 42,5 is not a number (YAML splits it at the comma)" in result.stderr


# ------------------------------------------------------------ properties ---

DECIMAL_COMMA = st.builds(lambda whole, frac: f"{whole},{frac}",
                          st.integers(0, 999_999).map(str), st.from_regex(r"[0-9]{1,4}", fullmatch=True))
STYLES = {
    "flow": "  revenue: {{goal: 20000, actual: {}}}\n  sales_calls: 12\n",
    "flow-first": "  revenue: {{actual: {}, goal: 20000}}\n  sales_calls: 12\n",
    "block": "  revenue:\n    goal: 20000\n    actual: {}\n  sales_calls: 12\n",
    "plain": "  revenue: {}\n  sales_calls: 12\n",
}
FIGURE_LINE = {"flow": 5, "flow-first": 5, "block": 7, "plain": 5}


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=DECIMAL_COMMA, style=st.sampled_from(sorted(STYLES)))
def test_any_decimal_comma_figure_is_an_error_on_its_line_and_a_gap_everywhere(cli, typed, style):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "nb"
        write(root / "onenotes.yaml", "kpis:\n  revenue: {kind: output, goal: 25000}\n"
                                      "  sales_calls: {kind: input, goal: 40}\n")
        write(root / NOTE, note_text(metrics=STYLES[style].format(typed)))
        check = json.loads(cli("--notebook", root, "check", "--format", "json").stdout)
        assert [(p["line"], p["code"]) for p in check["problems"]] == [(FIGURE_LINE[style], "metric-not-number")]
        assert check["problems"][0]["severity"] == "error"
        assert f"'{typed}'" in check["problems"][0]["message"]
        assert check["problems"][0]["hint"].startswith("write ")
        kpis = cli("--notebook", root, "kpis", "--format", "json")
        rows = {r["kpi"]: r for r in json.loads(kpis.stdout)}
        assert rows["revenue"]["latest"] is None and rows["revenue"]["trend"] == [None]
        assert rows["revenue"]["attainment"] is None and rows["sales_calls"]["latest"] == 12
        assert f"{NOTE}:{FIGURE_LINE[style]}:" in kpis.stderr


def test_import_metrics_refuses_to_edit_a_figure_split_at_its_comma_and_replaces_a_block_one(cli, notebook, tmp_path):
    export = write(tmp_path / "export.csv", "Rep,Revenue,Sales calls\nAnn Lee,31250,40\n")
    write(notebook / NOTE, note_text(metrics="  revenue: {goal: 20000, actual: 30,5}\n  sales_calls: 12\n"))
    before = (notebook / NOTE).read_text()
    result = cli("--notebook", notebook, "import-metrics", export, "--date", "2026-11-16")
    assert result.exit_code != 0 and (notebook / NOTE).read_text() == before  # never 31250,5
    assert f"{NOTE}:5: the figure of revenue is written with a comma" in result.stderr
    write(notebook / NOTE, note_text(metrics="  revenue:\n    goal: 20000\n    actual: 30,5\n  sales_calls: 12\n"))
    assert cli("--notebook", notebook, "import-metrics", export, "--date", "2026-11-16").exit_code == 0
    assert "    actual: 31250\n" in (notebook / NOTE).read_text()
