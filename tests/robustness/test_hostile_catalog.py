"""Every entry of the hostile-input catalog, through every command that reads notes.

The cases are data in ``tests/support/hostile_cases.py``; each runs through the real
entry point (``onenotes.cli.main``) with CliRunner and must give the exact exit
code, a message naming file and line, the other notes still processed, and
no byte written where nothing should be.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from support import hostile_cases as hc
from conftest import ROOT

CATALOG = Path("/work/shared/hostile-inputs.md")
CHECK_DOC = ROOT / "docs" / "commands" / "check.md"
MISTAKES = [c for c in hc.CASES if c.code and c.mistake]


def test_every_catalog_entry_has_at_least_one_case():
    assert {c.entry for c in hc.CASES} == set(range(1, 36))
    if CATALOG.is_file():  # the catalog itself, where it is at hand
        numbers = {int(n) for n in re.findall(r"^(\d+)\. ", CATALOG.read_text(encoding="utf-8"), re.M)}
        assert numbers == set(range(1, 36))


def test_case_ids_are_unique():
    ids = [c.id for c in hc.CASES]
    assert len(ids) == len(set(ids))


def test_every_command_that_reads_notes_is_run():
    from onenotes.cli import COMMANDS

    commands = hc.reading_commands()
    assert set(commands) | hc.NOT_READING == set(COMMANDS)
    for command in commands:  # each runs, with its own arguments or generic ones
        assert hc.argv(hc.CASES[0], command, Path("nb"))[2] == command


@pytest.mark.parametrize("case, command", hc.pairs(), ids=lambda x: x if isinstance(x, str) else x.id)
def test_hostile_input(case, command, tmp_path):
    outcome = hc.run_case(case, command, tmp_path)
    assert outcome.crash is None, outcome.crash
    assert outcome.unexpected == [], "\n".join(outcome.unexpected)


@pytest.mark.parametrize("case", MISTAKES, ids=lambda c: c.id)
def test_check_json_names_code_line_and_a_fix_hint(case, cli, tmp_path):
    root = hc.build(case, tmp_path / "nb")
    result = cli("--notebook", root, "check", "--format", "json")
    report = json.loads(result.stdout)
    path, _, line = (case.check_at or case.where).partition(":")
    found = [p for p in report["problems"] if p["code"] == case.code and p["path"] == path]
    assert found, report["problems"]
    problem = found[0]
    assert problem["line"] == (int(line) if line else 0)
    assert problem["severity"] == case.severity
    assert problem["hint"], problem
    assert case.hint in problem["hint"]
    documented = CHECK_DOC.read_text(encoding="utf-8").split("## Problem codes", 1)[1]
    assert f"| `{problem['code']}` |" in documented
    assert result.exit_code == (1 if report["errors"] else 0)


def test_check_json_keys_are_exactly_the_documented_ones(cli, tmp_path):
    case = next(c for c in hc.CASES if c.name == "duplicate-key")
    root = hc.build(case, tmp_path / "nb")
    report = json.loads(cli("--notebook", root, "check", "--format", "json").stdout)
    assert list(report) == ["files", "errors", "warnings", "problems"]
    assert report["problems"]
    for problem in report["problems"]:
        assert list(problem) == ["path", "line", "column", "severity", "code", "message", "hint"]
    doc = CHECK_DOC.read_text(encoding="utf-8")
    for key in list(report) + list(report["problems"][0]):
        assert f"`{key}`" in doc, key


def emitted_codes() -> set[str]:
    """Every problem code the sources can emit: Problem(...) and _problem(...) calls, add(...) in check,
    and codes passed on by keyword (``code="metric-not-number"``)."""
    codes = set()
    for path in (ROOT / "onenotes").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'"(?:error|warning)",\s*"([a-z][a-z0-9-]+)"', text))
        codes |= set(re.findall(r'\bcode="([a-z][a-z0-9-]+)"', text))
    return codes


def test_emitted_codes_are_found():
    # The collector must see the codes we know exist, or the next test proves nothing.
    assert {"yaml", "encoding", "merge-conflict", "unknown-kpi", "config", "template-syntax",
            "symlink", "too-large", "task-marker"} <= emitted_codes()


def test_every_problem_code_is_documented_in_the_check_page():
    doc = CHECK_DOC.read_text(encoding="utf-8")
    section = doc.split("## Problem codes", 1)[1]
    documented = set(re.findall(r"^\| `([a-z][a-z0-9-]+)` \|", section, re.M))
    assert emitted_codes() <= documented, emitted_codes() - documented
    assert documented <= emitted_codes(), documented - emitted_codes()


def test_terminal_escapes_are_stripped_from_tables_and_kept_in_json(cli, tmp_path):
    case = next(c for c in hc.CASES if c.entry == 35)
    root = hc.build(case, tmp_path / "nb")
    raw = case.listed[0]
    for command in ("followups", "commitments"):
        table = cli("--notebook", root, command, "--today", hc.TODAY)
        assert table.exit_code == 0
        assert "Call Acme evil now" in table.stdout
        assert "\x1b" not in table.stdout and "\u202e" not in table.stdout
        as_json = json.loads(cli("--notebook", root, command, "--today", hc.TODAY, "--format", "json").stdout)
        assert raw in [r["text"] for r in as_json]
    brief = cli("--notebook", root, "brief", "ann", "--today", "2026-11-10")  # the note of 11-09 is the last
    assert "Call Acme evil now" in brief.stdout
    assert "\x1b" not in brief.stdout and "\u202e" not in brief.stdout


def test_a_notebook_path_that_is_not_utf8_is_printed_as_its_bytes(cli, tmp_path):
    root = os.path.join(os.fsencode(tmp_path), b"nb\xe9")
    hc.build(hc.Case(99, "plain"), Path(os.fsdecode(root)))
    result = cli("--notebook", os.fsdecode(root), "new", "ann", "--today", hc.TODAY)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == root + b"/ann/2026-11-23.md\n"


def test_error_messages_carry_no_terminal_escapes(cli, tmp_path):
    result = cli("--notebook", tmp_path / "\x1b]0;pwned\x07\u202egone", "followups")
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\u202e" not in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_to_a_full_disk_is_a_message_and_exit_4(tmp_path):
    """Catalog 26 (writes fail): stdout on a full disk. A real file descriptor: a child process."""
    import subprocess
    import sys

    root = hc.build(hc.Case(99, "plain"), tmp_path / "nb")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "onenotes", "--notebook", str(root), "followups",
                               "--today", hc.TODAY], stdout=full, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT)
    assert proc.returncode == 4
    assert "onenotes: error: No space left on device" in proc.stderr
    assert "Traceback" not in proc.stderr


# ------------------------------------------------- the harness can fail ---

def test_the_harness_reports_a_wrong_exit_code_and_a_missing_message(tmp_path):
    case = hc.Case(99, "wrong-expectation", {hc.H: "\ufeff" + hc.note()}, kind="accept",
                   where=f"{hc.H}:1", exits={"followups": 3})
    outcome = hc.run_case(case, "followups", tmp_path)
    assert any("exit code 0, expected 3" in u for u in outcome.unexpected)
    assert any("does not name" in u for u in outcome.unexpected)


def test_the_harness_reports_a_write_a_lost_note_and_a_crash(tmp_path, monkeypatch):
    import onenotes.cli.followups as fcli

    original = fcli.followups

    def writes_and_loses(book, **kwargs):
        (book.root / "ann" / "2026-11-16.md").write_text("mangled", encoding="utf-8")
        result = original(book, **kwargs)
        result.rows = [r for r in result.rows if "Acme" not in r["text"]]
        return result

    monkeypatch.setattr(fcli, "followups", writes_and_loses)
    outcome = hc.run_case(hc.Case(99, "plain", kind="accept"), "followups", tmp_path)
    assert any("files changed" in u for u in outcome.unexpected)
    assert any("'Call Acme about the renewal' listed 0 times" in u for u in outcome.unexpected)

    def crashes(book, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(fcli, "followups", crashes)
    outcome = hc.run_case(hc.Case(99, "plain", kind="accept"), "followups", tmp_path)
    assert outcome.crash and "RuntimeError: boom" in outcome.crash


def test_run_all_returns_the_report_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(hc, "CASES", [c for c in hc.CASES if c.name in ("utf8-bom", "duplicate-key")])
    figures = hc.run_all(tmp_path)
    assert figures == {"cases": 2, "command_runs": 2 * len(hc.reading_commands()), "crashes": 0,
                       "unexpected": []}
    monkeypatch.setattr(hc, "CASES", [hc.Case(99, "one-command", kind="accept", only=("followups",))])
    assert hc.run_all(tmp_path)["command_runs"] == 1


def test_a_command_added_later_is_run_too(tmp_path, monkeypatch):
    from onenotes.cli import COMMANDS

    monkeypatch.setitem(COMMANDS, "kpis-copy", ("onenotes.cli.kpis", "A reading command the catalog does not know."))
    assert "kpis-copy" in hc.reading_commands()
    assert hc.generic_args("kpis-copy") == ["kpis-copy", "--today", hc.TODAY, "--format", "json"]
    broken_config = next(c for c in hc.CASES if c.name == "config-unknown-key")
    assert hc.run_case(broken_config, "kpis-copy", tmp_path).unexpected == []
    # It is judged on surviving: no crash, no file written or changed.
    monkeypatch.setitem(COMMANDS, "writes", ("onenotes.cli.new", "A command that writes."))
    outcome = hc.run_case(hc.Case(99, "plain", kind="accept"), "writes", tmp_path)
    assert any("files written where nothing should be" in u for u in outcome.unexpected)


def test_every_problem_check_reports_carries_a_fix_hint(cli, tmp_path):
    """Beyond the catalog: every kind of mistake a note can hold gets a hint."""
    root = tmp_path / "nb"
    for rel, text in {**hc.BASE, **hc.KITCHEN_SINK}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    report = json.loads(cli("--notebook", root, "check", "--format", "json").stdout)
    codes = {p["code"] for p in report["problems"]}
    assert codes >= {"bad-date", "bad-duration", "derived-kpi", "unknown-kpi", "metric-not-number",
                     "metric-invalid", "plan-invalid", "confidence-invalid", "commitment-invalid",
                     "commitment-text", "commitment-status", "commitment-owner", "commitment-date",
                     "commitment-key", "duplicate-id", "task-marker", "rep-mismatch", "date-mismatch",
                     "not-a-note", "note-name"}, codes
    assert [p for p in report["problems"] if not p["hint"]] == []


@pytest.mark.parametrize("case", hc.CASES, ids=lambda c: c.id)
def test_no_problem_from_a_catalog_case_lacks_a_hint(case, cli, tmp_path):
    root = hc.build(case, tmp_path / "nb")
    report = json.loads(cli("--notebook", root, "check", "--format", "json").stdout)
    assert [p for p in report["problems"] if not p["hint"]] == []


@pytest.mark.parametrize("zone, overdue", [("Europe/Berlin", 1), ("UTC", 0), ("America/Chicago", 0)])
def test_today_is_the_notebooks_date_not_the_machines(zone, overdue, cli, tmp_path, monkeypatch):
    """Catalog 34: at 23:30 UTC on 30 November it is already 1 December in Berlin."""
    import datetime as dt
    import types

    import onenotes.dates

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.timezone.utc).astimezone(tz)

    monkeypatch.setattr(onenotes.dates, "dt", types.SimpleNamespace(
        datetime=Clock, date=dt.date, timedelta=dt.timedelta))
    case = hc.Case(34, "clock", {"onenotes.yaml": hc.CONFIG + f"timezone: {zone}\n"})
    root = hc.build(case, tmp_path / "nb")
    rows = json.loads(cli("--notebook", root, "followups", "--format", "json").stdout)
    acme = next(r for r in rows if r["text"] == "Call Acme about the renewal")
    assert acme["due"] == "2026-11-20"
    assert acme["days_overdue"] == 10 + overdue
