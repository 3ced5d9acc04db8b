"""The cache of parsed notes: one SQLite file, so a warm run costs a walk and a stat.

Parsing is the whole cost of reading a notebook (PyYAML builds every value in
Python), so the result of parsing each note is kept in ``.onenotes/cache``
inside the notebook, or, when the notebook cannot be written to or has no
``onenotes.yaml``, in the user's cache folder.  The rules (docs/performance.md
has them for users):

* One row per note, keyed by its path, size, mtime and ctime (nanoseconds) and
  inode.  A note whose times were within :data:`RACY_NS` of the moment it was
  read is "racy": it could change again within the same timestamp tick with
  the same size, so its content hash (BLAKE2b) is compared on the next run
  (the same rule git uses for its index).
* The cache carries :func:`format_version`: a hash of the source of every
  module whose output is cached (parser, YAML loader, task scanner, ledger,
  this module), of the onenotes version and of the YAML library in use.  When
  it differs, or the file is corrupt, truncated or not ours, the cache is
  rebuilt from scratch into a temporary file that replaces it atomically.
  Changed notes are written in one SQLite transaction; a process that cannot
  get the write lock quickly just does not write, so two processes at once
  never corrupt it and never wait long.  Deleting it changes nothing but speed.
* What is kept: the parsed note (every field, pickled, read back by an
  unpickler that can build nothing but our records: see "coding" below), the
  problems found in it
  (a note that cannot be read keeps its warning, so warnings are the same from
  the cache as from a fresh parse), and per rep the open commitments folded by
  the real ledger, so ``followups`` reads a few rows instead of every note.
* Parsing fans out over all cores when many notes need it.

Nothing here imports PyYAML or the parser unless a note has to be parsed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import sqlite3
import sys
import time

from onenotes import __version__
from onenotes.errors import NoteError, Problem

try:  # the C pickler alone: pickle.py costs milliseconds of every start and adds nothing here
    import _pickle as pickle
except ImportError:  # pragma: no cover - other Pythons
    import pickle  # type: ignore[no-redef]
try:  # the hash functions without OpenSSL (hashlib loads it: a few ms of every start-up)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b as _blake2b
SCHEMA = 3
APPLICATION_ID = 0x6F6E6E31  # "onn1": marks the file as ours
CACHE_DIR = ".onenotes"
CACHE_NAME = "cache"
RACY_NS = 3 * 1_000_000_000  # timestamps this close to the read may hide a later edit
PARALLEL_MIN = 300  # below this many notes to parse, worker processes cost more than they save
LOCK_TIMEOUT = 2.0  # seconds to wait for another process's write before giving up writing
# Rows written while notes are parsed stay in SQLite's memory until the commit (see
# Store.begin_rows): a run that would keep more than this writes its rows at the end.
STREAM_BUDGET = 48 << 20
ROW_BYTES = {"index": 1536, "data": 3584}  # about what a note's row takes in the file (1.1 and 2.5 KB)

# Modules whose code decides what is cached: a change to any of them rebuilds the cache.
_SOURCES = ("reading/cache/__init__.py", "reading/note.py", "reading/taskfields.py", "reading/yaml/safe.py",
            "reading/tasks.py", "dates.py", "reading/notebook.py", "errors.py", "rules/commitments.py",
            "rules/config.py", "reading/config_file.py", "reading/yaml/fast.py", "reading/yaml/full.py", "reading/privacy.py",
            "rules/questions.py", "views/formats.py", "reading/figures.py", "text.py", "reading/yaml/types.py",
            "reading/layout.py", "reading/files.py", "reading/taskblocks.py",
            "reading/notemodel.py", "reading/mentions.py", "reading/metrics.py")


# ------------------------------------------------------------ the version ---

_FORMAT: str | None = None
_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # onenotes/


def format_version(folder: str | os.PathLike | None = None) -> str:
    """A hash of everything that decides what a cached note holds.

    It hashes the source files of the parsing modules, so a change to the
    parser can never be served from an old cache, without anyone having to
    remember to bump a number.  ``""`` when a source file cannot be read
    (a frozen build): the cache is then not used at all.

    Reading and hashing the sources (about 140 KB) costs a millisecond, so a
    cache file also keeps :func:`sources_key`, the stat of the same files, and
    a run whose sources still have that stat trusts the format checked then.
    """
    global _FORMAT
    if folder is not None or _FORMAT is None:
        digest = _blake2b(f"{SCHEMA}\n{__version__}\n{sys.version_info[:2]}\n".encode(), digest_size=32)
        here = os.fspath(folder) if folder is not None else _PACKAGE
        try:
            for name in _SOURCES:
                with open(os.path.join(here, name), "rb") as fh:
                    digest.update(name.encode() + b"\0" + fh.read() + b"\0")
        except OSError:
            return ""
        digest.update(_yaml_identity().encode())
        if folder is not None:
            return digest.hexdigest()
        _FORMAT = digest.hexdigest()
    return _FORMAT


def sources_key(folder: str | os.PathLike | None = None) -> str:
    """The stat of every file :func:`format_version` hashes (size, times, inode),
    with the versions it hashes: a format checked once is trusted while this is
    the same.  Every write or reinstall of a file changes its change time (which
    no tool can set) or its inode, whatever times a build gives its files.  ``""``
    (no shortcut: hash the sources) when a file cannot be read, or was changed
    too recently for its times to tell a later edit (as :func:`_racy` for notes).
    """
    here = os.fspath(folder) if folder is not None else _PACKAGE
    now = time.time_ns()
    parts = [f"{SCHEMA}|{__version__}|{sys.version_info[:2]}|{_yaml_identity()}"]
    try:
        for name in _SOURCES:
            st = os.stat(os.path.join(here, name))
            if _racy(st, now):
                return ""
            parts.append(f"{name}:{stat_key(st)}")
    except OSError:
        return ""
    return "|".join(parts)


def _yaml_identity() -> str:
    """Which PyYAML (and whether its C parser) and markdown-it-py are installed, without importing them.

    The import system's finders are asked directly, as ``importlib.util.find_spec``
    does: importing importlib.util would cost a warm start more than all of this.
    """
    parts = []
    for name in ("yaml", "_yaml", "markdown_it"):  # markdown-it-py finds the private parts
        spec = getattr(sys.modules.get(name), "__spec__", None)
        if spec is None:
            for finder in sys.meta_path:
                find = getattr(finder, "find_spec", None)
                try:
                    spec = find(name, None) if find else None
                except (ImportError, ValueError):
                    break
                if spec is not None:
                    break
        if spec is not None and spec.origin:
            try:
                info = os.stat(spec.origin)
                parts.append(f"{spec.origin}:{info.st_size}:{info.st_mtime_ns}")
            except OSError:
                parts.append(spec.origin)
            if name == "yaml":  # its C parser: yaml/_yaml*.so, next to yaml/__init__.py
                try:
                    parts.extend(sorted(n for n in os.listdir(os.path.dirname(spec.origin))
                                        if n.startswith("_yaml")))
                except OSError:
                    pass
    return "|".join(parts)


# ---------------------------------------------------------------- coding ---
# Parsed notes are kept as pickles: the fastest way CPython has to store and
# rebuild them (rebuilding a note from tagged JSON cost more than parsing it).
# A pickle may call whatever its globals name, so both sides are narrowed:
#
# * the pickler writes onenotes' records (Note, Mention, Problem, Entry,
#   Config...) as calls of one function, _rebuild(kind, fields), and paths as
#   _path(text); it refuses any other class (the note is then parsed every run);
# * the unpickler resolves only _rebuild, _path, the YAML loader's two
#   container builders and the datetime types, and imports nothing else: no
#   class of ours is ever on its stack (so a crafted row cannot change one),
#   and no module is imported on a row's say;
# * every value read is checked to be what its column holds.
#
# A planted or damaged row can therefore only fail to load (the cache is then
# rebuilt), never run code.  tests/cache/test_cache.py plants such rows.  The two
# columns every first run writes for each note (its commitments) and rep (its
# open entries) use a plainer coding still: see "commitments" below.

_RECORDS = {  # kind -> (module, class): every record a cached value may hold
    "Note": ("onenotes.reading.notemodel", "Note"), "Mention": ("onenotes.reading.notemodel", "Mention"),
    "Metric": ("onenotes.reading.notemodel", "Metric"), "ReadOptions": ("onenotes.reading.notemodel", "ReadOptions"),
    "Problem": ("onenotes.errors", "Problem"), "Entry": ("onenotes.rules.commitments", "Entry"),
    "Config": ("onenotes.rules.config", "Config"), "Cadence": ("onenotes.rules.config", "Cadence"),
    "KpiDef": ("onenotes.rules.config", "KpiDef"), "DiagnosisRules": ("onenotes.rules.config", "DiagnosisRules"),
    "RepDef": ("onenotes.rules.config", "RepDef"), "MetricsImport": ("onenotes.rules.config", "MetricsImport"),
}
_KIND_OF = {where: kind for kind, where in _RECORDS.items()}
_FIELDS: dict[type, tuple[str, ...]] = {}
MAX_UNPACKED = 64 << 20  # no cached note comes near this; a row that would is damaged


def _fields(cls) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = getattr(cls, "__record_fields__", None)  # onenotes.records
        if names is None:  # a dataclass (the parsed note's own classes)
            import dataclasses

            names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELDS[cls] = names
    return names


_RECORD_CLASSES: dict[str, type] = {}


def _record_class(kind: str) -> type:
    cls = _RECORD_CLASSES.get(kind)
    if cls is None:
        module, name = _RECORDS[kind]  # KeyError: not a kind of ours
        cls = _RECORD_CLASSES[kind] = getattr(importlib.import_module(module), name)
    return cls


def _rebuild(kind, values):
    """A record from the fields :class:`_Pickler` wrote (the only constructor a row may call)."""
    if type(kind) is not str or kind not in _RECORDS or type(values) is not tuple:
        raise pickle.UnpicklingError("not a record of onenotes")
    cls = _record_class(kind)
    names = _fields(cls)
    if len(values) != len(names):
        raise pickle.UnpicklingError(f"a {kind} with {len(values)} fields")
    obj = cls.__new__(cls)
    obj.__dict__.update(zip(names, values))  # as a frozen record's own __init__ does, past __setattr__
    return obj


def _path(text):
    if type(text) is not str:
        raise pickle.UnpicklingError("a path must be text")
    from pathlib import Path  # only a value that held a Path: the notebook's own are text

    return Path(text)


_PLAIN_GLOBALS = (dt.date, dt.datetime, dt.time, dt.timedelta, dt.timezone)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        cls = type(obj)
        if cls in _PLAIN_GLOBALS or cls.__module__ == "onenotes.reading.yaml.types" and cls.__name__ in ("LineDict",
                                                                                              "LineList"):
            return NotImplemented  # datetime's own reduce; the loader's containers reduce to their builders
        if (getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)) in _GLOBALS:
            return NotImplemented  # one of the globals a row may name, written as such
        kind = _KIND_OF.get((cls.__module__, cls.__qualname__))
        if kind is not None:
            return _rebuild, (kind, tuple(getattr(obj, name) for name in _fields(cls)))
        pathlib = sys.modules.get("pathlib")  # not loaded: no object here can be a path
        if pathlib is not None and isinstance(obj, pathlib.PurePath):
            return _path, (str(obj),)
        raise pickle.PicklingError(f"cannot cache a {cls.__name__}")


def encode(value) -> bytes:
    """A value of the parsed-note model as bytes that :func:`decode` turns back exactly."""
    out = io.BytesIO()
    _Pickler(out, protocol=5).dump(value)
    return out.getvalue()


def decode(data: bytes):
    """The value :func:`encode` made; raises for anything else (see :class:`_Unpickler`)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("a cached value must be bytes")
    return _Unpickler(io.BytesIO(data)).load()


