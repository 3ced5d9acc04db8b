"""Markdown block structure, as far as it decides what is a task: the general task scanner.

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

This module holds the block rules and :func:`scan_general`, the scanner that
applies them line by line: the reference scanner of
tests/support/tasks_reference.py with cheaper tests for ordinary lines.
:mod:`onenotes.reading.tasks` finds a body's tasks with shortcuts, and hands
what they cannot read to :func:`scan_general`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

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
# (Lines are first asked for a "%", and only those that hold one searched.)
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


# --- The general scanner ---------------------------------------------------
#
# scan_general() reads lines from a point where the scanner is in its initial
# state (no container, no leaf block open) as the reference scanner does: each
# line first goes through the open containers (block quotes, list items), then
# continues the open leaf block or opens new blocks.  It hands back at the next
# column-0 ATX heading (which takes the scanner back to its initial state), or
# stops once no later line can make or change a task.

# The first characters with which a line can open anything but a paragraph:
# ">" quote, "#" heading, "*-_" break, "`~" fence, "-+*" and digits list
# item, "<" HTML.
_SPECIAL = frozenset(">#*-_`~+<0123456789")


def _starts_block_fast(text: str) -> bool:
    """:func:`_starts_block`, answering at once for lines no block can start with."""
    s = text.lstrip(" ")
    if not s or s[0] not in _SPECIAL:
        return False
    return _starts_block(text)


class _State:
    """Where the scanner is: the open containers and leaf block, and the tasks so far.

    ``stack`` holds the open containers, outermost first: ("q", 0, owner) for a
    block quote, ("i", content column, owner) for a list item, where ``owner`` is
    the line of the nearest task item holding it.  ``leaf`` is None, "p" (a
    paragraph), "code" (indented), ("fence", mark, length, indent) or ("html",
    kind).  ``task_open``: the open paragraph is the last task's; ``fresh``: a
    list item opened on this line and no block in it yet (``empty_item``: with
    nothing after its marker).
    """

    __slots__ = ("stack", "leaf", "task_open", "fresh", "empty_item", "tasks", "dropped")

    def __init__(self) -> None:
        self.stack: list[tuple[str, int, int | None]] = []
        self.leaf = None
        self.task_open = False
        self.fresh = False
        self.empty_item = False
        self.tasks: list[RawTask] = []
        self.dropped: dict[int, int | None] = {}  # tasks a setext underline undid: line -> parent


# What a line did, besides adding text: it is code (its "%%" are text), or a
# column-0 heading that takes the scanner back to its initial state.
_CODE = "code"
_HEADING = "heading"


def scan_general(b, p: int, found: list[RawTask]) -> tuple[int, int]:
    """Scan the body ``b`` (a :class:`onenotes.reading.tasks._Body`) from ``p``, a line's
    start where the scanner is in its initial state.

    Adds the tasks to ``found`` and returns (where the scanner is next back in
    its initial state: just after a column-0 ATX heading, or the body's size
    + 1 when done; the number of lines read).
    """
    size = b.size
    last_line = b.last_task_line(p)  # the start of the last line that may hold a task
    if last_line < 0:
        return size + 1, 0
    lines = b.lines
    i = first_i = b.line_no(p) - 1  # lines[i] starts at p
    end = len(lines)
    state = _State()
    in_comment = False  # Obsidian comments: as in the reference scanner
    commented = None  # a line whose "%%" may leave a comment open after it

    while i < end:
        if p > last_line and not state.task_open:
            break
        raw = lines[i]
        i += 1
        p += len(raw) + 1
        if commented is not None:
            in_comment = _uncomment(commented)[1]
            commented = None
        if in_comment:
            close = raw.find("%%")
            if close < 0:
                continue
            visible, in_comment = _uncomment(raw[close + 2:])
            if state.task_open:
                _extend(state.tasks, visible)
            continue
        pct = "%" in raw and _COMMENT.search(raw) is not None
        if pct:
            commented = raw
        done = _read_line(state, raw.expandtabs(4) if "\t" in raw else raw, raw, i, pct)
        if done is _CODE:
            commented = None
        elif done is _HEADING:
            found.extend(_keep(state.tasks, state.dropped))
            return p, i - first_i
    found.extend(_keep(state.tasks, state.dropped))
    return size + 1, i - first_i


def _read_line(state: _State, line: str, raw: str, number: int, pct: bool):
    """Read one line (tabs expanded; ``raw`` as written; ``pct``: it holds a "%%"):
    None, or :data:`_CODE` or :data:`_HEADING`."""
    stack = state.stack
    rest = line
    matched = 0
    for depth, (kind, width, _) in enumerate(stack):  # the open containers the line goes on with
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
                if state.fresh and state.empty_item and depth == len(stack) - 1:
                    break
                rest = ""
            elif _indent(rest) >= width:
                rest = rest[width:]
            else:
                break
        matched += 1
    if matched < len(stack):
        if state.leaf == "p" and not _blank(rest) and not _starts_block_fast(rest):
            if state.task_open:  # a lazy continuation line
                _extend(state.tasks, _uncomment(rest)[0] if pct else rest)
            return None
        del stack[matched:]
        state.leaf = None
        state.task_open = False
        state.fresh = False
    leaf = state.leaf
    if leaf is not None and leaf.__class__ is tuple:
        return _in_leaf(state, leaf, rest)
    if leaf == "p" and _SETEXT.match(rest):  # the paragraph was a heading's text: no task
        if state.task_open:
            gone = state.tasks.pop()
            state.dropped[gone.line] = gone.parent
        state.leaf = None
        state.task_open = False
        return None
    return _open_blocks(state, rest, raw, number, pct)


def _in_leaf(state: _State, leaf: tuple, rest: str):
    """A line inside an open fenced code block or HTML block: does it close it?"""
    if leaf[0] == "fence":
        _, char, length, _ind = leaf
        stripped = rest.lstrip(" ")
        if _indent(rest) <= 3 and stripped.startswith(char * length) and \
                not stripped.lstrip(char).strip():
            state.leaf = None
        return _CODE
    kind = leaf[1]
    if kind >= 6:
        if _blank(rest):
            state.leaf = None
    elif _html_ends(kind, rest):
        state.leaf = None
    return None


def _open_blocks(state: _State, rest: str, raw: str, number: int, pct: bool):
    """The blocks a line opens, container after container, then its text."""
    while True:
        if _blank(rest):
            if state.leaf == "p":
                state.leaf = None
                state.task_open = False
            return None
        ind = _indent(rest)
        if ind >= 4:
            if state.leaf != "p":
                state.leaf = "code"
                state.fresh = False
                return _CODE
            if state.task_open:
                _extend(state.tasks, _uncomment(rest)[0] if pct else rest)
            return None
        stripped = rest[ind:]
        if stripped[0] in _SPECIAL:
            opened = _open_block(state, rest, ind, stripped, raw, pct)
            if opened.__class__ is str:  # a container: the rest of the line is read in it
                rest = opened
                continue
            if opened is not None:
                return opened[0]
        # Paragraph text: it opens a paragraph (a task's when it starts a list item
        # with "[ ]"), or goes on with the open one.
        if state.leaf == "p":
            if state.task_open:
                _extend(state.tasks, _uncomment(stripped)[0] if pct else stripped)
            return None
        state.leaf = "p"
        state.task_open = False
        if state.fresh:
            state.fresh = False
            m = _TASK_START.match(stripped)
            if m:
                _add_task(state, m, stripped, number, pct)
        return None


def _open_block(state: _State, rest: str, ind: int, stripped: str, raw: str, pct: bool):
    """The block a line starting with one of :data:`_SPECIAL` opens: the rest of the
    line when it opens a container, (what the line did,) when it opens a leaf or
    closes blocks, None when it is paragraph text after all."""
    stack = state.stack
    room = len(stack) < MAX_NESTING
    if room and stripped.startswith(">"):
        stack.append(("q", 0, stack[-1][2] if stack else None))
        rest = stripped[1:]
        state.leaf = None
        state.task_open = False
        state.fresh = False
        return rest[1:] if rest.startswith(" ") else rest
    fm = _FENCE.match(stripped)
    if fm and not (fm.group(1)[0] == "`" and "`" in fm.group(2)):
        state.leaf = ("fence", fm.group(1)[0], len(fm.group(1)), ind)
        state.task_open = False
        state.fresh = False
        return (_CODE,)
    heading = _ATX.match(stripped)
    if heading or _thematic(stripped):
        state.leaf = None
        state.task_open = False
        state.fresh = False
        at_column_0 = heading and not stack and raw.startswith("#") and not pct
        return (_HEADING if at_column_0 else None,)
    marker = _list_marker(stripped) if room else None
    if marker:
        offset, blank, start = marker
        can_interrupt = not blank and (start is None or start == 1)
        if state.leaf != "p" or can_interrupt:
            stack.append(("i", ind + offset, stack[-1][2] if stack else None))
            state.leaf = None
            state.task_open = False
            state.fresh = True
            state.empty_item = blank
            return rest[ind + offset:] if not blank else ""
    kind = _html_start(stripped, state.leaf == "p")
    if kind:
        state.task_open = False
        state.fresh = False
        # (The end may overlap the start: "<!-->" and "<!--->" are whole comments.)
        state.leaf = None if kind <= 5 and _html_ends(kind, stripped) else ("html", kind)
        return (None,)
    return None


def _add_task(state: _State, m, stripped: str, number: int, pct: bool) -> None:
    """The task whose ``[ ]`` (matched as ``m``) opens the paragraph of the item just opened."""
    text = m.group(2) or ""
    if pct and text:
        text = _uncomment(stripped)[0][m.start(2):]
    stack = state.stack
    width = stack[-1][1]  # (the item just opened: fresh)
    state.tasks.append(RawTask(number, m.group(1), text.strip(), stack[-2][2] if len(stack) > 1 else None))
    stack[-1] = ("i", width, number)
    state.task_open = True
