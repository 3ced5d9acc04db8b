"""Hypothesis strategies for hostile notes: frontmatter values, bodies, line ends.

Shared by tests/rules/test_properties.py and the fuzzing harness
(tests/fuzz/fuzz_note_reader.py).  Everything here builds *text a person or a
tool could put in a note*: YAML written in several styles (some of it broken on
purpose), Markdown bodies with the blocks that hide or fake tasks, and the odd
bytes editors and sync tools leave behind.
"""

from __future__ import annotations

import datetime as dt
import json

import yaml
from hypothesis import strategies as st

from onenotes.reading.yaml.safe import to_yaml_scalar

# ------------------------------------------------------------------ text ---

# Characters that break naive parsers: YAML indicators, Markdown markers,
# quotes, combining marks, bidi controls, zero-width and odd line breaks.
HOSTILE_CHARS = (
    ":#-?[]{},&*!|>'\"%@`\\\t "
    "\u0301\u0308"              # combining acute, diaeresis
    "\u05d0\u0627\u200f\u202e\u2066\u2069"  # Hebrew, Arabic, RLM, RLO, LRI, PDI
    "\u200b\u00a0\u3000"        # zero width space, no-break space, ideographic space
    "\u0085\u2028\u2029"        # NEL, line and paragraph separators
    "\x01\x07\x1b\x7f\x9b\x0b\x0c"  # control characters (NUL comes as a stray byte)
    "\ufeff\ufffd"              # BOM inside text, replacement character
    "é中🙂📅🆔✅"
)

# Words YAML 1.1 reads as something else, dates that are no dates, numbers.
YAML_WORDS = [
    "no", "No", "NO", "yes", "on", "off", "y", "n", "true", "False", "null", "~", "Null",
    "9:30", "01234", "0x1F", "0o17", "1_000", "1e3", ".inf", "-.inf", ".nan", "+12",
    "2026-11-30", "2026-02-30", "2026-13-01", "2026-11-30T23:30:00Z", "2026-11-30 25:00:00",
    "30.11.2026", "Nov 30", "0000-00-00", "9999-12-31", "=", "<<", "-", "---", "...",
    "9999-12-31T23:59:59-05:00", "0001-01-01 00:30:00 +14", "9999-12-31T23:00Z",
]
# Figures as people type them (a decimal comma, thousands separators, a unit): written
# unquoted in a flow mapping, YAML splits them at the comma.
FIGURE_TEXTS = ["30,5", "1.234,5", "1,234", "1,234,567", "20.000", "1.500", "12 000", "30,50 \u20ac", "-3,5"]

HOSTILE_STRINGS = [
    "Ann: VIP", "a # comment?", "#3", "- leading dash", "? key", "'single'", '"double"',
    "it's", 'say "hi"', "&anchor", "*alias", "!!python/object:os.system", "!tag",
    "{flow: map}", "[flow, list]", "@handle", "`tick`", "%TAG", "| block", "> folded",
    "line one\nrep: injected", "trailing\n", "\n", " ", "  padded  ", "tab\there",
    "CR\ronly", "CRLF\r\nline", "\u202eevil\u202c", "e\u0301\u0301\u0301", "\u05e9\u05dc\u05d5\u05dd",
    "\x1b[31mred\x1b[0m", "x" * 300, "word " * 200,
    "<<<<<<< HEAD", "<!-- comment -->", "- [ ] fake task", "```", "~~~",
]

# Any printable text (controls come from HOSTILE_CHARS, sparingly).
any_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
words = st.lists(st.sampled_from(["Send", "the", "deck", "to", "Globex", "call", "Bob", "re:", "#2",
                                  "pricing", "Zoë", "O'Brien", "€5k", "9:30", "no", "- x"]),
                 min_size=1, max_size=6).map(" ".join)
hostile_text = st.one_of(
    words,
    st.sampled_from([5000, 100_000]).map(lambda n: "z" * n),  # a very long line (small repr)
    st.sampled_from(HOSTILE_STRINGS),
    st.sampled_from(YAML_WORDS),
    st.text(st.sampled_from(HOSTILE_CHARS) | st.characters(blacklist_categories=("Cs", "Cc")),
            min_size=1, max_size=30),
    any_text,
)

# ----------------------------------------------------------- YAML values ---

