"""The draft of a rep's performance review over a quarter (or any range of days).

:func:`build_review` gathers, from the rep's notes alone, what a fair review needs:
results against goal over the period (:mod:`onenotes.rules.quarter` says how each
KPI adds up), the trend, the diagnosis of each meeting, the behaviour and coaching
plans, the rep's own commitments (:mod:`onenotes.rules.accountability`), the cadence
of one-on-ones and coaching hours, and the manager's words under "Wins" and "Where do
you need help?" (:mod:`onenotes.views.review.quotes`).  Every figure keeps the notes it
was made from, so that each row of the review can name them (:class:`Sources`).

Private parts stay out unless ``private`` is asked for: private commitments are left
out of the counts (the review says how many), and private text out of the quotes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from onenotes.errors import BadInputError, Problem, RefusedError
from onenotes.reading.layout import note_identity
from onenotes.reading.notebook import Notebook
from onenotes.rules.accountability import RepAccountability, rep_accountability
from onenotes.rules.cadence import cadence_periods, meeting_minutes
from onenotes.rules.commitments import Entry, build_ledger
from onenotes.rules.config import KpiDef
from onenotes.rules.diagnosis import diagnose
from onenotes.rules.kpis import KpiRow, figure, reading
from onenotes.rules.quarter import (Meeting, MonthHours, PeriodFigure, PlanRecord, PlanWeek, Slot, Stage,
                                    carried_in, coaching_months, held_against_expected, in_effect, made_in,
                                    most_slipped, period_figure, plan_history, plan_record)
from onenotes.views.report.model import Point, Series
from onenotes.views.review.quotes import Quote, gather_quotes


@dataclass
class KpiLine:
    """One KPI over the period: the figure (:class:`PeriodFigure`) and its weekly trend."""

    kdef: KpiDef
    figure: PeriodFigure
    series: Series  # each meeting's figure, for the chart


@dataclass
class WeekVerdict:
    """The diagnosis of one meeting, as ``kpis`` and the agenda read the figures that day."""

    date: dt.date
    source: str
    verdict: str  # on_track, behaviour, skill, no_figures
    consistent: bool  # outputs missed in most recent meetings: go through the funnel
    outputs_on_goal: int  # of this meeting's own output figures, those on goal
    outputs_judged: int  # this meeting's own output figures with a goal
    summary: str


@dataclass
class PlanLine:
    """A leading indicator of the behaviour plan over the period."""

    kpi: str
    label: str
    unit: str | None
    record: PlanRecord | None  # None: not a KPI of the notebook (no figures to check)
    target_text: str = ""  # for an item that is not a KPI: the plan's words


@dataclass
class Review:
    rep: str
    name: str
    manager: str
    start: dt.date
    end: dt.date  # the last day covered: the period's end, or today when earlier
    period_end: dt.date  # the period's end as asked
    today: dt.date
    quarter: str | None  # "2026Q4" when asked by quarter
    private: bool
    on_target: float
    meetings: list[tuple[dt.date, str]]  # the one-on-ones of the period (date, note)
    hours_target: float
    cadence_days: int  # 7 for weekly; 30 for monthly
    kpis: list[KpiLine] = field(default_factory=list)
    verdicts: list[WeekVerdict] = field(default_factory=list)
    plans: list[PlanLine] = field(default_factory=list)
    coaching: dict[str, list[Stage]] = field(default_factory=dict)
    made: RepAccountability | None = None  # the rep's own commitments made in the period
    made_entries: list[Entry] = field(default_factory=list)
    carried: RepAccountability | None = None  # made before the period, still open when it began
    carried_entries: list[Entry] = field(default_factory=list)
    slipped: list[Entry] = field(default_factory=list)
    private_left_out: int = 0  # the rep's private commitments left out (without --private)
    slots: list[Slot] = field(default_factory=list)
    months: list[MonthHours] = field(default_factory=list)
    hours_from: dt.date | None = None  # coaching hours count from here: the period's start or the first one-on-one
    quotes: list[Quote] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: "Sources | None" = None
    labels: dict[str, str] = field(default_factory=dict)  # KPI name -> its label
    hidden: list[str] = field(default_factory=list)  # frontmatter keys left out: private in this notebook
    unread: list[Problem] = field(default_factory=list)  # the rep's notes of the period that could not be read

    @property
    def so_far(self) -> bool:
        """The period has not ended: the review covers it up to today."""
        return self.end < self.period_end


class Sources:
    """Every note the review cites, numbered by date: ``[1] bob-okafor/2026-10-05.md``."""

    def __init__(self, paths) -> None:
        self.paths = sorted(set(paths), key=_by_date)
        self.number = {p: i + 1 for i, p in enumerate(self.paths)}

    def numbers(self, paths) -> list[int]:
        return sorted({self.number[p] for p in paths if p in self.number})


def _by_date(path: str):
    """A note's path by its date, then its number that day (``2026-10-05-2.md`` after ``2026-10-05.md``)."""
    match = re.match(r"(\d{4}-\d{2}-\d{2})(?:-(\d+))?\.md$", path.rsplit("/", 1)[-1])
    return (match.group(1), int(match.group(2) or 1), path) if match else ("", 0, path)


