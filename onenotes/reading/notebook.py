"""The notebook: finding it, walking it safely, loading its notes, naming reps.

A notebook is a folder with an optional ``onenotes.yaml``, one folder per rep
and one ``YYYY-MM-DD.md`` (or ``YYYY-MM-DD-N.md``) note per meeting.  The walk

* skips hidden entries (``.git``, ``.obsidian``, editor swap files) and the
  notebook's ``templates/`` folder;
* follows no symbolic link (a link is reported, never read, so it can neither
  leave the notebook nor loop);
* reads regular files only (a FIFO named ``x.md`` cannot hang it), through a
  descriptor checked with ``fstat`` and opened without following links;
* skips notes over :data:`onenotes.reading.note.MAX_NOTE_BYTES` with a warning.
"""

from __future__ import annotations

import datetime as dt
import operator
import os
import re
import stat
from typing import TYPE_CHECKING

from onenotes.rules.config import CONFIG_NAME, Config, display_name, load_config
from onenotes.errors import BadInputError, Problem, UnknownRepError
from onenotes.text import plural, plural_word

if TYPE_CHECKING:  # the parser (and PyYAML) load only when a note is parsed; pathlib when a command needs it
    from pathlib import Path

    from onenotes.reading.cache import Loaded
    from onenotes.rules.commitments import Entry
    from onenotes.reading.note import Note

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

    (Paths here are text, and so in the scan and the cache: pathlib costs a
    tenth of a warm ``followups`` to import; :attr:`Notebook.root` is a Path.)"""
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
    """What the walk found.  (A plain class: defined on every start, at no cost.)"""

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


def read_bytes(path: str | os.PathLike, limit: int) -> bytes:
    """A regular file's bytes, never following a link and never blocking on a FIFO.

    Raises OSError, or ValueError("too large") when over ``limit`` bytes.
    """
    return read_file(path, limit)[0]


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


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


class Notebook:
    """A notebook's config and notes.

    Read by :func:`load_notebook`, the notes are read when a command first asks
    about them, by a reader (:class:`onenotes.reading.cache.Loaded`) that decides
    what to parse and what the cache keeps: asked first for the open commitments
    (or by ``check``), it reads notes for their commitments only; asked first for
    the notes or their problems, it parses them whole.
    """

    def __init__(self, root: str | os.PathLike, config: Config, notes: list[Note] | None,
                 problems: list[Problem], scan: Scan, reader: Loaded | None = None,
                 notices: list[Problem] = ()):
        self.folder = os.fspath(root)  # the notebook's folder as text (what the scan and cache use)
        self.config = config
        self._notes = notes
        self._walk_problems = problems  # skipped links, folders that cannot be read, ...
        self._notices = list(notices)  # files the reading commands do not read (see unread_notices)
        self._problems: list[Problem] | None = None if reader is not None else problems + self._notices
        self.scan = scan
        self.reader = reader  # how the notes are read (None: they were given); check asks it what it kept
        self._by_rep: tuple | None = None

    @property
    def root(self) -> Path:
        """The notebook's folder, for commands that build paths in it."""
        from pathlib import Path

        return Path(self.folder)

    @property
    def problems(self) -> list[Problem]:
        """What the walk skipped, the notes that could not be read, and the files not read."""
        if self._problems is None:
            self._problems = self._walk_problems + self.reader.unreadable() + self._notices
        return self._problems

    @property
    def notes(self) -> list[Note]:
        """Every readable note, by rep, then date."""
        if self._notes is None:
            notes = self.reader.notes() if self.reader is not None else []
            notes.sort(key=lambda n: (n.rep, n.sort_key))
            self._notes = notes
        return self._notes

    @notes.setter
    def notes(self, value: list[Note]) -> None:
        self._notes = value

    def note_problems(self) -> list[Problem]:
        """The problems found inside readable notes, in the order of :attr:`notes` (asked
        before the notes, only those that change how commitments are listed are sure to
        be there: what listing commitments needs)."""
        if self._notes is None and self.reader is not None:
            found = self.reader.note_problems()
            return [p for path in sorted(found, key=_note_order) for p in found[path]]
        return [p for n in self.notes for p in n.problems]

    def open_entries(self) -> list[Entry]:
        """Every open commitment (the ledger's open entries), in the ledger's order."""
        from onenotes.rules.commitments import build_ledger, open_commitments

        if self._notes is None and self.reader is not None:
            entries = self.reader.open_entries()
            if entries is not None:
                return sorted(entries, key=lambda e: (e.rep, e.since or dt.date.min, e.source, e.line))
        return open_commitments(build_ledger(self.notes))

    def as_of(self, date: dt.date) -> "Notebook":
        """The same notebook with only the notes dated ``date`` or earlier."""
        return Notebook(self.folder, self.config, [n for n in self.notes if n.date <= date],
                        self.problems, self.scan)

    def with_note(self, note: Note) -> "Notebook":
        """The same notebook with one more note, not written (yet): the figures of an
        agenda about to be created, read as every other note's."""
        return Notebook(self.folder, self.config, [*self.notes, note], self.problems, self.scan)

    def reps(self) -> list[str]:
        """Every rep: folders in the notebook and reps named in the config."""
        return sorted(set(self.scan.rep_dirs) | set(self.config.reps))

    def rep_name(self, slug: str) -> str:
        rep = self.config.reps.get(slug)
        return rep.name if rep else display_name(slug)

    def resolve(self, given: str) -> str:
        """The slug of a rep typed by a person (see :func:`resolve_rep`)."""
        return resolve_rep(self.reps(), {s: self.rep_name(s) for s in self.reps()}, given)

    def changed_since_read(self) -> str | None:
        """The first note that is no longer the file this run read (its size, times or
        inode differ, or it is gone); None when there is none."""
        from onenotes.reading.cache import stat_key

        keys = self.reader.read_keys() if self.reader is not None else {}
        for rel in self.scan.notes:
            try:
                now = os.lstat(os.path.join(self.folder, rel))
            except OSError:
                return rel
            if keys.get(rel) is not None and stat_key(now) != keys[rel]:
                return rel
        return None

    def notes_not_read(self, rep: str) -> list[Problem]:
        """Why some of ``rep``'s notes were not read, or nothing when every one was read whole:
        a note the walk found that could not be read or parsed, and a place skipped that
        holds notes or may (see :func:`_hides_notes`)."""
        return [p for p in self.notes_not_read_anywhere() if p.path == rep or p.path.startswith(rep + "/")]

    def notes_not_read_anywhere(self) -> list[Problem]:
        """:meth:`notes_not_read` for every rep, and for any folder the walk skipped."""
        found = set(self.scan.notes)
        return [p for p in self.problems if p.path in found or _hides_notes(self.folder, p)]

    def notes_of(self, rep: str) -> list[Note]:
        """One rep's notes by date (grouped once per list of notes: commands ask for every rep)."""
        notes = self.notes
        if self._by_rep is None or self._by_rep[0] is not notes or self._by_rep[1] != len(notes):
            groups: dict[str, list[Note]] = {}
            for note in notes:
                groups.setdefault(note.rep, []).append(note)
            for group in groups.values():
                group.sort(key=lambda n: n.sort_key)
            self._by_rep = (notes, len(notes), groups)
        return list(self._by_rep[2].get(rep, ()))


