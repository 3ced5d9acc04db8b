"""The commitment ledger as it was first written (onenotes/ledger.py, now onenotes/rules/commitments.py,
before its fold was made faster): tests/rules/test_ledger_reference.py checks the real one against it."""

from __future__ import annotations

import datetime as dt

from onenotes.rules.commitments import Entry


def build_ledger(notes):
    """One :class:`Entry` per (rep, id), from all notes, in a stable order."""
    ordered = []
    for note in notes:
        for mention in note.mentions:
            ordered.append((note, mention))
    ordered.sort(key=lambda nm: (nm[0].rep, nm[0].sort_key, nm[1].line))
    # Added with issue 15: a task carried under its former id is folded under it.
    counts = {}
    for note, m in ordered:
        counts[note.rep, m.id] = counts.get((note.rep, m.id), 0) + 1
    entries = {}
    seen_in = {}  # (rep, id) -> the notes of its mentions so far (added with issue 16)
    for note, m in ordered:
        cid = m.id
        if m.former_id is not None and counts.get((note.rep, m.former_id)) and counts[note.rep, m.id] == 1:
            cid = m.former_id
        key = (note.rep, cid)
        entry = entries.get(key)
        since_candidates = [d for d in (m.since, note.date) if d is not None]
        if entry is None:
            entry = Entry(cid, note.rep, m.text, m.owner, "open", m.due, m.due_raw,
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
            # Added with issue 16: whether the note gave the date, and the latest other note that listed it open.
            entry.closed_on_exact = m.done_on is not None
            earlier = [n.date for n in seen_in.get(key, []) if n.path != note.path]
            entry.last_open_on = earlier[-1] if earlier else None
            entry.reason = m.reason
        entry.mentions.append((note.path, note.date, m.line))
        seen_in.setdefault(key, []).append(note)
        entry.parent = m.parent  # the latest mention's (added with issue 15)
        entry.private = entry.private or m.private
    for (rep, _), entry in entries.items():  # a sub-task's context: its parents' texts, outermost first
        texts, seen, parent = [], {entry.id}, entries.get((rep, entry.parent))
        while parent is not None and parent.id not in seen:
            if parent.private and not entry.private:
                texts = []
                break
            texts.insert(0, parent.text)
            seen.add(parent.id)
            parent = entries.get((rep, parent.parent))
        entry.context = " \u203a ".join(texts) or None
    return sorted(entries.values(), key=lambda e: (e.rep, e.since or dt.date.min, e.source, e.line))