_GLOBALS = {  # (module, name) a row may name -> what it gets
    ("onenotes.reading.cache", "_rebuild"): lambda: _rebuild,
    ("onenotes.reading.cache", "_path"): lambda: _path,
    ("onenotes.reading.yaml.types", "_rebuild_linedict"): lambda: importlib.import_module("onenotes.reading.yaml.types")._rebuild_linedict,
    ("onenotes.reading.yaml.types", "_rebuild_linelist"): lambda: importlib.import_module("onenotes.reading.yaml.types")._rebuild_linelist,
    **{("datetime", cls.__name__): (lambda cls=cls: cls) for cls in _PLAIN_GLOBALS},
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        found = _GLOBALS.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return found()


def _expect(value, kind: str, many: bool = False):
    """``value`` if it is a record of ``kind`` (or a list of them); :class:`Damaged` if not."""
    cls = _record_class(kind)
    if many:
        if type(value) is not list or any(type(v) is not cls for v in value):
            raise Damaged(f"not a list of {kind}")
    elif type(value) is not cls:
        raise Damaged(f"not a {kind}")
    return value


# ----------------------------------------------------------- commitments ---
# Every first run writes a note's commitments ("mentions" of notes) and a rep's
# open entries ("open" of ledgers) for thousands of notes, so these two columns
# skip the records of the coding above: each Mention or Entry is written as a
# tuple of its fields in declared order, holding only text, whole numbers and
# None, with each date as its ordinal.  The C pickler writes such a tuple
# without calling Python once (the hook below is only ever called for a value
# that is not plain, and refuses it: the note is then parsed every run); a date
# object costs it a reduce and a global each.  Reading back names no global at
# all (the unpickler refuses every one), and every tuple is checked field by
# field, dates within their range, before a record is made of it.

_MENTION_FIELDS = ("id", "text", "owner", "status", "due", "due_raw", "since", "line", "origin",
                   "done_on", "reason", "private", "parent", "former_id")  # onenotes.reading.note.Mention's, in order (a test checks)
_ENTRY_FIELDS = ("id", "rep", "text", "owner", "status", "due", "due_raw", "since", "source", "line",
                 "closed_in", "closed_on", "reason", "mentions", "slips", "private", "parent", "context",
                 "closed_on_exact", "last_open_on")  # onenotes.rules.commitments.Entry's
_DATE = dt.date
_from_ordinal = dt.date.fromordinal


def _ordinal(value):
    """A date as its ordinal (None stays None); a datetime or any other value is refused."""
    if value is None:
        return None
    if type(value) is not _DATE:
        raise TypeError(f"cannot cache a {type(value).__name__} as a date")
    return value.toordinal()


class _PlainPickler(pickle.Pickler):
    # Called for every value but None, bools, and exact ints, floats, str, bytes, tuples,
    # lists, dicts and sets (the C pickler writes those itself): nothing else is plain.
    def reducer_override(self, obj):
        raise pickle.PicklingError(f"cannot cache a {type(obj).__name__} as a plain value")


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"{module}.{name}: a plain value names no global")


_PICKLERS: list = []  # (pickler, its output) pairs free for the next _dump_plain


def _dump_plain(value) -> bytes:
    # A pickler and its output are made once and kept for the next value (making
    # them costs a third of encoding a note's commitments).  Taken from the list
    # and put back after a dump that went through (pop and append are atomic): a
    # pickler that failed mid-dump is dropped, never used again.
    try:
        pickler, out = _PICKLERS.pop()
        out.seek(0)
        out.truncate()
    except IndexError:
        out = io.BytesIO()
        pickler = _PlainPickler(out, protocol=5)
        pickler.fast = True  # no memo: the value is a tree built here (nothing shared, no cycle)
    pickler.dump(value)
    data = out.getvalue()
    _PICKLERS.append((pickler, out))
    return data


def _load_plain(data, what: str) -> list:
    """The list :func:`_dump_plain` wrote; :class:`Damaged` for anything else."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise Damaged(f"{what}: not bytes")
    try:
        value = _PlainUnpickler(io.BytesIO(data)).load()
    except Exception as exc:  # noqa: BLE001 - any failure means a damaged row, never a crash
        raise Damaged(f"{what}: {exc}") from None
    if type(value) is not list:
        raise Damaged(f"{what}: not a list")
    return value


def _date_from(value, what: str):
    """The date of an ordinal :func:`_ordinal` wrote (None stays None); :class:`Damaged` if not one."""
    if value is None:
        return None
    if type(value) is not int:
        raise Damaged(f"{what}: a date that is not an ordinal")
    try:
        return _from_ordinal(value)
    except (ValueError, OverflowError):
        raise Damaged(f"{what}: a date out of range") from None


def encode_mentions(mentions: list) -> bytes:
    """A note's commitments (a list of Mention) as :func:`decode_mentions` reads them back."""
    # _ordinal of each date, written out for a date (a call to it costs more than the work):
    # anything else (a datetime...) still goes to _ordinal, which refuses it.
    date = _DATE
    return _dump_plain([(m.id, m.text, m.owner, m.status,
                         None if (due := m.due) is None else due.toordinal() if type(due) is date else _ordinal(due),
                         m.due_raw,
                         None if (since := m.since) is None else since.toordinal() if type(since) is date
                         else _ordinal(since),
                         m.line, m.origin,
                         None if (done := m.done_on) is None else done.toordinal() if type(done) is date
                         else _ordinal(done),
                         m.reason, m.private, m.parent, m.former_id) for m in mentions])


def decode_mentions(data) -> list:
    """The list of Mention :func:`encode_mentions` wrote; :class:`Damaged` for anything else."""
    cls = _record_class("Mention")
    new = cls.__new__
    found = []
    for item in _load_plain(data, "mentions"):
        if type(item) is not tuple or len(item) != 14:
            raise Damaged("mentions: not a mention")
        id_, text, owner, status, due, due_raw, since, line, origin, done_on, reason, private, parent, former = item
        if not (type(id_) is str and type(text) is str and type(owner) is str and type(status) is str
                and (due_raw is None or type(due_raw) is str) and type(line) is int and type(origin) is str
                and (reason is None or type(reason) is str) and type(private) is bool
                and (parent is None or type(parent) is str) and (former is None or type(former) is str)):
            raise Damaged("mentions: a field of the wrong type")
        values = (id_, text, owner, status, _date_from(due, "due"), due_raw, _date_from(since, "since"),
                  line, origin, _date_from(done_on, "done_on"), reason, private, parent, former)
        mention = new(cls)
        mention.__dict__.update(zip(_MENTION_FIELDS, values))  # as _rebuild does: a frozen record
        found.append(mention)
    return found


def encode_entries(entries: list) -> bytes:
    """A rep's ledger entries as :func:`decode_entries` reads them back."""
    return _dump_plain([(e.id, e.rep, e.text, e.owner, e.status, _ordinal(e.due), e.due_raw, _ordinal(e.since),
                         e.source, e.line, e.closed_in, _ordinal(e.closed_on), e.reason,
                         [(path, _ordinal(date), line) for path, date, line in e.mentions],
                         [(_ordinal(date), _ordinal(before), _ordinal(after)) for date, before, after in e.slips],
                         e.private, e.parent, e.context, e.closed_on_exact, _ordinal(e.last_open_on))
                        for e in entries])


def decode_entries(data) -> list:
    """The list of Entry :func:`encode_entries` wrote; :class:`Damaged` for anything else."""
    cls = _record_class("Entry")
    new = cls.__new__
    found = []
    for item in _load_plain(data, "ledger"):
        if type(item) is not tuple or len(item) != 20:
            raise Damaged("ledger: not an entry")
        (id_, rep, text, owner, status, due, due_raw, since, source, line, closed_in, closed_on, reason,
         mentions, slips, private, parent, context, exact, last_open_on) = item
        if type(mentions) is not list or type(slips) is not list:
            raise Damaged("ledger: mentions and slips must be lists")
        if not (type(id_) is str and type(rep) is str and type(text) is str and type(owner) is str
                and type(status) is str and (due_raw is None or type(due_raw) is str) and type(source) is str
                and type(line) is int and (closed_in is None or type(closed_in) is str)
                and (reason is None or type(reason) is str) and type(private) is bool
                and (parent is None or type(parent) is str) and (context is None or type(context) is str)
                and type(exact) is bool):
            raise Damaged("ledger: a field of the wrong type")
        seen_in = []
        for mention in mentions:
            if type(mention) is not tuple or len(mention) != 3 or type(mention[0]) is not str \
                    or type(mention[2]) is not int:
                raise Damaged("ledger: not a mention")
            seen_in.append((mention[0], _date_from(mention[1], "date"), mention[2]))
        moved = []
        for slip in slips:
            if type(slip) is not tuple or len(slip) != 3:
                raise Damaged("ledger: not a slip")
            moved.append((_date_from(slip[0], "date"), _date_from(slip[1], "before"), _date_from(slip[2], "after")))
        values = (id_, rep, text, owner, status, _date_from(due, "due"), due_raw, _date_from(since, "since"),
                  source, line, closed_in, _date_from(closed_on, "closed_on"), reason, seen_in, moved,
                  private, parent, context, exact, _date_from(last_open_on, "last_open_on"))
        entry = new(cls)
        entry.__dict__.update(zip(_ENTRY_FIELDS, values))
        found.append(entry)
    return found


