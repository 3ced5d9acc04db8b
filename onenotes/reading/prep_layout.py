"""The layout of a rep's prep form: its text split into frontmatter and sections, by line.

A prep form (``onenotes prep``) is Markdown with frontmatter that travels by
mail and through any editor and comes back filled in.  This module reads its
*shape* only, knowing nothing of the notebook: the frontmatter (parsed by the
safe YAML loader), the title, the instructions, and the lines of each section,
each with its line number in the file.  :mod:`onenotes.reading.prep_form` then
reads what the lines mean against the notebook.

What the trip through a mail client or an editor may do to a form, and what
is accepted:

* UTF-8 with or without a byte-order mark, or UTF-16 with one (Notepad's
  "Unicode"); CRLF or lone CR line ends.
* Every line quoted by a reply (``> ``, ``> > ``): the quoting the first line
  has is taken off every line that has it (lines a rep typed between quoted
  ones keep theirs).
* Blank lines before the opening ``---``.
* No-break, thin and figure spaces, tabs and zero-width characters around the
  form's own words; curly quotes; ``•`` or ``–`` bullets instead of ``-``.
* Long lines wrapped: a KPI line's figure on the line below, a commitment's
  heading continued on the next line.

Everything else that does not fit is a :class:`~onenotes.errors.Problem` with
its line; nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from onenotes.errors import Problem

FORM_KIND = "onenotes-prep"
FORM_VERSION = 1
MAX_FORM_BYTES = 256 * 1024  # a filled form is a few KiB
MAX_LINE_CHARS = 4000

# The sections of a form, by key: the heading text (level 2), in the form's order.
SECTIONS = {
    "numbers": "My numbers this week",
    "commitments": "My commitments",
    "wins": "Wins this week",
    "help": "Where I need help",
    "calls": "My most important calls this week",
    "confidence": "How sure I am of each goal, from 1 to 5",
}
FREE_SECTIONS = ("wins", "help", "calls")  # written in the rep's own words

# The instructions under the title, in a rep's words (the same for every form of a
# version: a form read back is compared with them, so text added there is noticed).
INSTRUCTIONS = (
    "Please fill this in before we meet and send it back, by reply or as a file.",
    "We will go through it together in the meeting.",
    "",
    "- Numbers: after each colon, write this week's figure in digits, with a",
    "  decimal point if you need one: 18900 or 27.5. No commas, no currency or",
    "  % signs. Leave it empty if you do not have the figure yet.",
    "- Commitments: put an x in the box, [x], of each one you have done. If one",
    "  needs more time, write the date you can do it by after \"New date:\",",
    "  like 2026-12-04. We agree on it in the meeting.",
    "- Wins: what went well this week: a deal, a call, something you did",
    "  differently.",
    "- Where I need help: deals, people to reach, resources, anything on your",
    "  mind.",
    "- Calls: for each, the account, when, what a good outcome is, and whether",
    "  you would like me to join.",
    "- Under those three, write as much as you like, one point per line, each",
    "  starting with \"- \".",
    "- How sure you are: for each goal, a number from 1 (not at all) to 5",
    "  (certain).",
    "",
    "Keep the headings (the lines starting with #) and the lines between the",
    "two \"---\" at the top as they are.",
)
BOX_TEXT = "Done"
NEW_DATE = "New date:"

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_QUOTE = re.compile(r"^[ \t]*>[ \t]?")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^( *)(?:[-*+\u2022\u2013]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_CLOSING = ("---", "...")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\t": " ",
                         "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def plain(text: str) -> str:
    """A line as the form's own words are compared: NFC, no zero-width or other format
    characters, odd spaces and tabs as spaces, curly quotes straight, blanks collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_SPACES)
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The words of the form's own text, compared without case."""
    return plain(text).casefold().split()


