"""``onenotes followups``: every open commitment across all notes."""

from __future__ import annotations

import sys

import click

from onenotes.cli.common import cli_date, complete_rep, format_option, open_notebook, today, warn
from onenotes.views.followups import FOLLOWUP_KEYS, followups
from onenotes.views.formats import Column, render, use_color
from onenotes.text import plural


def _overdue_text(row: dict) -> str:
    text = f"{row['days_overdue']}d overdue" if row["overdue"] else ""
    if row.get("escalate"):
        text = (text + ", escalate").lstrip(", ")
    return text


COLUMNS = [
    Column("due", "DUE", show=lambda r: r["due"] or (f"? {r['due_raw']}" if r["due_raw"] else "")),
    Column("rep", "REP"),
    Column("owner", "OWNER"),
    Column("overdue", "OVERDUE", show=_overdue_text),
    Column("label", "COMMITMENT"),
    Column("id", "ID"),
    Column("since", "SINCE"),
    Column("source", "SOURCE", show=lambda r: f"{r['source']}:{r['line']}"),
]


@click.command("followups")
@click.option("--rep", "rep", metavar="REP", shell_complete=complete_rep, help="Only this rep's commitments.")
@click.option("--owner", type=click.Choice(["rep", "manager"]), help="Only the rep's, or only yours.")
@click.option("--overdue", is_flag=True, help="Only overdue commitments.")
@click.option("--due-before", "due_before", metavar="DATE", help="Only commitments due before DATE.")
@click.option("--today", "today_text", metavar="DATE", help="Count overdue days from DATE (default: today).")
@format_option()
@click.pass_context
def command(ctx, rep, owner, overdue, due_before, today_text, fmt):
    """List every open commitment across all notes, once each.

    Sorted by due date (undated last), then rep: overdue ones come first.
    Notes that cannot be read are skipped with a warning on stderr.
    """
    book = open_notebook(ctx)
    now = today(book.config, today_text)
    before = cli_date(due_before, now, "--due-before") if due_before else None
    result = followups(book, today=now, rep=rep, owner=owner, overdue_only=overdue, due_before=before)
    warn(result.problems)
    rows = result.rows
    color = use_color(sys.stdout)
    text = render(rows, COLUMNS, fmt, color=color, highlight=lambda r: r["overdue"], keys=FOLLOWUP_KEYS)
    click.echo(text, nl=False, color=color)
    if fmt == "table":
        overdue_count = sum(r["overdue"] for r in rows)
        click.echo(f"{plural(len(rows), 'open commitment')}, {overdue_count} overdue", err=True)