def _hides_notes(root: str, problem: Problem) -> bool:
    """A place the walk skipped that may hold notes: a folder it could not read, a link
    named like a note (its note is not read as this rep's), a link to a folder outside
    the notebook.  Not a link to some other ``.md`` file, nor a folder link whose target
    is read where it is, in the notebook."""
    name = problem.path.rsplit("/", 1)[-1]
    if problem.code == "unreadable":
        return True
    if problem.code != "symlink":
        return False
    if name.endswith(".md"):
        return NOTE_NAME.match(name) is not None
    if link_leads(root, problem.path) != "outside":
        return False
    if "/" not in problem.path:  # a rep's own folder
        return True
    # A folder inside a rep's folder (attachments, say): only when notes could be there.
    try:
        return any(NOTE_NAME.match(entry) for entry in os.listdir(os.path.join(root, problem.path)))
    except OSError:
        return True  # (not known: as if it did)


def _note_order(path: str) -> tuple:
    rep, date, seq = note_identity(path)
    return (rep, date, seq, path)


def load_notebook(root: str | os.PathLike, config: Config | None = None, *,
                  cache: bool | str | os.PathLike = False, jobs: int | None = None) -> Notebook:
    """Scan the notebook; its notes are read when a command first asks about them.
    Unreadable notes become problems, never exceptions.

    ``cache``: False reads every note; True keeps parsed notes in the notebook's
    cache (see :mod:`onenotes.reading.cache`); a path keeps them in that file.  The
    result is the same either way.  ``jobs``: worker processes for parsing
    (default: one per core, when there are many notes to parse).
    """
    from onenotes.reading.cache import Loaded, Store

    root = os.fspath(root)
    store = Store.open(root, None if isinstance(cache, bool) else cache) if cache else None
    if config is None:
        config = store.config(root) if store is not None else load_config(root)
    found = scan(root)
    options = lambda: config.read_options  # noqa: E731  (imports the parser: only when parsing)
    reader = Loaded(root, found.notes, options, options_key(config), store, jobs=jobs)
    return Notebook(root, config, None, list(found.problems), found, reader, unread_notices(root, found))