dates = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))
scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.integers(-10 ** 20, 10 ** 20),
    st.floats(), st.floats(allow_nan=False, allow_infinity=False, width=32),
    dates,
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1)),
    st.datetimes(timezones=st.builds(dt.timezone, st.timedeltas(-dt.timedelta(hours=23, minutes=59),
                                                                dt.timedelta(hours=23, minutes=59)))),
    hostile_text,
)
keys = st.one_of(
    st.sampled_from(["rep", "date", "metrics", "commitments", "coaching_plan", "behaviour_plan",
                     "confidence", "manager", "text", "id", "due", "status", "owner", "since",
                     "done_on", "goal", "actual", "revenue", "skill"]),
    st.sampled_from(YAML_WORDS),
    hostile_text,
    st.integers(-5, 5),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)


def commitment_items():
    """Items of a ``commitments:`` list: mostly well-formed, with hostile values."""
    item = st.fixed_dictionaries(
        {"text": hostile_text},
        optional={
            "id": st.one_of(hostile_text, st.integers(), st.none()),
            "owner": st.sampled_from(["rep", "manager", "Manager", " rep ", "boss", None, 3]),
            "due": st.one_of(dates, st.sampled_from(YAML_WORDS), st.none(), st.floats(), hostile_text),
            "status": st.sampled_from(["open", "done", "dropped", "DONE", "closed", None, "no", 1]),
            "since": st.one_of(dates, st.sampled_from(YAML_WORDS), st.none()),
            "done_on": st.one_of(dates, st.none(), hostile_text),
            "extra": values,
        })
    return st.lists(st.one_of(item, hostile_text, values), max_size=5)


figures = st.sampled_from(FIGURE_TEXTS)
frontmatter_values = st.fixed_dictionaries(
    {},
    optional={
        "rep": hostile_text, "date": st.one_of(dates, hostile_text),
        "metrics": st.one_of(
            st.dictionaries(keys, st.one_of(scalars, figures, st.fixed_dictionaries(
                {}, optional={"goal": scalars | figures, "actual": scalars | figures, "other": scalars})),
                max_size=4),
            values),
        "commitments": st.one_of(commitment_items(), values),
        "coaching_plan": st.one_of(st.dictionaries(keys, scalars, max_size=4), values),
        "behaviour_plan": st.one_of(st.dictionaries(keys, scalars | figures, max_size=4), values),
        "confidence": st.one_of(st.dictionaries(keys, st.integers(-2, 8) | scalars | figures, max_size=4), values),
    },
).flatmap(lambda known: st.dictionaries(keys, values, max_size=3).map(lambda extra: {**extra, **known}))


