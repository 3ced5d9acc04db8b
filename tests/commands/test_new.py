"""`onenotes new` through the real CLI, and the round trip of what it writes; what the next
agenda carries from the last note (upcoming calls, open help requests, the review list) and
the coaching questions it asks."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.review_list import open_rows, week1_agenda
from conftest import ROOT, TODAY, examples, note_text, write
from onenotes.errors import ConfigError, NoteExistsError
from onenotes.rules.commitments import build_ledger, open_commitments
from onenotes.changes.new import create_note
from onenotes.views.agenda import reviewable
from onenotes.reading.note import HANDLER, parse_note
from onenotes.reading.notebook import load_notebook
from onenotes.reading.yaml.safe import load_yaml, to_yaml_scalar
from onenotes.rules.questions import Miss, Situation, Slip, choose_questions, keeps_slipping, wording
from onenotes.views.agenda import open_help_requests, upcoming_calls

GOLDEN = Path(__file__).parent.parent / "golden" / "new-bob-okafor-2026-11-23.md"


def new(cli, root, *args, today=TODAY):
    return cli("--notebook", root, "new", *args, "--today", today)


def read_back(root: Path, rel: str):
    book = load_notebook(root)
    return next(n for n in book.notes if n.path == rel)


def test_writes_the_next_meeting_and_prints_its_path(cli, acme):
    result = new(cli, acme, "bob-okafor")
    assert result.exit_code == 0, result.stderr
    path = acme / "bob-okafor" / "2026-11-23.md"
    assert result.stdout == f"{path}\n"
    assert path.is_file()


def test_the_agenda_matches_the_reviewed_golden_file(cli, acme):
    new(cli, acme, "bob-okafor")
    text = (acme / "bob-okafor" / "2026-11-23.md").read_text(encoding="utf-8")
    if os.environ.get("ONENOTES_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_default_date_follows_the_cadence_and_is_never_before_today(cli, acme):
    assert new(cli, acme, "carla", today="2026-11-18").stdout.strip().endswith("carla-mendes/2026-11-23.md")
    result = new(cli, acme, "bob", today="2026-12-02")  # a Wednesday, weeks after the last note
    assert result.stdout.strip().endswith("bob-okafor/2026-12-07.md")


def test_the_new_note_carries_every_open_commitment_of_that_rep(cli, acme):
    before = [e for e in open_commitments(build_ledger(load_notebook(acme).notes)) if e.rep == "bob-okafor"]
    new(cli, acme, "bob-okafor")
    note = read_back(acme, "bob-okafor/2026-11-23.md")
    carried = {m.id: m for m in note.mentions if m.origin == "frontmatter"}
    assert set(carried) == {e.id for e in before}
    for e in before:
        m = carried[e.id]
        assert (m.text, m.owner, m.due, m.since, m.status) == (e.text, e.owner, e.due, e.since, "open")
    # Each is listed once more in the body, as a review item to tick, and nothing else is.
    reviewed = {m.id: m for m in note.mentions if m.origin == "body"}
    assert set(reviewed) == set(carried)
    for cid, m in reviewed.items():
        assert (m.text, m.owner, m.due, m.since, m.status) == (carried[cid].text, carried[cid].owner,
                                                              carried[cid].due, carried[cid].since, "open")


def test_carrying_forward_does_not_duplicate_or_change_the_ledger(cli, acme):
    def ledger():
        return {(e.rep, e.id): (e.text, e.due, e.since, e.status)
                for e in build_ledger(load_notebook(acme).notes)}
    before = ledger()
    new(cli, acme, "bob-okafor")
    assert ledger() == before
    after = json.loads(cli("--notebook", acme, "followups", "--format", "json", "--today", TODAY).stdout)
    assert len(after) == len({(r["rep"], r["id"]) for r in after}) == 29
    # Followups now point at the new note, where the manager closes them.
    bob = [r for r in after if r["rep"] == "bob-okafor"]
    assert {r["source"] for r in bob} == {"bob-okafor/2026-11-23.md"}


def test_closing_a_carried_commitment_in_the_new_note_closes_it(cli, acme):
    new(cli, acme, "bob-okafor")
    path = acme / "bob-okafor" / "2026-11-23.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("id: bob-freight-prospect-list")
    status = text.index("status: open", start)
    path.write_text(text[:status] + "status: done" + text[status + len("status: open"):], encoding="utf-8")
    rows = json.loads(cli("--notebook", acme, "followups", "--format", "json").stdout)
    assert "bob-freight-prospect-list" not in {r["id"] for r in rows}


def test_metrics_hold_each_kpi_goal_with_rep_overrides(cli, acme):
    new(cli, acme, "alice")
    note = read_back(acme, "alice-nguyen/2026-11-23.md")
    metrics = {m.name: (m.goal, m.actual) for m in note.metrics}
    assert metrics["revenue"] == (30000, None)  # Alice's own goal
    assert metrics["sales_calls"] == (40, None)
    assert len(metrics) == 8


def test_the_agenda_has_the_coaching_sections_in_order(cli, acme):
    new(cli, acme, "carla")
    text = (acme / "carla-mendes" / "2026-11-23.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. Where are we against goal?", "## 2. Where do you need help?", "## 3. Behaviour plan",
        "## 4. Coaching plan", "## 5. Most important upcoming calls",
        "## Review: commitments carried forward", "## Private", "## New commitments (homework)"]  # (carla has
    # a private commitment: its review item is in the private part, before the homework)
    table = text[text.index("| KPI |"):text.index("\n\n", text.index("| KPI |"))]
    rows = [l for l in table.splitlines() if l.startswith("| ") and "---" not in l][1:]
    kinds = [r.split("|")[2].strip() for r in rows]
    assert kinds == sorted(kinds, key=lambda k: k != "output")  # outputs before inputs
    assert "| Close rate | output | 16.5% | 25% | 66% |" in table


def test_the_new_note_passes_check(cli, acme):
    for rep in ("alice", "bob", "carla"):
        assert new(cli, acme, rep).exit_code == 0
    result = cli("--notebook", acme, "check")
    assert result.exit_code == 0, result.stdout
    assert "0 errors" in result.stderr


def test_an_existing_note_is_never_overwritten(cli, acme):
    path = acme / "bob-okafor" / "2026-11-16.md"
    before = path.read_bytes()
    result = new(cli, acme, "bob", "--date", "2026-11-16")
    assert result.exit_code == 1
    assert f"{path} already exists" in result.stderr and "--another" in result.stderr
    assert path.read_bytes() == before
    assert result.stdout == ""


def test_another_writes_a_second_note_for_the_same_day(cli, acme):
    result = new(cli, acme, "bob", "--date", "2026-11-16", "--another")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("bob-okafor/2026-11-16-2.md")
    note = read_back(acme, "bob-okafor/2026-11-16-2.md")
    assert note.seq == 2 and note.date == dt.date(2026, 11, 16)


@pytest.mark.parametrize("bad", ["../x", "/etc", "a/b", "", " ", ".hidden", "templates"])
def test_rep_names_that_are_paths_or_empty_are_refused(cli, acme, bad):
    before = sorted(p.name for p in acme.iterdir() if p.name != ".onenotes")
    assert {"alice-nguyen", "bob-okafor", "carla-mendes", "onenotes.yaml"} <= set(before)
    result = new(cli, acme, bad, "--add")
    assert result.exit_code == 2, result.output
    assert "error:" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in acme.iterdir() if p.name != ".onenotes") == before


def test_an_unknown_rep_is_refused_with_the_list_of_reps(cli, acme):
    result = new(cli, acme, "dana")
    assert result.exit_code == 1
    assert "unknown rep 'dana'; known reps: alice-nguyen, bob-okafor, carla-mendes" in result.stderr
    assert not (acme / "dana").exists()


def test_add_creates_the_rep_folder_and_a_first_agenda(cli, acme):
    result = new(cli, acme, "Dana Kim", "--add")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("dana-kim/2026-11-23.md")
    assert "new rep folder dana-kim/" in result.stderr
    assert "# One-on-one: Dana Kim, 2026-11-23" in (acme / "dana-kim" / "2026-11-23.md").read_text()


def test_a_decomposed_unicode_name_matches_the_existing_folder(cli, notebook):
    (notebook / unicodedata.normalize("NFC", "josé")).mkdir()
    result = new(cli, notebook, unicodedata.normalize("NFD", "José"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in notebook.iterdir() if p.is_dir() and p.name != ".onenotes") == ["ann", "josé"]


def test_hostile_names_and_texts_cannot_break_or_inject_yaml(cli, notebook):
    (notebook / "onenotes.yaml").write_text('reps:\n  ann:\n    name: "Ann: VIP"\nmanager: "no"\n')
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", commitments=(
        '  - id: "no"\n    text: "line one\\nstatus: done\\n- [ ] injected"\n    due: 2026-11-20\n')))
    result = new(cli, notebook, "ann", "--date", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    note = read_back(notebook, "ann/2026-11-16.md")
    assert note.meta["manager"] == "no"
    [m, item] = note.mentions
    assert (m.id, m.text, m.status) == ("no", "line one\nstatus: done\n- [ ] injected", "open")
    assert (item.origin, item.id, item.text, item.status) == ("body", "no", m.text, "open")  # its review item
    assert "# One-on-one: Ann: VIP, 2026-11-16" in (notebook / "ann" / "2026-11-16.md").read_text()


def test_edit_opens_the_note_in_the_editor(cli, acme, tmp_path):
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\necho '<!-- edited -->' >> \"$1\"\n")
    editor.chmod(0o755)
    result = cli("--notebook", acme, "new", "bob", "--today", TODAY, "--edit", env={"EDITOR": str(editor)})
    assert result.exit_code == 0, result.stderr
    assert (acme / "bob-okafor" / "2026-11-23.md").read_text().endswith("<!-- edited -->\n")


def test_a_notebook_that_cannot_be_written_gives_a_clear_error(cli, acme, monkeypatch):
    import errno

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("onenotes.reading.files._temp_file", refuse)
    result = new(cli, acme, "bob")
    assert result.exit_code == 4
    assert "cannot write" in result.stderr and "Read-only file system" in result.stderr
    assert not (acme / "bob-okafor" / "2026-11-23.md").exists()
    # Reading still works.
    assert cli("--notebook", acme, "followups").exit_code == 0


def test_a_rep_note_that_cannot_be_read_stops_the_agenda_naming_it(cli, acme):
    # It may hold open commitments the agenda would leave behind (tests/robustness/test_write_places.py).
    write(acme / "bob-okafor" / "2026-11-17.md", "---\nrep: [\n---\n")
    result = new(cli, acme, "bob")
    assert result.exit_code == 1
    assert result.stderr.startswith("onenotes: bob-okafor/2026-11-17.md:3:1: error: invalid YAML")
    assert "\nonenotes: error: cannot write the next agenda: bob-okafor/2026-11-17.md cannot be read " \
        "(line 3: " in result.stderr
    assert not (acme / "bob-okafor" / "2026-11-23.md").exists()


# ------------------------------------------------------------ templates ---

def test_templates_in_the_notebook_override_the_packaged_ones(cli, notebook):
    write(notebook / "templates" / "one-on-one.md", "---\nrep: {{ rep.slug | yaml }}\n---\n# Mine\n")
    result = new(cli, notebook, "ann")
    assert result.exit_code == 0, result.stderr
    assert (notebook / "ann" / "2026-11-23.md").read_text() == "---\nrep: ann\n---\n# Mine\n"


def test_the_team_meeting_template(cli, notebook):
    result = new(cli, notebook, "team", "--add", "--template", "team-meeting")
    assert result.exit_code == 0, result.stderr
    text = (notebook / "team" / "2026-11-23.md").read_text()
    for section in ("Wins and losses", "Stuck deals", "Pipeline cadence", "New products",
                    "Company announcements", "Market changes"):
        assert f"## {section}" in text


@pytest.mark.parametrize("source, expected", [
    ("---\nrep: {{ rep.slug | yaml }}\n---\n{% if %}\n", "templates/one-on-one.md:4: template syntax error"),
    ("---\nrep: x\n---\n\n{{ rep.nmae }}\n", "templates/one-on-one.md:5: 'dict object' has no attribute 'nmae'"),
    ("---\n---\n{{ nothing }}\n", "one-on-one.md:3: 'nothing' is undefined"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "refused by the template sandbox"),
    ("{{ 'a' * 10**8 }}", "too large"),
    ("{% for i in range(99999) %}{{ 'x' * 99 }}{% endfor %}", "over 1024 KiB"),
    ("---\nrep: [broken\n---\n", "cannot be read back"),
    ("---\nrep: ann\ncommitments: []\n---\n", None),
])
def test_broken_or_hostile_templates_are_reported_with_name_and_line(cli, notebook, source, expected):
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", commitments="  - text: Call Globex\n"))
    write(notebook / "templates" / "one-on-one.md", source)
    result = new(cli, notebook, "ann")
    if expected is None:  # drops the carried commitment: refused, not silently lost
        expected = "did not carry commitment"
    assert result.exit_code == 3, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert not (notebook / "ann" / "2026-11-23.md").exists()


def test_unknown_template_lists_the_available_ones(cli, notebook):
    result = new(cli, notebook, "ann", "--template", "weekly")
    assert result.exit_code == 3
    assert "no template named 'weekly'; available: one-on-one, team-meeting" in result.stderr
    assert new(cli, notebook, "ann", "--template", "../../etc/passwd").exit_code == 3


def test_a_template_linking_outside_the_notebook_is_refused(cli, notebook, tmp_path):
    outside = write(tmp_path / "elsewhere.md", "---\n---\nhi\n")
    (notebook / "templates").mkdir()
    (notebook / "templates" / "one-on-one.md").symlink_to(outside)
    result = new(cli, notebook, "ann")
    assert result.exit_code == 3 and "outside" in result.stderr


def test_an_empty_template_name_is_refused(cli, acme):
    result = new(cli, acme, "bob", "--template", "")
    assert result.exit_code == 3 and "is not a template name" in result.stderr


# ------------------------------------------------------------ round trip ---

SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
                    min_size=1, max_size=40).filter(lambda t: t.strip())


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(SAFE_TEXT, min_size=1, max_size=3),
       dues=st.lists(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), min_size=3, max_size=3),
       owner=st.sampled_from(["rep", "manager"]), name=SAFE_TEXT)
def test_round_trip_what_new_writes_reads_back_exactly(tmp_path_factory, texts, dues, owner, name):
    root = tmp_path_factory.mktemp("rt")
    (root / "onenotes.yaml").write_text(
        f"reps:\n  ann:\n    name: {to_yaml_scalar(name)}\n"
        "kpis:\n  revenue: {kind: output, goal: 1.5}\n  'no': {kind: input, goal: 7}\n", encoding="utf-8")
    items = "".join(
        f"  - id: {to_yaml_scalar(f'c{i}')}\n    text: {to_yaml_scalar(t)}\n    owner: {owner}\n"
        f"    due: {to_yaml_scalar(dues[i])}\n    since: 2026-11-02\n"
        for i, t in enumerate(texts))
    write(root / "ann" / "2026-11-09.md", note_text(date="2026-11-09", commitments=items))
    book = load_notebook(root)
    assert not book.problems and not book.notes[0].problems
    made = create_note(book, "ann", today=dt.date(2026, 11, 23))
    note = parse_note(made.text, made.rel, "ann", made.date)
    assert not note.problems
    want = [(f"c{i}", t.strip(), owner, dues[i], dt.date(2026, 11, 2), "open") for i, t in enumerate(texts)]
    for origin in ("frontmatter", "body"):  # the carried commitments, then their review items
        got = [(m.id, m.text, m.owner, m.due, m.since, m.status) for m in note.mentions if m.origin == origin]
        assert got == want, origin
        # (a text that cannot be a review item, such as one holding %%, is listed without a box)
        want = [w for w in want if reviewable(w[0], w[1])]
    assert [(m.name, m.goal, m.actual) for m in note.metrics] == [("revenue", 1.5, None), ("no", 7, None)]
    # The frontmatter means the same to a YAML 1.1 reader (PyYAML) as to ours.
    fm, _ = HANDLER.split(made.text)
    assert yaml.safe_load(fm) == json.loads(json.dumps(load_yaml(fm), default=str))


# ------------------------------------------------------------ races ---

def test_racing_processes_write_exactly_one_note(acme):
    """Six real processes create the same note at once: one wins, the rest refuse."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "onenotes", "--notebook", str(acme), "new", "bob",
           "--date", "2026-11-23"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(6)]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1, 1, 1, 1, 1], results
    assert all("already exists" in err for code, _, err in results if code == 1)
    notes = sorted(p.name for p in (acme / "bob-okafor").iterdir())
    assert notes.count("2026-11-23.md") == 1 and not [n for n in notes if n.startswith(".")]
    assert read_back(acme, "bob-okafor/2026-11-23.md").mentions  # a whole note


