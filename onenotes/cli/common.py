"""What the command modules share: finding the notebook, dates, formats, warnings,
and shell completion of rep slugs and commitment ids."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sys

import click

from onenotes.reading.config_file import load_config
from onenotes.rules.config import Config, display_name
from onenotes.dates import DateProblem, parse_cli_date, today_in
from onenotes.errors import BadInputError, Problem
from onenotes.rules.commitments import build_ledger, followups_order, open_commitments
from onenotes.reading.layout import find_root, fold_name, scan
from onenotes.reading.notebook import Notebook, load_notebook
from onenotes.views.formats import FORMATS, clean


def notebook_root(ctx: click.Context) -> str:
    obj = ctx.find_root().obj or {}
    return find_root(obj.get("notebook"), os.environ.get("ONENOTES_NOTEBOOK"), os.getcwd())


def use_cache(ctx: click.Context) -> bool:
    """False with ``--no-cache`` or ``ONENOTES_NO_CACHE`` set to anything but empty or 0."""
    obj = ctx.find_root().obj or {}
    return not (obj.get("no_cache") or os.environ.get("ONENOTES_NO_CACHE", "") not in ("", "0"))


def open_notebook(ctx: click.Context) -> Notebook:
    """The notebook of this run, its notes read through the cache unless told not to."""
    return load_notebook(notebook_root(ctx), cache=use_cache(ctx))


@contextlib.contextmanager
def editing_notebook(ctx: click.Context):
    """Hold the notebook's edit lock while a command reads the notes it edits and
    writes them: another onenotes editing the same notebook waits (it says so)."""
    from onenotes.errors import NotebookBusyError
    from onenotes.reading.lock import LOCK_WAIT, NotebookBusy, notebook_lock

    def waiting() -> None:
        click.echo("onenotes: waiting for another onenotes command that is editing this notebook", err=True)

    root = notebook_root(ctx)
    try:
        with notebook_lock(root, waiting=waiting):
            yield root
    except NotebookBusy:
        raise NotebookBusyError(f"another onenotes command has been editing {root} for {LOCK_WAIT:.0f} s; "
                                "nothing written", hint="let it finish, then run the command again") from None


def today(config: Config, value: str | None) -> dt.date:
    """``--today`` or today's date in the notebook's time zone, once per run."""
    if config.timezone:
        from zoneinfo import ZoneInfo

        now = today_in(ZoneInfo(config.timezone))
    else:
        now = today_in(None)
    if value is None:
        return now
    return cli_date(value, now, "--today")


def cli_date(value: str, now: dt.date, option: str) -> dt.date:
    try:
        return parse_cli_date(value, now)
    except DateProblem as exc:
        raise BadInputError(f"{option}: {exc}", hint=exc.hint) from None


def format_option(choices=FORMATS, default="table", help="Output format."):
    """The one ``--format`` of every command (docs/commands.md, "Output formats").

    Listing commands take the defaults (table, json, csv, markdown); a
    document-like command passes its own choices.  Choices are not
    case-sensitive; the value reaches the command as ``fmt``.
    """
    return click.option("--format", "fmt", type=click.Choice(choices, case_sensitive=False),
                        default=default, show_default=True, help=help)


def warn(problems: list[Problem]) -> None:
    """Warnings go to stderr, one line each, so stdout stays pure data."""
    for problem in problems:
        click.echo(f"onenotes: {clean(problem.format())}", err=True)


# ------------------------------------------------------------ completion ---
# Called by click while the shell asks for completions (_ONENOTES_COMPLETE is
# set), with a context parsed leniently and no command run.  They read as
# little as they can, and never raise or print: whatever goes wrong, the shell
# just gets no suggestions.  click.shell_completion is imported only here, where
# it is used, so that running a command does not load it.


def _completion_root(ctx: click.Context) -> str:
    top = ctx.find_root()
    notebook = top.params.get("notebook") or (top.obj or {}).get("notebook")
    return find_root(notebook, os.environ.get("ONENOTES_NOTEBOOK"), os.getcwd())


@contextlib.contextmanager
def _quiet():
    """Nothing printed reaches the shell, which reads the completions on stdout."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


def complete_rep(ctx: click.Context, param: click.Parameter, incomplete: str):
    """Rep slugs (folders and reps in onenotes.yaml), with their display names as help.

    Reads folder names and onenotes.yaml only, no note.  Use it as
    ``shell_complete=complete_rep`` on a REP argument or a --rep option.
    """
    try:
        from click.shell_completion import CompletionItem

        with _quiet():
            root = _completion_root(ctx)
            names = {slug: display_name(slug) for slug in scan(root).rep_dirs}
            try:
                names.update({slug: rep.name for slug, rep in load_config(root).reps.items()})
            except Exception:  # a broken onenotes.yaml: the folders still complete
                pass
            typed = fold_name(incomplete)
            return [CompletionItem(slug, help=clean(names[slug]))
                    for slug in sorted(names) if fold_name(slug).startswith(typed)]
    except Exception:
        return []


def complete_note(ctx: click.Context, param: click.Parameter, incomplete: str):
    """A rep slug, or a note's path once the text holds a '/' (the shell completes files then)."""
    if "/" in incomplete or "\\" in incomplete:
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="file")]
    return complete_rep(ctx, param, incomplete)


def complete_commitment_id(ctx: click.Context, param: click.Parameter, incomplete: str):
    """Ids of open commitments, with their text as help, oldest due first.

    Reads every note (as ``followups`` does).  Ids already on the command line
    are left out; with a ``rep`` parameter given, only that rep's.  Use it as
    ``shell_complete=complete_commitment_id`` on an ID argument.
    """
    try:
        from click.shell_completion import CompletionItem

        with _quiet():
            book = load_notebook(_completion_root(ctx))
            entries = followups_order(open_commitments(build_ledger(book.notes)))
            rep = ctx.params.get("rep")
            if isinstance(rep, str) and rep:
                slug = book.resolve(rep)
                entries = [e for e in entries if e.rep == slug]
            given = ctx.params.get(param.name) if param.name else None
            given = set(given) if isinstance(given, (list, tuple)) else set()
            typed = incomplete.lower()
            seen: set[str] = set()
            items = []
            for e in entries:
                if e.id in given or e.id in seen or not e.id.lower().startswith(typed):
                    continue
                seen.add(e.id)
                items.append(CompletionItem(e.id, help=clean(f"{e.rep}: {e.text}")))
            return items
    except Exception:
        return []


def clean_diff(text: str) -> str:
    """The diff as it is for a pipe (so `git apply` takes it); on a terminal,
    with escapes and control characters removed from each line."""
    if not sys.stdout.isatty():
        return text
    return "".join(clean(line) + "\n" for line in text.split("\n")[:-1])
