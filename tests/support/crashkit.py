"""Crash and race harness: kill `onenotes new` at random moments, race it, read while it writes.

Used by tests/robustness/test_crash_race.py (small sizes) and tests/support/reliability_figures.py
(the figures in docs/reliability.md).  Everything runs the real command in
subprocesses (``sys.executable -m onenotes``) on a copy of examples/acme-sales
in a folder the caller gives; nothing here depends on pytest.

The three loops return plain dicts of figures.  The ``must_be_zero`` figures of
each are listed in :data:`MUST_BE_ZERO`; a caller fails when one is not zero.

How kills are spread (no test hook in onenotes itself):

* ``timed`` kills wait a uniform random delay from 0 to 1.2 times a whole
  run's duration (measured on the machine's current load: an average of the
  latest uninterrupted runs), so they land anywhere from interpreter start-up
  to after the exit;
* ``watch`` kills (one in three) poll the rep folder and fire as soon as the
  hidden temporary file of the write or the note itself appears (at once, or
  after a random pause of up to 3 ms), so they land inside the write itself:
  during the write, the fsync, the link or the clean-up.

After each kill the notebook is checked: every note file there is byte-identical
to what an uninterrupted run writes (never partial or empty), no other file
changed, and the next ``onenotes new`` either writes the whole note or (when the
killed run got as far as the link) refuses with "already exists".  Left-over
hidden ``.*.tmp`` files stay in place on purpose; at the end every reading
command must give the same output with them as without them.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "acme-sales"
TODAY = "2026-11-23"
REP = "bob-okafor"
DATE = "2026-11-23"
NOTE = f"{REP}/{DATE}.md"
NEW_ARGS = ["new", REP, "--date", DATE, "--today", TODAY]

# Every command that reads notes, with the arguments that make its output fixed.
READ_COMMANDS = (
    ["followups", "--format", "json", "--today", TODAY],
    ["check", "--format", "json"],
    ["kpis", "--today", TODAY],
    ["cadence", "--today", TODAY],
    ["commitments", "--today", TODAY],
    ["accountability", "--today", TODAY],
    ["brief", "bob", "--today", TODAY],
)

MUST_BE_ZERO = {
    "kill_loop": ("partial_files", "changed_files", "next_run_failures", "tmp_not_ignored"),
    "race_new": ("unclear_losers", "tracebacks", "changed_files", "bad_notes", "wrong_note_count"),
    "readers_during_writes": ("bad_reads", "half_notes_seen", "writer_failures"),
}


# ----------------------------------------------------------------- helpers ---

def child_env() -> dict:
    """The environment of every child: this source tree first, no user settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("ONENOTES_NOTEBOOK", "EDITOR", "VISUAL", "NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def onenotes(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``onenotes --notebook ROOT ARGS`` to completion."""
    return subprocess.run([sys.executable, "-m", "onenotes", "--notebook", str(root), *args],
                          capture_output=True, text=True, env=child_env(), timeout=timeout)


def copy_example(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(EXAMPLE, dest)
    return dest


def user_files(root: Path) -> dict[str, bytes]:
    """Every file of the notebook but the cache and hidden temporary files: rel path -> bytes."""
    files = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".onenotes"]
        for name in names:
            if name.startswith(".") and name.endswith(".tmp"):
                continue
            path = Path(folder, name)
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def temp_files(root: Path) -> list[str]:
    """Hidden ``.*.tmp`` files left in the notebook (by killed writers)."""
    return sorted(Path(folder, name).relative_to(root).as_posix()
                  for folder, dirs, names in os.walk(root)
                  for name in names if name.startswith(".") and name.endswith(".tmp"))


def reference_note(workdir: Path, runs: int = 2) -> tuple[bytes, float]:
    """What an uninterrupted ``new`` writes, and how long a whole run takes (the fastest of ``runs``)."""
    durations = []
    data = b""
    for i in range(runs):
        root = copy_example(workdir / f"reference-{i}")
        start = time.monotonic()
        done = onenotes(root, *NEW_ARGS)
        durations.append(time.monotonic() - start)
        if done.returncode != 0:
            raise RuntimeError(f"onenotes new failed on a fresh notebook: {done.stderr}")
        data = (root / NOTE).read_bytes()
        shutil.rmtree(root)
    return data, min(durations)


def _has_traceback(text: str) -> bool:
    return "Traceback (most recent call last)" in text


# --------------------------------------------------------------- kill loop ---

def kill_loop(iterations: int, workdir: Path, *, seed: int | None = None, progress=None) -> dict:
    """Kill ``onenotes new`` at random moments ``iterations`` times; check the notebook after each.

    Returns ``kills`` (SIGKILLs sent), ``killed_mid_run`` (processes that died of
    one rather than finishing first), ``killed_in_write`` (of those, the ones a
    left-over temporary file shows were killed inside the write), ``notes_after_kill``
    (kills after the link: the note was there, whole), ``partial_files`` (note
    files that were not byte-identical to an uninterrupted run's: must be 0),
    ``changed_files`` (other files changed or lost: 0), ``next_run_failures`` (the
    following ``new`` did not do the right thing: 0), ``tmp_left`` (temporary
    files left at the end) and ``tmp_not_ignored`` (reading commands whose
    output changed because of them: 0).  ``problems`` lists what went wrong.
    ``progress(i)``, if given, is called after each iteration.
    """
    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    expected, duration = reference_note(workdir)
    root = copy_example(workdir / "killed")
    before = user_files(root)
    figures = {"kills": 0, "killed_mid_run": 0, "killed_in_write": 0, "notes_after_kill": 0,
               "partial_files": 0, "changed_files": 0, "next_run_failures": 0,
               "tmp_left": 0, "tmp_not_ignored": 0, "problems": []}
    problems = figures["problems"]
    folder = root / REP
    tmp_prefix = f".{DATE}.md."
    for i in range(iterations):
        mode = "watch" if i % 3 == 2 else "timed"
        tmps_before = set(temp_files(root))
        old_names = {rel.rsplit("/", 1)[-1] for rel in tmps_before}
        proc = subprocess.Popen([sys.executable, "-m", "onenotes", "--notebook", str(root), *NEW_ARGS],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env())
        start = time.monotonic()
        if mode == "timed":
            deadline = start + rng.uniform(0, 1.2 * duration)
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(min(0.002, max(0.0, deadline - time.monotonic())))
        else:
            pause = rng.choice((0.0, rng.uniform(0, 0.003)))
            while proc.poll() is None:
                try:
                    names = os.listdir(folder)
                except OSError:
                    names = []
                if any(n == f"{DATE}.md" or (n.startswith(tmp_prefix) and n not in old_names)
                       for n in names):
                    if pause:
                        time.sleep(pause)
                    break
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            figures["kills"] += 1
        rc = proc.wait()
        if rc == -signal.SIGKILL:
            figures["killed_mid_run"] += 1
            if set(temp_files(root)) - tmps_before:
                figures["killed_in_write"] += 1
        elif rc != 0:
            problems.append(f"iteration {i}: onenotes new exited {rc} on its own")
            figures["next_run_failures"] += 1

        # The notebook right after the kill.
        after = user_files(root)
        note = after.pop(NOTE, None)
        if note is not None:
            if rc == -signal.SIGKILL:
                figures["notes_after_kill"] += 1
            if note != expected:
                figures["partial_files"] += 1
                problems.append(f"iteration {i}: {NOTE} has {len(note)} bytes, "
                                f"not the {len(expected)} of a whole note")
        for rel in sorted(set(before) | set(after)):
            if before.get(rel) != after.get(rel):
                figures["changed_files"] += 1
                problems.append(f"iteration {i}: {rel} changed, appeared or vanished")

        # The next run: writes the whole note, or refuses to touch the one that is there.
        started = time.monotonic()
        nxt = onenotes(root, *NEW_ARGS)
        # A whole run's duration under the machine's load now: the next kills' range.
        duration = 0.5 * duration + 0.5 * (time.monotonic() - started)
        now = (root / NOTE).read_bytes() if (root / NOTE).exists() else None
        if note is None:
            ok = nxt.returncode == 0 and now == expected and not _has_traceback(nxt.stderr)
        else:
            ok = (nxt.returncode == 1 and "already exists" in nxt.stderr and now == note
                  and not _has_traceback(nxt.stderr))
        if not ok:
            figures["next_run_failures"] += 1
            problems.append(f"iteration {i}: next run exited {nxt.returncode}: {nxt.stderr.strip()}")
        if (root / NOTE).exists():
            (root / NOTE).unlink()
        if progress is not None:
            progress(i + 1)

    # Left-over temporary files are not notes: plant a half-written one too, so this is
    # always tested, then every reading command must answer as if none were there.
    (folder / f"{tmp_prefix}planted.tmp").write_bytes(expected[: len(expected) // 2])
    figures["tmp_left"] = len(temp_files(root)) - 1
    final = onenotes(root, *NEW_ARGS)
    if final.returncode != 0 or (root / NOTE).read_bytes() != expected:
        figures["next_run_failures"] += 1
        problems.append(f"final run exited {final.returncode}: {final.stderr.strip()}")
    with_tmp = [onenotes(root, *args) for args in READ_COMMANDS]
    for rel in temp_files(root):
        (root / rel).unlink()
    without = [onenotes(root, *args) for args in READ_COMMANDS]
    for args, a, b in zip(READ_COMMANDS, with_tmp, without):
        if (a.returncode, a.stdout, a.stderr) != (b.returncode, b.stdout, b.stderr) or a.returncode != 0 \
                or _has_traceback(a.stderr):
            figures["tmp_not_ignored"] += 1
            problems.append(f"`{' '.join(args)}` with temporary files left: exit {a.returncode}, "
                            f"stderr {a.stderr.strip()!r} (without them: exit {b.returncode})")
    return figures


# ---------------------------------------------------------------- race new ---

# A child that imports everything, says it is ready, waits at the barrier (a pipe
# the parent closes), then runs the real entry point.
_RACER = textwrap.dedent("""
    import os, sys
    import onenotes.cli, onenotes.cli.new, onenotes.changes.new, onenotes.views.templates
    ready, barrier = int(sys.argv[1]), int(sys.argv[2])
    os.write(ready, b"x")
    os.close(ready)
    os.read(barrier, 1)
    onenotes.cli.main(sys.argv[3:])
""")


def _race(root: Path, processes: int, args: list[str]) -> list[subprocess.CompletedProcess]:
    """Start ``processes`` runs of ``onenotes ARGS`` that all begin at the same moment."""
    ready_r, ready_w = os.pipe()
    barrier_r, barrier_w = os.pipe()
    procs = []
    try:
        for _ in range(processes):
            procs.append(subprocess.Popen(
                [sys.executable, "-c", _RACER, str(ready_w), str(barrier_r),
                 "--notebook", str(root), *args],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(),
                pass_fds=(ready_w, barrier_r)))
        os.close(ready_w)
        ready_w = -1
        got = 0
        while got < processes:  # every child has imported onenotes and waits
            chunk = os.read(ready_r, processes)
            if not chunk:
                break  # a child died before the barrier; its output says why
            got += len(chunk)
    finally:
        os.close(barrier_w)  # EOF at the barrier: they all go
        os.close(barrier_r)
        os.close(ready_r)
        if ready_w >= 0:
            os.close(ready_w)
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def race_new(processes: int, workdir: Path, *, another: bool = False) -> dict:
    """``processes`` concurrent ``onenotes new`` for the same rep and date.

    Without ``another``: exactly one note (byte-identical to an uninterrupted
    run's), every other process exits 1 saying "already exists".  With
    ``another``, on a day that already has its note: every process writes its
    own note, ``DATE-2.md`` up to ``DATE-(N+1).md``, each whole and clean.
    Returns ``processes``, ``winners``, ``losers``, ``clear_errors``,
    ``unclear_losers`` (0), ``tracebacks`` (0), ``notes_created``,
    ``wrong_note_count`` (0 or 1), ``bad_notes`` (0), ``changed_files`` (0),
    and ``problems``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    root = copy_example(workdir / ("race-another" if another else "race"))
    args = list(NEW_ARGS) + (["--another"] if another else [])
    problems: list[str] = []
    if another:
        first = onenotes(root, *NEW_ARGS)
        if first.returncode != 0:
            raise RuntimeError(f"onenotes new failed on a fresh notebook: {first.stderr}")
    before = user_files(root)
    results = _race(root, processes, args)
    after = user_files(root)
    created = sorted(set(after) - set(before))
    changed = [rel for rel in before if after.get(rel) != before[rel]]
    winners = [r for r in results if r.returncode == 0]
    losers = [r for r in results if r.returncode != 0]
    clear = [r for r in losers if r.returncode == 1 and "already exists" in r.stderr
             and not _has_traceback(r.stderr) and not r.stdout]
    tracebacks = sum(_has_traceback(r.stderr) for r in results)
    for r in losers:
        if r not in clear:
            problems.append(f"a loser exited {r.returncode}: {r.stderr.strip()[-500:]!r}")
    for rel in changed:
        problems.append(f"{rel} changed or vanished")
    bad = 0
    if another:
        want = [f"{REP}/{DATE}-{n}.md" for n in range(2, processes + 2)]
        wrong = sorted(created) != sorted(want) or len(winners) != processes
        printed = sorted(r.stdout.strip() for r in winners)
        if printed != sorted(str(root / rel) for rel in created):
            problems.append("the paths printed are not the notes written")
            bad += 1
        check = onenotes(root, "check", "--format", "json")
        report = json.loads(check.stdout) if check.stdout.strip() else {}
        if check.returncode != 0 or report.get("errors") or report.get("warnings"):
            bad += 1
            problems.append(f"check after the race: exit {check.returncode}, {check.stdout[-500:]}")
    else:
        expected, _ = reference_note(workdir / "race-reference", runs=1)
        wrong = created != [NOTE] or len(winners) != 1
        bad = sum(after[rel] != expected for rel in created)
        if winners and winners[0].stdout.strip() != str(root / NOTE):
            problems.append(f"the winner printed {winners[0].stdout.strip()!r}")
            bad += 1
    if wrong:
        problems.append(f"{len(winners)} winners, notes created: {created}")
    return {"processes": processes, "winners": len(winners), "losers": len(losers),
            "clear_errors": len(clear), "unclear_losers": len(losers) - len(clear),
            "tracebacks": tracebacks, "notes_created": len(created), "wrong_note_count": int(wrong),
            "bad_notes": bad, "changed_files": len(changed), "problems": problems}


# ---------------------------------------------------- readers during writes ---

_BULK_REP = "zoe-park"

# Writes big notes (about 55 KB: slow enough to be caught half-way if a write
# were not atomic) through the same function `new` uses, as fast as it can, up
# to a number that keeps each read short.
_BULK_WRITER = textwrap.dedent("""
    import datetime as dt, sys, time
    from pathlib import Path
    from onenotes.reading.files import write_new_file
    folder, seconds, rep = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    folder.mkdir(exist_ok=True)
    day, end, count = dt.date(2020, 1, 6), time.monotonic() + seconds, 0
    filler = "".join(f"Talked through account {n}, next step agreed.\\n" for n in range(1200))
    while True:  # at least one note, however slow the start
        d = day.isoformat()
        text = (f"---\\nrep: {rep}\\ndate: {d}\\n---\\n\\n# One-on-one {d}\\n\\n"
                f"- [ ] head {d} due: {d}\\n\\n{filler}\\n- [ ] tail {d} due: {d}\\n")
        write_new_file(folder, f"{d}.md", text)
        day += dt.timedelta(days=7)
        count += 1
        if time.monotonic() >= end or count >= 30:
            break
        time.sleep(seconds / 35)  # spread the writes over the whole run
    print(count)
""")

# Runs the real entry point in a loop (one interpreter, so many runs a second)
# and prints one JSON line per run.
_READER = textwrap.dedent("""
    import io, json, os, sys
    from contextlib import redirect_stderr, redirect_stdout
    from onenotes.cli import main
    stop, args = sys.argv[1], json.loads(sys.argv[2])
    while True:  # until the writers are done, and at least once
        done = os.path.exists(stop)
        for argv in args:
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                try:
                    main(argv)
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
            print(json.dumps({"argv": argv, "rc": code, "out": out.getvalue(), "err": err.getvalue()}))
        if done:
            break
""")

# Reads the newest bulk notes the way every command does (scan, then read_note),
# in a tight loop: many reads a second, so a write that is not atomic gets caught.
_NOTE_READER = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    from onenotes.reading.note import ReadOptions
    from onenotes.reading.layout import scan
    from onenotes.reading.notefile import read_note
    from onenotes.errors import NoteError
    root, stop, rep = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    reads, bad, done = 0, [], False
    while not done:  # until the writers are done, and once more
        done = os.path.exists(stop)
        # The newest notes first: the one being written, if any, is among them.
        for rel in sorted(r for r in scan(root).notes if r.startswith(rep + "/"))[-2:][::-1]:
            reads += 1
            try:
                note = read_note(root, rel, ReadOptions())
            except NoteError as exc:
                bad.append(exc.problem.format())
                continue
            texts = sorted(m.text.split()[0] for m in note.mentions)
            if texts != ["head", "tail"] or note.problems:
                bad.append(f"{rel}: tasks {texts}, problems {[p.format() for p in note.problems]}")
    print(json.dumps({"reads": reads, "bad": bad[:20], "bad_count": len(bad)}))
""")

# Runs the real `onenotes new --another` in a loop.
_NEW_WRITER = textwrap.dedent("""
    import io, json, sys, time
    from contextlib import redirect_stderr, redirect_stdout
    from onenotes.cli import main
    seconds, argv = float(sys.argv[1]), json.loads(sys.argv[2])
    end, fails = time.monotonic() + seconds, 0
    while True:  # at least once
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            try:
                main(argv)
            except SystemExit as exc:
                if exc.code:
                    fails += 1
                    print(err.getvalue(), file=sys.stderr)
        if time.monotonic() >= end:
            break
    print(fails)
""")


def readers_during_writes(workdir: Path, *, seconds: float = 4.0, readers: int = 2) -> dict:
    """Readers (``followups --format json``, ``check --format json``) while notes are written.

    Two writers run for ``seconds``: the real ``onenotes new --another`` in a
    loop, and a bulk writer of up to 30 notes of 55 KB (each with a task at its head and
    one at its tail) through :func:`onenotes.reading.files.write_new_file`.  Every
    reader run must exit 0 with valid JSON, no warning, and never a note whose
    head task is listed without its tail task.  The readers run until the
    writers are done, then once more (so each reads at least once, however
    loaded the machine).  Returns ``reads``, ``note_reads``,
    ``notes_written``, ``bad_reads`` (0), ``half_notes_seen`` (0),
    ``writer_failures`` (0) and ``problems``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    root = copy_example(workdir / "readers")
    env = child_env()
    base = ["--notebook", str(root)]
    read_args = [base + ["followups", "--format", "json", "--today", TODAY],
                 base + ["check", "--format", "json"]]
    writers = [
        subprocess.Popen([sys.executable, "-c", _BULK_WRITER, str(root / _BULK_REP), str(seconds), _BULK_REP],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env),
        subprocess.Popen([sys.executable, "-c", _NEW_WRITER, str(seconds),
                          json.dumps(base + NEW_ARGS + ["--another"])],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env),
    ]
    stop = workdir / "writers-done"
    stop.unlink(missing_ok=True)
    # Into files, not pipes: a full pipe would stall a reader while the writers write.
    outputs = [workdir / f"reader-{n}.jsonl" for n in range(readers)]
    reader_procs = []
    for path in outputs:
        with open(path, "w", encoding="utf-8") as out:
            reader_procs.append(subprocess.Popen([sys.executable, "-c", _READER, str(stop), json.dumps(read_args)],
                                                 stdout=out, stderr=subprocess.PIPE, text=True, env=env))
    note_reader = subprocess.Popen([sys.executable, "-c", _NOTE_READER, str(root), str(stop), _BULK_REP],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    problems: list[str] = []
    figures = {"reads": 0, "note_reads": 0, "notes_written": 0, "bad_reads": 0, "half_notes_seen": 0,
               "writer_failures": 0, "problems": problems}
    for proc in writers:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            figures["writer_failures"] += 1
            problems.append(f"a writer exited {proc.returncode}: {err.strip()[-500:]}")
        else:
            lines = out.split()
            if proc is writers[0]:
                figures["notes_written"] += int(lines[-1])
            elif int(lines[-1]):
                figures["writer_failures"] += int(lines[-1])
                problems.append(f"onenotes new --another failed: {err.strip()[-500:]}")
    stop.touch()  # the readers stop after one more round
    written = len(temp_files(root))  # none may be left by writers that finished
    if written:
        problems.append(f"{written} temporary files left by writers that were not killed")
        figures["writer_failures"] += 1
    figures["notes_written"] += len(list((root / REP).glob(f"{DATE}-*.md")))
    out, err = note_reader.communicate(timeout=600)
    if note_reader.returncode != 0:
        figures["bad_reads"] += 1
        problems.append(f"the note reader crashed: {err.strip()[-500:]}")
    else:
        got = json.loads(out)
        figures["note_reads"] = got["reads"]
        figures["half_notes_seen"] += got["bad_count"]
        problems.extend(f"read half a note: {why}" for why in got["bad"])
    for proc, path in zip(reader_procs, outputs):
        _, err = proc.communicate(timeout=600)
        out = path.read_text(encoding="utf-8")
        if proc.returncode != 0:
            figures["bad_reads"] += 1
            problems.append(f"a reader crashed: {err.strip()[-500:]}")
            continue
        for line in out.splitlines():
            run = json.loads(line)
            figures["reads"] += 1
            why = _bad_read(run)
            if why == "half":
                figures["half_notes_seen"] += 1
                problems.append(f"{run['argv'][2]} saw a note without its tail task")
            elif why:
                figures["bad_reads"] += 1
                problems.append(f"{run['argv'][2]}: {why}")
    return figures


def _bad_read(run: dict) -> str | None:
    """Why one reader run is wrong ("half" for a half-read note), or None."""
    if run["rc"] != 0:
        return f"exit {run['rc']}: {run['err'].strip()[-300:]}"
    err = run["err"].strip()
    if run["argv"][2] == "check":  # its summary line goes to stderr
        err = re.sub(r"^checked \d+ notes?: 0 errors, 0 warnings$", "", err)
    if err:
        return f"said on stderr: {err[-300:]}"
    try:
        data = json.loads(run["out"])
    except ValueError:
        return f"invalid JSON on stdout: {run['out'][:200]!r}"
    if run["argv"][2] == "check":
        if data.get("errors") or data.get("warnings"):
            return f"check found problems: {data.get('problems')}"
        return None
    heads = {row["source"] for row in data if row["rep"] == _BULK_REP and row["text"].startswith("head ")}
    tails = {row["source"] for row in data if row["rep"] == _BULK_REP and row["text"].startswith("tail ")}
    return "half" if heads != tails else None
