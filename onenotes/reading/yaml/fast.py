"""The checked fast path of :func:`onenotes.reading.yaml.safe.load_yaml`.

Notes are made of a small, plain subset of YAML: ``key: value`` lines, nested
mappings, lists of values or of small mappings (indented under their key, or
at its column as PyYAML writes them), one-line ``{goal: 6, actual: 5}`` and
``[a, b]``.  PyYAML reads them with its C parser but builds
every value in Python (0.5 to 1 ms a note); this module reads that subset line
by line, five to ten times faster (``python benchmarks/yaml_speed.py``), and
remembers the lines it has read, which notes repeat from week to week.  It returns
exactly what the full loader of :mod:`onenotes.reading.yaml.full` would: the same values of the same types (``True``,
``1``, ``1.0``, dates, ``None``), the same key order, the same
:class:`~onenotes.reading.yaml.types.LineDict` and :class:`~onenotes.reading.yaml.types.LineList`
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
  integers of more than 1,000 digits;
* a line that the block nesting guard of ``load_yaml`` refuses (a run of 192
  indentation characters, ``[ \\t?:-]``, at its start): that guard runs
  only on what this module declines.

Each line is classified once (:func:`_classify`) into an entry, which is
remembered: a note whose lines are all known is looked up in one call, and
its containers are built from the entries by :func:`_mapping` and
:func:`_sequence`.

Typing follows the full loader's resolvers (close to the YAML 1.2 core
schema): only ``true``/``false`` (3 spellings each) are booleans, integers are
decimal without leading zeros, ``~``/``null``/empty is None, a date that does
not exist (``2026-02-30``) stays a string.  tests/reading/test_yamlfast.py compares
the two loaders on generated documents and near misses.
"""

from __future__ import annotations

import datetime as _dt
import re

from onenotes.reading.yaml.types import MAX_NESTING, LineDict, LineList


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
# Written as the characters it finds, not as the negation of the others: the
# same set (a test checks every code point), compiled in a tenth of the time
# (every run that parses a note compiles it: python -X importtime).
_SPECIAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")

# One line, as (indentation, "- " of an item, key, rest without trailing
# spaces): the rest is the value of a key, an item's value, or (with neither
# key nor dash) a comment, nothing, or a line of some other kind.  libyaml
# takes simple keys of up to 1,024 characters: stay well below.
# A line that the block nesting guard of onenotes.reading.yaml.safe refuses (that
# guard, ``^[ \t?:-]{192,}`` in multi-line mode, finds one of these in a text
# exactly when one of its lines, split at LF, starts so).
_DEEP_WIDTH = 3 * MAX_NESTING
_DEEP_LINE = re.compile(r"[ \t?:-]{%d}" % _DEEP_WIDTH).match
_LINE = re.compile(r"( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_-]{0,199}):(?: +|\Z))?(.*[^ ]|) *\Z").match
# The commonest new lines ("  revenue: 20072", "  - id: ann-3", "    due:
# 2026-11-30"), read at once: a key and a decimal integer (18 digits at most),
# or a word or a number of letters, digits, "_", "." and "-" that _scalar
# would pass to _resolve as it is (no indicator first, no ": " or " #", no
# ":" last).  Printable ASCII, and no run of 192 indentation characters (the
# nesting guard's): _classify's checks of the line are met.
_SIMPLE = re.compile(r"( {0,150}+)(- {1,8}+)?([A-Za-z_][A-Za-z0-9_-]{0,199}+): ++"
                     r"(?:([-+]?(?:0|[1-9][0-9]{0,17}))|([A-Za-z][A-Za-z0-9_.-]{0,150}+|[0-9][0-9.-]{0,30}+)) *\Z"
                     ).match
_FLOW_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,199}): +(.+)").fullmatch
# Identifiers the resolvers do not read as strings.
_NOT_STR_KEYS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"})

# Characters that cannot start a plain value (quotes and flow openers are
# handled before), and that have no place in a flow one.
_BLOCK_BAD_START = frozenset(",]}#&*!|>%@`?:")
_FLOW_BAD_START = frozenset("[]{},#&*!|>%@`?:")
_FLOW_BAD_CHAR = re.compile(r"[\[\]{}#:?]").search
_SINGLE_QUOTED = re.compile(r"(?:[^']|'')*").fullmatch

