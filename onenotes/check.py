"""``onenotes check``: lint every note and the config, the way a pre-commit hook would."""

from __future__ import annotations

import difflib
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes

from onenotes.commitment_checks import likely_duplicates
from onenotes.config import Config, load_config
from onenotes.dates import DateProblem, to_date
from onenotes.errors import ConfigError, NoteError, Problem, TemplateError
from onenotes.ledger import closing_status
from onenotes.note import MAX_NOTE_BYTES, Mention, Note, decode
from onenotes.notebook import fold, read_bytes, read_note, scan
from onenotes.render import NOT_NOTES, TEMPLATE_SUFFIX, make_environment
from onenotes.yamlsafe import LineDict

# Stable JSON keys of one problem (documented in docs/commands.md).
PROBLEM_KEYS = ("path", "line", "column", "severity", "code", "message", "hint")


@dataclass
class CheckReport:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

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
    return meta.line_of(key) if isinstance(meta, LineDict) else 0


def lint_note(note: Note, config: Config) -> list[Problem]:
    """Problems that need the config or the note's path, beyond what parsing found."""
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
            add("date", "error", "bad-date", f"date: {exc}", "write the meeting's date as YYYY-MM-DD")
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
        return f"set 'status: {counts}' on line {stated.line} too"
    box = "[x]" if counts == "done" else "[-]"
    return f"mark the box on line {ticked.line} {box} too, so that both say {counts}"


@functools.lru_cache(maxsize=None)
def _context_names(template: str) -> frozenset[str]:
    """The names a template can use: those its renderer passes (from an empty notebook)."""
    import datetime as dt

    from onenotes.brief import build_brief
    from onenotes.newnote import build_context
    from onenotes.notebook import Notebook, Scan

    book = Notebook(Path("."), Config(), [], [], Scan())
    day = dt.date(2026, 1, 5)
    context = build_brief(book, "x", day) if template in NOT_NOTES else build_context(book, "x", day, day)
    return frozenset(context)


def _lint_template(env, rel: str, name: str, source: str) -> list[Problem]:
    """Names the renderer does not pass, and reaches for Python internals (the sandbox refuses both)."""
    problems = []
    ast = env.parse(source)
    known = _context_names(name[: -len(TEMPLATE_SUFFIX)]) | set(env.globals)
    undeclared = jinja2.meta.find_undeclared_variables(ast) - known
    reported = set()
    for node in ast.find_all(jinja2.nodes.Name):
        if node.ctx == "load" and node.name in undeclared and node.name not in reported:
            reported.add(node.name)
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


def _check_templates(root: Path) -> list[Problem]:
    folder = root / "templates"
    if not folder.is_dir():
        return []
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


def _private_markup(root: Path, rel: str) -> list[Problem]:
    """Private markup that `onenotes share` would refuse (a <!-- private --> never closed)."""
    from onenotes.share import private_markup_problems  # markdown-it only when a note needs it

    try:
        text = decode(read_bytes(root / rel, MAX_NOTE_BYTES), rel)
    except (OSError, ValueError, NoteError):  # read_note reported it already
        return []
    return private_markup_problems(text, rel)


def check_notebook(root: str | os.PathLike) -> CheckReport:
    root = Path(root)
    report = CheckReport()
    try:
        config = load_config(root)
    except ConfigError as exc:
        report.problems.append(exc.problem or Problem("onenotes.yaml", 0, 0, "error", "config", str(exc)))
        config = Config()
    found = scan(root)
    report.problems.extend(found.problems)
    for rel in found.other_md:
        report.problems.append(Problem(rel, 0, 0, "warning", "not-a-note",
                                       "not named like a note, so it is not read",
                                       "name notes YYYY-MM-DD.md (a second one that day: YYYY-MM-DD-2.md)"))
    options = config.read_options
    notes = []
    for rel in found.notes:
        report.files += 1
        try:
            note = read_note(root, rel, options)
        except NoteError as exc:
            report.problems.append(exc.problem)
            continue
        notes.append(note)
        report.problems.extend(lint_note(note, config))
        report.problems.extend(_private_markup(root, rel))
    report.problems.extend(likely_duplicates(notes))
    report.problems.extend(_check_templates(root))
    report.problems.sort(key=lambda p: (p.path, p.line, p.column, p.code))
    return report
