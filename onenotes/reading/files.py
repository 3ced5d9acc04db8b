"""Reading and writing notebook files safely.

Every read of a note goes through :func:`read_file`: no symbolic link is
followed, a FIFO cannot block it, a file over the limit is not read.  A note
that a command edits (``done``, ``drop``, ``import-metrics``) goes through
:func:`read_snapshot` and :func:`replace_file` with the snapshot, under
:func:`onenotes.reading.lock.notebook_lock`: another onenotes waits, and another
program writing the note (an editor, a sync tool) is noticed and never
overwritten in silence.
New notes are written exclusively (:func:`write_new_file`), replaced files
only whole.

(This module is imported by every command that reads a notebook: what only
writing needs, pathlib and secrets, is imported where it is used.)
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def write_new_file(folder: Path, name: str, text: str, *, dir_fd: int | None = None) -> Path:
    """Create ``folder/name`` with ``text``, only if it does not exist.

    The text goes to a hidden temporary file in the same folder, is fsynced,
    then hard-linked to its name: ``link`` fails if the name exists, so of two
    racing processes exactly one wins, and a crash at any point leaves either
    no file or a whole one (at worst a hidden ``.name.*.tmp``, which notebook
    scans ignore).  ``dir_fd``: an open descriptor of ``folder``
    (:func:`onenotes.reading.places.open_folder`); the file is made in that very
    folder, whatever its name leads to by then.  Raises FileExistsError, or
    OSError when it cannot write.
    """
    final = folder / name
    at = name if dir_fd is not None else final  # the name for the calls below
    with _staged(folder, name, text.encode("utf-8"), dir_fd) as tmp:
        try:
            os.link(tmp, at, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            # No hard links here (some network and FAT filesystems): claim the
            # name exclusively, then move the complete file over the claim.
            os.close(os.open(at, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644, dir_fd=dir_fd))
            os.replace(tmp, at, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        _fsync_dir(folder, dir_fd)
    return final


@contextlib.contextmanager
def _staged(folder: Path, name: str, data: bytes, dir_fd: int | None = None):
    """A hidden temporary file beside ``name`` holding ``data``, fsynced.

    Yields its path (its name in ``dir_fd``, when given); it is removed afterwards
    unless it was linked or moved into place (a crash can leave it: every command
    ignores ``.*.tmp``).
    """
    fd, tmp = _temp_file(folder, name, dir_fd)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        yield tmp
    finally:
        try:
            os.unlink(tmp, dir_fd=dir_fd)
        except FileNotFoundError:
            pass


def _temp_file(folder: Path, name: str, dir_fd: int | None = None) -> tuple[int, str]:
    """A new hidden temporary file beside the target, with the usual permissions.

    (``tempfile.mkstemp`` would make it 0600, and the note would keep that.)
    """
    import secrets

    for _ in range(100):
        tmp = f".{name}.{secrets.token_hex(6)}.tmp"
        path = tmp if dir_fd is not None else os.path.join(folder, tmp)
        try:
            return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666, dir_fd=dir_fd), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _fsync_dir(folder: Path, dir_fd: int | None = None) -> None:
    if dir_fd is not None:
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class ChangedOnDisk(Exception):
    """The file is not, or no longer, what was read: another program wrote it.

    ``why`` says what happened, in words for the manager; ``kept`` names a file
    holding a version that could not be put back at the path (very rarely).
    """

    def __init__(self, path: str | os.PathLike, why: str = "changed", kept: str | None = None,
                 restored: bool = False):
        super().__init__(f"{os.fspath(path)} {why}")
        self.path = os.fspath(path)
        self.why = why
        self.kept = kept
        self.restored = restored  # the other program's version was put back at the path


# ------------------------------------------------------- the race points ---

race_hook = None  # tests: a callable(point, path) run at each point below (see _at)
# After a read; while waiting for another program to finish writing; after the last
# check before the rename; after the rename.
RACE_POINTS = ("read", "busy", "check", "renamed")


def _at(point: str, path: str) -> None:
    """Where another writer can slip in: tests open each window here.

    ``race_hook`` (set by tests in this process) is called; ``ONENOTES_RACE_PAUSE``
    (``POINT=SECONDS[,POINT=SECONDS]``, for the fault-injection runs in
    tests/reliability/race.py, whose writers are other processes) sleeps.
    """
    if race_hook is not None:
        race_hook(point, path)
    pause = os.environ.get("ONENOTES_RACE_PAUSE")
    if pause:
        for part in pause.split(","):
            name, _, seconds = part.partition("=")
            if name.strip() == point:
                try:
                    time.sleep(float(seconds))
                except ValueError:
                    pass


# ----------------------------------------------------- reading a note ---

# Never through a link, never blocking on a FIFO (a regular file is checked once open).
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


def read_bytes(path: str | os.PathLike, limit: int) -> bytes:
    """A regular file's bytes, never following a link and never blocking on a FIFO.

    Raises OSError, or ValueError("too large") when over ``limit`` bytes.
    """
    return read_file(path, limit)[0]


def read_file(path: str | os.PathLike, limit: int) -> tuple[bytes, os.stat_result]:
    """:func:`read_bytes`, and the file's stat taken as it was opened (before reading)."""
    fd = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(0, "not a regular file")
        if info.st_size > limit:
            raise ValueError(f"{info.st_size // 1024} KiB")
        remaining = limit + 1
        want = min(info.st_size + 1, remaining)  # the whole file in one read, as a rule
        chunk = os.read(fd, want)
        if len(chunk) < want:  # a short read of a regular file: its end (at most ``limit`` bytes)
            return chunk, info
        chunks = [chunk]
        remaining -= len(chunk)
        want = 1 << 20
        while remaining > 0:
            chunk = os.read(fd, min(remaining, want))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            if len(chunk) < want:  # a short read of a regular file: its end
                break
            want = 1 << 20
        data = b"".join(chunks)
        if len(data) > limit:
            raise ValueError(f"{len(data) // 1024} KiB")
        return data, info
    finally:
        os.close(fd)


