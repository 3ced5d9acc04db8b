"""What a rep's prep form says, read against the notebook: whole, or refused line by line.

:func:`onenotes.reading.prep_spec.form_spec` says what the form for a rep's meeting
holds; :mod:`onenotes.views.prep` writes it, and :func:`read_prep_form` reads a form that
came back into a :class:`PrepForm`: the figures (plain numbers, by the rule notes
follow: ``30,5`` is refused with what to write), the rep's confidence per goal,
each commitment ticked done or given a new date, and the rep's own words (wins,
help, calls) as text, one point a line.

A form is read whole or not at all: every problem (a form for another rep or
another meeting, KPIs changed since it was made, an unknown commitment, a
heading removed or doubled, a line of the form edited beyond recognition, a
figure that is not one) is collected with its line, and
:class:`PrepFormProblems` carries them all.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from onenotes.dates import DateProblem, to_date
from onenotes.errors import Problem, RefusedError
from onenotes.reading.figures import figure_hint, thousands_reading
from onenotes.reading.notemodel import MAX_FIGURE
from onenotes.reading.prep_layout import (BOX_TEXT, FORM_KIND, FORM_VERSION, FREE_SECTIONS, INSTRUCTIONS,
                                          NEW_DATE, SECTIONS, Layout, free_entries, heading_of, plain,
                                          read_layout, words)
from onenotes.reading.prep_spec import FormSpec, KpiRow, item_title

_FRONT_KEYS = ("form", "version", "rep", "date", "kpis", "kpi_set", "commitments")
_KEY = re.compile(r"C([1-9][0-9]{0,5})$")
_ITEM_HEADING = re.compile(r"C([1-9][0-9]{0,5})[.:)]?(?:\s+(.*))?$", re.I)
_ROW = re.compile(r"^ {0,3}[-*+\u2022\u2013][ \t]*(.*)$")
_BOX = re.compile(r"^ {0,3}[-*+\u2022\u2013][ \t]*\[([^\]]{0,3})\](.*)$")
_NEW_DATE = re.compile(r"^ {0,3}(?:[-*+\u2022\u2013][ \t]*)?new[ \t]+date[ \t]*:(.*)$", re.I)
_FIGURE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_CONFIDENCE = re.compile(r"([1-5])(?:\s*(?:/|of|out of)\s*5)?\.?", re.I)
_TICKED = ("x", "X", "\u2713", "\u2714")
_NONE = ("-", "\u2013", "\u2014", "n/a", "N/A", "na", "NA")  # no figure, as CRM reports write it too


# ------------------------------------------------------------ the result ---

@dataclass(frozen=True)
class Update:
    """What the rep says of one of their commitments: done, or a new date proposed."""

    key: str
    id: str
    line: int
    done: bool
    new_date: dt.date | None


@dataclass(frozen=True)
class PrepForm:
    """A form read whole: only what the rep filled in."""

    name: str
    rep: str
    date: dt.date
    actuals: dict  # KPI -> figure
    confidence: dict  # KPI -> 1 to 5
    updates: tuple[Update, ...]  # commitments ticked done or given a new date
    wins: tuple[str, ...]
    help: tuple[str, ...]
    calls: tuple[str, ...]


class PrepFormProblems(RefusedError):
    """A form that cannot be read whole; ``problems`` lists each with its line."""

    def __init__(self, message: str, problems: list[Problem], *, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.problems = list(problems)


def read_prep_form(text: str, name: str, spec: FormSpec) -> PrepForm:
    """The form ``text`` (``\\n`` line ends) read against ``spec``; :class:`PrepFormProblems`
    when anything in it cannot be read, with every problem found."""
    layout = read_layout(text, name)
    if layout.front is None:
        raise _refused(layout)
    reader = _Reader(layout, spec)
    form = reader.read()
    if layout.problems:
        raise _refused(layout)
    return form


def _refused(layout: Layout) -> PrepFormProblems:
    problems = sorted(layout.problems, key=lambda p: p.line)
    count = len(problems)
    return PrepFormProblems(f"{layout.name} cannot be read as a prep form: "
                            f"{count} problem{'s' if count != 1 else ''}; nothing was written", problems,
                            hint="fix each line listed above (or have the rep fix it), then run the command again")


class _Reader:
    """Reads a form's layout against the spec, adding each problem to the layout's list."""

    def __init__(self, layout: Layout, spec: FormSpec):
        self.layout, self.spec = layout, spec
        self.front = layout.front
        self.kpis_match = True

    def problem(self, line: int, code: str, message: str, hint: str | None = None) -> None:
        self.layout.problem(line, code, message, hint)

    def read(self) -> PrepForm:
        items = self._front()
        if items is None:  # not a form (of this kind or version): nothing else is worth reading
            return PrepForm(self.layout.name, self.spec.rep, self.spec.date, {}, {}, (), (), (), ())
        self._instructions()
        self._sections_present(items)
        actuals = self._rows("numbers", self.spec.kpis, self._figure)
        confidence = self._rows("confidence", self.spec.goals, self._confidence)
        updates = self._commitments(items)
        free = {key: tuple(text for _, text in free_entries(self._lines(key))) for key in FREE_SECTIONS}
        return PrepForm(self.layout.name, self.spec.rep, self.spec.date, actuals, confidence,
                        tuple(u for u in updates if u.done or u.new_date), free["wins"], free["help"],
                        free["calls"])

    def _lines(self, key: str) -> list[tuple[int, str]]:
        section = self.layout.sections.get(key)
        return section.lines if section else []

    # -------------------------------------------------------- frontmatter ---

    def _front(self) -> dict[str, tuple[str, int]] | None:
        """Checks the frontmatter; the commitments it lists (key -> (id, line)), or None
        when the file is not a form of this kind and version."""
        front, spec, top = self.front, self.spec, self.layout.front_line
        where = getattr(front, "line_of", lambda key, default=0: default or top)
        if front.get("form") != FORM_KIND:
            self.problem(where("form", top), "prep-not-a-form", f"this is not a prep form (no 'form: {FORM_KIND}')",
                         "make one with `onenotes prep REP`")
            return None
        if front.get("version") != FORM_VERSION:
            self.problem(where("version", top), "prep-version", f"this form is of version "
                         f"{front.get('version')!r}; this onenotes reads version {FORM_VERSION}",
                         "make a new one with `onenotes prep REP`")
            return None
        for key in front:
            if key not in _FRONT_KEYS:
                self.problem(where(key, top), "prep-frontmatter", f"'{key}' is not a line of the form",
                             "delete it; the lines between the '---' are the form's own")
        rep = unicodedata.normalize("NFC", str(front.get("rep") or ""))
        if rep != spec.rep:
            self.problem(where("rep", top), "prep-other-rep", f"this form is {rep or 'nobody'}'s, not {spec.rep}'s",
                         f"give {spec.rep}'s own form, or run `onenotes new {rep} --prep` with it")
        self._date(where("date", top))
        self._kpi_set(where("kpi_set", top))
        return self._listed(where("commitments", top))

    def _date(self, line: int) -> None:
        spec = self.spec
        try:
            date = to_date(self.front.get("date"))
        except DateProblem as exc:
            self.problem(line, "prep-date", f"the form's date cannot be read: {exc}", exc.hint)
            return
        if date != spec.date:
            shown = date.isoformat() if date else "no date"
            hint = (f"if the meeting moved, change the form's date line to {spec.date}; else give "
                    "the form for this meeting, or choose the agenda's --date")
            if date in spec.written:
                hint = (f"the agenda of {date} is written already ({spec.written[date]}), and a prep form goes "
                        "into a new agenda only: if nothing is written in it yet, delete it and run this again")
            self.problem(line, "prep-other-meeting", f"this form is for the meeting of {shown}, and the "
                         f"agenda is for {spec.date}", hint)

    def _kpi_set(self, line: int) -> None:
        spec = self.spec
        if str(self.front.get("kpi_set")) == spec.kpi_set:
            return
        self.kpis_match = False
        made = self.front.get("kpis")
        made = [str(k) for k in made] if isinstance(made, list) else []
        now = [k.name for k in spec.kpis]
        added, removed = [k for k in now if k not in made], [k for k in made if k not in now]
        changes = [f"added {', '.join(added)}"] if added else []
        changes += [f"removed {', '.join(removed)}"] if removed else []
        what = "; ".join(changes) or "a goal, label or unit changed"
        self.problem(line, "prep-kpis-changed", f"the KPIs for {spec.rep} changed since this form was made "
                     f"({what})", f"make a new form with `onenotes prep {spec.rep} --date {spec.date}` "
                     "and copy the rep's answers into it")

    def _listed(self, line: int) -> dict[str, tuple[str, int]]:
        listed = self.front.get("commitments")
        if listed is None:
            return {}
        if not isinstance(listed, dict):
            self.problem(line, "prep-frontmatter", "'commitments' is not the form's list of commitments",
                         "put it back as the form had it")
            return {}
        items: dict[str, tuple[str, int]] = {}
        by_id = {e.id: e for e in self.spec.entries}
        for key, cid in listed.items():
            at = listed.line_of(key, line) if hasattr(listed, "line_of") else line
            key, cid = str(key), str(cid)
            if not _KEY.match(key):
                self.problem(at, "prep-frontmatter", f"'{key}' is not a commitment of the form (C1, C2, ...)",
                             "put the line back as the form had it")
                continue
            entry = by_id.get(cid)
            if entry is None or not (entry.owner == "rep" and not entry.private):
                self.problem(at, "prep-unknown-commitment", f"{key}: {cid!r} is not one of {self.spec.rep}'s "
                             "own commitments", "put back the id the form had, or make a new form")
                continue
            twice = next((k for k, (other, _) in items.items() if other == cid), None)
            if twice is not None:
                self.problem(at, "prep-frontmatter", f"{key} and {twice} are the same commitment ({cid!r})",
                             "put the lines back as the form had them")
                continue
            items[key] = (cid, at)  # (closed since the form was made: see _commitments)
        return items

    # -------------------------------------------------------------- body ---

    def _instructions(self) -> None:
        """Under the title, only the instructions (or some of them): a rep's words there
        would be lost."""
        wanted = [w for line in INSTRUCTIONS for w in words(line)]
        at = 0
        for number, line in self.layout.preamble:
            for word in words(line):
                while at < len(wanted) and wanted[at] != word:
                    at += 1
                if at == len(wanted):
                    self.problem(number, "prep-misplaced-text", "text above the first section, where the "
                                 "form has only its instructions", "write it under one of the '##' headings")
                    return
                at += 1

    def _sections_present(self, items: dict) -> None:
        spec = self.spec
        wanted = {"numbers": bool(spec.kpis) and self.kpis_match, "commitments": bool(items),
                  "confidence": bool(spec.goals) and self.kpis_match,
                  **{key: True for key in FREE_SECTIONS}}
        present = self.layout.sections
        last = max([s.line for s in present.values()] + [self.layout.front_line])
        for key, title in SECTIONS.items():
            if wanted[key] and key not in present and key not in self.layout.renamed:
                later = [present[k].line for k in list(SECTIONS)[list(SECTIONS).index(key) + 1:] if k in present]
                self.problem(min(later) if later else last, "prep-missing-section",
                             f"the heading '## {title}' is missing (removed or changed)",
                             "put it back as the form had it, with the answers under it")

    # --------------------------------------------------------- KPI lines ---

    def _rows(self, key: str, kpis: tuple[KpiRow, ...], read_value) -> dict:
        """The values of a section of KPI lines (``- Revenue in USD (goal 25000): 18900``),
        by KPI; a line that is not one of the form's, or a KPI's line twice, is a problem."""
        if not self.kpis_match:  # refused already: the lines are not the ones of today's KPIs
            return {}
        values: dict = {}
        seen: dict[str, int] = {}
        for number, text in _row_lines(self._lines(key), self):
            kpi, value = _match_row(text, kpis)
            if kpi is None:
                known = _label_of(text, kpis)
                if known is not None:
                    self.problem(number, "prep-kpi-line", f"the line of {known.label} was changed: it "
                                 f"should start '- {known.prefix}:'", "put its words back; write the figure after the colon")
                else:
                    self.problem(number, "prep-kpi-line", f"not a KPI line of this form: {_short(text)!r}",
                                 "keep the form's KPI lines as they are and write only after the colons")
                continue
            if kpi.name in seen:
                self.problem(number, "prep-kpi-line", f"{kpi.label} is here a second time (first on line "
                             f"{seen[kpi.name]})", "keep one line per KPI")
                continue
            seen[kpi.name] = number
            value = read_value(number, kpi, value)
            if value is not None:
                values[kpi.name] = value
        section = self.layout.sections.get(key)
        if section is not None:
            for kpi in kpis:
                if kpi.name not in seen:
                    self.problem(section.line, "prep-kpi-line", f"the line of {kpi.label} is missing under "
                                 f"'## {SECTIONS[key]}'", f"put back '- {kpi.prefix}:'")
        return values

    def _figure(self, line: int, kpi: KpiRow, text: str):
        """A figure as a note takes it: digits and a decimal point (``18900``, ``27.5``)."""
        if not text or text in _NONE:
            return None
        if _FIGURE.fullmatch(text):
            value = (float(text) if "." in text else int(text)) if len(text) <= 40 else MAX_FIGURE + 1
            if abs(value) > MAX_FIGURE:
                self.problem(line, "prep-figure", f"{kpi.label}: {_short(text)} is too large, or has too "
                             "many digits", "check the figure")
                return None
            other = thousands_reading(text)
            if other is not None:
                self.problem(line, "prep-figure", f"{kpi.label}: {text} could be {value:g} or {other}",
                             f"write {other} if the dot separates thousands, or {value:g} if it does not")
                return None
            return value
        hint = figure_hint(text)
        if hint is None and _FIGURE.match(text) and " " in text:  # "21450 with Vandelay"
            hint = "write only the figure after the colon; other words go under 'Wins this week' or " \
                   "'Where I need help'"
        self.problem(line, "prep-figure", f"{kpi.label}: {_short(text)!r} is not a figure as onenotes reads it",
                     hint or "write it in digits, with a decimal point if needed: 18900 or 27.5; "
                             "or leave it empty")
        return None

    def _confidence(self, line: int, kpi: KpiRow, text: str):
        if not text or text in _NONE:
            return None
        m = _CONFIDENCE.fullmatch(text)
        if m is None:
            self.problem(line, "prep-confidence", f"{kpi.label}: how sure you are is a whole number from 1 to 5, "
                         f"not {_short(text)!r}", "write 1, 2, 3, 4 or 5, or leave it empty")
            return None
        return int(m.group(1))

    # ------------------------------------------------------- commitments ---

    def _commitments(self, items: dict[str, tuple[str, int]]) -> list[Update]:
        """Each listed commitment's block: ``### C1. title``, then ``- [ ] Done`` and
        ``- New date:``; nothing else is read there, so nothing else may be written."""
        spec = self.spec
        titles = {e.id: item_title(e) for e in spec.entries}
        blocks: dict[str, _Block] = {}
        block: _Block | None = None
        for number, line in self._lines("commitments"):
            heading = heading_of(line)
            if heading is not None:
                block = self._block_heading(number, heading, items, blocks, titles)
                continue
            if not plain(line):
                if block is not None:
                    block.in_heading = False
                continue
            if block is None:
                self.problem(number, "prep-misplaced-text", "text under '## My commitments' above the first "
                             "commitment", "write it under 'Where I need help' or 'Wins this week'")
                continue
            block.add(number, line, self)
        for key, (cid, at) in items.items():
            if key not in blocks:
                self.problem(at, "prep-missing-section", f"{key}'s heading ('### {key}. ...') is missing "
                             "under '## My commitments'", "put it back as the form had it")
        updates = []
        by_id = {e.id: e for e in spec.entries}
        for update in (b.update(spec, self) for b in blocks.values() if b.id is not None):
            entry = by_id[update.id]
            if entry.status == "open":
                updates.append(update)
            elif update.new_date:  # (a tick agrees with a close; an untouched block says nothing)
                self.problem(update.line, "prep-closed-commitment", f"{update.key} ('{_short(entry.text, 80)}') is "
                             f"{entry.status} since this form was made ({entry.closed_in}), and the form "
                             "proposes a new date for it", "delete the new date, or talk it over in the meeting")
        return updates

    def _block_heading(self, number: int, heading: tuple[int, str], items: dict, blocks: dict,
                       titles: dict) -> _Block | None:
        level, text = heading
        m = _ITEM_HEADING.match(text)
        key = f"C{m.group(1)}" if m else None
        if level < 3 or m is None or key not in items:
            self.problem(number, "prep-heading", f"the heading {text!r} is not one of the form's commitments",
                         "keep the form's headings as they are; write your words under "
                         "'Where I need help' or 'Wins this week'")
            return _Block(None, None, number, "")
        if key in blocks:
            self.problem(number, "prep-heading", f"{key} is here a second time (first on line {blocks[key].line})",
                         "keep one block per commitment")
            return _Block(None, None, number, "")
        cid = items[key][0]
        blocks[key] = _Block(key, cid, number, m.group(2) or "", titles.get(cid, ""))
        return blocks[key]


class _Block:
    """The lines under one commitment's heading on the form."""

    def __init__(self, key: str | None, cid: str | None, line: int, heading: str, title: str = ""):
        self.key, self.id, self.line, self.title = key, cid, line, title
        self.heading = [heading]  # the heading's words, and the lines that continue it (wrapped)
        self.in_heading = True
        self.box: tuple[int, bool] | None = None
        self.date: tuple[int, str] | None = None

    def add(self, number: int, line: str, reader: _Reader) -> None:
        if self.key is None:  # under a heading that was refused: its lines are not read either
            return
        box, new_date = _BOX.match(line.translate(_NO_SPACE)), _NEW_DATE.match(plain(line))
        if box is None and new_date is None and self.in_heading and self.box is None and self.date is None:
            self.heading.append(plain(line))  # a long heading wrapped by a mail program
            return
        self.in_heading = False
        twice = "prep-commitment-line", f"{self.key}: a second {{}} (first on line {{}})", "keep one"
        if box is not None:
            mark, words_after = box.group(1).strip(), plain(box.group(2)).rstrip(".!").casefold()
            if self.box is not None:
                reader.problem(number, twice[0], twice[1].format("box", self.box[0]), twice[2])
            elif words_after != BOX_TEXT.casefold():
                reader.problem(number, "prep-commitment-line", f"{self.key}: only the box is read on this line, "
                               f"and its words were changed ({_short(plain(box.group(2)))!r})",
                               f"keep '- [ ] {BOX_TEXT}' with an x or nothing in the box; write other words "
                               "under 'Where I need help'")
            elif mark not in ("",) + _TICKED:
                reader.problem(number, "prep-commitment-line", f"{self.key}: [{mark}] is not a box the form reads",
                               "put an x in the box when it is done: [x]; leave it empty when not")
            else:
                self.box = (number, mark != "")
            return
        if new_date is not None:
            if self.date is not None:
                reader.problem(number, twice[0], twice[1].format("'New date:' line", self.date[0]), twice[2])
            else:
                self.date = (number, plain(new_date.group(1)))
            return
        reader.problem(number, "prep-misplaced-text", f"text under {self.key}, where the form reads only the "
                       f"box and '{NEW_DATE}': {_short(plain(line))!r}",
                       "write it under 'Where I need help' or 'Wins this week'")

    def update(self, spec: FormSpec, reader: _Reader) -> Update:
        if words(" ".join(self.heading)) != words(self.title):
            reader.problem(self.line, "prep-heading", f"{self.key}'s heading was changed; it reads "
                           f"'{self.key}. {self.title}' in the notebook",
                           "put it back; write your words under 'Where I need help'")
        done = self.box is not None and self.box[1]
        new_date = None
        if self.date is not None and self.date[1] not in ("",) + _NONE:
            number, text = self.date
            try:
                new_date = to_date(text, formats=spec.date_formats, year=spec.date.year)
            except DateProblem as exc:
                reader.problem(number, "prep-new-date", f"{self.key}: the new date {text!r} cannot be read",
                               exc.hint or "write it like 2026-12-04")
            else:
                if new_date is not None and new_date < spec.date:
                    reader.problem(number, "prep-new-date", f"{self.key}: the new date {new_date} is before "
                                   f"the meeting ({spec.date})", "write a date on or after the meeting's")
                    new_date = None
        if done and new_date is not None:
            reader.problem(self.box[0], "prep-commitment-line", f"{self.key} is ticked done and has a new date",
                           "keep the one that is true: the tick, or the date")
        return Update(self.key, self.id, self.line, done, new_date)


