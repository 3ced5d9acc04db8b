"""``onenotes ics``: the one-on-ones as recurring events, open commitments as to-dos.

**Each rep's one-on-ones: one recurring event.**  It starts at the rep's next
one-on-one (the NEXT of ``onenotes reps``) and repeats by the cadence
(:func:`cadence_rule`), so the calendar shows the dates ``onenotes`` itself
proposes meeting after meeting (:func:`onenotes.rules.schedule.next_meeting`, each
meeting held on the date before it).  It is timed at the config's
``meeting_time`` for ``default_duration_minutes`` in its ``timezone`` (floating
local time without one), or all-day without a ``meeting_time``.

*A moved meeting.*  When the next one-on-one is off the meeting day (its agenda
is written for a Thursday when the team meets on Mondays), the series keeps its
meeting day and that one date is an exception: the series starts at the meeting
day the meeting was moved from (:func:`moved_from`, the date the cadence holds
in its place) and a second event with the same UID and a RECURRENCE-ID of that
date puts it on its real day.  That is how calendars themselves export "this
occurrence moved", where starting the series on the Thursday would make a
series whose first date is not one of its own (RFC 5545 leaves that
undefined), and EXDATE+RDATE is read by fewer calendars.  A meeting *held* on
another day needs nothing: the next one is the meeting day after it, where the
series starts.  Without a meeting day (or with a cadence of "every N days"
that is not whole weeks), meetings follow the last one, so the series simply
starts on the moved date.

*Monthly.*  With a meeting day, ``next_meeting`` takes the meeting day nearest
one month after the last meeting.  A month is 28 to 31 days, four weeks and
zero to three days; the nearest meeting day is then always four weeks on, so
the series is ``FREQ=WEEKLY;INTERVAL=4`` on that day.  Without a meeting day it
is the same day of every month (``BYMONTHDAY``); from the 29th to the 31st, that
day or the last day of a shorter month (``next_meeting`` would go on from the
shorter month's last day after a meeting held there: the file written after
that meeting starts a series on that day).

**Each open commitment: a to-do** (VTODO, STATUS:NEEDS-ACTION) with its due date
as DUE, so an app that keeps to-dos (Thunderbird, Evolution, a CalDAV task
list) shows it as due, and as overdue once the date has passed, where an event
on a past day is seen by no one.  A commitment without a due date is a
to-do without DUE: the task list is the whole list of ``onenotes followups``.
A private commitment's to-do says "A private commitment" and no words of it
(the file may be imported anywhere, or handed on) and has CLASS:PRIVATE.
Calendars that import events only (Google Calendar, Outlook) drop to-dos, so
``commitments="events"`` gives the dated ones as all-day events on their due
dates instead (marked free: they block no time).

UIDs are stable, so importing a newer file updates the series and the to-dos
instead of adding copies: ``one-on-one-REP@onenotes.invalid`` for a rep's
series and ``commitment-REP-ID@onenotes.invalid`` for a commitment (a new due
date moves the same to-do).  DTSTAMP is midnight UTC of "today", so the file
only changes when the calendar does or the day turns (a stable file is kind to
git).  The time zone goes in as its yearly clock changes, which go on as long as
the series does (see :mod:`onenotes.views.vtimezone`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component, Event, Todo

from onenotes.reading import files as fsutil
from onenotes.rules.config import Cadence, Config
from onenotes.rules.commitments import Entry, build_ledger, followups_order, open_commitments
from onenotes.reading.notebook import Notebook
from onenotes.views.formats import clean
from onenotes.views.reps import RepSummary, rep_summaries
from onenotes.rules.schedule import keeps_meeting_day, next_meeting
from onenotes.views.vtimezone import vtimezone

DOMAIN = "onenotes.invalid"  # a reserved name (RFC 2606): UIDs look like addresses, reach nothing
PRODID = "-//onenotes//onenotes one-on-ones//EN"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RRULE's names, Monday = 0 as in the config
COMMITMENT_KINDS = ("todos", "events")


def uid(kind: str, rep: str, key: str | None = None) -> str:
    name = f"{kind}-{quote(rep, safe='')}" + (f"-{quote(key, safe='')}" if key is not None else "")
    return f"{name}@{DOMAIN}"


def weeks_between(cadence: Cadence) -> int:
    """Weeks from one meeting to the next when meetings keep the meeting day
    (see :func:`onenotes.rules.schedule.keeps_meeting_day`): the cadence's weeks, or
    four for a monthly one (see the module's docstring)."""
    return 4 if cadence.monthly else cadence.days // 7


def cadence_rule(cadence: Cadence, meeting_day: int | None, first: dt.date) -> dict:
    """The RRULE (as icalendar takes it) of the one-on-ones from ``first`` on, when
    ``first`` is on the meeting day (or there is none): each date the one
    :func:`onenotes.rules.schedule.next_meeting` gives after the date before."""
    if keeps_meeting_day(cadence, meeting_day):
        rule = {"freq": "weekly", "interval": weeks_between(cadence), "byday": WEEKDAYS[meeting_day]}
    elif cadence.monthly and first.day <= 28:
        rule = {"freq": "monthly", "bymonthday": first.day}
    elif cadence.monthly and first.day == 31:  # the last day of every month
        rule = {"freq": "monthly", "bymonthday": -1}
    elif cadence.monthly:  # the 29th or 30th, else the last day of a shorter month
        rule = {"freq": "monthly", "bymonthday": list(range(28, first.day + 1)), "bysetpos": -1}
    elif cadence.days % 7 == 0:
        rule = {"freq": "weekly", "interval": cadence.days // 7}
    else:
        rule = {"freq": "daily", "interval": cadence.days}
    if rule.get("interval") == 1:
        del rule["interval"]
    return rule


def moved_from(first: dt.date, cadence: Cadence, meeting_day: int | None) -> dt.date | None:
    """The meeting day the one-on-one on ``first`` was moved from, when it is off
    the meeting day: the date the cadence holds between the meetings around
    it.  None when ``first`` is on the meeting day, or meetings need not be.
    OverflowError at the end of the calendar (no meeting after it)."""
    if not keeps_meeting_day(cadence, meeting_day) or first.weekday() == meeting_day:
        return None
    after = next_meeting(first, first, cadence, meeting_day)
    return after - dt.timedelta(weeks=weeks_between(cadence))


def build_calendar(book: Notebook, today: dt.date, reps: list[str] | None = None,
                   commitments: str = "todos") -> bytes:
    """The calendar as iCalendar bytes (CRLF line ends, folded lines).

    ``commitments`` is ``"todos"`` (every open commitment as a to-do) or
    ``"events"`` (each dated one as an all-day event on its due date).
    """
    cfg = book.config
    tz = ZoneInfo(cfg.timezone) if cfg.timezone else None
    stamp = dt.datetime.combine(today, dt.time(0), tzinfo=dt.timezone.utc)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", clean("One-on-ones" + (f" ({cfg.manager})" if cfg.manager else "")))
    if cfg.timezone:
        cal.add("x-wr-timezone", cfg.timezone)
    starts: list[dt.date] = []
    chosen = reps if reps is not None else book.reps()
    for summary in rep_summaries(book, today, chosen):
        first = summary.next_meeting
        if summary.last_meeting == today and not summary.next_planned:
            # Today's one-on-one (its note written) stays in the calendar until the day is
            # over: the series starts with it.
            held = [n for n in book.notes_of(summary.rep) if n.date <= today]
            before = [n.date for n in held if n.date < today]
            summary = replace(summary, last_meeting=before[-1] if before else None, next_meeting=today,
                              next_note=held[-1].path)
            first = today
        if first is None:
            continue
        try:
            moved = moved_from(first, cfg.cadence, cfg.meeting_day)
        except OverflowError:  # the last meeting of the calendar: one event, no series
            cal.add_component(_meeting(summary, cfg, tz, first, today, stamp))
            starts.append(first)
            continue
        series = _meeting(summary, cfg, tz, moved or first, today, stamp)
        series.add("rrule", cadence_rule(cfg.cadence, cfg.meeting_day, moved or first))
        cal.add_component(series)
        starts.append(moved or first)
        if moved is not None:
            exception = _meeting(summary, cfg, tz, first, today, stamp)
            exception.add("recurrence-id", _meeting_start(cfg, tz, moved))
            cal.add_component(exception)
            starts.append(first)
    wanted = set(chosen)
    entries = [e for e in open_commitments(build_ledger(book.notes)) if e.rep in wanted]
    if commitments == "events":
        for entry in followups_order([e for e in entries if e.due is not None]):
            cal.add_component(_due_event(book, entry, stamp))
    else:
        for entry in followups_order(entries):
            cal.add_component(_todo(book, entry, stamp))
    if cfg.timezone and cfg.meeting_time is not None and starts:
        cal.subcomponents.insert(0, vtimezone(cfg.timezone, min(starts).year))
    return cal.to_ical()


def _meeting_start(cfg: Config, tz: ZoneInfo | None, date: dt.date) -> dt.date | dt.datetime:
    """A one-on-one's start: at ``meeting_time`` (in ``tz``, else floating), else the day."""
    if cfg.meeting_time is None:
        return date
    return dt.datetime.combine(date, cfg.meeting_time, tzinfo=tz)


def _meeting(summary: RepSummary, cfg: Config, tz: ZoneInfo | None, date: dt.date,
             today: dt.date, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", uid("one-on-one", summary.rep))
    event.add("dtstamp", stamp)
    event.add("summary", clean(f"One-on-one: {summary.name}"))
    length = (dt.timedelta(minutes=cfg.default_duration_minutes) if cfg.meeting_time is not None
              else dt.timedelta(days=1))
    _span(event, _meeting_start(cfg, tz, date), length)
    # Every occurrence shows these lines: each says which day it is about.
    lines = []
    if summary.last_meeting:
        lines.append(f"Last one-on-one: {summary.last_meeting.isoformat()}")
    lines.append(f"Open commitments on {today.isoformat()}: {summary.open}"
                 + (f" ({summary.overdue} overdue)" if summary.overdue else ""))
    lines.append(f"Agenda for {summary.next_meeting.isoformat()}: "
                 + (summary.next_note if summary.next_note else f"onenotes new {summary.rep}"))
    event.add("description", "\n".join(clean(line) for line in lines))
    event.add("transp", "OPAQUE")
    return event


def _owner(book: Notebook, entry: Entry) -> str:
    return book.rep_name(entry.rep) if entry.owner == "rep" else (book.config.manager or "manager")


def _commitment_details(book: Notebook, entry: Entry, item: Component) -> None:
    """UID, DESCRIPTION and, for a private commitment, CLASS:PRIVATE."""
    item.add("uid", uid("commitment", entry.rep, entry.id))
    details = [f"Commitment {entry.id} from the one-on-ones with {book.rep_name(entry.rep)}",
               f"Owner: {_owner(book, entry)}"]
    if entry.since:
        details.append(f"Made: {entry.since.isoformat()}")
    details.append(f"Noted in: {entry.source}")
    item.add("description", "\n".join(clean(line) for line in details))
    if entry.private:  # no words in a file that may be imported anywhere or handed on
        item.add("class", "PRIVATE")  # (a shared calendar shows it as busy, no more)


def _todo(book: Notebook, entry: Entry, stamp: dt.datetime) -> Todo:
    todo = Todo()
    todo.add("dtstamp", stamp)
    what = "A private commitment" if entry.private else entry.label
    todo.add("summary", clean(f"{what} ({_owner(book, entry)})"))
    if entry.due is not None:
        todo.add("due", entry.due)
    todo.add("status", "NEEDS-ACTION")
    _commitment_details(book, entry, todo)
    return todo


def _due_event(book: Notebook, entry: Entry, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("dtstamp", stamp)
    what = "a private commitment" if entry.private else entry.label
    event.add("summary", clean(f"Due: {what} ({_owner(book, entry)})"))
    _span(event, entry.due, dt.timedelta(days=1))
    _commitment_details(book, entry, event)
    event.add("transp", "TRANSPARENT")
    return event


def _span(event: Event, start, length: dt.timedelta) -> None:
    event.add("dtstart", start)
    try:
        event.add("dtend", start + length)
    except OverflowError:  # the last day of the calendar: DTSTART alone means one day
        pass


def write_calendar(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, replacing only an earlier calendar.

    Raises FileExistsError when ``path`` holds something that is not an
    iCalendar file (a note, say), OSError when it cannot write.
    """
    if path.exists():
        if not path.is_file():
            raise FileExistsError(path)
        with open(path, "rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf")
        if head and not head.startswith(b"BEGIN:VCALENDAR"):
            raise FileExistsError(path)
    fsutil.replace_file(path, data)
