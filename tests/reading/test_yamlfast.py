"""onenotes.reading.yaml.fast: the fast path reads its subset exactly as the full loader does, and declines the rest.

The oracle is the full loader (``onenotes.reading.yaml.full.load``: PyYAML's C parser and
our strict constructor).  Documents come from a grammar of the subset (block
mappings, indented lists of values or of small mappings, one-line flow
collections, typed plain values, quotes) with near misses mixed in (keys such
as ``true`` or ``1``, numbers such as ``01`` or ``1_000``, dates such as
``2026-02-30``, ``#``, ``: ``, tabs, odd indentation, duplicate keys...), and
from the hostile frontmatter generator of tests/support/notegen.py.  For each one:

* the fast path either declines or returns what the full loader returns: the
  same values of the same types (``True`` is not ``1`` is not ``1.0``), the
  same key order, the same ``LineDict.line``/``key_lines`` and
  ``LineList.lines``, all the way down;
* ``load_yaml`` gives the same value, or the same ``YamlProblem`` (message,
  line, column, hint), with the fast path on and off.

Then: every note of a generated benchmark notebook, of examples/ and one
written by ``onenotes new`` takes the fast path (a fast path that always
declines fails here), and loading such a note does not import PyYAML.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import math
import os
import re
import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from support import notegen
from conftest import EXAMPLE, ROOT, TODAY, examples
from onenotes.reading.yaml import fast as yamlfast
from onenotes.reading.yaml import full as yamlfull
from onenotes.reading.yaml import safe as yamlsafe
from onenotes.reading.note import HANDLER, decode
from onenotes.reading.yaml.fast import DECLINED
from onenotes.reading.yaml.safe import LineDict, LineList, YamlProblem, load_yaml

# ------------------------------------------------------------ comparing ---


def assert_same(fast, full, where="document"):
    """Deep equality with identical types, key order and line information."""
    assert type(fast) is type(full), f"{where}: {type(fast).__name__} {fast!r} vs {type(full).__name__} {full!r}"
    if isinstance(full, LineDict):
        assert [(type(k), k) for k in fast] == [(type(k), k) for k in full], where
        assert fast.line == full.line, f"{where}: line"
        assert fast.key_lines == full.key_lines, f"{where}: key_lines"
        for key in full:
            assert_same(fast[key], full[key], f"{where}.{key}")
    elif isinstance(full, LineList):
        assert fast.lines == full.lines, f"{where}: lines"
        assert len(fast) == len(full), where
        for index, (a, b) in enumerate(zip(fast, full)):
            assert_same(a, b, f"{where}[{index}]")
    elif isinstance(full, float):
        if math.isnan(full):
            assert math.isnan(fast), where
        else:
            assert fast == full and math.copysign(1, fast) == math.copysign(1, full), where
    else:
        assert fast == full, where


@contextlib.contextmanager
def fast_path(on: bool):
    saved = yamlsafe.FAST
    yamlsafe.FAST = on
    try:
        yield
    finally:
        yamlsafe.FAST = saved


def outcome(text: str, line_offset: int, fast: bool):
    with fast_path(fast):
        try:
            return "value", load_yaml(text, line_offset)
        except YamlProblem as exc:
            return "problem", (type(exc), exc.message, exc.line, exc.column, exc.hint)


def check(text: str, line_offset: int = 1):
    """The fast path declines or agrees with the full loader; load_yaml is the same either way.

    Both ways of the fast path are compared: every line new (read line by
    line), then every line known (one lookup per line, see ``parse``).

    Returns whether the fast path took the document."""
    yamlfast.clear_caches()
    fast = yamlfast.parse(text, line_offset)  # must not raise, whatever the text
    again = yamlfast.parse(text, line_offset)  # the same text, its lines now known
    assert (again is DECLINED) == (fast is DECLINED), (fast, again)
    if fast is not DECLINED:
        try:
            full = yamlfull.load(text, line_offset)
        except YamlProblem as exc:  # pragma: no cover - shown when the test fails
            pytest.fail(f"fast path accepted what the full loader refuses ({exc.message}):\n{text}")
        assert_same(fast, full)
        assert_same(again, full)
    on, off = outcome(text, line_offset, True), outcome(text, line_offset, False)
    assert on[0] == off[0], (on, off)
    if on[0] == "value":
        assert_same(on[1], off[1])
    else:
        assert on[1] == off[1]
    check_only(text, line_offset, fast, on)
    return fast is not DECLINED


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):", re.M)


def projection(value, key):
    """The whole document's value restricted to one top-level key, as ``parse(only=key)`` returns it."""
    if not isinstance(value, LineDict):
        return value
    part = LineDict()
    part.line = value.line
    if key in value:
        part[key] = value[key]
        part.key_lines = {key: value.key_lines[key]}
    return part


