"""``onenotes check``: lint notes, the config and templates, the way a pre-commit hook would.

The rules come in three kinds, by what they read:

* :func:`lint_note`: one note and the config (and the problems parsing found);
* :data:`REP_RULES`: all readable notes of one rep, by date, and the config
  (rules that compare a rep's notes with each other);
* :data:`NOTEBOOK_RULES`: all readable notes of the notebook, and the config.

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

import functools
import os
from typing import TYPE_CHECKING, Callable

from onenotes.rules.config import CONFIG_NAME, Config
from onenotes.errors import BadInputError, ConfigError, Problem, TemplateError
from onenotes.reading.notebook import NOTICE_CODES, fold, load_notebook

from onenotes.rules.commitment_checks import rep_likely_duplicates
from onenotes.rules.commitments import closing_status

if TYPE_CHECKING:
    from onenotes.reading.note import Mention, Note
    from onenotes.reading.notebook import Notebook, Scan

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
    if rep is not None and fold(str(rep)) != fold(note.rep):
        add("rep", "error", "rep-mismatch",
            f"rep is {rep!r} but the note is in the folder {note.rep!r}",
            "move the note to the right rep's folder, or fix 'rep'")
    if "date" in meta:
        try:
            when = to_date(meta["date"], formats=config.date_formats, year=note.date.year,
                           tz=config.read_options.tz)
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


@functools.lru_cache(maxsize=None)
def _context_names(template: str) -> frozenset[str]:
    """The names a template can use: those its renderer passes (from an empty notebook)."""
    import datetime as dt

    from onenotes.views.brief import build_brief
    from onenotes.changes.new import build_context
    from onenotes.reading.notebook import Notebook, Scan
    from onenotes.views.templates import NOT_NOTES

    book = Notebook(".", Config(), [], [], Scan())
    day = dt.date(2026, 1, 5)
    context = build_brief(book, "x", day) if template in NOT_NOTES else build_context(book, "x", day, day)
    return frozenset(context)


def _lint_template(env, rel: str, name: str, source: str) -> list[Problem]:
    """Names the renderer does not pass, and reaches for Python internals (the sandbox refuses both)."""
    import jinja2.meta
    import jinja2.nodes

    from onenotes.views.templates import TEMPLATE_SUFFIX

    problems = []
    ast = env.parse(source)
    known = _context_names(name[: -len(TEMPLATE_SUFFIX)]) | set(env.globals)
    undeclared = jinja2.meta.find_undeclared_variables(ast) - known
    reported = set()
    for node in ast.find_all(jinja2.nodes.Name):
        if node.ctx == "load" and node.name in undeclared and node.name not in reported:
            reported.add(node.name)
            import difflib

            close = difflib.get_close_matches(node.name, sorted(known), n=1)
            problems.append(Problem(rel, node.lineno, 0, "error", "template-undefined",
                                    f"{node.name!r} is not a name templates can use",
                                    f"did you mean {close[0]!r}?" if close else
                                    "see docs/templates.md for the names a template can use"))
    for node in ast.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem, jinja2.nodes.Filter)):
        if isinstance(node, jinja2.nodes.Getattr):
            attr = node.attr
        elif isinstance(node, jinja2.nodes.Getitem):
            attr = node.arg.value if isinstance(node.arg, jinja2.nodes.Const) else None
        else:  # x | attr("__class__")
            first = node.args[0] if node.name == "attr" and node.args else None
            attr = first.value if isinstance(first, jinja2.nodes.Const) else None
        if isinstance(attr, str) and attr.startswith("_"):
            problems.append(Problem(rel, node.lineno, 0, "error", "template-unsafe",
                                    f"the template reaches for Python internals ({attr!r}); "
                                    "the sandbox refuses it",
                                    "use only the names and filters in docs/templates.md"))
    return problems


def _check_templates(root: str) -> list[Problem]:
    if not os.path.isdir(os.path.join(root, "templates")):
        return []
    from pathlib import Path

    folder = Path(root) / "templates"
    import jinja2  # (with the renderer: only for a notebook that has templates)

    from onenotes.views.templates import TEMPLATE_SUFFIX, make_environment

    problems = []
    env = make_environment(folder)
    for path in sorted(folder.glob("*" + TEMPLATE_SUFFIX)):
        rel = f"templates/{path.name}"
        try:
            env.get_template(path.name)
            source = env.loader.get_source(env, path.name)[0]
            problems.extend(_lint_template(env, rel, path.name, source))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(rel, exc.lineno or 0, 0, "error", "template-syntax",
                                    f"template syntax error: {exc.message}",
                                    "fix the Jinja syntax on that line (see docs/templates.md)"))
        except (TemplateError, jinja2.TemplateError, OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, 0, 0, "error", "template", str(exc),
                                    exc.hint if isinstance(exc, TemplateError) and exc.hint else
                                    "keep templates as real UTF-8 files inside the notebook's templates/ folder"))
    return problems



# ------------------------------------------------------------- the paths ---

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
    from onenotes.reading.notebook import _SKIP_DIRS

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
    known = _Known(book)  # (asked before the notebook's problems: it then reads no whole note)
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
    problems.extend(_findings(book, known, notes))
    if selection.templates:
        problems.extend(_check_templates(root))
    report.problems = sorted((p for p in problems if selection.wants(p.path)),
                             key=lambda p: (p.path, p.line, p.column, p.code))
    return report


def _walked(root: str, config: Config | None) -> Notebook:
    """The notebook as walked, its notes not read yet (:func:`_findings` reads them)."""
    from onenotes.rules.config import load_config
    from onenotes.reading.notebook import Notebook, scan, unread_notices

    config = load_config(root) if config is None else config
    found = scan(root)
    return Notebook(root, config, None, list(found.problems) + unread_notices(root, found), found)


BATCH = 500  # notes parsed whole at a time (whole reps): linted, then let go


class _Known:
    """What check knows of the notes before it lints any: each note's stat key as read
    (``keys``), the readable ones (``readable``), those parsed in this run (``fresh``),
    and the findings kept in the cache (``kept``: None without a cache)."""

    def __init__(self, book: Notebook):
        reader = book.reader  # the notes as read through the cache (None: not read yet)
        if reader is not None:
            self.keys, self.fresh = reader.read_keys(), reader.parsed_now()
            self.readable = list(reader.readable_keys())
            self.kept = reader.kept_findings(_fingerprint(book.folder))
        else:
            self.keys, self.fresh, self.kept = dict.fromkeys(book.scan.notes), set(book.scan.notes), None
            self.readable = list(self.keys)


def _findings(book: Notebook, known_notes: _Known, chosen: list[str]) -> list[Problem]:
    """What the rules find in the notes ``chosen`` (and, the rules that read several notes,
    beyond them: the caller narrows it), through the cache's kept findings when it has them.
    The notes to lint are parsed whole a batch of whole reps at a time, and let go."""
    keys, readable, fresh, kept = known_notes.keys, known_notes.readable, known_notes.fresh, known_notes.kept
    chosen_set = set(chosen)

    def known(name: str, key: str | None) -> list[Problem] | None:
        """The kept findings of ``name``, when they are for ``key``.  (A note parsed in this
        run is linted again whatever its key: a racy note changed within its clock tick
        keeps its key.)"""
        return kept.get(name, key) if kept is not None else None

    found: list[Problem] = []
    todo: dict[str, str | None] = {}  # name -> key, for the findings to work out now
    need: set[str] = set()  # the notes that takes
    for rel in readable:
        if rel not in chosen_set:
            continue
        got = None if rel in fresh else known(rel, keys[rel])
        if got is None:
            todo[rel] = keys[rel]
            need.add(rel)
        else:
            found.extend(got)
    groups: dict[str, list[str]] = {}  # scope ("rep/", or "" for the notebook) -> its notes
    if REP_RULES:
        reps = {rel.partition("/")[0] for rel in chosen_set}
        for rel in readable:
            rep = rel.partition("/")[0]
            if rep in reps:
                groups.setdefault(rep + "/", []).append(rel)
    if NOTEBOOK_RULES:
        groups[""] = readable
    for scope, members in groups.items():
        key = _notes_key(members, keys)
        got = None if any(rel in fresh for rel in members) else known(scope, key)
        if got is None:
            todo[scope] = key
            if scope == "" or kept is None:  # (through the cache, a rep's rules read its commitments)
                need.update(members)
        else:
            found.extend(got)
    worked: list[tuple[str, str | None, list[Problem]]] = []
    everyone: list[Note] = []  # every note, for the notebook's rules (only when there are some)
    config = book.config
    for batch in _batches([rel for rel in readable if rel in need]):
        notes, unreadable = _whole_notes(book, batch)
        found.extend(unreadable)
        by_rep: dict[str, list[Note]] = {}
        for note in notes.values():
            by_rep.setdefault(note.rep + "/", []).append(note)
            if note.path in todo:
                result = lint_note(note, config)
                worked.append((note.path, todo[note.path], result))
                found.extend(result)
        for scope, members in by_rep.items():
            if scope in todo and kept is None:
                members.sort(key=lambda n: n.sort_key)
                result = [p for rule in REP_RULES for p in rule(scope[:-1], members, config)]
                worked.append((scope, todo[scope], result))
                found.extend(result)
        if "" in todo:
            everyone.extend(notes.values())
    if kept is not None:  # the rules over a rep's notes, from the commitments the cache keeps
        for scope in [name for name in todo if name.endswith("/")]:
            notes = book.reader.commitment_notes(scope[:-1], groups[scope])
            if notes is None:  # rewritten by another process since this run looked: read them
                notes = sorted(_whole_notes(book, groups[scope])[0].values(), key=lambda n: n.sort_key)
            result = [p for rule in REP_RULES for p in rule(scope[:-1], notes, config)]
            worked.append((scope, todo[scope], result))
            found.extend(result)
    if "" in todo:
        everyone.sort(key=lambda n: (n.rep, n.sort_key))
        result = [p for rule in NOTEBOOK_RULES for p in rule(everyone, config)]
        worked.append(("", todo[""], result))
        found.extend(result)
    if kept is not None:
        _keep(kept, keys, [(name, key, result) for name, key, result in worked if key is not None])
    return found


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
    (tests/cache/test_parse.py), and the collector would walk the batch again and again."""
    import gc

    from onenotes.errors import NoteError
    from onenotes.reading.notefile import read_note

    notes, unreadable = {}, []
    options = book.config.read_options
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


def _keep(kept, keys: dict, found: list) -> None:
    """Keep the findings worked out now; forget those of notes (and reps) that are gone."""
    removed = [name for name in kept.names() if name not in keys]
    if removed:  # notes gone; and reps and the notebook, unless they still have notes
        scopes = {rel.partition("/")[0] + "/" for rel in keys} | ({""} if NOTEBOOK_RULES and keys else set())
        removed = [name for name in removed if name not in scopes]
    kept.save(found, removed)
