"""When a commitment is escalated: one rule, :func:`should_escalate`, for every command.

An open commitment carried to more later meetings than ``escalate_after`` is
flagged.  ``new`` writes the agenda of the next meeting, whose note carries it
once more, so it asks the rule "at the next meeting"; ``followups``,
``commitments`` and ``accountability`` ask it about the notebook as it stands.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import note_text, write
from onenotes.rules.commitments import Entry, should_escalate

MEETINGS = ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]


def carried(times: int, status: str = "open") -> Entry:
    """A commitment made at the first meeting and carried to ``times`` later ones."""
    mentions = [(f"ann/{day}.md", dt.date.fromisoformat(day), 5) for day in MEETINGS[:times + 1]]
    return Entry("a", "ann", "Send the quote", "rep", status, None, None, mentions[0][1], mentions[-1][0], 5,
                 mentions=mentions)


@pytest.mark.parametrize("times, expected", [(0, False), (1, False), (2, False), (3, True)])
def test_a_commitment_is_escalated_once_carried_more_than_escalate_after_times(times, expected):
    entry = carried(times)
    assert entry.times_carried == times
    assert should_escalate(entry, 2) is expected


@pytest.mark.parametrize("times, expected", [(0, False), (1, False), (2, True), (3, True)])
def test_at_the_next_meeting_it_counts_the_carry_that_meeting_adds(times, expected):
    assert should_escalate(carried(times), 2, at_next_meeting=True) is expected


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_a_closed_commitment_is_never_escalated(status):
    entry = carried(3, status)
    assert not should_escalate(entry, 2) and not should_escalate(entry, 2, at_next_meeting=True)


def _escalated(cli, root) -> dict[str, dict[str, bool]]:
    """What each listing command says of every open commitment: escalated or not."""
    args = ("--notebook", root)
    table = cli(*args, "followups", "--today", "2026-11-23").stdout.splitlines()[1:]  # (its JSON has no flag)
    commitments = json.loads(cli(*args, "commitments", "--today", "2026-11-23", "--format", "json").stdout)
    [ann] = json.loads(cli(*args, "accountability", "--today", "2026-11-23", "--format", "json").stdout)
    return {"followups": {line.split()[-3]: "escalate" in line for line in table},
            "commitments": {r["id"]: r["escalate"] for r in commitments},
            "accountability": ann["escalate"]}


def test_new_followups_commitments_and_accountability_agree(cli, notebook):
    """Carried escalate_after times ("at-limit"): not yet escalated, but the next meeting's
    agenda says it is, and once that note is written every listing says so too."""
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "escalate_after: 2\n", encoding="utf-8")
    made = {"over-limit": MEETINGS[0], "at-limit": MEETINGS[1], "fresh": MEETINGS[3]}
    for day in MEETINGS:
        items = "".join(f"  - {{id: {cid}, text: Promise {cid}, due: 2026-12-31}}\n"
                        for cid, since in made.items() if since <= day)
        write(notebook / "ann" / f"{day}.md", note_text(date=day, commitments=items))

    before = _escalated(cli, notebook)
    expected = {"over-limit": True, "at-limit": False, "fresh": False}
    assert before["followups"] == before["commitments"] == expected
    assert before["accountability"] == 1

    created = cli("--notebook", notebook, "new", "ann", "--today", "2026-11-23")
    assert created.exit_code == 0, created.stderr
    agenda = (notebook / "ann" / "2026-11-23.md").read_text(encoding="utf-8")
    flagged = {cid: any(f"[id:: {cid}]" in line and "time to escalate" in line for line in agenda.splitlines())
               for cid in made}
    assert flagged == {"over-limit": True, "at-limit": True, "fresh": False}

    after = _escalated(cli, notebook)  # the new note carried every one of them once more
    assert after["followups"] == after["commitments"] == flagged
    assert after["accountability"] == 2
