"""``onenotes cadence``: who has had their one-on-ones, and who is overdue."""

from __future__ import annotations

import sys
from dataclasses import fields

import click

from onenotes.rules.cadence import RepCadence, cadence_health
from onenotes.cli.common import format_option, open_notebook, today, warn
from onenotes.views.formats import Column, render, use_color

COLUMNS = [
    Column("rep", "REP"),
    Column("last_meeting", "LAST"),
    Column("days_since", "DAYS", ">"),
    Column("next_due", "NEXT DUE"),
    Column("overdue", "OVERDUE", show=lambda r: f"{r['days_overdue']}d" if r["overdue"] else ""),
    Column("hours_this_month", "THIS MONTH", ">",
           show=lambda r: f"{r['meetings_this_month']} / {r['hours_this_month']:g}h"),
    Column("hours_last_month", "LAST MONTH", ">",
           show=lambda r: f"{r['meetings_last_month']} / {r['hours_last_month']:g}h"),
    Column("hours_target", "TARGET", ">", show=lambda r: f"{r['hours_target']:g}h"),
    Column("missed_last_quarter", "MISSED (13 WK)", ">"),
    Column("streak", "STREAK", ">"),
]


@click.command("cadence")
@click.option("--today", "today_text", metavar="DATE", help="Judge the cadence as of DATE.")
@click.option("--strict", is_flag=True, help="Exit 1 when any rep is overdue (for cron or CI reminders).")
@format_option()
@click.pass_context
def command(ctx, today_text, strict, fmt):
    """Cadence health: last and next one-on-one per rep, coaching hours, missed weeks.

    Coaching hours come from each note's duration_minutes (default:
    default_duration_minutes) against coaching_hours_target (default 3 a month).
    """
    book = open_notebook(ctx)
    warn(book.problems)
    now = today(book.config, today_text)
    rows = [vars(r) for r in cadence_health(book, now)]
    color = use_color(sys.stdout)
    click.echo(render(rows, COLUMNS, fmt, color=color, highlight=lambda r: r["overdue"],
                      keys=[f.name for f in fields(RepCadence)]), nl=False, color=color)
    if strict and any(r["overdue"] for r in rows):
        ctx.exit(1)
