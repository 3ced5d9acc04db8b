"""What the prep form for a rep's meeting holds (:func:`form_spec`), as the notebook stands.

The KPIs a note records (not the derived ones), outputs first, each with the
goal for that meeting (the rep's own in ``onenotes.yaml``, else the KPI's); the
rep's own open commitments made by then, private ones left out, each with a
key (``C1``) the form's heading and frontmatter share.  :mod:`onenotes.views.prep`
writes the form from it and :mod:`onenotes.reading.prep_form` reads one back
against it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass

from onenotes.rules.commitments import Entry
from onenotes.rules.config import Config
from onenotes.rules.schedule import next_meeting


@dataclass(frozen=True)
class KpiRow:
    """A KPI's line on the form: ``- Revenue in USD (goal 25000):``."""

    name: str
    label: str
    unit: str | None
    goal: int | float | None
    period: str | None
    better: str

    @property
    def prefix(self) -> str:
        """The line's words before the colon (the figure goes after it)."""
        shown = self.unit and self.unit.casefold() not in self.label.casefold().split()
        unit = f" in {self.unit}" if shown else ""  # (not "Gross profit % in %")
        if self.goal is None:
            return f"{self.label}{unit} (no goal)"
        goal = plain_number(self.goal)
        return (f"{self.label}{unit} (goal {'at most ' if self.better == 'lower' else ''}{goal}"
                f"{' a ' + self.period if self.period else ''})")


@dataclass(frozen=True)
class FormItem:
    """One of the rep's open commitments on the form, under the heading ``### KEY. title``."""

    key: str
    id: str
    title: str


@dataclass(frozen=True)
class FormSpec:
    """What the form for ``rep``'s meeting on ``date`` holds, as the notebook stands."""

    rep: str
    name: str  # the rep's display name
    date: dt.date
    kpis: tuple[KpiRow, ...]
    items: tuple[FormItem, ...]
    entries: tuple[Entry, ...]  # every commitment of the rep (to tell a closed one from an unknown one)
    date_formats: tuple[str, ...] = ()
    written: dict = dataclasses.field(default_factory=dict)  # date -> the rep's note of that day

    @property
    def goals(self) -> tuple[KpiRow, ...]:
        """The KPIs the rep says how sure they are of: those with a goal."""
        return tuple(k for k in self.kpis if k.goal is not None)

    @property
    def kpi_set(self) -> str:
        """A short checksum of the KPIs, their labels, units and goals: a form made for
        others is refused."""
        data = sorted([k.name, k.label, k.unit, k.goal, k.period, k.better] for k in self.kpis)
        return hashlib.sha256(json.dumps(data, default=str).encode("utf-8")).hexdigest()[:8]


def plain_number(value: int | float) -> str:
    """A goal as the form writes it and a rep types a figure: ``25000``, ``27.5``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def item_title(entry: Entry) -> str:
    """A commitment as its heading on the form shows it: its words and its due date."""
    text = " ".join("".join(ch for ch in entry.label if unicodedata.category(ch)[0] != "C").split())
    due = entry.due.isoformat() if entry.due else entry.due_raw
    return f"{text} ({'due ' + due if due else 'no due date'})"


def next_meeting_date(book, rep: str, today: dt.date) -> dt.date:
    """The rep's next meeting, as ``onenotes new`` dates it: after their latest note by the
    cadence, never before today."""
    notes = book.notes_of(rep)
    return next_meeting(notes[-1].date if notes else None, today, book.config.cadence,
                        book.config.meeting_day)


def form_spec(book, rep: str, date: dt.date) -> FormSpec:
    """The form for ``rep``'s meeting on ``date``: every KPI a note records (not the
    derived ones), outputs first, with the goal for that meeting (the rep's own, else the KPI's),
    and the rep's own open commitments made by then, private ones left out."""
    from onenotes.rules.commitments import build_ledger

    cfg: Config = book.config
    recorded = [(name, k) for name, k in cfg.kpis.items() if not k.derived]
    recorded.sort(key=lambda item: item[1].kind != "output")  # outputs first, as the agenda has them
    kpis = tuple(KpiRow(name, k.title, k.unit or None, cfg.goal_for(rep, name), k.period, k.better)
                 for name, k in recorded)
    entries = tuple(e for e in build_ledger(book.notes_of(rep)) if e.rep == rep)
    shown = [e for e in entries if _on_the_form(e, date)]
    items = tuple(FormItem(f"C{i}", e.id, item_title(e)) for i, e in enumerate(shown, 1))
    written = {n.date: n.path for n in book.notes_of(rep)}
    return FormSpec(rep, book.rep_name(rep), date, kpis, items, entries, tuple(cfg.date_formats), written)


def _on_the_form(entry: Entry, date: dt.date) -> bool:
    return entry.status == "open" and entry.owner == "rep" and not entry.private and \
        (entry.since is None or entry.since <= date)
