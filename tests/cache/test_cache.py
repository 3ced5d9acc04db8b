"""The cache of parsed notes (onenotes/cache.py): never wrong, only faster.

Every test here turns the cache on (the suite runs with ONENOTES_NO_CACHE=1,
see conftest.py) and compares what commands print through the cache with what
they print reading every note afresh.
"""

from __future__ import annotations

import ast
import os
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import onenotes.reading.cache as cache
import onenotes.reading.notebook as notebook_module
from support.cachekit import resum
from conftest import EXAMPLE, TODAY, write

COMMANDS = [
    ("followups", "--today", TODAY, "--format", "json"),
    ("followups", "--today", TODAY),
    ("commitments", "--status", "all", "--today", TODAY, "--format", "json"),
    ("accountability", "--today", TODAY, "--format", "json"),
    ("kpis", "--format", "json"),
    ("cadence", "--today", TODAY, "--format", "json"),
    ("brief", "bob", "--today", TODAY),
]

BROKEN = {
    "ann/2026-11-02.md": "---\nrep: ann\ncommitments:\n  - text: Send the deck\n    due: next friday\n---\n"
                         "- [?] Odd marker task\n",
    "ann/2026-11-09.md": "---\nrep: ann\nmetrics: [1, 2\n---\nbroken YAML\n",
    "ann/2026-11-16.md": "---\nrep: ann\n\n## not closed\n",
    "bob/2026-11-16.md": "---\nrep: bob\ncommitments:\n  - text: Call Initech\n    due: 2026-11-20\n---\n"
                         "- [ ] Book the demo due: 2026-11-18\n",
}


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch):
    monkeypatch.delenv("ONENOTES_NO_CACHE", raising=False)


@pytest.fixture
def parses(monkeypatch):
    """How many notes were parsed (in this process) since the fixture started."""
    calls = []
    real = notebook_module.parse_note_bytes

    def counting(rel, data, options, *args):
        calls.append(rel)
        return real(rel, data, options, *args)

    monkeypatch.setattr(notebook_module, "parse_note_bytes", counting)
    return calls


@pytest.fixture
def broken(acme) -> Path:
    for rel, text in BROKEN.items():
        write(acme / rel, text)
    (acme / "carla-mendes" / "2026-10-26.md").write_bytes(b"---\nrep: carla\n---\n\xff\xfe bad bytes\n")
    return acme


def outputs(cli, root, *extra, commands=COMMANDS):
    return [(r.exit_code, r.stdout, r.stderr) for r in
            (cli("--notebook", root, *extra, *args) for args in commands)]


def cache_file(root: Path) -> Path:
    return root / ".onenotes" / "cache"


def test_every_command_prints_the_same_cold_warm_and_without_the_cache(cli, broken):
    fresh = outputs(cli, broken, "--no-cache")
    assert not (broken / ".onenotes").exists(), "--no-cache wrote a cache"
    cold = outputs(cli, broken)
    assert cache_file(broken).is_file()
    warm = outputs(cli, broken)
    assert cold == fresh
    assert warm == fresh
    assert any("not valid UTF-8" in err for _, _, err in warm), "the broken notes' warnings are kept"


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
    with sqlite3.connect(cache_file(acme)) as conn:
        assert conn.execute("SELECT count(*) FROM bodies").fetchone()[0] == 0
    conn.close()
    parses.clear()
    fresh = cli("--notebook", acme, "--no-cache", "kpis", "--format", "json")
    parses.clear()
    first = cli("--notebook", acme, "kpis", "--format", "json")
    assert len(parses) == 23 and first.stdout == fresh.stdout
    parses.clear()
    second = cli("--notebook", acme, "kpis", "--format", "json")
    assert parses == [] and second.stdout == fresh.stdout
    with sqlite3.connect(cache_file(acme)) as conn:
        assert conn.execute("SELECT count(*) FROM bodies").fetchone()[0] == 23
    conn.close()


