"""The open cache file of one notebook: what it holds, read and written in plain transactions.

Tables (file.py has the schema): ``notes`` (one row per note: its stat key, racy
flag, content hash, problems and commitments), ``bodies`` (the whole parsed
note, for commands that need it), ``ledgers`` (per rep, the open commitments as
the ledger folds them), ``checks`` (what ``check`` found) and ``meta``.

Every row ends with ``sum``, a hash of its other values, and a row is checked
against it before anything in it is used (:func:`~onenotes.reading.cache.codec.checked`):
a row that fails is damage (:class:`Damaged`), its note is read again from its
file and the cache is rebuilt.  Two things are trusted without a sum:

* the index a warm run reads (each note's path and stat key): a stored key is
  only used when it equals the note's stat now, so a damaged path or key only
  makes a note be parsed again;
* which notes are "special" (racy, unreadable or with problems: the partial
  index a warm run reads): a row damaged out of it would drop a warning without
  a word, so meta 'special' keeps how many there are, read in the same
  transaction; another number is damage.  Meta 'found' does the same for the
  findings of ``check`` that have problems.

Changes are written in one transaction; a process that cannot get the write
lock within :data:`~onenotes.reading.cache.file.LOCK_TIMEOUT` does not write, so
two processes at once never corrupt it and never wait long.
"""

from __future__ import annotations

import os
import sqlite3

from onenotes.reading.cache import file, key
from onenotes.reading.cache.codec import Damaged, checked, decode_checked, encode, row_sum
from onenotes.reading.cache.file import LockedOut, meta_row

_SPECIAL = "racy = 1 OR readable = 0 OR problems IS NOT NULL"
_NOTE_COLUMNS = "path, rep, key, racy, digest, readable, problems, mentions, sum"


