"""Find Markdown task-list items in a note body with a line scanner.

What counts as a task agrees with CommonMark + GFM task lists (the test suite
checks it against markdown-it-py with mdit-py-plugins' ``tasklists`` on
realistic note bodies): a list item (``-``, ``*``, ``+``, ``1.``, ``1)``) at any
depth, also inside block quotes, whose first paragraph starts with ``[ ]``,
``[x]``/``[X]`` (done) or ``[-]`` (dropped) and a space.  Lines in fenced code,
indented code, HTML comments and HTML blocks are not tasks, nor is anything in
an Obsidian comment: ``%%`` outside code (code blocks, inline code spans on
the line) opens one that ends at the next ``%%``, on any later line, or at the
body's end.  A line that starts inside a comment is hidden (it opens and
closes no block); other lines are read as Markdown and the comments are taken
out of a task's text.  A task's parent is the nearest task item holding it.

It is a small block-structure scanner, not a Markdown parser: it tracks just
the containers (block quotes, list items) and the leaf blocks that can hide a
task (fences, indented code, HTML blocks, paragraphs).  That keeps it about a
hundred times faster than a full parser, which matters at 100,000 notes.

:func:`scan_tasks` is that scanner with shortcuts that skip the lines that
cannot matter and read plain task lists at once (about eight times faster on
a realistic note: benchmarks/tasks_speed.py).  The plain scanner, without the
shortcuts, is in tests/support/tasks_reference.py: the reference they are tested
against.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

# Status marker -> status.  Other single characters are "unknown markers":
# kept as open tasks with a warning, so that nothing a person wrote is lost.
MARKERS = {" ": "open", "x": "done", "X": "done", "-": "dropped"}

_TASK_START = re.compile(r"\[([^\[\]])\](?:[ \t]+(.*))?$")
_BULLET = re.compile(r"([-+*])( +|$)")
_ORDERED = re.compile(r"([0-9]{1,9})([.)])( +|$)")
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")
# Containers (block quotes, list items) open at most this deep; deeper markers
# are text (markdown-it has a similar maxNesting).  Without a bound, "* * * * ... x"
# on one line nests a list item per "* " and scanning it takes time quadratic in
# the line's length: 30,000 levels would take minutes.
MAX_NESTING = 32

_HTML_1 = re.compile(r"<(?:script|pre|style|textarea)(?:[ \t>]|$)", re.I)
_HTML_1_END = re.compile(r"</(?:script|pre|style|textarea)>", re.I)
_HTML_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
    "noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
_HTML_6 = re.compile(r"</?(?:" + _HTML_BLOCK_TAGS + r")(?:[ \t]|/?>|$)", re.I)
_ATTR = r"""(?:[ \t]+[A-Za-z_:][A-Za-z0-9_.:-]*(?:[ \t]*=[ \t]*(?:[^ \t"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_HTML_7 = re.compile(
    r"(?:<[A-Za-z][A-Za-z0-9-]*" + _ATTR + r"*[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*$"
)
_HTML_SIMPLE_ENDS = {2: "-->", 3: "?>", 4: ">", 5: "]]>"}

# A quick test that a body might hold a task at all: most bodies are skipped.
MAYBE_TASK = re.compile(r"\[[^\[\]]\](?:[ \t]|$)", re.M)


class RawTask(NamedTuple):
    """A task item as written: 1-based line in the body, marker, text, and the
    line of its parent: the nearest task item whose list item holds this one, at
    any depth (through plain items and block quotes), or None.

    (A named tuple: made twice as fast as a frozen dataclass, a few per note.)"""

    line: int
    marker: str
    text: str
    parent: int | None = None


_SPACES = re.compile(" *")


def _indent(text: str) -> int:
    return _SPACES.match(text).end()


def _blank(text: str) -> bool:
    """Empty or only whitespace (without copying a long line, as strip() would)."""
    return not text or text.isspace()


def _thematic(s: str) -> bool:
    """``***``, ``- - -``, ``___``: three or more of one mark, spaces and tabs only.

    (String methods, not a regex: ``(?:\\*[ \\t]*){3,}$`` backtracks through
    every mark of a long "* * * ... x" line.)
    """
    mark = s[:1]
    return mark in ("*", "-", "_") and not s.strip(mark + " \t") and s.count(mark) >= 3


def _html_start(text: str, in_paragraph: bool) -> int:
    """The CommonMark HTML block type that ``text`` opens (0 for none)."""
    if not text.startswith("<"):
        return 0
    if _HTML_1.match(text):
        return 1
    if text.startswith("<!--"):
        return 2
    if text.startswith("<?"):
        return 3
    if text.startswith("<![CDATA["):
        return 5
    if len(text) > 2 and text[1] == "!" and text[2].isascii() and text[2].isalpha():
        return 4
    if _HTML_6.match(text):
        return 6
    if not in_paragraph and _HTML_7.match(text):
        return 7
    return 0


def _html_ends(kind: int, text: str) -> bool:
    if kind == 1:
        return bool(_HTML_1_END.search(text))
    return _HTML_SIMPLE_ENDS[kind] in text


def _list_marker(text: str):
    """(marker width incl. spaces -> content offset, rest blank?, ordered start) or None."""
    m = _BULLET.match(text)
    ordered_start = None
    if not m:
        m = _ORDERED.match(text)
        if not m:
            return None
        ordered_start = int(m.group(1))
    width = m.end(1) if ordered_start is None else m.end(2)
    spaces = len(m.group(m.lastindex))
    rest = text[m.end():]
    blank = _blank(rest)
    if blank:
        offset = width + 1
    elif spaces > 4:  # content starts with indented code
        offset = width + 1
    else:
        offset = width + spaces
    return offset, blank, ordered_start


def _starts_block(text: str) -> bool:
    """Does ``text`` (a non-blank line that left some container) open a block?

    If not, it is a lazy continuation of the open paragraph.  Any list marker
    starts a block here (the paragraph is not the container it would
    interrupt); indented code never does.
    """
    if _indent(text) >= 4:
        return False
    s = text.lstrip(" ")
    if s.startswith(">") or _ATX.match(s) or _thematic(s):
        return True
    fm = _FENCE.match(s)
    if fm and not (fm.group(1)[0] == "`" and "`" in fm.group(2)):
        return True
    if _list_marker(s):
        return True
    return 1 <= _html_start(s, True) <= 6


_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")


def _extend(tasks: list[RawTask], text: str) -> None:
    """A continuation line of the last task's paragraph joins its text."""
    last = tasks[-1]
    tasks[-1] = RawTask(last.line, last.marker, (last.text + " " + text.strip()).strip(), last.parent)


# Obsidian comments: "%%" outside code opens one, the next "%%" closes it.
# (_COMMENT.search comes after a quick '"%" in text', "%" alone being common:
# str.find looks for "%%" about four times slower than the regex does.)
_COMMENT = re.compile("%%")
_TICKS_OR_COMMENT = re.compile(r"`+|%%")
_TICKS = re.compile(r"`+")


def _uncomment(text: str) -> tuple[str, bool]:
    """``text`` (a line, or its end, outside a comment and outside code blocks)
    without its Obsidian comments, and whether a comment is still open after it.

    A ``%%`` inside an inline code span (a run of backticks up to the next run
    of as many on the line) is text; the comment it opens ends at the next
    ``%%`` whatever comes between.  A comment between two spaces leaves one.
    """
    kept = []
    start = at = 0  # the visible text not copied yet starts at ``start``
    blank = False  # the text kept so far ends with a space or tab
    runs: dict[int, list[int]] | None = None  # backtick runs: length -> their starts
    while (m := _TICKS_OR_COMMENT.search(text, at)) is not None:
        if m.group() == "%%":
            if m.start() > start:
                kept.append(text[start:m.start()])
                blank = text[m.start() - 1] in " \t"
            close = text.find("%%", m.end())
            if close < 0:
                return "".join(kept), True
            start = at = close + 2
            if blank:  # "a %% x %% b": "a b", one space
                while start < len(text) and text[start] in " \t":
                    start += 1
                at = start
            continue
        at = m.end()
        if runs is None:  # (found once: looking for each closing run afresh can be quadratic)
            runs = {}
            for run in _TICKS.finditer(text):
                runs.setdefault(run.end() - run.start(), []).append(run.start())
        count = at - m.start()
        starts = runs[count]
        k = bisect_right(starts, m.start())
        if k < len(starts):
            at = starts[k] + count  # past the code span
    kept.append(text[start:])
    return "".join(kept), False


def _keep(tasks: list[RawTask], dropped: dict[int, int | None] | None = None) -> list[RawTask]:
    """The tasks that are tasks: those with text.

    A task whose parent is no task (its text was empty, or ``dropped`` holds
    it: line -> its own parent) takes the nearest one above it instead.
    """
    gone = dropped
    for t in tasks:
        if not t.text:
            if gone is dropped:
                gone = dict(dropped or ())
            gone[t.line] = t.parent
    if not gone:
        return tasks
    kept = []
    for t in tasks:
        if t.text:
            parent = t.parent
            while parent in gone:
                parent = gone[parent]
            kept.append(t if parent == t.parent else t._replace(parent=parent))
    return kept


# --- The fast scanner ------------------------------------------------------
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
#   with one regex per line.  Anything else goes to _scan_general, a copy of
#   the reference scanner (tests/support/tasks_reference.py) with cheaper tests for
#   ordinary lines, which hands
#   back at the next column-0 heading.
#
# Every search only moves forward and remembers what it found, so a body is
# read a bounded number of times whatever it holds (no quadratic time on a
# hostile note).  A body's tasks usually sit in one short list under the last
# heading, so a typical scan reads a handful of its lines.

# A column-0 ATX heading, matched at a line's start in the whole body.
_HEADING_AT = re.compile(r"#{1,6}(?:[ \t\n]|\Z)")
# The first characters with which a line can open anything but a paragraph:
# ">" quote, "#" heading, "*-_" break, "`~" fence, "-+*" and digits list
# item, "<" HTML.
_SPECIAL = frozenset(">#*-_`~+<0123456789")
# What may open a top-level HTML or fenced code block.
_OPENERS = ("<", "```", "~~~")


def _starts_block_fast(text: str) -> bool:
    """:func:`_starts_block`, answering at once for lines no block can start with."""
    s = text.lstrip(" ")
    if not s or s[0] not in _SPECIAL:
        return False
    return _starts_block(text)


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
        self.last_line = -1  # the start of the last line that may hold a task, likewise

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
            # A mark the body lacks is never looked for ("x" in text is a few
            # times quicker than text.find("x", start, end), and most bodies
            # have no "<", "`" or "~").
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
                mark = token[0]  # (find a character, then check: much faster)
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
    """Add the tasks of a simple region to ``tasks``, or return False (and add none).

    ``region`` holds the lines from a point where the scanner is in its initial
    state to just before a column-0 ATX heading or the body's end, with no
    tab nor ``%%``.  It is simple when each line is blank (spaces only), a list item line
    of :data:`_SIMPLE_ITEM`, a line of :data:`_SIMPLE_TEXT` right under an
    item's paragraph, or part of an HTML comment that starts at column 0 and
    ends in the region.  The scanner's state there is only the content columns
    of the open items (``cols``) and whether a paragraph is open:

    * an item line indented ``k`` stays in the items whose content starts at
      or before column ``k`` and closes the others (a list marker is never a
      lazy continuation); it must be at most 3 columns right of the last item
      it stays in (4 would make it code or a continuation), and an ordered
      item not numbered 1 must not come straight under an open paragraph
      (it could not interrupt it).  It opens an item whose content starts at
      ``m.end(4)`` and holds a paragraph, a task when it starts with a marker
      (whose parent is the nearest task among the items it stays in: ``owners``
      holds, for each open item, the nearest task item holding its content);
    * a text line goes on with the open paragraph, whatever its indent (as a
      lazy continuation, paragraph text or, 4 columns in, not code);
    * with no paragraph open, a text line at column 0 closes every item and
      opens a paragraph (an agenda's guidance between comments);
    * a blank line closes the paragraph and no item;
    * a comment closes every block, and after the line holding its ``-->``
      the scanner is back in its initial state (a comment still open at the
      region's end is not simple: it would hide the heading after).
    """
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
        p, lines = _scan_general(b, p, tasks)
        general += lines
        if p <= size:
            p = b.resume(p)
    return tasks, simple, general


def _scan_general(b: _Body, p: int, found: list[RawTask]) -> tuple[int, int]:
    """Scan from ``p`` (a line's start, the scanner in its initial state) on.

    Adds the tasks to ``found`` and returns (where the scanner is next back in
    its initial state: just after a column-0 ATX heading, or the body's size
    + 1 when done; the number of lines read).
    """
    size = b.size
    if b.last_line < 0:
        first = b.cand(p)
        if first > size:
            return size + 1, 0
        last = None
        for last in MAYBE_TASK.finditer(b.text, first):
            pass
        b.last_line = b.text.rfind("\n", 0, last.start()) + 1
        b.lines = b.text.split("\n")
    last_line = b.last_line  # the start of the last line that may hold a task
    lines = b.lines
    i = first_i = b.line_no(p) - 1  # lines[i] starts at p
    end = len(lines)
    tasks: list[RawTask] = []
    stack: list[tuple[str, int, int | None]] = []  # as in the reference scanner
    dropped: dict[int, int | None] = {}
    leaf = None
    task_open = False
    fresh = False
    empty_item = False
    in_comment = False  # Obsidian comments: as in the reference scanner
    commented = None

    while i < end:
        if p > last_line and not task_open:
            break
        raw = lines[i]
        i += 1
        number = i
        p += len(raw) + 1
        if commented is not None:
            in_comment = _uncomment(commented)[1]
            commented = None
        if in_comment:
            close = raw.find("%%")
            if close < 0:
                continue
            visible, in_comment = _uncomment(raw[close + 2:])
            if task_open:
                _extend(tasks, visible)
            continue
        pct = "%" in raw and _COMMENT.search(raw) is not None
        if pct:
            commented = raw
        line = raw.expandtabs(4) if "\t" in raw else raw
        rest = line
        matched = 0
        for depth, (kind, width, _) in enumerate(stack):
            if kind == "q":
                ind = _indent(rest)
                if ind <= 3 and rest[ind:ind + 1] == ">":
                    rest = rest[ind + 1:]
                    if rest.startswith(" "):
                        rest = rest[1:]
                else:
                    break
            else:
                if _blank(rest):
                    if fresh and empty_item and depth == len(stack) - 1:
                        break
                    rest = ""
                elif _indent(rest) >= width:
                    rest = rest[width:]
                else:
                    break
            matched += 1

        if matched < len(stack):
            if leaf == "p" and not _blank(rest) and \
                    not _starts_block_fast(rest):
                if task_open:
                    _extend(tasks, _uncomment(rest)[0] if pct else rest)
                continue
            del stack[matched:]
            leaf = None
            task_open = False
            fresh = False

        if leaf is not None and leaf.__class__ is tuple:
            if leaf[0] == "fence":
                _, char, length, _ind = leaf
                stripped = rest.lstrip(" ")
                if _indent(rest) <= 3 and stripped.startswith(char * length) and \
                        not stripped.lstrip(char).strip():
                    leaf = None
                commented = None
                continue
            kind = leaf[1]
            if kind >= 6:
                if _blank(rest):
                    leaf = None
            elif _html_ends(kind, rest):
                leaf = None
            continue

        if leaf == "p" and _SETEXT.match(rest):
            if task_open:
                gone = tasks.pop()
                dropped[gone.line] = gone.parent
            leaf = None
            task_open = False
            continue

        while True:
            if _blank(rest):
                if leaf == "p":
                    leaf = None
                    task_open = False
                break
            ind = _indent(rest)
            if ind >= 4:
                if leaf == "p":
                    if task_open:
                        _extend(tasks, _uncomment(rest)[0] if pct else rest)
                else:
                    leaf = "code"
                    fresh = False
                    commented = None
                break
            stripped = rest[ind:]
            if stripped[0] in _SPECIAL:
                room = len(stack) < MAX_NESTING
                if room and stripped.startswith(">"):
                    stack.append(("q", 0, stack[-1][2] if stack else None))
                    rest = stripped[1:]
                    if rest.startswith(" "):
                        rest = rest[1:]
                    leaf = None
                    task_open = False
                    fresh = False
                    continue
                fm = _FENCE.match(stripped)
                if fm and not (fm.group(1)[0] == "`" and "`" in fm.group(2)):
                    leaf = ("fence", fm.group(1)[0], len(fm.group(1)), ind)
                    task_open = False
                    fresh = False
                    commented = None
                    break
                if _ATX.match(stripped):
                    leaf = None
                    task_open = False
                    fresh = False
                    if not stack and raw.startswith("#") and not pct:  # a column-0 heading: initial state
                        found.extend(_keep(tasks, dropped))
                        return p, i - first_i
                    break
                if _thematic(stripped):
                    leaf = None
                    task_open = False
                    fresh = False
                    break
                marker = _list_marker(stripped) if room else None
                if marker:
                    offset, blank, start = marker
                    can_interrupt = not blank and (start is None or start == 1)
                    if leaf != "p" or can_interrupt:
                        stack.append(("i", ind + offset, stack[-1][2] if stack else None))
                        rest = rest[ind + offset:] if not blank else ""
                        leaf = None
                        task_open = False
                        fresh = True
                        empty_item = blank
                        continue
                kind = _html_start(stripped, leaf == "p")
                if kind:
                    leaf = None
                    task_open = False
                    fresh = False
                    # (The end may overlap the start: "<!-->" and "<!--->"
                    # are whole comments.)
                    if kind <= 5 and _html_ends(kind, stripped):
                        break
                    leaf = ("html", kind)
                    break
            # Paragraph text.
            if leaf == "p":
                if task_open:
                    _extend(tasks, _uncomment(stripped)[0] if pct else stripped)
                break
            leaf = "p"
            task_open = False
            if fresh:
                fresh = False
                m = _TASK_START.match(stripped)
                if m:
                    text = m.group(2) or ""
                    if pct and text:
                        text = _uncomment(stripped)[0][m.start(2):]
                    width = stack[-1][1]  # (the item just opened: fresh)
                    tasks.append(RawTask(number, m.group(1), text.strip(),
                                         stack[-2][2] if len(stack) > 1 else None))
                    stack[-1] = ("i", width, number)
                    task_open = True
            break
    found.extend(_keep(tasks, dropped))
    return size + 1, i - first_i
