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
* What is kept: the parsed note (every field, encoded as tagged JSON, never
  pickled, so a planted cache file cannot run code), the problems found in it
  (a note that cannot be read keeps its warning, so warnings are the same from
  the cache as from a fresh parse), and per rep the open commitments folded by
  the real ledger, so ``followups`` reads a few rows instead of every note.
* Parsing fans out over all cores when many notes need it.

Nothing here imports PyYAML or the parser unless a note has to be parsed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import os
import sqlite3
import sys
import time
import zlib
from pathlib import Path, PurePath

from onenotes import __version__
from onenotes.errors import NoteError, Problem

try:  # the hash functions without OpenSSL (hashlib loads it: a few ms of every start-up)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b as _blake2b
try:
    from _sha2 import sha256 as _sha256  # Python 3.12+
except ImportError:
    try:
        from _sha256 import sha256 as _sha256  # Python 3.11
    except ImportError:  # pragma: no cover
        from hashlib import sha256 as _sha256

SCHEMA = 1
APPLICATION_ID = 0x6F6E6E31  # "onn1": marks the file as ours
CACHE_DIR = ".onenotes"
CACHE_NAME = "cache"
RACY_NS = 3 * 1_000_000_000  # timestamps this close to the read may hide a later edit
PARALLEL_MIN = 300  # below this many notes to parse, worker processes cost more than they save
LOCK_TIMEOUT = 2.0  # seconds to wait for another process's write before giving up writing

# Modules whose code decides what is cached: a change to any of them rebuilds the cache.
_SOURCES = ("cache.py", "note.py", "yamlsafe.py", "tasks.py", "dates.py", "notebook.py",
            "errors.py", "ledger.py", "config.py", "yamlfast.py", "yamlfull.py")


# ------------------------------------------------------------ the version ---

_FORMAT: str | None = None


def format_version(folder: Path | None = None) -> str:
    """A hash of everything that decides what a cached note holds.

    It hashes the source files of the parsing modules, so a change to the
    parser can never be served from an old cache, without anyone having to
    remember to bump a number.  ``""`` when a source file cannot be read
    (a frozen build): the cache is then not used at all.
    """
    global _FORMAT
    if folder is not None or _FORMAT is None:
        digest = _sha256(f"{SCHEMA}\n{__version__}\n{sys.version_info[:2]}\n".encode())
        here = folder if folder is not None else Path(__file__).parent
        try:
            for name in _SOURCES:
                digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
        except OSError:
            return ""
        digest.update(_yaml_identity().encode())
        if folder is not None:
            return digest.hexdigest()
        _FORMAT = digest.hexdigest()
    return _FORMAT


def _yaml_identity() -> str:
    """Which PyYAML (and whether its C parser) is installed, without importing it."""
    import importlib.util

    parts = []
    for name in ("yaml", "_yaml", "yaml._yaml"):
        try:
            spec = importlib.util.find_spec(name) if "." not in name else None
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            try:
                info = os.stat(spec.origin)
                parts.append(f"{spec.origin}:{info.st_size}:{info.st_mtime_ns}")
            except OSError:
                parts.append(spec.origin)
    if parts:
        folder = os.path.dirname(parts[0].split(":")[0])
        try:
            parts.extend(sorted(n for n in os.listdir(folder) if n.startswith("_yaml")))
        except OSError:
            pass
    return "|".join(parts)


# ----------------------------------------------------- tagged JSON coding ---

def encode(value) -> str:
    """A value of the parsed-note model as JSON text that :func:`decode` turns back exactly."""
    return json.dumps(_enc(value), ensure_ascii=False, separators=(",", ":"))


def decode(text: str):
    return _dec(json.loads(text))


_CLASSES: dict[str, type] = {}


