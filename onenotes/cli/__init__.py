"""The command line: a thin click layer over the core.

Each command lives in its own module and is imported only when it runs, so
``onenotes --help`` stays fast.  Every :class:`OnenotesError` becomes a message
on stderr and its exit code here, in :func:`main`, and nowhere else.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from onenotes import __version__

COMMANDS = {
    "init": ("onenotes.cli.init", "Create a notebook: a commented onenotes.yaml and a .gitignore."),
    "new": ("onenotes.cli.new", "Write the next one-on-one agenda for a rep."),
    "prep": ("onenotes.cli.prep", "A form for a rep to fill in before the one-on-one."),
    "followups": ("onenotes.cli.followups", "List every open commitment, overdue first."),
    "check": ("onenotes.cli.check", "Lint every note and the config (for pre-commit hooks)."),
    "commitments": ("onenotes.cli.commitments", "The history of each commitment: carried, slipped, kept."),
    "accountability": ("onenotes.cli.accountability", "Per rep: commitments kept on time, late, dropped, open."),
    "brief": ("onenotes.cli.brief", "A one-screen pre-meeting brief for a rep, as Markdown."),
    "cadence": ("onenotes.cli.cadence", "Cadence health: who has had their one-on-ones, who is overdue."),
    "kpis": ("onenotes.cli.kpis", "Each rep's KPIs against goal: latest, attainment, change, trend."),
    "share": ("onenotes.cli.share", "A copy of a note for the rep, without the private parts."),
    "ics": ("onenotes.cli.ics", "An iCalendar file: the one-on-ones, and open commitments as to-dos."),
    "reps": ("onenotes.cli.reps", "Every rep with their last and next meeting and open commitments."),
    "edit": ("onenotes.cli.edit", "Open a rep's latest note in your editor."),
    "report": ("onenotes.cli.report", "The team dashboard as one self-contained HTML page (or Markdown)."),
    "review": ("onenotes.cli.review", "A draft of a rep's performance review over a quarter, from the notes."),
    "done": ("onenotes.cli.done", "Mark commitments done in the rep's latest note (a one-line edit)."),
    "drop": ("onenotes.cli.drop", "Mark commitments dropped, with an optional reason."),
    "import-metrics": ("onenotes.cli.import_metrics", "Write KPI actuals from a CRM report (CSV) into the notes."),
    "rollup": ("onenotes.cli.rollup", "A director's roll-up across managers' notebooks: cadence, coaching, follow-through."),
}


class ReaderGone(Exception):
    """stdout's reader went away (``| head``); raised past click, which would exit 1."""


def _onenotes_error() -> type:
    """The error family, imported only once something was raised: ``--help`` needs none of it.

    Python evaluates an ``except`` clause's class only when an exception reaches it.
    """
    from onenotes.errors import OnenotesError

    return OnenotesError


def _help_width(max_width: int | None) -> int:
    """The width click's help formatter would choose, without importing shutil (and with it
    bz2, lzma and zlib: a few milliseconds) only to ask how wide the terminal is: ``COLUMNS``,
    else the terminal on stdout, else 80 columns (what ``shutil.get_terminal_size`` says)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return max(min(columns, 80 if max_width is None else max_width) - 2, 50)


class _Context(click.Context):
    def make_formatter(self) -> click.HelpFormatter:
        if self.terminal_width is None and click.formatting.FORCED_WIDTH is None:
            return self.formatter_class(width=_help_width(self.max_content_width), max_width=self.max_content_width)
        return super().make_formatter()


class LazyGroup(click.Group):
    context_class = _Context

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise ReaderGone() from None

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name][0])
        return module.command

    def format_commands(self, ctx, formatter):
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--notebook", "notebook", metavar="DIR", envvar=None, type=click.Path(file_okay=False),
              help="The notebook folder. Default: $ONENOTES_NOTEBOOK, else the nearest "
                   "folder upwards holding onenotes.yaml, else the current folder.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Read every note afresh instead of using the cache of parsed notes "
                   "(NOTEBOOK/.onenotes/cache). Also: ONENOTES_NO_CACHE=1.")
@click.version_option(__version__, "--version", prog_name="onenotes")
@click.pass_context
def cli(ctx: click.Context, notebook: str | None, no_cache: bool) -> None:
    """Weekly sales one-on-ones as plain Markdown files.

    Keeps each meeting as REP/YYYY-MM-DD.md with YAML frontmatter: the rep's
    KPIs against goal, and the commitments (homework) carried from week to week.
    """
    ctx.obj = {"notebook": notebook, "no_cache": no_cache}


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into messages and exit codes.

    Called with no ``argv`` (the ``onenotes`` command, ``python -m onenotes``), it
    ends the process itself once the output is flushed (see :func:`_end`); with
    ``argv`` (tests, scripts), it raises SystemExit as usual."""
    if argv is not None:
        _run(argv)  # raises SystemExit
        return
    try:
        _run(None)
    except SystemExit as exc:
        code = exc.code
    _end(code if isinstance(code, int) else 0 if code is None else 1)


def _end(code: int) -> None:
    """End the process now, with ``code``, once what was printed is flushed.

    Python's own exit would first free every object one by one (after a first run
    over 10,000 notes, about 15 ms) and run exit handlers; onenotes registers none,
    and has no child process and no write left pending by then: notes are written
    and closed by the commands that write them, and the cache commits each of its
    writes before the call that made it returns."""
    try:
        if sys.stdout is not None:  # None when started with its output closed (`>&-`)
            sys.stdout.flush()
    except BrokenPipeError:  # the reader went away: as main() does for a write
        pass
    except (OSError, ValueError) as exc:  # /dev/full, a full disk, a closed stream
        from onenotes.errors import WriteError

        try:
            if sys.stderr is not None:
                sys.stderr.write(f"onenotes: error: {getattr(exc, 'strerror', None) or exc}\n")
        except (OSError, ValueError):
            pass
        code = code or WriteError.exit_code
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _run(argv: list[str] | None) -> None:
    for stream in (sys.stdout, sys.stderr):  # a path that is not UTF-8 prints as its bytes
        try:
            stream.reconfigure(errors="surrogateescape")
        except (AttributeError, ValueError, OSError):
            pass
    try:
        # Without standalone mode, click returns ctx.exit()'s code instead of exiting.
        code = cli.main(args=argv, prog_name="onenotes", standalone_mode=False)
    except _onenotes_error() as exc:
        from onenotes.views.formats import clean_block

        message = f"onenotes: error: {exc.message}"
        if exc.hint:
            message += f"\n  hint: {exc.hint}"
        click.echo(clean_block(message), err=True)  # values from notes: no terminal escapes
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("onenotes: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except (BrokenPipeError, ReaderGone):
        # The reader went away (e.g. `| head`): not an error, exit 0 as `cat` would.
        # What is still buffered goes to /dev/null, so the flush at exit cannot fail.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.dup2(devnull, sys.stderr.fileno())
        except (OSError, ValueError):
            pass
        sys.exit(0)
    except OSError as exc:
        # The output cannot be written (`> /dev/full`, a full disk), or a file failed in a
        # way the core did not foresee: a message and exit 4, never a traceback.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        message = exc.strerror or str(exc)
        if exc.filename:
            message = f"{exc.filename}: {message}"
        try:
            click.echo(f"onenotes: error: {message}", err=True)
        except OSError:
            pass
        from onenotes.errors import WriteError

        sys.exit(WriteError.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
