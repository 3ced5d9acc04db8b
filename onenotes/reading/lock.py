"""One onenotes editing a notebook at a time: :func:`notebook_lock`.

Commands that edit notes (``done``, ``drop``, ``import-metrics``) hold it while
they read the notes they edit and write them (:func:`onenotes.cli.common.editing_notebook`);
another onenotes waits for it.  Another *program* writing a note is caught by
the checks of :func:`onenotes.reading.files.replace_file` instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time

LOCK_WAIT = 30.0  # seconds to wait for another onenotes editing the same notebook


class NotebookBusy(Exception):
    """Another onenotes has been editing the notebook for longer than the wait."""


@contextlib.contextmanager
def notebook_lock(root: str | os.PathLike, *, wait: float | None = None, waiting=None):
    """Hold the notebook's edit lock: onenotes commands that edit notes run one at a time.

    The lock is ``flock`` on the notebook folder itself (no file is made, so a
    read-only or brand-new notebook needs nothing; the lock goes with the process).
    ``waiting()`` is called once when another onenotes holds it; after ``wait``
    seconds (:data:`LOCK_WAIT`) :class:`NotebookBusy` is raised.  Where there is
    no ``flock`` (or the file system refuses it), nothing is locked: the checks
    of :func:`onenotes.reading.files.replace_file` still catch another writer.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + (LOCK_WAIT if wait is None else wait)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    break  # locks not supported here: go on unlocked
            if time.monotonic() >= deadline:
                raise NotebookBusy(os.fspath(root))
            if not told and waiting is not None:
                waiting()
                told = True
            time.sleep(0.02)
        yield
    finally:
        os.close(fd)
