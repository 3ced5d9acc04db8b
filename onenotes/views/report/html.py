"""The team report as one self-contained HTML page.

The page works offline and by e-mail: CSS and a few lines of script
(sorting only) are inline, charts are inline SVG, and a Content-Security-Policy
with ``default-src 'none'`` forbids every network request, so even a note
that slipped markup past the escaping could not load anything.  All text from
notes and the config is escaped (Jinja autoescape; :func:`onenotes.views.report.charts.esc`
inside SVG).
"""

from __future__ import annotations

import base64
import hashlib

import jinja2
from markupsafe import Markup

from onenotes import __version__
from onenotes.views.report.charts import BLUE, INK, MARKER, VERMILLION, short_date
from onenotes.text import plural
from onenotes.views.templates import packaged_templates
from onenotes.views.report.model import Report
from onenotes.views.report.page import (BELOW_MARK, KEPT_LEGEND, OK_MARK, chart_groups, figures_table, headlines,
                                        heat_rows, overdue_rows, period_centre, period_name, team_rows, title_of)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _asset(name: str) -> str:
    return (packaged_templates() / name).read_text(encoding="utf-8")


def html_page(report: Report) -> str:
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
                  for title, charts in chart_groups(report, r, i)]
        reps.append({**row, **{k: h[k] for k in ("cells", "hours", "hours_below", "missed", "streak")},
                     "groups": groups, "table": figures_table(r)})
    names = {r.rep: r.name for r in report.reps}
    periods = [{"label": short_date(period_centre(s, e)), "title": f"{s.isoformat()} to {e.isoformat()}"}
               for s, e in report.periods]
    return template.render(
        marker=MARKER, version=__version__, csp=csp, css=Markup(css), js=Markup(js),
        title=title_of(report), today=report.today.isoformat(), start=report.start.isoformat(),
        weeks=report.weeks, headlines=headlines(report), output_kpis=report.output_kpis,
        reps=reps, periods=periods, period_name=period_name(report),
        hours_target=f"{report.hours_target:g}", overdue=overdue_rows(report, names), kept_legend=KEPT_LEGEND,
        open_count=report.open_count, mark_ok=OK_MARK, mark_below=BELOW_MARK,
        blue=BLUE, verm=VERMILLION, ink=INK)
