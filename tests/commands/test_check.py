"""``onenotes check [PATH...]``: exact problem lines, exit codes, JSON shape, the paths it is
given, the same answer through the cache, the pre-commit hook; and what the reading commands
say of the files check would list.

Run through the real entry point with CliRunner: exact output and exit codes.  The
cache is off in tests unless a test turns it on (``cached``)."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from support import hostile_cases as hc
from support.review_list import open_rows, tick, week1_agenda
from conftest import ROOT, TODAY, note_text, write

import onenotes.views.check

NOTE = "ann/2026-11-16.md"

# kind -> (note text, exact problem line on stdout)
ERROR_CASES = {
    "yaml-syntax": (
        "---\nrep: ann\ndate: 2026-11-16\nfoo: [1, 2\n---\n",
        f"{NOTE}:5:1: error: invalid YAML: did not find expected ',' or ']' [yaml]",
    ),
    "rep-mismatch": (
        note_text(rep="bob"),
        f"{NOTE}:2: error: rep is 'bob' but the note is in the folder 'ann' [rep-mismatch]",
    ),
    "date-mismatch": (
        note_text(date="2026-11-17"),
        f"{NOTE}:3: error: date is 2026-11-17 but the file is named for 2026-11-16 [date-mismatch]",
    ),
    "unknown-kpi": (
        note_text(metrics="  revenu: 5\n"),
        f"{NOTE}:5: error: unknown KPI 'revenu' [unknown-kpi]",
    ),
    "metric-not-number": (
        note_text(metrics="  revenue: lots\n"),
        f"{NOTE}:5: error: metric 'revenue' is not a number: 'lots' [metric-not-number]",
    ),
    "commitment-date": (
        note_text(commitments="  - text: Send deck\n    due: someday\n"),
        f"{NOTE}:6: error: due date: 'someday' is not a date (write YYYY-MM-DD) [commitment-date]",
    ),
    "commitment-text": (
        note_text(commitments="  - id: x1\n    due: 2026-11-20\n"),
        f"{NOTE}:5: error: commitment without text [commitment-text]",
    ),
    "commitment-status": (
        note_text(commitments="  - text: Send deck\n    status: pending\n"),
        f"{NOTE}:6: error: unknown status 'pending'; listed as open [commitment-status]",
    ),
    "duplicate-id": (
        note_text(commitments="  - id: a1\n    text: One\n  - id: a1\n    text: Two\n"),
        f"{NOTE}:7: error: commitment id 'a1' is used twice in this note (first on line 5) [duplicate-id]",
    ),
    "merge-conflict": (
        note_text(body="hi\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> other\n"),
        f"{NOTE}:6:1: error: unresolved merge conflict [merge-conflict]",
    ),
}


def _check(cli, root, *extra):
    return cli("--notebook", root, "check", *extra)


def test_check_example_notebook_is_clean(cli, example_notebook):
    result = _check(cli, example_notebook)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["checked 23 notes: 0 errors, 0 warnings"]


@pytest.mark.parametrize("kind", list(ERROR_CASES))
def test_check_prints_exact_problem_line_and_exits_1_for_each_error_kind(cli, notebook, kind):
    text, expected = ERROR_CASES[kind]
    write(notebook / NOTE, text)
    result = _check(cli, notebook)
    lines = result.stdout.splitlines()
    assert lines[0] == expected
    assert [ln for ln in lines if not ln.startswith("    hint: ")] == [expected]
    assert result.stderr.splitlines() == ["checked 1 note: 1 error, 0 warnings"]
    assert result.exit_code == 1


def test_check_unknown_kpi_suggests_close_name(cli, notebook):
    write(notebook / NOTE, note_text(metrics="  revenu: 5\n"))
    result = _check(cli, notebook)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{NOTE}:5: error: unknown KPI 'revenu' [unknown-kpi]",
        "    hint: did you mean 'revenue'?",
    ]


def test_confidence_for_an_unknown_kpi_is_reported(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", "---\nconfidence:\n  revenu: 3\n---\n")
    out = cli("--notebook", notebook, "check").stdout
    assert "ann/2026-11-16.md:3: error: confidence for unknown KPI 'revenu' [unknown-kpi]" in out


def test_check_invalid_config_is_reported_and_notes_still_checked(cli, notebook):
    write(notebook / "onenotes.yaml", "cadense: weekly\n")
    write(notebook / NOTE, note_text(rep="bob"))
    result = _check(cli, notebook)
    lines = result.stdout.splitlines()
    assert "onenotes.yaml:1: error: unknown setting 'cadense' [config]" in lines
    assert lines[lines.index("onenotes.yaml:1: error: unknown setting 'cadense' [config]") + 1] \
        == "    hint: did you mean 'cadence'?"
    assert any(ln.endswith("[rep-mismatch]") and ln.startswith(f"{NOTE}:2:") for ln in lines)
    assert result.stderr.splitlines() == ["checked 1 note: 2 errors, 0 warnings"]
    assert result.exit_code == 1


def test_check_template_syntax_error(cli, notebook):
    write(notebook / "templates" / "one-on-one.md", "# {{ rep\nhello {% if %}\n")
    result = _check(cli, notebook)
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("templates/one-on-one.md:2: error: template syntax error: ")
    assert lines[0].endswith(" [template-syntax]")
    assert lines[1] == "    hint: fix the Jinja syntax on that line (see docs/templates.md)"
    assert result.stderr.splitlines() == ["checked 0 notes: 1 error, 0 warnings"]
    assert result.exit_code == 1


def test_check_warnings_only_exit_0(cli, notebook):
    write(notebook / NOTE, note_text(body="- [/] Call Bob\n"))
    write(notebook / "ann" / "ideas.md", "just ideas\n")
    result = _check(cli, notebook)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "ann/2026-11-16.md:5: warning: unknown task marker [/]; listed as open [task-marker]",
        "    hint: use [ ] open, [x] done or [-] dropped",
        "ann/ideas.md: warning: not named like a note, so it is not read [not-a-note]",
        "    hint: name notes YYYY-MM-DD.md (a second one that day: YYYY-MM-DD-2.md)",
    ]
    assert result.stderr.splitlines() == ["checked 1 note: 0 errors, 2 warnings"]


def test_check_json_format_keys(cli, example_notebook):
    result = _check(cli, example_notebook, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == {"files": 23, "errors": 0, "warnings": 0, "problems": []}


def test_check_json_is_valid_with_problems(cli, notebook):
    write(notebook / NOTE, note_text(rep="bob", body="- [/] Call Bob\n"))
    result = _check(cli, notebook, "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) == {"files", "errors", "warnings", "problems"}
    assert (data["files"], data["errors"], data["warnings"]) == (1, 1, 1)
    for problem in data["problems"]:
        assert set(problem) == {"path", "line", "column", "severity", "code", "message", "hint"}
    assert data["problems"][0] == {
        "path": NOTE, "line": 2, "column": 0, "severity": "error", "code": "rep-mismatch",
        "message": "rep is 'bob' but the note is in the folder 'ann'",
        "hint": "move the note to the right rep's folder, or fix 'rep'",
    }
    assert data["problems"][1]["code"] == "task-marker"
    assert data["problems"][1]["severity"] == "warning"
    assert result.exit_code == 1


UNREAD_ANN = ("onenotes: ann/: warning: 2 .md files are not named YYYY-MM-DD.md, so they are not read "
              "(run onenotes check to list them)")
UNREAD_BOB = ("onenotes: bob/: warning: 1 .md file is not named YYYY-MM-DD.md, so it is not read "
              "(run onenotes check to list them)")


def _unread(tmp_path):
    root = hc.build(hc.Case(0, "unread"), tmp_path / "nb")
    write(root / "ann" / "ideas.md", "ideas\n")
    write(root / "ann" / "old" / "agenda.md", "agenda\n")
    write(root / "bob" / "draft.md", "draft\n")
    write(root / "README.md", "not in a rep folder: never read, never mentioned\n")
    return root


# ---------------------------------------------- files a reader does not read ---

READERS = ["followups", "kpis", "reps", "cadence", "accountability", "commitments", "ics", "report",
           "brief", "share", "new"]


@pytest.mark.parametrize("use_cache", [False, True], ids=["no-cache", "cache"])
@pytest.mark.parametrize("command", READERS)
def test_reading_commands_say_once_per_rep_folder_which_md_files_they_do_not_read(
        cli, tmp_path, monkeypatch, command, use_cache):
    monkeypatch.setenv("ONENOTES_NO_CACHE", "" if use_cache else "1")
    root = _unread(tmp_path)
    args = {"brief": ["brief", "ann"], "share": ["share", "ann"], "new": ["new", "ann"],
            "report": ["report", "--format", "markdown"]}.get(command, [command])
    for run in ("cold", "warm"):
        if command == "new":
            for made in root.glob("ann/2026-11-2*.md"):
                made.unlink()
        result = cli("--notebook", root, *args, "--today", TODAY)
        assert result.exit_code == 0, (run, result.stderr)
        said = [line for line in result.stderr.splitlines() if "not named" in line]
        # `new` and `share` speak of their own rep's folder only
        assert said == ([UNREAD_ANN] if command in ("new", "share") else [UNREAD_ANN, UNREAD_BOB]), run


def test_followups_json_stays_pure_with_the_warning(cli, tmp_path):
    root = _unread(tmp_path)
    result = cli("--notebook", root, "followups", "--format", "json", "--today", TODAY)
    assert result.exit_code == 0
    assert [row["text"] for row in json.loads(result.stdout)] == [
        "Call Acme about the renewal", "Book the Umbrella demo", "Send the pricing sheet to Globex"]
    assert result.stderr.splitlines() == [UNREAD_ANN, UNREAD_BOB]


def test_a_folder_that_is_not_a_notebook_is_said_to_be_one(cli, tmp_path):
    empty = tmp_path / "somewhere"
    write(empty / "docs" / "notes.md", "not a note\n")
    result = cli("--notebook", empty, "followups", "--today", TODAY)
    assert result.exit_code == 0
    assert result.stdout == "DUE  REP  OWNER  OVERDUE  COMMITMENT  ID  SINCE  SOURCE\n"
    assert result.stderr.splitlines() == [
        f"onenotes: {empty}: warning: not a notebook: no onenotes.yaml and no note (REP/YYYY-MM-DD.md) "
        "in it (cd to your notebook or give --notebook DIR; start one with onenotes init)",
        "onenotes: docs/: warning: 1 .md file is not named YYYY-MM-DD.md, so it is not read "
        "(run onenotes check to list them)",
        "0 open commitments, 0 overdue",
    ]
    result = cli("--notebook", empty, "check")
    assert (result.exit_code, result.stdout.splitlines()) == (0, [
        "docs/notes.md: warning: not named like a note, so it is not read [not-a-note]",
        "    hint: name notes YYYY-MM-DD.md (a second one that day: YYYY-MM-DD-2.md)"])
    assert result.stderr.splitlines() == [
        f"onenotes: {empty}: warning: not a notebook: no onenotes.yaml and no note (REP/YYYY-MM-DD.md) "
        "in it (cd to your notebook or give --notebook DIR; start one with onenotes init)",
        "checked 0 notes: 0 errors, 1 warning"]


def test_a_new_notebook_with_its_config_and_no_note_yet_is_not_warned_about(cli, tmp_path):
    write(tmp_path / "nb" / "onenotes.yaml", hc.CONFIG)
    result = cli("--notebook", tmp_path / "nb", "followups", "--today", TODAY)
    assert result.stderr.splitlines() == ["0 open commitments, 0 overdue"]


def test_check_keeps_its_one_line_per_file_and_no_summary(cli, tmp_path):
    root = _unread(tmp_path)
    result = cli("--notebook", root, "check")
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if not line.startswith("    ")] == [
        "ann/ideas.md: warning: not named like a note, so it is not read [not-a-note]",
        "ann/old/agenda.md: warning: not named like a note, so it is not read [not-a-note]",
        "bob/draft.md: warning: not named like a note, so it is not read [not-a-note]",
    ]
    assert result.stderr.splitlines() == ["checked 2 notes: 0 errors, 3 warnings"]


# ----------------------------------------------------------- check PATH ---

def _broken(tmp_path, monkeypatch):
    """ann's note has an unknown KPI, bob's a rep mismatch; a template with a typo.
    (The tests run from tmp_path: relative paths are tried from the current folder first.)"""
    monkeypatch.chdir(tmp_path)
    root = hc.build(hc.Case(0, "broken"), tmp_path / "nb")
    write(root / "ann" / "2026-11-23.md", note_text(date="2026-11-23", metrics="  revenu: 5\n"))
    write(root / "bob" / "2026-11-23.md", note_text(rep="ann", date="2026-11-23"))
    write(root / "ann" / "ideas.md", "ideas\n")
    write(root / "templates" / "one-on-one.md", "# {{ rep_nmae }}\n")
    return root


ANN_KPI = ["ann/2026-11-23.md:5: error: unknown KPI 'revenu' [unknown-kpi]",
           "    hint: did you mean 'revenue'?"]
BOB_REP = ["bob/2026-11-23.md:2: error: rep is 'ann' but the note is in the folder 'bob' [rep-mismatch]",
           "    hint: move the note to the right rep's folder, or fix 'rep'"]
IDEAS = ["ann/ideas.md: warning: not named like a note, so it is not read [not-a-note]",
         "    hint: name notes YYYY-MM-DD.md (a second one that day: YYYY-MM-DD-2.md)"]
TEMPLATE = ["templates/one-on-one.md:1: error: 'rep_nmae' is not a name templates can use [template-undefined]",
            "    hint: see docs/templates.md for the names a template can use"]


@pytest.mark.parametrize("use_cache", [False, True], ids=["no-cache", "cache"])
@pytest.mark.parametrize("paths, out, err", [
    ([], ANN_KPI + IDEAS + BOB_REP + TEMPLATE, "checked 4 notes: 3 errors, 1 warning"),
    (["bob/2026-11-23.md"], BOB_REP, "checked 1 note: 1 error, 0 warnings"),
    (["ann"], ANN_KPI + IDEAS, "checked 2 notes: 1 error, 1 warning"),
    (["ann/", "ann/2026-11-23.md"], ANN_KPI + IDEAS, "checked 2 notes: 1 error, 1 warning"),
    (["ann/ideas.md"], IDEAS, "checked 0 notes: 0 errors, 1 warning"),
    (["ann/2026-11-16.md"], [], "checked 1 note: 0 errors, 0 warnings"),
    (["onenotes.yaml"], [], "checked 0 notes: 0 errors, 0 warnings"),
    (["templates/one-on-one.md"], TEMPLATE, "checked 0 notes: 1 error, 0 warnings"),
    (["templates"], TEMPLATE, "checked 0 notes: 1 error, 0 warnings"),
    (["."], ANN_KPI + IDEAS + BOB_REP + TEMPLATE, "checked 4 notes: 3 errors, 1 warning"),
], ids=lambda x: None)
def test_check_reports_the_problems_of_the_paths_it_is_given(cli, tmp_path, monkeypatch, paths, out, err,
                                                             use_cache):
    monkeypatch.setenv("ONENOTES_NO_CACHE", "" if use_cache else "1")
    root = _broken(tmp_path, monkeypatch)
    for run in ("cold", "warm"):
        result = cli("--notebook", root, "check", *paths)
        assert (result.stdout.splitlines(), result.stderr.splitlines()) == (out, [err]), run
        assert result.exit_code == (1 if "error:" in "".join(out) else 0)


def test_paths_are_taken_from_the_current_folder_or_else_from_the_notebook(cli, tmp_path, monkeypatch):
    root = _broken(tmp_path, monkeypatch)
    monkeypatch.chdir(root / "bob")
    result = cli("check", "2026-11-23.md", "../ann/2026-11-23.md")  # the notebook found upwards
    assert result.stdout.splitlines() == ANN_KPI + BOB_REP
    monkeypatch.chdir(tmp_path)
    result = cli("--notebook", root, "check", "bob/2026-11-23.md", str(root / "ann" / "2026-11-23.md"))
    assert result.stdout.splitlines() == ANN_KPI + BOB_REP
    assert result.stderr.splitlines() == ["checked 2 notes: 2 errors, 0 warnings"]


def test_a_broken_config_is_reported_whatever_paths_are_given(cli, tmp_path, monkeypatch):
    root = _broken(tmp_path, monkeypatch)
    write(root / "onenotes.yaml", "cadense: weekly\n")
    result = cli("--notebook", root, "check", "ann/2026-11-16.md")
    assert result.stdout.splitlines() == ["onenotes.yaml:1: error: unknown setting 'cadense' [config]",
                                          "    hint: did you mean 'cadence'?"]
    assert result.stderr.splitlines() == ["checked 1 note: 1 error, 0 warnings"]
    assert result.exit_code == 1


def test_a_path_that_is_not_a_note_is_a_warning_and_checks_nothing(cli, tmp_path, monkeypatch):
    root = _broken(tmp_path, monkeypatch)
    write(root / "README.md", "# Team notes\n")
    write(root / ".git" / "x.md", "x\n")
    result = cli("--notebook", root, "check", "README.md", ".git/x.md")
    assert result.exit_code == 0
    assert result.stdout == ""
    hint = f"(notes are REP/YYYY-MM-DD.md files in the notebook {root})"
    assert result.stderr.splitlines() == [
        f"onenotes: README.md: warning: not a note, so it is not checked {hint}",
        f"onenotes: .git/x.md: warning: not a note, so it is not checked {hint}",
        "checked 0 notes: 0 errors, 0 warnings"]


def test_a_path_outside_the_notebook_or_missing_is_an_error_without_traceback(cli, tmp_path, monkeypatch):
    root = _broken(tmp_path, monkeypatch)
    write(tmp_path / "elsewhere" / "2026-11-16.md", note_text())
    result = cli("--notebook", root, "check", tmp_path / "elsewhere" / "2026-11-16.md")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"onenotes: error: {tmp_path / 'elsewhere' / '2026-11-16.md'} is not in the notebook {root}",
        "  hint: check it from its own notebook, or give --notebook DIR"]
    result = cli("--notebook", root, "check", "ann/2026-01-01.md")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "onenotes: error: ann/2026-01-01.md: no such file or folder",
        f"  hint: give notes as paths from here or from the notebook {root}"]


# ------------------------------------------------------ rules over notes ---

def _rep_rule(calls):
    """A rule that reads all of a rep's notes: a warning on each note after the first."""
    from onenotes.errors import Problem

    def later_notes(rep, notes, config):
        calls.append((rep, [n.path for n in notes]))
        return [Problem(n.path, 1, 0, "warning", "test-rule", f"after {notes[0].path}") for n in notes[1:]]

    return later_notes


