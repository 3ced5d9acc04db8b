"""``onenotes drop ID...``: mark commitments dropped in the rep's latest note."""

from __future__ import annotations

import click

from onenotes.cli.common import complete_commitment_id, complete_rep
from onenotes.cli.done import run


@click.command("drop")
@click.argument("ids", nargs=-1, required=True, metavar="ID...", shell_complete=complete_commitment_id)
@click.option("--reason", metavar="TEXT", help="Why it was dropped (written into the note).")
@click.option("--date", "date_text", metavar="DATE",
              help="When it was dropped (default: today; a date given is always written).")
@click.option("--rep", metavar="REP", shell_complete=complete_rep,
              help="Only look at this rep's commitments (for ids two reps share).")
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
@click.option("--today", "today_text", metavar="DATE", hidden=True, help="Pretend today is DATE.")
@click.pass_context
def command(ctx, ids, reason, date_text, rep, dry_run, today_text):
    """Mark commitments dropped, in the rep's latest note.

    Like `onenotes done`, with `status: dropped` (or the task box `[-]`) and
    the reason, when given, as `reason:` (or `[reason:: TEXT]` on the task).
    """
    run(ctx, ids, "drop", date_text, today_text, rep, reason, dry_run)
