"""Reading a notebook's notes through the cache, when a command first asks about them.

:func:`~onenotes.reading.notebook.load_notebook` makes a :class:`Loaded`, which
reads nothing until a command asks about the notes.  The first question decides
what is parsed:

* asked first for the open commitments (``followups``), the notes' keys or
  what ``check`` reads, it needs no whole note: each note that changed is parsed for its
  commitments only, and the cache keeps its commitments, its problems and, per
  rep, the open commitments as the ledger folds them.  A warm run reads the
  index (path and stat key of each note), the few notes with problems and the
  folded open commitments, and parses nothing;
* asked first for the notes, or for the problems found in them (most commands
  ask those, then read the notes), each note that changed is parsed whole, and
  the cache keeps the whole note too.

Whole notes asked for after a first question of the first kind are parsed then
(or decoded from the cache), and the cache keeps them from then on.  Without a
cache, every note is parsed whole at the first question.  A cache that turns out
to be damaged is replaced once; a row that does not decode is read again from
its note and the file is dropped, to be rebuilt next run.  What is printed is
the same either way.
"""

from __future__ import annotations

import os
import time

from onenotes.errors import NoteError, Problem
from onenotes.reading import notefile
from onenotes.reading.cache import key
from onenotes.reading.cache.codec import Damaged, decode, decode_checked, decode_entries, decode_mentions, \
    encode_entries, unpack
from onenotes.reading.cache.file import busy
from onenotes.reading.cache.parse import Row, parse_and_fold, parse_row, parse_rows, rep_counts, rep_of
from onenotes.reading.cache.store import Store


class _RowsChanged(Exception):
    """A rep's stored commitments changed under this run (another process wrote them)."""


