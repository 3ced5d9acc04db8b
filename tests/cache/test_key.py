"""What a cached note is keyed by (its stat; its content hash while its times are too
recent to trust), and the format version that rebuilds the cache when the parser changes
(onenotes/reading/cache/key.py)."""

from __future__ import annotations

import ast
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import TODAY
from onenotes.reading.cache import key
from support.cachekit import cache_file, cache_on, parses, query, resum  # noqa: F401  (fixtures)

PACKAGE = Path(key.__file__).parents[2]  # onenotes/


# ------------------------------------------------------ the note's key ---

def _coarse(st):
    """A file system with one-second timestamps and no separate ctime (FAT, some network
    shares): two writes in the same second with the same size look the same to stat."""
    second = st.st_mtime_ns // 1_000_000_000 * 1_000_000_000
    return os.stat_result(list(st), {"st_mtime_ns": second, "st_ctime_ns": second, "st_atime_ns": second})


def _same_second_same_size_edit(cli, acme, monkeypatch, racy_ns):
    monkeypatch.setattr(key, "seen", _coarse)
    # The window is wide here so that a slow, loaded machine cannot turn the
    # edit "within the same second" into an old one.
    monkeypatch.setattr(key, "RACY_NS", racy_ns)
    note = acme / "bob-okafor" / "2026-11-16.md"
    note.write_bytes(note.read_bytes())  # written just now, as by an editor
    before = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert "Build a list of 50" in before.stdout
    st = os.stat(note)
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("Build a list of 50", "Build a list of 70"), encoding="utf-8")
    os.utime(note, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same second, the same size
    assert key.stat_key(key.lstat(str(note))) == key.stat_key(_coarse(st))
    return cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")


def test_an_edit_in_the_same_second_with_the_same_size_is_seen(cli, acme, monkeypatch):
    after = _same_second_same_size_edit(cli, acme, monkeypatch, 600 * 10**9)
    assert "Build a list of 70" in after.stdout


def test_without_the_content_hash_that_edit_would_be_missed(cli, acme, monkeypatch):
    """Proves the test above sets up a change that stat alone cannot see."""
    after = _same_second_same_size_edit(cli, acme, monkeypatch, 0)
    assert "Build a list of 50" in after.stdout


def test_a_racy_entry_is_confirmed_once_its_time_is_old(cli, acme, monkeypatch):
    monkeypatch.setattr(key, "RACY_NS", 600 * 10**9)  # every note was written "just now"
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert query(acme, "SELECT count(*) FROM notes WHERE racy = 1")[0][0] > 0
    monkeypatch.setattr(key, "RACY_NS", 0)  # as if the notes were written long ago
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert query(acme, "SELECT count(*) FROM notes WHERE racy = 1")[0][0] == 0


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


# --------------------------------------------------- the format version ---

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
    copy = tmp_path / "onenotes"
    shutil.copytree(PACKAGE, copy)
    assert key.format_version(copy) == key.format_version()
    with open(copy / "reading" / "tasks.py", "a", encoding="utf-8") as fh:
        fh.write("\n# a change to the task scanner\n")
    assert key.format_version(copy) != key.format_version()


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
    """A new parsing module must be listed in key.SOURCES, or old caches would be served."""
    seen, todo = set(), ["reading.note", "reading.notefile", "reading.notebook", "rules.commitments",
                         "reading.cache"]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(m for m in _onenotes_imports(module) if not m.startswith("cli"))
    missing = {_source_of(m) for m in seen} - set(key.SOURCES)
    assert not missing, f"add to key.SOURCES: {sorted(missing)}"


def _meta(root: Path) -> dict:
    return dict(query(root, "SELECT key, value FROM meta"))


@pytest.fixture
def hashes(monkeypatch):
    """How many times the parser's sources were read and hashed since the fixture started."""
    calls = []
    real = key.format_version

    def counting(folder=None):
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(key, "format_version", counting)
    monkeypatch.setattr(key, "RACY_NS", 0)  # the package's files may have been written a moment ago
    return calls


def test_a_format_checked_once_is_trusted_while_the_sources_keep_their_stat(cli, acme, hashes):
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert hashes and _meta(acme)["sources"] == key.sources_key()
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
    assert _meta(acme)["sources"] == key.sources_key()  # ...and trusted from now on


def test_sources_changed_in_the_last_seconds_are_always_hashed(cli, acme, hashes, monkeypatch):
    monkeypatch.setattr(key, "RACY_NS", 10**20)  # every file "just written"
    assert key.sources_key() == ""
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert "sources" not in _meta(acme)
    hashes.clear()
    cli("--notebook", acme, "followups", "--today", TODAY)
    assert hashes  # no shortcut without a stat to trust


def test_the_sources_key_changes_when_a_source_is_rewritten_with_the_same_size_and_times(
        tmp_path, monkeypatch):
    monkeypatch.setattr(key, "RACY_NS", 0)
    copy = tmp_path / "onenotes"
    shutil.copytree(PACKAGE, copy)
    before = key.sources_key(copy)
    assert before and before != key.sources_key()  # other files: other inodes
    target = copy / "reading" / "tasks.py"
    st = target.stat()
    data = target.read_bytes()
    target.write_bytes(data.replace(b"def ", b"def_", 1)[:len(data)])  # an edit of the same size...
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # ...with the times a build would give it
    if target.stat().st_ctime_ns == st.st_ctime_ns:
        pytest.skip("this file system keeps change times too coarse to tell")
    assert key.sources_key(copy) != before