# The resolvers of onenotes.reading.yaml.full, applied to a whole plain value.
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
_date = _dt.date.fromisoformat
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


def parse(text: str, line_offset: int = 0, only: str | None = None):
    """The value of ``text`` as the full loader would return it, or :data:`DECLINED`.

    Never raises for any input (the size guard and the flow nesting guard of
    :func:`~onenotes.reading.yaml.safe.load_yaml` run first; its block nesting guard
    runs only on what this declines, see :func:`_classify`).

    ``only``: the value restricted to that one top-level key (see
    :func:`_top_only`), for a reader that looks at nothing else: declined
    exactly when the whole value is, but the values of the other keys are
    only checked, never built.
    """
    lines = text.split("\n")
    try:
        # One lookup per line, in C; None for a line not seen before.
        # Every entry is a tuple of three, true: all() finds a None.
        entries = list(map(_LINES.get, lines))
        if not all(entries):
            entries, numbers = _read_lines(lines, line_offset, entries)
            if not entries:
                return None  # blank lines and comments: an empty document
        else:
            numbers = _NUMBERS.get((line_offset, len(lines))) or _numbers(line_offset, len(lines))
        first = entries[0]
        if first[0] > KEY_FLOW:  # not a key at column 0
            return DECLINED
        end = len(entries)
        entries.append(_END)
        if only is None:
            value, pos = _mapping(entries, numbers, 0, 0, first)
        else:
            value, pos = _top_only(entries, numbers, first, only)
    except _Decline:
        return DECLINED
    return value if pos == end else DECLINED


def _numbers(line_offset: int, count: int) -> list:
    """The numbers of ``count`` lines after ``line_offset``, kept in _NUMBERS for the next note of as many."""
    numbers = list(range(line_offset + 1, line_offset + 1 + count))
    if count <= 1_000 and len(_NUMBERS) < 1_000:
        _NUMBERS[line_offset, count] = numbers
    return numbers


_NUMBERS: dict = {}  # (line_offset, count) -> line numbers, which the parser reads and never changes


def _read_lines(lines: list, line_offset: int, entries: list) -> tuple:
    """The entries of ``lines`` (none for a blank or comment line) and the line number of each.

    Remembers the entry of each new line that has one (blank and comment lines
    are not remembered, so that :func:`parse` can take a document whose every
    line is remembered as one with an entry on each line).

    ``entries`` holds the remembered entry of each line, None for the others (new
    lines, blank and comment lines): only those are classified here, in order."""
    seen = _LINES
    blank = False
    at = 0
    try:
        while True:
            at = entries.index(None, at)
            raw = lines[at]
            entry = _classify(raw)
            if entry is None:
                blank = True
            else:
                entries[at] = entry
                if len(raw) <= _LINE_KEPT_WIDTH:
                    if len(seen) >= _LINES_MAX:
                        seen.clear()
                    seen[raw] = entry
            at += 1
    except ValueError:  # no None left after ``at``
        pass
    if not blank:
        count = len(lines)
        return entries, _NUMBERS.get((line_offset, count)) or _numbers(line_offset, count)
    numbers = [lineno for lineno, entry in enumerate(entries, line_offset + 1) if entry is not None]
    return [entry for entry in entries if entry is not None], numbers


# An entry is a triple whose first item, its tag, is ``8 * column + kind``:
#   (tag, key, value)        KEY: "key: value" (value typed), its key at ``column``;
#   (tag, key, None)         KEY_EMPTY: "key:" alone (null, or a nested block follows);
#   (tag, key, flow)         KEY_FLOW: "key: [..]" or "key: {..}", see _flow;
#   (tag, None, value)       ITEM: "- value", its dash at ``column``;
#   (tag, None, flow)        ITEM_FLOW: "- [..]" or "- {..}";
#   (tag, key_entry, None)   ITEM_MAP: "- key: ...", an item that is a mapping,
#                            and that mapping's first key (a KEY* entry).
# One comparison of tags tells "a plain key at this column" (the common case)
# from anything else; the kinds of keys come before those of items, so that
# ``tag < 8 * column`` is "left of the column", whatever the kind.  parse()
# ends the entries with _END, left of every column, which ends every block.
KEY, KEY_EMPTY, KEY_FLOW, ITEM, ITEM_FLOW, ITEM_MAP = range(6)
_END = (-1, None, None)


