"""Matching a CRM export to the notebook: its columns to KPIs, its names to reps.

Names and headers are compared folded (:func:`onenotes.reading.layout.fold_name`).  The mapping (the
``metrics_import:`` section of ``onenotes.yaml``, or a ``--map`` file) names the
columns and gives aliases; without it, the usual CRM headers and the KPIs'
names and labels are looked for.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from onenotes.changes.import_metrics.export import SPACES
from onenotes.errors import BadInputError, ConfigError, NoteError
from onenotes.reading.figures import _CODE
from onenotes.reading.layout import fold_name
from onenotes.reading.note import decode
from onenotes.reading.yaml.safe import YamlProblem, load_yaml
from onenotes.rules.config import Config, MetricsImport, parse_metrics_import

if TYPE_CHECKING:
    from onenotes.reading.notebook import Notebook

MAX_MAPPING_BYTES = 256 * 1024
# Column headers that name the rep, as CRMs write them (compared folded).
REP_HEADERS = ("rep", "rep name", "sales rep", "salesperson", "owner", "owner name", "opportunity owner",
               "deal owner", "account owner", "record owner", "user", "full name", "name", "email",
               "owner email", "rep email", "sales rep email")
KPI_HEADERS = ("kpi", "metric", "measure", "kpi name", "metric name")
VALUE_HEADERS = ("value", "actual", "amount", "figure")
UNIT_SUFFIX = re.compile(r"\s*\(\s*([A-Z]{3}|%)\s*\)\s*$")  # "Amount (USD)", "Win rate (%)"


# --------------------------------------------------------------- names ---
# (Figures are read by onenotes/reading/figures.py, the rule notes and onenotes.yaml share;
# names and headers are folded by onenotes.reading.layout.fold_name, as every typed name is.)

# ------------------------------------------------------------- mapping ---

def load_mapping(path: Path) -> MetricsImport:
    """A ``--map`` file: the keys of ``metrics_import:`` at its top level."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_MAPPING_BYTES + 1)
    except OSError as exc:
        raise BadInputError(f"cannot read the mapping {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_MAPPING_BYTES:  # never parse a cut-off file: it could drop rep aliases silently
        raise ConfigError(f"{path} is over {MAX_MAPPING_BYTES // 1024} KiB; is it the right file?")
    try:
        raw = load_yaml(decode(data, str(path)), 0)
    except NoteError as exc:
        raise ConfigError(f"{path}: {exc.problem.message}") from None
    except YamlProblem as exc:
        raise ConfigError(f"{path}:{exc.line}: {exc.message}", hint=exc.hint) from None
    if isinstance(raw, dict) and set(raw) == {"metrics_import"}:
        raw = raw["metrics_import"]
    return parse_metrics_import(raw or {}, str(path))


# ---------------------------------------------------------------- reps ---

class RepMatcher:
    """CRM names (and emails) -> rep slugs."""

    def __init__(self, book: Notebook, aliases: dict[str, str]):
        self.known: dict[str, set[str]] = {}
        for slug in book.reps():
            for name in (slug, book.rep_name(slug)):
                self.known.setdefault(fold_name(name), set()).add(slug)
        self.aliases = {fold_name(k): v for k, v in aliases.items()}
        self.slugs = book.reps()
        self.names = {s: book.rep_name(s) for s in self.slugs}

    def forms(self, given: str) -> list[str]:
        text = SPACES.sub(" ", given).strip()
        out = [text]
        if "," in text:  # "Nguyen, Alice"
            last, _, first = text.partition(",")
            out.append(f"{first.strip()} {last.strip()}")
        if "@" in text:  # alice.nguyen@acme.com
            local = text.split("@", 1)[0]
            out.append(re.sub(r"[._+-]+", " ", local))
        return out

    def match(self, given: str) -> tuple[str | None, str | None]:
        """(slug, None) or (None, problem)."""
        for form in self.forms(given):
            key = fold_name(form)
            if key in self.aliases:
                slug = self.aliases[key]
                if slug not in self.slugs:
                    close = difflib.get_close_matches(slug, self.slugs, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    return None, f"the mapping's reps sends {given!r} to {slug!r}, which is not a rep{hint}"
                return slug, None
            slugs = self.known.get(key, set())
            if len(slugs) == 1:
                return next(iter(slugs)), None
            if len(slugs) > 1:
                return None, f"rep {given!r} could be any of {', '.join(sorted(slugs))}"
        choices = {fold_name(n): s for s, n in self.names.items()}
        close = difflib.get_close_matches(fold_name(given), list(choices), n=1, cutoff=0.7)
        hint = f"did you mean {choices[close[0]]!r}?" if close else \
            "add it under metrics_import: reps: ('CRM name': rep-folder)"
        return None, f"unknown rep {given!r}; {hint}"


# ---------------------------------------------------------------- KPIs ---

class KpiMatcher:
    """Column headers (wide CSV) and KPI cells (long CSV) -> KPI names: through the
    mapping's ``columns:``, else by the KPI's name or label (a unit in brackets aside)."""

    def __init__(self, config: Config, columns: dict[str, str | None]):
        self.kpis: dict[str, str] = {}  # folded name or label -> KPI
        for name, kdef in config.kpis.items():
            self.kpis[fold_name(name)] = name
            if kdef.label:
                self.kpis.setdefault(fold_name(kdef.label), name)
        self.columns = {fold_name(k): v for k, v in columns.items()}

    def match(self, label: str) -> tuple[str | None, str | None]:
        """(KPI, None), (None, None) for an ignored column, or (None, problem)."""
        key = fold_name(label)
        if key in self.columns:
            target = self.columns[key]
            if target is None:
                return None, None
            return target, None
        if key in self.kpis:
            return self.kpis[key], None
        bare = fold_name(UNIT_SUFFIX.sub("", label))  # "Revenue (USD)"
        if bare in self.kpis:
            return self.kpis[bare], None
        close = difflib.get_close_matches(key, list(self.kpis), n=1, cutoff=0.6)
        hint = f"did you mean {self.kpis[close[0]]!r}? " if close else ""
        return None, (f"unknown KPI {label!r}; {hint}map it under 'columns:' "
                      f"(or to null to ignore it)")


# ------------------------------------------------------------- columns ---

class Columns:
    """Which column holds what: the rep's, and either the KPI's and the value's (a long
    CSV) or one KPI each (a wide CSV).  Refuses a CSV without a rep column, and a
    mapping that names a KPI or value column the CSV does not have."""

    def __init__(self, header: list[str], name: str, mapping: MetricsImport):
        self.header, self.name = header, name
        self.folded = [fold_name(h) for h in header]
        self.rep = self._find(mapping.rep, REP_HEADERS, "rep")
        if self.rep is None:
            looked = (f"{mapping.rep}, " if mapping.rep else "") + "Rep, Owner, Opportunity Owner, Deal Owner, Email, ..."
            raise BadInputError(f"{name}: no column names the rep (looked for {looked})",
                                hint="set 'rep: COLUMN' in the metrics_import mapping (or a --map file)")
        self.kpi = self._find(mapping.kpi, KPI_HEADERS, "kpi")
        self.value = self._find(mapping.value, VALUE_HEADERS, "value") if self.kpi is not None else None
        self.long_format = self.kpi is not None and self.value is not None

    def _find(self, wanted: str | None, defaults: tuple[str, ...], what: str) -> int | None:
        """The column the mapping names (a rep column it names but the CSV lacks: the usual
        headers are looked for), else the first with one of the usual headers."""
        if wanted is not None and (what != "rep" or fold_name(wanted) in self.folded):
            if fold_name(wanted) not in self.folded:
                raise BadInputError(f"{self.name}: no column {wanted!r} (the {what} column of the mapping)",
                                    hint="columns: " + ", ".join(self.header))
            return self.folded.index(fold_name(wanted))
        return next((i for i, h in enumerate(self.folded) if h in defaults), None)

    def kpi_columns(self, kpis: KpiMatcher, config: Config) -> tuple[dict[int, str], list[str]]:
        """A wide CSV's KPI columns (index -> KPI), and a problem for each column that is not
        one ("column 'X': ..."): an unknown KPI, or a unit in its header that is not the KPI's."""
        found: dict[int, str] = {}
        problems: list[str] = []
        for index, label in enumerate(self.header):
            if index == self.rep or not label:
                continue
            kpi, problem = kpis.match(label)
            unit = UNIT_SUFFIX.search(label)
            kdef = config.kpis.get(kpi) if kpi else None
            if problem is None and unit and kdef is not None and kdef.unit and \
                    (kdef.unit == "%" or _CODE.match(kdef.unit)) and unit.group(1) != kdef.unit:
                problem = f"the column is in {unit.group(1)}, but {kpi} is in {kdef.unit}"
            if problem:
                problems.append(f"column {label!r}: {problem}")
            elif kpi is not None:
                found[index] = kpi
        return found, problems
