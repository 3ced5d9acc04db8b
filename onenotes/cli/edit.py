"""``onenotes edit REP``: open the rep's latest note in the editor."""

from __future__ import annotations

import os

import click

from onenotes.cli.common import complete_rep, notebook_root, today, warn
from onenotes.changes.editor import editor_command, latest_note, run_editor
from onenotes.changes.new import NotesNotRead, create_note
from onenotes.reading.notebook import load_notebook
from onenotes.views.formats import clean


@click.command("edit")
@click.argument("rep", shell_complete=complete_rep)
@click.option("--new", "new", is_flag=True, help="Write the next agenda first (as 'onenotes new REP'), then open it.")
@click.option("--today", "today_text", metavar="DATE", hidden=True,
              help="Pretend today is DATE (for scripts and tests).")
@click.pass_context
def command(ctx, rep, new, today_text):
    """Open REP's latest note in your editor.

    The editor is $VISUAL, else $EDITOR, else 'editor' in onenotes.yaml. It
    is split into words like a shell command line (so 'code --wait' works)
    but never run by a shell. The note's path is printed on stderr.
    """
    book = load_notebook(notebook_root(ctx))
    words, source = editor_command(os.environ, book.config)
    if new:
        now = today(book.config, today_text)
        try:
            result = create_note(book, rep, today=now)
        except NotesNotRead as exc:
            warn(exc.problems)
            raise
        warn([p for p in book.problems if p.path.startswith(result.rep + "/")])
        path = result.path
    else:
        slug = book.resolve(rep)
        warn([p for p in book.problems if p.path.startswith(slug + "/")])
        path = book.root / latest_note(book, slug)
    click.echo(f"onenotes: editing {clean(path)}", err=True)
    run_editor(words, source, path)