def _classify(raw: str):
    """The entry of one line (None for a blank or a comment line); :class:`_Decline` if not ours.

    What a line holds does not depend on the lines around it, so the answer is
    kept for the next time the same line comes (notes repeat most of theirs:
    ``    status: open``).  The checks of the whole text are made here, line
    by line, since they hold for a text when they hold for each of its lines
    (split at LF, which they do not match): no character YAML treats
    specially, and no line that the block nesting guard of
    :func:`~onenotes.reading.yaml.safe.load_yaml` (``^[ \\t?:-]{192,}``) refuses, which
    runs only on the documents declined here."""
    simple = _SIMPLE(raw)
    if simple is not None:
        indent, dash, key, number, word = simple.groups()
        if key not in _NOT_STR_KEYS:
            entry = (8 * (len(indent) + len(dash or "")) + KEY, key,
                     int(number) if number is not None else _resolve(word))
            return (8 * len(indent) + ITEM_MAP, entry, None) if dash else entry
    # (printable ASCII has nothing special: that test runs faster than the search)
    if not (raw.isascii() and raw.isprintable()) and _SPECIAL.search(raw) \
            or len(raw) >= _DEEP_WIDTH and _DEEP_LINE(raw):
        raise _Decline
    indent, dash, key, rest = _LINE(raw).groups()
    if key:
        if key in _NOT_STR_KEYS:
            raise _Decline
        tag = 8 * (len(indent) + len(dash or ""))
        if not rest:
            entry = (tag + KEY_EMPTY, key, None)
        elif rest[0] in "[{":
            entry = (tag + KEY_FLOW, key, _flow(rest))
        else:
            entry = (tag + KEY, key, _scalar(rest))
        if dash:
            return (8 * len(indent) + ITEM_MAP, entry, None)
        return entry
    if dash:
        if not rest:
            raise _Decline  # "-" alone: a null item, or a nested block
        if rest[0] in "[{":
            return (8 * len(indent) + ITEM_FLOW, None, _flow(rest))
        return (8 * len(indent) + ITEM, None, _scalar(rest))
    if not rest or rest[0] == "#":
        return None
    raise _Decline  # not "key: value", "- value" or "- key: value"


_LINES: dict = {}  # line -> its entry
_LINES_MAX = 20_000  # lines kept at most...
_LINE_KEPT_WIDTH = 200  # ...each at most this long: a few MB, however hostile the notes


def clear_caches() -> None:
    """Forget the lines read so far (for benchmarks: a cold run starts without them)."""
    _LINES.clear()
    _NUMBERS.clear()


# Containers are made without running the Python __init__ of LineDict and
# LineList (half the time of a small one's making); every slot is set here.
_new_dict = dict.__new__
_new_list = list.__new__


def _mapping(entries, numbers, pos: int, col: int, entry):
    """The block mapping whose keys stand at column ``col``, from ``entries[pos]``, and the position after it.

    ``entry`` is the entry of its first key: ``entries[pos]``, or the key of
    the ITEM_MAP entry there."""
    plain = 8 * col  # the tag of a plain "key: value" at this column...
    last = plain + KEY_FLOW  # ...and the last tag of a key there
    data = _new_dict(LineDict)
    key_lines = data.key_lines = {}
    data.line = lineno = numbers[pos]
    # Duplicate keys are found at the end, not looked for at each key: the
    # mapping read one key per entry but those of its nested blocks, so it
    # holds fewer keys than that exactly when a key came twice.
    keys = -pos
    tag, key, value = entry
    while True:
        pos += 1
        if tag != plain:
            if tag == last:  # KEY_FLOW
                value = _flow_value(value, lineno)
            else:  # KEY_EMPTY: the value is None, or the block that follows
                nested = entries[pos][0]
                nested_col = nested >> 3  # (-1 for _END)
                keys += pos
                if nested_col > col:
                    if nested & 7 < ITEM:
                        value, pos = _mapping(entries, numbers, pos, nested_col, entries[pos])
                    else:
                        value, pos = _sequence(entries, numbers, pos, nested_col, False)
                elif nested_col == col and nested & 7 >= ITEM:
                    # "key:" then "- item" at the key's own column (PyYAML writes so)
                    value, pos = _sequence(entries, numbers, pos, col, True)
                keys -= pos
        data[key] = value
        key_lines[key] = lineno
        tag, key, value = entries[pos]
        if tag != plain and not plain < tag <= last:
            if tag < plain:  # left of the column: the mapping ends
                if len(data) != keys + pos:
                    raise _Decline  # a duplicate key
                return data, pos
            raise _Decline  # deeper than its mapping (a continuation, or an error), or an item at its column
        lineno = numbers[pos]


