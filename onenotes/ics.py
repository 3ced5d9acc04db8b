"""``onenotes ics``: the next one-on-ones and commitment due dates as an iCalendar file.

* Each rep's next one-on-one (see :mod:`onenotes.reps`): a timed event at the
  config's ``meeting_time`` lasting ``default_duration_minutes`` in the
  config's ``timezone`` (floating local time without one), or an all-day
  event when no ``meeting_time`` is set.
* Each open commitment with a due date: an all-day event on that date that
  does not block time (TRANSP:TRANSPARENT).

UIDs are stable, so importing a newer file updates the events instead of
adding copies: ``one-on-one-REP-DATE@onenotes.invalid`` for a meeting and
``commitment-REP-ID@onenotes.invalid`` for a commitment (a new due date moves
the same event).  DTSTAMP is midnight UTC of "today", so the file only changes
when the calendar does or the day turns (a stable file is kind to git).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from onenotes import fsutil
from onenotes.ledger import build_ledger, followups_order, open_commitments
from onenotes.notebook import Notebook
from onenotes.output import clean
from onenotes.reps import rep_summaries

DOMAIN = "onenotes.invalid"  # a reserved name (RFC 2606): UIDs look like addresses, reach nothing
PRODID = "-//onenotes//onenotes one-on-ones//EN"


def uid(kind: str, rep: str, key: str) -> str:
    return f"{kind}-{quote(rep, safe='')}-{quote(key, safe='')}@{DOMAIN}"


def build_calendar(book: Notebook, today: dt.date, reps: list[str] | None = None) -> bytes:
    """The calendar as iCalendar bytes (CRLF line ends, folded lines)."""
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
    entries = open_commitments(build_ledger(book.notes))
    timed: list[dt.date] = []
    chosen = reps if reps is not None else book.reps()
    for summary in rep_summaries(book, today, chosen):
        date = summary.next_meeting
        if date is None:
            continue
        event = Event()
        event.add("uid", uid("one-on-one", summary.rep, date.isoformat()))
        event.add("dtstamp", stamp)
        event.add("summary", clean(f"One-on-one: {summary.name}"))
        if cfg.meeting_time is not None:
            start = dt.datetime.combine(date, cfg.meeting_time, tzinfo=tz)
            timed.append(date)
            _span(event, start, dt.timedelta(minutes=cfg.default_duration_minutes))
        else:
            _span(event, date, dt.timedelta(days=1))
        lines = []
        if summary.last_meeting:
            lines.append(f"Last one-on-one: {summary.last_meeting.isoformat()}")
        lines.append(f"Open commitments: {summary.open}" + (f" ({summary.overdue} overdue)"
                                                            if summary.overdue else ""))
        lines.append(f"Agenda: {summary.next_note}" if summary.next_note
                     else f"Agenda: onenotes new {summary.rep}")
        event.add("description", "\n".join(clean(line) for line in lines))
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    wanted = set(chosen)
    for entry in followups_order([e for e in entries if e.rep in wanted and e.due is not None]):
        rep_name = book.rep_name(entry.rep)
        owner = rep_name if entry.owner == "rep" else (cfg.manager or "manager")
        event = Event()
        event.add("uid", uid("commitment", entry.rep, entry.id))
        event.add("dtstamp", stamp)
        if entry.private:  # no words in a file that may be imported anywhere or handed on
            event.add("summary", clean(f"Due: a private commitment ({owner})"))
            event.add("class", "PRIVATE")  # (a shared calendar shows it as busy, no more)
        else:
            event.add("summary", clean(f"Due: {entry.label} ({owner})"))
        _span(event, entry.due, dt.timedelta(days=1))
        details = [f"Commitment {entry.id} from the one-on-ones with {rep_name}",
                   f"Owner: {owner}"]
        if entry.since:
            details.append(f"Made: {entry.since.isoformat()}")
        details.append(f"Noted in: {entry.source}")
        event.add("description", "\n".join(clean(line) for line in details))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    if tz is not None and timed:
        # The zone's rules for the years the events fall in, not 1970-2038.
        cal.add_missing_timezones(dt.date(min(timed).year, 1, 1),
                                  dt.date(min(max(timed).year + 2, dt.MAXYEAR), 1, 1))
    return cal.to_ical()


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
