"""``onenotes check PATH...``: which notes, folders and templates the paths given name."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from onenotes.errors import BadInputError, Problem
from onenotes.rules.config import CONFIG_NAME

if TYPE_CHECKING:
    from onenotes.reading.layout import Scan


class Selection:
    """What ``check PATH...`` checks: every file (no paths), or the given notes, the
    files in the given folders, and the templates when a template or ``templates/`` is
    given.  The config's problems are always reported: it decides how every note reads."""

    def __init__(self) -> None:
        self.everything = True
        self.files: set[str] = set()  # relative paths with "/"
        self.folders: list[str] = []  # relative folder paths with "/", no trailing "/"
        self.skipped: list[Problem] = []  # given paths that are not checked, as warnings

    def wants(self, rel: str) -> bool:
        """Is a problem of the file (or folder) at ``rel`` reported?"""
        if self.everything or rel == CONFIG_NAME or rel in self.files:
            return True
        return any(rel == folder or rel.startswith(folder + "/") for folder in self.folders)

    @property
    def templates(self) -> bool:
        return self.everything or any(
            rel.startswith("templates/") for rel in self.files) or "templates" in self.folders


def select(root: str, given: list[str], cwd: str, found: Scan) -> Selection:
    """The :class:`Selection` of the paths ``given`` (relative to ``cwd``, else to the
    notebook ``root``, or absolute).  A path that does not exist or is outside the
    notebook is a :class:`BadInputError`; one that is not a note is a warning."""
    selection = Selection()
    if not given:
        return selection
    selection.everything = False
    known = set(found.notes) | set(found.other_md) | {p.path for p in found.problems}
    for text in given:
        rel, full = _relative(root, text, cwd)
        if rel == ".":
            selection.everything = True
        elif rel == CONFIG_NAME:
            pass  # its problems are reported whatever the paths
        elif rel in known or (rel.startswith("templates/") and rel.count("/") == 1):
            selection.files.add(rel)
        elif os.path.isdir(full) and not os.path.islink(full) and not _hidden(rel):
            selection.folders.append(rel)
        else:
            selection.skipped.append(Problem(
                text, 0, 0, "warning", "not-a-note", "not a note, so it is not checked",
                f"notes are REP/YYYY-MM-DD.md files in the notebook {root}"))
    return selection


def _hidden(rel: str) -> bool:
    """A folder the walk never reads (hidden, or the notebook's own ones such as .onenotes)."""
    from onenotes.reading.layout import _SKIP_DIRS

    parts = rel.split("/")
    return any(part.startswith(".") for part in parts) or (parts[0] in _SKIP_DIRS and parts[0] != "templates")


def _relative(root: str, text: str, cwd: str) -> tuple[str, str]:
    """(the path relative to the notebook with "/", or "." for the notebook itself; the full
    path): from ``cwd``, else from the notebook (also when the one from ``cwd`` exists but
    is outside the notebook)."""
    path = os.path.expanduser(text)
    outside = None
    for base in ([""] if os.path.isabs(path) else [cwd, root]):
        full = os.path.abspath(os.path.join(base, path))
        if not os.path.lexists(full):
            continue
        rel = _inside(root, full)
        if rel is not None:
            return rel, full
        outside = outside or full
    if outside is None:
        raise BadInputError(f"{text}: no such file or folder",
                            hint=f"give notes as paths from here or from the notebook {root}")
    raise BadInputError(f"{text} is not in the notebook {root}",
                        hint="check it from its own notebook, or give --notebook DIR")


def _inside(root: str, full: str) -> str | None:
    """``full`` relative to the notebook ``root`` with "/", as written or with the links of
    the folders above it resolved (the file itself is not followed); None when outside."""
    top = os.path.abspath(root)
    real = os.path.join(os.path.realpath(os.path.dirname(full)), os.path.basename(full))
    for inside, whole in ((full, top), (real, os.path.realpath(top))):
        rel = os.path.relpath(inside, whole)
        if rel != ".." and not rel.startswith(".." + os.sep):
            return rel.replace(os.sep, "/")
    return None