def test_a_body_parsed_after_its_note_changed_is_not_kept_for_the_old_note(cli, acme, monkeypatch):
    monkeypatch.setattr(cache, "_racy", lambda st, now: False)  # trust the stat: only the hash differs
    cli("--notebook", acme, "followups", "--today", TODAY)
    note = acme / "bob-okafor" / "2026-11-16.md"
    with sqlite3.connect(cache_file(acme)) as conn:  # as if the note changed after followups read it
        conn.execute("UPDATE notes SET digest = x'00' WHERE path = 'bob-okafor/2026-11-16.md'")
    conn.close()
    resum(cache_file(acme))
    cli("--notebook", acme, "kpis", "--format", "json")
    with sqlite3.connect(cache_file(acme)) as conn:
        stored = {p for (p,) in conn.execute("SELECT path FROM bodies")}
    conn.close()
    assert len(stored) == 22 and "bob-okafor/2026-11-16.md" not in stored and note.exists()


def test_added_and_deleted_notes_are_seen(cli, acme):
    cli("--notebook", acme, "followups", "--today", TODAY)
    write(acme / "dana" / "2026-11-16.md", "---\nrep: dana\n---\n- [ ] Dana's new task\n")
    (acme / "bob-okafor" / "2026-11-16.md").unlink()
    warm = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    fresh = cli("--notebook", acme, "--no-cache", "followups", "--today", TODAY, "--format", "json")
    assert warm.stdout == fresh.stdout and "Dana's new task" in warm.stdout
    assert "bob-okafor/2026-11-16.md" not in warm.stdout


def _coarse(st):
    """A file system with one-second timestamps and no separate ctime (FAT, some network
    shares): two writes in the same second with the same size look the same to stat."""
    second = st.st_mtime_ns // 1_000_000_000 * 1_000_000_000
    return os.stat_result(list(st), {"st_mtime_ns": second, "st_ctime_ns": second, "st_atime_ns": second})


def _same_second_same_size_edit(cli, acme, monkeypatch, racy_ns):
    monkeypatch.setattr(cache, "_seen", _coarse)
    # The window is wide here so that a slow, loaded machine cannot turn the
    # edit "within the same second" into an old one.
    monkeypatch.setattr(cache, "RACY_NS", racy_ns)
    note = acme / "bob-okafor" / "2026-11-16.md"
    note.write_bytes(note.read_bytes())  # written just now, as by an editor
    before = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert "Build a list of 50" in before.stdout
    st = os.stat(note)
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("Build a list of 50", "Build a list of 70"), encoding="utf-8")
    os.utime(note, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same second, the same size
    assert cache.stat_key(cache._lstat(str(note))) == cache.stat_key(_coarse(st))
    return cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")


def test_an_edit_in_the_same_second_with_the_same_size_is_seen(cli, acme, monkeypatch):
    after = _same_second_same_size_edit(cli, acme, monkeypatch, 600 * 10**9)
    assert "Build a list of 70" in after.stdout


def test_without_the_content_hash_that_edit_would_be_missed(cli, acme, monkeypatch):
    """Proves the test above sets up a change that stat alone cannot see."""
    after = _same_second_same_size_edit(cli, acme, monkeypatch, 0)
    assert "Build a list of 50" in after.stdout


def test_a_racy_entry_is_confirmed_once_its_time_is_old(cli, acme, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 600 * 10**9)  # every note was written "just now"
    cli("--notebook", acme, "followups", "--today", TODAY)
    with sqlite3.connect(cache_file(acme)) as conn:
        assert conn.execute("SELECT count(*) FROM notes WHERE racy = 1").fetchone()[0] > 0
    monkeypatch.setattr(cache, "RACY_NS", 0)  # as if the notes were written long ago
    cli("--notebook", acme, "followups", "--today", TODAY)
    with sqlite3.connect(cache_file(acme)) as conn:
        assert conn.execute("SELECT count(*) FROM notes WHERE racy = 1").fetchone()[0] == 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "empty", "tampered-rows", "planted-ledger",
                                    "wrong-types", "inflating-body"])
def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(cli, broken, damage, tmp_path):
    import pickle

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
            conn.execute("UPDATE ledgers SET open = ?", (cache.encode([1, 2]),))
            conn.execute("UPDATE bodies SET data = ?", (zlib.compress(cache.encode(["not", "a", "note"])),))
        conn.close()
    elif damage == "inflating-body":
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE bodies SET data = ?", (zlib.compress(b"\0" * (cache.MAX_UNPACKED + 1)),))
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
        assert conn.execute("PRAGMA application_id").fetchone()[0] == cache.APPLICATION_ID
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_cache_from_another_parser_version_is_rebuilt(cli, acme, parses):
    cli("--notebook", acme, "followups", "--today", TODAY)
    with sqlite3.connect(cache_file(acme)) as conn:  # written by other files, for another format
        conn.execute("UPDATE meta SET value = 'an older parser' WHERE key IN ('format', 'sources')")
    conn.close()
    resum(cache_file(acme))
    parses.clear()
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert len(parses) == 23


