"""What both versions of the team report show, as rows ready to draw: the headlines,
the team table, the trend charts of each rep, the cadence heatmap and the overdue
commitments.  :mod:`onenotes.views.report.html` lays them out as one HTML page,
:mod:`onenotes.views.report.markdown` as Markdown; the figures are
:mod:`onenotes.views.report.model`'s.
"""

from __future__ import annotations

from onenotes.rules.accountability import RepAccountability, kept_on_time_rate
from onenotes.views.report.charts import trend_svg
from onenotes.views.formats import clean, dated, format_number, format_percent
from onenotes.text import plural, plural_word
from onenotes.views.report.model import DUE, MET, MISSED, NOT_DUE, Report, RepReport

OK_MARK, BELOW_MARK = "\u2713", "\u25bc"  # ✓ on goal, ▼ below
STATE_SYMBOL = {MET: "\u2713", MISSED: "\u2717", DUE: "\u2026", NOT_DUE: "\u2013"}
STATE_WORD = {MET: "met", MISSED: "missed", DUE: "due now", NOT_DUE: "not due"}
VERDICTS = {
    "on_track": ("On track", "outputs on goal"),
    "behaviour": ("Behaviour", "outputs and activity short"),
    "skill": ("Skill", "activity on goal, results short"),
    "no_figures": ("No figures", "no output figures recorded"),
}
VERDICT_ORDER = {"behaviour": 0, "skill": 1, "no_figures": 2, "on_track": 3}
KEPT_LEGEND = ("Kept on time, Open and Overdue: the rep's own commitments. Kept on time is on time \u00f7 "
               "(on time + late); one done on a date unknown (closed at a meeting without a done date, due "
               "between it and the meeting before) is in neither. Manager kept on time: the same for the "
               "manager's commitments to the rep, the manager's follow-through.")


def period_name(report: Report) -> str:
    """The cadence period in words: 'a day', 'a week', 'two weeks', 'a month', '10 days'."""
    return {1: "a day", 7: "a week", 14: "two weeks", 30: "a month"}.get(report.period_days,
                                                           plural(report.period_days, "day"))


def headlines(report: Report) -> list[dict]:
    """The four facts a manager looks for first, as (figure, text, alert)."""
    n = len(report.reps)
    off = report.reps_off_target
    late = report.reps_overdue_meeting
    out = []
    if off:
        names = ", ".join(f"{r.name} ({VERDICTS[r.diagnosis.verdict][0].lower()})" for r in off)
        out.append({"figure": f"{len(off)} of {n}", "text": f"{plural_word(n, 'rep')} below goal on an output: {names}",
                    "alert": True})
    else:
        on = [r for r in report.reps if r.diagnosis.outputs_on_track]
        unknown = [r.name for r in report.reps if r.diagnosis.outputs_on_track is None]
        text = f"{plural_word(n, 'rep')} on goal on every output"
        if unknown:
            text += f" (no output figures: {', '.join(unknown)})"
        out.append({"figure": f"{len(on)} of {n}" if n else "0", "text": text, "alert": False})
    overdue = len(report.overdue)
    managers = sum(c["owner"] == "manager" for c in report.overdue)  # the manager's own promises
    out.append({"figure": f"{overdue} of {report.open_count}",
                "text": f"{plural_word(report.open_count, 'open commitment')} "
                        f"{plural_word(report.open_count, 'is', 'are')} overdue"
                        + (f", {managers} of them the manager's" if managers else ""),
                "alert": overdue > 0})
    out.append(_kept_headline(report))
    if late:
        names = ", ".join(f"{r.name} ({plural(r.cadence.days_overdue, 'day')})" if r.cadence.last_meeting
                          else f"{r.name} (never had one)" for r in late)
        out.append({"figure": str(len(late)), "text": f"overdue for a one-on-one: {names}", "alert": True})
    else:
        out.append({"figure": "0", "text": "reps overdue for a one-on-one", "alert": False})
    return out


