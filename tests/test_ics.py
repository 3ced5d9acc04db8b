"""onenotes ics: a calendar that parses back, with stable, unique UIDs."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from conftest import TODAY, note_text, write


def events(data: bytes):
    cal = Calendar.from_ical(data)
    return cal, [c for c in cal.walk("VEVENT")]


def test_example_calendar_parses_back_with_a_meeting_per_rep_and_each_due_date(cli, acme):
    result = cli("--notebook", acme, "ics", "--today", TODAY)
    assert result.exit_code == 0
    cal, evs = events(result.stdout_bytes)
    assert str(cal["version"]) == "2.0" and cal["prodid"]
    followups = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    import json
    dated = [r for r in json.loads(followups.stdout) if r["due"]]
    meetings = [e for e in evs if str(e["uid"]).startswith("one-on-one-")]
    due = [e for e in evs if str(e["uid"]).startswith("commitment-")]
    assert len(meetings) == 3 and len(due) == len(dated)
    uids = [str(e["uid"]) for e in evs]
    assert len(set(uids)) == len(uids)
    assert all(u.endswith("@onenotes.invalid") for u in uids)
    bob = next(e for e in meetings if "Bob Okafor" in str(e["summary"]))
    start = bob.decoded("dtstart")
    assert start == dt.datetime(2026, 11, 23, 10, 0, tzinfo=start.tzinfo)
    assert str(bob["dtstart"].params["TZID"]) == "America/Chicago"
    assert bob.decoded("dtend") - start == dt.timedelta(minutes=60)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["America/Chicago"]
    one = next(e for e in due if "bob-freight-prospect-list" in str(e["uid"]))
    assert one.decoded("dtstart") == dt.date(2026, 11, 20)
    assert str(one["transp"]) == "TRANSPARENT"
    assert one.decoded("dtstamp") == dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)


def test_the_file_is_identical_across_runs_and_uids_survive_a_new_due_date(cli, acme):
    first = cli("--notebook", acme, "ics", "--today", TODAY).stdout_bytes
    assert cli("--notebook", acme, "ics", "--today", TODAY).stdout_bytes == first
    note = acme / "bob-okafor" / "2026-11-16.md"
    note.write_text(note.read_text(encoding="utf-8").replace("due: 2026-11-20", "due: 2026-11-27"),
                    encoding="utf-8")
    second = cli("--notebook", acme, "ics", "--today", TODAY).stdout_bytes
    before = {str(e["uid"]): e for e in events(first)[1]}
    after = {str(e["uid"]): e for e in events(second)[1]}
    assert set(before) == set(after)
    uid = "commitment-bob-okafor-bob-freight-prospect-list@onenotes.invalid"
    assert before[uid].decoded("dtstart") == dt.date(2026, 11, 20)
    assert after[uid].decoded("dtstart") == dt.date(2026, 11, 27)


def test_without_meeting_time_meetings_are_all_day_and_without_timezone_floating(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text(
        commitments="  - {id: ann-a, text: Call Globex, due: 2026-11-25}\n"))
    _, evs = events(cli("--notebook", notebook, "ics", "--today", TODAY).stdout_bytes)
    meeting = next(e for e in evs if str(e["uid"]).startswith("one-on-one-"))
    assert meeting.decoded("dtstart") == dt.date(2026, 11, 23)
    assert str(meeting["uid"]) == "one-on-one-ann-2026-11-23@onenotes.invalid"
    with open(notebook / "onenotes.yaml", "a", encoding="utf-8") as fh:
        fh.write("meeting_time: '9:30'\n")
    cal, evs = events(cli("--notebook", notebook, "ics", "--today", TODAY).stdout_bytes)
    meeting = next(e for e in evs if str(e["uid"]).startswith("one-on-one-"))
    assert meeting.decoded("dtstart") == dt.datetime(2026, 11, 23, 9, 30)  # floating: no zone
    assert not cal.walk("VTIMEZONE")


def test_an_agenda_already_written_is_the_next_meeting(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text())
    write(notebook / "ann" / "2026-11-26.md", note_text(date="2026-11-26"))
    _, evs = events(cli("--notebook", notebook, "ics", "--today", TODAY).stdout_bytes)
    meeting = next(e for e in evs if str(e["uid"]).startswith("one-on-one-"))
    assert meeting.decoded("dtstart") == dt.date(2026, 11, 26)
    assert "ann/2026-11-26.md" in str(meeting["description"])


def test_rep_filter_and_odd_rep_names_in_uids(cli, notebook):
    write(notebook / "josé-ruiz" / "2026-11-16.md", note_text(
        rep="josé-ruiz", commitments="  - {id: 'a b;c', text: 'x, y; z', due: 2026-11-30}\n"))
    result = cli("--notebook", notebook, "ics", "--today", TODAY, "--rep", "José Ruiz")
    _, evs = events(result.stdout_bytes)
    uids = sorted(str(e["uid"]) for e in evs)
    assert uids == ["commitment-jos%C3%A9-ruiz-a%20b%3Bc@onenotes.invalid",
                    "one-on-one-jos%C3%A9-ruiz-2026-11-23@onenotes.invalid"]
    due = next(e for e in evs if str(e["uid"]).startswith("commitment-"))
    assert str(due["summary"]) == "Due: x, y; z (José Ruiz)"


def test_out_replaces_an_earlier_calendar_but_never_a_note(cli, acme, tmp_path):
    out = tmp_path / "team.ics"
    result = cli("--notebook", acme, "ics", "--today", TODAY, "--out", out)
    assert result.exit_code == 0 and result.stdout == "" and "wrote" in result.stderr
    cli("--notebook", acme, "ics", "--today", "2026-11-24", "--out", out)
    assert b"DTSTAMP:20261124T000000Z" in out.read_bytes()
    note = acme / "bob-okafor" / "2026-11-16.md"
    before = note.read_bytes()
    refused = cli("--notebook", acme, "ics", "--out", note)
    assert refused.exit_code == 1 and "not a calendar" in refused.stderr
    assert note.read_bytes() == before


def test_meeting_time_is_validated(cli, notebook):
    with open(notebook / "onenotes.yaml", "a", encoding="utf-8") as fh:
        fh.write("meeting_time: 25:00\n")
    result = cli("--notebook", notebook, "ics")
    assert result.exit_code == 3 and "meeting_time '25:00' is not a time of day" in result.stderr


def test_dates_at_the_end_of_the_calendar_do_not_crash(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text(
        commitments="  - {id: ann-a, text: Someday, due: 9999-12-31}\n"))
    result = cli("--notebook", notebook, "ics", "--today", "9999-12-31")
    assert result.exit_code == 0, result.stderr
    _, evs = events(result.stdout_bytes)
    assert {e.decoded("dtstart") for e in evs} == {dt.date(9999, 12, 31)}
