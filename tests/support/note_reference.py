"""The note reader's field checks as they were before their shortcuts: the reference.

A verbatim copy of onenotes/reading/note.py's ``parse_note`` and its ``_read_*``
helpers, ``split_frontmatter``, ``derived_id`` and onenotes/dates.py's
``to_date`` as they stood
before they were made faster (commit 7d548f6), with nothing skipped.
tests/reading/test_note_fast.py checks that the fast reader gives exactly what this
one gives (the same Note, the same problems, the same NoteError) on generated
and hostile notes.  Do not "fix" this file to follow the reader: it is the
slow path the shortcuts are proven against.

One change since, on purpose: the fields of body tasks are read by
onenotes/reading/taskfields.py (the words, Obsidian Tasks' and Dataview's fields,
placeholder dates; see ``_read_body_tasks`` below), always the long way.
"""

from __future__ import annotations

import datetime as dt
import re
from hashlib import sha1 as _sha1

from onenotes.dates import DateProblem, _format_mistake, _iso_mistake, date_mistake
from onenotes.errors import NoteError, Problem
from onenotes.reading.figures import comma_splits, figure_hint, misread_thousands, typed_at
from onenotes.reading.note import (
    _CONFLICT, _MD_AFTER_BLANK, _MD_HEADING, _YAML_KEY_LINE, COMMITMENT_KEYS, OWNERS, STATUSES, Mention, Metric,
    Note, ReadOptions,
)
from onenotes.reading.taskfields import _read_fields
from onenotes.reading.tasks import MARKERS
from onenotes.reading.yaml.safe import GENERIC_HINT, LineDict, YamlProblem, load_yaml
from support.tasks_reference import scan_tasks_reference as scan_tasks

_SPACES = re.compile(r"\s+")

_ISO_DATE = r"\d{4}-\d{2}-\d{2}$"
_ISO_DATETIME = r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$"


def to_date(value, *, formats: tuple[str, ...] = (), year: int | None = None,
            tz: ZoneInfo | None = None) -> dt.date | None:
    """``value`` as a date, ``None`` for an empty value; :class:`DateProblem` otherwise."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and tz is not None:
            try:
                value = value.astimezone(tz)
            except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000 here
                raise DateProblem(f"{value.isoformat()} is out of range in the notebook's time zone "
                                  "(check the year)") from None
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (bool, int, float)) or not isinstance(value, str):
        # YAML read an unquoted 15.10 as the number 15.1: the text is lost.
        raise DateProblem(f"{value!r} was read as a number, not a date (put the date in quotes)")
    text = str(value).strip()
    if not text:
        return None
    if re.match(_ISO_DATE, text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise DateProblem(f"{text!r} is not a real date", _iso_mistake(text)) from None
    if re.match(_ISO_DATETIME, text):
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise DateProblem(f"{text!r} is not a real date and time", _iso_mistake(text)) from None
        return to_date(parsed, tz=tz)
    # Added (issue 16): what is wrong with a date shaped like one, said as the hint.
    mistake = None
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            has_year = any(code in fmt for code in ("%Y", "%y", "%G"))
            mistake = mistake or _format_mistake(text, fmt, None if has_year else year)
            continue
        if not any(code in fmt for code in ("%Y", "%y", "%G")):
            if year is None:
                continue
            try:
                return parsed.date().replace(year=year)
            except ValueError:  # 29 February in a year without one
                mistake = mistake or date_mistake(year, parsed.month, parsed.day)
                continue
        return parsed.date()
    if mistake:
        raise DateProblem(f"{text!r} is not a real date", mistake)
    expected = "YYYY-MM-DD"
    if formats:
        expected += " or " + ", ".join(formats)
    raise DateProblem(f"{text!r} is not a date (write {expected})")


def has_frontmatter(text: str) -> bool:
    """Line 1 is ``---`` (trailing blanks allowed): the note opens a frontmatter block."""
    end = text.find("\n")
    return (text if end < 0 else text[:end]).rstrip(" \t") == "---"


def split_frontmatter(text: str) -> tuple[str, str, int] | None:
    """(yaml, body, body_start_line) of text with ``\\n`` line ends whose line 1 opens
    a frontmatter block; None when the block is never closed.  Nothing is stripped."""
    start = text.find("\n") + 1
    if start == 0:
        return None
    at = start - 1  # each candidate is a line end followed by "---" or "..."
    while True:
        dashes, dots = text.find("\n---", at), text.find("\n...", at)
        if dashes < 0 and dots < 0:
            return None
        at = dashes if dots < 0 or 0 <= dashes < dots else dots
        line_start = at + 1
        line_end = text.find("\n", line_start)
        if line_end < 0:
            line_end = len(text)
        if text[line_start:line_end].rstrip(" \t") in ("---", "..."):
            break
        at = line_start
    yaml_text = text[start:line_start - 1] if line_start > start else ""
    return yaml_text, text[line_end + 1:], text.count("\n", 0, line_start) + 2


def derived_id(rep: str, stem: str, text: str) -> str:
    """The stable id of a commitment written without one: from its note and text."""
    norm = _SPACES.sub(" ", text).strip().casefold()
    return _sha1(f"{rep}/{stem}\n{norm}".encode()).hexdigest()[:8]


MAX_FIGURE = 10 ** 15  # larger figures are typos, and overflow float maths


def _number(value):
    """A KPI figure, or None: not a number, not finite, or absurdly large."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or abs(value) > MAX_FIGURE:
        return None
    return value


