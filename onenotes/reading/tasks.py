"""Find the task-list items of a note body: :func:`scan_tasks`.

What counts as a task (CommonMark + GFM task lists, Obsidian comments) and the
scanner that reads any body line by line are in :mod:`onenotes.reading.taskblocks`.
:func:`scan_tasks` returns exactly what that scanner would, with shortcuts
that skip the lines that cannot matter and read plain task lists at once
(about eight times faster on a realistic note: benchmarks/tasks_speed.py).  The
plain scanner, without the shortcuts, is in tests/support/tasks_reference.py:
the reference they are tested against.
"""

from __future__ import annotations

import re

from onenotes.reading.taskblocks import _COMMENT, MAX_NESTING, RawTask, _keep, scan_general

# Status marker -> status.  Other single characters are "unknown markers":
# kept as open tasks with a warning, so that nothing a person wrote is lost.
MARKERS = {" ": "open", "x": "done", "X": "done", "-": "dropped"}

# A quick test that a body might hold a task at all: most bodies are skipped.
MAYBE_TASK = re.compile(r"\[[^\[\]]\](?:[ \t]|$)", re.M)

# How the shortcuts stay exact
# ----------------------------
#
# scan_tasks() returns exactly what the reference scanner returns (the tests
# compare them on many thousands of bodies) but reads only the few lines that
# can matter.  Three facts make that exact:
#
# * A column-0 ATX heading ("## Homework") closes every open container and
#   leaf block, so after it the scanner is back in its initial state; the only
#   exception is a top-level fenced code block or HTML block, which swallows
#   the heading.  Such a block opens only on a line holding ```, ~~~ or "<".
#   So from a line where the state is initial, the scanner may jump to just
#   after the last heading before both the next line that may hold a task
#   (MAYBE_TASK) and the next ```, ~~~ or "<": nothing in between can make or
#   touch a task (_Body.resume).
# * A task is only made on a line where MAYBE_TASK matches, and an earlier
#   task is only changed (continued, or dropped under a setext underline)
#   while ``task_open``.  So once past the last such line with no task open,
#   nothing can change the result and the scan stops.
# * Between such a point and the next column-0 heading, most notes hold just
#   a task list, maybe nested, maybe under a comment: _simple_tasks reads it
#   with one regex per line.  Anything else goes to taskblocks.scan_general,
#   the reference scanner (tests/support/tasks_reference.py) with cheaper tests
#   for ordinary lines, which hands back at the next column-0 heading.
#
# Every search only moves forward and remembers what it found, so a body is
# read a bounded number of times whatever it holds (no quadratic time on a
# hostile note).  A body's tasks usually sit in one short list under the last
# heading, so a typical scan reads a handful of its lines.

# A column-0 ATX heading, matched at a line's start in the whole body.
_HEADING_AT = re.compile(r"#{1,6}(?:[ \t\n]|\Z)")
# What may open a top-level HTML or fenced code block.
_OPENERS = ("<", "```", "~~~")