def heading_of(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, or None."""
    m = _HEADING.match(line.translate(_SPACES).replace("\ufeff", ""))
    if m is None:
        return None
    return len(m.group(1)), plain(m.group(2) or "")


def section_key(text: str) -> str | None:
    """The section a level-2 heading opens, by its words (case, blanks and a final colon
    aside), or None."""
    wanted = plain(text).rstrip(":").strip().strip("*_").strip().casefold()
    return next((key for key, title in SECTIONS.items() if title.casefold() == wanted), None)


@dataclass
class Section:
    key: str
    line: int  # the heading's line
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text) under it


@dataclass
class Layout:
    """A form's text split up: what :func:`read_layout` found, and the problems it met."""

    name: str
    front: dict | None = None  # the frontmatter (a LineDict), None when it cannot be read
    front_line: int = 0  # the opening ``---``
    preamble: list[tuple[int, str]] = field(default_factory=list)  # under the title, before a section
    sections: dict[str, Section] = field(default_factory=dict)
    renamed: dict[str, int] = field(default_factory=dict)  # section -> line of a heading that is it, changed
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int, code: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.name, line, 0, "error", code, message, hint))


def decode_form(data: bytes, name: str) -> str:
    """The form's text with ``\\n`` line ends; ValueError (with the line) when it is not
    UTF-8 text, or UTF-16 with its byte-order mark (Windows Notepad's "Unicode")."""
    from onenotes.errors import NoteError
    from onenotes.reading.note import decode

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeError:
            raise ValueError(f"{name}: not valid UTF-16 text") from None
    try:
        return decode(data, name)
    except NoteError as exc:
        raise ValueError(exc.problem.format()) from None


def unquote(lines: list[str]) -> list[str]:
    """The lines with a mail reply's quoting taken off: as many ``>`` as the first
    non-blank line has, from each line that has them."""
    first = next((line for line in lines if line.strip()), "")
    depth = 0
    rest = first
    while (m := _QUOTE.match(rest)) is not None:
        depth, rest = depth + 1, rest[m.end():]
    if depth == 0 or rest.strip() != "---":
        return lines
    out = []
    for line in lines:
        for _ in range(depth):
            m = _QUOTE.match(line)
            if m is None:
                break
            line = line[m.end():]
        out.append(line)
    return out


def read_layout(text: str, name: str) -> Layout:
    """Split a form's text (``\\n`` line ends) into its parts; never raises."""
    layout = Layout(name)
    lines = unquote(text.split("\n"))
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_CHARS:
            layout.problem(number, "prep-long-line", f"line {number} is {len(line):,} characters long, "
                           f"over the {MAX_LINE_CHARS:,} a form's line may have",
                           "break it into shorter points, one per line")
            lines[number - 1] = ""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        layout.problem(1, "prep-empty", "the file is empty", "give the form the rep sent back")
        return layout
    if plain(lines[start]) != "---":
        found = next((i for i, line in enumerate(lines) if plain(line) == "---"), None)
        if found is not None and any(plain(line).startswith("form:") for line in lines[found:found + 8]):
            layout.problem(start + 1, "prep-start", "the form does not start with its '---' line",
                           f"delete the lines above line {found + 1}")
        else:
            layout.problem(start + 1, "prep-not-a-form", "this is not a prep form (it does not start with "
                           "'---' and 'form: onenotes-prep')", "make one with `onenotes prep REP`")
        return layout
    close = next((i for i in range(start + 1, len(lines)) if plain(lines[i]) in _CLOSING), None)
    if close is None or any(heading_of(lines[i]) for i in range(start + 1, close)):
        layout.problem(start + 1, "prep-frontmatter", "the block between the two '---' lines at the top "
                       "is not closed", "put back the second '---' line, above the title")
        return layout
    layout.front_line = start + 1
    _read_front(layout, "\n".join(lines[start + 1:close]), start + 1)
    _read_body(layout, lines, close + 1)
    return layout


def _read_front(layout: Layout, text: str, offset: int) -> None:
    from onenotes.reading.yaml.safe import LineDict, YamlProblem, load_yaml

    try:
        front = load_yaml(text, offset)
    except YamlProblem as exc:
        layout.problem(exc.line or offset, "prep-frontmatter", f"the lines between the '---' at the top "
                       f"cannot be read: {exc.message}", "put them back as the form had them")
        return
    except RecursionError:  # pragma: no cover - the loader caps nesting first
        layout.problem(offset, "prep-frontmatter", "the lines between the '---' at the top are nested too deep")
        return
    if front is None:
        front = LineDict()
        front.line = offset
    if not isinstance(front, dict):
        layout.problem(offset + 1, "prep-frontmatter", "the lines between the '---' at the top are not "
                       "'key: value' lines", "put them back as the form had them")
        return
    layout.front = front