def _sequence(entries, numbers, pos: int, col: int, indentless: bool):
    """The block sequence whose ``-`` stand at column ``col``, from ``entries[pos]``, and the position after it.

    An ``indentless`` one stands at the column of its mapping's keys and ends
    at the next key there."""
    plain = 8 * col + ITEM  # the tag of a "- value" at this column
    items = _new_list(LineList)
    lines = items.lines = []
    while True:
        tag, key_entry, value = entries[pos]
        if tag == plain:
            items.append(value)
            lines.append(numbers[pos])
            pos += 1
        elif tag == plain + ITEM_MAP - ITEM:
            lines.append(numbers[pos])
            value, pos = _mapping(entries, numbers, pos, key_entry[0] >> 3, key_entry)
            items.append(value)
        elif tag == plain + ITEM_FLOW - ITEM:
            lineno = numbers[pos]
            items.append(_flow_value(value, lineno))
            lines.append(lineno)
            pos += 1
        elif tag < plain - ITEM or (indentless and tag < plain):
            # left of the column, or the next key of the mapping that holds an indentless sequence
            return items, pos
        else:
            raise _Decline  # a key at the column of the dashes, or deeper than them


def _top_only(entries, numbers, entry, only: str):
    """:func:`_mapping` of the whole document (keys at column 0, from ``entries[0]``) restricted to
    the key ``only``: a LineDict with the line of the document and, if it has that key, that key,
    its line and its value; and the position after the document.

    It declines exactly where :func:`_mapping` would: the blocks of the other
    keys go through :func:`_skip_mapping` and :func:`_skip_sequence`, which
    make the checks of :func:`_mapping` and :func:`_sequence` and build
    nothing (a flow collection was checked when its line was classified).
    tests/reading/test_yamlfast.py compares the two on every document it makes."""
    data = _new_dict(LineDict)
    key_lines = data.key_lines = {}
    data.line = numbers[0]
    names = set()
    keys = 0  # the mapping's keys are ``keys + pos`` (see _mapping)
    pos = 0
    tag, key, value = entry
    while True:
        pos += 1
        names.add(key)
        if key == only:
            lineno = numbers[pos - 1]
            if tag == KEY_FLOW:
                value = _flow_value(value, lineno)
            elif tag == KEY_EMPTY:
                nested = entries[pos][0]
                nested_col = nested >> 3
                keys += pos
                if nested_col > 0:
                    if nested & 7 < ITEM:
                        value, pos = _mapping(entries, numbers, pos, nested_col, entries[pos])
                    else:
                        value, pos = _sequence(entries, numbers, pos, nested_col, False)
                elif nested_col == 0 and nested & 7 >= ITEM:
                    value, pos = _sequence(entries, numbers, pos, 0, True)
                keys -= pos
            data[key] = value
            key_lines[key] = lineno
        elif tag == KEY_EMPTY:
            nested = entries[pos][0]
            nested_col = nested >> 3
            keys += pos
            if nested_col > 0:
                if nested & 7 < ITEM:
                    pos = _skip_mapping(entries, pos, nested_col, entries[pos])
                else:
                    pos = _skip_sequence(entries, pos, nested_col, False)
            elif nested_col == 0 and nested & 7 >= ITEM:
                pos = _skip_sequence(entries, pos, 0, True)
            keys -= pos
        tag, key, value = entries[pos]
        if tag > KEY_FLOW:
            raise _Decline  # deeper than the document's keys, or an item at column 0
        if tag < 0:  # _END
            if len(names) != keys + pos:
                raise _Decline  # a duplicate key
            return data, pos