def check_period(start: dt.date, end: dt.date, today: dt.date) -> dt.date:
    """The last day the review covers (the period's end, or today); BadInputError when the
    period is backwards or has not begun."""
    if start > end:
        raise BadInputError(f"--from {start} is after --to {end}", hint="swap the two dates")
    if start > today:
        raise BadInputError(f"the period starts on {start}, after today ({today}): there is nothing to review yet",
                            hint="pick a period that has begun, or set --today")
    return min(end, today)


def build_review(book: Notebook, rep: str, start: dt.date, end: dt.date, today: dt.date, *,
                 quarter: str | None = None, private: bool = False) -> Review:
    """The review of ``rep`` (a slug) from ``start`` to ``end``, as of ``today``.

    Notes dated after the last day covered are left out of every part.  Raises
    :class:`RefusedError` when the rep has no note in the period.
    """
    last = check_period(start, end, today)
    every = [n for n in book.notes_of(rep) if n.date <= today]
    book = book.as_of(last)
    cfg = book.config
    notes = book.notes_of(rep)
    inside = [n for n in notes if start <= n.date <= last]
    if not inside:
        raise RefusedError(_no_notes(book.rep_name(rep), start, last, end, quarter),
                           hint=f"{rep}'s notes run from {every[0].date} to {every[-1].date}" if every
                           else f"{rep} has no note yet: `onenotes new {rep}` writes the first agenda")
    # Frontmatter keys the notebook keeps private (share: private_keys) stay out unless asked.
    hidden = [] if private else [k for k in PLAN_KEYS if k in cfg.private_keys]
    figures = "metrics" not in hidden and bool(cfg.kpis)  # (no KPI: no results, no diagnosis)
    review = Review(rep, book.rep_name(rep), cfg.manager, start, last, end, today, quarter, private,
                    cfg.diagnosis.on_target, [(n.date, n.path) for n in inside], cfg.coaching_hours_target,
                    30 if cfg.cadence.monthly else cfg.cadence.days, hidden=hidden,
                    labels={name: k.title for name, k in cfg.kpis.items()})
    if figures:
        review.kpis = _kpis(book, rep, inside, start, last)
        review.verdicts = _verdicts(book, rep, inside)
        if "behaviour_plan" not in hidden:
            review.plans = _plans(book, notes, inside)
    review.unread = [p for p in book.notes_not_read(rep) if _may_be_in(p.path, start, last)]
    if "coaching_plan" not in hidden:
        review.coaching = plan_history([(n.date, n.path, n.coaching_plan) for n in notes], start, last)
    _commitments(review, book, rep, notes, private)
    _cadence(review, book, notes, inside)
    secrets = [] if private else [e.text for e in build_ledger(notes) if e.private]
    review.quotes, found = gather_quotes(book.root, inside, private, secrets)
    review.problems.extend(found)
    review.sources = Sources(_cited(review))
    return review


PLAN_KEYS = ("metrics", "behaviour_plan", "coaching_plan")  # what the review reads of the frontmatter


def _may_be_in(path: str, start: dt.date, last: dt.date) -> bool:
    """A place that could not be read may hold a note of the period: a note dated in it, or a folder."""
    found = note_identity(path)
    return found is None or start <= found[1] <= last


def _no_notes(name: str, start: dt.date, last: dt.date, period_end: dt.date, quarter: str | None) -> str:
    period = f"in {quarter}" if quarter else f"from {start} to {period_end}"
    if last < period_end:
        period += f" up to today ({last})"
    return f"{name} has no one-on-one note {period}: there is nothing to review"


def _kpis(book: Notebook, rep: str, inside, start: dt.date, last: dt.date) -> list[KpiLine]:
    cfg = book.config
    lines = []
    for kind in ("output", "input"):
        for name, kdef in cfg.kpis.items():
            if kdef.kind != kind:
                continue
            meetings, points = [], []
            for note in inside:
                found = reading(cfg, note, name)
                parts = None
                if kdef.ratio is not None:
                    parts = tuple(figure(note, cfg.kpis[p]) for p in kdef.ratio)
                meetings.append(Meeting(note.date, note.path, found.value, found.goal, parts))
                points.append(Point(found.date, found.value, None if kdef.period else found.goal,
                                    found.attainment))
            result = period_figure(kdef, meetings, start, last, cfg.diagnosis.on_target,
                                   cfg.goal_for(rep, name))
            with_figure = [p for p in points if p.value is not None]
            latest = with_figure[-1] if with_figure else None
            # The chart's row: the latest figure and its goal, and no attainment (the chart would
            # show a week's beside the table's figure for the period, and be read as it).
            row = KpiRow(rep, name, kdef.title, kdef.kind, kdef.unit, kdef.better,
                         latest.goal if latest else cfg.goal_for(rep, name),
                         latest.value if latest else None, latest.date if latest else None,
                         None, None, [p.value for p in points], last_meeting=inside[-1].date, period=kdef.period)
            series = Series(name, kdef.title, kdef.kind, kdef.unit, kdef.better, kdef.derived, row, points)
            lines.append(KpiLine(kdef, result, series))
    return lines


