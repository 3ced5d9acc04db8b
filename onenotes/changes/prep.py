"""``onenotes new REP --prep FILE``: the next agenda, with what the rep wrote on their prep form.

The form is read whole against the notebook first (:func:`onenotes.reading.prep_form.read_prep_form`):
any problem refuses it, with every problem listed by line, and nothing is written.
Then the agenda is made as ``new`` makes it, with

* the rep's figures as this meeting's own: written into ``metrics`` (only the
  ``actual`` of each, as ``import-metrics`` does) and read by the agenda's
  table and diagnosis;
* the ``prep`` value in the template's context (:func:`onenotes.views.prep.agenda_prep`):
  the rep's wins, help requests and calls, their confidence per goal, and per
  commitment "rep says done" or "rep proposes new date D" beside its review
  item. No commitment is closed or moved: the manager confirms each in the
  meeting.

The rep's words reach nothing but the new agenda's body, as plain text
(:func:`onenotes.views.prep.neutral`); the rendered note is checked for it
before it is written: every point the rep wrote is there, none of them on a
line that reads as a task, and the template read every part of ``prep`` that
holds something.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from onenotes.changes.import_metrics.metrics_lines import with_figures
from onenotes.changes.new import NewNote, check_notes_read, create_note
from onenotes.errors import BadInputError, NoteExistsError, TemplateError
from onenotes.reading.config_file import read_options
from onenotes.reading.files import read_bytes
from onenotes.reading.layout import check_slug
from onenotes.reading.notebook import Notebook
from onenotes.reading.note import Note
from onenotes.reading.prep_form import PrepForm, read_prep_form
from onenotes.reading.prep_spec import form_spec, next_meeting_date
from onenotes.reading.prep_layout import MAX_FORM_BYTES, decode_form
from onenotes.views.prep import agenda_prep


def load_form(path: str) -> tuple[str, str]:
    """(the form's text with ``\\n`` line ends, the name to report it by); ``-`` reads stdin.
    :class:`BadInputError` when it cannot be read as text."""
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_FORM_BYTES + 1)
            if len(data) > MAX_FORM_BYTES:
                raise ValueError("too large")
        else:
            data = read_bytes(os.path.realpath(path), MAX_FORM_BYTES)
    except ValueError:
        raise BadInputError(f"{name} is over {MAX_FORM_BYTES // 1024} KiB; a prep form is a few KiB: "
                            "is it the right file?") from None
    except OSError as exc:
        raise BadInputError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        return decode_form(data, name), name
    except ValueError as exc:
        raise BadInputError(f"{exc}", hint="save the form as plain text (UTF-8)") from None


class _Watched(dict):
    """The ``prep`` value: notes which of its parts the template read."""

    def __init__(self, value: dict):
        super().__init__(value)
        self.read: set = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)


def new_with_prep(book: Notebook, rep_input: str, form_path: str, *, today: dt.date,
                  date: dt.date | None = None, template: str | None = None,
                  another: bool = False) -> tuple[NewNote, PrepForm]:
    """Read the form, then write the agenda with it; nothing is written unless both work."""
    rep = book.resolve(rep_input)
    check_slug(rep)
    check_notes_read(book, rep)  # (the form's commitments are checked against every note)
    if date is None:
        date = next_meeting_date(book, rep, today)
    spec = form_spec(book, rep, date)
    text, name = load_form(form_path)
    form = read_prep_form(text, name, spec)
    prep = _Watched(agenda_prep(form, spec))
    figures = dict(form.actuals)

    def finish(text: str, note: Note) -> str:
        _check_shown(text, note, prep, template or book.config.template)
        if not figures:
            return text
        return with_figures(text, note, figures, read_options(book.config))

    try:
        made = create_note(book, rep, today=today, date=date, template=template, another=another,
                           figures=figures or None, finish=finish, prep=prep)
    except NoteExistsError as exc:
        rel = f"{rep}/{date.isoformat()}.md"
        raise NoteExistsError(exc.message, hint=f"a prep form goes into a new agenda only: if nothing is written "
                              f"in {rel} yet, delete it and run this again; or use --another for a second "
                              "meeting that day") from None
    return made, form


_PARTS = ("wins", "help", "calls", "confidence", "updates")


def _check_shown(text: str, note: Note, prep: _Watched, template: str) -> None:
    """The agenda shows what the form brought, as text: the template read each part
    that holds something, each point the rep wrote stands on a line of its own, and
    no such line reads as a task (a commitment made or closed by the rep's words)."""
    unread = [part for part in _PARTS if dict.get(prep, part) and part not in prep.read]
    if unread:
        raise TemplateError(f"the template {template!r} does not show the rep's prep form "
                            f"({', '.join(unread)} left out); nothing was written",
                            hint="use it without --prep, or show `prep` in it (docs/templates.md)")
    lines = text.split("\n")
    tasks = {m.line for m in note.mentions if m.origin == "body"}
    for part in ("wins", "help", "calls"):
        for point in dict.get(prep, part):
            found = [i + 1 for i, line in enumerate(lines) if line.rstrip().endswith(point)]
            if not found:
                raise TemplateError(f"the template {template!r} left out a point of the rep's prep form "
                                    f"({part}: {point[:40]!r}); nothing was written",
                                    hint="write each one on a line of its own: `- {{ point | inline }}`")
            if any(number in tasks for number in found):  # pragma: no cover - neutral() escapes tasks
                raise TemplateError(f"a point of the rep's prep form reads as a task ({point[:40]!r}); "
                                    "nothing was written")
