"""The review's words and figures, as both renderers show them (Markdown and HTML).

Each builder turns a part of a :class:`onenotes.views.review.model.Review` into rows of
plain text: the renderers only escape and lay them out, so the two formats always say
the same.  Every row carries ``refs``, the numbers of the notes it was made from
(:class:`onenotes.views.review.model.Sources`).  A label says exactly what its figure
is: a sum, an average, a ratio worked out again, and of how many meetings.
"""

from __future__ import annotations

import datetime as dt

from onenotes.rules.accountability import RepAccountability
from onenotes.rules.commitments import Entry
from onenotes.rules.kpis import sparkline
from onenotes.rules.quarter import AVERAGE, PERIOD, RATIO, SUM, PeriodFigure, one_per_week
from onenotes.text import plural, plural_word
from onenotes.views.formats import format_number, format_percent
from onenotes.views.review.model import KpiLine, Review, entry_sources
from onenotes.views.review.quotes import COACHING, HELP, WINS

OK_MARK, BELOW_MARK = "\u2713", "\u25bc"  # ✓ on goal, ▼ below
VERDICTS = {
    "on_track": ("On track", "outputs on goal"),
    "behaviour": ("Behaviour", "outputs and activity short"),
    "skill": ("Skill", "activity on goal, results short"),
    "no_figures": ("No figures", "no output figure recorded"),
}
TOPICS = {"skill": "Skill we are working on", "practice": "How it is practised", "long_term": "The next role"}
QUOTE_KINDS = ((WINS, "Wins"), (HELP, "Where they need help"), (COACHING, "Coaching"))
STATE_SYMBOL = {"met": "\u2713", "missed": "\u2717", "due": "\u2026", "not_due": "\u2013"}
STATE_WORD = {"met": "held", "missed": "missed", "due": "under way", "not_due": "before the first one-on-one"}


def percent(value, on_target: float = 1.0) -> str:
    """An attainment as a percentage; with one decimal where a whole number would hide which
    side of the goal it is on (99.8% is below goal, not "100%")."""
    text = format_percent(value)
    if value is not None and (value < on_target) != (round(value * 100) / 100 < on_target):
        text = f"{value * 100:.1f}%"
        if (value < on_target) != (float(text[:-1]) / 100 < on_target):
            text = f"{value * 100:.2f}%"
    return text


def week_of(review: Review, slot) -> str:
    """A cadence period in words: 'the week of 2026-10-26' (its meeting day), or its first and last day."""
    if review.cadence_days == 7:
        return f"the week of {slot.start + (slot.end - slot.start) / 2}"
    return f"{slot.start} to {slot.end}"


def refs(numbers: list[int]) -> str:
    """[1]–[3], [5]: consecutive notes as a range."""
    out, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(f"[{numbers[i]}]" if j == i else f"[{numbers[i]}]\u2013[{numbers[j]}]")
        i = j + 1
    return ", ".join(out)


def title(review: Review) -> str:
    what = review.quarter or f"{review.start} to {review.period_end}"
    return f"Performance review: {review.name}, {what}"


def period_line(review: Review) -> str:
    """What the draft covers, in one sentence."""
    text = f"From {review.start} to {review.end}"
    if review.so_far:
        text += f" ({'the quarter' if review.quarter else 'the period'} so far: it ends on {review.period_end})"
    text += f" \u00b7 {plural(len(review.meetings), 'one-on-one')}"
    if review.manager:
        text += f" \u00b7 manager {review.manager}"
    return text + f" \u00b7 as of {review.today}"


def _week(review: Review, counted) -> str:
    """'weekly' when each figure is one week's (a weekly cadence, one meeting a week)."""
    return "weekly" if review.cadence_days == 7 and one_per_week(counted) else ""


def _figures(review: Review, fig: PeriodFigure) -> str:
    n = len(fig.counted)
    week = _week(review, fig.counted)
    return f"{n} {week} {plural_word(n, 'figure')}" if week else f"the figures of {plural(n, 'meeting')}"


