"""Every figure from one source (issue 16): a figure, its goal and its attainment come
from one note in every view, an agenda describes the figures it carries, and a figure
older than the last meeting is never shown as current."""

from __future__ import annotations

import datetime as dt
import json

from conftest import write
from onenotes.rules.config import Config, KpiDef, RepDef
from onenotes.reading.note import Metric, Note


def _note(metrics=(), rep="ann", date=dt.date(2026, 11, 16)) -> Note:
    return Note(f"{rep}/{date}.md", rep, date, 1, {}, list(metrics), [], 1)


def test_the_goal_of_a_figure_is_its_notes_else_the_reps_else_the_configs():
    from onenotes.rules.kpis import goal_for_figure, reading

    cfg = Config(kpis={"revenue": KpiDef("revenue", "output", 25000), "calls": KpiDef("calls", "input", 40)},
                 reps={"ann": RepDef("ann", "Ann", {"calls": 35})})
    own = _note([Metric("revenue", 18000, 20000, 1), Metric("calls", 28, 30, 2)])
    bare = _note([Metric("revenue", 18000, None, 1), Metric("calls", 28, None, 2)])
    assert goal_for_figure(cfg, "ann", "revenue", own) == 20000  # the note's own
    assert goal_for_figure(cfg, "ann", "calls", own) == 30
    assert goal_for_figure(cfg, "ann", "calls", bare) == 35  # the rep's override
    assert goal_for_figure(cfg, "ann", "revenue", bare) == 25000  # the config's
    assert goal_for_figure(cfg, "ann", "calls") == 35  # a meeting without a figure yet
    assert goal_for_figure(cfg, "bo", "calls") == 40
    assert reading(cfg, own, "revenue").attainment == 0.9


# A notebook where the goals changed: the config's revenue goal went from 20,000 (what
# Ann's notes wrote) to 25,000, Ann has her own sales-calls goal, and her last meeting
# has no sales-calls figure.
CONFIG = """manager: Sam Rivera
cadence: weekly
meeting_day: monday
kpis:
  revenue: {kind: output, goal: 25000, unit: USD}
  sales_calls: {kind: input, goal: 40}
reps:
  ann:
    name: Ann Lee
    goals:
      sales_calls: 35
"""


def _changed_goals(root):
    write(root / "onenotes.yaml", CONFIG)
    write(root / "ann" / "2026-11-09.md",
          "---\nrep: ann\ndate: 2026-11-09\nmetrics:\n  revenue: {goal: 20000, actual: 17000}\n"
          "  sales_calls: 28\nconfidence:\n  sales_calls: 4\n---\n# Ann\n")
    write(root / "ann" / "2026-11-16.md",
          "---\nrep: ann\ndate: 2026-11-16\nmetrics:\n  revenue: {goal: 20000, actual: 18000}\n"
          "confidence:\n  revenue: 3\n---\n# Ann\n")