def parse_note(text: str, path: str, rep: str, date: dt.date, seq: int = 1,
               options: ReadOptions = ReadOptions()) -> Note:
    """Parse a decoded note.  Raises :class:`NoteError` when it cannot be read."""
    conflict = _CONFLICT.search(text) if "<<<<<<<" in text or ">>>>>>>" in text else None
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise NoteError(Problem(path, line, 1, "error", "merge-conflict",
                                "unresolved merge conflict",
                                "keep the right version and delete the <<<<<<< ======= >>>>>>> lines"))
    meta: dict = LineDict()
    body, body_line = text, 1
    if has_frontmatter(text):
        parts = split_frontmatter(text)
        if parts is None:
            raise NoteError(Problem(
                path, 1, 1, "error", "frontmatter-unclosed",
                "frontmatter opened on line 1 is never closed",
                "add a line with --- after the metadata; if line 1 is a horizontal rule, write *** instead"))
        yaml_text, body, body_line = parts
        heading = _MD_HEADING.search(yaml_text) if "#" in yaml_text else None
        if heading:
            line = yaml_text.count("\n", 0, heading.start()) + 2
            raise NoteError(Problem(
                path, line, 1, "error", "frontmatter-unclosed",
                "a Markdown heading inside the frontmatter",
                f"is the closing --- missing? the frontmatter now ends on line {body_line - 1}"))
        try:
            loaded = load_yaml(yaml_text, line_offset=1)
        except YamlProblem as exc:
            hint = None if exc.hint == GENERIC_HINT else exc.hint
            if not _YAML_KEY_LINE.search(yaml_text):
                hint = hint or "if line 1 is a horizontal rule and not frontmatter, write *** instead"
            elif _MD_AFTER_BLANK.search(yaml_text):  # Markdown after a blank line: the body
                hint = (f"is the closing --- missing? the frontmatter now runs to line {body_line - 1}"
                        + (f"; {hint}" if hint else ""))
            hint = hint or exc.hint
            raise NoteError(Problem(path, exc.line, exc.column, "error", "yaml",
                                    exc.message, hint)) from None
        if loaded is None:
            loaded = LineDict()
        if not isinstance(loaded, dict):
            raise NoteError(Problem(
                path, 2, 1, "error", "frontmatter-not-mapping",
                "frontmatter must be 'key: value' lines, not a "
                + ("list" if isinstance(loaded, list) else type(loaded).__name__),
                "if line 1 is a horizontal rule and not frontmatter, write *** instead"))
        meta = loaded
    note = Note(path=path, rep=rep, date=date, seq=seq, meta=meta, metrics=[],
                mentions=[], body_line=body_line)
    if body_line == 1 and text.startswith("\n") and text.lstrip("\n").startswith("---"):
        blank = len(text) - len(text.lstrip("\n"))
        _problem(note, blank + 1, "warning", "frontmatter-not-first-line",
                 "this looks like frontmatter, but frontmatter must start on line 1; it is read as text",
                 "delete the blank lines above ---")
    stem = path.rsplit("/", 1)[-1][:-3]
    _read_metrics(note, text)
    _read_plans(note, text)
    seen: dict[str, int] = {}
    _read_frontmatter_commitments(note, stem, options, seen)
    _read_body_tasks(note, body, stem, options, seen)
    # What `onenotes share` would refuse, asked of every note (the parser asks only when
    # the body holds "<!--" or "private").
    from onenotes.reading.privacy import private_markup_problems

    note.problems.extend(private_markup_problems(body, path, body_line))
    _read_review_items(note)
    return note


