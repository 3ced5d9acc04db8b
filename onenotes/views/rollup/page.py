"""The roll-up as one self-contained HTML page, by the report's rules.

One file that works offline and by e-mail: the report's CSS and sorting
script inline (with a few rules of the roll-up's own), charts as inline SVG
in the report's palette (Okabe-Ito) and made by the report's chart code where
it fits (:func:`onenotes.views.report.charts.trend_svg`), a
Content-Security-Policy forbidding every request, every text escaped (Jinja
autoescape; :func:`onenotes.views.report.charts.esc` in SVG), colour never the
only signal (below a target is also ▼ and a triangle), every chart with a
``<title>`` and a ``<desc>`` listing its figures, which the table shows too.
"""

from __future__ import annotations

import datetime as dt

import jinja2
from markupsafe import Markup

from onenotes import __version__
from onenotes.rules.kpis import KpiRow
from onenotes.text import plural
from onenotes.views.formats import format_number, format_percent
from onenotes.views.report.charts import BLUE, GREY, INK, VERMILLION, esc, short_date, trend_svg
from onenotes.views.report.model import Point, Series
from onenotes.views.report.html import _asset, _sha256
from onenotes.views.report.page import BELOW_MARK, OK_MARK
from onenotes.views.rollup import Rollup, differences, legend, records
from onenotes.views.rollup.output import MARKER, title_of


def _cell(field: str, text: str, note: str = "", sort="", below: bool | None = None, title: str = "") -> dict:
    mark = "" if below is None else BELOW_MARK if below else OK_MARK
    return {"field": field, "text": text, "note": note, "sort": "" if sort is None else sort, "below": below,
            "mark": mark, "title": title}


def _rate_cell(field: str, part, whole, below_when_short: bool = True) -> dict:
    if part is None or not whole:
        return _cell(field, "\u2013", "none expected" if part is not None else "")
    rate = part / whole
    return _cell(field, format_percent(rate), f"{part} of {whole}", f"{rate:.4f}",
                 (part < whole) if below_when_short else None)


def _row_cells(row: dict, kpis) -> list[dict]:
    """The figure cells of one row of :func:`onenotes.views.rollup.records`."""
    if row["reps"] is None:
        return [_cell(f, "\u2013") for f in ("held_4wk_rate", "held_13wk_rate", "hours", "reps_overdue_meeting",
                                           "kept_on_time_rate", "reps_below_goal")] + \
            [_cell(f"{k}_on_goal", "\u2013") for k, _ in kpis]
    cells = [_rate_cell("held_4wk_rate", row["held_4wk"], row["expected_4wk"]),
             _rate_cell("held_13wk_rate", row["held_13wk"], row["expected_13wk"])]
    this, last, target = row["hours_per_rep_this_month"], row["hours_per_rep_last_month"], row["hours_target"]
    if last is None:
        cells.append(_cell("hours", "\u2013", "no reps"))
    else:
        under = row["reps_under_hours_target_last_month"]
        note = (f"target {target:g} h" if target is not None else "targets differ") + \
            (f"; {under} under" if under else "")
        cells.append(_cell("hours", f"{this:g} / {last:g}", note, f"{last:.2f}",
                           last < target if target is not None else None,
                           f"one-on-one hours per rep: {this:g} this month so far, {last:g} last month"))
    overdue = row["reps_overdue_meeting"]
    cells.append(_cell("reps_overdue_meeting", str(overdue), "", overdue, overdue > 0))
    judged = row["kept_on_time"] + row["kept_late"]
    unknown = row["done_date_unknown"]
    cells.append(_cell("kept_on_time_rate", format_percent(row["kept_on_time_rate"]),
                       (f"{row['kept_on_time']} of {judged}" if judged else "none judged")
                       + (f"; {unknown} date unknown" if unknown else ""),
                       "" if row["kept_on_time_rate"] is None else f"{row['kept_on_time_rate']:.4f}"))
    below = row["reps_below_goal"]
    cells.append(_cell("reps_below_goal", f"{row['reps_behaviour']} / {row['reps_skill']}",
                       f"{row['reps_no_figures']} without figures" if row["reps_no_figures"] else "",
                       below, below > 0))
    for kpi, _ in kpis:
        on, of = row[f"{kpi}_on_goal"], row[f"{kpi}_reps"]
        cells.append(_cell(f"{kpi}_on_goal", f"{on} of {of}" if of else "\u2013", "", f"{on / of:.4f}" if of else "",
                           on < of if of else None))
    return cells


