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

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

from onenotes.errors import BadInputError, RefusedError
from onenotes.note import MAX_NOTE_BYTES, Note, decode, has_frontmatter, split_frontmatter
from onenotes.notebook import NOTE_NAME, Notebook, note_identity, read_bytes, read_note
from onenotes.output import clean_block, format_number
from onenotes.text import plural
from onenotes.ledger import Entry, build_ledger, closing_status
from onenotes.privacy import PrivateMarkupError, _parser, private_lines, strip_private  # noqa: F401 (PrivateMarkupError: share's error)

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
        facts.append(f"**Length:** {plural(minutes, 'minute')}")
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
    entries = _rep_ledger(book, note.rep)
    hidden = {e.id for e in entries if e.private}
    # A sub-task after its parent, as every listing shows it (never after a private parent).
    labels = {e.id: e.label for e in entries}
    mentions = [m for m in note.mentions if m.origin == "frontmatter" and not m.private and m.id not in hidden]
    if mentions and "commitments" not in private:
        lines += ["## Commitments", ""]
        for m in mentions:
            who = rep_name if m.owner == "rep" else (manager or "manager")
            due = m.due.isoformat() if m.due else m.due_raw
            detail = f" ({_md(who)}" + (f", due {_md(due)}" if due else "") + ")"
            # As the note closes it: its review item ticked counts too.
            status = closing_status(*(n for n in note.mentions if n.id == m.id))
            label = labels.get(m.id, m.text) if m.parent else m.text
            if status == "done":
                lines.append(f"- [x] {_md(label)}{detail}")
            elif status == "dropped":
                lines.append(f"- ~~{_md(label)}~~{detail}, dropped")
            else:
                lines.append(f"- [ ] {_md(label)}{detail}")
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
    _refuse_private_texts(book, note, text, first, markdown)
    return Shared(note, clean_block(title), markdown, removed, keys_removed)


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
