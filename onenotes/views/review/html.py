"""The review as one self-contained HTML page, by the team report's rules.

The page works offline and by e-mail: the CSS (the report's, and the review's own)
is inline, the trend charts are inline SVG drawn by the report's
:func:`onenotes.views.report.charts.trend_svg`, there is no script, and a
Content-Security-Policy with ``default-src 'none'`` forbids every request.  All text
from notes and the config is escaped (Jinja autoescape; the charts escape their own).
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup, escape

from onenotes import __version__
from onenotes.views.formats import clean, format_number
from onenotes.views.report.charts import BLUE, INK, VERMILLION, trend_svg
from onenotes.views.report.html import _asset, _sha256
from onenotes.views.review import text as t
from onenotes.views.review.model import Review


def _refs(text: str) -> Markup:
    """'[1]–[3], [5]' with each number a link to its line in Sources."""
    import re

    out = re.sub(r"\[(\d+)\]", lambda m: f'<a class="ref" href="#src-{m.group(1)}">[{m.group(1)}]</a>',
                 str(escape(text)))
    return Markup(out)


def _charts(review: Review) -> list[dict]:
    groups = []
    for kind, heading in (("output", "Outputs (results), meeting by meeting"),
                          ("input", "Inputs (activity), meeting by meeting")):
        lines = [k for k in review.kpis if k.kdef.kind == kind]
        charts = [Markup(trend_svg(k.series, review.start, review.end, review.on_target,
                                   f"c-{kind[0]}{i + 1}", review.name)) for i, k in enumerate(lines)]
        if charts:
            groups.append({"title": heading, "charts": charts})
    return groups


def _figures_table(review: Review) -> dict | None:
    if not review.kpis:
        return None
    rows = []
    for i, (date, path) in enumerate(review.meetings):
        values = []
        for k in review.kpis:
            p = k.series.points[i]
            values.append(format_number(p.value, k.kdef.unit) if p.value is not None else "")
        rows.append({"date": str(date), "figures": values, "refs": t.refs(review.sources.numbers([path]))})
    return {"labels": [k.kdef.title for k in review.kpis], "rows": rows}


def render_html(review: Review) -> str:
    """The whole page (without the marker line that ``--out`` adds)."""
    # Every text printed, from notes above all, without terminal escapes or bidi controls
    # (which could reorder what a reader sees); our own markup (charts, styles) as it is.
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True,
                             finalize=lambda v: clean(v) if isinstance(v, str) and not isinstance(v, Markup) else v)
    template = env.from_string(_asset("review.html"))
    css = _asset("report.css") + "\n" + _asset("review.css")
    csp = f"default-src 'none'; style-src {_sha256(css)}; img-src data:; base-uri 'none'; form-action 'none'"
    entries = review.made_entries + review.carried_entries
    return template.render(
        version=__version__, csp=csp, css=Markup(css), title=t.title(review), period_line=t.period_line(review),
        headlines=t.headlines(review), kpis=t.kpi_rows(review), on_goal_header=t.on_goal_header(review), missed=t.missed_weeks(review),
        groups=_charts(review), table=_figures_table(review), pattern=t.verdict_pattern(review),
        verdicts=t.verdict_rows(review), plans=t.plan_rows(review), coaching=t.coaching_rows(review),
        coaching_note=t.hidden_line(review, "coaching_plan") or t.coaching_note(review),
        unread=t.unread_line(review), figures_note=t.hidden_line(review, "metrics") or t.no_kpis_line(review),
        plan_note=t.hidden_line(review, "behaviour_plan") or t.hidden_line(review, "metrics"),
        commitments_intro=t.commitments_intro(review),
        counts=t.commitment_counts(review, review.made, review.made_entries), carried_line=t.carried_line(review),
        slipped=t.slipped_rows(review), every=t.commitment_rows(review, entries),
        cadence_line=t.cadence_line(review), slots=t.slot_rows(review), months=t.month_rows(review),
        hours_line=t.hours_line(review), quote_intro=t.quote_intro(review), quotes=t.quote_groups(review),
        sources=review.sources.paths, private_line=t.private_line(review), today=str(review.today),
        refs=_refs, mark_ok=t.OK_MARK, mark_below=t.BELOW_MARK, blue=BLUE, verm=VERMILLION, ink=INK)