def _enc(v):
    if v is None or v is True or v is False or type(v) in (str, int, float):
        return v
    if type(v) is list:
        return [_enc(x) for x in v]
    from onenotes.yamlsafe import LineDict, LineList  # only reached once parsing ran

    if isinstance(v, LineDict):
        return {"@": "LD", "l": v.line,
                "k": [[_enc(k), _enc(x), v.key_lines.get(k)] for k, x in v.items()]}
    if isinstance(v, LineList):
        return {"@": "LL", "v": [_enc(x) for x in v], "l": list(v.lines)}
    if type(v) is dict:
        return {"@": "D", "k": [[_enc(k), _enc(x)] for k, x in v.items()]}
    if type(v) is tuple:
        return {"@": "T", "v": [_enc(x) for x in v]}
    if type(v) is dt.date:
        return {"@": "d", "v": v.isoformat()}
    if type(v) is dt.datetime:
        return {"@": "dt", "v": v.isoformat()}
    if type(v) is dt.time:  # meeting_time in the config
        return {"@": "t", "v": v.isoformat()}
    if isinstance(v, PurePath):
        return {"@": "P", "v": str(v)}
    if dataclasses.is_dataclass(v) and not isinstance(v, type) and type(v).__module__.startswith("onenotes."):
        cls = type(v)
        return {"@": "C", "c": f"{cls.__module__}:{cls.__qualname__}",
                "f": {f.name: _enc(getattr(v, f.name)) for f in dataclasses.fields(v)}}
    if isinstance(v, (str, int, float)):  # subclasses (bool is handled above)
        return _enc(type(v).__mro__[-2](v))
    raise TypeError(f"cannot cache a {type(v).__name__}")


def _dec(v):
    if type(v) is list:
        return [_dec(x) for x in v]
    if type(v) is not dict:
        return v
    tag = v["@"]
    if tag == "C":
        cls = _class(v["c"])
        obj = cls.__new__(cls)
        for name, x in v["f"].items():
            object.__setattr__(obj, name, _dec(x))
        return obj
    if tag == "d":
        return dt.date.fromisoformat(v["v"])
    if tag == "LD":
        from onenotes.yamlsafe import LineDict

        d = LineDict()
        d.line = v["l"]
        for k, x, line in v["k"]:
            k = _dec(k)
            d[k] = _dec(x)
            if line is not None:
                d.key_lines[k] = line
        return d
    if tag == "LL":
        from onenotes.yamlsafe import LineList

        items = LineList(_dec(x) for x in v["v"])
        items.lines = v["l"]
        return items
    if tag == "D":
        return {_dec(k): _dec(x) for k, x in v["k"]}
    if tag == "T":
        return tuple(_dec(x) for x in v["v"])
    if tag == "dt":
        return dt.datetime.fromisoformat(v["v"])
    if tag == "t":
        return dt.time.fromisoformat(v["v"])
    if tag == "P":
        return Path(v["v"])
    raise ValueError(f"unknown tag {tag!r}")


def _class(name: str) -> type:
    cls = _CLASSES.get(name)
    if cls is None:
        module, _, qual = name.partition(":")
        if not module.startswith("onenotes."):
            raise ValueError(f"not a onenotes class: {name}")
        cls = importlib.import_module(module)
        for part in qual.split("."):
            cls = getattr(cls, part)
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise ValueError(f"not a dataclass: {name}")
        _CLASSES[name] = cls
    return cls


# --------------------------------------------------------------- parsing ---

@dataclasses.dataclass
class Row:
    """One note as the cache keeps it."""

    path: str
    rep: str
    key: str | None  # "size:mtime_ns:ctime_ns:inode" when read; None: do not cache
    racy: bool
    digest: bytes | None
    data: bytes | None  # the encoded Note, compressed (None: not read here, or unreadable)
    problems: str | None  # encoded list of Problem (the note's, or why it could not be read)
    readable: bool = True
    mentions: str | None = None  # the encoded commitments alone, for folding the ledger
    note: object = None  # the Note itself when it could not be encoded (never cached)


def _lstat(path: str) -> os.stat_result:
    """The stat of a note, never following a link (tests replace it to mimic coarse clocks)."""
    return os.lstat(path)


