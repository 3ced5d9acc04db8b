"""What the next meeting's agenda shows: :func:`build_context`, everything a template
can use (docs/templates.md), for ``new``, ``import-metrics`` and ``check``.

What it carries from the body of the last meeting's note:

* The most important upcoming calls: last time's list starts this week's (the
  manager asks how each went and keeps the ones still ahead).  A list item is
  carried as written, with the items nested under it after a semicolon; a row
  of a table as a list item of its cells.
* The help requests not yet answered: the list items under "Where do you
  need help?".  A request that starts struck through (``~~...~~`` or
  ``~...~``) is answered and stays behind, with what is nested under it; a
  paragraph is a note, not a request, and stays behind too.

Never carried: tasks (they are commitments, carried by the ledger), text in a
private part, in manager-only guidance, in a comment (HTML or Obsidian's
``%%``) or in code.  When the note's private parts cannot be told apart,
nothing is carried from it.

And the coaching questions, which must not repeat what the last notes asked.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from onenotes.rules.diagnosis import Diagnosis, diagnose
from onenotes.errors import NoteError
from onenotes.rules.kpis import KpiRow, goal_for_figure, scorecard
from onenotes.rules.commitments import Entry, build_ledger, open_commitments, should_escalate
from onenotes.reading.note import MAX_NOTE_BYTES, Metric, Note, decode, has_frontmatter, split_frontmatter
from onenotes.reading.files import read_bytes
from onenotes.reading.notebook import Notebook
from onenotes.reading.privacy import shared_lines
from onenotes.rules.questions import RECENT_MEETINGS, choose_questions, situation_of

if TYPE_CHECKING:
    from onenotes.rules.config import Config

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^( *)(?:[-*+]|\d{1,9}[.)])(?:\s+(.*))?$")
_TASK = re.compile(r"^\[.\](?:\s|$)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_STRUCK = re.compile(r"(~~?)[^~\s](?:[^~]*[^~\s])?\1(?!~)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_REVIEW_ID = re.compile(r"[^\[\]\s](?:[^\[\]\n]{0,98}[^\[\]\s])?")

CALLS = r"upcoming calls"
HELP = r"need help"


def note_body(root: Path, rel: str) -> str:
    """The body of a note as it is on disk now ("" when it cannot be read)."""
    try:
        text = decode(read_bytes(root / rel, MAX_NOTE_BYTES), rel)
    except (OSError, ValueError, NoteError):  # changed or gone since it was listed
        return ""
    parts = split_frontmatter(text) if has_frontmatter(text) else None
    return parts[1] if parts else text


def _section_lines(body: str, pattern: str) -> list[int]:
    lines = body.split("\n")
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if m and re.search(pattern, m.group(2), re.I):
            level = len(m.group(1))
            out = []
            for j in range(i + 1, len(lines)):
                n = _HEADING.match(lines[j])
                if n and len(n.group(1)) <= level:
                    break
                out.append(j)
            return out
    return []


def _items(body: str, pattern: str) -> list[tuple[str, list[str]]]:
    """The list items of a section and the rows of its tables, outside private parts,
    manager-only guidance, comments and code: (the item's text on one line, the texts of
    the items nested under it).  Tasks are left out, with what is nested under them."""
    visible = shared_lines(body)
    if visible is None:
        return []
    lines = body.split("\n")
    items: list[tuple[str, list[str]]] = []
    parts: list[str] | None = None  # the lines of the item (or nested item) being read
    top: list | None = None  # [text parts, children] of the open top-level item
    skipping = False  # inside a task, or under one
    fence: str | None = None
    header_seen = False
    for i in _section_lines(body, pattern):
        line = lines[i]
        opened = _FENCE.match(line)
        if fence is not None or opened:
            if fence is None:
                fence = opened.group(1)[0] * 3
            elif line.strip().startswith(fence):
                fence = None
            parts = None
            continue
        if i not in visible:
            parts = None
            continue
        item = _ITEM.match(line)
        if item:
            indent, text = len(item.group(1)), (item.group(2) or "").strip()
            if indent < 2 or top is None:  # a new item of the list
                skipping = not text or bool(_TASK.match(text))
                top = None if skipping else [[text], []]
                parts = None if top is None else top[0]
                if top is not None:
                    items.append(top)  # type: ignore[arg-type]
            elif skipping or _TASK.match(text) or not text:
                parts = None
            else:  # an item nested under the open one: it goes with it
                parts = [text]
                top[1].append(parts)
            continue
        if line.lstrip().startswith("|"):
            parts = top = None
            skipping = False
            if _TABLE_RULE.match(line):
                header_seen = True
            elif header_seen:
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if any(cells):
                    items.append([[" · ".join(c for c in cells if c)], []])  # type: ignore[arg-type]
            continue
        if parts is not None and line.strip() and line.startswith(("  ", "\t")):
            parts.append(line.strip())
        elif line.strip():  # a paragraph: no item goes on past it
            parts = top = None
            skipping = False
        else:
            parts = None
    return [(" ".join(text), [" ".join(child) for child in children]) for text, children in items]


def _joined(item: tuple[str, list[str]]) -> str:
    text, children = item
    return "; ".join([text, *children])


def upcoming_calls(body: str) -> list[str]:
    """The calls last time's note listed, to start this week's list (what is noted under
    a call goes with it, after a semicolon)."""
    return [_joined(item) for item in _items(body, CALLS)]


def open_help_requests(body: str) -> list[str]:
    """Help the rep asked for that the note does not mark answered: a request that starts
    struck through (``~~...~~``, or ``~...~``) is answered, with what is noted under it."""
    return [_joined(item) for item in _items(body, HELP) if not _STRUCK.match(item[0])]


def agenda_questions(book: Notebook, rep: str, date: dt.date, diagnosis: Diagnosis) -> list[str]:
    """The coaching questions for the rep's meeting on ``date`` (see :mod:`onenotes.rules.questions`):
    from the rep's ``diagnosis``, scorecard and open commitments in ``book`` (as of the
    meeting, its own figures included when they are known), none asked in the rep's last
    meetings before ``date`` (read from those notes as they are on disk now)."""
    notes = [n for n in book.notes_of(rep) if n.date < date]
    earlier = [note_body(book.root, n.path) for n in reversed(notes[-RECENT_MEETINGS:])]
    rows = scorecard(book, rep, last=book.config.diagnosis.lookback)
    entries = [e for e in build_ledger(book.notes_of(rep)) if e.since is None or e.since <= date]
    situation = situation_of(diagnosis, rows, entries, date)
    return choose_questions(book.config.coaching_questions, situation, earlier)


# ------------------------------------------------------------ the context ---

def build_context(book: Notebook, rep: str, date: dt.date, today: dt.date,
                  figures: dict[str, int | float] | None = None, seq: int = 1, prep: dict | None = None) -> dict:
    """Everything a template can use (documented in docs/templates.md).

    ``figures`` (KPI -> actual) are the new note's own figures, when it is
    created with them (``import-metrics``): the agenda then describes them,
    its KPI table and diagnosis included, not the previous meeting's
    (``seq``: the new note's number that day, 2 for a second meeting).
    ``prep``: what the rep's prep form brings (:func:`onenotes.views.prep.agenda_prep`),
    or None.
    """
    cfg = book.config
    upto = book.as_of(date)  # (an agenda for a past date is not read with later figures)
    notes = upto.notes_of(rep)
    previous = notes[-1] if notes else None
    if figures:
        upto = upto.with_note(pending_note(rep, date, seq, figures))
    rows = scorecard(upto, rep)
    figures_as_of = rows[0].last_meeting if rows else None
    kpis = [kpi_context(cfg, rep, row) for row in rows]
    ledger = open_commitments(build_ledger(book.notes_of(rep)))  # (a rep's ledger is folded from their notes alone)
    ledger = [e for e in ledger if e.since is None or e.since <= date]
    commitments = [commitment_context(e, date, cfg.escalate_after) for e in ledger]
    found = diagnose(upto, rep)
    diagnosis = {**vars(found), "questions": agenda_questions(upto, rep, date, found)}
    last_body = note_body(book.root, previous.path) if previous else ""
    coaching = next((n for n in reversed(notes) if n.coaching_plan), None)
    behaviour = next((n for n in reversed(notes) if n.behaviour_plan), None)
    return {
        "rep": {"slug": rep, "name": book.rep_name(rep)},
        "manager": cfg.manager,
        "date": date,
        "today": today,
        "duration_minutes": cfg.default_duration_minutes,
        "previous": None if previous is None else {"date": previous.date, "path": previous.path},
        "kpis": kpis,
        "outputs": [k for k in kpis if k["kind"] == "output"],
        "inputs": [k for k in kpis if k["kind"] == "input"],
        "commitments": commitments,
        # The agenda lists private ones in its private part only (docs/format.md).
        "shared_commitments": [c for c in commitments if not c["private"]],
        "private_commitments": [c for c in commitments if c["private"]],
        "figures_as_of": figures_as_of,
        "diagnosis": diagnosis,
        # Carried from the last note's body (upcoming_calls and open_help_requests say what and how).
        "upcoming_calls": upcoming_calls(last_body),
        "help_requests": open_help_requests(last_body),
        # Long-lived plans: the latest ones, carried forward for review, with the date of the
        # note they come from.
        "coaching_plan": coaching.coaching_plan if coaching else {},
        "coaching_plan_date": coaching.date if coaching else None,
        "behaviour_plan": behaviour.behaviour_plan if behaviour else {},
        "behaviour_plan_date": behaviour.date if behaviour else None,
        "kpi_names": list(cfg.kpis),
        "prep": prep,  # the rep's prep form, read back (`new --prep`), or none
    }


def kpi_context(cfg: Config, rep: str, row: KpiRow) -> dict:
    """One KPI as the agenda shows it: the goal for this meeting beside the last figures."""
    goal = goal_for_figure(cfg, rep, row.kpi)  # the goal for this meeting
    return {
        "name": row.kpi, "label": row.label, "kind": row.kind, "unit": row.unit, "better": row.better,
        "derived": cfg.kpis[row.kpi].derived, "goal": goal,
        "last_actual": row.latest, "last_date": row.latest_date, "last_goal": row.goal,
        "attainment": row.attainment, "goal_changed": goal != row.goal,
        "period": row.period, "confidence": row.confidence, "confidence_date": row.confidence_date,
    }


def commitment_context(e: Entry, date: dt.date, escalate_after: int) -> dict:
    """One open commitment as the agenda for ``date`` carries it."""
    return {
        # An unreadable due date is carried as the text that was written.
        "id": e.id, "text": e.text, "owner": e.owner, "due": e.due or e.due_raw, "since": e.since,
        "source": e.source, "overdue": e.days_overdue(date) > 0,
        "days_overdue": e.days_overdue(date), "times_carried": e.times_carried,
        "slips": len(e.slips), "escalate": should_escalate(e, escalate_after, at_next_meeting=True),
        "private": e.private, "parent": e.parent, "label": e.label, "reviewable": reviewable(e.id, e.label),
    }


def reviewable(cid: str, text: str) -> bool:
    """A carried commitment can be a review item (``- [ ] text [id:: ID]``) when its id
    reads back whole from ``[id:: ...]`` and its text holds no field of its own that
    could be taken for the item's id; else the agenda lists it without a box."""
    return bool(_REVIEW_ID.fullmatch(cid)) and "::" not in text and "\U0001F194" not in text \
        and "%%" not in text  # (an Obsidian comment would hide the rest of the note)


def pending_note(rep: str, date: dt.date, seq: int, figures: dict[str, int | float]) -> Note:
    """The figures a new note will carry (``import-metrics``), as a note not written yet.

    It gives no goal of its own: its figures are measured against the goal for
    the meeting (:func:`goal_for_figure`: the rep's, else the KPI's), the one
    the template writes beside them.
    """
    name = date.isoformat() + (f"-{seq}" if seq > 1 else "")
    metrics = [Metric(kpi, value, None, 0) for kpi, value in figures.items()]
    return Note(f"{rep}/{name}.md", rep, date, seq, {}, metrics, [], 1)
