"""Parsing notes into rows the cache keeps: in this process, or on every core through a process pool.

Each note becomes a :class:`Row`: its stat key, racy flag, content hash,
problems, commitments and (when the command needs whole notes) the whole note
encoded.  From :data:`PARALLEL_MIN` notes to parse, the work is cut into chunks
that never split a rep whose ledger is folded where its notes are parsed, and
given to the standard library's process pool; each worker sends its rows back
as plain tuples.  Whatever happens to the pool, the notes are parsed here
instead: the answer is the same.
"""

from __future__ import annotations

import os
import time

from onenotes.errors import NoteError
from onenotes.reading import notefile
from onenotes.reading.cache import key
from onenotes.reading.cache.codec import encode, encode_entries, encode_mentions, pack, pickle

PARALLEL_MIN = 2000  # below this many notes to parse, starting the pool costs more than it saves (docs/performance.md)


class Row:
    """One note as the cache keeps it."""

    __slots__ = ("path", "rep", "key", "racy", "digest", "data", "problems", "readable", "mentions", "note")

    def __init__(self, path: str, rep: str, key: str | None, racy: bool, digest: bytes | None,
                 data: bytes | None, problems: bytes | None, readable: bool = True,
                 mentions: bytes | None = None, note: object = None):
        self.path = path
        self.rep = rep
        self.key = key  # "size:mtime_ns:ctime_ns:inode" when read; None: do not cache
        self.racy = racy
        self.digest = digest
        self.data = data  # the encoded Note, compressed (None: not read here, or unreadable)
        self.problems = problems  # encoded list of Problem (the note's, or why it could not be read)
        self.readable = readable
        self.mentions = mentions  # the encoded commitments alone, for folding the ledger
        self.note = note  # the Note itself, when parsed in this process (or when it could not be encoded)

    def __getstate__(self):  # the fields in __slots__ (and __init__) order: Row(*state) is the same row
        return (self.path, self.rep, self.key, self.racy, self.digest, self.data, self.problems, self.readable,
                self.mentions, self.note)

    def __setstate__(self, state):
        for name, value in zip(self.__slots__, state):
            setattr(self, name, value)


def rep_of(rel: str) -> str:
    return rel.partition("/")[0]


def parse_row(root: str, rel: str, options, now: int, keep: str = "note", hold: bool = False) -> Row:
    """Read and parse one note into a :class:`Row` (never raises for a bad note).

    ``keep`` says what the row carries besides the note's problems: ``"note"``
    the Note object itself (no cache: nothing is encoded), ``"data"`` the Note
    encoded for the cache (and its commitments, for the ledger), ``"both"``
    the two (parsing in this process: nothing to decode after), ``"index"``
    only its commitments, read by the parser's commitments-only mode (for
    questions that need no whole notes: the cache gets the whole note when a
    command asks for it).  ``hold``: keep the Note object too, whatever ``keep`` says.
    """
    digest = stat = None
    racy = False
    try:
        data, st = notefile.note_file(root, rel)  # stat as opened, before reading: a later edit shows as a change
        st = key.seen(st)
        stat, racy = key.stat_key(st), key.racy(st, now)
        digest = key.blake2b(data, digest_size=16).digest()
        # An index row reads only what listing commitments needs: no metrics or plans,
        # and only listing problems are kept.
        note = notefile.parse_note_bytes(rel, data, options, keep == "index")
    except NoteError as exc:
        return _unreadable(root, rel, now, stat, racy, digest, exc)
    problems = encode(note.problems) if note.problems else None
    if keep == "note":
        return Row(rel, rep_of(rel), stat, racy, digest, None, problems, note=note)
    try:
        text = pack(encode(note)) if keep in ("data", "both") else None
        mentions = encode_mentions(note.mentions)
    except (TypeError, ValueError, AttributeError, pickle.PicklingError, RecursionError):
        return Row(rel, rep_of(rel), None, False, digest, None, problems, note=note)  # parsed every time
    return Row(rel, rep_of(rel), stat, racy, digest, text, problems, True, mentions,
               note if keep == "both" or hold else None)


