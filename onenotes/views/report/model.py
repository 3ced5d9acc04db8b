"""The team report: one picture of the team, from the same plain files.

A manager preparing a team meeting or a monthly review wants to see, not read:
which reps are on target and which are slipping (outputs first, then the
inputs that produce them), who keeps their commitments, and who has not had
their one-on-one.  :func:`build_report` gathers that from the existing core
(``kpis``, ``diagnosis``, ``accountability``, ``cadence``, ``followups``) into
one :class:`Report`; :mod:`onenotes.views.report.html` draws it as an HTML page,
:mod:`onenotes.views.report.markdown` as Markdown.  Nothing here is computed
twice: the numbers are the ones the other commands print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from onenotes.rules.accountability import RepAccountability, accountability
from onenotes.rules.cadence import RepCadence, cadence_health, cadence_periods, needs_meeting
from onenotes.views.report.charts import MARKER
from onenotes.rules.diagnosis import Diagnosis, diagnose
from onenotes.errors import RefusedError, WriteError
from onenotes.views.followups import followups
from onenotes.rules.kpis import KpiRow, reading, scorecard
from onenotes.reading.files import replace_file
from onenotes.reading.layout import NOTE_NAME
from onenotes.reading.notebook import Notebook

# Heatmap cell states, in the order a legend shows them.
MET, MISSED, DUE, NOT_DUE = "met", "missed", "due", "not_due"
CELL_STATES = (MET, MISSED, DUE, NOT_DUE)


@dataclass
class Point:
    """One meeting's figure for a KPI, with the goal that applied then."""

    date: dt.date
    value: float | int | None  # None: not recorded that week (a gap, not a zero)
    goal: float | int | None
    attainment: float | None


@dataclass
class Series:
    """One KPI of one rep over the report's weeks: what a small trend chart shows."""

    kpi: str
    label: str
    kind: str  # output or input
    unit: str | None
    better: str  # higher or lower
    derived: bool
    row: KpiRow  # the scorecard row, exactly as ``onenotes kpis`` computes it
    points: list[Point] = field(default_factory=list)


@dataclass
class PeriodCell:
    """One rep in one cadence period (a week for a weekly cadence)."""

    start: dt.date
    end: dt.date
    state: str  # one of CELL_STATES
    meetings: list[dt.date] = field(default_factory=list)


@dataclass
class RepReport:
    rep: str
    name: str
    kpis: list[KpiRow]
    series: list[Series]
    diagnosis: Diagnosis
    accountability: RepAccountability  # the rep's own commitments
    follow_through: RepAccountability  # the manager's commitments to the rep
    cadence: RepCadence
    periods: list[PeriodCell]
    inputs_on_target: list[str]  # KPI names (recorded inputs, as the diagnosis reads them)
    inputs_short: list[str]

    @property
    def outputs(self) -> list[KpiRow]:
        return [r for r in self.kpis if r.kind == "output"]


@dataclass
class Report:
    today: dt.date
    weeks: int
    start: dt.date  # first day the trend charts show
    manager: str
    on_target: float  # attainment that counts as meeting a goal (diagnosis.on_target)
    output_kpis: list[tuple[str, str]]  # (name, label), outputs in config order
    periods: list[tuple[dt.date, dt.date]]  # heatmap columns, oldest first
    period_days: int
    hours_target: float
    reps: list[RepReport]
    overdue: list[dict]  # followups rows of overdue commitments, most overdue first
    open_count: int
    problems: list = field(default_factory=list)

    @property
    def reps_off_target(self) -> list[RepReport]:
        return [r for r in self.reps if r.diagnosis.outputs_on_track is False]

    @property
    def reps_overdue_meeting(self) -> list[RepReport]:
        """Reps late for their one-on-one, and reps who never had one."""
        return [r for r in self.reps if needs_meeting(r.cadence)]


