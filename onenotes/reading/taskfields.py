"""The fields of a task item's text, and the promise's words that are left.

A task in a note's body is the promise in words plus fields that the manager's
tools add around them.  :func:`read_task_fields` takes the fields out and
returns what onenotes reads from them, and the words.  The words are what
onenotes shows for the task and all its derived id depends on (see
:func:`onenotes.reading.note.derived_id`), so a field that Obsidian Tasks or Dataview
adds, changes or removes never makes a commitment a new one.

Fields taken out, anywhere in the text (docs/format.md lists them for users):

* Dataview inline fields ``[key:: value]`` and ``(key:: value)``, blanks
  allowed around the key and the value.  Read: ``due``, ``owner``, ``id``,
  ``completion`` and ``done`` (the done date), ``cancelled``, ``reason``;
  any other key (``priority``, ``scheduled``, ``start``, ``repeat`` ...) is
  taken out and ignored.
* TaskPaper tags with a value, ``@key(value)``; ``@due(...)`` is read.
* Our own ``due: value`` and ``owner: value`` (a word starting them).
* Obsidian Tasks' emoji fields, each emoji with or without U+FE0F after it:
  due 📅 📆 🗓, done ✅, cancelled ❌, id 🆔 (read); scheduled ⏳ ⌛, start 🛫,
  created ➕ (a date), recurrence 🔁 (its text: letters, digits, commas,
  blanks and "!", up to the next field), on completion 🏁 (a word), depends
  on ⛔ (ids separated by commas), priority 🔺 ⏫ 🔼 🔽 ⏬ (taken out, ignored).
  A date emoji followed by no date is not a field and stays in the words, as
  in Obsidian Tasks.
* A block id ``^some-id`` at the end.

A field value that is a Templater placeholder (``<% ... %>``) or ``Invalid
date`` (what Obsidian writes for a date it cannot read) is no value: the field
is taken out, read as absent, and its text listed in ``placeholders``.
When a field is given twice, the first wins: Dataview, then TaskPaper, then
emoji, then our plain ``due:``/``owner:``; within one syntax the leftmost.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class TaskFields(NamedTuple):
    """What a task's text says: the words, and each field's value as written (None: absent)."""

    words: str  # the promise's words: the text without its fields, whitespace squashed
    due: str | None = None
    owner: str | None = None
    id: str | None = None  # an explicit id
    done: str | None = None  # when it was done (✅, [completion:: ], [done:: ])
    cancelled: str | None = None  # when it was dropped (❌, [cancelled:: ])
    reason: str | None = None  # why it was dropped
    placeholders: tuple[str, ...] = ()  # field values that are placeholders, read as absent


def squash(text: str) -> str:
    """Each run of whitespace one space, none at the ends (``re.sub(r"\\s+", " ", text).strip()``).

    The regex costs a microsecond a task even when it changes nothing
    (``benchmarks/tasks_speed.py --note-costs`` times derived_id, which squashes).  Printable text
    holds no whitespace but the space (tabs, line ends and the Unicode spaces
    are not printable: tests/reading/test_note_fast.py checks every code point), so
    without two spaces in a row there is no run to shorten, only ends to strip.
    """
    if "  " not in text and text.isprintable():
        return text.strip()
    return _SPACES.sub(" ", text).strip()


_SPACES = re.compile(r"\s+")

# A Templater placeholder, or what Obsidian writes for a date it cannot read.
# (Bounded, without a "<" inside, and each pattern below that holds it is
# possessive or anchored: a line full of "<%" without "%>" costs linear time.)
_PLACEHOLDER_TEXT = r"<%[^<\n]{0,200}?%>|Invalid date"
_PLACEHOLDER = re.compile(rf"(?:{_PLACEHOLDER_TEXT})\Z")

# Dataview: [key:: value] or (key:: value).  A bracketed value may hold [[links]],
# one in parentheses (a remark); values are at most 600 characters (a reason
# `onenotes drop` writes is 500 at most).
_KEY = r"\s*(\w[\w -]{0,63}?)\s*::"
_INLINE_FIELD = re.compile(
    rf"\[{_KEY}((?:{_PLACEHOLDER_TEXT}|\[\[[^\[\]\n]{{0,200}}\]\]|[^\[\]]){{0,600}}+)\]"
    rf"|\({_KEY}((?:{_PLACEHOLDER_TEXT}|\([^()\n]{{0,200}}\)|[^()]){{0,600}}+)\)")
_DATAVIEW_KEYS = {"due": "due", "owner": "owner", "id": "id", "completion": "done", "done": "done",
                  "cancelled": "cancelled", "reason": "reason"}

# TaskPaper: @key(value).
_TASKPAPER_FIELD = re.compile(rf"@(\w[\w-]{{0,63}})\(((?:{_PLACEHOLDER_TEXT}|[^()\n]){{0,200}}+)\)")

# Obsidian Tasks' emoji.  A value never runs into the next emoji field
# ("📅2026-11-30⏳2026-11-29" is two fields).
_DUE_EMOJI = "\U0001F4C5\U0001F4C6\U0001F5D3"  # 📅 📆 🗓
_PRIORITY_EMOJI = "\U0001F53A\u23eb\U0001F53C\U0001F53D\u23ec"  # 🔺 ⏫ 🔼 🔽 ⏬
_FIELD_EMOJI = (_DUE_EMOJI + _PRIORITY_EMOJI
                + "\u2705\u274c\U0001F194\u23f3\u231b\U0001F6EB\u2795\U0001F501\U0001F3C1\u26d4")
_TOKEN = rf"[^\s{_FIELD_EMOJI}]+"  # a value: up to a blank or the next emoji field
_ANY_FIELD_EMOJI = re.compile(rf"[{_FIELD_EMOJI}]")
_DATE = rf"{_PLACEHOLDER_TEXT}|\d{{4}}-\d{{2}}-\d{{2}}"
_TASK_ID = r"[A-Za-z0-9_-]+"
_EMOJI_FIELDS = (  # (what it is, the pattern of emoji and value)
    ("due", re.compile(rf"[{_DUE_EMOJI}]\ufe0f?\s*({_PLACEHOLDER_TEXT}|{_TOKEN})")),
    ("id", re.compile(rf"\U0001F194\ufe0f?\s*({_TOKEN})")),                         # 🆔
    ("done", re.compile(rf"\u2705\ufe0f?\s*({_DATE})")),                            # ✅
    ("cancelled", re.compile(rf"\u274c\ufe0f?\s*({_DATE})")),                       # ❌
    ("scheduled", re.compile(rf"[\u23f3\u231b]\ufe0f?\s*({_DATE})")),               # ⏳ ⌛
    ("start", re.compile(rf"\U0001F6EB\ufe0f?\s*({_DATE})")),                       # 🛫
    ("created", re.compile(rf"\u2795\ufe0f?\s*({_DATE})")),                         # ➕
    ("recurrence", re.compile(r"\U0001F501\ufe0f?\s*([A-Za-z0-9, !]+)")),           # 🔁
    ("on-completion", re.compile(r"\U0001F3C1\ufe0f?\s*([A-Za-z]+)")),              # 🏁
    ("depends-on", re.compile(rf"\u26d4\ufe0f?\s*({_TASK_ID}(?:\s*,\s*{_TASK_ID})*)")),  # ⛔
    ("priority", re.compile(rf"[{_PRIORITY_EMOJI}]\ufe0f?()")),
)

# Our own "due: 2026-11-30" and "owner: manager", as a word of their own.
_PLAIN_FIELD = re.compile(rf"(?:(?<=\s)|^)(due|owner)::?\s*({_PLACEHOLDER_TEXT}|{_TOKEN})", re.I)

# A block id closes the text: "^abc-123".
_BLOCK_ID = re.compile(r"(?:(?<=\s)|^)\^[A-Za-z0-9-]+\s*\Z")


def has_no_field(text: str) -> bool:
    """True when ``text`` cannot hold a field: ASCII, without ':', '@' or '^'.

    (Every field needs one of those or an emoji: tests/reading/test_task_fields.py checks
    that reading such a text the long way finds no field.)"""
    return text.isascii() and ":" not in text and "@" not in text and "^" not in text


class _Found:
    """The fields of one syntax, the first of each kind; and the placeholders met."""

    def __init__(self, placeholders: list[str]) -> None:
        self.values: dict[str, str] = {}
        self.placeholders = placeholders

    def add(self, kind: str, value: str) -> None:
        value = value.strip()
        if _PLACEHOLDER.match(value):
            self.placeholders.append(value)
        elif value and kind not in self.values:
            self.values[kind] = value


def read_task_fields(text: str) -> TaskFields:
    """The fields of a task's text (what follows its ``[ ]`` box) and its words."""
    if has_no_field(text):
        return TaskFields(squash(text))
    return _read_fields(text)


