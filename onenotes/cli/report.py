"""``onenotes report``: the team dashboard as one self-contained HTML page (or Markdown)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from onenotes.cli.common import complete_rep, open_notebook, today, warn
from onenotes.rules.kpis import figure_problems
from onenotes.views.formats import clean
from onenotes.views.report.model import assets_folder, build_report, write_report
from onenotes.views.report.html import html_page
from onenotes.views.report.markdown import markdown_page
from onenotes.text import plural


@click.command("report")
@click.option("--out", "out", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the report to FILE (a previous report there is replaced; any other "
                   "file is refused). Default: print it on stdout.")
@click.option("--today", "today_text", metavar="DATE", help="The report's date (default: today).")
@click.option("--weeks", type=click.IntRange(1, 104), default=8, show_default=True,
              help="How many weeks the trend charts and the cadence heatmap cover.")
@click.option("--rep", "reps", metavar="REP", multiple=True, shell_complete=complete_rep,
              help="Only this rep (repeat for several).")
@click.option("--format", "fmt", type=click.Choice(["html", "markdown"]), default="html", show_default=True,
              help="html: one page with inline SVG charts. markdown: tables, with the charts as "
                   "SVG files in FILE-assets/ beside FILE (with --out only).")
@click.pass_context
def command(ctx, out, today_text, weeks, reps, fmt):
    """The team dashboard: who is on goal, who keeps commitments, who had their one-on-ones.

    One HTML file that works offline and by e-mail (no network, no external
    files): the team table, trend charts of each KPI against goal, the cadence
    heatmap and the overdue commitments.
    """
    if out is not None and out.endswith(("/", os.sep)):
        raise click.BadParameter(f"{clean(out)} names a folder; give a file name such as "
                                 f"{clean(out)}team.html", param_hint="'--out'")
    book = open_notebook(ctx)
    root = book.root
    now = today(book.config, today_text)
    slugs = [book.resolve(r) for r in reps] or None
    report = build_report(book, now, weeks, slugs)
    warn(report.problems + figure_problems(book, slugs))
    if fmt == "html":
        text, charts = html_page(report), None
    else:
        assets = None
        if out is not None:
            assets = assets_folder(Path(out)).name
        result = markdown_page(report, assets)
        text, charts = result.text, result.charts
    if out is None:
        click.echo(text, nl=False)
        if fmt == "markdown":
            click.echo("onenotes: trends shown as text; with --out FILE the charts are written "
                       "as SVG files beside it", err=True)
        return
    write_report(Path(out), text, charts, root)
    click.echo(f"wrote {clean(out)}", err=True)
    if charts:
        click.echo(f"wrote {plural(len(charts), 'chart')} in {clean(assets_folder(Path(out)))}", err=True)
