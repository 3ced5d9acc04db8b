"""The roll-up's rules (onenotes/rules/rollup.py), rollup.yaml's checks, and the memo's round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from conftest import EXAMPLE, examples
from onenotes.errors import BadInputError, ConfigError
from onenotes.reading.notebook import load_notebook
from onenotes.reading.rollup import _facts_from, _facts_to, read_rollup_config
from onenotes.rules.rollup import (TeamFigures, figures_on, kpis_not_shared, settings_that_differ, shared_kpis,
                                   team_facts, team_figures, total)
from onenotes.rules.rollup_config import from_paths

TODAY = dt.date(2026, 11, 23)


def team(**changes) -> TeamFigures:
    base = dict(manager="M", cadence="weekly", period_days=7, reps=2, held_4wk=7, expected_4wk=8, held_13wk=20,
                expected_13wk=24, hours_this_month=5.0, hours_last_month=6.5, hours_target=3.0,
                reps_under_target_last_month=1, reps_overdue=1, kept_on_time=3, kept_late=1, done_date_unknown=2,
                reps_on_track=1, reps_behaviour=1, reps_skill=0, reps_no_figures=0, on_target=1.0,
                newest_note=dt.date(2026, 11, 16),
                kpis={"revenue": {"kind": "output", "label": "Revenue", "on_goal": 1, "with_figure": 2},
                      "calls": {"kind": "input", "label": "Calls", "on_goal": 2, "with_figure": 2}})
    base.update(changes)
    return TeamFigures(**base)


def test_the_total_sums_counts_and_takes_rates_of_the_sums():
    a = team()
    b = team(reps=3, held_4wk=12, expected_4wk=12, kept_on_time=1, kept_late=3, hours_last_month=3.0,
             newest_note=dt.date(2026, 11, 20), hours_target=2.0)
    t = total([a, b])
    assert (t.reps, t.held_4wk, t.expected_4wk) == (5, 19, 20)
    assert t.held_rate("4wk") == 0.95
    assert t.kept_on_time_rate == 0.5  # 4 of 8, not the mean of 75% and 25%
    assert t.hours_per_rep("last") == 1.9  # 9.5 hours over 5 reps
    assert t.hours_target is None and t.cadence == "weekly"  # targets differ; the cadence is one
    assert t.newest_note == dt.date(2026, 11, 20)
    assert t.kpis["revenue"] == {"kind": "output", "label": "Revenue", "on_goal": 2, "with_figure": 4}


def test_only_kpis_of_the_same_kind_in_every_notebook_are_shared():
    a = team()
    b = team(kpis={"revenue": {"kind": "output", "label": "Sales", "on_goal": 0, "with_figure": 1},
                   "calls": {"kind": "output", "label": "Calls", "on_goal": 0, "with_figure": 1},
                   "demos": {"kind": "input", "label": "Demos", "on_goal": 0, "with_figure": 1}})
    assert shared_kpis([a, b]) == ["revenue"]
    assert kpis_not_shared([("A", a), ("B", b)]) == {"calls": {"input": ["A"], "output": ["B"]},
                                                      "demos": {"input": ["B"]}}
    assert list(total([a, b]).kpis) == ["revenue"]
    assert shared_kpis([]) == []


def test_the_settings_that_change_a_figures_meaning_are_named_where_they_differ():
    a, b, c = team(), team(hours_target=2.0), team(cadence="biweekly", period_days=14)
    assert settings_that_differ([("A", a), ("B", b), ("C", c)]) == {
        "cadence": {"weekly": ["A", "B"], "biweekly": ["C"]}, "hours_target": {3.0: ["A", "C"], 2.0: ["B"]}}
    assert settings_that_differ([("A", a), ("A2", team())]) == {}


def test_rates_without_anything_to_rate_are_none_never_zero():
    empty = team(reps=0, expected_4wk=0, held_4wk=0, kept_on_time=0, kept_late=0)
    assert empty.held_rate("4wk") is None and empty.kept_on_time_rate is None
    assert empty.hours_per_rep("this") is None


def test_a_notebook_is_stale_after_two_cadence_periods_without_a_note():
    assert not team(newest_note=TODAY - dt.timedelta(days=14)).stale(TODAY)
    assert team(newest_note=TODAY - dt.timedelta(days=15)).stale(TODAY)
    assert not team(period_days=14, newest_note=TODAY - dt.timedelta(days=28)).stale(TODAY)
    assert team(newest_note=None).stale(TODAY)


def test_the_example_notebook_in_figures():
    f = team_figures(load_notebook(EXAMPLE), TODAY)
    assert (f.reps, f.held_4wk, f.expected_4wk, f.held_13wk, f.expected_13wk) == (3, 11, 12, 23, 24)
    assert (f.kept_on_time, f.kept_late, f.done_date_unknown) == (18, 1, 7)
    assert (f.reps_on_track, f.reps_behaviour, f.reps_skill) == (1, 1, 1)
    assert f.newest_note == dt.date(2026, 11, 16) and f.hours_last_month == 10.5
    # The completed weeks since the first one-on-ones, oldest first: reps seen of reps due; Bob missed Oct 26.
    assert [(p[0], p[2], p[3]) for p in f.periods] == [
        (dt.date(2026, 9, 25) + dt.timedelta(days=7 * i), 2 if i == 4 else 3, 3) for i in range(8)]


def test_the_memo_gives_back_exactly_the_facts_it_kept():
    import json

    facts = team_facts(load_notebook(EXAMPLE), TODAY)
    assert _facts_from(json.loads(json.dumps(_facts_to(facts)))) == facts


def test_the_facts_of_a_notebook_make_its_figures_on_any_later_day():
    book = load_notebook(EXAMPLE)
    facts = team_facts(book, TODAY)  # no note after November 23
    for day in (TODAY, dt.date(2026, 11, 30), dt.date(2026, 12, 15)):
        assert figures_on(facts, book.config, day) == team_figures(book, day)
    assert figures_on(facts, book.config, dt.date(2026, 12, 15)).hours_last_month == 7.75  # November's


@pytest.mark.parametrize("damage", [
    lambda d: d.pop("kept_late"), lambda d: d.update(meetings=[[["x", 60]]]), lambda d: d.update(extra=1),
    lambda d: d.update(kpis=[1]), lambda d: d["kpis"]["revenue"].pop("label"),
    lambda d: d["verdicts"].update(skill="2"), lambda d: d.update(verdicts=None),
    lambda d: d.update(meetings=[[["2026-11-02", "sixty"]]]), lambda d: d.update(kept_on_time=1.5),
    lambda d: d.update(meetings={"ann": []}),
])
def test_damaged_facts_in_the_memo_raise_what_the_memo_catches(damage):
    data = _facts_to(team_facts(load_notebook(EXAMPLE), TODAY))
    damage(data)
    with pytest.raises((KeyError, TypeError, ValueError, AttributeError)):
        _facts_from(data)


def test_folders_given_on_the_command_line_are_named_by_their_folders(tmp_path):
    config = from_paths(["a/north", "b/north", "south"], str(tmp_path))
    assert [e.name for e in config.notebooks] == ["a/north", "b/north", "south"]
    with pytest.raises(BadInputError):
        from_paths(["north", "./north"], str(tmp_path))


def test_rollup_yaml_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "rollup.yaml").write_text("title: East\nnotebooks:\n  - name: A\n    path: teams/a\n"
                                          "    remote: ../remotes/a.git\n  - teams/b\n", encoding="utf-8")
    config = read_rollup_config(str(tmp_path / "rollup.yaml"))
    assert config.title == "East"
    assert [(e.name, e.path, e.remote, e.line) for e in config.notebooks] == [
        ("A", str(tmp_path / "teams" / "a"), "../remotes/a.git", 3), ("b", str(tmp_path / "teams" / "b"), None, 6)]


@settings(max_examples=examples(200))
@given(st.text(alphabet=st.sampled_from(list("notebooks:-namepath \n\t\"'[]{}&*!#|>%@`~x0.,/\\\x00\u00e9\u202e")),
               max_size=120))
def test_any_rollup_yaml_is_read_or_refused_with_a_line_never_a_crash(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("y") / "rollup.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        config = read_rollup_config(str(path))
    except ConfigError as exc:
        assert exc.problem is not None and str(path) in exc.message
    else:
        assert config.notebooks and all(e.path and e.name for e in config.notebooks)
