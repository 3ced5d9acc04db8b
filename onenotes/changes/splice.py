"""Surgical edits of a note: change only the bytes that must change.

Python's YAML dumpers do not keep a hand-written file (comments, key order,
quoting, blank lines), so onenotes never re-dumps a note.  An edit is a list
of replacements at (line, column) spans and of whole lines inserted after a
line, located with the positions YAML's composer records for every node.
Everything else of the file, line ends (CRLF stays CRLF) and a byte-order
mark included, stays byte-identical.

After an edit the new text is parsed back and compared with the old: if
anything but the intended part reads differently, the edit is refused and the
file is left alone (:class:`EditRefused`).
"""

from __future__ import annotations

import collections
import difflib
import errno
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from onenotes.errors import ConcurrentEditError, RefusedError, WriteError
from onenotes.reading.files import ChangedOnDisk, Snapshot, read_snapshot
from onenotes.reading.note import Note, has_frontmatter, parse_note, split_frontmatter

BOM = b"\xef\xbb\xbf"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# YAML 1.1 readers break lines at these too, so node positions would not be file lines.
_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


class EditRefused(RefusedError):
    """An edit that cannot be made safely; the file was not changed."""


class Lines:
    """A file as lines that keep their own line ends; edits by line and column.

    Line and column numbers are 0-based here.  The decoded text (:meth:`text`)
    is exactly what :func:`onenotes.reading.note.decode` gives for the same bytes, so
    positions found in it are positions in the file.
    """

    def __init__(self, data: bytes):
        self.bom = data.startswith(BOM)
        text = data[3:].decode("utf-8") if self.bom else data.decode("utf-8")
        self.lines: list[list[str]] = [[m[:len(m.rstrip("\r\n"))], m[len(m.rstrip("\r\n")):]]
                                       for m in _LINE.findall(text)]
        ends = collections.Counter(end for _, end in self.lines if end)
        self.eol = ends.most_common(1)[0][0] if ends else "\n"
        self._edits: list[tuple[int, float, int, object]] = []

    def text(self) -> str:
        return "".join(content + ("\n" if end else "") for content, end in self.lines)

    def content(self, line: int) -> str:
        return self.lines[line][0]

    def replace(self, line: int, start: int, end: int, new: str) -> None:
        """Replace columns ``start:end`` of ``line`` (applied by :meth:`apply`)."""
        self._edits.append((line, start, end, new))

    def insert_after(self, line: int, new_lines: list[str]) -> None:
        """Insert whole lines after ``line`` (-1: at the top), in the file's line ends.
        Lines inserted after the same line keep the order they were queued in."""
        self._edits.append((line, float("inf"), 0, list(new_lines)))

    def apply(self) -> None:
        """Apply the pending edits, last position first, so positions stay valid (and at one
        position the last queued first, so the edits end up in the order they were queued)."""
        ordered = sorted(enumerate(self._edits), key=lambda e: (e[1][0], e[1][1], e[0]), reverse=True)
        for line, start, end, new in (edit for _, edit in ordered):
            if isinstance(new, list):
                if not new:
                    continue
                if 0 <= line < len(self.lines) and not self.lines[line][1]:
                    self.lines[line][1] = self.eol  # the last line had no line end
                added = [[text, self.eol] for text in new]
                self.lines[line + 1:line + 1] = added
            else:
                content = self.lines[line][0]
                self.lines[line][0] = content[:int(start)] + new + content[end:]
        self._edits.clear()

    def to_bytes(self) -> bytes:
        data = "".join(content + end for content, end in self.lines).encode("utf-8")
        return BOM + data if self.bom else data


