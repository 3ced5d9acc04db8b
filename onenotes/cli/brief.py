"""``onenotes brief REP``: a one-screen pre-meeting brief, Markdown on stdout."""

from __future__ import annotations

import click

from onenotes.brief import render_brief
from onenotes.cli.common import open_notebook, today, warn


@click.command("brief")
@click.argument("rep")
@click.option("--today", "today_text", metavar="DATE", help="Write the brief as of DATE.")
@click.pass_context
def command(ctx, rep, today_text):
    """A one-screen brief before REP's one-on-one, as Markdown.

    What changed in the KPIs, the diagnosis, commitments made, closed and
    coming due, the upcoming calls noted last time, and the coaching focus.
    """
    book = open_notebook(ctx)
    warn([p for p in book.problems])
    now = today(book.config, today_text)
    slug = book.resolve(rep)
    click.echo(render_brief(book, slug, now), nl=False)
