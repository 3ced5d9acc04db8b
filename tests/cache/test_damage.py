"""A damaged cache heals (issue 17, items 4, 5, 7 and 8): whatever happened to the
cache file, commands print what ``--no-cache`` prints, never a traceback, never run
code planted in it, and the cache is made whole again; its folder keeps git out and
is cleared of what killed runs left.  The long version of the damage trials:
tests/reliability/cache_damage.py.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from conftest import TODAY
from onenotes.reading.cache import codec, file
from support.cachekit import COMMANDS, broken, cache_file, cache_on, outputs, resum  # noqa: F401  (fixtures)

sys.path.insert(0, str(Path(__file__).parent.parent / "reliability"))
import cache_damage  # noqa: E402

FOLLOWUPS = ("followups", "--today", TODAY, "--format", "json")
CHECK = ("check", "--format", "json")
KPIS = ("kpis", "--format", "json")


@pytest.fixture
def nb(tmp_path) -> Path:
    """The example notebook with a few broken notes (warnings are kept in the cache too),
    its notes older than the racy window, its cache written by every command below."""
    root = cache_damage.make_notebook(tmp_path)
    for _ in range(2):
        for args in (FOLLOWUPS, CHECK, KPIS):
            cache_damage.run_command(root, args)
    return root


def same_as_no_cache(root: Path, *commands) -> None:
    """Each command, run twice through the cache, prints what --no-cache prints; no traceback."""
    for args in commands or (FOLLOWUPS, CHECK, KPIS):
        expected = cache_damage.run_command(root, args, cache=False)[:3]
        for _ in range(2):
            code, out, err, crash = cache_damage.run_command(root, args)
            assert crash is None, crash
            assert (code, out, err) == expected, args


def whole(root: Path) -> bool:
    conn = sqlite3.connect(cache_file(root))
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                and conn.execute("PRAGMA application_id").fetchone()[0] == file.APPLICATION_ID)
    finally:
        conn.close()


# ------------------------------------------------ damaged or planted rows ---

class _Planted:
    """Pickles as a call of ``func(*args)``: what a planted cache row would hold."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "empty", "tampered-rows", "planted-ledger",
                                    "wrong-types", "inflating-body"])
def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(cli, broken, damage, tmp_path):
    marker = tmp_path / "ran"  # a planted row that would run a command if it were unpickled freely
    few = COMMANDS[:1] + COMMANDS[4:5]  # followups (ledgers, problems) and kpis (whole notes)
    fresh = outputs(cli, broken, "--no-cache", commands=few)
    outputs(cli, broken, commands=few)
    path = cache_file(broken)
    if damage == "garbage":
        path.write_bytes(b"this is not a database\n" * 100)
    elif damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif damage == "foreign":
        path.unlink()
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE notes (path TEXT, data TEXT)")
            conn.execute("INSERT INTO notes VALUES ('ann/2026-11-16.md', 'x')")
        conn.close()
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "tampered-rows":
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE bodies SET data = x'789c'")
            conn.execute("UPDATE notes SET problems = '{not a pickle'")
        conn.close()
    elif damage == "wrong-types":  # pickles of allowed values, in the wrong columns
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE ledgers SET open = ?", (codec.encode([1, 2]),))
            conn.execute("UPDATE bodies SET data = ?", (zlib.compress(codec.encode(["not", "a", "note"])),))
        conn.close()
    elif damage == "inflating-body":
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE bodies SET data = ?", (zlib.compress(b"\0" * (codec.MAX_UNPACKED + 1)),))
        conn.close()
    else:  # only the ledgers, so that they are what the next run decodes
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE ledgers SET open = ?",
                         (pickle.dumps([_Planted(os.system, f"touch {marker}")], protocol=5),))
        conn.close()
    if damage in ("wrong-types", "inflating-body", "planted-ledger"):  # summed: what decodes them must refuse them
        resum(path)
    assert outputs(cli, broken, commands=few) == fresh
    assert outputs(cli, broken, commands=few) == fresh
    assert not marker.exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == file.APPLICATION_ID
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.parametrize("plant", ["planted-call", "wrong-shape", "a-note-record"])
def test_stored_commitments_that_are_not_plain_are_refused_and_the_cache_rebuilt(cli, acme, plant, tmp_path):
    """A rep with one changed note is folded from its other notes' stored commitments
    (the mentions column): a planted or malformed row there runs nothing and changes
    nothing, the cache is dropped, and the next run starts a new one."""
    from onenotes.reading.note import Mention

    marker = tmp_path / "ran"
    args = ("followups", "--today", TODAY, "--format", "json")
    cli("--notebook", acme, *args)
    if plant == "planted-call":
        value = pickle.dumps([_Planted(os.system, f"touch {marker}")], protocol=5)
    elif plant == "wrong-shape":
        value = pickle.dumps([("c1", "Call", "rep", "open", "2026-11-20", None, None, 3, "body", None)], protocol=5)
    else:
        value = codec.encode([Mention("c1", "Call", "rep", "open", None, None, None, 3, "body")])
    with sqlite3.connect(cache_file(acme)) as conn:
        conn.execute("UPDATE notes SET mentions = ? WHERE rep = 'bob-okafor'", (value,))
    conn.close()
    resum(cache_file(acme))  # summed: what decodes them must refuse them
    note = acme / "bob-okafor" / "2026-11-16.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nMore notes.\n", encoding="utf-8")
    fresh = cli("--notebook", acme, "--no-cache", *args)
    inode = cache_file(acme).stat().st_ino
    again = cli("--notebook", acme, *args)
    assert again.exit_code == 0 and again.stdout == fresh.stdout and again.stderr == fresh.stderr
    assert not marker.exists()
    assert cache_file(acme).stat().st_ino != inode  # replaced
    assert cli("--notebook", acme, *args).stdout == fresh.stdout


