"""A review period's figures: how each KPI adds up over a quarter (or any range of days),
and the other counts a performance review quotes.

A manager quotes these figures in a performance conversation, so each one is made
by one rule, said in its docstring, and keeps what it was made from: the meetings
counted (each one a note), the meetings without a figure (a gap, never a zero), the
goals it is measured against.  Pure rules: nothing here reads a file; the caller
(:mod:`onenotes.views.review.model`) passes each meeting's figure as the note holds it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from onenotes.rules.commitments import Entry
from onenotes.rules.config import KpiDef
from onenotes.rules.kpis import attainment, period_bounds, working_days

SUM, AVERAGE, RATIO, PERIOD = "sum", "average", "ratio", "period"
COMBINE = (SUM, AVERAGE)  # what ``combine:`` may say for a KPI in onenotes.yaml

_QUARTER = re.compile(r"(?:(\d{4})\s*[-/ ]?\s*)?q(\d)|q(\d)\s*[-/ ]?\s*(\d{4})")


def parse_quarter(text: str, this_year: int | None = None) -> tuple[dt.date, dt.date]:
    """``2026Q4`` (or ``2026-Q4``, ``2026q4``, ``Q4 2026``; ``Q4`` alone is of ``this_year``)
    as its first and last day.  ValueError, saying what is wrong, for anything else."""
    match = _QUARTER.fullmatch(" ".join(str(text).split()).lower())
    if not match or (this_year is None and not (match.group(1) or match.group(4))):
        raise ValueError(f"{text!r} is not a quarter: write the year and the quarter, such as 2026Q4")
    year = int(match.group(1) or match.group(4) or this_year)
    number = int(match.group(2) or match.group(3))
    if not 1 <= number <= 4:
        raise ValueError(f"there is no quarter {number}: a year has four, Q1 to Q4")
    if not 1 <= year <= 9999:
        raise ValueError(f"the year {year} is out of range")
    first = dt.date(year, 3 * number - 2, 1)
    return period_bounds(first, "quarter")


# ------------------------------------------------------------- KPI figures ---

def how_it_adds_up(kdef: KpiDef) -> str:
    """How a KPI's figures of several meetings make one figure for a period.

    * ``ratio``: a derived KPI (``ratio: [a, b]``) is worked out again from its
      parts: the total of ``a`` over the total of ``b`` (times ``scale``), over the
      meetings that recorded both.  (An average of weekly ratios would weigh a
      week of 2 calls as much as a week of 40.)
    * ``period``: a KPI whose goal is one per week, month or quarter (``period:``):
      its figures add up, against the goal of each such period the review covers,
      pro rata by working days for a period it covers in part.
    * ``combine: sum`` or ``combine: average`` in onenotes.yaml decides for any
      other KPI.
    * Without it, a KPI in percent (``unit: "%"``: a rate such as the close rate, a
      share such as gross profit or discount) is averaged: the mean of the meetings'
      figures, against the mean of their goals.  The notes hold the weekly rates,
      not what they were worked out from, so this mean is of the weekly rates,
      each week weighing the same, and the review says so.
    * Any other KPI counts something per meeting (revenue, calls, new accounts):
      its figures are added up, against the goals of the same meetings added up.

    In every case a meeting without a figure is left out of the figure and of its
    goal, and shown as a gap: never counted as a zero.
    """
    if kdef.ratio is not None:
        return RATIO
    if kdef.period:
        return PERIOD
    if kdef.combine in COMBINE:
        return kdef.combine
    return AVERAGE if kdef.unit == "%" else SUM


@dataclass(frozen=True)
class Meeting:
    """One meeting's figure for one KPI, as its note holds it."""

    date: dt.date
    source: str  # the note (path in the notebook)
    value: float | int | None  # None: no figure that meeting
    goal: float | int | None  # the goal of that same note (rules.kpis.goal_for_figure)
    parts: tuple | None = None  # a derived KPI: that note's (numerator, denominator) figures


@dataclass(frozen=True)
class GoalPeriod:
    """A week, month or quarter whose goal is part of a ``period`` KPI's goal."""

    start: dt.date
    end: dt.date
    goal: float | int | None
    share: float  # the part of it the review covers (working days), 1 when all of it