def test_create_note_refuses_an_existing_file_in_the_core(acme):
    book = load_notebook(acme)
    with pytest.raises(NoteExistsError):
        create_note(book, "bob", today=dt.date(2026, 11, 23), date=dt.date(2026, 11, 16))


# ------------------------------------------ what the next agenda carries ---

BODY = """# One-on-one: Ann, 2026-11-16

## 2. Where do you need help?

<!-- manager-only -->Still open from 2026-11-09: strike a request through once it is answered.<!-- /manager-only -->
- A reference customer in retail
- ~~Pricing approval for Globex~~
- Time with the solutions engineer
  before the Initech demo
- [ ] Send the case study [owner:: manager]

She sounded tired; talk about the territory next time.

## 5. Most important upcoming calls

- **Cyberdyne**: proposal, third attempt at a date
* **Globex** (joint call): negotiation

| Call | Outcome | Plan | Joint call? |
| --- | --- | --- | --- |
| Initech | demo booked | agenda the day before | yes |
|  |  |  |  |

## Private

- The Globex champion is leaving; do not tell anyone yet.

## Review: commitments carried forward
"""


def test_help_requests_not_struck_through_come_back_and_paragraphs_and_tasks_do_not():
    assert open_help_requests(BODY) == [
        "A reference customer in retail", "Time with the solutions engineer before the Initech demo"]


