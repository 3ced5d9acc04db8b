"""The settings of the notebook's ``onenotes.yaml``: what each one is, its default, and
which values are valid.

Every setting has a default, so a notebook without the file works.  Unknown keys
are errors with a did-you-mean, so a typo never silently does nothing.  Reading
the file (its bytes, YAML and how its figures were typed) is
:mod:`onenotes.reading.config_file`, which hands the values to :func:`build_config`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import NoReturn

from onenotes.errors import ConfigError, Problem

CONFIG_NAME = "onenotes.yaml"
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
# What a meeting_time and an "every N days" cadence look like.
_TIME = r"([01]?\d|2[0-3]):([0-5]\d)$"
_EVERY = r"every\s+(\d+)\s+days?$"


@dataclass(frozen=True)
class Cadence:
    """How often a rep meets: every ``days`` days, or monthly (``days`` is 0)."""

    text: str
    days: int
    monthly: bool = False


@dataclass(frozen=True)
class KpiDef:
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

    @property
    def derived(self) -> bool:
        return self.ratio is not None

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class DiagnosisRules:
    """When outputs count as on track, and how far back "consistently" looks."""

    on_target: float = 1.0  # attainment (actual / goal) that counts as meeting a goal
    lookback: int = 4  # meetings looked at for a pattern
    consistent: int = 3  # misses within the lookback that make it consistent


@dataclass(frozen=True)
class RepDef:
    """A rep named in onenotes.yaml: display name and per-rep goals."""

    slug: str
    name: str
    goals: dict = field(default_factory=dict)


IMPORT_KEYS = ("rep", "kpi", "value", "columns", "reps", "decimal", "delimiter")


@dataclass(frozen=True)
class MetricsImport:
    """How `import-metrics` reads a CRM export (the ``metrics_import:`` section)."""

    rep: str | None = None  # the column naming the rep (default: Rep, Owner, Deal Owner, ...)
    kpi: str | None = None  # long format: the column naming the KPI
    value: str | None = None  # long format: the column with the figure
    columns: dict = field(default_factory=dict)  # CSV header (or long-format KPI text) -> KPI, None to ignore
    reps: dict = field(default_factory=dict)  # CRM name or email -> rep folder
    decimal: str | None = None  # "." or ","; default: proven by the figures, never guessed
    delimiter: str | None = None  # ",", ";" or "\t"; default: detected


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


@dataclass
class Config:
    """The settings of ``onenotes.yaml``, each with its default when not set."""

    path: str | None = None  # the file; None when the notebook has no onenotes.yaml
    manager: str = ""
    cadence: Cadence = _WEEKLY
    meeting_day: int | None = None  # 0 = Monday
    template: str = "one-on-one"
    timezone: str | None = None
    date_formats: tuple[str, ...] = ()
    default_duration_minutes: int = 60
    kpis: dict[str, KpiDef] = field(default_factory=dict)
    reps: dict[str, RepDef] = field(default_factory=dict)
    diagnosis: DiagnosisRules = field(default_factory=DiagnosisRules)
    coaching_questions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    escalate_after: int = 3  # a commitment carried more often than this is flagged
    coaching_hours_target: float = 3.0  # one-on-one hours per rep per month
    editor: tuple[str, ...] = ()  # the command `onenotes edit` runs (split like a shell, never run by one)
    meeting_time: dt.time | None = None  # when one-on-ones start (for `onenotes ics`)
    private_keys: tuple[str, ...] = DEFAULT_PRIVATE_KEYS  # frontmatter keys `share` leaves out
    metrics_import: MetricsImport = field(default_factory=MetricsImport)

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


def config_error(path: str, line: int, column: int, message: str, hint: str | None = None) -> ConfigError:
    """The error for ``onenotes.yaml`` at ``path`` being wrong at ``line`` and ``column`` (0: unknown)."""
    problem = Problem(CONFIG_NAME, line, column, "error", "config", message, hint)
    shown = Problem(str(path), line, column, "error", "config", message, hint)
    return ConfigError(shown.format(), problem=problem)


def _fail(path: str, mapping, key, message: str, hint: str | None = None) -> NoReturn:
    line = mapping.line_of(key) if hasattr(mapping, "line_of") else 0
    raise config_error(path, line, 0, message, hint or "docs/format.md lists every setting and its values")


class GoalText:
    """What the file's text tells about a goal beyond the value YAML read from it: only the
    reader of the file knows (:mod:`onenotes.reading.config_file` passes its own to
    :func:`build_config`).  This one knows nothing: every goal is taken as read."""

    def hint(self, typed: str) -> str | None:
        """How to write ``typed``, a goal YAML did not read as a number ("write 30.5")."""
        return None

    def doubt(self, value: float, line: int, key) -> tuple[str, int | float, int | float] | None:
        """(as typed, as read, the other reading) when ``value``, the goal ``key`` on ``line``,
        was typed so that a dot could separate thousands (``20.000``: 20 or 20000)."""
        return None


def _goal(path, mapping, key, value, typed: GoalText):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
            or abs(value) > 10 ** 15:
        hint = typed.hint(value) if isinstance(value, str) else None
        _fail(path, mapping, key, f"goal {value!r} is not a usable number",
              hint or "write a plain number such as 25000")
    if isinstance(value, float):
        doubt = typed.doubt(value, mapping.line_of(key) if hasattr(mapping, "line_of") else 0, key)
        if doubt is not None:  # 20.000: twenty, or twenty thousand? A goal is never guessed.
            typed_text, read, other = doubt
            _fail(path, mapping, key, f"goal {typed_text} could be {read} or {other}",
                  f"write {other} if the dot separates thousands, or {read} if it does not")
    return value


def build_config(path: str, raw: dict, typed: GoalText = GoalText()) -> Config:
    """The :class:`Config` of the settings ``raw`` (read from ``path``); :class:`ConfigError`
    naming the setting and its line when one is wrong.

    Settings are checked in this order, so that a file with two mistakes is
    always told about the same one first.
    """
    for key in raw:
        if key not in TOP_KEYS:
            _fail(path, raw, key, f"unknown setting {key!r}", _did_you_mean(key, TOP_KEYS))
    cfg = Config(path=path)
    if raw.get("manager") is not None:
        cfg.manager = str(raw["manager"])
    if raw.get("cadence") is not None:
        cfg.cadence = _cadence(path, raw)
    if raw.get("meeting_day") is not None:
        cfg.meeting_day = _meeting_day(path, raw)
    if raw.get("template") is not None:
        cfg.template = str(raw["template"])
    if raw.get("timezone") is not None:
        cfg.timezone = _timezone(path, raw)
    if raw.get("date_formats") is not None:
        cfg.date_formats = _date_formats(path, raw)
    if raw.get("default_duration_minutes") is not None:
        cfg.default_duration_minutes = _default_duration(path, raw)
    cfg.kpis = _kpis(path, raw, typed)
    cfg.diagnosis = _diagnosis(path, raw)
    if raw.get("escalate_after") is not None:
        cfg.escalate_after = _escalate_after(path, raw)
    if raw.get("coaching_hours_target") is not None:
        cfg.coaching_hours_target = _coaching_hours_target(path, raw)
    if raw.get("editor") is not None:
        cfg.editor = _editor(path, raw)
    if raw.get("meeting_time") is not None:
        cfg.meeting_time = _meeting_time(path, raw)
    cfg.private_keys = _share(path, raw)
    cfg.coaching_questions = _coaching_questions(path, raw, cfg.kpis)
    if raw.get("metrics_import") is not None:
        cfg.metrics_import = _metrics_import_setting(path, raw, cfg.kpis)
    cfg.reps = _reps(path, raw, cfg.kpis, typed)
    return cfg


def _cadence(path, raw) -> Cadence:
    try:
        return parse_cadence(raw["cadence"])
    except ValueError as exc:
        _fail(path, raw, "cadence", str(exc))


def _meeting_day(path, raw) -> int:
    """The weekday (0 = Monday) that ``meeting_day`` names, by at least its first three letters."""
    day = str(raw["meeting_day"]).strip().lower()
    matches = [i for i, name in enumerate(WEEKDAYS) if len(day) >= 3 and name.startswith(day)]
    if len(matches) != 1:
        _fail(path, raw, "meeting_day", f"unknown meeting_day {raw['meeting_day']!r}",
              "use a weekday name such as monday")
    return matches[0]


def _timezone(path, raw) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(raw["timezone"]))
    except (ZoneInfoNotFoundError, ValueError):
        _fail(path, raw, "timezone", f"unknown time zone {raw['timezone']!r}",
              "use an IANA name such as Europe/Berlin or America/Chicago")
    return str(raw["timezone"])


def _date_formats(path, raw) -> tuple[str, ...]:
    formats = raw["date_formats"]
    if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
        _fail(path, raw, "date_formats", "date_formats must be a list of formats such as '%d.%m.%Y'")
    return tuple(formats)


def _default_duration(path, raw) -> int:
    minutes = raw["default_duration_minutes"]
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        _fail(path, raw, "default_duration_minutes", "default_duration_minutes must be a whole number of minutes")
    return minutes


def _kpis(path, raw, typed: GoalText) -> dict[str, KpiDef]:
    """The KPIs by name; a derived one (``ratio``) divides two recorded ones of the notebook."""
    kpis = raw.get("kpis") or {}
    if not isinstance(kpis, dict):
        _fail(path, raw, "kpis", "kpis must map KPI names to their settings")
    found: dict[str, KpiDef] = {}
    for name, spec in kpis.items():
        found[str(name)] = _kpi(path, kpis, str(name), spec, typed)
    for name, kdef in found.items():
        if kdef.ratio:
            for part in kdef.ratio:
                if part not in found or found[part].derived:
                    _fail(path, kpis[name], "ratio",
                          f"KPI {name!r}: {part!r} is not a recorded KPI of this notebook",
                          _did_you_mean(part, [k for k, d in found.items() if not d.derived]))
    return found


def _escalate_after(path, raw) -> int:
    value = raw["escalate_after"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        _fail(path, raw, "escalate_after", "escalate_after must be a whole number of meetings")
    return value


def _coaching_hours_target(path, raw) -> float:
    value = raw["coaching_hours_target"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 200:
        _fail(path, raw, "coaching_hours_target", "coaching_hours_target is hours per rep per month, e.g. 3")
    return float(value)


def _meeting_time(path, raw) -> dt.time:
    value = raw["meeting_time"]
    match = re.match(_TIME, str(value).strip())
    if not match:
        _fail(path, raw, "meeting_time", f"meeting_time {value!r} is not a time of day",
              "write it as HH:MM on a 24-hour clock, e.g. 10:30")
    return dt.time(int(match.group(1)), int(match.group(2)))


def _coaching_questions(path, raw, kpis: dict[str, KpiDef]) -> dict[str, tuple[str, ...]]:
    """The manager's questions by situation or KPI, each filled in only with what it may use."""
    from onenotes.rules.questions import (SITUATION_KEYS, VERDICT_KEYS, known_key, placeholders_allowed,
                                          unknown_placeholders)

    questions = raw.get("coaching_questions") or {}
    if not isinstance(questions, dict):
        _fail(path, raw, "coaching_questions", "coaching_questions must map a KPI name (or "
              "slipping, consistent, on_track, behaviour, skill) to a list of questions")
    found: dict[str, tuple[str, ...]] = {}
    for key, value in questions.items():
        if kpis and not known_key(str(key), kpis):
            _fail(path, questions, key, f"coaching_questions: {str(key)!r} is neither a KPI nor a situation, "
                  "so its questions would never be asked",
                  _did_you_mean(str(key), [*SITUATION_KEYS, *VERDICT_KEYS, *kpis]))
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
            _fail(path, questions, key, f"coaching_questions: {key!r} must be a list of questions")
        allowed = placeholders_allowed(str(key), kpis)
        for question in value:
            wrong = unknown_placeholders(question, allowed)
            if wrong:
                _fail(path, questions, key, f"coaching_questions: {key!r}: {{{wrong[0]}}} is not filled in "
                      "for this kind of question",
                      "use " + ", ".join("{%s}" % name for name in allowed) if allowed
                      else "questions under this key take no {placeholders}; write the words out")
        found[str(key)] = tuple(value)
    return found