# ------------------------------------------------------------- checksums ---
# A damaged cache file (a flipped byte, a torn page, a truncated file) must never
# change what a command prints.  SQLite notices most damage to its own structure,
# and a damaged pickle mostly fails to load; but a byte flipped inside a stored
# text (a rep's name, a commitment) decodes to something else just as well.  So
# every row ends with ``sum``, a hash of its other values (:func:`row_sum`), and
# a row is checked against it before anything in it is used (:func:`_checked`):
# a row that fails is damage (:class:`Damaged`), its note is read again from its
# file and the cache is rebuilt.  Two things are trusted without a sum:
#
# * the index a warm run reads (each note's path and stat key: a sum each would
#   cost a warm run 6 ms per 10,000 notes): a stored key is only used when it
#   equals the note's stat now, so a damaged path or key only makes a note be
#   parsed again;
# * which notes are "special" (racy, unreadable or with problems: the partial
#   index a warm run reads): a row damaged out of it would drop a warning without
#   a word, so meta 'special' keeps how many there are, read in the same
#   transaction; another number is damage.  Meta 'found' does the same for the
#   findings of `check` that have problems.

def row_sum(*values) -> bytes:
    """The checksum a cache row keeps of its other values (text, bytes, numbers, None)."""
    return _blake2b(_dump_plain(values), digest_size=8).digest()


def _checked(row, what: str) -> tuple:
    """``row`` without its sum (its last value), when the sum is right; :class:`Damaged` if not."""
    values = tuple(row[:-1])
    try:
        right = row[-1] == row_sum(*values)
    except Exception:  # noqa: BLE001 - a value no row of ours holds
        right = False
    if not right:
        raise Damaged(f"{what}: a row whose checksum does not match")
    return values


def _meta_row(key: str, value) -> tuple:
    """A row of the meta table, with its sum."""
    return (key, value, row_sum(key, value))


# --------------------------------------------------------------- parsing ---

class Row:
    """One note as the cache keeps it.  (A plain class: 100,000 of them on a first run
    stay small, and a class defined on every start should cost nothing to define.)"""

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

    def __getstate__(self):  # the fields in __slots__ (and __init__) order
        return (self.path, self.rep, self.key, self.racy, self.digest, self.data, self.problems, self.readable,
                self.mentions, self.note)

    def __setstate__(self, state):
        for name, value in zip(self.__slots__, state):
            setattr(self, name, value)


def _as_is(st: os.stat_result) -> os.stat_result:
    return st


_seen = _as_is  # a stat as this file system reports it (tests replace it to mimic coarse clocks)


def _lstat(path: str) -> os.stat_result:
    """The stat of a note, never following a link."""
    return _seen(os.lstat(path))


def stat_key(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _racy(st: os.stat_result, now: int) -> bool:
    return now - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS


_notebook = None  # onenotes.reading.notebook, once parse_row has imported it


def _import_notebook():
    """onenotes.reading.notebook, imported on first use and kept (an import statement in parse_row
    costs 0.6 us a note, even when the module is loaded)."""
    global _notebook
    from onenotes.reading import notebook

    _notebook = notebook
    return notebook


def parse_row(root: str, rel: str, options, now: int, keep: str = "note", hold: bool = False) -> Row:
    """Read and parse one note into a :class:`Row` (never raises for a bad note).

    ``keep`` says what the row carries besides the note's problems: ``"note"``
    the Note object itself (no cache: nothing is encoded), ``"data"`` the Note
    encoded for the cache (and its commitments, for the ledger), ``"both"``
    the two (parsing in this process: nothing to decode after), ``"index"``
    only its commitments (a command that needs no whole notes, such as
    ``followups``: the cache gets the note's body when a command asks for it).
    ``hold``: keep the Note object too, whatever ``keep`` says.
    """
    notebook = _notebook or _import_notebook()  # (its functions looked up on it: tests replace them)
    rep = rel.partition("/")[0]
    digest = key = None
    racy = False
    try:
        data, st = notebook.note_file(root, rel)  # stat as opened, before reading: a later edit shows as a change
        st = _seen(st)
        key, racy = stat_key(st), _racy(st, now)
        digest = _blake2b(data, digest_size=16).digest()
        # An index row (a command that needs no whole notes) reads only what listing
        # commitments needs: no metrics or plans, and only listing problems are kept.
        note = notebook.parse_note_bytes(rel, data, options, keep == "index")
    except NoteError as exc:
        if key is None:  # not opened: the key of what is there, so that it is not read every run
            try:
                st = _lstat(os.path.join(root, rel))
                key, racy = stat_key(st), _racy(st, now)
            except OSError:
                pass
        transient = exc.problem.code == "unreadable"  # permissions, I/O: try again next time
        return Row(rel, rep, None if transient else key, racy, digest, None, encode([exc.problem]),
                   readable=False)
    problems = encode(note.problems) if note.problems else None
    if keep == "note":
        return Row(rel, rep, key, racy, digest, None, problems, note=note)
    try:
        text = _pack(encode(note)) if keep in ("data", "both") else None
        mentions = encode_mentions(note.mentions)
    except (TypeError, ValueError, AttributeError, pickle.PicklingError, RecursionError):
        return Row(rel, rep, None, False, digest, None, problems, note=note)  # parsed every time
    return Row(rel, rep, key, racy, digest, text, problems, True, mentions,
               note if keep == "both" or hold else None)


def _parse_chunk(root: str, rels: list[str], options, now: int, keep: str,
                 fold: frozenset = frozenset()) -> tuple[list[Row], dict[str, bytes]]:
    """Parse ``rels``; fold the ledgers of the reps in ``fold``, whose notes are all here.

    A rep's notes come one after another (scan order), so each rep of ``fold`` is
    folded as soon as its last note is read, and its notes are let go then (unless
    ``keep`` keeps them): one rep's notes are held at a time, not a chunk's (at
    100,000 notes a chunk holds thousands).  A rep whose notes are not all
    together is folded at the end, from all of them.
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
        rep = rel.partition("/")[0]
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
        rep = rel.partition("/")[0]
        if rep != last:
            if rep in seen:
                apart.add(rep)
            seen.add(rep)
            last = rep
    return apart


def _parse_chunk_sent(root: str, rels: list[str], options, now: int, keep: str,
                      fold: frozenset = frozenset()) -> tuple[list[tuple], dict[str, bytes]]:
    """:func:`_parse_chunk` in a worker process, its rows sent back as tuples of their fields:
    a list of tuples pickles and unpickles without one call into Python, a Row's state
    takes two calls (about 3.6 us a row, against 1.3 for the tuple)."""
    rows, ledgers = _parse_paused(root, (rels, fold), options, now, keep)
    return [row.__getstate__() for row in rows], ledgers


def parse_rows(root: str | os.PathLike, rels: list[str], options, jobs: int | None = None,
               keep: str = "note") -> list[Row]:
    """Parse notes, on all cores when there are enough of them; in ``rels`` order."""
    return parse_and_fold(root, rels, options, jobs, keep)[0]


def parse_and_fold(root: str | os.PathLike, rels: list[str], options, jobs: int | None = None, keep: str = "note",
                   fold: frozenset = frozenset(), sink=None) -> tuple[list[Row], dict[str, bytes]]:
    """Parse notes, on all cores when there are enough of them, in ``rels`` order; and
    fold the open commitments of the reps in ``fold`` (every note of theirs is in
    ``rels``) where their notes were parsed, so they never travel back decoded.

    ``sink``: called with the rows of each batch of notes as soon as they are
    parsed (in no set order; every row exactly once), so that the cache can
    write them while the rest is parsed."""
    now = time.time_ns()
    base = str(root)
    if callable(options):  # made only when something is parsed: it imports the parser
        options = options()
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    here = "both" if keep == "data" else keep  # parsed in this process: nothing to decode after
    if jobs < 2 or len(rels) < PARALLEL_MIN:
        return _sunk(_parse_chunk(base, rels, options, now, here, frozenset(fold)), sink)
    import onenotes.reading.note  # noqa: F401  (loaded once here, before any worker forks)

    size = _chunk_size(len(rels), jobs)
    if fold:  # a rep too big for one chunk is folded by the caller, so that every core gets work
        count = _rep_counts(rels)
        fold = frozenset(rep for rep in fold if count.get(rep, 0) <= size)
    chunks = _chunks(rels, size, fold, jobs)
    if _can_fork() and len(chunks) <= _MAX_TASKS:  # (more chunks: a machine of hundreds of cores)
        return _parse_forked(base, chunks, options, now, keep, here, jobs, sink)
    import concurrent.futures
    import multiprocessing

    try:
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context()) as pool:
            results = list(pool.map(_parse_chunk_sent, [base] * len(chunks), [c for c, _ in chunks],
                                    [options] * len(chunks), [now] * len(chunks), [keep] * len(chunks),
                                    [f for _, f in chunks]))
    except (OSError, concurrent.futures.process.BrokenProcessPool):  # no processes here: one core it is
        return _sunk(_parse_chunk(base, rels, options, now, here, frozenset(fold)), sink)
    ledgers: dict[str, bytes] = {}
    for _, folded in results:
        ledgers.update(folded)
    return _sunk(([Row(*state) for chunk, _ in results for state in chunk], ledgers), sink)


def _sunk(parsed: tuple[list[Row], dict[str, bytes]], sink) -> tuple[list[Row], dict[str, bytes]]:
    """``parsed``, its rows handed to ``sink`` first (all at once)."""
    if sink is not None:
        sink(parsed[0])
    return parsed


def _can_fork() -> bool:
    """Parse in forked processes (Linux): no pool, no imports, and this process parses too."""
    return sys.platform == "linux" and hasattr(os, "fork")


_TASK_BYTES = 4  # a chunk's number on the task pipe
_MAX_TASKS = 4096 // _TASK_BYTES  # all of them written at once, and atomically (PIPE_BUF)
_SENT = 24  # a child's notice of a parsed chunk: which of its two files holds the rows, where, how long
_TOLD = 16  # the parent's word to a child: how far it has taken the rows of one of its files


class _Child:
    """A forked parser, as its parent sees it: its pid, the pipe of its notices, the two
    files of its rows, and the pipe on which it is told how far its rows were taken."""

    def __init__(self, pid: int, notices: int, rows: tuple[int, int], taken: int):
        self.pid, self.notices, self.rows, self.taken = pid, notices, rows, taken

    def fds(self) -> tuple[int, ...]:
        return self.notices, *self.rows, self.taken

    def close(self) -> None:
        for fd in self.fds():
            try:
                os.close(fd)
            except OSError:
                pass


def _parse_forked(base: str, chunks: list[tuple[list[str], frozenset]], options, now: int, keep: str,
                  here: str, jobs: int, sink=None) -> tuple[list[Row], dict[str, bytes]]:
    """:func:`parse_and_fold` on ``jobs`` cores: this process and ``jobs - 1`` forked ones.

    The chunks' numbers wait in a pipe; each process reads the next number when it
    is free (a read of 4 bytes from a pipe is atomic), so the cores finish
    together however the notes are spread.  A child writes the rows of each
    chunk to one of two files of its own, as tuples (see :func:`_parse_chunk_sent`
    and :func:`_serve`), then says where on a pipe; this process takes them in
    between its own chunks,
    and hands every chunk's rows to ``sink`` as they come (the cache writes
    them while the rest is parsed).  Against a process pool, no process is
    started but the forked ones, nothing is imported, and only the children's
    share of the rows travels.  A chunk that a child took and did not send
    (it crashed, was killed, or could not fork) is parsed here: the result is
    the same, only slower.
    """
    done: dict[int, tuple[list[Row], dict[str, bytes]]] = {}
    children: list[_Child] = []
    tasks = -1
    try:
        if len(chunks) <= _MAX_TASKS:  # (always, from parse_and_fold)
            try:
                tasks, feed = os.pipe()
                try:
                    os.write(feed, b"".join(i.to_bytes(_TASK_BYTES, "little") for i in range(len(chunks))))
                finally:
                    os.close(feed)
                for _ in range(min(jobs, len(chunks)) - 1):  # a process for each chunk at most
                    _fork(tasks, children, base, chunks, options, now, keep)
            except OSError:  # no pipe, file or fork: fewer processes, or this one alone
                pass
        numbers = _task_numbers(tasks) if tasks >= 0 else iter(range(len(chunks)))
        for number in numbers:
            done[number] = _parse_paused(base, chunks[number], options, now, here)
            if sink is not None:
                sink(done[number][0])
            for child in children:
                _take_sent(child, done, sink, wait=False)
        while children:
            _take_sent(children[-1], done, sink, wait=True)  # interrupted: killed below
            child = children.pop()
            child.close()
            _reap(child.pid)
    finally:
        if tasks >= 0:
            os.close(tasks)
        for child in children:  # interrupted: the children are not waited for
            child.close()
            _reap(child.pid, kill=True)
    for number in range(len(chunks)):
        if number not in done:  # taken by a child that did not send it
            done[number] = _parse_paused(base, chunks[number], options, now, here)
            if sink is not None:
                sink(done[number][0])
    ledgers: dict[str, bytes] = {}
    rows: list[Row] = []
    for number in range(len(chunks)):
        chunk_rows, folded = done[number]
        rows.extend(chunk_rows)
        ledgers.update(folded)
    return rows, ledgers


def _fork(tasks: int, children: list[_Child], base: str, chunks, options, now: int, keep: str) -> _Child:
    """Fork a child that parses chunks from the task pipe, add it to ``children`` and
    return it; OSError when it cannot be.

    Signals are held across the fork, so that one that comes at that moment is
    taken by the child inside :func:`_serve` (which exits), or by this process
    once the child is in ``children`` (which kills it), never by a child still
    running this process's code."""
    import signal

    made: list[int] = []
    try:
        made.append(_rows_file())
        made.append(_rows_file())
        made.extend(os.pipe())  # notices: the child says where the rows of a chunk are
        made.extend(os.pipe())  # taken: this process says how far it has taken them
    except OSError:
        for fd in made:
            os.close(fd)
        raise
    rows = (made[0], made[1])
    notices, notify, told, tell = made[2:]
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT})
    try:
        try:
            pid = os.fork()
        except OSError:
            for fd in made:
                os.close(fd)
            raise
        if pid == 0:  # the child: never returns
            _serve(tasks, notify, rows, told, [notices, tell, *(fd for c in children for fd in c.fds())],
                   base, chunks, options, now, keep, mask)
        child = _Child(pid, notices, rows, tell)
        children.append(child)
        os.close(notify)
        os.close(told)
        os.set_blocking(notices, False)
        os.set_blocking(tell, False)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    return child


