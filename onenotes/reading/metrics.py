"""A note's figures: ``metrics:`` (KPI actuals and goals), ``behaviour_plan:`` (weekly
targets of input KPIs), ``confidence:`` (1 to 5 per KPI) and ``coaching_plan:``.

A figure is a plain YAML number; what YAML could not read as one (``30,5``,
``12 000``) or read one way where it could mean another (``20.000``) is a gap
with an error that says what to write (the rules are :mod:`onenotes.reading.figures`',
imported only for a note that needs them).
"""

from __future__ import annotations

import re

from onenotes.reading.notemodel import MAX_FIGURE, Metric, Note, add_problem, line_of
from onenotes.reading.yaml.types import LineDict


def _number(value):
    """A KPI figure, or None: not a number, not finite, or absurdly large."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or abs(value) > MAX_FIGURE:
        return None
    return value


def read_metrics(note: Note, fm: str) -> None:
    """The note's ``metrics:`` (``fm``: the frontmatter's text, from line 2 of the note, where
    what was typed for a figure is looked up)."""
    metrics = note.meta.get("metrics")
    if metrics is None:
        return
    line = line_of(note.meta, "metrics")
    if not isinstance(metrics, dict):
        add_problem(note, line, "error", "metric-invalid",
                    "'metrics' must map KPI names to figures", "e.g. 'revenue: 31250'")
        return
    # line_of(metrics, name, line), without a call per metric
    key_lines = metrics.key_lines if isinstance(metrics, LineDict) else None
    fallback = (line or metrics.line) if key_lines is not None else line
    split, pieces = _comma_splits(metrics)
    out = note.metrics
    for name, value in metrics.items():
        mline = fallback if key_lines is None else key_lines.get(name, fallback)
        kind = type(value)
        if (kind is int or kind is float) and -MAX_FIGURE <= value <= MAX_FIGURE and not split:
            # A plain figure (not a bool, NaN or too large): what _number lets through.
            if kind is float and _doubtful(note, fm, mline, name, value, f"metric {name!r}"):
                value = None
            out.append(Metric(str(name), value, None, mline))
            continue
        if pieces and name in pieces:
            continue  # what followed a comma in the figure before it: no metric
        goal = None
        if isinstance(value, dict):
            inner, inner_pieces = _comma_splits(value)
            unknown = sorted(str(k) for k in value if k not in ("goal", "actual") and k not in inner_pieces)
            if unknown:
                add_problem(note, mline, "warning", "metric-invalid",
                            f"metric {name!r}: unknown keys {', '.join(unknown)}", "use goal and actual")
            goal = _figure(note, fm, value, "goal", mline, inner, f"goal of {name!r}",
                           "write a plain number such as 25000", code="metric-not-number")
            actual = _figure(note, fm, value, "actual", mline, inner, f"metric {name!r}", _ACTUAL_HINT,
                             code="metric-not-number")
        else:
            actual = _figure(note, fm, metrics, name, mline, split, f"metric {name!r}", _ACTUAL_HINT,
                             code="metric-not-number")
        out.append(Metric(str(name), actual, goal, mline))


_ACTUAL_HINT = "write a plain number such as 31250 or 27.5, without units"


def _comma_splits(mapping) -> tuple[dict, frozenset]:
    """(:func:`onenotes.reading.figures.comma_splits` of ``mapping``, every piece's key); at once no
    split for a mapping without a key with no value (a piece has none)."""
    if None not in mapping.values():
        return _NO_SPLITS
    from onenotes.reading.figures import comma_splits

    found = comma_splits(mapping)
    return found, frozenset(piece for pieces in found.values() for piece in pieces)


_NO_SPLITS: tuple[dict, frozenset] = ({}, frozenset())


def _figure(note: Note, fm: str, mapping, key, line: int, split: dict, what: str, hint: str, *,
            code: str):
    """The figure under ``key`` of ``mapping``, or None (a gap): one YAML could not read as a
    number (``30,5``, ``12 000``, or ``{actual: 30,5}``, split at its comma) is an error
    that says what to write, and so is one that could mean thousands (``20.000``)."""
    value = mapping.get(key)
    line = line_of(mapping, key, line)
    if key in split:
        from onenotes.reading.figures import typed_at

        typed = typed_at(fm, line - 1, key)
        if typed is None:
            add_problem(note, line, "error", code, f"{what} is not a number: YAML splits it at a comma", hint)
        else:
            _not_a_number(note, line, code, what, typed, hint)
        return None
    number = _number(value)
    if value is not None and number is None:
        _not_a_number(note, line, code, what, value, hint)
    elif type(number) is float and _doubtful(note, fm, line, key, number, what):
        return None
    return number


# What every figure typed so that its dot may separate thousands holds (1.500, 20.000).
_DOT_THOUSANDS = re.compile(r"\.[0-9]{3}")


def _not_a_number(note: Note, line: int, code: str, what: str, value, hint: str) -> None:
    """The error for a figure that is not a number, with the figure to write when the text tells it."""
    if isinstance(value, str):
        from onenotes.reading.figures import figure_hint

        hint = figure_hint(value) or hint
    add_problem(note, line, "error", code, f"{what} is not a number: {value!r}", hint)


def _doubtful(note: Note, fm: str, line: int, key, value: float, what: str) -> bool:
    """True, with an error, when YAML read ``value`` (a float) from a figure typed as
    ``20.000`` or ``1.500``: 20 or twenty thousand?  Not guessed: the figure is a gap."""
    if not _DOT_THOUSANDS.search(fm):  # (quicker than looking up what was typed: most notes have none)
        return False
    from onenotes.reading.figures import misread_thousands

    doubt = misread_thousands(value, fm, line - 1, key)
    if doubt is None:
        return False
    typed, read, other = doubt
    add_problem(note, line, "error", "figure-ambiguous", f"{what}: {typed} could be {read} or {other}",
                f"write {other} if the dot separates thousands, or {read} if it does not")
    return True


_PLAN_TYPES = (str, int, float, type(None))
_TARGET_HINT = "write a plain number of activities a week, e.g. 'sales_calls: 40'"


def read_plans(note: Note, fm: str) -> None:
    """coaching_plan (text by topic), behaviour_plan (KPI -> target), confidence (KPI -> 1-5)."""
    meta = note.meta
    if meta.get("coaching_plan") is not None:
        _read_coaching_plan(note)
    if meta.get("behaviour_plan") is not None:
        _read_behaviour_plan(note, fm)
    if meta.get("confidence") is not None:
        _read_confidence(note, fm)


def _read_coaching_plan(note: Note) -> None:
    meta = note.meta
    plan = meta.get("coaching_plan")
    if isinstance(plan, str):
        note.coaching_plan = {"skill": plan}
    elif isinstance(plan, dict) and all([isinstance(v, _PLAN_TYPES) for v in plan.values()]):
        note.coaching_plan = {str(k): ("" if v is None else str(v)) for k, v in plan.items()}
    else:
        add_problem(note, line_of(meta, "coaching_plan"), "error", "plan-invalid",
                    "coaching_plan must be 'topic: text' lines", "e.g. 'skill: handling price objections'")


def _read_behaviour_plan(note: Note, fm: str) -> None:
    meta = note.meta
    targets = meta.get("behaviour_plan")
    if not isinstance(targets, dict):
        add_problem(note, line_of(meta, "behaviour_plan"), "error", "plan-invalid",
                    "behaviour_plan must map input KPIs to weekly targets", "e.g. 'sales_calls: 40'")
        return
    split, pieces = _comma_splits(targets)
    for name, value in targets.items():
        kind = type(value)  # a plain figure passes _number as itself (see read_metrics)
        if (kind is int or kind is float) and -MAX_FIGURE <= value <= MAX_FIGURE and not split:
            if kind is float and _doubtful(note, fm, line_of(targets, name, line_of(meta, "behaviour_plan")),
                                           name, value, f"behaviour_plan target for {name!r}"):
                continue
            note.behaviour_plan[str(name)] = value
        elif pieces and name in pieces:
            continue
        elif value is None:
            _not_a_number(note, line_of(targets, name, line_of(meta, "behaviour_plan")), "plan-invalid",
                          f"behaviour_plan target for {name!r}", value, _TARGET_HINT)
        else:
            number = _figure(note, fm, targets, name, line_of(meta, "behaviour_plan"), split,
                             f"behaviour_plan target for {name!r}", _TARGET_HINT, code="plan-invalid")
            if number is not None:
                note.behaviour_plan[str(name)] = number


def _read_confidence(note: Note, fm: str) -> None:
    meta = note.meta
    sure = meta.get("confidence")
    if not isinstance(sure, dict):
        add_problem(note, line_of(meta, "confidence"), "error", "confidence-invalid",
                    "confidence must map KPI names to 1-5", "e.g. 'revenue: 4'")
        return
    split, pieces = _comma_splits(sure)
    for name, value in sure.items():
        if pieces and name in pieces:
            continue
        line = line_of(sure, name, line_of(meta, "confidence"))
        if name in split:  # {revenue: 3,5}: YAML read 3 and a key 5
            from onenotes.reading.figures import typed_at

            typed = typed_at(fm, line - 1, name)
            value = typed if typed is not None else value
        if name in split or isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            add_problem(note, line, "error",
                        "confidence-invalid", f"confidence for {name!r} must be 1 to 5, not {value!r}",
                        "write a whole number from 1 (unsure) to 5 (sure)")
        else:
            note.confidence[str(name)] = value