def test_last_weeks_calls_start_this_weeks_list_tables_included():
    assert upcoming_calls(BODY) == [
        "**Cyberdyne**: proposal, third attempt at a date", "**Globex** (joint call): negotiation",
        "Initech · demo booked · agenda the day before · yes"]


def test_nothing_private_or_manager_only_is_carried():
    body = ("## Upcoming calls\n\n<!-- private -->\n- Secret call\n<!-- /private -->\n"
            "<!-- manager-only -->\n- Guidance call\n<!-- /manager-only -->\n- Shared call\n")
    assert upcoming_calls(body) == ["Shared call"]
    broken = "## Upcoming calls\n\n<!-- private -->\n- Secret call\n"  # never closed: privacy undecided
    assert upcoming_calls(broken) == []
    unclosed = "## Upcoming calls\n\n<!-- manager-only -->\n- Guidance call\n"  # share refuses it too
    assert upcoming_calls(unclosed) == []


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_a_week_later_the_agenda_starts_with_what_the_meeting_left_open(cli, acme):
    """The manager fills week 1's agenda as they would; week 2's agenda carries it."""
    assert cli("--notebook", acme, "new", "bob", "--today", "2026-11-23").exit_code == 0
    note = acme / "bob-okafor" / "2026-11-23.md"
    text = note.read_text(encoding="utf-8")
    help_part = _section(text, "## 2. Where do you need help?")
    text = text.replace(help_part, help_part.rstrip("\n") + "\n- An intro to the Umbrella CFO\n"
                        "- ~~A second demo laptop~~\n\n")
    calls = _section(text, "## 5. Most important upcoming calls")
    text = text.replace(calls, "## 5. Most important upcoming calls\n\n- **Vandelay**: first meeting, joint call\n\n")
    note.write_text(text, encoding="utf-8")
    assert cli("--notebook", acme, "check", str(note)).exit_code == 0

    assert cli("--notebook", acme, "new", "bob", "--today", "2026-11-30").exit_code == 0
    later = (acme / "bob-okafor" / "2026-11-30.md").read_text(encoding="utf-8")
    help_now = _section(later, "## 2. Where do you need help?")
    assert "Still open from 2026-11-23" in help_now and "- An intro to the Umbrella CFO" in help_now
    assert "demo laptop" not in help_now
    calls_now = _section(later, "## 5. Most important upcoming calls")
    assert "Listed on 2026-11-23" in calls_now and "- **Vandelay**: first meeting, joint call" in calls_now
    assert "Umbrella Logistics" not in calls_now  # the list the manager replaced is not brought back


