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

# Compiled on first use (``re`` keeps them): a warm run that reads no date compiles none.
_ISO_DATE = r"\d{4}-\d{2}-\d{2}$"
_ISO_DATETIME = r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$"


class DateProblem(ValueError):
    """A value that should be a date and is not: ``str()`` says why."""


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
            raise DateProblem(f"{text!r} is not a real date") from None
    if re.match(_ISO_DATETIME, text):
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise DateProblem(f"{text!r} is not a real date and time") from None
        return to_date(parsed, tz=tz)
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not any(code in fmt for code in ("%Y", "%y", "%G")):
            if year is None:
                continue
            try:
                return parsed.date().replace(year=year)
            except ValueError:  # 29 February in a year without one
                continue
        return parsed.date()
    expected = "YYYY-MM-DD"
    if formats:
        expected += " or " + ", ".join(formats)
    raise DateProblem(f"{text!r} is not a date (write {expected})")


def parse_cli_date(text: str, today: dt.date) -> dt.date:
    """A date typed on the command line: ISO ``YYYY-MM-DD`` or today/tomorrow/yesterday."""
    words = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if text.strip().lower() in words:
        return today + dt.timedelta(days=words[text.strip().lower()])
    try:
        value = to_date(text)
    except DateProblem as exc:
        raise DateProblem(f"{text!r} is not a date: use YYYY-MM-DD") from exc
    if value is None:
        raise DateProblem("a date is required: use YYYY-MM-DD")
    return value


def today_in(tz: ZoneInfo | None) -> dt.date:
    """Today's date in the notebook's time zone (computed once per run by callers)."""
    return dt.datetime.now(tz).date() if tz else dt.date.today()
