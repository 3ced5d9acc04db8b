"""What ``check`` found, kept in the cache so that a warm check lints no note again.

Per note under its stat key, and per rep (name ``"rep/"``, for the rules that read
all of a rep's notes) under a hash of the paths and stat keys of that rep's notes;
all under a fingerprint of ``onenotes.yaml`` and of the rules' code (another
fingerprint: everything kept is forgotten).  ``check`` decides what to look up and
what to keep; this is only where it is kept.
"""

from __future__ import annotations

from onenotes.errors import Problem
from onenotes.reading.cache.codec import Damaged, decode_checked, encode


class KeptFindings:
    """The findings kept under one fingerprint (none when it changed, or the cache is
    damaged there), and the way to keep new ones."""

    def __init__(self, store, fingerprint: str):
        self._store = store
        self.fingerprint = fingerprint
        kept = store.checks(fingerprint)
        self._current = kept is not None  # else everything kept before is forgotten on save
        self._keys, self._problems = kept or ({}, {})

    def names(self) -> list[str]:
        """Every name something is kept for."""
        return list(self._keys)

    def get(self, name: str, key: str | None) -> list[Problem] | None:
        """What was found for ``name`` when it had ``key``; None when nothing is kept for
        that key (or what is kept does not decode: it is worked out again)."""
        if key is None or self._keys.get(name) != key:
            return None
        if name not in self._problems:
            return []
        try:
            return decode_checked(self._problems[name], "Problem", many=True)
        except Damaged:
            return None

    def save(self, found: list[tuple[str, str, list[Problem]]], removed: list[str]) -> bool:
        """Keep ``found`` ((name, key, problems) worked out in this run), and forget the
        names ``removed``; False when another process is writing the cache (nothing kept)."""
        if not (found or removed or not self._current):
            return True
        return self._store.put_checks(self.fingerprint, [(name, key, encode(problems) if problems else None)
                                                         for name, key, problems in found],
                                      removed, reset=not self._current)