def _ok(result):
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_agenda_kpis_brief_report_and_share_show_the_same_goal_figure_and_attainment(cli, notebook):
    _changed_goals(notebook)
    nb = ("--notebook", notebook)
    # kpis: revenue against its note's 20,000; sales calls against Ann's own 35, from the 9th.
    rows = {r["kpi"]: r for r in json.loads(_ok(cli(*nb, "kpis", "ann", "--format", "json")))}
    assert (rows["revenue"]["latest"], rows["revenue"]["goal"], rows["revenue"]["attainment"]) == (18000, 20000, 0.9)
    calls = rows["sales_calls"]
    assert (calls["latest"], calls["latest_date"], calls["goal"], calls["attainment"]) == \
        (28, "2026-11-09", 35, 0.8)
    table = _ok(cli(*nb, "kpis", "ann"))
    assert "18,000 USD" in table and "20,000 USD" in table and "90%" in table
    assert "28 (2026-11-09)" in next(line for line in table.splitlines() if "sales_calls" in line or "Sales" in line)

    brief = _ok(cli(*nb, "brief", "ann", "--today", "2026-11-23"))
    assert "| Revenue | 20,000 USD | 18,000 USD | +1,000 USD | 90% |" in brief
    assert "| Sales calls | 35 | 28 (2026-11-09) |  | 80% |" in brief

    report = _ok(cli(*nb, "report", "--today", "2026-11-23", "--format", "markdown"))
    assert "| 18,000 USD | 20,000 USD | ▼ 90% |" in report
    assert "| 28 (2026-11-09) | 35 | ▼ 80% |" in report
    assert "▼ 90% |" in next(line for line in report.splitlines() if line.startswith("| [Ann Lee]"))

    shared = _ok(cli(*nb, "share", "ann", "--today", "2026-11-23"))
    assert "| Revenue | 18,000 USD | 20,000 USD | 90% |" in shared
    shared = _ok(cli(*nb, "share", "ann", "--date", "2026-11-09"))
    assert "| Sales calls | 28 | 35 | 80% |" in shared

    # The agenda: the same figures, goals and attainments; this meeting's new revenue
    # goal in a column of its own, and in the frontmatter.
    path = _ok(cli(*nb, "new", "ann", "--today", "2026-11-23")).strip()
    agenda = open(path, encoding="utf-8").read()
    assert "  revenue: {goal: 25000, actual: null}\n  sales_calls: {goal: 35, actual: null}\n" in agenda
    assert "| KPI | Kind | Last figure | Its goal | Attainment | New goal |\n" in agenda
    assert "| Revenue | output | 18,000 USD | 20,000 USD | 90% | 25,000 USD |\n" in agenda
    assert "| Sales calls | input | 28 (2026-11-09) | 35 | 80% |  |\n" in agenda
    assert "- Sales calls: goal 35, last 28 (2026-11-09)\n" in agenda  # the behaviour plan's line


def test_an_agenda_without_goal_changes_has_no_new_goal_column(cli, acme):
    text = _ok(cli("--notebook", acme, "new", "bob", "--today", "2026-11-23"))
    agenda = open(text.strip(), encoding="utf-8").read()
    assert "| KPI | Kind | Last figure | Its goal | Attainment |\n" in agenda
    assert "New goal" not in agenda


def test_a_confidence_from_before_the_last_meeting_shows_its_date(cli, notebook):
    _changed_goals(notebook)
    rows = {r["kpi"]: r for r in json.loads(_ok(cli("--notebook", notebook, "kpis", "ann", "--format", "json")))}
    assert (rows["revenue"]["confidence"], rows["revenue"]["confidence_date"]) == (3, "2026-11-16")
    assert (rows["sales_calls"]["confidence"], rows["sales_calls"]["confidence_date"]) == (4, "2026-11-09")
    lines = _ok(cli("--notebook", notebook, "kpis", "ann")).splitlines()
    revenue = next(line for line in lines if "revenue" in line.lower())
    calls = next(line for line in lines if "calls" in line.lower())
    assert " 3/5 " in revenue and "3/5 (" not in revenue  # from the last meeting: current
    assert "4/5 (2026-11-09)" in calls


def test_an_agenda_already_written_makes_the_last_figures_dated(cli, acme):
    # bob's agenda of the 23rd has no figures yet: the figures of the 16th are not current.
    _ok(cli("--notebook", acme, "new", "bob", "--today", "2026-11-23"))
    table = _ok(cli("--notebook", acme, "kpis", "bob"))
    revenue = next(line for line in table.splitlines() if "Revenue" in line)
    assert "18,900 USD (2026-11-16)" in revenue and "2/5 (2026-11-16)" in revenue


