"""``onenotes commitments``: the ledger's history, per commitment."""

from __future__ import annotations

import sys

import click

from onenotes.cli.common import complete_rep, format_option, open_notebook, today, warn
from onenotes.views.commitments import COMMITMENT_KEYS, STATUSES, commitments
from onenotes.views.followups import listing_problems
from onenotes.views.formats import Column, render, use_color


def _kept(row: dict) -> str:
    return {"on_time": "on time", "late": "late", "unknown": "date unknown", None: ""}[row["timeliness"]]


COLUMNS = [
    Column("rep", "REP"),
    Column("status", "STATUS"),
    Column("label", "COMMITMENT"),
    Column("since", "MADE"),
    Column("due", "DUE"),
    Column("times_carried", "CARRIED", ">"),
    Column("slips", "SLIPS", ">"),
    Column("closed_on", "CLOSED"),
    Column("kept_on_time", "KEPT", show=_kept),
    Column("escalate", "ESCALATE", show=lambda r: "escalate" if r["escalate"] else ""),
    Column("id", "ID"),
]


@click.command("commitments")
@click.argument("rep", required=False, shell_complete=complete_rep)
@click.option("--status", type=click.Choice(STATUSES), default="open", show_default=True,
              help="Which commitments to show.")
@click.option("--today", "today_text", metavar="DATE", help="Count overdue days from DATE.")
@format_option()
@click.pass_context
def command(ctx, rep, status, today_text, fmt):
    """The history of each commitment: made, carried, due-date slips, closed, kept on time.

    A commitment carried more often than `escalate_after` (onenotes.yaml,
    default 3) is flagged for escalation.
    """
    book = open_notebook(ctx)
    warn(listing_problems(book))
    now = today(book.config, today_text)
    slug = book.resolve(rep) if rep else None
    rows = commitments(book, today=now, rep=slug, status=status)
    color = use_color(sys.stdout)
    click.echo(render(rows, COLUMNS, fmt, color=color, highlight=lambda r: r["escalate"],
                      keys=COMMITMENT_KEYS), nl=False, color=color)
