"""``onenotes new``: the next meeting's agenda for a rep, written once and atomically.

What the agenda shows is :func:`onenotes.views.agenda.build_context`; here, the
note is made: the rep, the date and the file name chosen, the template rendered
(:mod:`onenotes.views.templates`), the note read back to prove it holds what it
was given, and written where no file is.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from onenotes.errors import (BadInputError, NoteError, NoteExistsError, Problem, RefusedError, TemplateError,
                             WriteError)
from onenotes.reading.files import write_new_file
from onenotes.views.agenda import build_context
from onenotes.reading.note import Note, parse_note, split_frontmatter
from onenotes.reading.privacy import private_lines
from onenotes.reading.config_file import read_options
from onenotes.reading.layout import check_slug, slugify
from onenotes.reading.notebook import Notebook
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


def _verify(text: str, rel: str, rep: str, date: dt.date, seq: int, context: dict,
            book: Notebook) -> Note:
    """Parse the rendered note back; it must hold what it was given."""
    try:
        note = parse_note(text, rel, rep, date, seq, read_options(book.config))
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
    rep, created_rep = _rep_of_note(book, rep_input, add)
    check_notes_read(book, rep)
    if date is None:
        date = _next_meeting_date(book, rep, today)
    folder = book.root / rep
    seq, name = _free_name(folder, date, another)
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
    path, rel = _write_exclusively(book, rep, date, seq, name, text, another)
    return NewNote(path, rel, rep, date, text, created_rep)


def _rep_of_note(book: Notebook, rep_input: str, add: bool) -> tuple[str, bool]:
    """(the rep's slug, whether their folder is new): a rep of the notebook, or with
    ``add`` a new one, named from ``rep_input``."""
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
    return rep, created_rep


def _next_meeting_date(book: Notebook, rep: str, today: dt.date) -> dt.date:
    """The date of the rep's next meeting, by the cadence, after their last note."""
    notes = book.notes_of(rep)
    last = notes[-1].date if notes else None
    try:
        return next_meeting(last, today, book.config.cadence, book.config.meeting_day)
    except OverflowError:
        raise BadInputError(f"cannot date the meeting after {last}; give one with --date") from None


def _free_name(folder: Path, date: dt.date, another: bool) -> tuple[int, str]:
    """(the note's number that day, its file name): the day's first, or with ``another``
    the first free one; refused when the day's note exists and ``another`` is not set."""
    seq = 1
    name = f"{date.isoformat()}.md"
    if another:
        while (folder / name).exists():
            seq += 1
            name = f"{date.isoformat()}-{seq}.md"
    elif (folder / name).exists():
        raise NoteExistsError(f"{folder / name} already exists; it was not changed",
                              hint="pick another --date, or use --another for a second meeting that day")
    return seq, name


def _write_exclusively(book: Notebook, rep: str, date: dt.date, seq: int, name: str, text: str,
                       another: bool) -> tuple[Path, str]:
    """Write the note into the rep's own folder (never through a link), never over a file:
    (its path, its path relative to the notebook).  With ``another``, a name another
    process took since it was chosen moves the note to the next number."""
    folder = book.root / rep
    rel = f"{rep}/{name}"
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
    return path, rel
