"""Words and numbers in messages: a count with its noun in the right number ("1 day",
"2 days"), a figure as people read it ("12,500 USD", "93%").

Used by messages a note's reading makes (kept in the cache: this module is part
of its format version), by the coaching questions, by the commands' messages and
tables, and by the templates (the ``plural`` filter).
"""

from __future__ import annotations


def plural(count, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, the word in the plural unless the count is one: "1 day",
    "3 days", "0 days"; ``many`` for a plural that is not ``word`` + "s" ("1 is", "2 are")."""
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    return f"{count} {plural_word(count, word, many)}"


def plural_word(count, word: str, many: str | None = None) -> str:
    """The word alone, as :func:`plural` writes it after ``count`` ("of 1 rep", "of 3 reps")."""
    return word if count == 1 else many or word + "s"


def format_number(value, unit: str | None = None) -> str:
    """12500 -> '12,500', 27.5 with unit '%' -> '27.5%', None -> '–'."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    if unit == "%":
        return text + "%"
    if unit:
        return f"{text} {unit}"
    return text


def format_percent(value) -> str:
    """0.93 -> '93%', None -> '–'."""
    if value is None:
        return "–"
    return f"{value * 100:.0f}%"
