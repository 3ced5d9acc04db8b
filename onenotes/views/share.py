"""``onenotes share``: a copy of a note for the rep, with the manager's private parts removed.

The copy holds what was agreed, each thing once: the meeting's facts, this note's
numbers against goal (the one place figures appear), every commitment the note
holds that the rep may see ("What we agreed": the rep's, then the manager's, each
with its due date and where it stands), the coaching and behaviour plans, then
the body: without its private parts, without the manager's script between
``<!-- manager-only -->`` and ``<!-- /manager-only -->``, without the task items
"What we agreed" lists, and without the headings and blank tables that leaves
with nothing under them.

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

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

from onenotes.errors import BadInputError, RefusedError
from onenotes.reading.note import MAX_NOTE_BYTES, Mention, Note, decode, has_frontmatter, split_frontmatter
from onenotes.reading.config_file import read_options
from onenotes.reading.files import read_bytes
from onenotes.reading.layout import NOTE_NAME, note_identity
from onenotes.reading.notebook import Notebook
from onenotes.reading.notefile import read_note
from onenotes.rules.kpis import reading
from onenotes.views.formats import clean_block, format_number, format_percent
from onenotes.text import plural
from onenotes.rules.commitments import Entry, build_ledger, closing_status
from onenotes.reading.privacy import (PrivateMarkupError, _block_parser, _parser, private_lines,  # noqa: F401 (share's error)
                              strip_for_share, strip_private)  # noqa: F401 (strip_private: for tests)

FORMATS = ("markdown", "html")
_SHOWN_KEYS = ("rep", "date", "manager", "duration_minutes", "metrics", "commitments",
               "coaching_plan", "behaviour_plan")

@dataclass
class Shared:
    note: Note
    title: str
    markdown: str
    removed: int  # private parts removed from the body
    keys_removed: list[str]  # frontmatter keys left out
    manager_only: int = 0  # manager-only parts removed from the body


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


def _summary(book: Notebook, note: Note, private: set[str], agreed: list[Mention]) -> list[str]:
    cfg = book.config
    meta = note.meta
    rep_name = book.rep_name(note.rep)
    manager = _manager(book, note, private)
    facts = [f"**Rep:** {_md(rep_name)}", f"**Date:** {note.date.isoformat()}"]
    if manager:
        facts.append(f"**Manager:** {_md(manager)}")
    minutes = meta.get("duration_minutes")
    if "duration_minutes" not in private and isinstance(minutes, int) and not isinstance(minutes, bool):
        facts.append(f"**Length:** {plural(minutes, 'minute')}")
    lines = [" · ".join(facts), ""]
    if "metrics" not in private:
        lines += _numbers(book, note)
    lines += _what_we_agreed(book, note, agreed, manager)
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


def _manager(book: Notebook, note: Note, private: set[str]) -> str:
    """The manager's name as the copy may show it ("" when unknown or a private key)."""
    if "manager" in private:
        return ""
    return str(note.meta.get("manager") or book.config.manager or "")


def _numbers(book: Notebook, note: Note) -> list[str]:
    """The one place the copy gives figures: this note's actuals against goal (no table
    while none is filled in: an agenda before the meeting has no numbers yet)."""
    cfg = book.config
    filled = [m for m in note.metrics if m.actual is not None]
    if not filled:
        return []
    lines = ["## Numbers", "", "| KPI | Actual | Goal | Attainment |", "| --- | ---: | ---: | ---: |"]
    for m in filled:
        kdef = cfg.kpis.get(m.name)
        unit = kdef.unit if kdef else None
        found = reading(cfg, note, m.name)
        label = kdef.title if kdef else m.name
        goal = format_number(found.goal, unit)
        if kdef and kdef.period and found.goal is not None:
            goal += f"/{kdef.period}"  # (the period's figures added up make it: no attainment alone)
        lines.append(f"| {_cell(_md(label))} | {_cell(format_number(found.value, unit))} "
                     f"| {_cell(goal)} | {format_percent(found.attainment)} |")
    return lines + [""]


def _agreed_commitments(book: Notebook, note: Note, private: set[str]) -> list[Mention]:
    """Every commitment the note holds that the rep may see (none that is private, in
    this note or any other), once each by id, in the note's order: those in the
    frontmatter (carried, or written there), then the body's tasks."""
    if "commitments" in private:
        return []
    hidden = {e.id for e in _rep_ledger(book, note.rep) if e.private}
    listed: dict[str, Mention] = {}
    for m in note.mentions:
        if not m.private and m.id not in hidden and m.id not in listed:
            listed[m.id] = m
    return list(listed.values())


