"""Rules ``check`` applies across a rep's notes: the same promise made twice.

A manager who ticks a carried commitment by typing it again in the body
(``- [x] Send Vandelay renewal quote``) makes a second commitment, done,
while the first stays open and goes overdue.  Nothing in either note is
wrong on its own; side by side they are a likely duplicate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from onenotes.errors import Problem
from onenotes.rules.commitments import Entry, build_ledger

if TYPE_CHECKING:  # (types only: the rules read no files)
    from onenotes.reading.note import Note


def promise_key(text: str) -> str:
    """What two texts must share to be taken for one promise: their words, whatever
    the case, spacing or closing punctuation."""
    return " ".join(text.casefold().split()).rstrip(" .!;,")


def likely_duplicates(notes: list[Note], entries: list[Entry] | None = None) -> list[Problem]:
    """A warning for each body task that reads like another open commitment of the
    same rep, made in an earlier note (or earlier the same day) under another id."""
    if entries is None:
        entries = build_ledger(notes)
    open_by_words: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        if entry.status == "open" and promise_key(entry.text):
            open_by_words.setdefault((entry.rep, promise_key(entry.text)), []).append(entry)
    found = []
    for note in notes:
        stated = {m.id for m in note.mentions if m.origin == "frontmatter"}  # with their review items
        for m in note.mentions:
            if m.origin != "body" or m.id in stated:
                continue
            for other in open_by_words.get((note.rep, promise_key(m.text)), ()):
                made_in = other.mentions[0][0] if other.mentions else other.source
                if other.id == m.id or made_in == note.path or (other.since and other.since > note.date):
                    continue
                if m.parent != other.parent and (m.parent is not None or other.parent is not None):
                    continue  # the same step of two different promises ("Send the agenda")
                found.append(Problem(
                    note.path, m.line, 0, "warning", "likely-duplicate",
                    f"this task reads like commitment {other.id!r} ({other.source}:{other.line}), which is "
                    "still open: two ids, one promise?",
                    f"to close that one, tick its review item or run `onenotes done {other.id}`; to make "
                    f"this task that commitment, add [id:: {other.id}] to it"))
                break
    return found


def rep_likely_duplicates(rep: str, notes: list[Note], config) -> list[Problem]:
    """:func:`likely_duplicates` as one of ``check``'s rules over a rep's notes."""
    return likely_duplicates(notes)
