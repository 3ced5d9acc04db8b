"""``onenotes share NOTE``: the note as the rep may see it, private parts removed."""

from __future__ import annotations

from pathlib import Path

import click

from onenotes.cli.common import cli_date, complete_note, format_option, open_notebook, today, warn
from onenotes.errors import RefusedError, WriteError
from onenotes.reading.files import write_new_file
from onenotes.reading.notebook import NOTICE_CODES
from onenotes.views.formats import clean
from onenotes.views.share import FORMATS, find_note, share_note, to_html
from onenotes.text import plural


@click.command("share")
@click.argument("note", shell_complete=complete_note)
@click.option("--date", "date_text", metavar="DATE", help="With a rep: their note of DATE (default: the latest up to today).")
@click.option("--out", "out", metavar="FILE", help="Write to FILE (a new file) instead of stdout.")
@format_option(FORMATS, default="markdown", help="Markdown to paste or mail, or a standalone HTML page.")
@click.option("--today", "today_text", metavar="DATE", help="Pretend today is DATE.")
@click.pass_context
def command(ctx, note, date_text, out, fmt, today_text):
    """A copy of NOTE for the rep, without the manager's private parts.

    NOTE is a note's path (alice-nguyen/2026-11-16.md) or a rep: their latest
    note up to today, or the one of --date. Sections under a '## Private'
    heading, <!-- private --> ... <!-- /private --> blocks, the manager's
    guidance between <!-- manager-only --> and <!-- /manager-only -->, every
    other HTML comment, Obsidian %% comments, the frontmatter keys listed in
    the config's share: private_keys (default: confidence, private) and every
    private commitment (one made in a private part, in any note) are left
    out. The copy opens with the meeting's facts, this week's numbers against
    goal, what was agreed (every commitment of the note once, with its due
    date) and the plans; then the notes, without headings left empty. Broken
    markup, or a private commitment's words outside a private part, is
    refused with its file and line, and nothing is written.
    """
    book = open_notebook(ctx)
    now = today(book.config, today_text)
    date = cli_date(date_text, now, "--date") if date_text else None
    chosen = find_note(book, note, date=date, today=now, cwd=Path.cwd())
    warn([p for p in book.problems if p.code in NOTICE_CODES and p.path == chosen.rep + "/"])  # files not read
    warn([p for p in chosen.problems if p.severity == "error"])
    shared = share_note(book, chosen)
    text = to_html(shared) if fmt == "html" else shared.markdown
    left_out = plural(shared.removed, "private part")
    if shared.manager_only:
        left_out += ", " + plural(shared.manager_only, "manager-only part")
    if shared.keys_removed:
        left_out += ", frontmatter " + ", ".join(str(k) for k in shared.keys_removed)
    if out:
        target = Path(out).expanduser().absolute()
        try:
            write_new_file(target.parent, target.name, text)
        except FileExistsError:
            raise RefusedError(f"{out} exists; share never overwrites a file",
                               hint="remove it or choose another --out") from None
        except OSError as exc:
            raise WriteError(f"cannot write {out}: {exc.strerror or exc}") from None
        click.echo(clean(f"onenotes: shared {chosen.path} as {out} (left out: {left_out})"), err=True)
    else:
        click.echo(text, nl=False)
        click.echo(clean(f"onenotes: shared {chosen.path} (left out: {left_out})"), err=True)
