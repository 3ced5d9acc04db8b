"""``onenotes check``: lint notes, the config and templates, the way a pre-commit hook would.

The rules come in three kinds, by what they read:

* :func:`lint_note`: one note and the config (and the problems parsing found);
* :data:`REP_RULES`: all readable notes of one rep, by date, and the config
  (rules that compare a rep's notes with each other);
* :data:`NOTEBOOK_RULES`: all readable notes of the notebook, and the config.

Which notes the paths given name is :mod:`onenotes.views.check_paths`; the
templates are checked by :mod:`onenotes.views.check_templates`.

``check PATH...`` checks the notes it is given, but a rule always reads all the
notes of its kind (a rep rule every note of the rep of a given note), and what
it finds is then narrowed to the given paths.  Through the cache, what each
rule found is kept: per note under its stat key, per rep (and for the
notebook) under a hash of the paths and stat keys of the notes read, all
under a fingerprint of ``onenotes.yaml`` and of the rules' source files.  So a
warm check reads no note and decodes none: it costs what a warm ``followups``
costs.  A note that changed is parsed whole and linted again, and the rep rules
of its rep run again on that rep's notes (parsed whole: decoding a whole note
from the cache costs more than parsing it).  ``check`` never asks the notebook for
whole notes, so the cache reads each changed note for its commitments only.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable

from onenotes.rules.config import CONFIG_NAME, Config
from onenotes.errors import ConfigError, Problem
from onenotes.reading.config_file import read_options
from onenotes.reading.layout import fold_name
from onenotes.reading.notebook import NOTICE_CODES, load_notebook

from onenotes.rules.commitment_checks import rep_likely_duplicates
from onenotes.rules.commitments import closing_status
from onenotes.views.check_paths import select
from onenotes.views.check_templates import check_templates

if TYPE_CHECKING:
    from onenotes.reading.note import Mention, Note
    from onenotes.reading.notebook import Notebook

# Rules that read all readable notes of one rep: rule(rep, notes by date, config) -> problems.
REP_RULES: list[Callable[[str, "list[Note]", Config], "list[Problem]"]] = [rep_likely_duplicates]
# Rules that read every readable note: rule(notes by rep then date, config) -> problems.
NOTEBOOK_RULES: list[Callable[["list[Note]", Config], "list[Problem]"]] = []

# Stable JSON keys of one problem (documented in docs/commands.md).
PROBLEM_KEYS = ("path", "line", "column", "severity", "code", "message", "hint")


class CheckReport:
    """What ``check`` found: ``files`` notes checked, their ``problems``, and ``notices``
    (warnings for stderr: given paths that are not checked, a folder that is not a notebook)."""

    def __init__(self) -> None:
        self.files = 0
        self.problems: list[Problem] = []
        self.notices: list[Problem] = []

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    def as_json(self) -> dict:
        return {
            "files": self.files,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [{k: getattr(p, k) for k in PROBLEM_KEYS} for p in self.problems],
        }


def _line(meta, key) -> int:
    line_of = getattr(meta, "line_of", None)  # a LineDict (onenotes.reading.yaml.safe)
    return line_of(key) if line_of is not None else 0


def lint_note(note: Note, config: Config) -> list[Problem]:
    """The problems parsing found, and those that need the config or the note's path."""
    from onenotes.dates import DateProblem, to_date

    found = list(note.problems)
    meta = note.meta

    def add(key, severity, code, message, hint=None, line=None):
        found.append(Problem(note.path, line if line is not None else _line(meta, key), 0,
                             severity, code, message, hint))

    rep = meta.get("rep")
    if rep is not None and fold_name(str(rep)) != fold_name(note.rep):
        add("rep", "error", "rep-mismatch",
            f"rep is {rep!r} but the note is in the folder {note.rep!r}",
            "move the note to the right rep's folder, or fix 'rep'")
    if "date" in meta:
        try:
            when = to_date(meta["date"], formats=config.date_formats, year=note.date.year,
                           tz=read_options(config).tz)
        except DateProblem as exc:
            add("date", "error", "bad-date", f"date: {exc}", exc.hint or "write the meeting's date as YYYY-MM-DD")
        else:
            if when is not None and when != note.date:
                add("date", "error", "date-mismatch",
                    f"date is {when.isoformat()} but the file is named for {note.date.isoformat()}",
                    "rename the file or fix 'date'")
    minutes = meta.get("duration_minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, (int, float))
                                or minutes <= 0):
        add("duration_minutes", "error", "bad-duration",
            f"duration_minutes must be a number of minutes, not {minutes!r}", "e.g. 'duration_minutes: 45'")
    if config.kpis:
        for metric in note.metrics:
            if metric.name in config.kpis and config.kpis[metric.name].derived:
                add(None, "warning", "derived-kpi",
                    f"{metric.name!r} is computed from {' / '.join(config.kpis[metric.name].ratio)}; "
                    "the figure written here is ignored",
                    f"delete it, and record {' and '.join(config.kpis[metric.name].ratio)} instead", metric.line)
            elif metric.name not in config.kpis:
                import difflib  # (only for a did-you-mean)

                close = difflib.get_close_matches(metric.name, list(config.kpis), n=1)
                hint = f"did you mean {close[0]!r}?" if close else "add it under 'kpis' in onenotes.yaml"
                add(None, "error", "unknown-kpi", f"unknown KPI {metric.name!r}", hint, metric.line)
    if config.kpis:
        for name in note.confidence:
            if name not in config.kpis:
                add(None, "error", "unknown-kpi", f"confidence for unknown KPI {name!r}",
                    "use a KPI name from onenotes.yaml", _line(meta.get("confidence"), name))
    seen: dict[str, Mention] = {}
    reviewed: set[str] = set()
    for mention in note.mentions:
        first = seen.get(mention.id)
        if first is None:
            seen[mention.id] = mention
        elif first.origin == "frontmatter" and mention.origin == "body" and mention.id not in reviewed:
            reviewed.add(mention.id)  # its review item: one in the body is how the agenda lists it
            if mention.status != first.status:
                counts = closing_status(first, mention)
                add(None, "warning", "review-disagrees",
                    f"commitment {mention.id!r} is {mention.status} in the review list (line {mention.line}) "
                    f"but {first.status} in the frontmatter (line {first.line}): it counts as {counts}",
                    _agree_hint(first, mention, counts), mention.line)
        else:
            add(None, "error", "duplicate-id",
                f"commitment id {mention.id!r} is used twice in this note (first on line {first.line})",
                "give each commitment its own id", mention.line)
    return found


