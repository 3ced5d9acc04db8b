"""The commitment ledger: every note's mentions folded into one entry per commitment.

A commitment is identified by its rep and id.  It is open until any note marks
it done or dropped; its text, owner and due date are those of the latest note
that mentions it (due dates get renegotiated); ``since`` is the date it was
first made.  The same commitment carried through five notes is one entry.
Whether a done commitment was kept on time is :meth:`Entry.timeliness`.
The result does not depend on the order the notes were read in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # no parser import for a ledger read from the cache
    from onenotes.reading.note import Mention, Note


@dataclass
class Entry:
    """One commitment of one rep, folded from every note that mentions it."""

    id: str
    rep: str
    text: str
    owner: str
    status: str  # open, done or dropped
    due: dt.date | None
    due_raw: str | None
    since: dt.date | None
    source: str  # the latest note that mentions it
    line: int
    closed_in: str | None = None
    closed_on: dt.date | None = None  # an explicit done_on, else the date of the closing note
    reason: str | None = None  # why it was dropped, as the closing note says
    mentions: list[tuple[str, dt.date, int]] = field(default_factory=list)
    slips: list[tuple[dt.date, dt.date | None, dt.date | None]] = field(default_factory=list)
    # (note date, due before, due after) for every note that moved the due date
    private: bool = False  # private for its whole life: any note made or listed it in a private part
    parent: str | None = None  # the id of the commitment it is a sub-task of (the latest note's say)
    context: str | None = None  # the parent's text (its own parents' first, joined by " › ")
    closed_on_exact: bool = False  # closed_on is the date the closing note gives (done_on, ✅ DATE), not its own date
    last_open_on: dt.date | None = None  # the date of the latest earlier note that listed it open, before
    # the note that closed it (None: made and closed in one note); see timeliness()

    @property
    def label(self) -> str:
        """The text as listings show it: a sub-task after its parent's (``Parent › child``)."""
        return f"{self.context} › {self.text}" if self.context else self.text

    @property
    def times_carried(self) -> int:
        """How many later notes repeated it after the one it was made in."""
        return max(0, len({d for _, d, _ in self.mentions}) - 1)

    def timeliness(self) -> str | None:
        """Whether a done commitment with a due date was kept on time: ``"on_time"``,
        ``"late"`` or ``"unknown"``; None when it is not done or has no due date.

        With an exact done date (``done_on:``, ``✅ DATE``, ``onenotes done``) it is on
        time when done on or before its due date, late after it.

        Closed in a meeting's note without a date, all the note tells is that it was
        done some time after the previous meeting where it was open and by this one:

        * on time when it was due on or after this meeting;
        * late when it was already overdue at that previous meeting (due before it);
        * otherwise (due between the two meetings, or made and closed in this one
          note and due before it) it is "unknown": done, date unknown, never late.
        """
        if self.status != "done" or self.due is None:
            return None
        if self.closed_on is None:  # (closed in a note without a date: never in a notebook)
            return "unknown"
        if self.closed_on_exact:
            return "on_time" if self.closed_on <= self.due else "late"
        if self.due >= self.closed_on:
            return "on_time"
        if self.last_open_on is not None and self.due < self.last_open_on:
            return "late"
        return "unknown"

    def days_overdue(self, today: dt.date) -> int:
        if self.status != "open" or self.due is None or self.due >= today:
            return 0
        return (today - self.due).days


def build_ledger(notes: list[Note]) -> list[Entry]:
    """One :class:`Entry` per (rep, id), from all notes, in a stable order."""
    # rep -> id -> entry (one table per rep, most often the only one: no (rep, id) key to
    # make for each mention).  A rep's entries keep the order they came in, and no two
    # reps' entries tie in the order below, so their order is the one a single table gave.
    tables: dict[str, dict[str, Entry]] = {}
    former = _former_ids(notes)
    for note, mentions in _mentions_in_order(notes):
        rep, date, path = note.rep, note.date, note.path
        entries = tables.get(rep)
        if entries is None:
            entries = tables[rep] = {}
        get = entries.get
        for m in mentions:
            cid = m.id if not former or m.former_id is None else former.get((rep, m.id), m.id)
            entry = get(cid)
            # The earlier of the mention's since and the note's date, of those set (None:
            # neither), compared as min() compares them.
            since = m.since
            if since is None:
                earliest = date
            elif date is not None and date < since:
                earliest = date
            else:
                earliest = since
            if entry is None:
                if earliest is None:
                    raise ValueError("min() arg is an empty sequence")  # as min() of no candidates did
                entry = entries[cid] = Entry(cid, rep, m.text, m.owner, "open", m.due, m.due_raw, earliest, path,
                                             m.line, parent=m.parent)
            else:
                due = m.due
                if due != entry.due and entry.status == "open":
                    entry.slips.append((date, entry.due, due))
                entry.text, entry.owner, entry.due, entry.due_raw = m.text, m.owner, due, m.due_raw
                entry.source, entry.line, entry.parent = path, m.line, m.parent
                if entry.since:
                    if earliest is not None and earliest < entry.since:
                        entry.since = earliest
                else:
                    if earliest is None:
                        raise ValueError("min() arg is an empty sequence")
                    entry.since = earliest
            if m.status != "open" and entry.status == "open":
                entry.status = m.status
                entry.closed_in = path
                entry.closed_on = m.done_on or date
                entry.closed_on_exact = m.done_on is not None
                entry.last_open_on = _last_open_on(entry.mentions, path)
                entry.reason = m.reason
            if m.private:
                entry.private = True
            entry.mentions.append((path, date, m.line))
    for entries in tables.values():
        _fill_context(entries)
    # Every entry's since is a date here (the min above never gives None), so
    # "since or date.min" in the order below is since itself.
    if len(tables) == 1:
        return sorted(entries.values(), key=_ENTRY_ORDER)
    return sorted([entry for entries in tables.values() for entry in entries.values()], key=_ENTRY_ORDER)