def _rows_file() -> int:
    """An anonymous file for a child's rows: in memory where the system allows, else a
    temporary file, unlinked at once; OSError when neither can be made."""
    try:
        return os.memfd_create("onenotes-rows", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # not Linux 3.17+, or forbidden in a sandbox
        import tempfile

        fd, path = tempfile.mkstemp(prefix="onenotes-rows-")
        os.unlink(path)
        return fd


def _task_numbers(tasks: int):
    """The numbers of the chunks this process takes from the task pipe, one at a time, until it is empty."""
    while True:
        data = os.read(tasks, _TASK_BYTES)
        if len(data) < _TASK_BYTES:  # empty (every number is written whole, at once)
            return
        yield int.from_bytes(data, "little")


def _parse_paused(base: str, chunk: tuple[list[str], frozenset], options, now: int, keep: str):
    """:func:`_parse_chunk` of ``chunk`` (its notes, the reps to fold) with the cyclic
    collector paused.

    The collector walks every object the process holds each few hundred
    allocations, and finds nothing to free: a parsed note holds no cycles (a test
    checks).  Paused for the chunk, it costs no time (about 10 us a note when on);
    what the chunk holds is bounded by its size, and it runs again after."""
    import gc

    running = gc.isenabled()
    gc.disable()
    try:
        return _parse_chunk(base, chunk[0], options, now, keep, chunk[1])
    finally:
        if running:
            gc.enable()


def _serve(tasks: int, notify: int, rows: tuple[int, int], told: int, others: list[int], base: str, chunks,
           options, now: int, keep: str, mask=()) -> None:
    """A forked child: parse chunks from the task pipe until it is empty, exit.

    The rows of each chunk go to one of the two files ``rows``, then a notice of
    which, where and how long to the pipe ``notify`` (24 bytes: written at once).
    The parent says on ``told`` how far it has taken each file.  A file all of
    whose rows were taken is emptied and written from its start again, and the
    child writes to the other file while the parent has yet to take the last
    chunk of this one: so the files hold the rows the parent has not taken yet
    (a chunk or two), not all the child's rows (40 MB of a 100,000-note first
    run).  ``others``: the parent's ends of pipes, closed here.  It exits with
    ``os._exit``, whatever happens: nothing of the parent's (buffered output,
    exit handlers, the cache's connection) is flushed or closed twice.
    ``mask``: the signal mask to put back (signals are held across the fork),
    in here."""
    code = 1
    try:
        import signal

        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for fd in others:
            os.close(fd)
        os.set_blocking(told, False)
        written = [0, 0]  # how far each file is written...
        taken = [0, 0]  # ...and taken, as the parent last said
        now_in = 0  # the file written to now
        for number in _task_numbers(tasks):
            parsed, ledgers = _parse_paused(base, chunks[number], options, now, keep)
            data = memoryview(pickle.dumps((number, [row.__getstate__() for row in parsed], ledgers), 5))
            _told(told, taken)
            if written[now_in] and taken[now_in] == written[now_in]:  # all taken: start it again
                now_in = _emptied(rows, now_in, written, taken)
            elif written[now_in] and taken[1 - now_in] == written[1 - now_in]:  # the other one is free
                now_in = _emptied(rows, 1 - now_in, written, taken)
            start = written[now_in]
            while data:
                n = os.pwrite(rows[now_in], data, written[now_in])
                written[now_in] += n
                data = data[n:]
            os.write(notify, now_in.to_bytes(8, "little") + start.to_bytes(8, "little")
                     + (written[now_in] - start).to_bytes(8, "little"))
        code = 0
    except BaseException:  # noqa: BLE001 - whatever happens, the parent parses what is missing
        pass
    finally:
        os._exit(code)


def _emptied(rows: tuple[int, int], which: int, written: list[int], taken: list[int]) -> int:
    """Empty the child's file ``which`` (every row in it was taken), to be written from its start."""
    if written[which]:
        os.ftruncate(rows[which], 0)
    written[which] = taken[which] = 0
    return which


def _told(told: int, taken: list[int]) -> None:
    """Read what the parent said on ``told`` since last time into ``taken`` (file -> how far).

    What it says of a file only grows until the file is emptied, which happens
    only once it has said all of it was taken: so nothing read here is about a
    file's rows from before it was emptied."""
    said = b""
    while True:
        try:
            data = os.read(told, 4096)
        except BlockingIOError:
            break
        if not data:
            break
        said += data
    for at in range(0, len(said) - len(said) % _TOLD, _TOLD):  # (each said at once)
        taken[int.from_bytes(said[at:at + 8], "little") & 1] = int.from_bytes(said[at + 8:at + _TOLD], "little")


def _take_sent(child: _Child, done: dict, sink, wait: bool) -> None:
    """Take the chunks ``child`` has sent; ``wait``: until it has sent all it will (its pipe's end)."""
    if wait:
        os.set_blocking(child.notices, True)
    while True:
        try:
            # Whole notices only: each was written at once, and this reads a multiple of them.
            data = os.read(child.notices, 64 * _SENT)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the child is done (or gone): what it sent is all there is
            return
        ends: dict[int, int] = {}  # file -> how far its rows were taken now
        for at in range(0, len(data) - len(data) % _SENT, _SENT):
            which = int.from_bytes(data[at:at + 8], "little") & 1
            start = int.from_bytes(data[at + 8:at + 16], "little")
            size = int.from_bytes(data[at + 16:at + _SENT], "little")
            try:
                rows_data = os.pread(child.rows[which], size, start)
                ends[which] = start + size
                number, states, ledgers = pickle.loads(rows_data)
                rows = [Row(*state) for state in states]
            except Exception:  # noqa: BLE001 - not as sent: that chunk is parsed here
                continue
            done[number] = (rows, ledgers)
            if sink is not None:
                sink(rows)
        if ends:  # the child may empty what was taken
            try:
                os.write(child.taken, b"".join(which.to_bytes(8, "little") + end.to_bytes(8, "little")
                                               for which, end in ends.items()))
            except OSError:  # gone, or (never at these sizes) a full pipe: it keeps writing on
                pass
        if not wait:
            return


def _reap(pid: int, kill: bool = False) -> int | None:
    """Wait for the child ``pid`` (killed first if ``kill``); its exit code."""
    try:
        if kill:
            import signal

            os.kill(pid, signal.SIGKILL)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except (OSError, ValueError):
        return None


def _chunk_size(notes: int, jobs: int) -> int:
    """Notes per chunk: four chunks a core, so that the cores finish close together."""
    return max(50, -(-notes // (jobs * 4)))


def _chunks(rels: list[str], size: int, fold, jobs: int = 1) -> list[tuple[list[str], frozenset]]:
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

    chunks: list[tuple[list[str], frozenset]] = []
    current: list[str] = []
    reps: set[str] = set()
    left = len(rels)
    want = target(left)
    for rel in rels:
        rep = rel.partition("/")[0]
        if len(current) >= want and not (rep in reps and rep in fold):
            chunks.append((current, frozenset(reps & fold)))
            left -= len(current)
            want = target(left)
            current, reps = [], set()
        current.append(rel)
        reps.add(rep)
    if current:
        chunks.append((current, frozenset(reps & fold)))
    return chunks


# ------------------------------------------------------------- the store ---

def user_cache_dir() -> str:
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    return os.path.join(base, "onenotes")


def cache_locations(root: str | os.PathLike):
    """Where the cache of the notebook at ``root`` may live, best first (each
    worked out only when the one before it cannot be used)."""
    from onenotes.rules.config import CONFIG_NAME

    folder = os.path.join(root, CACHE_DIR)
    inside = os.path.join(folder, CACHE_NAME)
    if os.path.islink(folder) or os.path.islink(inside):
        pass  # a link could send our writes anywhere: never follow it
    elif os.path.isfile(os.path.join(root, CONFIG_NAME)) or os.path.isdir(folder):
        yield inside
    # else not (yet) a notebook: leave the folder alone
    yield _outside(root)


def _outside(root: str | os.PathLike) -> str:
    """The cache file in the user's cache folder, named by the notebook's real path."""
    try:
        from _sha256 import sha256  # Python 3.11, without OpenSSL (hashlib loads it: milliseconds)
    except ImportError:
        try:
            from _sha2 import sha256  # Python 3.12+
        except ImportError:  # pragma: no cover
            from hashlib import sha256
    real = os.path.realpath(root).encode("utf-8", "surrogatepass")
    return os.path.join(user_cache_dir(), sha256(real).hexdigest()[:24] + ".sqlite")


# Every row ends with ``sum``, the checksum of its other values (:func:`row_sum`), checked
# before the row is used (see "checksums" below).
_SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value, sum BLOB);
CREATE TABLE notes (path TEXT PRIMARY KEY, rep TEXT NOT NULL, key TEXT NOT NULL, racy INTEGER,
                    digest BLOB, readable INTEGER, problems BLOB, mentions BLOB, sum BLOB);
CREATE TABLE bodies (path TEXT PRIMARY KEY, data BLOB NOT NULL, sum BLOB);  -- zlib-compressed encoded Note
CREATE INDEX notes_keys ON notes (path, key);  -- a warm run reads only this (see index())
CREATE INDEX notes_special ON notes (path) WHERE racy = 1 OR readable = 0 OR problems IS NOT NULL;
CREATE TABLE ledgers (rep TEXT PRIMARY KEY, open BLOB NOT NULL, sum BLOB);
-- `check`'s findings: per note (name: its path; key: its stat key) and per rep for the rules
-- that read all of a rep's notes (name: "rep/"; key: a hash of their paths and keys);
-- valid for the meta 'checks' (the config and the rules' code); problems NULL: none.
CREATE TABLE checks (name TEXT PRIMARY KEY, key TEXT NOT NULL, problems BLOB, sum BLOB);
CREATE INDEX checks_found ON checks (name) WHERE problems IS NOT NULL;
"""


class Store:
    """An open, valid cache file for one notebook and one set of read options."""

    def __init__(self, path: str, conn: sqlite3.Connection):
        self.path = path
        self._conn = conn
        self._open = False  # a write transaction begun by begin_rows, ended by write
        self._failed = False  # a statement of it failed: write rolls it back
        self._committing = None  # the thread committing the last write (write(..., later=True))
        self._spill = None  # the spill threshold to put back once begin_rows' transaction ends
        self._special: dict[str, tuple] = {}  # path -> the checked row of each note special() read

    @property
    def conn(self) -> sqlite3.Connection:
        """The connection, once a commit running in the background is done."""
        if self._committing is not None:
            self._settle()
        return self._conn

    def _settle(self) -> None:
        thread, self._committing = self._committing, None
        if thread is not None:
            thread.join()

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, root: str | os.PathLike, where: str | os.PathLike | None = None) -> "Store | None":
        """The cache for ``root``; None when no cache can be used (nothing is ever raised).

        Once the notebook's own cache can be used, a cache kept for it in the
        user's cache folder meanwhile (see :func:`cache_locations`) is deleted."""
        sources = sources_key()
        if not sources and not format_version():
            return None
        for path in ([os.fspath(where)] if where is not None else cache_locations(root)):
            try:
                store = cls._open_at(path, sources)
            except _LockedOut:  # in use by another process: no cache this run, and no other one made
                return None
            if store is not None:
                if where is None and os.path.basename(os.path.dirname(path)) == CACHE_DIR:
                    _forget_outside(root)
                return store
        return None

    @classmethod
    def _open_at(cls, path: str, sources: str) -> "Store | None":
        folder = os.path.dirname(path)
        try:
            os.makedirs(folder, exist_ok=True)
            if os.path.basename(folder) == CACHE_DIR:
                _ignore_folder(folder)
            _remove_leftovers(folder)
        except OSError:
            return None
        if os.path.isdir(path) and not os.path.islink(path):
            try:  # an empty folder in its place (nothing else of ours is ever a folder there)
                os.rmdir(path)
            except OSError:
                return None  # not empty: someone's files, left alone (the next place is used)
        if os.path.lexists(path):
            conn = None
            try:
                conn = _connect(path)
                if _valid(conn, sources):
                    return cls(path, conn)
            except sqlite3.Error as exc:
                if _busy(exc):  # another process is writing it: not damage
                    _close(conn)
                    raise _LockedOut from None
            except Exception:  # noqa: BLE001 - any other failure of a damaged file (a bad name in it...)
                pass
            _close(conn)
        # Missing, corrupt, foreign or stale: a fresh file, swapped in atomically.
        try:
            return cls(path, _fresh(path, sources))
        except _LockedOut:
            raise
        except Exception:  # noqa: BLE001 - no cache this run, never a crash
            return None

    @classmethod
    def replace(cls, path: str) -> "Store | None":
        """A new, empty cache at ``path`` (see :func:`_fresh`); None when it cannot be made."""
        try:
            return cls(path, _fresh(path, sources_key()))
        except Exception:  # noqa: BLE001 - (_LockedOut too) no cache this run, never a crash
            return None

    def use_options(self, options_key: str) -> bool:
        """Notes were parsed with these read options (date formats, time zone): forget them if not."""
        try:
            row = self.conn.execute("SELECT key, value, sum FROM meta WHERE key = 'options'").fetchone()
            if row is not None and _checked(row, "meta")[1] == options_key:
                return True
        except Damaged:
            pass  # forgotten below, as for other options
        except Exception:  # noqa: BLE001 - damaged beyond reading: no cache this run
            return False
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute("DELETE FROM notes")
                self.conn.execute("DELETE FROM bodies")
                self.conn.execute("DELETE FROM ledgers")
                self.conn.execute("DELETE FROM checks")
                self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)",
                                      [_meta_row("options", options_key), _meta_row("special", 0),
                                       _meta_row("found", 0)])
                self.conn.execute("COMMIT")
            except Exception:
                self.conn.execute("ROLLBACK")
                raise
            return True
        except Exception:  # noqa: BLE001 - busy, read-only or damaged: no cache this run
            return False

    def config(self, root: str | os.PathLike):
        """The notebook's config: from the cache when ``onenotes.yaml`` is byte for byte the same."""
        from onenotes.reading.config_file import load_config
        from onenotes.rules.config import CONFIG_NAME

        def fingerprint() -> str:
            try:
                with open(os.path.join(root, CONFIG_NAME), "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                data = f"unreadable {exc.errno}".encode()
            return _blake2b(os.path.realpath(root).encode("utf-8", "surrogatepass") + b"\0" + data,
                            digest_size=32).hexdigest()

        before = fingerprint()
        try:
            row = self.conn.execute("SELECT key, value, sum FROM meta WHERE key = 'config'").fetchone()
            value = _checked(row, "meta")[1] if row is not None else None
            if isinstance(value, bytes):
                digest, _, data = value.partition(b"\n")
                if digest == before.encode():
                    return _decode_cached(data, "Config")
        except Exception:  # noqa: BLE001 - a damaged row: read the file instead
            pass
        config = load_config(root)  # a broken config raises here, and is never cached
        if fingerprint() == before:
            try:
                data = before.encode() + b"\n" + encode(config)
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", _meta_row("config", data))
            except Exception:  # noqa: BLE001 - not cached, never a crash
                pass
        return config

    # -- reading -----------------------------------------------------------
    # Each raises sqlite3.Error or Damaged for a damaged file (and possibly other
    # errors: a damaged name in SQLite's own schema); load() rebuilds it then.

    def index(self) -> dict[str, str]:
        """path -> stat key, for every note in the cache (not summed: see "checksums")."""
        return dict(self.conn.execute("SELECT path, key FROM notes"))

    def special(self) -> dict[str, tuple]:
        """path -> (racy, digest, readable, problems) for the few notes that are racy or have
        problems, each row checked, and checked to be all of them (meta 'special')."""
        conn = self.conn
        conn.execute("BEGIN")  # the rows and their number in one read
        try:
            rows = conn.execute("SELECT path, rep, key, racy, digest, readable, problems, mentions, sum FROM notes"
                                " WHERE racy = 1 OR readable = 0 OR problems IS NOT NULL").fetchall()
            count = conn.execute("SELECT key, value, sum FROM meta WHERE key = 'special'").fetchone()
        finally:
            conn.execute("COMMIT")
        if count is None or _checked(count, "meta")[1] != len(rows):
            raise Damaged("notes: not as many racy notes and notes with problems as written")
        found = {}
        for row in rows:
            path, _, _, racy, digest, readable, problems, _ = values = _checked(row, "notes")
            found[path] = (racy, digest, readable, problems)
            self._special[path] = values
        return found

    def note_data(self, paths_keys: dict[str, str]) -> dict[str, bytes]:
        """Encoded notes for these paths, only where the stored key is still the given one."""
        found = {}
        for path, key, data, total in self.conn.execute(
                "SELECT n.path, key, data, b.sum FROM notes n JOIN bodies b ON n.path = b.path"):
            if paths_keys.get(path) == key:
                found[path] = _checked((path, data, total), "bodies")[1]
        return found

    def rep_mentions(self, rep: str) -> list[tuple]:
        """(path, key, encoded commitments) of a rep's readable notes, each row checked."""
        rows = self.conn.execute(
            # A rep's notes are the paths from "rep/" up to "rep0" ("0" follows "/"): a range of
            # the primary key, so the table needs no index of its own on rep.
            "SELECT path, rep, key, racy, digest, readable, problems, mentions, sum FROM notes"
            " WHERE path >= ? AND path < ? AND rep = ? AND readable = 1",
            (rep + "/", rep + "0", rep)).fetchall()
        found = []
        for row in rows:
            path, _, key, _, _, _, _, mentions = _checked(row, "notes")
            found.append((path, key, mentions))
        return found

    def ledgers(self) -> dict[str, str]:
        """rep -> encoded open commitments, each row checked."""
        return dict(_checked(row, "ledgers") for row in self.conn.execute("SELECT rep, open, sum FROM ledgers"))

    def checks(self, fingerprint: str) -> tuple[dict[str, str], dict[str, bytes]] | None:
        """What ``check`` found (see :meth:`put_checks`), when it was found with the same
        ``fingerprint`` (config and rules), else None: name -> key for everything it
        looked at, and name -> encoded problems for what has some (most have none).
        None too when the cache is damaged there (it is all worked out again)."""
        conn = self.conn
        try:
            conn.execute("BEGIN")  # the findings and their number in one read
            try:
                meta = dict(_checked(row, "meta")[:2] for row in conn.execute(
                    "SELECT key, value, sum FROM meta WHERE key IN ('checks', 'found')"))
                if meta.get("checks") != fingerprint:
                    return None
                keys = dict(conn.execute("SELECT name, key FROM checks"))
                rows = conn.execute("SELECT name, key, problems, sum FROM checks WHERE problems IS NOT NULL").fetchall()
            finally:
                conn.execute("COMMIT")
            if meta.get("found") != len(rows):
                return None
            problems = {}
            for row in rows:
                name, key, found = _checked(row, "checks")
                if keys.get(name) != key:
                    return None
                problems[name] = found
            return keys, problems
        except Exception:  # noqa: BLE001 - damaged: worked out again, and written afresh
            return None

    def put_checks(self, fingerprint: str, found: list[tuple[str, str, bytes | None]],
                   removed: list[str], reset: bool) -> bool:
        """Keep what ``check`` found: (name, key, encoded problems or None) for notes (name:
        the path, key: its stat key) and reps (name: "rep/"); forget ``removed`` names, or,
        with ``reset`` (another fingerprint), everything kept before.  Committed in the
        background, as :meth:`write`; False when another process holds the write lock."""
        if not (found or removed or reset):
            return True

        def work(conn: sqlite3.Connection) -> None:
            if reset:
                conn.execute("DELETE FROM checks")
                conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", _meta_row("checks", fingerprint))
            conn.executemany("DELETE FROM checks WHERE name = ?", [(name,) for name in removed])
            conn.executemany("INSERT OR REPLACE INTO checks VALUES (?, ?, ?, ?)",
                             [(name, key, problems, row_sum(name, key, problems)) for name, key, problems in found])
            count = conn.execute("SELECT count(*) FROM checks WHERE problems IS NOT NULL").fetchone()[0]
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", _meta_row("found", count))

        return self._transaction(work, later=True)

    # -- writing -----------------------------------------------------------

    def data_version(self) -> int | None:
        """A number that changes whenever another connection commits to the cache."""
        try:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None

    def begin_rows(self, expected: int) -> bool:
        """Begin the write transaction now, so that rows are written as they are parsed
        (:meth:`put_rows`, while the rest is parsed) and :meth:`write` ends it.

        The rows stay in SQLite's memory until the commit: a page spilled to the
        file would take the file's exclusive lock, and lock every other process out
        of reading it, for the rest of the parse.  So False when the rows would take
        more than :data:`STREAM_BUDGET` (``expected``: about how many bytes), and,
        at once, when another process holds the write lock (this one never waits
        here: :meth:`write` will, briefly, as without it)."""
        if expected > STREAM_BUDGET:
            return False
        conn = self.conn
        try:
            spill = conn.execute("PRAGMA cache_spill").fetchone()[0]
            page = conn.execute("PRAGMA page_size").fetchone()[0] or 4096
            conn.execute("PRAGMA busy_timeout = 0")
        except sqlite3.Error:
            return False
        try:
            conn.execute("BEGIN IMMEDIATE")
            self._open, self._failed = True, False
            # Twice the budget (room for a bad guess), odd: SQLite also reads the number as
            # on/off, by its low byte, and a multiple of 256 would turn spilling off altogether.
            conn.execute(f"PRAGMA cache_spill = {2 * STREAM_BUDGET // page | 1}")
            self._spill = spill
        except sqlite3.Error:
            self._failed = self._open
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(LOCK_TIMEOUT * 1000)}")
        except sqlite3.Error:
            self._failed = True
        return self._open

    def put_rows(self, rows: list[Row]) -> None:
        """Write parsed rows in the transaction :meth:`begin_rows` began (nothing if none is
        open; a failure makes :meth:`write` roll it back and write nothing)."""
        if not self._open or self._failed:
            return
        try:
            self._insert(self.conn, rows)
        except Exception as exc:  # noqa: BLE001 - (a damaged file) nothing of this run is written
            self._failed = exc

    @staticmethod
    def _insert(conn: sqlite3.Connection, rows: list[Row]) -> None:
        notes = []
        for r in rows:
            if r.key is not None:
                values = (r.path, r.rep, r.key, int(r.racy), r.digest, int(r.readable), r.problems, r.mentions)
                notes.append((*values, row_sum(*values)))
        conn.executemany("INSERT OR REPLACE INTO notes VALUES (?,?,?,?,?,?,?,?,?)", notes)
        bodies = [(r.path, r.data, row_sum(r.path, r.data)) for r in rows if r.key is not None and r.data is not None]
        if bodies:
            conn.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)", bodies)

    def write(self, rows: list[Row], removed: list[str], ledgers: dict[str, bytes | None],
              confirmed: list[str], since: int | None = None, later: bool = False) -> bool:
        """Store changed rows, forget removed notes, replace the ledgers of changed reps.

        One transaction; False (and nothing written) when another process holds the lock.
        When :meth:`begin_rows` began it, ``rows`` were written already, by :meth:`put_rows`.
        ``since``: the :meth:`data_version` before this run read the cache.  If another
        process has written since, the ledgers this run folded may rest on rows that are
        no longer the stored ones, so they are dropped instead (the next run folds them
        again from what is stored then); rows are safe either way, as each carries the
        stat key it was parsed at.

        ``later``: the COMMIT (most of it, the sync of the file to disk) runs in a
        thread while the command goes on to print; the next use of this store, or
        :func:`settle`, waits for it.  True then means written, not yet committed.
        """
        put = self._open
        if not (rows or removed or ledgers or confirmed or put):
            return True

        def work(conn: sqlite3.Connection) -> None:
            folded = ledgers
            if since is not None and self.data_version() != since:
                folded = {rep: None for rep in ledgers}
            if not put:
                self._insert(conn, rows)
            gone = [(p,) for p in removed] + [(r.path,) for r in rows if r.key is None]
            conn.executemany("DELETE FROM notes WHERE path = ?", gone)
            # A note parsed without its body (followups) drops the body kept for its old
            # version; with no body kept at all (the first runs of such commands), there is
            # nothing to drop, and 10,000 lookups of nothing cost 5 ms.
            if conn.execute("SELECT 1 FROM bodies LIMIT 1").fetchone() is not None:
                conn.executemany("DELETE FROM bodies WHERE path = ?",
                                 gone + [(r.path,) for r in rows if r.key is not None and r.data is None])
            # A confirmed note is no longer racy: its row (as special() checked it) gets a new sum,
            # unless another process rewrote the row meanwhile.
            confirm = []
            for path in confirmed:
                old = self._special.get(path)
                if old is not None:
                    new = (*old[:3], 0, *old[4:])
                    confirm.append((row_sum(*new), path, row_sum(*old)))
            conn.executemany("UPDATE notes SET racy = 0, sum = ? WHERE path = ? AND sum = ?", confirm)
            conn.executemany("INSERT OR REPLACE INTO ledgers VALUES (?, ?, ?)",
                             [(rep, text, row_sum(rep, text)) for rep, text in folded.items() if text is not None])
            conn.executemany("DELETE FROM ledgers WHERE rep = ?",
                             [(rep,) for rep, text in folded.items() if text is None])
            _count_special(conn)

        return self._transaction(work, later)

    def add_bodies(self, rows: list[Row]) -> bool:
        """Keep the encoded notes of rows parsed for their bodies, where the cache still
        has the same note (same stat key and content hash); False when another process
        holds the write lock (nothing written)."""
        rows = [r for r in rows if r.key is not None and r.data is not None and r.readable]
        if not rows:
            return True
        return self._transaction(lambda conn: conn.executemany(
            "INSERT OR REPLACE INTO bodies SELECT ?, ?, ? WHERE EXISTS"
            " (SELECT 1 FROM notes WHERE path = ? AND key = ? AND digest = ?)",
            [(r.path, r.data, row_sum(r.path, r.data), r.path, r.key, r.digest) for r in rows]))

    def _transaction(self, work, later: bool = False) -> bool:
        """``work(conn)`` in one write transaction; False (nothing written) when another
        process holds the write lock or anything fails.  ``later``: see :meth:`write`."""
        conn = self.conn
        # The spill threshold begin_rows raised is put back once the transaction is over:
        # before, the first page ``work`` needs would spill the rows in this thread.
        spill, self._spill = self._spill, None
        if self._open:  # begun by begin_rows
            self._open = False
            if self._failed:
                _end_transaction(conn, "ROLLBACK", spill)
                if _corrupt(self._failed):
                    self.discard()
                return False
        else:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except Exception:  # noqa: BLE001 - busy, or a damaged file
                return False
        try:
            work(conn)
        except Exception as exc:  # noqa: BLE001 - (a damaged file: any error) nothing of it is written
            _end_transaction(conn, "ROLLBACK", spill)
            if _corrupt(exc):  # damage the reads did not meet (an index's entry): rebuilt next run
                self.discard()
            return False
        if later:
            import threading

            thread = threading.Thread(target=_end_transaction, args=(conn, "COMMIT", spill),
                                      name="onenotes-cache-commit")
            try:
                thread.start()
            except RuntimeError:  # no thread to be had (a process limit): commit now
                pass
            else:
                self._committing = thread
                _COMMITTING.append(self)
                return True
        return _end_transaction(conn, "COMMIT", spill)

    def discard(self) -> None:
        """Forget a damaged cache: the next run starts a new one."""
        self.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def close(self) -> None:
        _close(self.conn)


