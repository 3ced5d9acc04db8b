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
    of every task item."""
    plugin_lines = set()
    for tok in _GFM.parse(body):
        if tok.type == "list_item_open" and "task-list-item" in str(tok.attrs.get("class", "")):
            plugin_lines.add(tok.map[0] + 1)
    tokens = _PLAIN.parse(body)
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
            structural_gfm.add(tok.map[0] + 1)
        text = " ".join(inline.content[m.end():].split())
        line = tokens[i + 1].map[0] + 1
        found.append((line, m.group(1), text, parent))
        if text:
            nearest[-1] = line
    assert structural_gfm == plugin_lines, (structural_gfm, plugin_lines)
    return found