def test_rows_rewritten_under_a_run_are_read_from_the_notes_and_the_cache_is_kept(cli, acme, monkeypatch):
    from onenotes.reading.cache import Store

    fresh = cli("--notebook", acme, "--no-cache", "followups", "--today", TODAY, "--format", "json").stdout
    cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    note = acme / "bob-okafor" / "2026-11-16.md"  # one note changes: bob-okafor is folded from the cache
    note.write_text(note.read_text(encoding="utf-8") + "\nMore notes.\n", encoding="utf-8")
    monkeypatch.setattr(Store, "rep_mentions", lambda self, rep: [])  # ...whose rows vanished meanwhile
    inode = cache_file(acme).stat().st_ino
    again = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert again.exit_code == 0 and again.stdout == fresh
    assert cache_file(acme).stat().st_ino == inode  # not thrown away and rebuilt


# ---------------------------------------------------- item 4: no traceback ---

def test_a_damaged_byte_in_the_schema_gives_the_same_output_and_a_new_cache(nb):
    """A bad byte in a table's name in SQLite's schema: PRAGMA journal_mode raised
    UnicodeDecodeError (from the error message that names it) on every run."""
    path = cache_file(nb)
    data = bytearray(path.read_bytes())
    at = data.index(b"tableledgersledgers") + len(b"table")  # the name column of its schema row
    data[at] = 0x9C
    path.write_bytes(bytes(data))
    same_as_no_cache(nb)
    assert whole(nb)


def test_a_row_whose_path_reads_as_null_gives_the_same_output_and_a_new_cache(nb):
    """A path read as NULL (a damaged type byte) raised AttributeError in _rep_of."""
    with sqlite3.connect(cache_file(nb)) as conn:
        conn.execute("UPDATE notes SET path = NULL WHERE path = 'bob-okafor/2026-11-16.md'")
    conn.close()
    same_as_no_cache(nb)
    with sqlite3.connect(cache_file(nb)) as conn:
        assert conn.execute("SELECT count(*) FROM notes WHERE path IS NULL").fetchone()[0] == 0
    conn.close()


def test_an_empty_folder_in_the_cache_s_place_is_replaced_by_a_cache(nb):
    path = cache_file(nb)
    path.unlink()
    path.mkdir()
    same_as_no_cache(nb)
    assert path.is_file() and whole(nb)


def test_a_journal_no_process_is_writing_does_not_keep_a_damaged_cache_from_being_rebuilt(nb):
    path = cache_file(nb)
    path.write_bytes(b"not a database at all\n" * 200)
    Path(str(path) + "-journal").write_bytes(bytes(3000))  # (SQLite leaves such a journal where it is)
    same_as_no_cache(nb)
    assert whole(nb) and not Path(str(path) + "-journal").exists()


# ----------------------------------------------- item 5: checked rows ---

def _replace_in_rows(root: Path, sql: str, column: str, old: bytes, new: bytes) -> int:
    """Change bytes inside stored values, as a flipped byte on disk does (the sums untouched)."""
    conn = sqlite3.connect(cache_file(root))
    with conn:
        rows = conn.execute(sql).fetchall()
        changed = [(value.replace(old, new), rowid) for rowid, value in rows if value and old in value]
        conn.executemany(f"UPDATE {sql.split(' FROM ')[1].split()[0]} SET {column} = ? WHERE rowid = ?", changed)
    conn.close()
    return len(changed)