@dataclass
class Change:
    """One file's edit: the bytes read and the bytes to write."""

    rel: str  # relative to the notebook
    path: Path
    old: bytes
    new: bytes
    notes: list[str] = field(default_factory=list)  # "path:line: what changed", for stderr
    new_file: bool = False  # the file does not exist yet
    read: Snapshot | None = None  # the file as read (``old`` and its identity), to replace only it

    @property
    def root(self) -> Path:
        """The notebook's folder (``path`` is ``root / rel``)."""
        return self.path.parents[self.rel.count("/")]

    def diff(self) -> str:
        """A unified diff (``a/REL``, ``b/REL``) of the change that ``git apply`` takes
        (the file's own line ends)."""
        def lines(data: bytes) -> list[str]:
            return [c + e for c, e in Lines(data).lines]
        out = []
        for line in difflib.unified_diff(lines(self.old), lines(self.new),
                                         "/dev/null" if self.new_file else f"a/{self.rel}", f"b/{self.rel}"):
            if not line.endswith(("\n", "\r")):
                line += "\n\\ No newline at end of file\n"
            out.append(line)
        return "".join(out)


def read_to_edit(path: Path, rel: str, limit: int) -> Snapshot:
    """The note at ``path`` read whole, never while another program writes it
    (:func:`onenotes.reading.files.read_snapshot`); :class:`ConcurrentEditError` when it
    keeps changing.  OSError and ValueError (too large) pass through."""
    try:
        return read_snapshot(path, limit)
    except ChangedOnDisk as exc:
        raise race_error(rel, exc) from None


def race_error(rel: str, exc: ChangedOnDisk, written: list[str] | None = None) -> ConcurrentEditError:
    """The refusal for a note another program wrote while a command was editing it."""
    message = f"{rel} {exc.why}; " + ("its version was kept; " if exc.restored else "") + "nothing written"
    if written:
        message += f" to it (already written: {', '.join(written)})"
    if exc.kept:
        message += f"; the other program's version is in {os.path.basename(exc.kept)} beside it"
    return ConcurrentEditError(message, hint="run the command again once the other program (an editor, a "
                                             "sync tool) has saved or closed the note")


def check_writable(changes: list[Change]) -> None:
    """Refuse before the first write when any file (or, for a new one, its
    folder) cannot be written, so a run does not stop half-way."""
    for change in changes:
        target = change.path.parent if change.new_file else change.path
        try:
            if target.exists() and (not os.access(target, os.W_OK) or
                                    not target.is_dir() and not target.stat().st_mode & 0o222):
                raise PermissionError(errno.EACCES, "read-only")
        except OSError as exc:
            raise WriteError(f"cannot write {change.rel}: {exc.strerror or exc}; nothing was written") from None


# ------------------------------------------------------------ YAML nodes ---

@dataclass
class Frontmatter:
    """Where the frontmatter stands in the file, and its composed YAML nodes."""

    present: bool
    first: int  # 0-based file line of the first YAML line (1 when present)
    close: int  # 0-based file line of the closing --- (or -1 when absent)
    root: yaml.Node | None


def frontmatter(lines: Lines, path: str) -> Frontmatter:
    text = lines.text()
    if not has_frontmatter(text):
        return Frontmatter(False, 0, -1, None)
    parts = split_frontmatter(text)
    if parts is None:
        raise EditRefused(f"{path}: the frontmatter is not closed; fix the note first (onenotes check)")
    yaml_text, _, body_line = parts
    if _YAML_BREAKS.search(yaml_text):
        raise EditRefused(f"{path}: the frontmatter holds unusual line-break characters; edit it by hand")
    try:
        root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        raise EditRefused(f"{path}: the frontmatter cannot be read; fix the note first (onenotes check)") from None
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise EditRefused(f"{path}: the frontmatter is not 'key: value' lines")
    if root is not None and root.flow_style:
        raise EditRefused(f"{path}: the frontmatter is one {{...}} mapping; edit it by hand")
    return Frontmatter(True, 1, body_line - 2, root)


def file_line(mark) -> int:
    """0-based file line of a YAML mark (the YAML starts on file line 1, 0-based)."""
    return mark.line + 1