def _read_fields(text: str) -> TaskFields:
    """:func:`read_task_fields` without its shortcut for a text that has no field."""
    placeholders: list[str] = []
    dataview, taskpaper, emoji, plain = (_Found(placeholders) for _ in range(4))

    # Bracketed fields first: their values may hold anything the others look for
    # (a reason that quotes "due: Friday").
    def take_inline(m: re.Match) -> str:
        key, value = (m[1], m[2]) if m[1] is not None else (m[3], m[4])
        dataview.add(_DATAVIEW_KEYS.get(key.casefold(), "other"), value)
        return " "

    def take_taskpaper(m: re.Match) -> str:
        taskpaper.add("due" if m[1].casefold() == "due" else "other", m[2])
        return " "

    def take_plain(m: re.Match) -> str:
        plain.add(m[1].casefold(), m[2])
        return " "

    if ":" in text:
        text = _INLINE_FIELD.sub(take_inline, text)
    if "@" in text:
        text = _TASKPAPER_FIELD.sub(take_taskpaper, text)
    if ":" in text:  # before the emoji: a recurrence's text would run on into "due"
        text = _PLAIN_FIELD.sub(take_plain, text)
    if not text.isascii() and _ANY_FIELD_EMOJI.search(text):
        for kind, pattern in _EMOJI_FIELDS:
            def take_emoji(m: re.Match, kind: str = kind) -> str:
                emoji.add(kind, m[1])
                return " "

            text = pattern.sub(take_emoji, text)
    if "^" in text:
        text = _BLOCK_ID.sub("", text)

    def first(kind: str) -> str | None:
        for found in (dataview, taskpaper, emoji, plain):
            if kind in found.values:
                return found.values[kind]
        return None

    return TaskFields(squash(text), first("due"), first("owner"), first("id"), first("done"),
                      first("cancelled"), first("reason"), tuple(placeholders))