def test_the_format_version_follows_the_parser_source(tmp_path):
    package = Path(cache.__file__).parents[2]  # onenotes/
    copy = tmp_path / "onenotes"
    shutil.copytree(package, copy)
    assert cache.format_version(copy) == cache.format_version()
    with open(copy / "reading" / "tasks.py", "a", encoding="utf-8") as fh:
        fh.write("\n# a change to the task scanner\n")
    assert cache.format_version(copy) != cache.format_version()


def _meta(root: Path) -> dict:
    with sqlite3.connect(cache_file(root)) as conn:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()
    return meta


@pytest.fixture
def hashes(monkeypatch):
    """How many times the parser's sources were read and hashed since the fixture started."""
    calls = []
    real = cache.format_version

    def counting(folder=None):
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(cache, "format_version", counting)
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the package's files may have been written a moment ago
    return calls


def test_a_format_checked_once_is_trusted_while_the_sources_keep_their_stat(cli, acme, hashes):
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert hashes and _meta(acme)["sources"] == cache.sources_key()
    hashes.clear()
    assert cli("--notebook", acme, "followups", "--today", TODAY).exit_code == 0
    assert hashes == []  # the cache was used (see the warm-run tests) without reading the sources


def test_sources_with_another_stat_are_hashed_again_and_the_cache_kept_if_the_format_holds(
        cli, acme, hashes, parses):
    cli("--notebook", acme, "followups", "--today", TODAY)
    with sqlite3.connect(cache_file(acme)) as conn:  # as after a reinstall of the same version
        conn.execute("UPDATE meta SET value = 'other files' WHERE key = 'sources'")
    conn.close()
    resum(cache_file(acme))
    hashes.clear()
    parses.clear()
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert hashes and parses == []  # hashed, found the same: nothing parsed again
    assert _meta(acme)["sources"] == cache.sources_key()  # ...and trusted from now on


def test_sources_changed_in_the_last_seconds_are_always_hashed(cli, acme, hashes, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 10**20)  # every file "just written"
    assert cache.sources_key() == ""
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert "sources" not in _meta(acme)
    hashes.clear()
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert hashes  # no shortcut without a stat to trust


def test_the_sources_key_changes_when_a_source_is_rewritten_with_the_same_size_and_times(
        tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    package = Path(cache.__file__).parents[2]  # onenotes/
    copy = tmp_path / "onenotes"
    shutil.copytree(package, copy)
    before = cache.sources_key(copy)
    assert before and before != cache.sources_key()  # other files: other inodes
    target = copy / "reading" / "tasks.py"
    st = target.stat()
    data = target.read_bytes()
    target.write_bytes(data.replace(b"def ", b"def_", 1)[:len(data)])  # an edit of the same size...
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # ...with the times a build would give it
    if target.stat().st_ctime_ns == st.st_ctime_ns:
        pytest.skip("this file system keeps change times too coarse to tell")
    assert cache.sources_key(copy) != before


PACKAGE = Path(cache.__file__).parents[2]  # onenotes/


def _source_of(module: str) -> str:
    """The file of a module named like ``reading.note``, relative to the package."""
    path = PACKAGE.joinpath(*module.split("."))
    return f"{module.replace('.', '/')}/__init__.py" if path.is_dir() else f"{module.replace('.', '/')}.py"


def _onenotes_imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / _source_of(module)).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("onenotes."):
            base = node.module.split(".", 1)[1]
            for alias in node.names:  # `from onenotes.reading.yaml import full` names a module
                sub = f"{base}.{alias.name}"
                found.add(sub if PACKAGE.joinpath(*sub.split(".")).with_suffix(".py").exists() else base)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".", 1)[1] for a in node.names if a.name.startswith("onenotes."))
    return found


