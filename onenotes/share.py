"""``onenotes share``: a copy of a note for the rep, with the manager's private parts removed.

What is private (docs/format.md, "Private parts", has it for users):

* a section under a heading whose text starts with the word "Private"
  (``## Private``, ``### Private notes``), at any level and also inside a
  blockquote or list item, up to the next heading of the same or a higher
  level in the same block, or the end of that block;
* everything from ``<!-- private -->`` to ``<!-- /private -->`` (blocks may
  nest, may sit inside a line); every other HTML comment is dropped too, as
  it was never meant to be read;
* frontmatter keys named in the config's ``share: private_keys``.

The Markdown is parsed with markdown-it-py (CommonMark), so a ``## Private``
or a marker inside fenced or indented code is code, not a marker.  Whatever
could leak is refused with the file and line instead: a marker that is never
closed, a closing marker without an opening one, an unclosed ``<!--``, a line
that looks like a private heading but is not read as a heading.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

from onenotes.errors import BadInputError, Problem, RefusedError
from onenotes.note import MAX_NOTE_BYTES, Note, decode, has_frontmatter, split_frontmatter
from onenotes.notebook import NOTE_NAME, Notebook, note_identity, read_bytes, read_note
from onenotes.output import clean_block, format_number

FORMATS = ("markdown", "html")
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_PRIVATE_WORD = re.compile(r"[\W_]*private(?![^\W_])", re.I)  # "_Private_" too
_OPENER = re.compile(r"\s*private\b", re.I)
_CLOSER = re.compile(r"\s*(?:/\s*private|end\s+private)\b", re.I)
# A line a person would read as a private heading, whatever Markdown makes of it.
_LOOKS_PRIVATE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*#{1,6}[ \t]+[\W_]*private(?![^\W_])", re.I)
_SHOWN_KEYS = ("rep", "date", "manager", "duration_minutes", "metrics", "commitments",
               "coaching_plan", "behaviour_plan")
_CONTAINERS = ("blockquote_open", "list_item_open")


class PrivateMarkupError(RefusedError):
    """The note's private markup is broken: sharing it could leak, so nothing is written.

    ``problem`` says where, for ``check``.
    """

    def __init__(self, problem: Problem):
        super().__init__(f"{problem.location()}: {problem.message}", hint=problem.hint)
        self.problem = problem


@dataclass
class Shared:
    note: Note
    title: str
    markdown: str
    removed: int  # private parts removed from the body
    keys_removed: list[str]  # frontmatter keys left out


def _parser(html_blocks: bool = True):
    """CommonMark.  Parsing for private parts reads raw HTML blocks as most renderers do;
    rendering the shared page escapes raw HTML instead (``html_blocks=False``)."""
    from markdown_it import MarkdownIt  # only share needs it: keep other commands' start-up fast

    return MarkdownIt("commonmark", {"html": html_blocks})


_BLOCKS = None  # the block parser, made once: notes are parsed for private markup as they are read


def _block_parser():
    """:func:`_parser` reading blocks only, made on first use and kept (making one costs
    more than a note's parse, and makes reference cycles, which parsing notes must not)."""
    global _BLOCKS
    if _BLOCKS is None:
        _BLOCKS = _parser().disable("inline")
    return _BLOCKS


# ------------------------------------------------------------ the body ---

def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _one_pass(text: str, where) -> tuple[str, int, int]:
    """Remove what one parse finds: (new text, spans removed, of which private parts).

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
            headings.append((tok.map[0], int(tok.tag[1]), container, end, private))

    spans: list[tuple[int, int]] = []
    heading_lines = set()
    for i, (line, level, container, end, private) in enumerate(headings):
        heading_lines.add(line)
        if not private:
            continue
        stop = end
        for later in headings[i + 1:]:
            if later[0] >= end:
                break
            if later[2] == container and later[1] <= level:
                stop = later[0]
                break
        spans.append((offset(line), offset(stop)))
    n_private = len(spans)

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
                n_private += 1
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


def strip_private(body: str, path: str = "<note>", first_line: int = 1) -> tuple[str, int]:
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
        body, removed, private = _one_pass(body, where)
        total += private
        if not removed:
            return body, total
    raise PrivateMarkupError(Problem(path, 0, 0, "error", "private-markup",  # pragma: no cover
                                     "private parts nest too deeply to share safely"))


# ----------------------------------------------------- the frontmatter ---

def _md(text) -> str:
    """Frontmatter text as Markdown that cannot open HTML or comments."""
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("<", "\\<")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _title_case(key: str) -> str:
    return str(key).replace("_", " ").capitalize()


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{_title_case(k)}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _summary(book: Notebook, note: Note, private: set[str]) -> list[str]:
    cfg = book.config
    meta = note.meta
    rep_name = book.rep_name(note.rep)
    manager = str(meta.get("manager") or cfg.manager or "")
    facts = [f"**Rep:** {_md(rep_name)}", f"**Date:** {note.date.isoformat()}"]
    if manager and "manager" not in private:
        facts.append(f"**Manager:** {_md(manager)}")
    minutes = meta.get("duration_minutes")
    if "duration_minutes" not in private and isinstance(minutes, int) and not isinstance(minutes, bool):
        facts.append(f"**Length:** {minutes} minutes")
    lines = [" · ".join(facts), ""]
    if note.metrics and "metrics" not in private:
        lines += ["## Numbers", "", "| KPI | Actual | Goal |", "| --- | ---: | ---: |"]
        for m in note.metrics:
            kdef = cfg.kpis.get(m.name)
            unit = kdef.unit if kdef else None
            goal = m.goal if m.goal is not None else cfg.goal_for(note.rep, m.name)
            label = kdef.title if kdef else m.name
            lines.append(f"| {_cell(_md(label))} | {_cell(format_number(m.actual, unit))} "
                         f"| {_cell(format_number(goal, unit))} |")
        lines.append("")
    mentions = [m for m in note.mentions if m.origin == "frontmatter"]
    if mentions and "commitments" not in private:
        lines += ["## Commitments", ""]
        for m in mentions:
            who = rep_name if m.owner == "rep" else (manager or "manager")
            due = m.due.isoformat() if m.due else m.due_raw
            detail = f" ({_md(who)}" + (f", due {_md(due)}" if due else "") + ")"
            if m.status == "done":
                lines.append(f"- [x] {_md(m.text)}{detail}")
            elif m.status == "dropped":
                lines.append(f"- ~~{_md(m.text)}~~{detail}, dropped")
            else:
                lines.append(f"- [ ] {_md(m.text)}{detail}")
        lines.append("")
    for key, heading in (("coaching_plan", "Coaching plan"), ("behaviour_plan", "Behaviour plan")):
        plan = meta.get(key)
        if key in private or not isinstance(plan, dict) or not plan:
            continue
        lines += [f"## {heading}", ""]
        for name, value in plan.items():
            kdef = cfg.kpis.get(str(name)) if key == "behaviour_plan" else None
            label = kdef.title if kdef else _title_case(name)
            lines.append(f"- **{_md(label)}:** {_md(_plain(value))}")
        lines.append("")
    others = [k for k in meta if k not in _SHOWN_KEYS and k not in private]
    if others:
        lines += ["## Details", ""]
        lines += [f"- **{_md(_title_case(k))}:** {_md(_plain(meta[k]))}" for k in others]
        lines.append("")
    return lines


# --------------------------------------------------------------- share ---

def find_note(book: Notebook, given: str, *, date: dt.date | None, today: dt.date,
              cwd: Path) -> Note:
    """The note NOTE names: a path to a note file, or a rep (their latest note up to
    today, or their note of ``date``)."""
    looks_like_path = given.endswith(".md") or "/" in given or "\\" in given
    if looks_like_path:
        if date is not None:
            raise BadInputError("--date goes with a rep, not with a note's path")
        candidate = Path(given).expanduser()
        for base in (cwd, book.root):
            full = (base / candidate).absolute() if not candidate.is_absolute() else candidate
            if full.is_file():
                break
        else:
            raise BadInputError(f"{given}: no such note")
        try:
            rel = full.resolve().relative_to(book.root.resolve()).as_posix()
        except ValueError:
            raise BadInputError(f"{given} is not in the notebook {book.root}",
                                hint="use --notebook DIR for a note in another notebook") from None
        if rel.count("/") < 1 or not NOTE_NAME.match(rel.rsplit("/", 1)[-1]):
            raise BadInputError(f"{given} is not a note (REP/YYYY-MM-DD.md)")
        return read_note(book.root, rel, book.config.read_options)
    slug = book.resolve(given)
    notes = book.notes_of(slug)

    def refuse_unreadable(wanted) -> None:
        """A note that would have been chosen but cannot be read: refuse rather than share another."""
        for problem in book.problems:
            ident = note_identity(problem.path)
            if ident and ident[0] == slug and wanted(ident[1], ident[2]):
                raise RefusedError(f"{slug}'s note {problem.path} cannot be read, so it cannot be shared",
                                   hint="fix it first; `onenotes check` says what is wrong")

    if date is not None:
        refuse_unreadable(lambda day, seq: day == date)
        chosen = [n for n in notes if n.date == date]
        if not chosen:
            raise RefusedError(f"{slug} has no note dated {date.isoformat()}",
                               hint="onenotes reps shows each rep's last meeting")
        if len(chosen) > 1:
            raise RefusedError(f"{slug} has {len(chosen)} notes dated {date.isoformat()}: "
                               + ", ".join(n.path for n in chosen), hint="give the note's path")
        return chosen[0]
    held = [n for n in notes if n.date <= today]
    refuse_unreadable(lambda day, seq: day <= today and (not held or (day, seq) > (held[-1].date, held[-1].seq)))
    if not held:
        raise RefusedError(f"{slug} has no note dated today or earlier",
                           hint="give a note's path to share a note from the future")
    return held[-1]


def _split_body(text: str) -> tuple[str, int]:
    """The body of a note's text and the file line it starts on."""
    if has_frontmatter(text):
        parts = split_frontmatter(text)
        if parts is not None:
            return parts[1], parts[2]
    return text, 1


def private_markup_problems(text: str, path: str) -> list[Problem]:
    """For ``check``: the reason ``share`` would refuse this note, as a warning."""
    if "<!--" not in text and "private" not in text.casefold():
        return []  # nothing to look at: no need to parse
    body, first = _split_body(text)
    try:
        strip_private(body, path, first)
    except PrivateMarkupError as exc:
        p = exc.problem
        return [Problem(p.path, p.line, 0, "warning", "private-markup",
                        p.message + "; onenotes share refuses this note", p.hint)]
    return []


def share_note(book: Notebook, note: Note) -> Shared:
    """The shared copy of ``note`` as Markdown; raises :class:`PrivateMarkupError`."""
    try:
        text = decode(read_bytes(book.root / note.path, MAX_NOTE_BYTES), note.path)
    except (OSError, ValueError) as exc:
        raise RefusedError(f"{note.path}: cannot read: {exc}") from None
    body, first = _split_body(text)
    body, removed = strip_private(body, note.path, first)
    private = set(book.config.private_keys)
    keys_removed = [k for k in note.meta if k in private]
    summary = _summary(book, note, private)
    body_lines = body.strip("\n").split("\n") if body.strip() else []
    title = f"One-on-one: {book.rep_name(note.rep)}, {note.date.isoformat()}"
    head: list[str]
    if body_lines and re.match(r"# \S", body_lines[0]):
        title = body_lines[0][2:].strip()
        head = [body_lines[0], ""]
        body_lines = body_lines[1:]
        while body_lines and not body_lines[0].strip():
            body_lines = body_lines[1:]
    else:
        head = [f"# {_md(title)}", ""]
    out = head + summary
    if body_lines:
        out += ["---", "", *body_lines]
    markdown = clean_block("\n".join(out).rstrip("\n") + "\n")
    return Shared(note, clean_block(title), markdown, removed, keys_removed)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.5;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.6rem; }}
td:nth-child(n+2) {{ text-align: right; }}
blockquote {{ border-left: 3px solid #ccc; margin-left: 0; padding-left: 1rem; color: #444; }}
pre, code {{ background: #f4f4f4; }}
pre {{ padding: 0.5rem; overflow-x: auto; }}
</style>
</head>
<body>
{body}</body>
</html>
"""


def to_html(shared: Shared) -> str:
    """A standalone page: the Markdown rendered with raw HTML escaped, no external resources."""
    md = _parser(html_blocks=False).enable("table").enable("strikethrough")
    return _PAGE.format(title=html.escape(shared.title), body=md.render(shared.markdown))