def build_report(book: Notebook, today: dt.date, weeks: int = 8,
                 reps: list[str] | None = None) -> Report:
    """The report of ``reps`` (default: every rep) as of ``today``, charts over ``weeks`` weeks.

    ``reps`` are slugs (resolve typed names with :meth:`Notebook.resolve` first).
    The report is as of ``today``: notes dated after it are left out of every
    part (figures, diagnosis, commitments), as they are of the cadence.
    """
    book = book.as_of(today)
    cfg = book.config
    chosen = list(dict.fromkeys(reps)) if reps else book.reps()
    start = today - dt.timedelta(days=7 * weeks)
    period_days = 30 if cfg.cadence.monthly else cfg.cadence.days
    count = -(-7 * weeks // period_days) + 1  # the periods of those weeks, and the current one
    # Oldest first; the last one (k = 0 in cadence) is the current, still open period.
    periods = [(s, e) for _, s, e in reversed(cadence_periods(cfg, today, count))]
    health = {c.rep: c for c in cadence_health(book, today)}
    kept = {a.rep: a for a in accountability(book, today=today, owner="rep")}
    followed = {a.rep: a for a in accountability(book, today=today, owner="manager")}
    rows = scorecard(book, None, 8, today)
    derived = {name for name, k in cfg.kpis.items() if k.derived}
    rep_reports = []
    for slug in chosen:
        notes = [n for n in book.notes_of(slug) if start <= n.date <= today]
        mine = [r for r in rows if r.rep == slug]
        series = []
        for row in mine:
            period = cfg.kpis[row.kpi].period
            points = []
            for note in notes:
                found = reading(cfg, note, row.kpi)
                # (A goal for the week/month/quarter: one meeting's figure is a part of it.)
                points.append(Point(found.date, found.value, None if period else found.goal, found.attainment))
            series.append(Series(row.kpi, row.label, row.kind, row.unit, row.better,
                                 row.kpi in derived, row, points))
        diagnosis = diagnose(book, slug)
        dates = sorted({n.date for n in book.notes_of(slug) if n.date <= today})
        cells = []
        for i, (first_day, last_day) in enumerate(periods):
            met = [d for d in dates if first_day <= d <= last_day]
            if met:
                state = MET
            elif not dates or last_day < dates[0]:
                state = NOT_DUE  # before the rep's first one-on-one
            elif i == len(periods) - 1:
                state = DUE  # the current period is still open
            else:
                state = MISSED
            cells.append(PeriodCell(first_day, last_day, state, met))
        rep_reports.append(RepReport(
            slug, book.rep_name(slug), mine, series, diagnosis, kept[slug], followed[slug], health[slug], cells,
            diagnosis.inputs_on_target, diagnosis.inputs_short))
    listed = followups(book, today=today)
    wanted = set(chosen)
    open_rows = [r for r in listed.rows if r["rep"] in wanted]
    overdue = sorted((r for r in open_rows if r["overdue"]),
                     key=lambda r: (-r["days_overdue"], r["rep"], r["source"], r["line"]))
    return Report(
        today=today, weeks=weeks, start=start, manager=cfg.manager,
        on_target=cfg.diagnosis.on_target,
        output_kpis=[(n, k.title) for n, k in cfg.kpis.items() if k.kind == "output"],
        periods=periods, period_days=period_days, hours_target=cfg.coaching_hours_target,
        reps=rep_reports, overdue=overdue, open_count=len(open_rows), problems=listed.problems)


# ---------------------------------------------------------------- writing ---

def is_report_file(path: Path) -> bool:
    """True when ``path`` is a file this command wrote before (it carries the marker)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except OSError:
        return False
    return MARKER.encode() in head


def assets_folder(out: Path) -> Path:
    """Where the Markdown report's charts go: ``report.md`` -> ``report-assets/``."""
    return out.parent / f"{out.stem}-assets"


def write_report(out: Path, text: str, charts: dict[str, str] | None = None,
                 notebook_root: Path | None = None) -> list[Path]:
    """Write the report to ``out`` (and ``charts`` into :func:`assets_folder`), atomically.

    A report is a generated file: a previous report at ``out`` is replaced.
    Any other existing file (a note, a README) is refused, and so is a charts
    folder at the top of the notebook, where it would be read as a rep's
    folder.  Charts are written first, so the report never links to a chart
    that is not there.  Returns the paths written.
    """
    if not out.parent.is_dir():
        raise WriteError(f"cannot write {out}: the folder {out.parent} does not exist",
                         hint="create the folder first")
    if notebook_root is not None and NOTE_NAME.match(out.name) and \
            out.resolve().is_relative_to(notebook_root.resolve()):
        raise RefusedError(f"{out} would be read as a one-on-one note of the notebook",
                           hint="give the report a name that is not a date, such as team.html, "
                                "or write it outside the notebook")
    targets = [out]
    folder = None
    if charts:
        folder = assets_folder(out)
        if notebook_root is not None and folder.parent.resolve() == notebook_root.resolve():
            raise RefusedError(
                f"{folder} would be read as a rep's folder of the notebook",
                hint="write the Markdown report outside the notebook's top folder, "
                     "or use --format html (one file)")
        targets += [folder / name for name in charts]
    for path in targets:
        if path.is_dir():
            raise RefusedError(f"{path} is a folder", hint="give --out a file name")
        if path.exists() and not is_report_file(path):
            raise RefusedError(f"{path} exists and is not a report written by onenotes; not replaced",
                               hint="choose another --out, or move that file away")
    written = []
    target = folder if folder is not None else out
    try:
        if folder is not None:
            folder.mkdir(exist_ok=True)
            for name, svg in charts.items():
                target = folder / name
                written.append(replace_file(target, svg.encode("utf-8")))
        target = out
        written.append(replace_file(out, text.encode("utf-8")))
    except OSError as exc:  # named by the file the user asked for, never by its temporary file
        raise WriteError(f"cannot write {target}: {exc.strerror or exc}") from None
    return written
