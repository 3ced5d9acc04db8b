"""When the next one-on-one is, by the notebook's cadence and meeting day."""

from __future__ import annotations

import calendar
import datetime as dt

from onenotes.rules.config import Cadence


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _snap(day: dt.date, weekday: int | None) -> dt.date:
    """The meeting weekday nearest to ``day`` (at most three days away)."""
    if weekday is None:
        return day
    delta = (weekday - day.weekday()) % 7
    if delta > 3:
        delta -= 7
    return day + dt.timedelta(days=delta)


def _on_or_after(day: dt.date, weekday: int | None) -> dt.date:
    if weekday is None:
        return day
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def keeps_meeting_day(cadence: Cadence, meeting_day: int | None) -> bool:
    """Whether meetings are held on the meeting day: with one set, for a monthly
    cadence and for one of whole weeks (another is every N days, whatever the day)."""
    return meeting_day is not None and (cadence.monthly or cadence.days % 7 == 0)


def next_meeting(last: dt.date | None, today: dt.date, cadence: Cadence,
                 meeting_day: int | None) -> dt.date:
    """The next meeting after ``last`` by the cadence, never before ``today``.

    With no previous meeting, the first meeting day from today on.  Missed
    meetings are not made up: a date in the past moves to the next meeting day
    from today on.
    """
    if last is None:
        return _on_or_after(today, meeting_day)
    if cadence.monthly:
        due = _add_months(last, 1)
    else:
        due = last + dt.timedelta(days=cadence.days)
    if keeps_meeting_day(cadence, meeting_day):
        due = _snap(due, meeting_day)
        if due <= last:
            due += dt.timedelta(days=7)
    if due < today:
        due = _on_or_after(today, meeting_day)
    return due
