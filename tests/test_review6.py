"""Defects a second reader (review6) found in issue 6's commands; each test fails without its fix."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import TODAY


def test_a_reader_that_goes_away_is_not_an_error(acme):
    """`onenotes followups | head` with pipefail: exit 0, no traceback (click alone exits 1)."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write: deterministic EPIPE
    try:
        proc = subprocess.run([sys.executable, "-m", "onenotes", "--notebook", str(acme), "followups",
                               "--today", TODAY], stdout=write_end, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr
