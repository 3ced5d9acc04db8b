"""Where onenotes writes in a notebook: into its own folders, never through a symbolic link.

The notebook's folder itself may be a link: the user chose it (``--notebook``,
``$ONENOTES_NOTEBOOK``, the working folder).  Below it, reading follows no link
(:mod:`onenotes.reading.notebook`), and writing follows none either, so a note is
never written where it would not be read:

* before a command edits a note, :func:`check_place` refuses when a folder on
  its way, or the note itself, is a link;
* a new note is written through :func:`open_folder`: its folder is opened part
  by part from the notebook's folder without following links, and the note is
  made through that descriptor, so a folder swapped for a link between the
  check and the write is refused, not followed.

Paths the user gives on the command line (``--out``, ``init DIR``) are
written where they lead, links included.
"""

from __future__ import annotations

import errno
import os
import stat

from onenotes.errors import RefusedError
from onenotes.reading.layout import link_leads

_LEADS = {"loop": "looping back to a folder that contains it",
          "outside": "leading outside the notebook",
          "inside": "to another place in the notebook"}

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


def link_leads_phrase(root: str | os.PathLike, rel: str) -> str:
    """Where the link ``rel`` leads, in words: "leading outside the notebook"."""
    return _LEADS[link_leads(root, rel)]


def link_refusal(root: str | os.PathLike, rel: str, *, folder: bool) -> RefusedError:
    """The refusal to write through the link ``rel`` of the notebook (a folder's, or a file's)."""
    shown = rel + "/" if folder else rel
    return RefusedError(f"{shown} is a symbolic link {link_leads_phrase(root, rel)}; nothing written",
                        hint="onenotes reads and writes only the notebook's own folders and files: "
                             + ("move the folder itself into the notebook, in place of the link" if folder
                                else "keep notes as real files inside the notebook folder"))


def link_on_the_way(root: str | os.PathLike, rel: str) -> str | None:
    """The first part of ``rel`` (``rep/YYYY-MM-DD.md``) that is a symbolic link, as a path
    relative to the notebook, or None when the whole way is the notebook's own."""
    parts = rel.split("/")
    for end in range(1, len(parts) + 1):
        part = "/".join(parts[:end])
        if os.path.islink(os.path.join(root, part)):
            return part
    return None


def check_place(root: str | os.PathLike, rel: str, *, folder: bool = False) -> None:
    """Refuse to write ``rel`` (a file, or a ``folder``) when a folder on its way, or the
    file, is a symbolic link."""
    link = link_on_the_way(root, rel)
    if link is not None:
        raise link_refusal(root, link, folder=folder or link != rel)


# Calls relative to an open folder (Linux, macOS, the BSDs; not Windows).
_AT_CALLS = {os.open, os.mkdir, os.link, os.rename, os.unlink} <= os.supports_dir_fd


def open_folder(root: str | os.PathLike, rel: str, *, create: bool = False) -> int | None:
    """A descriptor of the notebook's folder ``rel`` (``rep``), opened part by part from the
    notebook's folder without following a link; ``create`` makes a missing last part.

    The caller closes it.  :class:`RefusedError` (:func:`link_refusal`) when a part is a
    symbolic link; OSError when a part cannot be opened or made.  Where the system has no
    calls relative to an open folder, None, once the way was checked (:func:`check_place`)
    and the folder made.
    """
    if not _AT_CALLS:
        check_place(root, rel, folder=True)
        if create:
            os.makedirs(os.path.join(root, rel), exist_ok=True)
        return None
    fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))  # the root: the user's choice
    try:
        parts = rel.split("/")
        for number, part in enumerate(parts, 1):
            if create and number == len(parts):
                try:
                    os.mkdir(part, 0o777, dir_fd=fd)
                except FileExistsError:
                    pass
            try:
                sub = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK) and _is_link(part, fd):
                    raise link_refusal(root, "/".join(parts[:number]), folder=True) from None
                raise
            os.close(fd)
            fd = sub
        return fd
    except BaseException:
        os.close(fd)
        raise


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False
