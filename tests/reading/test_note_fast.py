"""The note reader's shortcuts give exactly what the slow path gives.

tests/support/note_reference.py holds ``parse_note`` and its helpers as they were
before the shortcuts (the slow path).  Each test here compares the fast reader
with it, or one shortcut with the code it replaces:

* ``_squash`` (no regex for text without a run of blanks) and ``derived_id``;
* the whole reading of a note (metrics, plans, frontmatter commitments, body
  tasks, every problem, or the same NoteError), on generated notes
  (tests/support/notegen.py), on the notes of the hostile-input catalog
  (tests/support/hostile_cases.py), and on frontmatter values given directly;
* the commitments-only read (``commitments_only=True``, for the cache's
  "index" mode): the same NoteError or none, the same mentions and the same
  listing problems (codes ``commitment-*`` and ``task-*``, what ``followups``
  shows) as the full read, and no other problem.
"""

from __future__ import annotations

import datetime as dt
import re
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from support import note_reference as ref
from support import notegen
from onenotes.reading import note as fast
from onenotes.errors import NoteError
from onenotes.views.followups import _LISTING_CODES
from onenotes.reading.note import ReadOptions, decode
from onenotes.reading.yaml.safe import LineDict, LineList

PATH = "ann/2026-11-16.md"
MEETING = dt.date(2026, 11, 16)
OPTIONS = [
    ReadOptions(),
    ReadOptions(date_formats=("%d.%m.%Y", "%b %d", "%d/%m")),
    ReadOptions(timezone="Europe/Berlin"),
    ReadOptions(date_formats=("%d.%m.%Y",), timezone="America/New_York"),
]
SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

WHITESPACE_TEXT = st.text(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2007"
                                          "\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeffaZé: \x01"),
                          max_size=30)
ANY_TEXT = st.text(max_size=60)


# ------------------------------------------------------------ _squash ---

def test_every_whitespace_character_but_the_space_is_not_printable():
    """What ``_squash`` relies on: ``\\s`` matches exactly the characters ``isspace`` accepts,
    and of those only the space is printable, over every code point."""
    space = re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        assert bool(space.match(c)) == c.isspace(), hex(code)
        if c.isspace() and c != " ":
            assert not c.isprintable(), hex(code)


@SETTINGS
@given(st.one_of(WHITESPACE_TEXT, ANY_TEXT, notegen.hostile_text))
@example("a  b")
@example(" a b ")
@example("a\tb")
@example("a\u00a0b")
@example("  ")
def test_squash_is_the_regex_sub_and_strip(text):
    assert fast._squash(text) == ref._SPACES.sub(" ", text).strip()


@SETTINGS
@given(st.one_of(WHITESPACE_TEXT, ANY_TEXT, notegen.hostile_text), st.sampled_from(["ann", "bob-li"]),
       st.sampled_from(["2026-11-16", "2026-11-16-2"]))
@example("Call Bob", "ann", "2026-11-16")
@example("Ǆ  ß\u0130", "ann", "2026-11-16")
def test_derived_id_is_the_reference_one(text, rep, stem):
    assert fast.derived_id(rep, stem, text) == ref.derived_id(rep, stem, text)


# --------------------------------------- frontmatter and conflicts ---

PIECES = st.lists(st.sampled_from(["\n", "---", "...", "--", "..", "-", ".", " ", "\t", "a: 1", "#", "\n---\n",
                                   "\n...\n", "<<<<<<<", ">>>>>>>", "<", ">", "=======", "x"]), max_size=24).map("".join)


@SETTINGS
@given(PIECES)
@example("---\na: 1\n...\nb\n---\n")
@example("---\na: 1\n---x\n... \n")
@example("---\n...")
def test_splitting_frontmatter_is_the_reference_split(text):
    assert fast.split_frontmatter("---\n" + text) == ref.split_frontmatter("---\n" + text)
    assert fast.split_frontmatter(text) == ref.split_frontmatter(text)


@SETTINGS
@given(PIECES, PIECES, st.integers(0, 30))
@example("\n...", "", 0)
@example("x\n...", "", 1)
@example("\n..", ".", 0)
def test_finding_dots_before_the_dashes_is_finding_the_four_characters(head, tail, at):
    """``_dots_before`` is ``text.find("\\n...", at, end)`` when ``text[end]`` is a line end."""
    text = head + "\n---" + tail
    end = len(head)
    assert fast._dots_before(text, at, end) == text.find("\n...", at, end)


