"""``onenotes commitments``: the ledger's history, one row per commitment.

Per commitment: when it was made, how many meetings carried it, every due-date
change (a slip), when and how it was closed, and whether it was kept on time
(:meth:`onenotes.rules.commitments.Entry.timeliness`).
Whether one is escalated is :func:`onenotes.rules.commitments.should_escalate`.
The per-rep counts (accountability) are :mod:`onenotes.rules.accountability`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from onenotes.rules.commitments import Entry, build_ledger, should_escalate

if TYPE_CHECKING:
    from onenotes.reading.notebook import Notebook

STATUSES = ("open", "done", "dropped", "all")


def _iso(value):
    return value.isoformat() if value else None


# The keys of one ``commitments --format json`` (and csv) record, in order.
COMMITMENT_KEYS = ("id", "rep", "text", "owner", "status", "due", "since", "times_carried", "slips",
                   "due_changes", "closed_on", "closed_on_exact", "closed_in", "timeliness", "kept_on_time",
                   "days_overdue", "escalate", "source", "line", "private", "parent", "label")


def commitment_row(e: Entry, today: dt.date, escalate_after: int) -> dict:
    timeliness = e.timeliness()
    return {
        "id": e.id, "rep": e.rep, "text": e.text, "owner": e.owner, "status": e.status,
        "due": _iso(e.due), "since": _iso(e.since), "times_carried": e.times_carried,
        "slips": len(e.slips),
        "due_changes": [{"in_note_of": _iso(d), "from": _iso(a), "to": _iso(b)} for d, a, b in e.slips],
        "closed_on": _iso(e.closed_on), "closed_on_exact": e.closed_on_exact if e.status != "open" else None,
        "closed_in": e.closed_in, "timeliness": timeliness,
        "kept_on_time": {"on_time": True, "late": False}.get(timeliness),  # None: not judged (unknown too)
        "days_overdue": e.days_overdue(today),
        "escalate": should_escalate(e, escalate_after),
        "source": e.source, "line": e.line, "private": e.private, "parent": e.parent, "label": e.label,
    }


def commitments(book: Notebook, *, today: dt.date, rep: str | None = None,
                status: str = "open") -> list[dict]:
    entries = [e for e in build_ledger(book.notes) if rep is None or e.rep == rep]
    if status != "all":
        entries = [e for e in entries if e.status == status]
    entries.sort(key=lambda e: (e.rep, e.since or dt.date.min, e.source, e.line))
    return [commitment_row(e, today, book.config.escalate_after) for e in entries]
