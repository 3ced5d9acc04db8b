"""Time first runs (no cache) and warm runs of several commands for two or more onenotes builds.

Each build is an ``onenotes`` executable (for instance the scripts of two virtual
environments, one per checkout).  The builds are timed in turns, round after
round, on the same generated notebooks, so that a shared machine's drift over
minutes falls on all of them alike; the medians (and the range) are printed.
Each round, for each command and build: the cache is deleted, the command runs
once (its first run, which writes the cache: "cold"), then again ("warm").
``new`` writes a note for a date far in the future, deleted after each run.
It asserts nothing: it prints.

    python benchmarks/compare.py --build before=/tmp/venv-a/bin/onenotes \\
        --build after=/tmp/venv-b/bin/onenotes --sizes 1000,10000 --rounds 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CPU, machine, notebook, timed  # noqa: E402

NEW_DATE = "2031-01-06"
COMMANDS = ("followups", "new", "check", "report")


def command_args(name: str, folder: Path, rep: str) -> list[str]:
    args = {"followups": ["followups", "--format", "json"], "new": ["new", rep, "--date", NEW_DATE],
            "check": ["check"], "report": ["report"]}[name]
    return ["--notebook", str(folder), *args]


def one_run(exe: list[str], name: str, folder: Path, rep: str, env: dict) -> tuple[float, float, int]:
    """(seconds, CPU seconds, peak RSS in KiB) of one run of ``name``."""
    args = [*exe, *command_args(name, folder, rep)]
    CPU.pop(tuple(args), None)
    try:
        seconds, peak, code = timed(args, env=env)
    finally:
        written = folder / rep / f"{NEW_DATE}.md"
        if written.exists():
            written.unlink()
    if code not in (0, 1):
        raise SystemExit(f"compare: {' '.join(args)} exited with {code}")
    return seconds, CPU[tuple(args)][-1], peak


def compile_build(exe: list[str], env: dict) -> None:
    """Compile the build's bytecode once (as pip does at install), so that no run recompiles."""
    python = Path(exe[0]).with_name("python")
    if python.exists():
        subprocess.run([str(python), "-c", "import compileall, os, onenotes; "
                        "compileall.compile_dir(os.path.dirname(onenotes.__file__), quiet=1)"],
                       env=env, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="append", required=True, metavar="NAME=EXECUTABLE",
                        help="an onenotes executable to time, with a name for the table (repeat)")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated note counts")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--commands", default=",".join(COMMANDS))
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workdir", type=Path, help="where notebooks are generated (kept for reuse)")
    args = parser.parse_args(argv)
    builds = {}
    for item in args.build:
        name, _, exe = item.partition("=")
        builds[name] = [exe]
    commands = [c for c in args.commands.split(",") if c]
    workdir = args.workdir or Path(tempfile.gettempdir()) / "onenotes-benchmark"
    workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("ONENOTES_NO_CACHE", "PYTHONDONTWRITEBYTECODE")}
    for exe in builds.values():
        compile_build(exe, env)
    print(f"machine: {machine()}")
    print(f"rounds: {args.rounds}; medians, with the range in brackets; CPU: user + system, median\n")
    print("| notes | command | build | first run | CPU | warm | CPU | peak memory (first / warm) |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for size in (int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()):
        folder = notebook(workdir, size, args.seed)
        rep = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))[0]
        for path in folder.rglob("*.md"):  # the files in the page cache, as for every run after
            path.read_bytes()
        figures: dict[tuple[str, str], dict[str, list]] = {}
        for number in range(args.rounds):
            for name in commands:
                order = list(builds.items())
                if number % 2:
                    order.reverse()
                for build, exe in order:
                    shutil.rmtree(folder / ".onenotes", ignore_errors=True)
                    cold = one_run(exe, name, folder, rep, env)
                    warm = one_run(exe, name, folder, rep, env)
                    got = figures.setdefault((name, build), {"cold": [], "warm": []})
                    got["cold"].append(cold)
                    got["warm"].append(warm)
        for name in commands:
            for build in builds:
                got = figures[(name, build)]
                cells = []
                for kind in ("cold", "warm"):
                    walls = [w for w, _, _ in got[kind]]
                    cells.append(f"{statistics.median(walls):.2f} s [{min(walls):.2f}-{max(walls):.2f}]")
                    cells.append(f"{statistics.median(c for _, c, _ in got[kind]):.2f} s")
                peaks = f"{max(p for _, _, p in got['cold']) // 1024} / {max(p for _, _, p in got['warm']) // 1024} MB"
                print(f"| {size:,} | {name} | {build} | {' | '.join(cells)} | {peaks} |", flush=True)
        shutil.rmtree(folder / ".onenotes", ignore_errors=True)
    if hasattr(os, "getloadavg"):
        print("\nload average at the end: %.1f %.1f %.1f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
