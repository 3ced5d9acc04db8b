"""One --format for every listing command, colour only where it belongs, --version."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import TODAY, write
from onenotes import __version__
from onenotes.cli import COMMANDS, cli as group
from onenotes.views.formats import FORMATS, Column, render, use_color

LISTING = [name for name in COMMANDS
           if any(p.name == "fmt" and "table" in getattr(p.type, "choices", ()) for p in
                  group.get_command(click.Context(group), name).params)]


def _format_param(name):
    command = group.get_command(click.Context(group), name)
    return next((p for p in command.params if "--format" in getattr(p, "opts", ())), None)


def test_the_listing_commands_are_the_ones_documented():
    assert {"followups", "commitments", "accountability", "cadence", "kpis"} <= set(LISTING)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_format_option_is_the_shared_one(name):
    param = _format_param(name)
    if param is None:
        return
    assert param.name == "fmt" and param.opts == ["--format"]
    assert isinstance(param.type, click.Choice) and param.show_default
    if name in LISTING:  # made by onenotes.cli.common.format_option(); rollup adds its page (html)
        assert tuple(param.type.choices)[:len(FORMATS)] == FORMATS and param.default == "table"
        assert set(param.type.choices[len(FORMATS):]) <= {"html"}
        assert not param.type.case_sensitive and param.help.startswith("Output format")


@pytest.mark.parametrize("name", LISTING)
def test_json_csv_markdown_and_table_carry_the_same_rows(cli, example_notebook, name):
    def run(fmt):
        result = cli("--notebook", example_notebook, name, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    records = json.loads(run("json"))
    assert isinstance(records, list) and records and all(isinstance(r, dict) for r in records)
    rows = list(csv.DictReader(io.StringIO(run("csv"))))
    assert len(rows) == len(records)
    assert list(rows[0]) == list(records[0])
    for row, record in zip(rows, records):
        for key, value in record.items():
            if isinstance(value, bool):
                assert row[key] == ("true" if value else "false")
            elif isinstance(value, (int, float, str)):
                assert row[key].lstrip("'") == str(value), (key, row[key], value)
            elif value is None:
                assert row[key] == ""
    markdown = run("markdown").splitlines()
    assert len(markdown) == len(records) + 2 and markdown[1].startswith("| -")
    table = run("table").splitlines()
    assert len(table) == len(records) + 1
    assert run("JSON") == run("json")  # not case-sensitive


def test_csv_cells_are_plain_values_and_never_formulas():
    rows = [{"text": "=HYPERLINK(\"http://x\")", "n": 25000, "ok": True, "gap": None,
             "trend": [1, None], "note": "a\x1b[31mred"}]
    text = render(rows, [Column("text", "TEXT")], "csv", keys=["text", "n", "ok", "gap", "trend", "note"])
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == ["text", "n", "ok", "gap", "trend", "note"]
    assert row == ["'=HYPERLINK(\"http://x\")", "25000", "true", "", "[1,null]", "ared"]


def test_csv_of_no_rows_still_has_its_header(cli, tmp_path):
    result = cli("--notebook", tmp_path, "followups", "--format", "csv")
    assert result.stdout.startswith("id,rep,text,owner,due,")


class _Stream:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


@pytest.mark.parametrize("env, tty, expected", [
    ({}, True, True),
    ({}, False, False),
    ({"NO_COLOR": "1"}, True, False),
    ({"NO_COLOR": ""}, True, True),  # no-color.org: an empty value does not count
    ({"FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": "0"}, False, False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),  # NO_COLOR wins
])
def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch, env, tty, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert use_color(_Stream(tty)) is expected


@pytest.mark.parametrize("name", LISTING)
def test_force_color_colours_tables_only_and_no_color_wins(cli, example_notebook, name):
    table = cli("--notebook", example_notebook, name, env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[1m" in table
    for fmt in ("json", "csv", "markdown"):
        assert "\x1b[" not in cli("--notebook", example_notebook, name, "--format", fmt,
                                  env={"FORCE_COLOR": "1"}).stdout
    plain = cli("--notebook", example_notebook, name, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in plain


def test_table_columns_line_up_for_accented_and_cjk_rep_names(cli, notebook):
    """An NFD folder name (combining accents) and a CJK name: columns align on screen."""
    import unicodedata

    def display_width(text):  # an oracle independent of onenotes.views.formats
        return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) == "W" else 1
                   for c in text)

    for folder in (unicodedata.normalize("NFD", "josé-garcía"), "李雷"):
        write(notebook / folder / "2026-11-16.md", "---\n---\n")
    out = cli("--notebook", notebook, "reps", "--today", TODAY).stdout.splitlines()
    starts = {display_width(line[:line.index("2026-11-16")]) for line in out[1:] if "2026-11-16" in line}
    assert len(starts) == 1, out


def test_version_prints_the_package_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"onenotes, version {__version__}\n"


def test_python_dash_m_onenotes_is_the_same_command(example_notebook):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "onenotes", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout) == (0, f"onenotes, version {__version__}\n")
    usage = subprocess.run([sys.executable, "-m", "onenotes", "kpis", "--help"], capture_output=True,
                           text=True, timeout=60)
    assert usage.stdout.startswith("Usage: onenotes kpis ")  # not "python -m onenotes" or "__main__.py"


# to_json writes lists of flat records with the C encoder; it must write exactly
# what json.dumps(indent=2) writes, for every record a command could print.
_json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                          st.floats(allow_nan=True, allow_infinity=True),
                          st.dates(), st.datetimes())
_json_values = st.one_of(_json_scalars, st.lists(_json_scalars, max_size=3),
                         st.dictionaries(st.text(max_size=5), _json_scalars, max_size=3))


@given(st.lists(st.dictionaries(st.text(max_size=8), st.one_of(_json_scalars, _json_scalars, _json_values),
                                max_size=6), max_size=5))
def test_json_output_is_exactly_what_json_dumps_indent_2_writes(records):
    from onenotes.views.formats import _json_default, to_json

    expected = json.dumps(records, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    assert to_json(records) == expected


# clean() and clean_block() skip the pattern for printable text; they must strip
# exactly what the pattern strips, whatever the text.
_terminal_text = st.text(alphabet=st.one_of(
    st.sampled_from(["\x1b", "[", "]", "\\", "\x07", ";", "?", "0", "m", "\t", "\n", "\r", "\x00", "\x7f",
                     "\x85", "\x9b", "\u200b", "\u200e", "\u202e", "\u2066", "\u00a0", "é", " ", "a"]),
    st.characters()), max_size=40)


@given(_terminal_text)
def test_clean_strips_exactly_what_the_unsafe_pattern_matches(text):
    import re

    from onenotes.views.formats import UNSAFE_PATTERN, clean, clean_block

    stripped = re.compile(UNSAFE_PATTERN).sub("", text)
    assert clean_block(text) == stripped
    assert clean(text) == stripped.replace("\t", " ").replace("\n", " ")
