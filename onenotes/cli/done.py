"""``onenotes done ID...``: mark commitments done in the rep's latest note."""

from __future__ import annotations

import click

from onenotes.cli.common import cli_date, clean_diff, complete_commitment_id, complete_rep, editing_notebook, today
from onenotes.changes.close import close_commitments, write_changes
from onenotes.reading.notebook import load_notebook
from onenotes.views.formats import clean


def run(ctx: click.Context, ids, action: str, date_text, today_text, rep, reason, dry_run) -> None:
    """Shared by ``done`` and ``drop``: plan, report, write (or show the diff), with
    the notebook's edit lock held from reading the notes to writing them."""
    with editing_notebook(ctx) as root:
        _run(root, ids, action, date_text, today_text, rep, reason, dry_run)


def _run(root: str, ids, action: str, date_text, today_text, rep, reason, dry_run) -> None:
    book = load_notebook(root)
    now = today(book.config, today_text)
    on = cli_date(date_text, now, "--date") if date_text else now
    result = close_commitments(book, list(ids), action, on, reason=reason, rep=rep, dated=bool(date_text))
    for closed in result.closed:
        if not closed.changed:
            click.echo(f"onenotes: {clean(closed.id)} ({closed.rep}) is already {closed.status} "
                       f"in {clean(closed.path)}; nothing to do", err=True)
    if dry_run:
        for change in result.changes:
            click.echo(clean_diff(change.diff()), nl=False)
            for line in change.notes:
                click.echo(f"onenotes: would write {clean(line)}", err=True)
        if result.changes:
            click.echo("onenotes: dry run: nothing was written", err=True)
        return
    write_changes(result.changes)
    for change in result.changes:
        for line in change.notes:
            click.echo(f"onenotes: {clean(line)}", err=True)


@click.command("done")
@click.argument("ids", nargs=-1, required=True, metavar="ID...", shell_complete=complete_commitment_id)
@click.option("--date", "date_text", metavar="DATE",
              help="When it was done (default: today; a date given is always written).")
@click.option("--rep", metavar="REP", shell_complete=complete_rep,
              help="Only look at this rep's commitments (for ids two reps share).")
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
@click.option("--today", "today_text", metavar="DATE", hidden=True, help="Pretend today is DATE.")
@click.pass_context
def command(ctx, ids, date_text, rep, dry_run, today_text):
    """Mark commitments done, in the rep's latest note.

    ID may be the start of an id, as long as it names one commitment
    (`onenotes followups` lists the ids). The commitment's `status:` becomes
    `done` with a `done_on:` date, or its task box `[ ]` becomes `[x]`; when
    the latest note does not list it yet, it is added there, done. Nothing
    else in the file changes.
    """
    run(ctx, ids, "done", date_text, today_text, rep, None, dry_run)
