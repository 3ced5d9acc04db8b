"""A notebook's layout and its names: where it is, what its walk finds, how reps are named.

A notebook is a folder with an optional ``onenotes.yaml``, one folder per rep
and one ``YYYY-MM-DD.md`` (or ``YYYY-MM-DD-N.md``) note per meeting.  The walk

* skips hidden entries (``.git``, ``.obsidian``, editor swap files) and the
  notebook's ``templates/`` folder;
* follows no symbolic link (a link is reported, never read, so it can neither
  leave the notebook nor loop);
* reads no file: a note it lists is read by :func:`onenotes.reading.files.read_file`,
  which opens it without following links and reads regular files only (a FIFO
  named ``x.md`` cannot hang it).

Reps are folders; a person types a rep's folder or display name in any case,
with or without its accents, spaces or hyphens (:func:`fold_name`), and
:func:`resolve_rep` finds the folder.
"""

from __future__ import annotations

import datetime as dt
import operator
import os
import re

from onenotes.errors import BadInputError, Problem, UnknownRepError
from onenotes.rules.config import CONFIG_NAME

NOTE_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:-(\d+))?\.md$")
# Compiled on first use (re's own cache): only a name that is not plainly a note needs it.
_CONFLICT_COPY = r"(?i)(sync-conflict|conflicted copy|\(conflict\)|\.orig\.md$|\(\d+\)\.md$| copy\.md$)"
_SKIP_DIRS = {"templates", "node_modules", "__pycache__"}
# A name that is plainly a note (ASCII, not hidden, no conflict-copy marks): the
# walk takes such a regular file without the checks of _visit.
_PLAIN_NOTE = re.compile(r"\d{4}-\d{2}-\d{2}(?:-\d+)?\.md\Z")


