"""``onenotes new``: the next meeting's agenda for a rep, written once and atomically."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from onenotes.errors import (BadInputError, NoteError, NoteExistsError, Problem, RefusedError, TemplateError,
                             WriteError)
from onenotes.reading.files import write_new_file
from onenotes.rules.diagnosis import diagnose
from onenotes.views.agenda import agenda_questions, note_body, open_help_requests, upcoming_calls
from onenotes.rules.kpis import goal_for_figure, scorecard
from onenotes.rules.commitments import build_ledger, open_commitments
from onenotes.reading.note import Metric, Note, parse_note, split_frontmatter
from onenotes.reading.privacy import private_lines
from onenotes.reading.notebook import Notebook, check_slug, slugify
from onenotes.reading.places import link_leads_phrase, link_on_the_way, link_refusal, open_folder
from onenotes.views.templates import NOT_NOTES, render
from onenotes.rules.schedule import next_meeting

# --another gives up after this many notes on one day (racing writers included).
MAX_SAME_DAY = 1000


@dataclass(frozen=True)
class NewNote:
    path: Path  # where the note was written
    rel: str  # relative to the notebook
    rep: str
    date: dt.date
    text: str
    created_rep: bool  # a new rep folder was made (--add)


_REVIEW_ID = re.compile(r"[^\[\]\s](?:[^\[\]\n]{0,98}[^\[\]\s])?")


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
    kpis = []
    for row in rows:
        goal = goal_for_figure(cfg, rep, row.kpi)  # the goal for this meeting
        kpis.append({
            "name": row.kpi, "label": row.label, "kind": row.kind, "unit": row.unit, "better": row.better,
            "derived": cfg.kpis[row.kpi].derived, "goal": goal,
            "last_actual": row.latest, "last_date": row.latest_date, "last_goal": row.goal,
            "attainment": row.attainment, "goal_changed": goal != row.goal,
            "period": row.period, "confidence": row.confidence, "confidence_date": row.confidence_date,
        })
    ledger = [e for e in open_commitments(build_ledger(book.notes)) if e.rep == rep]
    ledger = [e for e in ledger if e.since is None or e.since <= date]
    commitments = [{
        # An unreadable due date is carried as the text that was written.
        "id": e.id, "text": e.text, "owner": e.owner, "due": e.due or e.due_raw, "since": e.since,
        "source": e.source, "overdue": e.days_overdue(date) > 0,
        "days_overdue": e.days_overdue(date), "times_carried": e.times_carried,
        "slips": len(e.slips), "escalate": e.times_carried >= cfg.escalate_after,
        "private": e.private, "parent": e.parent, "label": e.label, "reviewable": reviewable(e.id, e.label),
    } for e in ledger]
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
        # Carried from the last note's body (onenotes/carry.py says what and how).
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


def _verify(text: str, rel: str, rep: str, date: dt.date, seq: int, context: dict,
            book: Notebook) -> Note:
    """Parse the rendered note back; it must hold what it was given."""
    try:
        note = parse_note(text, rel, rep, date, seq, book.config.read_options)
    except NoteError as exc:
        raise TemplateError(f"the template produced a note that cannot be read back: "
                            f"{exc.problem.message} (line {exc.problem.line})") from None
    # A carried commitment keeps what its source note says, mistakes included
    # (an unknown owner, an unreadable date): `check` reports them at the source.
    carried_codes = ("commitment-owner", "commitment-text", "commitment-date", "commitment-status")
    errors = [p for p in note.problems if p.severity == "error" and p.code not in carried_codes]
    if errors:
        raise TemplateError(f"the template produced a note with errors: line {errors[0].line}: "
                            f"{errors[0].message}")
    got = {m.id: m for m in note.mentions if m.origin == "frontmatter"}
    for c in context["commitments"]:
        m = got.get(c["id"])
        due = None if m is None else (m.due_raw if isinstance(c["due"], str) else m.due)
        if m is None or (m.text, m.owner, due, m.status) != (c["text"], c["owner"], c["due"], "open") \
                or (c["private"] and not m.private) or m.parent != c["parent"]:
            raise TemplateError(f"the template did not carry commitment {c['id']!r} into the "
                                "frontmatter intact; every open commitment must be written back"
                                + (" with 'private: true'" if c["private"] else ""))
    # A review item the template wrote reads back as that commitment's, still open.
    reviewed = {m.id for m in note.mentions if m.origin == "body" and m.id in got and m.status == "open"}
    for c in context["commitments"]:
        if f"[id:: {c['id']}]" in text and c["id"] not in reviewed:
            raise TemplateError(f"the review item of commitment {c['id']!r} does not read back as a "
                                "task with its id; list it as '- [ ] text [id:: ID]' on a line of its own")
    # A private commitment's text stays in the note's private parts (share leaves them out).
    secret = [m for m in note.mentions if m.origin == "body" and m.id in got and got[m.id].private]
    if secret:
        parts = split_frontmatter(text)
        lines = private_lines(parts[1] if parts else text)
        for m in secret:
            if lines is None or m.line - note.body_line not in lines:
                raise TemplateError(f"the template listed the private commitment {m.id!r} outside a "
                                    f"private part (line {m.line}); list private_commitments under a "
                                    "'## Private' heading")
    if note.coaching_plan != {k: str(v) for k, v in context["coaching_plan"].items()} or \
            note.behaviour_plan != context["behaviour_plan"]:
        raise TemplateError("the template did not carry the coaching and behaviour plans into "
                            "the frontmatter intact")
    return note


class NotesNotRead(RefusedError):
    """No agenda for a rep whose notes were not all read; ``problems`` says what was not."""

    def __init__(self, message: str, *, hint: str | None = None, problems: list[Problem] = ()):
        super().__init__(message, hint=hint)
        self.problems = list(problems)


def check_notes_read(book: Notebook, rep: str) -> None:
    """Refuse to write an agenda for ``rep`` unless every note of theirs was read whole
    (:meth:`Notebook.notes_not_read`): the agenda carries every open commitment, and one
    in a note that was not read would be left behind without a word."""
    if link_on_the_way(book.folder, rep):  # the rep's folder: not read, and no place to write
        raise link_refusal(book.folder, rep, folder=True)
    unread = book.notes_not_read(rep)
    if not unread:
        return
    first = unread[0]
    shown = first.path if first.path.endswith(".md") else first.path + "/"
    if first.code == "symlink":
        what = f"is a symbolic link {link_leads_phrase(book.folder, first.path)}, not read"
    else:
        why = first.message.removeprefix("cannot read folder: ").removeprefix("cannot read: ")
        what = f"cannot be read ({f'line {first.line}: ' if first.line else ''}{why})"
    listed = f"; `onenotes check` lists all {len(unread)}" if len(unread) > 1 else \
        "; `onenotes check` says what is wrong"
    raise NotesNotRead(f"cannot write the next agenda: {shown} {what}; fix it first",
                       hint="an agenda carries every open commitment of the rep's notes" + listed,
                       problems=unread)


def create_note(book: Notebook, rep_input: str, *, today: dt.date, date: dt.date | None = None,
                template: str | None = None, add: bool = False, another: bool = False,
                figures: dict[str, int | float] | None = None, finish=None, write: bool = True,
                prep: dict | None = None) -> NewNote:
    """Render and write the next note for a rep.  Never overwrites anything.

    ``figures`` (KPI -> actual) are the note's own figures, when it is created
    with them: the template renders with them as the latest figures
    (:func:`build_context`).  ``finish(text, note) -> text``, when given,
    changes the rendered and checked text before it is written
    (``import-metrics`` writes those figures into the frontmatter); it must
    check its own result.  With ``write=False`` nothing is written (a dry run).
    ``prep`` goes into the template's context (:func:`build_context`).
    """
    created_rep = False
    try:
        rep = book.resolve(rep_input)
        check_slug(rep)  # a slug from onenotes.yaml too: never a path out of the notebook
    except RefusedError:
        if not add:
            raise
        rep = slugify(check_slug(rep_input))
        if not rep:
            raise BadInputError(f"{rep_input!r} has no letters or digits to name a rep folder") from None
        check_slug(rep)  # "Templates!" slugs to templates/, a folder never read as notes
        created_rep = not (book.root / rep).exists()
    check_notes_read(book, rep)
    if date is None:
        notes = book.notes_of(rep)
        last = notes[-1].date if notes else None
        try:
            date = next_meeting(last, today, book.config.cadence, book.config.meeting_day)
        except OverflowError:
            raise BadInputError(f"cannot date the meeting after {last}; give one with --date") from None
    folder = book.root / rep
    seq = 1
    name = f"{date.isoformat()}.md"
    if another:
        while (folder / name).exists():
            seq += 1
            name = f"{date.isoformat()}-{seq}.md"
    elif (folder / name).exists():
        raise NoteExistsError(f"{folder / name} already exists; it was not changed",
                              hint="pick another --date, or use --another for a second meeting that day")
    rel = f"{rep}/{name}"
    name_of_template = book.config.template if template is None else template
    if name_of_template in NOT_NOTES:
        raise TemplateError(f"{name_of_template!r} is not a note template")
    context = build_context(book, rep, date, today, figures, seq, prep)
    text = render(book.config.template if template is None else template, context,
                  book.root / "templates")
    note = _verify(text, rel, rep, date, seq, context, book)
    if finish is not None:
        text = finish(text, note)
    if not write:
        return NewNote(folder / name, rel, rep, date, text, created_rep)
    try:
        folder_fd = open_folder(book.root, rep, create=True)  # the rep's own folder, not a link
    except OSError as exc:
        raise WriteError(f"cannot create the rep folder {folder}: {exc.strerror}") from None
    try:
        while True:
            try:
                path = write_new_file(folder, name, text, dir_fd=folder_fd)
                break
            except FileExistsError:
                if not another or seq >= MAX_SAME_DAY:
                    raise NoteExistsError(f"{folder / name} already exists; it was not changed",
                                          hint="pick another --date, or use --another for a second "
                                               "meeting that day") from None
                # Another process took that name since we looked: take the next one
                # (the text does not depend on the number).
                seq += 1
                name = f"{date.isoformat()}-{seq}.md"
                rel = f"{rep}/{name}"
            except OSError as exc:
                raise WriteError(f"cannot write {folder / name}: {exc.strerror or exc}") from None
    finally:
        if folder_fd is not None:
            os.close(folder_fd)
    return NewNote(path, rel, rep, date, text, created_rep)