def key_node(mapping: yaml.MappingNode, key: str):
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def last_line(node: yaml.Node) -> int:
    """0-based file line where a node's text ends."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark
        if end.column == 0 and end.line > node.start_mark.line:
            return file_line(end) - 1
        return file_line(end)
    if node.flow_style or not node.value:
        return file_line(node.end_mark)
    last = node.value[-1]
    return last_line(last[1] if isinstance(node, yaml.MappingNode) else last)


def single_line(node: yaml.Node) -> bool:
    return node.start_mark.line == node.end_mark.line


def styled(new: str, node: yaml.ScalarNode | None) -> str:
    """``new`` (already a YAML scalar) in the quoting of the value it replaces."""
    if node is None or node.style not in ("'", '"'):
        return new
    plain = new
    if new.startswith('"'):
        plain = yaml.safe_load(new)
    if node.style == "'":
        return "'" + plain.replace("'", "''") + "'"
    from onenotes.reading.yaml.safe import quote_string
    return quote_string(plain)


def set_scalar(lines: Lines, value: yaml.Node, new: str, path: str, key: str, keep_quotes: bool = True) -> int:
    """Replace a scalar value in place (in its quotes, if ``keep_quotes``); returns its 0-based line."""
    if not isinstance(value, yaml.ScalarNode) or not single_line(value) \
            or value.style in ("|", ">"):
        raise EditRefused(f"{path}:{file_line(value.start_mark) + 1}: {key} is not a one-line value; "
                          "edit it by hand")
    line = file_line(value.start_mark)
    start, end = value.start_mark.column, value.end_mark.column
    if start == end and value.style is None:  # "key:" with nothing after it
        new = " " + new
    elif keep_quotes:
        new = styled(new, value)
    lines.replace(line, start, end, new)
    return line


def set_keys(lines: Lines, mapping: yaml.MappingNode, values: list[tuple[str, str]], path: str,
             keep_quotes: bool = True) -> int:
    """Set ``key: value`` pairs in a mapping: in place when the key is there, else
    added after the last of them that is (or at the end of the mapping), in the
    mapping's own style.  Returns the 0-based line of the first key."""
    first_line = None
    missing: list[tuple[str, str]] = []
    anchor = None
    for key, new in values:
        found = key_node(mapping, key)
        if found is None:
            missing.append((key, new))
            continue
        line = set_scalar(lines, found[1], new, path, key, keep_quotes)
        anchor = max(anchor if anchor is not None else -1, last_line(found[1]))
        first_line = line if first_line is None else first_line
    if missing:
        if mapping.flow_style:
            end = mapping.end_mark
            line = file_line(end)
            column = end.column - 1
            if lines.content(line)[column:column + 1] != "}":
                raise EditRefused(f"{path}:{line + 1}: cannot find the end of the {{...}} mapping; "
                                  "edit it by hand")
            sep = ", " if mapping.value else ""
            lines.replace(line, column, column, sep + ", ".join(f"{k}: {v}" for k, v in missing))
            first_line = line if first_line is None else first_line
        else:
            if not mapping.value:
                raise EditRefused(f"{path}: an empty mapping; edit it by hand")
            column = mapping.value[0][0].start_mark.column
            if anchor is None:
                anchor = last_line(mapping.value[-1][1])
            lines.insert_after(anchor, [" " * column + f"{k}: {v}" for k, v in missing])
            first_line = anchor + 1 if first_line is None else first_line
    return first_line


# ------------------------------------------------------------- helpers ---

def parse_again(lines: Lines, note: Note, options) -> Note:
    """The edited text, parsed as the same note."""
    from onenotes.errors import NoteError
    try:
        return parse_note(lines.text(), note.path, note.rep, note.date, note.seq, options)
    except NoteError as exc:
        raise EditRefused(f"{note.path}: the edit would make the note unreadable "
                          f"({exc.problem.message}); nothing was changed") from None


def problem_codes(note: Note) -> collections.Counter:
    return collections.Counter((p.severity, p.code) for p in note.problems)


def same_except(old: dict, new: dict, keys: tuple[str, ...]) -> bool:
    """Do two frontmatter mappings hold the same, leaving out ``keys``?"""
    return {k: v for k, v in old.items() if k not in keys} == \
        {k: v for k, v in new.items() if k not in keys}


def block_indent(root: yaml.MappingNode | None) -> int:
    """The indentation the frontmatter uses for nested blocks (2 when it has none)."""
    if root is None:
        return 2
    for _, value in root.value:
        if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value:
            return value.value[0][0].start_mark.column
        if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
            return value.start_mark.column
    return 2
