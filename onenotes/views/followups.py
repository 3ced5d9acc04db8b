"""Open commitments across the notebook, filtered and sorted for ``followups``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from onenotes.errors import Problem
from onenotes.rules.commitments import followups_order, should_escalate
from onenotes.reading.notebook import Notebook

# The keys of one row in ``followups --format json``, in order (documented).
FOLLOWUP_KEYS = ("id", "rep", "text", "owner", "due", "since", "source", "line",
                 "overdue", "days_overdue", "private", "parent", "label")

# Problems inside readable notes that change what followups shows.
_LISTING_CODES = ("commitment-", "task-")


def listing_problems(book: Notebook) -> list[Problem]:
    """Notes skipped, and problems that change how commitments are listed (an unreadable
    due date, an odd task marker): every command that shows commitments warns of these."""
    problems = list(book.problems)
    problems.extend(p for p in book.note_problems() if p.code.startswith(_LISTING_CODES))
    return problems


@dataclass
class Followups:
    """What ``followups`` lists, and the warnings to show with it."""

    rows: list[dict]
    problems: list[Problem]  # notes skipped, unreadable dates, odd markers


def followups(book: Notebook, *, today: dt.date, rep: str | None = None, owner: str | None = None,
              overdue_only: bool = False, due_before: dt.date | None = None) -> Followups:
    entries = book.open_entries()  # (asked first: the notebook then reads no whole note)
    problems = listing_problems(book)
    if rep is not None:
        slug = book.resolve(rep)
        entries = [e for e in entries if e.rep == slug]
    if owner is not None:
        entries = [e for e in entries if e.owner == owner]
    if due_before is not None:
        entries = [e for e in entries if e.due is not None and e.due < due_before]
    if overdue_only:
        entries = [e for e in entries if e.days_overdue(today) > 0]
    rows = []
    for e in followups_order(entries):
        days = e.days_overdue(today)
        rows.append({
            "id": e.id, "rep": e.rep, "text": e.text, "owner": e.owner,
            "due": e.due.isoformat() if e.due else None,
            "since": e.since.isoformat() if e.since else None,
            "source": e.source, "line": e.line, "overdue": days > 0, "days_overdue": days,
            "due_raw": e.due_raw, "escalate": should_escalate(e, book.config.escalate_after),
            "private": e.private, "parent": e.parent, "label": e.label,
        })
    return Followups(rows, problems)
