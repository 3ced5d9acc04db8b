"""Private parts of a note: what ``onenotes share`` leaves out, and which tasks are private.

What is private (docs/format.md, "Private parts", has it for users):

* a section under a heading whose text starts with the word "Private"
  (``## Private``, ``### Private notes``), at any level and also inside a
  blockquote or list item, up to the next heading of the same or a higher
  level in the same block, or the end of that block;
* everything from ``<!-- private -->`` to ``<!-- /private -->`` (blocks may
  nest, may sit inside a line); every other HTML comment is dropped by
  ``share`` too, as it was never meant to be read, but is not "private".

The Markdown is parsed with markdown-it-py (CommonMark), so a ``## Private``
or a marker inside fenced or indented code is code, not a marker.  Whatever
could leak is refused with the file and line instead: a marker that is never
closed, a closing marker without an opening one, an unclosed ``<!--``, a line
that looks like a private heading but is not read as a heading.

markdown-it-py is imported only for a body that could hold private markup
(:func:`may_hold_private_markup`), so reading an ordinary note never loads it.
"""

from __future__ import annotations

import bisect
import re

from onenotes.errors import Problem, RefusedError

_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_PRIVATE_WORD = re.compile(r"[\W_]*private(?![^\W_])", re.I)  # "_Private_" too
_OPENER = re.compile(r"\s*private\b", re.I)
_CLOSER = re.compile(r"\s*(?:/\s*private|end\s+private)\b", re.I)
# A line a person would read as a private heading, whatever Markdown makes of it.
# (Invisible characters count as blanks here: a zero-width space or a stray byte-order mark
# before "## Private" stops Markdown reading a heading, never a person.)
_BLANKS = "\\s\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff"
_LOOKS_PRIVATE = re.compile(rf"^[{_BLANKS}>]*(?:(?:[-*+]|\d{{1,9}}[.)])[{_BLANKS}]+)*#{{1,6}}[{_BLANKS}]+[\W_]*private(?![^\W_])",
                            re.I)
_CONTAINERS = ("blockquote_open", "list_item_open")


class PrivateMarkupError(RefusedError):
    """The note's private markup is broken: sharing it could leak, so nothing is written.

    ``problem`` says where, for ``check``.
    """

    def __init__(self, problem: Problem):
        super().__init__(f"{problem.location()}: {problem.message}", hint=problem.hint)
        self.problem = problem



_BLOCK_PARSER: list = []  # the one block parser, made on first use


def _block_parser():
    """The parser that finds private parts: blocks only (a heading's raw text is
    enough), made once per process (making one builds objects that refer to each
    other, left to the collector, which the cache's workers pause while parsing)."""
    if not _BLOCK_PARSER:
        _BLOCK_PARSER.append(_parser().disable("inline"))
    return _BLOCK_PARSER[0]


def _parser(html_blocks: bool = True):
    """CommonMark.  Parsing for private parts reads raw HTML blocks as most renderers do;
    rendering the shared page escapes raw HTML instead (``html_blocks=False``)."""
    from markdown_it import MarkdownIt  # only share needs it: keep other commands' start-up fast

    return MarkdownIt("commonmark", {"html": html_blocks})