@SETTINGS
@given(PIECES, st.sampled_from(OPTIONS))
@example("<<<<<<< HEAD\na\n=======\n", ReadOptions())
@example("x\n>>>>>>>", ReadOptions())
@example("x\n< >>>>>>>", ReadOptions())
def test_merge_conflicts_and_delimiters_read_as_the_reference_reads_them(text, options):
    check_note(text, options)
    check_note("---\n" + text, options)


# ------------------------------------------------------- whole notes ---

def _outcome(parse, text, options, **kwargs):
    """A comparable, type-strict picture of reading ``text``: the NoteError's problem, or the note."""
    try:
        note = parse(text, PATH, "ann", MEETING, 1, options, **kwargs)
    except NoteError as exc:
        return ("error", _problem(exc.problem))
    return ("note", note)


def _problem(p):
    return (p.path, p.line, p.column, p.severity, p.code, p.message, p.hint)


def _same_note(a, b):
    """Every field of two notes, with values compared by repr (1, 1.0 and True differ)."""
    assert a[0] == b[0]
    if a[0] == "error":
        assert a[1] == b[1]
        return
    x, y = a[1], b[1]
    assert [_problem(p) for p in x.problems] == [_problem(p) for p in y.problems]
    assert repr(x.mentions) == repr(y.mentions)
    assert repr(x.metrics) == repr(y.metrics)
    assert repr((x.coaching_plan, x.behaviour_plan, x.confidence)) == \
        repr((y.coaching_plan, y.behaviour_plan, y.confidence))
    assert (x.path, x.rep, x.date, x.seq, x.body_line) == (y.path, y.rep, y.date, y.seq, y.body_line)
    assert repr(x.meta) == repr(y.meta)


def _listing(problems):
    return [_problem(p) for p in problems if p.code.startswith(_LISTING_CODES)]


def check_note(text: str, options: ReadOptions) -> None:
    """The fast read is the reference read; the commitments-only read keeps what followups needs."""
    full = _outcome(fast.parse_note, text, options)
    _same_note(full, _outcome(ref.parse_note, text, options))
    index = _outcome(fast.parse_note, text, options, commitments_only=True)
    assert index[0] == full[0]
    if full[0] == "error":
        assert index[1] == full[1]  # the same NoteError
        return
    assert repr(index[1].mentions) == repr(full[1].mentions)
    assert [_problem(p) for p in index[1].problems] == _listing(full[1].problems)


@SETTINGS
@given(notegen.note_bytes(), st.sampled_from(OPTIONS))
def test_generated_notes_read_as_the_reference_reads_them(data, options):
    try:
        text = decode(data, PATH)
    except NoteError:
        return  # decoding is not a shortcut here
    check_note(text, options)


def _hostile_notes():
    from support import hostile_cases

    found = []
    for case in hostile_cases.CASES:
        for rel, content in case.files.items():
            if rel.endswith(".md") and "/" in rel and not rel.startswith("templates/"):
                data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
                found.append(pytest.param(data, id=f"{case.id}:{rel}"))
    return found


@pytest.mark.parametrize("data", _hostile_notes())
def test_hostile_notes_read_as_the_reference_reads_them(data):
    try:
        text = decode(data, PATH)
    except NoteError:
        return
    for options in OPTIONS:
        check_note(text, options)


# Frontmatter values given directly (as the loader's LineDict/LineList, or as plain
# dicts and lists), so that every odd value reaches the field checks.

def _lined(value, line=[2]):  # noqa: B006 - a counter shared on purpose
    if isinstance(value, dict):
        d = LineDict()
        d.line = line[0]
        for k, v in value.items():
            line[0] += 1
            d.key_lines[k] = line[0]
            d[k] = _lined(v)
        return d
    if isinstance(value, list):
        items = LineList()
        for v in value:
            line[0] += 1
            items.lines.append(line[0])
            items.append(_lined(v))
        return items
    return value