def check_only(text: str, line_offset: int, fast, on) -> None:
    """``parse(only=key)``, for every key at column 0 and one that is not there: the whole
    value restricted to that key, declined exactly when the whole is (every line new, then
    every line known); ``load_yaml(only=key)`` has the same outcome as ``load_yaml``."""
    for key in dict.fromkeys(_TOP_KEY.findall(text) + ["commitments"]):
        yamlfast.clear_caches()
        for _ in range(2):  # lines new, then known
            part = yamlfast.parse(text, line_offset, only=key)
            if fast is DECLINED or fast is None:
                assert part is fast, (key, part)
            else:
                assert part is not DECLINED, key
                assert_same(part, projection(fast, key), f"only={key}")
        with fast_path(True):
            try:
                got = "value", load_yaml(text, line_offset, only=key)
            except YamlProblem as exc:
                got = "problem", (type(exc), exc.message, exc.line, exc.column, exc.hint)
        assert got[0] == on[0], (key, got, on)
        if got[0] == "value":
            # the full loader (what the fast path declines) keeps every key: compare the one read
            assert_same(projection(got[1], key), projection(on[1], key), f"load_yaml only={key}")
        else:
            assert got[1] == on[1]


# -------------------------------------------------------------- grammar ---

SUBSET_KEYS = ["rep", "date", "id", "text", "due", "status", "metrics", "goal", "actual", "a", "b",
               "_x", "gross-profit", "Yes", "no", "on", "y", "inf", "nan", "e1", "NaN", "x" * 60]
NEAR_KEYS = ["true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "nULL", "~",
             "1", "01", "-1", "1.5", "2026-11-30", "a b", "é", "k:x", "'q'", '"q"', "?k", "-k", "x" * 201,
             "[a]", "{a: 1}", "&a", "!t", "a#b"]

# Plain values the fast path reads itself: every type, and text with the
# punctuation notes hold.
SUBSET_WORDS = ["true", "True", "TRUE", "false", "False", "FALSE", "tRUE", "yes", "no", "on", "off",
                "y", "n", "null", "Null", "NULL", "nULL", "~", "~~", "Sam Rivera", "open", "it's",
                "C#", "a#b", "a:b", "9:30", "12:30:45", "http://x.y/z?q=1", "-x", "--", "-1x", "+x",
                ".x", "a, b", "a,b", "x [y]", "x {y}", "a]", "a}", "a & b", "x*y", "a|b", "a>b",
                "50%", "$31,250", "(a)", "=", "<<", "é", "日本語", "🙂 📅", "a\xa0b", "\xa0", "a\u3000b",
                "a\u200bb", "O'Brien", 'say "hi"', "a\\b", "a - b", "a -- b", "a ? b", "inf", "nan",
                "1_000", "0x10", "0o7", "0b1", "01", "-01", "00", "1,000", "1.2.3", ".", "-.", "+",
                "1e", "e3", "1 000", "2026/11/30", "30.11.2026", "20261130", "2026-1-5", "2026-11-30x"]
SUBSET_NUMBERS = ["0", "-0", "+0", "7", "-7", "+5", "10", "1.5", "-1.5", "+1.5", "1.", "-1.", "0.",
                  "-0.0", "+0.0", ".5", "-.5", "+.5", "1e3", "1E3", "1e+3", "1e-3", "-1e3", "1.5e3",
                  "1.5E-3", ".5e3", "0e0", "1" + "0" * 400 + ".0", "1e999", "-1e999",
                  ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "9" * 30]
SUBSET_DATES = ["2026-11-30", "2026-02-30", "2026-02-29", "2024-02-29", "0000-01-01", "0001-01-01",
                "9999-12-31", "2026-13-01", "2026-00-10", "2026-11-00", "2026-11-31"]
NEAR_WORDS = ["a: b", "a:", "a #b", "#x", "- x", "-", "? x", "?x", ":x", "&a", "*a", "!t", "!!str x",
              "|", "|-", ">", ">-", "%x", "@x", "`x`", "[a", "{a", ",a", "]", "}", "'a", '"a', "a\tb",
              "a\rb", "a\x85b", "a\u2028b", "a\u2029b", "\ufeffx", "a\ufeffb", "a\x7fb", "a\x01b", "a\x9bb",
              "-.nan", "+.nan", ".iNf", "1" * 4400, "-" + "9" * 4400, "2026-11-30 09:00:00",
              "2026-11-30T09:00:00Z", "2026-11-30t09:00:00+01:00", "2026-1-5 9:00:00", "---", "...",
              "x: y: z", "a #", "\\", "a'''", "'it''s'", "'a''", "'''", '"a\\"b"', '"\\n"', '"a" b',
              "'a' # c", '"a"#c', '"a" # c', "''", '""', "[a, b]x", "{a: 1} # c"]
TEXT_CHARS = "abcXYZ 0129.,:;#-_'\"!?&*|>%@`[]{}~\\/=é中🙂\xa0"


def _subset_text():
    return st.text(st.sampled_from("abcXYZ0129 .,;-_!&*|>%@`~/=é中🙂\xa0'\""), min_size=1, max_size=12).map(
        lambda t: "w" + t.rstrip(" ").replace(" #", " x").replace(" '", " x").replace(' "', " x"))


