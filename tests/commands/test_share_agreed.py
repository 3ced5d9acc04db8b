"""`onenotes share`: a copy worth sending to the rep (issue 16).

The copy holds what was agreed, each thing once: this note's numbers against
goal, every commitment of the note the rep may see (carried and new, with due
dates and where each stands), the plans, and the manager's notes; not the
manager's script (what lies between <!-- manager-only --> markers), nor ids,
file paths or escalation talk, nor the headings and blank tables left empty.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from conftest import EXAMPLE, TODAY, note_text, write

WEEK1 = note_text(date="2026-11-09", commitments=(
    "  - {id: vandelay-quote, text: Send the Vandelay renewal quote, due: 2026-11-13}\n"
    "  - {id: globex-deck, text: Prepare the Globex QBR deck, due: 2026-11-20}\n"
    "  - {id: initech-call, text: Call the Initech buyer, due: 2026-11-12}\n"
    "  - {id: globex-joint, text: Book the joint call with Globex, owner: manager, due: 2026-11-14}\n"))

# The agenda as a template that marks the manager's guidance would write it, filled in.
WEEK2 = """---
rep: ann
date: 2026-11-16
manager: Sam Rivera
metrics:
  revenue: {goal: 25000, actual: 21000}
  sales_calls: {goal: 40, actual: null}
commitments:
  - {id: vandelay-quote, text: Send the Vandelay renewal quote, owner: rep, due: 2026-11-13, status: open, since: 2026-11-09}
  - {id: globex-deck, text: Prepare the Globex QBR deck, owner: rep, due: 2026-11-20, status: open, since: 2026-11-09}
  - {id: initech-call, text: Call the Initech buyer, owner: rep, due: 2026-11-12, status: open, since: 2026-11-09}
  - {id: globex-joint, text: Book the joint call with Globex, owner: manager, due: 2026-11-14, status: open, since: 2026-11-09}
---

# One-on-one: Ann Lee, 2026-11-16

<!-- manager-only -->
Previous one-on-one: 2026-11-09 (ann/2026-11-09.md).
The rep presents; you ask and listen.
<!-- /manager-only -->

## 1. Where are we against goal?

<!-- manager-only -->
| KPI | Goal | Last actual |
| --- | ---: | ---: |
| Revenue | 25,000 USD | 18,000 USD |
<!-- /manager-only -->

Revenue up on the Vandelay renewal.

## 2. Where do you need help?

<!-- manager-only -->
Deals, resources, people to reach inside the company.
<!-- /manager-only -->

## 3. Most important upcoming calls

| Call | What a good outcome looks like | Joint call? |
| --- | --- | --- |
|  |  |  |

## Review: commitments carried forward

<!-- manager-only -->
- [x] Send the Vandelay renewal quote (rep, due 2026-11-13, since 2026-11-09) [id:: vandelay-quote]
- [ ] Prepare the Globex QBR deck (rep, due 2026-11-20, since 2026-11-09) [id:: globex-deck]
- [-] Call the Initech buyer (rep, due 2026-11-12, 4 days overdue, since 2026-11-09) **On the agenda 2 times: time to escalate.** [reason:: they chose a competitor] [id:: initech-call]
- [ ] Book the joint call with Globex (manager, due 2026-11-14, since 2026-11-09) [id:: globex-joint]
<!-- /manager-only -->

## New commitments (homework)

- [ ] Book two prospecting blocks due: 2026-11-30
  - [ ] Tuesday morning
- [ ] Send the pricing sheet for the renewal [owner:: manager] due: 2026-11-27

## Private

