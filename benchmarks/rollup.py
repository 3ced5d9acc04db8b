"""Time `onenotes rollup` on a generated region and print the figures of docs/performance.md.

It generates (once, kept in the work folder) ``--notebooks`` notebooks of ``--notes`` notes
each (benchmarks/generate.py: ten reps of 100 weekly notes in each notebook, a seed of
its own) and a rollup.yaml listing them, then prints the median of several runs of:

* cold: no cache anywhere (every notebook's cache and the roll-up's figures deleted):
  every note is parsed and every notebook's figures computed;
* warm: nothing changed since the last run (the figure the issue sets: under 2 s for
  50 notebooks and 50,000 notes on a 2-core machine);
* the next day: no note changed, the day did (what a director running it every
  morning sees);
* one note edited: one notebook's figures computed again, the others kept;
* warm, --no-cache: every note read and every figure computed, as a check of what the
  kept figures save;

with the peak memory of the onenotes process, and where a warm run's time goes (one
profile).  It asserts nothing: it prints.  Examples:

    python benchmarks/rollup.py                             # 50 notebooks, 50,000 notes
    python benchmarks/rollup.py --notebooks 5 --runs 1      # a smoke run
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402
from run import machine, onenotes_command, timed  # noqa: E402

TODAY = "2026-11-02"  # a week after the generated notebooks' last one-on-ones


def region(workdir: Path, notebooks: int, notes: int) -> Path:
    """The generated notebooks and their rollup.yaml (generated once, then reused)."""
    folder = workdir / f"region-{notebooks}x{notes}"
    if not (folder / ".generated").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for i in range(notebooks):
            print(f"generating notebook {i + 1} of {notebooks} ({notes} notes) ...", file=sys.stderr, flush=True)
            generate(folder / f"team-{i + 1:03d}", notes, seed=1000 + i)
        lines = ["title: Generated region", "notebooks:"]
        lines += [f"  - name: Team {i + 1}\n    path: team-{i + 1:03d}" for i in range(notebooks)]
        (folder / "rollup.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / ".generated").write_text("ok\n")
        time.sleep(3)  # notes written this very second are read again until their times can tell
    return folder


def forget(folder: Path, cache_home: Path) -> None:
    """No cache anywhere: each notebook's, and the roll-up's kept figures."""
    for team in folder.glob("team-*"):
        shutil.rmtree(team / ".onenotes", ignore_errors=True)
    shutil.rmtree(cache_home, ignore_errors=True)


def median(runs: int, args, cwd: Path, env: dict, before=None) -> tuple[float, int]:
    """The median time and the peak memory of ``args`` (a list, or a function making one per run)."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        command = args() if callable(args) else args
        seconds, peak, code = timed(command, cwd=cwd, env=env)
        if code != 0:
            raise SystemExit(f"benchmark: {' '.join(command)} exited with {code}")
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def profile(folder: Path, env: dict) -> str:
    """Where a warm run's time goes: cProfile's top entries by cumulative time."""
    code = ("import cProfile, pstats, io, sys; from onenotes.cli import main\n"
            "p = cProfile.Profile(); p.enable()\n"
            f"try:\n    main(['rollup', '--today', '{TODAY}', '--format', 'json'])\n"
            "except SystemExit:\n    pass\n"
            "p.disable(); s = io.StringIO(); pstats.Stats(p, stream=s).sort_stats('cumulative').print_stats(18)\n"
            "sys.stderr.write(s.getvalue())\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True)
    lines = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("onenotes:")]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[start:start + 20])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=int, default=50)
    parser.add_argument("--notes", type=int, default=1000, help="notes per notebook (100 per rep)")
    parser.add_argument("--runs", type=int, default=5, help="runs per warm figure (the median is shown)")
    parser.add_argument("--cold-runs", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where the region is generated (kept for reuse)")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.gettempdir()) / "onenotes-benchmark"
    workdir.mkdir(parents=True, exist_ok=True)
    folder = region(workdir, args.notebooks, args.notes)
    cache_home = workdir / "rollup-xdg-cache"
    env = {k: v for k, v in os.environ.items() if k not in ("ONENOTES_NO_CACHE", "PYTHONDONTWRITEBYTECODE")}
    env["XDG_CACHE_HOME"] = str(cache_home)  # the roll-up's kept figures: here, not in the user's cache
    subprocess.run([sys.executable, "-c", "import compileall, os, onenotes; "
                    "compileall.compile_dir(os.path.dirname(onenotes.__file__), quiet=1)"],
                   env=env, stdout=subprocess.DEVNULL)
    rollup = [*onenotes_command(), "rollup", "--today", TODAY, "--format", "json"]
    total = args.notebooks * args.notes
    print(f"machine: {machine()}")
    print(f"region: {args.notebooks} notebooks, {total:,} notes, {total // 100:,} reps ({folder})")
    print()
    cold, cold_mem = median(args.cold_runs, rollup, folder, env, before=lambda: forget(folder, cache_home))
    timed(rollup, cwd=folder, env=env)  # the first run after a cold one writes whole notes to each cache
    time.sleep(3)
    warm, warm_mem = median(args.runs, rollup, folder, env)
    days = iter(range(1, 10**6))
    next_day = lambda: [*rollup[:-4], "--today", str(date.fromisoformat(TODAY) + timedelta(days=next(days))),  # noqa: E731
                        "--format", "json"]
    later, _ = median(args.runs, next_day, folder, env)
    victim = sorted((folder / "team-001" / "alice-nguyen").glob("*.md"))[-1]
    original = victim.read_bytes()
    counter = iter(range(1, 10**6))

    def edit():
        victim.write_bytes(original + f"\nEdited {next(counter)} times.\n".encode())

    try:
        edited, _ = median(args.runs, rollup, folder, env, before=edit)
    finally:
        victim.write_bytes(original)
    fresh, fresh_mem = median(max(1, args.runs // 2), [*onenotes_command(), "--no-cache", *rollup[1:]], folder, env)
    print("| notebooks | notes | cold | warm | the next day | one note edited | warm, --no-cache "
          "| peak memory (cold / warm) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {args.notebooks} | {total:,} | {cold:.2f} s | {warm:.2f} s | {later:.2f} s | {edited:.2f} s | "
          f"{fresh:.2f} s | {cold_mem // 1024} / {warm_mem // 1024} MB |")
    if not args.no_profile:
        timed(rollup, cwd=folder, env=env)  # warm again after the edits (the note's stat changed back)
        print()
        print("A warm run, profiled (cumulative seconds):")
        print()
        print(profile(folder, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