def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _find_parts(text: str, where) -> tuple[list[tuple[int, int]], list[tuple[int, int]], set[int], list[int]]:
    """What one parse finds: (every span to remove, the private ones among them,
    the verbatim lines, the offset of each line's start); spans are text offsets.

    ``where(line, message, hint)`` makes the error for a 0-based line of ``text``.
    """
    # Blocks only: a heading's raw text is enough ("**Private**" starts with the word too).
    tokens = _block_parser().parse(text)
    starts = _line_starts(text)
    n_lines = len(starts)

    def offset(line: int) -> int:
        return starts[line] if line < n_lines else len(text)

    def line_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    code = set()
    verbatim = set()  # code and raw HTML: blank lines there are content
    headings = []  # (line, level, container, end of container)
    stack: list[tuple[int, int]] = []  # open containers: (token index, end line)
    for index, tok in enumerate(tokens):
        if tok.type in ("fence", "code_block") and tok.map:
            code.update(range(tok.map[0], tok.map[1]))
        if tok.type in ("fence", "code_block", "html_block") and tok.map:
            verbatim.update(range(tok.map[0], tok.map[1]))
        if tok.nesting == 1 and tok.type in _CONTAINERS:
            stack.append((index, tok.map[1] if tok.map else n_lines))
        elif tok.nesting == -1 and tok.type in ("blockquote_close", "list_item_close"):
            stack.pop()
        elif tok.type == "heading_open" and tok.map:
            container, end = stack[-1] if stack else (-1, n_lines)
            private = bool(_PRIVATE_WORD.match(tokens[index + 1].content))
            setext = tok.markup in ("=", "-")  # text with a line of === or --- under it
            headings.append((tok.map[0], int(tok.tag[1]), container, end, private, setext, tok.map[1] - 1))

    spans: list[tuple[int, int]] = []
    heading_lines = set()
    for i, (line, level, container, end, private, _, _) in enumerate(headings):
        heading_lines.add(line)
        if not private:
            continue
        stop = end
        for later in headings[i + 1:]:
            if later[0] >= end:
                break
            if later[2] == container and later[1] <= level:
                if later[5] and not later[4]:
                    # People type --- as a separator: as a heading it would end the section.
                    raise where(later[6], "a line of --- or === under text ends this private section "
                                "(Markdown reads the text as a heading)",
                                "put a blank line before the ---, or end the private section with a "
                                "'## ' heading")
                stop = later[0]
                break
        spans.append((offset(line), offset(stop)))
    private_spans = list(spans)

    # Comments: every one outside code goes; private markers take what lies between them.
    depth, opened_at = 0, 0
    pos = 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            break
        line = line_of(start)
        if line in code:
            pos = start + 4
            continue
        match = _COMMENT.match(text, start)
        if not match:
            raise where(line, "an HTML comment '<!--' is never closed with '-->'",
                        "close it, so that nothing after it is shared by mistake")
        inner = match.group(1)
        if _CLOSER.match(inner):
            if depth == 0:
                raise where(line, "'<!-- /private -->' without an opening '<!-- private -->'",
                            "is the opening marker mistyped?")
            depth -= 1
            if depth == 0:
                spans.append((opened_at, match.end()))
                private_spans.append((opened_at, match.end()))
        elif _OPENER.match(inner):
            if depth == 0:
                opened_at = start
            depth += 1
        elif depth == 0:
            spans.append((start, match.end()))
        pos = match.end()
    if depth:
        line = line_of(opened_at)
        raise where(line, "'<!-- private -->' is never closed",
                    "end the private part with '<!-- /private -->'")
    spans.extend(_obsidian_comments(text, code, starts))

    removed_lines = set()
    for a, b in spans:
        removed_lines.update(range(line_of(a), line_of(max(a, b - 1)) + 1))
    for line in range(n_lines):
        if line in code or line in heading_lines or line in removed_lines:
            continue
        raw = text[offset(line):offset(line + 1)]
        if _LOOKS_PRIVATE.match(raw):
            raise where(line, "this looks like a private heading, but Markdown does not read it as "
                        "a heading here (inside an HTML block?)",
                        "put a blank line before it, or wrap the private part in <!-- private --> ... "
                        "<!-- /private -->")
    return spans, private_spans, verbatim, starts


def _obsidian_comments(text: str, code: set[int], starts: list[int]) -> list[tuple[int, int]]:
    """Obsidian's ``%% ... %%`` comments outside code: hidden where the manager reads the
    note, so never meant for the rep; one never closed runs to the end, as in Obsidian."""
    found = []
    pos = text.find("%%")
    opened = None
    while pos >= 0:
        if bisect.bisect_right(starts, pos) - 1 not in code:
            if opened is None:
                opened = pos
            else:
                found.append((opened, pos + 2))
                opened = None
        pos = text.find("%%", pos + 2)
    if opened is not None:
        found.append((opened, len(text)))
    return found


def _one_pass(text: str, where, found: dict | None = None) -> tuple[str, int, int]:
    """Remove what one parse finds: (new text, spans removed, of which private parts);
    ``found["lines"]`` becomes the private lines, when ``found`` is given."""
    spans, private_spans, verbatim, starts = _find_parts(text, where)
    if found is not None:
        found["lines"] = _lines_of(private_spans, starts)
    n_private = len(private_spans)
    if not spans:
        return _collapse_blank_lines(text, verbatim), 0, 0
    spans.sort()
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        if a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, last = [], 0
    for a, b in merged:
        out.append(text[last:a])
        last = b
    out.append(text[last:])
    return "".join(out), len(spans), n_private


