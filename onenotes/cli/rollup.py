"""``onenotes rollup``: a director's roll-up across managers' notebooks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from onenotes.cli.common import cli_date, format_option, use_cache
from onenotes.dates import today_in
from onenotes.errors import BadInputError
from onenotes.views.formats import FORMATS, clean, use_color

ROLLUP_FORMATS = (*FORMATS, "html")


@click.command("rollup")
@click.argument("notebooks", nargs=-1, metavar="[NOTEBOOK]...")
@click.option("--config", "config_path", metavar="FILE",
              help="A rollup.yaml listing the notebooks (name, path, optional remote). "
                   "Default: ./rollup.yaml when no NOTEBOOK is given.")
@click.option("--pull", is_flag=True,
              help="First bring each notebook's git clone up to date (git pull --ff-only; "
                   "a missing clone is cloned from its remote in rollup.yaml).")
@click.option("--today", "today_text", metavar="DATE", help="The roll-up's date (default: today).")
@format_option(ROLLUP_FORMATS, help="Output format: a table, json, csv, markdown, or one "
                                    "self-contained HTML page.")
@click.option("--out", "out", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write it to FILE (a roll-up written there before is replaced; any other file is "
                   "refused). Default: print it on stdout.")
@click.pass_context
def command(ctx, notebooks, config_path, pull, today_text, fmt, out):
    """A director's roll-up: each manager's one-on-ones, coaching hours and follow-through.

    One row per notebook (a manager's team) and a total: one-on-ones held
    against expected over the last 4 and 13 weeks, coaching hours per rep this
    month and last against the notebook's target, reps overdue for a one-on-one,
    the reps' commitments kept on time, reps below goal by diagnosis, the
    output KPIs every notebook tracks, and the newest note. It shows figures
    only: no rep's name and no word of any note.
    """
    from onenotes.reading.rollup import read_rollup_config, read_teams
    from onenotes.rules.rollup_config import ROLLUP_NAME, from_paths
    from onenotes.views.rollup import build_rollup

    given = (ctx.find_root().obj or {}).get("notebook")  # the global --notebook: a roll-up of that one
    if sum(map(bool, (notebooks, config_path, given))) > 1:
        raise BadInputError("give the notebooks, --config or --notebook, not two of them")
    notebooks = notebooks or ((given,) if given else ())
    if out is not None and out.endswith(("/", os.sep)):
        raise click.BadParameter(f"{clean(out)} names a folder; give a file name such as "
                                 f"{clean(out)}rollup.html", param_hint="'--out'")
    fmt = fmt.lower()
    if notebooks:
        config = from_paths(list(notebooks), os.getcwd())
    else:
        if config_path is None and not os.path.isfile(ROLLUP_NAME):
            raise BadInputError("no notebooks to roll up",
                                hint=f"give their folders (onenotes rollup west north), or list them in "
                                     f"{ROLLUP_NAME} here or in --config FILE")
        config = read_rollup_config(config_path or ROLLUP_NAME)
    now = today_in(None)
    day = now if today_text is None else cli_date(today_text, now, "--today")
    pulled = _pull(config) if pull else {}
    teams = read_teams(config, day, cache=use_cache(ctx))
    for team in teams:
        team.pulled = pulled.get(team.entry.name)
    rollup = build_rollup(config.title, teams, day)
    _warn(rollup)
    if fmt == "html":
        from onenotes.views.rollup.page import render_html

        text = render_html(rollup)
    else:
        from onenotes.views.rollup.output import render_text

        text = render_text(rollup, fmt, color=out is None and use_color(sys.stdout))
    if out is None:
        click.echo(text, nl=False, color=fmt == "table" and use_color(sys.stdout))
        return
    from onenotes.views.rollup.output import write_rollup

    write_rollup(Path(out), text, fmt, rollup)
    click.echo(f"wrote {clean(out)}", err=True)


def _pull(config) -> dict[str, str]:
    """``git pull --ff-only`` in each clone, one line each on stderr; what each did."""
    from onenotes.changes.pull import pull

    done = {}
    for entry in config.notebooks:
        result = pull(entry.path, entry.remote, config.folder)
        done[entry.name] = result.message
        tail = "; read as it is" if not result.ok and os.path.isdir(entry.path) else ""
        click.echo(clean(f"onenotes: {entry.name}: {result.message}{tail}"), err=True)
    return done


def _warn(rollup) -> None:
    """What keeps a figure from counting, per notebook, and what differs between them (stderr).

    A problem is named by its file and line, never by its message: a message
    may quote the note, and the roll-up shows no note's words."""
    from onenotes.text import plural
    from onenotes.views.rollup import differences

    for team in rollup.teams:
        name = team.entry.name
        if team.error:
            click.echo(clean(f"onenotes: {name}: not read: {team.error} ({team.entry.path}); "
                             "left out of the total"), err=True)
            continue
        for problem in team.unread:
            click.echo(clean(f"onenotes: {name}: {problem.location()}: not read ({problem.code}); "
                             f"{name} is left out of the total (`onenotes check` in that notebook says why)"),
                       err=True)
    warned = [t for t in rollup.teams if t.warnings and not t.error]
    if warned:  # one line for all: they are the managers' to fix, and a region has many
        counts = "; ".join(f"{t.entry.name}: {t.warnings}" for t in warned)
        click.echo(clean(f"onenotes: warnings about the notes of {plural(len(warned), 'notebook')} ({counts}); "
                         "`onenotes check` in a notebook lists its own"), err=True)
    for text in differences(rollup):
        click.echo(clean(f"onenotes: {text}"), err=True)