TYPICAL_CONFIG = """manager: Sam Rivera
cadence: weekly
meeting_day: monday
kpis:
  revenue: {kind: output, goal: 25000, unit: USD}
  new_accounts: {kind: output, goal: 2}
  close_rate: {kind: output, goal: 25, unit: "%"}
  sales_calls: {kind: input, goal: 40}
  new_opportunities: {kind: input, goal: 6}
coaching_questions:
  skill: ["Which call shall we role-play before you make it?"]
  close_rate: ["Your close rate is {actual} against {goal}: at which stage do the deals you lose stop?"]
reps:
  dana-ruiz: {name: Dana Ruiz}
"""

TYPICAL_NOTE = """---
rep: dana-ruiz
date: 2026-11-16
metrics:
  revenue: 21000
  new_accounts: 2
  close_rate: 19
  sales_calls: 44
  new_opportunities: 7
coaching_plan:
  skill: Asking for the next step at the end of every call
  practice: Review one recorded call together each Friday
  long_term: Team lead within a year
behaviour_plan:
  sales_calls: 40
  new_opportunities: 6
commitments:
  - {id: crm-hygiene, text: Update the close dates in the CRM, owner: rep, due: 2026-11-20, status: open}
  - {id: ref-story, text: Write up the Initech win as a reference story, owner: rep, due: 2026-11-27, status: open}
---

# One-on-one: Dana Ruiz, 2026-11-16

## 2. Where do you need help?

- An intro to the CFO at Umbrella

## 5. Most important upcoming calls

- **Umbrella**: discovery with the CFO
- **Initech** (joint call): renewal negotiation

## Homework

- [ ] Book two prospecting blocks due: 2026-11-24
- [ ] Send Dana the pricing sheet [owner:: manager] due: 2026-11-18
- [ ] Role-play the Initech negotiation due: 2026-11-19
- [ ] Ask legal about the Umbrella contract terms [owner:: manager] due: 2026-11-25
"""

