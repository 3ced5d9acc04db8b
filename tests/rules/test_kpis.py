"""`onenotes kpis` and the scorecard core (issue 3, first part)."""

from __future__ import annotations

import json

from conftest import note_text, write
from onenotes.rules.kpis import attainment, scorecard, sparkline
from onenotes.reading.notebook import load_notebook


def rows_json(cli, root, *args):
    result = cli("--notebook", root, "kpis", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_scorecard_of_a_rep_on_the_example(cli, example_notebook):
    rows = {r["kpi"]: r for r in rows_json(cli, example_notebook, "carla")}
    assert [r["kind"] for r in rows.values()] == ["output"] * 5 + ["input"] * 4  # outputs first
    close = rows["close_rate"]
    assert (close["goal"], close["latest"], close["latest_date"]) == (25, 16.5, "2026-11-16")
    assert close["attainment"] == 16.5 / 25 and close["change"] == -0.5
    assert rows["sales_calls"]["goal"] == 35  # Carla's own goal from the config
    assert len(close["trend"]) == 8


def test_lower_is_better_kpis_are_inverted(cli, example_notebook):
    rows = {r["kpi"]: r for r in rows_json(cli, example_notebook, "carla")}
    discount = rows["discount_pct"]
    assert discount["better"] == "lower"
    assert discount["attainment"] == 8 / discount["latest"] < 1


def test_a_missing_figure_is_a_gap_not_a_zero(cli, example_notebook):
    rows = {r["kpi"]: r for r in rows_json(cli, example_notebook, "alice")}
    trend = rows["gross_profit_pct"]["trend"]
    assert trend[0] is None and all(v is not None for v in trend[1:])
    assert sparkline([1, None, 3])[1] == " "


def test_a_rep_with_one_meeting_and_a_kpi_never_recorded(notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text(metrics="  revenue: {goal: 20000, actual: 10000}\n"))
    book = load_notebook(notebook)
    rows = {r.kpi: r for r in scorecard(book, "ann")}
    assert (rows["revenue"].goal, rows["revenue"].attainment, rows["revenue"].change) == (20000, 0.5, None)
    calls = rows["sales_calls"]
    assert (calls.latest, calls.attainment, calls.trend) == (None, None, [None])


def test_attainment_edge_cases():
    assert attainment(None, 10) is None and attainment(5, 0) is None and attainment(5, None) is None
    assert attainment(0, 8, "lower") is None and attainment(4, 8, "lower") == 2.0


def test_table_shows_percent_change_and_a_sparkline(cli, example_notebook):
    result = cli("--notebook", example_notebook, "kpis", "bob", "--last", "4")
    assert result.exit_code == 0
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["REP", "KPI", "KIND", "GOAL", "LATEST", "ATTAIN", "SURE", "CHANGE", "TREND"]
    revenue = next(l for l in lines if "Revenue" in l)
    assert "25,000 USD" in revenue and "76%" in revenue and "+3,800 USD" in revenue
    assert any(ch in revenue for ch in "▁▂▃▄▅▆▇█")


def test_unknown_rep_is_an_error(cli, example_notebook):
    result = cli("--notebook", example_notebook, "kpis", "zed")
    assert result.exit_code == 1 and "unknown rep 'zed'" in result.stderr


def test_the_reps_confidence_is_shown_next_to_attainment(cli, example_notebook):
    rows = {r["kpi"]: r for r in rows_json(cli, example_notebook, "carla")}
    assert (rows["close_rate"]["confidence"], rows["revenue"]["confidence"]) == (2, 3)
    assert rows["sales_calls"]["confidence"] is None
    table = cli("--notebook", example_notebook, "kpis", "carla").stdout
    assert "2/5" in next(l for l in table.splitlines() if "Close rate" in l)


def test_new_carries_the_coaching_and_behaviour_plans_forward(cli, acme):
    from onenotes.reading.notebook import load_notebook as load

    assert cli("--notebook", acme, "new", "bob", "--today", "2026-11-23").exit_code == 0
    note = next(n for n in load(acme).notes if n.path == "bob-okafor/2026-11-23.md")
    assert note.coaching_plan["skill"] == "Opening cold calls to freight companies"
    assert note.behaviour_plan == {"sales_calls": 40, "new_opportunities": 6, "opportunities_advanced": 8}
    assert note.confidence == {}  # asked afresh every week
    text = (acme / "bob-okafor" / "2026-11-23.md").read_text()
    assert "- Skill we are working on: Opening cold calls to freight companies" in text


def test_bad_plans_and_confidence_are_reported_by_check(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md",
          "---\ncoaching_plan: [x]\nbehaviour_plan: {sales_calls: lots}\nconfidence: {revenue: 9}\n---\n")
    out = cli("--notebook", notebook, "check").stdout
    assert "ann/2026-11-16.md:2: error: coaching_plan must be 'topic: text' lines [plan-invalid]" in out
    assert "behaviour_plan target for 'sales_calls' is not a number" in out
    assert "ann/2026-11-16.md:4: error: confidence for 'revenue' must be 1 to 5, not 9" in out


def test_derived_kpis_are_computed_per_meeting_and_zero_division_is_a_gap(cli, example_notebook):
    rows = {r["kpi"]: r for r in rows_json(cli, example_notebook, "bob")}
    ratio = rows["calls_per_new_account"]
    assert ratio["latest"] == 26.0 and ratio["attainment"] == 20 / 26  # lower is better
    weeks_without_accounts = [i for i, v in enumerate(rows["new_accounts"]["trend"]) if v == 0]
    assert weeks_without_accounts and all(ratio["trend"][i] is None for i in weeks_without_accounts)


def test_a_ratio_of_unknown_kpis_is_a_config_error(notebook):
    import pytest

    from onenotes.errors import ConfigError

    cfg = notebook / "onenotes.yaml"
    cfg.write_text(cfg.read_text().replace(
        "  sales_calls: {kind: input, goal: 40}\n",
        "  sales_calls: {kind: input, goal: 40}\n  per: {kind: input, ratio: [sales_calls, deals]}\n"))
    with pytest.raises(ConfigError, match="'deals' is not a recorded KPI"):
        load_notebook(notebook)


def test_a_monthly_goal_gives_the_pace_needed_for_the_rest_of_the_month(cli, notebook):
    cfg = notebook / "onenotes.yaml"
    cfg.write_text(cfg.read_text().replace("  sales_calls: {kind: input, goal: 40}\n",
                                           "  sales_calls: {kind: input, goal: 400, period: month}\n"))
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", metrics="  sales_calls: 60\n"))
    write(notebook / "ann" / "2026-11-16.md", note_text(date="2026-11-16", metrics="  sales_calls: 70\n"))
    rows = {r["kpi"]: r for r in rows_json(cli, notebook, "ann", "--today", "2026-11-16")}
    calls = rows["sales_calls"]
    # November 2026 has 21 working days; by Monday the 16th, 11 have started (the 16th included).
    assert (calls["period"], calls["period_total"]) == ("month", 130)
    assert calls["attainment"] == 130 / (400 * 11 / 21)
    assert calls["pace_per_day"] == round((400 - 130) / 11, 2)  # 11 working days left, today included
    table = cli("--notebook", notebook, "kpis", "ann", "--today", "2026-11-16").stdout
    assert "needs 24.6 a day for the rest of the month" in table


def test_period_bounds_and_working_days():
    import datetime as dt

    from onenotes.rules.kpis import period_bounds, working_days

    assert period_bounds(dt.date(2026, 2, 11), "month") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_bounds(dt.date(2028, 2, 11), "month")[1] == dt.date(2028, 2, 29)
    assert period_bounds(dt.date(2026, 11, 23), "quarter") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_bounds(dt.date(2026, 11, 25), "week") == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert working_days(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == 21


def test_goals_changing_over_time_use_the_latest_notes_goal(notebook):
    write(notebook / "ann" / "2026-11-02.md", note_text(date="2026-11-02",
          metrics="  revenue: {goal: 20000, actual: 18000}\n"))
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09",
          metrics="  revenue: {goal: 30000, actual: 24000}\n"))
    [revenue] = [r for r in scorecard(load_notebook(notebook), "ann") if r.kpi == "revenue"]
    assert (revenue.goal, revenue.attainment, revenue.change) == (30000, 0.8, 6000)
    write(notebook / "ann" / "2026-11-16.md", note_text(date="2026-11-16"))  # no figure this week
    [revenue] = [r for r in scorecard(load_notebook(notebook), "ann") if r.kpi == "revenue"]
    assert (revenue.latest, revenue.goal, revenue.trend) == (24000, 30000, [18000, 24000, None])