@dataclass
class PeriodFigure:
    """One KPI over the review period: the figure, its goal, and what each is made of."""

    kpi: str
    method: str  # how_it_adds_up
    better: str
    actual: float | int | None
    goal: float | int | None
    attainment: float | None
    counted: list[Meeting]  # the meetings whose figures make it
    gaps: list[Meeting]  # the meetings of the period without a figure
    goals_differ: bool = False  # the counted meetings' goals were not all the same
    goal_periods: list[GoalPeriod] = field(default_factory=list)  # for a period KPI
    on_goal: int | None = None  # meetings whose own figure met their own goal (None: a period KPI)
    judged: int = 0  # meetings with a figure and a goal
    no_goal: int = 0  # counted meetings without a goal (then the period has none)

    @property
    def sum_of_parts(self) -> tuple | None:
        """A derived KPI's (numerator total, denominator total)."""
        if self.method != RATIO:
            return None
        return (_total(m.parts[0] for m in self.counted), _total(m.parts[1] for m in self.counted))


def _total(values):
    values = list(values)
    total = sum(values)
    return round(total, 6) if isinstance(total, float) else total


def _mean(values):
    values = list(values)
    return round(sum(values) / len(values), 6) if values else None


def period_figure(kdef: KpiDef, meetings: list[Meeting], start: dt.date, end: dt.date,
                  on_target: float = 1.0, fallback_goal=None) -> PeriodFigure:
    """The KPI's figure from ``start`` to ``end`` (both included), by :func:`how_it_adds_up`.

    ``meetings`` are the rep's meetings (one each, oldest first); those outside the
    period are left out.  ``fallback_goal`` is the goal of a ``period`` KPI for a
    period in which no meeting states one (the rep's goal in onenotes.yaml).
    ``on_goal`` counts the meetings whose own figure met their own goal
    (attainment at least ``on_target``), as ``kpis`` judged each one.
    """
    method = how_it_adds_up(kdef)
    inside = [m for m in meetings if start <= m.date <= end]
    if method == RATIO:
        counted = [m for m in inside if m.parts is not None and None not in m.parts]
    else:
        counted = [m for m in inside if m.value is not None]
    gaps = [m for m in inside if m not in counted]
    result = PeriodFigure(kdef.name, method, kdef.better, None, None, None, counted, gaps)
    goals = [m.goal for m in counted if m.goal is not None]
    result.no_goal = len(counted) - len(goals)
    result.goals_differ = len(set(goals)) > 1
    if method == RATIO:
        top, bottom = result.sum_of_parts if counted else (None, None)
        if bottom:
            result.actual = round(top / bottom * kdef.scale, 6)
        result.goal = _mean(goals)
    elif method == PERIOD:
        result.actual = _total(m.value for m in counted) if counted else None
        result.goal_periods = _goal_periods(kdef.period, inside, start, end, fallback_goal)
        if result.goal_periods and all(p.goal is not None for p in result.goal_periods):
            result.goal = _total(p.goal * p.share for p in result.goal_periods)
        result.goals_differ = len({p.goal for p in result.goal_periods}) > 1
    else:
        values = [m.value for m in counted]
        result.actual = (_total(values) if method == SUM else _mean(values)) if values else None
        if counted and not result.no_goal:
            result.goal = _total(goals) if method == SUM else _mean(goals)
    if result.actual is not None and result.goal is not None:
        result.attainment = attainment(result.actual, result.goal, kdef.better)
    if method != PERIOD:
        judged = [attainment(m.value, m.goal, kdef.better) for m in inside]
        judged = [a for a in judged if a is not None]
        result.judged = len(judged)
        result.on_goal = sum(a >= on_target for a in judged)
    return result


def _goal_periods(period: str, inside: list[Meeting], start: dt.date, end: dt.date,
                  fallback_goal) -> list[GoalPeriod]:
    """The weeks, months or quarters from ``start`` to ``end``, each with its goal (the
    latest of its meetings that states one, else ``fallback_goal``) and the share of
    its working days the review covers."""
    out = []
    day = start
    while day <= end:
        first, last = period_bounds(day, period)
        lo, hi = max(first, start), min(last, end)
        length = working_days(first, last)
        share = working_days(lo, hi) / length if length else ((hi - lo).days + 1) / ((last - first).days + 1)
        stated = [m.goal for m in inside if first <= m.date <= last and m.goal is not None]
        out.append(GoalPeriod(first, last, stated[-1] if stated else fallback_goal, share))
        if last >= dt.date.max - dt.timedelta(days=1):
            break
        day = last + dt.timedelta(days=1)
    return out