def how_it_adds_up(review: Review, line: KpiLine) -> str:
    """What the period's figure and its goal are, in words."""
    fig, kdef = line.figure, line.kdef
    unit = kdef.unit
    if not fig.counted:
        return "no figure in the period"
    if fig.method == RATIO:
        top, bottom = (review.labels.get(p, p) for p in kdef.ratio)
        parts = fig.sum_of_parts
        scale = f" \u00d7 {format_number(kdef.scale)}" if kdef.scale != 1 else ""
        text = (f"total {top} \u00f7 total {bottom} ({format_number(parts[0])} \u00f7 {format_number(parts[1])}"
                f"{scale}), over {plural(len(fig.counted), 'meeting')} with both")
        if not parts[1]:
            text += f": no {bottom} in them, so no ratio"
        goal = "the average of their goals" if fig.goals_differ else \
            f"their goal ({format_number(fig.goal, unit)} each time)"
    elif fig.method == PERIOD:
        text = f"sum of {_figures(review, fig)}"
        goal = _period_goal(fig, kdef)
    else:
        what = "sum" if fig.method == SUM else "average"
        text = f"{what} of {_figures(review, fig)}"
        if fig.no_goal == len(fig.counted):
            goal = "no goal set"
        elif fig.no_goal:
            goal = f"no goal for {fig.no_goal} of them, so none for the period"
        elif fig.method == SUM and not fig.goals_differ:
            goal = f"their goals added up ({len(fig.counted)} \u00d7 {format_number(fig.counted[0].goal, unit)})"
        elif fig.method == SUM:
            goal = "their goals added up"
        elif fig.goals_differ:
            goal = "the average of their goals"
        else:
            goal = f"their goal ({format_number(fig.goal, unit)} each time)"
    if fig.goal is None and fig.method == RATIO:
        goal = "no goal set"
    return f"{text}; against {goal}"


def _period_goal(fig: PeriodFigure, kdef) -> str:
    periods = fig.goal_periods
    name = {"week": "weekly", "month": "monthly", "quarter": "quarterly"}[kdef.period]
    if not periods or any(p.goal is None for p in periods):
        return "no goal set"
    whole = all(p.share == 1 for p in periods)
    if len(periods) == 1 and whole:
        return f"the {kdef.period}'s goal"
    if whole:
        return f"{len(periods)} {name} goals added up"
    covered = sum(p.share for p in periods)
    return (f"the {name} goal for {format_number(round(covered, 2))} {plural_word(covered, kdef.period)}, "
            f"pro rata by working days for a {kdef.period} covered in part")


def on_goal_header(review: Review) -> str:
    """'Weeks on goal' when each meeting is a week's (a weekly cadence), else 'Meetings on goal'."""
    weekly = review.cadence_days == 7 and all(one_per_week(k.figure.counted + k.figure.gaps) for k in review.kpis)
    return "Weeks on goal" if weekly else "Meetings on goal"


def kpi_rows(review: Review) -> list[dict]:
    rows = []
    for line in review.kpis:
        fig, kdef = line.figure, line.kdef
        unit = kdef.unit
        below = fig.attainment is not None and fig.attainment < review.on_target
        mark = "" if fig.attainment is None else (BELOW_MARK if below else OK_MARK)
        on_goal = "\u2013" if fig.on_goal is None or not fig.judged else f"{fig.on_goal} of {fig.judged}"
        rows.append({
            "kpi": kdef.name, "label": kdef.title, "kind": kdef.kind,
            "actual": format_number(fig.actual, unit), "goal": format_number(fig.goal, unit),
            "attainment": percent(fig.attainment, review.on_target), "mark": mark, "below": below,
            "judged": fig.attainment is not None,
            "how": how_it_adds_up(review, line), "on_goal": on_goal,
            "gaps": ", ".join(str(m.date) for m in fig.gaps),
            "gap_refs": refs(review.sources.numbers(m.source for m in fig.gaps)),
            "refs": refs(review.sources.numbers(m.source for m in fig.counted)),
            "spark": sparkline([p.value for p in line.series.points]),
        })
    return rows


