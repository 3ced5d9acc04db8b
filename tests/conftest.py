"""Shared fixtures: the example notebook, scratch notebooks, a CLI runner."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))  # for tests/support/ (the helpers and reference oracles)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-sales"
TODAY = "2026-11-23"


@pytest.fixture
def example_notebook() -> Path:
    """The shipped example notebook (read-only use)."""
    return EXAMPLE


@pytest.fixture
def acme(tmp_path) -> Path:
    """A private copy of examples/acme-sales that a test may change."""
    dest = tmp_path / "acme-sales"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns(".onenotes"))
    return dest


@pytest.fixture
def notebook(tmp_path) -> Path:
    """An empty notebook with a small config."""
    root = tmp_path / "nb"
    root.mkdir()
    (root / "onenotes.yaml").write_text(
        "manager: Sam Rivera\n"
        "cadence: weekly\n"
        "meeting_day: monday\n"
        "kpis:\n"
        "  revenue: {kind: output, goal: 25000, unit: USD}\n"
        "  sales_calls: {kind: input, goal: 40}\n"
        "reps:\n"
        "  ann:\n"
        "    name: Ann Lee\n",
        encoding="utf-8",
    )
    (root / "ann").mkdir()
    return root


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("ONENOTES_NOTEBOOK", "NO_COLOR", "FORCE_COLOR", "EDITOR", "VISUAL"):
        monkeypatch.delenv(name, raising=False)


class _Entry:
    """Lets CliRunner call the real entry point, ``onenotes.cli.main``, which maps
    errors to messages and exit codes (a click Command alone would skip that)."""

    name = "onenotes"

    def main(self, args=None, prog_name=None, **extra):
        from onenotes.cli import main

        main(list(args or ()))


class Cli:
    """Runs ``onenotes ARGS`` in-process; ``result.stdout`` and ``result.stderr`` apart."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args, env=None, input=None):
        return self.runner.invoke(_Entry(), [str(a) for a in args], env=env, input=input,
                                  catch_exceptions=False)


@pytest.fixture
def cli():
    return Cli()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def note_text(rep="ann", date="2026-11-16", commitments="", body="", metrics=""):
    fm = f"---\nrep: {rep}\ndate: {date}\n"
    if metrics:
        fm += "metrics:\n" + metrics
    if commitments:
        fm += "commitments:\n" + commitments
    return fm + "---\n" + body


def user_files(root: Path) -> dict[Path, bytes]:
    """Every file of a notebook but the cache and git's own: relative path -> bytes."""
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".onenotes" not in p.parts and ".git" not in p.parts}


__all__ = ["write", "note_text", "user_files", "TODAY", "EXAMPLE", "ROOT", "os"]


@pytest.fixture(autouse=True)
def _no_cache_by_default(monkeypatch, tmp_path_factory):
    """Commands read every note afresh in tests (the tests of tests/cache/ turn the cache on).

    ``ONENOTES_TEST_CACHE=1 python -m pytest`` runs the whole suite through the
    cache instead; either way the user's own cache folder is never touched.
    """
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    if os.environ.get("ONENOTES_TEST_CACHE", "") in ("", "0"):
        monkeypatch.setenv("ONENOTES_NO_CACHE", "1")
    else:
        monkeypatch.delenv("ONENOTES_NO_CACHE", raising=False)


@pytest.fixture
def cached(monkeypatch):
    """Commands read through the cache (the notebook's .onenotes/cache), whatever the default."""
    monkeypatch.delenv("ONENOTES_NO_CACHE", raising=False)


# ------------------------------------------------------ hypothesis profiles ---
# "ci" (the default) is deterministic: the same examples on every run, no
# example database, no deadline (a shared 2-core machine has slow moments), so
# a CI failure is never a fluke and always reproduces.  "nightly" searches far
# more, with a fresh random seed each run, and keeps failures in the local
# example database (.hypothesis/) so a rerun replays them first.  Pick one with
# HYPOTHESIS_PROFILE=nightly or pytest's --hypothesis-profile=nightly; tests
# size their own example counts with :func:`examples` so both scale.
# docs/reliability-testing.md has the commands.
from hypothesis import HealthCheck, settings as _hyp_settings  # noqa: E402

CI_EXAMPLES = 100
NIGHTLY_FACTOR = 25
_hyp_settings.register_profile(
    "ci", max_examples=CI_EXAMPLES, deadline=None, derandomize=True, database=None,
    print_blob=True, suppress_health_check=[HealthCheck.too_slow])
_hyp_settings.register_profile(
    "nightly", max_examples=CI_EXAMPLES * NIGHTLY_FACTOR, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
_hyp_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "ci")


def examples(ci_count: int) -> int:
    """``max_examples`` for a test that wants ``ci_count`` examples under the ci
    profile: scaled by the active profile (x25 under nightly)."""
    return max(1, ci_count * _hyp_settings.default.max_examples // CI_EXAMPLES)
