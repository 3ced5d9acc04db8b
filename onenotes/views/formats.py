"""One output layer for every listing command: table, json, csv, markdown.

Rows are plain dicts; :class:`Column` says which keys the table and Markdown
show and how.  JSON and CSV carry the same records, with the same keys:
values exact (dates as ISO strings, numbers as numbers), so a spreadsheet
gets 25000 where the table says "25,000 USD".  Every format but JSON strips
ANSI escapes and bidi/control characters from note text first, so a note
cannot repaint or reorder the user's terminal.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from typing import Callable

from onenotes.text import format_number, format_percent  # noqa: F401  (shown here, written once there)

FORMATS = ("table", "json", "csv", "markdown")

# Terminal escapes (CSI, OSC, any other ESC pair) and control or direction-changing
# characters.  Every one of them is non-printable, so text for which str.isprintable()
# holds has none: most text never needs the pattern, which is compiled on first use
# (compiling it costs about a millisecond of every start).
UNSAFE_PATTERN = (
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b."
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean(text) -> str:
    """Text safe to print on a terminal: escapes and control characters removed."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():
        return text
    return re.sub(UNSAFE_PATTERN, "", text).replace("\t", " ").replace("\n", " ")


def clean_block(text) -> str:
    """Like :func:`clean`, for text of several lines (Markdown): line breaks and tabs are kept."""
    if text is None:
        return ""
    text = str(text)
    return text if text.isprintable() else re.sub(UNSAFE_PATTERN, "", text)


def format_signed(value, unit: str | None = None) -> str:
    """A change: +3,800 USD, -0.5%, ±0; '' for none."""
    if value is None:
        return ""
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return sign + format_number(abs(value), unit)


def dated(text: str, day: dt.date | None, last_meeting: dt.date | None) -> str:
    """A figure as shown: ``text``, with its date when it is from before the rep's
    last meeting, so that an old figure never reads as current: '2/5 (2026-10-26)'."""
    if day is not None and last_meeting is not None and day < last_meeting:
        return f"{text} ({day.isoformat()})"
    return text


@dataclass(frozen=True)
class Column:
    """A column of a table: the row key, its header, alignment, and how its cell is shown."""

    key: str
    header: str
    align: str = "<"
    show: Callable[[dict], str] | None = None  # text for table/markdown/csv

    def text(self, row: dict) -> str:
        value = self.show(row) if self.show else row.get(self.key)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return clean(value)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: accents that combine take none, CJK takes two."""
    if text.isascii():  # every ASCII character takes one column (the rule below gives 1 for each)
        return len(text)
    import unicodedata  # here: only text beyond ASCII needs it

    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) in ("Me", "Cf")
               else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def use_color(stream) -> bool:
    """Colour only on a terminal.  ``NO_COLOR`` (any value but empty) turns it off,
    ``FORCE_COLOR`` (any value but empty or 0) turns it on off a terminal; NO_COLOR wins."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data) -> str:
    """``data`` as JSON indented by two spaces (what ``json.dumps(indent=2)`` writes).

    A list of flat records, what listing commands print, is written by the C
    encoder a record at a time: ``json.dumps`` with an indent runs the pure
    Python encoder, which took longer than reading 10,000 notes from the cache.
    """
    import json  # here: a start that prints a table need not load it

    if type(data) is list and data and all(type(r) is dict and r and _flat(r) for r in data):
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": "),
                                  default=_json_default).encode
        return "[\n  {\n    " + "\n  },\n  {\n    ".join(encode(r)[1:-1] for r in data) + "\n  }\n]\n"
    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"


_SCALARS = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})


def _flat(record: dict) -> bool:
    """Every key a string and every value written as one JSON scalar."""
    scalars = _SCALARS
    return all(type(k) is str for k in record) and all(type(v) in scalars for v in record.values())


# What a spreadsheet would run as a formula when a cell starts with it.
_FORMULA_START = ("=", "+", "-", "@")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    text = clean(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(records: list[dict], keys) -> str:
    """One header row of ``keys``, then one row per record; lists and objects as JSON."""
    import csv  # only for --format csv: kept off the start-up path

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(keys)
    for record in records:
        writer.writerow([_csv_cell(record.get(k)) for k in keys])
    return buf.getvalue()


def render(rows: list[dict], columns: list[Column], fmt: str, *, color: bool = False,
           highlight: Callable[[dict], bool] | None = None, json_rows: list[dict] | None = None,
           keys=None) -> str:
    """``rows`` as text in format ``fmt``.

    JSON and CSV print the records: ``json_rows`` if given, else each row
    limited to ``keys`` (in that order), else the rows as they are.  ``keys``
    also gives CSV its header when there are no rows.
    """
    if fmt in ("json", "csv"):
        if json_rows is not None:
            records = json_rows
        elif keys is not None:
            records = [{k: row.get(k) for k in keys} for row in rows]
        else:
            records = rows
        if fmt == "json":
            return to_json(records)
        if keys is None:
            keys = list(dict.fromkeys(k for record in records for k in record)) or [c.key for c in columns]
        return to_csv(records, keys)
    table = [[c.text(row) for c in columns] for row in rows]
    if fmt == "markdown":
        def cell(text: str) -> str:
            return text.replace("\\", "\\\\").replace("|", "\\|")
        lines = ["| " + " | ".join(c.header for c in columns) + " |",
                 "| " + " | ".join("---:" if c.align == ">" else "---" for c in columns) + " |"]
        lines += ["| " + " | ".join(cell(t) for t in cells) + " |" for cells in table]
        return "\n".join(lines) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    widths = [max([display_width(c.header)] + [display_width(r[i]) for r in table])
              for i, c in enumerate(columns)]

    def line(cells: list[str]) -> str:
        parts = []
        for i, (c, text) in enumerate(zip(columns, cells)):
            last = i == len(columns) - 1
            pad = " " * (widths[i] - display_width(text))
            parts.append(text if last and c.align == "<" else text + pad if c.align == "<" else pad + text)
        return "  ".join(parts).rstrip()

    out = [line([c.header for c in columns])]
    if color:
        out[0] = f"\x1b[1m{out[0]}\x1b[0m"
    for row, cells in zip(rows, table):
        text = line(cells)
        if color and highlight and highlight(row):
            text = f"\x1b[31m{text}\x1b[0m"
        out.append(text)
    return "\n".join(out) + "\n"
