"""The fields of body tasks (onenotes/taskfields.py) and the ids that survive editors.

* tests/data/task_lines.jsonl: task lines in the syntaxes Obsidian Tasks and
  Dataview read (our own table, after the lines their parser tests type), each
  with what onenotes must read from it, through parse_note;
* properties: a field added, removed or changed (Tasks emoji, Dataview, TaskPaper,
  priority, recurrence, block id, due:/owner:) never changes a task's derived
  id or shown text, and a change of its words does;
* placeholder dates: one warning a note, no error;
* the no-field shortcut, and lines that must not take long.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from onenotes.reading.note import derived_id, parse_note
from onenotes.reading.taskfields import TaskFields, _read_fields, has_no_field, read_task_fields, squash

PATH = "ann/2026-11-16.md"
MEETING = dt.date(2026, 11, 16)
TABLE = Path(__file__).parent.parent / "data" / "task_lines.jsonl"
STATUS_OF_BOX = {" ": "open", "x": "done", "-": "dropped"}


def parse(body: str):
    return parse_note(body, PATH, "ann", MEETING)


def _table():
    rows = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if "task" in row]


ROWS = _table()


def test_the_table_covers_every_syntax():
    """The table holds each field syntax at least once (a row dropped by mistake shows here)."""
    tasks = "\n".join(row["task"] for row in ROWS)
    for mark in ["📅", "📆", "🗓", "⏳", "⌛", "🛫", "➕", "✅", "❌", "🔁", "🏁", "⛔", "🆔", "🔺", "⏫", "🔼",
                 "🔽", "⏬", "\ufe0f", "[due::", "(due::", "[ due::", "[completion::", "[cancelled::", "[id::",
                 "[owner::", "[reason::", "[priority::", "@due(", "due:", "owner:", "^", "<%", "Invalid date"]:
        assert mark in tasks, mark
    assert len(ROWS) >= 60


@pytest.mark.parametrize("row", ROWS, ids=[f"{n + 2}" for n in range(len(ROWS))])
def test_a_task_line_reads_as_the_table_says(row):
    box = row.get("box", " ")
    note = parse(f"- [{box}] {row['task']}\n")
    [mention] = note.mentions
    assert mention.text == row["words"]
    assert mention.status == STATUS_OF_BOX[box]
    assert mention.due == (dt.date.fromisoformat(row["due"]) if "due" in row else None)
    assert mention.due_raw == row.get("due_raw")
    assert mention.done_on == (dt.date.fromisoformat(row["done_on"]) if "done_on" in row else None)
    assert mention.owner == row.get("owner", "rep")
    assert mention.reason == row.get("reason")
    assert mention.id == row.get("id", derived_id("ann", "2026-11-16", row["words"]))
    expected = [(1, "error", "commitment-date")] if "due_raw" in row else []
    if row.get("placeholders"):
        expected.append((1, "warning", "task-placeholder"))
        assert note.problems[-1].message.startswith(f"{row['placeholders']} task field")
    assert [(p.line, p.severity, p.code) for p in note.problems] == expected


def test_each_group_of_the_table_is_one_commitment_and_groups_are_not():
    groups: dict[str, set[str]] = {}
    for row in ROWS:
        if "group" in row:
            [mention] = parse(f"- [{row.get('box', ' ')}] {row['task']}\n").mentions
            groups.setdefault(row["group"], set()).add(mention.id)
    assert len(groups) >= 3
    assert all(len(ids) == 1 for ids in groups.values()), groups
    assert len(set().union(*groups.values())) == len(groups)


# ------------------------------------------------------------ properties ---

# The promise's words: text that holds no field and does not start or end with
# something a field next to it would take in ("every" after a 🔁, a date after 📅).
_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éßü#'&?.-/"),
                min_size=1, max_size=8)
WORDS = st.lists(_WORD, min_size=1, max_size=6).map(" ".join).filter(
    lambda t: not t[0].isdigit() and read_task_fields(t) == TaskFields(squash(t)))

_DATES = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)
_VS = st.sampled_from(["", "\ufe0f"])
_SPACE = st.sampled_from([" ", "  ", ""])
_TASK_ID = st.text(st.sampled_from("abcXYZ019-_"), min_size=1, max_size=8)
_PLACEHOLDERS = st.sampled_from(["<% tp.date.now() %>", '<% tp.date.now("YYYY-MM-DD", 7) %>', "Invalid date"])


def _emoji_field(emoji: str, value) -> st.SearchStrategy[str]:
    return st.tuples(st.just(emoji), _VS, _SPACE, value).map("".join)


def _dataview_field(key: str, value) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["[", "("]), _SPACE, st.just(key), st.just("::"), _SPACE, value,
                     _SPACE).map(lambda p: "".join(p) + ("]" if p[0] == "[" else ")"))


# Fields that never change the id: everything but an explicit id.  FIELDS_BEFORE
# may stand before the words too; a recurrence may not (its text runs on to the
# next field, as in Obsidian Tasks, which writes every field after the words).
FIELDS_BEFORE = st.one_of(
    *[_emoji_field(e, st.one_of(_DATES, _PLACEHOLDERS)) for e in "📅📆🗓⏳⌛🛫➕✅❌"],
    *[_emoji_field(e, st.just("")) for e in "🔺⏫🔼🔽⏬"],
    _emoji_field("🏁", st.sampled_from(["delete", "keep", "Delete"])),
    _emoji_field("⛔", st.lists(_TASK_ID, min_size=1, max_size=3).map(",".join)),
    *[_dataview_field(k, st.one_of(_DATES, _PLACEHOLDERS)) for k in
      ["due", "completion", "done", "cancelled", "scheduled", "start", "created"]],
    _dataview_field("priority", st.sampled_from(["high", "highest", "low"])),
    _dataview_field("repeat", st.sampled_from(["every day", "every week"])),
    _dataview_field("reason", st.sampled_from(["budget frozen", "due: next year", "moved (Q1)"])),
    _dataview_field("owner", st.sampled_from(["rep", "manager"])),
    _dataview_field("dependsOn", st.lists(_TASK_ID, min_size=1, max_size=3).map(",".join)),
    st.tuples(st.just("@due("), _DATES, st.just(")")).map("".join),
    st.tuples(st.just("@context("), st.sampled_from(["office", "car"]), st.just(")")).map("".join),
    st.tuples(st.sampled_from(["due: ", "due:", "DUE: "]), _DATES).map("".join),
    st.sampled_from(["owner: manager", "owner: rep"]),
)
FIELDS = FIELDS_BEFORE | _emoji_field("🔁", st.sampled_from(
    ["every day", "every week on Monday when done", "every 2 weeks", "every month on the last Friday",
     "every Monday, Thursday", "every year!"]))
BLOCK_ID = st.text(st.sampled_from("abc-123XYZ"), min_size=1, max_size=10).map(lambda s: "^" + s)


def _line(words: str, before: list[str], after: list[str], block: str | None) -> str:
    """The words with fields before and after them (where Obsidian Tasks puts them), and a block id."""
    parts = before + [words] + after + ([block] if block else [])
    return " ".join(parts)


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(WORDS, st.lists(FIELDS_BEFORE, max_size=2), st.lists(FIELDS, max_size=6), st.none() | BLOCK_ID,
       st.lists(FIELDS_BEFORE, max_size=2), st.lists(FIELDS, max_size=6), st.none() | BLOCK_ID)
@example("Send the deck", [], [], None, [], ["🔁 every week on Monday when done", "📅 2026-11-30"], "^deck")
@example("Send the deck", [], ["⏫\ufe0f"], None, [], ["📅\ufe0f2026-11-30⏳2026-11-25"], None)
def test_fields_never_change_a_tasks_derived_id_or_text(words, before1, after1, block1, before2, after2, block2):
    one = parse(f"- [ ] {_line(words, before1, after1, block1)}\n").mentions[0]
    two = parse(f"- [x] {_line(words, before2, after2, block2)}\n").mentions[0]
    assert one.text == two.text == squash(words)
    assert one.id == two.id == derived_id("ann", "2026-11-16", words)


@SETTINGS
@given(WORDS, WORDS, st.lists(FIELDS, max_size=4), st.lists(FIELDS, max_size=4))
def test_other_words_make_another_commitment(words, other, fields1, fields2):
    assume(squash(words).casefold() != squash(other).casefold())
    one = parse(f"- [ ] {_line(words, [], fields1, None)}\n").mentions[0]
    two = parse(f"- [ ] {_line(other, [], fields2, None)}\n").mentions[0]
    assert one.text != two.text
    assert one.id != two.id


@SETTINGS
@given(WORDS, _DATES, _DATES, st.sampled_from(["📅 {}", "[due:: {}]", "(due:: {})", "@due({})", "due: {}",
                                                "🗓\ufe0f {}"]))
def test_changing_the_due_date_never_changes_the_id(words, first, second, syntax):
    one = parse(f"- [ ] {words} {syntax.format(first)}\n").mentions[0]
    two = parse(f"- [ ] {words} {syntax.format(second)}\n").mentions[0]
    assert (one.due, two.due) == (dt.date.fromisoformat(first), dt.date.fromisoformat(second))
    assert one.id == two.id


@SETTINGS
@given(WORDS, _TASK_ID, st.lists(FIELDS, max_size=4), st.sampled_from(["🆔 {}", "🆔\ufe0f {}", "[id:: {}]",
                                                                       "(id:: {})"]))
def test_an_explicit_id_wins_whatever_the_other_fields(words, task_id, fields, syntax):
    line = _line(words, [], [syntax.format(task_id)] + fields, None)
    [mention] = parse(f"- [ ] {line}\n").mentions
    assert (mention.id, mention.text) == (task_id, squash(words))


@SETTINGS
@given(st.text(max_size=80))
@example("Call Bob ^x")
@example("a: b @c(d) ^e")
def test_a_text_that_cannot_hold_a_field_reads_as_its_squashed_self(text):
    """The shortcuts (read_task_fields' own and note._read_body_tasks') skip the reading
    for such a text: the long way must find no field in it."""
    if has_no_field(text):
        assert _read_fields(text) == TaskFields(squash(text))
    assert read_task_fields(text) == _read_fields(text)


def test_an_ascii_text_with_a_field_mark_is_not_taken_for_one_without():
    for text in ["Call Bob ^abc", "x due: 2026-11-30", "x @due(2026-11-30)", "x [id:: a]"]:
        assert not has_no_field(text)
        assert _read_fields(text) != TaskFields(squash(text))


# ------------------------------------------------------------ placeholders ---


def test_placeholder_dates_give_one_warning_for_the_note_not_an_error_per_task():
    body = (
        "# Homework\n"                                                # 1
        "- [ ] Send the deck\n"                                       # 2
        "- [ ] Call Globex 📅 <% tp.date.now(\"YYYY-MM-DD\", 7) %>\n"  # 3
        "- [ ] Call Initech 📅 Invalid date ⏳ Invalid date\n"         # 4
        "- [ ] Call Hooli [due:: <% tp.date.tomorrow() %>]\n"         # 5
        "- [ ] Call Umbrella 📅 2026-11-30\n"                         # 6
    )
    note = parse(body)
    assert [(m.text, m.due, m.due_raw) for m in note.mentions] == [
        ("Send the deck", None, None), ("Call Globex", None, None), ("Call Initech", None, None),
        ("Call Hooli", None, None), ("Call Umbrella", dt.date(2026, 11, 30), None)]
    [problem] = note.problems
    assert (problem.path, problem.line, problem.severity, problem.code) == (PATH, 3, "warning", "task-placeholder")
    assert problem.message.startswith("4 task fields hold a template placeholder")
    assert "Templater" in problem.hint


def test_a_placeholder_is_no_value_so_another_syntax_gives_the_date():
    [mention] = parse("- [ ] Call Globex [due:: <% tp.date.now() %>] 📅 2026-11-30\n").mentions
    assert mention.due == dt.date(2026, 11, 30)


def test_the_placeholder_warning_is_listed_by_a_commitments_only_read():
    text = "---\nrep: ann\n---\n- [ ] Call Globex 📅 Invalid date\n"
    note = parse_note(text, PATH, "ann", MEETING, commitments_only=True)
    assert [(p.line, p.code) for p in note.problems] == [(4, "task-placeholder")]
    assert note.problems[0].message.startswith("1 task field holds")


# ------------------------------------------------------------ the fields as read ---


def test_read_task_fields_returns_each_value_as_written():
    fields = read_task_fields("Drop the pilot 🆔 pilot-1 [owner:: Manager] 📅 30.11. ✅ 2026-11-27 "
                              "❌ 2026-11-28 [reason::  budget frozen ]")
    assert fields == TaskFields("Drop the pilot", due="30.11.", owner="Manager", id="pilot-1",
                                done="2026-11-27", cancelled="2026-11-28", reason="budget frozen")


def test_the_first_field_of_a_kind_wins_dataview_then_taskpaper_then_emoji_then_plain():
    assert read_task_fields("x due: 1 📅 2 @due(3) [due:: 4] [due:: 5]").due == "4"
    assert read_task_fields("x due: 1 📅 2 @due(3)").due == "3"
    assert read_task_fields("x due: 1 📅 2").due == "2"
    assert read_task_fields("x due: 1 due: 2").due == "1"


def test_a_recurrence_stops_at_our_own_fields():
    assert read_task_fields("Call Bob 🔁 every week due: 2026-11-30 owner: manager") == TaskFields(
        "Call Bob", due="2026-11-30", owner="manager")


def test_a_block_id_counts_only_at_the_end():
    assert read_task_fields("Call ^bob about it").words == "Call ^bob about it"
    assert read_task_fields("Call Bob ^bob").words == "Call Bob"
    assert read_task_fields("Call Bob^bob").words == "Call Bob^bob"


@pytest.mark.parametrize("text", [
    "[a::" * 20_000, "(a::" * 20_000, "[a:: " + "<%" * 20_000, "(a:: " + "<% x" * 20_000,
    "@due(" * 20_000, "@a(<%" * 20_000, "📅 " + "<%" * 20_000, "due: " * 20_000, "🔁 " + "every " * 20_000,
    "⛔ " + "a , " * 20_000, "[" + "a" * 60 + " " * 20_000, "x ^a" * 20_000, "[[" * 20_000 + "::",
])
def test_a_long_hostile_line_is_read_in_linear_time(text):
    start = time.perf_counter()
    read_task_fields(text)
    assert time.perf_counter() - start < 1.0
