"""The rep's prep form (``onenotes prep``), and what a filled one brings to the agenda.

:func:`prep_form_text` writes the form for a :class:`~onenotes.reading.prep_form.FormSpec`:
plain Markdown with frontmatter, short lines, nothing the rep must not see (no
private commitment, no manager-only guidance, no figure but the goals), so
that it survives a mail client and any editor.

:func:`agenda_prep` turns a form read back (:class:`~onenotes.reading.prep_form.PrepForm`)
into the ``prep`` value of the agenda's template: the rep's words, each made
plain text that cannot change the note's structure (:func:`neutral`), their
confidence per goal, and per commitment what the rep says of it.
"""

from __future__ import annotations

import re

from onenotes.reading.prep_form import PrepForm
from onenotes.reading.prep_spec import FormSpec
from onenotes.reading.prep_layout import BOX_TEXT, FORM_KIND, FORM_VERSION, INSTRUCTIONS, NEW_DATE, SECTIONS
from onenotes.reading.yaml.safe import quote_string, to_yaml_scalar

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_date(day) -> str:
    """``Monday 23 November 2026``."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def prep_form_text(spec: FormSpec) -> str:
    """The form for the rep to fill in (``\\n`` line ends)."""
    out = ["---", f"form: {FORM_KIND}", f"version: {FORM_VERSION}", f"rep: {to_yaml_scalar(spec.rep)}",
           f"date: {spec.date.isoformat()}"]
    out += ["kpis:"] + [f"  - {to_yaml_scalar(k.name)}" for k in spec.kpis] if spec.kpis else ["kpis: []"]
    out.append(f"kpi_set: {quote_string(spec.kpi_set)}")
    if spec.items:
        out += ["commitments:"] + [f"  {item.key}: {quote_string(item.id)}" for item in spec.items]
    else:
        out.append("commitments: {}")
    out += ["---", "", f"# One-on-one prep: {_line(spec.name)}, {long_date(spec.date)}", "", *INSTRUCTIONS]
    if spec.kpis:
        out += ["", f"## {SECTIONS['numbers']}", ""] + [f"- {k.prefix}:" for k in spec.kpis]
    if spec.items:
        out += ["", f"## {SECTIONS['commitments']}"]
        for item in spec.items:
            out += ["", f"### {item.key}. {item.title}", "", f"- [ ] {BOX_TEXT}", f"- {NEW_DATE}"]
    for key in ("wins", "help", "calls"):
        out += ["", f"## {SECTIONS[key]}", "", "-"]
    if spec.goals:
        out += ["", f"## {SECTIONS['confidence']}", ""] + [f"- {k.prefix}:" for k in spec.goals]
    return "\n".join(out) + "\n"


def _line(text: str) -> str:
    return " ".join("".join(ch for ch in str(text) if ch.isprintable()).split())


# -------------------------------------------------------- into the agenda ---

_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_LEADING = re.compile(r"[#>+*=|\[~`\\:-]")
_ORDERED = re.compile(r"(\d{1,9})([.)])")


def neutral(text: str) -> str:
    """A rep's words as plain text on one line of a list item (``- TEXT``) that cannot
    change the note around it:

    * ``<`` is written ``&lt;``: no HTML, so no comment, no ``<!-- private -->`` or
      ``<!-- manager-only -->`` marker, no block that hides what follows;
    * ``%%`` is written ``%\\%``: no Obsidian comment hiding the rest of the note;
    * a first character that would make the item something else is escaped with a
      backslash: ``\\[ ]`` (no task, so no commitment made or closed), ``\\#`` (no
      heading, so no ``## Private`` section), ``\\>``, ``\\-``, ``\\*``, ``\\+``,
      ``\\|``, ``\\~``, ``\\```, ``\\:``, and ``1\\.`` (no nested list or quote);
    * line breaks, control and bidirectional-override characters become spaces or go.

    Rendered, the text reads as the rep wrote it.
    """
    text = " ".join(_INVISIBLE.sub(" ", text).split())
    text = text.replace("<", "&lt;")
    text = re.sub(r"%(?=%)", r"%\\", text)
    m = _ORDERED.match(text)
    if m:
        return f"{m.group(1)}\\{m.group(2)}{text[m.end():]}"
    if _LEADING.match(text):
        return "\\" + text
    return text


def agenda_prep(form: PrepForm, spec: FormSpec) -> dict:
    """The ``prep`` value of the agenda's template (docs/templates.md)."""
    by_name = {k.name: k for k in spec.kpis}
    updates = {u.id: {"key": u.key, "done": u.done, "new_date": u.new_date} for u in form.updates}
    return {
        "date": form.date,
        "figures": dict(form.actuals),
        "confidence": [{"kpi": name, "label": by_name[name].label, "value": value}
                       for name, value in form.confidence.items()],
        "wins": [neutral(t) for t in form.wins],
        "help": [neutral(t) for t in form.help],
        "calls": [neutral(t) for t in form.calls],
        "updates": updates,
        "said_done": sum(1 for u in form.updates if u.done),
        "new_dates": sum(1 for u in form.updates if u.new_date),
    }
