"""``onenotes accountability``: per rep, how commitments were kept."""

from __future__ import annotations

import sys
from dataclasses import fields

import click

from onenotes.rules.accountability import OWNERS, RepAccountability, accountability
from onenotes.cli.common import cli_date, complete_rep, format_option, open_notebook, today, warn
from onenotes.views.followups import listing_problems
from onenotes.views.formats import Column, format_percent, render, use_color

COLUMNS = [
    Column("rep", "REP"),
    Column("owner", "OWNER"),
    Column("made", "MADE", ">"),
    # Every commitment made is in exactly one of the six columns from ON TIME to OPEN.
    Column("kept_on_time", "ON TIME", ">"),
    Column("kept_late", "LATE", ">"),
    Column("done_date_unknown", "DATE UNKNOWN", ">"),
    Column("done_without_due", "DONE, NO DUE", ">"),
    Column("dropped", "DROPPED", ">"),
    Column("open", "OPEN", ">"),
    Column("open_overdue", "OVERDUE", ">"),
    Column("escalate", "ESCALATE", ">"),
    Column("kept_on_time_rate", "ON-TIME RATE", ">", show=lambda r: format_percent(r["kept_on_time_rate"])),
]


@click.command("accountability")
@click.argument("rep", required=False, shell_complete=complete_rep)
@click.option("--owner", type=click.Choice(OWNERS), default="rep", show_default=True,
              help="Whose commitments: the rep's own, or the manager's to the rep (follow-through).")
@click.option("--since", "since_text", metavar="DATE", help="Only commitments made on or after DATE.")
@click.option("--today", "today_text", metavar="DATE", help="Count overdue from DATE.")
@format_option()
@click.pass_context
def command(ctx, rep, owner, since_text, today_text, fmt):
    """Per rep: commitments made, and what became of each.

    ON TIME + LATE + DATE UNKNOWN + DONE, NO DUE + DROPPED + OPEN = MADE.
    DATE UNKNOWN: done, closed at a meeting without a date, so whether it
    was on time cannot be told (never counted late). OVERDUE and ESCALATE
    are among the OPEN ones. ON-TIME RATE = ON TIME / (ON TIME + LATE).
    """
    book = open_notebook(ctx)
    warn(listing_problems(book))
    now = today(book.config, today_text)
    since = cli_date(since_text, now, "--since") if since_text else None
    slug = book.resolve(rep) if rep else None
    rows = [vars(r) for r in accountability(book, today=now, rep=slug, since=since, owner=owner)]
    color = use_color(sys.stdout)
    click.echo(render(rows, COLUMNS, fmt, color=color, keys=[f.name for f in fields(RepAccountability)]),
               nl=False, color=color)
