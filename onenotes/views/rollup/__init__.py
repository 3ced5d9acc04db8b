"""The director's roll-up: one row per manager's notebook and a total, in every format.

:func:`build_rollup` puts the notebooks read by :mod:`onenotes.reading.rollup`
together: which count in the total (those read whole: a notebook that could
not be read, or with a note that could not be read, is shown but left out, so
a total is never short of what it says), which output KPIs they all track,
and what differs between them.  :func:`records` gives the rows as flat
records: JSON, CSV, the table and Markdown all show these
(:mod:`onenotes.views.formats`); :mod:`onenotes.views.rollup.page` draws the
HTML page.

Nothing here can show a note's text: the figures hold none
(:class:`onenotes.rules.rollup.TeamFigures`).  What is shown besides numbers
and dates: the notebooks' names (rollup.yaml, or their folders), the managers'
names and the KPIs' labels (their onenotes.yaml), and, on stderr, the paths of
notes that could not be read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from onenotes.reading.rollup import Team
from onenotes.rules.rollup import TeamFigures, kpis_not_shared, settings_that_differ, shared_kpis, total
from onenotes.text import plural
from onenotes.views.formats import Column, format_percent

SETTING_WORDS = {"cadence": "cadence", "hours_target": "coaching hours target",
                 "on_target": "attainment that counts as on goal"}


@dataclass
class Rollup:
    title: str
    today: dt.date
    teams: list[Team]
    total: TeamFigures | None  # of the teams read whole; None when there is none
    kpis: list[tuple[str, str]]  # (name, label) of the output KPIs every notebook read tracks
    not_shared: dict  # KPI -> {kind: [notebook names]} (rules.rollup.kpis_not_shared)
    differ: dict  # setting -> {value: [notebook names]} (rules.rollup.settings_that_differ)

    @property
    def counted(self) -> list[Team]:
        return [t for t in self.teams if t.whole]


def build_rollup(title: str, teams: list[Team], today: dt.date) -> Rollup:
    read = [t for t in teams if t.figures is not None]
    counted = [t for t in read if t.whole]
    shared = shared_kpis([t.figures for t in read])
    first = read[0].figures.kpis if read else {}
    kpis = [(name, first[name]["label"]) for name in shared if first[name]["kind"] == "output"]
    named = [(t.entry.name, t.figures) for t in read]
    return Rollup(title, today, teams, total([t.figures for t in counted]) if counted else None, kpis,
                  kpis_not_shared(named), settings_that_differ(named))


# ---------------------------------------------------------------- records ---

def _figures(f: TeamFigures, kpis, today: dt.date) -> dict:
    """One notebook's (or the total's) figures under their JSON keys."""
    row = {
        "reps": f.reps,
        "held_4wk": f.held_4wk, "expected_4wk": f.expected_4wk, "held_4wk_rate": f.held_rate("4wk"),
        "held_13wk": f.held_13wk, "expected_13wk": f.expected_13wk, "held_13wk_rate": f.held_rate("13wk"),
        "hours_per_rep_this_month": f.hours_per_rep("this"), "hours_per_rep_last_month": f.hours_per_rep("last"),
        "hours_target": f.hours_target, "reps_under_hours_target_last_month": f.reps_under_target_last_month,
        "reps_overdue_meeting": f.reps_overdue,
        "kept_on_time": f.kept_on_time, "kept_late": f.kept_late, "done_date_unknown": f.done_date_unknown,
        "kept_on_time_rate": f.kept_on_time_rate,
        "reps_below_goal": f.reps_below_goal, "reps_behaviour": f.reps_behaviour, "reps_skill": f.reps_skill,
        "reps_on_track": f.reps_on_track, "reps_no_figures": f.reps_no_figures,
    }
    for kpi, _ in kpis:
        spec = f.kpis[kpi]
        row[f"{kpi}_on_goal"], row[f"{kpi}_reps"] = spec["on_goal"], spec["with_figure"]
    row["newest_note"] = f.newest_note
    row["days_since_newest_note"] = (today - f.newest_note).days if f.newest_note else None
    return row


def records(r: Rollup) -> list[dict]:
    """One flat record per notebook, then the total (``"total": true``): what JSON and CSV print.
    Every record has every key; a figure that is not there (a notebook not read) is None."""
    out = []
    for team in r.teams:
        f = team.figures
        out.append({"total": False, "notebook": team.entry.name, "manager": f.manager if f else None,
                    **(_figures(f, r.kpis, r.today) if f else {}),
                    "in_total": team.whole, "notes_not_read": len(team.unread), "note_warnings": team.warnings,
                    "stale": f.stale(r.today) if f else None, "problem": team.error, "pulled": team.pulled})
    out.append({"total": True, "notebook": None, "manager": None,
                **(_figures(r.total, r.kpis, r.today) if r.total else {}),
                "notebooks_in_total": len(r.counted), "notebooks": len(r.teams)})
    order = dict.fromkeys(k for row in sorted(out, key=lambda row: "reps" not in row) for k in row)
    return [{k: row.get(k) for k in order} for row in out]


# ----------------------------------------------------------------- texts ---

def of(part, whole) -> str:
    """'11/12 92%'; '–' when nothing was expected."""
    if part is None or not whole:
        return "\u2013"
    return f"{part}/{whole} {format_percent(part / whole)}"


def kept_text(row: dict) -> str:
    """'95% 18/19': the on-time rate and what it is made of; '–' when none was done on time or late."""
    if row["kept_on_time"] is None:
        return "\u2013"
    judged = row["kept_on_time"] + row["kept_late"]
    return f"{format_percent(row['kept_on_time_rate'])} {row['kept_on_time']}/{judged}" if judged else "\u2013"


def hours_text(value) -> str:
    return "\u2013" if value is None else f"{value:g}h"


def status_text(row: dict, r: Rollup) -> str:
    """What a reader must know about a row before quoting it."""
    if row["total"]:
        left = len(r.teams) - row["notebooks_in_total"]
        return f"{row['notebooks_in_total']} of {plural(row['notebooks'], 'notebook')}" + \
            (f" ({left} left out)" if left else "")
    parts = []
    if row["problem"]:
        parts.append(f"not read: {row['problem']}")
    elif row["notes_not_read"]:
        parts.append(f"{plural(row['notes_not_read'], 'note')} not read: left out of the total")
    if row["stale"]:
        parts.append("stale")
    if row["pulled"] and row["pulled"].startswith("not "):
        parts.append(row["pulled"].split(":")[0])  # "not pulled", "not cloned"
    return "; ".join(parts)


def columns(r: Rollup) -> list[Column]:
    """The table's and Markdown's columns (JSON and CSV print :func:`records`)."""
    cols = [
        Column("notebook", "NOTEBOOK", show=lambda row: "Total" if row["total"] else row["notebook"]),
        Column("manager", "MANAGER"),
        Column("reps", "REPS", ">"),
        Column("held_4wk", "HELD 4 WK", ">", show=lambda row: of(row["held_4wk"], row["expected_4wk"])),
        Column("held_13wk", "HELD 13 WK", ">", show=lambda row: of(row["held_13wk"], row["expected_13wk"])),
        Column("hours_per_rep_this_month", "HOURS/REP THIS MONTH", ">",
               show=lambda row: hours_text(row["hours_per_rep_this_month"])),
        Column("hours_per_rep_last_month", "LAST MONTH", ">",
               show=lambda row: hours_text(row["hours_per_rep_last_month"])),
        Column("hours_target", "TARGET", ">", show=lambda row: hours_text(row["hours_target"])),
        Column("reps_overdue_meeting", "OVERDUE", ">"),
        Column("kept_on_time_rate", "KEPT ON TIME", ">", show=kept_text),
        Column("reps_behaviour", "BELOW: BEHAVIOUR", ">"),
        Column("reps_skill", "SKILL", ">"),
    ]
    for kpi, label in r.kpis:
        cols.append(Column(f"{kpi}_on_goal", f"{label.upper()} ON GOAL", ">",
                           show=lambda row, k=kpi: of(row[f"{k}_on_goal"], row[f"{k}_reps"]).split(" ")[0]))
    cols += [
        Column("newest_note", "NEWEST NOTE"),
        Column("status", "NOTE", show=lambda row: status_text(row, r)),
    ]
    return cols


def _names(names: list[str]) -> str:
    return ", ".join(names)


def differences(r: Rollup) -> list[str]:
    """What differs between the notebooks, in sentences (stderr and the page)."""
    out = []
    if r.not_shared:
        parts = []
        for kpi, kinds in r.not_shared.items():
            where = "; ".join(f"{kind} in {_names(names)}" for kind, names in kinds.items())
            label = next((t.figures.kpis[kpi]["label"] for t in r.teams
                          if t.figures is not None and kpi in t.figures.kpis), kpi)
            parts.append(f"{label} ({where})")
        out.append("KPIs not tracked alike in every notebook, left out of the roll-up: " + ", ".join(parts))
    for setting, values in r.differ.items():
        shown = "; ".join(f"{_setting_value(setting, v)} in {_names(names)}" for v, names in values.items())
        out.append(f"the {SETTING_WORDS[setting]} differs: {shown}")
    return out


def _setting_value(setting: str, value) -> str:
    if setting == "hours_target":
        return f"{value:g} h a month"
    if setting == "on_target":
        return format_percent(value) + " of goal"
    return str(value)


def legend(r: Rollup) -> list[str]:
    """What each figure is, in the words a director quotes."""
    return [
        "Held: one-on-ones held of those expected over the last 4 and 13 weeks: one per rep each cadence "
        "period, from the rep's first one-on-one (the current period counts once held), as onenotes cadence "
        "counts them.",
        "Hours/rep: one-on-one hours this calendar month so far and last month, divided by the reps; "
        "target: the notebook's coaching hours per rep a month.",
        "Overdue: reps late for their one-on-one by the cadence, or who never had one.",
        "Kept on time: of the reps' own commitments done on time or late, those done on time (private ones "
        "counted, never named); one done on a date unknown is in neither.",
        "Below goal: reps short of goal on an output, by diagnosis: behaviour (activity short too) or skill "
        "(activity on goal).",
        "On goal: reps at or above goal on that output KPI at their latest figure, of the reps with a figure.",
        "Newest note: the latest one-on-one in the notebook; stale when older than two cadence periods.",
        "Total: the notebooks read whole, added up; its rates are those of the sums. A notebook that could "
        "not be read, or with a note that could not be read, is shown but left out.",
    ]
