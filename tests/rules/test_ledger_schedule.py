"""The commitment ledger (core) and the next-meeting schedule."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onenotes.rules.config import Cadence, parse_cadence
from onenotes.rules.commitments import build_ledger, followups_order
from onenotes.reading.note import parse_note
from onenotes.rules.schedule import next_meeting

from conftest import examples, note_text

D = dt.date
MONDAY = 0


def mk(rep, date, commitments):
    return parse_note(note_text(rep=rep, date=date, commitments=commitments),
                      f"{rep}/{date}.md", rep, D.fromisoformat(date))


def c(cid, text, due=None, status=None, owner=None):
    out = f"  - id: {cid}\n    text: {text}\n"
    if due:
        out += f"    due: {due}\n"
    if status:
        out += f"    status: {status}\n"
    if owner:
        out += f"    owner: {owner}\n"
    return out


def carried_notes():
    return [
        mk("ann", "2026-11-02", c("deck", "Send deck", due="2026-11-06")),
        mk("ann", "2026-11-09", c("deck", "Send the pricing deck", due="2026-11-13", owner="manager")),
        mk("ann", "2026-11-16", c("deck", "Send the pricing deck v2", due="2026-11-20")),
    ]


def _snapshot(entries):
    return [(e.rep, e.id, e.text, e.owner, e.status, e.due, e.since, e.source, e.line,
             e.closed_in, sorted(e.mentions)) for e in entries]


# --- ledger -----------------------------------------------------------------

def test_ledger_same_commitment_in_several_notes_is_one_entry():
    entries = build_ledger(carried_notes())
    assert len(entries) == 1
    assert len(entries[0].mentions) == 3


def test_ledger_text_due_owner_from_latest_note_since_earliest():
    notes = carried_notes()
    notes[2] = mk("ann", "2026-11-16", c("deck", "Send the pricing deck v2", due="2026-11-20",
                                          owner="manager"))
    (entry,) = build_ledger(notes)
    assert entry.text == "Send the pricing deck v2"
    assert entry.due == D(2026, 11, 20)
    assert entry.owner == "manager"
    assert entry.since == D(2026, 11, 2)
    assert entry.source == "ann/2026-11-16.md"
    assert entry.status == "open"
    assert entry.closed_in is None


def test_ledger_owner_reverts_with_latest_note():
    (entry,) = build_ledger(carried_notes())
    assert entry.owner == "rep"  # the 11-16 note says nothing: default rep


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_ledger_closed_when_any_note_marks_done_or_dropped(status):
    notes = [
        mk("ann", "2026-11-02", c("deck", "Send deck")),
        mk("ann", "2026-11-09", c("deck", "Send deck", status=status)),
        mk("ann", "2026-11-16", c("other", "Call Bob")),
    ]
    entries = {e.id: e for e in build_ledger(notes)}
    assert entries["deck"].status == status
    assert entries["deck"].closed_in == "ann/2026-11-09.md"
    assert entries["other"].status == "open"


def test_ledger_stays_closed_if_later_note_lists_it_open():
    notes = [
        mk("ann", "2026-11-02", c("deck", "Send deck")),
        mk("ann", "2026-11-09", c("deck", "Send deck", status="done")),
        mk("ann", "2026-11-16", c("deck", "Send deck")),
    ]
    (entry,) = build_ledger(notes)
    assert entry.status == "done"
    assert entry.closed_in == "ann/2026-11-09.md"


def _mixed_notes():
    return [
        mk("ann", "2026-11-02", c("deck", "Send deck", due="2026-11-06") + c("call", "Call Bob")),
        mk("ann", "2026-11-09", c("deck", "Send deck v2", due="2026-11-13", status="done")),
        mk("ann", "2026-11-16", c("call", "Call Bob again", due="2026-11-20")),
        mk("bob", "2026-11-03", c("deck", "Bob's deck", due="2026-11-05")),
        mk("bob", "2026-11-10", c("deck", "Bob's deck final") + c("quote", "Quote Initech",
                                                                      status="dropped")),
    ]


@pytest.mark.parametrize("seed", range(8))
def test_ledger_identical_when_notes_shuffled_seeded(seed):
    notes = _mixed_notes()
    expected = _snapshot(build_ledger(notes))
    shuffled = list(notes)
    random.Random(seed).shuffle(shuffled)
    assert _snapshot(build_ledger(shuffled)) == expected


@settings(max_examples=examples(50), deadline=None)
@given(st.permutations(range(5)))
def test_ledger_identical_for_any_note_order(order):
    notes = _mixed_notes()
    assert _snapshot(build_ledger([notes[i] for i in order])) == _snapshot(build_ledger(notes))


def test_ledger_two_reps_same_id_are_separate_entries():
    entries = build_ledger(_mixed_notes())
    decks = {e.rep: e for e in entries if e.id == "deck"}
    assert set(decks) == {"ann", "bob"}
    assert decks["ann"].status == "done"
    assert decks["bob"].status == "open"
    assert decks["bob"].text == "Bob's deck final"
    assert decks["bob"].due is None


def test_followups_order_by_due_undated_last_then_rep():
    notes = [
        mk("bob", "2026-11-02", c("b1", "B late", due="2026-11-20") + c("b2", "B undated")
           + c("b3", "B same day", due="2026-11-10")),
        mk("ann", "2026-11-02", c("a1", "A undated") + c("a2", "A same day", due="2026-11-10")
           + c("a3", "A early", due="2026-11-05")),
    ]
    order = [(e.rep, e.id) for e in followups_order(build_ledger(notes))]
    assert order == [("ann", "a3"), ("ann", "a2"), ("bob", "b3"), ("bob", "b1"),
                     ("ann", "a1"), ("bob", "b2")]


# --- schedule ---------------------------------------------------------------

WEEKLY = parse_cadence("weekly")


def test_next_meeting_weekly_monday_after_monday():
    assert next_meeting(D(2026, 11, 16), D(2026, 11, 16), WEEKLY, MONDAY) == D(2026, 11, 23)
    assert next_meeting(D(2026, 11, 16), D(2026, 11, 18), WEEKLY, MONDAY) == D(2026, 11, 23)


def test_next_meeting_after_rescheduled_tuesday_snaps_back_to_monday():
    assert next_meeting(D(2026, 11, 3), D(2026, 11, 4), WEEKLY, MONDAY) == D(2026, 11, 9)


def test_next_meeting_today_far_after_is_first_meeting_day_on_or_after_today():
    assert next_meeting(D(2026, 11, 2), D(2026, 12, 10), WEEKLY, MONDAY) == D(2026, 12, 14)
    assert next_meeting(D(2026, 11, 2), D(2026, 12, 14), WEEKLY, MONDAY) == D(2026, 12, 14)


def test_next_meeting_without_previous_meeting():
    assert next_meeting(None, D(2026, 11, 23), WEEKLY, MONDAY) == D(2026, 11, 23)
    assert next_meeting(None, D(2026, 11, 25), WEEKLY, MONDAY) == D(2026, 11, 30)
    assert next_meeting(None, D(2026, 11, 25), WEEKLY, None) == D(2026, 11, 25)


def test_next_meeting_biweekly():
    cadence = parse_cadence("biweekly")
    assert cadence == Cadence("biweekly", 14)
    assert next_meeting(D(2026, 11, 2), D(2026, 11, 3), cadence, MONDAY) == D(2026, 11, 16)


def test_next_meeting_monthly_from_month_end_clamps():
    cadence = parse_cadence("monthly")
    assert cadence.monthly
    assert next_meeting(D(2026, 1, 31), D(2026, 2, 1), cadence, None) == D(2026, 2, 28)


def test_next_meeting_every_10_days_not_snapped():
    cadence = parse_cadence("every 10 days")
    assert cadence.days == 10 and not cadence.monthly
    assert next_meeting(D(2026, 11, 2), D(2026, 11, 3), cadence, MONDAY) == D(2026, 11, 12)
    assert next_meeting(D(2026, 11, 2), D(2026, 11, 3), cadence, None) == D(2026, 11, 12)


@pytest.mark.parametrize("text", ["sometimes", "every 0 days", "every 400 days", ""])
def test_parse_cadence_rejects_unknown(text):
    with pytest.raises(ValueError):
        parse_cadence(text)
