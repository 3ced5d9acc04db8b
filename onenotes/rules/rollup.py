"""What a director's roll-up counts: each manager's notebook in a few figures, and their total.

A director coaches the coaches.  Per notebook (one manager's team) the
roll-up counts what the method asks of a manager: a one-on-one with every rep
each cadence period, never cancelled; about three hours of coaching per rep a
month; homework followed up; outputs judged first, then the inputs that
explain them.  Every figure is one the manager's own commands print, added up:

* one-on-ones held against expected over the last 4 and 13 weeks: cadence
  periods, as ``cadence`` counts them (expected less held is its MISSED);
* coaching hours this month and last, per rep, against the notebook's
  ``coaching_hours_target``, as ``cadence``;
* reps overdue for a one-on-one or who never had one, as ``report``;
* the reps' own commitments kept on time, late, or done on a date unknown, as
  ``accountability`` (private ones are counted like any other);
* reps below goal on an output by diagnosis (behaviour or skill), as ``report``;
* per output KPI, the reps on goal at their latest figure, as ``kpis``;
* the date of the newest note, so that a stale notebook shows.

Only counts, rates, dates, the manager's name and the KPIs' names and labels
from ``onenotes.yaml`` leave this module (:class:`TeamFacts` and
:class:`TeamFigures` hold nothing else): never a rep's name, a commitment's
words or any other text of a note.  No I/O here: the notebook comes read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from onenotes.rules.accountability import accountability, kept_on_time_rate
from onenotes.rules.cadence import held_against_expected, meeting_minutes, needs_meeting, period_days, \
    period_meetings, rep_cadence
from onenotes.rules.diagnosis import VERDICTS, diagnose
from onenotes.rules.kpis import scorecard

WINDOWS = {"4wk": 28, "13wk": 91}  # the one-on-ones held are counted over these many days
STALE_PERIODS = 2  # a notebook whose newest note is older than this many cadence periods is stale


@dataclass
class TeamFigures:
    """One manager's notebook as of a day, in counts and dates (see the module's docstring).

    Every field is a number, a date, a KPI's name or label, or the manager's
    name from ``onenotes.yaml``: the roll-up shows nothing else.
    """

    manager: str
    cadence: str | None  # the cadence as onenotes.yaml says it: weekly, every 14 days... (a total: when one)
    period_days: int | None
    reps: int
    held_4wk: int  # cadence periods with a one-on-one, summed over the reps
    expected_4wk: int  # cadence periods due (the open one only once held), summed over the reps
    held_13wk: int
    expected_13wk: int
    hours_this_month: float  # one-on-one hours with all the reps, this calendar month so far
    hours_last_month: float
    hours_target: float | None  # per rep, a month (a total: when every team has the same)
    reps_under_target_last_month: int
    reps_overdue: int  # overdue for a one-on-one, or never had one
    kept_on_time: int  # the reps' own commitments done by their due date
    kept_late: int
    done_date_unknown: int  # closed at a meeting without a done date: neither on time nor late
    reps_on_track: int  # diagnosis: outputs on goal
    reps_behaviour: int  # outputs short and activity short
    reps_skill: int  # outputs short although the activity is on goal
    reps_no_figures: int  # no output figure yet
    on_target: float | None  # the attainment that counts as on goal (diagnosis.on_target)
    newest_note: dt.date | None
    # KPI name -> {"kind", "label", "on_goal", "with_figure"}: reps on goal at their latest
    # figure, of the reps with a figure and a goal for it.
    kpis: dict = field(default_factory=dict)
    # The completed cadence periods of the last 13 weeks, oldest first:
    # [first day, last day, reps who had a one-on-one in it, reps it was due for].
    periods: list = field(default_factory=list)

    @property
    def reps_below_goal(self) -> int:
        return self.reps_behaviour + self.reps_skill

    @property
    def kept_on_time_rate(self) -> float | None:
        return kept_on_time_rate(self.kept_on_time, self.kept_late)

    def held_rate(self, window: str) -> float | None:
        """One-on-ones held of those expected over ``window`` (4wk or 13wk); None when none was expected."""
        held, expected = getattr(self, f"held_{window}"), getattr(self, f"expected_{window}")
        return round(held / expected, 4) if expected else None

    def hours_per_rep(self, month: str) -> float | None:
        """One-on-one hours per rep in the ``month`` (this or last); None without reps."""
        hours = self.hours_this_month if month == "this" else self.hours_last_month
        return round(hours / self.reps, 2) if self.reps else None

    def stale(self, today: dt.date) -> bool:
        """No note in the last :data:`STALE_PERIODS` cadence periods (or none at all)."""
        if self.newest_note is None:
            return True
        return (today - self.newest_note).days > STALE_PERIODS * self.period_days


@dataclass
class TeamFacts:
    """What a notebook's figures come from, apart from the day: each rep's meetings, and what
    the notes say whatever the day (kept on time, the diagnosis, the KPIs on goal).

    :func:`figures_on` makes the figures of any day from them: the day only moves the
    windows and months of the meetings, and who is overdue.  (They hold for a later day
    as long as no note is dated after the first, and no KPI's goal is a pace
    (:func:`facts_vary_by_day`).)
    """

    manager: str
    meetings: list  # per rep (every rep, unnamed): [[date, minutes or None for the default length]]
    kept_on_time: int  # the reps' own commitments (rules.accountability)
    kept_late: int
    done_date_unknown: int
    verdicts: dict  # diagnosis verdict -> reps
    kpis: dict  # KPI name -> {"kind", "label", "on_goal", "with_figure"} (see TeamFigures)


def facts_vary_by_day(cfg) -> bool:
    """A KPI whose goal is per week, month or quarter is judged on pace as of the day."""
    return any(k.period for k in cfg.kpis.values())


def team_facts(book, today: dt.date) -> TeamFacts:
    """The facts of a notebook (:class:`onenotes.reading.notebook.Notebook`) from its notes
    dated ``today`` or earlier, as ``report`` reads them."""
    book = book.as_of(today)
    cfg = book.config
    reps = book.reps()
    kept = accountability(book, today=today, owner="rep")
    verdicts = [diagnose(book, slug).verdict for slug in reps]
    kpis = {name: {"kind": k.kind, "label": k.title, "on_goal": 0, "with_figure": 0}
            for name, k in cfg.kpis.items()}
    for row in scorecard(book, None, 1, today):
        if row.attainment is not None:
            kpis[row.kpi]["with_figure"] += 1
            kpis[row.kpi]["on_goal"] += row.attainment >= cfg.diagnosis.on_target
    return TeamFacts(
        manager=cfg.manager,
        meetings=[[[n.date, meeting_minutes(n.meta.get("duration_minutes"))] for n in book.notes_of(slug)]
                  for slug in reps],
        kept_on_time=sum(a.kept_on_time for a in kept), kept_late=sum(a.kept_late for a in kept),
        done_date_unknown=sum(a.done_date_unknown for a in kept),
        verdicts={verdict: verdicts.count(verdict) for verdict in VERDICTS}, kpis=kpis)


def figures_on(facts: TeamFacts, cfg, today: dt.date) -> TeamFigures:
    """The figures of a notebook with ``cfg`` (its onenotes.yaml) as of ``today``, from its facts."""
    health = [rep_cadence(cfg, "", meetings, today) for meetings in facts.meetings]
    windows = {name: [0, 0] for name in WINDOWS}
    periods: dict[tuple, list[int]] = {}
    newest = None
    for meetings in facts.meetings:
        dates = sorted({day for day, _ in meetings if day <= today})
        newest = max(newest or dates[-1], dates[-1]) if dates else newest
        for name, days in WINDOWS.items():
            held, expected = held_against_expected(cfg, dates, today, days)
            windows[name][0] += held
            windows[name][1] += expected
        for k, start, end, met in period_meetings(cfg, dates, today, WINDOWS["13wk"]):
            if k > 0:  # the current period is still open
                counts = periods.setdefault((start, end), [0, 0])
                counts[0] += met
                counts[1] += 1
    return TeamFigures(
        manager=facts.manager, cadence=cfg.cadence.text, period_days=period_days(cfg), reps=len(facts.meetings),
        held_4wk=windows["4wk"][0], expected_4wk=windows["4wk"][1],
        held_13wk=windows["13wk"][0], expected_13wk=windows["13wk"][1],
        hours_this_month=round(sum(h.hours_this_month for h in health), 2),
        hours_last_month=round(sum(h.hours_last_month for h in health), 2),
        hours_target=cfg.coaching_hours_target,
        reps_under_target_last_month=sum(h.hours_last_month < h.hours_target for h in health),
        reps_overdue=sum(needs_meeting(h) for h in health),
        kept_on_time=facts.kept_on_time, kept_late=facts.kept_late, done_date_unknown=facts.done_date_unknown,
        reps_on_track=facts.verdicts["on_track"], reps_behaviour=facts.verdicts["behaviour"],
        reps_skill=facts.verdicts["skill"], reps_no_figures=facts.verdicts["no_figures"],
        on_target=cfg.diagnosis.on_target, newest_note=newest, kpis=facts.kpis,
        periods=[[start, end, held, due] for (start, end), (held, due) in sorted(periods.items())],
    )


def team_figures(book, today: dt.date) -> TeamFigures:
    """The figures of one notebook as of ``today``: notes dated after it are left out, as
    ``report`` leaves them out."""
    return figures_on(team_facts(book, today), book.config, today)


# ------------------------------------------------------------ across teams ---

def shared_kpis(teams: list[TeamFigures]) -> list[str]:
    """The KPIs every notebook tracks, of the same kind (output or input), in the first one's order."""
    if not teams:
        return []
    first = teams[0].kpis
    return [name for name, spec in first.items()
            if all(name in t.kpis and t.kpis[name]["kind"] == spec["kind"] for t in teams[1:])]