# The codes of unread_notices' warnings: what the reading commands say, one line per
# folder, of what `check` lists file by file.
NOTICE_CODES = ("not-a-note", "not-a-notebook")


def unread_notices(root: str | os.PathLike, found: Scan) -> list[Problem]:
    """What the reading commands say of files they do not read, one line per rep folder:
    ``.md`` files not named like notes (``check`` lists them one by one); and that the
    folder is not a notebook at all (no ``onenotes.yaml`` and no note in it)."""
    notices = []
    if not found.notes and not os.path.isfile(os.path.join(root, CONFIG_NAME)):
        notices.append(Problem(
            os.fspath(root), 0, 0, "warning", "not-a-notebook",
            f"not a notebook: no {CONFIG_NAME} and no note (REP/YYYY-MM-DD.md) in it",
            "cd to your notebook or give --notebook DIR; start one with onenotes init"))
    if found.other_md:
        count: dict[str, int] = {}
        for rel in found.other_md:
            rep = rel.partition("/")[0]
            count[rep] = count.get(rep, 0) + 1
        for rep, n in count.items():
            notices.append(Problem(
                rep + "/", 0, 0, "warning", "not-a-note",
                f"{plural(n, '.md file')} {plural_word(n, 'is', 'are')} not named YYYY-MM-DD.md, "
                f"so {plural_word(n, 'it is', 'they are')} not read",
                "run onenotes check to list them"))
    return notices


def options_key(config: Config) -> str:
    """What of the config changes how notes are parsed (see :class:`onenotes.reading.note.ReadOptions`)."""
    return repr((tuple(config.date_formats), config.timezone))


# ------------------------------------------------------------------ reps ---

def fold(name: str) -> str:
    """How rep names are compared: NFC, case-folded, spaces trimmed."""
    import unicodedata  # here: only commands that take a rep's name need it

    return unicodedata.normalize("NFC", name).strip().casefold()


def slugify(name: str) -> str:
    """``"Dana Kim"`` -> ``dana-kim`` (letters kept, NFC, lower case)."""
    text = fold(name)
    text = re.sub(r"[^\w]+", "-", text).strip("-_")
    return text


def check_slug(name: str) -> str:
    """Refuse what cannot be a rep folder name: empty, a path, hidden, control characters."""
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
    if name.casefold() in _SKIP_DIRS:
        raise BadInputError(f"{raw!r} is reserved for the notebook's own files")
    return name


def resolve_rep(known: list[str], names: dict[str, str], given: str) -> str:
    """Match a typed rep (slug or display name, any case or Unicode form) to a known slug."""
    check_slug(given)
    want = fold(given)
    for slug in known:
        if fold(slug) == want:
            return slug
    for slug in known:
        if fold(names.get(slug, "")) == want or slugify(names.get(slug, "")) == slugify(given):
            return slug
    for slug in known:
        if slugify(slug) == slugify(given):
            return slug
    # A first name or the start of a slug, when it names exactly one rep: "bob".
    prefix = slugify(given)
    candidates = [slug for slug in known
                  if prefix and (slugify(slug).startswith(prefix + "-")
                                 or slugify(names.get(slug, "")).startswith(prefix + "-"))]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        raise UnknownRepError(f"{given!r} could be any of: {', '.join(candidates)}",
                              hint="type more of the name")
    listing = ", ".join(known) if known else "none yet"
    raise UnknownRepError(f"unknown rep {given!r}; known reps: {listing}",
                          hint=f"check the spelling, or start their notes with: onenotes new {given!r} --add")