def _agree_hint(stated: Mention, ticked: Mention, counts: str) -> str:
    if stated.status == "open":
        command = "done" if counts == "done" else "drop"
        return f"`onenotes {command} {stated.id}` writes it there too (or set 'status: {counts}' on line {stated.line})"
    box = "[x]" if counts == "done" else "[-]"
    return f"mark the box on line {ticked.line} {box} too, so that both say {counts}"


# ------------------------------------------------------------ the check ---

def _fingerprint(root: str) -> str:
    """What the kept findings rest on besides the notes: onenotes.yaml and the rules' code."""
    from onenotes.reading.cache import blake2b

    digest = blake2b(digest_size=16)
    try:
        with open(os.path.join(root, CONFIG_NAME), "rb") as fh:
            digest.update(fh.read())
    except OSError as exc:
        digest.update(f"no config {exc.errno}".encode())
    files = {__file__} | {getattr(getattr(rule, "__code__", None), "co_filename", "")
                          for rule in REP_RULES + NOTEBOOK_RULES}
    for name in sorted(files):
        try:
            with open(name, "rb") as fh:
                digest.update(b"\0" + name.encode("utf-8", "surrogateescape") + b"\0" + fh.read())
        except OSError:  # a rule without a source file to read: what it finds is never kept
            digest.update(os.urandom(16))
    return digest.hexdigest()


def _notes_key(paths: list[str], keys: dict) -> str | None:
    """A key of the notes a rep (or notebook) rule reads: None when one cannot be kept."""
    from onenotes.reading.cache import blake2b

    digest = blake2b(digest_size=16)
    for path in paths:
        key = keys.get(path)
        if key is None:
            return None
        digest.update(f"{path}\0{key}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def check_notebook(root: str | os.PathLike, paths: list[str] | tuple[str, ...] = (), *,
                   cache: bool | str | os.PathLike = False, cwd: str | None = None) -> CheckReport:
    """Check the notebook at ``root``, or only the ``paths`` in it (see :func:`select`);
    ``cache`` as for :func:`~onenotes.reading.notebook.load_notebook`: the answer is the same."""
    root = os.fspath(root)
    report = CheckReport()
    problems: list[Problem] = []
    try:
        # Through the cache (never asked for whole notes: the notes to lint are parsed whole
        # below, which is quicker than decoding them). Without it, only the walk: the notes
        # are read below, a batch at a time.
        book = load_notebook(root, cache=cache) if cache else _walked(root, None)
    except ConfigError as exc:
        problems.append(exc.problem or Problem(CONFIG_NAME, 0, 0, "error", "config", str(exc)))
        # No cache: notes read with other options than the config's would replace the kept ones.
        book = _walked(root, Config())
    kept = _KeptFindings(book)  # (asked before the notebook's problems: it then reads no whole note)
    found = book.scan
    selection = select(root, list(paths), cwd or os.getcwd(), found)
    report.notices = selection.skipped + [p for p in book.problems if p.code == "not-a-notebook"]
    problems.extend(p for p in book.problems if p.code not in NOTICE_CODES)
    for rel in found.other_md:
        problems.append(Problem(rel, 0, 0, "warning", "not-a-note",
                                "not named like a note, so it is not read",
                                "name notes YYYY-MM-DD.md (a second one that day: YYYY-MM-DD-2.md)"))
    notes = [rel for rel in found.notes if selection.wants(rel)]
    report.files = len(notes)
    problems.extend(_findings(book, kept, notes))
    if selection.templates:
        problems.extend(check_templates(root))
    report.problems = sorted((p for p in problems if selection.wants(p.path)),
                             key=lambda p: (p.path, p.line, p.column, p.code))
    return report