def _read_review_items(note: Note) -> None:
    """Added (issue 15): a body task with the id of a frontmatter commitment is its review
    item: the frontmatter's text, owner, dates and parent, the task's own status."""
    stated = {m.id: m for m in note.mentions if m.origin == "frontmatter"}
    lines = set()
    for m in note.mentions:
        item = stated.get(m.id)
        if m.origin == "body" and item is not None:
            if (m.due is not None or m.due_raw is not None) and (m.due, m.due_raw) != (item.due, item.due_raw):
                said = m.due.isoformat() if m.due else m.due_raw
                written = item.due.isoformat() if item.due else item.due_raw or "no due date"
                _problem(note, m.line, "warning", "review-disagrees",
                         f"the review item of {m.id!r} says due {said}, but the frontmatter (line "
                         f"{item.line}) says {written}: the frontmatter's counts",
                         f"to move the due date, change 'due:' on line {item.line}")
            m.text, m.owner, m.due, m.due_raw, m.since = item.text, item.owner, item.due, item.due_raw, item.since
            m.parent, m.private = item.parent, m.private or item.private
            lines.add(m.line)
    note.problems = [p for p in note.problems
                     if not (p.line in lines and p.code in ("commitment-owner", "commitment-date"))]


def _line(meta, key, default=0):
    return meta.line_of(key, default) if isinstance(meta, LineDict) else default


def _problem(note: Note, line: int, severity: str, code: str, message: str, hint=None):
    note.problems.append(Problem(note.path, line, 0, severity, code, message, hint))


def _read_metrics(note: Note, text: str) -> None:
    metrics = note.meta.get("metrics")
    if metrics is None:
        return
    line = _line(note.meta, "metrics")
    if not isinstance(metrics, dict):
        _problem(note, line, "error", "metric-invalid",
                 "'metrics' must map KPI names to figures", "e.g. 'revenue: 31250'")
        return
    split = comma_splits(metrics)
    for name, value in metrics.items():
        if name in _pieces(split):
            continue
        mline = _line(metrics, name, line)
        goal = None
        if isinstance(value, dict):
            inner = comma_splits(value)
            unknown = sorted(str(k) for k in value if k not in ("goal", "actual") and k not in _pieces(inner))
            if unknown:
                _problem(note, mline, "warning", "metric-invalid",
                         f"metric {name!r}: unknown keys {', '.join(unknown)}", "use goal and actual")
            goal = _figure(note, text, value, "goal", mline, inner, f"goal of {name!r}",
                           "write a plain number such as 25000")
            actual = _figure(note, text, value, "actual", mline, inner, f"metric {name!r}",
                             "write a plain number such as 31250 or 27.5, without units")
        else:
            actual = _figure(note, text, metrics, name, mline, split, f"metric {name!r}",
                             "write a plain number such as 31250 or 27.5, without units")
        note.metrics.append(Metric(str(name), actual, goal, mline))


