"""Diagnosis, the way a sales coach reads a scorecard: outputs first, then inputs.

* Outputs on goal: the inputs need only a light look ("on_track").
* Outputs short and inputs short: a behaviour problem, not enough activity
  ("behaviour").
* Outputs short although the inputs are on goal: a skill problem, a coaching
  or training topic ("skill").
* Outputs short in ``consistent`` of the last ``lookback`` meetings: go
  through the funnel in detail (``consistent`` is true).

Thresholds come from ``diagnosis:`` in onenotes.yaml.  The coaching questions
that go with a diagnosis are chosen in :mod:`onenotes.rules.questions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from onenotes.rules.config import Config
from onenotes.rules.kpis import reading, scorecard
from onenotes.text import plural

if TYPE_CHECKING:  # (types only: the rules read no files)
    from onenotes.reading.notebook import Notebook
    from onenotes.reading.note import Note

VERDICTS = ("on_track", "behaviour", "skill", "no_figures")


@dataclass
class Diagnosis:
    rep: str
    verdict: str  # one of VERDICTS
    summary: str
    outputs_on_track: bool | None
    consistent: bool  # outputs missed in most recent meetings: dig into the funnel
    outputs_short: list[str] = field(default_factory=list)  # KPI names
    inputs_short: list[str] = field(default_factory=list)
    inputs_on_target: list[str] = field(default_factory=list)
    misses: int = 0  # of the last `meetings` meetings, those where an output missed its goal
    meetings: int = 0


def _missed(config: Config, note: Note, kpi: str, on_target: float) -> bool:
    """The KPI's figure in ``note`` missed the goal of that same note."""
    got = reading(config, note, kpi).attainment
    return got is not None and got < on_target


def diagnose(book: Notebook, rep: str) -> Diagnosis:
    rules = book.config.diagnosis
    rows = scorecard(book, rep, last=rules.lookback)
    # Derived KPIs (ratios) describe efficiency, not effort: they inform, but
    # the behaviour-or-skill call is made on the recorded outputs and inputs.
    derived = {name for name, k in book.config.kpis.items() if k.derived}
    rows = [r for r in rows if r.kpi not in derived]
    outputs = [r for r in rows if r.kind == "output" and r.attainment is not None]
    inputs = [r for r in rows if r.kind == "input" and r.attainment is not None]
    outputs_short = [r.kpi for r in outputs if r.attainment < rules.on_target]
    inputs_short = [r.kpi for r in inputs if r.attainment < rules.on_target]
    inputs_ok = [r.kpi for r in inputs if r.attainment >= rules.on_target]
    # Consistently: in enough of the recent meetings, some output missed that meeting's goal.
    recent = book.notes_of(rep)[-rules.lookback:] if rows else []
    meetings = len(recent)
    misses = sum(1 for note in recent
                 if any(_missed(book.config, note, r.kpi, rules.on_target) for r in outputs))
    consistent = bool(outputs_short) and misses >= rules.consistent
    labels = {r.kpi: r.label for r in rows}
    names = lambda keys: ", ".join(labels[k] for k in keys)  # noqa: E731
    if not outputs:
        verdict, on_track = "no_figures", None
        summary = "No output figures recorded yet."
    elif not outputs_short:
        verdict, on_track = "on_track", True
        summary = "Outputs are on goal: a light look at the inputs is enough."
    elif inputs_short:
        verdict, on_track = "behaviour", False
        summary = (f"Outputs short ({names(outputs_short)}) and activity short "
                   f"({names(inputs_short)}): a behaviour problem. Dig into the inputs.")
    else:
        verdict, on_track = "skill", False
        summary = (f"Outputs short ({names(outputs_short)}) although the activity is on goal: "
                   "a skill problem, a coaching or training topic.")
    if consistent:
        summary += (f" Missed in {misses} of the last {plural(meetings, 'meeting')}: go through the funnel "
                    "in detail.")
    return Diagnosis(rep, verdict, summary, on_track, consistent, outputs_short, inputs_short,
                     inputs_ok, misses, meetings)
