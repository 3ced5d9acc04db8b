"""Cadence health: who has had their one-on-ones, and who is overdue.

Best practice is an hour with each rep every week, at the same time, and not
cancelled; about three hours of coaching per rep per month goes with hitting
target. Per rep this computes the last meeting, the next one due by the
cadence, whether it is overdue, meetings and coaching hours this month and
last month against ``coaching_hours_target``, the cadence periods missed in
the last quarter (13 weeks), and the current on-cadence streak.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from onenotes.rules.config import Config
from onenotes.rules.schedule import next_meeting

if TYPE_CHECKING:  # (types only: the rules read no files)
    from onenotes.reading.notebook import Notebook

QUARTER_DAYS = 91


@dataclass
class RepCadence:
    rep: str
    last_meeting: dt.date | None
    days_since: int | None
    next_due: dt.date | None
    overdue: bool
    days_overdue: int
    meetings_this_month: int
    hours_this_month: float
    meetings_last_month: int
    hours_last_month: float
    hours_target: float
    missed_last_quarter: int
    streak: int  # cadence periods in a row with a meeting, up to now


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month ``back`` months before ``day``'s (clamped to the calendar)."""
    month = day.month - 1 - back
    year = day.year + month // 12
    if year < dt.MINYEAR:
        return dt.date.min
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month % 12 + 1, 1)


def period_days(cfg: Config) -> int:
    """The length of one cadence period in days (a month counts 30)."""
    return 30 if cfg.cadence.monthly else cfg.cadence.days


def cadence_periods(cfg: Config, today: dt.date, count: int) -> list[tuple[int, dt.date, dt.date]]:
    """The last ``count`` cadence periods as (k, first day, last day), k = 0 the current one.

    Periods are centred on the meeting day, counted back from the current one,
    so a meeting moved by a few days stays in its period.  Stops early at the
    beginning of the calendar.
    """
    period = period_days(cfg)
    anchor = today
    if cfg.meeting_day is not None:
        anchor = today - dt.timedelta(days=(today.weekday() - cfg.meeting_day) % 7)
    half = period // 2
    periods = []
    for k in range(count):
        try:
            centre = anchor - dt.timedelta(days=period * k)
            start = centre - dt.timedelta(days=half)
            end = start + dt.timedelta(days=period - 1)
        except OverflowError:  # the beginning of the calendar
            break
        periods.append((k, start, end))
    return periods


def period_meetings(cfg: Config, dates: list[dt.date], today: dt.date,
                    days: int) -> list[tuple[int, dt.date, dt.date, bool]]:
    """The cadence periods of the last ``days`` days as (k, first day, last day, met),
    newest first, k = 0 the current one (still open), and whether a meeting on one of
    ``dates`` (sorted) fell in it.

    Periods are centred on the meeting day, counted back from the current one
    (a meeting moved by a few days stays in its period): ``days // period + 1``
    of them, none before the first meeting.
    """
    first = dates[0] if dates else None
    found = []
    for k, start, end in cadence_periods(cfg, today, days // period_days(cfg) + 1):
        if first is None or end < first:
            break
        i = bisect_left(dates, start)  # the first meeting on or after the period's first day
        found.append((k, start, end, i < len(dates) and dates[i] <= end))
    return found


def held_against_expected(cfg: Config, dates: list[dt.date], today: dt.date, days: int) -> tuple[int, int]:
    """(one-on-ones held, one-on-ones expected) over the last ``days`` days, counted in
    cadence periods (:func:`period_meetings`): a period with a meeting is one held;
    every period since the first meeting is one expected, but the current one only
    once it is held (it is still open).  Expected minus held is what ``cadence``
    counts as missed."""
    periods = period_meetings(cfg, dates, today, days)
    held = sum(met for _, _, _, met in periods)
    return held, held + sum(not met and k > 0 for k, _, _, met in periods)


def needs_meeting(health: RepCadence) -> bool:
    """Late for a one-on-one by the cadence, or never had one."""
    return health.overdue or health.last_meeting is None


def meeting_minutes(value, default: float | None = None) -> float | None:
    """How long a one-on-one was: its note's ``duration_minutes`` when that is a usable length
    (more than 0, less than a day), else ``default`` (callers give the config's
    ``default_duration_minutes``, or None to fill it in later)."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 24 * 60
    return value if ok else default


def cadence_health(book: Notebook, today: dt.date) -> list[RepCadence]:
    return [rep_cadence(book.config, slug, [(n.date, meeting_minutes(n.meta.get("duration_minutes")))
                                            for n in book.notes_of(slug)], today)
            for slug in book.reps()]


def rep_cadence(cfg: Config, slug: str, meetings: list[tuple[dt.date, float | None]], today: dt.date) -> RepCadence:
    """One rep's cadence as of ``today`` from their meetings: (date, minutes or None for the
    default length), those dated after ``today`` left out."""
    meetings = [(day, minutes) for day, minutes in meetings if day <= today]
    dates = sorted({day for day, _ in meetings})
    last = dates[-1] if dates else None
    due = None
    if last is not None:
        try:
            # The due date ignores "not before today": it may lie in the past.
            due = next_meeting(last, dt.date.min, cfg.cadence, cfg.meeting_day)
        except OverflowError:
            due = None
    days_late = (today - due).days if due is not None and due < today else 0

    def month(back: int):
        start, end = _month_start(today, back), _month_start(today, back - 1)
        chosen = [minutes for day, minutes in meetings
                  if start <= day < end or (end == dt.date.max and day == end)]
        total = sum(cfg.default_duration_minutes if minutes is None else minutes for minutes in chosen)
        return len(chosen), round(total / 60, 2)

    this_count, this_hours = month(0)
    last_count, last_hours = month(1)
    missed = streak = 0
    counting_streak = True
    for k, _, _, met in period_meetings(cfg, dates, today, QUARTER_DAYS):
        if not met and k > 0:  # the current period is still open
            missed += 1
        if counting_streak:
            if met:
                streak += 1
            elif k > 0:
                counting_streak = False
    return RepCadence(slug, last, (today - last).days if last else None, due, days_late > 0, days_late,
                      this_count, this_hours, last_count, last_hours, cfg.coaching_hours_target, missed, streak)