@pytest.mark.parametrize("use_cache", [False, True], ids=["no-cache", "cache"])
def test_rules_over_a_reps_notes_read_them_all_and_report_on_the_given_paths(
        cli, tmp_path, monkeypatch, use_cache):
    monkeypatch.setenv("ONENOTES_NO_CACHE", "" if use_cache else "1")
    calls = []
    monkeypatch.setattr(onenotes.views.check, "REP_RULES", [_rep_rule(calls)])
    root = hc.build(hc.Case(0, "rule"), tmp_path / "nb")
    for day in ("2026-11-02", "2026-11-09"):
        write(root / "ann" / f"{day}.md", note_text(date=day))
    result = cli("--notebook", root, "check", "ann/2026-11-09.md")
    assert calls == [("ann", ["ann/2026-11-02.md", "ann/2026-11-09.md", "ann/2026-11-16.md"])]
    assert result.stdout.splitlines() == ["ann/2026-11-09.md:1: warning: after ann/2026-11-02.md [test-rule]"]
    assert result.stderr.splitlines() == ["checked 1 note: 0 errors, 1 warning"]
    calls.clear()
    result = cli("--notebook", root, "check", "ann/2026-11-16.md")
    assert calls == ([] if use_cache else [("ann", ["ann/2026-11-02.md", "ann/2026-11-09.md",
                                                    "ann/2026-11-16.md"])])
    assert result.stdout.splitlines() == ["ann/2026-11-16.md:1: warning: after ann/2026-11-02.md [test-rule]"]
    (root / "ann" / "2026-11-02.md").unlink()  # the rep's notes changed: the rule reads them again
    calls.clear()
    result = cli("--notebook", root, "check", "ann")
    assert calls == [("ann", ["ann/2026-11-09.md", "ann/2026-11-16.md"])]
    assert result.stdout.splitlines() == ["ann/2026-11-16.md:1: warning: after ann/2026-11-09.md [test-rule]"]


