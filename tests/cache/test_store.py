"""The cache file (onenotes/reading/cache/store.py, file.py): where it lives, and several
processes at once.  Whatever another process does to the file meanwhile (writing it,
holding its lock, dying mid-write), a command prints what it prints without the cache,
never waits long, and never corrupts or wrongly replaces the file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import EXAMPLE, TODAY, write
from onenotes.reading.cache import Store, codec, file
from support.cachekit import broken, cache_file, cache_on, generate_notebook, outputs, query  # noqa: F401

FOLLOWUPS = ("followups", "--today", TODAY, "--format", "json")


# ------------------------------------------------------------- places ---

def test_deleting_the_cache_changes_nothing_but_speed(cli, broken):
    first = outputs(cli, broken)
    shutil.rmtree(broken / ".onenotes")
    assert outputs(cli, broken) == first


def test_the_cache_folder_ignores_itself_in_git(cli, acme):
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert (acme / ".onenotes" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_no_cache_option_and_environment_variable_write_nothing(cli, acme, monkeypatch):
    cli("--notebook", acme, "--no-cache", "followups", "--today", TODAY)
    assert not (acme / ".onenotes").exists()
    monkeypatch.setenv("ONENOTES_NO_CACHE", "1")
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert not (acme / ".onenotes").exists()


def test_a_notebook_that_cannot_hold_the_cache_uses_the_user_cache_folder(cli, acme, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (acme / ".onenotes").write_text("a file where the cache folder would go\n", encoding="utf-8")
    first = cli("--notebook", acme, *FOLLOWUPS)
    assert first.exit_code == 0
    files = list((tmp_path / "xdg" / "onenotes").glob("*.sqlite"))
    assert len(files) == 1
    assert cli("--notebook", acme, *FOLLOWUPS).stdout == first.stdout


def test_a_folder_without_onenotes_yaml_is_left_alone(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "plain"
    write(folder / "ann" / "2026-11-16.md", "- [ ] A task\n")
    result = cli("--notebook", folder, *FOLLOWUPS)
    assert "A task" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["ann"]


def test_a_cache_folder_that_is_a_link_is_never_written_through(cli, acme, tmp_path, monkeypatch):
    """A notebook cloned with .onenotes -> elsewhere must not let onenotes replace files there."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "cache").write_text("someone's file\n", encoding="utf-8")
    (acme / ".onenotes").symlink_to(elsewhere, target_is_directory=True)
    result = cli("--notebook", acme, *FOLLOWUPS)
    assert result.exit_code == 0 and "bob-freight-prospect-list" in result.stdout
    assert sorted(p.name for p in elsewhere.iterdir()) == ["cache"]
    assert (elsewhere / "cache").read_text(encoding="utf-8") == "someone's file\n"
    assert len(list((tmp_path / "xdg" / "onenotes").glob("*.sqlite"))) == 1


def test_the_example_notebook_is_unchanged_by_a_cached_run(cli, tmp_path):
    copy = tmp_path / "acme"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns(".onenotes"))
    before = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    cli("--notebook", copy, "followups", "--today", TODAY)
    after = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*")
             if p.is_file() and ".onenotes" not in p.parts}
    assert after == before


# -------------------------------------------------- other processes ---