def _metrics_import_setting(path, raw, kpis: dict[str, KpiDef]) -> MetricsImport:
    """The ``metrics_import:`` section, its columns mapped to KPIs of the notebook."""
    try:
        settings = _metrics_import(raw["metrics_import"])
    except MetricsImportError as exc:
        where = exc.mapping if exc.key is not None else raw
        _fail(path, where, exc.key if exc.key is not None else "metrics_import", exc.message, exc.hint)
    for kpi in settings.columns.values():
        if kpi is not None and kpis and kpi not in kpis:
            _fail(path, raw["metrics_import"], "columns", f"metrics_import: column mapped to unknown KPI {kpi!r}",
                  _did_you_mean(kpi, kpis))
    return settings


def _reps(path, raw, kpis: dict[str, KpiDef], typed: GoalText) -> dict[str, RepDef]:
    """The reps named in the file, by folder name."""
    reps = raw.get("reps") or {}
    if not isinstance(reps, dict):
        _fail(path, raw, "reps", "reps must map rep folder names to their settings")
    found: dict[str, RepDef] = {}
    for slug, spec in reps.items():
        if not _folder_name(str(slug)):
            # A shared onenotes.yaml must not send `new` outside the notebook.
            _fail(path, reps, slug, f"rep {str(slug)!r} is not a folder name",
                  "use the rep's folder name inside the notebook, e.g. alice-nguyen")
        found[str(slug)] = _rep(path, reps, str(slug), spec, kpis, typed)
    return found


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


def _kpi(path, kpis, name, spec, typed: GoalText) -> KpiDef:
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
    return KpiDef(name, kind, _goal(path, spec, "goal", spec.get("goal"), typed),
                  None if unit is None else str(unit), better, "" if label is None else str(label),
                  ratio, scale, period, combine)


def _rep(path, reps, slug, spec, kpis: dict[str, KpiDef], typed: GoalText) -> RepDef:
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
        if kpis and kpi not in kpis:
            _fail(path, goals, kpi, f"rep {slug!r}: goal for unknown KPI {kpi!r}",
                  _did_you_mean(kpi, kpis))
        _goal(path, goals, kpi, value, typed)
    name = spec.get("name")
    return RepDef(slug, str(name) if name else display_name(slug), dict(goals))


def display_name(slug: str) -> str:
    """``alice-nguyen`` -> ``Alice Nguyen``."""
    return " ".join(part.capitalize() for part in re.split(r"[-_.\s]+", slug) if part) or slug
