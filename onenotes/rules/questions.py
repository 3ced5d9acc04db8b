"""Coaching questions for the next one-on-one, chosen from the situation.

The questions are the manager's, kept in ``coaching_questions:`` in
onenotes.yaml; onenotes never invents one.  Each list of questions is filed
under the situation it is for:

* ``slipping``: one of the rep's open commitments keeps slipping (its due date
  moved at least twice, or it is overdue and has been on the agenda three
  times or more).  Placeholders: ``{commitment}``, ``{slips}``, ``{times}``.
* ``consistent``: in most of the recent meetings some output missed its goal
  (the diagnosis' pattern).  Placeholders: ``{misses}`` (those meetings),
  ``{meetings}``, ``{kpis}`` (the outputs short at their last figure: not
  necessarily those that missed each time, so word the question accordingly).
* a KPI's name: that KPI missed its goal at its last figure.  Placeholders:
  ``{kpi}``, ``{actual}``, ``{goal}``, ``{attainment}``, ``{gap}``.
* ``on_track``, ``behaviour``, ``skill``: the diagnosis' verdict.

The most specific situation comes first: the slipping commitment, then the
pattern, then the KPIs that missed (outputs first, the largest shortfall
first), then the verdict.  A question asked in one of the rep's last three
meetings (its wording found in those notes, whatever figures filled it) is
not asked again, unless nothing else applies: then the one asked longest ago.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from onenotes.text import format_number, format_percent

RECENT_MEETINGS = 3  # a question asked in this many last meetings is not repeated
MAX_QUESTIONS = 3  # questions an agenda asks

VERDICT_KEYS = ("on_track", "behaviour", "skill")
SITUATION_KEYS = ("slipping", "consistent")
PLACEHOLDERS = {
    "slipping": ("commitment", "slips", "times"),
    "consistent": ("kpis", "misses", "meetings"),
    "kpi": ("kpi", "actual", "goal", "attainment", "gap"),
}
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def placeholders_allowed(key: str, kpi_names) -> tuple[str, ...]:
    """The placeholders a question filed under ``key`` may use."""
    if key in SITUATION_KEYS:
        return PLACEHOLDERS[key]
    if key in VERDICT_KEYS:
        return ()
    return PLACEHOLDERS["kpi"] if key in kpi_names else ()


def unknown_placeholders(question: str, allowed: tuple[str, ...]) -> list[str]:
    """The ``{...}`` of ``question`` that its key does not fill (``{gap:>10}`` included:
    only plain names are filled)."""
    return [name for name in re.findall(r"\{([^{}]*)\}", question) if name not in allowed]


def known_key(key: str, kpi_names) -> bool:
    """Whether questions filed under ``key`` can ever be asked."""
    return key in SITUATION_KEYS or key in VERDICT_KEYS or key in kpi_names


@dataclass(frozen=True)
class Miss:
    """A KPI whose last figure missed its goal."""

    kpi: str
    label: str
    kind: str  # output or input
    actual: float | int
    goal: float | int
    attainment: float
    unit: str | None = None
    better: str = "higher"


@dataclass(frozen=True)
class Slip:
    """An open commitment of the rep that keeps slipping."""

    text: str
    slips: int  # times its due date moved
    times: int  # meetings it has been on the agenda


@dataclass(frozen=True)
class Situation:
    verdict: str  # the diagnosis' verdict
    missed: list[Miss] = field(default_factory=list)
    misses: int = 0  # meetings of the last `meetings` in which an output missed its goal
    meetings: int = 0
    consistent: bool = False
    slipping: Slip | None = None


def keeps_slipping(slips: int, times_carried: int, overdue: bool) -> bool:
    """A commitment keeps slipping when its due date moved at least twice, or when it
    is overdue and has been on the agenda three times or more."""
    return slips >= 2 or (overdue and times_carried + 1 >= 3)


def _fill(question: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), question)


def _gap(miss: Miss) -> str:
    gap = miss.goal - miss.actual if miss.better == "higher" else miss.actual - miss.goal
    return format_number(round(gap, 6), miss.unit)


def candidates(bank: dict[str, tuple[str, ...]], situation: Situation) -> list[tuple[str, str]]:
    """(question as written in the bank, question as asked), most specific first."""
    out: list[tuple[str, str]] = []
    # Outputs before inputs (the method's order), the largest shortfall first.
    ordered = sorted(situation.missed, key=lambda m: (m.kind != "output", m.attainment))
    if situation.slipping is not None:
        s = situation.slipping
        values = {"commitment": s.text, "slips": str(s.slips), "times": str(s.times)}
        out += [(q, _fill(q, values)) for q in bank.get("slipping", ())]
    if situation.consistent:
        kpis = ", ".join(m.label for m in ordered if m.kind == "output")
        values = {"kpis": kpis, "misses": str(situation.misses), "meetings": str(situation.meetings)}
        out += [(q, _fill(q, values)) for q in bank.get("consistent", ())]
    for miss in ordered:
        values = {"kpi": miss.label, "actual": format_number(miss.actual, miss.unit),
                  "goal": format_number(miss.goal, miss.unit), "attainment": format_percent(miss.attainment),
                  "gap": _gap(miss)}
        out += [(q, _fill(q, values)) for q in bank.get(miss.kpi, ())]
    out += [(q, q) for q in bank.get(situation.verdict, ())]
    seen: set[str] = set()
    unique = []
    for written, asked in out:
        if asked not in seen:
            seen.add(asked)
            unique.append((written, asked))
    return unique


def wording(question: str) -> re.Pattern:
    """A pattern finding a question as asked, whatever its placeholders were filled with
    (spacing and case aside)."""
    parts = _PLACEHOLDER.split(question)
    literal = [r"\s+".join(re.escape(word) for word in part.split()) for part in parts[0::2]]
    return re.compile(r"[\s\S]{1,200}?".join(literal), re.IGNORECASE)


def last_asked(question: str, earlier_notes: list[str]) -> int | None:
    """How many meetings back (1 = the last one) ``question`` was asked, if in ``earlier_notes``
    (the rep's notes, latest first)."""
    pattern = wording(question)
    return next((i + 1 for i, text in enumerate(earlier_notes) if pattern.search(text)), None)


def choose_questions(bank: dict[str, tuple[str, ...]], situation: Situation, earlier_notes: list[str],
                     limit: int = MAX_QUESTIONS) -> list[str]:
    """Up to ``limit`` questions for the situation, none asked in the last
    :data:`RECENT_MEETINGS` meetings unless nothing else applies.

    ``earlier_notes`` are the texts of the rep's earlier notes, latest first.
    """
    found = candidates(bank, situation)
    recent = earlier_notes[:RECENT_MEETINGS]
    when = [last_asked(written, recent) for written, _ in found]
    fresh = [asked for (_, asked), back in zip(found, when) if back is None]
    if fresh or not found:
        return fresh[:limit]
    # Everything was asked lately: the one asked longest ago (the first of those on a tie).
    oldest = max(range(len(found)), key=lambda i: (when[i], -i))
    return [found[oldest][1]]


def situation_of(diagnosis, rows, entries, date) -> Situation:
    """The situation an agenda dated ``date`` asks about, from the rep's diagnosis, scorecard
    rows (:class:`onenotes.rules.kpis.KpiRow`) and open commitments (ledger entries)."""
    short = set(diagnosis.outputs_short) | set(diagnosis.inputs_short)
    missed = [Miss(r.kpi, r.label, r.kind, r.latest, r.goal, r.attainment, r.unit, r.better)
              for r in rows if r.kpi in short and r.latest is not None and r.goal is not None
              and r.attainment is not None]
    slipping = [e for e in entries if e.status == "open" and e.owner == "rep" and not e.private
                and keeps_slipping(len(e.slips), e.times_carried, e.days_overdue(date) > 0)]
    worst = max(slipping, key=lambda e: (len(e.slips), e.times_carried), default=None)
    return Situation(
        diagnosis.verdict, missed, diagnosis.misses, diagnosis.meetings, diagnosis.consistent,
        None if worst is None else Slip(worst.label, len(worst.slips), worst.times_carried + 1))
