"""The notebook: its notes read (through the cache), its config and its problems.

:func:`load_notebook` walks the notebook (:func:`onenotes.reading.layout.scan`)
and reads every note through the cache (:mod:`onenotes.reading.cache`);
:class:`Notebook` is what commands get.  One note is read with
:func:`read_note`: its bytes by :func:`onenotes.reading.files.read_file` (no
link followed, no FIFO, no note over
:data:`onenotes.reading.note.MAX_NOTE_BYTES`), its text by the note reader.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

from onenotes.errors import Problem
from onenotes.reading.config_file import load_config, read_options
from onenotes.reading.layout import NOTE_NAME, Scan, link_leads, note_identity, resolve_rep, scan
from onenotes.rules.config import CONFIG_NAME, Config, display_name
from onenotes.text import plural, plural_word

if TYPE_CHECKING:  # the parser (and PyYAML) load only when a note is parsed; pathlib when a command needs it
    from pathlib import Path

    from onenotes.reading.cache import Loaded
    from onenotes.rules.commitments import Entry
    from onenotes.reading.note import Note



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

    def stat_keys(self) -> dict[str, str | None] | None:
        """Each note's stat key as this run read it (path -> key), when every key vouches for
        its note's content: None when the notes were read without the cache, or one changed
        too recently for its stat to tell a later edit (a racy note, see the cache)."""
        reader = self.reader
        if reader is None or reader.store is None:
            return None
        keys = reader.read_keys()
        if any(row.racy for row in reader.rows.values()):
            return None
        return keys

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
    options = lambda: read_options(config)  # noqa: E731  (imports the parser: only when parsing)
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
