"""Crash safety and races: `onenotes new` killed at random moments, racing itself, read while it writes.

The loops live in tests/support/crashkit.py (shared with tests/support/reliability_figures.py,
which runs them at larger sizes); here they run small enough for every CI run.
They assert outcomes only, never how long anything took.
"""

from __future__ import annotations

import datetime as dt

import pytest

from support import crashkit
from conftest import TODAY
from onenotes.changes import new
from onenotes.errors import NoteExistsError
from onenotes.changes.new import create_note
from onenotes.reading.layout import scan
from onenotes.reading.notebook import load_notebook


def _zeros(figures: dict, loop: str) -> dict:
    """The figures of ``loop`` that must be zero and are not."""
    return {k: figures[k] for k in crashkit.MUST_BE_ZERO[loop] if figures[k]}


def test_new_killed_at_random_moments_never_leaves_a_partial_note_and_the_next_run_works(tmp_path):
    figures = crashkit.kill_loop(30, tmp_path, seed=4)
    assert _zeros(figures, "kill_loop") == {}, figures["problems"]
    # The loop did kill runs part-way (not only finished ones).
    assert figures["killed_mid_run"] > 0, figures


def test_twenty_concurrent_new_for_one_rep_and_date_write_exactly_one_note(tmp_path):
    figures = crashkit.race_new(20, tmp_path)
    assert _zeros(figures, "race_new") == {}, figures["problems"]
    assert (figures["winners"], figures["clear_errors"], figures["notes_created"]) == (1, 19, 1)


def test_concurrent_new_another_each_write_their_own_numbered_note(tmp_path):
    figures = crashkit.race_new(10, tmp_path, another=True)
    assert _zeros(figures, "race_new") == {}, figures["problems"]
    assert (figures["winners"], figures["notes_created"]) == (10, 10)


def test_readers_never_see_half_a_note_while_notes_are_written(tmp_path):
    figures = crashkit.readers_during_writes(tmp_path, seconds=3)
    assert _zeros(figures, "readers_during_writes") == {}, figures["problems"]
    assert figures["reads"] > 0 and figures["note_reads"] > 0 and figures["notes_written"] > 0, figures


# ------------------------------------------------- fast, deterministic cases ---

def test_another_takes_the_next_number_when_a_racer_took_its_name(acme, monkeypatch):
    (acme / "bob-okafor" / "2026-11-23.md").write_text("---\nrep: bob-okafor\ndate: 2026-11-23\n---\n")
    real = new.write_new_file
    tried = []

    def racer_wins_first(folder, name, text, **where):
        tried.append(name)
        if len(tried) == 1:  # another process links this name between our look and our link
            (folder / name).write_text("theirs", encoding="utf-8")
            raise FileExistsError(17, "File exists", str(folder / name))
        return real(folder, name, text, **where)

    monkeypatch.setattr(new, "write_new_file", racer_wins_first)
    book = load_notebook(acme)
    result = create_note(book, "bob", today=dt.date(2026, 11, 23), date=dt.date(2026, 11, 23), another=True)
    assert tried == ["2026-11-23-2.md", "2026-11-23-3.md"]
    assert result.rel == "bob-okafor/2026-11-23-3.md"
    assert result.path.read_text(encoding="utf-8") == result.text
    assert (acme / "bob-okafor" / "2026-11-23-2.md").read_text(encoding="utf-8") == "theirs"


def test_without_another_a_racer_taking_the_name_is_a_clear_refusal(acme, monkeypatch):
    def racer_wins(folder, name, text, **where):
        raise FileExistsError(17, "File exists", str(folder / name))

    monkeypatch.setattr(new, "write_new_file", racer_wins)
    book = load_notebook(acme)
    with pytest.raises(NoteExistsError, match="2026-11-23.md already exists"):
        create_note(book, "bob", today=dt.date(2026, 11, 23), date=dt.date(2026, 11, 23))


def test_a_left_over_temporary_file_is_not_a_note_for_any_command(acme, cli):
    folder = acme / "bob-okafor"
    whole = (folder / "2026-11-16.md").read_bytes()
    # What a write killed before its link leaves: half a note under a hidden name.
    tmp = folder / ".2026-11-23.md.0123456789ab.tmp"
    tmp.write_bytes(whole[: len(whole) // 2])
    found = scan(acme)
    assert [rel for rel in found.notes + found.other_md if ".tmp" in rel] == []
    with_tmp = [cli("--notebook", acme, *args) for args in crashkit.READ_COMMANDS]
    tmp.unlink()
    without = [cli("--notebook", acme, *args) for args in crashkit.READ_COMMANDS]
    for args, got, want in zip(crashkit.READ_COMMANDS, with_tmp, without):
        assert got.exit_code == 0, (args, got.stderr)
        assert (got.stdout, got.stderr) == (want.stdout, want.stderr), args
    tmp.write_bytes(whole[: len(whole) // 2])
    created = cli("--notebook", acme, "new", "bob", "--date", "2026-11-23", "--today", TODAY)
    assert created.exit_code == 0, created.stderr
    assert (folder / "2026-11-23.md").read_text(encoding="utf-8").startswith("---\nrep: bob-okafor\n")