def one_per_week(meetings: list[Meeting]) -> bool:
    """No two of the meetings fall in the same calendar week (Monday to Sunday)."""
    weeks = [m.date.isocalendar()[:2] for m in meetings]
    return len(weeks) == len(set(weeks))


# -------------------------------------------------------- behaviour plan ---

def in_effect(dated: list[tuple[dt.date, str, dict]], day: dt.date) -> tuple[dt.date, str, dict] | None:
    """Of (date, note, plan) oldest first, the plan in effect at ``day``: the latest one
    on or before it that is not empty (a note without a plan leaves the last one standing,
    as ``new`` carries it forward)."""
    found = None
    for entry in dated:
        if entry[0] > day:
            break
        if entry[2]:
            found = entry
    return found


@dataclass(frozen=True)
class PlanWeek:
    """One meeting, for one leading indicator: its figure against the target of the week."""

    date: dt.date
    source: str
    value: float | int | None
    target: float | int | None
    planned: bool  # the target is the behaviour plan's (else the KPI's goal stands in)


@dataclass
class PlanRecord:
    """How often a leading indicator met its weekly target over the period."""

    kpi: str
    met: list[PlanWeek]
    missed: list[PlanWeek]
    no_figure: list[PlanWeek]
    no_target: list[PlanWeek]

    @property
    def judged(self) -> list[PlanWeek]:
        return sorted(self.met + self.missed, key=lambda w: w.date)

    @property
    def weeks(self) -> list[PlanWeek]:
        return sorted(self.met + self.missed + self.no_figure + self.no_target, key=lambda w: w.date)

    def targets(self) -> list[tuple[float | int | None, bool, dt.date]]:
        """Each target in turn: (target, from the plan, first meeting it applied to)."""
        out: list = []
        for w in self.weeks:
            if w.target is None:
                continue
            if not out or out[-1][:2] != (w.target, w.planned):
                out.append((w.target, w.planned, w.date))
        return out


def plan_record(kpi: str, weeks: list[PlanWeek], better: str = "higher") -> PlanRecord:
    """The meetings where the figure met the target (at least it; at most it when lower is
    better), missed it, had no figure, or had no target.

    The target of a meeting is the behaviour plan's for that KPI, in effect that week
    (:func:`in_effect`); where the plan does not name the KPI, or there is no plan yet,
    the KPI's goal of that meeting stands in, as the agenda does (``planned`` false).
    """
    record = PlanRecord(kpi, [], [], [], [])
    for w in weeks:
        if w.target is None:
            record.no_target.append(w)
        elif w.value is None:
            record.no_figure.append(w)
        elif (w.value <= w.target) if better == "lower" else (w.value >= w.target):
            record.met.append(w)
        else:
            record.missed.append(w)
    return record


# --------------------------------------------------------- coaching plan ---

@dataclass(frozen=True)
class Stage:
    """One text a coaching plan topic had (the skill worked on, the next role)."""

    text: str
    since: dt.date  # the first note that has it
    source: str
    until: dt.date | None  # the note that changed it (None: still so at the period's end)


def plan_history(dated: list[tuple[dt.date, str, dict]], start: dt.date,
                 end: dt.date) -> dict[str, list[Stage]]:
    """Per topic of the coaching plan (``skill``, ``practice``, ``long_term``, ...), the
    texts it had over the period, oldest first: the one in effect when the period began,
    then each change made in it.

    ``dated`` is (date, note, coaching plan) oldest first.  A note without a coaching
    plan says nothing about it (the plan stands); a note whose plan no longer names
    a topic ends it.  Texts are compared with their runs of blanks made one space.
    """
    current: dict[str, Stage] = {}
    history: dict[str, list[Stage]] = {}
    for date, source, plan in dated:
        if date > end or not plan:
            continue
        texts = {str(k): " ".join(str(v).split()) for k, v in plan.items() if v is not None and str(v).strip()}
        for topic in list(current):
            if topic not in texts or texts[topic] != current[topic].text:
                ended = Stage(current[topic].text, current[topic].since, current[topic].source, date)
                history.setdefault(topic, []).append(ended)
                del current[topic]
        for topic, text in texts.items():
            if topic not in current:
                current[topic] = Stage(text, date, source, None)
    for topic, stage in current.items():
        history.setdefault(topic, []).append(stage)
    kept: dict[str, list[Stage]] = {}
    for topic, stages in history.items():
        shown = [s for s in stages if s.until is None or s.until > start]
        if shown:
            kept[topic] = shown
    return kept