def missed_weeks(review: Review) -> list[str]:
    return [week_of(review, s) for s in review.slots if s.state == "missed"]


def verdict_rows(review: Review) -> list[dict]:
    return [{"date": str(v.date), "verdict": VERDICTS[v.verdict][0], "note": VERDICTS[v.verdict][1],
             "alert": v.verdict in ("behaviour", "skill"), "funnel": v.consistent,
             "outputs": f"{v.outputs_on_goal} of {v.outputs_judged}" if v.outputs_judged else "\u2013",
             "summary": v.summary, "refs": refs(review.sources.numbers([v.source]))} for v in review.verdicts]


def verdict_pattern(review: Review) -> str:
    """The diagnosis over the period in one sentence."""
    n = len(review.verdicts)
    counts: dict[str, int] = {}
    for v in review.verdicts:
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
    parts = [f"{VERDICTS[k][0].lower()} ({VERDICTS[k][1]}) in {counts[k]} of {n}"
             for k in ("behaviour", "skill", "on_track", "no_figures") if counts.get(k)]
    all_on = sum(1 for v in review.verdicts if v.outputs_judged and v.outputs_on_goal == v.outputs_judged)
    judged = sum(1 for v in review.verdicts if v.outputs_judged)
    text = "Diagnosis: " + "; ".join(parts) + f" {plural_word(n, 'meeting')}."
    if judged:
        text += f" Every output on goal in {all_on} of {plural(judged, 'meeting')} with output figures."
    funnel = [v for v in review.verdicts if v.consistent]
    if funnel:
        text += (f" At {len(funnel)} of the {plural(n, 'meeting')} (from {funnel[0].date}), outputs had missed "
                 "their goal in most of the meetings before: time to go through the funnel in detail.")
    return text


def plan_rows(review: Review) -> list[dict]:
    rows = []
    for line in review.plans:
        if line.record is None:
            rows.append({"label": line.label, "target": line.target_text, "met": "\u2013",
                         "below": False, "missed": "", "no_figure": "not a KPI of the notebook: no figures to check",
                         "refs": ""})
            continue
        rec = line.record
        targets = []
        for target, planned, since in rec.targets():
            text = f"{format_number(target, line.unit)} ({'the plan' if planned else 'the goal: no plan yet'})"
            targets.append(text + (f" from {since}" if len(rec.targets()) > 1 else ""))
        judged = rec.judged
        word = "week" if review.cadence_days == 7 else "meeting"
        rows.append({
            "label": line.label, "target": "; ".join(targets) or "no target",
            "met": f"{len(rec.met)} of {plural(len(judged), word)}" if judged else "\u2013",
            "below": bool(judged) and len(rec.met) < len(judged),
            "missed": ", ".join(str(w.date) for w in rec.missed),
            "no_figure": ", ".join(str(w.date) for w in rec.no_figure),
            "refs": refs(review.sources.numbers(w.source for w in rec.weeks)),
        })
    return rows


def coaching_rows(review: Review) -> list[dict]:
    rows = []
    for topic, stages in review.coaching.items():
        for i, s in enumerate(stages):
            if s.until is not None:
                when = f"from {s.since} until {s.until}"
            elif s.since < review.start:
                when = f"since {s.since}, before the period"
            else:
                when = f"since {s.since}"
            rows.append({"topic": TOPICS.get(topic, topic.replace("_", " ").capitalize()), "text": s.text,
                         "when": when, "changed": i > 0, "refs": refs(review.sources.numbers([s.source]))})
    return rows


