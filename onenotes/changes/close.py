"""``onenotes done`` / ``onenotes drop``: close commitments in the rep's latest note.

A commitment is closed where a manager would close it by hand: in the rep's
latest note.  When that note mentions it, the mention is edited in place
(``status: done`` and ``done_on:`` in the frontmatter, or ``- [ ]`` ticked to
``- [x]`` with an Obsidian-style ``✅ DATE`` in the body); when it does not
(the commitment was not carried yet), the carried entry is appended to the
note's ``commitments:`` list, already closed.  Only those bytes change
(:mod:`onenotes.changes.splice`), and the result is parsed back and checked before
anything is written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

import yaml

from onenotes.changes.splice import (Change, EditRefused, Lines, block_indent, check_writable, file_line, frontmatter, key_node,
                           last_line, parse_again, problem_codes, race_error, read_to_edit, same_except, set_keys,
                           single_line)
from onenotes.errors import BadInputError, ConcurrentEditError, NoteError, RefusedError, WriteError
from onenotes.reading.files import ChangedOnDisk, being_written, replace_file
from onenotes.rules.commitments import Entry, build_ledger
from onenotes.reading.note import MAX_NOTE_BYTES, Mention, Note, decode, parse_note
from onenotes.reading.config_file import read_options
from onenotes.reading.layout import note_identity
from onenotes.reading.notebook import Notebook
from onenotes.views.formats import clean
from onenotes.reading.places import check_place
from onenotes.reading.yaml.safe import to_yaml_scalar

ACTIONS = {"done": "done", "drop": "dropped", "dropped": "dropped"}
# "- [ ] text", "> 1. [ ] text", "- - [ ] text", or a box alone on an item's second line.
_TASK_BOX = re.compile(r"^[ \t>]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t]+)*\[([^\[\]])\]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass
class Closed:
    """One commitment named on the command line, and what happened to it."""

    id: str
    rep: str
    text: str
    status: str  # the status it has now
    path: str  # where it was closed (or already was)
    line: int
    changed: bool  # False: it was already closed
    carried: bool = False  # the entry was added to the latest note


@dataclass
class CloseResult:
    closed: list[Closed] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


class UnknownCommitmentError(RefusedError):
    """No commitment has the id given (in the notes that were read)."""


class UnreadNoteError(RefusedError):
    """The note a close would be written in could not be read."""


def find_entry(entries: list[Entry], given: str, rep: str | None = None) -> Entry:
    """The one commitment an id (or the start of one) names; :class:`RefusedError` otherwise."""
    given = given.strip()
    if not given:
        raise BadInputError("an empty commitment id")
    pool = [e for e in entries if rep is None or e.rep == rep]
    matches = [e for e in pool if e.id == given] or \
        [e for e in pool if e.id.casefold() == given.casefold()]
    if not matches:
        matches = [e for e in pool if e.id.casefold().startswith(given.casefold())]
        # `followups` shows open ids only: a start that is unique among them names that one
        # (closing a closed commitment would do nothing anyway).
        opened = [e for e in matches if e.status == "open"]
        if len(matches) > 1 and len(opened) == 1:
            matches = opened
    if not matches:
        near = nearest_entries(pool, given)
        hint = ("did you mean " + " or ".join(f"{clean(e.id)} ({clean(_short(e.label))})" for e in near) + "?") \
            if near else "`onenotes followups` lists the open commitments with their ids"
        raise UnknownCommitmentError(f"no commitment with the id {clean(given)!r}" + (f" for {rep}" if rep else ""),
                                     hint=hint)
    if len(matches) > 1:
        listing = ", ".join(f"{clean(e.id)} ({e.rep}, {e.status})" for e in matches[:10])
        more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
        same = len({e.id for e in matches}) == 1
        raise RefusedError(f"{clean(given)!r} matches {len(matches)} commitments: {listing}{more}",
                           hint="give --rep" if same else "type more of the id")
    return matches[0]


def open_subtasks(entries: list[Entry], parent: Entry) -> list[Entry]:
    """The open sub-tasks of ``parent``, at any depth, nearest first: closing a
    promise closes the steps it was broken into."""
    children: dict[str, list[Entry]] = {}
    for e in entries:
        if e.rep == parent.rep and e.parent is not None:
            children.setdefault(e.parent, []).append(e)
    found: list[Entry] = []
    seen, todo = {parent.id}, [parent.id]
    while todo:  # (a closed sub-task's own open sub-tasks are closed too)
        for e in children.get(todo.pop(0), ()):
            if e.id not in seen:
                seen.add(e.id)
                todo.append(e.id)
                if e.status == "open":
                    found.append(e)
    return found


def nearest_entries(entries: list[Entry], given: str, n: int = 3) -> list[Entry]:
    """The commitments a mistyped id most likely meant: ids that look like it, then
    texts that hold it or look like it (people type the words they remember);
    open ones first."""
    folded = given.casefold()
    ids = {e.id.casefold(): e for e in sorted(entries, key=lambda e: e.status != "open")}
    found = [ids[i] for i in difflib.get_close_matches(folded, list(ids), n=n)]
    by_text: dict[str, list[Entry]] = {}
    for e in sorted(entries, key=lambda e: e.status != "open"):
        by_text.setdefault(e.label.casefold(), []).append(e)
    words = [t for t in by_text if folded in t] + difflib.get_close_matches(folded, list(by_text), n=n, cutoff=0.5)
    for text in words:
        for e in by_text[text]:
            if e not in found:
                found.append(e)
    return found[:n]


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def check_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    reason = reason.strip()
    if not reason:
        return None
    if _CONTROL.search(reason):
        raise BadInputError("--reason must be one line of text, without control characters")
    if len(reason) > 500:
        raise BadInputError("--reason is over 500 characters; keep the story in the note's body")
    return reason


def close_commitments(book: Notebook, ids: list[str], action: str, on: dt.date,
                      reason: str | None = None, rep: str | None = None, dated: bool = False) -> CloseResult:
    """Plan the edits that close ``ids`` (nothing is written; see :func:`write_changes`).

    ``on`` is written as the close's date (``done_on:``, ``✅ DATE``) unless it is the
    note's own date and was not given (``dated``: ``--date``): closing it on the day
    of the meeting, like ticking its box in the note, closes it at the meeting (see
    :meth:`onenotes.rules.commitments.Entry.timeliness`); a date given is kept as it is.
    Every id is resolved first, so an unknown or ambiguous one changes nothing.
    A refusal while a note was being written says so (:class:`ConcurrentEditError`),
    not that the id is unknown: the note could not be read whole.
    """
    try:
        return _plan_closes(book, ids, action, on, reason, rep, dated)
    except (UnknownCommitmentError, UnreadNoteError) as exc:  # (what a note read half can cause)
        changed = note_read_half(book)
        if changed is not None:
            raise ConcurrentEditError(f"{changed} changed while onenotes was reading it; nothing written",
                                      hint="run the command again when the other program is done") from None
        unread = book.notes_not_read_anywhere()
        if unread and isinstance(exc, UnknownCommitmentError):
            # Not "there is none": there may be one in what could not be read.
            first = unread[0]
            more = f" and {len(unread) - 1} more" if len(unread) > 1 else ""
            raise RefusedError(f"{exc.message} in the notes that could be read; {first.path} was not read "
                               f"({first.message}){more}", hint=exc.hint) from None
        raise


def note_read_half(book: Notebook) -> str | None:
    """A note this run may have read half of: it changed since, or another program is
    writing it now.  None when every note is still what was read."""
    return book.changed_since_read() or \
        next((rel for rel in book.scan.notes if being_written(book.root / rel)), None)


def _plan_closes(book: Notebook, ids: list[str], action: str, on: dt.date, reason: str | None,
                 rep: str | None, dated: bool) -> CloseResult:
    status = ACTIONS[action]
    reason = check_reason(reason)
    if reason is not None and status != "dropped":
        raise BadInputError("--reason is for dropped commitments")
    if rep is not None:
        rep = book.resolve(rep)
    entries = build_ledger(book.notes)
    targets: list[Entry] = []
    for given in ids:
        entry = find_entry(entries, given, rep)
        if entry not in targets:
            targets.append(entry)
    sub_of: dict[tuple[str, str], str] = {}  # a sub-task closed with its parent -> the parent's id
    for entry in list(targets):
        if entry.status != "open":
            continue
        for sub in open_subtasks(entries, entry):
            if sub not in targets:
                targets.append(sub)
                sub_of[sub.rep, sub.id] = entry.id
    result = CloseResult()
    by_note: dict[str, list[Entry]] = {}
    synced: dict[tuple[str, str], tuple[dt.date | None, str | None]] = {}  # (date, reason) to write instead
    for entry in targets:
        if entry.status != "open":
            if entry.status == status and _half_closed(book, entry):
                # Closed by its ticked review item while its frontmatter still says open:
                # write it there too, with the date the item gives (none when it gives none:
                # then it was closed at the meeting, as it stays).
                synced[entry.rep, entry.id] = (entry.closed_on if entry.closed_on_exact else None,
                                               reason or entry.reason)
                by_note.setdefault(entry.closed_in, []).append(entry)
                continue
            result.closed.append(Closed(entry.id, entry.rep, entry.text, entry.status,
                                        entry.closed_in or entry.source, 0, False))
            continue
        latest = _latest_note(book, entry.rep)
        by_note.setdefault(latest.path, []).append(entry)
    others = {n.path: n for n in book.notes}
    for rel, group in by_note.items():
        change, closed = _edit_note(book, rel, group, status, on, dated, reason, others, sub_of, synced)
        result.changes.append(change)
        result.closed.extend(closed)
    order = {e.id + "\0" + e.rep: i for i, e in enumerate(targets)}
    result.closed.sort(key=lambda c: order[c.id + "\0" + c.rep])
    return result


def _latest_note(book: Notebook, rep: str) -> Note:
    notes = book.notes_of(rep)
    latest = notes[-1]
    for problem in book.problems:
        ident = note_identity(problem.path)
        if ident and ident[0] == rep and (ident[1], ident[2]) > (latest.date, latest.seq):
            raise UnreadNoteError(f"{rep}'s latest note {problem.path} cannot be read, so the commitment "
                               "cannot be closed there", hint="fix it first; `onenotes check` says what is wrong")
    return latest


def _edit_note(book: Notebook, rel: str, group: list[Entry], status: str, on: dt.date, dated: bool,
               reason: str | None, others: dict[str, Note],
               sub_of: dict[tuple[str, str], str],
               synced: dict[tuple[str, str], tuple[dt.date | None, str | None]]) -> tuple[Change, list[Closed]]:
    path = book.root / rel
    check_place(book.root, rel)
    try:
        read = read_to_edit(path, rel, MAX_NOTE_BYTES)
    except (OSError, ValueError) as exc:
        raise WriteError(f"cannot read {rel}: {getattr(exc, 'strerror', None) or exc}") from None
    data = read.data
    options = read_options(book.config)
    rep, date, seq = note_identity(rel)
    try:
        note = parse_note(decode(data, rel), rel, rep, date, seq, options)
    except NoteError as exc:
        raise RefusedError(f"{exc.problem.format()}; nothing was changed") from None
    if rel in others and note != others[rel]:  # the plan was made from the note as it was
        raise ConcurrentEditError(f"{rel} changed while onenotes was editing it; nothing written",
                                  hint="run the command again")
    lines = Lines(data)
    closed: list[Closed] = []
    notes_list: list[str] = []
    # Top to bottom: an edit moves only the lines below it, so every line reported stays true.
    asked = on if dated or on != note.date else None, reason  # (the date to write, or None)
    for entry in sorted(group, key=lambda e: _file_order(note, e)):
        written, reason = synced.get((entry.rep, entry.id), asked)
        # A done_on the note already gives is kept (see _close_values), so it is the closing date.
        kept = next((m.done_on for m in note.mentions
                     if m.id == entry.id and m.status == "open" and m.done_on), None)
        # Without a done_on, a commitment closed in a note counts as closed at its meeting, on its date.
        line, carried = _close_one(lines, note, entry, status, written, reason)
        lines.apply()
        new_note = parse_again(lines, note, options)
        _verify(note, new_note, entry, status, written, reason, carried)
        rest = [n for p, n in others.items() if p != rel] + [new_note]
        after = next(e for e in build_ledger(rest) if e.rep == entry.rep and e.id == entry.id)
        if after.status != status or after.closed_on != (kept or written or note.date) or \
                after.closed_on_exact != (kept is not None or written is not None):
            raise EditRefused(f"{rel}: after the edit, {entry.id} would read as {after.status} on "
                              f"{after.closed_on}; nothing was changed")
        note = new_note
        closed.append(Closed(entry.id, entry.rep, entry.text, status, rel, line + 1, True, carried))
        what = f"added as {status} (carried)" if carried else status
        if (entry.rep, entry.id) in synced:
            what += " (as its review item already says)"
        parent = sub_of.get((entry.rep, entry.id))
        if parent is not None:
            what += f" (a sub-task of {parent})"
        notes_list.append(f"{rel}:{line + 1}: {entry.id}: {what}")
    return Change(rel, path, data, lines.to_bytes(), notes_list, read=read), closed


def _half_closed(book: Notebook, entry: Entry) -> bool:
    """Closed in the rep's latest note, which still lists it open elsewhere (its
    frontmatter item, when its review item was ticked)."""
    notes = book.notes_of(entry.rep)
    if not notes or entry.closed_in != notes[-1].path:
        return False
    return any(m.id == entry.id and m.status == "open" for m in notes[-1].mentions)


def _file_order(note: Note, entry: Entry) -> tuple[int, int]:
    """Where the edit for ``entry`` falls: frontmatter items, then a carried entry
    (appended to the list), then body tasks."""
    opened = [m for m in note.mentions if m.id == entry.id and m.status == "open"]
    if not opened:
        return (1, 0)
    first = min(opened, key=lambda m: m.line)
    return (0 if first.origin == "frontmatter" else 2, first.line)


def _close_one(lines: Lines, note: Note, entry: Entry, status: str, on: dt.date,
               reason: str | None) -> tuple[int, bool]:
    mentions = [m for m in note.mentions if m.id == entry.id]
    if not mentions:
        return _carry(lines, note, entry, status, on, reason), True
    first = None
    for m in mentions:
        if m.status != "open":
            continue
        if m.origin == "frontmatter":
            line = _close_item(lines, note, m, status, on, reason)
        else:
            line = _close_task(lines, note, m, status, on, reason)
        first = line if first is None else first
    if first is None:  # pragma: no cover - the ledger said open
        raise EditRefused(f"{note.path}: {entry.id} is not open there")
    return first, False


def _item_node(lines: Lines, note: Note, mention: Mention):
    fm = frontmatter(lines, note.path)
    found = key_node(fm.root, "commitments") if fm.root is not None else None
    if found is None or not isinstance(found[1], yaml.SequenceNode):
        raise EditRefused(f"{note.path}: cannot find the commitments list")
    items = note.meta.get("commitments") or []
    eligible = [i for i, item in enumerate(items) if isinstance(item, (str, dict))]
    fm_mentions = [m for m in note.mentions if m.origin == "frontmatter"]
    index = next(i for i, m in enumerate(fm_mentions) if m is mention)
    if len(eligible) != len(fm_mentions) or len(found[1].value) != len(items):
        raise EditRefused(f"{note.path}: the commitments list is unusual; close it by hand")
    return found[1].value[eligible[index]]


def _close_values(status: str, on: dt.date | None, reason: str | None, mention: Mention | None):
    """The keys to set; ``on`` is None when the note's own date says when (no done_on needed)."""
    values = [("status", status)]
    if on is not None and (mention is None or mention.done_on is None):
        values.append(("done_on", on.isoformat()))
    if reason is not None:
        values.append(("reason", to_yaml_scalar(reason)))
    return values