def _pieces(split: dict) -> set:
    """Added (issue 16): every key that is the piece of a figure split at its comma."""
    return {piece for pieces in split.values() for piece in pieces}


def _figure(note: Note, text: str, mapping, key, line: int, split: dict, what: str, hint: str,
            code: str = "metric-not-number"):
    """Added (issue 16): a figure, or None; errors for what is no number (the figure to write
    when the typed text tells it), a warning for a dot that may separate thousands."""
    value = mapping.get(key)
    line = _line(mapping, key, line)
    if key in split:
        typed = typed_at(text, line, key)
        if typed is None:
            _problem(note, line, "error", code, f"{what} is not a number: YAML splits it at a comma", hint)
        else:
            _problem(note, line, "error", code, f"{what} is not a number: {typed!r}", figure_hint(typed) or hint)
        return None
    number = _number(value)
    if value is not None and number is None:
        _problem(note, line, "error", code, f"{what} is not a number: {value!r}",
                 (figure_hint(value) if isinstance(value, str) else None) or hint)
    elif isinstance(number, float):
        doubt = misread_thousands(number, text, line, key)
        if doubt is not None:  # 20.000: 20 or 20000? Not guessed: a gap
            typed, read, other = doubt
            _problem(note, line, "error", "figure-ambiguous", f"{what}: {typed} could be {read} or {other}",
                     f"write {other} if the dot separates thousands, or {read} if it does not")
            return None
    return number


def _read_plans(note: Note, text: str) -> None:
    """coaching_plan (text by topic), behaviour_plan (KPI -> target), confidence (KPI -> 1-5)."""
    meta = note.meta
    plan = meta.get("coaching_plan")
    if plan is not None:
        if isinstance(plan, str):
            note.coaching_plan = {"skill": plan}
        elif isinstance(plan, dict) and all(isinstance(v, (str, int, float, type(None))) for v in plan.values()):
            note.coaching_plan = {str(k): ("" if v is None else str(v)) for k, v in plan.items()}
        else:
            _problem(note, _line(meta, "coaching_plan"), "error", "plan-invalid",
                     "coaching_plan must be 'topic: text' lines", "e.g. 'skill: handling price objections'")
    targets = meta.get("behaviour_plan")
    if targets is not None:
        if not isinstance(targets, dict):
            _problem(note, _line(meta, "behaviour_plan"), "error", "plan-invalid",
                     "behaviour_plan must map input KPIs to weekly targets", "e.g. 'sales_calls: 40'")
        else:
            split = comma_splits(targets)
            hint = "write a plain number of activities a week, e.g. 'sales_calls: 40'"
            for name, value in targets.items():
                if name in _pieces(split):
                    continue
                what = f"behaviour_plan target for {name!r}"
                if value is None:
                    _problem(note, _line(targets, name, _line(meta, "behaviour_plan")), "error",
                             "plan-invalid", f"{what} is not a number: {value!r}", hint)
                    continue
                number = _figure(note, text, targets, name, _line(meta, "behaviour_plan"), split, what, hint,
                                 "plan-invalid")
                if number is not None:
                    note.behaviour_plan[str(name)] = number
    sure = meta.get("confidence")
    if sure is not None:
        if not isinstance(sure, dict):
            _problem(note, _line(meta, "confidence"), "error", "confidence-invalid",
                     "confidence must map KPI names to 1-5", "e.g. 'revenue: 4'")
        else:
            split = comma_splits(sure)
            for name, value in sure.items():
                if name in _pieces(split):
                    continue
                line = _line(sure, name, _line(meta, "confidence"))
                if name in split:
                    typed = typed_at(text, line, name)
                    value = typed if typed is not None else value
                if name in split or isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                    _problem(note, line, "error",
                             "confidence-invalid", f"confidence for {name!r} must be 1 to 5, not {value!r}",
                             "write a whole number from 1 (unsure) to 5 (sure)")
                else:
                    note.confidence[str(name)] = value


