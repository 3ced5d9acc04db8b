"""Reading a director's roll-up: ``rollup.yaml``, and several notebooks at once.

Each notebook is read as every command reads one (:func:`load_notebook`: its
own ``onenotes.yaml``, its own cache).  A notebook that cannot be read (no such
folder, not a notebook, a broken ``onenotes.yaml``) is a :class:`Team` without
figures and a reason; a note that cannot be read is named in :attr:`Team.unread`,
and such a notebook is left out of the total by the view, never counted short.

Speed: what a notebook's figures come from (:class:`onenotes.rules.rollup.TeamFacts`:
each rep's meetings, the kept-on-time counts, the diagnosis, the KPIs on goal)
depends only on its notes, its config and the code, not on the day.  Working
it out decodes every note and folds the ledger, about 0.2 s of CPU per thousand
notes, 10 s for a region of 50,000; so the facts are kept in a small file in
the user's cache folder, under a fingerprint of exactly those inputs (each
note's stat key as the notebook's cache saw it, the rep folders, the problems,
the bytes of ``onenotes.yaml``, a hash of the source of the rules and the
reader; the day too when a note is dated after it or a KPI is judged on pace),
and reused while it matches, on any day: the figures of the day are made from
them in milliseconds.  A note too recently changed for its stat to be trusted
(racy) makes its notebook worked out afresh; ``--no-cache`` works out every
notebook.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field

from onenotes.errors import BadInputError, ConfigError, NoteError, OnenotesError, Problem
from onenotes.rules.config import CONFIG_NAME
from onenotes.rules.diagnosis import VERDICTS
from onenotes.rules.rollup import TeamFacts, TeamFigures, facts_vary_by_day, figures_on, team_facts
from onenotes.rules.rollup_config import RollupConfig, RollupEntry, parse_rollup, rollup_error

MAX_ROLLUP_BYTES = 256 * 1024
MEMO_SCHEMA = 1


@dataclass
class Team:
    """One notebook of the roll-up, as read."""

    entry: RollupEntry
    figures: TeamFigures | None = None  # None: the notebook could not be read
    error: str | None = None  # why not (no such folder, a broken onenotes.yaml...)
    unread: list[Problem] = field(default_factory=list)  # notes (or places holding notes) not read
    warnings: int = 0  # other problems: inside notes, skipped files...
    pulled: str | None = None  # what `--pull` did, when it ran

    @property
    def whole(self) -> bool:
        """Read, every note of it: its figures count in the total."""
        return self.figures is not None and not self.unread


def read_rollup_config(path: str) -> RollupConfig:
    """Read and check ``rollup.yaml``; :class:`ConfigError` naming the line."""
    from onenotes.reading.note import decode
    from onenotes.reading.yaml.safe import YamlProblem, load_yaml

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_ROLLUP_BYTES + 1)
    except FileNotFoundError:
        raise BadInputError(f"{path}: no such file",
                            hint="give the notebooks' folders, or --config with your rollup.yaml") from None
    except OSError as exc:
        raise rollup_error(path, 0, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_ROLLUP_BYTES:
        raise rollup_error(path, 0, f"over {MAX_ROLLUP_BYTES // 1024} KiB; is this the right file?")
    try:
        raw = load_yaml(decode(data, path), 0)
    except NoteError as exc:
        raise rollup_error(path, exc.problem.line, exc.problem.message, exc.problem.hint) from None
    except YamlProblem as exc:
        raise rollup_error(path, exc.line, exc.message, exc.hint) from None
    return parse_rollup(raw, path)


def same_folders(entries) -> None:
    """Refuse two entries that are one folder under two names (a link, ``..``): its
    figures would count twice."""
    seen: dict[str, str] = {}
    for entry in entries:
        real = os.path.realpath(entry.path)
        if real in seen:
            raise BadInputError(f"{entry.name} and {seen[real]} are the same notebook ({real})",
                                hint="list each notebook once: twice, its figures would count twice in the total")
        seen[real] = entry.name


def read_teams(config: RollupConfig, today: dt.date, *, cache: bool = True) -> list[Team]:
    """Every notebook of ``config`` with its figures as of ``today`` (see the module's docstring)."""
    same_folders(config.notebooks)
    memo = Memo.open(config) if cache else None
    teams = []
    for entry in config.notebooks:
        teams.append(_read_team(entry, today, cache, memo))
    if memo is not None:
        memo.save()
    return teams


def _read_team(entry: RollupEntry, today: dt.date, cache: bool, memo: "Memo | None") -> Team:
    from onenotes.reading.notebook import load_notebook

    team = Team(entry)
    if not os.path.isdir(entry.path):
        team.error = "no such folder" if not os.path.exists(entry.path) else "not a folder"
        return team
    try:
        book = load_notebook(entry.path, cache=cache)
    except ConfigError as exc:
        problem = exc.problem
        where = f"{CONFIG_NAME}:{problem.line}" if problem is not None and problem.line else CONFIG_NAME
        team.error = f"{where} is broken (`onenotes check` in that notebook says why)"
        return team
    except OnenotesError as exc:
        team.error = exc.message
        return team
    if any(p.code == "not-a-notebook" for p in book.problems):
        team.error = f"not a notebook (no {CONFIG_NAME} and no note)"
        return team
    team.unread = book.notes_not_read_anywhere()
    unread = {id(p) for p in team.unread}
    team.warnings = sum(id(p) not in unread for p in book.problems) + len(book.note_problems())
    key = memo.key(book, today) if memo is not None else None
    facts = memo.get(entry.path, key) if key is not None else None
    if facts is None:
        facts = team_facts(book, today)
        if key is not None:
            memo.put(entry.path, key, facts)
    team.figures = figures_on(facts, book.config, today)
    return team


# ------------------------------------------------------------------ memo ---

def _version() -> str:
    """A hash of the code the figures come from: the note reader's cache format and every rule."""
    from hashlib import blake2b as _blake2b

    from onenotes.reading.cache.key import format_version

    parsed = format_version()
    if not parsed:
        return ""
    digest = _blake2b(f"{MEMO_SCHEMA}\n{parsed}\n".encode(), digest_size=16)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # onenotes/
    try:
        for folder in ("rules", "reading"):
            for name in sorted(os.listdir(os.path.join(here, folder))):
                if name.endswith(".py"):
                    with open(os.path.join(here, folder, name), "rb") as fh:
                        digest.update(name.encode() + b"\0" + fh.read() + b"\0")
    except OSError:
        return ""
    return digest.hexdigest()


class Memo:
    """The figures of each notebook last computed, under the fingerprint of what they came from."""

    def __init__(self, path: str, version: str, kept: dict):
        self.path = path
        self.version = version
        self.kept = kept  # notebook folder -> {"key": fingerprint, "figures": {...}}
        self.changed = False

    @classmethod
    def open(cls, config: RollupConfig) -> "Memo | None":
        from hashlib import blake2b as _blake2b

        from onenotes.reading.cache.file import user_cache_dir

        version = _version()
        if not version:
            return None
        folders = "\0".join(sorted(os.path.realpath(e.path) for e in config.notebooks))
        name = _blake2b(folders.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
        path = os.path.join(user_cache_dir(), "rollup", name + ".json")
        kept = {}
        try:
            with open(path, "rb") as fh:
                data = json.loads(fh.read())
            if data.get("version") == version and isinstance(data.get("notebooks"), dict):
                kept = data["notebooks"]
        except (OSError, ValueError, AttributeError):
            pass  # none yet, or damaged: computed afresh, and written whole
        return cls(path, version, kept)

    def key(self, book, today: dt.date) -> str | None:
        """The fingerprint of what ``book``'s facts as of ``today`` come from; None when it
        cannot vouch for them (notes read without the cache, a racy note).  The day is in it
        only when the facts depend on it: a note dated after it, a KPI judged on pace."""
        from hashlib import blake2b as _blake2b

        keys = book.stat_keys()
        if keys is None:
            return None
        try:
            with open(os.path.join(book.folder, CONFIG_NAME), "rb") as fh:
                config = fh.read()
        except FileNotFoundError:
            config = b""
        except OSError:
            return None
        # Notes are named for their day (YYYY-MM-DD...): ISO days compare as text.
        later = max((rel.rsplit("/", 1)[-1][:10] for rel in book.scan.notes), default="") > today.isoformat()
        day = today.isoformat() if later or facts_vary_by_day(book.config) else ""
        digest = _blake2b(f"{day}\0".encode(), digest_size=16)
        digest.update(config + b"\0")
        digest.update(repr(sorted(book.scan.rep_dirs)).encode("utf-8", "surrogatepass"))
        digest.update(repr([(p.path, p.line, p.code) for p in book.problems]).encode("utf-8", "surrogatepass"))
        digest.update(repr(list(keys.items())).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, folder: str, key: str) -> TeamFacts | None:
        kept = self.kept.get(os.path.realpath(folder))
        if not isinstance(kept, dict) or kept.get("key") != key:
            return None
        try:
            if kept["sum"] != _checksum(kept["facts"]):
                return None  # changed since it was written: worked out afresh
            return _facts_from(kept["facts"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # damaged: worked out afresh

    def put(self, folder: str, key: str, facts: TeamFacts) -> None:
        data = _facts_to(facts)
        self.kept[os.path.realpath(folder)] = {"key": key, "facts": data, "sum": _checksum(data)}
        self.changed = True

    def save(self) -> None:
        """Write the memo whole (atomically), or nothing: it is only ever a shortcut."""
        if not self.changed:
            return
        from pathlib import Path

        from onenotes.reading.files import replace_file

        data = json.dumps({"version": self.version, "notebooks": self.kept}, separators=(",", ":"))
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            replace_file(Path(self.path), data.encode("utf-8"))
        except OSError:
            pass


def _checksum(data) -> str:
    """A checksum of kept facts, so that a byte changed in the file is caught, not counted."""
    from hashlib import blake2b

    return blake2b(json.dumps(data, sort_keys=True, separators=(",", ":")).encode(), digest_size=8).hexdigest()


def _facts_to(facts: TeamFacts) -> dict:
    data = asdict(facts)
    data["meetings"] = [[[day.isoformat(), minutes] for day, minutes in meetings] for meetings in facts.meetings]
    return data


def _facts_from(data: dict) -> TeamFacts:
    data = dict(data)
    data["meetings"] = [[[dt.date.fromisoformat(day), None if minutes is None else float(minutes)]
                         for day, minutes in kept] for kept in data["meetings"]]
    facts = TeamFacts(**data)
    counts = [facts.kept_on_time, facts.kept_late, facts.done_date_unknown, *map(facts.verdicts.get, VERDICTS)]
    for spec in facts.kpis.values():
        counts += [spec["on_goal"], spec["with_figure"]]
        if spec["kind"] not in ("input", "output") or not isinstance(spec["label"], str):
            raise ValueError("kpis")
    if not all(type(n) is int for n in counts) or not isinstance(facts.manager, str):
        raise ValueError("counts")
    return facts
