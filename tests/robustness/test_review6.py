"""Defects a second reader (review6) found in issue 6's commands; each test fails without its fix."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import TODAY, write
from onenotes.rules.commitments import build_ledger
from onenotes.reading.notebook import load_notebook


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


def test_each_line_reported_by_done_is_where_the_edit_is(cli, notebook):
    """Ids given bottom-up: the line printed for the lower one must count the lines added above it."""
    note = notebook / "ann" / "2026-11-09.md"
    write(note, "---\ncommitments:\n  - id: first\n    text: one\n  - id: second\n    text: two\n---\n"
                "- [ ] body task\n")
    body_id = next(e.id for e in build_ledger(load_notebook(notebook).notes) if e.text == "body task")
    result = cli("--notebook", notebook, "done", body_id, "second", "first", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    lines = note.read_text().splitlines()
    reported = re.findall(r"ann/2026-11-09\.md:(\d+): (\S+): done", result.stderr)
    assert len(reported) == 3
    for number, ident in reported:
        line = lines[int(number) - 1]
        assert ("status: done" in line) if ident != body_id else line.startswith("- [x] body task"), \
            (number, ident, line)


def test_an_unknown_rep_hint_names_a_command_that_exists(cli, acme):
    """`ics`, `share`, `edit` have no --add: the hint names `onenotes new REP --add`."""
    result = cli("--notebook", acme, "ics", "--rep", "dana", "--today", TODAY)
    assert result.exit_code == 1
    assert "onenotes new 'dana' --add" in result.stderr


def test_table_columns_line_up_for_accented_and_cjk_rep_names(cli, notebook):
    """An NFD folder name (combining accents) and a CJK name: columns align on screen."""
    import unicodedata

    def display_width(text):  # an oracle independent of onenotes.views.formats
        return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) == "W" else 1
                   for c in text)

    for folder in (unicodedata.normalize("NFD", "josé-garcía"), "李雷"):
        write(notebook / folder / "2026-11-16.md", "---\n---\n")
    out = cli("--notebook", notebook, "reps", "--today", TODAY).stdout.splitlines()
    starts = {display_width(line[:line.index("2026-11-16")]) for line in out[1:] if "2026-11-16" in line}
    assert len(starts) == 1, out


def test_share_and_report_complete_rep_slugs_and_share_completes_paths(example_notebook):
    from click.shell_completion import ShellComplete

    from onenotes.cli import cli as group

    def complete(args, incomplete):
        items = ShellComplete(group, {}, "onenotes", "_ONENOTES_COMPLETE").get_completions(
            ["--notebook", str(example_notebook), *args], incomplete)
        return [(item.value, item.type) for item in items]

    assert complete(["share"], "ali") == [("alice-nguyen", "plain")]
    assert complete(["report", "--rep"], "bo") == [("bob-okafor", "plain")]
    assert complete(["share"], "alice-nguyen/2026") == [("alice-nguyen/2026", "file")]


def test_share_takes_its_format_name_in_any_case_like_the_listing_commands(cli, acme):
    result = cli("--notebook", acme, "share", "alice", "--format", "HTML", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")


def test_a_map_file_too_big_is_refused_not_read_cut_off(cli, acme, tmp_path):
    """Cut at 256 KiB of bytes, accented names decode to fewer characters than the YAML
    size limit: the file below would be parsed without the alias on its last line."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("reps:\n" + "".join(f"  'Zoë Ñúñez-Öğüt {i}': bob-okafor\n" for i in range(8000))
                       + "  Ally: alice-nguyen\n", encoding="utf-8")
    first = mapping.read_bytes()[:256 * 1024 + 1].decode("utf-8", "ignore")
    assert mapping.stat().st_size > 256 * 1024 > len(first)
    csv = tmp_path / "export.csv"
    csv.write_text("Rep,Revenue\nAlly,100\n")
    result = cli("--notebook", acme, "import-metrics", csv, "--map", mapping, "--date", "2026-11-16")
    assert result.exit_code == 3, result.stderr
    assert "is over 256 KiB" in result.stderr


