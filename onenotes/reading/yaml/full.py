"""The full YAML loader: PyYAML's C parser with the strict resolvers and constructor.

:func:`onenotes.reading.yaml.safe.load_yaml` checks the size and nesting of the text,
tries the checked fast path of :mod:`onenotes.reading.yaml.fast`, and only then imports
this module (and with it PyYAML) to load what the fast path declines.  Its
errors are the ones users see: :class:`~onenotes.reading.yaml.types.YamlProblem` with
the file line and column.
"""

from __future__ import annotations

import re

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.parser import Parser as _PyParser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from onenotes.text import plural
from onenotes.reading.yaml.types import GENERIC_HINT, LineDict, LineList, YamlProblem


class _PurePythonParser(Reader, Scanner, _PyParser, Composer):
    """PyYAML's pure-Python parser: the fallback, and the second opinion on
    what libyaml wrongly refuses (see :func:`load`)."""

    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        _PyParser.__init__(self)
        Composer.__init__(self)


try:  # libyaml's C parser (the fast one)
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on the PyYAML build
    _Parser = _PurePythonParser  # type: ignore[misc]


class _AliasProblem(YamlProblem):
    """An alias was met; :func:`load` moves the position to the ``*name``."""


class _Resolver(BaseResolver):
    """Implicit types close to the YAML 1.2 core schema."""


_Resolver.yaml_implicit_resolvers = {}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+]?[0-9]+)?
            |[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null",
    re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""],
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"""^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}
            |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}
             (?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
             (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$""",
        re.X,
    ),
    list("0123456789"),
)


class _Constructor(SafeConstructor):
    line_offset = 0

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasProblem(
                "YAML aliases (*name) are not allowed in notes",
                node.start_mark.line + 1 + self.line_offset,
                node.start_mark.column + 1,
                hint="write the value out in full",
            )
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, LookupError, AttributeError, TypeError, OverflowError):
            # An explicit tag on a value it cannot build: "!!int abc", "!!bool maybe".
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            value = node.value if isinstance(node.value, str) else "this value"
            raise YamlProblem(
                f"cannot read {value[:40]!r} as {tag}",
                node.start_mark.line + 1 + self.line_offset,
                node.start_mark.column + 1,
                hint="remove the tag, or write a value of that type",
            ) from None

    def construct_note_mapping(self, node):
        if not isinstance(node, yaml.MappingNode):  # pragma: no cover - tag misuse
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        data = LineDict()
        data.line = node.start_mark.line + 1 + self.line_offset
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1 + self.line_offset
            try:
                hash(key)
            except TypeError:
                raise YamlProblem(
                    "a key must be a plain value, not a list or mapping",
                    line,
                    key_node.start_mark.column + 1,
                ) from None
            if key in data:
                raise YamlProblem(
                    f"duplicate key {key!r} (first on line {data.key_lines[key]})",
                    line,
                    key_node.start_mark.column + 1,
                    hint="keep one of them",
                )
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = line
        return data

    def construct_note_seq(self, node):
        items = LineList(self.construct_object(child, deep=True) for child in node.value)
        items.lines = [child.start_mark.line + 1 + self.line_offset for child in node.value]
        return items

    def construct_lenient_int(self, node):
        # Python refuses to convert more than 4300 digits: keep such a run of
        # digits as text, so the caller reports "not a number" at its line.
        try:
            return SafeConstructor.construct_yaml_int(self, node)
        except ValueError:
            if _LONG_DIGITS.fullmatch(str(node.value)):
                return node.value
            raise

    def construct_lenient_timestamp(self, node):
        # 2026-02-30 matches the pattern but is no date: keep the text, so the
        # caller can report it at its line instead of PyYAML's bare ValueError.
        try:
            return SafeConstructor.construct_yaml_timestamp(self, node)
        except (ValueError, OverflowError):
            return node.value


_Constructor.add_constructor("tag:yaml.org,2002:map", _Constructor.construct_note_mapping)
_Constructor.add_constructor("tag:yaml.org,2002:seq", _Constructor.construct_note_seq)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_lenient_timestamp)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_lenient_int)
_LONG_DIGITS = re.compile(r"[-+]?[0-9]+")


class _Loader(_Parser, _Constructor, _Resolver):
    def __init__(self, stream, line_offset=0):
        _Parser.__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)
        self.line_offset = line_offset


class _PurePythonLoader(_PurePythonParser, _Constructor, _Resolver):
    def __init__(self, stream, line_offset=0):
        _PurePythonParser.__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)
        self.line_offset = line_offset


def _libyaml_tab_quirk(exc: yaml.MarkedYAMLError) -> bool:
    """libyaml refuses a tab that starts a block scalar's content line (after the
    indentation spaces); YAML allows it and PyYAML's own parser reads it."""
    return _Parser is not _PurePythonParser and "block scalar" in str(exc.context) \
        and "tab character where an indentation space is expected" in str(exc.problem)


