"""Every rep at a glance: notes, last and next one-on-one, open and overdue commitments.

``last_meeting`` is the latest note dated on or before today (as in
``onenotes cadence``).  ``next_meeting`` is the earliest note dated after
today when its agenda is already written (``next_planned``), else the next
meeting by the cadence and meeting day, never before today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from onenotes.rules.commitments import build_ledger, open_commitments
from onenotes.reading.notebook import Notebook
from onenotes.rules.schedule import next_meeting

# The keys of one row of ``reps --format json``, in order (documented).
REP_KEYS = ("rep", "name", "notes", "last_meeting", "next_meeting", "next_planned",
            "next_note", "open", "overdue")


@dataclass
class RepSummary:
    rep: str
    name: str
    notes: int
    last_meeting: dt.date | None
    next_meeting: dt.date | None  # None only at the end of the calendar
    next_planned: bool  # a note for the next meeting exists already
    next_note: str | None  # its path
    open: int  # open commitments
    overdue: int  # of which past their due date


def rep_summaries(book: Notebook, today: dt.date, reps: list[str] | None = None) -> list[RepSummary]:
    cfg = book.config
    entries = open_commitments(build_ledger(book.notes))
    rows = []
    for slug in reps if reps is not None else book.reps():
        notes = book.notes_of(slug)
        held = [n for n in notes if n.date <= today]
        ahead = [n for n in notes if n.date > today]
        last = held[-1].date if held else None
        if ahead:
            upcoming, planned, path = ahead[0].date, True, ahead[0].path
        else:
            try:
                upcoming = next_meeting(last, today, cfg.cadence, cfg.meeting_day)
            except OverflowError:
                upcoming = None
            planned, path = False, None
        mine = [e for e in entries if e.rep == slug]
        rows.append(RepSummary(slug, book.rep_name(slug), len(notes), last, upcoming, planned, path,
                               len(mine), sum(1 for e in mine if e.days_overdue(today) > 0)))
    return rows
