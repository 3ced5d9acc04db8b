"""One note file: its bytes, read safely, and the :class:`~onenotes.reading.note.Note` parsed from them.

Every command reads notes through these functions, directly (the commands that
edit notes, ``check`` linting a note) or through the cache
(:mod:`onenotes.reading.cache`).  A note that cannot be read is a
:class:`~onenotes.errors.NoteError` carrying the problem to report, never
another exception.  The parser itself is imported only when a note is parsed.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import TYPE_CHECKING

from onenotes.errors import NoteError, Problem
from onenotes.reading.files import read_file
from onenotes.reading.layout import NOTE_NAME, note_identity

if TYPE_CHECKING:
    from onenotes.reading.note import Note, ReadOptions


def read_note(root: str | os.PathLike, rel: str, options: ReadOptions) -> Note:
    """Read and parse one note; :class:`NoteError` when it cannot be read."""
    return parse_note_bytes(rel, note_bytes(root, rel), options)


def note_bytes(root: str | os.PathLike, rel: str) -> bytes:
    """A note's bytes; :class:`NoteError` when it cannot be read."""
    return note_file(root, rel)[0]


def _parser():
    """The note parser, imported when the first note is parsed, not with this module: a
    warm run parses none (an import statement in the functions below would run twice a note)."""
    note = sys.modules.get("onenotes.reading.note")
    if note is None:
        from onenotes.reading import note
    return note


def note_file(root: str | os.PathLike, rel: str) -> tuple[bytes, os.stat_result]:
    """A note's bytes and its stat as opened; :class:`NoteError` when it cannot be read."""
    MAX_NOTE_BYTES = _parser().MAX_NOTE_BYTES
    _identity(rel)
    try:
        return read_file(os.path.join(root, rel), MAX_NOTE_BYTES)
    except ValueError as exc:
        raise NoteError(Problem(rel, 0, 0, "warning", "too-large",
                                f"note is {exc}, over the {MAX_NOTE_BYTES // 1024} KiB limit; skipped",
                                "move attachments or pasted data out of the note")) from None
    except OSError as exc:
        raise NoteError(Problem(rel, 0, 0, "warning", "unreadable",
                                f"cannot read: {exc.strerror or exc}",
                                "a note must be a regular file onenotes may read; "
                                "check its permissions")) from None


def parse_note_bytes(rel: str, data: bytes, options: ReadOptions, commitments_only: bool = False) -> Note:
    """Decode and parse the bytes of the note at ``rel``; :class:`NoteError` when it cannot be read.

    ``commitments_only``: see :func:`onenotes.reading.note.parse_note` (no metrics, plans or
    their problems): only the cache asks for it, for the index it keeps."""
    note = _parser()
    rep, date, seq = _identity(rel)
    return note.parse_note(note.decode(data, rel), rel, rep, date, seq, options, commitments_only)


_last_identity: tuple = (None, None)  # (rel, identity) of the note read last


def _identity(rel: str) -> tuple[str, dt.date, int]:
    """(rep, date, seq) of the note at ``rel``; :class:`NoteError` when its name is not a note's.

    Reading a note asks twice (:func:`note_file`, then :func:`parse_note_bytes`): the
    answer for the path asked last is kept."""
    global _last_identity
    last_rel, ident = _last_identity
    if rel == last_rel:
        return ident
    ident = note_identity(rel)
    if ident is None:
        named = NOTE_NAME.match(rel.rsplit("/", 1)[-1])
        if named:  # shaped like a date, but no such day: say what is wrong with it
            from onenotes.dates import date_mistake

            day = named.group(1)
            mistake = date_mistake(int(day[:4]), int(day[5:7]), int(day[8:10]))
            raise NoteError(Problem(rel, 0, 0, "error", "note-name", f"not a note name: {day} is not a real date",
                                    f"{mistake}; rename the file"))
        raise NoteError(Problem(rel, 0, 0, "error", "note-name",
                                "not a note name", "name notes YYYY-MM-DD.md"))
    _last_identity = (rel, ident)
    return ident
