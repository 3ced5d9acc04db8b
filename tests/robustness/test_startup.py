"""A fast start (issue 5): what `--help` and a warm `followups` import.

No timing here (benchmarks/run.py prints the figures): these tests fail when a
change puts a module back on the start-up path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

import onenotes
from onenotes.reading.cache import key as cache  # the format version and the racy window
from conftest import EXAMPLE, ROOT, TODAY

# Modules only some paths need: loading one on every start costs milliseconds.
NOT_AT_START = {
    "yaml": "PyYAML: only to parse a note or onenotes.yaml the cache does not hold",
    "frontmatter": "only to parse a note",
    "jinja2": "only for new and report",
    "onenotes.reading.note": "the parser: only when a note is parsed",
    "onenotes.reading.yaml.safe": "the YAML loader: only when a note is parsed",
    "onenotes.reading.tasks": "the task scanner: only when a note is parsed",
    "csv": "only for --format csv",
    "shlex": "only for the editor setting",
    "click.shell_completion": "only while the shell asks for completions",
    "importlib.util": "format_version asks the finders directly",
    "difflib": "only for a did-you-mean",
    "pickle": "the cache reads its rows with the C pickler (_pickle) alone",
    "pathlib": "paths are text up to the command (Notebook.root makes a Path when asked)",
    "zlib": "only whole notes are compressed in the cache",
    "_sha256": "only to name a cache outside the notebook",
    "hashlib": "the cache hashes with _blake2 directly (hashlib loads OpenSSL)",
}
NOT_FOR_HELP = {
    **NOT_AT_START,
    "onenotes.errors": "the error family: imported once something is raised",
    "dataclasses": "the records are defined by modules a command loads",
    "shutil": "click asks it for the terminal width: onenotes.cli asks the terminal itself",
    "onenotes.rules.config": "no notebook is read",
    "onenotes.reading.cache": "no notebook is read",
    "sqlite3": "no notebook is read",
    "json": "no notebook is read",
}

_REPORT = """
import atexit, os, sys
report = lambda: print("MODULES", *sorted(sys.modules), file=sys.stderr, flush=True)
atexit.register(report)
end = os._exit  # how onenotes.cli.main ends the process: exit handlers do not run
os._exit = lambda code: (report(), end(code))
sys.argv[0] = "onenotes"
from onenotes.cli import main
main()
"""


def _run(code: str, *args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONENOTES_", "COLUMNS"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          timeout=120)
    line = next(line for line in done.stderr.splitlines() if line.startswith("MODULES "))
    return set(line.split()[1:]), done


def _modules_loaded(*args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules a real ``onenotes ARGS`` process loaded beyond what Python itself had
    loaded before it ran (a .pth file of the environment may load some: not our doing)."""
    loaded, done = _run(_REPORT, *args)
    return loaded - _run(_REPORT.split("sys.argv")[0])[0], done