class Loaded:
    """The notes ``rels`` of the notebook at ``root``, read through ``store`` when there
    is one, once a question about them is asked (``options``: the read options, or a
    function that makes them; ``options_key``: what of them changes a parse).

    Once read, ``keys`` holds every note, in scan order, with the stat key this run
    saw (None: a note the cache cannot keep); ``rows`` only the notes parsed in this
    run and those the cache knows to be unreadable, racy or with problems; ``fresh``
    the notes parsed in this run.  A note in ``keys`` but not in ``rows`` is readable
    and without problems, and is decoded from the cache when a command asks for it.
    """

    def __init__(self, root: str, rels: list[str], options, options_key: str, store: Store | None,
                 jobs: int | None = None):
        self.root = root
        self.rels = rels
        self.options = options
        self.options_key = options_key
        self.store = store
        self.jobs = jobs
        self.keys: dict[str, str | None] = {}
        self.rows: dict[str, Row] = {}
        self.ledgers: dict[str, bytes] | None = None  # rep -> encoded open entries (None: fold from the notes)
        self.fresh: set[str] = set()
        self.partial = False  # the notes parsed in this run were read for their commitments only
        self._read = False

    # -- what the notebook asks --------------------------------------------

    def notes(self) -> list:
        """Every readable note, decoded (in no particular order).

        A note the cache holds only the commitments of is parsed now, all such
        notes at once and on every core, and the cache keeps the result."""
        self._read_once(whole=True)
        rows = self.rows
        need = {p: k for p, k in self.keys.items()
                if p not in rows or (rows[p].readable and rows[p].data is None
                                     and (rows[p].note is None or self.partial))}
        texts: dict[str, bytes] = {}
        if need and self.store is not None:
            try:
                texts = self.store.note_data(need)
            except Exception:  # noqa: BLE001 - sqlite3.Error, Damaged...: a damaged file
                self._damaged()
        missing = [p for p in need if p not in texts]
        if missing:
            parsed = parse_rows(self.root, missing, self._options(), keep="data" if self.store is not None else "note")
            for row in parsed:
                rows[row.path] = row
            if self.store is not None:
                self.store.add_bodies([r for r in parsed if r.key == self.keys.get(r.path)])
        notes = []
        for path in list(self.keys):
            row = rows.get(path)
            if row is not None and not row.readable:
                continue
            text = row.data if row is not None and row.data is not None else texts.get(path)
            note = self._note(path, row, text)
            if note is not None:
                notes.append(note)
        return notes

    def unreadable(self) -> list[Problem]:
        """Why notes could not be read, in scan order."""
        self._read_once(whole=True)
        return [p for path in self.keys if (row := self.rows.get(path)) is not None and not row.readable
                for p in self._row_problems(row)]

    def note_problems(self) -> dict[str, list[Problem]]:
        """path -> the problems found inside each readable note that has some (for a note
        read for its commitments only, those that change how commitments are listed)."""
        self._read_once(whole=True)
        return {row.path: self._row_problems(row) for row in self.rows.values() if row.readable and row.problems}

    def open_entries(self) -> list | None:
        """The open commitments of every rep, as cached; None when they must be folded from notes."""
        self._read_once(whole=False)
        if self.ledgers is None:
            return None
        try:
            return [e for rep in sorted(self.ledgers) for e in decode_entries(self.ledgers[rep])]
        except Damaged:
            self._damaged()
            return None

    def read_keys(self) -> dict[str, str | None]:
        """path -> the stat key of every note as this run read it."""
        self._read_once(whole=False)
        return self.keys

    # -- what check asks -----------------------------------------------------

    def readable_keys(self) -> dict[str, str | None]:
        """Every readable note, in scan order -> the stat key this run read it at."""
        self._read_once(whole=False)
        return {p: k for p, k in self.keys.items() if p not in self.rows or self.rows[p].readable}

    def parsed_now(self) -> set[str]:
        """The notes parsed in this run (not taken from the cache)."""
        self._read_once(whole=False)
        return self.fresh

    def kept_findings(self, fingerprint: str):
        """What ``check`` found before under ``fingerprint`` (see :class:`KeptFindings`), or
        None without a cache."""
        from onenotes.reading.cache.findings import KeptFindings

        self._read_once(whole=False)
        return KeptFindings(self.store, fingerprint) if self.store is not None else None

    def commitment_notes(self, rep: str, paths: list[str]) -> list | None:
        """The notes ``paths`` of ``rep`` as the ledger reads them (path, rep, date, seq and
        commitments), from this run's rows or the cache's, in date order; None when one is
        missing (another process rewrote it meanwhile) or the cache is damaged there."""
        self._read_once(whole=False)
        try:
            notes = _commitment_notes(rep, paths, self.keys, self.rows, self.store)
        except Exception:  # noqa: BLE001 - _RowsChanged, Damaged, sqlite3.Error...: read the notes
            return None
        return sorted(notes, key=lambda n: n.sort_key)

    # -- reading -------------------------------------------------------------

    def _options(self):
        if callable(self.options):
            self.options = self.options()
        return self.options

    def _read_once(self, whole: bool) -> None:
        """Read the notes, the first time a question is asked: for the index (their
        problems and open commitments) or, with ``whole``, whole."""
        if self._read:
            return
        self._read = True
        store = self.store
        if store is not None and not store.use_options(self.options_key):
            store.close()
            store = None
        for attempt in (1, 2):
            if store is None:
                break
            try:
                self.keys, self.rows, self.ledgers, self.fresh = _read_cached(
                    self.root, self.rels, self.options, store, self.jobs, "data" if whole else "index")
                self.store, self.partial = store, not whole
                return
            except Exception as exc:  # noqa: BLE001 - sqlite3.Error, Damaged or anything a damaged file gives
                store.close()
                # Damaged after it opened (a truncated page, say): start it afresh, once.
                # Busy is not damage: another process is writing it (no cache this run).
                store = Store.replace(store.path) if attempt == 1 and not busy(exc) else None
                if store is not None and not store.use_options(self.options_key):
                    store = None
        self.store = None
        rows = parse_rows(self.root, self.rels, self._options(), self.jobs, keep="note")
        self.keys = {r.path: r.key for r in rows}
        self.rows = {r.path: r for r in rows}
        self.ledgers, self.fresh = None, set(self.rows)

    def _damaged(self) -> None:
        if self.store is not None:
            self.store.discard()
            self.store = None
        self.ledgers = None

    def _reread(self, path: str) -> Row:
        row = parse_row(str(self.root), path, self._options(), time.time_ns())
        self.rows[path] = row
        return row

    def _note(self, path: str, row: Row | None, text: bytes | None):
        if row is not None and row.note is not None:
            return row.note
        if text is not None:
            try:
                return decode_checked(text, "Note", packed=True)
            except Damaged:
                self._damaged()
        row = self._reread(path)  # changed since this run looked, or damaged
        if not row.readable:
            return None
        return row.note if row.note is not None else decode(unpack(row.data))

    def _row_problems(self, row: Row) -> list[Problem]:
        if not row.problems:
            return []
        try:
            return decode_checked(row.problems, "Problem", many=True)
        except Damaged:
            self._damaged()
            row = self._reread(row.path)
            return decode(row.problems) if row.problems else []