def _kept_headline(report: Report) -> dict:
    """The reps' own commitments kept on time, the team's rate, with the rep(s) lowest on it
    (named only when below another rep: a rate counts those done on time or late, never
    those whose date is unknown), and the manager's own follow-through beside it."""
    reps = [r.accountability for r in report.reps]
    on_time, late = sum(a.kept_on_time for a in reps), sum(a.kept_late for a in reps)
    rate = kept_on_time_rate(on_time, late)
    notes = []
    rates = {r.name: r.accountability.kept_on_time_rate for r in report.reps
             if r.accountability.kept_on_time_rate is not None}
    if rates and min(rates.values()) < max(rates.values()):
        low = min(rates.values())
        notes.append(f"lowest: {', '.join(n for n, v in rates.items() if v == low)}, {format_percent(low)}")
    unknown = sum(a.done_date_unknown for a in reps)
    if unknown:
        notes.append(f"{unknown} more done, date unknown")
    text = "of the reps' own commitments done on time or late were on time"
    if notes:
        text += f" ({'; '.join(notes)})"
    manager = [r.follow_through for r in report.reps]
    m_on, m_late = sum(a.kept_on_time for a in manager), sum(a.kept_late for a in manager)
    if m_on + m_late:
        who = f"{report.manager}'s" if report.manager else "the manager's"
        text += f"; {who} to them: {format_percent(kept_on_time_rate(m_on, m_late))} ({m_on} of {m_on + m_late})"
    return {"figure": format_percent(rate), "text": text,
            "alert": False}  # no target for it in the config: shown, not judged


def kept_cells(acc: RepAccountability, name: str) -> dict:
    """A kept-on-time rate and what it is made of ('9 of 10'), and the done ones whose
    date is unknown (left out of it), as the team table shows them."""
    judged = acc.kept_on_time + acc.kept_late
    return {f"{name}_text": format_percent(acc.kept_on_time_rate),
            f"{name}_note": f"{acc.kept_on_time} of {judged}" if judged else "none judged",
            f"{name}_unknown": f"{acc.done_date_unknown} date unknown" if acc.done_date_unknown else "",
            f"{name}_sort": "" if acc.kept_on_time_rate is None else f"{acc.kept_on_time_rate:.4f}"}


def _output_cell(row, on_target: float) -> dict:
    if row is None or row.attainment is None:
        why = "no figure" if row is None or row.latest is None else "no goal"
        return {"kpi": row.kpi if row else "", "text": "\u2013", "mark": "", "below": None, "sort": "",
                "title": why}
    below = row.attainment < on_target
    title = (f"{row.label}: {format_number(row.latest, row.unit)} against a goal of "
             f"{format_number(row.goal, row.unit)} on {row.latest_date}")
    if row.period:
        title = (f"{row.label}: {format_number(row.period_total, row.unit)} so far this {row.period} "
                 f"against a goal of {format_number(row.goal, row.unit)} a {row.period}, judged on pace")
    text = format_percent(row.attainment)
    if not row.period:  # (a period's pace is judged as of the report's day)
        text = dated(text, row.latest_date, row.last_meeting)
    return {"kpi": row.kpi, "text": text, "below": below,
            "mark": BELOW_MARK if below else OK_MARK, "sort": f"{row.attainment:.4f}", "title": title}


def _labels(report_rep: RepReport, names: list[str]) -> str:
    labels = {r.kpi: r.label for r in report_rep.kpis}
    return ", ".join(labels.get(n, n) for n in names)


