"""``onenotes check``: lint notes and config; exit 1 when there is an error."""

from __future__ import annotations

import os

import click

from onenotes.views.check import check_notebook
from onenotes.cli.common import format_option, notebook_root, use_cache, warn
from onenotes.views.formats import clean, to_json
from onenotes.text import plural


@click.command("check")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@format_option(("text", "json"), default="text")
@click.pass_context
def command(ctx, paths, fmt):
    """Check every note and onenotes.yaml for mistakes, or only the PATHs given.

    A PATH is a note, a rep's folder, onenotes.yaml or a template, from here or
    from the notebook (a pre-commit hook passes the staged files). Prints one
    line per problem (file:line:column: severity: message), exits 1 when any is
    an error and 0 otherwise, so it works as a pre-commit hook.
    """
    report = check_notebook(notebook_root(ctx), paths, cache=use_cache(ctx), cwd=os.getcwd())
    warn(report.notices)
    if fmt == "json":
        click.echo(to_json(report.as_json()), nl=False)
    else:
        lines = []
        for problem in report.problems:
            lines.append(clean(f"{problem.location()}: {problem.severity}: {problem.message} [{problem.code}]"))
            if problem.hint:
                lines.append("    hint: " + clean(problem.hint))
        if lines:  # (one write: a notebook can have hundreds of problems)
            click.echo("\n".join(lines))
    click.echo(f"checked {plural(report.files, 'note')}: {plural(report.errors, 'error')}, "
               f"{plural(report.warnings, 'warning')}", err=True)
    ctx.exit(1 if report.errors else 0)
