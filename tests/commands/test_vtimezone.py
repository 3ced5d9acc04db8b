"""The VTIMEZONE of ``onenotes ics``, read by vobject, keeps the zone's clock.

vobject (through dateutil's reader of VTIMEZONE, which knows nothing of
zoneinfo) must find the UTC offset zoneinfo has, at every meeting hour, for
the years a series runs: forever for a zone with yearly rules, the listed
years for one without.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from zoneinfo import ZoneInfo

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from onenotes.views.vtimezone import YEARS, vtimezone


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
