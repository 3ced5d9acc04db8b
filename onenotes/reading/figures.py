"""KPI figures as people type them: decimal commas, thousands separators, units.

Managers in much of Europe write ``30,5`` and ``1.234,5``; CRMs export
``$1,234.50`` and ``12 000``.  One rule reads them all, here: a figure's decimal
mark is known only when the figure proves it (``30,5``: a comma followed by
other than three digits is a decimal comma; ``1,234,567``: a repeated mark
groups thousands; ``1.234,5``: the last mark is the decimal one), and never
guessed (``1,234`` could be 1234 or 1.234).

``import-metrics`` reads CSV cells with it (:func:`split_figure`,
:func:`decimal_evidence`, :func:`to_number`).  A note or ``onenotes.yaml``
takes only plain YAML numbers; what YAML cannot read as one is reported with
the plain figure to write (:func:`figure_hint`), and a figure that YAML reads
one way but that could mean another (``20.000``: 20, or twenty thousand?) is
refused as well (:func:`misread_thousands`): either way the figure is a gap.
In a flow mapping YAML splits a figure at its comma (``{actual: 30,5}`` reads
as ``actual: 30`` and a key ``5``): :func:`comma_splits` finds those pieces,
:func:`typed_at` what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from onenotes.reading.notemodel import MAX_FIGURE

CURRENCIES = {"$": "USD", "US$": "USD", "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY", "CHF": "CHF"}
_CODE = re.compile(r"[A-Z]{3}$")
_GROUPING = re.compile(r"[ '\u00a0\u202f\u2009]")  # separators that only group thousands


@dataclass(frozen=True)
class Raw:
    """A figure as typed, split into its parts (before the decimal mark is known)."""

    negative: bool
    digits: str  # digits and separators
    percent: bool
    currency: str | None


_NUMBER_BODY = re.compile(r"[0-9][0-9.,' \u00a0\u202f\u2009]*$|[.,][0-9]+$")


def split_figure(text: str) -> Raw:
    """Strip sign, parentheses, currency and percent; ValueError with a message when not a figure."""
    s = text.strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s.startswith(("-", "\u2212")):
        negative, s = not negative, s[1:].strip()
    percent = False
    if s.endswith("%"):
        percent, s = True, s[:-1].strip()
    currency = None
    for symbol in sorted(CURRENCIES, key=len, reverse=True):
        if s.startswith(symbol) or s.endswith(symbol):
            currency = CURRENCIES[symbol]
            s = (s[len(symbol):] if s.startswith(symbol) else s[:-len(symbol)]).strip()
            break
    else:
        head, _, tail = s.partition(" ")
        if _CODE.match(head) and tail:
            currency, s = head, tail.strip()
        elif " " in s and _CODE.match(s.rsplit(" ", 1)[1]):
            s, currency = s.rsplit(" ", 1)
            s = s.strip()
    if s.startswith(("-", "\u2212")) and not negative:
        negative, s = True, s[1:].strip()
    if not _NUMBER_BODY.match(s) or percent and currency:
        raise ValueError(f"{text.strip()!r} is not a figure")
    return Raw(negative, s, percent, currency)


def decimal_evidence(digits: str) -> str | None:
    """The decimal mark a figure proves ('.' or ','), or None when it could be either."""
    if "." in digits and "," in digits:
        return "." if digits.rfind(".") > digits.rfind(",") else ","
    for mark, other in ((",", "."), (".", ",")):
        if mark in digits:
            if digits.count(mark) > 1:
                return other  # 1,234,567: the mark groups thousands
            whole, _, frac = digits.partition(mark)
            whole = re.sub(r"[' \u00a0\u202f\u2009]", "", whole)
            if len(frac) != 3 or len(whole) > 3 or whole in ("", "0") or "'" in digits:
                return mark
            return None
    return None


def to_number(raw: Raw, decimal: str) -> int | float:
    """The figure, with ``decimal`` as the decimal mark; ValueError when the grouping is wrong."""
    digits, frac = _parts(raw, decimal)
    value: int | float = float(f"{digits or '0'}.{frac}") if frac.strip("0") else int(digits or "0")
    if raw.negative:
        value = -value
    if abs(value) > MAX_FIGURE:
        raise ValueError("too large")
    return value


def plain_text(raw: Raw, decimal: str) -> str:
    """The figure as YAML reads it, with ``decimal`` as the decimal mark: ``1.234,50`` -> ``1234.50``
    (the digits as typed: no rounding, no exponent); ValueError when the grouping is wrong."""
    digits, frac = _parts(raw, decimal)
    return ("-" if raw.negative else "") + (digits or "0") + (f".{frac}" if frac else "")


def _parts(raw: Raw, decimal: str) -> tuple[str, str]:
    """(whole digits, decimal digits) of the figure, with ``decimal`` as the decimal mark."""
    thousands = "," if decimal == "." else "."
    s = re.sub(r"[ \u00a0\u202f\u2009']", lambda m: "\x00", raw.digits)
    whole, _, frac = s.partition(decimal)
    if decimal in frac or thousands in frac or "\x00" in frac:
        raise ValueError("misplaced separators")
    groups = re.split(r"[\x00" + re.escape(thousands) + "]", whole)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError("thousands separators in the wrong places")
    digits = "".join(groups)
    if not digits and not frac or not (digits + frac).isdigit():
        raise ValueError("not a number")
    return digits, frac


# ---------------------------------------------------------- notes, config ---

def figure_hint(typed: str) -> str | None:
    """How to write ``typed``, a figure that YAML does not read as a number, so that it does:
    ``'30,5'`` -> ``"write 30.5: a decimal point, not a comma"``.  When the text cannot
    tell which figure is meant (``1,234``), both; None when it is no figure at all."""
    try:
        raw = split_figure(typed)
    except ValueError:
        return None
    mark = decimal_evidence(raw.digits)
    try:
        if mark is None and ("," in raw.digits or "." in raw.digits):
            typed_mark = "," if "," in raw.digits else "."
            grouped = plain_text(raw, "." if typed_mark == "," else ",")  # 1,234 -> 1234
            decimal = plain_text(raw, typed_mark)  # 1,234 -> 1.234
            return f"write {grouped} or {decimal}: the '{typed_mark}' could separate thousands or decimals"
        text = plain_text(raw, mark or ".")
    except ValueError:
        return None
    why = []
    if mark == "," and "," in raw.digits:
        why.append("a decimal point, not a comma")
    if ("." if mark == "," else ",") in raw.digits or _GROUPING.search(raw.digits):
        why.append("no thousands separators")
    if raw.currency:
        why.append("no currency sign")
    if raw.percent:
        why.append("no % sign")
    return f"write {text}" + (f": {'; '.join(why)}" if why else "")


def thousands_reading(typed: str) -> int | float | None:
    """The figure ``typed`` would be if its one dot separated thousands, when YAML took the dot
    for a decimal point and nothing in the text tells which was meant: 20000 for ``20.000``,
    1500 for ``1.500``.  None for a figure that can be read one way only (``27.5``, ``0.125``)."""
    try:
        raw = split_figure(typed)
    except ValueError:
        return None
    if raw.percent or raw.currency or "." not in raw.digits or decimal_evidence(raw.digits) is not None:
        return None
    try:
        return to_number(raw, ",")
    except ValueError:  # pragma: no cover - an ambiguous figure reads both ways
        return None


def could_be_thousands(value) -> bool:
    """Whether YAML could have read ``value`` from a figure such as ``20.000`` or ``1.500``:
    a float from 1 to 999 with at most three decimals (cheap: asked before the text is looked up)."""
    return type(value) is float and 1 <= abs(value) < 1000 and (value * 1000).is_integer()


def misread_thousands(value, text: str, line: int, key) -> tuple[str, int | float, int | float] | None:
    """(what was typed, the figure YAML read, the figure with the dot as a thousands
    separator) when ``value``, read from ``key`` on ``line`` of the YAML ``text``, was
    typed so that either could be meant (``20.000``: 20 or 20000); None otherwise."""
    if not could_be_thousands(value):
        return None
    typed = typed_at(text, line, key)
    other = thousands_reading(typed) if typed else None
    if other is None:
        return None
    return typed, int(value) if value.is_integer() else value, other


def _is_piece(key) -> bool:
    """A key that is what follows a comma in a figure: digits (5, 500, 05, 234.5, '50 €')."""
    if isinstance(key, bool):
        return False
    if isinstance(key, (int, float)):
        return key >= 0
    return isinstance(key, str) and key[:1].isdigit()


def comma_splits(mapping) -> dict:
    """The keys of a flow mapping whose figure YAML split at a comma, each with its pieces' keys.

    YAML reads ``{goal: 20000, actual: 30,5}`` as ``actual: 30`` and a key ``5``
    with no value (and ``1,234,567`` as 1 and the keys 234 and 567).  A piece is a
    key of digits with no value, on the same line as the figure before it
    (``mapping`` is a :class:`~onenotes.reading.yaml.safe.LineDict`; a plain dict has no lines
    and no pieces are looked for).
    """
    line_of = getattr(mapping, "line_of", None)
    if line_of is None:
        return {}
    found: dict = {}
    owner = None
    for key, value in mapping.items():
        if value is None and owner is not None and _is_piece(key) and line_of(key) == line_of(owner):
            found.setdefault(owner, []).append(key)
            continue
        owner = key if isinstance(value, (int, float, str)) and not isinstance(value, bool) else None
    return found


def typed_at(text: str, line: int, key) -> str | None:
    """:func:`typed_value` of ``key`` on ``line`` (1-based) of ``text``."""
    lines = text.split("\n", line)
    return typed_value(lines[line - 1], key) if 0 < line <= len(lines) else None


def typed_value(line: str, key) -> str | None:
    """The text typed for ``key`` on ``line`` of YAML (``  actual: 30,5`` or
    ``revenue: {goal: 20.000, actual: 30,5}``), without quotes or a comment; None when
    the key is not on the line."""
    m = re.search(r"(?:^|[\s{,])" + re.escape(str(key)) + r"[ \t]*:(?:[ \t]+|$)", line)
    if m is None:
        return None
    rest = re.split(r"[ \t]#", line[m.end():], maxsplit=1)[0]
    if "{" in line[:m.start() + 1]:  # in a flow mapping: up to the next key or the closing brace
        rest = re.split(r"[}\]]|,[ \t]*[A-Za-z_][\w-]*[ \t]*:", rest, maxsplit=1)[0]
    rest = rest.strip()
    if len(rest) >= 2 and rest[0] == rest[-1] and rest[0] in "'\"":
        rest = rest[1:-1]
    return rest or None
