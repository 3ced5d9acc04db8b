"""Writing files atomically: new notes exclusively, replaced files only whole."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path


def write_new_file(folder: Path, name: str, text: str, *, dir_fd: int | None = None) -> Path:
    """Create ``folder/name`` with ``text``, only if it does not exist.

    The text goes to a hidden temporary file in the same folder, is fsynced,
    then hard-linked to its name: ``link`` fails if the name exists, so of two
    racing processes exactly one wins, and a crash at any point leaves either
    no file or a whole one (at worst a hidden ``.name.*.tmp``, which notebook
    scans ignore).  ``dir_fd``: an open descriptor of ``folder``
    (:func:`onenotes.places.open_folder`); the file is made in that very
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
    """The file is no longer what was read: someone (an editor, a sync) changed it."""


def replace_file(path: Path, data: bytes, *, expected: bytes | None = None) -> Path:
    """Atomically write ``path`` with ``data``, replacing the file that is there.

    For the commands that exist to change a file (``done``, ``import-metrics``)
    and for generated files (reports, calendars).  The bytes go to a hidden
    temporary file in the same folder (with the original's permissions), are
    fsynced, and are renamed over ``path``: a reader sees the old file or the
    new one, never half of one.  With ``expected``, the file is read again
    just before the rename and :class:`ChangedOnDisk` is raised, the file left
    alone, if it no longer holds those bytes.  A read-only file is refused
    (renaming over it would ignore that).  A symbolic link is written through,
    not replaced.  Raises OSError when it cannot write.
    """
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
        if expected is not None:
            with open(path, "rb") as fh:
                if fh.read() != expected:
                    raise ChangedOnDisk(str(path))
        os.replace(tmp, path)
        _fsync_dir(folder)
    return path
