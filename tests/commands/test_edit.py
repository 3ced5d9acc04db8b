"""onenotes edit: the latest note (or a new agenda) in the editor, never through a shell."""

from __future__ import annotations

import os
import shlex
import stat
import sys

import pytest

from conftest import TODAY, write


@pytest.fixture
def fake_editor(tmp_path):
    """An editor that records its arguments, one per line, in editor.log."""
    log = tmp_path / "editor.log"
    script = tmp_path / "fake editor.py"
    script.write_text(f"#!{sys.executable}\nimport sys\n"
                      f"open({str(log)!r}, 'w').write('\\n'.join(sys.argv[1:]))\n"
                      "sys.exit(3 if '--fail' in sys.argv else 0)\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


def test_edit_opens_the_latest_note_and_prints_its_path_on_stderr(cli, acme, fake_editor):
    script, log = fake_editor
    result = cli("--notebook", acme, "edit", "bob", env={"EDITOR": f"'{script}' --wait"})
    assert result.exit_code == 0, result.stderr
    path = acme / "bob-okafor" / "2026-11-16.md"
    assert log.read_text().splitlines() == ["--wait", str(path)]
    assert result.stdout == "" and result.stderr == f"onenotes: editing {path}\n"


def test_edit_never_runs_the_editor_through_a_shell(cli, acme, fake_editor, tmp_path, monkeypatch):
    script, log = fake_editor
    monkeypatch.chdir(tmp_path)
    value = f"'{script}' ; touch pwned $(touch pwned2) `touch pwned3`"
    result = cli("--notebook", acme, "edit", "bob", env={"EDITOR": value})
    assert result.exit_code == 0
    assert not any((tmp_path / name).exists() for name in ("pwned", "pwned2", "pwned3"))
    assert log.read_text().splitlines()[:4] == [";", "touch", "pwned", "$(touch"]
    # The same from the config's editor setting.
    with open(acme / "onenotes.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"editor: \"'{script}' ; touch pwned\"\n")
    result = cli("--notebook", acme, "edit", "bob")
    assert result.exit_code == 0 and not (tmp_path / "pwned").exists()
    assert log.read_text().splitlines()[:3] == [";", "touch", "pwned"]


def test_visual_wins_over_editor_which_wins_over_the_config(cli, acme, fake_editor):
    script, log = fake_editor
    with open(acme / "onenotes.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"editor: \"'{script}' from-config\"\n")
    cli("--notebook", acme, "edit", "bob")
    assert log.read_text().splitlines()[0] == "from-config"
    cli("--notebook", acme, "edit", "bob", env={"EDITOR": f"'{script}' from-editor"})
    assert log.read_text().splitlines()[0] == "from-editor"
    cli("--notebook", acme, "edit", "bob", env={"EDITOR": f"'{script}' from-editor",
                                               "VISUAL": f"'{script}' from-visual"})
    assert log.read_text().splitlines()[0] == "from-visual"


def test_edit_errors_name_the_problem_with_the_error_family_codes(cli, acme, fake_editor):
    script, _ = fake_editor
    none = cli("--notebook", acme, "edit", "bob")
    assert none.exit_code == 1 and "no editor is set" in none.stderr and "hint: set $EDITOR" in none.stderr
    missing = cli("--notebook", acme, "edit", "bob", env={"EDITOR": "no-such-editor-xyz"})
    assert missing.exit_code == 1
    assert "cannot start the editor 'no-such-editor-xyz' (from $EDITOR): not found" in missing.stderr
    failed = cli("--notebook", acme, "edit", "bob", env={"EDITOR": f"'{script}' --fail"})
    assert failed.exit_code == 1 and "exited with status 3" in failed.stderr
    unreadable = cli("--notebook", acme, "edit", "bob", env={"EDITOR": "'unclosed"})
    assert unreadable.exit_code == 2 and "$EDITOR" in unreadable.stderr
    no_notes = cli("--notebook", acme, "edit", "bob", env={"EDITOR": shlex.quote(str(script))})
    assert no_notes.exit_code == 0
    (acme / "dana-kim").mkdir()
    empty = cli("--notebook", acme, "edit", "dana", env={"EDITOR": shlex.quote(str(script))})
    assert empty.exit_code == 1 and "has no notes yet" in empty.stderr


@pytest.mark.parametrize("setting, message", [
    ("editor: ''\n", "editor is empty"),
    ("editor: \"'vim\"\n", "cannot be read"),
    ("editor: [vim]\n", "editor is a command"),
])
def test_editor_setting_is_validated(cli, acme, setting, message):
    with open(acme / "onenotes.yaml", "a", encoding="utf-8") as fh:
        fh.write(setting)
    result = cli("--notebook", acme, "edit", "bob", env={"EDITOR": "true"})
    assert result.exit_code == 3 and message in result.stderr


def test_edit_new_writes_the_next_agenda_then_opens_it(cli, acme, fake_editor):
    script, log = fake_editor
    result = cli("--notebook", acme, "edit", "bob", "--new", "--today", TODAY,
                 env={"EDITOR": shlex.quote(str(script))})
    assert result.exit_code == 0, result.stderr
    path = acme / "bob-okafor" / "2026-11-23.md"
    assert path.is_file() and log.read_text() == str(path)
    # The new note is now the latest one.
    cli("--notebook", acme, "edit", "bob", env={"EDITOR": shlex.quote(str(script))})
    assert log.read_text() == str(path)
    assert os.path.basename(result.stderr.strip()) == "2026-11-23.md"


def test_edit_opens_the_latest_note_even_when_it_cannot_be_read(cli, acme):
    """A merge conflict in today's note: `edit` opens it (to fix it), not last week's note."""
    broken = acme / "bob-okafor" / "2026-11-23.md"
    write(broken, "---\n<<<<<<< HEAD\nrep: a\n=======\nrep: b\n>>>>>>> x\n---\n")
    result = cli("--notebook", acme, "edit", "bob", env={"EDITOR": "true"})
    assert result.exit_code == 0, result.stderr
    assert f"onenotes: editing {broken}\n" in result.stderr