def _close_item(lines: Lines, note: Note, mention: Mention, status: str, on: dt.date,
                reason: str | None) -> int:
    node = _item_node(lines, note, mention)
    values = _close_values(status, on, reason, mention)
    if isinstance(node, yaml.ScalarNode):  # "- Write the plan": becomes a {text: ...} mapping
        if not single_line(node):
            raise EditRefused(f"{note.path}:{mention.line}: the commitment spans lines; close it by hand")
        line = file_line(node.start_mark)
        source = lines.content(line)[node.start_mark.column:node.end_mark.column]
        text = source if node.style in ('"', "'") else to_yaml_scalar(node.value)
        pairs = ", ".join(f"{k}: {v}" for k, v in [("text", text)] + values)
        lines.replace(line, node.start_mark.column, node.end_mark.column, "{" + pairs + "}")
        return line
    return set_keys(lines, node, values, note.path)


def _close_task(lines: Lines, note: Note, mention: Mention, status: str, on: dt.date,
                reason: str | None) -> int:
    line = mention.line - 1
    content = lines.content(line)
    m = _TASK_BOX.match(content)
    if not m:
        raise EditRefused(f"{note.path}:{mention.line}: cannot find the task's [ ] box; close it by hand")
    lines.replace(line, m.start(1), m.end(1), "x" if status == "done" else "-")
    extra = ""
    if on is not None and mention.done_on is None:
        extra += (" \u2705 " if status == "done" else " \u274c ") + on.isoformat()
    if reason is not None:
        if "]" in reason or "[" in reason:
            raise BadInputError("a --reason for a task in the body cannot hold [ or ]")
        extra += f" [reason:: {reason}]"
    end = len(content.rstrip(" \t"))
    if content.rstrip(" \t").endswith("\\"):  # a hard line break: keep it last
        end -= 1
    lines.replace(line, end, end, extra)
    return line


