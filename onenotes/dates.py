"""Dates as people write them in notes: YAML dates, datetimes and ISO strings.

Everything that means a day becomes a :class:`datetime.date`.  An aware
datetime is converted to the notebook's time zone first (23:30 UTC on 30
November is 1 December in Berlin).  Extra formats come from the config
(``date_formats``, strptime syntax); a format without a year takes the year of
the meeting the date was written in.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # zoneinfo loads only where a time zone is used
    from zoneinfo import ZoneInfo

# An ISO date, and an ISO date and time (with an optional offset), as notes write them.
_ISO_DATE = r"\d{4}-\d{2}-\d{2}$"
_ISO_DATETIME = r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$"


class DateProblem(ValueError):
    """A value that should be a date and is not: ``str()`` says why; ``hint``, when the text
    is shaped like a date that does not exist, what is wrong with it ("October has 31 days")."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def date_mistake(year: int, month: int, day: int) -> str | None:
    """What is wrong with the day ``year-month-day``, in words ("October has 31 days",
    "2026 is not a leap year: February has 28 days", "there is no month 13"); None
    when it exists.  The one rule for every date a person types: in notes, in file
    names, on the command line."""
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if not 1 <= year <= 9999:
        return f"there is no year {year}" if year < 1 else f"the year {year} is out of range"
    if day < 1:
        return f"there is no day {day}"
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    if day <= days:
        return None
    if month == 2 and day == 29:
        return f"{year} is not a leap year: February has 28 days"
    if month == 2:
        return f"February has {days} days in {year}"
    return f"{_MONTH_NAMES[month - 1]} has {days} days"


def to_date(value, *, formats: tuple[str, ...] = (), year: int | None = None,
            tz: ZoneInfo | None = None) -> dt.date | None:
    """``value`` as a date, ``None`` for an empty value; :class:`DateProblem` otherwise."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and tz is not None:
            try:
                value = value.astimezone(tz)
            except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000 here
                raise DateProblem(f"{value.isoformat()} is out of range in the notebook's time zone "
                                  "(check the year)") from None
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (bool, int, float)) or not isinstance(value, str):
        # YAML read an unquoted 15.10 as the number 15.1: the text is lost.
        raise DateProblem(f"{value!r} was read as a number, not a date (put the date in quotes)")
    text = str(value).strip()
    if not text:
        return None
    if re.match(_ISO_DATE, text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise DateProblem(f"{text!r} is not a real date", _iso_mistake(text)) from None
    if re.match(_ISO_DATETIME, text):
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise DateProblem(f"{text!r} is not a real date and time", _iso_mistake(text)) from None
        return to_date(parsed, tz=tz)
    mistake = None
    for fmt in formats:
        has_year = any(code in fmt for code in ("%Y", "%y", "%G"))
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            mistake = mistake or _format_mistake(text, fmt, None if has_year else year)
            continue
        if not has_year:
            if year is None:
                continue
            try:
                return parsed.date().replace(year=year)
            except ValueError:  # 29 February in a year without one
                mistake = mistake or date_mistake(year, parsed.month, parsed.day)
                continue
        return parsed.date()
    if mistake:
        raise DateProblem(f"{text!r} is not a real date", mistake)
    expected = "YYYY-MM-DD"
    if formats:
        expected += " or " + ", ".join(formats)
    raise DateProblem(f"{text!r} is not a date (write {expected})")


def _iso_mistake(text: str) -> str | None:
    """:func:`date_mistake` of an ISO date (or the date of an ISO datetime) that does not exist."""
    return date_mistake(int(text[:4]), int(text[5:7]), int(text[8:10]))


# The strptime codes of a date in numbers, as patterns: enough to tell what is wrong with
# "31.11.2026" under "%d.%m.%Y" (strptime only says "day is out of range for month").
_CODE_PATTERNS = {"d": r"(?P<d>\d{1,2})", "m": r"(?P<m>\d{1,2})", "Y": r"(?P<Y>\d{4})", "%": "%"}


def _format_mistake(text: str, fmt: str, year: int | None) -> str | None:
    """:func:`date_mistake` of ``text`` read with ``fmt``, a format of day, month and year in
    numbers (``%d.%m.%Y``, ``%d/%m``); None for any other format or text."""
    pattern, at = "", 0
    for m in re.finditer(r"%(.)", fmt):
        code = _CODE_PATTERNS.get(m.group(1))
        if code is None or (code != "%" and f"(?P<{m.group(1)}>" in pattern):
            return None
        pattern += re.escape(fmt[at:m.start()]) + code
        at = m.end()
    found = re.fullmatch(pattern + re.escape(fmt[at:]), text)
    if found is None or "d" not in found.groupdict() or "m" not in found.groupdict():
        return None
    fields = found.groupdict()
    if "Y" in fields:
        year = int(fields["Y"])
    if year is None:
        return None
    return date_mistake(year, int(fields["m"]), int(fields["d"]))


def parse_cli_date(text: str, today: dt.date) -> dt.date:
    """A date typed on the command line: ISO ``YYYY-MM-DD`` or today/tomorrow/yesterday."""
    words = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if text.strip().lower() in words:
        return today + dt.timedelta(days=words[text.strip().lower()])
    try:
        value = to_date(text)
    except DateProblem as exc:
        if exc.hint:  # shaped like a date, but no such day: say what is wrong with it
            raise
        raise DateProblem(f"{text!r} is not a date: use YYYY-MM-DD") from exc
    if value is None:
        raise DateProblem("a date is required: use YYYY-MM-DD")
    return value


def today_in(tz: ZoneInfo | None) -> dt.date:
    """Today's date in the notebook's time zone (computed once per run by callers)."""
    return dt.datetime.now(tz).date() if tz else dt.date.today()
