"""``onenotes init [DIR]``: start a notebook without overwriting anything."""

from __future__ import annotations

from pathlib import Path

import click

from onenotes.changes.init import init_notebook


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--manager", default="", help="Your name, written into onenotes.yaml.")
def command(directory, manager):
    """Create a notebook in DIRECTORY (default: here).

    Writes a commented onenotes.yaml with a realistic sales KPI set and a
    .gitignore; an existing file is left as it is and reported.
    """
    result = init_notebook(Path(directory), manager=manager)
    for path in result.created:
        click.echo(f"created {path}", err=True)
    for path in result.kept:
        click.echo(f"kept {path} (already exists; not changed)", err=True)
    click.echo(str(result.root))
