"""The notebook's ``onenotes.yaml``: reading and validating it.

The file is optional for read-only commands: without it, every setting takes
its default.  It follows the same YAML rules as notes (see
:mod:`onenotes.reading.yaml.safe`); unknown keys are errors with a did-you-mean, so a
typo never silently does nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from typing import TYPE_CHECKING

from onenotes.errors import ConfigError, NoteError, Problem
from onenotes.records import FACTORY, Factory, FrozenRecord, Record, fill

if TYPE_CHECKING:  # the YAML loader is imported where a file is parsed (a warm cache needs none)
    from onenotes.reading.note import ReadOptions

CONFIG_NAME = "onenotes.yaml"
MAX_CONFIG_BYTES = 256 * 1024
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TOP_KEYS = ("manager", "cadence", "meeting_day", "template", "timezone", "date_formats",
            "default_duration_minutes", "kpis", "reps", "diagnosis", "coaching_questions",
            "escalate_after", "coaching_hours_target", "editor", "meeting_time", "share",
            "metrics_import")
DIAGNOSIS_KEYS = ("on_target", "lookback", "consistent")
KPI_KEYS = ("kind", "goal", "unit", "better", "label", "ratio", "scale", "period", "combine")
PERIODS = ("week", "month", "quarter")
REP_KEYS = ("name", "goals")
SHARE_KEYS = ("private_keys",)
# Frontmatter keys left out of `onenotes share` by default: the manager's own
# reading of how sure the rep sounded is for the manager, not for the rep.
DEFAULT_PRIVATE_KEYS = ("confidence", "private")
# Patterns for settings read from onenotes.yaml, compiled when one is read (``re`` keeps
# them): a warm run takes the config from the cache and compiles none.
_TIME = r"([01]?\d|2[0-3]):([0-5]\d)$"
_EVERY = r"every\s+(\d+)\s+days?$"


class Cadence(FrozenRecord):
    """How often a rep meets: every ``days`` days, or monthly (``days`` is 0)."""

    text: str
    days: int
    monthly: bool = False

    def __init__(self, text: str, days: int, monthly: bool = False) -> None:
        fill(self, text=text, days=days, monthly=monthly)


class KpiDef(FrozenRecord):
    """A KPI of the notebook: what it measures, its goal, and how it is shown."""

    name: str
    kind: str  # "input" or "output"
    goal: float | int | None
    unit: str | None = None
    better: str = "higher"
    label: str = ""
    ratio: tuple[str, str] | None = None  # derived: numerator / denominator KPIs
    scale: float = 1  # e.g. 100 for a ratio shown as a percentage
    period: str | None = None  # the goal is for a week, month or quarter (figures add up)
    combine: str | None = None  # sum or average: how figures make one over a quarter (rules.quarter)

    def __init__(self, name: str, kind: str, goal: float | int | None, unit: str | None = None,
                 better: str = "higher", label: str = "", ratio: tuple[str, str] | None = None,
                 scale: float = 1, period: str | None = None, combine: str | None = None) -> None:
        fill(self, name=name, kind=kind, goal=goal, unit=unit, better=better, label=label, ratio=ratio,
             scale=scale, period=period, combine=combine)

    @property
    def derived(self) -> bool:
        return self.ratio is not None

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


class DiagnosisRules(FrozenRecord):
    """When outputs count as on track, and how far back "consistently" looks."""

    on_target: float = 1.0  # attainment (actual / goal) that counts as meeting a goal
    lookback: int = 4  # meetings looked at for a pattern
    consistent: int = 3  # misses within the lookback that make it consistent

    def __init__(self, on_target: float = 1.0, lookback: int = 4, consistent: int = 3) -> None:
        fill(self, on_target=on_target, lookback=lookback, consistent=consistent)


class RepDef(FrozenRecord):
    """A rep named in onenotes.yaml: display name and per-rep goals."""

    slug: str
    name: str
    goals: dict = Factory(dict)

    def __init__(self, slug: str, name: str, goals: dict = FACTORY) -> None:
        fill(self, slug=slug, name=name, goals={} if goals is FACTORY else goals)


IMPORT_KEYS = ("rep", "kpi", "value", "columns", "reps", "decimal", "delimiter")


class MetricsImport(FrozenRecord):
    """How `import-metrics` reads a CRM export (the ``metrics_import:`` section)."""

    rep: str | None = None  # the column naming the rep (default: Rep, Owner, Deal Owner, ...)
    kpi: str | None = None  # long format: the column naming the KPI
    value: str | None = None  # long format: the column with the figure
    columns: dict = Factory(dict)  # CSV header (or long-format KPI text) -> KPI, None to ignore
    reps: dict = Factory(dict)  # CRM name or email -> rep folder
    decimal: str | None = None  # "." or ","; default: proven by the figures, never guessed
    delimiter: str | None = None  # ",", ";" or "\t"; default: detected

    def __init__(self, rep: str | None = None, kpi: str | None = None, value: str | None = None,
                 columns: dict = FACTORY, reps: dict = FACTORY, decimal: str | None = None,
                 delimiter: str | None = None) -> None:
        fill(self, rep=rep, kpi=kpi, value=value, columns={} if columns is FACTORY else columns,
             reps={} if reps is FACTORY else reps, decimal=decimal, delimiter=delimiter)


class MetricsImportError(ValueError):
    def __init__(self, key, message, hint=None, mapping=None):
        super().__init__(message)
        self.key, self.message, self.hint, self.mapping = key, message, hint, mapping


def parse_metrics_import(raw, where: str = CONFIG_NAME) -> MetricsImport:
    """Validate a ``metrics_import`` mapping; :class:`ConfigError` naming the key when wrong."""
    try:
        return _metrics_import(raw)
    except MetricsImportError as exc:
        line = exc.mapping.line_of(exc.key) if hasattr(exc.mapping, "line_of") else 0
        loc = f"{where}:{line}" if line else where
        raise ConfigError(f"{loc}: error: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""),
                          problem=Problem(where, line, 0, "error", "config", exc.message, exc.hint)) from None


def _metrics_import(raw) -> MetricsImport:
    if raw is None:
        return MetricsImport()
    if not isinstance(raw, dict):
        raise MetricsImportError(None, "metrics_import needs settings such as 'rep: Opportunity Owner'")
    for key in raw:
        if key not in IMPORT_KEYS:
            raise MetricsImportError(key, f"unknown metrics_import setting {key!r}",
                                     _did_you_mean(key, IMPORT_KEYS), raw)
    texts = {}
    for key in ("rep", "kpi", "value"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise MetricsImportError(key, f"metrics_import {key} must be a column name", mapping=raw)
        texts[key] = value
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict) or not all(v is None or isinstance(v, str) for v in columns.values()):
        raise MetricsImportError("columns", "metrics_import columns maps CSV headers to KPI names "
                                 "(null to ignore a column)", "e.g. 'Sum of Amount: revenue'", raw)
    reps = raw.get("reps") or {}
    if not isinstance(reps, dict) or not all(isinstance(v, str) for v in reps.values()):
        raise MetricsImportError("reps", "metrics_import reps maps CRM names or emails to rep folders",
                                 "e.g. 'anguyen@acme.com: alice-nguyen'", raw)
    decimal = raw.get("decimal")
    if decimal is not None and decimal not in (".", ","):
        raise MetricsImportError("decimal", "metrics_import decimal is \".\" or \",\"", mapping=raw)
    delimiter = raw.get("delimiter")
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter, delimiter)
        if delimiter not in (",", ";", "\t", "|"):
            raise MetricsImportError("delimiter", "metrics_import delimiter is \",\", \";\", \"|\" or tab",
                                     mapping=raw)
    return MetricsImport(texts["rep"], texts["kpi"], texts["value"],
                         {str(k): v for k, v in columns.items()},
                         {str(k): v for k, v in reps.items()}, decimal, delimiter)


_WEEKLY = Cadence("weekly", 7)


class Config(Record):
    """The settings of ``onenotes.yaml``, each with its default when not set."""

    path: str | None = None  # the file; None when the notebook has no onenotes.yaml
    manager: str = ""
    cadence: Cadence = _WEEKLY
    meeting_day: int | None = None  # 0 = Monday
    template: str = "one-on-one"
    timezone: str | None = None
    date_formats: tuple[str, ...] = ()
    default_duration_minutes: int = 60
    kpis: dict[str, KpiDef] = Factory(dict)
    reps: dict[str, RepDef] = Factory(dict)
    diagnosis: "DiagnosisRules" = Factory(DiagnosisRules)
    coaching_questions: dict[str, tuple[str, ...]] = Factory(dict)
    escalate_after: int = 3  # a commitment carried more often than this is flagged
    coaching_hours_target: float = 3.0  # one-on-one hours per rep per month
    editor: tuple[str, ...] = ()  # the command `onenotes edit` runs (split like a shell, never run by one)
    meeting_time: dt.time | None = None  # when one-on-ones start (for `onenotes ics`)
    private_keys: tuple[str, ...] = DEFAULT_PRIVATE_KEYS  # frontmatter keys `share` leaves out
    metrics_import: MetricsImport = Factory(MetricsImport)

    def __init__(self, path: str | None = None, manager: str = "", cadence: Cadence = _WEEKLY,
                 meeting_day: int | None = None, template: str = "one-on-one", timezone: str | None = None,
                 date_formats: tuple[str, ...] = (), default_duration_minutes: int = 60,
                 kpis: dict[str, KpiDef] = FACTORY, reps: dict[str, RepDef] = FACTORY,
                 diagnosis: DiagnosisRules = FACTORY, coaching_questions: dict[str, tuple[str, ...]] = FACTORY,
                 escalate_after: int = 3, coaching_hours_target: float = 3.0, editor: tuple[str, ...] = (),
                 meeting_time: dt.time | None = None, private_keys: tuple[str, ...] = DEFAULT_PRIVATE_KEYS,
                 metrics_import: MetricsImport = FACTORY) -> None:
        self.path, self.manager, self.cadence, self.meeting_day = path, manager, cadence, meeting_day
        self.template, self.timezone, self.date_formats = template, timezone, date_formats
        self.default_duration_minutes = default_duration_minutes
        self.kpis = {} if kpis is FACTORY else kpis
        self.reps = {} if reps is FACTORY else reps
        self.diagnosis = DiagnosisRules() if diagnosis is FACTORY else diagnosis
        self.coaching_questions = {} if coaching_questions is FACTORY else coaching_questions
        self.escalate_after, self.coaching_hours_target, self.editor = escalate_after, coaching_hours_target, editor
        self.meeting_time, self.private_keys = meeting_time, private_keys
        self.metrics_import = MetricsImport() if metrics_import is FACTORY else metrics_import

    @property
    def read_options(self) -> ReadOptions:
        from onenotes.reading.note import ReadOptions

        return ReadOptions(self.date_formats, self.timezone)

    def goal_for(self, rep: str, kpi: str):
        """The rep's goal for a KPI: the per-rep override, else the config's."""
        rep_def = self.reps.get(rep)
        if rep_def and kpi in rep_def.goals:
            return rep_def.goals[kpi]
        kdef = self.kpis.get(kpi)
        return kdef.goal if kdef else None


def parse_cadence(text: str) -> Cadence:
    """``weekly``, ``biweekly``, ``monthly`` or ``every N days``; ValueError otherwise."""
    norm = " ".join(str(text).lower().split())
    named = {"weekly": 7, "biweekly": 14, "fortnightly": 14, "every week": 7, "every 2 weeks": 14}
    if norm in named:
        return Cadence(norm, named[norm])
    if norm == "monthly":
        return Cadence(norm, 0, monthly=True)
    m = re.match(_EVERY, norm)
    if m and 1 <= int(m.group(1)) <= 366:
        return Cadence(norm, int(m.group(1)))
    raise ValueError(f"unknown cadence {text!r}: use weekly, biweekly, monthly or 'every N days'")


def _did_you_mean(word: str, choices) -> str:
    import difflib  # only for a mistake: kept off the start-up path

    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(choices)


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
        raise _error(path, 0, 0, f"cannot read: {exc.strerror}", "check the file's permissions") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise _error(path, 0, 0, f"over {MAX_CONFIG_BYTES // 1024} KiB; is this the right file?",
                     "onenotes.yaml holds a few settings: start again from 'onenotes init'")
    try:
        text = decode(data, path)
        raw = load_yaml(text, 0)
    except NoteError as exc:
        raise _error(path, exc.problem.line, exc.problem.column, exc.problem.message,
                     exc.problem.hint) from None
    except YamlProblem as exc:
        raise _error(path, exc.line, exc.column, exc.message, exc.hint) from None
    if raw is None:
        raw = LineDict()
    if not isinstance(raw, dict):
        raise _error(path, 1, 0, "onenotes.yaml must be 'key: value' settings",
                     "see docs/format.md for the settings")
    _no_split_figures(path, raw, text)
    return _build(path, raw, text)


def _error(path: str, line: int, column: int, message: str, hint: str | None = None) -> ConfigError:
    problem = Problem(CONFIG_NAME, line, column, "error", "config", message, hint)
    shown = Problem(str(path), line, column, "error", "config", message, hint)
    return ConfigError(shown.format(), problem=problem)


def _fail(path: str, mapping, key, message: str, hint: str | None = None):
    line = mapping.line_of(key) if hasattr(mapping, "line_of") else 0
    raise _error(path, line, 0, message, hint or "docs/format.md lists every setting and its values")


def _goal(path, mapping, key, value, text: str = ""):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
            or abs(value) > 10 ** 15:
        hint = None
        if isinstance(value, str):
            from onenotes.reading.figures import figure_hint

            hint = figure_hint(value)
        _fail(path, mapping, key, f"goal {value!r} is not a usable number",
              hint or "write a plain number such as 25000")
    if isinstance(value, float):
        from onenotes.reading.figures import misread_thousands

        doubt = misread_thousands(value, text, mapping.line_of(key) if hasattr(mapping, "line_of") else 0, key)
        if doubt is not None:  # 20.000: twenty, or twenty thousand? A goal is never guessed.
            typed, read, other = doubt
            _fail(path, mapping, key, f"goal {typed} could be {read} or {other}",
                  f"write {other} if the dot separates thousands, or {read} if it does not")
    return value


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
            raise _error(path, line, 0, f"{key}: {typed if typed else 'the figure'} is not a number "
                         "(YAML splits it at the comma)",
                         (figure_hint(typed) if typed else None) or "write a plain number such as 25000 or 27.5")
    for item in value.values():
        _no_split_figures(path, item, text)


def _build(path: str, raw: dict, text: str = "") -> Config:
    cfg = Config(path=path)
    for key in raw:
        if key not in TOP_KEYS:
            _fail(path, raw, key, f"unknown setting {key!r}", _did_you_mean(key, TOP_KEYS))
    if raw.get("manager") is not None:
        cfg.manager = str(raw["manager"])
    if raw.get("cadence") is not None:
        try:
            cfg.cadence = parse_cadence(raw["cadence"])
        except ValueError as exc:
            _fail(path, raw, "cadence", str(exc))
    if raw.get("meeting_day") is not None:
        day = str(raw["meeting_day"]).strip().lower()
        matches = [i for i, name in enumerate(WEEKDAYS) if len(day) >= 3 and name.startswith(day)]
        if len(matches) != 1:
            _fail(path, raw, "meeting_day", f"unknown meeting_day {raw['meeting_day']!r}",
                  "use a weekday name such as monday")
        cfg.meeting_day = matches[0]
    if raw.get("template") is not None:
        cfg.template = str(raw["template"])
    if raw.get("timezone") is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(str(raw["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            _fail(path, raw, "timezone", f"unknown time zone {raw['timezone']!r}",
                  "use an IANA name such as Europe/Berlin or America/Chicago")
        cfg.timezone = str(raw["timezone"])
    if raw.get("date_formats") is not None:
        formats = raw["date_formats"]
        if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
            _fail(path, raw, "date_formats", "date_formats must be a list of formats such as '%d.%m.%Y'")
        cfg.date_formats = tuple(formats)
    if raw.get("default_duration_minutes") is not None:
        minutes = raw["default_duration_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            _fail(path, raw, "default_duration_minutes", "default_duration_minutes must be a whole number of minutes")
        cfg.default_duration_minutes = minutes
    kpis = raw.get("kpis") or {}
    if not isinstance(kpis, dict):
        _fail(path, raw, "kpis", "kpis must map KPI names to their settings")
    for name, spec in kpis.items():
        cfg.kpis[str(name)] = _kpi(path, kpis, str(name), spec, text)
    for name, kdef in cfg.kpis.items():
        if kdef.ratio:
            for part in kdef.ratio:
                if part not in cfg.kpis or cfg.kpis[part].derived:
                    _fail(path, kpis[name], "ratio",
                          f"KPI {name!r}: {part!r} is not a recorded KPI of this notebook",
                          _did_you_mean(part, [k for k, d in cfg.kpis.items() if not d.derived]))
    cfg.diagnosis = _diagnosis(path, raw)
    if raw.get("escalate_after") is not None:
        value = raw["escalate_after"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            _fail(path, raw, "escalate_after", "escalate_after must be a whole number of meetings")
        cfg.escalate_after = value
    if raw.get("coaching_hours_target") is not None:
        value = raw["coaching_hours_target"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 200:
            _fail(path, raw, "coaching_hours_target", "coaching_hours_target is hours per rep per month, e.g. 3")
        cfg.coaching_hours_target = float(value)
    if raw.get("editor") is not None:
        cfg.editor = _editor(path, raw)
    if raw.get("meeting_time") is not None:
        value = raw["meeting_time"]
        match = re.match(_TIME, str(value).strip())
        if not match:
            _fail(path, raw, "meeting_time", f"meeting_time {value!r} is not a time of day",
                  "write it as HH:MM on a 24-hour clock, e.g. 10:30")
        cfg.meeting_time = dt.time(int(match.group(1)), int(match.group(2)))
    cfg.private_keys = _share(path, raw)
    from onenotes.rules.questions import (SITUATION_KEYS, VERDICT_KEYS, known_key, placeholders_allowed,  # (read
                                    unknown_placeholders)  # when a file is parsed)

    questions = raw.get("coaching_questions") or {}
    if not isinstance(questions, dict):
        _fail(path, raw, "coaching_questions", "coaching_questions must map a KPI name (or "
              "slipping, consistent, on_track, behaviour, skill) to a list of questions")
    for key, value in questions.items():
        if cfg.kpis and not known_key(str(key), cfg.kpis):
            _fail(path, questions, key, f"coaching_questions: {str(key)!r} is neither a KPI nor a situation, "
                  "so its questions would never be asked",
                  _did_you_mean(str(key), [*SITUATION_KEYS, *VERDICT_KEYS, *cfg.kpis]))
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
            _fail(path, questions, key, f"coaching_questions: {key!r} must be a list of questions")
        allowed = placeholders_allowed(str(key), cfg.kpis)
        for question in value:
            wrong = unknown_placeholders(question, allowed)
            if wrong:
                _fail(path, questions, key, f"coaching_questions: {key!r}: {{{wrong[0]}}} is not filled in "
                      "for this kind of question",
                      "use " + ", ".join("{%s}" % name for name in allowed) if allowed
                      else "questions under this key take no {placeholders}; write the words out")
        cfg.coaching_questions[str(key)] = tuple(value)
    if raw.get("metrics_import") is not None:
        try:
            cfg.metrics_import = _metrics_import(raw["metrics_import"])
        except MetricsImportError as exc:
            where = exc.mapping if exc.key is not None else raw
            _fail(path, where, exc.key if exc.key is not None else "metrics_import", exc.message, exc.hint)
        for kpi in cfg.metrics_import.columns.values():
            if kpi is not None and cfg.kpis and kpi not in cfg.kpis:
                _fail(path, raw["metrics_import"], "columns", f"metrics_import: column mapped to unknown KPI {kpi!r}",
                      _did_you_mean(kpi, cfg.kpis))
    reps = raw.get("reps") or {}
    if not isinstance(reps, dict):
        _fail(path, raw, "reps", "reps must map rep folder names to their settings")
    for slug, spec in reps.items():
        if not _folder_name(str(slug)):
            # A shared onenotes.yaml must not send `new` outside the notebook.
            _fail(path, reps, slug, f"rep {str(slug)!r} is not a folder name",
                  "use the rep's folder name inside the notebook, e.g. alice-nguyen")
        cfg.reps[str(slug)] = _rep(path, reps, str(slug), spec, cfg, text)
    return cfg


def _editor(path, raw) -> tuple[str, ...]:
    value = raw["editor"]
    if not isinstance(value, str):
        _fail(path, raw, "editor", "editor is a command such as 'code --wait' or 'nano'")
    import shlex  # only for an editor setting: kept off the start-up path

    try:
        words = tuple(shlex.split(value))
    except ValueError as exc:
        _fail(path, raw, "editor", f"editor {value!r} cannot be read: {exc}",
              "it is split into words like a shell command line (never run by a shell)")
    if not words:
        _fail(path, raw, "editor", "editor is empty", "e.g. editor: nano, or delete the line")
    return words


def _share(path, raw) -> tuple[str, ...]:
    spec = raw.get("share")
    if spec is None:
        return DEFAULT_PRIVATE_KEYS
    if not isinstance(spec, dict):
        _fail(path, raw, "share", "share needs settings such as 'private_keys: [confidence]'")
    for key in spec:
        if key not in SHARE_KEYS:
            _fail(path, spec, key, f"unknown share setting {key!r}", _did_you_mean(key, SHARE_KEYS))
    keys = spec.get("private_keys")
    if keys is None:
        return DEFAULT_PRIVATE_KEYS
    if isinstance(keys, str):
        keys = [keys]
    if not isinstance(keys, list) or not all(isinstance(k, str) and k.strip() for k in keys):
        _fail(path, spec, "private_keys", "private_keys is a list of frontmatter keys, "
              "e.g. [confidence, private]")
    return tuple(k.strip() for k in keys)
def _folder_name(name: str) -> bool:
    """A rep slug that names one folder inside the notebook: no path, not hidden, printable."""
    return (bool(name.strip()) and "/" not in name and "\\" not in name and not name.startswith(".")
            and name.isprintable() and len(name.encode("utf-8")) <= 100)


def _diagnosis(path, raw) -> DiagnosisRules:
    spec = raw.get("diagnosis") or {}
    if not isinstance(spec, dict):
        _fail(path, raw, "diagnosis", "diagnosis needs settings: on_target, lookback, consistent")
    for key in spec:
        if key not in DIAGNOSIS_KEYS:
            _fail(path, spec, key, f"unknown diagnosis setting {key!r}", _did_you_mean(key, DIAGNOSIS_KEYS))
    rules = DiagnosisRules()
    on_target = spec.get("on_target", rules.on_target)
    if isinstance(on_target, bool) or not isinstance(on_target, (int, float)) or not 0 < on_target <= 2:
        _fail(path, spec, "on_target", "on_target is an attainment such as 1.0 (100%) or 0.95")
    ints = {}
    for key in ("lookback", "consistent"):
        value = spec.get(key, getattr(rules, key))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 52:
            _fail(path, spec, key, f"{key} must be a whole number of meetings from 1 to 52")
        ints[key] = value
    if ints["consistent"] > ints["lookback"]:
        _fail(path, spec, "consistent", "consistent cannot be more than lookback")
    return DiagnosisRules(float(on_target), ints["lookback"], ints["consistent"])


def _kpi(path, kpis, name, spec, text: str = "") -> KpiDef:
    if not isinstance(spec, dict):
        _fail(path, kpis, name, f"KPI {name!r} needs settings such as 'kind: output' and 'goal: 25000'")
    for key in spec:
        if key not in KPI_KEYS:
            _fail(path, spec, key, f"unknown KPI setting {key!r}", _did_you_mean(key, KPI_KEYS))
    kind = str(spec.get("kind", "")).lower()
    if kind not in ("input", "output"):
        _fail(path, spec if "kind" in spec else kpis, "kind" if "kind" in spec else name,
              f"KPI {name!r}: kind must be input or output",
              "outputs are results (revenue), inputs are activities (sales calls)")
    better = str(spec.get("better", "higher")).lower()
    if better not in ("higher", "lower"):
        _fail(path, spec, "better", f"KPI {name!r}: better must be higher or lower")
    unit = spec.get("unit")
    label = spec.get("label")
    ratio = spec.get("ratio")
    if ratio is not None:
        if not (isinstance(ratio, list) and len(ratio) == 2 and all(isinstance(r, str) for r in ratio)):
            _fail(path, spec, "ratio", f"KPI {name!r}: ratio is [numerator, denominator], two KPI names",
                  "e.g. ratio: [deals_won, opportunities_worked]")
        if name in ratio:
            _fail(path, spec, "ratio", f"KPI {name!r} cannot be a ratio of itself")
        ratio = (ratio[0], ratio[1])
    scale = spec.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 10 ** 6:
        _fail(path, spec, "scale", f"KPI {name!r}: scale must be a positive number such as 100")
    period = spec.get("period")
    if period is not None and (period not in PERIODS or ratio is not None):
        _fail(path, spec, "period", f"KPI {name!r}: period is week, month or quarter "
              "(and not for a derived KPI)")
    combine = spec.get("combine")
    if combine is not None and (combine not in ("sum", "average") or ratio is not None or period is not None):
        _fail(path, spec, "combine", f"KPI {name!r}: combine is sum or average: how its weekly figures "
              "make one for a quarter (not for a derived KPI or one with a period)")
    return KpiDef(name, kind, _goal(path, spec, "goal", spec.get("goal"), text),
                  None if unit is None else str(unit), better, "" if label is None else str(label),
                  ratio, scale, period, combine)


def _rep(path, reps, slug, spec, cfg: Config, text: str = "") -> RepDef:
    if spec is None:
        spec = {}
    if isinstance(spec, str):
        return RepDef(slug, spec, {})
    if not isinstance(spec, dict):
        _fail(path, reps, slug, f"rep {slug!r} needs settings such as 'name: Alice Nguyen'")
    for key in spec:
        if key not in REP_KEYS:
            _fail(path, spec, key, f"unknown rep setting {key!r}", _did_you_mean(key, REP_KEYS))
    goals = spec.get("goals") or {}
    if not isinstance(goals, dict):
        _fail(path, spec, "goals", f"rep {slug!r}: goals must map KPI names to numbers")
    for kpi, value in goals.items():
        if cfg.kpis and kpi not in cfg.kpis:
            _fail(path, goals, kpi, f"rep {slug!r}: goal for unknown KPI {kpi!r}",
                  _did_you_mean(kpi, cfg.kpis))
        _goal(path, goals, kpi, value, text)
    name = spec.get("name")
    return RepDef(slug, str(name) if name else display_name(slug), dict(goals))


def display_name(slug: str) -> str:
    """``alice-nguyen`` -> ``Alice Nguyen``."""
    return " ".join(part.capitalize() for part in re.split(r"[-_.\s]+", slug) if part) or slug