def _first_alias(text: str):
    """The mark of the first ``*alias`` in ``text``, or None."""
    parser = _Parser(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return None


_HINTS = (
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("mapping values are not allowed", "put a value containing ': ' in double quotes"),
    ("could not find expected ':'", "each line needs 'key: value'; quote a value with special characters"),
    ("found undefined tag handle", "remove the '!' tag"),
    ("while scanning an alias", "'*' starts an alias in YAML: quote the value"),
    ("while scanning an anchor", "'&' starts an anchor in YAML: quote the value"),
    ("found character '@'", "'@' and '`' cannot start a value: quote it"),
    ("found character '`'", "'@' and '`' cannot start a value: quote it"),
)


# ------------------------------------------------------- hints that fit ---
# libyaml's messages name what its parser expected, not what the person did: an
# over-indented "calls: 40" is "mapping values are not allowed here", the same as
# "text: Call Ann: VIP".  The lines around the error tell the mistakes apart.

class _Line:
    """One line of YAML as far as its indentation goes: the columns it opens, whether the
    lines below it may be indented deeper, and how to name it in a hint."""

    __slots__ = ("number", "columns", "opens")

    def __init__(self, number: int, columns: list, opens: bool) -> None:
        self.number = number  # the file line
        self.columns = columns  # [(column, "key" or "item", how to name it)], left to right
        self.opens = opens  # ends with "key:" or "-": what follows may be indented deeper


_ITEM = re.compile(r"( *)-(?: +|$)")
_KEY = re.compile(r"""([A-Za-z0-9_][\w .-]*|"[^"]*"|'[^']*'):(?: +|$)""")


def _read_line(text: str, number: int) -> _Line | None:
    """The :class:`_Line` of ``text``; None for a blank line, a comment, or a line of another
    kind (the continuation of a text, a flow collection's), which opens no column."""
    stripped = text.strip()
    if not stripped or stripped.startswith("#") or "\t" in text[:len(text) - len(text.lstrip())]:
        return None
    columns = []
    item = _ITEM.match(text)
    at = item.end() if item else len(text) - len(text.lstrip(" "))
    if item and (at == len(text) or text[at:].lstrip().startswith("#")):
        return _Line(number, [(len(item.group(1)), "item", "'-'")], True)
    key = _KEY.match(text, at)
    if item:
        label = f"'- {key.group(1)}:'" if key else f"'- {text[at:].strip()[:20]}'"
        columns.append((len(item.group(1)), "item", label))
    if key is None:
        return _Line(number, columns, False) if columns else None
    columns.append((at, "key", f"'{key.group(1)}:'"))
    value = text[key.end():].strip()
    return _Line(number, columns, not value or value.startswith("#"))


def indentation_hint(lines: list[str], index: int, line_offset: int = 0) -> str | None:
    """A hint for line ``index`` (0-based) of ``lines`` when its indentation does not fit the
    lines above it: what to indent it to, like which line (``line_offset``: file lines
    before ``lines``).  None when it fits (the mistake is another one) or the line is no
    'key: value' or list item line."""
    here = _read_line(lines[index], index + 1 + line_offset)
    if here is None:
        return None
    column, kind, _ = here.columns[0]
    # The lines above that contain this one: each opens a column left of the ones below it.
    above, previous, limit = [], None, None
    for j in range(index - 1, -1, -1):
        line = _read_line(lines[j], j + 1 + line_offset)
        if line is None:
            if previous is None and lines[j].strip() and not lines[j].strip().startswith("#"):
                return None  # the line above is text of some other kind: no judging
            continue
        if previous is None:
            previous = line
        for col, what, label in reversed(line.columns):
            if limit is None or col < limit:
                above.append((col, what, f"line {line.number} ({label})"))
                limit = col
        if limit == 0:
            break
    if not previous:
        return None
    opened = previous.columns[-1][0]
    if previous.opens and (column > opened or column == opened and kind == "item"):
        return None  # the first line of the block the line above opens
    same = [(col, like) for col, what, like in above if what == kind]
    if any(col == column for col, _ in same):
        return None  # lined up with a line above it of its kind: the indentation is not the mistake
    if above and above[-1][0] > 0 and column < above[-1][0]:
        return f"{above[-1][2]} is indented {plural(above[-1][0], 'space')}: start the top level in the first column"
    if not same:
        return None
    deeper = [choice for choice in same if choice[0] > column]
    shallower = [choice for choice in same if choice[0] < column]
    choices = ([deeper[-1]] if deeper else []) + ([shallower[0]] if shallower else [])
    said = " or ".join((f"indent it {plural(col, 'space')}" if col else "start it in the first column")
                       + f", like {like}" for col, like in choices)
    return f"this line is indented {plural(column, 'space')}: {said}"


_NO_SPACE = re.compile(r" *(?:- +)?[A-Za-z_][\w-]*:[^\s:/]")


def _missing_space_hint(lines: list[str], index: int, line_offset: int) -> str | None:
    """A hint when the line above ``index`` is 'key:value' without a space (YAML reads it
    as text, and the next 'key: value' as its continuation)."""
    for j in range(index - 1, -1, -1):
        if lines[j].strip() and not lines[j].strip().startswith("#"):
            line = lines[j]
            if _NO_SPACE.match(line) and ": " not in line:
                key = line.split(":", 1)[0].strip().lstrip("- ")
                return f"put a space after '{key}:' on line {j + 1 + line_offset}"
            return None
    return None


def _no_colon_line(lines: list[str], index: int) -> int | None:
    """The line (0-based) before ``index`` that holds neither 'key:' nor a list item, which
    libyaml reports on the line after it ("could not find expected ':'")."""
    for j in range(index - 1, -1, -1):
        stripped = lines[j].strip()
        if stripped and not stripped.startswith("#"):
            return j if ":" not in stripped and not stripped.startswith("-") else None
    return None


def _hint(problem: str, lines: list[str], index: int, line_offset: int) -> tuple[str | None, int, int | None]:
    """(the hint that fits the mistake, the 0-based line and the 1-based column it is at, or
    None to keep libyaml's) for libyaml's ``problem`` on line ``index`` of ``lines``, which
    start after ``line_offset`` lines of the file."""
    if 0 <= index < len(lines):
        if "could not find expected ':'" in problem:
            culprit = _no_colon_line(lines, index)
            if culprit is not None:
                return ("this line has no ':': write it as 'key: value', or join it to the line above "
                        "if it goes on from there"), culprit, 0
        hint = indentation_hint(lines, index, line_offset)
        if hint:  # the mistake is the indentation: point at its end
            return hint, index, len(lines[index]) - len(lines[index].lstrip(" ")) + 1
        hint = _missing_space_hint(lines, index, line_offset)
        if hint:
            return hint, index, None
    return next((h for needle, h in _HINTS if needle in problem), None), index, None


def load(text: str, line_offset: int = 0):
    """Parse one YAML document with PyYAML; raise :class:`YamlProblem` with file positions.

    The size and nesting guards of :func:`onenotes.reading.yaml.safe.load_yaml` must have run.
    """
    loader = None
    try:
        try:
            loader = _Loader(text, line_offset)
            return loader.get_single_data()
        except yaml.MarkedYAMLError as exc:
            if not _libyaml_tab_quirk(exc):
                raise
            loader.dispose()
            loader = _PurePythonLoader(text, line_offset)
            return loader.get_single_data()
    except _AliasProblem as exc:
        mark = _first_alias(text)
        if mark is not None:
            exc.line, exc.column = mark.line + 1 + line_offset, mark.column + 1
        raise
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else line_offset + 1
        column = mark.column + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        if isinstance(exc, ConstructorError) and "constructor for the tag" in str(problem):
            tag = problem.split("tag", 1)[-1].strip().strip("'").replace("tag:yaml.org,2002:", "!!")
            raise YamlProblem(f"YAML tag {tag} is not allowed", line, column,
                              hint="remove the tag; notes hold plain values only") from None
        text_all = str(exc)
        lines = text.split("\n")
        index = line - line_offset - 1
        if 0 <= index < len(lines):
            indent = lines[index][: len(lines[index]) - len(lines[index].lstrip(" \t"))]
            if "\t" in indent:
                raise YamlProblem("tab character in the indentation", line,
                                  indent.index("\t") + 1, hint="indent with spaces, not tabs") from None
        hint, at, at_column = _hint(text_all, lines, index, line_offset)
        if at_column is not None:  # the mistake is elsewhere than libyaml's mark
            line, column = at + line_offset + 1, at_column
        raise YamlProblem(f"invalid YAML: {problem}", line, column, hint or GENERIC_HINT) from None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        position = getattr(exc, "position", None)
        line = line_offset + 1 + (text.count("\n", 0, position) if position is not None else 0)
        raise YamlProblem("the frontmatter holds a control character that YAML does not allow",
                          line, hint="delete it, or write the value in double quotes with an escape") from None
    except (ValueError, LookupError, AttributeError, TypeError, OverflowError):  # pragma: no cover
        # A constructor failing outside construct_object (the generators of !!omap and the like).
        raise YamlProblem("the frontmatter holds a value YAML cannot build", line_offset + 1,
                          hint="remove '!!' tags from the values") from None
    except RecursionError:  # pragma: no cover - guarded by MAX_NESTING
        raise YamlProblem("frontmatter is nested too deeply", line_offset + 1) from None
    finally:
        if loader is not None:
            loader.dispose()
