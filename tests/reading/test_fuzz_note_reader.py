"""The fuzzing harness (tests/fuzz/fuzz_note_reader.py): a short deterministic run,
every saved crashing input replayed, and proof that the harness catches a crash."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from conftest import ROOT, examples

HARNESS = ROOT / "tests" / "fuzz" / "fuzz_note_reader.py"
_spec = importlib.util.spec_from_file_location("fuzz_note_reader", HARNESS)
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)


def test_a_short_fuzz_run_of_the_note_reader_finds_no_crash():
    """A few hundred inputs, the same ones every run (seeded): generated notes,
    random bytes and mutated example notes."""
    stats = fuzz.fuzz_hypothesis(max_inputs=examples(300), seed=4)
    assert stats.inputs == examples(300)
    assert stats.crashes == 0, (stats.kinds, stats.saved)


REGRESSION_FILES = fuzz.regression_files()


@pytest.mark.parametrize("path", REGRESSION_FILES, ids=[p.name for p in REGRESSION_FILES])
def test_a_saved_crashing_input_no_longer_crashes(path):
    fuzz.check(path.read_bytes())


def test_the_regressions_folder_is_replayed():
    assert fuzz.REGRESSIONS.is_dir()
    assert len(REGRESSION_FILES) >= 1  # the inputs of bugs found so far


def test_the_harness_counts_and_saves_a_crashing_input(tmp_path, monkeypatch):
    """The harness can fail: a reader that crashes on some input is caught, counted
    and the input kept for replay."""
    real = fuzz.check

    def fragile(data: bytes):
        if b"- [" in data:
            raise IndexError("boom")
        real(data)

    monkeypatch.setattr(fuzz, "check", fragile)
    monkeypatch.setattr(fuzz, "REGRESSIONS", tmp_path)
    stats = fuzz.fuzz_hypothesis(max_inputs=30, seed=1, stats=fuzz.Stats(regressions=tmp_path))
    assert stats.inputs == 30 and stats.crashes > 0
    assert list(stats.kinds) == ["IndexError: boom"]
    saved = sorted(tmp_path.iterdir())
    assert saved and all(b"- [" in p.read_bytes() for p in saved)
    assert len(saved) == len(stats.saved)


def test_the_documented_command_prints_counts_and_exits_0(tmp_path):
    proc = subprocess.run([sys.executable, str(HARNESS), "--engine", "hypothesis", "--max-inputs", "20",
                           "--seconds", "60", "--seed", "0"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (summary["inputs"], summary["crashes"], summary["engine"]) == (20, 0, "hypothesis")
    assert "20 inputs" in proc.stderr and "0 crashed" in proc.stderr