class _Body:
    """Forward-only searches over one body, each remembering its last answer.

    Every query position is at or after the previous one, so each search
    picks up where the last left off and the whole body is searched once.
    """

    __slots__ = ("text", "size", "_cand", "_opener_at", "_opener_to", "_head", "_line_pos", "_line_no",
                 "lines", "last_line")

    def __init__(self, text: str):
        self.text = text
        self.size = len(text)
        self._cand = -1  # the start of the first MAYBE_TASK match at or after the last query
        self._opener_at = [-1, -1, -1]  # for each of _OPENERS: see opener()
        self._opener_to: list[int] | None = None  # (set by the first opener())
        self._head = -1  # the same for column-0 ATX headings
        self._line_pos = 0  # a line's start and its number, to count on from
        self._line_no = 1
        self.lines: list[str] | None = None  # text.split("\n"), when the general scanner needs it
        self.last_line = -1  # the start of the last line that may hold a task (see last_task_line)

    def cand(self, pos: int) -> int:
        """The start of the first MAYBE_TASK match at or after ``pos`` (size + 1: none)."""
        if self._cand < pos:
            m = MAYBE_TASK.search(self.text, pos)
            self._cand = m.start() if m else self.size + 1
        return self._cand

    def opener(self, pos: int, limit: int) -> int:
        """The first ``<``, ```` ``` ```` or ``~~~`` at or after ``pos`` and before
        ``limit``, or ``limit``.

        (No opener can run over ``limit``, the start of a task or of another
        opener: they share no character.)
        """
        first = limit
        if self._opener_to is None:
            # A mark the body lacks is never looked for (most bodies have no
            # "<", "`" or "~").
            text, none = self.text, self.size + 1
            self._opener_to = [0 if "<" in text else none, 0 if "`" in text else none,
                               0 if "~" in text else none]  # (the marks of _OPENERS)
        for k, token in enumerate(_OPENERS):
            at = self._opener_at[k]  # the first found at or after the last query, or -1
            if at < pos:
                start = max(pos, self._opener_to[k])  # none before that
                if start >= first:
                    continue
                text = self.text
                mark = token[0]  # (a character found, then the token checked)
                at = text.find(mark, start, first)
                while at >= 0 and (not text.startswith(token, at) or _closed_comment(text, at)):
                    at = text.find(mark, at + 1, first)
                self._opener_at[k] = at
                self._opener_to[k] = first if at < 0 else at
                if at < 0:
                    continue
            if at < first:
                first = at
        return first

    def heading(self, pos: int) -> int:
        """The start of the first column-0 ATX heading line at or after ``pos`` (size + 1: none)."""
        if self._head < pos:
            text = self.text
            if pos == 0 and _HEADING_AT.match(text):
                self._head = 0
                return 0
            at = text.find("\n#", pos - 1 if pos else 0)
            while at >= 0 and not _HEADING_AT.match(text, at + 1):
                at = text.find("\n#", at + 1)
            self._head = self.size + 1 if at < 0 else at + 1
        return self._head

    def line_no(self, pos: int) -> int:
        """The number of the line starting at ``pos``."""
        if pos < self._line_pos:
            self._line_pos, self._line_no = 0, 1
        self._line_no += self.text.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line_no

    def resume(self, pos: int) -> int:
        """Where to go on from ``pos`` (a line's start where the scanner is in its
        initial state, or a column-0 ATX heading line that takes it there).

        The start of the line after the last column-0 ATX heading that comes
        before both the next line that may hold a task and the next opener,
        or ``pos`` itself; the body's size + 1 when no task can follow.
        """
        limit = self.cand(pos)
        if limit > self.size:
            return limit
        limit = self.opener(pos, limit)
        text = self.text
        # Nor past an Obsidian comment's "%%" (it hides what follows), which may
        # be on a heading line: stop before its line.  (No need to remember
        # how far this looked, as opener() does: the scan reads on to a heading
        # at or after ``limit`` before it calls again.)
        if "%" in text and (at := text.find("%", pos, limit)) >= 0:
            m = _COMMENT.search(text, at, limit)
            if m is not None:
                limit = max(pos, text.rfind("\n", pos, m.start()) + 1)
        # The last heading at or after pos that starts before ``limit``.  (Any
        # line between two calls' positions is looked at by one call only: the
        # lines from a heading found here to the limit hold no heading, so the
        # scan goes on past the limit before it calls again.)
        start = pos - 1 if pos else 0
        at = text.rfind("\n#", start, limit)
        while at >= 0:
            if _HEADING_AT.match(text, at + 1):
                return self._after_line(at + 1)
            at = text.rfind("\n#", start, at)
        if pos == 0 and limit > 0 and _HEADING_AT.match(text):
            return self._after_line(0)
        return pos

    def last_task_line(self, pos: int) -> int:
        """The start of the last line that may hold a task (-1: none at or after ``pos``),
        found once; :attr:`lines` is the body's lines from then on."""
        if self.last_line < 0:
            first = self.cand(pos)
            if first > self.size:
                return -1
            last = None
            for last in MAYBE_TASK.finditer(self.text, first):
                pass
            self.last_line = self.text.rfind("\n", 0, last.start()) + 1
            self.lines = self.text.split("\n")
        return self.last_line

    def _after_line(self, at: int) -> int:
        end = self.text.find("\n", at)
        return self.size + 1 if end < 0 else end + 1


def _closed_comment(text: str, at: int) -> bool:
    """An HTML comment opens at ``at`` and closes on the same line: it opens nothing that
    could reach a later line (at a line's start it is an HTML block that ends on that line,
    elsewhere it is inline), so it is no opener (an agenda's manager-only markers)."""
    if not text.startswith("<!--", at):
        return False
    end = text.find("\n", at)
    return text.find("-->", at + 2, len(text) if end < 0 else end) >= 0


def scan_tasks(body: str) -> list[RawTask]:
    """Every task item in ``body`` (lines separated by ``\\n``), in order."""
    return _scan(body)[0]


# Simple regions
# --------------
#
# A region (read by _simple_tasks) holds the lines from a point where the
# scanner is in its initial state to just before a column-0 ATX heading or the
# body's end, with no tab nor ``%%``.  It is simple when each line is blank
# (spaces only), a list item line of _SIMPLE_ITEM, a line of _SIMPLE_TEXT right
# under an item's paragraph, or part of an HTML comment that starts at column 0 and
# ends in the region.  The scanner's state there is only the content columns
# of the open items (``cols``) and whether a paragraph is open:
#
# * an item line indented ``k`` stays in the items whose content starts at
#   or before column ``k`` and closes the others (a list marker is never a
#   lazy continuation); it must be at most 3 columns right of the last item
#   it stays in (4 would make it code or a continuation), and an ordered
#   item not numbered 1 must not come straight under an open paragraph
#   (it could not interrupt it).  It opens an item whose content starts at
#   ``m.end(4)`` and holds a paragraph, a task when it starts with a marker
#   (whose parent is the nearest task among the items it stays in: ``owners``
#   holds, for each open item, the nearest task item holding its content);
# * a text line goes on with the open paragraph, whatever its indent (as a
#   lazy continuation, paragraph text or, 4 columns in, not code);
# * with no paragraph open, a text line at column 0 closes every item and
#   opens a paragraph (an agenda's guidance between comments);
# * a blank line closes the paragraph and no item;
# * a comment closes every block, and after the line holding its ``-->``
#   the scanner is back in its initial state (a comment still open at the
#   region's end is not simple: it would hide the heading after).

# A list item line of a simple region (no tab): spaces (1), a marker (2; 3
# the number of an ordered one), one to four spaces (4) and text that opens
# nothing in the item but a paragraph: a task (5 and 6, the groups of
# _TASK_START) or some other text (``**bold**`` too: "**" and then a
# character that is neither a space nor "*" opens neither an item nor a break).
_SIMPLE_ITEM = re.compile(
    r"( *)([-*+]|([0-9]{1,9})[.)])( {1,4})"
    r"(?:\[([^\[\]])\](?:[ \t]+(.*))?\Z|[^\s<>#*_`~+\-0-9]|\*\*[^\s*])")
# A line that goes on with the open paragraph of a simple region: text that
# starts no block (nor a setext underline), at any indent; "**bold" too.
_SIMPLE_TEXT = re.compile(r" *(?:[^\s<>#*_`~+\-0-9=]|\*\*[^\s*])")


def _simple_tasks(region: str, number: int, tasks: list[RawTask]) -> bool:
    """Add the tasks of a simple region (see above) to ``tasks``, or return False (and add none)."""
    if "%" in region and _COMMENT.search(region):
        return False
    found: list[list] = []  # [line, marker, text, parent]
    cols: list[int] = []
    owners: list[int | None] = []
    para = False  # a paragraph is open ...
    task = False  # ... and it is the last task's
    comment = False
    for line in region.split("\n"):
        if comment:
            if "-->" in line:
                comment = False
        elif not line:  # what the last branch below does with it, without the regexes
            para = task = False
        elif (m := _SIMPLE_ITEM.match(line)) is not None:
            k = m.end(1)
            depth = 0
            for col in cols:
                if col > k:
                    break
                depth += 1
            if k - (cols[depth - 1] if depth else 0) > 3 or depth >= MAX_NESTING:
                return False
            if para and depth == len(cols) and m.group(3) is not None and int(m.group(3)) != 1:
                return False
            del cols[depth:]
            del owners[depth:]
            cols.append(m.end(4))
            parent = owners[-1] if depth else None
            para = True
            marker = m.group(5)
            task = marker is not None
            if task:
                found.append([number, marker, (m.group(6) or "").strip(), parent])
                parent = number
            owners.append(parent)
        elif para and _SIMPLE_TEXT.match(line):
            if task:
                last = found[-1]
                last[2] = (last[2] + " " + line.strip()).strip()
        elif line.startswith("<!--"):
            comment = "-->" not in line[2:]  # ("<!-->" and "<!--->" are closed)
            cols.clear()
            owners.clear()
            para = task = False
        elif not para and line[0] != " " and _SIMPLE_TEXT.match(line):
            # Text at column 0 with no paragraph open: it is too far left for any open
            # item, so it closes them all and opens a paragraph of its own.
            cols.clear()
            owners.clear()
            para, task = True, False
        elif line.strip(" "):
            return False
        else:
            para = task = False
        number += 1
    if comment:
        return False
    kept = [RawTask(*item) for item in found if item[2]]
    tasks.extend(kept if len(kept) == len(found) else _keep([RawTask(*item) for item in found]))
    return True


def _scan(body: str) -> tuple[list[RawTask], int, int]:
    """(the tasks, lines read as simple regions, lines read by the general scanner)."""
    b = _Body(body)
    size = b.size
    p = b.resume(0)  # the start of the next line to read; the scanner is in its initial state
    tasks: list[RawTask] = []
    simple = general = 0
    while p <= size:
        h = b.heading(p)
        if h > p:
            region = body[p:h - 1] if h <= size else body[p:]
            if "\t" not in region and _simple_tasks(region, b.line_no(p), tasks):
                simple += region.count("\n") + 1
                if h > size:
                    break
                # The heading at h closes everything (the region opened no
                # block that could swallow it), so resume may start there.
                p = b.resume(h)
                continue
        p, lines = scan_general(b, p, tasks)
        general += lines
        if p <= size:
            p = b.resume(p)
    return tasks, simple, general