# ------------------------------------------------------------ former words ---
# Before the words-only rule, a task's id was derived from its text less five
# fields (reason, due, owner, id, done: the first of each, in that order).  A
# task that also holds another field (a priority, a scheduled date, a block id)
# had another id then, and later notes may carry it under that id: the ledger
# takes such a task for the commitment that id names (onenotes.rules.commitments).

_FORMER_FIELDS = (
    (re.compile(r"\[reason::([^\]]{0,600})\]"),),
    (re.compile(r"\[due::([^\]]{0,100})\]"), re.compile(r"@due\(([^)]{0,100})\)"),
     re.compile(r"\U0001F4C5\ufe0f?\s*(\S+)"), re.compile(r"(?:(?<=\s)|^)due:\s*(\S+)", re.I)),
    (re.compile(r"\[owner::([^\]]{0,100})\]"), re.compile(r"(?:(?<=\s)|^)owner:\s*(\S+)", re.I)),
    (re.compile(r"\[id::([^\]]{0,100})\]"), re.compile(r"\U0001F194\s*(\S+)")),
    (re.compile(r"\u2705\s*(\d{4}-\d{2}-\d{2})"), re.compile(r"\u274c\s*(\d{4}-\d{2}-\d{2})"),
     re.compile(r"\[(?:done|completion)::([^\]]{0,100})\]")),
)


def former_words(text: str) -> str:
    """A task's words as onenotes read them before the words-only rule (for its former id)."""
    for patterns in _FORMER_FIELDS:
        for pattern in patterns:
            m = pattern.search(text)
            if m:
                text = text[:m.start()] + " " + text[m.end():]
                break
    return squash(text)
