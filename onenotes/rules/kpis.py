"""KPI scorecards: each rep's figures against goal, change and trend.

Missing figures are gaps (None), never zeros. Attainment is actual / goal, or
goal / actual for KPIs where lower is better (discounts, days to close).

A figure, the goal it is measured against and its attainment always come from
one note (:func:`reading`, with :func:`goal_for_figure`): every view (the
agenda, ``kpis``, ``brief``, ``report``, ``share``, the diagnosis) reads them
so, and none mixes a goal of today's config with a figure of an older note.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from onenotes.rules.config import Config

if TYPE_CHECKING:  # (types only: the rules read no files)
    from onenotes.reading.notebook import Notebook
    from onenotes.reading.note import Note

SPARK = "▁▂▃▄▅▆▇█"


@dataclass
class KpiRow:
    rep: str
    kpi: str
    label: str
    kind: str
    unit: str | None
    better: str
    goal: float | int | None  # the goal the latest figure is measured against (goal_for_figure)
    latest: float | int | None
    latest_date: dt.date | None
    attainment: float | None
    change: float | int | None  # latest minus the figure of the meeting before it
    trend: list = field(default_factory=list)  # the last N meetings, None for a gap
    confidence: int | None = None  # 1-5: how sure the rep was about this goal, lately
    confidence_date: dt.date | None = None  # the meeting that confidence was noted in
    last_meeting: dt.date | None = None  # the rep's last meeting: an older figure is not current
    period: str | None = None  # for a goal per week/month/quarter:
    period_total: float | int | None = None  # the figures of this period so far
    pace_per_day: float | None = None  # needed per working day left to make the goal


def period_bounds(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the week, month or quarter containing ``day``."""
    if period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    first_month = day.month if period == "month" else 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    months = 1 if period == "month" else 3
    month = first_month - 1 + months
    end = dt.date(day.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday to Friday from ``start`` to ``end``, both included."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full, extra = divmod(days, 7)
    count = full * 5
    for i in range(extra):
        if (start + dt.timedelta(days=full * 7 + i)).weekday() < 5:
            count += 1
    return count


def pace(total, goal, today: dt.date, period: str, better: str = "higher"):
    """(attainment on pace, needed per working day from today) for a period goal."""
    start, end = period_bounds(today, period)
    elapsed, length = working_days(start, today), working_days(start, end)
    expected = goal * elapsed / length if goal is not None and length else None
    on_pace = attainment(total, expected, better) if expected else None
    left = working_days(today, end)
    needed = None
    if goal is not None and better == "higher" and left:
        needed = max(0.0, (goal - (total or 0)) / left)
    return on_pace, needed


def attainment(actual, goal, better: str = "higher") -> float | None:
    """actual / goal (goal / actual when lower is better); None when it cannot be said."""
    if actual is None or goal in (None, 0):
        return None
    try:
        if better == "lower":
            return None if actual == 0 else goal / actual
        return actual / goal
    except (OverflowError, ZeroDivisionError):
        return None


def sparkline(values: list) -> str:
    """▁▂▃▄▅▆▇█ scaled to the figures shown; a gap is a space."""
    numbers = [v for v in values if v is not None]
    if not numbers:
        return " " * len(values)
    low, high = min(numbers), max(numbers)
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(SPARK[3])
        else:
            out.append(SPARK[min(len(SPARK) - 1, int((v - low) / span * (len(SPARK) - 1) + 0.5))])
    return "".join(out)


def figure(note, kdef):
    """The KPI's figure in one note: recorded, or derived from two recorded ones."""
    if kdef.ratio is None:
        metric = next((m for m in note.metrics if m.name == kdef.name), None)
        return None if metric is None else metric.actual
    values = {m.name: m.actual for m in note.metrics}
    top, bottom = values.get(kdef.ratio[0]), values.get(kdef.ratio[1])
    if top is None or bottom in (None, 0):
        return None  # division by zero is a gap
    try:
        value = top / bottom * kdef.scale
    except OverflowError:
        return None
    return round(value, 6) if math.isfinite(value) else None


def goal_for_figure(config: Config, rep: str, kpi: str, note: Note | None = None):
    """The goal that applies to a figure of ``note``: the note's own goal for the KPI,
    else the rep's own goal in onenotes.yaml, else the KPI's goal there.

    Without a note (a meeting that has no figure yet, such as the next one):
    the rep's own goal, else the KPI's.
    """
    if note is not None:
        metric = next((m for m in note.metrics if m.name == kpi), None)
        if metric is not None and metric.goal is not None:
            return metric.goal
    return config.goal_for(rep, kpi)


@dataclass(frozen=True)
class Reading:
    """One KPI in one note: the figure, the goal it is measured against, the attainment."""

    date: dt.date
    value: float | int | None  # None: no figure in that note (a gap, not a zero)
    goal: float | int | None
    attainment: float | None  # None for a goal per period: one meeting's figure is a part of it


def reading(config: Config, note: Note, kpi: str) -> Reading:
    """The KPI's figure in ``note`` with the goal of that same note (:func:`goal_for_figure`).

    A KPI not in the config reads the note's figure as written, higher being better.
    """
    kdef = config.kpis.get(kpi)
    if kdef is None:
        metric = next((m for m in note.metrics if m.name == kpi), None)
        value, better, period = (None if metric is None else metric.actual), "higher", None
    else:
        value, better, period = figure(note, kdef), kdef.better, kdef.period
    goal = goal_for_figure(config, note.rep, kpi, note)
    return Reading(note.date, value, goal, None if period else attainment(value, goal, better))


def scorecard(book: Notebook, rep: str | None = None, last: int = 8,
              today: dt.date | None = None) -> list[KpiRow]:
    """One row per rep and KPI in the config (outputs first), over the rep's last ``last`` meetings.

    A row's goal, latest figure and attainment are one :func:`reading`: of the
    latest note with a figure for the KPI (without one, the goal is the one for
    the next meeting).  For a KPI whose goal has a ``period``, attainment is
    against the share of the goal due by ``today`` (default: the rep's latest
    meeting), and the row says what is needed per working day to still make it.
    """
    rows: list[KpiRow] = []
    reps = [rep] if rep else book.reps()
    cfg = book.config
    for slug in reps:
        notes = book.notes_of(slug)
        recent = notes[-last:] if last > 0 else []
        last_meeting = notes[-1].date if notes else None
        for kind in ("output", "input"):
            for name, kdef in cfg.kpis.items():
                if kdef.kind != kind:
                    continue
                values = [figure(note, kdef) for note in notes]
                figures = [(note, v) for note, v in zip(notes, values) if v is not None]
                goal = goal_for_figure(cfg, slug, name)  # without a figure: the next meeting's
                latest = latest_date = got = change = None
                if figures:
                    note = figures[-1][0]
                    found = reading(cfg, note, name)
                    goal, latest, latest_date, got = found.goal, found.value, found.date, found.attainment
                    index = notes.index(note)
                    if index > 0 and values[index - 1] is not None:
                        change = round(latest - values[index - 1], 6)
                by_note = {id(n): v for n, v in figures}
                sure = next((n for n in reversed(notes) if name in n.confidence), None)
                row = KpiRow(
                    slug, name, kdef.title, kdef.kind, kdef.unit, kdef.better, goal, latest,
                    latest_date, got, change, [by_note.get(id(n)) for n in recent],
                    confidence=None if sure is None else sure.confidence[name],
                    confidence_date=None if sure is None else sure.date, last_meeting=last_meeting)
                when = today or last_meeting
                if kdef.period and when is not None:
                    start, _ = period_bounds(when, kdef.period)
                    total = sum(v for n, v in figures if start <= n.date <= when)
                    row.period, row.period_total = kdef.period, total
                    row.attainment, row.pace_per_day = pace(total, goal, when, kdef.period, kdef.better)
                    if row.pace_per_day is not None:
                        row.pace_per_day = round(row.pace_per_day, 2)
                rows.append(row)
    return rows


FIGURE_CODES = ("metric-", "plan-", "confidence-", "figure-")


def figure_problems(book: Notebook, reps=None) -> list:
    """The problems of the notes of ``reps`` (default: every rep) that change the figures shown:
    an unreadable figure is a gap, and every command that shows figures says why.  (From
    the notes themselves: a cache row read for commitments only keeps no figure problem.)"""
    notes = book.notes if reps is None else [n for rep in reps for n in book.notes_of(rep)]
    return [p for n in notes for p in n.problems if p.code.startswith(FIGURE_CODES)]
