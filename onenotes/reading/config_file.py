"""Reading the notebook's ``onenotes.yaml``: the file, its YAML, how its figures were typed.

The file follows the same YAML rules as notes (see :mod:`onenotes.reading.yaml.safe`)
and is optional: without it, every setting takes its default.  What the settings
mean and which values are valid is :mod:`onenotes.rules.config`.

The YAML loader and the figure reader are imported only when a file is read (a
warm run takes the config from the cache).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from onenotes.errors import NoteError
from onenotes.rules.config import CONFIG_NAME, Config, GoalText, build_config, config_error

if TYPE_CHECKING:
    from onenotes.reading.note import ReadOptions

MAX_CONFIG_BYTES = 256 * 1024


def load_config(root: str | os.PathLike) -> Config:
    """Read ``root/onenotes.yaml``; defaults when it does not exist; :class:`ConfigError` when wrong."""
    from onenotes.reading.note import decode
    from onenotes.reading.yaml.safe import LineDict, YamlProblem, load_yaml

    path = os.path.join(root, CONFIG_NAME)
    try:
        if not os.path.isfile(path):
            return Config()
        with open(path, "rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise config_error(path, 0, 0, f"cannot read: {exc.strerror}", "check the file's permissions") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise config_error(path, 0, 0, f"over {MAX_CONFIG_BYTES // 1024} KiB; is this the right file?",
                           "onenotes.yaml holds a few settings: start again from 'onenotes init'")
    try:
        text = decode(data, path)
        raw = load_yaml(text, 0)
    except NoteError as exc:
        raise config_error(path, exc.problem.line, exc.problem.column, exc.problem.message,
                           exc.problem.hint) from None
    except YamlProblem as exc:
        raise config_error(path, exc.line, exc.column, exc.message, exc.hint) from None
    if raw is None:
        raw = LineDict()
    if not isinstance(raw, dict):
        raise config_error(path, 1, 0, "onenotes.yaml must be 'key: value' settings",
                           "see docs/format.md for the settings")
    _no_split_figures(path, raw, text)
    return build_config(path, raw, _TypedIn(text))


def read_options(config: Config) -> ReadOptions:
    """What parsing a note needs from the config: its extra date formats and time zone."""
    from onenotes.reading.note import ReadOptions

    return ReadOptions(config.date_formats, config.timezone)


class _TypedIn(GoalText):
    """How the goals were typed in ``text``, the file's YAML."""

    def __init__(self, text: str) -> None:
        self.text = text

    def hint(self, typed: str) -> str | None:
        from onenotes.reading.figures import figure_hint

        return figure_hint(typed)

    def doubt(self, value: float, line: int, key):
        from onenotes.reading.figures import misread_thousands

        return misread_thousands(value, self.text, line, key)


def _no_split_figures(path: str, value, text: str) -> None:
    """A ConfigError for a figure that YAML split at its comma in a flow mapping
    (``revenue: {kind: output, goal: 20,5}`` reads as goal 20 and a key 5)."""
    if isinstance(value, list):
        for item in value:
            _no_split_figures(path, item, text)
        return
    if not isinstance(value, dict):
        return
    if None in value.values():  # (a piece has no value)
        from onenotes.reading.figures import comma_splits, figure_hint, typed_at

        for key in comma_splits(value):
            line = value.line_of(key)
            typed = typed_at(text, line, key)
            raise config_error(path, line, 0, f"{key}: {typed if typed else 'the figure'} is not a number "
                               "(YAML splits it at the comma)",
                               (figure_hint(typed) if typed else None) or "write a plain number such as 25000 or 27.5")
    for item in value.values():
        _no_split_figures(path, item, text)
