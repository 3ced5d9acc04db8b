"""How cached values are written and read back: pickles narrowed on both sides, and checksums.

Parsed notes are kept as pickles, the quickest way CPython has to store and
rebuild them (rebuilding a note from tagged JSON cost more than parsing it).
A pickle may call whatever its globals name, so both sides are narrowed:

* the pickler writes onenotes' records (Note, Mention, Problem, Entry,
  Config...) as calls of one function, :func:`_rebuild` (kind, fields), and
  paths as :func:`_path` (text); it refuses any other class (the note is then
  parsed every run);
* the unpickler resolves only those two, the YAML loader's two container
  builders and the datetime types, and imports nothing a row names: no class
  of ours is ever on its stack (so a crafted row cannot change one);
* every value read is checked to be what its column holds (:func:`decode_checked`).

A note's commitments and a rep's open commitments (the two values every first
run writes for every note and rep) use a plainer coding still
(:func:`encode_mentions`, :func:`encode_entries`): tuples of text, whole
numbers and None, dates as ordinals, read back by an unpickler that resolves
no global at all, every field checked before a record is made of it.

A planted or damaged row can therefore only fail to load (:class:`Damaged`:
the cache is then rebuilt), never run code.  Every row also ends with a
checksum of its other values (:func:`row_sum`), so that a byte flipped inside
a stored text is caught before it reaches the output (see store.py).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io

from onenotes.reading.cache.key import blake2b

try:  # the C pickler alone: pickle.py adds milliseconds to every start (tests/robustness/test_startup.py)
    import _pickle as pickle
except ImportError:  # pragma: no cover - other Pythons
    import pickle  # type: ignore[no-redef]

MAX_UNPACKED = 64 << 20  # no cached note comes near this; a row that would is damaged


class Damaged(ValueError):
    """A cache row that does not decode: the file was damaged or tampered with."""


# ------------------------------------------------------------ records ---

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
_RECORD_CLASSES: dict[str, type] = {}


def record_fields(cls: type) -> tuple[str, ...]:
    """The fields of a record class, in declared order."""
    names = _FIELDS.get(cls)
    if names is None:
        import dataclasses

        names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELDS[cls] = names
    return names


def record_class(kind: str) -> type:
    """The class of a record kind (KeyError: not a kind the cache holds)."""
    cls = _RECORD_CLASSES.get(kind)
    if cls is None:
        module, name = _RECORDS[kind]
        cls = _RECORD_CLASSES[kind] = getattr(importlib.import_module(module), name)
    return cls


def made(cls: type, names: tuple[str, ...], values) -> object:
    """An instance of the record class ``cls`` with these field values, set as its own
    ``__init__`` would set them (frozen or not, with or without ``__slots__``)."""
    obj = cls.__new__(cls)
    try:
        obj.__dict__.update(zip(names, values))
    except AttributeError:  # a class with __slots__
        for name, value in zip(names, values):
            object.__setattr__(obj, name, value)
    return obj


def _rebuild(kind, values):
    """A record from the fields :class:`_Pickler` wrote (the only constructor a row may call)."""
    if type(kind) is not str or kind not in _RECORDS or type(values) is not tuple:
        raise pickle.UnpicklingError("not a record of onenotes")
    cls = record_class(kind)
    names = record_fields(cls)
    if len(values) != len(names):
        raise pickle.UnpicklingError(f"a {kind} with {len(values)} fields")
    return made(cls, names, values)


def _path(text):
    if type(text) is not str:
        raise pickle.UnpicklingError("a path must be text")
    from pathlib import Path  # only a value that held a Path: the notebook's own are text

    return Path(text)


_PLAIN_GLOBALS = (dt.date, dt.datetime, dt.time, dt.timedelta, dt.timezone)
_YAML: dict = {}  # the YAML loader's containers, and (module, name) -> each one's builder


def _yaml_containers() -> dict:
    """The YAML loader's two containers (LineDict, LineList: they keep line numbers) and
    the builders their pickles name, wherever the loader keeps them."""
    if not _YAML:
        from onenotes.reading.yaml.safe import LineDict, LineList

        _YAML["classes"] = (LineDict, LineList)
        builders = [cls().__reduce__()[0] for cls in (LineDict, LineList)]
        _YAML["builders"] = {(f.__module__, f.__name__): f for f in builders}
    return _YAML


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        cls = type(obj)
        if cls in _PLAIN_GLOBALS:
            return NotImplemented  # datetime's own reduce
        where = (getattr(obj, "__module__", None), getattr(obj, "__qualname__", None))
        if where in _GLOBALS:
            return NotImplemented  # one of the globals a row may name, written as such
        if cls.__name__ in ("LineDict", "LineList", "function"):
            yaml = _yaml_containers()
            if cls in yaml["classes"] or where in yaml["builders"]:
                return NotImplemented  # the containers reduce to their builders, written as globals
        kind = _KIND_OF.get((cls.__module__, cls.__qualname__))
        if kind is not None:
            return _rebuild, (kind, tuple(getattr(obj, name) for name in record_fields(cls)))
        import sys

        pathlib = sys.modules.get("pathlib")  # not loaded: no object here can be a path
        if pathlib is not None and isinstance(obj, pathlib.PurePath):
            return _path, (str(obj),)
        raise pickle.PicklingError(f"cannot cache a {cls.__name__}")


_GLOBALS = {  # (module, name) a row may name -> what it gets (and the YAML containers' builders)
    (__name__, "_rebuild"): _rebuild,
    (__name__, "_path"): _path,
    **{("datetime", cls.__name__): cls for cls in _PLAIN_GLOBALS},
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        found = _GLOBALS.get((module, name))
        if found is None and module.startswith("onenotes.reading.yaml."):  # (the loader is ours)
            found = _yaml_containers()["builders"].get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return found


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


def pack(data: bytes) -> bytes:
    """Compressed, for a whole note."""
    import zlib  # only for whole notes: a warm followups reads none

    return zlib.compress(data, 1)


def unpack(data: bytes) -> bytes:
    """What :func:`pack` compressed; ValueError for a row that would inflate past :data:`MAX_UNPACKED`."""
    import zlib

    inflate = zlib.decompressobj()
    out = inflate.decompress(data, MAX_UNPACKED)
    if inflate.unconsumed_tail or not inflate.eof:
        raise ValueError("a cached note that does not inflate to its end")
    return out


def decode_checked(data, kind: str, many: bool = False, packed: bool = False):
    """A cached value, checked to be a ``kind`` record (or a list of them); :class:`Damaged` if not."""
    try:
        value = decode(unpack(data) if packed else data)
    except Exception as exc:  # noqa: BLE001 - any failure means a damaged row, never a crash
        raise Damaged(str(exc)) from None
    cls = record_class(kind)
    if many:
        if type(value) is not list or any(type(v) is not cls for v in value):
            raise Damaged(f"not a list of {kind}")
    elif type(value) is not cls:
        raise Damaged(f"not a {kind}")
    return value


# -------------------------------------------------------- plain values ---

class _PlainPickler(pickle.Pickler):
    # Called for every value but None, bools, and exact ints, floats, str, bytes, tuples,
    # lists, dicts and sets (the C pickler writes those itself): nothing else is plain.
    def reducer_override(self, obj):
        raise pickle.PicklingError(f"cannot cache a {type(obj).__name__} as a plain value")


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"{module}.{name}: a plain value names no global")


_PICKLERS: list = []  # (pickler, its output) pairs free for the next dump_plain


def dump_plain(value) -> bytes:
    """A tree of plain values (text, numbers, None, lists, tuples...) as a pickle that names no global.

    Every row of a first run is summed this way, and its commitments written: a
    pickler is kept for the next value (docs/performance.md, "Parsing fast"), taken
    from the list and put back after a dump that went through (a pickler that
    failed mid-dump is dropped)."""
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
    """The list :func:`dump_plain` wrote; :class:`Damaged` for anything else."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise Damaged(f"{what}: not bytes")
    try:
        value = _PlainUnpickler(io.BytesIO(data)).load()
    except Exception as exc:  # noqa: BLE001 - any failure means a damaged row, never a crash
        raise Damaged(f"{what}: {exc}") from None
    if type(value) is not list:
        raise Damaged(f"{what}: not a list")
    return value


