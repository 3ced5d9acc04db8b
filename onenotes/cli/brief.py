"""``onenotes brief REP``: a one-screen pre-meeting brief, Markdown on stdout."""

from __future__ import annotations

import click

from onenotes.views.brief import render_brief
from onenotes.cli.common import complete_rep, open_notebook, today, warn
from onenotes.views.followups import listing_problems
from onenotes.rules.kpis import figure_problems
from onenotes.views.formats import clean_block


@click.command("brief")
@click.argument("rep", shell_complete=complete_rep)
@click.option("--today", "today_text", metavar="DATE", help="Write the brief as of DATE.")
@click.pass_context
def command(ctx, rep, today_text):
    """A one-screen brief before REP's one-on-one, as Markdown.

    What changed in the KPIs, the diagnosis, commitments made, closed and
    coming due, the upcoming calls noted last time, and the coaching focus.
    """
    book = open_notebook(ctx)
    warn(listing_problems(book))
    now = today(book.config, today_text)
    slug = book.resolve(rep)
    warn(figure_problems(book, [slug]))
    # Note text (the upcoming calls) goes to a terminal: no escapes or bidi controls.
    click.echo(clean_block(render_brief(book, slug, now)), nl=False)