def test_two_processes_at_once_never_corrupt_it(acme, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ONENOTES_NO_CACHE"}
    args = [sys.executable, "-m", "onenotes", "--notebook", str(acme), *FOLLOWUPS]
    expected = subprocess.run(args[:3] + ["--no-cache"] + args[3:], capture_output=True, text=True,
                              env=env).stdout
    for _ in range(2):
        procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for _ in range(3)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [r[0] for r in results] == [expected] * 3
        assert all(p.returncode == 0 for p in procs)
        assert query(acme, "PRAGMA integrity_check") == [("ok",)]
        (acme / "bob-okafor" / "2026-11-16.md").touch()


def test_a_writer_holding_the_lock_does_not_block_or_change_the_answer(cli, acme, monkeypatch):
    expected = cli("--notebook", acme, *FOLLOWUPS).stdout
    (acme / "bob-okafor" / "2026-11-16.md").touch()
    monkeypatch.setattr(file, "LOCK_TIMEOUT", 0.05)
    holder = sqlite3.connect(cache_file(acme), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("--notebook", acme, *FOLLOWUPS)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 0 and result.stdout == expected


def test_a_cache_another_process_is_writing_is_never_replaced_or_corrupted(cli, acme, monkeypatch):
    """Locked out (another process's write holds the file's lock), a run reads the notes
    afresh: it must not take the lock for damage and swap in a new file next to that
    process's journal, which SQLite would play back into the new one."""
    expected = cli("--notebook", acme, *FOLLOWUPS).stdout
    path = cache_file(acme)
    inode = path.stat().st_ino
    monkeypatch.setattr(file, "LOCK_TIMEOUT", 0.05)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA cache_size = 1")  # spills at once: the lock readers wait for
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE notes SET racy = racy")
    writer.execute("INSERT INTO meta VALUES ('filler', zeroblob(200000), NULL)")
    try:
        with pytest.raises(sqlite3.OperationalError):  # readers are locked out, as in a long write
            sqlite3.connect(path, timeout=0).execute("SELECT count(*) FROM notes").fetchone()
        result = cli("--notebook", acme, *FOLLOWUPS)
        assert (result.exit_code, result.stdout) == (0, expected)
        assert path.stat().st_ino == inode and (acme / ".onenotes" / "cache-journal").stat().st_size > 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert query(acme, "PRAGMA integrity_check") == [("ok",)]
    assert cli("--notebook", acme, *FOLLOWUPS).stdout == expected


def test_a_locked_cache_is_not_taken_for_a_damaged_one(cli, acme, monkeypatch):
    cli("--notebook", acme, "followups", "--today", TODAY)
    path = cache_file(acme)
    monkeypatch.setattr(file, "LOCK_TIMEOUT", 0.05)
    replaced = []
    monkeypatch.setattr(file, "fresh", lambda *args: replaced.append(args))
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        assert Store.open(acme) is None
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert replaced == []
    assert file.busy(sqlite3.OperationalError("database is locked"))
    assert not file.busy(sqlite3.DatabaseError("file is not a database"))


def test_a_journal_whose_cache_was_deleted_is_dropped_and_the_cache_made_again(cli, acme, tmp_path, monkeypatch):
    """A writer killed mid-commit leaves a journal; the user then deletes the cache (safe
    to delete, says its folder): the journal belongs to nobody and must not keep the
    cache out of the notebook for ever."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    expected = cli("--notebook", acme, *FOLLOWUPS).stdout
    folder = acme / ".onenotes"
    (folder / "cache").unlink()
    (folder / "cache-journal").write_bytes(os.urandom(512))
    assert cli("--notebook", acme, *FOLLOWUPS).stdout == expected
    assert (folder / "cache").is_file() and not (folder / "cache-journal").exists()
    assert not (tmp_path / "xdg").exists()  # made in the notebook, not elsewhere


def test_ledgers_are_not_written_over_another_process_s_newer_rows(acme):
    """Process A folds rep R from what it read; process B commits meanwhile; A's ledgers
    may rest on rows that are no longer the stored ones, so A drops them."""
    from onenotes.reading.notebook import load_notebook

    load_notebook(acme, cache=True).open_entries()
    store = Store.open(acme)
    version = store.data_version()
    with sqlite3.connect(cache_file(acme)) as other:  # process B writes
        other.execute("INSERT OR REPLACE INTO meta VALUES ('someone', 'else', NULL)")
    other.close()
    assert store.write([], [], {"bob-okafor": codec.encode_entries([])}, [], since=version)
    assert "bob-okafor" not in store.ledgers()
    version = store.data_version()  # nobody wrote since: A's ledger is kept
    assert store.write([], [], {"bob-okafor": codec.encode_entries([])}, [], since=version)
    assert "bob-okafor" in store.ledgers()
    store.close()


def test_a_write_that_fails_midway_writes_nothing_and_changes_no_answer(cli, tmp_path, monkeypatch):
    """A full disk while the rows of a first run are written: the whole transaction is
    rolled back (no row of it is kept), the answer is the same, and the next run writes."""
    from onenotes.reading.cache import store as store_module

    root = generate_notebook(tmp_path / "nb", 120, 11)
    expected = cli("--notebook", root, "--no-cache", *FOLLOWUPS)
    real = store_module._insert

    def failing(conn, rows):
        real(conn, rows)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store_module, "_insert", failing)
    result = cli("--notebook", root, *FOLLOWUPS)
    assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout)
    assert query(root, "SELECT count(*) FROM notes") == [(0,)]  # rolled back, all of it
    monkeypatch.setattr(store_module, "_insert", real)
    assert cli("--notebook", root, *FOLLOWUPS).stdout == expected.stdout
    assert query(root, "SELECT count(*) FROM notes") == [(120,)]