def _last_open_on(mentions: list[tuple[str, dt.date, int]], closing: str) -> dt.date | None:
    """The date of the latest note before the closing one (``closing``, a path) among a
    commitment's mentions so far: every one of them lists it open (the first close
    closes it).  None when only the closing note mentions it."""
    for path, date, _ in reversed(mentions):
        if path != closing:
            return date
    return None


def _former_ids(notes: list[Note]) -> dict[tuple[str, str], str]:
    """(rep, id) -> the id to fold a task under instead: its former id (see
    :func:`onenotes.reading.taskfields.former_words`) when another mention states that
    id and none but the task itself has its new one (its commitment was carried
    under the former id, before the words-only rule)."""
    tasks = [(note.rep, m) for note in notes for m in note.mentions if m.former_id is not None]
    if not tasks:
        return {}
    counts: dict[tuple[str, str], int] = {}
    for note in notes:
        for m in note.mentions:
            counts[note.rep, m.id] = counts.get((note.rep, m.id), 0) + 1
    return {(rep, m.id): m.former_id for rep, m in tasks
            if counts.get((rep, m.former_id)) and counts[rep, m.id] == 1}


def _fill_context(entries: dict[str, Entry]) -> None:
    """Each sub-task's context: its parents' texts, outermost first.

    A parent no note mentions, or a cycle, ends the chain.  A private parent's
    text never becomes the context of a sub-task that is not private (the
    sub-task is then listed alone), so that no shared listing can show it.
    """
    for entry in entries.values():
        if entry.parent is None:
            continue
        chain, seen, parent = [], {entry.id}, entries.get(entry.parent)
        while parent is not None and parent.id not in seen:
            if parent.private and not entry.private:
                chain = []
                break
            chain.append(parent.text)
            seen.add(parent.id)
            parent = entries.get(parent.parent) if parent.parent is not None else None
        entry.context = " \u203a ".join(reversed(chain)) or None


_ENTRY_ORDER = attrgetter("rep", "since", "source", "line")
_LINE = attrgetter("line")


def _mentions_in_order(notes: list[Note]) -> list[tuple[Note, list[Mention]]]:
    """Every (note, mentions) in the order of (note.rep, note.sort_key, mention.line), stably.

    The notes are sorted once, and each note's mentions by line: the same order as
    sorting every (note, mention) pair, as long as no two notes share (rep, sort_key)
    (their mentions would interleave by line).  That takes the same note twice, which
    a notebook never holds; when it happens, every pair is sorted (and each comes
    as a note with one mention).
    """
    notes = [note for note in notes if note.mentions]  # (a note without any is never compared)
    keys = [(note.rep, note.sort_key) for note in notes]
    order = sorted(range(len(notes)), key=keys.__getitem__)
    for i in range(1, len(order)):
        if keys[order[i - 1]] == keys[order[i]]:
            pairs = [(note, mention) for note in notes for mention in note.mentions]
            pairs.sort(key=lambda nm: (nm[0].rep, nm[0].sort_key, nm[1].line))
            return [(note, [mention]) for note, mention in pairs]
    ordered: list[tuple[Note, list[Mention]]] = []
    for i in order:
        note = notes[i]
        mentions = note.mentions
        ordered.append((note, sorted(mentions, key=_LINE) if len(mentions) > 1 else mentions))
    return ordered


def closing_status(*mentions: Mention) -> str:
    """The status of a commitment that these mentions state in one note, in the order of
    their lines: the first close (done or dropped) wins; open when none closes it."""
    return next((m.status for m in mentions if m.status != "open"), "open")


def should_escalate(entry: Entry, escalate_after: int, *, at_next_meeting: bool = False) -> bool:
    """Whether a commitment is to be escalated: it is open and has been carried to more
    later meetings than ``escalate_after`` (``onenotes.yaml``, default 3).

    ``at_next_meeting``: as it will stand at the next meeting, whose note carries it
    once more (what ``new`` writes in that meeting's agenda): carried ``escalate_after``
    times so far is then enough.
    """
    if entry.status != "open":
        return False
    carried = entry.times_carried + 1 if at_next_meeting else entry.times_carried
    return carried > escalate_after


def open_commitments(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.status == "open"]


def followups_order(entries: list[Entry]) -> list[Entry]:
    """By due date (undated last), then rep, then when it was made, then place in the note."""
    return sorted(entries, key=lambda e: (e.due is None, e.due or dt.date.max, e.rep,
                                          e.since or dt.date.min, e.source, e.line))