def test_every_module_the_parser_uses_is_part_of_the_format_version():
    """A new parsing module must be listed in cache._SOURCES, or old caches would be served."""
    seen, todo = set(), ["reading.note", "reading.notebook", "rules.commitments", "reading.cache"]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(m for m in _onenotes_imports(module) if not m.startswith("cli"))
    listed = set(cache._SOURCES)
    missing = {_source_of(m) for m in seen} - listed
    assert not missing, f"add to cache._SOURCES: {sorted(missing)}"


def test_changing_date_formats_or_time_zone_parses_again(cli, acme, parses):
    cli("--notebook", acme, "followups", "--today", TODAY)
    config = acme / "onenotes.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("America/Chicago", "Europe/Berlin"),
                      encoding="utf-8")
    parses.clear()
    warm = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert len(parses) == 23
    assert warm.stdout == cli("--notebook", acme, "--no-cache", "followups", "--today", TODAY,
                              "--format", "json").stdout


def test_a_broken_config_is_reported_even_after_a_good_one_was_cached(cli, acme):
    cli("--notebook", acme, "followups", "--today", TODAY)
    (acme / "onenotes.yaml").write_text("cadence: [unclosed\n", encoding="utf-8")
    result = cli("--notebook", acme, "followups", "--today", TODAY)
    assert result.exit_code == 3 and "onenotes.yaml" in result.stderr