_COMMITTING: list[Store] = []  # stores whose last write may still be committing


def _end_transaction(conn: sqlite3.Connection, how: str, spill: int | None = None) -> bool:
    """COMMIT (or ROLLBACK) the open transaction; ROLLBACK if the commit fails, and then
    nothing of it was written.  In the thread :meth:`Store.write` started when asked to
    (SQLite lets go of the GIL while it writes and syncs).  ``spill``: the spill
    threshold to put back after.  True when committed."""
    done = False
    try:
        conn.execute(how)
        done = how == "COMMIT"
    except Exception:  # noqa: BLE001 - (in a thread too: never a traceback)
        try:
            conn.execute("ROLLBACK")
        except Exception:  # noqa: BLE001
            pass
    if spill is not None:
        try:
            conn.execute(f"PRAGMA cache_spill = {spill}")
        except Exception:  # noqa: BLE001
            pass
    return done


def _corrupt(exc: BaseException) -> bool:
    """``exc`` says the cache file is damaged (not busy, full or read-only)."""
    if not isinstance(exc, sqlite3.Error):
        return isinstance(exc, Exception)  # (a damaged name in SQLite's message: UnicodeDecodeError...)
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT)
    return "malformed" in str(exc) or "not a database" in str(exc)


def _count_special(conn: sqlite3.Connection) -> None:
    """Keep how many notes are special (see "checksums"), in the transaction that changed them."""
    count = conn.execute("SELECT count(*) FROM notes WHERE racy = 1 OR readable = 0 OR problems IS NOT NULL"
                         ).fetchone()[0]
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", _meta_row("special", count))