def table_rows(r: Rollup) -> tuple[list[dict], dict]:
    """The managers' rows and the total row, as the template shows them."""
    rows, total = [], None
    for row, team in zip(records(r), [*r.teams, None]):
        flags = []
        if team is not None:
            if team.error:
                flags.append("not read")
            elif team.unread:
                flags.append("left out")
            if team.pulled and team.pulled.startswith("not "):
                flags.append(team.pulled.split(":")[0])
        newest = row["newest_note"]
        shown = {
            "notebook": row["notebook"] or "", "read": row["reps"] is not None,
            "name": "Total" if row["total"] else row["notebook"], "sort_name": (row["notebook"] or "").lower(),
            "manager": row["manager"] or ("" if not row["total"] else
                                          f"{row['notebooks_in_total']} of {plural(row['notebooks'], 'notebook')}"),
            "reps": "\u2013" if row["reps"] is None else row["reps"], "flags": flags,
            "figures": _row_cells(row, r.kpis),
            "newest": newest.isoformat() if newest else "\u2013", "newest_sort": newest.isoformat() if newest else "",
            "newest_note": f"{plural(row['days_since_newest_note'], 'day')} ago" if newest else "",
            "stale": bool(row.get("stale")),
        }
        if shown["stale"]:
            shown["newest_note"] = "stale: " + shown["newest_note"]
        if row["total"]:
            total = shown
        else:
            rows.append(shown)
    return rows, total


def headlines(r: Rollup) -> list[dict]:
    t = r.total
    out = []
    if t is None:
        return [{"figure": "0", "text": "notebooks read whole: there is no total", "alert": True}]
    held, expected = t.held_4wk, t.expected_4wk
    out.append({"figure": format_percent(held / expected) if expected else "\u2013",
                "text": f"of the one-on-ones expected in the last 4 weeks were held ({held} of {expected}; "
                        f"{format_percent(t.held_rate('13wk'))} over 13 weeks)",
                "alert": held < expected})
    last = t.hours_per_rep("last")
    target = f"a target of {t.hours_target:g} h" if t.hours_target is not None else "targets that differ"
    under = t.reps_under_target_last_month
    out.append({"figure": "\u2013" if last is None else f"{last:g} h",
                "text": f"of one-on-ones per rep last month, against {target}"
                        + (f"; {plural(under, 'rep')} under their team's target" if under else ""),
                "alert": under > 0})
    out.append({"figure": str(t.reps_overdue),
                "text": f"{'rep' if t.reps_overdue == 1 else 'reps'} overdue for a one-on-one, or never had one",
                "alert": t.reps_overdue > 0})
    judged = t.kept_on_time + t.kept_late
    out.append({"figure": format_percent(t.kept_on_time_rate),
                "text": "of the reps' own commitments done on time or late were on time"
                        + (f" ({t.kept_on_time} of {judged}" + (f"; {t.done_date_unknown} more done, date unknown"
                                                                if t.done_date_unknown else "") + ")" if judged else ""),
                "alert": False})
    out.append({"figure": f"{t.reps_below_goal} of {t.reps}",
                "text": f"reps below goal on an output: {t.reps_behaviour} behaviour (activity short), "
                        f"{t.reps_skill} skill (activity on goal)",
                "alert": t.reps_below_goal > 0})
    behind = [t for t in r.teams if t.error or t.unread or (t.figures is not None and t.figures.stale(r.today))]
    if behind:
        said = ", ".join(f"{t.entry.name} ({_why_behind(t, r.today)})" for t in behind)
        out.append({"figure": f"{len(behind)} of {len(r.teams)}",
                    "text": f"notebooks to look at first: {said}", "alert": True})
    return out


def _why_behind(team, today: dt.date) -> str:
    if team.error:
        return "not read: left out of the total"
    if team.unread:
        return f"{plural(len(team.unread), 'note')} not read: left out of the total"
    newest = team.figures.newest_note
    return f"stale: newest note {plural((today - newest).days, 'day')} old" if newest else "stale: no note"


def left_out(r: Rollup) -> list[str]:
    out = []
    for team in r.teams:
        if team.error:
            out.append(f"{team.entry.name}: not read ({team.error})")
        elif team.unread:
            out.append(f"{team.entry.name}: {plural(len(team.unread), 'note')} could not be read "
                       "(onenotes check, run in that notebook, says why)")
    return out


def held_series(name: str, periods: list, today: dt.date) -> Series:
    """One notebook's one-on-ones held per completed period, as a trend the report's chart draws."""
    points = []
    for start, end, held, due in periods:
        middle = start + (end - start) / 2
        share = held / due if due else None
        points.append(Point(middle, None if share is None else round(share * 100, 1), 100, share))
    last = next((p for p in reversed(points) if p.value is not None), None)
    row = KpiRow(name, "held", "One-on-ones held", "output", "%", "higher", 100,
                 last.value if last else None, last.date if last else None, last.attainment if last else None,
                 None, last_meeting=last.date if last else None)
    return Series("held", name, "output", "%", "higher", False, row, points)