def _verdicts(book: Notebook, rep: str, inside) -> list[WeekVerdict]:
    """Each meeting's diagnosis, as the agenda and ``kpis`` read the figures that day (a
    KPI not recorded that week counts with its last figure); a meeting that recorded no
    output figure at all says so instead."""
    cfg = book.config
    outputs = [n for n, k in cfg.kpis.items() if k.kind == "output" and not k.derived]
    out = []
    for note in inside:
        found = diagnose(book.as_of(note.date), rep)
        own = [reading(cfg, note, name) for name in outputs]
        judged = [r.attainment for r in own if r.attainment is not None]
        recorded = any(r.value is not None for r in own)
        verdict = found.verdict if recorded else "no_figures"
        summary = found.summary if recorded else "No output figure recorded in this meeting."
        out.append(WeekVerdict(note.date, note.path, verdict, found.consistent and recorded,
                               sum(a >= cfg.diagnosis.on_target for a in judged), len(judged), summary))
    return out


def _plans(book: Notebook, notes, inside) -> list[PlanLine]:
    """Each leading indicator of the behaviour plans in effect in the period (and, while no
    plan names one, each input KPI, its goal standing in as the agenda has it)."""
    cfg = book.config
    dated = [(n.date, n.path, n.behaviour_plan) for n in notes]
    plans = [in_effect(dated, n.date) for n in inside]
    named = list(dict.fromkeys(str(k) for p in plans if p for k in p[2]))
    if not named:
        named = [n for n, k in cfg.kpis.items() if k.kind == "input" and not k.derived]
    lines = []
    for kpi in named:
        kdef = cfg.kpis.get(kpi)
        if kdef is None:
            texts = [str(p[2][kpi]) for p in plans if p and kpi in p[2]]
            lines.append(PlanLine(kpi, kpi.replace("_", " ").capitalize(), None, None, texts[-1] if texts else ""))
            continue
        weeks = []
        for note, plan in zip(inside, plans):
            found = reading(cfg, note, kpi)
            target = plan[2].get(kpi) if plan else None
            planned = isinstance(target, (int, float)) and not isinstance(target, bool)
            weeks.append(PlanWeek(note.date, note.path, found.value,
                                  target if planned else (None if kdef.period else found.goal), planned))
        lines.append(PlanLine(kpi, kdef.title, kdef.unit, plan_record(kpi, weeks, kdef.better)))
    return lines


def _commitments(review: Review, book: Notebook, rep: str, notes, private: bool) -> None:
    entries = [e for e in build_ledger(notes) if e.owner == "rep"]
    if not private:
        review.private_left_out = sum(1 for e in made_in(entries, review.start, review.end)
                                      + carried_in(entries, review.start) if e.private)
        entries = [e for e in entries if not e.private]
    made = made_in(entries, review.start, review.end)
    carried = carried_in(entries, review.start)
    after = book.config.escalate_after
    review.made = rep_accountability(rep, "rep", made, review.end, after)
    review.carried = rep_accountability(rep, "rep", carried, review.end, after)
    review.made_entries, review.carried_entries = made, carried
    review.slipped = most_slipped(made + carried)


def _cadence(review: Review, book: Notebook, notes, inside) -> None:
    cfg = book.config
    period = review.cadence_days
    count = (review.end - review.start).days // period + 2
    periods = []
    for _, first, last in reversed(cadence_periods(cfg, review.end, count)):
        centre = first + (last - first) / 2
        if review.start <= centre <= review.end:
            periods.append((first, last))
    dates = sorted({n.date for n in notes})
    review.slots = held_against_expected(periods, dates, dates[0] if dates else None, review.today)
    minutes = [(n.date, meeting_minutes(n.meta.get("duration_minutes"), cfg.default_duration_minutes))
               for n in inside]
    # Coaching time is owed from the rep's first one-on-one on (a rep who joined in the
    # period is not short of hours for the weeks before), as the cadence counts it.
    review.hours_from = max(review.start, dates[0]) if dates else review.start
    review.months = coaching_months(minutes, review.hours_from, review.end, cfg.coaching_hours_target)


def _cited(review: Review) -> list[str]:
    paths = [path for _, path in review.meetings]
    for e in review.made_entries + review.carried_entries:
        paths.extend(p for p, _, _ in e.mentions)
    for stages in review.coaching.values():
        paths.extend(s.source for s in stages)
    return paths


def entry_sources(e: Entry, last: dt.date) -> list[str]:
    """The notes that mention a commitment, up to the review's last day."""
    return [p for p, d, _ in e.mentions if d is None or d <= last]
