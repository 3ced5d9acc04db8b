"""Diagnosis: outputs first, then inputs (issue 3, second part)."""

from __future__ import annotations

import pytest

from conftest import TODAY, note_text, write
from onenotes.rules.diagnosis import diagnose
from onenotes.errors import ConfigError
from onenotes.reading.notebook import load_notebook


@pytest.mark.parametrize("rep, verdict, consistent", [
    ("alice-nguyen", "on_track", False),
    ("bob-okafor", "behaviour", True),
    ("carla-mendes", "skill", True),
])
def test_each_example_rep_gets_the_diagnosis_their_numbers_show(example_notebook, rep, verdict, consistent):
    d = diagnose(load_notebook(example_notebook), rep)
    assert (d.verdict, d.consistent) == (verdict, consistent)


def test_behaviour_problem_lists_the_short_inputs(example_notebook):
    d = diagnose(load_notebook(example_notebook), "bob-okafor")
    assert d.inputs_short == ["sales_calls", "new_opportunities", "opportunities_advanced"]
    assert d.outputs_short == ["revenue", "new_accounts"]
    assert (d.misses, d.meetings) == (4, 4)


def test_skill_problem_when_inputs_are_on_goal(example_notebook):
    d = diagnose(load_notebook(example_notebook), "carla-mendes")
    assert d.inputs_short == [] and "close_rate" in d.outputs_short
    assert "skill problem" in d.summary


def test_thresholds_come_from_the_config(notebook):
    cfg = (notebook / "onenotes.yaml").read_text()
    (notebook / "onenotes.yaml").write_text(cfg + "diagnosis:\n  on_target: 0.5\n")
    write(notebook / "ann" / "2026-11-16.md", note_text(metrics="  revenue: 15000\n  sales_calls: 10\n"))
    assert diagnose(load_notebook(notebook), "ann").verdict == "on_track"  # 60% counts at 0.5
    (notebook / "onenotes.yaml").write_text(cfg)
    d = diagnose(load_notebook(notebook), "ann")
    assert (d.verdict, d.consistent) == ("behaviour", False)  # one meeting is not a pattern


def test_no_figures_yet(notebook):
    assert diagnose(load_notebook(notebook), "ann").verdict == "no_figures"


def test_bad_diagnosis_settings_are_config_errors(notebook):
    cfg = (notebook / "onenotes.yaml").read_text()
    (notebook / "onenotes.yaml").write_text(cfg + "diagnosis:\n  lookbak: 4\n")
    with pytest.raises(ConfigError, match="did you mean 'lookback'"):
        load_notebook(notebook)


def test_new_opens_the_agenda_with_the_diagnosis(cli, acme):
    assert cli("--notebook", acme, "new", "bob", "--today", TODAY).exit_code == 0
    text = (acme / "bob-okafor" / "2026-11-23.md").read_text()
    assert "What the numbers say: Outputs short (Revenue, New accounts)" in text
    assert "| Sales calls | input | 26 | 40 | 65% |" in text
    assert text.index("What the numbers say") < text.index("## 1. Where are we against goal?")
