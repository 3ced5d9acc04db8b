"""``onenotes kpis``: each rep's KPIs against goal, with change and trend."""

from __future__ import annotations

import sys

import click

from onenotes.cli.common import complete_rep, format_option, open_notebook, today, warn
from onenotes.rules.kpis import figure_problems, scorecard, sparkline
from onenotes.views.formats import Column, dated, format_number, format_percent, format_signed, render, use_color

JSON_KEYS = ("rep", "kpi", "kind", "unit", "better", "goal", "latest", "latest_date",
             "attainment", "change", "trend", "confidence", "confidence_date", "period", "period_total",
             "pace_per_day")


def _change(row: dict) -> str:
    return format_signed(row["change"], row["unit"])


def _latest(row: dict) -> str:
    return dated(format_number(row["latest"], row["unit"]), row["latest_date"], row["last_meeting"])


def _sure(row: dict) -> str:
    if not row["confidence"]:
        return ""
    return dated(f"{row['confidence']}/5", row["confidence_date"], row["last_meeting"])


COLUMNS = [
    Column("rep", "REP"),
    Column("label", "KPI"),
    Column("kind", "KIND"),
    Column("goal", "GOAL", ">", show=lambda r: format_number(r["goal"], r["unit"])),
    Column("latest", "LATEST", ">", show=_latest),
    Column("attainment", "ATTAIN", ">", show=lambda r: format_percent(r["attainment"])),
    Column("confidence", "SURE", ">", show=_sure),
    Column("change", "CHANGE", ">", show=_change),
    Column("trend", "TREND", show=lambda r: sparkline(r["trend"])),
    Column("pace_per_day", "PACE", show=lambda r: _pace(r)),
]


def _pace(row: dict) -> str:
    if row["period"] is None or row["pace_per_day"] is None:
        return ""
    if row["pace_per_day"] == 0:
        return f"{row['period']} goal made"
    return f"needs {format_number(row['pace_per_day'], row['unit'])} a day for the rest of the {row['period']}"


@click.command("kpis")
@click.argument("rep", required=False, shell_complete=complete_rep)
@click.option("--today", "today_text", metavar="DATE",
              help="For goals per week/month/quarter: judge the pace as of DATE (default: the latest meeting).")
@click.option("--last", "last", type=click.IntRange(1, 520), default=8, show_default=True,
              help="How many recent meetings the trend covers.")
@format_option()
@click.pass_context
def command(ctx, rep, today_text, last, fmt):
    """Show each rep's KPIs against goal: latest figure, attainment, change, trend.

    Outputs come before inputs. A missing figure is a gap, not a zero. Each
    figure is measured against the goal of its own note; a figure or a
    confidence from before the rep's last meeting shows its date.
    """
    book = open_notebook(ctx)
    warn(book.problems)
    slug = None
    if rep is not None:
        slug = book.resolve(rep)
    warn(figure_problems(book, None if slug is None else [slug]))
    now = today(book.config, today_text) if today_text else None
    rows = [vars(r) for r in scorecard(book, slug, last, now)]
    color = use_color(sys.stdout)
    below = lambda r: r["attainment"] is not None and r["attainment"] < 1  # noqa: E731
    columns = COLUMNS if any(r["period"] for r in rows) else COLUMNS[:-1]
    text = render(rows, columns, fmt, color=color, highlight=below, keys=JSON_KEYS)
    click.echo(text, nl=False, color=color)
