"""The reliability figures of docs/reliability.md: kills, races, readers, hostile inputs, fuzzing.

    python tests/support/reliability_figures.py --kills 500 --races 20 --processes 20

runs the crash and race loops of tests/support/crashkit.py at the given sizes (the
test suite runs them small), then, when they are there, the hostile-input
catalog (tests/support/hostile_cases.py) and the note-reader fuzzer
(tests/fuzz/fuzz_note_reader.py).  It prints a table of figures (``--json``:
the same as JSON on stdout) and exits 1 when any figure that must be zero is
not.  Progress goes to stderr.  It takes a few minutes at the sizes above.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # tests/
sys.path[:0] = [str(HERE), str(HERE / "fuzz")]

from support import crashkit  # noqa: E402


def _optional(module: str, function: str):
    """``module.function``, or None when the other helpers' harness is not there."""
    try:
        return getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _add(total: dict, part: dict) -> None:
    for key, value in part.items():
        if key == "problems":
            total.setdefault("problems", []).extend(value)
        elif key == "processes":
            total[key] = value
        else:
            total[key] = total.get(key, 0) + value


def collect(args, work: Path) -> list[tuple[str, str, object, bool]]:
    """(section, figure, value, must_be_zero) rows, and the problems found."""
    rows: list[tuple[str, str, object, bool]] = []
    problems: list[str] = []

    if args.kills:
        _say(f"kill loop: {args.kills} iterations ...")
        start = time.monotonic()
        step = max(1, args.kills // 10)
        kills = crashkit.kill_loop(args.kills, work / "kills", seed=args.seed,
                                   progress=lambda i: i % step == 0 and _say(f"  {i}/{args.kills}"))
        problems += kills["problems"]
        rows += [
            ("kill loop", "runs of `new` started", args.kills, False),
            ("kill loop", "SIGKILLs sent", kills["kills"], False),
            ("kill loop", "runs killed part-way", kills["killed_mid_run"], False),
            ("kill loop", "  of them inside the write (temporary file left)", kills["killed_in_write"], False),
            ("kill loop", "  of them after the link (whole note there)", kills["notes_after_kill"], False),
            ("kill loop", "partial or empty notes", kills["partial_files"], True),
            ("kill loop", "other files changed or lost", kills["changed_files"], True),
            ("kill loop", "next runs of `new` that failed", kills["next_run_failures"], True),
            ("kill loop", "temporary files left at the end", kills["tmp_left"], False),
            ("kill loop", "reading commands misled by them", kills["tmp_not_ignored"], True),
            ("kill loop", "seconds", round(time.monotonic() - start), False),
        ]

    for another, count in ((False, args.races), (True, args.another_races)):
        if not count:
            continue
        name = "races, --another" if another else "races, same note"
        _say(f"{name}: {count} races of {args.processes} processes ...")
        total: dict = {}
        for n in range(count):
            _add(total, crashkit.race_new(args.processes, work / f"race-{int(another)}-{n}", another=another))
        problems += total["problems"]
        rows += [
            (name, "races run", count, False),
            (name, "processes per race", args.processes, False),
            (name, "processes that wrote a note", total["winners"], False),
            (name, "processes refused with a clear error", total["clear_errors"], False),
            (name, "other failures (unclear message, wrong exit)", total["unclear_losers"], True),
            (name, "tracebacks", total["tracebacks"], True),
            (name, "races with the wrong notes written", total["wrong_note_count"], True),
            (name, "notes not whole, or wrong paths printed", total["bad_notes"], True),
            (name, "other files changed or lost", total["changed_files"], True),
        ]

    if args.reader_seconds:
        _say(f"readers during writes: {args.reader_seconds} s ...")
        readers = crashkit.readers_during_writes(work / "readers", seconds=args.reader_seconds)
        problems += readers["problems"]
        rows += [
            ("readers", "command runs (followups, check)", readers["reads"], False),
            ("readers", "note reads", readers["note_reads"], False),
            ("readers", "notes written meanwhile", readers["notes_written"], False),
            ("readers", "half notes seen", readers["half_notes_seen"], True),
            ("readers", "bad outputs (invalid JSON, warnings, errors)", readers["bad_reads"], True),
            ("readers", "writer failures", readers["writer_failures"], True),
        ]

    run_all = None if args.no_hostile else _optional("hostile_cases", "run_all")
    if run_all is not None:
        _say("hostile-input catalog ...")
        (work / "hostile").mkdir()
        hostile = run_all(work / "hostile")
        rows += [
            ("hostile inputs", "cases", hostile["cases"], False),
            ("hostile inputs", "command runs", hostile["command_runs"], False),
            ("hostile inputs", "crashes", hostile["crashes"], True),
            ("hostile inputs", "unexpected outcomes", len(hostile["unexpected"]), True),
        ]
        problems.extend(str(u) for u in hostile["unexpected"])
    elif not args.no_hostile:
        rows.append(("hostile inputs", "not run (tests/support/hostile_cases.py has no run_all)", "-", False))

    fuzz = None if not args.fuzz_seconds else _optional("fuzz_note_reader", "run")
    if fuzz is not None:
        _say(f"fuzzing the note reader: {args.fuzz_seconds} s ...")
        fuzzed = fuzz(args.fuzz_seconds)
        rows += [
            ("fuzzing", "inputs", fuzzed["inputs"], False),
            ("fuzzing", "crashes", fuzzed["crashes"], True),
        ]
    elif args.fuzz_seconds:
        rows.append(("fuzzing", "not run (tests/fuzz/fuzz_note_reader.py has no run)", "-", False))
    return rows, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=500, help="runs of `new` to kill (default 500)")
    parser.add_argument("--races", type=int, default=20, help="races for one note (default 20)")
    parser.add_argument("--another-races", type=int, default=5, help="races with --another (default 5)")
    parser.add_argument("--processes", type=int, default=20, help="processes per race (default 20)")
    parser.add_argument("--reader-seconds", type=float, default=10, help="readers during writes (default 10)")
    parser.add_argument("--fuzz-seconds", type=float, default=60, help="note-reader fuzzing, 0 to skip (default 60)")
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile-input catalog")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random kill times")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (printed)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="onenotes-reliability-"))
    try:
        rows, problems = collect(args, work)
    finally:
        if args.keep:
            _say(f"scratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    failed = [(section, figure, value) for section, figure, value, zero in rows if zero and value != 0]
    if args.json:
        print(json.dumps({"figures": [{"section": s, "figure": f, "value": v, "must_be_zero": z}
                                      for s, f, v, z in rows],
                          "failed": len(failed), "problems": problems}, indent=2))
    else:
        width = max(len(f"{s}: {f}") for s, f, _, _ in rows) if rows else 0
        print(f"{'figure':<{width}}  {'value':>8}  must be 0")
        for section, figure, value, zero in rows:
            print(f"{section + ': ' + figure:<{width}}  {value!s:>8}  {'yes' if zero else ''}")
        for problem in problems[:50]:
            _say(f"problem: {problem}")
        print("FAILED: " + ", ".join(f"{s}: {f} = {v}" for s, f, v in failed) if failed
              else "all must-be-zero figures are zero")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
