"""The ``onenotes`` process ends itself once its output is flushed (onenotes.cli._end),
without Python's teardown of every object: the same output, the same exit codes.
(A reader that goes away: tests/robustness/test_review6.py.)"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import TODAY

ENV = {**os.environ, "ONENOTES_NO_CACHE": "1"}


def run(*args, stdout=subprocess.PIPE, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "onenotes", *map(str, args)]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, env=ENV, timeout=120)


@pytest.mark.parametrize("args", [
    ("followups", "--today", TODAY, "--format", "json"),
    ("followups", "--today", TODAY),
    ("brief", "nobody-at-all", "--today", TODAY),  # an error: its message and exit code
    ("followups", "--today", "not a date"),
])
def test_the_command_prints_and_exits_as_the_in_process_cli_does(cli, acme, args):
    inside = cli("--notebook", acme, *args)
    outside = run("--notebook", acme, *args)
    assert (outside.returncode, outside.stdout, outside.stderr) == (inside.exit_code, inside.stdout, inside.stderr)


def test_output_still_in_the_buffer_is_written_before_the_process_ends():
    done = run(code="import sys; from onenotes.cli import main; sys.stdout.write('pending, '); "
                    "sys.stderr.write('said, '); sys.argv = ['onenotes', '--version']; main()")
    assert done.returncode == 0
    assert done.stdout.startswith("pending, onenotes, version ") and done.stderr == "said, "


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_an_error_not_a_traceback(acme):
    with open("/dev/full", "w") as full:
        done = run("--notebook", acme, "followups", "--today", TODAY, stdout=full)
    assert done.returncode == 4
    assert done.stderr.startswith("onenotes: error: ") and "Traceback" not in done.stderr



@pytest.mark.parametrize("closed", [1, 2])
def test_a_command_started_with_its_output_or_errors_closed_ends_as_before(acme, closed):
    """`onenotes ... >&-` (Python then has no sys.stdout) or `2>&-`: exit 0, no traceback."""
    keep = {1: 2, 2: 1}[closed]
    done = subprocess.run(
        ["sh", "-c", f'"$0" -m onenotes --notebook "$1" followups --today {TODAY} {closed}>&- {keep}>"$2"',
         sys.executable, str(acme), str(acme / "kept.txt")], env=ENV, timeout=120)
    kept = (acme / "kept.txt").read_text(encoding="utf-8")
    assert done.returncode == 0 and "Traceback" not in kept


def test_the_cache_a_command_writes_is_committed_before_its_process_ends(acme):
    """The process ends itself (os._exit) once the command is done: the cache it wrote is whole."""
    import sqlite3

    env = {k: v for k, v in os.environ.items() if k != "ONENOTES_NO_CACHE"}
    done = subprocess.run([sys.executable, "-m", "onenotes", "--notebook", str(acme), "followups", "--today",
                           TODAY], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0
    assert not (acme / ".onenotes" / "cache-journal").exists()
    with sqlite3.connect(acme / ".onenotes" / "cache", timeout=0) as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] > 10
        assert conn.execute("SELECT count(*) FROM ledgers").fetchone()[0] > 0
    conn.close()
