"""onenotes ics: one recurring event per rep, a to-do per open commitment.

Every calendar is read back by two parsers that share no code: ``icalendar``
(which writes it) and ``vobject``, whose expansion of the series (dateutil's
rrule, in the time zone it reads from the file's own VTIMEZONE) is compared
with onenotes' schedule: the meetings ``schedule.next_meeting`` proposes one
after the other when each is held on its date.  The VTIMEZONE alone, read by
vobject, keeps zoneinfo's offset at every meeting hour.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import zoneinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from conftest import TODAY, examples, note_text, write
from onenotes.rules.config import parse_cadence
from onenotes.views.ics import build_calendar
from onenotes.views.vtimezone import YEARS, vtimezone
from onenotes.reading.notebook import load_notebook
from onenotes.rules.schedule import next_meeting

D = dt.date
CHICAGO = ZoneInfo("America/Chicago")


def parsed(data: bytes):
    """The calendar by icalendar: (calendar, events, to-dos)."""
    cal = Calendar.from_ical(data)
    return cal, list(cal.walk("VEVENT")), list(cal.walk("VTODO"))


def series_uid(rep: str) -> str:
    return f"one-on-one-{rep}@onenotes.invalid"


def occurrences(data: bytes, uid: str, count: int) -> list:
    """The first ``count`` starts of the series ``uid`` as vobject reads them:
    the master's RRULE expanded, each exception (RECURRENCE-ID) in its place.
    Dates for an all-day series, datetimes otherwise."""
    # vobject keeps the first zone it met for a TZID for the whole process (another file's
    # VTIMEZONE, for other years, or pytz's zone of that name): register this file's own,
    # then read the file again with them.
    text = data.decode("utf-8")
    for zone in getattr(vobject.readOne(text), "vtimezone_list", []):
        vobject.icalendar.registerTzid(zone.tzid.value, zone.gettzinfo())
    cal = vobject.readOne(text)
    mine = [e for e in cal.vevent_list if e.uid.value == uid]
    masters = [e for e in mine if not hasattr(e, "recurrence_id")]
    assert len(masters) == 1
    all_day = not isinstance(masters[0].dtstart.value, dt.datetime)

    def norm(value):
        return value.date() if all_day and isinstance(value, dt.datetime) else value

    moved = {norm(e.recurrence_id.value): norm(e.dtstart.value)
             for e in mine if hasattr(e, "recurrence_id")}
    starts = []
    for start in masters[0].getrruleset():
        starts.append(moved.pop(norm(start), norm(start)))
        if len(starts) == count:
            break
    assert not moved, f"exceptions for dates the series does not have: {moved}"
    return sorted(starts)


def schedule(first: dt.date, cadence: str, meeting_day: int | None, count: int) -> list[dt.date]:
    """onenotes' own dates: ``first``, then each next meeting after the one before."""
    dates = [first]
    while len(dates) < count:
        dates.append(next_meeting(dates[-1], dates[-1], parse_cadence(cadence), meeting_day))
    return dates


def scratch(root: Path, cadence="weekly", meeting_day="monday", meeting_time=None, timezone=None) -> Path:
    """A notebook with one rep, ann, and the given schedule settings."""
    lines = ["manager: Sam Rivera", f"cadence: {cadence}"]
    if meeting_day:
        lines.append(f"meeting_day: {meeting_day}")
    if meeting_time:
        lines.append(f"meeting_time: '{meeting_time}'")
    if timezone:
        lines.append(f"timezone: {timezone}")
    lines += ["reps:", "  ann:", "    name: Ann Lee"]
    write(root / "onenotes.yaml", "\n".join(lines) + "\n")
    (root / "ann").mkdir(exist_ok=True)
    return root


# --- the example notebook ---------------------------------------------------