def _walked(root: str, config: Config | None) -> Notebook:
    """The notebook as walked, its notes not read yet (:func:`_findings` reads them)."""
    from onenotes.reading.config_file import load_config
    from onenotes.reading.layout import scan
    from onenotes.reading.notebook import Notebook, unread_notices

    config = load_config(root) if config is None else config
    found = scan(root)
    return Notebook(root, config, None, list(found.problems) + unread_notices(root, found), found)


BATCH = 500  # notes parsed whole at a time (whole reps): linted, then let go


def _findings(book: Notebook, kept: _KeptFindings, chosen: list[str]) -> list[Problem]:
    """What the rules find in the notes ``chosen`` (and, the rules that read several notes,
    beyond them: the caller narrows it), through the cache's kept findings when it has them.
    The notes to lint are parsed whole a batch of whole reps at a time, and let go."""
    readable = kept.readable()
    chosen_set = set(chosen)
    found: list[Problem] = []
    todo: dict[str, str | None] = {}  # name -> key, for the findings to work out now
    need: set[str] = set()  # the notes that takes
    for rel in readable:
        if rel not in chosen_set:
            continue
        got = None if rel in kept.fresh else kept.known(rel, kept.keys[rel])
        if got is None:
            todo[rel] = kept.keys[rel]
            need.add(rel)
        else:
            found.extend(got)
    groups = _rule_scopes(readable, chosen_set)
    for scope, members in groups.items():
        key = _notes_key(members, kept.keys)
        got = None if any(rel in kept.fresh for rel in members) else kept.known(scope, key)
        if got is None:
            todo[scope] = key
            if scope == "" or not kept.cached:  # (through the cache, a rep's rules read its commitments)
                need.update(members)
        else:
            found.extend(got)
    worked = _work_out(book, kept, [rel for rel in readable if rel in need], groups, todo, found)
    kept.keep(worked)
    return found


class _KeptFindings:
    """What check knows of the notes before it lints any: each note's stat key as read
    (``keys``), those parsed in this run (``fresh``), and what the rules found in earlier
    runs, as the cache keeps it (``kept``, :class:`onenotes.reading.cache.KeptFindings`:
    None without the cache): per note under its stat key, per rep and for the notebook
    under a key of their notes (:func:`_notes_key`), all under :func:`_fingerprint`."""

    def __init__(self, book: Notebook):
        self.reader = book.reader  # the notes as read through the cache (None: not read yet)
        if self.reader is not None:
            self.keys, self.fresh = self.reader.read_keys(), self.reader.parsed_now()
            self._readable = list(self.reader.readable_keys())
            self.kept = self.reader.kept_findings(_fingerprint(book.folder))
        else:
            self.keys, self.fresh, self.kept = dict.fromkeys(book.scan.notes), set(book.scan.notes), None
            self._readable = list(self.keys)

    @property
    def cached(self) -> bool:
        """Whether the notes are read through the cache (its kept findings and commitments)."""
        return self.kept is not None

    def readable(self) -> list[str]:
        """The notes the rules read: all but those that could not be read."""
        return self._readable

    def known(self, name: str, key: str | None) -> list[Problem] | None:
        """The kept findings of ``name``, when they are for ``key``.  (A note parsed in this
        run is linted again whatever its key: a racy note changed within its clock tick
        keeps its key.)"""
        return self.kept.get(name, key) if self.kept is not None else None

    def commitment_notes(self, rep: str, paths: list[str]) -> list | None:
        """A rep's notes as the rules over a rep's notes read them, from the cache; None
        when one is missing (rewritten by another process since this run looked)."""
        return self.reader.commitment_notes(rep, paths)

    def keep(self, worked: list[tuple[str, str | None, list[Problem]]]) -> None:
        """Keep the findings worked out now (name, key, problems) for the next run; forget
        those of notes (and reps) that are gone."""
        if self.kept is None:
            return
        keys = self.keys
        removed = [name for name in self.kept.names() if name not in keys]
        if removed:  # notes gone; and reps and the notebook, unless they still have notes
            scopes = {rel.partition("/")[0] + "/" for rel in keys} | ({""} if NOTEBOOK_RULES and keys else set())
            removed = [name for name in removed if name not in scopes]
        self.kept.save([(name, key, result) for name, key, result in worked if key is not None], removed)


