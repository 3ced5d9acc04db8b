"""The commitment ledger: every note's mentions folded into one entry per commitment.

A commitment is identified by its rep and id.  It is open until any note marks
it done or dropped; its text, owner and due date are those of the latest note
that mentions it (due dates get renegotiated); ``since`` is the date it was
first made.  The same commitment carried through five notes is one entry
(:func:`build_ledger`); the result does not depend on the order the notes were
read in.

The rules about one commitment:

* whether a done one was kept on time: :meth:`Entry.timeliness`;
* how many meetings carried it: :attr:`Entry.times_carried`;
* when it is escalated: :func:`should_escalate`;
* how overdue it is: :meth:`Entry.days_overdue`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (types only: the rules read no files)
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
        """Days past its due date on ``today``: 0 when it is closed, has no due date or is not late."""
        if self.status != "open" or self.due is None or self.due >= today:
            return 0
        return (today - self.due).days


def build_ledger(notes: list[Note]) -> list[Entry]:
    """One :class:`Entry` per (rep, id), from all notes, in a stable order.

    Every mention is folded in meeting order (a rep's notes by date, then each
    note's mentions by line): the first makes the entry, each later one restates
    it (:func:`_restate`), and the first that closes it closes it (:func:`_close`).
    """
    ledgers: dict[str, dict[str, Entry]] = {}  # rep -> commitment id -> entry
    former = _former_ids(notes)
    for note, mention in _mentions_in_order(notes):
        ledger = ledgers.setdefault(note.rep, {})
        cid = former.get((note.rep, mention.id), mention.id)
        entry = ledger.get(cid)
        if entry is None:
            entry = ledger[cid] = Entry(cid, note.rep, mention.text, mention.owner, "open", mention.due,
                                        mention.due_raw, _earliest(mention.since, note.date), note.path,
                                        mention.line, parent=mention.parent)
        else:
            _restate(entry, note, mention)
        if mention.status != "open" and entry.status == "open":
            _close(entry, note, mention)
        if mention.private:
            entry.private = True
        entry.mentions.append((note.path, note.date, mention.line))
    for ledger in ledgers.values():
        _fill_context(ledger)
    entries = [entry for ledger in ledgers.values() for entry in ledger.values()]
    return sorted(entries, key=lambda e: (e.rep, e.since, e.source, e.line))


def _earliest(*days: dt.date | None) -> dt.date:
    """The earliest of the dates that are set (ValueError when none is)."""
    return min(day for day in days if day is not None)


def _restate(entry: Entry, note: Note, mention: Mention) -> None:
    """A later note mentions the commitment again: its text, owner, due date and place are
    now that note's (a moved due date of an open one is a slip); it was made on the
    earliest date any note gives."""
    if mention.due != entry.due and entry.status == "open":
        entry.slips.append((note.date, entry.due, mention.due))
    entry.text, entry.owner, entry.due, entry.due_raw = mention.text, mention.owner, mention.due, mention.due_raw
    entry.source, entry.line, entry.parent = note.path, mention.line, mention.parent
    entry.since = _earliest(entry.since, mention.since, note.date)


def _close(entry: Entry, note: Note, mention: Mention) -> None:
    """The first note that marks the commitment done or dropped closes it, on the date it
    gives (``done_on``, ``✅ DATE``), else on the note's own date."""
    entry.status = mention.status
    entry.closed_in = note.path
    entry.closed_on = mention.done_on or note.date
    entry.closed_on_exact = mention.done_on is not None
    entry.last_open_on = _last_open_on(entry.mentions, note.path)
    entry.reason = mention.reason


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
            parent = entries.get(parent.parent)
        entry.context = " \u203a ".join(reversed(chain)) or None


def _mentions_in_order(notes: list[Note]) -> list[tuple[Note, Mention]]:
    """Every (note, mention), ordered by the note's rep, the note's place in the rep's
    meetings (:attr:`Note.sort_key`), and the mention's line; stably."""
    pairs = [(note, mention) for note in notes for mention in note.mentions]
    return sorted(pairs, key=lambda pair: (pair[0].rep, pair[0].sort_key, pair[1].line))


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
    """The entries still open."""
    return [e for e in entries if e.status == "open"]


def followups_order(entries: list[Entry]) -> list[Entry]:
    """By due date (undated last), then rep, then when it was made, then place in the note."""
    return sorted(entries, key=lambda e: (e.due is None, e.due or dt.date.max, e.rep,
                                          e.since or dt.date.min, e.source, e.line))
