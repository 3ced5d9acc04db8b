"""A note's commitments as it states them: :class:`~onenotes.reading.notemodel.Mention`\\ s.

Two places state them: the frontmatter's ``commitments:`` list
(:func:`read_frontmatter_commitments`) and the body's task items
(:func:`read_body_tasks`, which finds them with :mod:`onenotes.reading.tasks`
and reads their fields with :mod:`onenotes.reading.taskfields`).  A commitment
written without an id gets one derived from its note and its words
(:func:`derived_id`).  A body task with the id of a frontmatter commitment is
that commitment's review item (:func:`read_review_items`).  A task in a private
part of the body is private (:func:`private_task_lines`).
"""

from __future__ import annotations

import datetime as dt
import re

try:  # SHA-1 without OpenSSL: importing hashlib loads it, 3 ms (python -X importtime -c "import hashlib")
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import sha1 as _sha1

from onenotes.dates import DateProblem, to_date
from onenotes.reading.notemodel import (COMMITMENT_KEYS, OWNERS, STATUSES, Mention, Note, ReadOptions,
                                        add_problem, line_of)
from onenotes.reading.taskfields import former_words, read_task_fields, squash
from onenotes.reading.tasks import MARKERS, scan_tasks
from onenotes.reading.yaml.types import LineDict

# ------------------------------------------------------------------ ids ---


def derived_id(rep: str, stem: str, text: str) -> str:
    """The stable id of a commitment written without one: from its note and text.

    (A body task's text here is its words, without any field: see onenotes/taskfields.py.)"""
    return _id_of(rep, stem, squash(text).casefold())


def _id_of(rep: str, stem: str, norm: str) -> str:
    """:func:`derived_id` of a text already squashed and casefolded."""
    return _sha1(f"{rep}/{stem}\n{norm}".encode()).hexdigest()[:8]


def _unique_id(seen: dict[str, int], cid: str) -> str:
    """The same text twice in one note is still two commitments: -2, -3, ..."""
    seen[cid] = n = seen.get(cid, 0) + 1
    return cid if n == 1 else f"{cid}-{n}"


def _date_field(note: Note, value, line: int, what: str, options: ReadOptions):
    """(date or None, raw text when unreadable)."""
    try:
        return to_date(value, formats=options.date_formats, year=note.date.year, tz=options.tz), None
    except DateProblem as exc:
        add_problem(note, line, "error", "commitment-date", f"{what}: {exc}",
                    exc.hint or "write the date as YYYY-MM-DD, or add its format to date_formats in onenotes.yaml")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return None, f"{value} (read as a number)"  # what was typed is lost
        return None, str(value)


# --------------------------------------------------------- frontmatter ---

_COMMITMENT_KEY_SET = frozenset(COMMITMENT_KEYS)


def read_frontmatter_commitments(note: Note, stem: str, options: ReadOptions, seen: dict[str, int]) -> None:
    """The items of the frontmatter's ``commitments:`` list as mentions (``stem``: the
    note's file name without ``.md``; ``seen``: the derived ids so far, see :func:`_unique_id`)."""
    items = note.meta.get("commitments")
    if items is None:
        return
    line = line_of(note.meta, "commitments")
    if not isinstance(items, list):
        add_problem(note, line, "error", "commitment-invalid",
                    "'commitments' must be a list of items starting with '- '",
                    "write each commitment on its own line as '  - text: ...'")
        return
    lines = getattr(items, "lines", None)  # the loaders give a LineList a line for each item
    mentions = note.mentions
    for index, item in enumerate(items):
        if type(item) is not LineDict:  # (what the loaders give: a mapping, no text to wrap)
            if isinstance(item, str):
                item = LineDict(text=item)
                item.line = lines[index] if lines else line + 1 + index
            if not isinstance(item, dict):
                add_problem(note, line, "error", "commitment-invalid",
                            f"commitment {index + 1} is not a mapping: {item!r}",
                            "write it as '- text: ...' with id, owner, due and status")
                continue
        mentions.append(_frontmatter_mention(note, item, getattr(item, "line", line) or line, stem, options, seen))