def plain_values(near: bool):
    choices = [st.sampled_from(SUBSET_WORDS), st.sampled_from(SUBSET_NUMBERS), st.sampled_from(SUBSET_DATES),
               st.integers(-10 ** 12, 10 ** 12).map(str),
               st.floats(allow_nan=False, allow_infinity=False).map(repr),
               st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat), _subset_text()]
    if near:
        choices += [st.sampled_from(NEAR_WORDS), st.text(st.sampled_from(TEXT_CHARS + "\t\u2028"), max_size=12)]
    return st.one_of(*choices)


def quoted_values(near: bool):
    inner = st.text(st.sampled_from(TEXT_CHARS.replace('"', "").replace("\\", "").replace("'", "")), max_size=12)
    choices = [inner.map(lambda t: f'"{t}"'), inner.map(lambda t: f"'{t}'"),
               st.sampled_from(["''", '""', "'it''s'", "''''", "'a'' b'", '"a # b: c"', "' x '", '"  "'])]
    if near:
        choices.append(st.text(st.sampled_from(TEXT_CHARS), max_size=12).flatmap(
            lambda t: st.sampled_from([f'"{t}"', f"'{t}'", f'"{t}', f"'{t}", f'"{t}" x', f"'{t}' # c"])))
    return st.one_of(*choices)


def flow_values(near: bool):
    item = st.one_of(plain_values(near).filter(lambda v: near or not set(v) & set("[]{},#:?")
                                                  and not (v[0] == "-" and v[1:2] in ("", " "))),
                     quoted_values(near).filter(lambda v: near or "," not in v))
    keys = st.sampled_from(SUBSET_KEYS + (NEAR_KEYS if near else []))
    seps = st.sampled_from([", ", ",", " , ", ",  "] + ([",,", " ,", ", ,"] if near else []))
    colons = st.sampled_from([": ", ":  "] + ([":", " : ", " :"] if near else []))
    pads = st.sampled_from(["", " "] + (["  ", " ,", ", "] if near else []))
    seq = st.tuples(st.lists(item, max_size=4), seps, pads).map(
        lambda t: "[" + t[2] + t[1].join(t[0]) + t[2].rstrip(",") + "]")
    pairs = st.lists(st.tuples(keys, item), max_size=4, unique_by=None if near else (lambda t: t[0]))
    mapping = st.tuples(pairs, seps, colons, pads).map(
        lambda t: "{" + t[3] + t[1].join(f"{k}{t[2]}{v}" for k, v in t[0]) + t[3].rstrip(",") + "}")
    choices = [seq, mapping, st.sampled_from(["[]", "{}", "[ ]", "{ }", "{goal: 6, actual: null}"])]
    if near:
        choices.append(st.sampled_from(["[[a]]", "{a: [1]}", "[a, [b]]", "[a: 1]", "{a, b: 1}", "[a, b,]",
                                        "{a: 1,}", "[a", "{a: 1", "[a] b", "[a]]", "{a: {b: 1}}", "[1, 2] # c",
                                        "{a: 1, a: 2}", "[&a x, *a]", "[!t x]", '{"a": 1}', "{'a': 1}",
                                        "[a, 'b, c']", '["a, b"]', "{a: 'x, y'}", "[a #b]", "{? a}"]))
    return st.one_of(*choices)


def _values(near: bool):
    return st.one_of(plain_values(near), plain_values(near), quoted_values(near), flow_values(near))


VALUES = {near: _values(near) for near in (False, True)}
KEYS = {False: st.sampled_from(SUBSET_KEYS), True: st.sampled_from(SUBSET_KEYS + NEAR_KEYS)}


@st.composite
def block_lines(draw, indent: int, depth: int, near: bool, first_prefix: str = ""):
    """Lines of a block mapping at ``indent`` (the first one after ``first_prefix``, e.g. "- ")."""
    kinds = ["value", "value", "value", "empty"] + (["map", "seq"] if depth < 3 else [])
    lines = []
    # Near misses may repeat a key; the subset may not (the full loader refuses duplicates).
    keys = draw(st.lists(KEYS[near], min_size=1, max_size=4, unique=not near))
    for index, key in enumerate(keys):
        pad = (" " * (indent - len(first_prefix)) + first_prefix) if index == 0 and first_prefix else " " * indent
        kind = draw(st.sampled_from(kinds))
        if kind == "value":
            lines.append(f"{pad}{key}:{draw(st.sampled_from([' ', ' ', '  ']))}{draw(VALUES[near])}")
        elif kind == "empty":
            lines.append(f"{pad}{key}:{draw(st.sampled_from(['', '', ' ']))}")
        elif kind == "map":
            lines.append(f"{pad}{key}:")
            step = draw(st.sampled_from([2, 2, 4, 1] + ([0] if near else [])))
            lines += draw(block_lines(indent + step, depth + 1, near))
        else:
            lines.append(f"{pad}{key}:")
            step = draw(st.sampled_from([2, 2, 4, 1, 0]))  # 0: at the key's column, as PyYAML writes
            lines += draw(sequence_lines(indent + step, depth + 1, near))
    return lines


@st.composite
def sequence_lines(draw, indent: int, depth: int, near: bool):
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        dash = draw(st.sampled_from(["- ", "- ", "-  ", "-   "]))
        if draw(st.booleans()):
            lines.append(" " * indent + dash + draw(VALUES[near]))
        else:
            lines += draw(block_lines(indent + len(dash), depth + 1, near, first_prefix=dash))
    return lines