def coaching_note(review: Review) -> str:
    if not review.coaching:
        return ("No coaching plan in the notes' frontmatter (coaching_plan: skill, practice, long_term): "
                "what the notes say about coaching is quoted below.")
    first = min(s.since for stages in review.coaching.values() for s in stages)
    if first > review.start:
        return (f"The coaching plan is in the notes' frontmatter from {first} on; before that, "
                "what the notes say about coaching is quoted below.")
    return ""


COUNT_ROWS = (("made", "Made in the period"), ("kept_on_time", "Done on time"), ("kept_late", "Done late"),
              ("done_date_unknown", "Done, date unknown (closed at a meeting, due between it and the one before)"),
              ("done_without_due", "Done, no due date"), ("dropped", "Dropped"), ("open", "Still open"))


def _bucket(e: Entry) -> str:
    timeliness = e.timeliness()
    if timeliness == "on_time":
        return "kept_on_time"
    if timeliness == "late":
        return "kept_late"
    if timeliness == "unknown":
        return "done_date_unknown"
    if e.status == "done":
        return "done_without_due"
    return e.status  # dropped, open


OUTCOME = {"kept_on_time": "done on time", "kept_late": "done late", "done_date_unknown": "done, date unknown",
           "done_without_due": "done, no due date", "dropped": "dropped", "open": "open"}


def commitment_counts(review: Review, acc: RepAccountability, entries: list[Entry]) -> list[dict]:
    """One row per count of :class:`RepAccountability` (each commitment in exactly one,
    below the first), with the notes that made or closed them."""
    rows = []
    for key, label in COUNT_ROWS:
        chosen = entries if key == "made" else [e for e in entries if _bucket(e) == key]
        if key == "made":
            paths = [e.mentions[0][0] for e in chosen if e.mentions]
        elif key == "open":
            paths = [entry_sources(e, review.end)[-1] for e in chosen if entry_sources(e, review.end)]
        else:
            paths = [e.closed_in for e in chosen if e.closed_in]
        count = getattr(acc, key)
        text = str(count)
        if key == "open" and acc.open_overdue:
            text += f" ({acc.open_overdue} overdue)"
        rows.append({"label": label, "count": text, "part": key != "made",
                     "refs": refs(review.sources.numbers(paths))})
    return rows


def kept_rate(acc: RepAccountability) -> str:
    judged = acc.kept_on_time + acc.kept_late
    if not judged:
        return "none done on time or late, so no on-time rate"
    return (f"{format_percent(acc.kept_on_time_rate)} kept on time ({acc.kept_on_time} of {judged} done on "
            "time or late; those done on a date unknown, without a due date, dropped or open are not in it)")


def commitments_intro(review: Review) -> str:
    return (f"The rep's own commitments made from {review.start} to {review.end}: each is counted once, in one "
            f"of the rows below Made; open and overdue as on {review.end}. {_first_up(kept_rate(review.made))}.")


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def carried_line(review: Review) -> str:
    if not review.carried_entries:
        return ""
    c = review.carried
    done = c.kept_on_time + c.kept_late + c.done_date_unknown + c.done_without_due
    return (f"Also {c.made} made before {review.start} and still open when the period began: {done} done since, "
            f"{c.dropped} dropped, {c.open} still open (listed below with the others).")


def commitment_rows(review: Review, entries: list[Entry]) -> list[dict]:
    rows = []
    for e in sorted(entries, key=lambda e: (e.since or dt.date.min, e.source, e.line)):
        bucket = _bucket(e)
        outcome = OUTCOME[bucket]
        if e.status != "open" and e.closed_on:
            outcome += f" (closed {e.closed_on})"
        overdue = e.days_overdue(review.end)
        if overdue:
            outcome += f", {plural(overdue, 'day')} overdue"
        if e.status == "dropped" and e.reason:
            outcome += f": {e.reason}"
        rows.append({"id": e.id, "text": e.label, "since": str(e.since), "due": str(e.due) if e.due else "none",
                     "outcome": outcome, "alert": bucket == "kept_late" or overdue > 0,
                     "slips": len(e.slips), "carried": e.times_carried, "private": e.private,
                     "refs": refs(review.sources.numbers(entry_sources(e, review.end)))})
    return rows