def _carry(lines: Lines, note: Note, entry: Entry, status: str, on: dt.date,
           reason: str | None) -> int:
    """Append the commitment, closed, to the note's commitments list."""
    fields = [("id", to_yaml_scalar(entry.id)), ("text", to_yaml_scalar(entry.text)),
              ("owner", to_yaml_scalar(entry.owner))]
    if entry.due is not None:
        fields.append(("due", entry.due.isoformat()))
    elif entry.due_raw:
        fields.append(("due", to_yaml_scalar(entry.due_raw)))
    fields.append(("status", status))
    if entry.since is not None:
        fields.append(("since", entry.since.isoformat()))
    fields += [kv for kv in _close_values(status, on, reason, None) if kv[0] != "status"]
    fm = frontmatter(lines, note.path)

    def block(dash: int, key: int) -> list[str]:
        out = []
        for i, (k, v) in enumerate(fields):
            lead = " " * dash + "-" + " " * (key - dash - 1) if i == 0 else " " * key
            out.append(f"{lead}{k}: {v}")
        return out

    if not fm.present:
        lines.insert_after(-1, ["---", "commitments:", *block(2, 4), "---"])
        return 2
    found = key_node(fm.root, "commitments") if fm.root is not None else None
    if found is None:
        indent = block_indent(fm.root)
        lines.insert_after(fm.close - 1, ["commitments:", *block(indent, indent + 2)])
        return fm.close + 1
    key, seq = found
    indent = block_indent(fm.root)
    if isinstance(seq, yaml.SequenceNode) and not seq.flow_style:
        dash = seq.start_mark.column
        first = seq.value[0]
        keycol = first.value[0][0].start_mark.column \
            if isinstance(first, yaml.MappingNode) and not first.flow_style and first.value else dash + 2
        anchor = last_line(seq)
        lines.insert_after(anchor, block(dash, keycol))
        return anchor + 1
    if isinstance(seq, yaml.SequenceNode) and seq.value:  # [{...}, {...}]
        line, column = file_line(seq.end_mark), seq.end_mark.column - 1
        if lines.content(line)[column:column + 1] != "]":
            raise EditRefused(f"{note.path}:{line + 1}: cannot find the end of the commitments list")
        lines.replace(line, column, column, ", {" + ", ".join(f"{k}: {v}" for k, v in fields) + "}")
        return line
    empty_scalar = isinstance(seq, yaml.ScalarNode) and seq.tag == "tag:yaml.org,2002:null"
    if not (isinstance(seq, yaml.SequenceNode) or empty_scalar) or not single_line(seq):
        raise EditRefused(f"{note.path}:{file_line(key.start_mark) + 1}: commitments is not a list; "
                          "fix it first (onenotes check)")
    # "commitments: []", "commitments: ~" or "commitments:": the items go below it.
    line = file_line(seq.start_mark)
    start, end = seq.start_mark.column, seq.end_mark.column
    if start != end:
        content = lines.content(line)
        if start > 0 and content[start - 1] == " ":
            start -= 1
        lines.replace(line, start, end, "")
    lines.insert_after(line, block(indent, indent + 2))
    return line + 1


