"""Drawing a :class:`onenotes.views.report.model.Report`: one self-contained HTML page, or Markdown.

The HTML page works offline and by e-mail: CSS and a few lines of script
(sorting only) are inline, charts are inline SVG, and a Content-Security-Policy
with ``default-src 'none'`` forbids every network request, so even a note
that slipped markup past the escaping could not load anything.  All text from
notes and the config is escaped (Jinja autoescape; :func:`onenotes.views.report.charts.esc`
inside SVG).

The Markdown version has the same content for a notes repository viewed on a
git host: tables, with the trend charts as small SVG files beside it.  Text
from notes is backslash-escaped so it cannot become a link, an image (a
request when viewed), HTML or a table cell break.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from onenotes import __version__
from onenotes.rules.accountability import RepAccountability, kept_on_time_rate
from onenotes.views.report.charts import BLUE, INK, MARKER, VERMILLION, esc, short_date, trend_svg
from onenotes.rules.kpis import sparkline
from onenotes.views.formats import clean, dated, format_number, format_percent
from onenotes.text import plural, plural_word
from onenotes.views.templates import packaged_templates
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


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _asset(name: str) -> str:
    return (packaged_templates() / name).read_text(encoding="utf-8")


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


def _kept_cells(acc: RepAccountability, name: str) -> dict:
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
            **_kept_cells(acc, "kept"), **_kept_cells(theirs, "follow"),
            "open": acc.open, "overdue": acc.open_overdue,
            "last_text": last_text, "last_sort": last_text if cad.last_meeting else "0000-00-00",
            "meeting_overdue": cad.overdue or cad.last_meeting is None, "meeting_note": meeting_note,
        })
    return rows


def _chart_groups(report: Report, r: RepReport, rep_index: int, standalone: bool = False):
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


def _figures_table(r: RepReport) -> dict | None:
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
    return [{"id": c["id"], "due": c["due"], "days": c["days_overdue"], "rep": names.get(c["rep"], c["rep"]),
             "owner": c["owner"], "text": clean(c["label"]), "escalate": c["escalate"],
             "source": f"{c['source']}:{c['line']}"} for c in report.overdue]


def _centre(start, end):
    """A period's label: its middle day (the meeting day, for a weekly cadence)."""
    return start + (end - start) / 2




def title_of(report: Report) -> str:
    return f"Team report: {report.manager}'s team" if report.manager else "Team report"


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["plural"] = plural
    template = env.from_string(_asset("report.html"))
    css, js = _asset("report.css"), _asset("report.js")
    csp = (f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    team = team_rows(report)
    heat = heat_rows(report)
    reps = []
    for i, (r, row, h) in enumerate(zip(report.reps, team, heat)):
        groups = [{"title": title, "charts": [Markup(svg) for _, svg in charts]}
                  for title, charts in _chart_groups(report, r, i)]
        reps.append({**row, **{k: h[k] for k in ("cells", "hours", "hours_below", "missed", "streak")},
                     "groups": groups, "table": _figures_table(r)})
    names = {r.rep: r.name for r in report.reps}
    periods = [{"label": short_date(_centre(s, e)), "title": f"{s.isoformat()} to {e.isoformat()}"}
               for s, e in report.periods]
    return template.render(
        marker=MARKER, version=__version__, csp=csp, css=Markup(css), js=Markup(js),
        title=title_of(report), today=report.today.isoformat(), start=report.start.isoformat(),
        weeks=report.weeks, headlines=headlines(report), output_kpis=report.output_kpis,
        reps=reps, periods=periods, period_name=period_name(report),
        hours_target=f"{report.hours_target:g}", overdue=overdue_rows(report, names), kept_legend=KEPT_LEGEND,
        open_count=report.open_count, mark_ok=OK_MARK, mark_below=BELOW_MARK,
        blue=BLUE, verm=VERMILLION, ink=INK)


# ------------------------------------------------------------- Markdown ---

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~&$])")