def test_example_calendar_is_a_weekly_series_per_rep_and_a_todo_per_open_commitment(cli, acme):
    result = cli("--notebook", acme, "ics", "--today", TODAY)
    assert result.exit_code == 0
    data = result.stdout_bytes
    cal, evs, todos = parsed(data)
    assert str(cal["version"]) == "2.0" and cal["prodid"]
    assert sorted(str(e["uid"]) for e in evs) == [
        series_uid("alice-nguyen"), series_uid("bob-okafor"), series_uid("carla-mendes")]
    bob = next(e for e in evs if "Bob Okafor" in str(e["summary"]))
    start = bob.decoded("dtstart")
    assert start == dt.datetime(2026, 11, 23, 10, 0, tzinfo=CHICAGO)
    assert str(bob["dtstart"].params["TZID"]) == "America/Chicago"
    assert bob.decoded("dtend") - start == dt.timedelta(minutes=60)
    assert bob["rrule"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert str(bob["description"]).splitlines() == [
        "Last one-on-one: 2026-11-16", "Open commitments on 2026-11-23: 10 (5 overdue)",
        "Agenda for 2026-11-23: onenotes new bob-okafor"]
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["America/Chicago"]
    # Every open commitment, dated or not, in followups' order, due as followups says.
    followups = json.loads(cli("--notebook", acme, "followups", "--today", TODAY,
                               "--format", "json").stdout)
    assert [str(t["uid"]) for t in todos] == [
        f"commitment-{r['rep']}-{r['id']}@onenotes.invalid" for r in followups]
    assert [t.decoded("due") if "due" in t else None for t in todos] == [
        D.fromisoformat(r["due"]) if r["due"] else None for r in followups]
    assert {str(t["status"]) for t in todos} == {"NEEDS-ACTION"}
    assert {t.decoded("dtstamp") for t in todos} == {dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)}
    one = next(t for t in todos if "bob-freight-prospect-list" in str(t["uid"]))
    assert one.decoded("due") == D(2026, 11, 20) and one["due"].params.get("VALUE") == "DATE"
    assert str(one["summary"]) == ("Build a list of 50 mid-size freight prospects with a named "
                                   "contact at each (Bob Okafor)")
    # The second parser reads the same components.
    other = vobject.readOne(data.decode("utf-8"))
    assert sorted(e.uid.value for e in other.vevent_list) == sorted(str(e["uid"]) for e in evs)
    assert [t.uid.value for t in other.vtodo_list] == [str(t["uid"]) for t in todos]
    assert [getattr(t, "due", None) and t.due.value for t in other.vtodo_list] == [
        t.decoded("due") if "due" in t else None for t in todos]


def test_the_file_is_crlf_with_folded_lines(cli, acme):
    data = cli("--notebook", acme, "ics", "--today", TODAY).stdout_bytes
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


def test_the_series_falls_on_the_schedule_at_ten_oclock_chicago_time_across_both_dst_changes(cli, acme):
    data = cli("--notebook", acme, "ics", "--today", TODAY, "--rep", "bob").stdout_bytes
    starts = occurrences(data, series_uid("bob-okafor"), 60)  # to January 2028
    dates = schedule(D(2026, 11, 23), "weekly", 0, 60)
    assert starts == [dt.datetime.combine(d, dt.time(10), tzinfo=CHICAGO) for d in dates]
    # The instants move with daylight saving time: 16:00 UTC in winter, 15:00 in summer.
    utc = {s.astimezone(dt.timezone.utc).hour for s in starts}
    assert utc == {15, 16}
    spring = next(s for s in starts if s.date() >= D(2027, 3, 14))
    assert spring.date() == D(2027, 3, 15) and spring.astimezone(dt.timezone.utc).hour == 15


def test_uids_and_file_survive_a_rerun_a_new_due_date_and_the_next_week(cli, acme):
    first = cli("--notebook", acme, "ics", "--today", TODAY).stdout_bytes
    assert cli("--notebook", acme, "ics", "--today", TODAY).stdout_bytes == first
    note = acme / "bob-okafor" / "2026-11-16.md"
    note.write_text(note.read_text(encoding="utf-8").replace("due: 2026-11-20", "due: 2026-11-27"),
                    encoding="utf-8")
    write(acme / "alice-nguyen" / "2026-11-23.md", note_text(rep="alice-nguyen", date="2026-11-23"))
    second = cli("--notebook", acme, "ics", "--today", "2026-11-24").stdout_bytes

    def components(data):
        _, evs, todos = parsed(data)
        return {str(c["uid"]): c for c in evs + todos}

    before, after = components(first), components(second)
    assert set(before) == set(after)
    uid = "commitment-bob-okafor-bob-freight-prospect-list@onenotes.invalid"
    assert before[uid].decoded("due") == D(2026, 11, 20)
    assert after[uid].decoded("due") == D(2026, 11, 27)
    # A meeting held: the same series, starting a week later.
    alice = series_uid("alice-nguyen")
    assert before[alice].decoded("dtstart").date() == D(2026, 11, 23)
    assert after[alice].decoded("dtstart").date() == D(2026, 11, 30)