# ------------------------------------------- the same answer from the cache ---

def _outputs(cli, root, *args):
    outputs = []
    for env in ({"ONENOTES_NO_CACHE": "1"}, {"ONENOTES_NO_CACHE": ""}, {"ONENOTES_NO_CACHE": ""}):
        result = cli("--notebook", root, "check", *args, env=env)
        outputs.append((result.exit_code, result.stdout, result.stderr))
    return outputs


def test_cached_check_gives_exactly_the_uncached_answer_on_the_example(cli, acme):
    root = acme
    for args in ((), ("--format", "json"), ("bob-okafor",)):
        afresh, cold, warm = _outputs(cli, root, *args)
        assert afresh == cold == warm
    assert (root / ".onenotes" / "cache").is_file()


@pytest.mark.parametrize("case", [c for c in hc.CASES if c.patch is None] + ["kitchen-sink"],
                         ids=lambda c: c if isinstance(c, str) else c.id)
def test_cached_check_gives_exactly_the_uncached_answer_on_every_kind_of_problem(cli, tmp_path, case):
    if case == "kitchen-sink":
        case = hc.Case(0, "kitchen-sink", hc.KITCHEN_SINK)
    root = hc.build(case, tmp_path / "nb")
    with hc.contextlib.chdir(tmp_path):
        afresh, cold, warm = _outputs(cli, root, "--format", "json")
    assert afresh == cold == warm


