"""``onenotes reps``: every rep with their last and next meeting."""

from __future__ import annotations

import sys

import click

from onenotes.cli.common import format_option, open_notebook, today, warn
from onenotes.views.formats import Column, render, use_color
from onenotes.views.reps import REP_KEYS, rep_summaries

COLUMNS = [
    Column("rep", "REP"),
    Column("name", "NAME"),
    Column("notes", "NOTES", ">"),
    Column("last_meeting", "LAST"),
    Column("next_meeting", "NEXT", show=lambda r: (r["next_meeting"] or "")
           + (" (agenda written)" if r["next_planned"] else "")),
    Column("open", "OPEN", ">"),
    Column("overdue", "OVERDUE", ">", show=lambda r: r["overdue"] or ""),
]


@click.command("reps")
@click.option("--today", "today_text", metavar="DATE", help="As of DATE (default: today).")
@format_option()
@click.pass_context
def command(ctx, today_text, fmt):
    """Every rep: notes, last and next one-on-one, open and overdue commitments.

    LAST is the latest note up to today; NEXT is the next note already
    written, else the next meeting by the cadence and meeting day.
    """
    book = open_notebook(ctx)
    warn(book.problems)
    now = today(book.config, today_text)
    rows = []
    for summary in rep_summaries(book, now):
        row = {key: getattr(summary, key) for key in REP_KEYS}
        for key in ("last_meeting", "next_meeting"):
            row[key] = row[key].isoformat() if row[key] else None
        rows.append(row)
    color = use_color(sys.stdout)
    click.echo(render(rows, COLUMNS, fmt, color=color, highlight=lambda r: r["overdue"] > 0,
                      keys=REP_KEYS),
               nl=False, color=color)