def test_a_broken_map_file_keeps_the_yaml_hint(cli, acme, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("reps:\n\tAlly: alice-nguyen\n")
    csv = tmp_path / "export.csv"
    csv.write_text("Rep,Revenue\nAlly,100\n")
    result = cli("--notebook", acme, "import-metrics", csv, "--map", mapping, "--date", "2026-11-16")
    assert result.exit_code == 3
    assert "map.yaml:2: tab character in the indentation\n  hint: indent with spaces" in result.stderr


def test_a_rep_whose_name_starts_like_a_total_line_is_imported(cli, notebook, tmp_path):
    """"Sum, Kim" (Last, First) is a rep, not a report's "Sum" line to skip silently."""
    write(notebook / "kim-sum" / "2026-11-09.md", "---\n---\n")
    csv = tmp_path / "export.csv"
    csv.write_text("Owner,Revenue\n\"Sum, Kim\",\"$1,200.00\"\nTotal,\"$1,200.00\"\n")
    result = cli("--notebook", notebook, "import-metrics", csv, "--date", "2026-11-16", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert "actual: 1200}" in (notebook / "kim-sum" / "2026-11-16.md").read_text()


def test_ics_out_through_a_symlink_writes_the_target_and_keeps_the_link(cli, acme, tmp_path):
    """A calendar kept in a synced folder and linked: the link stays, the target gets the
    calendar with its own permissions (not the link's 0777)."""
    real = tmp_path / "synced" / "team.ics"
    real.parent.mkdir()
    real.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    real.chmod(0o640)
    link = tmp_path / "team.ics"
    link.symlink_to(real)
    result = cli("--notebook", acme, "ics", "--out", link, "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert b"SUMMARY:One-on-one: Alice Nguyen" in real.read_bytes()
    assert real.stat().st_mode & 0o777 == 0o640


def test_an_open_commitment_that_already_has_a_done_on_can_be_closed(cli, notebook):
    """`done_on:` written by hand but `status:` forgotten: `done` sets the status and keeps the date."""
    note = notebook / "ann" / "2026-11-09.md"
    write(note, "---\ncommitments:\n  - id: a1\n    text: x\n    done_on: 2026-11-01\n---\n")
    result = cli("--notebook", notebook, "done", "a1", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert note.read_text() == ("---\ncommitments:\n  - id: a1\n    text: x\n    done_on: 2026-11-01\n"
                                "    status: done\n---\n")


def test_import_into_a_block_mapping_kpi_and_a_new_kpi_below_it(cli, notebook, tmp_path):
    """Two lines inserted after one line (the nested actual, then a new KPI) keep their order;
    they were swapped, and the import refused as 'would make the note unreadable'."""
    note = notebook / "ann" / "2026-11-16.md"
    write(note, "---\nmetrics:\n  revenue:\n    goal: 5\n---\n")
    csv = tmp_path / "export.csv"
    csv.write_text("Rep,Revenue,Sales calls\nann,1200,40\n")
    result = cli("--notebook", notebook, "import-metrics", csv, "--date", "2026-11-16", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert note.read_text() == ("---\nmetrics:\n  revenue:\n    goal: 5\n    actual: 1200\n"
                                "  sales_calls: 40\n---\n")


def test_share_refuses_when_the_latest_note_cannot_be_read_instead_of_sharing_an_older_one(cli, acme):
    """Today's note has a merge conflict: mailing last week's note instead, unnoticed, is wrong."""
    write(acme / "alice-nguyen" / "2026-11-23.md", "---\n<<<<<<< HEAD\nrep: a\n=======\nrep: b\n>>>>>>> x\n---\n")
    result = cli("--notebook", acme, "share", "alice", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "alice-nguyen/2026-11-23.md cannot be read, so it cannot be shared" in result.stderr
    dated = cli("--notebook", acme, "share", "alice", "--date", "2026-11-23", "--today", TODAY)
    assert dated.exit_code == 1 and "cannot be shared" in dated.stderr
    assert cli("--notebook", acme, "share", "alice", "--date", "2026-11-16", "--today", TODAY).exit_code == 0


def test_edit_opens_the_latest_note_even_when_it_cannot_be_read(cli, acme):
    """A merge conflict in today's note: `edit` opens it (to fix it), not last week's note."""
    broken = acme / "bob-okafor" / "2026-11-23.md"
    write(broken, "---\n<<<<<<< HEAD\nrep: a\n=======\nrep: b\n>>>>>>> x\n---\n")
    result = cli("--notebook", acme, "edit", "bob", env={"EDITOR": "true"})
    assert result.exit_code == 0, result.stderr
    assert f"onenotes: editing {broken}\n" in result.stderr


def test_an_id_start_unique_among_open_commitments_names_the_open_one(cli, notebook):
    """`followups` lists open ids only; a closed one sharing the start does not make it ambiguous."""
    note = notebook / "ann" / "2026-11-09.md"
    write(note, "---\ncommitments:\n  - id: c0ffee01\n    text: old\n    status: done\n"
                "  - id: c0ffee02\n    text: new\n---\n")
    result = cli("--notebook", notebook, "done", "c0ff", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert "c0ffee02: done" in result.stderr
    both_open = notebook / "ann" / "2026-11-16.md"
    write(both_open, "---\ncommitments:\n  - id: beef01\n    text: a\n  - id: beef02\n    text: b\n---\n")
    assert cli("--notebook", notebook, "done", "beef", "--today", TODAY).exit_code == 1  # still ambiguous
