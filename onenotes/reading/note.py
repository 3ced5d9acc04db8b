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
BOM note's YAML and let raw YAML errors through).  :func:`parse_note` reads the
note's figures and plans with :mod:`onenotes.reading.metrics` and its commitments
with :mod:`onenotes.reading.mentions`, into the classes of
:mod:`onenotes.reading.notemodel` (imported from here by whoever reads notes).
"""

from __future__ import annotations

import datetime as dt
import re

from onenotes.errors import NoteError, Problem
from onenotes.reading.mentions import read_body_tasks as _read_body_tasks
from onenotes.reading.mentions import read_frontmatter_commitments as _read_frontmatter_commitments
from onenotes.reading.mentions import read_review_items as _read_review_items
from onenotes.reading.mentions import says_private as _says_private
from onenotes.reading.metrics import read_metrics as _read_metrics
from onenotes.reading.metrics import read_plans as _read_plans
from onenotes.reading.notemodel import add_problem
from onenotes.reading.yaml.safe import GENERIC_HINT, LineDict, YamlProblem, load_yaml

# (The readers of a note's parts are named here as tests/reading/test_note_fast.py
# compares them with the reference reader's.)  What a note is (the model) and the id
# rule, for the modules that read notes through this one; _squash is the text rule
# ids are made from (the same test checks it).
from onenotes.reading.mentions import derived_id  # noqa: F401
from onenotes.reading.notemodel import (COMMITMENT_KEYS, OWNERS, STATUSES, Mention, Metric,  # noqa: F401
                                        Note, ReadOptions)
from onenotes.reading.taskfields import squash as _squash  # noqa: F401

MAX_NOTE_BYTES = 1024 * 1024

_CONFLICT = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.M)
_MD_HEADING = re.compile(r"^#{2,6} \S", re.M)
_YAML_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*:(?: |$)", re.M)
_MD_AFTER_BLANK = re.compile(r"\n\n(?:#{1,6} |[-*+] \[.\] |\d+[.)] \[.\] )")


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

    Frontmatter holds a few dots (a 27.5 or two) and many dashes: each dot, one
    character, is found and looked around.  (A "..." that starts before ``end``
    ends before it, as ``text[end]`` is no dot.)"""
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
    _refuse_merge_conflict(text, path)
    meta, yaml_text, body, body_line = _frontmatter(text, path, commitments_only)
    note = Note(path, rep, date, seq, meta, [], [], body_line)
    if not commitments_only:  # (none of this makes a mention or a listing problem)
        if body_line == 1 and text.startswith("\n") and text.lstrip("\n").startswith("---"):
            blank = len(text) - len(text.lstrip("\n"))
            add_problem(note, blank + 1, "warning", "frontmatter-not-first-line",
                        "this looks like frontmatter, but frontmatter must start on line 1; it is read as text",
                        "delete the blank lines above ---")
        _read_metrics(note, yaml_text)
        _read_plans(note, yaml_text)
    stem = path.rsplit("/", 1)[-1][:-3]
    seen: dict[str, int] = {}
    _read_frontmatter_commitments(note, stem, options, seen)
    private_lines_of, markup = None, []
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


def _refuse_merge_conflict(text: str, path: str) -> None:
    """:class:`NoteError` for a note that holds a sync tool's conflict markers."""
    # (Looking for one character first: most notes have neither, and the search for
    # seven is slower.)
    conflict = _CONFLICT.search(text) if ("<" in text and "<<<<<<<" in text) or \
        (">" in text and ">>>>>>>" in text) else None
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise NoteError(Problem(path, line, 1, "error", "merge-conflict",
                                "unresolved merge conflict",
                                "keep the right version and delete the <<<<<<< ======= >>>>>>> lines"))


def _frontmatter(text: str, path: str, commitments_only: bool) -> tuple[dict, str, str, int]:
    """(the frontmatter as a mapping, its text, the body, the body's first file line);
    :class:`NoteError` when the frontmatter cannot be read."""
    if not has_frontmatter(text):
        return LineDict(), "", text, 1
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
        raise NoteError(Problem(path, exc.line, exc.column, "error", "yaml", exc.message,
                                _yaml_hint(exc, yaml_text, body_line))) from None
    if loaded is None:
        loaded = LineDict()
    if not isinstance(loaded, dict):
        raise NoteError(Problem(
            path, 2, 1, "error", "frontmatter-not-mapping",
            "frontmatter must be 'key: value' lines, not a "
            + ("list" if isinstance(loaded, list) else type(loaded).__name__),
            "if line 1 is a horizontal rule and not frontmatter, write *** instead"))
    return loaded, yaml_text, body, body_line


def _yaml_hint(exc: YamlProblem, yaml_text: str, body_line: int) -> str | None:
    """What to do about frontmatter YAML could not read: maybe it is no frontmatter at
    all, or its closing ``---`` is missing."""
    hint = None if exc.hint == GENERIC_HINT else exc.hint
    if not _YAML_KEY_LINE.search(yaml_text):
        hint = hint or "if line 1 is a horizontal rule and not frontmatter, write *** instead"
    elif _MD_AFTER_BLANK.search(yaml_text):  # Markdown after a blank line: the body
        hint = (f"is the closing --- missing? the frontmatter now runs to line {body_line - 1}"
                + (f"; {hint}" if hint else ""))
    return hint or exc.hint