def _read(module, meta, body, options, commitments_only=False):
    note = fast.Note(path=PATH, rep="ann", date=MEETING, seq=1, meta=meta, metrics=[], mentions=[],
                     body_line=7)
    seen: dict = {}
    if not commitments_only:
        module._read_metrics(note, "")
        module._read_plans(note, "")
    module._read_frontmatter_commitments(note, "2026-11-16", options, seen)
    module._read_body_tasks(note, body, "2026-11-16", options, seen)
    return ("note", note)


@SETTINGS
@given(notegen.frontmatter_values, st.booleans(), notegen.body_text(), st.sampled_from(OPTIONS))
def test_frontmatter_values_read_as_the_reference_reads_them(meta, lined, body, options):
    meta = _lined(meta) if lined else meta
    _same_note(_read(fast, meta, body, options), _read(ref, meta, body, options))


NUMBERS = st.one_of(st.integers(), st.integers(-10 ** 16, 10 ** 16), st.sampled_from(
    [10 ** 15, -10 ** 15, 10 ** 15 + 1, -10 ** 15 - 1, 1e15, 1e15 + 0.5, -1e15, 1.0000000000000002e15, True, False,
     0, 0.0, -0.0]), st.floats())


def _unlined(value):
    """LineDicts with a line of their own (5) but none for their keys: positions fall back."""
    if isinstance(value, dict):
        d = LineDict()
        d.line = 5
        d.update((k, _unlined(v)) for k, v in value.items())
        return d
    return value


@SETTINGS
@given(st.dictionaries(notegen.keys, st.one_of(NUMBERS, notegen.scalars, st.fixed_dictionaries(
    {}, optional={"goal": NUMBERS, "actual": NUMBERS, "other": NUMBERS})), max_size=6),
       st.sampled_from(["plain", "lined", "inner", "unlined", "unlined-inner"]))
def test_metric_figures_read_as_the_reference_reads_them(metrics, lined):
    meta = {"metrics": metrics}
    if lined == "lined":
        meta = _lined(meta)
    elif lined == "inner":  # a plain frontmatter holding a LineDict: line 0 falls back to its own
        meta = {"metrics": _lined(metrics)}
    elif lined == "unlined":  # line 0 for "metrics", which has a line of its own but no key lines
        meta = {"metrics": _unlined(metrics)}
    elif lined == "unlined-inner":
        meta = LineDict(metrics=_unlined(metrics))
    _same_note(_read(fast, meta, "", ReadOptions()), _read(ref, meta, "", ReadOptions()))


WORDS = st.sampled_from(["open", "done", "dropped", "rep", "manager", "Open", " done", "rep ", "REP", "boss",
                         "", " ", None, 1, True, 2.5, dt.date(2026, 11, 30), [], {}])
DATES = st.one_of(st.none(), notegen.dates, notegen.scalars, st.sampled_from(
    ["2026-11-30", " 2026-11-30 ", "2026-02-30", "2026-W48-1", "20261130", "2026-11-30T23:30:00Z",
     "30.11.2026", "Nov 30", "٢٠٢٦-١١-٣٠"]))
ITEM = st.fixed_dictionaries({}, optional={
    "text": st.one_of(notegen.hostile_text, WORDS), "id": st.one_of(notegen.hostile_text, WORDS, st.integers()),
    "owner": WORDS, "status": WORDS, "due": DATES, "since": DATES, "done_on": DATES,
    "reason": st.one_of(notegen.hostile_text, WORDS), "extra": WORDS, 3: WORDS})


@SETTINGS
@given(st.lists(st.one_of(ITEM, notegen.hostile_text, WORDS), max_size=6), st.booleans(),
       st.sampled_from(OPTIONS))
def test_commitment_items_read_as_the_reference_reads_them(items, lined, options):
    meta = {"commitments": items}
    meta = _lined(meta) if lined else meta
    _same_note(_read(fast, meta, "", options), _read(ref, meta, "", options))


TASK_TEXT = st.one_of(notegen.hostile_text, WHITESPACE_TEXT, st.lists(st.sampled_from(
    ["Call", "Bob", "  ", "\t", "due: 2026-11-30", "@due(2026-12-01)", "[owner:: manager]", "owner: boss",
     "[id:: x]", "✅ 2026-11-20", "[reason:: no budget]", "📅 2026-12-03", "é", ":", "@", "ß",
     "❌ 2026-11-21", "⏳ 2026-11-25", "⏫", "🔁 every week", "^abc", "^", "📅 Invalid date",
     "[ due:: <% tp.date.now() %> ]", "(completion:: 2026-11-22)"]),
    max_size=6).map(" ".join))


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["- [ ] ", "- [x] ", "* [-] ", "1. [?] ", "- [ ]  "]), TASK_TEXT),
                max_size=6), st.sampled_from(OPTIONS))
