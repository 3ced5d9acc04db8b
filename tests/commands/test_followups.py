"""`onenotes followups` through the real CLI: the open commitments, however they were closed."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.review_list import open_rows, tick, week1_agenda
from conftest import TODAY, note_text, write

GOLDEN = Path(__file__).parent.parent / "golden" / "followups-acme.json"
KEYS = ["id", "rep", "text", "owner", "due", "since", "source", "line", "overdue", "days_overdue", "private",
        "parent", "label"]


def run_json(cli, root, *args):
    result = cli("--notebook", root, "followups", "--format", "json", "--today", TODAY, *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_json_on_the_example_matches_the_reviewed_golden_file(cli, example_notebook):
    rows = run_json(cli, example_notebook)
    if os.environ.get("ONENOTES_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rows == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_json_rows_have_exactly_the_documented_keys(cli, example_notebook):
    rows = run_json(cli, example_notebook)
    assert rows and all(list(row) == KEYS for row in rows)
    for row in rows:
        assert isinstance(row["line"], int) and row["line"] >= 1
        assert isinstance(row["overdue"], bool) and isinstance(row["days_overdue"], int)
        assert (row["days_overdue"] > 0) == row["overdue"]
        assert "\\" not in row["source"] and not row["source"].startswith("/")


def test_each_open_commitment_is_listed_once_with_its_latest_text_and_due(cli, example_notebook):
    rows = run_json(cli, example_notebook)
    ids = [(r["rep"], r["id"]) for r in rows]
    assert len(ids) == len(set(ids))
    slipping = [r for r in rows if r["id"] == "bob-freight-prospect-list"]
    assert len(slipping) == 1
    assert slipping[0]["due"] == "2026-11-20"  # renegotiated three times; the latest wins
    assert slipping[0]["since"] == "2026-10-19"  # when it was first made
    assert slipping[0]["source"] == "bob-okafor/2026-11-16.md"  # where to close it


def test_closed_and_fake_tasks_are_not_listed(cli, example_notebook):
    rows = run_json(cli, example_notebook)
    ids = {r["id"] for r in rows}
    assert "sam-legal-intro" not in ids  # marked done
    assert "alice-shadow-dan" not in ids  # dropped
    texts = " ".join(r["text"] for r in rows)
    assert "inside a fence" not in texts and "{problem" not in texts  # code fence
    assert "expense report" not in texts.lower()  # HTML comment


def test_rows_are_sorted_by_due_date_undated_last_then_rep(cli, example_notebook):
    rows = run_json(cli, example_notebook)
    keys = [(r["due"] is None, r["due"] or "", r["rep"]) for r in rows]
    assert keys == sorted(keys)
    assert rows[0]["overdue"] and rows[-1]["due"] is None


def test_source_line_points_at_the_commitment(cli, example_notebook):
    for row in run_json(cli, example_notebook):
        lines = (example_notebook / row["source"]).read_text(encoding="utf-8").split("\n")
        line = lines[row["line"] - 1]
        assert "id:" in line or "- text:" in line or "[" in line, (row, line)
        if "[" in line:  # a body task: its words are on that line (a sub-task's own, after "› ")
            assert row["text"].split()[0] in line and row["label"].endswith(row["text"])


def test_overdue_is_counted_from_today(cli, example_notebook):
    early = {r["id"]: r for r in run_json(cli, example_notebook)}
    later = cli("--notebook", example_notebook, "followups", "--format", "json",
                "--today", "2026-11-30")
    later = {r["id"]: r for r in json.loads(later.stdout)}
    row = early["bob-freight-prospect-list"]
    assert (row["overdue"], row["days_overdue"]) == (True, 3)
    assert later["bob-freight-prospect-list"]["days_overdue"] == 10
    assert early["bob-umbrella-demo"]["overdue"] is False  # due 2026-12-02


def test_filters_rep_owner_overdue_and_due_before(cli, example_notebook):
    everything = run_json(cli, example_notebook)
    bob = run_json(cli, example_notebook, "--rep", "bob")  # a unique first name is enough
    assert bob and {r["rep"] for r in bob} == {"bob-okafor"}
    assert bob == [r for r in everything if r["rep"] == "bob-okafor"]
    mine = run_json(cli, example_notebook, "--owner", "manager")
    assert mine == [r for r in everything if r["owner"] == "manager"]
    late = run_json(cli, example_notebook, "--overdue")
    assert late == [r for r in everything if r["overdue"]]
    soon = run_json(cli, example_notebook, "--due-before", "2026-11-25")
    assert soon == [r for r in everything if r["due"] and r["due"] < "2026-11-25"]


def test_unknown_rep_filter_is_an_error_listing_reps(cli, example_notebook):
    result = cli("--notebook", example_notebook, "followups", "--rep", "zed")
    assert result.exit_code == 1
    assert "unknown rep 'zed'" in result.stderr and "alice-nguyen" in result.stderr
    assert result.stdout == ""


def test_csv_and_markdown_carry_the_same_rows(cli, example_notebook):
    rows = run_json(cli, example_notebook)
    out = cli("--notebook", example_notebook, "followups", "--format", "csv", "--today", TODAY)
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    # CSV holds the JSON's records, key for key, values as plain text.
    assert list(table[0]) == list(rows[0])
    assert table[0]["source"] == rows[0]["source"] and table[0]["line"] == str(rows[0]["line"])
    assert table[0]["overdue"] == "true" and table[0]["days_overdue"] == str(rows[0]["days_overdue"])
    md = cli("--notebook", example_notebook, "followups", "--format", "markdown", "--today", TODAY)
    lines = md.stdout.strip().split("\n")
    assert lines[0].startswith("| DUE | REP |") and len(lines) == len(rows) + 2


def test_table_marks_overdue_rows_and_counts_on_stderr(cli, example_notebook):
    result = cli("--notebook", example_notebook, "followups", "--today", TODAY)
    assert result.exit_code == 0
    lines = result.stdout.rstrip("\n").split("\n")
    assert lines[0].split()[:4] == ["DUE", "REP", "OWNER", "OVERDUE"]
    assert "3d overdue" in next(l for l in lines if "bob-freight-prospect-list" in l)
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    assert "29 open commitments, 15 overdue" in result.stderr


def test_colour_only_when_forced_and_never_with_no_color(cli, example_notebook):
    args = ("--notebook", example_notebook, "followups", "--today", TODAY)
    forced = cli(*args, env={"FORCE_COLOR": "1"})
    assert "\x1b[31m" in forced.stdout
    assert "\x1b[" not in cli(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout


def test_a_broken_note_is_skipped_with_one_warning_and_the_rest_listed(cli, acme):
    write(acme / "bob-okafor" / "2026-11-17.md", "---\nrep: bob-okafor\ndate: [unclosed\n---\n- [ ] x\n")
    result = cli("--notebook", acme, "followups", "--format", "json", "--today", TODAY)
    assert result.exit_code == 0
    warnings = [l for l in result.stderr.splitlines() if "2026-11-17.md" in l]
    assert len(warnings) == 1 and re.search(r"bob-okafor/2026-11-17.md:[34]:", warnings[0])
    assert len(json.loads(result.stdout)) == 29  # everything else is still there
    assert "Traceback" not in result.output


def test_an_unreadable_due_date_is_reported_and_the_commitment_still_listed(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text(commitments=(
        "  - id: c1\n    text: Call Globex\n    due: 2026-02-30\n")))
    result = cli("--notebook", notebook, "followups", "--format", "json", "--today", TODAY)
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["id"], r["text"], r["due"]) for r in rows] == [("c1", "Call Globex", None)]
    assert "ann/2026-11-16.md:7" in result.stderr and "2026-02-30" in result.stderr
    table = cli("--notebook", notebook, "followups", "--today", TODAY)
    assert "? 2026-02-30" in table.stdout  # the raw text is shown, not dropped


def test_terminal_escapes_in_notes_are_stripped_from_tables_but_kept_in_json(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", note_text(body="- [ ] Pay \x1b[31mnow\x1b[0m \u202eevil\n"))
    table = cli("--notebook", notebook, "followups", "--today", TODAY)
    assert "\x1b" not in table.stdout and "\u202e" not in table.stdout and "Pay now evil" in table.stdout
    rows = json.loads(cli("--notebook", notebook, "followups", "--format", "json").stdout)
    assert rows[0]["text"] == "Pay \x1b[31mnow\x1b[0m \u202eevil"


def test_bad_dates_on_the_command_line_are_usage_errors(cli, example_notebook):
    for option in ("--today", "--due-before"):
        result = cli("--notebook", example_notebook, "followups", option, "30.11.2026")
        assert result.exit_code == 2
        assert f"{option}: '30.11.2026' is not a date" in result.stderr
        assert "Traceback" not in result.output


def test_notebook_is_found_from_env_and_from_a_subfolder(cli, example_notebook, monkeypatch):
    by_env = cli("followups", "--format", "json", "--today", TODAY,
                 env={"ONENOTES_NOTEBOOK": str(example_notebook)})
    assert len(json.loads(by_env.stdout)) == 29
    monkeypatch.chdir(example_notebook / "alice-nguyen")
    upward = cli("followups", "--format", "json", "--today", TODAY)
    assert json.loads(upward.stdout) == json.loads(by_env.stdout)


def test_a_missing_notebook_folder_is_a_clear_error(cli, tmp_path):
    result = cli("--notebook", tmp_path / "nope", "followups")
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr


def test_an_empty_folder_lists_nothing(cli, tmp_path):
    result = cli("--notebook", tmp_path, "followups", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_every_format_works_with_no_rows(cli, tmp_path, fmt):
    assert cli("--notebook", tmp_path, "followups", "--format", fmt).exit_code == 0


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


# ------------------------------------- the review list (support/review_list.py) ---

def test_ticking_a_review_item_closes_the_commitment_with_obsidians_done_date(cli, notebook):
    path = week1_agenda(cli, notebook)
    tick(path, "Send the Vandelay", tail=" \u2705 2026-11-12")
    tick(path, "Prepare the Globex QBR deck › Draft", box="-")
    rows = open_rows(cli, notebook)
    assert "Send the Vandelay renewal quote" not in rows
    assert "Prepare the Globex QBR deck \u203a Draft the agenda" not in rows
    history = json.loads(cli("--notebook", notebook, "commitments", "ann", "--status", "all",
                             "--format", "json", "--today", "2026-11-16").stdout)
    vandelay = next(c for c in history if c["text"] == "Send the Vandelay renewal quote")
    assert (vandelay["status"], vandelay["closed_on"], vandelay["kept_on_time"]) == ("done", "2026-11-12", True)


def test_a_close_in_the_frontmatter_counts_even_with_the_box_unticked(cli, notebook):
    path = week1_agenda(cli, notebook)
    text = path.read_text(encoding="utf-8")
    first = text.index("    status: open")
    path.write_text(text[:first] + "    status: dropped" + text[first + len("    status: open"):], encoding="utf-8")
    assert len(open_rows(cli, notebook)) == 3
    result = cli("--notebook", notebook, "check")
    assert "is open in the review list" in result.stdout and "it counts as dropped" in result.stdout
    assert "mark the box on line" in result.stdout