def test_private_commitments_are_todos_without_their_words(cli, acme):
    data = cli("--notebook", acme, "ics", "--today", TODAY).stdout_bytes
    _, _, todos = parsed(data)
    private = [t for t in todos if str(t.get("class", "")) == "PRIVATE"]
    assert [str(t["uid"]) for t in private] == ["commitment-carla-mendes-2e0839da@onenotes.invalid"]
    assert str(private[0]["summary"]) == "A private commitment (Sam Rivera)"
    assert private[0].decoded("due") == D(2026, 11, 27)
    assert b"Northeast" not in data and b"Dana" not in data
    other = vobject.readOne(data.decode("utf-8"))
    assert [t.summary.value for t in other.vtodo_list if hasattr(t, "class")] == [
        "A private commitment (Sam Rivera)"]


def test_commitments_as_events_are_all_day_free_events_on_due_dates(cli, acme):
    data = cli("--notebook", acme, "ics", "--today", TODAY, "--commitments", "events").stdout_bytes
    _, evs, todos = parsed(data)
    assert not todos
    followups = json.loads(cli("--notebook", acme, "followups", "--today", TODAY,
                               "--format", "json").stdout)
    due = [e for e in evs if str(e["uid"]).startswith("commitment-")]
    assert [str(e["uid"]) for e in due] == [
        f"commitment-{r['rep']}-{r['id']}@onenotes.invalid" for r in followups if r["due"]]
    one = next(e for e in due if "bob-freight-prospect-list" in str(e["uid"]))
    assert one.decoded("dtstart") == D(2026, 11, 20) and one.decoded("dtend") == D(2026, 11, 21)
    assert str(one["transp"]) == "TRANSPARENT"
    assert str(one["summary"]).startswith("Due: Build a list of 50")
    private = next(e for e in due if "2e0839da" in str(e["uid"]))
    assert str(private["summary"]) == "Due: a private commitment (Sam Rivera)"
    assert str(private["class"]) == "PRIVATE" and b"Northeast" not in data
    bad = cli("--notebook", acme, "ics", "--commitments", "tasks")
    assert bad.exit_code == 2


# --- cadences, against onenotes' schedule ------------------------------------

@pytest.mark.parametrize("cadence, meeting_day, last, rule", [
    ("weekly", "monday", "2026-11-16", "FREQ=WEEKLY;BYDAY=MO"),
    ("biweekly", "monday", "2026-11-09", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("every 21 days", "thursday", "2026-11-05", "FREQ=WEEKLY;INTERVAL=3;BYDAY=TH"),
    ("weekly", None, "2026-11-18", "FREQ=WEEKLY"),
    ("every 10 days", "monday", "2026-11-16", "FREQ=DAILY;INTERVAL=10"),
    # Monthly on a meeting day: the meeting day nearest a month on is four weeks on.
    ("monthly", "monday", "2026-10-26", "FREQ=WEEKLY;INTERVAL=4;BYDAY=MO"),
    ("monthly", None, "2026-10-27", "FREQ=MONTHLY;BYMONTHDAY=27"),
    # From October 31st, a month on is November 30th.
    ("monthly", None, "2026-10-31", "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1"),
])
@pytest.mark.parametrize("meeting_time", [None, "8:30"])
def test_each_cadence_repeats_on_the_dates_onenotes_proposes(cli, tmp_path, cadence, meeting_day,
                                                             last, rule, meeting_time):
    root = scratch(tmp_path / "nb", cadence, meeting_day, meeting_time, "Europe/Berlin")
    write(root / "ann" / f"{last}.md", note_text(date=last))
    data = cli("--notebook", root, "ics", "--today", TODAY).stdout_bytes
    _, evs, _ = parsed(data)
    assert [e["rrule"].to_ical().decode() for e in evs] == [rule]
    day = {"monday": 0, "thursday": 3, None: None}[meeting_day]
    first = next_meeting(D.fromisoformat(last), D.fromisoformat(TODAY), parse_cadence(cadence), day)
    count = 24
    if cadence == "monthly" and first.day > 28:
        # onenotes goes on a month after a meeting held on a shorter month's last day;
        # the calendar goes back to the day: the same dates until that month.
        count = 4
    dates = schedule(first, cadence, day, count)
    starts = occurrences(data, series_uid("ann"), count)
    if meeting_time:
        assert starts == [dt.datetime.combine(d, dt.time(8, 30), tzinfo=ZoneInfo("Europe/Berlin"))
                          for d in dates]
    else:
        assert starts == dates


def test_monthly_from_the_end_of_a_month_takes_the_last_day_of_shorter_months(cli, tmp_path):
    root = scratch(tmp_path / "nb", "monthly", None)
    write(root / "ann" / "2026-10-30.md", note_text(date="2026-10-30"))
    data = cli("--notebook", root, "ics", "--today", TODAY).stdout_bytes
    assert occurrences(data, series_uid("ann"), 6) == [
        D(2026, 11, 30), D(2026, 12, 30), D(2027, 1, 30), D(2027, 2, 28), D(2027, 3, 30), D(2027, 4, 30)]
    write(root / "ann" / "2026-12-31.md", note_text(date="2026-12-31"))  # the next one: the 31st
    data = cli("--notebook", root, "ics", "--today", TODAY).stdout_bytes
    assert parsed(data)[1][0]["rrule"].to_ical() == b"FREQ=MONTHLY;BYMONTHDAY=-1"
    assert occurrences(data, series_uid("ann"), 4) == [
        D(2026, 12, 31), D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31)]