def _collapse_blank_lines(text: str, verbatim: set[int]) -> str:
    """One blank line where removing private parts left several (code and raw HTML untouched)."""
    out: list[str] = []
    blank_before = False
    for number, line in enumerate(text.split("\n")):
        blank = not line.strip() and number not in verbatim
        if blank and blank_before:
            continue
        out.append(line)
        blank_before = blank
    return "\n".join(out)


def strip_private(body: str, path: str = "<note>", first_line: int = 1,
                  found: dict | None = None) -> tuple[str, int]:
    """``body`` without its private parts, and how many were removed.

    Raises :class:`PrivateMarkupError` (naming ``path`` and the file line)
    when the private markup is broken.  Runs until nothing more is removed, as
    removing a part can join text into a new marker or heading.
    """
    total = 0
    for attempt in range(100):
        def where(line, message, hint, _first=attempt == 0):
            if _first:
                return PrivateMarkupError(Problem(path, first_line + line, 0, "error", "private-markup",
                                                  message, hint))
            return PrivateMarkupError(Problem(path, 0, 0, "error", "private-markup",
                                              f"{message} (line {line + 1} once private parts are "
                                              "removed)", hint))
        body, removed, private = _one_pass(body, where, found if attempt == 0 else None)
        total += private
        if attempt and private and found is not None:
            found["later"] = True  # a private part that removing others made: not in the lines
        if not removed:
            return body, total
    raise PrivateMarkupError(Problem(path, 0, 0, "error", "private-markup",  # pragma: no cover
                                     "private parts nest too deeply to share safely"))


def may_hold_private_markup(body: str) -> bool:
    """False when ``body`` cannot hold a private part (no comment, no word "private"): no parse needed."""
    return "<!--" in body or "private" in body.casefold()


def private_lines(body: str) -> set[int] | None:
    """The 0-based lines of ``body`` that lie in a private part, wholly or in part;
    None when that cannot be decided, so that no task can be said to be shared:
    the private markup is broken (``share`` refuses the note), or removing the
    private parts ``share``'s first pass finds makes another (``share`` removes
    it too, but its lines in this body are not known).
    """
    if "private" not in body.casefold():  # every private part starts with the word
        return set()
    return read_private_parts(body, "<note>", 1)[0]


def _lines_of(spans: list[tuple[int, int]], starts: list[int]) -> set[int]:
    """The 0-based lines that the (offset) spans touch."""
    lines: set[int] = set()
    for a, b in spans:
        first = bisect.bisect_right(starts, a) - 1
        last = bisect.bisect_right(starts, max(a, b - 1)) - 1
        lines.update(range(first, last + 1))
    return lines


def read_private_parts(body: str, path: str, first_line: int) -> tuple[set[int] | None, list[Problem]]:
    """:func:`private_lines` and :func:`private_markup_problems` of one body, from
    the same parses (what a note's reader asks of a note that may hold private markup)."""
    if not may_hold_private_markup(body):
        return set(), []
    found: dict = {}
    try:
        strip_private(body, path, first_line, found)
    except PrivateMarkupError as exc:
        p = exc.problem
        problem = Problem(p.path, p.line, 0, "warning", "private-markup",
                          p.message + "; onenotes share refuses this note", p.hint)
    else:
        problem = None
    if "private" not in body.casefold():
        lines = set()
    else:  # None: undecidable (broken markup, or a private part only a later pass finds)
        lines = None if problem or found.get("later") else found["lines"]
    return lines, [problem] if problem else []


def private_markup_problems(body: str, path: str, first_line: int = 1) -> list[Problem]:
    """For ``check``: the reason ``share`` would refuse a note with this body, as a warning."""
    return read_private_parts(body, path, first_line)[1]


_MANAGER_ONLY = re.compile(r"<!--\s*manager-only\s*-->.*?<!--\s*/manager-only\s*-->", re.S)


def shared_lines(body: str) -> set[int] | None:
    """The 0-based lines of ``body`` that are neither in a private part nor in manager-only
    guidance, wholly or in part (what may travel to a shared copy or a later agenda);
    None when the private parts cannot be told apart."""
    secret = private_lines(body)
    if secret is None:
        return None
    starts = _line_starts(body)
    hidden = _lines_of([m.span() for m in _MANAGER_ONLY.finditer(body)], starts)
    return set(range(body.count("\n") + 1)) - secret - hidden
