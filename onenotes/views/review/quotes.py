"""What the manager wrote under "Wins", "Where do you need help?" and "Coaching plan", for the review.

A quote is a paragraph or a list item of such a section (with the items nested under
it), as plain text: emphasis, links and code marks taken out, so that it reads as
it was written.  Never quoted:

* private parts (unless the review is asked for them, ``--private``), manager-only
  guidance (the agenda's script, not the meeting's words), comments and code;
* tasks: they are commitments, and the review counts them in its own section.

A note whose private markup is broken gives no quote (as ``share`` refuses it): what
is private in it cannot be told.  The same words in several notes (a help request
the agenda carries each week until it is struck through) are one quote, with every
date it was written on; one struck through (``~~...~~``) was answered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from onenotes.errors import NoteError, Problem
from onenotes.reading.note import MAX_NOTE_BYTES, decode, has_frontmatter, split_frontmatter
from onenotes.reading.files import read_bytes
from onenotes.reading.privacy import PrivateMarkupError, strip_for_share, strip_guidance

WINS, HELP, COACHING = "wins", "help", "coaching"
# The headings whose sections are quoted, looked for in this order.
SECTIONS = ((HELP, re.compile(r"\bneeds?\s+help\b|\bneeded\s+help\b", re.I)),
            (WINS, re.compile(r"\bwins?\b|\bwent\s+well\b", re.I)),
            (COACHING, re.compile(r"\bcoaching\b", re.I)))
_TASK = re.compile(r"^\[.\](?:\s|$)")
_STRUCK = re.compile(r"^(~~?)([^~\s](?:[^~]*[^~\s])?)\1(?!~)")


@dataclass
class Quote:
    kind: str  # WINS or HELP
    text: str  # plain text, one line
    answered: bool = False  # a help request struck through (in its latest note)
    dates: list[dt.date] = field(default_factory=list)  # every meeting it was written in
    sources: list[str] = field(default_factory=list)  # those notes


def note_quotes(body: str, path: str, first_line: int, private: bool) -> list[tuple[str, str, bool]]:
    """(kind, text, answered) of each paragraph and list item under a wins or help heading
    of the note ``body``; raises :class:`PrivateMarkupError` when its markup is broken."""
    if private:
        text = strip_guidance(body, path, first_line)
    else:
        found: dict = {}
        text, _, _ = strip_for_share(body, path, first_line, found)
        if found.get("later"):
            raise PrivateMarkupError(Problem(path, 0, 0, "error", "private-markup",
                                             "a private part appears only once other parts are removed"))
    from markdown_it import MarkdownIt  # only a review quotes notes

    tokens = MarkdownIt("commonmark").parse(text)
    out: list[tuple[str, str, bool]] = []
    section: tuple[str, int] | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level, title = int(tok.tag[1]), tokens[i + 1].content
            kind = next((k for k, pattern in SECTIONS if pattern.search(title)), None)
            if kind is not None:
                section = (kind, level)
            elif section is not None and level <= section[1]:
                section = None
            i += 3
            continue
        if section is not None and tok.level == 0 and tok.type == "html_block":
            _add(out, section[0], tok)
        elif section is not None and tok.level == 0 and tok.nesting == 1:
            end = _closing(tokens, i)
            if tok.type == "paragraph_open":
                _add(out, section[0], tokens[i + 1])
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                for item in _top_items(tokens, i, end):
                    _add(out, section[0], *item)
            elif tok.type == "blockquote_open":
                for j in range(i, end):
                    if tokens[j].type == "inline" and not _TASK.match(tokens[j].content):
                        _add(out, section[0], tokens[j])
            i = end + 1
            continue
        i += 1
    return out


def _closing(tokens, i: int) -> int:
    """The index of the token that closes the block opened at ``i``."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _top_items(tokens, start: int, end: int):
    """Each item of the list from ``start`` to ``end``: its first paragraph's inline token,
    then those of the items nested in it; a task, and what is nested in it, is left out."""
    depth = tokens[start].level + 1
    j = start + 1
    while j < end:
        if tokens[j].type == "list_item_open" and tokens[j].level == depth:
            close = _closing(tokens, j)
            kept = _item_inlines(tokens, j, close)
            if kept:
                yield tuple(kept)
            j = close + 1
            continue
        j += 1


def _item_inlines(tokens, start: int, end: int) -> list:
    """The inline tokens of the list item from ``start`` to ``end``, its nested items'
    after its own; none for a task (a commitment), nor for what is nested in one."""
    out: list = []
    j = start + 1
    while j < end:
        tok = tokens[j]
        if tok.type == "list_item_open":
            close = _closing(tokens, j)
            out.extend(_item_inlines(tokens, j, close))
            j = close + 1
            continue
        if tok.type in ("inline", "html_block"):
            if not out and _TASK.match(tok.content):
                return []
            out.append(tok)
        j += 1
    return out


def _plain(inline) -> str:
    """An inline token as plain text on one line: the words, without the marks around them."""
    parts = []
    if inline.type == "html_block":  # raw HTML as it was typed: shown as text, never as markup
        return " ".join(inline.content.split())
    for child in inline.children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return " ".join("".join(parts).split())


def _add(out: list, kind: str, first, *nested) -> None:
    text = _plain(first)
    answered = False
    struck = _STRUCK.match(text)
    if struck:
        answered = kind == HELP
        text = struck.group(2) + text[struck.end():]
    if nested:
        text = "; ".join([text, *(t for t in (_plain(n) for n in nested) if t)])
    if text:
        out.append((kind, text, answered))


def _body(root, path: str) -> tuple[str, int]:
    """A note's body as it is on disk now, and the file line it starts on."""
    text = decode(read_bytes(root / path, MAX_NOTE_BYTES), path)
    if has_frontmatter(text):
        parts = split_frontmatter(text)
        if parts is not None:
            return parts[1], parts[2]
    return text, 1


def gather_quotes(root, notes, private: bool, secret_texts: list[str] = ()) -> tuple[list[Quote], list[Problem]]:
    """The quotes of ``notes`` (oldest first), the same words once; and a warning for each
    note none could be taken from.  Without ``private``, a quote holding the words of a
    private commitment (``secret_texts``) is left out too."""
    quotes: dict[tuple[str, str], Quote] = {}
    problems: list[Problem] = []
    secrets = [" ".join(t.split()).casefold() for t in secret_texts if t and t.strip()]
    for note in notes:
        try:
            body, first = _body(root, note.path)
            found = note_quotes(body, note.path, first, private)
        except PrivateMarkupError as exc:
            p = exc.problem
            problems.append(Problem(note.path, p.line, 0, "warning", "private-markup",
                                    f"no quote taken from this note: {p.message}", p.hint))
            continue
        except (OSError, ValueError, NoteError) as exc:
            problems.append(Problem(note.path, 0, 0, "warning", "unreadable",
                                    f"no quote taken from this note: cannot read it ({exc})"))
            continue
        for kind, text, answered in found:
            folded = text.casefold()
            if not private and any(s in folded for s in secrets):
                continue
            quote = quotes.setdefault((kind, folded), Quote(kind, text))
            if note.date not in quote.dates:
                quote.dates.append(note.date)
            if note.path not in quote.sources:
                quote.sources.append(note.path)
            quote.answered = answered
    return list(quotes.values()), problems