def _what_we_agreed(book: Notebook, note: Note, agreed: list[Mention], manager: str) -> list[str]:
    """The rep's commitments, then the manager's: each with its due date and where it
    stands as this note closes it (done, dropped; open: new in this meeting, or when it
    was agreed)."""
    if not agreed:
        return []
    entries = {e.id: e for e in _rep_ledger(book, note.rep)}
    lines = ["## What we agreed", ""]
    whose = (("rep", "Your commitments"),
             ("manager", f"{_md(manager)}'s commitments" if manager else "Your manager's commitments"))
    for owner, heading in whose:
        mine = [m for m in agreed if (m.owner == "rep") == (owner == "rep")]
        if not mine:
            continue
        lines += [f"### {heading}", ""]
        for m in mine:
            entry = entries.get(m.id)
            # A sub-task after its parent, as every listing shows it (never after a private parent).
            label = _md(entry.label if entry is not None and m.parent else m.text)
            # As the note closes it: its review item ticked counts too.
            closing = [n for n in note.mentions if n.id == m.id]
            status = closing_status(*closing)
            if status == "done":
                lines.append(f"- [x] {label} (done)")
            elif status == "dropped":
                reason = next((n.reason for n in closing if n.status == "dropped" and n.reason), None)
                lines.append(f"- ~~{label}~~ (dropped" + (f": {_md(reason)}" if reason else "") + ")")
            else:
                due = m.due.isoformat() if m.due else m.due_raw
                since = entry.since if entry is not None else m.since
                agreed_on = "new" if since is None or since >= note.date else f"agreed {since.isoformat()}"
                lines.append(f"- [ ] {label} (" + (f"due {_md(due)}, " if due else "") + f"{agreed_on})")
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
        return read_note(book.root, rel, read_options(book.config))
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


def share_note(book: Notebook, note: Note) -> Shared:
    """The shared copy of ``note`` as Markdown; raises :class:`PrivateMarkupError`."""
    try:
        text = decode(read_bytes(book.root / note.path, MAX_NOTE_BYTES), note.path)
    except (OSError, ValueError) as exc:
        raise RefusedError(f"{note.path}: cannot read: {exc}") from None
    whole, first = _split_body(text)
    private = set(book.config.private_keys)
    keys_removed = [k for k in note.meta if k in private]
    agreed = _agreed_commitments(book, note, private)
    summary = _summary(book, note, private, agreed)
    # Each commitment once: the body's task items listed under "What we agreed" go.
    listed = {m.id for m in agreed}
    task_lines = {m.line - first for m in note.mentions if m.origin == "body" and m.id in listed}
    found: dict = {}
    body, removed, manager_only = strip_for_share(whole, note.path, first, found,
                                                  _listed_task_items(whole, task_lines))
    if found.get("later") and private_lines(whole) is not None:
        # A private part that only removing a manager-only part (or a listed task) made: its
        # tasks were not read as private, so a later note could show them.
        raise RefusedError(f"{note.path}: a private part appears only once the parts share leaves out "
                           "are removed; nothing was shared",
                           hint="put each <!-- private --> marker and '## Private' heading at the start "
                                "of a line of its own")
    body_lines = body.strip("\n").split("\n") if body.strip() else []
    title = f"One-on-one: {book.rep_name(note.rep)}, {note.date.isoformat()}"
    head: list[str]
    if body_lines and re.match(r"# \S", body_lines[0]):
        title = body_lines[0][2:].strip()
        head = [body_lines[0], ""]
        body_lines = body_lines[1:]
    else:
        head = [f"# {_md(title)}", ""]
    body_lines = _without_empty_sections("\n".join(body_lines)).split("\n")
    while body_lines and not body_lines[0].strip():
        body_lines = body_lines[1:]
    out = head + summary
    if any(line.strip() for line in body_lines):
        out += ["---", "", *body_lines]
    markdown = clean_block("\n".join(out).rstrip("\n") + "\n")
    _refuse_private_texts(book, note, text, first, markdown)
    return Shared(note, clean_block(title), markdown, removed, keys_removed, manager_only)


def _listed_task_items(body: str, task_lines: set[int]) -> list[tuple[int, int]]:
    """The (first, end) 0-based lines of the body's task items that start on ``task_lines``
    (those "What we agreed" lists), each with its sub-tasks when they go too.  An item
    goes only when all its other lines are blank or such items: a task written over
    more than one line, or with a note of its own under it, stays where it is, so that
    no word of the manager's is lost."""
    if not task_lines:
        return []
    tokens = _block_parser().parse(body)
    lines = body.split("\n")
    ranges: list[tuple[int, int]] = []

    def item(index: int) -> tuple[bool, int]:
        """(whether the list item opened at ``tokens[index]`` goes whole, the index after it);
        when it does not, those of its sub-items that go are added to ``ranges``."""
        opened = tokens[index]
        start, end = opened.map
        head = tokens[index + 1]
        goes = (start in task_lines and head.type == "paragraph_open" and head.map == [start, start + 1]
                and _TASK_ITEM.match(lines[start]) is not None)
        covered = {start}
        going: list[tuple[int, int]] = []
        i = index + 1
        while not (tokens[i].type == "list_item_close" and tokens[i].level == opened.level):
            if tokens[i].type == "list_item_open" and tokens[i].map:
                whole, after = item(i)
                if whole:
                    going.append(tuple(tokens[i].map))
                    covered.update(range(*tokens[i].map))
                i = after
            else:
                i += 1
        goes = goes and all(n in covered or not lines[n].strip() for n in range(start, min(end, len(lines))))
        if not goes:
            ranges.extend(going)
        return goes, i + 1

    i = 0
    while i < len(tokens):
        if tokens[i].type == "list_item_open" and tokens[i].map:
            whole, after = item(i)
            if whole:
                ranges.append(tuple(tokens[i].map))
            i = after
        else:
            i += 1
    return sorted(ranges)