def _read_cached(root: str, rels: list[str], options, store: Store, jobs, keep: str) -> tuple:
    """(keys, rows, ledgers, fresh) of the notes ``rels``, as :class:`Loaded` keeps them:
    the notes that changed since the cache last saw them are parsed (``keep``: what of
    them the cache keeps), and the cache is brought up to date in one transaction."""
    version = store.data_version()  # before reading anything: a later write by another process shows
    known = store.index()
    keys, rows, todo, confirmed = _compare(root, rels, known, store.special())
    # A rep whose every note is parsed now (a first run) has its ledger folded where
    # its notes are parsed; the rest are folded below from the stored commitments.
    fold: set[str] = set()
    if todo:
        count = rep_counts(rels)
        for rep, parsed_now in rep_counts(todo).items():
            count[rep] -= parsed_now
        fold = {rep for rep, left in count.items() if left == 0}
    parsed, folded = parse_and_fold(root, todo, options, jobs, keep, frozenset(fold)) if todo else ([], {})
    for row in parsed:
        rows[row.path] = row
        keys[row.path] = row.key
    if parsed:  # back to scan order
        keys = {rel: keys[rel] for rel in rels}
    removed = [p for p in known if p not in keys]
    if any(type(p) is not str for p in removed):  # (never in keys: they come from the walk)
        raise Damaged("notes: a path that is not text")
    ledgers, writes = _ledgers(keys, rows, parsed, removed, folded, store)
    store.write(parsed, removed, writes, confirmed, since=version)
    return keys, rows, ledgers, {row.path for row in parsed}


def _compare(root: str, rels: list[str], known: dict[str, str], special: dict[str, tuple]) -> tuple:
    """Each note's stat against the key the cache holds: (keys of the notes the cache holds
    as they are now, rows of those it knows to be unreadable or with problems, the notes to
    parse, in scan order, and the racy notes now old enough to be trusted)."""
    now = time.time_ns()
    keys: dict[str, str | None] = {}
    rows: dict[str, Row] = {}
    todo: list[str] = []
    confirmed: list[str] = []
    prefix = os.path.join(str(root), "")
    for rel in rels:
        stored = known.get(rel)
        if stored is None:  # new to the cache (all of them, on a first run)
            todo.append(rel)
            continue
        try:
            st = key.lstat(prefix + rel)
        except OSError:
            todo.append(rel)
            continue
        now_key = key.stat_key(st)
        if stored != now_key:
            todo.append(rel)
            continue
        extra = special.get(rel)
        if extra is not None:
            racy, digest, readable, problems = extra
            if racy:  # the stat cannot tell; the content can
                if digest is None or file_digest(root, rel) != digest:
                    todo.append(rel)
                    continue
                if not key.racy(st, now):
                    confirmed.append(rel)
            if problems or not readable:
                rows[rel] = Row(rel, rep_of(rel), now_key, False, digest, None, problems, readable=bool(readable))
        keys[rel] = now_key
    return keys, rows, todo, confirmed