TYPICAL_GOLDEN = Path(__file__).parent.parent / "golden" / "new-typical-rep.md"


def test_a_typical_reps_agenda_fits_about_seventy_lines_and_matches_its_golden_file(cli, tmp_path):
    """5 KPIs, 6 open commitments, a coaching plan: the body is about 70 lines (issue 16)."""
    root = tmp_path / "nb"
    (root / "dana-ruiz").mkdir(parents=True)
    (root / "onenotes.yaml").write_text(TYPICAL_CONFIG, encoding="utf-8")
    (root / "dana-ruiz" / "2026-11-16.md").write_text(TYPICAL_NOTE, encoding="utf-8")
    result = cli("--notebook", root, "new", "dana", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    text = (root / "dana-ruiz" / "2026-11-23.md").read_text(encoding="utf-8")
    if os.environ.get("ONENOTES_UPDATE_GOLDEN"):
        TYPICAL_GOLDEN.write_text(text, encoding="utf-8")
    assert text == TYPICAL_GOLDEN.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    assert text.count("[id:: ") == 6
    assert len(body.strip("\n").split("\n")) <= 72


def test_what_is_noted_under_a_request_goes_with_it_and_an_answered_one_stays_behind_whole():
    body = ("## Where do you need help?\n\n"
            "- ~~Pricing exception for Vandelay~~\n  - Finance approved 8%, not 10%\n"
            "- ~~Intro to the Cyberdyne CFO~~ (done 11/12)\n"
            "- ~A second demo laptop~\n"
            "- Time with the solutions engineer\n  - before the Initech demo\n  - [ ] Book it [owner:: manager]\n"
            "-\n")
    assert open_help_requests(body) == ["Time with the solutions engineer; before the Initech demo"]


def test_code_and_obsidian_comments_under_the_calls_are_not_carried():
    body = ("## Upcoming calls\n\n- **Initech** %%he might leave%% renewal\n```\n- not a call\n```\n"
            "%%\n- Ask Dana about the territory\n%%\n- **Globex**: pricing\n")
    assert upcoming_calls(body) == ["**Globex**: pricing"]


def test_mistakes_in_a_carried_commitment_are_carried_not_lost_or_blocking(cli, acme):
    write(acme / "bob-okafor" / "2026-11-20.md",
          '---\ncommitments: [{id: a, text: x, due: "15.10"}, {id: b, text: y, owner: bogus},'
          " {id: c, text: z, due: 15.10}]\n---\n")
    result = new(cli, acme, "bob", "--date", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    assert "bob-okafor/2026-11-20.md:2: error: unknown owner 'bogus'" in result.stderr
    text = (acme / "bob-okafor" / "2026-11-23.md").read_text()
    assert 'due: "15.10"' in text  # the raw text the manager wrote survives
    assert "owner: bogus" in text
    assert 'due: "15.1 (read as a number)"' in text  # YAML lost the text: said so, not guessed
    rows = cli("--notebook", acme, "followups", "--rep", "bob", "--today", TODAY).stdout
    assert "? 15.10" in rows


# ------------------------------------------------- the coaching questions ---

BANK = {
    "slipping": ('"{commitment}" has been on the agenda {times} times: what is in the way?',),
    "consistent": ("{kpis} missed in {misses} of the last {meetings} meetings: where do deals stop?",),
    "revenue": ("Revenue is {actual} against {goal} ({attainment}): which deals close the {gap} gap?",),
    "close_rate": ("Close rate {actual} against {goal}: where do you lose deals?",),
    "sales_calls": ("{kpi}: {actual} of {goal}. Which hours are blocked for calls?",),
    "skill": ("Which call shall we role-play?", "Where in the process do deals stall?"),
    "behaviour": ("What got in the way of your activity?",),
}

REVENUE = Miss("revenue", "Revenue", "output", 12000, 25000, 0.48, "USD")
CLOSE = Miss("close_rate", "Close rate", "output", 20, 25, 0.8, "%")
CALLS = Miss("sales_calls", "Sales calls", "input", 26, 40, 0.65)


def test_the_most_specific_situation_comes_first_with_its_figures():
    situation = Situation("behaviour", [CALLS, CLOSE, REVENUE], misses=3, meetings=4, consistent=True,
                          slipping=Slip("Build the prospect list", 3, 4))
    assert choose_questions(BANK, situation, [], limit=5) == [
        '"Build the prospect list" has been on the agenda 4 times: what is in the way?',
        "Revenue, Close rate missed in 3 of the last 4 meetings: where do deals stop?",
        # outputs before inputs, the largest shortfall first
        "Revenue is 12,000 USD against 25,000 USD (48%): which deals close the 13,000 USD gap?",
        "Close rate 20% against 25%: where do you lose deals?",
        "Sales calls: 26 of 40. Which hours are blocked for calls?",
    ]


def test_the_verdict_questions_come_last_and_the_number_asked_is_limited():
    situation = Situation("skill", [CLOSE])
    assert choose_questions(BANK, situation, []) == [
        "Close rate 20% against 25%: where do you lose deals?", "Which call shall we role-play?",
        "Where in the process do deals stall?"]
    assert len(choose_questions(BANK, situation, [], limit=2)) == 2


def test_a_question_asked_in_the_last_three_meetings_is_not_repeated_whatever_its_figures():
    situation = Situation("skill", [REVENUE])
    last_week = "Ask this week:\n- Revenue is 9,000 USD against 25,000 USD (36%): which deals close the 16,000 USD gap?\n"
    got = choose_questions(BANK, situation, [last_week])
    assert got == ["Which call shall we role-play?", "Where in the process do deals stall?"]
    # Four meetings back is long enough ago.
    assert choose_questions(BANK, situation, ["", "", "", last_week])[0].startswith("Revenue is 12,000 USD")


def test_when_everything_was_asked_lately_the_one_asked_longest_ago_comes_back():
    situation = Situation("behaviour", [])
    asked = "- What got in the way of your activity?"
    assert choose_questions(BANK, situation, [asked, "", ""]) == ["What got in the way of your activity?"]
    bank = {"skill": BANK["skill"]}
    notes = ["Which call shall we role-play?", "Where in the process do deals stall?"]  # latest first
    assert choose_questions(bank, Situation("skill"), notes) == ["Where in the process do deals stall?"]


def test_no_question_is_invented_when_the_bank_has_none_for_the_situation():
    assert choose_questions({}, Situation("behaviour", [CALLS], consistent=True, misses=4, meetings=4), []) == []


def test_wording_finds_a_question_across_line_breaks_and_case():
    pattern = wording("Revenue is {actual} against {goal}: which deals?")
    assert pattern.search("- revenue is 1 USD\n  against 2 USD: Which deals?")
    assert not pattern.search("Revenue is 1 USD: which deals?")


@pytest.mark.parametrize("slips, carried, overdue, expected", [
    (2, 0, False, True), (1, 5, False, False), (0, 2, True, True), (0, 1, True, False)])
def test_a_commitment_keeps_slipping_when_moved_twice_or_overdue_on_three_agendas(slips, carried, overdue, expected):
    assert keeps_slipping(slips, carried, overdue) is expected


def test_an_unknown_placeholder_in_the_bank_is_a_config_error_naming_the_line(notebook):
    cfg = notebook / "onenotes.yaml"
    before = cfg.read_text()
    cfg.write_text(before + "coaching_questions:\n  revenue:\n    - \"Revenue at {actaul}?\"\n")
    with pytest.raises(ConfigError, match=r"\{actaul\} is not filled in") as err:
        load_notebook(notebook)
    line = before.count("\n") + 2  # the "revenue:" key
    assert f"onenotes.yaml:{line}:" in str(err.value) and "use {kpi}, {actual}, {goal}" in str(err.value)


def _questions(text: str) -> list[str]:
    block = text[text.index("Ask this week:"):text.index("<!-- /manager-only -->")]
    return re.findall(r"^- (.*)$", block, re.M)


def test_week_after_week_the_agenda_asks_new_questions(cli, acme):
    """Over three simulated weeks of carla's one-on-ones the questions change; none is asked twice."""
    asked: list[str] = []
    for today in ("2026-11-23", "2026-11-30", "2026-12-07"):
        result = cli("--notebook", acme, "new", "carla", "--today", today)
        assert result.exit_code == 0, result.stderr
        questions = _questions((acme / "carla-mendes" / f"{today}.md").read_text(encoding="utf-8"))
        assert questions and not set(questions) & set(asked), (today, questions, asked)
        asked += questions
    assert any("has been on the agenda" in q for q in asked)  # the commitment that keeps slipping
    assert any(q.startswith("New accounts: 1 against a goal of 2.") for q in asked)  # the KPI, by how much


@pytest.mark.parametrize("entry, message", [
    ("  revenu: [\"Where is the revenue?\"]\n", r"'revenu' is neither a KPI nor a situation.*did you mean 'revenue'"),
    ("  revenue: [\"Short by {gap:>10}?\"]\n", r"\{gap:>10\} is not filled in"),
])
def test_a_question_that_could_never_be_asked_as_written_is_a_config_error(notebook, entry, message):
    cfg = notebook / "onenotes.yaml"
    cfg.write_text(cfg.read_text() + "coaching_questions:\n" + entry)
    with pytest.raises(ConfigError, match=message):
        load_notebook(notebook)


# ------------------------------------- the review list (support/review_list.py) ---

def test_the_agenda_lists_each_carried_commitment_as_a_task_with_its_id(cli, notebook):
    path = week1_agenda(cli, notebook)
    text = path.read_text(encoding="utf-8")
    rows = open_rows(cli, notebook)
    for row in rows.values():
        assert re.search(rf"^- \[ \] .*\[id:: {re.escape(row['id'])}\]$", text, re.M), row
    # Nothing new: the review items are the same commitments, still open, one row each.
    assert len(rows) == 4


def test_sub_tasks_are_listed_after_their_parent_and_carried_with_it(cli, notebook):
    path = week1_agenda(cli, notebook)
    rows = open_rows(cli, notebook)
    parent = rows["Prepare the Globex QBR deck"]
    child = rows["Prepare the Globex QBR deck \u203a Pull the Q3 numbers"]
    assert child["parent"] == parent["id"] and parent["parent"] is None
    text = path.read_text(encoding="utf-8")
    assert re.search(rf'^    parent: "?{parent["id"]}"?$', text, re.M)
    assert "- [ ] Prepare the Globex QBR deck \u203a Pull the Q3 numbers (rep" in text
