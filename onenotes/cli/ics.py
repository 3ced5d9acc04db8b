"""``onenotes ics``: the one-on-ones and the open commitments as an iCalendar file."""

from __future__ import annotations

from pathlib import Path

import click

from onenotes.cli.common import complete_rep, open_notebook, today, warn
from onenotes.errors import RefusedError, WriteError
from onenotes.views.ics import COMMITMENT_KINDS, build_calendar, write_calendar
from onenotes.views.formats import clean


@click.command("ics")
@click.option("--rep", "rep", metavar="REP", help="Only this rep.", shell_complete=complete_rep)
@click.option("--out", "out", metavar="FILE", help="Write FILE (replacing an earlier calendar) instead of stdout.")
@click.option("--commitments", "commitments", type=click.Choice(COMMITMENT_KINDS), default="todos",
              show_default=True,
              help="Open commitments as to-dos, or as all-day events on their due dates "
                   "(for calendars that import no to-dos).")
@click.option("--today", "today_text", metavar="DATE", help="As of DATE (default: today).")
@click.pass_context
def command(ctx, rep, out, commitments, today_text):
    """An iCalendar (.ics) file to import or subscribe to.

    Each rep's one-on-ones as one recurring event, from the next one on by the
    cadence (at meeting_time in the notebook's timezone when the config sets
    one, else all day), and each open commitment as a to-do, due on its due
    date. UIDs are stable, so importing a newer file updates the series and
    the to-dos instead of adding copies.
    """
    book = open_notebook(ctx)
    warn(book.problems)
    now = today(book.config, today_text)
    reps = [book.resolve(rep)] if rep else None
    data = build_calendar(book, now, reps, commitments)
    if out:
        target = Path(out).expanduser().absolute()
        try:
            write_calendar(target, data)
        except FileExistsError:
            raise RefusedError(f"{out} exists and is not a calendar; not replaced",
                               hint="choose another --out") from None
        except OSError as exc:
            raise WriteError(f"cannot write {out}: {exc.strerror or exc}") from None
        click.echo(f"onenotes: wrote {clean(out)}", err=True)
    else:
        click.echo(data, nl=False)  # bytes: written as they are (CRLF line ends)
