"""Accountability per rep: what became of the commitments one owner made, and the
kept-on-time rate, the number a manager brings to a performance talk.

Over one owner's commitments (the rep's own by default, or the manager's to
that rep): made, and what became of them, every commitment in exactly one count
(see :class:`RepAccountability`).  Whether one was kept on time is
:meth:`onenotes.rules.commitments.Entry.timeliness`; whether it is escalated,
:func:`onenotes.rules.commitments.should_escalate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from onenotes.rules.commitments import Entry, build_ledger, should_escalate

if TYPE_CHECKING:  # (types only: the rules read no files)
    from onenotes.reading.notebook import Notebook

OWNERS = ("rep", "manager")


@dataclass
class RepAccountability:
    """One rep's row: the commitments of one owner (``owner``: the rep's own, or the
    manager's to the rep) made in the period, each in exactly one of the counts
    from ``kept_on_time`` to ``open`` (:meth:`parts` names them; they add up to
    ``made``).  ``open_overdue`` and ``escalate`` are parts of ``open``."""

    rep: str
    owner: str  # whose commitments: rep or manager
    made: int
    kept_on_time: int  # done, on time (Entry.timeliness)
    kept_late: int  # done, late
    done_date_unknown: int  # done, closed at a meeting: whether on time cannot be told, never late
    done_without_due: int  # done, no due date
    dropped: int
    open: int
    open_overdue: int  # of the open ones, past their due date
    escalate: int  # of the open ones, carried more than escalate_after times
    kept_on_time_rate: float | None  # kept on time / (kept on time + kept late); None when neither

    PARTS = ("kept_on_time", "kept_late", "done_date_unknown", "done_without_due", "dropped", "open")

    def parts(self) -> dict[str, int]:
        """The counts that make up ``made``: each commitment is in exactly one."""
        return {name: getattr(self, name) for name in self.PARTS}


def kept_on_time_rate(on_time: int, late: int) -> float | None:
    """The share of commitments done on time among those done on time or late (rounded
    to 4 places); done with the date unknown, done without a due date, dropped and
    open ones are not in it.  None when there are none."""
    judged = on_time + late
    return round(on_time / judged, 4) if judged else None


def rep_accountability(rep: str, owner: str, entries: list[Entry], today: dt.date,
                       escalate_after: int) -> RepAccountability:
    """The row of ``entries`` (one rep's commitments of one owner)."""
    timeliness = [e.timeliness() for e in entries]
    on_time, late = timeliness.count("on_time"), timeliness.count("late")
    return RepAccountability(
        rep, owner, len(entries), on_time, late, timeliness.count("unknown"),
        sum(e.status == "done" and e.due is None for e in entries),
        sum(e.status == "dropped" for e in entries),
        sum(e.status == "open" for e in entries),
        sum(e.days_overdue(today) > 0 for e in entries),
        sum(should_escalate(e, escalate_after) for e in entries),
        kept_on_time_rate(on_time, late),
    )


def accountability(book: Notebook, *, today: dt.date, rep: str | None = None,
                   since: dt.date | None = None, owner: str = "rep") -> list[RepAccountability]:
    """Per rep, over the commitments ``owner`` (rep or manager) made on or after ``since``."""
    ledger = build_ledger(book.notes)
    reps = [rep] if rep else book.reps()
    result = []
    for slug in reps:
        mine = [e for e in ledger if e.rep == slug and e.owner == owner
                and (since is None or (e.since and e.since >= since))]
        result.append(rep_accountability(slug, owner, mine, today, book.config.escalate_after))
    return result
