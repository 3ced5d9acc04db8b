"""The full YAML loader: PyYAML's C parser with the strict resolvers and constructor.

:func:`onenotes.yamlsafe.load_yaml` checks the size and nesting of the text,
tries the checked fast path of :mod:`onenotes.yamlfast`, and only then imports
this module (and with it PyYAML) to load what the fast path declines.  Its
errors are the ones users see: :class:`~onenotes.yamlsafe.YamlProblem` with
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

from onenotes.yamlsafe import GENERIC_HINT, LineDict, LineList, YamlProblem


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


def load(text: str, line_offset: int = 0):
    """Parse one YAML document with PyYAML; raise :class:`YamlProblem` with file positions.

    The size and nesting guards of :func:`onenotes.yamlsafe.load_yaml` must have run.
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
        hint = next((h for needle, h in _HINTS if needle in text_all), None)
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