def file_digest(root: str, rel: str) -> bytes | None:
    """The content hash of a note (as a row keeps it); None when it cannot be read."""
    try:
        return key.blake2b(notefile.note_bytes(root, rel), digest_size=16).digest()
    except NoteError:
        return None


def _ledgers(keys: dict, rows: dict[str, Row], parsed: list[Row], removed: list[str],
             folded: dict[str, bytes], store: Store) -> tuple[dict[str, bytes] | None, dict[str, bytes | None]]:
    """(rep -> encoded open commitments of every rep, or None when they must be folded from
    the notes; rep -> what to store for each rep that changed, None to forget it)."""
    changed = {r.rep for r in parsed} | {rep_of(p) for p in removed}
    reps = {rep_of(rel) for rel in keys}
    stored = store.ledgers()
    ledgers = {rep: stored[rep] for rep in reps if rep in stored and rep not in changed}
    writes: dict[str, bytes | None] = {rep: None for rep in changed - reps}
    kept_out = {r.rep for r in parsed if r.key is None}  # a note we could not keep
    missing = reps - set(ledgers)
    if not missing:
        return ledgers, writes
    members: dict[str, list[str]] = {}
    for rel in keys:
        if rep_of(rel) in missing:
            members.setdefault(rep_of(rel), []).append(rel)
    try:
        for rep in sorted(missing):
            if rep not in folded:
                folded[rep] = _rep_ledger(rep, members.get(rep, []), keys, rows, store)
            ledgers[rep] = folded[rep]
            writes[rep] = None if rep in kept_out else ledgers[rep]
    except _RowsChanged:  # another process rewrote them meanwhile: fold from the notes this time
        return None, {rep: None for rep in writes.keys() | missing}
    return ledgers, writes


class CommitmentNote:
    """A note as the ledger reads it: where it is, and its commitments."""

    __slots__ = ("path", "rep", "date", "seq", "mentions")

    def __init__(self, path: str, mentions: list):
        self.path = path
        self.rep, self.date, self.seq = notefile.note_identity(path)
        self.mentions = mentions

    @property
    def sort_key(self):
        return (self.date, self.seq, self.path)


def _commitment_notes(rep: str, paths: list[str], keys: dict, rows: dict[str, Row], store: Store | None) -> list:
    """The readable notes of ``rep`` at ``paths`` as the ledger reads them, from this run's
    rows or the cache's; :class:`_RowsChanged` when one is missing."""
    notes = []
    need = {}
    for path in paths:
        row = rows.get(path)
        if row is not None and not row.readable:
            continue
        if row is not None and row.note is not None:
            notes.append(row.note)
        elif row is not None and row.mentions is not None:
            notes.append(CommitmentNote(path, decode_mentions(row.mentions)))
        else:
            need[path] = keys.get(path)
    if need and store is not None:
        for path, stored, mentions in store.rep_mentions(rep):
            if need.get(path) == stored and mentions is not None:
                notes.append(CommitmentNote(path, decode_mentions(mentions)))
                del need[path]
    if need:  # rewritten by another process since this run looked
        raise _RowsChanged(rep)
    return notes


def _rep_ledger(rep: str, paths: list[str], keys: dict, rows: dict[str, Row], store: Store) -> bytes:
    """The open commitments of one rep, folded by the real ledger, encoded."""
    from onenotes.rules.commitments import build_ledger, open_commitments

    return encode_entries(open_commitments(build_ledger(_commitment_notes(rep, paths, keys, rows, store))))