def _frontmatter_mention(note: Note, item: dict, iline: int, stem: str, options: ReadOptions,
                         seen: dict[str, int]) -> Mention:
    """One item of ``commitments:`` (a mapping, on file line ``iline``) as a mention."""
    get = item.get
    text = get("text")
    # str(x).strip() of a str is x.strip(): written so for the usual text and id.
    text = text.strip() if type(text) is str else "" if text is None else str(text).strip()
    if not text:
        add_problem(note, iline, "error", "commitment-text", "commitment without text",
                    "add 'text: what was promised'")
    cid = get("id")
    cid = cid.strip() if type(cid) is str else "" if cid is None else str(cid).strip()
    if not cid:
        cid = _unique_id(seen, derived_id(note.rep, stem, text))
    # A status or owner that is already one of the known words (the usual case)
    # reads as itself: they are lower case without blanks.
    status = get("status", "open")
    if type(status) is not str or status not in STATUSES:
        status = "open" if status is None else str(status).strip().lower()
        if status not in STATUSES:
            add_problem(note, line_of(item, "status", iline), "error", "commitment-status",
                        f"unknown status {get('status')!r}; listed as open", "use open, done or dropped")
            status = "open"
    owner = get("owner", "rep")
    if type(owner) is not str or owner not in OWNERS:
        owner = "rep" if owner is None else str(owner).strip().lower()
        if owner not in OWNERS:
            add_problem(note, line_of(item, "owner", iline), "error", "commitment-owner",
                        f"unknown owner {get('owner')!r}", "use rep or manager")
    # An absent date or a YAML date needs no reading.
    due, due_raw = get("due"), None
    if due is not None and type(due) is not dt.date:
        due, due_raw = _date_field(note, due, line_of(item, "due", iline), "due date", options)
    since = get("since")
    if since is not None and type(since) is not dt.date:
        since, _ = _date_field(note, since, line_of(item, "since", iline), "since", options)
    done_on = get("done_on")
    if done_on is not None and type(done_on) is not dt.date:
        done_on, _ = _date_field(note, done_on, line_of(item, "done_on", iline), "done_on", options)
    reason = get("reason")
    if reason is not None:
        reason = str(reason).strip() or None
    private = get("private")
    if private is not None:
        private = _flag(note, private, line_of(item, "private", iline))
    parent = get("parent")
    if parent is not None:
        parent = str(parent).strip() or None
    if not _COMMITMENT_KEY_SET.issuperset(item):
        for key in item:
            if key not in _COMMITMENT_KEY_SET:
                add_problem(note, line_of(item, key, iline), "warning", "commitment-key",
                            f"unknown commitment key {key!r}", "known keys: " + ", ".join(COMMITMENT_KEYS))
    return Mention(cid, text, owner, status, due, due_raw, since, iline, "frontmatter",
                   done_on, reason, bool(private), parent)


_TRUE, _FALSE = ("true", "yes"), ("false", "no")


def _flag(note: Note, value, line: int) -> bool:
    """A commitment's ``private:``: true or false (yes/no too).  Anything else is an
    error, and reads as private: a mark meant to hide must never show by mistake."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    add_problem(note, line, "error", "commitment-private", f"private must be true or false, not {value!r}; "
                "read as private", "write 'private: true'")
    return True


# ----------------------------------------------------------------- body ---

_NOTHING_PRIVATE: frozenset[int] = frozenset()
_PRIVATE_WORD = re.compile("private", re.I)


def says_private(body: str) -> bool:
    """The word "private" in any case, as :mod:`onenotes.reading.privacy` looks for it (casefolded),
    after a quicker search that finds it wherever that does."""
    return bool(_PRIVATE_WORD.search(body)) and "private" in body.casefold()


def private_task_lines(body: str):
    """The body's lines (0-based) in private parts (docs/format.md, "Private commitments").

    None while the note's private markup is broken: which lines are private
    cannot be told, so every task of the body is taken as private (hidden too
    much, never shown by mistake; ``check`` warns about the markup).
    """
    if not says_private(body):  # every private part starts with the word
        return _NOTHING_PRIVATE
    from onenotes.reading.privacy import private_lines  # markdown-it only for a note that could need it

    return private_lines(body)


def read_body_tasks(note: Note, body: str, stem: str, options: ReadOptions,
                    seen: dict[str, int], private_lines_of=None) -> None:
    """The task items of the body as mentions (fields read by :mod:`onenotes.reading.taskfields`).

    A task without an explicit id gets one derived from its words alone (no field
    counts), so that Obsidian Tasks or Dataview adding or changing a field keeps
    the commitment the same one.  Placeholder dates (an unrendered template,
    "Invalid date") read as no date, with one warning for the note.
    ``private_lines_of(body)``: the body's private lines (:func:`private_task_lines`)."""
    rep, first, mentions = note.rep, note.body_line - 1, note.mentions
    placeholders, placeholder_line = 0, 0
    tasks = scan_tasks(body)
    secret = (private_lines_of or private_task_lines)(body) if tasks else _NOTHING_PRIVATE
    ids_at: dict[int, str] = {}  # body line -> the id of the task there, for its sub-tasks
    for number, marker, text, parent_line in tasks:
        parent = None if parent_line is None else ids_at.get(parent_line)
        line = first + number
        # A task in a private part is private, and the manager's unless it names its owner.
        private = secret is None or (number - 1) in secret
        status = MARKERS.get(marker)
        if status is None:
            add_problem(note, line, "warning", "task-marker", f"unknown task marker [{marker}]; listed as open",
                        "use [ ] open, [x] done or [-] dropped")
            status = "open"
        if text.isascii() and ":" not in text and "@" not in text and "^" not in text:
            # taskfields.has_no_field, written out: every field needs a ':', '@' or
            # '^', or an emoji, and most tasks have none, so the task is the rep's,
            # with no due or done date, no reason and a derived id (what the general
            # path below makes with every field None, at a tenth of its cost:
            # benchmarks/tasks_speed.py --note-costs).
            text = squash(text)
            ids_at[number] = cid = _unique_id(seen, _id_of(rep, stem, text.casefold()))
            mentions.append(Mention(cid, text, "manager" if private else "rep",
                                    status, None, None, None, line, "body", None, None, private, parent))
            continue
        mention, found = _task_with_fields(note, text, line, status, private, parent, stem, options, seen)
        if found:
            placeholders += found
            placeholder_line = placeholder_line or line
        ids_at[number] = mention.id
        mentions.append(mention)
    if placeholders:
        from onenotes.text import plural

        add_problem(note, placeholder_line, "warning", "task-placeholder",
                    f"{plural(placeholders, 'task field')} hold{'s' if placeholders == 1 else ''}"
                    " a template placeholder (<% ... %>) or 'Invalid date', the first on this line;"
                    " read as no date",
                    "run the note's template (Templater), or write the dates as YYYY-MM-DD")


