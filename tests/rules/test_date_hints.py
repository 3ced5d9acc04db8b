"""A date that does not exist gets a hint naming the real problem (issue 16).

``2026-10-32`` is shaped like a date: "write the date as YYYY-MM-DD" does not
help; "October has 31 days" does.  One rule (``onenotes.dates.date_mistake``)
for every place a date is typed: frontmatter ``date``, ``due``, ``since`` and
``done_on``, task fields and Obsidian emoji dates, configured date formats, note
file names and the ``--date``/``--today``/``--since`` options.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import note_text, write
from onenotes.dates import DateProblem, date_mistake, parse_cli_date, to_date

NOTE = "ann/2026-11-16.md"


@pytest.mark.parametrize("year, month, day, mistake", [
    (2026, 10, 32, "October has 31 days"),
    (2026, 11, 31, "November has 30 days"),
    (2026, 2, 29, "2026 is not a leap year: February has 28 days"),
    (2026, 2, 30, "February has 28 days in 2026"),
    (2028, 2, 30, "February has 29 days in 2028"),
    (1900, 2, 29, "1900 is not a leap year: February has 28 days"),
    (2026, 13, 1, "there is no month 13"),
    (2026, 0, 10, "there is no month 0"),
    (2026, 11, 0, "there is no day 0"),
    (0, 1, 1, "there is no year 0"),
    (2028, 2, 29, None), (2000, 2, 29, None), (2026, 12, 31, None),
])
def test_what_is_wrong_with_a_date_is_said_in_words(year, month, day, mistake):
    assert date_mistake(year, month, day) == mistake


@given(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32))
def test_a_date_has_a_mistake_exactly_when_it_does_not_exist(year, month, day):
    try:
        dt.date(year, month, day)
        exists = True
    except ValueError:
        exists = False
    assert (date_mistake(year, month, day) is None) == exists


@pytest.mark.parametrize("text, formats, hint", [
    ("2026-10-32", (), "October has 31 days"),
    ("2026-13-01", (), "there is no month 13"),
    ("2026-04-31T09:00:00", (), "April has 30 days"),
    ("31.11.2026", ("%d.%m.%Y",), "November has 30 days"),
    ("32.10.2026", ("%d.%m.%Y",), "October has 31 days"),
    ("29.02.", ("%d.%m.",), "2026 is not a leap year: February has 28 days"),  # the meeting's year
    ("11/31/2026", ("%d.%m.%Y", "%m/%d/%Y"), "November has 30 days"),
])
def test_a_date_shaped_like_one_that_does_not_exist_says_why(text, formats, hint):
    with pytest.raises(DateProblem) as raised:
        to_date(text, formats=formats, year=2026)
    assert str(raised.value) == f"{text!r} is not a real date" + (" and time" if "T" in text else "")
    assert raised.value.hint == hint


@pytest.mark.parametrize("text, formats", [("11/30", ()), ("03.04.2026", ()), ("someday", ("%d.%m.%Y",)),
                                           ("2026-11-30T25:00", ())])
def test_a_text_that_is_no_date_at_all_has_no_such_hint(text, formats):
    with pytest.raises(DateProblem) as raised:
        to_date(text, formats=formats, year=2026)
    assert raised.value.hint is None


def test_the_command_line_says_why_a_date_does_not_exist():
    with pytest.raises(DateProblem) as raised:
        parse_cli_date("2026-02-29", dt.date(2026, 11, 23))
    assert (str(raised.value), raised.value.hint) == (
        "'2026-02-29' is not a real date", "2026 is not a leap year: February has 28 days")
    with pytest.raises(DateProblem, match="is not a date: use YYYY-MM-DD"):
        parse_cli_date("next week", dt.date(2026, 11, 23))


# ------------------------------------------------------------------ CLI ---

@pytest.mark.parametrize("option, command", [("--today", ["followups"]), ("--due-before", ["followups"]),
                                             ("--date", ["new", "ann"]), ("--since", ["accountability"])])
def test_a_date_option_that_does_not_exist_is_a_usage_error_that_says_why(cli, notebook, option, command):
    result = cli("--notebook", notebook, *command, option, "2026-10-32")
    assert result.exit_code == 2
    assert result.stderr == f"onenotes: error: {option}: '2026-10-32' is not a real date\n  hint: October has 31 days\n"


def test_check_says_what_is_wrong_with_each_typed_date(cli, notebook):
    write(notebook / NOTE, (
        "---\nrep: ann\ndate: 2026-11-31\n"                                   # 3
        "commitments:\n  - text: Call Acme\n    due: 2026-02-29\n"             # 6
        "  - text: Send the deck\n    status: done\n    done_on: 2026-13-02\n"  # 9
        "---\n"
        "- [ ] Book the demo due: 2026-04-31\n"                                # 11
        "- [ ] Call Globex \U0001F4C5 2026-06-31\n"                            # 12
        "- [x] Update the CRM [completion:: 2026-09-31]\n"))                   # 13
    result = cli("--notebook", notebook, "check", "--format", "json")
    found = [(p["line"], p["code"], p["hint"]) for p in json.loads(result.stdout)["problems"]]
    assert found == [
        (3, "bad-date", "November has 30 days"),
        (6, "commitment-date", "2026 is not a leap year: February has 28 days"),
        (9, "commitment-date", "there is no month 13"),
        (11, "commitment-date", "April has 30 days"),
        (12, "commitment-date", "June has 30 days"),
        (13, "commitment-date", "September has 30 days"),
    ]
    assert result.exit_code == 1


def test_a_configured_format_gets_the_same_hint(cli, notebook):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text() + "date_formats: ['%d.%m.%Y']\n")
    write(notebook / NOTE, note_text(commitments="  - text: Call Acme\n    due: 31.11.2026\n"))
    result = cli("--notebook", notebook, "check")
    assert f"{NOTE}:6: error: due date: '31.11.2026' is not a real date [commitment-date]\n" \
           "    hint: November has 30 days\n" in result.stdout


def test_a_note_named_for_a_day_that_does_not_exist_says_why(cli, notebook):
    write(notebook / "ann" / "2026-02-29.md", note_text(date="2026-02-29"))
    result = cli("--notebook", notebook, "check")
    assert "ann/2026-02-29.md: error: not a note name: 2026-02-29 is not a real date [note-name]\n" \
           "    hint: 2026 is not a leap year: February has 28 days; rename the file\n" in result.stdout
    # (other commands skip it with the same words on stderr)
    assert "2026 is not a leap year" in cli("--notebook", notebook, "followups").stderr