def _ordinal(value):
    """A date as its ordinal (None stays None); a datetime or any other value is refused."""
    if value is None:
        return None
    if type(value) is not dt.date:
        raise TypeError(f"cannot cache a {type(value).__name__} as a date")
    return value.toordinal()


def _date_from(value, what: str):
    """The date of an ordinal :func:`_ordinal` wrote (None stays None); :class:`Damaged` if not one."""
    if value is None:
        return None
    if type(value) is not int:
        raise Damaged(f"{what}: a date that is not an ordinal")
    try:
        return dt.date.fromordinal(value)
    except (ValueError, OverflowError):
        raise Damaged(f"{what}: a date out of range") from None


_TEXT = (str,)
_TEXT_OR_NONE = (str, type(None))
_DATE_FIELD = None  # checked as it is read back (see _date_from)

MENTION_FIELDS = ("id", "text", "owner", "status", "due", "due_raw", "since", "line", "origin",
                  "done_on", "reason", "private", "parent", "former_id")  # Mention's, in order (a test checks)
# The types each field of a stored mention may have (bool and int told apart).
_MENTION_TYPES = (_TEXT, _TEXT, _TEXT, _TEXT, _DATE_FIELD, _TEXT_OR_NONE, _DATE_FIELD, (int,), _TEXT, _DATE_FIELD,
                  _TEXT_OR_NONE, (bool,), _TEXT_OR_NONE, _TEXT_OR_NONE)