def kpis_not_shared(named: list[tuple[str, TeamFigures]]) -> dict[str, dict[str, list[str]]]:
    """Each KPI not in :func:`shared_kpis`: its kind -> the notebooks tracking it so
    (a KPI missing from a notebook, or an output in one and an input in another)."""
    shared = set(shared_kpis([t for _, t in named]))
    found: dict[str, dict[str, list[str]]] = {}
    for name, team in named:
        for kpi, spec in team.kpis.items():
            if kpi not in shared:
                found.setdefault(kpi, {}).setdefault(spec["kind"], []).append(name)
    return found


def settings_that_differ(named: list[tuple[str, TeamFigures]]) -> dict[str, dict]:
    """The settings that change what a figure means, where the notebooks differ:
    setting -> {value: [notebook names]} (cadence, coaching_hours_target, on_target)."""
    differ = {}
    for setting in ("cadence", "hours_target", "on_target"):
        values: dict = {}
        for name, team in named:
            values.setdefault(getattr(team, setting), []).append(name)
        if len(values) > 1:
            differ[setting] = values
    return differ


def total(teams: list[TeamFigures]) -> TeamFigures:
    """The teams added up: counts summed, rates of the sums, the newest note of all, the
    shared KPIs only; a setting (target, cadence) only when every team has the same."""
    def common(attr):
        values = {getattr(t, attr) for t in teams}
        return values.pop() if len(values) == 1 else None

    shared = shared_kpis(teams)
    kpis = {}
    for name in shared:
        kpis[name] = {"kind": teams[0].kpis[name]["kind"], "label": teams[0].kpis[name]["label"],
                      "on_goal": sum(t.kpis[name]["on_goal"] for t in teams),
                      "with_figure": sum(t.kpis[name]["with_figure"] for t in teams)}
    summed = ("reps", "held_4wk", "expected_4wk", "held_13wk", "expected_13wk",
              "reps_under_target_last_month", "reps_overdue", "kept_on_time", "kept_late", "done_date_unknown",
              "reps_on_track", "reps_behaviour", "reps_skill", "reps_no_figures")
    return TeamFigures(
        manager="", cadence=common("cadence"), period_days=common("period_days"),
        hours_this_month=round(sum(t.hours_this_month for t in teams), 2),
        hours_last_month=round(sum(t.hours_last_month for t in teams), 2),
        hours_target=common("hours_target"), on_target=common("on_target"),
        newest_note=max((t.newest_note for t in teams if t.newest_note), default=None),
        kpis=kpis, **{attr: sum(getattr(t, attr) for t in teams) for attr in summed})