- [ ] Talk to HR about Ann's leave
"""


def _week2(notebook, text=WEEK2):
    write(notebook / "ann" / "2026-11-09.md", WEEK1)
    return write(notebook / "ann" / "2026-11-16.md", text)


def _share(cli, notebook, path="ann/2026-11-16.md"):
    result = cli("--notebook", notebook, "share", path)
    assert result.exit_code == 0, result.stderr
    return result


def test_what_we_agreed_lists_every_commitment_once_with_its_due_date_and_where_it_stands(cli, notebook):
    _week2(notebook)
    out = _share(cli, notebook).stdout
    agreed = out[out.index("## What we agreed"):out.index("---\n")]
    assert agreed == (
        "## What we agreed\n\n"
        "### Your commitments\n\n"
        "- [x] Send the Vandelay renewal quote (done)\n"
        "- [ ] Prepare the Globex QBR deck (due 2026-11-20, agreed 2026-11-09)\n"
        "- ~~Call the Initech buyer~~ (dropped: they chose a competitor)\n"
        "- [ ] Book two prospecting blocks (due 2026-11-30, new)\n"
        "- [ ] Book two prospecting blocks › Tuesday morning (new)\n\n"
        "### Sam Rivera's commitments\n\n"
        "- [ ] Book the joint call with Globex (due 2026-11-14, agreed 2026-11-09)\n"
        "- [ ] Send the pricing sheet for the renewal (due 2026-11-27, new)\n\n")


def test_the_copy_holds_no_script_no_ids_no_paths_no_escalation_and_each_commitment_once(cli, notebook):
    _week2(notebook)
    result = _share(cli, notebook)
    out = result.stdout
    for script in ("Previous one-on-one", "ann/2026-11-09.md", "ask and listen", "18,000", "Deals, resources",
                   "[id::", "vandelay-quote", "escalate", "overdue", "since 2026", "HR"):
        assert script not in out, script
    for commitment in ("Send the Vandelay renewal quote", "Book two prospecting blocks (",
                       "Send the pricing sheet for the renewal"):
        assert out.count(commitment) == 1, commitment
    assert "left out: 1 private part, 4 manager-only parts" in result.stderr


def test_the_body_keeps_the_managers_notes_and_drops_what_is_left_empty(cli, notebook):
    _week2(notebook)
    out = _share(cli, notebook).stdout
    body = out[out.index("---\n") + 4:]
    # Headings over nothing but the script, a blank table or listed tasks go; notes stay.
    assert body == "\n## 1. Where are we against goal?\n\nRevenue up on the Vandelay renewal.\n"


def test_the_numbers_are_this_notes_actuals_against_goal_once(cli, notebook):
    _week2(notebook)
    out = _share(cli, notebook).stdout
    assert "| Revenue | 21,000 USD | 25,000 USD |" in out
    assert "Sales calls" not in out  # no actual: no row
    _week2(notebook, WEEK2.replace("actual: 21000", "actual: null"))
    out = _share(cli, notebook).stdout
    assert "## Numbers" not in out and "| KPI |" not in out  # an agenda before the meeting


def test_ticking_a_review_item_inside_a_manager_only_part_closes_the_commitment(cli, notebook):
    _week2(notebook)
    rows = json.loads(cli("--notebook", notebook, "followups", "--format", "json", "--today", TODAY).stdout)
    open_ids = {r["id"] for r in rows}
    assert {"globex-deck", "globex-joint"} <= open_ids
    assert not {"vandelay-quote", "initech-call"} & open_ids
    assert all(not r["private"] for r in rows if r["id"] != "globex-deck" and "HR" not in r["text"])
    assert cli("--notebook", notebook, "new", "ann", "--date", TODAY).exit_code == 0
    carried = (notebook / "ann" / f"{TODAY}.md").read_text(encoding="utf-8")
    assert "id: globex-deck" in carried and "id: vandelay-quote" not in carried


def test_a_task_with_a_note_under_it_or_over_two_lines_stays_in_the_body(cli, notebook):
    _week2(notebook, WEEK2.replace("## Private\n", "- [ ] Draft the Globex agenda due: 2026-11-25\n"
                                   "  - Keep it to three slides\n"
                                   "- [ ] Ask Dana about the Initech account,\n"
                                   "  she knows their new buyer\n\n## Private\n"))
    out = _share(cli, notebook).stdout
    body = out[out.index("---\n"):]
    assert ("## New commitments (homework)\n\n- [ ] Draft the Globex agenda due: 2026-11-25\n"
            "  - Keep it to three slides\n- [ ] Ask Dana about the Initech account,\n"
            "  she knows their new buyer\n") in body
    assert "- [ ] Book two prospecting blocks" not in body  # listed ones still go
    assert "- [ ] Draft the Globex agenda (due 2026-11-25, new)" in out  # and all are listed


def test_a_heading_with_a_sub_heading_that_holds_notes_stays(cli, notebook):
    _week2(notebook, WEEK2.replace("## 2. Where do you need help?\n",
                                   "## 2. Where do you need help?\n\n### Globex\n\nNeeds a reference customer.\n"))
    body = _share(cli, notebook).stdout.split("\n---\n", 1)[1]
    assert "## 2. Where do you need help?\n\n### Globex\n\nNeeds a reference customer.\n" in body


def test_dropping_an_empty_heading_keeps_what_stays_apart_and_code_as_written(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text(body=(
        "Opening words.\n## Script\n<!-- manager-only -->\nAsk about X.\n<!-- /manager-only -->\n"
        "Next heading\n============\n\n```\nline one\n\n\nline two\n```\n\n"
        "## Calls\n\n| Call | Outcome |\n| --- | --- |\n|  |  |\n\nJoint call on Friday.\n")))
    body = _share(cli, notebook).stdout.split("\n---\n", 1)[1]
    assert body == ("\nOpening words.\n\nNext heading\n============\n\n```\nline one\n\n\nline two\n```\n\n"
                    "## Calls\n\nJoint call on Friday.\n")


def test_broken_manager_only_markup_is_refused_and_check_warns(cli, notebook, tmp_path):
    _week2(notebook, WEEK2.replace("<!-- /manager-only -->\n\nRevenue up", "\nRevenue up"))
    out = tmp_path / "copy.md"
    result = cli("--notebook", notebook, "share", "ann/2026-11-16.md", "--out", out)
    assert result.exit_code == 1 and result.stdout == "" and not out.exists()
    assert "ann/2026-11-16.md:24: '<!-- manager-only -->' is never closed" in result.stderr
    check = json.loads(cli("--notebook", notebook, "check", "--format", "json").stdout)["problems"]
    assert [p["line"] for p in check if p["code"] == "private-markup"] == [24]
    # Not privacy: the commitments are as shared as before.
    rows = json.loads(cli("--notebook", notebook, "followups", "--format", "json", "--today", TODAY).stdout)
    assert [r["text"] for r in rows if r["private"]] == ["Talk to HR about Ann's leave"]


def test_a_private_heading_that_only_removing_a_manager_only_part_makes_is_refused(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text(
        body="Notes.\n\n<!-- manager-only -->x<!-- /manager-only -->## Private\n- [ ] Ask HR about her leave\n"))
    result = cli("--notebook", notebook, "share", "ann/2026-11-16.md")
    assert result.exit_code == 1 and "HR" not in result.stdout
    assert "a private part appears only once the parts share leaves out are removed" in result.stderr


# ----------------------------------------------------- golden shared copy ---

GOLDEN = Path(__file__).parent.parent / "golden" / "share-agenda-bob-okafor-2026-11-23.md"
GOLDEN_HTML = GOLDEN.with_suffix(".html")


def _filled_agenda(root: Path, cli) -> Path:
    """Bob's agenda of 2026-11-23 as `onenotes new` writes it, then filled in the way a
    manager does in the meeting: this week's figures, review items ticked, homework typed
    in, notes with a private aside and a reminder of the manager's own."""
    assert cli("--notebook", root, "new", "bob", "--date", TODAY, "--today", TODAY).exit_code == 0
    path = root / "bob-okafor" / f"{TODAY}.md"
    text = path.read_text(encoding="utf-8")
    for kpi, actual in (("revenue", 23100), ("new_accounts", 2), ("sales_calls", 38),
                        ("new_opportunities", 5)):
        text, n = re.subn(rf"^(  {kpi}: \{{goal: [^,]+, actual: )null\}}$", rf"\g<1>{actual}}}", text, flags=re.M)
        assert n == 1, kpi
    for cid, box in (("bob-daily-call-count", "x"), ("9b211691", "-"), ("a01e1823", "x")):
        text, n = re.subn(rf"^- \[ \] (.*\[id:: {cid}\])$", rf"- [{box}] \1", text, flags=re.M)
        assert n == 1, cid
    text = text.rstrip("\n") + """

- [ ] Book two 90-minute prospecting blocks due: 2026-11-30
- [ ] Send Bob the freight pricing sheet [owner:: manager] due: 2026-11-27

## Notes

Revenue at 23,100: the Vandelay proposal is signed. The freight list is at 42 of 50 names.
<!-- private -->He looked tired; ask about the house move next week.<!-- /private -->
<!-- manager-only -->Push for the Umbrella demo date before December.<!-- /manager-only -->
"""
    path.write_text(text, encoding="utf-8")
    return path


def test_shared_copy_of_a_filled_in_agenda_matches_the_reviewed_golden_files(cli, tmp_path):
    root = tmp_path / "acme-sales"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".onenotes"))
    _filled_agenda(root, cli)
    markdown = _share(cli, root, f"bob-okafor/{TODAY}.md").stdout
    page = cli("--notebook", root, "share", f"bob-okafor/{TODAY}.md", "--format", "html").stdout
    if os.environ.get("ONENOTES_UPDATE_GOLDEN"):
        GOLDEN.write_text(markdown, encoding="utf-8")
        GOLDEN_HTML.write_text(page, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8")
    assert page == GOLDEN_HTML.read_text(encoding="utf-8")
    # The agenda's script goes: its guidance, the diagnosis and questions, paths, last week's table.
    for left_out in ("house move", "Umbrella demo date before", "[id::", "escalate", "bob-okafor/",
                     "What the numbers say", "Ask this week", "Last figure", "last 26", "The rep presents"):
        assert left_out not in markdown, left_out
    assert "- [ ] Book two 90-minute prospecting blocks (due 2026-11-30, new)" in markdown
    assert "- [x] Send Sam the day's call count by 5 pm (done)" in markdown