_TASK_ITEM = re.compile(r"[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[[^\[\]]\]")


_SECTION_PARSER: list = []  # blocks and tables, made on first use


def _without_empty_sections(body: str) -> str:
    """``body`` without the headings left with nothing under them (up to the next heading
    of the same or a higher level; only empty sub-headings count as nothing) nor the
    tables with nothing in their rows: the agenda's scaffolding around the parts the
    copy leaves out.  Headings and tables at the top level only (not in a list or quote)."""
    if not _SECTION_PARSER:
        _SECTION_PARSER.append(_parser().disable("inline").enable("table"))
    tokens = _SECTION_PARSER[0].parse(body)
    blocks: list[tuple[str, int, list[int]]] = []  # (kind, heading level, lines) of the top level
    for index, tok in enumerate(tokens):
        if tok.level != 0 or tok.nesting == -1 or not tok.map:
            continue
        if tok.type == "heading_open":
            blocks.append(("heading", int(tok.tag[1]), tok.map))
        elif tok.type == "table_open" and not _table_has_text(tokens, index):
            blocks.append(("nothing", 0, tok.map))
        else:
            blocks.append(("content", 0, tok.map))
    empty = [kind == "nothing" for kind, _, _ in blocks]
    for i in range(len(blocks) - 1, -1, -1):  # from the end: a sub-heading is known before its heading
        kind, level, _ = blocks[i]
        if kind != "heading":
            continue
        empty[i] = True
        for j in range(i + 1, len(blocks)):
            if blocks[j][0] == "heading" and blocks[j][1] <= level:
                break
            if not empty[j]:
                empty[i] = False
                break
    lines = body.split("\n")
    gone = set()
    for (_, _, (a, b)), nothing in zip(blocks, empty):
        if nothing:
            gone.update(range(a, b))
    if not gone:
        return body
    out: list[str] = []
    after_gone = False
    for number, line in enumerate(lines):
        if number in gone:
            after_gone = True
            continue
        if after_gone:
            if not line.strip():
                continue  # the blank lines after what went
            if out and out[-1].strip():
                out.append("")  # what stays on either side of what went stays apart
            after_gone = False
        out.append(line)
    return "\n".join(out)


def _table_has_text(tokens: list, index: int) -> bool:
    """Whether the table opened at ``tokens[index]`` has text in any cell of its rows."""
    in_body = False
    for tok in tokens[index + 1:]:
        if tok.type == "table_close":
            return False
        if tok.type == "tbody_open":
            in_body = True
        elif in_body and tok.type == "inline" and tok.content.strip():
            return True
    return False


def _rep_ledger(book: Notebook, rep: str) -> list[Entry]:
    return build_ledger(book.notes_of(rep))


def _folded(text: str) -> str:
    """Text as compared for a private commitment's words: escapes, case and spacing aside."""
    return " ".join(text.replace("\\", "").casefold().split())


def _refuse_private_texts(book: Notebook, note: Note, text: str, body_line: int, markdown: str) -> None:
    """The last guard: refuse when the words of any of the rep's private commitments
    are in the copy (a custom template, a hand edit, a private task quoted elsewhere):
    where privacy cannot be decided, nothing is shared."""
    shared = _folded(markdown)
    for entry in _rep_ledger(book, note.rep):
        words = _folded(entry.text)
        # (A note from before the commitment was made cannot hold it: only later ones are looked at.)
        if entry.private and words and (entry.since is None or entry.since <= note.date) \
                and _holds(shared, words):
            line = _line_holding(text, body_line, words)
            where = f"{note.path}:{line}" if line else note.path
            raise RefusedError(f"{where}: this copy would hold the words of the private commitment "
                               f"{entry.id!r} (made in {entry.mentions[0][0]}) outside a private part; "
                               "nothing was shared",
                               hint="move it under a '## Private' heading or between <!-- private --> and "
                                    "<!-- /private -->")


def _holds(text: str, words: str) -> bool:
    """``words`` in ``text`` as whole words ("ask hr" is not in "task hrs")."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def _line_holding(text: str, body_line: int, words: str) -> int:
    """The first line of the note's body outside private parts that holds ``words`` (0: none alone)."""
    lines = text.split("\n")
    secret = private_lines("\n".join(lines[body_line - 1:])) or set()
    for number in range(body_line, len(lines) + 1):
        if number - body_line not in secret and _holds(_folded(lines[number - 1]), words):
            return number
    return 0


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