MUTATIONS = ["comment", "indented comment", "blank", "spaces", "trailing spaces", "trailing comment",
             "indent +1", "indent -1", "duplicate", "tab", "char", "marker", "join"]


@st.composite
def documents(draw, near: bool):
    """A document of the subset; with ``near``, mixed with near misses and mutated."""
    lines = draw(block_lines(0, 0, near))
    mutations = st.sampled_from(MUTATIONS if near else MUTATIONS[:5])
    for _ in range(draw(st.integers(0, 3 if near else 2))):
        what = draw(mutations)
        at = draw(st.integers(0, len(lines)))
        line = lines[min(at, len(lines) - 1)]
        if what == "comment":
            lines.insert(at, "# a comment: with - [x] {y}")
        elif what == "indented comment":
            lines.insert(at, " " * draw(st.integers(1, 8)) + "#c")
        elif what == "blank":
            lines.insert(at, "")
        elif what == "spaces":
            lines.insert(at, " " * draw(st.integers(1, 8)))
        elif what == "trailing spaces":
            lines[min(at, len(lines) - 1)] = line + "  "
        elif what == "trailing comment":
            lines[min(at, len(lines) - 1)] = line + " # c"
        elif what == "indent +1":
            lines[min(at, len(lines) - 1)] = " " + line
        elif what == "indent -1":
            lines[min(at, len(lines) - 1)] = line[1:] if line.startswith(" ") else line
        elif what == "duplicate":
            lines.insert(at, line)
        elif what == "tab":
            lines[min(at, len(lines) - 1)] = line.replace(" ", "\t", 1) if " " in line else "\t" + line
        elif what == "char":
            pos = draw(st.integers(0, len(line)))
            lines[min(at, len(lines) - 1)] = line[:pos] + draw(st.sampled_from(
                ":#-?[]{},&*!|>'\"%@`\\ \t\r\x85\u2028\ufeff\x00\x1b")) + line[pos:]
        elif what == "marker":
            lines.insert(at, draw(st.sampled_from(["---", "...", "--- x", "%YAML 1.2", "? a", ": b", "-", "- x"])))
        else:  # join two lines, or a continuation line
            lines.insert(at, " " * draw(st.integers(0, 6)) + draw(st.sampled_from(["more text", "k", "x y"])))
    end = draw(st.sampled_from(["", "\n", "\n\n", "\n  "]))
    return "\n".join(lines) + end


# ----------------------------------------------------------- the tests ---


@settings(max_examples=examples(400), deadline=None)
@given(documents(near=True), st.sampled_from([0, 1, 7]))
@example("rep: ann\ndate: 2026-02-30\nn: 01\nf: 1_000\nx: .5\ny: 1e3\nz: -0\nw: -0.0\n", 1)
@example("true: 1\n", 1)
@example("a: 1\na: 2\n", 1)
@example("k:\n- a\n- b\nj: 1\n", 1)
@example("k:\n- a: 1\n  b:\n  - x\n  c: 2\n- y\n", 1)
@example("k: [a, 'b, c']\n", 1)
@example("k: {goal: 6, actual: 6}\nj: {a: 1, a: 2}\n", 1)
@example("k: a\n  b\n", 1)
@example("k: 'a''b'\nl: \"x: #y\"\n", 1)
def test_fast_path_declines_or_agrees_with_the_full_loader(text, line_offset):
    check(text, line_offset)


@settings(max_examples=examples(300), deadline=None)
@given(VALUES[True], st.sampled_from(["k: {}\n", "k:\n  - {}\n", "k: [{}]\n", "k: {{a: {}}}\n", "k: [x, {}]\n"]))
@example("a:", "k: [{}]\n")
@example("a: b", "k: [{}]\n")
@example("?a", "k: [{}]\n")
@example("a #b", "k: [{}]\n")
@example("a:", "k: {{a: {}}}\n")
@example("9:30", "k: {{a: {}}}\n")
def test_one_value_reads_the_same_on_both_paths_wherever_it_stands(value, form):
    check(form.format(value), 1)


@settings(max_examples=examples(150), deadline=None)
@given(documents(near=False))
def test_documents_of_the_subset_take_the_fast_path(text):
    """The grammar without near misses is the subset: the fast path reads all of it."""
    assert check(text, 1), f"declined:\n{text}"


@settings(max_examples=examples(100), deadline=None)
@given(notegen.frontmatter_text())
def test_hostile_frontmatter_reads_the_same_with_the_fast_path_on_or_off(text):
    check(text, 1)


