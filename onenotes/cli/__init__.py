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
from onenotes.errors import OnenotesError

COMMANDS = {
    "init": ("onenotes.cli.init", "Create a notebook: a commented onenotes.yaml and a .gitignore."),
    "new": ("onenotes.cli.new", "Write the next one-on-one agenda for a rep."),
    "followups": ("onenotes.cli.followups", "List every open commitment, overdue first."),
    "check": ("onenotes.cli.check", "Lint every note and the config (for pre-commit hooks)."),
    "commitments": ("onenotes.cli.commitments", "The history of each commitment: carried, slipped, kept."),
    "accountability": ("onenotes.cli.accountability", "Per rep: commitments kept on time, late, dropped, open."),
    "brief": ("onenotes.cli.brief", "A one-screen pre-meeting brief for a rep, as Markdown."),
    "cadence": ("onenotes.cli.cadence", "Cadence health: who has had their one-on-ones, who is overdue."),
    "kpis": ("onenotes.cli.kpis", "Each rep's KPIs against goal: latest, attainment, change, trend."),
}


class LazyGroup(click.Group):
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
@click.option("--notebook", "notebook", metavar="DIR", envvar=None,
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
    """Entry point: run the CLI and turn errors into messages and exit codes."""
    try:
        # Without standalone mode, click returns ctx.exit()'s code instead of exiting.
        code = cli.main(args=argv, prog_name="onenotes", standalone_mode=False)
    except OnenotesError as exc:
        message = f"onenotes: error: {exc.message}"
        if exc.hint:
            message += f"\n  hint: {exc.hint}"
        click.echo(message, err=True)
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
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)