def _date_field(note: Note, value, line: int, what: str, options: ReadOptions):
    """(date or None, raw text when unreadable)."""
    try:
        return to_date(value, formats=options.date_formats, year=note.date.year, tz=options.tz), None
    except DateProblem as exc:
        _problem(note, line, "error", "commitment-date", f"{what}: {exc}",
                 exc.hint or "write the date as YYYY-MM-DD, or add its format to date_formats in onenotes.yaml")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return None, f"{value} (read as a number)"  # what was typed is lost
        return None, str(value)


def _item_date(note: Note, item: dict, key: str, iline: int, what: str, options: ReadOptions):
    """:func:`_date_field` of ``item[key]``; an absent value or a YAML date needs no reading."""
    value = item.get(key)
    if value is None or type(value) is dt.date:
        return value, None
    return _date_field(note, value, _line(item, key, iline), what, options)


_COMMITMENT_KEY_SET = frozenset(COMMITMENT_KEYS)


def _unique_id(seen: dict[str, int], cid: str) -> str:
    """The same text twice in one note is still two commitments: -2, -3, ..."""
    seen[cid] = seen.get(cid, 0) + 1
    return cid if seen[cid] == 1 else f"{cid}-{seen[cid]}"


def _read_frontmatter_commitments(note: Note, stem: str, options: ReadOptions,
                                  seen: dict[str, int]) -> None:
    items = note.meta.get("commitments")
    if items is None:
        return
    line = _line(note.meta, "commitments")
    if not isinstance(items, list):
        _problem(note, line, "error", "commitment-invalid",
                 "'commitments' must be a list of items starting with '- '",
                 "write each commitment on its own line as '  - text: ...'")
        return
    for index, item in enumerate(items):
        item_line = items.lines[index] if getattr(items, "lines", None) else line + 1 + index
        if isinstance(item, str):
            item = LineDict(text=item)
            item.line = item_line
        if not isinstance(item, dict):
            _problem(note, line, "error", "commitment-invalid",
                     f"commitment {index + 1} is not a mapping: {item!r}",
                     "write it as '- text: ...' with id, owner, due and status")
            continue
        iline = getattr(item, "line", line) or line
        text_value = item.get("text")
        text = "" if text_value is None else str(text_value).strip()
        if not text:
            _problem(note, iline, "error", "commitment-text", "commitment without text",
                     "add 'text: what was promised'")
        cid = item.get("id")
        if cid is None or str(cid).strip() == "":
            cid = _unique_id(seen, derived_id(note.rep, stem, text))
        else:
            cid = str(cid).strip()
        status = item.get("status", "open")
        status = "open" if status is None else str(status).strip().lower()
        if status not in STATUSES:
            _problem(note, _line(item, "status", iline), "error", "commitment-status",
                     f"unknown status {item.get('status')!r}; listed as open",
                     "use open, done or dropped")
            status = "open"
        owner = item.get("owner", "rep")
        owner = "rep" if owner is None else str(owner).strip().lower()
        if owner not in OWNERS:
            _problem(note, _line(item, "owner", iline), "error", "commitment-owner",
                     f"unknown owner {item.get('owner')!r}", "use rep or manager")
        due, due_raw = _item_date(note, item, "due", iline, "due date", options)
        since, _ = _item_date(note, item, "since", iline, "since", options)
        done_on, _ = _item_date(note, item, "done_on", iline, "done_on", options)
        reason = item.get("reason")
        reason = None if reason is None or str(reason).strip() == "" else str(reason).strip()
        for key in item:
            if key not in _COMMITMENT_KEY_SET:
                _problem(note, _line(item, key, iline), "warning", "commitment-key",
                         f"unknown commitment key {key!r}", "known keys: " + ", ".join(COMMITMENT_KEYS))
        private = item.get("private")
        if private is not None and not isinstance(private, bool):
            word = str(private).strip().casefold()
            if word not in ("true", "yes", "false", "no"):
                _problem(note, _line(item, "private", iline), "error", "commitment-private",
                         f"private must be true or false, not {private!r}; read as private",
                         "write 'private: true'")
            private = word not in ("false", "no")
        parent = item.get("parent")
        parent = None if parent is None or str(parent).strip() == "" else str(parent).strip()
        note.mentions.append(Mention(cid, text, owner, status, due, due_raw, since, iline, "frontmatter",
                                     done_on, reason, bool(private), parent))


