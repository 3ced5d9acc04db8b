"""Writing new files exclusively and atomically."""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path


def write_new_file(folder: Path, name: str, text: str) -> Path:
    """Create ``folder/name`` with ``text``, only if it does not exist.

    The text goes to a hidden temporary file in the same folder, is fsynced,
    then hard-linked to its name: ``link`` fails if the name exists, so of two
    racing processes exactly one wins, and a crash at any point leaves either
    no file or a whole one (at worst a hidden ``.name.*.tmp``, which notebook
    scans ignore).  Raises FileExistsError, or OSError when it cannot write.
    """
    final = folder / name
    fd, tmp = _temp_file(folder, name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, final)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            # No hard links here (some network and FAT filesystems): claim the
            # name exclusively, then move the complete file over the claim.
            os.close(os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            os.replace(tmp, final)
        _fsync_dir(folder)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    return final


def _temp_file(folder: Path, name: str) -> tuple[int, str]:
    """A new hidden temporary file beside the target, with the usual permissions.

    (``tempfile.mkstemp`` would make it 0600, and the note would keep that.)
    """
    for _ in range(100):
        path = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _fsync_dir(folder: Path) -> None:
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


def replace_file(path: Path, expected: bytes, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``, only if it still holds ``expected``.

    The new bytes go to a hidden temporary file in the same folder (with the
    original's permissions), are fsynced, and are renamed over the file.  Just
    before the rename the file is read again: if it changed since it was read,
    :class:`ChangedOnDisk` is raised and the file is left alone.  Raises
    OSError when it cannot write.
    """
    folder = Path(path).parent
    info = os.stat(path, follow_symlinks=False)
    if not info.st_mode & 0o222:  # read-only: renaming over it would ignore that
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    fd, tmp = _temp_file(folder, Path(path).name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, info.st_mode & 0o7777)
        except OSError:
            pass
        with open(path, "rb") as fh:
            now = fh.read()
        if now != expected:
            raise ChangedOnDisk(str(path))
        os.replace(tmp, path)
        _fsync_dir(folder)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
