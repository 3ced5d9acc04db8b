"""A parsed note: what the note reader (:mod:`onenotes.reading.note`) makes of one file.

A :class:`Note` holds the frontmatter (``meta``), the KPI figures (:class:`Metric`),
the commitments as the note states them (:class:`Mention`), the plans, and the
problems found; :class:`ReadOptions` is what reading needs of the config.  The
readers of a note's parts (:mod:`onenotes.reading.metrics`,
:mod:`onenotes.reading.mentions`) record what they find with :func:`add_problem`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from onenotes.errors import Problem
from onenotes.reading.yaml.types import LineDict

if TYPE_CHECKING:  # zoneinfo loads only for a notebook with a time zone
    from zoneinfo import ZoneInfo

STATUSES = ("open", "done", "dropped")
OWNERS = ("rep", "manager")
COMMITMENT_KEYS = ("id", "text", "owner", "due", "status", "since", "done_on", "reason", "private", "parent")
MAX_FIGURE = 10 ** 15  # larger figures are typos, and overflow float maths


@dataclass(frozen=True)
class ReadOptions:
    """What parsing needs from the config: extra date formats and the time zone."""

    date_formats: tuple[str, ...] = ()
    timezone: str | None = None

    @property
    def tz(self) -> ZoneInfo | None:
        if not self.timezone:
            return None
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)


@dataclass
class Mention:
    """A commitment as one note states it."""

    id: str
    text: str
    owner: str
    status: str
    due: dt.date | None
    due_raw: str | None
    since: dt.date | None
    line: int
    origin: str  # "frontmatter" or "body"
    done_on: dt.date | None = None  # when it was closed, if the note says
    reason: str | None = None  # why it was dropped (or closed), if the note says
    private: bool = False  # made or listed in a private part (or marked private: true)
    parent: str | None = None  # the id of the task it is a sub-task of
    former_id: str | None = None  # a task's derived id before the words-only rule, when it differs


@dataclass
class Metric:
    name: str
    actual: float | int | None
    goal: float | int | None
    line: int


@dataclass
class Note:
    path: str  # relative to the notebook, with "/"
    rep: str  # the rep folder
    date: dt.date  # from the file name
    seq: int  # 1, or N for YYYY-MM-DD-N.md
    meta: dict
    metrics: list[Metric]
    mentions: list[Mention]
    body_line: int  # file line where the body starts
    problems: list[Problem] = field(default_factory=list)
    coaching_plan: dict = field(default_factory=dict)  # skill, practice, long_term, ...: text
    behaviour_plan: dict = field(default_factory=dict)  # input KPI -> weekly target
    confidence: dict = field(default_factory=dict)  # KPI -> 1..5, how sure the rep sounds

    @property
    def sort_key(self):
        return (self.date, self.seq, self.path)


def line_of(mapping, key, default: int = 0) -> int:
    """The file line of ``key`` in a mapping the YAML loader read (else ``default``)."""
    return mapping.line_of(key, default) if isinstance(mapping, LineDict) else default


def add_problem(note: Note, line: int, severity: str, code: str, message: str, hint=None) -> None:
    """Record a problem found in ``note``, at a file line."""
    note.problems.append(Problem(note.path, line, 0, severity, code, message, hint))