def test_an_edit_is_seen_by_the_next_cached_check(cli, tmp_path, cached):
    root = hc.build(hc.Case(0, "edit"), tmp_path / "nb")
    note = root / NOTE
    assert cli("--notebook", root, "check").exit_code == 0
    text = note.read_text(encoding="utf-8")
    # The same size, within the same second: only the content can tell (a racy note).
    note.write_text(text.replace("Call Acme", "Kall Acme").replace("rep: ann", "rep: bob"), encoding="utf-8")
    result = cli("--notebook", root, "check", NOTE)
    assert result.stdout.splitlines()[0] == \
        f"{NOTE}:2: error: rep is 'bob' but the note is in the folder 'ann' [rep-mismatch]"
    note.write_text(text + "\n<!-- private\n", encoding="utf-8")
    result = cli("--notebook", root, "check")
    assert re.fullmatch(rf"{NOTE}:\d+: warning: an HTML comment '<!--' is never closed with '-->'; "
                        r"onenotes share refuses this note \[private-markup\]", result.stdout.splitlines()[0])
    # A config change changes what a note's KPIs mean.
    note.write_text(note_text(metrics="  pipeline: 5\n"), encoding="utf-8")
    assert cli("--notebook", root, "check").stdout.splitlines()[0] == \
        f"{NOTE}:5: error: unknown KPI 'pipeline' [unknown-kpi]"
    config = root / "onenotes.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "kpis:\n", "kpis:\n  pipeline: {kind: output, goal: 9}\n"), encoding="utf-8")
    result = cli("--notebook", root, "check")
    assert (result.exit_code, result.stdout) == (0, "")


