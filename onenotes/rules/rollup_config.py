"""``rollup.yaml``: the notebooks a director's roll-up reads, validated.

::

    title: Central region            # optional: the roll-up's heading
    notebooks:
      - name: West                   # optional: default, the folder's name
        path: west                   # the notebook's folder (a git clone), relative to this file
        remote: ../remotes/west.git  # optional: where `rollup --pull` clones it from when it is missing

The same YAML rules as ``onenotes.yaml`` (values mean what was typed,
duplicate keys refused); unknown keys are errors with a did-you-mean, and
every error names its line.  Reading the file is :mod:`onenotes.reading.rollup`'s;
this module only checks what it holds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from onenotes.errors import BadInputError, ConfigError, Problem
from onenotes.rules.config import _did_you_mean

ROLLUP_NAME = "rollup.yaml"
TOP_KEYS = ("title", "notebooks")
NOTEBOOK_KEYS = ("name", "path", "remote")


@dataclass(frozen=True)
class RollupEntry:
    """One notebook of the roll-up: its name, its folder, and where to clone it from."""

    name: str
    path: str  # absolute
    remote: str | None = None
    line: int = 0  # its line in rollup.yaml (0: given on the command line)


@dataclass(frozen=True)
class RollupConfig:
    title: str
    notebooks: tuple[RollupEntry, ...]
    path: str | None = None  # the rollup.yaml it came from
    folder: str | None = None  # the folder relative paths and remotes are taken from


def rollup_error(path: str, line: int, message: str, hint: str | None = None) -> ConfigError:
    problem = Problem(os.fspath(path), line, 0, "error", "config", message, hint)
    return ConfigError(problem.format(), problem=problem)


def _text(path: str, mapping, key, what: str) -> str | None:
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list, bool)) or not str(value).strip():
        raise rollup_error(path, _line(mapping, key), f"{what} must be a text",
                           f"write '{key}: ...' with a value on the same line")
    text = str(value).strip()
    if not text.isprintable():
        raise rollup_error(path, _line(mapping, key), f"{what} holds a control character")
    return text


def _line(mapping, key) -> int:
    return mapping.line_of(key) if hasattr(mapping, "line_of") else 0


def parse_rollup(raw, path: str) -> RollupConfig:
    """The :class:`RollupConfig` of ``raw`` (rollup.yaml as loaded, with its lines), the
    paths taken relative to the folder of ``path``; :class:`ConfigError` naming the line."""
    folder = os.path.dirname(os.path.abspath(path))
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise rollup_error(path, 1, f"{ROLLUP_NAME} must be 'key: value' settings",
                           "start it with 'notebooks:' and list each notebook's name and path")
    for key in raw:
        if key not in TOP_KEYS:
            raise rollup_error(path, _line(raw, key), f"unknown setting {key!r}", _did_you_mean(key, TOP_KEYS))
    title = _text(path, raw, "title", "title") or ""
    items = raw.get("notebooks")
    if not isinstance(items, list) or not items:
        raise rollup_error(path, _line(raw, "notebooks") or 1, "no notebooks listed",
                           "list them under 'notebooks:', one '- name: ...' and 'path: ...' each")
    lines = getattr(items, "lines", [])
    entries: list[RollupEntry] = []
    names: dict[str, int] = {}
    paths: dict[str, int] = {}
    for i, item in enumerate(items):
        line = lines[i] if i < len(lines) else _line(raw, "notebooks")
        if isinstance(item, str):  # "- west": a path alone
            item = {"path": item}
        if not isinstance(item, dict):
            raise rollup_error(path, line, "a notebook is 'name:', 'path:' and an optional 'remote:'",
                               "e.g. '- name: West' and, under it, 'path: west'")
        for key in item:
            if key not in NOTEBOOK_KEYS:
                raise rollup_error(path, _line(item, key) or line, f"unknown notebook setting {key!r}",
                                   _did_you_mean(key, NOTEBOOK_KEYS))
        given = _text(path, item, "path", "path")
        if given is None:
            raise rollup_error(path, line, "this notebook has no path",
                               "add 'path:' with its folder, relative to this file")
        full = os.path.normpath(os.path.join(folder, os.path.expanduser(given)))
        where = _line(item, "path") or line
        if full in paths:
            raise rollup_error(path, where, f"the notebook {given} is listed twice (lines {paths[full]} and {where})",
                               "list each notebook once: twice, its figures would count twice in the total")
        paths[full] = where
        name = _text(path, item, "name", "name") or os.path.basename(full) or full
        if name.casefold() in names:
            raise rollup_error(path, _line(item, "name") or line,
                               f"two notebooks are named {name!r} (lines {names[name.casefold()]} and "
                               f"{_line(item, 'name') or line})", "give each notebook a name of its own")
        names[name.casefold()] = _line(item, "name") or line
        entries.append(RollupEntry(name, full, _text(path, item, "remote", "remote"), line))
    return RollupConfig(title, tuple(entries), os.path.abspath(path), folder)


def from_paths(paths: list[str], cwd: str) -> RollupConfig:
    """A roll-up of notebooks given on the command line: each named by its folder
    (by the path as typed when two folders have the same name)."""
    full = [os.path.normpath(os.path.join(cwd, os.path.expanduser(p))) for p in paths]
    for i, path in enumerate(full):
        if path in full[:i]:
            raise BadInputError(f"the notebook {paths[i]} is given twice",
                                hint="give each notebook once: twice, its figures would count twice in the total")
    names = [os.path.basename(f) or f for f in full]
    entries = []
    for given, path, name in zip(paths, full, names):
        if names.count(name) > 1:
            name = given
        entries.append(RollupEntry(name, path))
    return RollupConfig("", tuple(entries), None, cwd)
