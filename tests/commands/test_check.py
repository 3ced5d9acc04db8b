"""``onenotes check``: exact problem lines, exit codes, JSON shape, pre-commit hook."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import ROOT, note_text, write

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


def test_pre_commit_hooks_file_declares_onenotes_check():
    path = ROOT / ".pre-commit-hooks.yaml"
    if not path.exists():
        pytest.skip(".pre-commit-hooks.yaml not written yet")
    hooks = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    first = hooks[0]
    assert first["id"] == "onenotes-check"
    assert first["entry"] == "onenotes check"
    assert first["pass_filenames"] is True  # the staged files (tests/commands/test_check_paths.py)
