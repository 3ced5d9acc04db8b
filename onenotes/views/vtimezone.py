"""A time zone as an iCalendar VTIMEZONE that holds for a recurring event.

A one-on-one series has no end, so the zone's daylight saving rules must go on
too.  Calendars write them as yearly rules ("the second Sunday of March at
02:00"), which every reader understands.  :func:`vtimezone` finds those rules
in the zone's changes (from :mod:`zoneinfo`) over the twelve years from the
calendar's first event and writes them that way.  A zone whose changes follow no
such rule in those years (a country that changed its clocks or its rules, a
daylight saving time that stops for Ramadan) gets the list of its changes
in those years instead (an RDATE line for each: vobject, for one, reads only
the first date of a line that lists several).
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UTC = dt.timezone.utc
# The years of clock changes looked at: enough to tell a rule from its look-alikes (the
# last Sunday of a month is its fourth in some years), and what a zone without a rule
# lists (the file is written again long before they are over).
YEARS = 12


def _offset(zone: ZoneInfo, instant: dt.datetime) -> dt.timedelta:
    return instant.astimezone(zone).utcoffset()


Change = tuple[dt.datetime, dt.timedelta, dt.timedelta]  # (instant in UTC, offset before, after)


def transitions(zone: ZoneInfo, first: int, last: int) -> list[Change]:
    """The zone's changes of UTC offset from the start of year ``first`` to the
    end of year ``last`` (at most one a day, as every zone has them)."""
    found = []
    day, second = dt.timedelta(days=1), dt.timedelta(seconds=1)
    at = dt.datetime(first, 1, 1, tzinfo=UTC)
    end = dt.datetime(last + 1, 1, 1, tzinfo=UTC)
    before = _offset(zone, at)
    while at < end:
        after = _offset(zone, at + day)
        if after != before:
            low, high = at, at + day  # the offset changes in (low, high]: halve to the second
            while high - low > second:
                middle = low + (high - low) // second // 2 * second
                if _offset(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            found.append((high, before, after))
            before = after
        at += day
    return found


def _yearly_rule(onsets: list[dt.datetime]) -> dict | None:
    """The yearly RRULE of local onsets, one a year, on the same weekday of the
    same month at the same time: the nth (1-4) or the last such weekday of the
    month, else the first on or after a day of the month (BYMONTHDAY, as for
    "the Friday before the last Sunday").  None when they follow no such rule."""
    years = [o.year for o in onsets]
    if years != list(range(years[0], years[0] + len(years))):
        return None
    if len({(o.month, o.weekday(), o.time()) for o in onsets}) != 1:
        return None
    month, weekday = onsets[0].month, WEEKDAYS[onsets[0].weekday()]
    days = [o.day for o in onsets]
    nths = {(day - 1) // 7 + 1 for day in days}
    if len(nths) == 1 and min(nths) <= 4:
        return {"freq": "yearly", "bymonth": month, "byday": f"{min(nths)}{weekday}"}
    if all(o.day + 7 > calendar.monthrange(o.year, month)[1] for o in onsets):
        return {"freq": "yearly", "bymonth": month, "byday": f"-1{weekday}"}
    if max(days) - min(days) == 6:  # every day of a week of the month: the weekday on or after the first
        return {"freq": "yearly", "bymonth": month, "byday": weekday,
                "bymonthday": list(range(min(days), min(days) + 7))}
    return None


def vtimezone(name: str, year: int) -> Timezone:
    """The VTIMEZONE of the zone ``name`` (an IANA name) for events from ``year``
    on: yearly rules when the zone has them, else the list of its changes in
    the years looked at (:data:`YEARS`)."""
    zone = ZoneInfo(name)
    # From the year before (the changes before the first event); clear of the calendar's ends.
    first = min(max(year - 1, dt.MINYEAR + 1), dt.MAXYEAR - 1)
    last = min(first + YEARS, dt.MAXYEAR - 1)
    changes = transitions(zone, first, last)
    component = Timezone()
    component.add("tzid", name)
    for part in _yearly_parts(zone, changes) or _listed_parts(zone, changes, first):
        component.add_component(part)
    return component


def _part(zone: ZoneInfo, instant: dt.datetime, before: dt.timedelta, after: dt.timedelta):
    """A STANDARD or DAYLIGHT part (the larger offset is daylight time) from its
    first change, its DTSTART in the local time before it (as RFC 5545 has it)."""
    part = TimezoneDaylight() if after > before else TimezoneStandard()
    part.add("dtstart", _onset(instant, before))
    part.add("tzoffsetfrom", before)
    part.add("tzoffsetto", after)
    part.add("tzname", instant.astimezone(zone).tzname())
    return part


def _onset(instant: dt.datetime, before: dt.timedelta) -> dt.datetime:
    return (instant + before).replace(tzinfo=None)


def _yearly_parts(zone: ZoneInfo, changes: list[Change]) -> list | None:
    """One part with a yearly RRULE for each way the clocks change (on and off
    daylight saving time), or None when the changes follow no such rule (or
    there are none)."""
    by_kind: dict[tuple[dt.timedelta, dt.timedelta], list[dt.datetime]] = {}
    for instant, before, after in changes:
        by_kind.setdefault((before, after), []).append(instant)
    kinds = set(by_kind)
    if len(kinds) != 2 or {(after, before) for before, after in kinds} != kinds:
        return None  # not two changes that undo each other
    if any(len(instants) < 2 for instants in by_kind.values()):
        return None
    parts = []
    for (before, after), instants in by_kind.items():
        rule = _yearly_rule([_onset(i, before) for i in instants])
        if rule is None:
            return None
        part = _part(zone, instants[0], before, after)
        part.add("rrule", rule)
        parts.append(part)
    return parts


def _listed_parts(zone: ZoneInfo, changes: list[Change], first: int) -> list:
    """The offset at the start of year ``first``, then a part for each way the
    clocks change, with an RDATE line for each change after its first."""
    start = dt.datetime(first, 1, 1, tzinfo=UTC)
    offset = _offset(zone, start)
    initial = TimezoneDaylight() if start.astimezone(zone).dst() else TimezoneStandard()
    initial.add("dtstart", _onset(start, offset))
    initial.add("tzoffsetfrom", offset)
    initial.add("tzoffsetto", offset)
    initial.add("tzname", start.astimezone(zone).tzname())
    parts = [initial]
    kinds: dict[tuple, object] = {}
    for instant, before, after in changes:
        key = (before, after, instant.astimezone(zone).tzname())
        if key in kinds:
            kinds[key].add("rdate", _onset(instant, before))  # a line each: some read one date a line
        else:
            kinds[key] = _part(zone, instant, before, after)
            parts.append(kinds[key])
    return parts