# --- moved meetings ----------------------------------------------------------

def test_a_meeting_held_on_a_tuesday_starts_the_series_on_the_next_monday(cli, notebook):
    write(notebook / "ann" / "2026-11-17.md", note_text(date="2026-11-17"))
    data = cli("--notebook", notebook, "ics", "--today", "2026-11-18").stdout_bytes
    _, evs, _ = parsed(data)
    assert len(evs) == 1 and "recurrence-id" not in evs[0]
    assert occurrences(data, series_uid("ann"), 3) == [D(2026, 11, 23), D(2026, 11, 30), D(2026, 12, 7)]


@pytest.mark.parametrize("meeting_time", [None, "10:00"])
def test_a_meeting_moved_to_a_thursday_is_an_exception_of_the_monday_series(cli, notebook, meeting_time):
    if meeting_time:
        with open(notebook / "onenotes.yaml", "a", encoding="utf-8") as fh:
            fh.write(f"meeting_time: '{meeting_time}'\ntimezone: America/Chicago\n")
    write(notebook / "ann" / "2026-11-16.md", note_text())
    write(notebook / "ann" / "2026-11-26.md", note_text(date="2026-11-26"))
    data = cli("--notebook", notebook, "ics", "--today", TODAY).stdout_bytes
    _, evs, _ = parsed(data)
    master, moved = evs
    assert {str(e["uid"]) for e in evs} == {series_uid("ann")}
    assert "recurrence-id" not in master and "rrule" not in moved

    def day(prop):
        value = prop.dt
        return value.date() if isinstance(value, dt.datetime) else value

    assert day(master["dtstart"]) == D(2026, 11, 23)  # the Monday it was moved from
    assert day(moved["recurrence-id"]) == D(2026, 11, 23)
    assert day(moved["dtstart"]) == D(2026, 11, 26)
    assert moved["recurrence-id"].params.get("TZID") == master["dtstart"].params.get("TZID")
    assert "Agenda for 2026-11-26: ann/2026-11-26.md" in str(moved["description"])
    expected = schedule(D(2026, 11, 26), "weekly", 0, 5)
    assert expected == [D(2026, 11, 26), D(2026, 11, 30), D(2026, 12, 7), D(2026, 12, 14), D(2026, 12, 21)]
    starts = occurrences(data, series_uid("ann"), 5)
    if meeting_time:
        assert starts == [dt.datetime.combine(d, dt.time(10), tzinfo=CHICAGO) for d in expected]
    else:
        assert starts == expected


