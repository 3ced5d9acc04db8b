"""The commitment ledger as it was first written (onenotes/ledger.py, before its fold was
made faster): tests/test_ledger_fast.py checks the real one against it."""

from __future__ import annotations

import datetime as dt

from onenotes.ledger import Entry


def build_ledger(notes):
    """One :class:`Entry` per (rep, id), from all notes, in a stable order."""
    ordered = []
    for note in notes:
        for mention in note.mentions:
            ordered.append((note, mention))
    ordered.sort(key=lambda nm: (nm[0].rep, nm[0].sort_key, nm[1].line))
    entries = {}
    for note, m in ordered:
        key = (note.rep, m.id)
        entry = entries.get(key)
        since_candidates = [d for d in (m.since, note.date) if d is not None]
        if entry is None:
            entry = Entry(m.id, note.rep, m.text, m.owner, "open", m.due, m.due_raw,
                          min(since_candidates), note.path, m.line)
            entries[key] = entry
        else:
            if m.due != entry.due and entry.status == "open":
                entry.slips.append((note.date, entry.due, m.due))
            entry.text, entry.owner, entry.due, entry.due_raw = m.text, m.owner, m.due, m.due_raw
            entry.source, entry.line = note.path, m.line
            entry.since = min([entry.since, *since_candidates]) if entry.since else min(since_candidates)
        if m.status != "open" and entry.status == "open":
            entry.status = m.status
            entry.closed_in = note.path
            entry.closed_on = m.done_on or note.date
            entry.reason = m.reason
        entry.mentions.append((note.path, note.date, m.line))
    return sorted(entries.values(), key=lambda e: (e.rep, e.since or dt.date.min, e.source, e.line))