def _unreadable(root: str, rel: str, now: int, stat: str | None, racy: bool, digest: bytes | None,
                exc: NoteError) -> Row:
    """The row of a note that cannot be read: why, kept under its key (unless the reason
    may pass: permissions, I/O), so that it is not read again every run."""
    if stat is None:  # not opened: the key of what is there
        try:
            st = key.lstat(os.path.join(root, rel))
            stat, racy = key.stat_key(st), key.racy(st, now)
        except OSError:
            pass
    transient = exc.problem.code == "unreadable"
    return Row(rel, rep_of(rel), None if transient else stat, racy, digest, None, encode([exc.problem]),
               readable=False)


def parse_chunk(root: str, rels: list[str], options, now: int, keep: str,
                fold: frozenset = frozenset()) -> tuple[list[Row], dict[str, bytes]]:
    """Parse ``rels``; fold the open commitments of the reps in ``fold``, whose notes are all here.

    A rep's notes come one after another (scan order), so each rep of ``fold`` is
    folded as soon as its last note is read, and its notes are let go then (unless
    ``keep`` keeps them): one rep's notes are held at a time, not a chunk's.  A rep
    whose notes are not all together is folded at the end, from all of them.
    """
    if not fold:
        return [parse_row(root, rel, options, now, keep) for rel in rels], {}
    from onenotes.rules.commitments import build_ledger, open_commitments

    apart = _apart(rels) & fold
    drop = keep not in ("note", "both")  # the notes were held for folding only
    rows: list[Row] = []
    ledgers: dict[str, bytes] = {}

    def fold_rep(rep: str, members: list[Row]) -> None:
        ledgers[rep] = encode_entries(open_commitments(build_ledger(
            [row.note for row in members if row.readable])))
        if drop:
            for row in members:
                if row.key is not None:
                    row.note = None

    current, start = None, 0
    for rel in rels:
        rep = rep_of(rel)
        if rep != current:
            if current in fold and current not in apart:
                fold_rep(current, rows[start:])
            current, start = rep, len(rows)
        rows.append(parse_row(root, rel, options, now, keep, hold=rep in fold))
    if current in fold and current not in apart:
        fold_rep(current, rows[start:])
    for rep in fold - ledgers.keys():  # apart, or no note of it here
        fold_rep(rep, [row for row in rows if row.rep == rep])
    return rows, ledgers


def _apart(rels: list[str]) -> set[str]:
    """The reps whose notes in ``rels`` are not all next to each other."""
    seen: set[str] = set()
    apart: set[str] = set()
    last = None
    for rel in rels:
        rep = rep_of(rel)
        if rep != last:
            if rep in seen:
                apart.add(rep)
            seen.add(rep)
            last = rep
    return apart


def _parse_paused(root: str, rels: list[str], options, now: int, keep: str, fold: frozenset = frozenset()):
    """:func:`parse_chunk` with Python's cyclic collector paused: it would walk every
    object parsed so far every few hundred allocations and find nothing to free (a
    parsed note holds no reference cycles: tests/cache/test_parse.py checks it).  It
    runs again after, as it was."""
    import gc

    running = gc.isenabled()
    gc.disable()
    try:
        return parse_chunk(root, rels, options, now, keep, fold)
    finally:
        if running:
            gc.enable()


def parse_sent(root: str, rels: list[str], options, now: int, keep: str,
               fold: frozenset = frozenset()) -> tuple[list[tuple], dict[str, bytes]]:
    """:func:`parse_chunk` in a worker process, its rows sent back as tuples of their fields
    (a list of tuples pickles without calling into Python)."""
    rows, ledgers = _parse_paused(root, rels, options, now, keep, fold)
    return [row.__getstate__() for row in rows], ledgers


def parse_rows(root: str | os.PathLike, rels: list[str], options, jobs: int | None = None,
               keep: str = "note") -> list[Row]:
    """Parse notes, on all cores when there are enough of them; in ``rels`` order."""
    return parse_and_fold(root, rels, options, jobs, keep)[0]


def parse_and_fold(root: str | os.PathLike, rels: list[str], options, jobs: int | None = None, keep: str = "note",
                   fold: frozenset = frozenset()) -> tuple[list[Row], dict[str, bytes]]:
    """Parse notes, on all cores when there are enough of them, in ``rels`` order; and
    fold the open commitments of the reps in ``fold`` (every note of theirs is in
    ``rels``) where their notes were parsed, so that they never travel back decoded.
    ``options``: the read options, or a function that makes them (it imports the parser)."""
    now = time.time_ns()
    base = str(root)
    if callable(options):
        options = options()
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    here = "both" if keep == "data" else keep  # parsed in this process: nothing to decode after
    fold = frozenset(fold)
    if jobs < 2 or len(rels) < PARALLEL_MIN:
        return _parse_paused(base, rels, options, now, here, fold)
    size = chunk_size(len(rels), jobs)
    count = rep_counts(rels)  # a rep too big for one chunk is folded by the caller, so that every core gets work
    try:
        return _pooled(base, chunks(rels, size, frozenset(rep for rep in fold if count[rep] <= size), jobs),
                       options, now, keep, jobs)
    except OSError:  # no processes to be had here: one core it is
        return _parse_paused(base, rels, options, now, here, fold)