@pytest.fixture
def warm_acme(tmp_path, cli, monkeypatch):
    """A copy of the example notebook whose cache a first run has written.

    The notes were copied a moment ago, so the cache would take them for "racy" (to be
    read again, and parsed, until their times are 3 seconds old): not in this first run.
    """
    root = tmp_path / "acme-sales"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".onenotes"))
    monkeypatch.delenv("ONENOTES_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "RACY_NS", 0)
    assert cli("--notebook", root, "followups", "--today", TODAY).exit_code == 0
    assert (root / ".onenotes" / "cache").is_file()
    return root


@pytest.mark.parametrize("args", [(), ("--format", "json")], ids=["table", "json"])
def test_a_warm_followups_loads_no_module_it_does_not_need(warm_acme, args):
    loaded, done = _modules_loaded("--notebook", str(warm_acme), "followups", "--today", TODAY, *args)
    assert done.returncode == 0, done.stderr
    assert "bob-freight-prospect-list" in done.stdout  # the run did list the commitments
    assert "onenotes.reading.cache" in loaded  # ...through the cache
    unexpected = {name: why for name, why in NOT_AT_START.items() if name in loaded}
    assert not unexpected, f"a warm followups imported modules it should not: {unexpected}"
    if not args:
        assert "json" not in loaded, "a table needs no JSON (the cache holds none)"
        assert "_pickle" in loaded  # ...and the cache was read (its rows are pickles)


def test_help_loads_no_module_it_does_not_need():
    loaded, done = _modules_loaded("--help")
    assert done.returncode == 0 and "followups" in done.stdout, done.stderr
    unexpected = {name: why for name, why in NOT_FOR_HELP.items() if name in loaded}
    assert not unexpected, f"--help imported modules it should not: {unexpected}"


def test_the_lazy_modules_are_still_there_when_needed(warm_acme):
    """The other side: a path that needs a module still gets it (csv for --format csv)."""
    loaded, done = _modules_loaded("--notebook", str(warm_acme), "followups", "--today", TODAY, "--format", "csv")
    assert done.returncode == 0 and done.stdout.startswith("id,rep,text,"), done.stderr
    assert "csv" in loaded


@pytest.mark.parametrize("columns", [None, "60", "100", "200", "10", "junk"])
def test_the_help_is_as_wide_as_click_would_make_it(monkeypatch, columns):
    """onenotes.cli finds the terminal's width itself (no shutil): the same width click finds."""
    import click
    from click.formatting import HelpFormatter

    from onenotes.cli import cli

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr(click.formatting, "FORCED_WIDTH", None)
    for max_width in (None, 60, 120):
        ctx = cli.make_context("onenotes", [], max_content_width=max_width, resilient_parsing=True)
        assert ctx.make_formatter().width == HelpFormatter(max_width=max_width).width


# ---------------------------------------------------------- cache version ---

def test_the_cache_version_names_the_installed_pyyaml_as_importlib_finds_it():
    """format_version asks the import system's finders itself (no importlib.util at start-up):
    it must find the PyYAML, and its C parser, that an import would load."""
    import importlib.util

    identity = cache._yaml_identity()
    assert importlib.util.find_spec("yaml").origin in identity
    c_parser = importlib.util.find_spec("_yaml")
    assert c_parser is None or c_parser.origin in identity


def test_another_pyyaml_is_another_cache_version(monkeypatch):
    package = os.path.dirname(os.path.dirname(os.path.dirname(cache.__file__)))  # onenotes/
    before = cache.format_version(package)
    monkeypatch.setattr(cache, "_yaml_identity", lambda: "yaml/__init__.py:12312:1")
    assert cache.format_version(package) != before


def test_the_width_of_ascii_text_is_its_length_as_the_unicode_rule_says():
    """output.display_width counts ASCII text by its length (no per-character lookups)."""
    import unicodedata

    from onenotes.views.formats import display_width

    def rule(ch: str) -> int:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Me", "Cf"):
            return 0
        return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1

    every_ascii = "".join(map(chr, range(128)))
    assert display_width(every_ascii) == sum(map(rule, every_ascii)) == 128
    assert display_width("Zoe\u0308 \u65e5\u672c") == 8  # not ASCII: the rule still applies


def test_a_warm_check_loads_no_parser_yaml_or_markdown(warm_acme, cli):
    """A warm `check` (the pre-commit hook's) prints what it found before: it loads no
    parser, no PyYAML and no markdown-it (the example's notes hold private markup)."""
    assert cli("--notebook", warm_acme, "check").exit_code == 0  # keeps what it finds
    loaded, done = _modules_loaded("--notebook", str(warm_acme), "check")
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr.startswith("checked 23 notes: 0 errors, 0 warnings\nMODULES ")
    unexpected = {name: why for name, why in NOT_AT_START.items() if name in loaded}
    assert not unexpected, f"a warm check imported modules it should not: {unexpected}"
    assert "markdown_it" not in loaded and "onenotes.views.share" not in loaded