def _task_with_fields(note: Note, raw: str, line: int, status: str, private: bool, parent: str | None,
                      stem: str, options: ReadOptions, seen: dict[str, int]) -> tuple[Mention, int]:
    """A task whose text may hold fields (owner, dates, id, reason) as a mention, and how
    many of its fields hold a template placeholder."""
    rep = note.rep
    fields = read_task_fields(raw)
    text = fields.words
    owner = (fields.owner or ("manager" if private else "rep")).strip().lower()
    if owner not in OWNERS:
        add_problem(note, line, "error", "commitment-owner", f"unknown owner {owner!r}", "use rep or manager")
    due, due_raw = (None, None)
    if fields.due is not None:
        due, due_raw = _date_field(note, fields.due, line, "due date", options)
    cid, former = fields.id, None
    if not cid:
        cid = _unique_id(seen, _id_of(rep, stem, text.casefold()))  # words are squashed
        before = former_words(raw)
        if before != text and cid == (base := _id_of(rep, stem, text.casefold())):
            former = _id_of(rep, stem, before.casefold())  # its id before the words-only rule
            former = None if former == base else former
    # When it was closed: a dropped task's cancelled date (❌) if it has one, else
    # its done date (✅), and the other way round.
    closed, what = fields.done, "done date"
    if fields.cancelled is not None and (closed is None or status == "dropped"):
        closed, what = fields.cancelled, "cancelled date"
    done_on = None
    if closed is not None:
        done_on, _ = _date_field(note, closed, line, what, options)
    mention = Mention(cid, text, owner, status, due, due_raw, None, line, "body", done_on,
                      fields.reason, private, parent, former)
    return mention, len(fields.placeholders) if fields.placeholders else 0


# ---------------------------------------------------------- review items ---

_REVIEW_IGNORES = ("commitment-owner", "commitment-date")


def read_review_items(note: Note, report_dates: bool = True) -> None:
    """A body task with the id of a commitment in the frontmatter is that commitment's
    review item (``new`` writes one per carried commitment): ticking it closes the
    commitment, and what it promises (text, owner, due date, since, parent) is the
    frontmatter's, whatever else the line says."""
    stated = {m.id: m for m in note.mentions if m.origin == "frontmatter"}
    if not stated:
        return
    review_lines = set()
    for m in note.mentions:
        item = stated.get(m.id) if m.origin == "body" else None
        if item is not None:
            if report_dates and (m.due is not None or m.due_raw is not None) \
                    and (m.due, m.due_raw) != (item.due, item.due_raw):
                said = m.due.isoformat() if m.due else m.due_raw
                written = item.due.isoformat() if item.due else item.due_raw or "no due date"
                add_problem(note, m.line, "warning", "review-disagrees",
                            f"the review item of {m.id!r} says due {said}, but the frontmatter (line "
                            f"{item.line}) says {written}: the frontmatter's counts",
                            f"to move the due date, change 'due:' on line {item.line}")
            m.text, m.owner, m.due, m.due_raw, m.since = item.text, item.owner, item.due, item.due_raw, item.since
            m.parent = item.parent
            m.private = m.private or item.private
            review_lines.add(m.line)
    if review_lines and note.problems:
        # What the item's line says of an owner or a due date is not read (the frontmatter's is).
        note.problems = [p for p in note.problems
                         if not (p.line in review_lines and p.code in _REVIEW_IGNORES)]