def find_root(explicit: str | None, env_value: str | None, cwd: str | os.PathLike) -> str:
    """Where the notebook is: ``--notebook``, else ``$ONENOTES_NOTEBOOK``, else the
    nearest ancestor of ``cwd`` holding ``onenotes.yaml``, else ``cwd``; an absolute path.

    (Paths here are text, and so in the scan and the cache: a warm run does not
    import pathlib, docs/performance.md "Paths are text"; :attr:`Notebook.root` is a Path.)"""
    for value, what in ((explicit, "--notebook"), (env_value, "ONENOTES_NOTEBOOK")):
        if value:
            path = os.path.expanduser(value)
            if not os.path.isdir(path):
                raise BadInputError(f"{what}: {value} is not a folder")
            return _absolute(path)
    here = _absolute(os.fspath(cwd))
    folder = here
    while True:
        if os.path.isfile(os.path.join(folder, CONFIG_NAME)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return here
        folder = parent


def _absolute(path: str) -> str:
    """``path`` made absolute as pathlib's ``absolute()`` makes it: joined to the working
    folder, with ``.`` parts and doubled or trailing separators dropped, ``..`` kept
    (the parent of a link is not the folder its name sits in)."""
    path = os.path.join(os.getcwd(), path)
    drive, rest = os.path.splitdrive(path)
    seps = os.sep + (os.altsep or "")
    parts = [part for part in re.split(f"[{re.escape(seps)}]+", rest) if part and part != "."]
    return drive + os.sep + os.sep.join(parts)


_name = operator.attrgetter("name")


class Scan:
    """What the walk found.  (A plain class: every start defines it, and start-up imports
    no dataclasses, tests/robustness/test_startup.py.)"""

    def __init__(self) -> None:
        self.notes: list[str] = []  # relative paths with "/"
        self.other_md: list[str] = []  # .md files in rep folders that are not notes
        self.problems: list[Problem] = []
        self.rep_dirs: list[str] = []


def scan(root: str | os.PathLike) -> Scan:
    """Walk the notebook and sort its files; reads no file contents."""
    result = Scan()
    try:
        top = sorted(os.scandir(root), key=_name)
    except OSError as exc:
        raise BadInputError(f"cannot read the notebook folder {root}: {exc.strerror}") from None
    for entry in top:
        if entry.name.startswith(".") or entry.name in _SKIP_DIRS:
            continue
        if not _utf8_name(entry.name, entry.name, result):
            continue
        if entry.is_symlink():
            _link_problem(root, entry.name, result)
            continue
        if entry.is_dir(follow_symlinks=False):
            result.rep_dirs.append(entry.name)
            _walk(root, entry.name, result)
    return result


def _utf8_name(name: str, rel: str, result: Scan) -> bool:
    """A name that is not UTF-8 (Python keeps its bytes as surrogates) is skipped with a
    warning: it could not be printed, hashed or written into a note."""
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        if name.endswith(".md") or "." not in name:
            result.problems.append(Problem(shown, 0, 0, "warning", "encoding",
                                           "the name is not valid UTF-8; not read",
                                           "rename it: type the name again on a UTF-8 system"))
        return False


def link_leads(root: str | os.PathLike, rel: str) -> str:
    """Where the symbolic link ``rel`` of the notebook at ``root`` leads: ``"loop"`` (back to
    a folder that contains it), ``"outside"`` the notebook, or ``"inside"`` it."""
    target = os.path.realpath(os.path.join(root, rel))
    real_root = os.path.realpath(root)
    if target == real_root or real_root.startswith(target + os.sep):
        return "loop"
    if not (target + os.sep).startswith(real_root + os.sep):
        return "outside"
    return "inside"


_SKIPPED_LINK = {"loop": "it loops back to a folder that contains it",
                 "outside": "it leads outside the notebook",
                 "inside": "links are not followed; the target is read where it is"}


def _link_problem(root: str | os.PathLike, rel: str, result: Scan) -> None:
    why = _SKIPPED_LINK[link_leads(root, rel)]
    if rel.endswith(".md") or os.path.isdir(os.path.join(root, rel)):
        result.problems.append(Problem(rel, 0, 0, "warning", "symlink", f"skipped symbolic link: {why}",
                                       "keep notes as real files inside the notebook folder"))


def _walk(root: str | os.PathLike, rel_dir: str, result: Scan) -> None:
    """Depth-first in name order, with a stack rather than recursion: folders nested
    thousands deep cannot exhaust Python's recursion limit."""
    stack = [(rel_dir, None)]
    while stack:
        folder, entries = stack.pop()
        if entries is None:
            try:
                entries = iter(sorted(os.scandir(os.path.join(root, folder)), key=_name))
            except OSError as exc:
                result.problems.append(Problem(folder, 0, 0, "warning", "unreadable",
                                               f"cannot read folder: {exc.strerror}",
                                               "check the folder's permissions"))
                continue
        notes = result.notes
        is_note = _PLAIN_NOTE.match
        for entry in entries:
            name = entry.name
            try:
                if is_note(name) and entry.is_file(follow_symlinks=False):  # most entries: a note
                    notes.append(f"{folder}/{name}")
                    continue
            except OSError:
                pass
            sub = _visit(root, folder, entry, result)
            if sub is not None:
                stack.append((folder, entries))  # come back for the rest of this folder
                stack.append((sub, None))
                break


def _visit(root: str | os.PathLike, rel_dir: str, entry: os.DirEntry, result: Scan) -> str | None:
    """Sort one entry into the scan; returns its relative path when it is a folder to walk."""
    name = entry.name
    if name.startswith(".") or name.startswith("~") or name.endswith("~"):
        return None
    rel = f"{rel_dir}/{name}"
    if not _utf8_name(name, rel, result):
        return None
    if entry.is_symlink():
        _link_problem(root, rel, result)
        return None
    try:
        is_dir = entry.is_dir(follow_symlinks=False)
    except OSError:
        return None
    if is_dir:
        return rel
    if not name.endswith(".md"):
        return None
    if re.search(_CONFLICT_COPY, name):
        result.problems.append(Problem(rel, 0, 0, "warning", "sync-conflict",
                                       "looks like a sync-conflict copy; not read",
                                       "merge it into the real note and delete it"))
    elif NOTE_NAME.match(name):
        result.notes.append(rel)
    else:
        result.other_md.append(rel)
    return None


def note_identity(rel: str) -> tuple[str, dt.date, int] | None:
    """(rep, date, seq) from a note's relative path, or None if the name is not a date."""
    rep, _, rest = rel.partition("/")
    m = NOTE_NAME.match(rest.rsplit("/", 1)[-1])
    if not m:
        return None
    try:
        date = dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None
    return rep, date, int(m.group(2) or 1)


# ------------------------------------------------------------------ reps ---

def fold_name(text: str) -> str:
    """A name as it is compared, wherever a person types one (a rep on the command line,
    a rep or a column header in a CRM export, ``rep:`` in a note): accents, case, and
    the spaces and punctuation between words do not count.

    ``José Núñez``, ``jose nunez``, ``jose-nunez`` and ``JOSE_NUNEZ`` all fold to
    ``jose nunez``.  A character counts as :func:`slugify` keeps it (a letter or a
    digit, in NFC, case-folded), then loses its accents; so a rep's folder made from a
    name folds as the name does, in any script.  ``%`` and currency signs count too:
    they tell a CRM's columns apart (``Revenue ($)`` is not ``Revenue``).
    """
    import unicodedata  # here: only commands that take a name need it

    kept = []
    for ch in unicodedata.normalize("NFC", str(text)).casefold():
        if ch.isalnum() or ch == "%" or unicodedata.category(ch) == "Sc":
            kept.extend(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        else:
            kept.append(" ")
    return " ".join("".join(kept).split())


def slugify(name: str) -> str:
    """``"Dana Kim"`` -> ``dana-kim``: the folder made for a new rep (letters and digits
    kept, accents too; NFC, lower case; any other run of characters a ``-``)."""
    import unicodedata

    text = unicodedata.normalize("NFC", name).strip().casefold()
    return re.sub(r"[^\w]+", "-", text).strip("-_")


def check_slug(name: str) -> str:
    """Refuse what cannot be a rep folder name: empty, a path, hidden, control characters,
    or a folder of the notebook's own; the name (NFC, spaces trimmed) otherwise."""
    raw = name
    import unicodedata

    name = unicodedata.normalize("NFC", name).strip()
    if not name:
        raise BadInputError("the rep name is empty")
    if "/" in name or "\\" in name or os.path.isabs(name) or name in (".", ".."):
        raise BadInputError(f"{raw!r} is a path, not a rep name",
                            hint="give the rep's folder name, e.g. alice-nguyen")
    if name.startswith(".") or any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise BadInputError(f"{raw!r} is not a usable rep name")
    if len(name.encode("utf-8")) > 100:
        raise BadInputError("the rep name is too long (100 bytes at most)")
    # Compared as a disk compares folder names (case-insensitive on macOS and Windows:
    # ``Templates`` is ``templates`` there), not as people's names are (fold_name).
    if name.casefold() in _SKIP_DIRS:
        raise BadInputError(f"{raw!r} is reserved for the notebook's own files")
    return name


def resolve_rep(known: list[str], names: dict[str, str], given: str) -> str:
    """The folder (of ``known``) of the rep a person typed, by the first rule that finds one:

    1. the folder's own name, as typed;
    2. a folder whose name folds (:func:`fold_name`) as the typed name does;
    3. a rep whose display name (``names``) folds so;
    4. a folder or display name that starts with the typed name as whole words:
       a first name, ``bob``.

    Two reps that a rule finds alike are refused as ambiguous, never one picked.
    """
    typed = check_slug(given)
    if typed in known:
        return typed
    want = fold_name(typed)
    if want:  # (a name of punctuation alone folds to nothing, and is like no rep's)
        folder = {slug: fold_name(slug) for slug in known}
        name = {slug: fold_name(names.get(slug, "")) for slug in known}
        for found, hint in (
                ([s for s in known if folder[s] == want], "type the rep's folder name as it is written"),
                ([s for s in known if name[s] == want], "type the rep's folder name"),
                ([s for s in known if folder[s].startswith(want + " ") or name[s].startswith(want + " ")],
                 "type more of the name")):
            if len(found) == 1:
                return found[0]
            if found:
                raise UnknownRepError(f"{given!r} could be any of: {', '.join(found)}", hint=hint)
    listing = ", ".join(known) if known else "none yet"
    raise UnknownRepError(f"unknown rep {given!r}; known reps: {listing}",
                          hint=f"check the spelling, or start their notes with: onenotes new {given!r} --add")
