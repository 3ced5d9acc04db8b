"""Reading one note: bytes -> :class:`Note`, or a :class:`NoteError` naming file and line.

The rules (docs/format.md has them for users):

* UTF-8 with or without a BOM; CRLF and lone CR are line ends.  Anything else
  (Latin-1, UTF-16, NUL bytes) is refused with "re-save as UTF-8", never
  decoded with replacement characters.
* Frontmatter opens with ``---`` on line 1 only and closes with ``---`` or
  ``...``.  An unclosed block, or frontmatter that is not a mapping, is an error.
* Line numbers always count from the top of the file.
* Commitments come from the frontmatter's ``commitments:`` list and from task
  items in the body (see :mod:`onenotes.reading.tasks`).

The frontmatter is split by :func:`split_frontmatter` and loaded by the strict
loader of :mod:`onenotes.reading.yaml.safe`; :class:`NoteHandler` offers the same as a
python-frontmatter handler (the library's own defaults strip the body, miss a
BOM note's YAML and let raw YAML errors through).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

try:  # SHA-1 without OpenSSL (hashlib loads it: milliseconds of a run that parses one note)
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import sha1 as _sha1
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # zoneinfo loads only for a notebook with a time zone
    from zoneinfo import ZoneInfo

from onenotes.dates import DateProblem, to_date
from onenotes.errors import NoteError, Problem
from onenotes.reading.taskfields import former_words, read_task_fields
from onenotes.reading.taskfields import squash as _squash
from onenotes.reading.tasks import MARKERS, scan_tasks
from onenotes.reading.yaml.safe import GENERIC_HINT, LineDict, YamlProblem, load_yaml

MAX_NOTE_BYTES = 1024 * 1024
STATUSES = ("open", "done", "dropped")
OWNERS = ("rep", "manager")
COMMITMENT_KEYS = ("id", "text", "owner", "due", "status", "since", "done_on", "reason", "private", "parent")

_CONFLICT = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.M)
_MD_HEADING = re.compile(r"^#{2,6} \S", re.M)
_YAML_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*:(?: |$)", re.M)
_MD_AFTER_BLANK = re.compile(r"\n\n(?:#{1,6} |[-*+] \[.\] |\d+[.)] \[.\] )")


@dataclass(frozen=True)
class ReadOptions:
    """What parsing needs from the config: extra date formats and the time zone."""

    date_formats: tuple[str, ...] = ()
    timezone: str | None = None

    @property
    def tz(self) -> ZoneInfo | None:
        if not self.timezone:
            return None
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)


@dataclass
class Mention:
    """A commitment as one note states it."""

    id: str
    text: str
    owner: str
    status: str
    due: dt.date | None
    due_raw: str | None
    since: dt.date | None
    line: int
    origin: str  # "frontmatter" or "body"
    done_on: dt.date | None = None  # when it was closed, if the note says
    reason: str | None = None  # why it was dropped (or closed), if the note says
    private: bool = False  # made or listed in a private part (or marked private: true)
    parent: str | None = None  # the id of the task it is a sub-task of
    former_id: str | None = None  # a task's derived id before the words-only rule, when it differs


@dataclass
class Metric:
    name: str
    actual: float | int | None
    goal: float | int | None
    line: int


@dataclass
class Note:
    path: str  # relative to the notebook, with "/"
    rep: str  # the rep folder
    date: dt.date  # from the file name
    seq: int  # 1, or N for YYYY-MM-DD-N.md
    meta: dict
    metrics: list[Metric]
    mentions: list[Mention]
    body_line: int  # file line where the body starts
    problems: list[Problem] = field(default_factory=list)
    coaching_plan: dict = field(default_factory=dict)  # skill, practice, long_term, ...: text
    behaviour_plan: dict = field(default_factory=dict)  # input KPI -> weekly target
    confidence: dict = field(default_factory=dict)  # KPI -> 1..5, how sure the rep sounds

    @property
    def sort_key(self):
        return (self.date, self.seq, self.path)


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
        dashes = text.find("\n---", at)
        # Only a "..." before that "---" could come first: look no further.  (The two
        # cannot overlap, each holding a line end only first, so one found before
        # the "---" ends at or before it.)
        dots = text.find("\n...", at) if dashes < 0 else _dots_before(text, at, dashes)
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


def _dots_before(text: str, at: int, end: int) -> int:
    """``text.find("\\n...", at, end)`` where ``text[end]`` is a line end (the "\\n---" found).

    Frontmatter holds a few dots (a 27.5 or two) and many dashes: finding each
    dot, one character, and looking around it costs half as much as searching
    for the four characters.  (A "..." that starts before ``end`` ends before it,
    as ``text[end]`` is no dot.)"""
    i = text.find(".", at + 1, end)
    while i >= 0:
        if text[i - 1] == "\n" and text.startswith("...", i):
            return i - 1
        i = text.find(".", i + 1, end)
    return -1


def _make_handler():
    """:class:`NoteHandler`, made on first use: python-frontmatter (and PyYAML, which it
    imports) load only for callers that want a handler, never to read notes."""
    from frontmatter.default_handlers import BaseHandler

    class NoteHandler(BaseHandler):
        """python-frontmatter handler: ``---`` on line 1, closed by ``---`` or ``...``.

        ``split`` works on text whose line ends are already ``\\n`` and returns the
        YAML text and the body untouched (no stripping).  ``load`` uses the strict
        loader of :mod:`onenotes.reading.yaml.safe`.
        """

        FM_BOUNDARY = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
        START_DELIMITER = "---"
        END_DELIMITER = "---"

        def detect(self, text: str) -> bool:
            return has_frontmatter(text)

        def split_at(self, text: str) -> tuple[str, str, int] | None:
            """(yaml, body, body_start_line) or None when the block is never closed."""
            return split_frontmatter(text)

        def split(self, text: str) -> tuple[str, str]:
            parts = split_frontmatter(text)
            if parts is None:
                raise ValueError("frontmatter is not closed")
            return parts[0], parts[1]

        def load(self, fm: str, line_offset: int = 1):  # type: ignore[override]
            return load_yaml(fm, line_offset=line_offset)

        def export(self, metadata, **kwargs) -> str:  # pragma: no cover - we never dump notes
            raise NotImplementedError("onenotes renders notes from templates; it never dumps them")

    NoteHandler.__module__, NoteHandler.__qualname__ = __name__, "NoteHandler"
    return NoteHandler


def __getattr__(name: str):
    if name in ("NoteHandler", "HANDLER"):
        cls = _make_handler()
        globals().update(NoteHandler=cls, HANDLER=cls())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def decode(data: bytes, path: str) -> str:
    """Bytes -> text with ``\\n`` line ends, or :class:`NoteError`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NoteError(Problem(path, 1, 0, "error", "encoding",
                                "file is UTF-16, not UTF-8", "re-save it as UTF-8"))
    nul = data.find(b"\x00")
    if nul >= 0:
        line, _ = _byte_position(data, nul)
        raise NoteError(Problem(path, line, 0, "error", "encoding",
                                "file contains NUL bytes (binary data?)", "re-save it as UTF-8 text"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        raise NoteError(Problem(path, line, column, "error", "encoding",
                                f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                "re-save the file as UTF-8")) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_BYTE_LINE_END = re.compile(rb"\r\n?|\n")


def _byte_position(data: bytes, at: int) -> tuple[int, int]:
    """(line, column in bytes) of ``data[at]``; CRLF, LF and a lone CR end a line."""
    line, start = 1, 0
    for m in _BYTE_LINE_END.finditer(data, 0, at):
        line, start = line + 1, m.end()
    return line, at - start + 1


def derived_id(rep: str, stem: str, text: str) -> str:
    """The stable id of a commitment written without one: from its note and text.

    (A body task's text here is its words, without any field: see onenotes/taskfields.py.)"""
    return _id_of(rep, stem, _squash(text).casefold())


def _id_of(rep: str, stem: str, norm: str) -> str:
    """:func:`derived_id` of a text already squashed and casefolded."""
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
               options: ReadOptions = ReadOptions(), commitments_only: bool = False) -> Note:
    """Parse a decoded note.  Raises :class:`NoteError` when it cannot be read.

    ``commitments_only``: read just what a listing of commitments needs (the
    cache's "index" rows, for ``followups``): the same NoteError or none, the
    same mentions and the same problems with a code starting ``commitment-`` or
    ``task-``, but no metrics, plans or confidence and none of their problems,
    nor any other problem (tests/reading/test_note_fast.py checks this on every kind
    of note); its ``meta`` may hold the ``commitments`` key alone (see
    :func:`~onenotes.reading.yaml.safe.load_yaml`'s ``only``).  Such a Note is not the
    whole note: do not keep it as one.
    """
    # (A one-character search is far quicker than a seven-character one: most notes have neither.)
    conflict = _CONFLICT.search(text) if ("<" in text and "<<<<<<<" in text) or \
        (">" in text and ">>>>>>>" in text) else None
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise NoteError(Problem(path, line, 1, "error", "merge-conflict",
                                "unresolved merge conflict",
                                "keep the right version and delete the <<<<<<< ======= >>>>>>> lines"))
    body, body_line, yaml_text = text, 1, ""
    if not has_frontmatter(text):
        meta: dict = LineDict()
    else:
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
            # Read for its commitments only: the other keys' values need not be built.
            loaded = load_yaml(yaml_text, 1, "commitments" if commitments_only else None)
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
    # (positional: keywords cost a dataclass's __init__ 0.3 us more)
    note = Note(path, rep, date, seq, meta, [], [], body_line)
    if not commitments_only:  # (none of this makes a mention or a listing problem)
        if body_line == 1 and text.startswith("\n") and text.lstrip("\n").startswith("---"):
            blank = len(text) - len(text.lstrip("\n"))
            _problem(note, blank + 1, "warning", "frontmatter-not-first-line",
                     "this looks like frontmatter, but frontmatter must start on line 1; it is read as text",
                     "delete the blank lines above ---")
        _read_metrics(note, yaml_text)
        _read_plans(note, yaml_text)
    stem = path.rsplit("/", 1)[-1][:-3]
    seen: dict[str, int] = {}
    _read_frontmatter_commitments(note, stem, options, seen)
    private_lines_of, markup = _private_lines, []
    if not commitments_only and ("<!--" in body or _says_private(body)):
        from onenotes.reading.privacy import read_private_parts  # markdown-it only for such a note

        # The private lines and the markup `share` would refuse, from the same parses.
        secret, markup = read_private_parts(body, path, body_line)
        private_lines_of = lambda _body: secret  # noqa: E731
    _read_body_tasks(note, body, stem, options, seen, private_lines_of)
    note.problems.extend(markup)
    if note.mentions:
        _read_review_items(note, not commitments_only)
    return note


_NOTHING_PRIVATE: frozenset[int] = frozenset()
_PRIVATE_WORD = re.compile("private", re.I)


def _says_private(body: str) -> bool:
    """The word "private" in any case, as :mod:`onenotes.reading.privacy` looks for it (casefolded),
    after a quicker search that finds it wherever that does."""
    return bool(_PRIVATE_WORD.search(body)) and "private" in body.casefold()


def _private_lines(body: str):
    """The body's lines (0-based) in private parts (docs/format.md, "Private commitments").

    None while the note's private markup is broken: which lines are private
    cannot be told, so every task of the body is taken as private (hidden too
    much, never shown by mistake; ``check`` warns about the markup).
    """
    if not _says_private(body):  # every private part starts with the word
        return _NOTHING_PRIVATE
    from onenotes.reading.privacy import private_lines  # markdown-it only for a note that could need it

    return private_lines(body)


def _read_review_items(note: Note, report_dates: bool = True) -> None:
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
                _problem(note, m.line, "warning", "review-disagrees",
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


_REVIEW_IGNORES = ("commitment-owner", "commitment-date")


def _line(meta, key, default=0):
    return meta.line_of(key, default) if isinstance(meta, LineDict) else default


def _problem(note: Note, line: int, severity: str, code: str, message: str, hint=None):
    note.problems.append(Problem(note.path, line, 0, severity, code, message, hint))


def _read_metrics(note: Note, fm: str) -> None:
    """The note's ``metrics:`` (``fm``: the frontmatter's text, from line 2 of the note, where
    what was typed for a figure is looked up)."""
    metrics = note.meta.get("metrics")
    if metrics is None:
        return
    line = _line(note.meta, "metrics")
    if not isinstance(metrics, dict):
        _problem(note, line, "error", "metric-invalid",
                 "'metrics' must map KPI names to figures", "e.g. 'revenue: 31250'")
        return
    # _line(metrics, name, line), without a call per metric
    key_lines = metrics.key_lines if isinstance(metrics, LineDict) else None
    fallback = (line or metrics.line) if key_lines is not None else line
    split, pieces = _comma_splits(metrics)
    out = note.metrics
    for name, value in metrics.items():
        mline = fallback if key_lines is None else key_lines.get(name, fallback)
        kind = type(value)
        if (kind is int or kind is float) and -MAX_FIGURE <= value <= MAX_FIGURE and not split:
            # A plain figure (not a bool, NaN or too large): what _number lets through.
            if kind is float and _doubtful(note, fm, mline, name, value, f"metric {name!r}"):
                value = None
            out.append(Metric(str(name), value, None, mline))
            continue
        if pieces and name in pieces:
            continue  # what followed a comma in the figure before it: no metric
        goal = None
        if isinstance(value, dict):
            inner, inner_pieces = _comma_splits(value)
            unknown = sorted(str(k) for k in value if k not in ("goal", "actual") and k not in inner_pieces)
            if unknown:
                _problem(note, mline, "warning", "metric-invalid",
                         f"metric {name!r}: unknown keys {', '.join(unknown)}", "use goal and actual")
            goal = _figure(note, fm, value, "goal", mline, inner, f"goal of {name!r}",
                           "write a plain number such as 25000", code="metric-not-number")
            actual = _figure(note, fm, value, "actual", mline, inner, f"metric {name!r}", _ACTUAL_HINT,
                             code="metric-not-number")
        else:
            actual = _figure(note, fm, metrics, name, mline, split, f"metric {name!r}", _ACTUAL_HINT,
                             code="metric-not-number")
        out.append(Metric(str(name), actual, goal, mline))


_ACTUAL_HINT = "write a plain number such as 31250 or 27.5, without units"


def _comma_splits(mapping) -> tuple[dict, frozenset]:
    """(:func:`onenotes.reading.figures.comma_splits` of ``mapping``, every piece's key); at once no
    split for a mapping without a key with no value (a piece has none)."""
    if None not in mapping.values():
        return _NO_SPLITS
    from onenotes.reading.figures import comma_splits

    found = comma_splits(mapping)
    return found, frozenset(piece for pieces in found.values() for piece in pieces)


_NO_SPLITS: tuple[dict, frozenset] = ({}, frozenset())


def _figure(note: Note, fm: str, mapping, key, line: int, split: dict, what: str, hint: str, *,
            code: str):
    """The figure under ``key`` of ``mapping``, or None (a gap): one YAML could not read as a
    number (``30,5``, ``12 000``, or ``{actual: 30,5}``, split at its comma) is an error
    that says what to write, and so is one that could mean thousands (``20.000``)."""
    value = mapping.get(key)
    line = _line(mapping, key, line)
    if key in split:
        from onenotes.reading.figures import typed_at

        typed = typed_at(fm, line - 1, key)
        if typed is None:
            _problem(note, line, "error", code, f"{what} is not a number: YAML splits it at a comma", hint)
        else:
            _not_a_number(note, line, code, what, typed, hint)
        return None
    number = _number(value)
    if value is not None and number is None:
        _not_a_number(note, line, code, what, value, hint)
    elif type(number) is float and _doubtful(note, fm, line, key, number, what):
        return None
    return number


# What every figure typed so that its dot may separate thousands holds (1.500, 20.000);
# starting with the dot, the search runs ten times faster.
_DOT_THOUSANDS = re.compile(r"\.[0-9]{3}")


def _not_a_number(note: Note, line: int, code: str, what: str, value, hint: str) -> None:
    """The error for a figure that is not a number, with the figure to write when the text tells it."""
    if isinstance(value, str):
        from onenotes.reading.figures import figure_hint

        hint = figure_hint(value) or hint
    _problem(note, line, "error", code, f"{what} is not a number: {value!r}", hint)


def _doubtful(note: Note, fm: str, line: int, key, value: float, what: str) -> bool:
    """True, with an error, when YAML read ``value`` (a float) from a figure typed as
    ``20.000`` or ``1.500``: 20 or twenty thousand?  Not guessed: the figure is a gap."""
    if not _DOT_THOUSANDS.search(fm):  # (quicker than looking up what was typed: most notes have none)
        return False
    from onenotes.reading.figures import misread_thousands

    doubt = misread_thousands(value, fm, line - 1, key)
    if doubt is None:
        return False
    typed, read, other = doubt
    _problem(note, line, "error", "figure-ambiguous", f"{what}: {typed} could be {read} or {other}",
             f"write {other} if the dot separates thousands, or {read} if it does not")
    return True


_PLAN_TYPES = (str, int, float, type(None))


def _read_plans(note: Note, fm: str) -> None:
    """coaching_plan (text by topic), behaviour_plan (KPI -> target), confidence (KPI -> 1-5)."""
    meta = note.meta
    plan = meta.get("coaching_plan")
    if plan is not None:
        if isinstance(plan, str):
            note.coaching_plan = {"skill": plan}
        elif isinstance(plan, dict) and all([isinstance(v, _PLAN_TYPES) for v in plan.values()]):
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
            split, pieces = _comma_splits(targets)
            for name, value in targets.items():
                kind = type(value)  # a plain figure passes _number as itself (see _read_metrics)
                if (kind is int or kind is float) and -MAX_FIGURE <= value <= MAX_FIGURE and not split:
                    if kind is float and _doubtful(note, fm, _line(targets, name, _line(meta, "behaviour_plan")),
                                                   name, value, f"behaviour_plan target for {name!r}"):
                        continue
                    note.behaviour_plan[str(name)] = value
                elif pieces and name in pieces:
                    continue
                elif value is None:
                    _not_a_number(note, _line(targets, name, _line(meta, "behaviour_plan")), "plan-invalid",
                                  f"behaviour_plan target for {name!r}", value, _TARGET_HINT)
                else:
                    number = _figure(note, fm, targets, name, _line(meta, "behaviour_plan"), split,
                                     f"behaviour_plan target for {name!r}", _TARGET_HINT, code="plan-invalid")
                    if number is not None:
                        note.behaviour_plan[str(name)] = number
    sure = meta.get("confidence")
    if sure is not None:
        if not isinstance(sure, dict):
            _problem(note, _line(meta, "confidence"), "error", "confidence-invalid",
                     "confidence must map KPI names to 1-5", "e.g. 'revenue: 4'")
        else:
            split, pieces = _comma_splits(sure)
            for name, value in sure.items():
                if pieces and name in pieces:
                    continue
                line = _line(sure, name, _line(meta, "confidence"))
                if name in split:  # {revenue: 3,5}: YAML read 3 and a key 5
                    from onenotes.reading.figures import typed_at

                    typed = typed_at(fm, line - 1, name)
                    value = typed if typed is not None else value
                if name in split or isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                    _problem(note, line, "error",
                             "confidence-invalid", f"confidence for {name!r} must be 1 to 5, not {value!r}",
                             "write a whole number from 1 (unsure) to 5 (sure)")
                else:
                    note.confidence[str(name)] = value


_TARGET_HINT = "write a plain number of activities a week, e.g. 'sales_calls: 40'"


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


_COMMITMENT_KEY_SET = frozenset(COMMITMENT_KEYS)


def _unique_id(seen: dict[str, int], cid: str) -> str:
    """The same text twice in one note is still two commitments: -2, -3, ..."""
    seen[cid] = n = seen.get(cid, 0) + 1
    return cid if n == 1 else f"{cid}-{n}"


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
    lines = getattr(items, "lines", None)  # the loaders give a LineList a line for each item
    rep, mentions = note.rep, note.mentions
    date_type = dt.date
    for index, item in enumerate(items):
        if type(item) is LineDict:  # what the loaders give: a mapping, no text to wrap
            iline = getattr(item, "line", line) or line
        else:
            if isinstance(item, str):
                item = LineDict(text=item)
                item.line = lines[index] if lines else line + 1 + index
            if not isinstance(item, dict):
                _problem(note, line, "error", "commitment-invalid",
                         f"commitment {index + 1} is not a mapping: {item!r}",
                         "write it as '- text: ...' with id, owner, due and status")
                continue
            iline = getattr(item, "line", line) or line
        get = item.get
        text = get("text")
        # str(x).strip() of a str is x.strip(): written so for the usual text and id.
        text = text.strip() if type(text) is str else "" if text is None else str(text).strip()
        if not text:
            _problem(note, iline, "error", "commitment-text", "commitment without text",
                     "add 'text: what was promised'")
        cid = get("id")
        cid = cid.strip() if type(cid) is str else "" if cid is None else str(cid).strip()
        if not cid:
            cid = _unique_id(seen, derived_id(rep, stem, text))
        # A status or owner that is already one of the known words (the usual case)
        # reads as itself: they are lower case without blanks.
        status = get("status", "open")
        if type(status) is not str or status not in STATUSES:
            status = "open" if status is None else str(status).strip().lower()
            if status not in STATUSES:
                _problem(note, _line(item, "status", iline), "error", "commitment-status",
                         f"unknown status {get('status')!r}; listed as open",
                         "use open, done or dropped")
                status = "open"
        owner = get("owner", "rep")
        if type(owner) is not str or owner not in OWNERS:
            owner = "rep" if owner is None else str(owner).strip().lower()
            if owner not in OWNERS:
                _problem(note, _line(item, "owner", iline), "error", "commitment-owner",
                         f"unknown owner {get('owner')!r}", "use rep or manager")
        # An absent date or a YAML date needs no reading.
        due, due_raw = get("due"), None
        if due is not None and type(due) is not date_type:
            due, due_raw = _date_field(note, due, _line(item, "due", iline), "due date", options)
        since = get("since")
        if since is not None and type(since) is not date_type:
            since, _ = _date_field(note, since, _line(item, "since", iline), "since", options)
        done_on = get("done_on")
        if done_on is not None and type(done_on) is not date_type:
            done_on, _ = _date_field(note, done_on, _line(item, "done_on", iline), "done_on", options)
        reason = get("reason")
        if reason is not None:
            reason = str(reason).strip() or None
        private = get("private")
        if private is not None:
            private = _flag(note, private, _line(item, "private", iline))
        parent = get("parent")
        if parent is not None:
            parent = str(parent).strip() or None
        if not _COMMITMENT_KEY_SET.issuperset(item):
            for key in item:
                if key not in _COMMITMENT_KEY_SET:
                    _problem(note, _line(item, key, iline), "warning", "commitment-key",
                             f"unknown commitment key {key!r}", "known keys: " + ", ".join(COMMITMENT_KEYS))
        mentions.append(Mention(cid, text, owner, status, due, due_raw, since, iline, "frontmatter",
                                done_on, reason, bool(private), parent))


_TRUE, _FALSE = ("true", "yes"), ("false", "no")


def _flag(note: Note, value, line: int) -> bool:
    """A commitment's ``private:``: true or false (yes/no too).  Anything else is an
    error, and reads as private: a mark meant to hide must never show by mistake."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    _problem(note, line, "error", "commitment-private", f"private must be true or false, not {value!r}; "
             "read as private", "write 'private: true'")
    return True


def _read_body_tasks(note: Note, body: str, stem: str, options: ReadOptions,
                     seen: dict[str, int], private_lines_of=None) -> None:
    """The task items of the body as mentions (fields read by :mod:`onenotes.reading.taskfields`).

    A task without an explicit id gets one derived from its words alone (no field
    counts), so that Obsidian Tasks or Dataview adding or changing a field keeps
    the commitment the same one.  Placeholder dates (an unrendered template,
    "Invalid date") read as no date, with one warning for the note."""
    rep, first, mentions = note.rep, note.body_line - 1, note.mentions
    placeholders, placeholder_line = 0, 0
    tasks = scan_tasks(body)
    secret = (private_lines_of or _private_lines)(body) if tasks else _NOTHING_PRIVATE
    ids_at: dict[int, str] = {}  # body line -> the id of the task there, for its sub-tasks
    for number, marker, text, parent_line in tasks:
        parent = None if parent_line is None else ids_at.get(parent_line)
        line = first + number
        # A task in a private part is private, and the manager's unless it names its owner.
        private = secret is None or (number - 1) in secret
        status = MARKERS.get(marker)
        if status is None:
            _problem(note, line, "warning", "task-marker",
                     f"unknown task marker [{marker}]; listed as open",
                     "use [ ] open, [x] done or [-] dropped")
            status = "open"
        if text.isascii() and ":" not in text and "@" not in text and "^" not in text:
            # taskfields.has_no_field, written out: every field needs a ':', '@' or
            # '^', or an emoji, and most tasks have none, so the task is the rep's,
            # with no due or done date, no reason and a derived id (the general path
            # below, with every field None).  (_unique_id written out: a call costs
            # as much as its work.)
            text = _squash(text)
            cid = _id_of(rep, stem, text.casefold())
            seen[cid] = n = seen.get(cid, 0) + 1
            ids_at[number] = cid = cid if n == 1 else f"{cid}-{n}"
            mentions.append(Mention(cid, text, "manager" if private else "rep",
                                    status, None, None, None, line, "body", None, None, private, parent))
            continue
        raw, fields = text, read_task_fields(text)
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
        if fields.placeholders:
            placeholders += len(fields.placeholders)
            placeholder_line = placeholder_line or line
        ids_at[number] = cid
        mentions.append(Mention(cid, text, owner, status, due, due_raw, None, line, "body", done_on,
                                fields.reason, private, parent, former))
    if placeholders:
        from onenotes.text import plural

        _problem(note, placeholder_line, "warning", "task-placeholder",
                 f"{plural(placeholders, 'task field')} hold{'s' if placeholders == 1 else ''}"
                 " a template placeholder (<% ... %>) or 'Invalid date', the first on this line;"
                 " read as no date",
                 "run the note's template (Templater), or write the dates as YYYY-MM-DD")
