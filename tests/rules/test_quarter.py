"""The review period's rules (issue 19): how each KPI adds up over a quarter, and the counts
a performance review quotes.  Each figure must mean exactly what its label says."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from conftest import examples
from hypothesis import settings
from onenotes.rules.commitments import Entry
from onenotes.rules.config import KpiDef
from onenotes.rules.kpis import working_days
from onenotes.rules.quarter import (AVERAGE, PERIOD, RATIO, SUM, Meeting, PlanWeek, carried_in, coaching_months,
                                    held_against_expected, how_it_adds_up, in_effect, made_in, most_slipped,
                                    parse_quarter, period_figure, plan_history, plan_record)

Q4 = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
MONDAYS = [dt.date(2026, 10, 5) + dt.timedelta(days=7 * i) for i in range(13)]


def kpi(name="revenue", **settings_) -> KpiDef:
    return KpiDef(name, settings_.pop("kind", "output"), settings_.pop("goal", 100), **settings_)


def weeks(values, goals=100, parts=None) -> list[Meeting]:
    goals = goals if isinstance(goals, list) else [goals] * len(values)
    return [Meeting(MONDAYS[i], f"ann/{MONDAYS[i]}.md", v, g, None if parts is None else parts[i])
            for i, (v, g) in enumerate(zip(values, goals))]


# ------------------------------------------------------------- the rule ---

@pytest.mark.parametrize("settings_, method", [
    ({}, SUM),  # a count or an amount per meeting: added up
    ({"unit": "USD"}, SUM),
    ({"unit": "%"}, AVERAGE),  # a rate or a share: averaged
    ({"unit": "%", "combine": "sum"}, SUM),  # the config says otherwise
    ({"unit": "USD", "combine": "average"}, AVERAGE),  # an average deal size
    ({"ratio": ("sales_calls", "new_accounts")}, RATIO),
    ({"period": "month"}, PERIOD),
])
def test_each_kind_of_kpi_adds_up_by_its_own_rule(settings_, method):
    assert how_it_adds_up(kpi(**settings_)) == method


def test_a_sum_is_the_weekly_figures_added_up_against_the_same_weeks_goals():
    fig = period_figure(kpi(unit="USD"), weeks([120, None, 80, 100], [100, 100, 100, 120]), *Q4)
    assert (fig.method, fig.actual, fig.goal) == (SUM, 300, 320)  # the week without a figure: not its goal either
    assert fig.attainment == pytest.approx(300 / 320)
    assert [m.date for m in fig.gaps] == [MONDAYS[1]] and len(fig.counted) == 3
    assert (fig.on_goal, fig.judged, fig.goals_differ) == (1, 3, True)


def test_an_average_is_the_mean_of_the_weeks_figures_and_of_their_goals():
    fig = period_figure(kpi(unit="%", goal=25), weeks([20, 30, None, 25], 25), *Q4)
    assert (fig.method, fig.actual, fig.goal, fig.attainment) == (AVERAGE, 25, 25, 1.0)
    assert fig.on_goal == 2  # 30 and 25 met the week's goal, 20 did not


def test_lower_is_better_judges_the_period_as_each_week():
    fig = period_figure(kpi(unit="%", goal=8, better="lower"), weeks([10, 6], 8), *Q4)
    assert fig.actual == 8 and fig.attainment == 1.0 and fig.on_goal == 1


def test_a_ratio_is_worked_out_again_from_its_parts_not_averaged():
    calls_per_account = kpi("cpa", kind="input", goal=20, better="lower", ratio=("sales_calls", "new_accounts"))
    fig = period_figure(calls_per_account, weeks([40, None, 10], 20, parts=[(40, 1), (30, 0), (20, 2)]), *Q4)
    # 90 calls for 3 accounts: 30 (the mean of the weekly 40 and 10 would say 25).
    assert fig.actual == 30 and fig.sum_of_parts == (90, 3)
    assert len(fig.counted) == 3  # the week with no account still counts its calls
    assert fig.attainment == pytest.approx(20 / 30)
    only_calls = period_figure(calls_per_account, weeks([None], 20, parts=[(40, None)]), *Q4)
    assert only_calls.actual is None and len(only_calls.gaps) == 1


def test_a_ratio_with_no_denominator_at_all_has_no_figure():
    fig = period_figure(kpi("cpa", ratio=("a", "b")), weeks([None, None], 20, parts=[(5, 0), (7, 0)]), *Q4)
    assert fig.actual is None and fig.attainment is None and fig.sum_of_parts == (12, 0)


def test_a_quarter_goal_is_taken_as_it_is_and_month_goals_add_up():
    quarter = period_figure(kpi(goal=30000, period="quarter"), weeks([10000, 12000], 30000), *Q4)
    assert (quarter.actual, quarter.goal, [p.share for p in quarter.goal_periods]) == (22000, 30000, [1.0])
    months = period_figure(kpi(goal=10000, period="month"), weeks([10000, 12000], 10000), *Q4,
                           fallback_goal=9000)
    # October's goal is stated by its meetings; November and December take the rep's goal.
    assert [p.goal for p in months.goal_periods] == [10000, 9000, 9000] and months.goal == 28000


def test_a_period_goal_covered_in_part_counts_pro_rata_by_working_days():
    fig = period_figure(kpi(goal=66, period="quarter"), weeks([30], 66), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    # October 2026 has 22 of the quarter's 66 working days (Monday to Friday).
    assert working_days(*Q4) == 66 and working_days(dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == 22
    assert fig.goal_periods[0].share == pytest.approx(1 / 3, abs=1e-6) and fig.goal == pytest.approx(22)


def test_without_a_goal_for_every_week_the_period_has_none():
    fig = period_figure(kpi(goal=None), weeks([5, 6], [None, 10]), *Q4)
    assert fig.actual == 11 and fig.goal is None and fig.attainment is None and fig.no_goal == 1


def test_meetings_outside_the_period_are_left_out():
    fig = period_figure(kpi(), weeks([1, 2, 3]), MONDAYS[1], MONDAYS[2])
    assert fig.actual == 5 and not fig.gaps


figures = st.lists(st.one_of(st.none(), st.integers(0, 10 ** 6), st.floats(0, 10 ** 5, allow_nan=False)),
                   max_size=13)


@settings(max_examples=examples(100))
@given(figures, st.integers(0, 13))
def test_the_periods_sum_is_the_sum_of_its_weekly_figures_and_splits_at_any_week(values, cut):
    meetings = weeks(values)
    whole = period_figure(kpi(), meetings, *Q4)
    assert whole.actual == (pytest.approx(sum(v for v in values if v is not None))
                            if any(v is not None for v in values) else None)
    assert len(whole.counted) + len(whole.gaps) == len(values)
    assert len(whole.gaps) == values.count(None)  # every week without a figure is shown, none is a zero
    if whole.counted:
        assert whole.goal == 100 * len(whole.counted)
    split = MONDAYS[cut] - dt.timedelta(days=1) if cut < len(MONDAYS) else Q4[1]
    first, second = (period_figure(kpi(), meetings, Q4[0], split),
                     period_figure(kpi(), meetings, split + dt.timedelta(days=1), Q4[1]))
    parts = [f.actual for f in (first, second) if f.actual is not None]
    if parts:
        assert whole.actual == pytest.approx(sum(parts))


@settings(max_examples=examples(100))
@given(figures, st.integers(0, 12))
def test_a_week_without_a_figure_changes_nothing_but_the_count_of_gaps(values, at):
    at = min(at, len(values))
    with_gap = values[:at] + [None] + values[at:]
    if len(with_gap) > 13:
        return
    for unit in ("USD", "%"):
        before = period_figure(kpi(unit=unit), weeks(values), *Q4)
        after = period_figure(kpi(unit=unit), weeks(with_gap), *Q4)
        assert (after.actual, after.goal, after.attainment) == (before.actual, before.goal, before.attainment)
        assert len(after.gaps) == len(before.gaps) + 1


@settings(max_examples=examples(100))
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=13))
def test_an_average_lies_between_the_lowest_and_highest_week(values):
    fig = period_figure(kpi(unit="%"), weeks(values), *Q4)
    assert min(values) - 1e-6 <= fig.actual <= max(values) + 1e-6


# --------------------------------------------------------------- quarters ---

@pytest.mark.parametrize("text, first", [
    ("2026Q4", "2026-10-01"), ("2026-q1", "2026-01-01"), ("Q2 2026", "2026-04-01"), (" 2026 q3 ", "2026-07-01"),
    ("q4", "2030-10-01"),  # the year of today
])
def test_a_quarter_is_read_as_people_write_it(text, first):
    start, end = parse_quarter(text, 2030)
    assert start.isoformat() == first and (end - start).days in (89, 90, 91)


@pytest.mark.parametrize("text, says", [
    ("2026Q5", "there is no quarter 5"), ("2026Q0", "there is no quarter 0"), ("2026-10", "is not a quarter"),
    ("Q4", "is not a quarter"), ("last quarter", "is not a quarter"), ("0000Q1", "out of range"),
])
def test_a_malformed_quarter_says_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says):
        parse_quarter(text)


# --------------------------------------------------------- the two plans ---

def test_the_plan_in_effect_is_the_latest_not_empty_one():
    dated = [(MONDAYS[0], "a", {"calls": 30}), (MONDAYS[1], "b", {}), (MONDAYS[2], "c", {"calls": 40})]
    assert in_effect(dated, MONDAYS[1])[1] == "a" and in_effect(dated, MONDAYS[3])[1] == "c"
    assert in_effect(dated, MONDAYS[0] - dt.timedelta(days=1)) is None


def test_a_leading_indicator_meets_its_target_or_misses_it_or_has_no_figure():
    plan = [PlanWeek(MONDAYS[0], "a", 40, 40, True), PlanWeek(MONDAYS[1], "b", 39, 40, True),
            PlanWeek(MONDAYS[2], "c", None, 40, True), PlanWeek(MONDAYS[3], "d", 50, 45, False),
            PlanWeek(MONDAYS[4], "e", 50, None, False)]
    record = plan_record("calls", plan)
    assert [len(x) for x in (record.met, record.missed, record.no_figure, record.no_target)] == [2, 1, 1, 1]
    assert record.targets() == [(40, True, MONDAYS[0]), (45, False, MONDAYS[3])]
    lower = plan_record("discount", [PlanWeek(MONDAYS[0], "a", 7, 8, True)], "lower")
    assert len(lower.met) == 1


def test_the_coaching_plan_history_keeps_the_plan_in_effect_and_each_change():
    dated = [(dt.date(2026, 9, 28), "n0", {"skill": "Openers", "long_term": "AE"}),
             (MONDAYS[0], "n1", {}),  # no plan written: the one before stands
             (MONDAYS[2], "n2", {"skill": "Openers", "long_term": "Senior   AE"}),
             (MONDAYS[4], "n3", {"skill": "Discovery", "long_term": "Senior AE"})]
    history = plan_history(dated, *Q4)
    assert [(s.text, s.since, s.until) for s in history["skill"]] == [
        ("Openers", dt.date(2026, 9, 28), MONDAYS[4]), ("Discovery", MONDAYS[4], None)]
    assert [(s.text, s.until) for s in history["long_term"]] == [("AE", MONDAYS[2]), ("Senior AE", None)]
    # A plan that ended before the period is not shown.
    assert plan_history([(dt.date(2026, 9, 1), "x", {"skill": "Old"}), (dt.date(2026, 9, 28), "y",
                                                                             {"skill": "New"})], *Q4) == {
        "skill": [plan_history([(dt.date(2026, 9, 28), "y", {"skill": "New"})], *Q4)["skill"][0]]}


# ----------------------------------------------------------- commitments ---

def entry(id, since, status="open", closed_on=None, slips=0, carried=0) -> Entry:
    e = Entry(id, "ann", id, "rep", status, None, None, since, "ann/x.md", 1, closed_on=closed_on)
    e.slips = [(since, None, None)] * slips
    e.mentions = [("ann/x.md", since + dt.timedelta(days=7 * i), 1) for i in range(carried + 1)]
    return e


def test_commitments_made_in_the_period_and_carried_into_it():
    entries = [entry("before-open", dt.date(2026, 9, 1)), entry("before-closed", dt.date(2026, 9, 1), "done",
                                                                  dt.date(2026, 9, 20)),
               entry("before-closed-in", dt.date(2026, 9, 1), "done", dt.date(2026, 10, 5)),
               entry("made", MONDAYS[0]), entry("after", dt.date(2027, 1, 4))]
    assert [e.id for e in made_in(entries, *Q4)] == ["made"]
    assert [e.id for e in carried_in(entries, Q4[0])] == ["before-open", "before-closed-in"]


def test_the_ones_that_slipped_most_come_first_and_steady_ones_not_at_all():
    entries = [entry("carried", MONDAYS[0], carried=4), entry("moved", MONDAYS[0], slips=2, carried=2),
               entry("steady", MONDAYS[0], carried=1), entry("moved-once", MONDAYS[1], slips=1)]
    assert [e.id for e in most_slipped(entries)] == ["moved", "moved-once", "carried"]


# ---------------------------------------------------------------- cadence ---

def test_each_cadence_period_is_held_missed_under_way_or_before_the_first_one_on_one():
    periods = [(MONDAYS[i] - dt.timedelta(days=3), MONDAYS[i] + dt.timedelta(days=3)) for i in range(5)]
    slots = held_against_expected(periods, [MONDAYS[1], MONDAYS[3]], MONDAYS[1], MONDAYS[4])
    assert [s.state for s in slots] == ["not_due", "met", "missed", "met", "due"]


def test_coaching_hours_by_month_with_the_target_pro_rata_for_a_month_in_part():
    months = coaching_months([(dt.date(2026, 10, 5), 60), (dt.date(2026, 10, 12), 45), (dt.date(2026, 11, 2), 90)],
                             dt.date(2026, 10, 1), dt.date(2026, 11, 15), 3.0)
    assert [(m.meetings, m.hours, m.target, m.whole) for m in months] == [(2, 1.75, 3.0, True),
                                                                          (1, 1.5, 1.5, False)]
    assert [m.met for m in months] == [False, True]