# ------------------------------------------------- reading a note to edit ---

WRITER_WAIT = 3.0  # seconds to wait for another program to finish writing a note


class Snapshot:
    """A note's bytes, and the identity of the file they were read from."""

    __slots__ = ("path", "data", "identity")

    def __init__(self, path: str, data: bytes, identity: tuple[int, int, int, int]):
        self.path = path  # as given (not through a link)
        self.data = data
        self.identity = identity  # (st_dev, st_ino, st_size, st_mtime_ns)


def identity_of(info: os.stat_result) -> tuple[int, int, int, int]:
    """What says a file is still the one that was read: device, inode, size, modification time."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def read_snapshot(path: str | os.PathLike, limit: int, *, wait: float | None = None) -> Snapshot:
    """The whole of a note that is about to be edited, never half of one.

    The file's identity is taken before and after reading, and the name is
    checked to still lead to the file read; where the system can tell (Linux
    leases), a file that another program has open for writing is not read
    until it is closed.  A note that keeps changing is read again, for up to
    ``wait`` seconds (:data:`WRITER_WAIT`), then :class:`ChangedOnDisk` is
    raised.  Raises OSError, or ValueError("too large") when over ``limit``.
    """
    path = os.fspath(path)
    deadline = time.monotonic() + (WRITER_WAIT if wait is None else wait)
    while True:
        fd = os.open(path, _READ_FLAGS)
        try:
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode):
                raise IsADirectoryError(0, "not a regular file")
            if before.st_size > limit:
                raise ValueError(f"{before.st_size // 1024} KiB")
            why = "is open for writing in another program" if _writers_elsewhere(fd) else None
            if why is not None:
                _at("busy", path)
            if why is None:
                data = _read_all(fd, limit)
                _at("read", path)
                after = os.fstat(fd)
                try:
                    now = os.stat(path, follow_symlinks=False)
                except FileNotFoundError:
                    now = None
                whole = identity_of(before) == identity_of(after) and len(data) == after.st_size
                if whole and now is not None and identity_of(now) == identity_of(after) \
                        and not _writers_elsewhere(fd):
                    return Snapshot(path, data, identity_of(after))
                why = "changed while onenotes was reading it"
        finally:
            os.close(fd)
        if time.monotonic() >= deadline:
            raise ChangedOnDisk(path, why)
        time.sleep(0.02)


def _read_all(fd: int, limit: int) -> bytes:
    chunks, size = [], 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise ValueError(f"{size // 1024} KiB")


def _writers_elsewhere(fd: int) -> bool | None:
    """Whether another open file has this file open for writing: True, False, or None
    when the system cannot tell.

    On Linux a read lease is refused (EAGAIN) while any other open file may write
    the file; the lease is let go at once.  (While it is held, a program opening
    the file to write waits for it, and we would get SIGIO: ignored meanwhile.)
    """
    try:
        import fcntl
        import signal
        import threading
    except ImportError:  # pragma: no cover - not POSIX
        return None
    setlease = getattr(fcntl, "F_SETLEASE", None)
    if setlease is None or threading.current_thread() is not threading.main_thread():
        return None
    try:
        previous = signal.signal(signal.SIGIO, signal.SIG_IGN)
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return None
    try:
        try:
            fcntl.fcntl(fd, setlease, fcntl.F_RDLCK)
        except OSError as exc:
            return True if exc.errno in (errno.EAGAIN, errno.EBUSY) else None
        try:
            fcntl.fcntl(fd, setlease, fcntl.F_UNLCK)
        except OSError:  # pragma: no cover
            pass
        return False
    finally:
        signal.signal(signal.SIGIO, previous)


def being_written(path: str | os.PathLike) -> bool:
    """Another program has the file open for writing now (False when the system cannot tell)."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return False
    try:
        return bool(_writers_elsewhere(fd))
    finally:
        os.close(fd)