def _read_body(layout: Layout, lines: list[str], start: int) -> None:
    """The title, the instructions and the sections, by their headings."""
    current: Section | None = None
    fence: str | None = None
    titled = False
    for i in range(start, len(lines)):
        number, line = i + 1, lines[i]
        opened = _FENCE.match(line)
        if fence is not None or opened:  # code: lines of the section, never headings
            if fence is None:
                fence = opened.group(1)[0] * 3
            elif line.strip().startswith(fence):
                fence = None
        heading = None if fence is not None or opened else heading_of(line)
        if heading is not None and heading[0] <= 2:
            level, text = heading
            if level == 1 and current is None and not titled:
                titled = True
                continue
            key = section_key(text) if level == 2 else None
            if key is None:
                meant = _meant(text, layout) if len(layout.problems) < 20 else None  # (a file of headings: fast)
                layout.problem(number, "prep-heading", f"the heading {text!r} is not one of the form's"
                               + (f": is it '## {SECTIONS[meant]}', changed?" if meant else ""),
                               "keep the form's headings as they are; write your words under them")
                if meant:
                    layout.renamed[meant] = number
                current = Section("", number)  # its lines are not read: the heading is refused
                continue
            if key in layout.sections:
                layout.problem(number, "prep-heading", f"the section {SECTIONS[key]!r} is here a second "
                               f"time (first on line {layout.sections[key].line})",
                               "keep one of them, with all its answers")
                current = Section("", number)
                continue
            current = layout.sections[key] = Section(key, number)
            continue
        if current is None:
            layout.preamble.append((number, line))
        else:
            current.lines.append((number, line))


_COMMON = frozenset({"my", "i", "am", "this", "week", "the", "of", "a", "to", "from", "each"})


def _meant(text: str, layout: Layout) -> str | None:
    """The section a heading that is not one of the form's was, by its words: the one
    missing so far that shares the most words with it."""
    import difflib

    said = set(words(text)) - _COMMON
    best, score = None, 0.0
    for key, title in SECTIONS.items():
        if key in layout.sections or key in layout.renamed:
            continue
        shared = len(said & set(words(title))) / max(len(said), 1)
        ratio = max(shared, difflib.SequenceMatcher(None, plain(text).casefold(), title.casefold()).ratio())
        if ratio > score:
            best, score = key, ratio
    return best if score >= 0.6 else None


def free_entries(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The points a rep wrote in a section of their own words, each as (line, text on one
    line): a list item with the lines wrapped or nested under it (nested items after
    ``; ``), a paragraph, a heading's text, or a paragraph of code.  Empty items, blank
    lines, rules (``---``) and code fences only separate points."""
    entries: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    fence: str | None = None

    def start(number: int, text: str) -> list[str]:
        parts = [text]
        entries.append((number, parts))
        return parts

    for number, raw in lines:
        line = raw.translate(_SPACES)
        text = plain(line)
        if fence is not None and line.strip().startswith(fence):
            fence = current = None
            continue
        if fence is None and (opened := _FENCE.match(line)):
            fence, current = opened.group(1)[0] * 3, None
            continue
        if not text:
            current = None
            continue
        if fence is None:
            if _THEMATIC.match(line):
                current = None
                continue
            item = _ITEM.match(line)
            if item is not None:
                inner = plain(item.group(2) or "")
                if len(item.group(1)) >= 2 and current is not None:  # nested under the open point
                    if inner:
                        current.append("; " + inner)
                    continue
                current = start(number, inner) if inner else None
                continue
            heading = heading_of(line)
            if heading is not None:
                if heading[1]:
                    start(number, heading[1])  # a heading's text is a point of its own
                current = None
                continue
        if current is not None:
            current.append(" " + text)
        else:
            current = start(number, text)
    return [(number, "".join(parts)) for number, parts in entries]