def test_import_metrics_agenda_describes_the_figures_it_carries(cli, notebook, tmp_path):
    write(notebook / "ann" / "2026-11-16.md",
          "---\nrep: ann\ndate: 2026-11-16\nmetrics:\n  revenue: 10000\n  sales_calls: 20\n---\n# Ann\n")
    export = write(tmp_path / "week.csv", "Rep,Revenue\nAnn Lee,30000\n")
    result = cli("--notebook", notebook, "import-metrics", export, "--date", "2026-11-23", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    agenda = (notebook / "ann" / "2026-11-23.md").read_text(encoding="utf-8")
    assert "  revenue: {goal: 25000, actual: 30000}\n" in agenda
    # This week's imported revenue, not last week's 10,000; sales calls, not imported, with its date.
    assert "| Revenue | output | 30,000 USD | 25,000 USD | 120% |\n" in agenda
    assert "| Sales calls | input | 20 (2026-11-16) | 40 | 50% |\n" in agenda
    # The diagnosis reads them too: outputs on goal now (last week's revenue missed).
    assert "What the numbers say: Outputs are on goal" in agenda
    # And the agenda says what `kpis` says of the note it carries.
    rows = {r["kpi"]: r for r in json.loads(_ok(cli("--notebook", notebook, "kpis", "ann", "--format", "json")))}
    assert (rows["revenue"]["latest"], rows["revenue"]["latest_date"], rows["revenue"]["attainment"]) == \
        (30000, "2026-11-23", 1.2)


def test_a_plain_agenda_describes_the_previous_meetings_figures(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md",
          "---\nrep: ann\ndate: 2026-11-16\nmetrics:\n  revenue: 10000\n  sales_calls: 20\n---\n# Ann\n")
    path = _ok(cli("--notebook", notebook, "new", "ann", "--today", "2026-11-23")).strip()
    agenda = open(path, encoding="utf-8").read()
    assert "| Revenue | output | 10,000 USD | 25,000 USD | 40% |\n" in agenda
    assert "What the numbers say: Outputs short (Revenue)" in agenda


def test_an_agenda_for_an_earlier_date_reads_no_later_figures(cli, acme):
    # Bob had no one-on-one on 2026-10-26: an agenda for it describes the 19th, not November.
    path = _ok(cli("--notebook", acme, "new", "bob", "--date", "2026-10-26", "--today", "2026-11-23")).strip()
    agenda = open(path, encoding="utf-8").read()
    assert "| Revenue | output | 12,900 USD | 25,000 USD | 52% |\n" in agenda
    assert "| Close rate | output | 24% | 25% | 96% |\n" in agenda
    # Its diagnosis too (in November close rate and gross profit were on goal again).
    assert "Outputs short (Revenue, New accounts, Gross profit %, Close rate)" in agenda


def test_the_brief_reads_no_figure_after_its_day(cli, notebook):
    _changed_goals(notebook)
    write(notebook / "ann" / "2026-11-30.md",
          "---\nrep: ann\ndate: 2026-11-30\nmetrics:\n  revenue: {goal: 25000, actual: 30000}\n---\n")
    brief = _ok(cli("--notebook", notebook, "brief", "ann", "--today", "2026-11-23"))
    assert "| Revenue | 20,000 USD | 18,000 USD | +1,000 USD | 90% |" in brief
    assert "30,000" not in brief


def test_a_pattern_of_misses_judges_each_meeting_against_its_own_goal(notebook):
    from onenotes.rules.diagnosis import diagnose
    from onenotes.reading.notebook import load_notebook

    # Revenue met the 20,000 goal of each earlier meeting; only the last one, with a
    # 30,000 goal, missed: one miss, not a pattern.
    for day, actual in (("2026-10-26", 21000), ("2026-11-02", 22000), ("2026-11-09", 23000)):
        write(notebook / "ann" / f"{day}.md",
              f"---\nrep: ann\ndate: {day}\nmetrics:\n  revenue: {{goal: 20000, actual: {actual}}}\n---\n")
    write(notebook / "ann" / "2026-11-16.md",
          "---\nrep: ann\ndate: 2026-11-16\nmetrics:\n  revenue: {goal: 30000, actual: 24000}\n---\n")
    found = diagnose(load_notebook(notebook), "ann")
    assert found.outputs_short == ["revenue"] and not found.consistent
