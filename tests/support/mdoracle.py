"""The test oracle for task detection: markdown-it-py (CommonMark) + GFM task lists.

Structural rule: a task is a list item whose first child is a paragraph whose
text starts with ``[c]`` (one character in the brackets) and whitespace.  For
the GFM markers (space, ``x``, ``X``) mdit-py-plugins' tasklists plugin must
mark exactly the same list items.  A task's parent is the nearest task whose
list item holds it, read from the tokens' nesting (``list_item_open`` and
``list_item_close``; block quotes and plain items in between do not count).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

_PLAIN = MarkdownIt("commonmark")
_GFM = MarkdownIt("commonmark").use(tasklists_plugin)
_START = re.compile(r"\[([^\[\]])\]\s+")


def oracle_tasks(body: str) -> list[tuple[int, str, str, int | None]]:
    """(1-based line, marker, text with whitespace folded, parent's line or None)
    of every task item.

    Obsidian comments (docs/format.md): a ``%%`` outside code (markdown-it's
    fence and code_block tokens, inline code spans on the line) opens a comment
    that ends at the next ``%%``.  The lines that start inside a comment are
    taken out of the Markdown (and the body parsed again, since that can
    change what is code further on); a task's text is its paragraph's lines
    with their comments taken out, and the text after a comment's end on a
    hidden line goes on with the paragraph open at that point.
    """
    lines = body.split("\n")
    return _tasks(lines, hidden_lines(lines))


def hidden_lines(lines: list[str]) -> dict[int, str]:
    """The lines (0-based) that start inside an Obsidian comment -> their text after it."""
    body = "\n".join(lines)
    hidden: dict[int, str] = {}
    start = 0
    while "%%" in body:
        kept, tokens = _parse(lines, hidden)
        code = _code_lines(tokens, kept)
        opening = next((k for k in range(start, len(lines)) if k not in hidden and k not in code
                        and _strip_comments(lines[k])[1]), None)
        if opening is None:
            break
        k = opening + 1
        while k < len(lines):
            close = lines[k].find("%%")
            if close < 0:
                hidden[k] = ""
                k += 1
                continue
            hidden[k], still_open = _strip_comments(lines[k][close + 2:])
            k += 1
            if not still_open:
                break
        start = k
    return hidden


def markdown_source(body: str) -> str:
    """The body as markdown-it reads it here: without the lines hidden by comments."""
    lines = body.split("\n")
    hidden = hidden_lines(lines)
    return "\n".join(line for k, line in enumerate(lines) if k not in hidden)


def _strip_comments(line: str) -> tuple[str, bool]:
    """The line without its comments (it starts outside one), and whether one is
    still open at its end.  Character by character, on purpose unlike onenotes."""
    out = []
    i = 0
    while i < len(line):
        if line.startswith("%%", i):
            end = line.find("%%", i + 2)
            if end < 0:
                return "".join(out), True
            i = end + 2
        elif line[i] == "`":
            run = len(line[i:]) - len(line[i:].lstrip("`"))
            closing = re.compile(r"(?<!`)`{%d}(?!`)" % run).search(line, i + run)
            stop = closing.end() if closing else i + run
            out.append(line[i:stop])
            i = stop
        else:
            out.append(line[i])
            i += 1
    return "".join(out), False


def _parse(lines: list[str], hidden: dict[int, str]):
    """The body without its hidden lines, parsed: (the kept lines' numbers, tokens)."""
    kept = [k for k in range(len(lines)) if k not in hidden]
    return kept, _PLAIN.parse("\n".join(lines[k] for k in kept))


def _code_lines(tokens, kept: list[int]) -> set[int]:
    code = set()
    for tok in tokens:
        if tok.type in ("fence", "code_block"):
            code.update(kept[k] for k in range(*tok.map))
    return code


def _tasks(lines: list[str], hidden: dict[int, str]) -> list[tuple[int, str, str, int | None]]:
    kept, tokens = _parse(lines, hidden)
    source = "\n".join(lines[k] for k in kept)
    plugin_lines = set()
    for tok in _GFM.parse(source):
        if tok.type == "list_item_open" and "task-list-item" in str(tok.attrs.get("class", "")):
            plugin_lines.add(tok.map[0])
    found = []
    structural_gfm = set()
    # For each open list item: the line of the nearest task item holding its
    # content, itself included (None: none).
    nearest: list[int | None] = []
    for i, tok in enumerate(tokens):
        if tok.type == "list_item_close":
            nearest.pop()
            continue
        if tok.type != "list_item_open":
            continue
        parent = nearest[-1] if nearest else None
        nearest.append(parent)
        if i + 2 >= len(tokens) or tokens[i + 1].type != "paragraph_open":
            continue
        inline = tokens[i + 2]
        m = _START.match(inline.content)
        if not m:
            continue
        if m.group(1) in " xX":
            structural_gfm.add(tok.map[0])
        # The paragraph's lines without comments, each followed by the text after
        # the comments that end on the hidden lines right after it.
        first, last = tokens[i + 1].map
        parts = []
        for k, content in zip(kept[first:last], inline.content.split("\n")):
            parts.append(_strip_comments(content)[0])
            k += 1
            while k in hidden:
                parts.append(hidden[k])
                k += 1
        head = len(inline.content.split("\n")[0])
        parts[0] = parts[0][m.end():] if m.end() <= head else ""
        text = " ".join(" ".join(parts).split())
        if not text:
            continue
        line = kept[first] + 1
        found.append((line, m.group(1), text, parent))
        nearest[-1] = line
    assert structural_gfm == plugin_lines, (structural_gfm, plugin_lines)
    return found