def _skip_mapping(entries, pos: int, col: int, entry) -> int:
    """The position after the block mapping :func:`_mapping` would read there, or :class:`_Decline` where it would."""
    plain = 8 * col
    last = plain + KEY_FLOW
    names = set()
    keys = -pos
    tag, key, value = entry
    while True:
        pos += 1
        names.add(key)
        if tag != plain and tag != last:  # KEY_EMPTY
            nested = entries[pos][0]
            nested_col = nested >> 3
            keys += pos
            if nested_col > col:
                if nested & 7 < ITEM:
                    pos = _skip_mapping(entries, pos, nested_col, entries[pos])
                else:
                    pos = _skip_sequence(entries, pos, nested_col, False)
            elif nested_col == col and nested & 7 >= ITEM:
                pos = _skip_sequence(entries, pos, col, True)
            keys -= pos
        tag, key, value = entries[pos]
        if tag != plain and not plain < tag <= last:
            if tag < plain:
                if len(names) != keys + pos:
                    raise _Decline  # a duplicate key
                return pos
            raise _Decline


def _skip_sequence(entries, pos: int, col: int, indentless: bool) -> int:
    """The position after the block sequence :func:`_sequence` would read there, or :class:`_Decline` where it would."""
    plain = 8 * col + ITEM
    while True:
        tag, key_entry, value = entries[pos]
        if tag == plain or tag == plain + ITEM_FLOW - ITEM:
            pos += 1
        elif tag == plain + ITEM_MAP - ITEM:
            pos = _skip_mapping(entries, pos, key_entry[0] >> 3, key_entry)
        elif tag < plain - ITEM or (indentless and tag < plain):
            return pos
        else:
            raise _Decline


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


def _flow(value: str) -> tuple:
    """``[a, b]`` or ``{k: v, k2: v2}`` of scalars, on one line, as ``(is_mapping, what)``.

    ``what`` is the tuple of items of a sequence, the (never changed) dict of a
    mapping; :func:`_flow_value` makes the containers of each document from it."""
    closer = "]" if value[0] == "[" else "}"
    if len(value) < 2 or value[-1] != closer:
        raise _Decline
    inner = value[1:-1]
    if value[0] == "[":
        if not inner.strip(" "):
            return False, ()
        # A comma inside quotes leaves a part with an unclosed quote: declined.
        return False, tuple(_flow_scalar(part.strip(" ")) for part in inner.split(","))
    data = {}
    if inner.strip(" "):
        for part in inner.split(","):
            m = _FLOW_PAIR(part.strip(" "))
            if m is None:
                raise _Decline
            key = m[1]
            if key in data or key in _NOT_STR_KEYS:
                raise _Decline
            data[key] = _flow_scalar(m[2])
    return True, data


def _flow_value(flow: tuple, lineno: int):
    """The LineDict or LineList of a flow collection read by :func:`_flow`, standing on line ``lineno``."""
    is_mapping, what = flow
    if is_mapping:
        data = _new_dict(LineDict)
        data.update(what)
        data.line = lineno
        data.key_lines = dict.fromkeys(what, lineno)
        return data
    items = _new_list(LineList)
    items.extend(what)
    items.lines = [lineno] * len(what)
    return items


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
        # A date first (the commonest new value of a note: due, since), which
        # neither an integer nor a float can be, with a "-" at index 4.
        if len(value) == 10 and value[4] == "-" and _DATE(value):
            try:
                return _date(value)  # (YYYY-MM-DD: what fromisoformat reads as the full loader does)
            except ValueError:
                return value  # 2026-02-30: the full loader keeps the text
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
        if _TIMESTAMP(value):
            raise _Decline
        return value
    if first in "tTfF":
        return _BOOLS.get(value, value)
    if first in "nN~" and value in _NULLS:
        return None
    return value