# ------------------------------------------------------------ commitments ---

def made_in(entries: list[Entry], start: dt.date, end: dt.date) -> list[Entry]:
    """The commitments made from ``start`` to ``end`` (their ``since``)."""
    return [e for e in entries if e.since is not None and start <= e.since <= end]


def carried_in(entries: list[Entry], start: dt.date) -> list[Entry]:
    """The commitments made before ``start`` and still open when the period began."""
    return [e for e in entries if e.since is not None and e.since < start
            and (e.status == "open" or (e.closed_on is not None and e.closed_on >= start))]


def most_slipped(entries: list[Entry], limit: int = 5) -> list[Entry]:
    """The commitments that slipped most: due date moved most often, then carried to the
    most meetings; only those moved at least once or carried twice or more."""
    slipping = [e for e in entries if e.slips or e.times_carried >= 2]
    slipping.sort(key=lambda e: (-len(e.slips), -e.times_carried, e.since or dt.date.min, e.id))
    return slipping[:limit]


# ---------------------------------------------------------------- cadence ---

@dataclass(frozen=True)
class Slot:
    """One cadence period of the review (a week, for a weekly cadence)."""

    start: dt.date
    end: dt.date
    state: str  # met, missed, due (still open today) or not_due (before the first one-on-one)
    meetings: tuple[dt.date, ...] = ()


def held_against_expected(periods: list[tuple[dt.date, dt.date]], dates: list[dt.date],
                          first_ever: dt.date | None, today: dt.date) -> list[Slot]:
    """Each cadence period with its state: ``met`` when a one-on-one was held in it;
    ``not_due`` when it ended before the rep's first one-on-one; ``due`` when it has
    not ended yet (today is in it) and none was held; ``missed`` otherwise."""
    slots = []
    for first, last in periods:
        held = tuple(d for d in dates if first <= d <= last)
        if held:
            state = "met"
        elif first_ever is None or last < first_ever:
            state = "not_due"
        elif last >= today:
            state = "due"
        else:
            state = "missed"
        slots.append(Slot(first, last, state, held))
    return slots


@dataclass(frozen=True)
class MonthHours:
    """The one-on-one hours of a calendar month that the period covers."""

    first: dt.date  # the first day the period covers in the month
    last: dt.date  # the last
    meetings: int
    hours: float
    target: float  # the monthly target, pro rata for the days covered

    @property
    def whole(self) -> bool:
        return self.first.day == 1 and self.last.day == calendar.monthrange(self.last.year, self.last.month)[1]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def month_days(self) -> int:
        return calendar.monthrange(self.first.year, self.first.month)[1]

    @property
    def met(self) -> bool:
        return self.hours >= self.target


def coaching_months(meetings: list[tuple[dt.date, float]], start: dt.date, end: dt.date,
                    target: float) -> list[MonthHours]:
    """Per calendar month from ``start`` to ``end``: the one-on-ones and their hours
    ((date, minutes) each), against ``target`` hours a month, pro rata by calendar
    days for a month the period covers in part."""
    out = []
    day = start
    while day <= end:
        days_in = calendar.monthrange(day.year, day.month)[1]
        last = min(end, dt.date(day.year, day.month, days_in))
        chosen = [minutes for date, minutes in meetings if day <= date <= last]
        covered = (last - day).days + 1
        out.append(MonthHours(day, last, len(chosen), round(sum(chosen) / 60, 2),
                              round(target * covered / days_in, 2)))
        if last >= dt.date.max - dt.timedelta(days=1):
            break
        day = last + dt.timedelta(days=1)
    return out
