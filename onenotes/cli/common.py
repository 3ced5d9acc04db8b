"""What the command modules share: finding the notebook, dates, formats, warnings."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from onenotes.config import Config
from onenotes.dates import DateProblem, parse_cli_date, today_in
from onenotes.errors import BadInputError, Problem
from onenotes.notebook import find_root
from onenotes.output import FORMATS, clean


def notebook_root(ctx: click.Context) -> Path:
    obj = ctx.find_root().obj or {}
    return find_root(obj.get("notebook"), os.environ.get("ONENOTES_NOTEBOOK"), Path.cwd())


def today(config: Config, value: str | None) -> dt.date:
    """``--today`` or today's date in the notebook's time zone, once per run."""
    now = today_in(ZoneInfo(config.timezone) if config.timezone else None)
    if value is None:
        return now
    return cli_date(value, now, "--today")


def cli_date(value: str, now: dt.date, option: str) -> dt.date:
    try:
        return parse_cli_date(value, now)
    except DateProblem as exc:
        raise BadInputError(f"{option}: {exc}") from None


def format_option(choices=FORMATS, default="table"):
    """The one ``--format`` of every listing command (docs/commands.md, "Output formats").

    Choices are case-insensitive; the value reaches the command as ``fmt``.
    """
    return click.option("--format", "fmt", type=click.Choice(choices, case_sensitive=False),
                        default=default, show_default=True, help="Output format.")


def warn(problems: list[Problem]) -> None:
    """Warnings go to stderr, one line each, so stdout stays pure data."""
    for problem in problems:
        click.echo(f"onenotes: {clean(problem.format())}", err=True)