def md(text) -> str:
    """Note text as inert Markdown inline text: one line, every markup character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(clean(text).split()))


@dataclass
class MarkdownReport:
    text: str
    charts: dict[str, str]  # file name (in the assets folder) -> SVG text


def _asset_name(rep: str, kpi: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{rep}-{kpi}").strip("-")[:80] or "chart"
    name, n = base + ".svg", 2
    while name in used:
        name, n = f"{base}-{n}.svg", n + 1
    used.add(name)
    return name


def render_markdown(report: Report, assets: str | None) -> MarkdownReport:
    """The report as Markdown; with ``assets`` (a relative folder), charts as SVG files there.

    Without ``assets`` the trends are text sparklines and no chart is made.
    """
    lines = [f"<!-- {MARKER}: regenerate it rather than edit it -->", "",
             f"# {md(title_of(report))}", "",
             f"As of {report.today} · trends over the last {plural(report.weeks, 'week')} "
             f"({report.start} to {report.today}) · {plural(len(report.reps), 'rep')}", ""]
    for h in headlines(report):
        lines.append(f"- **{md(h['figure'])}** {md(h['text'])}")
    lines += ["", "## Team", "",
              f"Attainment of each output KPI at the latest meeting ({OK_MARK} on or above goal, "
              f"{BELOW_MARK} below). {KEPT_LEGEND}", ""]
    team = team_rows(report)
    header = ["Rep"] + [label for _, label in report.output_kpis] + [
        "Inputs on goal", "Diagnosis", "Kept on time", "Open", "Overdue", "Manager kept on time",
        "Last one-on-one"]
    lines.append("| " + " | ".join(md(h) for h in header) + " |")
    lines.append("| --- | " + " | ".join("---:" for _ in report.output_kpis) +
                 " | --- | --- | ---: | ---: | ---: | ---: | --- |")
    for row in team:
        cells = [f"[{md(row['name'])}](#{_md_anchor(row['name'])})"]
        cells += [f"{c['mark']} {c['text']}".strip() for c in row["outputs"]]
        inputs = row["inputs_text"] + (f" (short: {md(row['inputs_short'])})" if row["inputs_short"] else "")
        verdict = f"**{md(row['verdict'])}**: {md(row['verdict_note'])}"
        if row["consistent"]:
            verdict += ", funnel review"
        last = f"{row['last_text']} ({md(row['meeting_note'])})"
        cells += [inputs, verdict, _kept_md(row, "kept"), str(row["open"]), str(row["overdue"]),
                  _kept_md(row, "follow"), last]
        lines.append("| " + " | ".join(cells) + " |")
    if not team:
        lines.append("")
        lines.append("No reps in this notebook yet.")
    lines += ["", "## Trends against goal", ""]
    charts: dict[str, str] = {}
    used: set[str] = set()
    for i, r in enumerate(report.reps):
        lines += [f"### {md(r.name)}", "", md(r.diagnosis.summary), ""]
        lines.append("| KPI | Trend | Latest | Goal | Attainment |")
        lines.append("| --- | --- | ---: | ---: | ---: |")
        for _, group in _chart_groups(report, r, i, standalone=True):
            for s, svg in group:
                if assets is not None:
                    name = _asset_name(r.rep, s.kpi, used)
                    charts[name] = svg
                    alt = md(f"{s.label} trend of {r.name}")
                    trend = f"![{alt}]({quote(f'{assets}/{name}')})"  # a space or ( in --out
                else:
                    trend = "`" + sparkline([p.value for p in s.points]).replace(" ", "\u00a0") + "`" \
                        if s.points else ""
                row = s.row
                mark = ""
                if row.attainment is not None:
                    mark = (BELOW_MARK if row.attainment < report.on_target else OK_MARK) + " "
                kind = "output" if s.kind == "output" else "input"
                goal = format_number(row.goal, row.unit) + (f"/{row.period}" if row.period and row.goal is not None
                                                            else "")
                latest = dated(format_number(row.latest, row.unit), row.latest_date, row.last_meeting)
                lines.append(f"| {md(s.label)} ({kind}) | {trend} | {md(latest)} | "
                             f"{md(goal)} | {mark}{format_percent(row.attainment)} |")
        lines.append("")
    lines += ["## Cadence: one-on-ones held", "",
              f"One one-on-one every {period_name(report).removeprefix('a ')}; each column is "
              f"{period_name(report)}: {STATE_SYMBOL[MET]} met, {STATE_SYMBOL[MISSED]} missed, "
              f"{STATE_SYMBOL[DUE]} due now, {STATE_SYMBOL[NOT_DUE]} not due. Coaching hours this month / "
              f"last month, against a target of {report.hours_target:g} a month.", ""]
    head = ["Rep"] + [short_date(_centre(s, e)) for s, e in report.periods] + [
        "Coaching hours (this / last month)", "Missed (13 wk)", "Streak"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("| --- | " + " | ".join(":---:" for _ in report.periods) + " | ---: | ---: | ---: |")
    for h in heat_rows(report):
        lines.append("| " + " | ".join([md(h["name"])] + [c["symbol"] for c in h["cells"]] +
                                       [h["hours"], str(h["missed"]), str(h["streak"])]) + " |")
    names = {r.rep: r.name for r in report.reps}
    overdue = overdue_rows(report, names)
    lines += ["", f"## Overdue commitments ({len(overdue)} of {report.open_count} open)", ""]
    if overdue:
        lines.append("| Due | Days over | Rep | Owner | Commitment | Noted in |")
        lines.append("| --- | ---: | --- | --- | --- | --- |")
        for c in overdue:
            text = md(c["text"]) + (" **escalate**" if c["escalate"] else "")
            lines.append(f"| {c['due']} | {c['days']} | {md(c['rep'])} | {md(c['owner'])} | {text} | "
                         f"{md(c['source'])} |")
    else:
        lines.append("No overdue commitments.")
    lines += ["", f"Made by onenotes from the notebook's plain files on {report.today}.", ""]
    return MarkdownReport("\n".join(lines), charts)


def _kept_md(row: dict, name: str) -> str:
    """A team row's kept-on-time cell (:func:`_kept_cells`) as one Markdown cell: '90% (9 of 10; 2 date unknown)'."""
    note = row[f"{name}_note"] + (f"; {row[f'{name}_unknown']}" if row[f"{name}_unknown"] else "")
    return f"{row[f'{name}_text']} ({md(note)})"


def _md_anchor(name: str) -> str:
    """The anchor a git host gives the heading ``### name`` (GitHub's rule)."""
    text = clean(name).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


__all__ = ["render_html", "render_markdown", "MarkdownReport", "esc", "md"]