def stat_key(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _racy(st: os.stat_result, now: int) -> bool:
    return now - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS


def parse_row(root: str, rel: str, options, now: int) -> Row:
    """Read and parse one note into a :class:`Row` (never raises for a bad note)."""
    from onenotes.notebook import note_bytes, parse_note_bytes

    rep = rel.partition("/")[0]
    try:
        st = _lstat(os.path.join(root, rel))  # before reading: a later edit shows as a change
    except OSError:
        st = None
    key = stat_key(st) if st is not None else None
    racy = st is not None and _racy(st, now)
    digest = None
    try:
        data = note_bytes(Path(root), rel)
        digest = _blake2b(data, digest_size=16).digest()
        note = parse_note_bytes(rel, data, options)
    except NoteError as exc:
        transient = exc.problem.code == "unreadable"  # permissions, I/O: try again next time
        return Row(rel, rep, None if transient else key, racy, digest, None, encode([exc.problem]),
                   readable=False)
    try:
        text = _pack(encode(note))
    except (TypeError, ValueError, RecursionError):  # a value we cannot keep: parsed every time
        return Row(rel, rep, None, False, digest, None, None, note=note)
    return Row(rel, rep, key, racy, digest, text, encode(note.problems) if note.problems else None,
               mentions=encode(note.mentions))


def _parse_chunk(root: str, rels: list[str], options, now: int) -> list[Row]:
    return [parse_row(root, rel, options, now) for rel in rels]


def parse_rows(root: Path, rels: list[str], options, jobs: int | None = None) -> list[Row]:
    """Parse notes, on all cores when there are enough of them; in ``rels`` order."""
    now = time.time_ns()
    base = str(root)
    if callable(options):  # made only when something is parsed: it imports the parser
        options = options()
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs < 2 or len(rels) < PARALLEL_MIN:
        return _parse_chunk(base, rels, options, now)
    import concurrent.futures
    import multiprocessing

    import onenotes.note  # noqa: F401  (loaded once here, before any worker forks)

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and sys.platform == "linux" else None)
    size = max(50, -(-len(rels) // (jobs * 4)))
    chunks = [rels[i:i + size] for i in range(0, len(rels), size)]
    try:
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
            results = pool.map(_parse_chunk, [base] * len(chunks), chunks,
                               [options] * len(chunks), [now] * len(chunks))
            return [row for chunk in results for row in chunk]
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        return _parse_chunk(base, rels, options, now)  # no processes here: one core it is


# ------------------------------------------------------------- the store ---

def user_cache_dir() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "onenotes"


def cache_locations(root: Path) -> list[Path]:
    """Where the cache of the notebook at ``root`` may live, best first."""
    real = os.path.realpath(root)
    outside = user_cache_dir() / (_sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:24]
                                  + ".sqlite")
    from onenotes.config import CONFIG_NAME

    folder = Path(root) / CACHE_DIR
    if folder.is_symlink() or (folder / CACHE_NAME).is_symlink():
        return [outside]  # a link could send our writes anywhere: never follow it
    if (Path(root) / CONFIG_NAME).is_file() or folder.is_dir():
        return [folder / CACHE_NAME, outside]
    return [outside]  # not (yet) a notebook: leave the folder alone


_SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE notes (path TEXT PRIMARY KEY, rep TEXT NOT NULL, key TEXT NOT NULL, racy INTEGER,
                    digest BLOB, readable INTEGER, problems TEXT, mentions TEXT);
CREATE TABLE bodies (path TEXT PRIMARY KEY, data BLOB NOT NULL);  -- zlib-compressed encoded Note
CREATE INDEX notes_rep ON notes (rep);
CREATE TABLE ledgers (rep TEXT PRIMARY KEY, open TEXT NOT NULL);
"""


class Store:
    """An open, valid cache file for one notebook and one set of read options."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, root: Path, where: Path | None = None) -> "Store | None":
        """The cache for ``root``; None when no cache can be used (nothing is ever raised)."""
        version = format_version()
        if not version:
            return None
        for path in ([Path(where)] if where is not None else cache_locations(root)):
            store = cls._open_at(path, version)
            if store is not None:
                return store
        return None

    @classmethod
    def _open_at(cls, path: Path, version: str) -> "Store | None":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.parent.name == CACHE_DIR:
                _ignore_folder(path.parent)
        except OSError:
            return None
        if path.exists():
            try:
                conn = _connect(path)
                if _valid(conn, version):
                    return cls(path, conn)
                conn.close()
            except sqlite3.Error:
                pass
        # Missing, corrupt, foreign or stale: a fresh file, swapped in atomically.
        try:
            return cls(path, _fresh(path, version))
        except (OSError, sqlite3.Error):
            return None

    @classmethod
    def replace(cls, path: Path) -> "Store | None":
        try:
            return cls(path, _fresh(path, format_version()))
        except (OSError, sqlite3.Error):
            return None

    def use_options(self, options_key: str) -> bool:
        """Notes were parsed with these read options (date formats, time zone): forget them if not."""
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'options'").fetchone()
            if row is not None and row[0] == options_key:
                return True
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute("DELETE FROM notes")
                self.conn.execute("DELETE FROM bodies")
                self.conn.execute("DELETE FROM ledgers")
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('options', ?)", (options_key,))
                self.conn.execute("COMMIT")
            except sqlite3.Error:
                self.conn.execute("ROLLBACK")
                raise
            return True
        except sqlite3.Error:
            return False

    def config(self, root: Path):
        """The notebook's config: from the cache when ``onenotes.yaml`` is byte for byte the same."""
        from onenotes.config import CONFIG_NAME, load_config

        def fingerprint() -> str:
            try:
                with open(Path(root) / CONFIG_NAME, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                data = f"unreadable {exc.errno}".encode()
            return _sha256(os.path.realpath(root).encode("utf-8", "surrogatepass") + b"\0"
                                  + data).hexdigest()

        before = fingerprint()
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
            if row is not None:
                digest, _, text = row[0].partition("\n")
                if digest == before:
                    return decode(text)
        except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError):
            pass
        config = load_config(root)  # a broken config raises here, and is never cached
        if fingerprint() == before:
            try:
                text = encode(config)
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('config', ?)", (before + "\n" + text,))
            except (TypeError, ValueError, sqlite3.Error):
                pass
        return config

    # -- reading -----------------------------------------------------------

    def index(self) -> dict[str, str]:
        """path -> stat key, for every note in the cache."""
        return dict(self.conn.execute("SELECT path, key FROM notes"))

    def special(self) -> dict[str, tuple]:
        """path -> (racy, digest, readable, problems) for the few notes that are racy or have problems."""
        return {r[0]: r[1:] for r in self.conn.execute(
            "SELECT path, racy, digest, readable, problems FROM notes"
            " WHERE racy = 1 OR readable = 0 OR problems IS NOT NULL")}

    def note_data(self, paths_keys: dict[str, str]) -> dict[str, bytes]:
        """Encoded notes for these paths, only where the stored key is still the given one."""
        found = {}
        for path, key, data in self.conn.execute(
                "SELECT n.path, key, data FROM notes n JOIN bodies b ON n.path = b.path"):
            if paths_keys.get(path) == key:
                found[path] = data
        return found

    def rep_mentions(self, rep: str) -> list[tuple]:
        return self.conn.execute(
            "SELECT path, key, mentions FROM notes WHERE rep = ? AND readable = 1", (rep,)).fetchall()

    def ledgers(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT rep, open FROM ledgers"))

    # -- writing -----------------------------------------------------------

    def write(self, rows: list[Row], removed: list[str], ledgers: dict[str, str | None],
              confirmed: list[str]) -> bool:
        """Store changed rows, forget removed notes, replace the ledgers of changed reps.

        One transaction; False (and nothing written) when another process holds the lock.
        """
        if not (rows or removed or ledgers or confirmed):
            return True
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        try:
            conn.executemany(
                "INSERT OR REPLACE INTO notes VALUES (?,?,?,?,?,?,?,?)",
                [(r.path, r.rep, r.key, int(r.racy), r.digest, int(r.readable), r.problems, r.mentions)
                 for r in rows
                 if r.key is not None])
            conn.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)",
                             [(r.path, r.data) for r in rows if r.key is not None and r.data is not None])
            gone = [(p,) for p in removed] + [(r.path,) for r in rows if r.key is None]
            conn.executemany("DELETE FROM notes WHERE path = ?", gone)
            conn.executemany("DELETE FROM bodies WHERE path = ?",
                             gone + [(r.path,) for r in rows if r.key is not None and r.data is None])
            conn.executemany("UPDATE notes SET racy = 0 WHERE path = ?", [(p,) for p in confirmed])
            conn.executemany("INSERT OR REPLACE INTO ledgers VALUES (?, ?)",
                             [(rep, text) for rep, text in ledgers.items() if text is not None])
            conn.executemany("DELETE FROM ledgers WHERE rep = ?",
                             [(rep,) for rep, text in ledgers.items() if text is None])
            conn.execute("COMMIT")
            return True
        except sqlite3.Error:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            return False

    def discard(self) -> None:
        """Forget a damaged cache: the next run starts a new one."""
        self.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def _unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8", "surrogatepass")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=LOCK_TIMEOUT, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=DELETE")  # one file; the journal exists only during a write
    return conn


