"""The plain task scanner: the reference :func:`onenotes.reading.tasks.scan_tasks` is tested against.

It is the block scanner onenotes first shipped, line by line with no
shortcut (CommonMark + GFM task lists, checked against markdown-it-py in
tests/reading/test_tasks_differential.py); ``scan_tasks`` must return exactly what it
returns, for every body (tests/reading/test_tasks_fast.py).
"""

from __future__ import annotations

from onenotes.reading.tasks import MAYBE_TASK  # noqa: F401
from onenotes.reading.taskblocks import (  # noqa: F401
    MAX_NESTING,
    RawTask,
    _ATX,
    _FENCE,
    _SETEXT,
    _TASK_START,
    _blank,
    _extend,
    _html_ends,
    _html_start,
    _keep,
    _indent,
    _list_marker,
    _starts_block,
    _thematic,
    _uncomment,
)


def _expand(line: str) -> str:
    return line.expandtabs(4) if "\t" in line else line


def scan_tasks_reference(body: str) -> list[RawTask]:
    """The reference scanner: every line through the container stack.

    :func:`onenotes.reading.tasks.scan_tasks` must return exactly what this returns for every body
    (tests/reading/test_tasks_fast.py checks it); it is kept simple on purpose.
    """
    if not MAYBE_TASK.search(body):
        return []
    tasks: list[RawTask] = []
    # containers: ("q", 0, t) for a block quote, ("i", n, t) for a list item
    # whose content starts n columns into what its parent leaves; t is the line
    # of the nearest task item holding the container's content, that item
    # itself included (None: none), what a task made in it has as parent.
    stack: list[tuple[str, int, int | None]] = []
    dropped: dict[int, int | None] = {}  # tasks taken back (setext headings): line -> parent
    leaf = None  # None | "p" | "code" | ("fence", char, length, indent) | ("html", kind)
    task_open = False  # the current paragraph is a task's first paragraph
    fresh = False  # the innermost list item has no block yet
    empty_item = False  # ... and its marker line was blank
    # Obsidian comments (%% ... %%): a line that starts in one is hidden (it
    # changes no block); other lines are read as Markdown, and the comments
    # outside code are taken out of a task's text.
    in_comment = False
    commented = None  # the last line, if it held "%%" outside code

    for number, raw in enumerate(body.split("\n"), start=1):
        if commented is not None:
            in_comment = _uncomment(commented)[1]
            commented = None
        if in_comment:
            close = raw.find("%%")
            if close < 0:
                continue
            visible, in_comment = _uncomment(raw[close + 2:])
            if task_open:
                _extend(tasks, visible)  # what follows the comment goes on with the task
            continue
        pct = "%%" in raw
        if pct:
            commented = raw  # (taken back below if the line is code)
        line = _expand(raw)
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
                        break  # an item that began blank ends at a second blank line
                    rest = ""
                elif _indent(rest) >= width:
                    rest = rest[width:]
                else:
                    break
            matched += 1

        if matched < len(stack):
            # (Whatever containers the paragraph is in: list items, block
            # quotes, a quote in an item.)
            if leaf == "p" and not _blank(rest) and \
                    not _starts_block(rest):
                if task_open:
                    _extend(tasks, _uncomment(rest)[0] if pct else rest)
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
            commented = None  # code
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
                gone = tasks.pop()
                dropped[gone.line] = gone.parent
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
                        _extend(tasks, _uncomment(rest)[0] if pct else rest)
                else:
                    leaf = "code"
                    fresh = False
                    commented = None
                break
            stripped = rest[ind:]
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
                commented = None  # the fence's first line is code too
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
                # (The end may overlap the start: "<!-->" and "<!--->" are
                # whole comments.)
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
                        # (the box holds no "%%" and keeps its place)
                        text = _uncomment(stripped)[0][m.start(2):]
                    width = stack[-1][1]  # (the item just opened: fresh)
                    tasks.append(RawTask(number, m.group(1), text.strip(),
                                         stack[-2][2] if len(stack) > 1 else None))
                    stack[-1] = ("i", width, number)
                    task_open = True
            break
    # "- [ ]" with nothing after it is a task only if its paragraph goes on.
    return _keep(tasks, dropped)
