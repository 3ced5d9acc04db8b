"""``onenotes brief REP``: a one-screen pre-meeting brief for the manager.

Since the last meeting: what changed in the KPIs, commitments opened, closed
and coming due; the diagnosis; the upcoming calls noted last time; the
coaching plan's current focus. Rendered as Markdown (template ``brief``) so it
pastes into an e-mail or a chat.
"""

from __future__ import annotations

import datetime as dt

from onenotes.views.agenda import agenda_questions, note_body, upcoming_calls
from onenotes.rules.diagnosis import diagnose
from onenotes.rules.kpis import scorecard
from onenotes.rules.commitments import build_ledger
from onenotes.reading.notebook import Notebook
from onenotes.views.templates import render
from onenotes.rules.schedule import next_meeting


def build_brief(book: Notebook, rep: str, today: dt.date) -> dict:
    upto = book.as_of(today)  # the figures and the diagnosis as of the brief's day, as its meetings
    notes = upto.notes_of(rep)
    last = notes[-1] if notes else None
    previous = notes[-2] if len(notes) > 1 else None
    rows = scorecard(upto, rep, last=2)
    entries = [e for e in build_ledger(book.notes) if e.rep == rep]
    last_date = last.date if last else None
    opened = [e for e in entries if last_date and e.since == last_date]
    closed = [e for e in entries if e.status != "open" and last_date and e.closed_on and
              previous and previous.date < e.closed_on <= last_date]
    open_now = [e for e in entries if e.status == "open"]
    try:
        due_next = next_meeting(last_date, today, book.config.cadence, book.config.meeting_day)
    except OverflowError:
        due_next = None
    coming_due = [e for e in open_now if e.due is not None and (due_next is None or e.due <= due_next)]
    coaching = next((n.coaching_plan for n in reversed(notes) if n.coaching_plan), {})
    meeting = last_date if last_date is not None and last_date >= today else (due_next or today)
    before = book.as_of(meeting - dt.timedelta(days=1))
    found = diagnose(before, rep)
    return {
        "rep": {"slug": rep, "name": book.rep_name(rep)},
        "today": today,
        "last": None if last is None else {"date": last.date, "path": last.path,
                                           "days_ago": (today - last.date).days},
        "next_meeting": due_next,
        "kpis": [vars(r) for r in rows],
        # Read as the agenda of the coming meeting reads them (its own, once written): from
        # the notes before it, so that the brief and the agenda ask the same questions.
        "diagnosis": {**vars(found), "questions": agenda_questions(before, rep, meeting, found)},
        "opened": [_c(e, today) for e in opened],
        "closed": [_c(e, today) for e in closed],
        "due": [_c(e, today) for e in sorted(coming_due, key=lambda e: e.due)],
        "open_count": len(open_now),
        "upcoming_calls": "\n".join(f"- {call}" for call in upcoming_calls(note_body(book.root, last.path)))
                          if last else "",
        "coaching_plan": coaching,
    }


def _c(e, today):
    return {"id": e.id, "text": e.text, "label": e.label, "owner": e.owner, "due": e.due, "status": e.status,
            "private": e.private,
            "days_overdue": e.days_overdue(today), "slips": len(e.slips)}


def render_brief(book: Notebook, rep: str, today: dt.date) -> str:
    return render("brief", build_brief(book, rep, today), book.root / "templates")
