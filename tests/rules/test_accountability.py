"""Commitment history and accountability (issue 3, third part)."""

from __future__ import annotations

import datetime as dt
import json

from conftest import TODAY, note_text, write
from onenotes.rules.accountability import accountability
from onenotes.views.commitments import commitments
from onenotes.reading.notebook import load_notebook


def test_a_slipping_commitment_shows_every_due_date_change(cli, example_notebook):
    result = cli("--notebook", example_notebook, "commitments", "bob", "--format", "json", "--today", TODAY)
    row = next(r for r in json.loads(result.stdout) if r["id"] == "bob-freight-prospect-list")
    assert (row["since"], row["times_carried"], row["slips"]) == ("2026-10-19", 3, 3)
    assert [(c["from"], c["to"]) for c in row["due_changes"]] == [
        ("2026-10-23", "2026-11-06"), ("2026-11-06", "2026-11-13"), ("2026-11-13", "2026-11-20")]
    assert row["escalate"] is True  # carried more than escalate_after (2 in the example)


def test_closed_commitments_say_when_and_whether_on_time(notebook):
    """Closed at the 11-09 meeting without a date: "a", due after it, on time; "b", due
    between the two meetings, done on a date unknown (issue 16: never late)."""
    write(notebook / "ann" / "2026-11-02.md", note_text(date="2026-11-02", commitments=(
        "  - {id: a, text: Early, due: 2026-11-10}\n  - {id: b, text: Late, due: 2026-11-03}\n"
        "  - {id: c, text: Gone, due: 2026-11-03}\n")))
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", commitments=(
        "  - {id: a, text: Early, due: 2026-11-10, status: done}\n"
        "  - {id: b, text: Late, due: 2026-11-03, status: done}\n"
        "  - {id: c, text: Gone, due: 2026-11-03, status: dropped}\n"),
        body="- [x] Body task done early 📅 2026-11-20 ✅ 2026-11-05\n"))
    book = load_notebook(notebook)
    rows = {r["id"]: r for r in commitments(book, today=dt.date(2026, 11, 23), status="all")}
    assert (rows["a"]["closed_on"], rows["a"]["kept_on_time"]) == ("2026-11-09", True)
    assert (rows["b"]["closed_on"], rows["b"]["kept_on_time"], rows["b"]["timeliness"]) == \
        ("2026-11-09", None, "unknown")
    assert (rows["c"]["status"], rows["c"]["kept_on_time"]) == ("dropped", None)
    body = next(r for r in rows.values() if r["text"] == "Body task done early")
    assert body["closed_on"] == "2026-11-05"  # the explicit done date wins
    [ann] = accountability(book, today=dt.date(2026, 11, 23))
    assert (ann.made, ann.kept_on_time, ann.kept_late, ann.done_date_unknown, ann.dropped, ann.open) == \
        (4, 2, 0, 1, 1, 0)
    assert ann.kept_on_time_rate == 1.0


def test_accountability_table_and_since_filter(cli, example_notebook):
    result = cli("--notebook", example_notebook, "accountability", "--today", TODAY)
    assert result.exit_code == 0
    header, *lines = result.stdout.splitlines()
    assert header.split()[:4] == ["REP", "OWNER", "MADE", "ON"] and len(lines) == 3
    later = json.loads(cli("--notebook", example_notebook, "accountability", "bob", "--since", "2026-11-01",
                           "--format", "json", "--today", TODAY).stdout)
    everything = json.loads(cli("--notebook", example_notebook, "accountability", "bob",
                                "--format", "json", "--today", TODAY).stdout)
    assert later[0]["made"] < everything[0]["made"]
    assert everything[0]["open_overdue"] == 5 and everything[0]["escalate"] == 1


def test_followups_flags_commitments_to_escalate(cli, example_notebook):
    table = cli("--notebook", example_notebook, "followups", "--rep", "bob", "--today", TODAY).stdout
    line = next(l for l in table.splitlines() if "bob-freight-prospect-list" in l)
    assert "3d overdue, escalate" in line


def test_new_shows_how_often_a_carried_commitment_slipped(cli, acme):
    cli("--notebook", acme, "new", "bob", "--today", TODAY)
    text = (acme / "bob-okafor" / "2026-11-23.md").read_text()
    line = next(l for l in text.splitlines() if "bob-freight-prospect-list" in l and l.startswith("- "))
    assert "due date moved 3 times" in line and "time to escalate" in line