def test_a_meeting_moved_to_a_friday_replaces_the_nearest_monday(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text())
    write(notebook / "ann" / "2026-11-27.md", note_text(date="2026-11-27"))
    data = cli("--notebook", notebook, "ics", "--today", TODAY).stdout_bytes
    master, moved = parsed(data)[1]
    assert master.decoded("dtstart") == D(2026, 11, 30) == moved.decoded("recurrence-id")
    assert occurrences(data, series_uid("ann"), 3) == [D(2026, 11, 27), D(2026, 12, 7), D(2026, 12, 14)]


def test_without_a_meeting_day_a_moved_meeting_moves_the_series(cli, tmp_path):
    root = scratch(tmp_path / "nb", "every 10 days", None)
    write(root / "ann" / "2026-11-16.md", note_text())
    write(root / "ann" / "2026-11-28.md", note_text(date="2026-11-28"))
    data = cli("--notebook", root, "ics", "--today", TODAY).stdout_bytes
    _, evs, _ = parsed(data)
    assert len(evs) == 1 and evs[0].decoded("dtstart") == D(2026, 11, 28)
    assert occurrences(data, series_uid("ann"), 3) == [D(2026, 11, 28), D(2026, 12, 8), D(2026, 12, 18)]


CADENCES = st.one_of(st.sampled_from(["weekly", "biweekly", "monthly"]),
                     st.integers(1, 70).map(lambda n: f"every {n} days"))
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@settings(max_examples=examples(60))
@given(cadence=CADENCES, meeting_day=st.none() | st.integers(0, 6),
       meeting_time=st.none() | st.times(dt.time(6), dt.time(20)).map(lambda t: f"{t.hour}:{t.minute:02d}"),
       timezone=st.sampled_from([None, "America/Chicago", "Europe/London", "Australia/Sydney"]),
       last=st.none() | st.dates(D(2000, 1, 1), D(2090, 12, 31)),
       gap=st.integers(0, 50), ahead=st.none() | st.integers(1, 40))
def test_any_series_falls_on_the_dates_onenotes_proposes(cadence, meeting_day, meeting_time, timezone,
                                                         last, gap, ahead):
    """For any cadence, meeting day, last meeting, day of the run and agenda written
    ahead (a moved meeting), the series read by vobject is onenotes' schedule."""
    today = (last or D(2030, 6, 1)) + dt.timedelta(days=gap)
    with tempfile.TemporaryDirectory() as tmp:
        root = scratch(Path(tmp), cadence, DAYS[meeting_day] if meeting_day is not None else None,
                       meeting_time, timezone)
        if last:
            write(root / "ann" / f"{last}.md", note_text(date=last.isoformat()))
        if ahead:
            planned = today + dt.timedelta(days=ahead)
            write(root / "ann" / f"{planned}.md", note_text(date=planned.isoformat()))
        data = build_calendar(load_notebook(root), today)
    first = (today + dt.timedelta(days=ahead) if ahead
             else today if last == today  # (today's meeting, its note written, is not over yet)
             else next_meeting(last, today, parse_cadence(cadence), meeting_day))
    count = 12 if not (cadence == "monthly" and meeting_day is None and first.day > 28) else 2
    dates = schedule(first, cadence, meeting_day, count)
    starts = occurrences(data, series_uid("ann"), count)
    if meeting_time is None:
        assert starts == dates
    else:
        hour, minute = map(int, meeting_time.split(":"))
        zone = ZoneInfo(timezone) if timezone else None
        assert starts == [dt.datetime.combine(d, dt.time(hour, minute), tzinfo=zone) for d in dates]


# --- the rest ----------------------------------------------------------------

def test_without_meeting_time_meetings_are_all_day_and_without_timezone_floating(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text(
        commitments="  - {id: ann-a, text: Call Globex, due: 2026-11-25}\n"
                    "  - {id: ann-b, text: Read the book}\n"))
    _, evs, todos = parsed(cli("--notebook", notebook, "ics", "--today", TODAY).stdout_bytes)
    (meeting,) = evs
    assert meeting.decoded("dtstart") == D(2026, 11, 23)
    assert meeting.decoded("dtend") == D(2026, 11, 24)
    assert str(meeting["uid"]) == "one-on-one-ann@onenotes.invalid"
    # A commitment without a due date is a to-do without DUE.
    assert [(str(t["summary"]), "due" in t) for t in todos] == [
        ("Call Globex (Ann Lee)", True), ("Read the book (Ann Lee)", False)]
    with open(notebook / "onenotes.yaml", "a", encoding="utf-8") as fh:
        fh.write("meeting_time: '9:30'\n")
    cal, evs, _ = parsed(cli("--notebook", notebook, "ics", "--today", TODAY).stdout_bytes)
    assert evs[0].decoded("dtstart") == dt.datetime(2026, 11, 23, 9, 30)  # floating: no zone
    assert not cal.walk("VTIMEZONE")


