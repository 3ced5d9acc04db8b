"""What the next agenda carries from the last note's body: upcoming calls and open help requests."""

from __future__ import annotations

import os
from pathlib import Path

from onenotes.views.agenda import open_help_requests, upcoming_calls

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
