"""The commitment ledger's history: per commitment, and per rep (accountability).

Per commitment: when it was made, how many meetings carried it, every due-date
change (a slip), when and how it was closed, and whether it was kept on time.
Per rep: made, kept on time, kept late, dropped, open, open and overdue, and
the kept-on-time rate, the number a manager brings to a performance talk.
A commitment carried more than ``escalate_after`` times is flagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from onenotes.ledger import Entry, build_ledger
from onenotes.notebook import Notebook

STATUSES = ("open", "done", "dropped", "all")


def _iso(value):
    return value.isoformat() if value else None


# The keys of one ``commitments --format json`` (and csv) record, in order.
COMMITMENT_KEYS = ("id", "rep", "text", "owner", "status", "due", "since", "times_carried", "slips",
                   "due_changes", "closed_on", "closed_in", "kept_on_time", "days_overdue", "escalate",
                   "source", "line", "private", "parent", "label")


def commitment_row(e: Entry, today: dt.date, escalate_after: int) -> dict:
    kept = e.kept_on_time()
    return {
        "id": e.id, "rep": e.rep, "text": e.text, "owner": e.owner, "status": e.status,
        "due": _iso(e.due), "since": _iso(e.since), "times_carried": e.times_carried,
        "slips": len(e.slips),
        "due_changes": [{"in_note_of": _iso(d), "from": _iso(a), "to": _iso(b)} for d, a, b in e.slips],
        "closed_on": _iso(e.closed_on), "closed_in": e.closed_in, "kept_on_time": kept,
        "days_overdue": e.days_overdue(today),
        "escalate": e.status == "open" and e.times_carried > escalate_after,
        "source": e.source, "line": e.line, "private": e.private, "parent": e.parent, "label": e.label,
    }


def commitments(book: Notebook, *, today: dt.date, rep: str | None = None,
                status: str = "open") -> list[dict]:
    entries = [e for e in build_ledger(book.notes) if rep is None or e.rep == rep]
    if status != "all":
        entries = [e for e in entries if e.status == status]
    entries.sort(key=lambda e: (e.rep, e.since or dt.date.min, e.source, e.line))
    return [commitment_row(e, today, book.config.escalate_after) for e in entries]


@dataclass
class RepAccountability:
    rep: str
    made: int
    kept_on_time: int
    kept_late: int
    done_without_due: int
    dropped: int
    open: int
    open_overdue: int
    escalate: int
    kept_on_time_rate: float | None  # kept on time / (kept on time + kept late)


def accountability(book: Notebook, *, today: dt.date, rep: str | None = None,
                   since: dt.date | None = None) -> list[RepAccountability]:
    """Per rep, over the commitments made on or after ``since``."""
    ledger = build_ledger(book.notes)
    reps = [rep] if rep else book.reps()
    result = []
    for slug in reps:
        mine = [e for e in ledger if e.rep == slug and (since is None or (e.since and e.since >= since))]
        on_time = sum(e.kept_on_time() is True for e in mine)
        late = sum(e.kept_on_time() is False for e in mine)
        judged = on_time + late
        result.append(RepAccountability(
            slug, len(mine), on_time, late,
            sum(e.status == "done" and e.kept_on_time() is None for e in mine),
            sum(e.status == "dropped" for e in mine),
            sum(e.status == "open" for e in mine),
            sum(e.days_overdue(today) > 0 for e in mine),
            sum(e.status == "open" and e.times_carried > book.config.escalate_after for e in mine),
            round(on_time / judged, 4) if judged else None,
        ))
    return result