class Store:
    """An open, valid cache file for one notebook and one set of read options."""

    def __init__(self, path: str, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self._special: dict[str, tuple] = {}  # path -> the checked row of each note special() read

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, root: str | os.PathLike, where: str | os.PathLike | None = None) -> "Store | None":
        """The cache for ``root`` (at ``where`` when given); None when no cache can be used
        (nothing is ever raised).  Once the notebook's own cache can be used, a cache kept
        for it in the user's cache folder meanwhile is deleted."""
        sources = key.sources_key()
        if not sources and not key.format_version():
            return None
        for path in ([os.fspath(where)] if where is not None else file.cache_locations(root)):
            try:
                store = cls._open_at(path, sources)
            except LockedOut:  # in use by another process: no cache this run, and no other one made
                return None
            if store is not None:
                if where is None and os.path.basename(os.path.dirname(path)) == file.CACHE_DIR:
                    file.forget_outside(root)
                return store
        return None

    @classmethod
    def _open_at(cls, path: str, sources: str) -> "Store | None":
        try:
            file.prepare_folder(os.path.dirname(path))
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
                conn = file.connect(path)
                if file.valid(conn, sources):
                    return cls(path, conn)
            except sqlite3.Error as exc:
                if file.busy(exc):  # another process is writing it: not damage
                    file.close(conn)
                    raise LockedOut from None
            except Exception:  # noqa: BLE001 - any other failure of a damaged file (a bad name in it...)
                pass
            file.close(conn)
        # Missing, corrupt, foreign or stale: a fresh file, swapped in atomically.
        try:
            return cls(path, file.fresh(path, sources))
        except LockedOut:
            raise
        except Exception:  # noqa: BLE001 - no cache this run, never a crash
            return None

    @classmethod
    def replace(cls, path: str) -> "Store | None":
        """A new, empty cache at ``path`` (see :func:`file.fresh`); None when it cannot be made."""
        try:
            return cls(path, file.fresh(path, key.sources_key()))
        except Exception:  # noqa: BLE001 - (LockedOut too) no cache this run, never a crash
            return None

    def use_options(self, options_key: str) -> bool:
        """Notes were parsed with these read options (date formats, time zone): forget them if not."""
        try:
            row = self.conn.execute("SELECT key, value, sum FROM meta WHERE key = 'options'").fetchone()
            if row is not None and checked(row, "meta")[1] == options_key:
                return True
        except Damaged:
            pass  # forgotten below, as for other options
        except Exception:  # noqa: BLE001 - damaged beyond reading: no cache this run
            return False

        def forget(conn: sqlite3.Connection) -> None:
            for table in ("notes", "bodies", "ledgers", "checks"):
                conn.execute(f"DELETE FROM {table}")
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)",
                             [meta_row("options", options_key), meta_row("special", 0), meta_row("found", 0)])

        return self._transaction(forget, rebuild_if_damaged=False)

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
            return key.blake2b(os.path.realpath(root).encode("utf-8", "surrogatepass") + b"\0" + data,
                               digest_size=32).hexdigest()

        before = fingerprint()
        try:
            row = self.conn.execute("SELECT key, value, sum FROM meta WHERE key = 'config'").fetchone()
            value = checked(row, "meta")[1] if row is not None else None
            if isinstance(value, bytes):
                digest, _, data = value.partition(b"\n")
                if digest == before.encode():
                    return decode_checked(data, "Config")
        except Exception:  # noqa: BLE001 - a damaged row: read the file instead
            pass
        config = load_config(root)  # a broken config raises here, and is never cached
        if fingerprint() == before:
            try:
                data = before.encode() + b"\n" + encode(config)
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", meta_row("config", data))
            except Exception:  # noqa: BLE001 - not cached, never a crash
                pass
        return config

    # -- reading -----------------------------------------------------------
    # Each raises sqlite3.Error or Damaged for a damaged file (and possibly other
    # errors: a damaged name in SQLite's own schema); the loader rebuilds it then.

    def index(self) -> dict[str, str]:
        """path -> stat key, for every note in the cache (not summed: see above)."""
        return dict(self.conn.execute("SELECT path, key FROM notes"))

    def special(self) -> dict[str, tuple]:
        """path -> (racy, digest, readable, problems) for the few notes that are racy or have
        problems, each row checked, and checked to be all of them (meta 'special')."""
        conn = self.conn
        conn.execute("BEGIN")  # the rows and their number in one read
        try:
            rows = conn.execute(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE {_SPECIAL}").fetchall()
            count = conn.execute("SELECT key, value, sum FROM meta WHERE key = 'special'").fetchone()
        finally:
            conn.execute("COMMIT")
        if count is None or checked(count, "meta")[1] != len(rows):
            raise Damaged("notes: not as many racy notes and notes with problems as written")
        found = {}
        for row in rows:
            path, _, _, racy, digest, readable, problems, _ = values = checked(row, "notes")
            found[path] = (racy, digest, readable, problems)
            self._special[path] = values
        return found

    def note_data(self, paths_keys: dict[str, str]) -> dict[str, bytes]:
        """Encoded notes for these paths, only where the stored key is still the given one."""
        found = {}
        for path, stored, data, total in self.conn.execute(
                "SELECT n.path, key, data, b.sum FROM notes n JOIN bodies b ON n.path = b.path"):
            if paths_keys.get(path) == stored:
                found[path] = checked((path, data, total), "bodies")[1]
        return found

    def rep_mentions(self, rep: str) -> list[tuple]:
        """(path, key, encoded commitments) of a rep's readable notes, each row checked."""
        rows = self.conn.execute(
            # A rep's notes are the paths from "rep/" up to "rep0" ("0" follows "/"): a range of
            # the primary key, so the table needs no index of its own on rep.
            f"SELECT {_NOTE_COLUMNS} FROM notes WHERE path >= ? AND path < ? AND rep = ? AND readable = 1",
            (rep + "/", rep + "0", rep)).fetchall()
        found = []
        for row in rows:
            path, _, stored, _, _, _, _, mentions = checked(row, "notes")
            found.append((path, stored, mentions))
        return found

    def ledgers(self) -> dict[str, bytes]:
        """rep -> encoded open commitments, each row checked."""
        return dict(checked(row, "ledgers") for row in self.conn.execute("SELECT rep, open, sum FROM ledgers"))

    def checks(self, fingerprint: str) -> tuple[dict[str, str], dict[str, bytes]] | None:
        """What ``check`` found (see :meth:`put_checks`), when it was found with the same
        ``fingerprint`` (config and rules), else None: name -> key for everything it
        looked at, and name -> encoded problems for what has some (most have none).
        None too when the cache is damaged there (it is all worked out again)."""
        conn = self.conn
        try:
            conn.execute("BEGIN")  # the findings and their number in one read
            try:
                meta = dict(checked(row, "meta")[:2] for row in conn.execute(
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
                name, stored, found = checked(row, "checks")
                if keys.get(name) != stored:
                    return None
                problems[name] = found
            return keys, problems
        except Exception:  # noqa: BLE001 - damaged: worked out again, and written afresh
            return None

    # -- writing -----------------------------------------------------------

    def put_checks(self, fingerprint: str, found: list[tuple[str, str, bytes | None]],
                   removed: list[str], reset: bool) -> bool:
        """Keep what ``check`` found: (name, key, encoded problems or None) for notes (name:
        the path, key: its stat key) and reps (name: "rep/"); forget ``removed`` names, or,
        with ``reset`` (another fingerprint), everything kept before.  False when another
        process holds the write lock (nothing written)."""
        if not (found or removed or reset):
            return True

        def work(conn: sqlite3.Connection) -> None:
            if reset:
                conn.execute("DELETE FROM checks")
                conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", meta_row("checks", fingerprint))
            conn.executemany("DELETE FROM checks WHERE name = ?", [(name,) for name in removed])
            conn.executemany("INSERT OR REPLACE INTO checks VALUES (?, ?, ?, ?)",
                             [(name, k, problems, row_sum(name, k, problems)) for name, k, problems in found])
            count = conn.execute("SELECT count(*) FROM checks WHERE problems IS NOT NULL").fetchone()[0]
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", meta_row("found", count))

        return self._transaction(work)

    def data_version(self) -> int | None:
        """A number that changes whenever another connection commits to the cache."""
        try:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None

    def write(self, rows: list, removed: list[str], ledgers: dict[str, bytes | None],
              confirmed: list[str], since: int | None = None) -> bool:
        """Store parsed rows, forget removed notes, replace the ledgers of changed reps, and
        mark ``confirmed`` notes as no longer racy, in one transaction; False (and nothing
        written) when another process holds the lock.

        ``since``: the :meth:`data_version` before this run read the cache.  If another
        process has written since, the ledgers this run folded may rest on rows that are
        no longer the stored ones, so they are dropped instead (the next run folds them
        again from what is stored then); rows are safe either way, as each carries the
        stat key it was parsed at.
        """
        if not (rows or removed or ledgers or confirmed):
            return True

        def work(conn: sqlite3.Connection) -> None:
            folded = ledgers
            if since is not None and self.data_version() != since:
                folded = {rep: None for rep in ledgers}
            _insert(conn, rows)
            gone = [(p,) for p in removed] + [(r.path,) for r in rows if r.key is None]
            conn.executemany("DELETE FROM notes WHERE path = ?", gone)
            # A note read without its body drops the body kept for its old version (when any is kept).
            if conn.execute("SELECT 1 FROM bodies LIMIT 1").fetchone() is not None:
                conn.executemany("DELETE FROM bodies WHERE path = ?",
                                 gone + [(r.path,) for r in rows if r.key is not None and r.data is None])
            conn.executemany("UPDATE notes SET racy = 0, sum = ? WHERE path = ? AND sum = ?",
                             self._confirmations(confirmed))
            conn.executemany("INSERT OR REPLACE INTO ledgers VALUES (?, ?, ?)",
                             [(rep, text, row_sum(rep, text)) for rep, text in folded.items() if text is not None])
            conn.executemany("DELETE FROM ledgers WHERE rep = ?",
                             [(rep,) for rep, text in folded.items() if text is None])
            count = conn.execute(f"SELECT count(*) FROM notes WHERE {_SPECIAL}").fetchone()[0]
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", meta_row("special", count))

        return self._transaction(work)

    def _confirmations(self, confirmed: list[str]) -> list[tuple]:
        """(new sum, path, old sum) of the racy notes confirmed now: each row, as special()
        checked it, without its racy flag (unless another process rewrote the row meanwhile)."""
        found = []
        for path in confirmed:
            old = self._special.get(path)
            if old is not None:
                new = (*old[:3], 0, *old[4:])
                found.append((row_sum(*new), path, row_sum(*old)))
        return found

    def add_bodies(self, rows: list) -> bool:
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

    def _transaction(self, work, rebuild_if_damaged: bool = True) -> bool:
        """``work(conn)`` in one write transaction; False (nothing written) when another
        process holds the write lock or anything fails.  A file found damaged meanwhile
        (an error the reads did not meet) is dropped, to be rebuilt next run."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except Exception:  # noqa: BLE001 - busy, or a damaged file
            return False
        try:
            work(conn)
            conn.execute("COMMIT")
            return True
        except Exception as exc:  # noqa: BLE001 - (a damaged file: any error) nothing of it is written
            try:
                conn.execute("ROLLBACK")
            except Exception:  # noqa: BLE001
                pass
            if rebuild_if_damaged and file.corrupt(exc):
                self.discard()
            return False

    def discard(self) -> None:
        """Forget a damaged cache: the next run starts a new one."""
        self.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def close(self) -> None:
        file.close(self.conn)


def _insert(conn: sqlite3.Connection, rows: list) -> None:
    """Write the rows of parsed notes (a row without a key is not kept)."""
    notes = []
    for r in rows:
        if r.key is not None:
            values = (r.path, r.rep, r.key, int(r.racy), r.digest, int(r.readable), r.problems, r.mentions)
            notes.append((*values, row_sum(*values)))
    conn.executemany(f"INSERT OR REPLACE INTO notes VALUES ({', '.join('?' * 9)})", notes)
    bodies = [(r.path, r.data, row_sum(r.path, r.data)) for r in rows if r.key is not None and r.data is not None]
    if bodies:
        conn.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)", bodies)