def bars_svg(title: str, items: list[tuple[str, float | None, float | None, str]], uid: str,
             unit: str = "") -> str:
    """Horizontal bars, one per notebook: (name, value, target or None, text shown), the target a
    dashed tick; a bar short of its target is vermillion with a ▼, else blue with a ●."""
    width, left, right, row_h, top = 360, 96, 64, 22, 30
    height = top + row_h * len(items) + 8
    plot_w = width - left - right
    scale = max([v for _, v, _, _ in items if v is not None] + [t for _, _, t, _ in items if t is not None] + [1])
    figures = []
    parts = [f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-labelledby="{uid}-t {uid}-d" font-family="system-ui, sans-serif">']
    body = [f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#fff" stroke="#d0d0d0"/>',
            f'<text x="10" y="18" font-size="12" font-weight="600" fill="{INK}">{esc(title)}</text>']
    for i, (name, value, target, text) in enumerate(items):
        y = top + i * row_h
        body.append(f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end" fill="{INK}">'
                    f'{esc(name if len(name) <= 14 else name[:13] + chr(0x2026))}</text>')
        said = f"{name}: {text}" + (f" (target {format_number(target)}{unit})" if target is not None else "")
        if value is None:
            body.append(f'<text x="{left}" y="{y + 14}" font-size="11" fill="{GREY}">no figure</text>')
            figures.append(f"{name}: no figure")
            continue
        short = target is not None and value < target
        bar = max(1.0, value / scale * plot_w)
        colour = VERMILLION if short else BLUE
        body.append(f'<rect class="bar{" below" if short else ""}" x="{left}" y="{y + 4}" width="{bar:.1f}" '
                    f'height="13" fill="{colour}"><title>{esc(said)}</title></rect>')
        tick = left + target / scale * plot_w if target is not None else None
        label_x = max(left + bar, tick or 0) + 4  # clear of the target's tick
        body.append(f'<text x="{label_x:.1f}" y="{y + 14}" font-size="11" fill="{colour}">'
                    f'{BELOW_MARK if short else chr(0x25cf)} {esc(text)}</text>')
        if tick is not None:
            x = tick
            body.append(f'<path class="target" d="M{x:.1f} {y + 1}V{y + 20}" stroke="{INK}" stroke-width="1.2" '
                        f'stroke-dasharray="3 2"/>')
        figures.append(said + (" (below target)" if short else ""))
    desc = f"{title}: " + "; ".join(figures) + "."
    parts.append(f'<title id="{uid}-t">{esc(title)}</title><desc id="{uid}-d">{esc(desc)}</desc>')
    return "".join(parts + body + ["</svg>"])


def _bars(r: Rollup) -> list[str]:
    read = [t for t in r.teams if t.figures is not None]
    hours = [(t.entry.name, t.figures.hours_per_rep("last"), t.figures.hours_target,
              f"{t.figures.hours_per_rep('last'):g} h" if t.figures.reps else "") for t in read]
    held = [(t.entry.name, None if t.figures.held_rate("13wk") is None else t.figures.held_rate("13wk") * 100, 100,
             format_percent(t.figures.held_rate("13wk"))) for t in read]
    kept = [(t.entry.name, None if t.figures.kept_on_time_rate is None else t.figures.kept_on_time_rate * 100, None,
             format_percent(t.figures.kept_on_time_rate)) for t in read]
    return [bars_svg("Coaching hours per rep, last month", hours, "b1", " h"),
            bars_svg("One-on-ones held, last 13 weeks", held, "b2", "%"),
            bars_svg("Commitments kept on time", kept, "b3", "%")]


def render_html(r: Rollup) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["plural"] = plural
    template = env.from_string(_asset("rollup.html"))
    css, js = _asset("report.css") + _asset("rollup.css"), _asset("report.js")
    csp = (f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    rows, total = table_rows(r)
    start = r.today - dt.timedelta(days=91)
    trends = [Markup(trend_svg(held_series(t.entry.name, t.figures.periods, r.today), start, r.today, 1.0,
                               f"t{i + 1}"))
              for i, t in enumerate(r.teams) if t.figures is not None and t.figures.periods]
    return template.render(
        marker=MARKER, version=__version__, csp=csp, css=Markup(css), js=Markup(js), title=title_of(r),
        today=r.today.isoformat(), teams=r.teams, reps=r.total.reps if r.total else 0,
        headlines=headlines(r), kpis=r.kpis, rows=rows, total=total, left_out=left_out(r),
        trends=trends, bars=[Markup(svg) for svg in _bars(r)], differences=differences(r), legend=legend(r),
        blue=BLUE, verm=VERMILLION, ink=INK, short_date=short_date)