def _pooled(base: str, work: list[tuple[list[str], frozenset]], options, now: int, keep: str,
            jobs: int) -> tuple[list[Row], dict[str, bytes]]:
    """:func:`parse_and_fold` of the chunks ``work`` by a pool of ``jobs - 1`` processes and
    this one.  The pool is given the chunks from the first, two per worker at a time (one
    to parse, the next one waiting); this process parses the chunks from the last, its
    rows kept as they are (not sent, nothing to decode).  OSError when the pool cannot
    be made or breaks; interrupted, the chunks given to the pool are waited for."""
    import concurrent.futures
    import multiprocessing

    import onenotes.reading.note  # noqa: F401  (loaded once here, before the workers start)

    here = "both" if keep == "data" else keep
    try:
        pool = concurrent.futures.ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context())
    except (OSError, ValueError) as exc:
        raise OSError(f"no process pool: {exc}") from exc
    done: dict[int, tuple[list[Row], dict[str, bytes]]] = {}
    given: dict[concurrent.futures.Future, int] = {}  # chunk given to the pool -> its number
    first, last = 0, len(work) - 1  # the chunks no process has taken yet
    try:
        while first <= last or given:
            while first <= last and len(given) < 2 * (jobs - 1):
                rels, fold = work[first]
                given[pool.submit(parse_sent, base, rels, options, now, keep, fold)] = first
                first += 1
            if first <= last:
                rels, fold = work[last]
                done[last] = _parse_paused(base, rels, options, now, here, fold)
                last -= 1
            else:
                concurrent.futures.wait(given, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in [f for f in given if f.done()]:
                states, folded = future.result()
                done[given.pop(future)] = [Row(*state) for state in states], folded
    except concurrent.futures.process.BrokenProcessPool as exc:
        raise OSError(f"the process pool broke: {exc}") from exc
    finally:
        pool.shutdown(wait=True)
    rows: list[Row] = []
    ledgers: dict[str, bytes] = {}
    for number in range(len(work)):
        rows.extend(done[number][0])
        ledgers.update(done[number][1])
    return rows, ledgers


def chunk_size(notes: int, jobs: int) -> int:
    """Notes per chunk: four chunks a core, so that the cores finish close together."""
    return max(50, -(-notes // (jobs * 4)))


def chunks(rels: list[str], size: int, fold, jobs: int = 1) -> list[tuple[list[str], frozenset]]:
    """``rels`` cut into chunks of about ``size`` notes, never cutting a rep in ``fold``
    across two chunks (a rep is folded where all its notes are); each with the reps of
    ``fold`` it holds.

    With ``jobs`` > 1 the chunks shrink as the notes left do: each about a share of
    them (1/(2*jobs)), none under size/8 (and 50).  The first are larger than ``size``,
    the last much smaller, so that the cores, each taking the next chunk when done,
    finish close together: equal chunks leave one core idle for up to a chunk's time.
    """
    floor = max(50, size // 8)

    def target(left: int) -> int:
        return size if jobs < 2 else max(floor, -(-left // (2 * jobs)))

    found: list[tuple[list[str], frozenset]] = []
    current: list[str] = []
    reps: set[str] = set()
    left = len(rels)
    want = target(left)
    for rel in rels:
        rep = rep_of(rel)
        if len(current) >= want and not (rep in reps and rep in fold):
            found.append((current, frozenset(reps & fold)))
            left -= len(current)
            want = target(left)
            current, reps = [], set()
        current.append(rel)
        reps.add(rep)
    if current:
        found.append((current, frozenset(reps & fold)))
    return found


def rep_counts(rels: list[str]) -> dict[str, int]:
    """rep -> how many of ``rels`` are its."""
    count: dict[str, int] = {}
    for rel in rels:
        rep = rep_of(rel)
        count[rep] = count.get(rep, 0) + 1
    return count