def test_no_cache_check_writes_no_cache(cli, tmp_path):
    root = hc.build(hc.Case(0, "nocache"), tmp_path / "nb")
    assert cli("--no-cache", "--notebook", root, "check", env={"ONENOTES_NO_CACHE": ""}).exit_code == 0
    assert not (root / ".onenotes").exists()


@pytest.fixture
def parses(monkeypatch):
    """The notes parsed in this process since the fixture started: (path, whole?)."""
    import onenotes.reading.notefile as notebook_module

    calls = []
    real = notebook_module.parse_note_bytes

    def counting(rel, data, options, commitments_only=False):
        calls.append((rel, not commitments_only))
        return real(rel, data, options, commitments_only)

    monkeypatch.setattr(notebook_module, "parse_note_bytes", counting)
    return calls


def test_a_warm_check_parses_no_note_and_a_changed_one_alone(cli, acme, cached, parses):
    root = acme
    first = cli("--notebook", root, "check")
    assert sorted(parses) == sorted([(rel, whole) for rel in {p for p, _ in parses} for whole in (False, True)])
    parses.clear()
    assert cli("--notebook", root, "check").stdout == first.stdout
    assert parses == []
    note = root / "bob-okafor" / "2026-11-16.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    cli("--notebook", root, "check", "alice-nguyen")  # not bob's note: only read for the cache's index
    assert parses == [("bob-okafor/2026-11-16.md", False)]
    parses.clear()
    cli("--notebook", root, "check", note)
    # The note is linted; the rules over bob's notes (likely duplicates) read the commitments
    # the cache keeps of the others: none is parsed.
    assert parses == [("bob-okafor/2026-11-16.md", True)]
    parses.clear()
    cli("--notebook", root, "check")
    assert parses == []


