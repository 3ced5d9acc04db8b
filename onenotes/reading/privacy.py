"""Private parts of a note: what ``onenotes share`` leaves out, and which tasks are private.

What is private (docs/format.md, "Private parts", has it for users):

* a section under a heading whose text starts with the word "Private"
  (``## Private``, ``### Private notes``), at any level and also inside a
  blockquote or list item, up to the next heading of the same or a higher
  level in the same block, or the end of that block;
* everything from ``<!-- private -->`` to ``<!-- /private -->`` (blocks may
  nest, may sit inside a line); every other HTML comment is dropped by
  ``share`` too, as it was never meant to be read, but is not "private".

``share`` also leaves out what lies between ``<!-- manager-only -->`` and
``<!-- /manager-only -->`` (the manager's script: the agenda's guidance, the
review list; blocks may nest and sit inside a line, as private blocks do).  That
is not privacy: a task in a manager-only part is an ordinary commitment, so
:func:`private_lines` and :func:`strip_private` read those markers as ordinary
comments, and only :func:`strip_for_share` takes out what lies between them,
with the same strictness.

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
_MANAGER_OPENER = re.compile(r"\s*manager[-\s]only\b", re.I)
_MANAGER_CLOSER = re.compile(r"\s*(?:/\s*manager[-\s]only|end\s+manager[-\s]only)\b", re.I)
# Each kind of block: (opening marker, closing marker, as messages name them).
_KINDS = {"private": (_OPENER, _CLOSER, "<!-- private -->", "<!-- /private -->"),
          "manager-only": (_MANAGER_OPENER, _MANAGER_CLOSER, "<!-- manager-only -->", "<!-- /manager-only -->")}
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


class _Lines:
    """Line numbers (0-based) and text offsets of one text."""

    __slots__ = ("starts", "count", "size")

    def __init__(self, text: str):
        self.starts = _line_starts(text)
        self.count = len(self.starts)
        self.size = len(text)

    def offset(self, line: int) -> int:
        """Where ``line`` starts (the text's end for a line past the last)."""
        return self.starts[line] if line < self.count else self.size

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1


def _find_parts(text: str, where, share: bool = False, found: dict | None = None,
                also: list[tuple[int, int]] = ()) -> tuple[list[tuple[int, int]], list[tuple[int, int]],
                                                           int, set[int], list[int]]:
    """What one parse finds: (every span to remove, the private ones among them, how
    many manager-only parts, the verbatim lines, the offset of each line's start);
    spans are text offsets.

    ``where(line, message, hint)`` makes the error for a 0-based line of ``text``.
    ``share``: manager-only parts are removed too (else their markers are ordinary
    comments, and broken ones are noted in ``found["share_problem"]``, not raised);
    ``also``: (first, end) 0-based lines to remove as well.
    """
    lines = _Lines(text)
    # Blocks only: a heading's raw text is enough ("**Private**" starts with the word too).
    code, verbatim, headings = _blocks(_block_parser().parse(text), lines.count)
    spans = _private_sections(headings, lines, where)
    private_spans = list(spans)
    comments, private_parts, manager_spans = _comment_spans(text, lines, code, where, share, found)
    spans += comments
    private_spans += private_parts
    spans.extend(_obsidian_comments(text, code, lines.starts))
    _refuse_unread_private_headings(text, lines, code, {h[0] for h in headings}, spans, where)
    # (A manager-only part's lines were looked at above: its tasks are commitments like any other.)
    spans.extend(manager_spans)
    spans.extend((lines.offset(a), lines.offset(b)) for a, b in also)
    return spans, private_spans, len(manager_spans), verbatim, lines.starts


def _blocks(tokens, n_lines: int) -> tuple[set[int], set[int], list[tuple]]:
    """(the lines of code, the verbatim lines: code and raw HTML, where blank lines are
    content; the headings: (line, level, container, end of container, private?,
    setext?, last line))."""
    code = set()
    verbatim = set()
    headings = []
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
    return code, verbatim, headings


def _private_sections(headings: list[tuple], lines: _Lines, where) -> list[tuple[int, int]]:
    """The spans of the sections under a private heading: to the next heading of the same
    or a higher level in the same container, or the container's end."""
    spans: list[tuple[int, int]] = []
    for i, (line, level, container, end, private, _, _) in enumerate(headings):
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
        spans.append((lines.offset(line), lines.offset(stop)))
    return spans


def _comment_spans(text: str, lines: _Lines, code: set[int], where, share: bool,
                   found: dict | None) -> tuple[list[tuple[int, int]], list[tuple[int, int]],
                                                list[tuple[int, int]]]:
    """HTML comments outside code: (every comment and private part, the private parts,
    the manager-only parts when ``share``).  Every comment goes; private markers take
    what lies between them, and so do manager-only ones for share."""
    spans: list[tuple[int, int]] = []
    private_spans: list[tuple[int, int]] = []
    manager_spans: list[tuple[int, int]] = []
    depth = {kind: 0 for kind in _KINDS}
    opened_at = {kind: 0 for kind in _KINDS}

    def fail(kind: str, line: int, message: str, hint: str) -> None:
        if kind == "manager-only" and not share:  # not privacy: what share would refuse, noted
            if found is not None:
                found.setdefault("share_problem", where(line, message, hint))
            return
        raise where(line, message, hint)

    pos = 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            break
        line = lines.line_of(start)
        if line in code:
            pos = start + 4
            continue
        match = _COMMENT.match(text, start)
        if not match:
            raise where(line, "an HTML comment '<!--' is never closed with '-->'",
                        "close it, so that nothing after it is shared by mistake")
        pos = match.end()
        spans.append((start, pos))  # the comment itself (within a block, the block's span holds it)
        kind, closing = _marker(match.group(1))
        if kind is None:
            continue
        opener, closer = _KINDS[kind][2:]
        if not closing:
            if depth[kind] == 0:
                opened_at[kind] = start
            depth[kind] += 1
        elif depth[kind] == 0:
            fail(kind, line, f"'{closer}' without an opening '{opener}'", "is the opening marker mistyped?")
        else:
            depth[kind] -= 1
            if depth[kind] == 0 and kind == "private":
                spans.append((opened_at[kind], pos))
                private_spans.append((opened_at[kind], pos))
            elif depth[kind] == 0 and share:
                manager_spans.append((opened_at[kind], pos))
    for kind in sorted((k for k in _KINDS if depth[k]), key=opened_at.get):
        opener, closer = _KINDS[kind][2:]
        fail(kind, lines.line_of(opened_at[kind]), f"'{opener}' is never closed",
             f"end the {kind} part with '{closer}'")
    return spans, private_spans, manager_spans


def _refuse_unread_private_headings(text: str, lines: _Lines, code: set[int], heading_lines: set[int],
                                    spans: list[tuple[int, int]], where) -> None:
    """Refuse a line a person would read as a private heading that Markdown does not
    (outside code, headings and what is removed already)."""
    removed_lines = set()
    for a, b in spans:
        removed_lines.update(range(lines.line_of(a), lines.line_of(max(a, b - 1)) + 1))
    for line in range(lines.count):
        if line in code or line in heading_lines or line in removed_lines:
            continue
        raw = text[lines.offset(line):lines.offset(line + 1)]
        if _LOOKS_PRIVATE.match(raw):
            raise where(line, "this looks like a private heading, but Markdown does not read it as "
                        "a heading here (inside an HTML block?)",
                        "put a blank line before it, or wrap the private part in <!-- private --> ... "
                        "<!-- /private -->")


def _marker(inner: str) -> tuple[str | None, bool]:
    """(the kind of block a comment's text opens or closes, whether it closes), or (None, False)."""
    for kind, (opener, closer, _, _) in _KINDS.items():
        if closer.match(inner):
            return kind, True
        if opener.match(inner):
            return kind, False
    return None, False


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


def _one_pass(text: str, where, share: bool = False, found: dict | None = None,
              also: list[tuple[int, int]] = ()) -> tuple[str, int, int, int]:
    """Remove what one parse finds: (new text, spans removed, of which private parts, and
    manager-only parts); ``found["lines"]`` becomes the private lines, when ``found`` is given."""
    spans, private_spans, n_manager, verbatim, starts = _find_parts(text, where, share, found, also)
    if found is not None:
        found["lines"] = _lines_of(private_spans, starts)
    n_private = len(private_spans)
    if not spans:
        return _collapse_blank_lines(text, verbatim), 0, 0, 0
    return _cut(text, spans), len(spans), n_private, n_manager


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the character ranges ``spans`` (overlapping or touching ones merged)."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, last = [], 0
    for a, b in merged:
        out.append(text[last:a])
        last = b
    out.append(text[last:])
    return "".join(out)


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
    """``body`` without its private parts, and how many were removed (manager-only
    markers are ordinary comments here: what lies between them stays).

    Raises :class:`PrivateMarkupError` (naming ``path`` and the file line)
    when the private markup is broken.  Runs until nothing more is removed, as
    removing a part can join text into a new marker or heading.
    """
    text, private, _ = _strip(body, path, first_line, False, found, ())
    return text, private


def strip_for_share(body: str, path: str = "<note>", first_line: int = 1, found: dict | None = None,
                    also: list[tuple[int, int]] = ()) -> tuple[str, int, int]:
    """``body`` as ``share`` shows it: without its private parts nor its manager-only
    parts, nor the (first, end) 0-based lines of ``also``; and how many private and
    manager-only parts were removed.

    Raises :class:`PrivateMarkupError` when either kind of markup is broken (nothing
    half-stripped is shared).  ``found["later"]``: a private part that only removing
    others made (see :func:`strip_private`).
    """
    return _strip(body, path, first_line, True, found, also)


def _strip(body: str, path: str, first_line: int, share: bool, found: dict | None,
           also: list[tuple[int, int]]) -> tuple[str, int, int]:
    """:func:`strip_private` (``share`` false) or :func:`strip_for_share`: (text, private
    parts removed, manager-only parts removed)."""
    total, managers = 0, 0
    for attempt in range(100):
        def where(line, message, hint, _first=attempt == 0):
            if _first:
                return PrivateMarkupError(Problem(path, first_line + line, 0, "error", "private-markup",
                                                  message, hint))
            return PrivateMarkupError(Problem(path, 0, 0, "error", "private-markup",
                                              f"{message} (line {line + 1} once "
                                              + ("the parts share leaves out are" if share else "private parts are")
                                              + " removed)", hint))
        first = attempt == 0
        body, removed, private, manager = _one_pass(body, where, share, found if first else None,
                                                    also if first else ())
        total += private
        managers += manager
        if attempt and private and found is not None:
            found["later"] = True  # a private part that removing others made: not in the lines
        if not removed:
            return body, total, managers
    raise PrivateMarkupError(Problem(path, 0, 0, "error", "private-markup",  # pragma: no cover
                                     "private parts nest too deeply to share safely"))


def strip_guidance(body: str, path: str = "<note>", first_line: int = 1) -> str:
    """``body`` without its manager-only parts and comments, its private parts kept (their
    markers taken out): the manager's own words, for a view that quotes the whole note to
    the manager (``review --private``).  Raises :class:`PrivateMarkupError` as
    :func:`strip_for_share` does when either kind of markup is broken."""
    def where(line, message, hint):
        return PrivateMarkupError(Problem(path, first_line + line if first else 0, 0, "error",
                                          "private-markup", message, hint))
    for attempt in range(100):
        first = attempt == 0
        spans, private_spans, _, verbatim, _ = _find_parts(body, where, share=True)
        keep = set(private_spans)
        spans = sorted(s for s in spans if s not in keep)
        if not spans:
            return _collapse_blank_lines(body, verbatim)
        body = _cut(body, spans)
    raise PrivateMarkupError(Problem(path, 0, 0, "error", "private-markup",  # pragma: no cover
                                     "private parts nest too deeply to read safely"))


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
        broken = exc
    else:
        broken = None
    # Broken manager-only markup: share refuses the note, but which parts are private is known.
    refused = broken or found.get("share_problem")
    problem = None
    if refused is not None:
        p = refused.problem
        problem = Problem(p.path, p.line, 0, "warning", "private-markup",
                          p.message + "; onenotes share refuses this note", p.hint)
    if "private" not in body.casefold():
        lines = set()
    else:  # None: undecidable (broken private markup, or a private part only a later pass finds)
        lines = None if broken or found.get("later") else found["lines"]
    return lines, [problem] if problem else []


def private_markup_problems(body: str, path: str, first_line: int = 1) -> list[Problem]:
    """For ``check``: the reason ``share`` would refuse a note with this body, as a warning."""
    return read_private_parts(body, path, first_line)[1]


def _broken(line, message, hint) -> PrivateMarkupError:
    return PrivateMarkupError(Problem("<note>", line + 1, 0, "error", "private-markup", message, hint))


def shared_lines(body: str) -> set[int] | None:
    """The 0-based lines of ``body`` that are neither in a private part nor in manager-only
    guidance, wholly or in part (what may travel to a shared copy or a later agenda);
    None when that cannot be decided (broken markup of either kind)."""
    secret = private_lines(body)
    if secret is None:
        return None
    if "<!--" not in body and "%%" not in body:  # (no comment of either kind to leave out)
        hidden: set[int] = set()
    else:
        try:
            spans, _, _, _, starts = _find_parts(body, _broken, share=True)
        except PrivateMarkupError:
            return None
        hidden = _lines_of(spans, starts)
    return set(range(body.count("\n") + 1)) - secret - hidden
