"""Find Markdown task-list items in a note body with a line scanner.

What counts as a task agrees with CommonMark + GFM task lists (the test suite
checks it against markdown-it-py with mdit-py-plugins' ``tasklists`` on
realistic note bodies): a list item (``-``, ``*``, ``+``, ``1.``, ``1)``) at any
depth, also inside block quotes, whose first paragraph starts with ``[ ]``,
``[x]``/``[X]`` (done) or ``[-]`` (dropped) and a space.  Lines in fenced code,
indented code, HTML comments and HTML blocks are not tasks.

It is a small block-structure scanner, not a Markdown parser: it tracks just
the containers (block quotes, list items) and the leaf blocks that can hide a
task (fences, indented code, HTML blocks, paragraphs).  That keeps it about a
hundred times faster than a full parser, which matters at 100,000 notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class RawTask:
    """A task item as written: 1-based line in the body, marker, text."""

    line: int
    marker: str
    text: str


def _expand(line: str) -> str:
    return line.expandtabs(4) if "\t" in line else line


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
    tasks[-1] = RawTask(last.line, last.marker, (last.text + " " + text.strip()).strip())


def scan_tasks(body: str) -> list[RawTask]:
    """Every task item in ``body`` (lines separated by ``\\n``), in order."""
    if not MAYBE_TASK.search(body):
        return []
    tasks: list[RawTask] = []
    # containers: ("q", 0) for a block quote, ("i", n) for a list item whose
    # content starts n columns into what its parent leaves.
    stack: list[tuple[str, int]] = []
    leaf = None  # None | "p" | "code" | ("fence", char, length, indent) | ("html", kind)
    task_open = False  # the current paragraph is a task's first paragraph
    fresh = False  # the innermost list item has no block yet
    empty_item = False  # ... and its marker line was blank

    for number, raw in enumerate(body.split("\n"), start=1):
        line = _expand(raw)
        rest = line
        matched = 0
        for depth, (kind, width) in enumerate(stack):
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
                        break  # an item that began blank ends at a second blank line
                    rest = ""
                elif _indent(rest) >= width:
                    rest = rest[width:]
                else:
                    break
            matched += 1

        if matched < len(stack):
            # (markdown-it: a block quote inside a list item ends at a line
            # indented less than that item, so no lazy continuation there.)
            quote_cut = stack[matched][0] == "i" and any(k == "q" for k, _ in stack[matched + 1:])
            if leaf == "p" and not _blank(rest) and not quote_cut and \
                    not _starts_block(rest):
                if task_open:
                    _extend(tasks, rest)
                continue  # lazy continuation line
            del stack[matched:]
            leaf = None
            task_open = False
            fresh = False

        # Inside a leaf that swallows lines?
        if isinstance(leaf, tuple) and leaf[0] == "fence":
            _, char, length, _ind = leaf
            stripped = rest.lstrip(" ")
            if _indent(rest) <= 3 and stripped.startswith(char * length) and \
                    not stripped.lstrip(char).strip():
                leaf = None
            continue
        if isinstance(leaf, tuple) and leaf[0] == "html":
            kind = leaf[1]
            if kind >= 6:
                if _blank(rest):
                    leaf = None
            elif _html_ends(kind, rest):
                leaf = None
            continue

        if leaf == "p" and _SETEXT.match(rest):
            # The paragraph above was a setext heading, so no task either.
            if task_open:
                tasks.pop()
            leaf = None
            task_open = False
            continue

        # Open new blocks on what is left of the line.
        while True:
            if _blank(rest):
                if leaf == "p":
                    leaf = None
                    task_open = False
                # A blank line ends nothing else here (code and items go on).
                break
            ind = _indent(rest)
            if ind >= 4:
                if leaf == "p":
                    if task_open:
                        _extend(tasks, rest)
                else:
                    leaf = "code"
                    fresh = False
                break
            stripped = rest[ind:]
            room = len(stack) < MAX_NESTING
            if room and stripped.startswith(">"):
                stack.append(("q", 0))
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
                break
            if _ATX.match(stripped):
                leaf = None
                task_open = False
                fresh = False
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
                    stack.append(("i", ind + offset))
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
                if kind <= 5 and _html_ends(kind, stripped[4 if kind == 2 else 1:]):
                    break
                leaf = ("html", kind)
                break
            # Paragraph text.
            if leaf == "p":
                if task_open:
                    _extend(tasks, stripped)
                break
            leaf = "p"
            task_open = False
            if fresh:
                fresh = False
                m = _TASK_START.match(stripped)
                if m:
                    tasks.append(RawTask(number, m.group(1), (m.group(2) or "").strip()))
                    task_open = True
            break
    # "- [ ]" with nothing after it is a task only if its paragraph goes on.
    return [t for t in tasks if t.text]