@pytest.mark.parametrize("text, value", [
    ("a: true\nb: True\nc: TRUE\nd: tRUE\ne: yes\n", {"a": True, "b": True, "c": True, "d": "tRUE", "e": "yes"}),
    ("a: 1\nb: 1.0\nc: -0\nd: 01\ne: 1_000\nf: 1e3\ng: .5\n",
     {"a": 1, "b": 1.0, "c": 0, "d": "01", "e": "1_000", "f": 1000.0, "g": 0.5}),
    ("a: ~\nb:\nc: null\nd: Null\ne: nULL\n", {"a": None, "b": None, "c": None, "d": None, "e": "nULL"}),
    ("a: 2026-11-30\nb: 2026-02-30\nc: 2026-1-5\n", {"a": dt.date(2026, 11, 30), "b": "2026-02-30", "c": "2026-1-5"}),
    ("a: 'it''s'\nb: \"x: #y\"\nc: C#\nd: 9:30\n", {"a": "it's", "b": "x: #y", "c": "C#", "d": "9:30"}),
    ("m: {goal: 6, actual: null}\nl: [a, 2, '3']\ne: {}\nf: []\n",
     {"m": {"goal": 6, "actual": None}, "l": ["a", 2, "3"], "e": {}, "f": []}),
])
def test_typical_values_take_the_fast_path_with_the_full_loaders_types(text, value):
    fast = yamlfast.parse(text, 1)
    assert fast == value
    assert_same(fast, yamlfull.load(text, 1))


def test_every_month_and_day_of_a_yyyy_mm_dd_value_reads_as_the_full_loader_reads_it():
    """Dates are read first, by date.fromisoformat: a real date is a date, any other stays text."""
    values = [f"{year}-{month:02d}-{day:02d}" for year in ("0000", "0001", "1900", "2024", "2026", "9999")
              for month in range(14) for day in range(33)]
    text = "".join(f"k{i}: {value}\n" for i, value in enumerate(values))
    yamlfast.clear_caches()
    assert check(text, 1)
    fast = yamlfast.parse(text, 1)
    assert sum(type(v) is dt.date for v in fast.values()) == 4 * 365 + 366  # 0000 is no year, 1900 no leap year


def test_lines_are_those_of_the_full_loader_for_a_nested_note():
    text = ("# top comment\nrep: ann\nmetrics:\n\n  revenue: 1\n  calls: {goal: 6, actual: 5}\n"
            "commitments:\n  # the list\n  - id: a\n    text: Call Acme\n  -   id: b\n      due: 2026-11-30\n"
            "  - plain\n  - [x, y]\ntags:\n    - a\n")
    fast = yamlfast.parse(text, 1)
    assert fast.line == 3 and fast.key_lines == {"rep": 3, "metrics": 4, "commitments": 8, "tags": 16}
    assert fast["metrics"].line == 6 and fast["commitments"].lines == [10, 12, 14, 15]
    assert fast["commitments"][1].key_lines == {"id": 12, "due": 13}
    assert_same(fast, yamlfull.load(text, 1))
    # The lines it remembers from the first reading carry no line numbers.
    again = yamlfast.parse("\n\n" + text, 4)
    assert again.line == 8 and again["commitments"].lines == [15, 17, 19, 20]
    assert_same(again, yamlfull.load("\n\n" + text, 4))


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n", "a: >\n  text\n", "a: b # comment\n",
    "a: Call Globex: pricing\n", "a: one\n  two\n", "a:\n- x\n  y\n", "a:\n- x\n - y\n",
    "a:\n- x\n  - y\n", "true: 1\n", "1: a\n", "a: 1\na: 2\n",
    "a:\tb\n", "a: b\r\nc: d\n", "a: x\u2028y\n", "\ufeffa: 1\n", "--- \na: 1\n", "%YAML 1.2\n---\na: 1\n",
    "a: 2026-11-30 09:00:00\n", "a: [1, [2]]\n", "a: \"esc\\n\"\n", "  a: 1\n", "- a\n", "just text\n",
    "? a\n: b\n", "a: @x\n", "a: [a, b,]\n", "a b: 1\n", "a: " + "1" * 4400 + "\n",
])
def test_what_is_outside_the_subset_is_declined_and_left_to_the_full_loader(text):
    assert yamlfast.parse(text, 1) is DECLINED
    check(text, 1)


# Documents whose only flaw is in a block that a reader of "commitments" alone
# skips: that reader must decline them all the same (the full loader then
# reports the flaw, as it does for a whole read).
FLAWED_ELSEWHERE = [
    "metrics:\n  revenue: 1\n  revenue: 2\ncommitments:\n  - text: a\n",          # a duplicate key
    "metrics:\n  revenue: 1\n   calls: 2\ncommitments:\n  - text: a\n",           # a continuation
    "metrics:\n  revenue: 1\n - x\ncommitments:\n  - text: a\n",                   # an item left of the keys
    "coaching_plan:\n  - a\n  b: 1\ncommitments:\n  - text: a\n",                 # a key among items
    "coaching_plan:\n  - a: 1\n    a: 2\ncommitments:\n  - text: a\n",            # a duplicate in an item
    "coaching_plan:\n  - a: 1\n      b: 2\ncommitments:\n  - text: a\n",          # deeper than its item
    "confidence:\n  revenue:\n    x: 1\n    x: 2\ncommitments:\n  - text: a\n",   # a duplicate two deep
    "tags:\n- a\n  - b\ncommitments:\n  - text: a\n",                              # an indentless list
    "commitments:\n  - text: a\nmetrics:\n  a: 1\n  a: 2\n",                       # after the commitments
    "commitments:\n  - text: a\nmetrics: 1\nmetrics: 2\n",                          # a duplicate top key
    "commitments:\n  - text: a\ncommitments:\n  - text: b\n",
    "rep: ann\n  more\ncommitments: []\n",
    "rep: ann\n- x\ncommitments: []\n",
]