_NO_SPACE = str.maketrans({"\u00a0": " ", "\t": " ", "\u200b": "", "\ufeff": ""})


def _row_lines(lines: list[tuple[int, str]], reader: _Reader) -> list[tuple[int, str]]:
    """The KPI lines of a section, each with the lines that continue it (a figure written
    on the next line, a line wrapped by a mail program); other text is a problem."""
    rows: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for number, line in lines:
        text = plain(line)
        if not text:
            current = None
            continue
        m = _ROW.match(line.translate(_NO_SPACE))
        if m is not None:
            current = [plain(m.group(1))]
            rows.append((number, current))
        elif current is not None:
            current.append(text)
        else:
            reader.problem(number, "prep-misplaced-text", f"text between the KPI lines: {_short(text)!r}",
                           "write the figure after its KPI's colon, and other words under 'Where I need help'")
    return [(number, " ".join(parts)) for number, parts in rows]


def _match_row(text: str, kpis: tuple[KpiRow, ...]) -> tuple[KpiRow | None, str]:
    """The KPI whose line ``text`` is, and what is written after its colon."""
    for kpi in kpis:
        prefix = plain(kpi.prefix + ":")
        if text[:len(prefix)].casefold() == prefix.casefold():
            return kpi, text[len(prefix):].strip()
    return None, ""


def _label_of(text: str, kpis: tuple[KpiRow, ...]) -> KpiRow | None:
    """The KPI a changed line still names at its start, the longest label first."""
    folded = text.casefold()
    for kpi in sorted(kpis, key=lambda k: -len(k.label)):
        label = plain(kpi.label).casefold()
        if folded.startswith(label) and folded[len(label):len(label) + 1] in ("", " ", "(", ":"):
            return kpi
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"