def _plain(value) -> str:
    """A value written the careless way: ``str()`` with no quoting at all."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_plain(k)}: {_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


def _block(value, indent: int, scalar) -> list[str]:
    """Block-style YAML lines for a mapping/list, scalars written by ``scalar``."""
    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for k, v in value.items():
            key = scalar(k)
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{key}:")
                lines.extend(_block(v, indent + 2, scalar))
            else:
                lines.append(f"{pad}{key}: {scalar(v)}")
    else:
        for v in value:
            if isinstance(v, (dict, list)) and v:
                inner = _block(v, indent + 2, scalar)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {scalar(v)}")
    return lines


def _safe_dump(value, style) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=style["unicode"], width=style["width"],
                              default_flow_style=style["flow"], sort_keys=False)
    except (yaml.YAMLError, RecursionError):
        return json.dumps(value, default=str, ensure_ascii=False)


@st.composite
def frontmatter_text(draw) -> str:
    """YAML text for a frontmatter block, written in one of several styles."""
    value = draw(frontmatter_values)
    style = draw(st.sampled_from(["ours", "ours", "pyyaml", "plain", "json", "raw"]))
    if style == "ours":
        text = "\n".join(_block(value, 0, to_yaml_scalar))
    elif style == "pyyaml":
        text = _safe_dump(value, draw(st.fixed_dictionaries({
            "unicode": st.booleans(), "width": st.sampled_from([20, 80, 10 ** 6]),
            "flow": st.sampled_from([False, None, True])})))
    elif style == "plain":
        text = "\n".join(_block(value, 0, _plain))
    elif style == "json":
        text = json.dumps(value, default=str, ensure_ascii=draw(st.booleans()))
    else:
        text = "\n".join(draw(st.lists(yaml_line, max_size=12)))
    return text


yaml_line = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["rep", "commitments", "metrics", "due", "x"]),
              st.sampled_from(YAML_WORDS + HOSTILE_STRINGS)),
    st.sampled_from(["  - text: a", "  - id: x\n    text: y", "- [ ] task", "  revenue: 31250",
                     "key: &a 1", "other: *a", "k: !!python/name:os.system", "k: |", "  \tx",
                     "k: >-", "\tk: v", "k: v\tcomment", "? complex", ": value", "[[[[[[",
                     "k: 'unterminated", 'k: "bad \\q escape"', "%YAML 1.1", "--- # doc", "...",
                     "## heading", "a:\n  - b\n  c: d", "k: v # comment", "k: [a, b", "k:\n- a\n - b",
                     "metrics:\n  revenue: {goal: 20000, actual: 30,5}", "metrics: {revenue: 1,234,567, calls: 4}",
                     "metrics:\n  revenue:\n    goal: 20.000\n    actual: 30,5", "confidence: {revenue: 3,5}",
                     "behaviour_plan: {calls: 40, meetings: 7,5}", "  revenue: 12 000"]),
    hostile_text,
)

# ------------------------------------------------------------------ body ---

BULLETS = ["- ", "* ", "+ ", "1. ", "2) ", "10. ", "-\t", "-    "]
BOXES = ["[ ] ", "[x] ", "[X] ", "[-] ", "[/] ", "[?] ", "[ ]", "[]", "[  ] ", ""]
TASK_META = ["", " due: 2026-11-30", " due: 2026-02-30", " due: tomorrow", " [due:: 2026-12-01]",
             " @due(2026-12-02)", " 📅 2026-12-03", " [owner:: manager]", " owner: boss",
             " [id:: deck]", " 🆔 call", " ✅ 2026-11-20", " [done:: 2026-13-45]", " due:"]


@st.composite
def body_lines(draw, depth=0) -> list[str]:
    kind = draw(st.sampled_from(["task"] * 6 + ["list"] * 4 + [
        "fence", "indented", "comment", "quote", "quote", "heading", "para", "html", "rule", "table",
        "raw", "long", "deep"]))
    if draw(st.integers(1, 40)) == 29:
        kind = "conflict"  # rare: it makes the whole note unreadable
    text = draw(hostile_text).replace("\n", " ").replace("\r", " ")
    if kind == "task":
        return [draw(st.sampled_from(["", "  ", "    ", "\t"])) + draw(st.sampled_from(BULLETS))
                + draw(st.sampled_from(BOXES)) + text + draw(st.sampled_from(TASK_META))]
    if kind == "list" and depth < 3:
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            lines.append(draw(st.sampled_from(BULLETS)) + draw(st.sampled_from(BOXES)) + text)
            if draw(st.booleans()):
                pad = " " * draw(st.integers(0, 6))
                lines.extend(pad + line for line in draw(body_lines(depth=depth + 1)))
        return lines
    if kind == "fence":
        fence = draw(st.sampled_from(["```", "~~~", "````", "```python", "~~~~~", "``` `x`"]))
        close = draw(st.sampled_from([fence[:3], fence.split(" ")[0].rstrip("python"), "", "~~~", "`````"]))
        return [fence, "- [ ] " + text, close]
    if kind == "indented":
        return ["", "    - [ ] " + text, "\t- [x] code"]
    if kind == "comment":
        return draw(st.sampled_from([["<!--", "- [ ] " + text, "-->"], ["<!-- - [ ] x -->"],
                                     ["<!--", "- [ ] never closed"], ["<!-- a", "b --> - [ ] after"]]))
    if kind == "quote":
        inner = draw(body_lines(depth=depth + 1)) if depth < 3 else [text]
        prefix = draw(st.sampled_from(["> ", ">", "> > ", " > "]))
        return [prefix + line for line in inner]
    if kind == "heading":
        return [draw(st.sampled_from(["# ", "## ", "###### ", "####### "])) + text]
    if kind == "html":
        return draw(st.sampled_from([["<details>", "- [ ] in html", "</details>"], ["<div>", text],
                                     ["<script>", "- [ ] x"], ["<?php", "?>"], ["<![CDATA[", "]]>"]]))
    if kind == "rule":
        return [draw(st.sampled_from(["---", "***", "___", "- - -", "...", "==="]))]
    if kind == "table":
        return ["| a | b |", "| --- | --- |", f"| {text} | - [ ] cell |"]
    if kind == "long":  # a pasted log or spreadsheet: one very long line
        return [draw(st.sampled_from(["- [ ] ", "", "> ", "    "])) + text * draw(st.integers(1, 50))
                + "x" * draw(st.sampled_from([1000, 70000]))]
    if kind == "deep":  # nesting on one line or over many: "* * * ... x", "> > > ...", indents
        mark = draw(st.sampled_from(["* ", "- ", "> ", "1. ", "> - ", "+ "]))
        count = draw(st.sampled_from([2, 31, 32, 33, 200, 5000]))
        if draw(st.booleans()):
            return [mark * count + "[ ] " + text]
        return [" " * (2 * i) + "- [ ] " + text for i in range(min(count, 60))]
    if kind == "conflict":
        return draw(st.sampled_from([["<<<<<<< HEAD", text, "=======", ">>>>>>> branch"],
                                     ["<<<<<<<", text], [">>>>>>> x"]]))
    return [text]


@st.composite
def body_text(draw) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        lines.extend(draw(body_lines()))
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines)


# ------------------------------------------------------------- whole note ---

@st.composite
def note_text(draw) -> str:
    """A whole note as text with ``\\n`` line ends: frontmatter (maybe broken) + body."""
    shape = draw(st.sampled_from(["fm", "fm", "fm", "none", "unclosed", "dots", "blank-first", "empty"]))
    fm = draw(frontmatter_text()) if shape != "none" else ""
    body = draw(body_text())
    if shape == "none":
        return body
    if shape == "unclosed":
        return "---\n" + fm + "\n" + body
    if shape == "dots":
        return "---\n" + fm + "\n...\n" + body
    if shape == "blank-first":
        return "\n\n---\n" + fm + "\n---\n" + body
    if shape == "empty":
        return "---\n---\n" + body
    return "---\n" + fm + "\n---\n" + body


@st.composite
def note_bytes(draw) -> bytes:
    """A note as bytes on disk: any line ends, maybe a BOM, maybe a stray bad byte."""
    text = draw(note_text())
    ends = draw(st.sampled_from(["lf", "crlf", "cr", "mixed"]))
    if ends == "crlf":
        text = text.replace("\n", "\r\n")
    elif ends == "cr":
        text = text.replace("\n", "\r")
    elif ends == "mixed":
        parts = text.split("\n")
        text = parts[0]
        for part in parts[1:]:
            text += draw(st.sampled_from(["\n", "\r\n", "\r"])) + part
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()) and draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(1, 10)) == 7:  # a stray byte from another encoding, or binary junk
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xe9", b"\xff\xfe", b"\x00", b"\xc3", b"\xed\xa0\x80"])) \
            + data[at:]
    if draw(st.integers(1, 20)) == 13:
        data = draw(st.sampled_from([b"\xff\xfe", b"\xfe\xff"])) + data
    return data[: 1024 * 1024 + 1]  # the reader refuses larger notes before parsing them


# ------------------------------------------------------------ the oracle ---

NOTE_PATH = "ann/2026-11-16.md"


def check_reading(data: bytes, options=None):
    """Read ``data`` as the note ann/2026-11-16.md and check what the reader promises.

    Returns the :class:`~onenotes.reading.note.Note`, or None when the reader refused
    the note with a :class:`~onenotes.errors.NoteError`.  Any other exception
    escapes (a crash); a broken promise is an ``AssertionError``:

    * every problem names a line inside the file (1 .. number of lines) and
      says something;
    * every commitment and metric found stands on a line inside the file.
    """
    from onenotes.errors import NoteError, Problem
    from onenotes.reading.note import ReadOptions, decode, parse_note

    options = options or ReadOptions()
    try:
        text = decode(data, NOTE_PATH)
    except NoteError as exc:
        _check_problem(exc.problem, _byte_lines(data))
        return None
    assert isinstance(text, str) and "\r" not in text and not text.startswith("\ufeff")
    lines = text.count("\n") + 1
    try:
        note = parse_note(text, NOTE_PATH, "ann", dt.date(2026, 11, 16), 1, options)
    except NoteError as exc:
        _check_problem(exc.problem, lines)
        return None
    for problem in note.problems:
        assert isinstance(problem, Problem)
        _check_problem(problem, lines)
    for mention in note.mentions:
        assert 1 <= mention.line <= lines, (mention, lines)
        assert isinstance(mention.text, str) and isinstance(mention.id, str) and mention.id
        assert mention.status in ("open", "done", "dropped") and mention.owner
    for metric in note.metrics:
        assert 1 <= metric.line <= lines, (metric, lines)
    assert 1 <= note.body_line <= lines + 1
    return note


def _byte_lines(data: bytes) -> int:
    """Lines in undecodable bytes, counting CRLF, LF and lone CR as line ends."""
    return data.count(b"\r\n") + data.replace(b"\r\n", b"").count(b"\n") \
        + data.replace(b"\r\n", b"").count(b"\r") + 1


def _check_problem(problem, lines: int) -> None:
    assert problem.path == NOTE_PATH
    assert 1 <= problem.line <= lines, (problem, lines)
    assert problem.column >= 0
    assert problem.severity in ("error", "warning")
    assert isinstance(problem.message, str) and problem.message.strip(), problem
    assert problem.code