def slipped_rows(review: Review) -> list[dict]:
    rows = []
    for e in review.slipped:
        moves = "; ".join(f"{a or 'none'} \u2192 {b or 'none'} ({d})" for d, a, b in e.slips)
        rows.append({"text": e.label, "since": str(e.since), "slips": len(e.slips), "moves": moves,
                     "carried": e.times_carried, "outcome": OUTCOME[_bucket(e)],
                     "refs": refs(review.sources.numbers(entry_sources(e, review.end)))})
    return rows


def cadence_line(review: Review) -> str:
    slots = review.slots
    expected = [s for s in slots if s.state in ("met", "missed")]
    met = [s for s in expected if s.state == "met"]
    word = {7: "week", 14: "two-week period", 30: "month"}.get(review.cadence_days,
                                                                f"{review.cadence_days}-day period")
    text = (f"{plural(len(review.meetings), 'one-on-one')} held. A one-on-one in {len(met)} of "
            f"{plural(len(expected), word)} expected by the cadence")
    missed = missed_weeks(review)
    if missed:
        text += f" (missed: {', '.join(missed)})"
    text += "."
    due = [s for s in slots if s.state == "due"]
    if due:
        text += f" {week_of(review, due[0]).capitalize() if review.cadence_days == 7 else 'The period ' + week_of(review, due[0])} is still under way."
    before = [s for s in slots if s.state == "not_due"]
    if before:
        text += f" {plural(len(before), word).capitalize()} before the first one-on-one not counted."
    return text


def slot_rows(review: Review) -> list[dict]:
    return [{"start": str(s.start), "end": str(s.end), "state": s.state, "symbol": STATE_SYMBOL[s.state],
             "word": STATE_WORD[s.state], "label": _slot_label(review, s),
             "meetings": ", ".join(str(d) for d in s.meetings)} for s in review.slots]


def hours_line(review: Review) -> str:
    text = (f"Coaching hours: the one-on-ones' length (duration_minutes, else the default), against the practice "
            f"of {review.hours_target:g} hours per rep a month")
    if review.hours_from and review.hours_from > review.start:
        text += f", from the rep's first one-on-one ({review.hours_from})"
    return text + "."


def _slot_label(review: Review, s) -> str:
    middle = s.start + (s.end - s.start) / 2
    if review.cadence_days == 7:
        return f"{middle:%b} {middle.day}"
    return f"{s.start:%b} {s.start.day}\u2013{s.end:%b} {s.end.day}"


def month_rows(review: Review) -> list[dict]:
    """Each month's hours against the target; the month still under way (the period runs to
    today, in the middle of it) is not judged yet: its hours so far are shown, marked …."""
    rows = []
    for m in review.months:
        label = f"{m.first:%B %Y}"
        target = f"{format_number(m.target)} h"
        under_way = m.last == review.today and not m.whole and m.last.day < m.month_days
        if not m.whole:
            days = f"{m.first.day}" if m.first == m.last else f"{m.first.day}\u2013{m.last.day}"
            label += f" ({days}, {plural(m.days, 'day')} of {m.month_days})"
            target += f" ({format_number(review.hours_target)} h a month, pro rata)"
        if under_way:  # judged once it ends, unless the whole month's target is already reached
            label += ", under way"
            done = m.hours >= review.hours_target
            mark, met = (OK_MARK, True) if done else ("\u2026", None)
        else:
            mark, met = (OK_MARK if m.met else BELOW_MARK), m.met
        rows.append({"month": label, "meetings": str(m.meetings), "hours": f"{format_number(m.hours)} h",
                     "target": target, "met": met, "mark": mark})
    return rows