def _read_body_tasks(note: Note, body: str, stem: str, options: ReadOptions,
                     seen: dict[str, int]) -> None:
    # Changed on purpose (branch "fields"): the fields are read by onenotes.reading.taskfields,
    # always the long way (_read_fields, no shortcut for a text without a field); the
    # id is derived from the words alone; a dropped task's done_on is its cancelled
    # date first; placeholder dates read as no date, with one warning for the note.
    # Changed on purpose (issue 15): a task in a private part is private (every task
    # while the private markup is broken) and the manager's unless it names its owner;
    # a task whose id changed with the words-only rule keeps its former id.
    from onenotes.reading.privacy import private_lines
    from onenotes.reading.taskfields import former_words

    secret = private_lines(body)
    placeholders, placeholder_line = 0, 0
    ids_at = {}  # body line -> the id of the task there (a sub-task's parent: added with issue 15)
    for raw in scan_tasks(body):
        line = note.body_line + raw.line - 1
        private = secret is None or raw.line - 1 in secret
        status = MARKERS.get(raw.marker)
        if status is None:
            _problem(note, line, "warning", "task-marker",
                     f"unknown task marker [{raw.marker}]; listed as open",
                     "use [ ] open, [x] done or [-] dropped")
            status = "open"
        fields = _read_fields(raw.text)
        text = fields.words
        owner = (fields.owner or ("manager" if private else "rep")).strip().lower()
        if owner not in OWNERS:
            _problem(note, line, "error", "commitment-owner", f"unknown owner {owner!r}",
                     "use rep or manager")
        due, due_raw = (None, None)
        if fields.due is not None:
            due, due_raw = _date_field(note, fields.due, line, "due date", options)
        cid, former = fields.id, None
        if not cid:
            base = derived_id(note.rep, stem, text)
            cid = _unique_id(seen, base)
            before = former_words(raw.text)
            if before != text and cid == base and derived_id(note.rep, stem, before) != base:
                former = derived_id(note.rep, stem, before)
        if status == "dropped":
            closed = (fields.cancelled, "cancelled date") if fields.cancelled is not None else (
                fields.done, "done date")
        else:
            closed = (fields.done, "done date") if fields.done is not None else (
                fields.cancelled, "cancelled date")
        done_on = None
        if closed[0] is not None:
            done_on, _ = _date_field(note, closed[0], line, closed[1], options)
        if fields.placeholders:
            if not placeholders:
                placeholder_line = line
            placeholders += len(fields.placeholders)
        ids_at[raw.line] = cid
        note.mentions.append(Mention(cid, text, owner, status, due, due_raw, None, line, "body", done_on,
                                     fields.reason, private, ids_at.get(raw.parent), former))
    if placeholders:
        _problem(note, placeholder_line, "warning", "task-placeholder",
                 f"{placeholders} task field{'s' if placeholders > 1 else ''} hold{'' if placeholders > 1 else 's'}"
                 " a template placeholder (<% ... %>) or 'Invalid date', the first on this line;"
                 " read as no date",
                 "run the note's template (Templater), or write the dates as YYYY-MM-DD")