# ------------------------------------- the review list (support/review_list.py) ---

def test_check_reports_a_review_item_that_disagrees_with_the_frontmatter(cli, notebook):
    path = week1_agenda(cli, notebook)
    tick(path, "Send the Vandelay")
    result = cli("--notebook", notebook, "check")
    assert result.exit_code == 0  # a warning: the close counts
    assert re.search(r"ann/2026-11-16\.md:\d+: warning: commitment '\w+' is done in the review list "
                     r"\(line \d+\) but open in the frontmatter \(line \d+\): it counts as done "
                     r"\[review-disagrees\]", result.stdout), result.stdout
    assert "hint: `onenotes done " in result.stdout


def test_a_retyped_copy_of_a_carried_commitment_is_a_likely_duplicate(cli, notebook):
    path = week1_agenda(cli, notebook)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n- [x] Send the Vandelay renewal quote.\n", encoding="utf-8")
    rows = open_rows(cli, notebook)
    assert "Send the Vandelay renewal quote" in rows  # the original is still open
    result = cli("--notebook", notebook, "check")
    original = rows["Send the Vandelay renewal quote"]["id"]
    assert re.search(rf"ann/2026-11-16\.md:\d+: warning: this task reads like commitment '{original}' "
                     r"\(ann/2026-11-16\.md:\d+\), which is still open", result.stdout), result.stdout
    assert f"add [id:: {original}] to it" in result.stdout
    # Checking that note alone still applies the rule over the rep's notes.
    alone = cli("--notebook", notebook, "check", "ann/2026-11-16.md")
    assert "likely-duplicate" in alone.stdout