def _valid(conn: sqlite3.Connection, version: str) -> bool:
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return False
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    return meta.get("format") == version


def _fresh(path: Path, version: str) -> sqlite3.Connection:
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    try:
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.executescript(_SCHEMA_SQL)
        conn.executemany("INSERT INTO meta VALUES (?, ?)",
                         [("format", version), ("onenotes", __version__)])
        conn.close()
        os.replace(tmp, path)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    conn = _connect(path)
    if not _valid(conn, version):  # someone else swapped in theirs
        conn.close()
        raise sqlite3.DatabaseError("cache replaced while opening")
    return conn


def _ignore_folder(folder: Path) -> None:
    """``.onenotes/.gitignore`` with ``*``, so git ignores the cache even in old notebooks."""
    marker = folder / ".gitignore"
    if not marker.exists():
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except OSError:
            return
        with os.fdopen(fd, "w") as fh:
            fh.write("# onenotes' cache of parsed notes; safe to delete\n*\n")


# ------------------------------------------------------------ a notebook ---

def file_digest(path: str) -> bytes | None:
    from onenotes.notebook import read_bytes

    try:
        from onenotes.note import MAX_NOTE_BYTES
        return _blake2b(read_bytes(Path(path), MAX_NOTE_BYTES), digest_size=16).digest()
    except (OSError, ValueError):
        return None