@pytest.mark.parametrize("text", FLAWED_ELSEWHERE)
def test_a_reader_of_one_key_declines_a_flaw_in_the_blocks_it_skips(text):
    yamlfast.clear_caches()
    assert yamlfast.parse(text, 1) is DECLINED
    for _ in range(2):
        assert yamlfast.parse(text, 1, only="commitments") is DECLINED
    check(text, 1)


def test_a_reader_of_one_key_gets_that_key_its_line_and_nothing_else():
    text = ("rep: ann\nmetrics:\n  revenue: 1\n  calls: {goal: 6, actual: 5}\ncoaching_plan:\n- a: 1\n  b: [x]\n"
            "commitments:\n  - id: a\n    text: Call Acme\n  - plain\nconfidence:\n  revenue: 4\n")
    part = yamlfast.parse(text, 1, only="commitments")
    whole = yamlfast.parse(text, 1)
    assert list(part) == ["commitments"] and part.key_lines == {"commitments": 9} and part.line == 2
    assert_same(part["commitments"], whole["commitments"])
    missing = yamlfast.parse(text, 1, only="absent")
    assert missing == {} and missing.line == 2 and missing.key_lines == {}
    assert yamlfast.parse("", 1, only="commitments") is None
    check(text, 1)


def test_a_note_written_by_pyyaml_takes_the_fast_path():
    """yaml.safe_dump puts a list at its key's column and quotes what would change type."""
    import yaml

    note = {"rep": "ann", "date": dt.date(2026, 11, 30), "manager": "Zoë O'Brien",
            "metrics": {"revenue": {"goal": 25000, "actual": 31250.5}, "calls": None, "code": "01"},
            "commitments": [{"id": "ann-1", "text": "Send the deck, then call", "due": dt.date(2026, 12, 4),
                             "status": "open", "tags": ["a", "yes", "true"]}, "plain item"],
            "flag": True, "empty": [], "none": {}}
    for flow in (False, None):
        text = yaml.safe_dump(note, sort_keys=False, allow_unicode=True, default_flow_style=flow)
        assert check(text, 1), text
        assert yamlfast.parse(text, 1) == note


def test_an_empty_or_comment_only_document_is_none_on_both_paths():
    for text in ("", "\n", "# just a comment\n", "  \n  # indented\n"):
        assert yamlfast.parse(text) is None
        check(text)


def _frontmatter(path) -> str | None:
    text = decode(path.read_bytes(), str(path))
    if not HANDLER.detect(text):
        return None
    parts = HANDLER.split_at(text)
    return parts[0] if parts else None


def _generate():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def test_every_note_of_a_generated_benchmark_notebook_takes_the_fast_path(tmp_path):
    _generate()(tmp_path, 100, 5)
    notes = sorted(tmp_path.rglob("*.md"))
    assert len(notes) == 100
    for path in notes:
        text = _frontmatter(path)
        assert check(text, 1), f"declined: {path}"


def test_every_note_of_the_examples_takes_the_fast_path():
    notes = [p for p in sorted((ROOT / "examples").rglob("*.md")) if _frontmatter(p) is not None]
    assert len(notes) >= 20
    for path in notes:
        assert check(_frontmatter(path), 1), f"declined: {path}"


def test_a_note_written_by_new_takes_the_fast_path(cli, acme):
    result = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    written = acme / "bob-okafor" / f"{TODAY}.md"
    assert check(_frontmatter(written), 1)


def test_loading_a_note_of_the_subset_does_not_import_pyyaml():
    text = _frontmatter(next(EXAMPLE.glob("alice-nguyen/*.md")))
    code = ("import sys\nfrom onenotes.reading.yaml.safe import load_yaml\n"
            f"data = load_yaml({text!r}, 1)\n"
            "assert data['commitments'][0]['id'], data\n"
            "print('yaml' in sys.modules)\n")
    env = {k: v for k, v in os.environ.items() if k != "ONENOTES_YAML_FAST"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False", out.stderr
    # ... and ONENOTES_YAML_FAST=0 turns the fast path off: the full loader (PyYAML) reads it.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**env, "ONENOTES_YAML_FAST": "0"}, check=True)
    assert out.stdout.strip() == "True", out.stderr


# ------------------------------------------------- the guards, line by line ---

# The whole-text checks that parse() and load_yaml() made before this fast path
# checked each new line instead, kept verbatim as oracles: a text holds no
# special character, and no line the block nesting guard refuses, exactly
# when each of its lines (split at LF) holds none.
OLD_SPECIAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                         "\U00010000-\U0010ffff]")
OLD_DEEP_BLOCK = re.compile(r"^[ \t?:-]{192,}", re.M)

