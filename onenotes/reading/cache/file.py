"""The cache's file: where it lives, how a new one is made, and telling damage from a busy file.

The cache is ``.onenotes/cache`` inside the notebook, or, when the notebook
cannot be written to or has no ``onenotes.yaml``, a file in the user's cache
folder (:func:`cache_locations`).  A missing, corrupt, foreign or stale file is
replaced by a new, empty one, made in a temporary file that atomically takes
its place (:func:`fresh`) — never while another process is writing the old one.
The folder ignores itself in git, and what killed runs left there is removed.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time

from onenotes import __version__
from onenotes.reading.cache import key
from onenotes.reading.cache.codec import Damaged, checked, row_sum

APPLICATION_ID = 0x6F6E6E31  # "onn1": marks the file as ours
CACHE_DIR = ".onenotes"
CACHE_NAME = "cache"
LOCK_TIMEOUT = 2.0  # seconds to wait for another process's write before giving up writing
IGNORE_ALL = "# onenotes' cache of parsed notes; safe to delete\n*\n"
STALE_SECONDS = 60  # a temporary file untouched this long is left by a killed run, not being written

# Every row ends with ``sum``, the checksum of its other values (codec.row_sum), checked
# before the row is used (see store.py).
SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value, sum BLOB);
CREATE TABLE notes (path TEXT PRIMARY KEY, rep TEXT NOT NULL, key TEXT NOT NULL, racy INTEGER,
                    digest BLOB, readable INTEGER, problems BLOB, mentions BLOB, sum BLOB);
CREATE TABLE bodies (path TEXT PRIMARY KEY, data BLOB NOT NULL, sum BLOB);  -- zlib-compressed encoded Note
CREATE INDEX notes_keys ON notes (path, key);  -- a warm run reads only this (see Store.index)
CREATE INDEX notes_special ON notes (path) WHERE racy = 1 OR readable = 0 OR problems IS NOT NULL;
CREATE TABLE ledgers (rep TEXT PRIMARY KEY, open BLOB NOT NULL, sum BLOB);
-- `check`'s findings: per note (name: its path; key: its stat key) and per rep for the rules
-- that read all of a rep's notes (name: "rep/"; key: a hash of their paths and keys);
-- valid for the meta 'checks' (the config and the rules' code); problems NULL: none.
CREATE TABLE checks (name TEXT PRIMARY KEY, key TEXT NOT NULL, problems BLOB, sum BLOB);
CREATE INDEX checks_found ON checks (name) WHERE problems IS NOT NULL;
"""


class LockedOut(Exception):
    """The cache file is locked by another process for longer than we wait."""


def meta_row(name: str, value) -> tuple:
    """A row of the meta table, with its sum."""
    return (name, value, row_sum(name, value))


# ------------------------------------------------------------- places ---

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
    yield outside(root)


def outside(root: str | os.PathLike) -> str:
    """The cache file in the user's cache folder, named by the notebook's real path."""
    try:
        from _sha256 import sha256  # Python 3.11, without OpenSSL (hashlib loads it)
    except ImportError:
        try:
            from _sha2 import sha256  # Python 3.12+
        except ImportError:  # pragma: no cover
            from hashlib import sha256
    real = os.path.realpath(root).encode("utf-8", "surrogatepass")
    return os.path.join(user_cache_dir(), sha256(real).hexdigest()[:24] + ".sqlite")


def forget_outside(root: str | os.PathLike) -> None:
    """Delete the cache kept for ``root`` in the user's cache folder (while the notebook's
    own could not be used): the notebook's own is used now, so it would only grow stale.
    (Only when that folder exists, and it is deleted once empty.)"""
    folder = user_cache_dir()
    if not os.path.isdir(folder):
        return
    try:
        there = outside(root)
        os.unlink(there)
    except OSError:
        return
    try:  # its journal too, unless a process still writing the deleted file has it open
        if os.lstat(there + "-journal").st_mtime < time.time() - STALE_SECONDS:
            os.unlink(there + "-journal")
    except OSError:
        pass
    try:
        os.rmdir(folder)  # the last cache in it: gone with it
    except OSError:
        pass


def prepare_folder(folder: str) -> None:
    """Make the cache's folder, ignored by git when it is the notebook's, and cleared of
    what killed runs left in it; OSError when it cannot be made."""
    os.makedirs(folder, exist_ok=True)
    if os.path.basename(folder) == CACHE_DIR:
        _ignore_folder(folder)
    _remove_leftovers(folder)


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


# ------------------------------------------------------- the SQLite file ---

def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")  # one file; the journal exists only during a write
    return conn


def close(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        try:
            conn.close()
        except Exception:  # noqa: BLE001
            pass


def valid(conn: sqlite3.Connection, sources: str) -> bool:
    """Our file, written for this format: the same sources as when it was checked, or the same hash."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return False
    try:
        meta = dict(checked(row, "meta")[:2] for row in conn.execute(
            "SELECT key, value, sum FROM meta WHERE key IN ('format', 'sources')"))
    except Damaged:
        return False
    if sources and meta.get("sources") == sources and meta.get("format"):
        return True
    version = key.format_version()
    if not version or meta.get("format") != version:
        return False
    if sources:  # the same format from other files (reinstalled, touched): the next run need not hash
        try:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", meta_row("sources", sources))
        except sqlite3.Error:
            pass  # read-only, or busy: hashed again next time
    return True


def busy(exc: BaseException) -> bool:
    """SQLite could not get a lock in time: another process is using the file."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def corrupt(exc: BaseException) -> bool:
    """``exc`` says the cache file is damaged (not busy, full or read-only)."""
    if not isinstance(exc, sqlite3.Error):
        return isinstance(exc, Exception)  # (a damaged name in SQLite's message: UnicodeDecodeError...)
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT)
    return "malformed" in str(exc) or "not a database" in str(exc)


def fresh(path: str, sources: str) -> sqlite3.Connection:
    """A new, empty cache at ``path``, swapped in atomically.

    Never while ``path`` has a rollback journal (:class:`LockedOut`): another
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
        raise LockedOut("the cache is being written by another process")
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        # One transaction: one commit, one set of syncs (executescript commits anything pending first).
        conn.executescript(f"BEGIN; PRAGMA application_id = {APPLICATION_ID}; {SCHEMA_SQL}")
        conn.executemany("INSERT INTO meta VALUES (?, ?, ?)",
                         [meta_row("format", key.format_version()), meta_row("onenotes", __version__),
                          meta_row("special", 0), meta_row("found", 0)]
                         + ([meta_row("sources", sources)] if sources else []))
        conn.execute("COMMIT")
        conn.close()
        os.replace(tmp, path)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    conn = connect(path)
    if not valid(conn, sources):  # someone else swapped in theirs
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
        return busy(exc)
    except Exception:  # noqa: BLE001 - not a database at all: nobody is writing it
        return False
    finally:
        close(conn)