def team_rows(report: Report) -> list[dict]:
    rows = []
    for i, r in enumerate(report.reps):
        by_kpi = {k.kpi: k for k in r.outputs}
        on, short = len(r.inputs_on_target), len(r.inputs_short)
        label, note = VERDICTS[r.diagnosis.verdict]
        acc, cad, theirs = r.accountability, r.cadence, r.follow_through
        if cad.last_meeting is None:
            last_text, meeting_note = "never", "no one-on-one yet"
        else:
            last_text = cad.last_meeting.isoformat()
            meeting_note = f"{plural(cad.days_since, 'day')} ago"
        if cad.overdue:
            meeting_note = f"overdue {plural(cad.days_overdue, 'day')}"
        rows.append({
            "slug": r.rep, "name": r.name, "anchor": f"rep-{i + 1}",
            "outputs": [_output_cell(by_kpi.get(name), report.on_target) for name, _ in report.output_kpis],
            "inputs_text": f"{on} of {on + short}" if on + short else "\u2013",
            "inputs_sort": f"{on / (on + short):.4f}" if on + short else "",
            "inputs_short": _labels(r, r.inputs_short),
            "verdict": label, "verdict_note": note, "verdict_alert": r.diagnosis.verdict in ("behaviour", "skill"),
            "verdict_sort": VERDICT_ORDER[r.diagnosis.verdict], "consistent": r.diagnosis.consistent,
            "summary": r.diagnosis.summary,
            **kept_cells(acc, "kept"), **kept_cells(theirs, "follow"),
            "open": acc.open, "overdue": acc.open_overdue,
            "last_text": last_text, "last_sort": last_text if cad.last_meeting else "0000-00-00",
            "meeting_overdue": cad.overdue or cad.last_meeting is None, "meeting_note": meeting_note,
        })
    return rows


def chart_groups(report: Report, r: RepReport, rep_index: int, standalone: bool = False):
    """A rep's trend charts, outputs then inputs: [(group title, [(series, SVG text)])]."""
    groups = []
    for kind, title in (("output", "Outputs (results)"), ("input", "Inputs (activity)")):
        charts = []
        for j, s in enumerate(x for x in r.series if x.kind == kind):
            uid = f"c{rep_index + 1}-{kind[0]}{j + 1}"
            charts.append((s, trend_svg(s, report.start, report.today, report.on_target, uid,
                                        r.name, standalone)))
        if charts:
            groups.append((title, charts))
    return groups


def figures_table(r: RepReport) -> dict | None:
    """Every figure of a rep's charts, a row per meeting date (None: no figures)."""
    dates = sorted({p.date for s in r.series for p in s.points})
    if not dates:
        return None
    labels = [s.label for s in r.series]
    rows = []
    for day in dates:
        values = []
        for s in r.series:
            p = next((p for p in s.points if p.date == day), None)
            values.append(format_number(p.value, s.unit) if p is not None and p.value is not None else "")
        rows.append({"date": day.isoformat(), "figures": values})
    return {"labels": labels, "rows": rows}


def heat_rows(report: Report) -> list[dict]:
    """The cadence heatmap: per rep, a cell per period, the coaching hours, missed and streak."""
    rows = []
    for r in report.reps:
        cells = []
        for c in r.periods:
            title = f"{r.name}, {c.start.isoformat()} to {c.end.isoformat()}: {STATE_WORD[c.state]}"
            if c.meetings:
                title += " (" + ", ".join(d.isoformat() for d in c.meetings) + ")"
            cells.append({"state": c.state, "symbol": STATE_SYMBOL[c.state], "word": STATE_WORD[c.state],
                          "title": title})
        cad = r.cadence
        rows.append({
            "slug": r.rep, "name": r.name, "cells": cells,
            "hours": f"{cad.hours_this_month:g} / {cad.hours_last_month:g}",
            "hours_below": cad.hours_last_month < cad.hours_target,
            "missed": cad.missed_last_quarter, "streak": cad.streak,
        })
    return rows


def overdue_rows(report: Report, names: dict[str, str]) -> list[dict]:
    """The overdue commitments as the report lists them (``names``: rep slug -> name)."""
    return [{"id": c["id"], "due": c["due"], "days": c["days_overdue"], "rep": names.get(c["rep"], c["rep"]),
             "owner": c["owner"], "text": clean(c["label"]), "escalate": c["escalate"],
             "source": f"{c['source']}:{c['line']}"} for c in report.overdue]


def period_centre(start, end):
    """A period's label: its middle day (the meeting day, for a weekly cadence)."""
    return start + (end - start) / 2


def title_of(report: Report) -> str:
    return f"Team report: {report.manager}'s team" if report.manager else "Team report"