def _rule_scopes(readable: list[str], chosen: set[str]) -> dict[str, list[str]]:
    """The notes each rule over several notes reads, by scope: "rep/" for the reps of the
    notes ``chosen`` (:data:`REP_RULES`), "" for the notebook (:data:`NOTEBOOK_RULES`)."""
    groups: dict[str, list[str]] = {}
    if REP_RULES:
        reps = {rel.partition("/")[0] for rel in chosen}
        for rel in readable:
            rep = rel.partition("/")[0]
            if rep in reps:
                groups.setdefault(rep + "/", []).append(rel)
    if NOTEBOOK_RULES:
        groups[""] = readable
    return groups


def _work_out(book: Notebook, kept: _KeptFindings, needed: list[str], groups: dict[str, list[str]],
              todo: dict[str, str | None], found: list[Problem]) -> list[tuple[str, str | None, list[Problem]]]:
    """Run the rules for the names in ``todo`` (notes, "rep/" scopes, "" for the notebook),
    parsing the ``needed`` notes whole; add what they find to ``found``, and return it by
    name and key, to keep.  Through the cache, a rep's rules read the commitments it keeps."""
    worked: list[tuple[str, str | None, list[Problem]]] = []
    everyone: list[Note] = []  # every note, for the notebook's rules (only when there are some)
    config = book.config

    def run(name: str, result: list[Problem]) -> None:
        worked.append((name, todo[name], result))
        found.extend(result)

    for batch in _batches(needed):
        notes, unreadable = _whole_notes(book, batch)
        found.extend(unreadable)
        by_rep: dict[str, list[Note]] = {}
        for note in notes.values():
            by_rep.setdefault(note.rep + "/", []).append(note)
            if note.path in todo:
                run(note.path, lint_note(note, config))
        for scope, members in by_rep.items():
            if scope in todo and not kept.cached:
                members.sort(key=lambda n: n.sort_key)
                run(scope, [p for rule in REP_RULES for p in rule(scope[:-1], members, config)])
        if "" in todo:
            everyone.extend(notes.values())
    if kept.cached:  # the rules over a rep's notes, from the commitments the cache keeps
        for scope in [name for name in todo if name.endswith("/")]:
            notes = kept.commitment_notes(scope[:-1], groups[scope])
            if notes is None:  # rewritten by another process since this run looked: read them
                notes = sorted(_whole_notes(book, groups[scope])[0].values(), key=lambda n: n.sort_key)
            run(scope, [p for rule in REP_RULES for p in rule(scope[:-1], notes, config)])
    if "" in todo:
        everyone.sort(key=lambda n: (n.rep, n.sort_key))
        run("", [p for rule in NOTEBOOK_RULES for p in rule(everyone, config)])
    return worked


def _batches(rels: list[str]):
    """``rels`` (in scan order: a rep's notes together) in lists of about :data:`BATCH`,
    never splitting a rep."""
    batch: list[str] = []
    for rel in rels:
        if len(batch) >= BATCH and rel.partition("/")[0] != batch[-1].partition("/")[0]:
            yield batch
            batch = []
        batch.append(rel)
    if batch:
        yield batch


def _whole_notes(book: Notebook, rels: list[str]) -> tuple[dict[str, Note], list[Problem]]:
    """The notes at ``rels``, parsed whole, by path; and the problems of those that cannot be
    read.  In this process (a whole note sent back by a worker would cost more than its
    parse), with the cyclic collector paused: a parsed note makes no reference cycles
    (tests/cache/test_cache.py), and the collector would walk the batch again and again."""
    import gc

    from onenotes.errors import NoteError
    from onenotes.reading.notefile import read_note

    notes, unreadable = {}, []
    options = read_options(book.config)
    running = gc.isenabled()
    gc.disable()
    try:
        for rel in rels:
            try:
                notes[rel] = read_note(book.folder, rel, options)
            except NoteError as exc:
                unreadable.append(exc.problem)
    finally:
        if running:
            gc.enable()
    return notes, unreadable