DEEP_CASES = [
    "a:\n" + " " * 192 + "b: 1\n",         # a mapping nested 192 columns in: the fast path reads it
    "a:\n" + " " * 190 + "- x\n",          # an item whose dash ends the run
    "a:\n- " + "-" * 200 + "\n",           # a plain "---..." item
    "a:\n" + " " * 192 + "\n",             # a blank line of spaces
    "a:\n" + " - " * 64 + "x\n",           # nested dashes
    "a: 1\n" + "? " * 96 + "\nb: 2\n",
    "a:\n  b:\n" + " " * 300 + "c: 1\n",
]
NOT_DEEP_CASES = [
    "a:\n" + " " * 191 + "b: 1\n",         # one column short of the guard
    "a:\n" + " " * 189 + "- x\n",
    "a: " + "-" * 300 + "\n",               # a run that does not start its line
    "a:\n- x" + " " * 300 + "\n",
]


@pytest.mark.parametrize("text", DEEP_CASES + NOT_DEEP_CASES)
def test_the_block_nesting_guard_is_kept_with_the_fast_path_on(text):
    """load_yaml searches for deep block nesting only in what the fast path declines: that path declines it all."""
    assert yamlsafe._DEEP_BLOCK.pattern == OLD_DEEP_BLOCK.pattern and yamlsafe._DEEP_BLOCK.flags == OLD_DEEP_BLOCK.flags
    deep = OLD_DEEP_BLOCK.search(text) is not None
    assert deep == (text in DEEP_CASES)
    yamlfast.clear_caches()
    for _ in range(2):  # lines new, then known
        if deep:
            assert yamlfast.parse(text, 1) is DECLINED
    for fast in (True, False):
        kind, what = outcome(text, 1, fast)
        if deep:
            assert kind == "problem" and "nested more than 64 levels" in what[1] and what[2] == 2, what
    check(text, 1)


def test_a_text_nested_too_deep_for_the_guard_is_read_by_the_fast_path_without_it():
    """The case above that shows the test can fail: the fast path would read it, were it not for its check."""
    text = DEEP_CASES[0]
    saved = yamlfast._DEEP_LINE
    yamlfast._DEEP_LINE = lambda line: None
    try:
        yamlfast.clear_caches()
        assert yamlfast.parse(text, 1) == {"a": {"b": 1}}
    finally:
        yamlfast._DEEP_LINE = saved
        yamlfast.clear_caches()
    assert yamlfast.parse(text, 1) is DECLINED


_GUARD_LINE = st.one_of(
    st.integers(186, 198).map(lambda n: " " * n + "b: 1"),  # the fast path reads these under "a:"
    st.integers(186, 198).map(lambda n: " " * n + "- x"),
    st.integers(186, 198).map(lambda n: "- " + "-" * n),
    st.tuples(st.text(st.sampled_from(" \t?:-"), min_size=180, max_size=200),
              st.sampled_from(["", "x", "b: 1", "- x", "#c", " "])).map("".join),
    st.text(st.sampled_from(" -?:\tab#1\r\x85\u2028\ufeff\x00\x1b\x7fé\xa0\ud800\uffff🙂"), max_size=8),
    st.sampled_from(["a: 1", "a:", "b:", "  c: x", "  - y", "- z", "", "# c"]),
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(_GUARD_LINE, min_size=1, max_size=6).map("\n".join))
@example("a:\n" + " " * 192 + "b: 2")
@example("a:\n" + " " * 191 + "b: 2")
@example("a: x\ty")
@example("a: 1\n\x85")
def test_the_fast_path_declines_what_the_whole_text_guards_refuse(text):
    """Each new line is checked for what the old whole-text searches found (oracles above)."""
    special = OLD_SPECIAL.search(text) is not None
    deep = OLD_DEEP_BLOCK.search(text) is not None
    yamlfast.clear_caches()
    for _ in range(2):  # lines new, then known
        if special or deep:
            assert yamlfast.parse(text, 1) is DECLINED
    check(text, 1)


def test_a_document_of_known_lines_is_read_without_reading_line_by_line(monkeypatch):
    """The second reading of a note looks its lines up all at once (the path ``check`` compares too)."""
    text = _frontmatter(next(EXAMPLE.glob("alice-nguyen/*.md")))
    yamlfast.clear_caches()
    first = yamlfast.parse(text, 1)
    assert first is not DECLINED
    monkeypatch.setattr(yamlfast, "_read_lines", lambda *args: pytest.fail("read line by line"))
    assert_same(yamlfast.parse(text, 3), yamlfull.load(text, 3))
    # a blank line or a comment is never remembered: such a document is read line by line
    with pytest.raises(pytest.fail.Exception):
        yamlfast.parse(text + "\n# c", 1)


def test_flow_collections_read_from_a_remembered_line_are_new_each_time():
    text = "m: {goal: 6, actual: 5}\nl: [a, 1]\nk:\n  - [x]\n  - {y: 2}\n"
    yamlfast.clear_caches()
    first = yamlfast.parse(text, 1)
    first["m"]["goal"] = 7
    first["m"].key_lines["goal"] = 99
    first["l"].append("b")
    first["l"].lines.append(99)
    first["k"][0].append("z")
    first["k"][1]["y"] = 3
    second = yamlfast.parse(text, 1)
    assert second == {"m": {"goal": 6, "actual": 5}, "l": ["a", 1], "k": [["x"], {"y": 2}]}
    assert_same(second, yamlfull.load(text, 1))


