"""The cache of parsed notes (onenotes/reading/cache/): never wrong, only faster.

Every test here turns the cache on (the suite runs with ONENOTES_NO_CACHE=1, see
tests/conftest.py) and compares what commands print through the cache with what
they print reading every note afresh, and counts the notes each run parses.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

from conftest import TODAY, write
from onenotes.reading.cache import key, parse
from support.cachekit import (COMMANDS, broken, cache_file, cache_on, outputs, parses, query,  # noqa: F401
                              resum)


def test_every_command_prints_the_same_cold_warm_and_without_the_cache(cli, broken):
    fresh = outputs(cli, broken, "--no-cache")
    assert not (broken / ".onenotes").exists(), "--no-cache wrote a cache"
    cold = outputs(cli, broken)
    assert cache_file(broken).is_file()
    warm = outputs(cli, broken)
    assert cold == fresh
    assert warm == fresh
    assert any("not valid UTF-8" in err for _, _, err in warm), "the broken notes' warnings are kept"


@pytest.mark.parametrize("args", [*COMMANDS, ("new", "bob", "--date", "2026-12-07", "--today", TODAY),
                                  ("report", "--today", TODAY), ("reps", "--format", "json")],
                         ids=lambda args: args[0])
def test_a_first_run_parses_each_note_once_and_a_warm_run_none(cli, broken, parses, args):
    """Whatever a command asks of the notebook first (its problems, its open commitments,
    its notes), no note is parsed twice in one run; a warm run parses none."""
    first = cli("--notebook", broken, *args)
    assert first.exit_code in (0, 1)
    assert len(parses) == 27 and max(Counter(parses).values()) == 1, Counter(parses).most_common(3)
    (broken / "bob" / "2026-12-07.md").unlink(missing_ok=True)  # (what new wrote)
    parses.clear()
    again = cli("--notebook", broken, *args)
    assert parses == [] and again.stdout == first.stdout


def test_a_warm_run_parses_nothing_and_an_edit_parses_one_note(cli, acme, parses):
    first = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert len(parses) == 23
    parses.clear()
    again = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert parses == [] and again.stdout == first.stdout
    note = acme / "bob-okafor" / "2026-11-16.md"
    note.write_text(note.read_text(encoding="utf-8").replace("Build a list of 50", "Build a list of 60"),
                    encoding="utf-8")
    edited = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert parses == ["bob-okafor/2026-11-16.md"]
    assert "Build a list of 60" in edited.stdout and "Build a list of 50" not in edited.stdout


def test_followups_caches_commitments_and_whole_notes_come_once_asked_for(cli, acme, parses):
    """followups needs no whole notes, so its first run stores none; the first command
    that needs them parses the notes once, and the cache keeps them from then on."""
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert query(acme, "SELECT count(*) FROM bodies") == [(0,)]
    parses.clear()
    fresh = cli("--notebook", acme, "--no-cache", "kpis", "--format", "json")
    parses.clear()
    first = cli("--notebook", acme, "kpis", "--format", "json")
    assert len(parses) == 23 and first.stdout == fresh.stdout
    parses.clear()
    second = cli("--notebook", acme, "kpis", "--format", "json")
    assert parses == [] and second.stdout == fresh.stdout
    assert query(acme, "SELECT count(*) FROM bodies") == [(23,)]


def test_a_command_that_reads_notes_keeps_them_whole_from_its_first_run(cli, acme, parses):
    first = cli("--notebook", acme, "kpis", "--format", "json")
    assert query(acme, "SELECT count(*) FROM bodies") == [(23,)]
    parses.clear()
    assert cli("--notebook", acme, "followups", "--today", TODAY).exit_code == 0
    assert cli("--notebook", acme, "kpis", "--format", "json").stdout == first.stdout
    assert parses == []


def test_a_body_parsed_after_its_note_changed_is_not_kept_for_the_old_note(cli, acme, monkeypatch):
    monkeypatch.setattr(key, "racy", lambda st, now: False)  # trust the stat: only the hash differs
    cli("--notebook", acme, "followups", "--today", TODAY)
    note = acme / "bob-okafor" / "2026-11-16.md"
    with sqlite3.connect(cache_file(acme)) as conn:  # as if the note changed after followups read it
        conn.execute("UPDATE notes SET digest = x'00' WHERE path = 'bob-okafor/2026-11-16.md'")
    conn.close()
    resum(cache_file(acme))
    cli("--notebook", acme, "kpis", "--format", "json")
    stored = {p for (p,) in query(acme, "SELECT path FROM bodies")}
    assert len(stored) == 22 and "bob-okafor/2026-11-16.md" not in stored and note.exists()


def test_a_note_changed_and_read_without_its_body_loses_the_old_body(cli, acme):
    """kpis keeps whole notes; followups then reads a changed note for its commitments
    only, and must drop the body kept for the old version (else kpis would show it)."""
    cli("--notebook", acme, "kpis", "--format", "json")
    note = acme / "bob-okafor" / "2026-11-16.md"
    text = note.read_text(encoding="utf-8")
    assert "  revenue: 18900\n" in text
    note.write_text(text.replace("  revenue: 18900\n", "  revenue: 18000\n"), encoding="utf-8")
    cli("--notebook", acme, "followups", "--today", TODAY)
    stored = {p for (p,) in query(acme, "SELECT path FROM bodies")}
    assert len(stored) == 22 and "bob-okafor/2026-11-16.md" not in stored
    fresh = cli("--notebook", acme, "--no-cache", "kpis", "--format", "json")
    assert "18000" in fresh.stdout
    assert cli("--notebook", acme, "kpis", "--format", "json").stdout == fresh.stdout


def test_a_note_read_for_its_commitments_only_is_read_whole_when_a_command_asks_for_notes(tmp_path, monkeypatch):
    from onenotes.reading.notebook import load_notebook

    write(tmp_path / "onenotes.yaml", "manager: Sam\n")
    write(tmp_path / "ann" / "2026-02-02.md",
          "---\nmetrics:\n  revenue: 1200\nbehaviour_plan:\n  sales_calls: 40\n"
          "commitments:\n  - id: c1\n    text: Call Acme\n    due: 2026-03-01\n---\n")

    def cannot_encode(mentions):  # the row cannot be kept: its Note stays in the row for this run
        raise TypeError("not encodable")

    monkeypatch.setattr(parse, "encode_mentions", cannot_encode)
    book = load_notebook(tmp_path, cache=True)
    assert [e.id for e in book.open_entries()] == ["c1"]  # asked first: the notes are read for their commitments
    [note] = book.notes
    assert [(m.name, m.actual) for m in note.metrics] == [("revenue", 1200)]
    assert note.behaviour_plan == {"sales_calls": 40}


def test_added_and_deleted_notes_are_seen(cli, acme):
    cli("--notebook", acme, "followups", "--today", TODAY)
    write(acme / "dana" / "2026-11-16.md", "---\nrep: dana\n---\n- [ ] Dana's new task\n")
    (acme / "bob-okafor" / "2026-11-16.md").unlink()
    warm = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    fresh = cli("--notebook", acme, "--no-cache", "followups", "--today", TODAY, "--format", "json")
    assert warm.stdout == fresh.stdout and "Dana's new task" in warm.stdout
    assert "bob-okafor/2026-11-16.md" not in warm.stdout


def test_a_broken_config_is_reported_even_after_a_good_one_was_cached(cli, acme):
    cli("--notebook", acme, "followups", "--today", TODAY)
    (acme / "onenotes.yaml").write_text("cadence: [unclosed\n", encoding="utf-8")
    result = cli("--notebook", acme, "followups", "--today", TODAY)
    assert result.exit_code == 3 and "onenotes.yaml" in result.stderr
