"""Planning an import: the CSV's cells read as figures and checked, and every note's
edit worked out (nothing is written here: :mod:`.write` writes the plan)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from onenotes.changes.import_metrics.export import read_csv
from onenotes.changes.import_metrics.matching import Columns, KpiMatcher, RepMatcher
from onenotes.changes.import_metrics.metrics_lines import set_metrics, verify_metrics, with_figures
from onenotes.changes.new import NotesNotRead, create_note
from onenotes.changes.splice import Change, Lines, parse_again, read_to_edit
from onenotes.errors import NoteError, RefusedError
from onenotes.reading.config_file import read_options
from onenotes.reading.figures import _CODE, Raw, decimal_evidence, split_figure, to_number
from onenotes.reading.layout import fold_name
from onenotes.reading.note import MAX_NOTE_BYTES, Note, decode, parse_note
from onenotes.reading.notebook import Notebook
from onenotes.reading.places import check_place
from onenotes.reading.yaml.safe import to_yaml_scalar
from onenotes.rules.config import Config, KpiDef, MetricsImport
from onenotes.text import plural

BLANKS = ("", "-", "\u2013", "\u2014", "n/a", "N/A")
_TOTAL = re.compile(r"(grand )?(sub)?totals?\b|sum\b")  # folded text of a report's total line


@dataclass
class RowProblem:
    where: str  # "FILE:ROW" or "FILE:ROW: column"
    message: str
    hint: str | None = None

    def format(self) -> str:
        return f"{self.where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


@dataclass
class Figure:
    rep: str
    kpi: str
    value: int | float
    where: str


@dataclass
class ImportPlan:
    date: dt.date
    figures: list[Figure] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # edits of existing notes and new notes
    unchanged: list[str] = field(default_factory=list)  # notes that already hold the figures
    summary: list[str] = field(default_factory=list)  # "rel: revenue 18900, ..." for stderr


# A cell to read: (where, the rep as written, the KPI as written or "\0" + the KPI of its
# column, the figure as written); then the same with the figure split (Raw).
Cell = tuple[str, str, str, str]
SplitCell = tuple[str, str, str, Raw]


def plan_import(book: Notebook, csv_path: Path, date: dt.date, today: dt.date,
                mapping: MetricsImport | None = None, partial: bool = False) -> ImportPlan:
    """Read and check the CSV, and plan every note edit (nothing is written)."""
    cfg = book.config
    mapping = mapping or cfg.metrics_import
    header, rows, starts, header_line = read_csv(csv_path, mapping.delimiter)
    name = csv_path.name
    plan = ImportPlan(date)
    kpis = KpiMatcher(cfg, mapping.columns)
    reps = RepMatcher(book, mapping.reps)
    columns = Columns(header, name, mapping)
    kpi_columns: dict[int, str] = {}
    if not columns.long_format:
        kpi_columns, problems = columns.kpi_columns(kpis, cfg)
        plan.problems += [RowProblem(f"{name}:{header_line}", problem) for problem in problems]
    cells = _cells(plan, columns, kpi_columns, rows, starts, name, reps)
    split = _split_figures(plan, cells)
    decimal = mapping.decimal
    if decimal is None:
        decimal = decimal_mark(split, name)
    _read_figures(plan, split, decimal, reps, kpis, cfg)
    plan.problems = _once_each(plan.problems)  # (one bad rep: a problem per cell)
    if plan.problems and not partial:
        return plan
    if partial:
        bad_rows = {p.where.split(": ")[0] for p in plan.problems}
        plan.figures = [f for f in plan.figures if f.where.split(": ")[0] not in bad_rows]
    _plan_notes(book, plan, today, partial)
    return plan


def _cells(plan: ImportPlan, columns: Columns, kpi_columns: dict[int, str], rows: list[list[str]],
           starts: list[int], name: str, reps: RepMatcher) -> list[Cell]:
    """The cells of the rows that hold figures: a row's KPI and value (a long CSV), or
    each KPI column's (a wide one).  A report's total line is left out."""
    header = columns.header
    cells: list[Cell] = []
    for row, line in zip(rows, starts):
        where = f"{name}:{line}"
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            plan.problems.append(RowProblem(where, f"{len(row)} fields but {plural(len(header), 'column')}",
                                            "is a figure written with a comma as separator but not quoted?"))
            continue
        row = row + [""] * (len(header) - len(row))
        rep_text = row[columns.rep].strip()
        if not rep_text:
            if any(row[i].strip() for i in range(len(row)) if i != columns.rep):
                plan.problems.append(RowProblem(where, "no rep in this row"))
            continue
        if _TOTAL.match(fold_name(rep_text)) and reps.match(rep_text)[0] is None:
            continue  # a report's total line (a rep called "Sum, Kim" is a rep)
        if columns.long_format:
            cells.append((where, rep_text, row[columns.kpi].strip(), row[columns.value]))
        else:
            for index, kpi in kpi_columns.items():
                cells.append((f"{where}: {header[index]}", rep_text, "\0" + kpi, row[index]))
    return cells


def _split_figures(plan: ImportPlan, cells: list[Cell]) -> list[SplitCell]:
    """The cells with a figure, split into digits, currency and percent; blanks left out."""
    split: list[SplitCell] = []
    for where, rep_text, kpi_text, text in cells:
        if text.strip() in BLANKS:
            continue
        try:
            split.append((where, rep_text, kpi_text, split_figure(text)))
        except ValueError as exc:
            plan.problems.append(RowProblem(where, str(exc), "write a number such as 1234.5, $1,234 or 27%"))
    return split


def decimal_mark(split: list[SplitCell], name: str) -> str:
    """The decimal mark the figures prove ("." when none needs one); refused when they
    prove both, or when a figure could be read either way (1,234)."""
    proofs = {}
    for where, _, _, raw in split:
        mark = decimal_evidence(raw.digits)
        if mark:
            proofs.setdefault(mark, where)
    if len(proofs) == 2:
        raise RefusedError(f"{name}: figures use both '.' ({proofs['.']}) and ',' ({proofs[',']}) "
                           "as the decimal mark", hint="set 'decimal' in the metrics_import mapping")
    decimal = next(iter(proofs), None)
    if decimal is None:
        ambiguous = [w for w, _, _, raw in split if decimal_evidence(raw.digits) is None
                     and re.search(r"[.,]", raw.digits)]
        if ambiguous:
            raise RefusedError(f"{ambiguous[0]}: cannot tell whether ',' or '.' is the decimal mark "
                               "(1,234 could be 1234 or 1.234)",
                               hint="set 'decimal: \".\"' or 'decimal: \",\"' in the metrics_import mapping")
        decimal = "."
    return decimal


def _read_figures(plan: ImportPlan, split: list[SplitCell], decimal: str, reps: RepMatcher,
                  kpis: KpiMatcher, config: Config) -> None:
    """Each cell as a figure of a rep's KPI, into ``plan.figures``; what is wrong with a
    cell into ``plan.problems`` (an unknown rep or KPI, a derived KPI, a number that does
    not read, a unit that is not the KPI's, a second figure for the same KPI)."""
    seen: dict[tuple[str, str], Figure] = {}
    matched: dict[str, tuple[str | None, str | None]] = {}  # rep as written -> (rep, problem)
    for where, rep_text, kpi_text, raw in split:
        if rep_text not in matched:
            matched[rep_text] = reps.match(rep_text)
        rep, problem = matched[rep_text]
        if problem:
            plan.problems.append(RowProblem(where.split(": ")[0], problem))
            continue
        if kpi_text.startswith("\0"):
            kpi = kpi_text[1:]
        else:
            kpi, problem = kpis.match(kpi_text)
            if problem or kpi is None:
                if problem:
                    plan.problems.append(RowProblem(where, problem))
                continue
        kdef = config.kpis.get(kpi)
        if kdef is None:
            plan.problems.append(RowProblem(where, f"the mapping names {kpi!r}, which is not a KPI of "
                                            "this notebook", "KPIs are defined under 'kpis:'"))
            continue
        if kdef.derived:
            plan.problems.append(RowProblem(where, f"{kpi} is computed from {' and '.join(kdef.ratio)}, "
                                            "not recorded", "import its parts instead"))
            continue
        try:
            value = to_number(raw, decimal)
        except ValueError as exc:
            plan.problems.append(RowProblem(where, f"{raw.digits!r}: {exc} (decimal mark {decimal!r})"))
            continue
        unit_problem = _unit_problem(kdef, raw)
        if unit_problem:
            plan.problems.append(RowProblem(where, unit_problem))
            continue
        figure = Figure(rep, kpi, value, where)
        earlier = seen.get((rep, kpi))
        if earlier is not None:
            if earlier.value != value:
                plan.problems.append(RowProblem(where, f"a second figure for {rep} {kpi}: {value} "
                                                f"(first {earlier.value} at {earlier.where})"))
            continue
        seen[(rep, kpi)] = figure
        plan.figures.append(figure)


def _unit_problem(kdef: KpiDef, raw: Raw) -> str | None:
    unit = (kdef.unit or "").strip()
    if raw.percent and unit != "%":
        return f"{kdef.name} is not a percentage KPI, but the figure has %"
    if raw.currency:
        if unit == "%" or (unit and _CODE.match(unit) and unit != raw.currency):
            return f"{kdef.name} is in {unit or 'plain numbers'}, but the figure is in {raw.currency}"
    return None


def _once_each(problems: list[RowProblem]) -> list[RowProblem]:
    """``problems`` without repeats (the same place and message), in order."""
    unique, shown = [], set()
    for p in problems:
        if (p.where, p.message) not in shown:
            shown.add((p.where, p.message))
            unique.append(p)
    return unique


# ------------------------------------------------------------ the notes ---

def _plan_notes(book: Notebook, plan: ImportPlan, today: dt.date, partial: bool = False) -> None:
    """Each rep's note for the day: its ``metrics:`` lines edited, or a new agenda with the figures."""
    by_rep: dict[str, dict[str, int | float]] = {}
    for f in plan.figures:
        by_rep.setdefault(f.rep, {})[f.kpi] = f.value
    for rep, values in sorted(by_rep.items()):
        rel = f"{rep}/{plan.date.isoformat()}.md"
        path = book.root / rel
        shown = ", ".join(f"{k} {to_yaml_scalar(v)}" for k, v in values.items())
        check_place(book.root, rel)  # never a note where no command would read it
        if not path.exists():
            _plan_new_note(book, plan, rep, rel, path, values, shown, today, partial)
        else:
            _plan_edit(book, plan, rep, rel, path, values, shown)


def _plan_new_note(book: Notebook, plan: ImportPlan, rep: str, rel: str, path: Path,
                   values: dict[str, int | float], shown: str, today: dt.date, partial: bool) -> None:
    """A new agenda for the day, rendered with the figures as its own and filled in with them."""
    def fill(text: str, note: Note) -> str:
        return with_figures(text, note, values, read_options(book.config))
    # The agenda describes the figures it carries: its table and diagnosis read them.
    try:
        made = create_note(book, rep, today=today, date=plan.date, figures=values, finish=fill,
                           write=False)
    except NotesNotRead as exc:
        if not partial:
            raise
        # --partial: this rep's figures wait until their notes can be read; the others go in.
        plan.problems.append(RowProblem(rel, exc.message, exc.hint))
        return
    plan.changes.append(Change(rel, path, b"", made.text.encode("utf-8"),
                               [f"{rel}: new note; {shown}"], new_file=True))
    plan.summary.append(f"{rel}: new note; {shown}")


def _plan_edit(book: Notebook, plan: ImportPlan, rep: str, rel: str, path: Path,
               values: dict[str, int | float], shown: str) -> None:
    """The edit of the note's ``metrics:`` lines (none when it already holds the figures)."""
    try:
        read = read_to_edit(path, rel, MAX_NOTE_BYTES)
    except (OSError, ValueError) as exc:
        raise RefusedError(f"cannot read {rel}: {getattr(exc, 'strerror', None) or exc}") from None
    data = read.data
    try:
        note = parse_note(decode(data, rel), rel, rep, plan.date, 1, read_options(book.config))
    except NoteError as exc:
        raise RefusedError(f"{exc.problem.format()}; nothing was changed") from None
    lines = Lines(data)
    changed = set_metrics(lines, note, values)
    if not changed:
        plan.unchanged.append(rel)
        return
    lines.apply()
    new = parse_again(lines, note, read_options(book.config))
    verify_metrics(note, new, values)
    plan.changes.append(Change(rel, path, data, lines.to_bytes(), [f"{rel}: {shown}"], read=read))
    plan.summary.append(f"{rel}: {', '.join(f'{k} {to_yaml_scalar(values[k])}' for k in changed)}")
