"""``onenotes import-metrics``: KPI actuals from a CRM's CSV export into the notes.

The CSV is either *wide* (one row per rep, one column per KPI) or *long*
(one row per rep, KPI and value).  Columns are matched to KPIs by a mapping
(the ``metrics_import:`` section of ``onenotes.yaml`` or a ``--map`` YAML file
with the same keys), else by the KPI's name or label; reps are matched to
their folders by name after normalisation (case, accents, "Last, First",
spaces, the ``first.last`` of an email address) or through the mapping's
``reps:`` aliases.

Everything is read and checked before anything is written: one bad row (an
unknown rep or KPI, a figure that is not a number, a currency that does not
match the KPI's unit) changes nothing unless ``partial`` is set.  Figures go
into each rep's note for the date: an existing note has only its ``metrics:``
lines edited (:mod:`onenotes.changes.splice`); a missing one is created from the
template (:func:`onenotes.changes.new.create_note`) rendered with the figures as
its own (its table and diagnosis describe them), and filled in.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from onenotes.rules.config import Config, KpiDef, MetricsImport, parse_metrics_import
from onenotes.changes.splice import (Change, EditRefused, Lines, block_indent, check_writable, file_line, frontmatter, key_node,
                           parse_again, problem_codes, race_error, read_to_edit, same_except, set_keys, set_scalar)
from onenotes.errors import BadInputError, ConfigError, NoteError, RefusedError, WriteError
from onenotes.reading.figures import _CODE, Raw, comma_splits, decimal_evidence, split_figure, to_number
from onenotes.reading.files import ChangedOnDisk, replace_file, write_new_file
from onenotes.changes.new import NotesNotRead, create_note
from onenotes.reading.note import MAX_NOTE_BYTES, Note, decode, parse_note
from onenotes.reading.config_file import read_options
from onenotes.reading.notebook import Notebook
from onenotes.reading.places import check_place, open_folder
from onenotes.text import plural
from onenotes.reading.yaml.safe import YamlProblem, load_yaml, to_yaml_scalar

MAX_CSV_BYTES = 16 * 1024 * 1024
MAX_MAPPING_BYTES = 256 * 1024
# Column headers that name the rep, as CRMs write them (compared folded).
REP_HEADERS = ("rep", "rep name", "sales rep", "salesperson", "owner", "owner name", "opportunity owner",
               "deal owner", "account owner", "record owner", "user", "full name", "name", "email",
               "owner email", "rep email", "sales rep email")
KPI_HEADERS = ("kpi", "metric", "measure", "kpi name", "metric name")
VALUE_HEADERS = ("value", "actual", "amount", "figure")
BLANKS = ("", "-", "\u2013", "\u2014", "n/a", "N/A")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_TOTAL = re.compile(r"(grand )?(sub)?totals?\b|sum\b")  # folded text of a report's total line
_UNIT_SUFFIX = re.compile(r"\s*\(\s*([A-Z]{3}|%)\s*\)\s*$")  # "Amount (USD)", "Win rate (%)"


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


# ------------------------------------------------------------- reading ---

def read_csv(path: Path, delimiter: str | None = None) -> tuple[list[str], list[list[str]], list[int], int]:
    """(header, rows, file line of each row, line of the header); :class:`BadInputError` when unreadable."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise BadInputError(f"cannot read {name}: {exc.strerror or exc}") from None
    if len(data) > MAX_CSV_BYTES:
        raise BadInputError(f"{name} is over {MAX_CSV_BYTES // (1024 * 1024)} MiB; is it the right file?")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise BadInputError(f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x})",
                                hint="export the report as CSV UTF-8, or re-save it as UTF-8") from None
    if "\x00" in text:
        raise BadInputError(f"{name}: holds NUL bytes; is it a spreadsheet rather than a CSV?")
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    first = 0
    if lines and re.fullmatch(r"sep=(.)", lines[0].strip()):  # Excel's "sep=;" line
        delimiter = delimiter or lines[0].strip()[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        first = 1
    if not text.strip():
        raise BadInputError(f"{name} is empty")
    delimiter = delimiter or sniff_delimiter(text, name)
    rows, starts = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        previous = 0
        for row in reader:
            starts.append(previous + 1 + first)
            previous = reader.line_num
            rows.append(row)
    except csv.Error as exc:
        raise BadInputError(f"{name}:{reader.line_num + first}: not valid CSV: {exc}") from None
    pairs = [(r, s) for r, s in zip(rows, starts) if any(cell.strip() for cell in r)]
    while pairs and _filled(pairs[0][0]) < 2:  # a report's title lines above the header
        pairs.pop(0)
    if not pairs:
        raise BadInputError(f"{name} has no header row (a row of column names)")
    header = [_clean_header(h) for h in pairs[0][0]]
    return header, [r for r, _ in pairs[1:]], [s for _, s in pairs[1:]], pairs[0][1]


def _clean_header(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\ufeff", "")).strip()


def _filled(row: list[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def sniff_delimiter(text: str, name: str) -> str:
    """Comma, semicolon or tab: the one that splits the header (the first row
    with two filled cells; report titles above it are skipped) into the most
    columns and every data row into as many, quotes respected.  Rows with a
    single filled cell (a report's footer: "Confidential", "Generated by")
    do not count.  Refuses a file it cannot tell."""
    sample = "\n".join(text.splitlines()[:200])
    best, best_width = None, 1
    for candidate in (",", ";", "\t"):
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
                    if _filled(r) >= 2]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        body = rows[1:-1] if len(rows) > 2 else rows[1:]  # the last sampled line may be cut
        if width > best_width and all(len(r) <= width or not any(c.strip() for c in r[width:])
                                      for r in body):
            best, best_width = candidate, width
    if best is None:
        raise BadInputError(f"{name}: cannot tell the delimiter (comma, semicolon or tab)",
                            hint="set 'delimiter' in the metrics_import mapping")
    return best


# --------------------------------------------------------------- names ---
# (Figures are read by onenotes/figures.py, the rule notes and onenotes.yaml share.)

def fold(text: str) -> str:
    """Compare names and headers: accents off, case-folded, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\s_\-./]+", " ", text.casefold())
    return text.strip()


# ------------------------------------------------------------- mapping ---

def load_mapping(path: Path) -> MetricsImport:
    """A ``--map`` file: the keys of ``metrics_import:`` at its top level."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_MAPPING_BYTES + 1)
    except OSError as exc:
        raise BadInputError(f"cannot read the mapping {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_MAPPING_BYTES:  # never parse a cut-off file: it could drop rep aliases silently
        raise ConfigError(f"{path} is over {MAX_MAPPING_BYTES // 1024} KiB; is it the right file?")
    try:
        raw = load_yaml(decode(data, str(path)), 0)
    except NoteError as exc:
        raise ConfigError(f"{path}: {exc.problem.message}") from None
    except YamlProblem as exc:
        raise ConfigError(f"{path}:{exc.line}: {exc.message}", hint=exc.hint) from None
    if isinstance(raw, dict) and set(raw) == {"metrics_import"}:
        raw = raw["metrics_import"]
    return parse_metrics_import(raw or {}, str(path))


class RepMatcher:
    """CRM names (and emails) -> rep slugs."""

    def __init__(self, book: Notebook, aliases: dict[str, str]):
        self.known: dict[str, set[str]] = {}
        for slug in book.reps():
            for name in (slug, book.rep_name(slug)):
                self.known.setdefault(fold(name), set()).add(slug)
        self.aliases = {fold(k): v for k, v in aliases.items()}
        self.slugs = book.reps()
        self.names = {s: book.rep_name(s) for s in self.slugs}

    def forms(self, given: str) -> list[str]:
        text = _SPACES.sub(" ", given).strip()
        out = [text]
        if "," in text:  # "Nguyen, Alice"
            last, _, first = text.partition(",")
            out.append(f"{first.strip()} {last.strip()}")
        if "@" in text:  # alice.nguyen@acme.com
            local = text.split("@", 1)[0]
            out.append(re.sub(r"[._+-]+", " ", local))
        return out

    def match(self, given: str) -> tuple[str | None, str | None]:
        """(slug, None) or (None, problem)."""
        for form in self.forms(given):
            key = fold(form)
            if key in self.aliases:
                slug = self.aliases[key]
                if slug not in self.slugs:
                    close = difflib.get_close_matches(slug, self.slugs, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    return None, f"the mapping's reps sends {given!r} to {slug!r}, which is not a rep{hint}"
                return slug, None
            slugs = self.known.get(key, set())
            if len(slugs) == 1:
                return next(iter(slugs)), None
            if len(slugs) > 1:
                return None, f"rep {given!r} could be any of {', '.join(sorted(slugs))}"
        choices = {fold(n): s for s, n in self.names.items()}
        close = difflib.get_close_matches(fold(given), list(choices), n=1, cutoff=0.7)
        hint = f"did you mean {choices[close[0]]!r}?" if close else \
            "add it under metrics_import: reps: ('CRM name': rep-folder)"
        return None, f"unknown rep {given!r}; {hint}"


def _kpi_lookup(config: Config) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, kdef in config.kpis.items():
        table[fold(name)] = name
        if kdef.label:
            table.setdefault(fold(kdef.label), name)
    return table


# ------------------------------------------------------------ the plan ---

def plan_import(book: Notebook, csv_path: Path, date: dt.date, today: dt.date,
                mapping: MetricsImport | None = None, partial: bool = False) -> ImportPlan:
    """Read and check the CSV, and plan every note edit (nothing is written)."""
    cfg = book.config
    mapping = mapping or cfg.metrics_import
    header, rows, starts, header_line = read_csv(csv_path, mapping.delimiter)
    name = csv_path.name
    plan = ImportPlan(date)
    kpis = _kpi_lookup(cfg)
    columns = {fold(k): v for k, v in mapping.columns.items()}
    matcher = RepMatcher(book, mapping.reps)
    folded = [fold(h) for h in header]

    def column(wanted: str | None, defaults: tuple[str, ...], what: str) -> int | None:
        if wanted is not None and (what != "rep" or fold(wanted) in folded):
            if fold(wanted) not in folded:
                raise BadInputError(f"{name}: no column {wanted!r} (the {what} column of the mapping)",
                                    hint="columns: " + ", ".join(header))
            return folded.index(fold(wanted))
        return next((i for i, h in enumerate(folded) if h in defaults), None)

    def kpi_of(label: str) -> tuple[str | None, str | None]:
        """(KPI, None), (None, None) for an ignored column, or (None, problem)."""
        key = fold(label)
        if key in columns:
            target = columns[key]
            if target is None:
                return None, None
            return target, None
        if key in kpis:
            return kpis[key], None
        bare = fold(_UNIT_SUFFIX.sub("", label))  # "Revenue (USD)"
        if bare in kpis:
            return kpis[bare], None
        close = difflib.get_close_matches(key, list(kpis), n=1, cutoff=0.6)
        hint = f"did you mean {kpis[close[0]]!r}? " if close else ""
        return None, (f"unknown KPI {label!r}; {hint}map it under 'columns:' "
                      f"(or to null to ignore it)")

    rep_col = column(mapping.rep, REP_HEADERS, "rep")
    if rep_col is None:
        looked = (f"{mapping.rep}, " if mapping.rep else "") + "Rep, Owner, Opportunity Owner, Deal Owner, Email, ..."
        raise BadInputError(f"{name}: no column names the rep (looked for {looked})",
                            hint="set 'rep: COLUMN' in the metrics_import mapping (or a --map file)")
    kpi_col = column(mapping.kpi, KPI_HEADERS, "kpi")
    value_col = column(mapping.value, VALUE_HEADERS, "value") if kpi_col is not None else None
    long_format = kpi_col is not None and value_col is not None
    raw_cells: list[tuple[str, str, str, str]] = []  # (where, rep, kpi, text)
    wide_kpis: dict[int, str] = {}
    if not long_format:
        for index, label in enumerate(header):
            if index == rep_col or not label:
                continue
            kpi, problem = kpi_of(label)
            unit = _UNIT_SUFFIX.search(label)
            kdef = cfg.kpis.get(kpi) if kpi else None
            if problem is None and unit and kdef is not None and kdef.unit and \
                    (kdef.unit == "%" or _CODE.match(kdef.unit)) and unit.group(1) != kdef.unit:
                problem = f"the column is in {unit.group(1)}, but {kpi} is in {kdef.unit}"
            if problem:
                plan.problems.append(RowProblem(f"{name}:{header_line}", f"column {label!r}: {problem}"))
            elif kpi is not None:
                wide_kpis[index] = kpi
    for row, line in zip(rows, starts):
        where = f"{name}:{line}"
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            plan.problems.append(RowProblem(where, f"{len(row)} fields but {plural(len(header), 'column')}",
                                            "is a figure written with a comma as separator but not quoted?"))
            continue
        row = row + [""] * (len(header) - len(row))
        rep_text = row[rep_col].strip()
        if not rep_text:
            if any(row[i].strip() for i in range(len(row)) if i != rep_col):
                plan.problems.append(RowProblem(where, "no rep in this row"))
            continue
        if _TOTAL.match(fold(rep_text)) and matcher.match(rep_text)[0] is None:
            continue  # a report's total line (a rep called "Sum, Kim" is a rep)
        if long_format:
            raw_cells.append((where, rep_text, row[kpi_col].strip(), row[value_col]))
        else:
            for index, kpi in wide_kpis.items():
                raw_cells.append((f"{where}: {header[index]}", rep_text, "\0" + kpi, row[index]))
    # Which decimal mark?  Configured, else proven by the figures, never guessed.
    splits: list[tuple[str, str, str, Raw | None]] = []
    for where, rep_text, kpi_text, text in raw_cells:
        if text.strip() in BLANKS:
            continue
        try:
            splits.append((where, rep_text, kpi_text, split_figure(text)))
        except ValueError as exc:
            plan.problems.append(RowProblem(where, str(exc), "write a number such as 1234.5, $1,234 or 27%"))
    decimal = mapping.decimal
    if decimal is None:
        proofs = {}
        for where, _, _, raw in splits:
            mark = decimal_evidence(raw.digits)
            if mark:
                proofs.setdefault(mark, where)
        if len(proofs) == 2:
            raise RefusedError(f"{name}: figures use both '.' ({proofs['.']}) and ',' ({proofs[',']}) "
                               "as the decimal mark", hint="set 'decimal' in the metrics_import mapping")
        decimal = next(iter(proofs), None)
        if decimal is None:
            ambiguous = [w for w, _, _, raw in splits if decimal_evidence(raw.digits) is None
                         and re.search(r"[.,]", raw.digits)]
            if ambiguous:
                raise RefusedError(f"{ambiguous[0]}: cannot tell whether ',' or '.' is the decimal mark "
                                   "(1,234 could be 1234 or 1.234)",
                                   hint="set 'decimal: \".\"' or 'decimal: \",\"' in the metrics_import mapping")
            decimal = "."
    seen: dict[tuple[str, str], Figure] = {}
    reps_cache: dict[str, tuple[str | None, str | None]] = {}
    for where, rep_text, kpi_text, raw in splits:
        if rep_text not in reps_cache:
            reps_cache[rep_text] = matcher.match(rep_text)
        rep, problem = reps_cache[rep_text]
        if problem:
            plan.problems.append(RowProblem(where.split(": ")[0], problem))
            continue
        if kpi_text.startswith("\0"):
            kpi = kpi_text[1:]
        else:
            kpi, problem = kpi_of(kpi_text)
            if problem or kpi is None:
                if problem:
                    plan.problems.append(RowProblem(where, problem))
                continue
        kdef = cfg.kpis.get(kpi)
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
    # Dedupe problems reported once per cell of one bad rep.
    unique, shown = [], set()
    for p in plan.problems:
        if (p.where, p.message) not in shown:
            shown.add((p.where, p.message))
            unique.append(p)
    plan.problems = unique
    if plan.problems and not partial:
        return plan
    if partial:
        bad_rows = {p.where.split(": ")[0] for p in plan.problems}
        plan.figures = [f for f in plan.figures if f.where.split(": ")[0] not in bad_rows]
    _plan_notes(book, plan, today, partial)
    return plan


def _unit_problem(kdef: KpiDef, raw: Raw) -> str | None:
    unit = (kdef.unit or "").strip()
    if raw.percent and unit != "%":
        return f"{kdef.name} is not a percentage KPI, but the figure has %"
    if raw.currency:
        if unit == "%" or (unit and _CODE.match(unit) and unit != raw.currency):
            return f"{kdef.name} is in {unit or 'plain numbers'}, but the figure is in {raw.currency}"
    return None


def _plan_notes(book: Notebook, plan: ImportPlan, today: dt.date, partial: bool = False) -> None:
    by_rep: dict[str, dict[str, int | float]] = {}
    for f in plan.figures:
        by_rep.setdefault(f.rep, {})[f.kpi] = f.value
    for rep, values in sorted(by_rep.items()):
        rel = f"{rep}/{plan.date.isoformat()}.md"
        path = book.root / rel
        shown = ", ".join(f"{k} {to_yaml_scalar(v)}" for k, v in values.items())
        check_place(book.root, rel)  # never a note where no command would read it
        if not path.exists():
            def fill(text: str, note: Note, values=values) -> str:
                lines = Lines(text.encode("utf-8"))
                set_metrics(lines, note, values)
                lines.apply()
                verify_metrics(note, parse_again(lines, note, read_options(book.config)), values)
                return lines.to_bytes().decode("utf-8")
            # The agenda describes the figures it carries: its table and diagnosis read them.
            try:
                made = create_note(book, rep, today=today, date=plan.date, figures=values, finish=fill,
                                   write=False)
            except NotesNotRead as exc:
                if not partial:
                    raise
                # --partial: this rep's figures wait until their notes can be read; the others go in.
                plan.problems.append(RowProblem(rel, exc.message, exc.hint))
                continue
            plan.changes.append(Change(rel, path, b"", made.text.encode("utf-8"),
                                       [f"{rel}: new note; {shown}"], new_file=True))
            plan.summary.append(f"{rel}: new note; {shown}")
            continue
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
            continue
        lines.apply()
        new = parse_again(lines, note, read_options(book.config))
        verify_metrics(note, new, values)
        plan.changes.append(Change(rel, path, data, lines.to_bytes(), [f"{rel}: {shown}"], read=read))
        plan.summary.append(f"{rel}: {', '.join(f'{k} {to_yaml_scalar(values[k])}' for k in changed)}")


def set_metrics(lines: Lines, note: Note, values: dict[str, int | float]) -> list[str]:
    """Queue the edits that put ``values`` (KPI -> actual) into the note's ``metrics:``.

    Figures already there are updated in place (also inside ``{goal: .., actual: ..}``);
    missing KPIs get a line in the mapping's style.  Returns the KPIs that change.
    """
    current = {m.name: m for m in note.metrics}
    todo = {k: v for k, v in values.items() if k not in current or current[k].actual != v
            or type(current[k].actual) is not type(v)}
    if not todo:
        return []
    fm = frontmatter(lines, note.path)
    if not fm.present:
        raise EditRefused(f"{note.path}: the note has no frontmatter; add the figures by hand")
    found = key_node(fm.root, "metrics") if fm.root is not None else None
    indent = block_indent(fm.root)
    pairs = [(k, to_yaml_scalar(v)) for k, v in todo.items()]
    if found is None:
        lines.insert_after(fm.close - 1, ["metrics:"] + [" " * indent + f"{k}: {v}" for k, v in pairs])
        return list(todo)
    key, node = found
    if isinstance(node, yaml.ScalarNode):
        if node.tag != "tag:yaml.org,2002:null" or node.start_mark.line != node.end_mark.line:
            raise EditRefused(f"{note.path}:{file_line(key.start_mark) + 1}: metrics is not a mapping; "
                              "fix it first (onenotes check)")
        line = file_line(node.start_mark)
        start, end = node.start_mark.column, node.end_mark.column
        if start != end:
            if start > 0 and lines.content(line)[start - 1] == " ":
                start -= 1
            lines.replace(line, start, end, "")
        lines.insert_after(line, [" " * indent + f"{k}: {v}" for k, v in pairs])
        return list(todo)
    if not isinstance(node, yaml.MappingNode):
        raise EditRefused(f"{note.path}:{file_line(key.start_mark) + 1}: metrics is not a mapping")
    missing = []
    for kpi, text in pairs:
        if kpi in current and _split_at_a_comma(note.meta["metrics"], kpi):
            raise EditRefused(f"{note.path}:{current[kpi].line}: the figure of {kpi} is written with a comma, "
                              "which YAML splits; write it with a decimal point first (onenotes check says how)")
        entry = key_node(node, kpi)
        if entry is None:
            missing.append((kpi, text))
        elif isinstance(entry[1], yaml.MappingNode):
            set_keys(lines, entry[1], [("actual", text)], note.path, keep_quotes=False)
        else:
            set_scalar(lines, entry[1], text, note.path, kpi, keep_quotes=False)
    if missing:
        set_keys(lines, node, missing, note.path)
    return list(todo)


def _split_at_a_comma(metrics: dict, kpi: str) -> bool:
    """Whether YAML split the figure of ``kpi`` at a comma (``{actual: 30,5}``): replacing
    the part before the comma would leave the rest (``31250,5``)."""
    inner = metrics.get(kpi)
    return kpi in comma_splits(metrics) or isinstance(inner, dict) and "actual" in comma_splits(inner)


def verify_metrics(old: Note, new: Note, values: dict[str, int | float]) -> None:
    """Refuse unless only the imported figures read differently."""
    def refuse(what: str):
        raise EditRefused(f"{old.path}: the edit would change {what}; nothing was changed "
                          "(please report this)")

    if not same_except(old.meta, new.meta, ("metrics",)):
        refuse("other frontmatter")
    if [(m.id, m.text, m.status, m.due, m.origin) for m in old.mentions] != \
            [(m.id, m.text, m.status, m.due, m.origin) for m in new.mentions]:
        refuse("commitments")
    before = {m.name: m for m in old.metrics}
    after = {m.name: m for m in new.metrics}
    if set(after) != set(before) | set(values):
        refuse("which KPIs the note lists")
    for name, m in after.items():
        want = values.get(name, before[name].actual if name in before else None)
        goal = before[name].goal if name in before else None
        if m.actual != want or type(m.actual) is not type(want) or m.goal != goal:
            refuse(f"the figure of {name}")
    extra = problem_codes(new) - problem_codes(old)
    if extra:
        refuse("what `check` reports: " + ", ".join(sorted(code for _, code in extra)))


def write_plan(plan: ImportPlan) -> list[Change]:
    """Write the planned notes: edits atomically (refused when the file changed
    since it was read), new notes exclusively.  Returns what was written."""
    check_writable(plan.changes)
    done: list[Change] = []
    for change in sorted(plan.changes, key=lambda c: c.new_file):
        try:
            if change.new_file:
                folder = open_folder(change.root, change.rel.rsplit("/", 1)[0], create=True)
                try:
                    write_new_file(change.path.parent, change.path.name, change.new.decode("utf-8"),
                                   dir_fd=folder)
                finally:
                    if folder is not None:
                        os.close(folder)
            else:
                check_place(change.root, change.rel)
                replace_file(change.path, change.new, expected=change.read)
        except ChangedOnDisk as exc:
            raise race_error(change.rel, exc, [c.rel for c in done]) from None
        except RefusedError as exc:  # a link put on the way since the plan was made
            if not done:
                raise
            raise RefusedError(f"{exc.message.removesuffix('; nothing written')}; {change.rel} was not written; "
                               "already written: " + ", ".join(c.rel for c in done), hint=exc.hint) from None
        except FileExistsError:
            written = "; already written: " + ", ".join(c.rel for c in done) if done else ""
            raise RefusedError(f"{change.rel} changed while onenotes was writing; it was left as it is"
                               + written, hint="run the command again") from None
        except OSError as exc:
            written = "; already written: " + ", ".join(c.rel for c in done) if done else ""
            raise WriteError(f"cannot write {change.rel}: {exc.strerror or exc}{written}") from None
        done.append(change)
    return done