def _close(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        try:
            conn.close()
        except Exception:  # noqa: BLE001
            pass


def settle() -> None:
    """Wait for every write still committing in the background (before the process ends)."""
    while _COMMITTING:
        _COMMITTING.pop()._settle()


def _pack(data: bytes) -> bytes:
    import zlib  # only for whole notes: a warm followups reads none

    return zlib.compress(data, 1)


def _unpack(data: bytes) -> bytes:
    import zlib

    inflate = zlib.decompressobj()
    out = inflate.decompress(data, MAX_UNPACKED)
    if inflate.unconsumed_tail or not inflate.eof:
        raise ValueError("a cached note that does not inflate to its end")
    return out


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=DELETE")  # one file; the journal exists only during a write
    return conn


def _valid(conn: sqlite3.Connection, sources: str) -> bool:
    """Our file, written for this format: the same sources as when it was checked, or the same hash."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return False
    try:
        meta = dict(_checked(row, "meta")[:2] for row in conn.execute(
            "SELECT key, value, sum FROM meta WHERE key IN ('format', 'sources')"))
    except Damaged:
        return False
    if sources and meta.get("sources") == sources and meta.get("format"):
        return True
    version = format_version()
    if not version or meta.get("format") != version:
        return False
    if sources:  # the same format from other files (reinstalled, touched): the next run need not hash
        try:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", _meta_row("sources", sources))
        except sqlite3.Error:
            pass  # read-only, or busy: hashed again next time
    return True


class _LockedOut(Exception):
    """The cache file is locked by another process for longer than we wait."""


def _busy(exc: BaseException) -> bool:
    """SQLite could not get a lock in time: another process is using the file."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def _fresh(path: str, sources: str) -> sqlite3.Connection:
    """A new, empty cache at ``path``, swapped in atomically.

    Never while ``path`` has a rollback journal (:class:`_LockedOut`): another
    process is writing the file it would replace (a journal left by a crash is
    rolled back, and gone, once the old file is opened), and SQLite would play
    that journal back into the new file, corrupting it.  A journal whose file is
    gone (deleted by hand after a crash), or that no process is writing (SQLite
    could not play it back: it is damaged), belongs to nobody, and is deleted."""
    try:
        journal = os.lstat(path + "-journal").st_size  # (an empty one cannot be played back)
    except OSError:
        journal = 0
    if journal and (not os.path.lexists(path) or not _being_written(path)):  # left by a crash: nobody's
        try:
            os.unlink(path + "-journal")
            journal = 0
        except OSError:
            pass
    if journal:
        raise _LockedOut("the cache is being written by another process")
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        # One transaction (one commit, one set of syncs: each statement on its own took
        # about 10 ms of a first run); executescript commits anything pending first.
        conn.executescript(f"BEGIN; PRAGMA application_id = {APPLICATION_ID}; {_SCHEMA_SQL}")
        version = format_version()
        conn.executemany("INSERT INTO meta VALUES (?, ?, ?)",
                         [_meta_row("format", version), _meta_row("onenotes", __version__),
                          _meta_row("special", 0), _meta_row("found", 0)]
                         + ([_meta_row("sources", sources)] if sources else []))
        conn.execute("COMMIT")
        conn.close()
        os.replace(tmp, path)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    conn = _connect(path)
    if not _valid(conn, sources):  # someone else swapped in theirs
        conn.close()
        raise sqlite3.DatabaseError("cache replaced while opening")
    return conn


def _being_written(path: str) -> bool:
    """Another process holds the write lock of the SQLite file at ``path`` (so a journal
    next to it is that process's, not one left by a crash)."""
    conn = None
    try:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # (plays back a journal left by a crash, when it can)
        conn.execute("ROLLBACK")
        return False
    except sqlite3.Error as exc:
        return _busy(exc)
    except Exception:  # noqa: BLE001 - not a database at all: nobody is writing it
        return False
    finally:
        _close(conn)


IGNORE_ALL = "# onenotes' cache of parsed notes; safe to delete\n*\n"
STALE_SECONDS = 60  # a temporary file untouched this long is left by a killed run, not being written


def _ignore_folder(folder: str) -> None:
    """``.onenotes/.gitignore`` with ``*``, so git ignores the cache even in old notebooks.

    A file without the line ``*`` (empty or cut short by a full disk, say) is
    written again, atomically: a temporary file, synced, renamed over it."""
    marker = os.path.join(folder, ".gitignore")
    try:
        with open(marker, "rb") as fh:
            if b"*" in (line.strip() for line in fh.read(65536).splitlines()):
                return
    except FileNotFoundError:
        pass
    except OSError:  # not a file we can read (a folder, no permission): left alone
        return
    tmp = os.path.join(folder, f".gitignore.{os.urandom(6).hex()}.tmp")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(IGNORE_ALL)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            os.unlink(tmp)
            raise
        os.replace(tmp, marker)
    except OSError:  # a full disk, a read-only folder: tried again next run
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _remove_leftovers(folder: str) -> None:
    """Delete the temporary files (and their journals) of runs killed while making a new
    cache or ``.gitignore`` in ``folder``: hidden ``.*.tmp`` and ``.*.tmp-journal`` files
    not touched for :data:`STALE_SECONDS` (a live run is done with its own in milliseconds)."""
    try:
        names = [n for n in os.listdir(folder)
                 if n.startswith(".") and (n.endswith(".tmp") or n.endswith(".tmp-journal"))]
    except OSError:
        return
    if not names:
        return
    import stat

    old = time.time() - STALE_SECONDS
    for name in names:
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and st.st_mtime < old:
                os.unlink(path)
        except OSError:
            pass


def _forget_outside(root: str | os.PathLike) -> None:
    """Delete the cache kept for ``root`` in the user's cache folder (while the notebook's
    own could not be used): the notebook's own is used now, so it would only grow stale.
    (Only when that folder exists, and it is deleted once empty: naming the file there
    costs a warm run a module it never needs otherwise.)"""
    folder = user_cache_dir()
    if not os.path.isdir(folder):
        return
    try:
        outside = _outside(root)
        os.unlink(outside)
    except OSError:
        return
    try:  # its journal too, unless a process still writing the deleted file has it open
        if os.lstat(outside + "-journal").st_mtime < time.time() - STALE_SECONDS:
            os.unlink(outside + "-journal")
    except OSError:
        pass
    try:
        os.rmdir(folder)  # the last cache in it: gone with it
    except OSError:
        pass


# ------------------------------------------------------------ a notebook ---

def file_digest(path: str) -> bytes | None:
    from onenotes.reading.files import read_bytes

    try:
        from onenotes.reading.note import MAX_NOTE_BYTES
        return _blake2b(read_bytes(path, MAX_NOTE_BYTES), digest_size=16).digest()
    except (OSError, ValueError):
        return None


class Damaged(ValueError):
    """A cache row that does not decode: the file was damaged or tampered with."""


def _decode_cached(text, kind: str, many: bool = False, packed: bool = False):
    """A cached value, checked to be a ``kind`` record (or a list of them); :class:`Damaged` if not."""
    try:
        value = decode(_unpack(text) if packed else text)
    except Exception as exc:  # noqa: BLE001 - any failure means a damaged row, never a crash
        raise Damaged(str(exc)) from None
    return _expect(value, kind, many)


class Loaded:
    """The notes of a notebook as read through the cache.

    ``keys`` holds every note, in scan order, with the stat key this run saw;
    ``rows`` only the notes parsed in this run and those the cache knows to be
    unreadable, racy or with problems.  A note in ``keys`` but not in ``rows``
    is readable and without problems, and is decoded from the cache when a
    command asks for it.  A row that does not decode is read again from its
    file and the cache file is dropped, to be rebuilt next run.
    """

    def __init__(self, keys: dict[str, str | None], rows: dict[str, Row], ledgers: dict[str, bytes] | None,
                 store: Store | None = None, root: str | None = None, options: object = None,
                 partial: bool = False):
        self.keys = keys
        self.rows = rows
        self.ledgers = ledgers  # rep -> encoded open entries (None: fold from the notes)
        self.store = store
        self.root = root
        self.options = options
        self.partial = partial  # notes parsed in this run were read for their commitments only
        self.fresh: set[str] = set(rows)  # the notes parsed in this run (not from the cache)

    def _damaged(self) -> None:
        if self.store is not None:
            self.store.discard()
            self.store = None
        self.ledgers = None

    def _reread(self, path: str) -> Row:
        options = self.options() if callable(self.options) else self.options
        row = parse_row(str(self.root), path, options, time.time_ns())
        self.rows[path] = row
        return row

    def _note(self, path: str, row: Row | None, text: bytes | None):
        if row is not None and row.note is not None:
            return row.note
        if text is not None:
            try:
                return _decode_cached(text, "Note", packed=True)
            except Damaged:
                self._damaged()
        row = self._reread(path)  # changed since this run looked, or damaged
        if not row.readable:
            return None
        return row.note if row.note is not None else decode(_unpack(row.data))

    def notes(self) -> list:
        """Every readable note, decoded.

        A note the cache holds only the commitments of (a run that needed no
        whole notes parsed it) is parsed now, all such notes at once and on
        every core, and the cache keeps the result for the next run.
        """
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
            options = self.options() if callable(self.options) else self.options
            parsed = parse_rows(self.root, missing, options, keep="data" if self.store is not None else "note")
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

    def row_problems(self, row: Row) -> list[Problem]:
        if not row.problems:
            return []
        try:
            return _decode_cached(row.problems, "Problem", many=True)
        except Damaged:
            self._damaged()
            row = self._reread(row.path)
            return decode(row.problems) if row.problems else []

    def problems(self, readable: bool) -> list[Problem]:
        """Why notes could not be read (``readable=False``), or the problems inside readable notes."""
        found = []
        rows = self.rows
        for path in self.keys:
            row = rows.get(path)
            if row is not None and row.readable == readable and row.problems:
                found.extend(self.row_problems(row))
        return found

    def open_entries(self) -> list | None:
        """The open commitments of every rep, as cached; None when they must be folded from notes."""
        if self.ledgers is None:
            return None
        try:
            return [e for rep in sorted(self.ledgers) for e in decode_entries(self.ledgers[rep])]
        except Damaged:
            self._damaged()
            return None


def load(root: str, rels: list[str], options, options_key: str, store: Store | None,
         jobs: int | None = None, notes: bool = True) -> Loaded:
    """Read the notes ``rels`` of the notebook at ``root``, through ``store`` when there is one.

    ``notes=False``: the command needs the notes' problems and open commitments,
    not whole notes, so the cache gets only those from the notes parsed now.
    """
    if store is not None and not store.use_options(options_key):
        store.close()
        store = None
    for attempt in (1, 2):
        if store is None:
            break
        try:
            return _load_cached(root, rels, options, store, jobs, "data" if notes else "index")
        except Exception as exc:  # noqa: BLE001 - sqlite3.Error, Damaged or anything a damaged file gives
            store.close()
            # Damaged after it opened (a truncated page, say): start it afresh, once.
            # Busy is not damage: another process is writing it (no cache this run).
            store = Store.replace(store.path) if attempt == 1 and not _busy(exc) else None
            if store is not None and not store.use_options(options_key):
                store = None
    rows = parse_rows(root, rels, options, jobs, keep="note")
    return Loaded({r.path: r.key for r in rows}, {r.path: r for r in rows}, None, None, root, options)


def _rep_of(rel: str) -> str:
    return rel.partition("/")[0]


def _rep_counts(rels: list[str]) -> dict[str, int]:
    """rep -> how many of ``rels`` are its (for 10,000 notes, 1.5 ms instead of 3 through _rep_of)."""
    count: dict[str, int] = {}
    get = count.get
    for rel in rels:
        rep = rel.partition("/")[0]
        count[rep] = get(rep, 0) + 1
    return count


def _load_cached(root: str, rels: list[str], options, store: Store, jobs, keep: str) -> Loaded:
    version = store.data_version()  # before reading anything: a later write by another process shows
    known = store.index()
    special = store.special()
    now = time.time_ns()
    keys: dict[str, str | None] = {}
    rows: dict[str, Row] = {}
    todo: list[str] = []
    confirmed: list[str] = []
    prefix = os.path.join(str(root), "")
    lstat = os.lstat if _seen is _as_is else _lstat  # the loop every warm run spends its time in
    for rel in rels:
        stored = known.get(rel)
        if stored is None:  # new to the cache (all of them, on a first run): parsed, stat and all
            todo.append(rel)
            continue
        try:
            st = lstat(prefix + rel)
        except OSError:
            todo.append(rel)
            continue
        key = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
        if stored != key:
            todo.append(rel)
            continue
        keys[rel] = key
        extra = special.get(rel)
        if extra is None:
            continue
        racy, digest, readable, problems = extra
        if racy:  # the stat cannot tell; the content can
            if digest is None or file_digest(prefix + rel) != digest:
                del keys[rel]
                todo.append(rel)
                continue
            if not _racy(st, now):
                confirmed.append(rel)
        if problems or not readable:
            rows[rel] = Row(rel, _rep_of(rel), key, False, digest, None, problems, readable=bool(readable))
    # A rep whose every note is parsed now (a first run) has its ledger folded where
    # its notes were parsed; the rest are folded below from the stored commitments.
    fold = set()
    if todo:
        count = _rep_counts(rels)
        for rep, parsed_now in _rep_counts(todo).items():
            count[rep] -= parsed_now
        fold = {rep for rep, left in count.items() if left == 0}
        if len(todo) < len(rels):  # scan order groups a rep's notes: keep it so when some are known
            todo_set = set(todo)
            todo = [rel for rel in rels if rel in todo_set]
    # Rows are written as they are parsed (while the rest is), in the transaction that
    # store.write ends below, unless another process is writing now or they are many.
    sink = store.put_rows if todo and store.begin_rows(len(todo) * ROW_BYTES[keep]) else None
    parsed, folded = parse_and_fold(root, todo, options, jobs, keep, frozenset(fold), sink) if todo else ([], {})
    for row in parsed:
        rows[row.path] = row
        keys[row.path] = row.key
    if parsed:  # back to scan order
        keys = {rel: keys[rel] for rel in rels}
    removed = [p for p in known if p not in keys]
    if any(type(p) is not str for p in removed):  # (never in keys: they come from the walk)
        raise Damaged("notes: a path that is not text")
    changed = {r.rep for r in parsed} | {_rep_of(p) for p in removed}
    reps = {rel.partition("/")[0] for rel in keys}
    stored = store.ledgers()
    ledgers = {rep: stored[rep] for rep in reps if rep in stored and rep not in changed}
    writes: dict[str, str | None] = {rep: None for rep in changed - reps}
    kept_out = {r.rep for r in parsed if r.key is None}  # a note we could not keep
    missing = reps - set(ledgers)
    if missing:
        members: dict[str, list[str]] = {}
        for rel in keys:
            rep = _rep_of(rel)
            if rep in missing:
                members.setdefault(rep, []).append(rel)
        try:
            for rep in sorted(missing):
                ledgers[rep] = folded[rep] if rep in folded else _rep_ledger(rep, members.get(rep, []), keys,
                                                                             rows, store)
                writes[rep] = None if rep in kept_out else ledgers[rep]
        except _RowsChanged:  # another process rewrote them meanwhile: fold from the notes this time
            ledgers = None
            writes = {rep: None for rep in writes.keys() | missing}
    loaded = Loaded(keys, rows, ledgers, store, root, options, partial=keep == "index")
    loaded.fresh = {row.path for row in parsed}
    store.write(parsed, removed, writes, confirmed, since=version, later=True)  # committed as the command prints
    return loaded


class _RowsChanged(Exception):
    """A rep's stored commitments changed under this run (another process wrote them)."""


class _LedgerNote:
    """What the ledger reads of a note: where it is, and its commitments."""

    __slots__ = ("path", "rep", "date", "seq", "mentions")

    def __init__(self, path: str, mentions: list):
        from onenotes.reading.layout import note_identity

        self.path = path
        self.rep, self.date, self.seq = note_identity(path)
        self.mentions = mentions

    @property
    def sort_key(self):
        return (self.date, self.seq, self.path)


def _rep_ledger(rep: str, paths: list[str], keys: dict, rows: dict[str, Row], store: Store) -> str:
    """The open commitments of one rep, folded by the real ledger, encoded."""
    from onenotes.rules.commitments import build_ledger, open_commitments

    notes = []
    need = {}
    for path in paths:
        row = rows.get(path)
        if row is not None and not row.readable:
            continue
        if row is not None and row.note is not None:
            notes.append(row.note)
        elif row is not None and row.mentions is not None:
            notes.append(_LedgerNote(path, decode_mentions(row.mentions)))
        else:
            need[path] = keys[path]
    if need:
        for path, key, mentions in store.rep_mentions(rep):
            if need.get(path) == key and mentions is not None:
                notes.append(_LedgerNote(path, decode_mentions(mentions)))
                del need[path]
    if need:  # rewritten by another process since this run looked
        raise _RowsChanged(rep)
    return encode_entries(open_commitments(build_ledger(notes)))
