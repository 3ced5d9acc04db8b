"""``onenotes import-metrics FILE.csv``: KPI actuals from a CRM export into the notes."""

from __future__ import annotations

from pathlib import Path

import click

from onenotes.cli.common import clean_diff, cli_date, editing_notebook, today, warn
from onenotes.errors import RefusedError
from onenotes.changes.import_metrics import load_mapping, plan_import, write_plan
from onenotes.changes.new import NotesNotRead
from onenotes.reading.notebook import load_notebook
from onenotes.views.formats import clean
from onenotes.text import plural


@click.command("import-metrics")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "date_text", metavar="DATE",
              help="The meeting the figures are for, YYYY-MM-DD (default: today).")
@click.option("--map", "map_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="A YAML mapping of columns and rep names (default: metrics_import in onenotes.yaml).")
@click.option("--partial", is_flag=True,
              help="Write the valid rows even when others are invalid (exit 1 when any was skipped).")
@click.option("--dry-run", is_flag=True, help="Print the changes as a diff; write nothing.")
@click.option("--today", "today_text", metavar="DATE", hidden=True, help="Pretend today is DATE.")
@click.pass_context
def command(ctx, csv_file, date_text, map_file, partial, dry_run, today_text):
    """Write KPI actuals from a CRM report (CSV) into each rep's note.

    The CSV has one row per rep and one column per KPI, or rows of rep, KPI
    and value. Figures may carry thousands separators, currency symbols, % and
    (negative) parentheses. A rep's note for DATE gets the figures in its
    `metrics:` lines (nothing else in it changes); a rep without a note that
    day gets a new agenda with them. One invalid row changes nothing unless
    --partial.
    """
    with editing_notebook(ctx) as root:
        _run(ctx, root, csv_file, date_text, map_file, partial, dry_run, today_text)


def _run(ctx, root, csv_file, date_text, map_file, partial, dry_run, today_text) -> None:
    book = load_notebook(root)
    now = today(book.config, today_text)
    date = cli_date(date_text, now, "--date") if date_text else now
    mapping = load_mapping(map_file) if map_file else None
    try:
        plan = plan_import(book, csv_file, date, now, mapping=mapping, partial=partial)
    except NotesNotRead as exc:  # a rep's new agenda: as `new` says it
        warn(exc.problems)
        raise
    # As `new` does: what was not read in the folder of a rep who gets a new agenda (a
    # note that could not be read stops the agenda: it may hold commitments to carry).
    new_reps = {change.rel.split("/", 1)[0] for change in plan.changes if change.new_file}
    warn([p for p in book.problems if p.path.split("/", 1)[0] in new_reps])
    for problem in plan.problems:
        click.echo(f"onenotes: {clean(problem.format())}", err=True)
    if plan.problems and not partial:
        raise RefusedError(f"{plural(len(plan.problems), 'problem')} in {csv_file.name}; nothing was written",
                           hint="fix the rows or the mapping, or use --partial to write the valid rows")
    if dry_run:
        for change in plan.changes:
            click.echo(clean_diff(change.diff()), nl=False)
    else:
        for change in write_plan(plan):
            click.echo(clean(change.rel))
    verb = "would write" if dry_run else "wrote"
    for line in plan.summary:
        click.echo(f"onenotes: {verb} {clean(line)}", err=True)
    for rel in plan.unchanged:
        click.echo(f"onenotes: {clean(rel)} already holds these figures", err=True)
    if dry_run and plan.changes:
        click.echo("onenotes: dry run: nothing was written", err=True)
    if not plan.figures and not plan.problems:
        click.echo(f"onenotes: no figures in {clean(csv_file.name)}", err=True)
    if plan.problems:
        click.echo(f"onenotes: {plural(len(plan.problems), 'problem')} skipped (--partial)", err=True)
        ctx.exit(1)
