"""The team report as Markdown, for a notes repository viewed on a git host.

The same content as the HTML page: tables, with the trend charts as small SVG
files beside it.  Text from notes is backslash-escaped so it cannot become a
link, an image (a request when viewed), HTML or a table cell break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from onenotes.views.report.charts import MARKER, short_date
from onenotes.rules.kpis import sparkline
from onenotes.views.formats import clean, dated, format_number, format_percent
from onenotes.text import plural
from onenotes.views.report.model import DUE, MET, MISSED, NOT_DUE, Report, Series
from onenotes.views.report.page import (BELOW_MARK, KEPT_LEGEND, OK_MARK, STATE_SYMBOL, chart_groups, headlines,
                                        heat_rows, overdue_rows, period_centre, period_name, team_rows, title_of)


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


def markdown_page(report: Report, assets: str | None) -> MarkdownReport:
    """The report as Markdown; with ``assets`` (a relative folder), charts as SVG files there.

    Without ``assets`` the trends are text sparklines and no chart is made.
    """
    lines = [f"<!-- {MARKER}: regenerate it rather than edit it -->", "",
             f"# {md(title_of(report))}", "",
             f"As of {report.today} · trends over the last {plural(report.weeks, 'week')} "
             f"({report.start} to {report.today}) · {plural(len(report.reps), 'rep')}", ""]
    for h in headlines(report):
        lines.append(f"- **{md(h['figure'])}** {md(h['text'])}")
    lines += team_section(report)
    trends, charts = trends_section(report, assets)
    lines += trends
    lines += cadence_section(report)
    lines += overdue_section(report)
    lines += ["", f"Made by onenotes from the notebook's plain files on {report.today}.", ""]
    return MarkdownReport("\n".join(lines), charts)


def team_section(report: Report) -> list[str]:
    """The team table: one row per rep."""
    lines = ["", "## Team", "",
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
    return lines


def trends_section(report: Report, assets: str | None) -> tuple[list[str], dict[str, str]]:
    """Per rep, a table of KPIs with their trends; and the charts to write in ``assets``
    (file name -> SVG text; none without ``assets``: the trends are then sparklines)."""
    lines = ["", "## Trends against goal", ""]
    charts: dict[str, str] = {}
    used: set[str] = set()
    for i, r in enumerate(report.reps):
        lines += [f"### {md(r.name)}", "", md(r.diagnosis.summary), ""]
        lines.append("| KPI | Trend | Latest | Goal | Attainment |")
        lines.append("| --- | --- | ---: | ---: | ---: |")
        for _, group in chart_groups(report, r, i, standalone=True):
            for s, svg in group:
                if assets is not None:
                    name = _asset_name(r.rep, s.kpi, used)
                    charts[name] = svg
                    alt = md(f"{s.label} trend of {r.name}")
                    trend = f"![{alt}]({quote(f'{assets}/{name}')})"  # a space or ( in --out
                else:
                    trend = "`" + sparkline([p.value for p in s.points]).replace(" ", "\u00a0") + "`" \
                        if s.points else ""
                lines.append(_trend_row(report, s, trend))
        lines.append("")
    return lines, charts


def _trend_row(report: Report, s: Series, trend: str) -> str:
    """One KPI's row of a rep's trend table."""
    row = s.row
    mark = ""
    if row.attainment is not None:
        mark = (BELOW_MARK if row.attainment < report.on_target else OK_MARK) + " "
    kind = "output" if s.kind == "output" else "input"
    goal = format_number(row.goal, row.unit) + (f"/{row.period}" if row.period and row.goal is not None
                                                else "")
    latest = dated(format_number(row.latest, row.unit), row.latest_date, row.last_meeting)
    return (f"| {md(s.label)} ({kind}) | {trend} | {md(latest)} | "
            f"{md(goal)} | {mark}{format_percent(row.attainment)} |")


def cadence_section(report: Report) -> list[str]:
    """The cadence heatmap as a table: one row per rep, one column per period."""
    lines = ["## Cadence: one-on-ones held", "",
             f"One one-on-one every {period_name(report).removeprefix('a ')}; each column is "
             f"{period_name(report)}: {STATE_SYMBOL[MET]} met, {STATE_SYMBOL[MISSED]} missed, "
             f"{STATE_SYMBOL[DUE]} due now, {STATE_SYMBOL[NOT_DUE]} not due. Coaching hours this month / "
             f"last month, against a target of {report.hours_target:g} a month.", ""]
    head = ["Rep"] + [short_date(period_centre(s, e)) for s, e in report.periods] + [
        "Coaching hours (this / last month)", "Missed (13 wk)", "Streak"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("| --- | " + " | ".join(":---:" for _ in report.periods) + " | ---: | ---: | ---: |")
    for h in heat_rows(report):
        lines.append("| " + " | ".join([md(h["name"])] + [c["symbol"] for c in h["cells"]] +
                                       [h["hours"], str(h["missed"]), str(h["streak"])]) + " |")
    return lines


def overdue_section(report: Report) -> list[str]:
    """The overdue commitments, the longest overdue first."""
    names = {r.rep: r.name for r in report.reps}
    overdue = overdue_rows(report, names)
    lines = ["", f"## Overdue commitments ({len(overdue)} of {report.open_count} open)", ""]
    if overdue:
        lines.append("| Due | Days over | Rep | Owner | Commitment | Noted in |")
        lines.append("| --- | ---: | --- | --- | --- | --- |")
        for c in overdue:
            text = md(c["text"]) + (" **escalate**" if c["escalate"] else "")
            lines.append(f"| {c['due']} | {c['days']} | {md(c['rep'])} | {md(c['owner'])} | {text} | "
                         f"{md(c['source'])} |")
    else:
        lines.append("No overdue commitments.")
    return lines


def _kept_md(row: dict, name: str) -> str:
    """A team row's kept-on-time cell (:func:`~onenotes.views.report.page.kept_cells`) as one Markdown cell: '90% (9 of 10; 2 date unknown)'."""
    note = row[f"{name}_note"] + (f"; {row[f'{name}_unknown']}" if row[f"{name}_unknown"] else "")
    return f"{row[f'{name}_text']} ({md(note)})"


def _md_anchor(name: str) -> str:
    """The anchor a git host gives the heading ``### name`` (GitHub's rule)."""
    text = clean(name).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")