class Damaged(ValueError):
    """A cache row that does not decode: the file was damaged or tampered with."""


def _decode_cached(text):
    try:
        return decode(_unpack(text) if isinstance(text, bytes) else text)
    except Exception as exc:  # noqa: BLE001 - any failure means a damaged row, never a crash
        raise Damaged(str(exc)) from None


@dataclasses.dataclass
class Loaded:
    """The notes of a notebook as read through the cache.

    ``keys`` holds every note, in scan order, with the stat key this run saw;
    ``rows`` only the notes parsed in this run and those the cache knows to be
    unreadable, racy or with problems.  A note in ``keys`` but not in ``rows``
    is readable and without problems, and is decoded from the cache when a
    command asks for it.  A row that does not decode is read again from its
    file and the cache file is dropped, to be rebuilt next run.
    """

    keys: dict[str, str | None]
    rows: dict[str, Row]
    ledgers: dict[str, str] | None  # rep -> encoded open entries (None: fold from the notes)
    store: Store | None = None
    root: Path | None = None
    options: object = None

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
                return _decode_cached(text)
            except Damaged:
                self._damaged()
        row = self._reread(path)  # changed since this run looked, or damaged
        if not row.readable:
            return None
        return row.note if row.note is not None else decode(_unpack(row.data))

    def notes(self) -> list:
        """Every readable note, decoded."""
        rows = self.rows
        need = {p: k for p, k in self.keys.items()
                if p not in rows or (rows[p].readable and rows[p].data is None and rows[p].note is None)}
        texts: dict[str, bytes] = {}
        if need and self.store is not None:
            try:
                texts = self.store.note_data(need)
            except sqlite3.Error:
                self._damaged()
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
            return _decode_cached(row.problems)
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
            return [e for rep in sorted(self.ledgers) for e in _decode_cached(self.ledgers[rep])]
        except Damaged:
            self._damaged()
            return None