@example([("- [ ] ", "Call\x1fBob"), ("- [ ] ", "Call\x0c Bob"), ("- [x] ", " Call  Bob ")], ReadOptions())
@example([("- [ ] ", "Call Bob"), ("- [x] ", "call  bob"), ("- [ ] ", "CALL BOB")], ReadOptions())
def test_body_tasks_read_as_the_reference_reads_them(tasks, options):
    body = "".join(box + text.replace("\n", " ").replace("\r", " ") + "\n" for box, text in tasks)
    _same_note(_read(fast, {}, body, options), _read(ref, {}, body, options))


@SETTINGS
@given(st.fixed_dictionaries({}, optional={
    "coaching_plan": st.one_of(notegen.hostile_text, st.dictionaries(notegen.keys, st.one_of(
        NUMBERS, notegen.scalars, st.lists(NUMBERS, max_size=2)), max_size=4), notegen.values),
    "behaviour_plan": st.one_of(st.dictionaries(notegen.keys, st.one_of(NUMBERS, notegen.scalars), max_size=5),
                                notegen.values),
    "confidence": st.one_of(st.dictionaries(notegen.keys, st.one_of(NUMBERS, notegen.scalars), max_size=5),
                            notegen.values)}), st.booleans())
def test_plans_read_as_the_reference_reads_them(meta, lined):
    meta = _lined(meta) if lined else meta
    _same_note(_read(fast, meta, "", ReadOptions()), _read(ref, meta, "", ReadOptions()))


# Frontmatter whose flaw is in a block the commitments-only read does not build
# (metrics, plans, confidence): that read fails the note as the whole read does.
FLAWED_BLOCKS = [
    "metrics:\n  revenue: 1\n  revenue: 2\n",
    "metrics:\n  revenue: 1\n   calls: 2\n",
    "metrics:\n  revenue: {goal: 1, goal: 2}\n",
    "coaching_plan:\n  skill: a\n - b\n",
    "coaching_plan:\n  - a: 1\n    a: 2\n",
    "behaviour_plan:\n  calls: 40\n    more: 1\n",
    "confidence:\n  revenue:\n    x: 1\n    x: 2\n",
    "confidence: 4\nconfidence: 5\n",
    "tags:\n- a\n- b: 1\n  b: 2\n",
]


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("block", FLAWED_BLOCKS)
def test_a_flaw_in_a_block_the_commitments_only_read_skips_fails_the_note_on_both_reads(block, where):
    commitments = "commitments:\n  - id: a\n    text: Call Bob\n"
    meta = block + commitments if where == "before" else commitments + block
    text = "---\nrep: ann\n" + meta + "---\n- [ ] Send the deck\n"
    assert _outcome(fast.parse_note, text, ReadOptions(), commitments_only=True)[0] == "error"
    check_note(text, ReadOptions())


def test_parse_note_bytes_passes_commitments_only_through():
    from onenotes.reading.notefile import parse_note_bytes

    data = ("\n---\nmetrics: {revenue: lots}\nconfidence: {revenue: 9}\ncommitments:\n  - text: Call Bob\n"
            "    status: closed\n---\n- [?] Send the deck\n").encode()
    full = parse_note_bytes(PATH, data, ReadOptions())
    index = parse_note_bytes(PATH, data, ReadOptions(), commitments_only=True)
    # A blank line first: no frontmatter, and a warning that followups does not show.
    assert [p.code for p in full.problems] == ["frontmatter-not-first-line", "task-marker"]
    assert [p.code for p in index.problems] == ["task-marker"]
    data = data[1:]
    full = parse_note_bytes(PATH, data, ReadOptions())
    index = parse_note_bytes(PATH, data, ReadOptions(), commitments_only=True)
    assert {p.code for p in full.problems} == {"metric-not-number", "confidence-invalid", "commitment-status",
                                               "task-marker"}
    assert [p.code for p in index.problems] == ["commitment-status", "task-marker"]
    assert full.metrics and not index.metrics
    assert repr(index.mentions) == repr(full.mentions)
