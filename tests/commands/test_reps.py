"""onenotes reps: every rep at a glance."""

from __future__ import annotations

import json

from conftest import TODAY, note_text, write


def test_reps_lists_last_and_next_meeting_with_open_and_overdue_counts(cli, acme):
    result = cli("--notebook", acme, "reps", "--today", TODAY)
    assert result.exit_code == 0
    assert result.stdout == (
        "REP           NAME          NOTES  LAST        NEXT        OPEN  OVERDUE\n"
        "alice-nguyen  Alice Nguyen      8  2026-11-16  2026-11-23     9        4\n"
        "bob-okafor    Bob Okafor        7  2026-11-16  2026-11-23    10        5\n"
        "carla-mendes  Carla Mendes      8  2026-11-16  2026-11-23    10        6\n")


def test_reps_counts_agree_with_followups(cli, acme):
    rows = json.loads(cli("--notebook", acme, "reps", "--today", TODAY, "--format", "json").stdout)
    follow = json.loads(cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json").stdout)
    for row in rows:
        mine = [f for f in follow if f["rep"] == row["rep"]]
        assert row["open"] == len(mine)
        assert row["overdue"] == sum(1 for f in mine if f["overdue"])
    assert list(rows[0]) == ["rep", "name", "notes", "last_meeting", "next_meeting", "next_planned",
                             "next_note", "open", "overdue"]


def test_reps_shows_an_agenda_already_written_and_reps_without_notes(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text())
    write(notebook / "ann" / "2026-11-25.md", note_text(date="2026-11-25"))
    (notebook / "ben").mkdir()
    result = cli("--notebook", notebook, "reps", "--today", TODAY, "--format", "csv")
    assert result.stdout == (
        "rep,name,notes,last_meeting,next_meeting,next_planned,next_note,open,overdue\n"
        "ann,Ann Lee,2,2026-11-16,2026-11-25,true,ann/2026-11-25.md,0,0\n"
        "ben,Ben,0,,2026-11-23,false,,0,0\n")
