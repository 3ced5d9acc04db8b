"""The checked fast path of :func:`onenotes.yamlsafe.load_yaml`.

Notes are made of a small, plain subset of YAML: ``key: value`` lines, nested
mappings, lists of values or of small mappings (indented under their key, or
at its column as PyYAML writes them), one-line ``{goal: 6, actual: 5}`` and
``[a, b]``.  PyYAML reads them with its C parser but builds
every value in Python (0.5 to 1 ms a note); this module reads that subset line
by line, five to ten times faster (``python benchmarks/yaml_speed.py``), and
remembers the lines it has read, which notes repeat from week to week.  It returns
exactly what the full loader of :mod:`onenotes.yamlfull` would: the same values of the same types (``True``,
``1``, ``1.0``, dates, ``None``), the same key order, the same
:class:`~onenotes.yamlsafe.LineDict` and :class:`~onenotes.yamlsafe.LineList`
lines.

For anything outside the subset it returns :data:`DECLINED` and the full
loader decides, so it never raises and never reports an error itself:

* tabs, CR, control characters and whatever YAML treats specially (NEL, LS,
  PS, BOM, surrogates);
* keys that are not simple identifiers (``[A-Za-z_][A-Za-z0-9_-]*``) or that
  are not strings (``true``, ``null``...), duplicate keys;
* anchors, aliases, tags, block scalars (``|``, ``>``), multi-line values,
  comments after a value, ``: `` or a trailing ``:`` in a plain value,
  escapes in double quotes, nested or multi-line flow collections, ``-``
  alone (a null item, or a block nested in an item), ``? ``;
* values that start with a YAML indicator (``@``, ``%``, ``&``, ``*``...);
  in a flow collection, also values holding ``:``, ``?`` or ``#``, a comma
  inside quotes, a trailing comma, keys that are not simple identifiers;
* a document that is not a block mapping starting at column 0 (a list, a
  lone value, an indented mapping), except an empty one (None);
* timestamps with a time (only ``YYYY-MM-DD`` dates are read here) and
  integers of more than 1,000 digits.

Typing follows the full loader's resolvers (close to the YAML 1.2 core
schema): only ``true``/``false`` (3 spellings each) are booleans, integers are
decimal without leading zeros, ``~``/``null``/empty is None, a date that does
not exist (``2026-02-30``) stays a string.  tests/test_yamlfast.py compares
the two loaders on generated documents and near misses.
"""

from __future__ import annotations

import datetime as _dt
import re

from onenotes.yamlsafe import LineDict, LineList


class _Declined:
    __slots__ = ()

    def __repr__(self) -> str:
        return "DECLINED"


DECLINED = _Declined()
"""What :func:`parse` returns for a document outside its subset."""


class _Decline(Exception):
    """Raised anywhere below :func:`parse`: the document is not ours."""


# Anything but LF, printable ASCII and the printable non-ASCII planes that YAML
# treats as ordinary text.  Out: tab, CR, C0/C1 controls, DEL, NEL (U+0085),
# LS/PS (U+2028/9), BOM (U+FEFF, skipped at a line start), surrogates, U+FFFE/F.
_SPECIAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                      "\U00010000-\U0010ffff]")

# One line, as (indentation, "- " of an item, key, rest without trailing
# spaces): the rest is the value of a key, an item's value, or (with neither
# key nor dash) a comment, nothing, or a line of some other kind.  libyaml
# takes simple keys of up to 1,024 characters: stay well below.
_LINE = re.compile(r"( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_-]{0,199}):(?: +|\Z))?(.*[^ ]|) *\Z").match
_FLOW_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,199}): +(.+)").fullmatch
# Identifiers the resolvers do not read as strings.
_NOT_STR_KEYS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"})

KEY, ITEM, ITEM_MAP = 0, 1, 2  # kinds of entries: "key: v", "- v", "- key: v"

# Characters that cannot start a plain value (quotes and flow openers are
# handled before), and that have no place in a flow one.
_BLOCK_BAD_START = frozenset(",]}#&*!|>%@`?:")
_FLOW_BAD_START = frozenset("[]{},#&*!|>%@`?:")
_FLOW_BAD_CHAR = re.compile(r"[\[\]{}#:?]").search
_SINGLE_QUOTED = re.compile(r"(?:[^']|'')*").fullmatch