@pytest.mark.parametrize("text, duplicate", [
    ("a:\n  x: 1\n  y: 2\nb: 1\na: 3\n", True),            # after a nested mapping
    ("k:\n- a\n- b\nj: 1\nk: 1\n", True),                   # after an indentless sequence
    ("k:\n  - a\n  - b\nk:\n", True),
    ("l:\n  - id: 1\n    id: 2\n", True),                   # in an item's mapping
    ("l:\n  - id: 1\n    m:\n      z: 1\n      z: 2\n    n: 1\n", True),
    ("l:\n  - id: 1\n    m:\n      z: 1\n    id: 2\n", True),
    ("a:\n  x:\n    y:\n      z: 1\n  x: 2\n", True),
    ("a:\n  x: 1\n  y: 2\nb: 1\nc: 3\n", False),
    ("k:\n- a\n- b\nj: 1\nm: {a: 1}\n", False),
    ("l:\n  - id: 1\n    m:\n      z: 1\n    n: 2\n  - id: 1\n", False),
    ("a:\nb:\nc:\n  x: 1\n  y:\n  z: []\n", False),
])
def test_a_duplicate_key_is_found_after_nested_blocks(text, duplicate):
    """A mapping counts its keys against the entries it read but those of its nested blocks."""
    yamlfast.clear_caches()
    assert (yamlfast.parse(text, 1) is DECLINED) == duplicate
    assert check(text, 1) != duplicate


def _classified(raw: str):
    """What _classify makes of a line, with types kept apart (True is not 1), or "declined"."""
    def typed(item):
        if isinstance(item, tuple):
            return tuple(typed(part) for part in item)
        return (type(item).__name__, item)
    try:
        return typed(yamlfast._classify(raw))
    except yamlfast._Decline:
        return "declined"


_SIMPLE_VALUES = st.one_of(
    st.sampled_from(SUBSET_WORDS + SUBSET_NUMBERS + SUBSET_DATES + NEAR_WORDS),
    st.integers(-10 ** 20, 10 ** 20).map(str),
    st.text(st.sampled_from("aZ_.-09+:# e'\"tTnN~"), max_size=12),
    st.tuples(st.sampled_from("aZ09-+."), st.text(st.sampled_from("aZ_.-09:#"), max_size=6)).map("".join),
)


@settings(max_examples=examples(500), deadline=None)
@given(st.integers(0, 200).map(" ".__mul__),
       st.sampled_from(["", "", "- ", "-  ", "-" + " " * 8, "-" + " " * 9, "-", "--"]),
       st.sampled_from(SUBSET_KEYS + NEAR_KEYS + ["x" * 199, "x" * 200]),
       st.sampled_from([": ", ":  ", ":", " : "]),
       _SIMPLE_VALUES,
       st.sampled_from(["", " ", "  ", " #c"]))
@example(" " * 150, "- ", "id", ": ", "ann-3", "")
@example(" " * 151, "- ", "id", ": ", "ann-3", "")
@example("", "", "a", ": ", "9" * 18, "")
@example("", "", "a", ": ", "9" * 19, "")
@example("", "", "a", ": ", "2026-02-30", "")
@example("", "", "null", ": ", "1", "")
@example("", "", "k", ": ", "a:", "")       # a trailing ":" is no plain value
@example("", "- ", "k", ": ", "C#", "")
@example("", "", "k", ": ", "1.5.", "")
@example("", "", "k", ": ", "-1-", "")
@example("", "", "k", ": ", "+", "")
def test_the_shortcut_for_simple_lines_reads_them_as_the_general_classifier(indent, dash, key, colon, value, end):
    """_SIMPLE ("key: 123", "- key: word") gives what the rest of _classify gives without it."""
    raw = indent + dash + key + colon + value + end
    fast = _classified(raw)
    saved = yamlfast._SIMPLE
    yamlfast._SIMPLE = lambda line: None
    try:
        slow = _classified(raw)
    finally:
        yamlfast._SIMPLE = saved
    assert fast == slow, raw


@pytest.mark.parametrize("raw", ["  revenue: 20072", "  - id: alice-3", "    status: open", "    due: 2024-12-08",
                                 "  gross_profit_pct: 30.9", "a: -5", "a: True", "a: Null"])
def test_the_commonest_new_lines_of_a_note_take_the_shortcut(raw):
    """(A shortcut that never matched would make the test above pass without testing anything.)"""
    assert yamlfast._SIMPLE(raw) is not None


def test_the_special_characters_are_the_ones_the_negated_pattern_found_at_every_code_point():
    """yamlfast._SPECIAL lists the characters it finds (cheaper to compile than the
    negation of every other); over all of Unicode it finds exactly what OLD_SPECIAL did."""
    everything = "".join(map(chr, range(0x110000)))
    found = [m.start() for m in yamlfast._SPECIAL.finditer(everything)]
    assert found == [m.start() for m in OLD_SPECIAL.finditer(everything)]
    assert len(found) == 2117  # C0 but LF, DEL and C1, LS/PS, the surrogates, BOM, U+FFFE/F
