"""``onenotes review REP``: a draft of the rep's performance review over a quarter, from the notes."""

from __future__ import annotations

import os
from pathlib import Path

import click

from onenotes.cli.common import cli_date, complete_rep, format_option, open_notebook, today, warn
from onenotes.errors import BadInputError
from onenotes.rules.kpis import figure_problems
from onenotes.rules.quarter import parse_quarter
from onenotes.views.followups import listing_problems
from onenotes.views.formats import clean, clean_block


@click.command("review")
@click.argument("rep", shell_complete=complete_rep)
@click.option("--quarter", "quarter_text", metavar="YYYYQN", help="The quarter to review, such as 2026Q4.")
@click.option("--from", "from_text", metavar="DATE", help="The first day to review (instead of --quarter).")
@click.option("--to", "to_text", metavar="DATE", help="The last day to review (with --from; default: today).")
@format_option(("markdown", "html"), "markdown",
               help="markdown: the draft to edit. html: one page with the trend charts, for reading or print.")
@click.option("--private", is_flag=True,
              help="Include the notes' private parts and the rep's private commitments.")
@click.option("--out", "out", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the review to FILE, never over a file you edited (default: print it on stdout).")
@click.option("--today", "today_text", metavar="DATE", help="Review as of DATE (default: today).")
@click.pass_context
def command(ctx, rep, quarter_text, from_text, to_text, fmt, private, out, today_text):
    """A draft of REP's performance review over a quarter, from the notes alone.

    Results against goal over the period with each KPI's trend, the diagnosis of
    each meeting, the behaviour and coaching plans, the rep's own commitments,
    one-on-ones held and coaching hours, and what the notes say under "Wins",
    "Where do you need help?" and "Coaching". Each row names the notes it comes
    from. Private parts stay out unless --private is given.
    """
    if out is not None and out.endswith(("/", os.sep)):
        raise click.BadParameter(f"{clean(out)} names a folder; give a file name such as "
                                 f"{clean(out)}review.md", param_hint="'--out'")
    book = open_notebook(ctx)
    now = today(book.config, today_text)
    start, end, quarter = _period(quarter_text, from_text, to_text, now)
    slug = book.resolve(rep)
    from onenotes.views.review.model import build_review

    review = build_review(book, slug, start, end, now, quarter=quarter, private=private)
    warn(listing_problems(book) + figure_problems(book, [slug]) + review.problems)
    if fmt == "html":
        from onenotes.views.review.html import render_html

        text = render_html(review)
    else:
        from onenotes.views.review.markdown import render_markdown

        text = clean_block(render_markdown(review))
    from onenotes.views.review.files import stamped, write_review

    text = stamped(text, html=fmt == "html")
    if out is None:
        click.echo(text, nl=False)
        return
    write_review(Path(out), text, book.root)
    click.echo(f"wrote {clean(out)}", err=True)


def _period(quarter_text, from_text, to_text, now):
    """(first day, last day, the quarter's name or None) from the options."""
    if quarter_text is not None:
        if from_text or to_text:
            raise BadInputError("give either --quarter or --from/--to, not both",
                                hint="--quarter 2026Q4, or --from 2026-10-01 --to 2026-12-31")
        try:
            start, end = parse_quarter(quarter_text, now.year)
        except ValueError as exc:
            raise BadInputError(f"--quarter: {exc}", hint="for example --quarter 2026Q4") from None
        return start, end, f"{start.year}Q{(start.month - 1) // 3 + 1}"
    if from_text is None:
        raise BadInputError("which period? give --quarter (such as 2026Q4) or --from DATE (and --to DATE)",
                            hint="onenotes review REP --quarter 2026Q4")
    start = cli_date(from_text, now, "--from")
    end = cli_date(to_text, now, "--to") if to_text else now
    return start, end, None