def _dates(dates: list) -> str:
    """The dates of a quote: one or two as they are; more as the first and last, with how many."""
    if len(dates) <= 2:
        return ", ".join(str(d) for d in dates)
    return f"{dates[0]} to {dates[-1]}, {len(dates)} meetings"


def quote_groups(review: Review) -> list[dict]:
    groups = []
    for kind, heading in QUOTE_KINDS:
        quotes = [q for q in review.quotes if q.kind == kind]
        items = [{"dates": _dates(q.dates), "text": q.text, "answered": q.answered,
                  "refs": refs(review.sources.numbers(q.sources))} for q in quotes]
        groups.append({"kind": kind, "heading": heading, "quotes": items})
    return groups


def quote_intro(review: Review) -> str:
    text = ("Paragraphs and list items the notes hold under headings with \u201cwins\u201d, \u201cneed help\u201d "
            "or \u201ccoaching\u201d, with the dates they were written (the same words in several notes once); "
            "tasks are in Commitments, the agenda's guidance is left out")
    return text + (", and private parts are included (--private)." if review.private
                   else ", and so are private parts.")


def headlines(review: Review) -> list[str]:
    """The draft's first lines: results, diagnosis, commitments, cadence."""
    out = []
    outputs = [k for k in kpi_rows(review) if k["kind"] == "output" and k["judged"]]
    if outputs:
        on = [k["label"] for k in outputs if not k["below"]]
        short = [f"{k['label']} {k['attainment']}" for k in outputs if k["below"]]
        text = f"Results: {len(on)} of {plural(len(outputs), 'output')} on goal over the period"
        if short:
            text += f" (short: {', '.join(short)})"
        inputs = [k for k in kpi_rows(review) if k["kind"] == "input" and k["judged"]]
        if inputs:
            text += f"; {sum(not k['below'] for k in inputs)} of {plural(len(inputs), 'input')} on goal"
        out.append(text + ".")
    if review.verdicts:
        out.append(verdict_pattern(review))
    acc = review.made
    text = f"Commitments: {acc.made} made; {kept_rate(acc).split(' (')[0]}; {acc.open} still open"
    if acc.open_overdue:
        text += f", {acc.open_overdue} of them overdue"
    out.append(text + ".")
    out.append("Cadence: " + cadence_line(review))
    return out


def private_line(review: Review) -> str:
    if review.private:
        return "This draft includes the notes' private parts (--private): read it through before you share it."
    text = "The notes' private parts are left out"
    if review.private_left_out:
        text += f", and so {plural_word(review.private_left_out, 'is', 'are')} the rep's " \
                f"{plural(review.private_left_out, 'private commitment')}"
    return text + " (--private includes them)."


def unread_line(review: Review) -> str:
    """The notes of the period the review could not read, said in the draft itself."""
    if not review.unread:
        return ""
    places = "; ".join(f"{p.path}" + (f" (line {p.line}: {p.message})" if p.line else f" ({p.message})")
                       for p in review.unread)
    return (f"Not in this draft: {plural(len(review.unread), 'place')} of the period could not be read, so what "
            f"{plural_word(len(review.unread), 'it holds', 'they hold')} is missing from every figure below: "
            f"{places}. onenotes check says how to fix it; then make the review again.")


HIDDEN = {"metrics": "the figures", "behaviour_plan": "the behaviour plan", "coaching_plan": "the coaching plan"}


def hidden_line(review: Review, key: str) -> str:
    """Why a part is not shown: its frontmatter key is private in this notebook."""
    if key not in review.hidden:
        return ""
    return (f"Left out: {HIDDEN[key]} ({key} in the frontmatter) is private in this notebook "
            "(share: private_keys in onenotes.yaml); --private includes it.")


def no_kpis_line(review: Review) -> str:
    if review.kpis or "metrics" in review.hidden:
        return ""
    return "No KPIs in onenotes.yaml: list them under kpis: there to see results against goal."
