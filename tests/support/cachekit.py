"""Helpers for tests that reach into the cache file (onenotes/cache.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import onenotes.reading.cache as cache

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
                             [(cache.row_sum(*row[1:]), row[0]) for row in rows])
        special = conn.execute("SELECT count(*) FROM notes"
                               " WHERE racy = 1 OR readable = 0 OR problems IS NOT NULL").fetchone()[0]
        found = conn.execute("SELECT count(*) FROM checks WHERE problems IS NOT NULL").fetchone()[0]
        conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)",
                         [cache._meta_row("special", special), cache._meta_row("found", found)])
    conn.close()
