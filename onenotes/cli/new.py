"""``onenotes new REP``: write the next one-on-one agenda."""

from __future__ import annotations

import os

import click

from onenotes.cli.common import cli_date, complete_rep, open_notebook, today, warn
from onenotes.changes.editor import editor_command, run_editor
from onenotes.rules.kpis import FIGURE_CODES
from onenotes.changes.new import NotesNotRead, create_note
from onenotes.errors import BadInputError
from onenotes.reading.prep_form import PrepFormProblems
from onenotes.text import plural


@click.command("new")
@click.argument("rep", shell_complete=complete_rep)
@click.option("--date", "date_text", metavar="DATE",
              help="Meeting date, YYYY-MM-DD (default: the next meeting by the cadence, not before today).")
@click.option("--template", metavar="NAME",
              help="Template name (default: the notebook's 'template' setting, else one-on-one).")
@click.option("--edit", is_flag=True, help="Open the new note in $EDITOR.")
@click.option("--add", is_flag=True, help="REP is a new rep: create their folder.")
@click.option("--another", is_flag=True,
              help="A note for that date exists: write YYYY-MM-DD-2.md (a second meeting that day).")
@click.option("--prep", "prep_file", metavar="FILE", type=click.Path(allow_dash=True),  # (the shell completes files)
              help="The rep's filled-in prep form (`onenotes prep`; - reads stdin): their figures, "
                   "answers and what they say of their commitments go into the agenda.")
@click.option("--today", "today_text", metavar="DATE", hidden=True,
              help="Pretend today is DATE (for scripts and tests).")
@click.pass_context
def command(ctx, rep, date_text, template, edit, add, another, prep_file, today_text):
    """Write the next one-on-one agenda for REP from a template.

    The note carries forward REP's open commitments and last KPI figures.
    It is written as REP/YYYY-MM-DD.md and never overwrites a file; the path
    is printed on stdout.
    """
    book = open_notebook(ctx)
    now = today(book.config, today_text)
    date = cli_date(date_text, now, "--date") if date_text else None
    try:
        if prep_file is not None:
            result = _with_prep(book, rep, prep_file, now, date, template, add, another)
        else:
            result = create_note(book, rep, today=now, date=date, template=template, add=add, another=another)
    except (NotesNotRead, PrepFormProblems) as exc:
        warn(exc.problems)  # each with its file and line, as the reading commands say it
        raise
    # What was not read in this rep's folder (a note that could not be read stops the agenda).
    warn([p for p in book.problems if p.path.startswith(result.rep + "/")])
    # And one whose figures could not be read: the agenda's numbers have a gap there.
    warn([p for n in book.notes if n.rep == result.rep for p in n.problems
          if p.code.startswith(("commitment-",) + FIGURE_CODES) and p.severity == "error"])
    if result.created_rep:
        click.echo(f"onenotes: new rep folder {result.rep}/ "
                   "(add their display name under 'reps' in onenotes.yaml)", err=True)
    click.echo(str(result.path))
    if edit:
        # $VISUAL, $EDITOR or the 'editor' setting, never run through a shell (as in `edit`).
        run_editor(*editor_command(os.environ, book.config), result.path)


def _with_prep(book, rep, prep_file, now, date, template, add, another):
    """``--prep``: the agenda with the rep's form read into it (onenotes.changes.prep)."""
    from onenotes.changes.prep import new_with_prep

    if add:
        raise BadInputError("--add and --prep do not go together: a new rep has no prep form yet")
    result, form = new_with_prep(book, rep, prep_file, today=now, date=date, template=template, another=another)
    said = [plural(len(form.actuals), "figure"), plural(len(form.wins) + len(form.help) + len(form.calls), "answer"),
            plural(len(form.confidence), "confidence rating"), plural(len(form.updates), "commitment update")]
    click.echo(f"onenotes: from the prep form: {', '.join(said)}", err=True)
    return result
