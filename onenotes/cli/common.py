"""What the command modules share: finding the notebook, dates, formats, warnings."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from onenotes.config import Config
from onenotes.dates import DateProblem, parse_cli_date, today_in
from onenotes.errors import BadInputError, Problem
from onenotes.notebook import Notebook, find_root, load_notebook
from onenotes.output import FORMATS, clean


def notebook_root(ctx: click.Context) -> Path:
    obj = ctx.find_root().obj or {}
    return find_root(obj.get("notebook"), os.environ.get("ONENOTES_NOTEBOOK"), Path.cwd())


def use_cache(ctx: click.Context) -> bool:
    """False with ``--no-cache`` or ``ONENOTES_NO_CACHE`` set to anything but empty or 0."""
    obj = ctx.find_root().obj or {}
    return not (obj.get("no_cache") or os.environ.get("ONENOTES_NO_CACHE", "") not in ("", "0"))


def open_notebook(ctx: click.Context) -> Notebook:
    """The notebook of this run, its notes read through the cache unless told not to."""
    return load_notebook(notebook_root(ctx), cache=use_cache(ctx))


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
        raise BadInputError(f"{option}: {exc}") from None


def format_option(choices=FORMATS, default="table"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


def warn(problems: list[Problem]) -> None:
    """Warnings go to stderr, one line each, so stdout stays pure data."""
    for problem in problems:
        click.echo(f"onenotes: {clean(problem.format())}", err=True)