def _wait_for_writers(fd: int, seconds: float, path: str) -> bool:
    """Wait until no other program has the file open for writing; False if one still has."""
    deadline = time.monotonic() + seconds
    while _writers_elsewhere(fd):
        _at("busy", path)
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


# --------------------------------------------------- replacing a file ---

def replace_file(path: Path, data: bytes, *, expected: Snapshot | None = None) -> Path:
    """Atomically write ``path`` with ``data``, replacing the file that is there.

    For generated files (reports, calendars) and, with ``expected``, for the
    commands that exist to change a note.  The bytes go to a hidden temporary
    file in the same folder (with the original's permissions), are fsynced, and
    are renamed over ``path``: a reader sees the old file or the new one, never
    half of one.  A read-only file is refused (renaming over it would ignore
    that).  Without ``expected``, a symbolic link is written through, not
    replaced.  With ``expected`` see :func:`_replace_snapshot`.  Raises OSError
    when it cannot write.
    """
    from pathlib import Path

    if expected is not None:
        with _interrupts_held():  # a Ctrl-C lands after the swap's checks, not between them
            return _replace_snapshot(Path(path), data, expected)
    # Through a symbolic link (a calendar kept in a synced folder): write its target,
    # with the target's permissions, and keep the link.
    path = Path(os.path.realpath(path))
    folder = path.parent
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    if info is not None and not info.st_mode & 0o222:
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    with _staged(folder, path.name, data) as tmp:
        if info is not None:
            try:
                os.chmod(tmp, info.st_mode & 0o7777)
            except OSError:
                pass
        os.replace(tmp, path)
        _fsync_dir(folder)
    return path


@contextlib.contextmanager
def _interrupts_held():
    """Hold SIGINT and SIGTERM until the block ends, then act on them: a note's swap is
    either not begun or checked to the end (a restore included), never left half-way
    with another program's text in a hidden file.  (Only in the main thread.)"""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    kept = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            kept[sig] = signal.signal(sig, lambda number, frame: caught.append(number))
        except (ValueError, OSError):  # pragma: no cover - not settable here
            pass
    try:
        yield
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)
        if caught:
            os.kill(os.getpid(), caught[0])  # as it would have been, now that the note is whole


def _replace_snapshot(path: Path, data: bytes, expected: Snapshot) -> Path:
    """Replace the note ``expected`` was read from, only if nobody else wrote it.

    1. Right before the rename, the file at ``path`` must be the one read (same
       device, inode, size, modification time), hold the same bytes, and not be
       open for writing by another program.
    2. The new file and the old swap names in one step (``renameat2`` with
       RENAME_EXCHANGE where there is one; else the old file keeps a second,
       hidden name, a hard link), so the old file is still at hand afterwards.
    3. Right after, the old file must still be the one read: a program that
       wrote into it in between (an editor saving in place) or saved its own
       file at the path (an editor's atomic save) gets its version put back at
       ``path``, and :class:`ChangedOnDisk` is raised.

    So another program's save is kept whole or this write is refused, and the
    note is never left shorter than both versions.
    """
    name, folder = path.name, path.parent
    fd_old = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(fd_old)
        if not info.st_mode & 0o222:
            raise PermissionError(errno.EACCES, "the file is read-only", str(path))
        fd, tmp = _temp_file(folder, name)
        kept: str | None = None  # a name that holds the old file after the swap
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
                mine = os.fstat(fh.fileno()).st_ino
            try:
                os.chmod(tmp, info.st_mode & 0o7777)
            except OSError:
                pass
            _still_as_read(fd_old, path, expected)
            _at("check", str(path))
            kept = _swap_in(tmp, path, info.st_ino)
            tmp = None  # (its name is gone: now the note's, or the old file's at ``kept``)
            _at("renamed", str(path))
            why = _displaced_changed(fd_old, kept, expected)
            if why is None:
                if kept is not None:
                    os.unlink(kept)
                    kept = None
                _fsync_dir(folder)
                return path
            restored, kept, tmp = _put_back(path, fd_old, info, mine, kept)
            raise ChangedOnDisk(path, why, kept, restored)
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass
    finally:
        os.close(fd_old)


