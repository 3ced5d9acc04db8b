"""Words in messages: a count with its noun in the right number ("1 day", "2 days").

Used by messages a note's reading makes (kept in the cache: this module is part
of its format version), by the commands' messages and tables, and by the
templates (the ``plural`` filter).
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
