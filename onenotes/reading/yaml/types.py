"""What the YAML loaders give and raise: the containers that remember file lines, and the problem.

Both loaders (:mod:`onenotes.reading.yaml.fast` and :mod:`onenotes.reading.yaml.full`)
build these and :mod:`onenotes.reading.yaml.safe`, their entry point, hands them on;
this module imports neither, so the three depend on it one way.
"""

from __future__ import annotations

MAX_NESTING = 64  # deeper nesting is refused before any parser sees the text


class YamlProblem(Exception):
    """A YAML document that cannot be accepted: message, 1-based line and column."""

    def __init__(self, message: str, line: int = 0, column: int = 0, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


class LineDict(dict):
    """A dict that remembers where it and each of its keys stand in the file."""

    __slots__ = ("line", "key_lines")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines: dict = {}

    def line_of(self, key, default: int = 0) -> int:
        return self.key_lines.get(key, default or self.line)

    def __reduce__(self):  # keep positions when pickled (for caches)
        return (_rebuild_linedict, (dict(self), self.line, self.key_lines))


def _rebuild_linedict(data, line, key_lines):
    d = LineDict(data)
    d.line = line
    d.key_lines = key_lines
    return d


class LineList(list):
    """A list that remembers the file line of each item."""

    __slots__ = ("lines",)

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def __reduce__(self):
        return (_rebuild_linelist, (list(self), self.lines))


def _rebuild_linelist(items, lines):
    result = LineList(items)
    result.lines = lines
    return result


GENERIC_HINT = ("check this line's 'key: value' and indentation; put a value with special "
                "characters in double quotes")