_MENTION_DATES = (4, 6, 9)


def encode_mentions(mentions: list) -> bytes:
    """A note's commitments (a list of Mention) as :func:`decode_mentions` reads them back."""
    return dump_plain([(m.id, m.text, m.owner, m.status, _ordinal(m.due), m.due_raw, _ordinal(m.since), m.line,
                        m.origin, _ordinal(m.done_on), m.reason, m.private, m.parent, m.former_id)
                       for m in mentions])


def decode_mentions(data) -> list:
    """The list of Mention :func:`encode_mentions` wrote; :class:`Damaged` for anything else."""
    cls = record_class("Mention")
    found = []
    for item in _load_plain(data, "mentions"):
        if type(item) is not tuple or len(item) != len(MENTION_FIELDS):
            raise Damaged("mentions: not a mention")
        values = list(item)
        _check_fields(values, _MENTION_TYPES, "mentions")
        for at in _MENTION_DATES:
            values[at] = _date_from(values[at], MENTION_FIELDS[at])
        found.append(made(cls, MENTION_FIELDS, values))
    return found


def _check_fields(values: list, types: tuple, what: str) -> None:
    """Each value is exactly of one of its field's types; :class:`Damaged` if not."""
    for value, allowed in zip(values, types):
        if allowed is not None and type(value) not in allowed:
            raise Damaged(f"{what}: a field of the wrong type")


ENTRY_FIELDS = ("id", "rep", "text", "owner", "status", "due", "due_raw", "since", "source", "line",
                "closed_in", "closed_on", "reason", "mentions", "slips", "private", "parent", "context",
                "closed_on_exact", "last_open_on")  # onenotes.rules.commitments.Entry's, in order
_ENTRY_TYPES = (_TEXT, _TEXT, _TEXT, _TEXT, _TEXT, _DATE_FIELD, _TEXT_OR_NONE, _DATE_FIELD, _TEXT, (int,),
                _TEXT_OR_NONE, _DATE_FIELD, _TEXT_OR_NONE, (list,), (list,), (bool,), _TEXT_OR_NONE, _TEXT_OR_NONE,
                (bool,), _DATE_FIELD)
_ENTRY_DATES = (5, 7, 11, 19)


def encode_entries(entries: list) -> bytes:
    """A rep's ledger entries as :func:`decode_entries` reads them back."""
    return dump_plain([(e.id, e.rep, e.text, e.owner, e.status, _ordinal(e.due), e.due_raw, _ordinal(e.since),
                        e.source, e.line, e.closed_in, _ordinal(e.closed_on), e.reason,
                        [(path, _ordinal(date), line) for path, date, line in e.mentions],
                        [(_ordinal(date), _ordinal(before), _ordinal(after)) for date, before, after in e.slips],
                        e.private, e.parent, e.context, e.closed_on_exact, _ordinal(e.last_open_on))
                       for e in entries])


def decode_entries(data) -> list:
    """The list of Entry :func:`encode_entries` wrote; :class:`Damaged` for anything else."""
    cls = record_class("Entry")
    found = []
    for item in _load_plain(data, "ledger"):
        if type(item) is not tuple or len(item) != len(ENTRY_FIELDS):
            raise Damaged("ledger: not an entry")
        values = list(item)
        _check_fields(values, _ENTRY_TYPES, "ledger")
        for at in _ENTRY_DATES:
            values[at] = _date_from(values[at], ENTRY_FIELDS[at])
        values[13] = [_seen_in(mention) for mention in values[13]]
        values[14] = [_slip(slip) for slip in values[14]]
        found.append(made(cls, ENTRY_FIELDS, values))
    return found


def _seen_in(mention) -> tuple:
    """(path, date, line) of one note an entry was seen in."""
    if type(mention) is not tuple or len(mention) != 3 or type(mention[0]) is not str or type(mention[2]) is not int:
        raise Damaged("ledger: not a mention")
    return (mention[0], _date_from(mention[1], "date"), mention[2])


def _slip(slip) -> tuple:
    """(date, before, after) of one move of an entry's due date."""
    if type(slip) is not tuple or len(slip) != 3:
        raise Damaged("ledger: not a slip")
    return (_date_from(slip[0], "date"), _date_from(slip[1], "before"), _date_from(slip[2], "after"))


# ---------------------------------------------------------- checksums ---

def row_sum(*values) -> bytes:
    """The checksum a cache row keeps of its other values (text, bytes, numbers, None)."""
    return blake2b(dump_plain(values), digest_size=8).digest()


def checked(row, what: str) -> tuple:
    """``row`` without its sum (its last value), when the sum is right; :class:`Damaged` if not."""
    values = tuple(row[:-1])
    try:
        right = row[-1] == row_sum(*values)
    except Exception:  # noqa: BLE001 - a value no row of ours holds
        right = False
    if not right:
        raise Damaged(f"{what}: a row whose checksum does not match")
    return values
