#!/usr/bin/env python3
"""Fuzzing harness for the note reader: bytes -> Note, or a NoteError at a line.

    python tests/fuzz/fuzz_note_reader.py --seconds 600           # the long run
    python tests/fuzz/fuzz_note_reader.py --seconds 60 --engine hypothesis
    python tests/fuzz/fuzz_note_reader.py --replay                 # rerun the saved regressions

Engines: ``atheris`` (coverage-guided libFuzzer, ``pip install atheris`` or
``pip install '.[fuzz]'``) when it is installed, else ``hypothesis`` (random
choice sequences fed to the strategies of tests/support/notegen.py through
``fuzz_one_input``, plus mutated seed notes).  Each input is read as a note
twice (default options, and with extra date formats and a time zone) and must
give a Note or a NoteError whose problems name lines inside the file
(tests/support/notegen.py ``check_reading``).  Anything else is a crash.

The seed corpus is the example notebook, the golden notes and every saved
regression.  A crashing input is saved under tests/fuzz/regressions/ (named
by its SHA-1) and replayed by tests/reading/test_fuzz_note_reader.py from then on.
The run prints how many inputs ran and how many crashed, as its last line a
JSON summary, and exits 1 when anything crashed.

``run(seconds)`` runs the harness in a child process and returns the summary
(``{"inputs": N, "crashes": K, ...}``); the reliability report uses it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
REGRESSIONS = HERE / "regressions"
SLOW_SECONDS = 5.0  # an input this slow is reported (a regex or loop gone quadratic)
TIMEOUT_SECONDS = 30  # an input this slow is a crash (a hang)

if str(TESTS) not in sys.path:  # for tests/support/notegen.py
    sys.path.insert(0, str(TESTS))
if importlib.util.find_spec("onenotes") is None:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

# Tokens that steer mutations (and atheris' dictionary) toward the reader's edges.
TOKENS = [
    b"---\n", b"...\n", b"\r\n", b"\r", b"\xef\xbb\xbf", b"\n- [ ] ", b"\n- [x] ", b"\n  - [-] ",
    b"\n> ", b"\n```\n", b"\n~~~\n", b"<!--", b"-->", b"\n    ", b"\t", b"commitments:\n  - ",
    b"text: ", b"id: ", b"due: ", b"owner: manager", b"status: done", b"since: ", b"done_on: ",
    b"metrics:\n  revenue: ", b"{goal: 1, actual: 2}", b"coaching_plan:", b"behaviour_plan:",
    b"confidence:", b"&a ", b"*a", b"!!python/object ", b": ", b"[", b"]", b"{", b"}", b"'", b'"',
    b"2026-02-30", b"2026-11-30T23:30:00Z", b"9:30", b"no", b".nan", b"1e309", b"\x00", b"\xe9",
    b"[due:: 2026-12-01]", b"\xf0\x9f\x93\x85 2026-12-03", b"[id:: x]", b"\xe2\x9c\x85 2026-11-20",
    b"<<<<<<< HEAD\n", b"\n## ", b"<details>\n", b"|\n  ", b">-\n  ", b"\xe2\x80\xae", b"e\xcc\x81",
]


# ------------------------------------------------------------ the target ---

class Stats:
    def __init__(self, regressions: Path = REGRESSIONS, save: bool = True):
        self.inputs = 0
        self.crashes = 0
        self.slow = 0
        self.slowest = 0.0
        self.saved: list[str] = []
        self.kinds: dict[str, int] = {}
        self.regressions = regressions
        self.save = save

    def summary(self, engine: str, seconds: float) -> dict:
        return {"engine": engine, "seconds": round(seconds, 1), "inputs": self.inputs,
                "crashes": self.crashes, "slow": self.slow, "slowest_seconds": round(self.slowest, 3),
                "saved": self.saved, "kinds": self.kinds}


class _Timeout(Exception):
    pass


_USE_ALARM = True  # off under atheris: libFuzzer's -timeout owns SIGALRM there


def _alarm(signum, frame):  # pragma: no cover - only on a hang
    raise _Timeout(f"one input took over {TIMEOUT_SECONDS} s")


def check(data: bytes) -> None:
    """Read ``data`` as a note the two ways; raises on a crash or a broken promise."""
    from support import notegen
    from onenotes.reading.note import ReadOptions

    notegen.check_reading(data)
    notegen.check_reading(data, ReadOptions(date_formats=("%d.%m.%Y", "%b %d"), timezone="Europe/Berlin"))


def one_input(data: bytes, stats: Stats) -> bool:
    """Run one input; count it; save it when it crashes.  True when it crashed."""
    stats.inputs += 1
    start = time.perf_counter()
    use_alarm = _USE_ALARM and hasattr(signal, "SIGALRM")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(TIMEOUT_SECONDS)
    try:
        check(data)
        crashed = None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - anything escaping is the finding
        crashed = exc
    finally:
        if use_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    took = time.perf_counter() - start
    stats.slowest = max(stats.slowest, took)
    if took > SLOW_SECONDS:
        stats.slow += 1
        print(f"fuzz: slow input ({took:.1f} s, {len(data)} bytes)", file=sys.stderr)
    if crashed is None:
        return False
    stats.crashes += 1
    kind = f"{type(crashed).__name__}: {str(crashed).splitlines()[0][:120] if str(crashed) else ''}"
    stats.kinds[kind] = stats.kinds.get(kind, 0) + 1
    if stats.kinds[kind] <= 1:
        print(f"fuzz: CRASH {kind}", file=sys.stderr)
        traceback.print_exception(crashed, file=sys.stderr, limit=-6)
    if stats.save:
        stats.regressions.mkdir(parents=True, exist_ok=True)
        path = stats.regressions / f"{hashlib.sha1(data).hexdigest()[:16]}.note"
        if not path.exists():
            path.write_bytes(data)
            stats.saved.append(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))
    return True


# -------------------------------------------------------------- the seeds ---

def seed_files() -> list[Path]:
    """The seed corpus: example notes, golden notes, saved regressions."""
    found = sorted((ROOT / "examples").glob("*/*/*.md")) + sorted((TESTS / "golden" / "notes").glob("*.md"))
    return found + regression_files()


def regression_files() -> list[Path]:
    return sorted(p for p in REGRESSIONS.glob("*") if p.is_file() and not p.name.startswith((".", "README")))


def mutate(data: bytes, rnd: random.Random, rounds: int) -> bytes:
    """A few random edits: insert a token, delete or duplicate a slice, flip a byte, splice lines."""
    for _ in range(rounds):
        at = rnd.randint(0, len(data))
        op = rnd.randrange(6)
        if op == 0:
            data = data[:at] + rnd.choice(TOKENS) + data[at:]
        elif op == 1:
            data = data[:at] + data[at + rnd.randint(1, 64):]
        elif op == 2 and data:
            end = min(len(data), at + rnd.randint(1, 200))
            data = data[:end] + data[at:end] * rnd.randint(1, 4) + data[end:]
        elif op == 3 and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([rnd.randrange(256)]) + data[at + 1:]
        elif op == 4:
            lines = data.split(b"\n")
            rnd.shuffle(lines) if rnd.random() < 0.2 else lines.insert(rnd.randint(0, len(lines)),
                                                                        rnd.choice(lines))
            data = b"\n".join(lines)
        else:
            data = data.replace(b"\n", rnd.choice([b"\r\n", b"\r", b"\n\n"]), rnd.randint(1, 5))
    return data[: 256 * 1024]


# ---------------------------------------------------------------- engines ---

def fuzz_hypothesis(seconds: float | None = None, *, max_inputs: int | None = None, seed: int | None = None,
                    stats: Stats | None = None) -> Stats:
    """Random choice sequences through tests/support/notegen.py, and mutated seeds.

    With ``seed`` the run is deterministic (the CI test uses it).
    """
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from support import notegen

    stats = stats or Stats()
    rnd = random.Random(seed)
    seeds = [p.read_bytes() for p in seed_files()]

    @settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(notegen.note_bytes(), st.binary(max_size=512)))
    def generated(data):
        one_input(data, stats)

    deadline = None if seconds is None else time.monotonic() + seconds
    while (deadline is None or time.monotonic() < deadline) and \
            (max_inputs is None or stats.inputs < max_inputs):
        if rnd.random() < 0.5 and seeds:
            one_input(mutate(rnd.choice(seeds), rnd, rnd.randint(1, 8)), stats)
        else:
            generated.hypothesis.fuzz_one_input(rnd.randbytes(rnd.randint(16, 4096)))
    return stats


def fuzz_atheris(seconds: float, corpus: Path | None = None) -> None:  # pragma: no cover - optional
    """Coverage-guided fuzzing with atheris; exits the process with the summary."""
    import atheris

    with atheris.instrument_imports(include=["onenotes", "frontmatter", "yaml", "notegen"]):
        from support import notegen  # noqa: F401
        import onenotes.dates  # noqa: F401
        import onenotes.reading.note  # noqa: F401
        import onenotes.reading.tasks  # noqa: F401
        import onenotes.reading.yaml.safe  # noqa: F401
        import onenotes.reading.yaml.fast  # noqa: F401
        import onenotes.reading.yaml.full  # noqa: F401

    global _USE_ALARM
    _USE_ALARM = False
    stats = Stats()
    start = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="fuzz-corpus-")) if corpus is None else corpus
    work.mkdir(parents=True, exist_ok=True)
    for path in seed_files():
        (work / f"seed-{hashlib.sha1(path.read_bytes()).hexdigest()[:12]}").write_bytes(path.read_bytes())
    dictionary = work.parent / f"{work.name}.dict"
    dictionary.write_text("".join('"' + "".join(f"\\x{b:02x}" for b in t) + '"\n' for t in TOKENS))

    def finish():
        if corpus is None:
            shutil.rmtree(work, ignore_errors=True)
        dictionary.unlink(missing_ok=True)
        summary = stats.summary("atheris", time.monotonic() - start)
        _report(summary)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1 if stats.crashes else 0)

    def target(data: bytes) -> None:
        if time.monotonic() - start >= seconds:
            finish()
        one_input(data, stats)

    atheris.Setup([sys.argv[0], f"-max_total_time={int(seconds) + 60}", f"-timeout={TIMEOUT_SECONDS}",
                   "-max_len=16384", "-rss_limit_mb=4096", f"-dict={dictionary}",
                   f"-artifact_prefix={REGRESSIONS}/", "-print_final_stats=0", str(work)], target)
    atheris.Fuzz()
    finish()


def _report(summary: dict) -> None:
    print(f"fuzz: {summary['engine']}: {summary['inputs']} inputs in {summary['seconds']} s, "
          f"{summary['crashes']} crashed, {summary['slow']} slow (slowest {summary['slowest_seconds']} s)",
          file=sys.stderr)
    for path in summary["saved"]:
        print(f"fuzz: saved {path}", file=sys.stderr)
    print(json.dumps(summary))


def replay() -> int:
    """Rerun every saved regression; the number that still crash."""
    stats = Stats(save=False)
    for path in regression_files():
        if one_input(path.read_bytes(), stats):
            print(f"fuzz: still crashes: {path}", file=sys.stderr)
    print(f"fuzz: replayed {stats.inputs} regressions, {stats.crashes} crashed", file=sys.stderr)
    return stats.crashes


def have_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def run(seconds: float, engine: str = "auto") -> dict:
    """Fuzz for ``seconds`` in a child process; its summary ``{"inputs", "crashes", ...}``.

    A child that dies without a summary (a hang or a hard crash that libFuzzer
    caught) counts as one crash; ``error`` holds the end of its output.
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--seconds", str(seconds), "--engine", engine]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                          timeout=seconds + TIMEOUT_SECONDS + 120)
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            summary = json.loads(line)
        except ValueError:
            continue
        if isinstance(summary, dict) and "inputs" in summary:
            summary["exit_code"] = proc.returncode
            return summary
    return {"engine": engine, "inputs": 0, "crashes": 1, "exit_code": proc.returncode,
            "error": (proc.stderr or proc.stdout)[-2000:]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    parser.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    parser.add_argument("--max-inputs", type=int, help="stop after this many inputs (hypothesis engine)")
    parser.add_argument("--seed", type=int, help="random seed (hypothesis engine; default: random)")
    parser.add_argument("--corpus", type=Path, help="atheris: keep the evolving corpus in this folder")
    parser.add_argument("--replay", action="store_true", help="rerun tests/fuzz/regressions/ and exit")
    args = parser.parse_args(argv)
    if args.replay:
        return 1 if replay() else 0
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if have_atheris() and args.max_inputs is None else "hypothesis"
    if engine == "atheris":
        fuzz_atheris(args.seconds, args.corpus)  # exits the process
    start = time.monotonic()
    stats = fuzz_hypothesis(args.seconds, max_inputs=args.max_inputs, seed=args.seed)
    _report(stats.summary("hypothesis", time.monotonic() - start))
    return 1 if stats.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