# The resolvers of onenotes.yamlfull, applied to a whole plain value.
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)").fullmatch
_FLOAT = re.compile(
    r"""(?:[-+]?(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+]?[0-9]+)?
        |[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))""",
    re.X,
).fullmatch
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
_TIMESTAMP = re.compile(  # a timestamp with a time: left to the full loader
    r"""[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}
        (?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?""",
    re.X,
).fullmatch
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = frozenset({"~", "null", "Null", "NULL"})
_NUMERIC_START = frozenset("-+0123456789.")
_MAX_INT_DIGITS = 1000  # Python refuses int() beyond 4,300 digits; the full loader keeps text

# PyYAML's own infinity and NaN (SafeConstructor.inf_value / nan_value).
_INF = 1e300
while _INF != _INF * _INF:
    _INF *= _INF
_NAN = -_INF / _INF


def parse(text: str, line_offset: int = 0):
    """The value of ``text`` as the full loader would return it, or :data:`DECLINED`.

    Never raises for any input (the size and nesting guards of
    :func:`~onenotes.yamlsafe.load_yaml` run first).
    """
    if _SPECIAL.search(text):
        return DECLINED
    entries = []  # (entry, line) for every line but blanks and comments
    append = entries.append
    lineno = line_offset
    seen = _LINES
    try:
        for raw in text.split("\n"):
            lineno += 1
            kinds = seen.get(raw)
            if kinds is None:
                kinds = _classify(raw)
                if len(raw) <= _LINE_KEPT_WIDTH:
                    if len(seen) >= _LINES_MAX:
                        seen.clear()
                    seen[raw] = kinds
            for kind in kinds:
                append((kind, lineno))
        if not entries:
            return None  # blank lines and comments: an empty document
        first = entries[0][0]
        if first[0] != KEY or first[1] != 0:
            return DECLINED
        value, end = _mapping(entries, 0, 0)
    except _Decline:
        return DECLINED
    return value if end == len(entries) else DECLINED


# An entry is (kind, indent, key, value, flow): ``value`` is what the value
# reads as, EMPTY for "key:" alone (null, or a nested block follows), FLOW
# for a flow collection, built from ``flow`` (its text) for each document
# because it is mutable.
_EMPTY = object()
_FLOW = object()


def _classify(raw: str) -> tuple:
    """The entries of one line (none for a blank or a comment line); :class:`_Decline` if not ours.

    What a line holds does not depend on the lines around it, so the answer is
    kept for the next time the same line comes (notes repeat most of theirs:
    ``    status: open``)."""
    indent, dash, key, rest = _LINE(raw).groups()
    if key:
        if key in _NOT_STR_KEYS:
            raise _Decline
        if rest:
            value = _FLOW if rest[0] in "[{" else _scalar(rest)
        else:
            value = _EMPTY
        entry = (KEY, len(indent) + len(dash or ""), key, value, rest if value is _FLOW else None)
        if dash:  # "- key: value": an item that is a mapping, and that mapping's first key
            return (ITEM_MAP, len(indent), None, None, None), entry
        return (entry,)
    if dash:
        if not rest:
            raise _Decline  # "-" alone: a null item, or a nested block
        value = _FLOW if rest[0] in "[{" else _scalar(rest)
        return ((ITEM, len(indent), None, value, rest if value is _FLOW else None),)
    if not rest or rest[0] == "#":
        return ()
    raise _Decline  # not "key: value", "- value" or "- key: value"


_LINES: dict = {}  # line -> its entries
_LINES_MAX = 20_000  # lines kept at most...
_LINE_KEPT_WIDTH = 200  # ...each at most this long: a few MB, however hostile the notes


def clear_caches() -> None:
    """Forget the lines read so far (for benchmarks: a cold run starts without them)."""
    _LINES.clear()


def _mapping(entries, pos: int, col: int):
    """The block mapping whose keys stand at column ``col``, from ``entries[pos]``."""
    n = len(entries)
    data = LineDict()
    data.line = entries[pos][1]
    key_lines = data.key_lines
    while pos < n:
        (kind, indent, key, value, flow), lineno = entries[pos]
        if indent != col:
            if indent < col:
                break
            raise _Decline  # deeper than its mapping: a continuation, or an error
        if kind != KEY or key in data:
            raise _Decline  # an item at a key's column, or a duplicate key
        pos += 1
        if value is _EMPTY:
            nested = entries[pos][0] if pos < n else None
            if nested is None or nested[1] < col:
                value = None
            elif nested[1] > col:
                if nested[0] == KEY:
                    value, pos = _mapping(entries, pos, nested[1])
                else:
                    value, pos = _sequence(entries, pos, nested[1])
            elif nested[0] != KEY:  # "key:" then "- item" at the key's own column (PyYAML writes so)
                value, pos = _sequence(entries, pos, col, indentless=True)
            else:
                value = None
        elif value is _FLOW:
            value = _flow(flow, lineno)
        data[key] = value
        key_lines[key] = lineno
    return data, pos


