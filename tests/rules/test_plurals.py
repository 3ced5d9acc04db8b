"""Counts with the right word: "1 day", "2 days", "1 open commitment" (issue 16).

Every message with a count goes through ``onenotes.views.formats.plural`` (and the
``plural`` filter of the templates); each is tested here with a count of 1 and
of 2.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import note_text, write
from onenotes.reading.note import parse_note
from onenotes.text import plural, plural_word
from onenotes.views.templates import make_environment

NOTE = "ann/2026-11-16.md"


@pytest.mark.parametrize("count, words, text", [
    (1, ("day",), "1 day"), (2, ("day",), "2 days"), (0, ("day",), "0 days"),
    (1, ("open commitment",), "1 open commitment"), (2, ("open commitment",), "2 open commitments"),
    (1.0, ("hour",), "1 hour"), (2.5, ("hour",), "2.5 hours"),
    (1, ("is", "are"), "1 is"), (3, ("is", "are"), "3 are"),
])
def test_plural(count, words, text):
    assert plural(count, *words) == text
    assert plural_word(count, *words) == text.split(" ", 1)[1]


@pytest.mark.parametrize("count, text", [(1, "1 day overdue"), (2, "2 days overdue")])
def test_the_template_filter(count, text):
    env = make_environment(None)
    assert env.from_string('{{ n | plural("day") }} overdue').render(n=count) == text


# ------------------------------------------------------------------ CLI ---

@pytest.mark.parametrize("notes, summary", [
    (1, "checked 1 note: 1 error, 1 warning"),
    (2, "checked 2 notes: 2 errors, 2 warnings"),
])
def test_check_counts(cli, notebook, notes, summary):
    for day in range(notes):  # each: an unknown status (an error) and an odd task marker (a warning)
        write(notebook / "ann" / f"2026-11-{day + 10}.md",
              note_text(date=f"2026-11-{day + 10}", commitments=f"  - text: Call {day}\n    status: maybe\n",
                        body=f"- [/] half done {'xyz'[day]}\n"))
    assert cli("--notebook", notebook, "check").stderr.splitlines() == [summary]


@pytest.mark.parametrize("tasks, summary", [(1, "1 open commitment, 0 overdue"), (2, "2 open commitments, 0 overdue")])
def test_followups_count(cli, notebook, tasks, summary):
    write(notebook / NOTE, note_text(body="".join(f"- [ ] Task {i}\n" for i in range(tasks))))
    assert cli("--notebook", notebook, "followups", "--today", "2026-11-16").stderr.splitlines() == [summary]


@pytest.mark.parametrize("bad, refused, skipped", [
    (1, "onenotes: error: 1 problem in export.csv; nothing was written", "onenotes: 1 problem skipped (--partial)"),
    (2, "onenotes: error: 2 problems in export.csv; nothing was written", "onenotes: 2 problems skipped (--partial)"),
])
def test_import_metrics_problem_counts(cli, acme, tmp_path, bad, refused, skipped):
    rows = "".join(f"Carla Mendes,lots{i},31\n" for i in range(bad))
    export = write(tmp_path / "export.csv", "Owner,Revenue,Sales calls\nAlice Nguyen,1000,40\n" + rows)
    result = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16")
    assert refused in result.stderr.splitlines()
    result = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16", "--partial")
    assert skipped in result.stderr.splitlines()


@pytest.mark.parametrize("header, message", [("Owner,Revenue", "3 fields but 2 columns"),
                                             ("Owner,Revenue,Calls", "4 fields but 3 columns")])
def test_import_metrics_fields_and_columns(cli, acme, tmp_path, header, message):
    """(One column cannot hold a rep and a figure: the count is 2 at least.)"""
    export = write(tmp_path / "export.csv", f"{header}\nAlice Nguyen,1,000{',40' * (header.count(',') - 1)}\n")
    mapping = write(tmp_path / "map.yaml", 'rep: Owner\ndelimiter: ","\ncolumns: {Calls: sales_calls}\n')
    result = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16", "--map", mapping)
    assert f"export.csv:2: {message}" in result.stderr


@pytest.mark.parametrize("parts, said", [(1, "left out: 1 private part)"), (2, "left out: 2 private parts)")])
def test_share_counts_the_parts_left_out(cli, notebook, parts, said):
    body = "".join(f"Shared {i}.\n\n<!-- private -->\nSecret {i}.\n<!-- /private -->\n\n" for i in range(parts))
    write(notebook / NOTE, note_text(body=body))
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text() + "share: {private_keys: []}\n")
    result = cli("--notebook", notebook, "share", "ann", "--today", "2026-11-16")
    assert result.exit_code == 0, result.output
    assert result.stderr.rstrip().endswith(said)


@pytest.mark.parametrize("minutes, fact", [(1, "**Length:** 1 minute"), (45, "**Length:** 45 minutes")])
def test_share_states_the_length(cli, notebook, minutes, fact):
    write(notebook / NOTE, note_text().replace("date: 2026-11-16\n", f"date: 2026-11-16\nduration_minutes: {minutes}\n"))
    assert fact in cli("--notebook", notebook, "share", "ann", "--today", "2026-11-16").stdout


@pytest.mark.parametrize("fields, message", [(1, "1 task field holds a template"), (2, "2 task fields hold a template")])
def test_placeholder_count(fields, message):
    body = "- [ ] Call Acme \U0001F4C5 <% tp.date.now() %>\n" + ("- [ ] Call Globex [due:: Invalid date]\n" * (fields - 1))
    note = parse_note(note_text(body=body), NOTE, "ann", dt.date(2026, 11, 16))
    assert [p.message for p in note.problems if p.code == "task-placeholder"][0].startswith(message)


@pytest.mark.parametrize("today, ago, overdue", [("2026-11-17", "(1 day ago)", "1 day overdue"),
                                                  ("2026-11-18", "(2 days ago)", "2 days overdue")])
def test_brief_days(cli, notebook, today, ago, overdue):
    write(notebook / NOTE, note_text(body="- [ ] Call Acme due: 2026-11-16\n"))
    out = cli("--notebook", notebook, "brief", "ann", "--today", today).stdout
    assert f"Last one-on-one: 2026-11-16 {ago}." in out
    assert f"(rep, due 2026-11-16, {overdue})" in out


@pytest.mark.parametrize("weeks, reps, head", [
    (1, ["bob"], "trends over the last 1 week (2026-11-16 to 2026-11-23) · 1 rep"),
    (2, ["bob", "alice"], "trends over the last 2 weeks (2026-11-09 to 2026-11-23) · 2 reps"),
])
def test_report_heading(cli, example_notebook, weeks, reps, head):
    args = [a for rep in reps for a in ("--rep", rep)]
    markdown = cli("--notebook", example_notebook, "report", "--today", "2026-11-23", "--weeks", weeks, *args,
                   "--format", "markdown").stdout
    html = cli("--notebook", example_notebook, "report", "--today", "2026-11-23", "--weeks", weeks, *args).stdout
    assert head in markdown
    assert head.replace("·", "&middot;") in html


@pytest.mark.parametrize("reps, off, overdue", [
    (["bob"], "**1 of 1** rep below goal on an output", "open commitments are overdue"),
    (["bob", "carla"], "**2 of 2** reps below goal on an output", "open commitments are overdue"),
])
def test_report_headlines_agree_with_the_total(cli, example_notebook, reps, off, overdue):
    args = [a for rep in reps for a in ("--rep", rep)]
    out = cli("--notebook", example_notebook, "report", "--today", "2026-11-23", *args, "--format", "markdown").stdout
    assert off in out and overdue in out


def test_report_headline_of_one_open_commitment(cli, notebook):
    write(notebook / NOTE, note_text(body="- [ ] Call Acme due: 2026-11-20\n"))
    out = cli("--notebook", notebook, "report", "--today", "2026-11-23", "--format", "markdown").stdout
    assert "- **1 of 1** open commitment is overdue" in out


@pytest.mark.parametrize("today, late, note", [("2026-11-24", "Ann Lee (1 day)", "overdue 1 day"),
                                               ("2026-11-25", "Ann Lee (2 days)", "overdue 2 days")])
def test_report_days_overdue_for_a_meeting(cli, notebook, today, late, note):
    write(notebook / NOTE, note_text())
    out = cli("--notebook", notebook, "report", "--today", today, "--format", "markdown").stdout
    assert f"overdue for a one-on-one: {late}" in out
    assert f"2026-11-16 ({note})" in out


@pytest.mark.parametrize("today, note", [("2026-11-17", "1 day ago"), ("2026-11-18", "2 days ago")])
def test_report_days_since_the_meeting(cli, notebook, today, note):
    write(notebook / NOTE, note_text())
    out = cli("--notebook", notebook, "report", "--today", today, "--format", "markdown").stdout
    assert f"2026-11-16 ({note})" in out


@pytest.mark.parametrize("days, cell", [(1, "every day: each column is a day"),
                                        (2, "every 2 days: each column is 2 days")])
def test_report_cadence_period(cli, notebook, days, cell):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text().replace("cadence: weekly", f"cadence: every {days} days"))
    write(notebook / NOTE, note_text())
    html = cli("--notebook", notebook, "report", "--today", "2026-11-17").stdout
    assert f"One one-on-one {cell}," in html


@pytest.mark.parametrize("hours, said", [(1, "against a target of 1 hour a month"),
                                         (2.5, "against a target of 2.5 hours a month")])
def test_report_hours_target(cli, notebook, hours, said):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text() + f"coaching_hours_target: {hours}\n")
    write(notebook / NOTE, note_text())
    assert said in cli("--notebook", notebook, "report", "--today", "2026-11-17").stdout


@pytest.mark.parametrize("charts, said", [(1, "wrote 1 chart in"), (2, "wrote 2 charts in")])
def test_report_chart_count(cli, notebook, tmp_path, charts, said):
    config = notebook / "onenotes.yaml"
    if charts == 1:
        config.write_text(config.read_text().replace("  sales_calls: {kind: input, goal: 40}\n", ""))
    write(notebook / NOTE, note_text(metrics="  revenue: 20000\n"))
    result = cli("--notebook", notebook, "report", "--today", "2026-11-17", "--format", "markdown",
                 "--out", tmp_path / "team.md")
    assert any(line.startswith(said) for line in result.stderr.splitlines()), result.stderr


@pytest.mark.parametrize("lookback, said", [(1, "Missed in 1 of the last 1 meeting:"),
                                            (2, "Missed in 2 of the last 2 meetings:")])
def test_diagnosis_counts_meetings(cli, notebook, lookback, said):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text() + f"diagnosis: {{lookback: {lookback}, consistent: {lookback}}}\n")
    for day in ("09", "16"):
        write(notebook / "ann" / f"2026-11-{day}.md",
              note_text(date=f"2026-11-{day}", metrics="  revenue: 1000\n  sales_calls: 40\n"))
    assert said in cli("--notebook", notebook, "brief", "ann", "--today", "2026-11-23").stdout