def test_an_agenda_already_written_on_the_meeting_day_starts_the_series(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text())
    write(notebook / "ann" / "2026-11-30.md", note_text(date="2026-11-30"))
    data = cli("--notebook", notebook, "ics", "--today", TODAY).stdout_bytes
    _, evs, _ = parsed(data)
    (meeting,) = evs
    assert meeting.decoded("dtstart") == D(2026, 11, 30)
    assert "Agenda for 2026-11-30: ann/2026-11-30.md" in str(meeting["description"])


def test_rep_filter_and_odd_rep_names_in_uids(cli, notebook):
    write(notebook / "josé-ruiz" / "2026-11-16.md", note_text(
        rep="josé-ruiz", commitments="  - {id: 'a b;c', text: 'x, y; z', due: 2026-11-30}\n"))
    result = cli("--notebook", notebook, "ics", "--today", TODAY, "--rep", "José Ruiz")
    _, evs, todos = parsed(result.stdout_bytes)
    assert [str(e["uid"]) for e in evs] == ["one-on-one-jos%C3%A9-ruiz@onenotes.invalid"]
    assert [str(t["uid"]) for t in todos] == ["commitment-jos%C3%A9-ruiz-a%20b%3Bc@onenotes.invalid"]
    assert str(todos[0]["summary"]) == "x, y; z (José Ruiz)"
    other = vobject.readOne(result.stdout_bytes.decode("utf-8"))
    assert other.vtodo.summary.value == "x, y; z (José Ruiz)"


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
    _, evs, todos = parsed(result.stdout_bytes)
    assert not evs  # no Monday left
    assert [t.decoded("due") for t in todos] == [D(9999, 12, 31)]
    write(notebook / "ann" / "9999-12-30.md", note_text(date="9999-12-30"))  # a Thursday: moved
    result = cli("--notebook", notebook, "ics", "--today", "9999-12-26")
    assert result.exit_code == 0, result.stderr
    (meeting,) = parsed(result.stdout_bytes)[1]  # no Monday after it to keep in step with
    assert meeting.decoded("dtstart") == D(9999, 12, 30) and "rrule" not in meeting
    write(notebook / "ann" / "9999-12-27.md", note_text(date="9999-12-27"))  # a Monday
    result = cli("--notebook", notebook, "ics", "--today", "9999-12-26")
    assert result.exit_code == 0, result.stderr
    (meeting,) = parsed(result.stdout_bytes)[1]
    assert meeting.decoded("dtstart") == D(9999, 12, 27) and "rrule" in meeting


def test_todays_one_on_one_stays_in_the_calendar_once_its_agenda_is_written(cli, acme):
    """`new` on the meeting day writes today's note: the series still starts today, with it."""
    assert cli("--notebook", acme, "new", "bob", "--today", "2026-11-23").exit_code == 0
    data = cli("--notebook", acme, "ics", "--today", "2026-11-23", "--rep", "bob").stdout_bytes
    starts = occurrences(data, series_uid("bob-okafor"), 2)
    assert [s.date() for s in starts] == [D(2026, 11, 23), D(2026, 11, 30)]
    _, evs, _ = parsed(data)
    description = str(evs[0]["description"])
    assert "Last one-on-one: 2026-11-16" in description
    assert "Agenda for 2026-11-23: bob-okafor/2026-11-23.md" in description
    # The day after, the meeting is over: the series goes on from the next one.
    later = cli("--notebook", acme, "ics", "--today", "2026-11-24", "--rep", "bob").stdout_bytes
    assert [s.date() for s in occurrences(later, series_uid("bob-okafor"), 1)] == [D(2026, 11, 30)]