def test_two_processes_at_once_never_corrupt_it(acme, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ONENOTES_NO_CACHE"}
    args = [sys.executable, "-m", "onenotes", "--notebook", str(acme), "followups", "--today", TODAY,
            "--format", "json"]
    expected = subprocess.run(args[:3] + ["--no-cache"] + args[3:], capture_output=True, text=True,
                              env=env).stdout
    for _ in range(2):
        procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for _ in range(3)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [r[0] for r in results] == [expected] * 3
        assert all(p.returncode == 0 for p in procs)
        with sqlite3.connect(cache_file(acme)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        (acme / "bob-okafor" / "2026-11-16.md").touch()


def test_a_writer_holding_the_lock_does_not_block_or_change_the_answer(cli, acme, monkeypatch):
    expected = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json").stdout
    (acme / "bob-okafor" / "2026-11-16.md").touch()
    monkeypatch.setattr(cache, "LOCK_TIMEOUT", 0.05)
    holder = sqlite3.connect(cache_file(acme), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 0 and result.stdout == expected


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
    first = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert first.exit_code == 0
    files = list((tmp_path / "xdg" / "onenotes").glob("*.sqlite"))
    assert len(files) == 1
    assert cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json").stdout == first.stdout


def test_a_folder_without_onenotes_yaml_is_left_alone(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "plain"
    write(folder / "ann" / "2026-11-16.md", "- [ ] A task\n")
    result = cli("--notebook", folder, "followups", "--today", TODAY, "--format", "json")
    assert "A task" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["ann"]


def test_encoding_a_note_keeps_every_field_and_line(example_notebook, broken):
    from onenotes.reading.notebook import load_notebook

    for root in (example_notebook, broken):
        for note in load_notebook(root).notes:
            again = cache.decode(cache.encode(note))
            assert again == note
            assert cache.encode(again) == cache.encode(note)
            assert again.meta.key_lines == note.meta.key_lines


class _Planted:
    """Pickles as a call of ``func(*args)``: what a planted cache row would hold."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


def test_only_onenotes_dataclasses_are_ever_built_from_a_cache(tmp_path):
    import pickle

    import onenotes.reading.note

    marker = tmp_path / "ran"
    planted = [
        _Planted(os.system, f"touch {marker}"),
        _Planted(subprocess.call, ["touch", str(marker)]),
        _Planted(cache.format_version),  # a onenotes function, not a dataclass
        _Planted(onenotes.reading.note.parse_note, "x"),
    ]
    for value in planted:
        with pytest.raises(pickle.UnpicklingError):
            cache.decode(pickle.dumps(value, protocol=5))
        with pytest.raises(pickle.UnpicklingError):
            cache.decode(pickle.dumps([value], protocol=2))
    assert not marker.exists()
    with pytest.raises(TypeError):
        cache.decode('{"@": "C", "c": "onenotes.reading.cache:format_version", "f": {}}')  # text is never a cached value


def test_a_cache_row_cannot_import_a_module_or_change_a_class():
    """A row naming onenotes.__main__ would run the CLI on import; one that BUILDs on a
    class would change it for the rest of the run.  Neither global is ever resolved."""
    import pickle

    from onenotes.errors import Problem

    hash_before = Problem.__hash__
    for planted in (b"\x80\x05conenotes.__main__\nX\n.",
                    b"\x80\x05conenotes.errors\nProblem\nN}\x8c\x08__hash__Ns\x86b.",
                    b"\x80\x05conenotes.yamlsafe\nLineDict\nN}\x8c\x08__init__Ns\x86b.",
                    b"\x80\x05cpathlib\nPosixPath\nN}\x8c\x08__init__Ns\x86b."):
        with pytest.raises(pickle.UnpicklingError):
            cache.decode(planted)
    assert Problem.__hash__ is hash_before
    assert "onenotes.__main__" not in sys.modules


def test_what_a_row_holds_is_checked_to_be_what_its_column_holds():
    note_list = cache.encode([1, 2])
    with pytest.raises(cache.Damaged):
        cache._decode_cached(note_list, "Entry", many=True)
    with pytest.raises(cache.Damaged):
        cache._decode_cached(cache.encode({"rep": "ann"}), "Note")
    bomb = zlib.compress(b"\0" * (cache.MAX_UNPACKED + 1))
    with pytest.raises(cache.Damaged):  # a small row that would inflate past the bound
        cache._decode_cached(bomb, "Note", packed=True)


def test_ledgers_are_not_written_over_another_process_s_newer_rows(acme):
    """Process A folds rep R from what it read; process B commits meanwhile; A's ledgers
    may rest on rows that are no longer the stored ones, so A drops them."""
    from onenotes.reading.notebook import load_notebook

    load_notebook(acme, cache=True, notes=False).open_entries()
    store = cache.Store.open(acme)
    version = store.data_version()
    with sqlite3.connect(cache_file(acme)) as other:  # process B writes
        other.execute("INSERT OR REPLACE INTO meta VALUES ('someone', 'else', NULL)")
    other.close()
    assert store.write([], [], {"bob-okafor": cache.encode([])}, [], since=version)
    assert "bob-okafor" not in store.ledgers()
    version = store.data_version()  # nobody wrote since: A's ledger is kept
    assert store.write([], [], {"bob-okafor": cache.encode([])}, [], since=version)
    assert "bob-okafor" in store.ledgers()
    store.close()


def test_parallel_parsing_gives_the_same_notebook(acme, monkeypatch):
    from onenotes.reading.notebook import load_notebook

    monkeypatch.setattr(cache, "PARALLEL_MIN", 2)
    one = load_notebook(acme, jobs=1)
    two = load_notebook(acme, jobs=2)
    assert two.notes == one.notes
    assert [n.meta.key_lines for n in two.notes] == [n.meta.key_lines for n in one.notes]
    assert two.problems == one.problems


def test_a_first_run_on_all_cores_folds_each_rep_where_its_notes_were_parsed(cli, broken, monkeypatch):
    fresh = outputs(cli, broken, "--no-cache")
    monkeypatch.setattr(cache, "PARALLEL_MIN", 2)
    in_parent = []
    real = cache._rep_ledger
    monkeypatch.setattr(cache, "_rep_ledger", lambda rep, *a: in_parent.append(rep) or real(rep, *a))
    first = outputs(cli, broken, commands=COMMANDS[:1])  # followups: its run parses every note
    assert in_parent == [] and first == fresh[:1]
    assert outputs(cli, broken) == fresh
    note = broken / "bob-okafor" / "2026-11-16.md"  # one note changes: its rep is folded here
    note.write_text(note.read_text(encoding="utf-8").replace("Build a list of 50", "Build a list of 60"),
                    encoding="utf-8")
    assert outputs(cli, broken, commands=COMMANDS[:1]) == outputs(cli, broken, "--no-cache",
                                                                    commands=COMMANDS[:1])
    assert in_parent == ["bob-okafor"]


def test_chunks_never_cut_a_rep_that_is_folded():
    rels = [f"{rep}/2026-01-{day:02d}.md" for rep in ("ann", "bob", "cy") for day in range(1, 8)]
    chunks = cache._chunks(rels, 3, frozenset({"ann", "cy"}))
    assert [rel for chunk, _ in chunks for rel in chunk] == rels
    for rep in ("ann", "cy"):
        assert sum(any(r.startswith(rep + "/") for r in chunk) for chunk, _ in chunks) == 1
    assert [sorted(f) for _, f in chunks] == [["ann"], [], [], ["cy"]]
    assert max(len(c) for c, _ in cache._chunks(rels, 3, frozenset())) == 3  # reps not folded are cut


def test_chunks_for_several_cores_shrink_toward_the_end_and_never_cut_a_folded_rep():
    """Guided chunks: large first, small last (so that the cores finish together), each
    about 1/(2*jobs) of the notes left and none under size/8, and still whole reps."""
    rels = [f"rep{rep:02d}/2026-{1 + day // 28:02d}-{1 + day % 28:02d}.md" for rep in range(40) for day in range(100)]
    everyone = frozenset(f"rep{rep:02d}" for rep in range(40))
    for fold in (everyone, frozenset(), frozenset(list(everyone)[:7])):
        size = cache._chunk_size(len(rels), 2)
        chunks = cache._chunks(rels, size, fold, 2)
        assert [rel for chunk, _ in chunks for rel in chunk] == rels
        for rep in fold:
            assert sum(any(r.startswith(rep + "/") for r in chunk) for chunk, _ in chunks) == 1
        assert [f for _, f in chunks] == [frozenset(cache._rep_of(r) for r in c) & fold for c, _ in chunks]
        sizes = [len(c) for c, _ in chunks]
        assert sizes[0] >= len(rels) // 4 and max(sizes[-3:]) <= size // 2, sizes
        assert all(n >= size // 8 for n in sizes[:-1]), sizes
        left = len(rels)
        for n in sizes[:-1]:  # each a quarter of what was left (and the rest of a folded rep)
            want = max(size // 8, 50, -(-left // 4))
            assert want <= n < want + (100 if fold else 1), sizes
            left -= n


def test_a_rep_too_big_for_one_chunk_is_folded_in_the_main_process(tmp_path, monkeypatch):
    from onenotes.reading.notebook import load_notebook

    for day in range(1, 29):  # one rep, 28 notes: more than a chunk of 7
        write(tmp_path / "ann" / f"2026-02-{day:02d}.md",
              f"---\nrep: ann\ncommitments:\n  - id: c{day}\n    text: Call {day}\n    due: 2026-03-01\n---\n")
    write(tmp_path / "onenotes.yaml", "manager: Sam\n")
    monkeypatch.setattr(cache, "PARALLEL_MIN", 2)
    monkeypatch.setattr(cache, "_chunk_size", lambda notes, jobs: 7)
    in_parent = []
    real = cache._rep_ledger
    monkeypatch.setattr(cache, "_rep_ledger", lambda rep, *a: in_parent.append(rep) or real(rep, *a))
    fresh = [e.id for e in load_notebook(tmp_path).open_entries()]
    cached = [e.id for e in load_notebook(tmp_path, cache=True, notes=False).open_entries()]
    assert cached == fresh and len(fresh) == 28
    assert in_parent == ["ann"]


def test_the_example_notebook_is_unchanged_by_a_cached_run(cli, tmp_path):
    copy = tmp_path / "acme"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns(".onenotes"))
    before = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    cli("--notebook", copy, "followups", "--today", TODAY)
    after = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*")
             if p.is_file() and ".onenotes" not in p.parts}
    assert after == before


def test_a_cache_folder_that_is_a_link_is_never_written_through(cli, acme, tmp_path, monkeypatch):
    """A notebook cloned with .onenotes -> elsewhere must not let onenotes replace files there."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "cache").write_text("someone's file\n", encoding="utf-8")
    (acme / ".onenotes").symlink_to(elsewhere, target_is_directory=True)
    result = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0 and "bob-freight-prospect-list" in result.stdout
    assert sorted(p.name for p in elsewhere.iterdir()) == ["cache"]
    assert (elsewhere / "cache").read_text(encoding="utf-8") == "someone's file\n"
    assert len(list((tmp_path / "xdg" / "onenotes").glob("*.sqlite"))) == 1


def test_the_config_of_every_shipped_notebook_is_cached_exactly():
    # A setting the cache cannot encode (a time such as meeting_time) would make
    # every warm run read onenotes.yaml again with the YAML parser.
    from onenotes.reading.config_file import load_config, read_options

    config = load_config(EXAMPLE)
    assert config.meeting_time is not None
    assert cache.decode(cache.encode(config)) == config


def test_rows_rewritten_under_a_run_are_read_from_the_notes_and_the_cache_is_kept(cli, acme, monkeypatch):
    fresh = cli("--notebook", acme, "--no-cache", "followups", "--today", TODAY, "--format", "json").stdout
    cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    note = acme / "bob-okafor" / "2026-11-16.md"  # one note changes: bob-okafor is folded from the cache
    note.write_text(note.read_text(encoding="utf-8") + "\nMore notes.\n", encoding="utf-8")
    monkeypatch.setattr(cache.Store, "rep_mentions", lambda self, rep: [])  # ...whose rows vanished meanwhile
    inode = cache_file(acme).stat().st_ino
    again = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert again.exit_code == 0 and again.stdout == fresh
    assert cache_file(acme).stat().st_ino == inode  # not thrown away and rebuilt


@pytest.mark.parametrize("plant", ["planted-call", "wrong-shape", "a-note-record"])
def test_stored_commitments_that_are_not_plain_are_refused_and_the_cache_rebuilt(cli, acme, plant, tmp_path):
    """A rep with one changed note is folded from its other notes' stored commitments
    (the mentions column): a planted or malformed row there runs nothing and changes
    nothing, the cache is dropped, and the next run starts a new one."""
    import pickle

    from onenotes.reading.note import Mention

    marker = tmp_path / "ran"
    args = ("followups", "--today", TODAY, "--format", "json")
    cli("--notebook", acme, *args)
    if plant == "planted-call":
        value = pickle.dumps([_Planted(os.system, f"touch {marker}")], protocol=5)
    elif plant == "wrong-shape":
        value = pickle.dumps([("c1", "Call", "rep", "open", "2026-11-20", None, None, 3, "body", None)], protocol=5)
    else:
        value = cache.encode([Mention("c1", "Call", "rep", "open", None, None, None, 3, "body")])
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


def test_a_note_changed_and_read_without_its_body_loses_the_old_body(cli, acme):
    """kpis keeps whole notes; followups then reads a changed note for its commitments
    only, and must drop the body kept for the old version (else kpis would show it)."""
    cli("--notebook", acme, "kpis", "--format", "json")
    note = acme / "bob-okafor" / "2026-11-16.md"
    text = note.read_text(encoding="utf-8")
    assert "  revenue: 18900\n" in text
    note.write_text(text.replace("  revenue: 18900\n", "  revenue: 18000\n"), encoding="utf-8")
    cli("--notebook", acme, "followups", "--today", TODAY)
    with sqlite3.connect(cache_file(acme)) as conn:
        stored = {p for (p,) in conn.execute("SELECT path FROM bodies")}
    conn.close()
    assert len(stored) == 22 and "bob-okafor/2026-11-16.md" not in stored
    fresh = cli("--notebook", acme, "--no-cache", "kpis", "--format", "json")
    assert "18000" in fresh.stdout
    assert cli("--notebook", acme, "kpis", "--format", "json").stdout == fresh.stdout


def test_parsing_notes_leaves_no_cycles_for_the_collector_paused_in_workers(broken, tmp_path):
    """Worker processes parse their chunk with the cyclic collector paused (it found
    nothing to free and cost ~10 us a note): that holds only while parsing makes no
    reference cycles, which this checks on good, broken and generated notes; and the
    collector runs again after the chunk, as it was."""
    import gc
    import importlib.util

    from onenotes.reading.config_file import load_config, read_options
    from onenotes.reading.layout import scan

    spec = importlib.util.spec_from_file_location("generate", Path(__file__).parents[2] / "benchmarks"
                                                  / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generated = tmp_path / "generated"
    generate.generate(generated, 200, 7)
    # What parsing loads once, the first time a note needs it (markdown-it for private
    # markup, with its parser), is loaded first: modules and classes are not garbage.
    from onenotes.reading.privacy import private_markup_problems

    assert private_markup_problems("<!-- private -->\n", "ann/2026-01-05.md")
    for root in (broken, generated):
        rels = scan(root).notes
        options = read_options(load_config(root))
        reps = frozenset(rel.partition("/")[0] for rel in rels)
        for keep in ("index", "data", "note"):
            gc.collect()
            gc.disable()
            try:
                rows, _ = cache._parse_chunk(str(root), rels, options, 0, keep, reps)
                assert any(not r.readable or r.problems for r in rows) or root == generated
                del rows
                assert gc.collect() == 0, f"parsing {root.name} with keep={keep} left cycles"
            finally:
                gc.enable()
    rels = scan(broken).notes
    for running in (True, False):
        (gc.enable if running else gc.disable)()
        try:
            sent, _ = cache._parse_chunk_sent(str(broken), rels, read_options(load_config(broken)), 0, "index")
            assert gc.isenabled() is running and len(sent) == len(rels)
        finally:
            gc.enable()


def test_a_note_read_for_its_commitments_only_is_read_whole_when_a_command_asks_for_notes(tmp_path, monkeypatch):
    from onenotes.reading.notebook import load_notebook

    write(tmp_path / "onenotes.yaml", "manager: Sam\n")
    write(tmp_path / "ann" / "2026-02-02.md",
          "---\nmetrics:\n  revenue: 1200\nbehaviour_plan:\n  sales_calls: 40\n"
          "commitments:\n  - id: c1\n    text: Call Acme\n    due: 2026-03-01\n---\n")

    def cannot_encode(mentions):  # the row cannot be kept: its Note stays in the row for this run
        raise TypeError("not encodable")

    monkeypatch.setattr(cache, "encode_mentions", cannot_encode)
    book = load_notebook(tmp_path, cache=True, notes=False)
    assert [e.id for e in book.open_entries()] == ["c1"]
    [note] = book.notes
    assert [(m.name, m.actual) for m in note.metrics] == [("revenue", 1200)]
    assert note.behaviour_plan == {"sales_calls": 40}


def test_a_chunk_holds_one_rep_s_notes_at_a_time_while_folding(broken, monkeypatch):
    """Each rep is folded when its last note is read and its notes let go then: a chunk of
    a 100,000-note first run would otherwise hold thousands of parsed notes at once."""
    from onenotes.rules import commitments as ledger
    from onenotes.reading.config_file import load_config, read_options
    from onenotes.reading.layout import scan

    rels = scan(broken).notes
    options = read_options(load_config(broken))
    reps = frozenset(rel.partition("/")[0] for rel in rels)
    made = []
    real_parse, real_build = cache.parse_row, ledger.build_ledger
    monkeypatch.setattr(cache, "parse_row", lambda *a, **k: made.append(real_parse(*a, **k)) or made[-1])
    held_at_each_fold = []

    def build(notes):
        held_at_each_fold.append({row.rep for row in made if row.note is not None})
        return real_build(notes)

    monkeypatch.setattr(ledger, "build_ledger", build)
    rows, ledgers = cache._parse_chunk(str(broken), rels, options, 0, "index", reps)
    assert len(held_at_each_fold) == len(reps) > 2
    assert all(len(held) <= 1 for held in held_at_each_fold), held_at_each_fold
    monkeypatch.setattr(ledger, "build_ledger", real_build)

    def alone(rep):  # the rep's notes parsed whole, then folded
        own = [rel for rel in rels if rel.startswith(rep + "/")]
        notes = [row.note for row in cache._parse_chunk(str(broken), own, options, 0, "note")[0] if row.readable]
        return cache.encode_entries(ledger.open_commitments(real_build(notes)))

    assert ledgers == {rep: alone(rep) for rep in reps}


def test_a_rep_whose_notes_are_not_together_is_folded_from_all_of_them(broken):
    from onenotes.reading.config_file import load_config, read_options
    from onenotes.reading.layout import scan

    rels = scan(broken).notes
    options = read_options(load_config(broken))
    reps = frozenset(rel.partition("/")[0] for rel in rels)
    together = cache._parse_chunk(str(broken), rels, options, 0, "index", reps)
    shuffled = rels[1::2] + rels[0::2]  # every rep cut in two
    assert cache._apart(shuffled) == reps - {rep for rep in reps if sum(r.startswith(rep + "/") for r in rels) < 2}
    apart = cache._parse_chunk(str(broken), shuffled, options, 0, "index", reps)
    assert apart[1] == together[1]
    assert all(row.note is None for row in apart[0] if row.key is not None)