def test_the_same_words_in_an_unrelated_earlier_note_are_no_duplicate(cli, notebook):
    write(notebook / "ann" / "2026-11-02.md", note_text(date="2026-11-02", body="- [x] Send the Vandelay renewal quote\n"))
    week1_agenda(cli, notebook)
    assert "likely-duplicate" not in cli("--notebook", notebook, "check").stdout


def test_a_due_date_added_to_a_review_item_is_reported_and_not_read(cli, notebook):
    path = week1_agenda(cli, notebook)
    text = path.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("- [ ] Send the Vandelay"))
    path.write_text(text.replace(line, line + " \U0001F4C5 2026-12-20"), encoding="utf-8")
    assert open_rows(cli, notebook)["Send the Vandelay renewal quote"]["due"] == "2026-11-13"
    result = cli("--notebook", notebook, "check")
    assert "says due 2026-12-20, but the frontmatter" in result.stdout and "[review-disagrees]" in result.stdout


def test_the_same_step_of_two_different_promises_is_no_duplicate(cli, notebook):
    write(notebook / "ann" / "2026-11-02.md", note_text(date="2026-11-02", body=(
        "- [ ] Prepare the Globex meeting\n  - [ ] Send the agenda\n")))
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", body=(
        "- [ ] Prepare the Acme meeting\n  - [ ] Send the agenda\n")))
    assert "likely-duplicate" not in cli("--notebook", notebook, "check").stdout


# ----------------------------------------------------- the pre-commit hook ---

def test_the_pre_commit_hook_passes_staged_notes_and_the_config():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = hooks[0]
    assert (hook["id"], hook["entry"], hook["pass_filenames"]) == ("onenotes-check", "onenotes check", True)
    assert "always_run" not in hook
    assert hook["require_serial"] is True  # one run walks the notebook, not one per core
    files = re.compile(hook["files"])
    for path in ("ann/2026-11-16.md", "team/ann/2026-11-16-2.md", "onenotes.yaml", "ann/ideas.md",
                 "templates/one-on-one.md"):
        assert files.search(path), path
    for path in ("notes.txt", "onenotes.yaml.bak", "src/app.py", "my-onenotes.yaml"):
        assert not files.search(path), path


def test_pre_commit_hooks_file_declares_onenotes_check():
    path = ROOT / ".pre-commit-hooks.yaml"
    if not path.exists():
        pytest.skip(".pre-commit-hooks.yaml not written yet")
    hooks = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    first = hooks[0]
    assert first["id"] == "onenotes-check"
    assert first["entry"] == "onenotes check"
    assert first["pass_filenames"] is True  # the staged files
