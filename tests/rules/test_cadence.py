"""`onenotes cadence`: cadence health (issue 3, fourth part)."""

from __future__ import annotations

import datetime as dt
import json

from conftest import TODAY, note_text, write
from onenotes.rules.cadence import cadence_health
from onenotes.reading.notebook import load_notebook


def rows(cli, root, *args):
    result = cli("--notebook", root, "cadence", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return {r["rep"]: r for r in json.loads(result.stdout)}


def test_cadence_of_the_example_team(cli, example_notebook):
    got = rows(cli, example_notebook, "--today", TODAY)
    bob, carla = got["bob-okafor"], got["carla-mendes"]
    assert (bob["last_meeting"], bob["days_since"], bob["next_due"], bob["overdue"]) == \
        ("2026-11-16", 7, "2026-11-23", False)
    assert (bob["missed_last_quarter"], bob["streak"]) == (1, 3)  # the week of 2026-10-26
    assert (carla["missed_last_quarter"], carla["streak"]) == (0, 8)  # a moved meeting is not a miss
    assert (bob["meetings_this_month"], bob["hours_this_month"]) == (3, 2.75)  # 60 + 45 + 60 min
    assert bob["hours_last_month"] == 3.0 and bob["hours_target"] == 3.0


def test_strict_exits_1_only_when_a_rep_is_overdue(cli, example_notebook):
    ok = cli("--notebook", example_notebook, "cadence", "--today", TODAY, "--strict")
    assert ok.exit_code == 0
    late = cli("--notebook", example_notebook, "cadence", "--today", "2026-12-02", "--strict")
    assert late.exit_code == 1
    assert "9d" in late.stdout
    assert cli("--notebook", example_notebook, "cadence", "--today", "2026-12-02").exit_code == 0


def test_monthly_cadence_and_months_of_different_lengths(notebook):
    cfg = (notebook / "onenotes.yaml").read_text().replace("cadence: weekly\nmeeting_day: monday\n",
                                                          "cadence: monthly\n")
    (notebook / "onenotes.yaml").write_text(cfg)
    write(notebook / "ann" / "2027-01-31.md", note_text(date="2027-01-31") .replace("---\n", "---\nduration_minutes: 90\n", 1))
    write(notebook / "ann" / "2027-02-28.md", note_text(date="2027-02-28"))
    [ann] = cadence_health(load_notebook(notebook), dt.date(2027, 3, 1))
    assert ann.next_due == dt.date(2027, 3, 28)
    assert (ann.meetings_this_month, ann.meetings_last_month) == (0, 1)
    [ann] = cadence_health(load_notebook(notebook), dt.date(2027, 2, 28))
    assert (ann.meetings_this_month, ann.hours_last_month) == (1, 1.5)


def test_a_rep_without_meetings_is_listed_with_gaps(notebook):
    [ann] = cadence_health(load_notebook(notebook), dt.date(2026, 11, 23))
    assert (ann.last_meeting, ann.next_due, ann.overdue, ann.streak) == (None, None, False, 0)


def test_held_against_expected_counts_cadence_periods_and_leaves_the_open_one_out(notebook):
    from onenotes.rules.cadence import held_against_expected

    cfg = load_notebook(notebook).config  # weekly, on Mondays
    dates = [dt.date(2026, 10, 26), dt.date(2026, 11, 4), dt.date(2026, 11, 16)]  # Nov 9 missed; Nov 4 moved
    monday = dt.date(2026, 11, 23)
    # Four weeks back: Oct 26 (held), Nov 2 (held, moved to Wednesday), Nov 9 (missed), Nov 16 (held);
    # the week of Nov 23 is still open: not expected until it is held.
    assert held_against_expected(cfg, dates, monday, 28) == (3, 4)
    assert held_against_expected(cfg, [*dates, monday], monday, 28) == (4, 5)
    # Nothing is expected before the first one-on-one, nor of a rep who never had one.
    assert held_against_expected(cfg, dates, monday, 91) == (3, 4)
    assert held_against_expected(cfg, [], monday, 91) == (0, 0)


def test_expected_less_held_is_what_cadence_counts_as_missed(example_notebook):
    from onenotes.rules.cadence import QUARTER_DAYS, held_against_expected

    book = load_notebook(example_notebook)
    for day in (dt.date(2026, 11, 23), dt.date(2026, 11, 30), dt.date(2026, 10, 28)):
        for health in cadence_health(book, day):
            dates = sorted({n.date for n in book.notes_of(health.rep) if n.date <= day})
            held, expected = held_against_expected(book.config, dates, day, QUARTER_DAYS)
            assert expected - held == health.missed_last_quarter, (health.rep, day)
