"""``onenotes prep REP``: the form a rep fills in before their one-on-one."""

from __future__ import annotations

from pathlib import Path

import click

from onenotes.changes.new import NotesNotRead, check_notes_read
from onenotes.cli.common import cli_date, complete_rep, open_notebook, today, warn
from onenotes.errors import RefusedError, WriteError
from onenotes.reading.files import write_new_file
from onenotes.reading.layout import check_slug
from onenotes.reading.prep_spec import form_spec, next_meeting_date
from onenotes.text import plural
from onenotes.views.formats import clean
from onenotes.views.prep import prep_form_text


@click.command("prep")
@click.argument("rep", shell_complete=complete_rep)
@click.option("--date", "date_text", metavar="DATE",
              help="The meeting's date, YYYY-MM-DD (default: the next meeting, as `new` dates it).")
@click.option("--out", "out", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write to FILE (a new file) instead of stdout.")
@click.option("--today", "today_text", metavar="DATE", hidden=True,
              help="Pretend today is DATE (for scripts and tests).")
@click.pass_context
def command(ctx, rep, date_text, out, today_text):
    """A form for REP to fill in before the one-on-one, as Markdown.

    It holds this week's KPIs with their goals and a blank for each figure,
    REP's own open commitments (not the private ones, not yours) with a box
    to tick and a line for a new date, then wins, where REP needs help, the
    most important calls this week, and how sure REP is of each goal (1 to
    5). Mail it or share it; read the filled form into the agenda with
    `onenotes new REP --prep FILE`.
    """
    book = open_notebook(ctx)
    now = today(book.config, today_text)
    slug = book.resolve(rep)
    check_slug(slug)
    try:
        check_notes_read(book, slug)
    except NotesNotRead as exc:
        warn(exc.problems)
        raise RefusedError(exc.message.replace("cannot write the next agenda", "cannot make the prep form"),
                           hint=(exc.hint or "").replace("an agenda carries", "the form lists")) from None
    date = cli_date(date_text, now, "--date") if date_text else next_meeting_date(book, slug, now)
    written = book.notes_of(slug)
    if not date_text and written and written[-1].date >= now:  # an agenda written ahead
        click.echo(clean(f"onenotes: {written[-1].path}, the agenda of {written[-1].date}, is written already: "
                         f"this form is for the meeting after it"), err=True)
    spec = form_spec(book, slug, date)
    text = prep_form_text(spec)
    others = [e for e in spec.entries if e.status == "open" and e.id not in {i.id for i in spec.items}
              and (e.since is None or e.since <= date)]
    private = sum(1 for e in others if e.private)
    left_out = [plural(private, "private commitment")] if private else []
    if len(others) > private:
        left_out.append(plural(len(others) - private, "commitment") + " of yours")
    about = (f"prep form for {spec.name}'s one-on-one of {date}: {plural(len(spec.kpis), 'KPI')}, "
             f"{plural(len(spec.items), 'open commitment')}"
             + (f" (left out: {', '.join(left_out)})" if left_out else ""))
    if out:
        target = Path(out).expanduser().absolute()
        try:
            write_new_file(target.parent, target.name, text)
        except FileExistsError:
            raise RefusedError(f"{out} exists; prep never overwrites a file",
                               hint="remove it or choose another --out") from None
        except OSError as exc:
            raise WriteError(f"cannot write {out}: {exc.strerror or exc}") from None
        click.echo(clean(f"onenotes: wrote the {about}, to {out}"), err=True)
    else:
        click.echo(text, nl=False)
        click.echo(clean(f"onenotes: {about}"), err=True)