def load(root: Path, rels: list[str], options, options_key: str, store: Store | None,
         jobs: int | None = None) -> Loaded:
    """Read the notes ``rels`` of the notebook at ``root``, through ``store`` when there is one."""
    if store is not None and not store.use_options(options_key):
        store.close()
        store = None
    for attempt in (1, 2):
        if store is None:
            break
        try:
            return _load_cached(root, rels, options, store, jobs)
        except (sqlite3.Error, Damaged):
            store.close()
            # Damaged after it opened (a truncated page, say): start it afresh, once.
            store = Store.replace(store.path) if attempt == 1 else None
            if store is not None and not store.use_options(options_key):
                store = None
    rows = parse_rows(root, rels, options, jobs)
    return Loaded({r.path: r.key for r in rows}, {r.path: r for r in rows}, None, None, root, options)


def _rep_of(rel: str) -> str:
    return rel.partition("/")[0]


def _load_cached(root: Path, rels: list[str], options, store: Store, jobs) -> Loaded:
    known = store.index()
    special = store.special()
    now = time.time_ns()
    keys: dict[str, str | None] = {}
    rows: dict[str, Row] = {}
    todo: list[str] = []
    confirmed: list[str] = []
    prefix = os.path.join(str(root), "")
    lstat = _lstat
    for rel in rels:
        path = prefix + rel
        try:
            st = lstat(path)
        except OSError:
            todo.append(rel)
            continue
        key = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
        if known.get(rel) != key:
            todo.append(rel)
            continue
        keys[rel] = key
        extra = special.get(rel)
        if extra is None:
            continue
        racy, digest, readable, problems = extra
        if racy:  # the stat cannot tell; the content can
            if digest is None or file_digest(path) != digest:
                del keys[rel]
                todo.append(rel)
                continue
            if not _racy(st, now):
                confirmed.append(rel)
        if problems or not readable:
            rows[rel] = Row(rel, _rep_of(rel), key, False, digest, None, problems, readable=bool(readable))
    parsed = parse_rows(root, todo, options, jobs) if todo else []
    for row in parsed:
        rows[row.path] = row
        keys[row.path] = row.key
    if parsed:  # back to scan order
        keys = {rel: keys[rel] for rel in rels}
    removed = [p for p in known if p not in keys]
    changed = {r.rep for r in parsed} | {_rep_of(p) for p in removed}
    reps = {_rep_of(rel) for rel in keys}
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
        for rep in sorted(missing):
            ledgers[rep] = _rep_ledger(rep, members.get(rep, []), keys, rows, store)
            writes[rep] = None if rep in kept_out else ledgers[rep]
    loaded = Loaded(keys, rows, ledgers, store, root, options)
    store.write(parsed, removed, writes, confirmed)
    return loaded


class _LedgerNote:
    """What the ledger reads of a note: where it is, and its commitments."""

    __slots__ = ("path", "rep", "date", "seq", "mentions")

    def __init__(self, path: str, mentions: list):
        from onenotes.notebook import note_identity

        self.path = path
        self.rep, self.date, self.seq = note_identity(path)
        self.mentions = mentions

    @property
    def sort_key(self):
        return (self.date, self.seq, self.path)


def _rep_ledger(rep: str, paths: list[str], keys: dict, rows: dict[str, Row], store: Store) -> str:
    """The open commitments of one rep, folded by the real ledger, encoded."""
    from onenotes.ledger import build_ledger, open_commitments

    notes = []
    need = {}
    for path in paths:
        row = rows.get(path)
        if row is not None and not row.readable:
            continue
        if row is not None and row.note is not None:
            notes.append(row.note)
        elif row is not None and row.mentions is not None:
            notes.append(_LedgerNote(path, _decode_cached(row.mentions)))
        else:
            need[path] = keys[path]
    if need:
        for path, key, mentions in store.rep_mentions(rep):
            if need.get(path) == key and mentions is not None:
                notes.append(_LedgerNote(path, _decode_cached(mentions)))
                del need[path]
    if need:  # rewritten by another process since this run looked
        raise sqlite3.DatabaseError("cache rows changed while reading")
    return encode(open_commitments(build_ledger(notes)))
