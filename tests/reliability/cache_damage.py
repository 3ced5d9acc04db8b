"""Damage the cache file every way a disk, a crash or a person can, and check that
nothing a command prints changes.

Each trial puts back a whole cache of a notebook (written by ``followups``,
``check`` and ``kpis``), damages it one way (see :data:`KINDS`), and runs
``followups --format json``, ``check --format json`` and ``kpis --format json``
through it twice.  Every run must print exactly what ``--no-cache`` prints (stdout,
stderr and exit code) without a traceback; and after the two runs the cache must
be whole again (SQLite's integrity check) or gone, to be made anew next run.

    python tests/reliability/cache_damage.py --trials 2000 --seed 1
    python tests/reliability/cache_damage.py --kinds flip,truncate --trials 200

prints the figures by kind of damage, and exits 1 when a must-be-0 figure is not 0.
tests/cache/test_damage.py runs a few dozen trials of it on every test run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

TESTS = Path(__file__).resolve().parent.parent
EXAMPLE = TESTS.parent / "examples" / "acme-sales"
TODAY = "2026-11-23"
COMMANDS = [
    ("followups", "--today", TODAY, "--format", "json"),
    ("check", "--format", "json"),
    ("kpis", "--format", "json"),
]
# Notes with problems, so that the cache keeps warnings too (they must come back the same).
BROKEN = {
    "ann/2026-11-09.md": b"---\nrep: ann\nmetrics: [1, 2\n---\nbroken YAML\n",
    "ann/2026-11-16.md": b"---\nrep: ann\ncommitments:\n  - text: Send the deck\n    due: next friday\n---\n"
                         b"- [?] Odd marker task\n",
    "carla-mendes/2026-10-26.md": b"---\nrep: carla\n---\n\xff\xfe bad bytes\n",
}


class _Entry:
    """The real entry point, onenotes.cli.main, for CliRunner (as tests/conftest.py)."""

    name = "onenotes"

    def main(self, args=None, prog_name=None, **extra):
        from onenotes.cli import main

        main(list(args or ()))


def run_command(root: Path, args, cache: bool = True):
    """(exit code, stdout, stderr, crash): one command in this process."""
    runner = CliRunner()
    extra = () if cache else ("--no-cache",)
    result = runner.invoke(_Entry(), ["--notebook", str(root), *extra, *args],
                           env={"ONENOTES_NO_CACHE": None})
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = f"{type(result.exception).__name__}: {result.exception}"
    elif "Traceback" in result.stderr:
        crash = result.stderr
    return result.exit_code, result.stdout, result.stderr, crash


def make_notebook(folder: Path) -> Path:
    root = folder / "acme-sales"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".onenotes"))
    for rel, data in BROKEN.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    old = time.time() - 3600  # older than the racy window: rows the way a warm run finds them
    for path in root.rglob("*.md"):
        os.utime(path, (old, old))
    return root


# ------------------------------------------------------------------ damage ---

def _flip(data: bytearray, rng: random.Random, start: int = 0, end: int | None = None, count: int = 1) -> None:
    end = len(data) if end is None else min(end, len(data))
    for _ in range(count):
        at = rng.randrange(start, end)
        data[at] ^= rng.randrange(1, 256)


def _text_in_row(data: bytearray, rng: random.Random) -> None:
    """One byte of a text stored in a row (a rep's name, a commitment, a path...) changed."""
    words = [b"alice-nguyen", b"bob-okafor", b"carla-mendes", b"revenue", b"warning", b".md", b"Send"]
    word = rng.choice(words)
    spots = []
    at = data.find(word)
    while at >= 0:
        spots.append(at)
        at = data.find(word, at + 1)
    if not spots:
        _flip(data, rng)
        return
    at = rng.choice(spots) + rng.randrange(len(word))
    data[at] = rng.choice(b"+?xZ0\xff\x00")


def damage(path: Path, pristine: bytes, rng: random.Random, kind: str) -> None:
    """Put ``pristine`` back at ``path`` and damage it as ``kind`` says."""
    data = bytearray(pristine)
    page = int.from_bytes(pristine[16:18], "big") or 65536
    journal = Path(str(path) + "-journal")
    if kind == "flip":  # one to four bytes anywhere
        _flip(data, rng, count=rng.randint(1, 4))
    elif kind == "flip-header":  # the file header and the schema (page 1)
        _flip(data, rng, 0, page, count=rng.randint(1, 2))
    elif kind == "flip-page":  # many bytes of one page (a torn write)
        start = rng.randrange(0, len(data) // page) * page
        _flip(data, rng, start, start + page, count=rng.randint(2, 64))
    elif kind == "row-text":
        _text_in_row(data, rng)
    elif kind == "zero-page":
        start = rng.randrange(0, len(data) // page) * page
        data[start:start + page] = bytes(page)
    elif kind == "truncate":
        del data[rng.randrange(0, len(data)):]
    elif kind == "garbage":  # not SQLite at all
        data = bytearray(rng.randbytes(rng.randrange(0, 3 * page)))
    elif kind == "journal":  # a journal left by a killed writer: garbage, or pages of the file
        if rng.random() < 0.5:
            journal.write_bytes(rng.randbytes(rng.randrange(1, 2 * page)))
        else:
            head = bytearray(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7") + bytearray(rng.randbytes(20))
            journal.write_bytes(bytes(head) + bytes(pristine[:page]) * rng.randint(1, 3))
        if rng.random() < 0.5:
            _flip(data, rng)
    elif kind == "directory":  # an empty folder where the file was
        path.mkdir()
        return
    else:
        raise ValueError(f"unknown kind {kind}")
    path.write_bytes(bytes(data))


KINDS = ("flip", "flip-header", "flip-page", "row-text", "zero-page", "truncate", "garbage", "journal",
         "directory")


def healed(path: Path) -> bool:
    """The cache is whole (or gone, to be made next run)."""
    if not path.exists():
        return True
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - (a damaged name in SQLite's message: UnicodeDecodeError)
        return False


# ------------------------------------------------------------------ trials ---

FIGURES = ("trials", "command runs", "outputs unlike --no-cache", "tracebacks", "caches not whole after two runs")
MUST_BE_ZERO = ("outputs unlike --no-cache", "tracebacks")


class Harness:
    """A notebook, what ``--no-cache`` prints for it, and a whole cache of it to damage."""

    def __init__(self, folder: Path):
        self.root = make_notebook(folder)
        self.expected = [run_command(self.root, args, cache=False)[:3] for args in COMMANDS]
        for args in COMMANDS:  # written cold, then read warm once, so every table has rows
            run_command(self.root, args)
        for args in COMMANDS:
            run_command(self.root, args)
        self.cache = self.root / ".onenotes" / "cache"
        self.pristine = self.cache.read_bytes()

    def reset(self) -> None:
        folder = self.cache.parent
        for child in folder.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            elif child.name != ".gitignore":
                child.unlink()

    def trial(self, rng: random.Random, kind: str) -> dict:
        """One damage and two runs of every command: the figures of this trial."""
        self.reset()
        damage(self.cache, self.pristine, rng, kind)
        found = dict.fromkeys(FIGURES[1:], 0)
        found["failures"] = []
        for _ in range(2):
            for args, expected in zip(COMMANDS, self.expected):
                code, out, err, crash = run_command(self.root, args)
                found["command runs"] += 1
                if crash:
                    found["tracebacks"] += 1
                    found["failures"].append((kind, args[0], crash[-2000:]))
                elif (code, out, err) != expected:
                    found["outputs unlike --no-cache"] += 1
                    found["failures"].append((kind, args[0], f"exit {code}\n{err[-2000:]}"))
        if not healed(self.cache):
            found["caches not whole after two runs"] += 1
        return found


def run(trials: int, seed: int = 0, kinds=KINDS, folder: Path | None = None) -> dict:
    """``trials`` trials, the kinds taken in turn; the figures, overall and by kind."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="onenotes-cache-damage-") as tmp:
        harness = Harness(Path(folder or tmp))
        totals = {"trials": 0, **dict.fromkeys(FIGURES[1:], 0)}
        by_kind = {kind: dict(totals) for kind in kinds}
        failures = []
        for number in range(trials):
            kind = kinds[number % len(kinds)]
            found = harness.trial(rng, kind)
            failures.extend(found.pop("failures"))
            for figures in (totals, by_kind[kind]):
                figures["trials"] += 1
                for name, value in found.items():
                    figures[name] += value
    return {"totals": totals, "by_kind": by_kind, "failures": failures}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated, of: " + ", ".join(KINDS))
    args = parser.parse_args(argv)
    os.environ.pop("ONENOTES_NO_CACHE", None)
    started = time.monotonic()
    result = run(args.trials, args.seed, tuple(args.kinds.split(",")))
    seconds = time.monotonic() - started
    print(f"| damage | {' | '.join(FIGURES)} |")
    print("| --- |" + " ---: |" * len(FIGURES))
    for kind, figures in result["by_kind"].items():
        print(f"| {kind} | " + " | ".join(f"{figures[name]:,}" for name in FIGURES) + " |")
    print("| **all** | " + " | ".join(f"**{result['totals'][name]:,}**" for name in FIGURES) + " |")
    print(f"\n{seconds:.0f} s, seed {args.seed}; must be 0: {', '.join(MUST_BE_ZERO)}")
    for kind, command, text in result["failures"][:10]:
        print(f"\n--- {kind}, {command}:\n{text}", file=sys.stderr)
    return 1 if any(result["totals"][name] for name in MUST_BE_ZERO) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(TESTS))
    sys.exit(main())