def test_an_unknown_rep_hint_names_a_command_that_exists(cli, acme):
    """`ics`, `share`, `edit` have no --add: the hint names `onenotes new REP --add`."""
    result = cli("--notebook", acme, "ics", "--rep", "dana", "--today", TODAY)
    assert result.exit_code == 1
    assert "onenotes new 'dana' --add" in result.stderr


def test_ics_out_through_a_symlink_writes_the_target_and_keeps_the_link(cli, acme, tmp_path):
    """A calendar kept in a synced folder and linked: the link stays, the target gets the
    calendar with its own permissions (not the link's 0777)."""
    real = tmp_path / "synced" / "team.ics"
    real.parent.mkdir()
    real.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    real.chmod(0o640)
    link = tmp_path / "team.ics"
    link.symlink_to(real)
    result = cli("--notebook", acme, "ics", "--out", link, "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert b"SUMMARY:One-on-one: Alice Nguyen" in real.read_bytes()
    assert real.stat().st_mode & 0o777 == 0o640


# --- the VTIMEZONE, read back by vobject -------------------------------------
#
# The VTIMEZONE of ``onenotes ics``, read by vobject, keeps the zone's clock.
#
# vobject (through dateutil's reader of VTIMEZONE, which knows nothing of
# zoneinfo) must find the UTC offset zoneinfo has, at every meeting hour, for
# the years a series runs: forever for a zone with yearly rules, the listed
# years for one without.

def read_back(name: str, year: int):
    """The zone as vobject reads our VTIMEZONE for events from ``year`` on."""
    text = vtimezone(name, year).to_ical().decode("utf-8")
    cal = vobject.readOne("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + text + "END:VCALENDAR\r\n")
    return cal.vtimezone.gettzinfo()


def ruled(name: str, year: int) -> bool:
    return b"RRULE" in vtimezone(name, year).to_ical()


@pytest.mark.parametrize("name, rule", [
    ("America/Chicago", ["RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"]),
    ("Europe/Berlin", ["RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"]),
    ("Australia/Sydney", ["RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10"]),
    ("Asia/Jerusalem", ["RRULE:FREQ=YEARLY;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29;BYMONTH=3",
                        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"]),
    ("Australia/Lord_Howe", ["RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10"]),
    ("Asia/Tokyo", []),
])
def test_zones_with_yearly_clock_changes_are_written_as_yearly_rules(name, rule):
    text = vtimezone(name, 2026).to_ical().decode()
    assert [line for line in text.splitlines() if line.startswith("RRULE")] == rule
    assert "RDATE" not in text
    assert f"TZID:{name}" in text


@pytest.mark.parametrize("name", ["America/Chicago", "Europe/London", "Australia/Sydney",
                                  "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata",
                                  "Africa/Casablanca", "Europe/Dublin"])
def test_every_day_for_forty_years_has_zoneinfos_offset(name):
    zone, read = ZoneInfo(name), read_back(name, 2026)
    until = 2066 if ruled(name, 2026) else 2026 + YEARS - 1
    day = dt.datetime(2026, 1, 1, 9, 0)
    while day.year < until:
        assert day.replace(tzinfo=read).utcoffset() == day.replace(tzinfo=zone).utcoffset(), day
        day += dt.timedelta(days=1)


def test_a_zone_without_a_rule_lists_its_changes_one_a_line():
    text = vtimezone("Africa/Casablanca", 2026).to_ical().decode()
    assert "RRULE" not in text
    rdates = [line for line in text.splitlines() if line.startswith("RDATE")]
    assert rdates and all("," not in line for line in rdates)


ZONES = sorted(zoneinfo.available_timezones())


@settings(max_examples=examples(40))
@given(name=st.sampled_from(ZONES), year=st.integers(2000, 2060), later=st.integers(0, 40 * 365),
       hour=st.integers(7, 19))
def test_any_zone_keeps_its_offset_at_meeting_hours(name, year, later, hour):
    """For any zone and year of a first meeting, the offset at a meeting hour any
    day after it (in the years listed, for a zone without a rule)."""
    when = dt.datetime(year, 1, 1, hour) + dt.timedelta(days=later)
    if not ruled(name, year) and when.year >= year + YEARS - 1:
        return  # past what the list covers
    zone = ZoneInfo(name)
    assert when.replace(tzinfo=read_back(name, year)).utcoffset() == when.replace(tzinfo=zone).utcoffset()
