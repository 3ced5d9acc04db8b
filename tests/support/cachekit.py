"""Helpers for the tests of the cache (onenotes/reading/cache/): a notebook with broken
notes, what commands print, and a tamperer's tools for the cache file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import TODAY, write
from onenotes.reading.cache.codec import row_sum
from onenotes.reading.cache.file import meta_row

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


def break_notes(root: Path) -> Path:
    """Add BROKEN's notes to the notebook at ``root``, and one that is not UTF-8."""
    for rel, text in BROKEN.items():
        write(root / rel, text)
    (root / "carla-mendes" / "2026-10-26.md").write_bytes(b"---\nrep: carla\n---\n\xff\xfe bad bytes\n")
    return root


def outputs(cli, root, *extra, commands=COMMANDS):
    """(exit code, stdout, stderr) of each command run on ``root`` (``extra``: global options)."""
    return [(r.exit_code, r.stdout, r.stderr) for r in
            (cli("--notebook", root, *extra, *args) for args in commands)]


def cache_file(root: Path) -> Path:
    return root / ".onenotes" / "cache"


def query(root: Path, sql: str, *args) -> list[tuple]:
    """The rows of one query of the notebook's cache file (committed, the file closed after)."""
    conn = sqlite3.connect(cache_file(root))
    try:
        with conn:
            return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


# Each table's columns that its row sum covers, in order (the sum is the last column).
SUMMED = {
    "meta": ("key", "value"),
    "notes": ("path", "rep", "key", "racy", "digest", "readable", "problems", "mentions"),
    "bodies": ("path", "data"),
    "ledgers": ("rep", "open"),
    "checks": ("name", "key", "problems"),
}


def resum(path: Path) -> None:
    """Give every row of the cache at ``path`` the sum of what it holds now, and the
    counts in meta the numbers of rows they count: as a tamperer who knows how the
    cache checks itself would.  (Without it, a planted row is refused for its sum
    before the decoding it means to test ever sees it.)"""
    with sqlite3.connect(path) as conn:
        for table, columns in SUMMED.items():
            rows = conn.execute(f"SELECT rowid, {', '.join(columns)} FROM {table}").fetchall()
            conn.executemany(f"UPDATE {table} SET sum = ? WHERE rowid = ?",
                             [(row_sum(*row[1:]), row[0]) for row in rows])
        special = conn.execute("SELECT count(*) FROM notes"
                               " WHERE racy = 1 OR readable = 0 OR problems IS NOT NULL").fetchone()[0]
        found = conn.execute("SELECT count(*) FROM checks WHERE problems IS NOT NULL").fetchone()[0]
        conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)",
                         [meta_row("special", special), meta_row("found", found)])
    conn.close()


def generate_notebook(root: Path, notes: int, seed: int) -> Path:
    """A generated notebook (benchmarks/generate.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", Path(__file__).parents[2] / "benchmarks"
                                                  / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(root, notes, seed)
    return root


# ------------------------------------------------------------ fixtures ---
# Imported by each test module of tests/cache (`from support.cachekit import cache_on, ...`).

@pytest.fixture(autouse=True)
def cache_on(monkeypatch):
    """The cache turned on (the suite runs with ONENOTES_NO_CACHE=1, see tests/conftest.py)."""
    monkeypatch.delenv("ONENOTES_NO_CACHE", raising=False)


@pytest.fixture
def parses(monkeypatch):
    """The notes parsed in this process since the fixture started."""
    import onenotes.reading.notefile as notefile

    calls = []
    real = notefile.parse_note_bytes

    def counting(rel, data, options, *args):
        calls.append(rel)
        return real(rel, data, options, *args)

    monkeypatch.setattr(notefile, "parse_note_bytes", counting)
    return calls


@pytest.fixture
def broken(acme) -> Path:
    """The example notebook with broken notes (warnings are kept in the cache too)."""
    return break_notes(acme)