def _mention_key(m: Mention) -> tuple:
    return (m.id, m.text, m.owner, m.status, m.due, m.due_raw, m.since, m.origin, m.done_on, m.reason)


def _verify(old: Note, new: Note, entry: Entry, status: str, written: dt.date | None, reason: str | None,
            carried: bool) -> None:
    """Refuse unless exactly the intended commitment reads differently (``written``: the
    date written with the close, if any)."""
    def refuse(what: str):
        raise EditRefused(f"{old.path}: the edit would change {what}; nothing was changed "
                          "(please report this)")

    if not same_except(old.meta, new.meta, ("commitments",)):
        refuse("other frontmatter")
    if [(m.name, m.actual, m.goal) for m in old.metrics] != [(m.name, m.actual, m.goal) for m in new.metrics]:
        refuse("the metrics")
    old_items = old.meta.get("commitments") or []
    new_items = new.meta.get("commitments") or []
    if [_mention_key(m) for m in old.mentions if m.id != entry.id] != \
            [_mention_key(m) for m in new.mentions if m.id != entry.id]:
        refuse("other commitments")
    before = [m for m in old.mentions if m.id == entry.id]
    after = [m for m in new.mentions if m.id == entry.id]
    if carried:
        ok = len(after) == 1 and after[0].origin == "frontmatter" and \
            (after[0].text, after[0].owner, after[0].status, after[0].since, after[0].done_on, after[0].reason) == \
            (entry.text, entry.owner, status, entry.since, written, reason) and \
            (after[0].due == entry.due if entry.due else after[0].due_raw == entry.due_raw)
        if not ok or len(new_items) != len(old_items) + 1:
            refuse(f"the carried entry of {entry.id}")
    else:
        if len(before) != len(after):
            refuse(f"the mentions of {entry.id}")
        for b, a in zip(before, after):
            if b.status != "open":
                if _mention_key(a) != _mention_key(b):
                    refuse(f"a closed mention of {entry.id}")
                continue
            expect = (b.id, b.text, b.owner, status, b.due, b.due_raw, b.since, b.origin,
                      b.done_on or written, reason if reason is not None else b.reason)
            if _mention_key(a) != expect:
                refuse(f"{entry.id} beyond its status")
        if len(new_items) != len(old_items):
            refuse("the commitments list")
    extra = problem_codes(new) - problem_codes(old)
    allowed = {"commitment-date", "commitment-owner"} if carried else set()
    if any(code not in allowed for _, code in extra):
        refuse("what `check` reports: " + ", ".join(sorted(code for _, code in extra)))


def write_changes(changes: list[Change]) -> None:
    """Write each change atomically; refuse a file another program wrote since it was
    read, keeping that program's version (:func:`onenotes.reading.files.replace_file`)."""
    check_writable(changes)
    written: list[str] = []
    for change in changes:
        check_place(change.root, change.rel)
        try:
            replace_file(change.path, change.new, expected=change.read)
        except ChangedOnDisk as exc:
            raise race_error(change.rel, exc, written) from None
        except OSError as exc:
            raise WriteError(f"cannot write {change.rel}: {exc.strerror or exc}") from None
        written.append(change.rel)
