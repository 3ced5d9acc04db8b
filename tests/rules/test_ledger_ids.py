"""Ids that survive editors, and the commitments carried before the words-only rule.

A body task's derived id depends on its words only (tests/reading/test_task_fields.py).
Notes written before that rule carried such a task under the id its whole text
gave then; the ledger still takes the task and those later mentions for one
commitment, so upgrading never forks a promise in two.
"""

from __future__ import annotations

import json

from conftest import note_text, write
from onenotes.rules.commitments import build_ledger
from onenotes.reading.notebook import load_notebook

# A task as Obsidian Tasks writes it, and the id onenotes derived for it before the
# words-only rule (from its text with the priority, the scheduled date and the block id).
OLD_TASK = "- [ ] Send the deck to Globex \u23eb \u23f3 2026-11-18 \U0001F4C5 2026-11-20 ^deck\n"
OLD_ID = "c82ecebb"


def test_a_task_carried_under_its_former_id_is_still_one_commitment(cli, notebook):
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", body=OLD_TASK))
    write(notebook / "ann" / "2026-11-16.md", note_text(date="2026-11-16", commitments=(
        f"  - id: {OLD_ID}\n    text: Send the deck to Globex \u23eb \u23f3 2026-11-18 ^deck\n"
        "    due: 2026-11-20\n    status: open\n    since: 2026-11-09\n")))
    [entry] = build_ledger(load_notebook(notebook).notes)
    assert (entry.id, entry.status, len(entry.mentions)) == (OLD_ID, "open", 2)
    rows = json.loads(cli("--notebook", notebook, "followups", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [OLD_ID]


def test_closing_the_carried_one_closes_the_task_it_was_made_from(cli, notebook):
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", body=OLD_TASK))
    write(notebook / "ann" / "2026-11-16.md", note_text(date="2026-11-16", commitments=(
        f"  - id: {OLD_ID}\n    text: Send the deck\n    status: done\n")))
    [entry] = build_ledger(load_notebook(notebook).notes)
    assert (entry.id, entry.status) == (OLD_ID, "done")


def test_a_task_never_carried_keeps_its_new_id(notebook):
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", body=OLD_TASK))
    [entry] = build_ledger(load_notebook(notebook).notes)
    assert entry.id != OLD_ID and entry.text == "Send the deck to Globex"


def test_the_new_id_once_carried_wins(notebook):
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", body=OLD_TASK))
    [first] = build_ledger(load_notebook(notebook).notes)
    write(notebook / "ann" / "2026-11-16.md", note_text(date="2026-11-16", commitments=(
        f"  - id: {first.id}\n    text: Send the deck to Globex\n")))
    [entry] = build_ledger(load_notebook(notebook).notes)
    assert entry.id == first.id and len(entry.mentions) == 2
