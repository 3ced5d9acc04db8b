"""Accountability that is fair to the rep (issue 16, part 1).

A commitment closed at a meeting without a done date was done some time after
the previous meeting where it was open and by this one: on time when due on or
after this meeting, late when already overdue at that previous meeting, and
otherwise done on a date unknown, never late (Entry.timeliness).  A rep's row
counts the rep's own commitments only (``--owner manager``: the manager's to the
rep), and its counts add up to MADE.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TODAY, examples, note_text, write
from onenotes.rules.accountability import RepAccountability, rep_accountability
from onenotes.rules.commitments import Entry, build_ledger
from onenotes.reading.note import Mention

D = dt.date


def closed(due, closed_on, *, exact=False, last_open_on=None, status="done") -> Entry:
    return Entry("c", "ann", "Call", "rep", status, due, None, D(2026, 11, 2), "ann/2026-11-16.md", 5,
                 closed_in="ann/2026-11-16.md", closed_on=closed_on, closed_on_exact=exact,
                 last_open_on=last_open_on)


@pytest.mark.parametrize("entry, expected", [
    # Closed at the 11-16 meeting, open at the 11-09 one.
    (closed(D(2026, 11, 20), D(2026, 11, 16), last_open_on=D(2026, 11, 9)), "on_time"),  # due after the meeting
    (closed(D(2026, 11, 16), D(2026, 11, 16), last_open_on=D(2026, 11, 9)), "on_time"),  # due that day
    (closed(D(2026, 11, 5), D(2026, 11, 16), last_open_on=D(2026, 11, 9)), "late"),  # overdue on 11-09 already
    (closed(D(2026, 11, 12), D(2026, 11, 16), last_open_on=D(2026, 11, 9)), "unknown"),  # due in between
    (closed(D(2026, 11, 9), D(2026, 11, 16), last_open_on=D(2026, 11, 9)), "unknown"),  # due on 11-09: not overdue
    # Made and closed in one note.
    (closed(D(2026, 11, 16), D(2026, 11, 16)), "on_time"),
    (closed(D(2026, 11, 10), D(2026, 11, 16)), "unknown"),
    # An exact date says it all.
    (closed(D(2026, 11, 12), D(2026, 11, 12), exact=True, last_open_on=D(2026, 11, 9)), "on_time"),
    (closed(D(2026, 11, 12), D(2026, 11, 13), exact=True, last_open_on=D(2026, 11, 9)), "late"),
    (closed(D(2026, 11, 20), D(2026, 11, 21), exact=True), "late"),
    # Not judged at all.
    (closed(None, D(2026, 11, 16)), None),
    (closed(D(2026, 11, 5), D(2026, 11, 16), status="dropped", last_open_on=D(2026, 11, 9)), None),
    (closed(D(2026, 11, 5), None, status="open"), None),
])
def test_timeliness_follows_the_rule_for_closes_at_a_meeting_and_exact_dates(entry, expected):
    assert entry.timeliness() == expected


def _commitment_notes(root):
    write(root / "ann" / "2026-11-02.md", note_text(date="2026-11-02", commitments=(
        "  - {id: after, text: Due after the meeting, due: 2026-11-20}\n"
        "  - {id: overdue, text: Overdue a week ago, due: 2026-11-05}\n"
        "  - {id: between, text: Due between the meetings, due: 2026-11-12}\n"
        "  - {id: skipped, text: Not mentioned on 11-09, due: 2026-11-05}\n"
        "  - {id: exact, text: Done on a date given, due: 2026-11-12}\n")))
    write(root / "ann" / "2026-11-09.md", note_text(date="2026-11-09", commitments=(
        "  - {id: after, text: Due after the meeting, due: 2026-11-20}\n"
        "  - {id: overdue, text: Overdue a week ago, due: 2026-11-05}\n"
        "  - {id: between, text: Due between the meetings, due: 2026-11-12}\n"
        "  - {id: exact, text: Done on a date given, due: 2026-11-12}\n")))
    write(root / "ann" / "2026-11-16.md", note_text(date="2026-11-16", commitments=(
        "  - {id: after, text: Due after the meeting, due: 2026-11-20, status: done}\n"
        "  - {id: overdue, text: Overdue a week ago, due: 2026-11-05, status: done}\n"
        "  - {id: between, text: Due between the meetings, due: 2026-11-12, status: done}\n"
        "  - {id: skipped, text: Not mentioned on 11-09, due: 2026-11-05, status: done}\n"
        "  - {id: exact, text: Done on a date given, due: 2026-11-12, status: done, done_on: 2026-11-13}\n"
        "  - {id: same, text: Made and closed here, due: 2026-11-10, status: done}\n"
        "  - {id: mine, text: The manager's, owner: manager, due: 2026-11-05, status: done}\n"),
        body="- [x] Ticked with its date 📅 2026-11-12 ✅ 2026-11-11\n"))


def test_commitments_say_how_each_close_is_judged(cli, notebook):
    _commitment_notes(notebook)
    result = cli("--notebook", notebook, "commitments", "--status", "done", "--format", "json", "--today", TODAY)
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    got = {cid: (r["timeliness"], r["kept_on_time"], r["closed_on"], r["closed_on_exact"]) for cid, r in rows.items()}
    ticked = next(cid for cid in rows if rows[cid]["text"] == "Ticked with its date")
    assert got == {
        "after": ("on_time", True, "2026-11-16", False),
        "overdue": ("late", False, "2026-11-16", False),  # still open, overdue, at the 11-09 meeting
        "between": ("unknown", None, "2026-11-16", False),  # done some time from 11-09 to 11-16: never late
        "skipped": ("unknown", None, "2026-11-16", False),  # 11-09 does not mention it: 11-02 is the one before
        "exact": ("late", False, "2026-11-13", True),
        "same": ("unknown", None, "2026-11-16", False),
        "mine": ("unknown", None, "2026-11-16", False),
        ticked: ("on_time", True, "2026-11-11", True),
    }
    table = cli("--notebook", notebook, "commitments", "--status", "done", "--today", TODAY).stdout
    assert "date unknown" in next(line for line in table.splitlines() if "Due between the meetings" in line)


def test_the_rep_s_row_counts_the_rep_s_commitments_and_the_manager_s_is_its_own(cli, notebook):
    _commitment_notes(notebook)
    run = lambda *a: json.loads(cli("--notebook", notebook, "accountability", *a, "--format", "json",
                                    "--today", TODAY).stdout)
    [rep] = run()
    assert rep == {"rep": "ann", "owner": "rep", "made": 7, "kept_on_time": 2, "kept_late": 2,
                   "done_date_unknown": 3, "done_without_due": 0, "dropped": 0, "open": 0, "open_overdue": 0,
                   "escalate": 0, "kept_on_time_rate": 0.5}
    assert run("--owner", "rep") == [rep]
    [manager] = run("--owner", "manager")
    assert (manager["owner"], manager["made"], manager["done_date_unknown"], manager["kept_on_time_rate"]) == \
        ("manager", 1, 1, None)


def test_the_table_shows_every_count_a_row_is_made_of(cli, example_notebook):
    for owner in ("rep", "manager"):
        result = cli("--notebook", example_notebook, "accountability", "--owner", owner, "--format", "markdown",
                     "--today", TODAY)
        header, _, *lines = result.stdout.splitlines()
        names = [h.strip() for h in header.strip("|").split("|")]
        assert names == ["REP", "OWNER", "MADE", "ON TIME", "LATE", "DATE UNKNOWN", "DONE, NO DUE", "DROPPED",
                         "OPEN", "OVERDUE", "ESCALATE", "ON-TIME RATE"]
        assert len(lines) == 3
        for line in lines:
            row = dict(zip(names, (c.strip() for c in line.strip("|").split("|"))))
            parts = ("ON TIME", "LATE", "DATE UNKNOWN", "DONE, NO DUE", "DROPPED", "OPEN")
            assert sum(int(row[p]) for p in parts) == int(row["MADE"]), row
            assert int(row["OVERDUE"]) <= int(row["OPEN"]) and int(row["ESCALATE"]) <= int(row["OPEN"])
            assert row["OWNER"] == owner


class FakeNote:
    def __init__(self, rep, date, path, mentions):
        self.rep, self.date, self.seq, self.path, self.mentions = rep, date, 1, path, mentions

    @property
    def sort_key(self):
        return (self.date, self.seq, self.path)


DAYS = st.integers(0, 30).map(lambda n: D(2026, 11, 1) + dt.timedelta(days=n))
MENTION = st.builds(Mention, id=st.sampled_from("abcdef"), text=st.just("Call"),
                    owner=st.sampled_from(["rep", "manager"]), status=st.sampled_from(["open", "done", "dropped"]),
                    due=st.none() | DAYS, due_raw=st.none(), since=st.none(), line=st.integers(1, 9),
                    origin=st.just("frontmatter"), done_on=st.none() | DAYS)


@st.composite
def notebooks(draw):
    dates = draw(st.lists(DAYS, unique=True, max_size=6))
    return [FakeNote("ann", d, f"ann/{d}.md", draw(st.lists(MENTION, max_size=5))) for d in dates]


@given(notebooks(), st.sampled_from(["rep", "manager"]), DAYS)
@settings(max_examples=examples(300))
def test_the_counts_of_a_row_add_up_to_made(notes, owner, today):
    entries = [e for e in build_ledger(notes) if e.owner == owner]
    row = rep_accountability("ann", owner, entries, today, escalate_after=1)
    assert sum(row.parts().values()) == row.made == len(entries)
    assert set(row.parts()) == set(RepAccountability.PARTS)
    assert row.open_overdue <= row.open and row.escalate <= row.open
    judged = row.kept_on_time + row.kept_late
    assert row.kept_on_time_rate == (round(row.kept_on_time / judged, 4) if judged else None)


@given(notebooks())
@settings(max_examples=examples(300))
def test_a_close_at_a_meeting_is_judged_by_the_notes_around_it(notes):
    """Said of the notes themselves: closed in a note without a date, a commitment is on
    time when due on or after that note's date, late when an earlier note listed it
    (open) after its due date, and of unknown date otherwise."""
    for e in build_ledger(notes):
        if e.status != "done" or e.due is None:
            assert e.timeliness() is None
            continue
        closing = next(n for n in notes if n.path == e.closed_in)
        stated = [m.done_on for m in sorted(closing.mentions, key=lambda m: m.line)
                  if m.id == e.id and m.status != "open"][0]
        if stated is not None:
            expected = "on_time" if stated <= e.due else "late"
        elif e.due >= closing.date:
            expected = "on_time"
        elif any(n.date < closing.date and e.due < n.date and any(m.id == e.id for m in n.mentions)
                 for n in notes):
            expected = "late"
        else:
            expected = "unknown"
        assert e.timeliness() == expected


def test_the_meeting_before_is_an_earlier_note_not_an_open_line_of_the_closing_one(notebook):
    """A ticked review item closes what the note's frontmatter still lists open: that open
    line is not "the previous meeting"."""
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", commitments=(
        "  - {id: a, text: Call Initech, due: 2026-11-12}\n")))
    write(notebook / "ann" / "2026-11-16.md", note_text(date="2026-11-16", commitments=(
        "  - {id: a, text: Call Initech, due: 2026-11-12}\n"), body="- [x] Call Initech [id:: a]\n"))
    from onenotes.reading.notebook import load_notebook

    [entry] = build_ledger(load_notebook(notebook).notes)
    assert (entry.status, entry.closed_on, entry.last_open_on) == ("done", D(2026, 11, 16), D(2026, 11, 9))
    assert entry.timeliness() == "unknown"


# ------------------------------------------------------ onenotes done ---

BOB = "bob-okafor/2026-11-16.md"


def _entry(root, cid):
    from onenotes.reading.notebook import load_notebook

    return next(e for e in build_ledger(load_notebook(root).notes) if e.id == cid)


def test_done_on_the_meeting_s_day_closes_it_at_the_meeting_like_a_ticked_box(cli, acme):
    result = cli("--notebook", acme, "done", "bob-freight", "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert "done_on" not in (acme / BOB).read_text()
    entry = _entry(acme, "bob-freight-prospect-list")  # due 2026-11-20, after the meeting
    assert (entry.closed_on, entry.closed_on_exact, entry.timeliness()) == (D(2026, 11, 16), False, "on_time")


def test_a_date_given_to_done_is_written_even_when_it_is_the_meeting_s(cli, acme):
    """Bob finished it on the day of the meeting, after its due date: --date says so."""
    write(acme / BOB, (acme / BOB).read_text().replace("due: 2026-11-20", "due: 2026-11-13", 1))
    result = cli("--notebook", acme, "done", "bob-freight", "--date", "2026-11-16", "--today", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert "    status: done\n    done_on: 2026-11-16\n" in (acme / BOB).read_text()
    entry = _entry(acme, "bob-freight-prospect-list")
    assert (entry.closed_on, entry.closed_on_exact, entry.timeliness()) == (D(2026, 11, 16), True, "late")


def test_done_copies_a_review_item_s_date_into_the_frontmatter_even_the_meeting_s(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md",
          note_text(commitments="  - {id: a, text: Call Initech, due: 2026-11-12}\n",
                    body="- [x] Call Initech [id:: a] ✅ 2026-11-16\n"))
    assert _entry(notebook, "a").closed_on_exact
    result = cli("--notebook", notebook, "done", "a", "--today", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert "status: done, done_on: 2026-11-16" in (notebook / "ann" / "2026-11-16.md").read_text()
    entry = _entry(notebook, "a")
    assert (entry.closed_on, entry.closed_on_exact, entry.timeliness()) == (D(2026, 11, 16), True, "late")