@pytest.mark.parametrize("where", ["ledgers", "mentions", "bodies", "problems", "checks"])
def test_a_changed_byte_inside_a_stored_row_never_reaches_the_output(nb, where):
    """alice-nguyen printed as alice-n+uyen, on every later run: rows had no checksum."""
    if where == "ledgers":  # the open commitments followups prints
        count = _replace_in_rows(nb, "SELECT rowid, open FROM ledgers", "open", b"alice-nguyen", b"alice-n+uyen")
    elif where == "mentions":  # a rep's stored commitments, folded again when one of its notes changes
        count = _replace_in_rows(nb, "SELECT rowid, mentions FROM notes", "mentions", b"Globex", b"Glob+x")
        note = nb / "alice-nguyen" / "2026-11-16.md"
        note.write_bytes(note.read_bytes() + b"\nMore.\n")
    elif where == "bodies":  # whole notes, which kpis reads (compressed: zlib's own check caught this before)
        conn = sqlite3.connect(cache_file(nb))
        with conn:
            rowid, data = conn.execute("SELECT rowid, data FROM bodies LIMIT 1").fetchone()
            changed = bytearray(data)
            changed[len(changed) // 2] ^= 0x04
            conn.execute("UPDATE bodies SET data = ? WHERE rowid = ?", (bytes(changed), rowid))
        conn.close()
        count = 1
    elif where == "problems":  # the warnings of broken notes
        count = _replace_in_rows(nb, "SELECT rowid, problems FROM notes WHERE problems IS NOT NULL",
                                 "problems", b"ann", b"anm")
    else:  # what check found
        count = _replace_in_rows(nb, "SELECT rowid, problems FROM checks WHERE problems IS NOT NULL",
                                 "problems", b"ann", b"anm")
    assert count
    same_as_no_cache(nb)


def test_a_note_with_a_warning_that_loses_it_in_the_cache_still_warns(nb):
    """A damaged row that no longer says it has problems (the partial index a warm run
    reads) would drop the note's warning without a word: the number of such rows is kept."""
    with sqlite3.connect(cache_file(nb)) as conn:
        assert conn.execute("UPDATE notes SET problems = NULL WHERE readable = 1 AND problems IS NOT NULL"
                            ).rowcount
    conn.close()
    same_as_no_cache(nb, FOLLOWUPS)


def test_a_check_finding_lost_in_the_cache_is_found_again(nb):
    with sqlite3.connect(cache_file(nb)) as conn:
        assert conn.execute("UPDATE checks SET problems = NULL WHERE problems IS NOT NULL").rowcount
    conn.close()
    same_as_no_cache(nb, CHECK)


def test_damage_trials_print_what_no_cache_prints(tmp_path):
    """A short run of tests/reliability/cache_damage.py: every kind of damage, a few times."""
    result = cache_damage.run(2 * len(cache_damage.KINDS), seed=17, folder=tmp_path)
    assert result["failures"] == []
    assert result["totals"]["outputs unlike --no-cache"] == result["totals"]["tracebacks"] == 0
    assert result["totals"]["command runs"] == 2 * len(cache_damage.KINDS) * 6


# ------------------------------------------------ item 7: the .gitignore ---

@pytest.mark.parametrize("content", [b"", b"# onenotes' cache of parsed notes; sa", b"cache\n"])
def test_an_empty_or_cut_short_gitignore_in_the_cache_folder_is_written_again(nb, content):
    marker = nb / ".onenotes" / ".gitignore"
    marker.write_bytes(content)
    same_as_no_cache(nb, FOLLOWUPS)
    assert marker.read_text(encoding="utf-8") == file.IGNORE_ALL
    assert [p.name for p in marker.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_git_ignores_the_cache_again_once_its_gitignore_is_repaired(nb):
    git = subprocess.run(["git", "--version"], capture_output=True)
    if git.returncode:
        pytest.skip("git is not installed")
    (nb / ".onenotes" / ".gitignore").write_bytes(b"")
    subprocess.run(["git", "init", "-q", str(nb)], check=True)
    cache_damage.run_command(nb, FOLLOWUPS)
    status = subprocess.run(["git", "-C", str(nb), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert ".onenotes" not in status and "bob-okafor/2026-11-16.md" in status


def test_a_user_s_own_gitignore_with_the_line_star_is_left_as_it_is(nb):
    marker = nb / ".onenotes" / ".gitignore"
    marker.write_bytes(b"# mine\r\n*\r\n")
    cache_damage.run_command(nb, FOLLOWUPS)
    assert marker.read_bytes() == b"# mine\r\n*\r\n"


# --------------------------------------------------- item 8: leftovers ---

def test_temporary_files_and_journals_of_killed_runs_are_removed_once_stale(nb):
    folder = nb / ".onenotes"
    old = time.time() - 2 * file.STALE_SECONDS
    stale = [folder / ".cache.0a1b2c3d4e5f.tmp", folder / ".cache.0a1b2c3d4e5f.tmp-journal",
             folder / ".gitignore.0a1b2c3d4e5f.tmp"]
    fresh = folder / ".cache.ffffffffffff.tmp"  # maybe being written by a live run right now
    for path in [*stale, fresh]:
        path.write_bytes(b"left by a killed run")
    for path in stale:
        os.utime(path, (old, old))
    same_as_no_cache(nb, FOLLOWUPS)
    assert [p for p in stale if p.exists()] == []
    assert fresh.exists()


def test_the_user_folder_cache_goes_once_the_notebook_s_own_can_be_used(nb, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    own = nb / ".onenotes"
    hidden = tmp_path / "own-cache-folder"
    own.rename(hidden)
    own.write_text("a file where the cache folder goes: the notebook's own cannot be used\n", encoding="utf-8")
    same_as_no_cache(nb, FOLLOWUPS)
    outside = list((tmp_path / "xdg" / "onenotes").glob("*.sqlite"))
    assert len(outside) == 1
    own.unlink()
    same_as_no_cache(nb, FOLLOWUPS)
    assert cache_file(nb).is_file()
    assert not outside[0].exists()