def _swap_in(tmp: str, path: Path, inode: int) -> str | None:
    """Put the new file ``tmp`` at ``path``; the name that holds the old file now (``tmp``
    itself after an exchange), or None where it has no name left (no hard links)."""
    if _exchange(tmp, path):
        return tmp
    # No atomic exchange here: a second name for the old file, then the rename.
    kept: str | None = _hidden_name(path.parent, path.name, "old")
    try:
        os.link(path, kept, follow_symlinks=False)
    except OSError as exc:  # no hard links either: the old file stays at hand as fd_old
        if exc.errno not in _NO_LINKS:
            raise
        kept = None
    if kept is not None and os.stat(kept, follow_symlinks=False).st_ino != inode:
        os.unlink(kept)  # a second name of another program's file: only the name goes
        raise ChangedOnDisk(path, "changed while onenotes was editing it")
    os.replace(tmp, path)
    return kept


def _put_back(path: Path, fd_old: int, info: os.stat_result, mine: int,
              kept: str | None) -> tuple[bool, str | None, str | None]:
    """Put the other program's version (the old file: at ``kept``, or open as ``fd_old``)
    back at ``path``, only over our own file (inode ``mine``).  (Whether it was put
    back, the name still holding a version, a leftover file of ours to remove.)"""
    name, folder = path.name, path.parent
    if os.stat(path, follow_symlinks=False).st_ino != mine:
        return False, kept, None
    leftover = None
    if kept is None:  # (no second name: a copy of what it holds now)
        with _staged(folder, name, _pread_all(fd_old)) as copy:
            os.chmod(copy, info.st_mode & 0o7777)
            os.replace(copy, path)
    elif not _exchange(kept, path):
        os.replace(kept, path)
        kept = None
    else:
        leftover, kept = kept, None  # now holds our version: removed
    _fsync_dir(folder)
    return True, kept, leftover


def _still_as_read(fd_old: int, path: Path, expected: Snapshot) -> None:
    """Raise :class:`ChangedOnDisk` unless ``path`` (open as ``fd_old``) is the file and bytes read."""
    why = "changed while onenotes was editing it"
    if not _wait_for_writers(fd_old, WRITER_WAIT, str(path)):
        raise ChangedOnDisk(path, "is open for writing in another program")
    if identity_of(os.fstat(fd_old)) != expected.identity or _pread_all(fd_old) != expected.data:
        raise ChangedOnDisk(path, why)
    try:
        if os.stat(path, follow_symlinks=False).st_ino != expected.identity[1]:
            raise ChangedOnDisk(path, why)
    except FileNotFoundError:
        raise ChangedOnDisk(path, "was removed while onenotes was editing it") from None


def _displaced_changed(fd_old: int, kept: str | None, expected: Snapshot) -> str | None:
    """Why the file the swap displaced (now at ``kept``, or only open as ``fd_old``) is not
    the note as read; None if it is."""
    if kept is not None:
        try:
            at_kept = os.stat(kept, follow_symlinks=False)
        except FileNotFoundError:  # pragma: no cover - our own hidden name
            return "changed while onenotes was writing it"
        if at_kept.st_ino != expected.identity[1] or at_kept.st_dev != expected.identity[0]:
            return "was saved by another program while onenotes was writing it"
    if not _wait_for_writers(fd_old, WRITER_WAIT, kept or ""):
        return "was open for writing in another program while onenotes was writing it"
    if identity_of(os.fstat(fd_old)) != expected.identity or _pread_all(fd_old) != expected.data:
        return "changed while onenotes was writing it"
    return None


def _pread_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _hidden_name(folder: Path, name: str, kind: str) -> str:
    import secrets

    return os.path.join(folder, f".{name}.{secrets.token_hex(6)}.{kind}.tmp")


_NO_LINKS = (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK)
_renameat2 = None  # the C function, once looked up; False where there is none


def _exchange(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Swap the files named ``a`` and ``b`` in one step; False where the system cannot."""
    global _renameat2
    if _renameat2 is None:
        try:
            import ctypes

            _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
        except (ImportError, OSError, AttributeError):
            _renameat2 = False
    if _renameat2 is False:
        return False
    import ctypes

    at_fdcwd, rename_exchange = -100, 2
    if _renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), os.fspath(b))