def _sequence(entries, pos: int, col: int, indentless: bool = False):
    """The block sequence whose ``-`` stand at column ``col``, from ``entries[pos]``.

    An ``indentless`` one stands at the column of its mapping's keys and ends
    at the next key there."""
    n = len(entries)
    items = LineList()
    lines = items.lines
    while pos < n:
        (kind, indent, _, value, flow), lineno = entries[pos]
        if indent != col:
            if indent < col:
                break
            raise _Decline
        if kind == ITEM:
            items.append(_flow(flow, lineno) if value is _FLOW else value)
            pos += 1
        elif kind == ITEM_MAP:
            value, pos = _mapping(entries, pos + 1, entries[pos + 1][0][1])
            items.append(value)
        elif indentless:
            break  # the next key of the mapping that holds the sequence
        else:
            raise _Decline  # a key at the column of the dashes
        lines.append(lineno)
    return items, pos


def _scalar(value: str):
    """A one-line value in block context that is not a flow collection (no leading or trailing spaces)."""
    first = value[0]
    if first == '"' or first == "'":
        return _quoted(value)
    if first in _BLOCK_BAD_START or (first == "-" and (len(value) == 1 or value[1] == " ")) \
            or ": " in value or value[-1] == ":" or " #" in value:
        raise _Decline
    return _resolve(value)


def _quoted(value: str) -> str:
    inner = value[1:-1]
    if len(value) >= 2 and value[-1] == value[0]:
        if value[0] == '"':
            if '"' not in inner and "\\" not in inner:
                return inner
        elif _SINGLE_QUOTED(inner):
            return inner.replace("''", "'")
    raise _Decline


def _flow(value: str, lineno: int):
    """``[a, b]`` or ``{k: v, k2: v2}`` of scalars, on one line."""
    closer = "]" if value[0] == "[" else "}"
    if len(value) < 2 or value[-1] != closer:
        raise _Decline
    inner = value[1:-1]
    if value[0] == "[":
        items = LineList()
        if inner.strip(" "):
            # A comma inside quotes leaves a part with an unclosed quote: declined.
            items.extend(_flow_scalar(part.strip(" ")) for part in inner.split(","))
            items.lines = [lineno] * len(items)
        return items
    data = LineDict()
    data.line = lineno
    if inner.strip(" "):
        key_lines = data.key_lines
        for part in inner.split(","):
            m = _FLOW_PAIR(part.strip(" "))
            if m is None:
                raise _Decline
            key = m[1]
            if key in data or key in _NOT_STR_KEYS:
                raise _Decline
            data[key] = _flow_scalar(m[2])
            key_lines[key] = lineno
    return data


def _flow_scalar(value: str):
    """One item of a flow collection (no leading or trailing spaces)."""
    if not value:
        raise _Decline
    first = value[0]
    if first == '"' or first == "'":
        return _quoted(value)
    if first in _FLOW_BAD_START or (first == "-" and (len(value) == 1 or value[1] == " ")) \
            or _FLOW_BAD_CHAR(value):
        raise _Decline
    return _resolve(value)


def _resolve(value: str):
    """A plain value typed as the full loader's resolvers and constructors type it."""
    first = value[0]
    if first in _NUMERIC_START:
        if _INT(value):
            if len(value) > _MAX_INT_DIGITS:
                raise _Decline
            return int(value)
        if _FLOAT(value):
            # SafeConstructor.construct_yaml_float, step by step
            text = value.lower()
            sign = -1 if text[0] == "-" else 1
            if text[0] in "+-":
                text = text[1:]
            if text == ".inf":
                return sign * _INF
            if text == ".nan":
                return _NAN
            return sign * float(text)
        if _DATE(value):
            try:
                return _dt.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
            except ValueError:
                return value  # 2026-02-30: the full loader keeps the text
        if _TIMESTAMP(value):
            raise _Decline
        return value
    if first in "tTfF":
        return _BOOLS.get(value, value)
    if first in "nN~" and value in _NULLS:
        return None
    return value
