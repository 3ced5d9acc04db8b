"""Shell completion (bash, zsh, fish through click): commands, rep slugs, commitment ids."""

from __future__ import annotations

import click
import pytest
from click.shell_completion import ShellComplete

from conftest import write
from onenotes.cli import COMMANDS, cli as group
from onenotes.cli.common import complete_commitment_id, complete_rep

REPS = ["alice-nguyen", "bob-okafor", "carla-mendes"]


def complete(root, args, incomplete, command=group):
    """What the shell is offered for ``onenotes --notebook ROOT ARGS INCOMPLETE<TAB>``."""
    completer = ShellComplete(command, {}, "onenotes", "_ONENOTES_COMPLETE")
    items = completer.get_completions(["--notebook", str(root), *args], incomplete)
    return [item.value for item in items]


@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o nosort -F _onenotes_completion onenotes"),
    ("zsh", "#compdef onenotes"),
    ("fish", "complete --no-files --command onenotes"),
])
def test_each_shell_gets_its_completion_script(cli, shell, marker):
    result = cli(env={"_ONENOTES_COMPLETE": f"{shell}_source"})
    assert result.exit_code == 0
    assert marker in result.stdout


def test_bash_completes_rep_slugs_through_the_real_entry_point(cli, example_notebook):
    env = {"_ONENOTES_COMPLETE": "bash_complete",
           "COMP_WORDS": f"onenotes --notebook {example_notebook} kpis ", "COMP_CWORD": "4"}
    result = cli(env=env)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"plain,{rep}" for rep in REPS]


def test_zsh_shows_the_display_name_beside_the_slug(cli, example_notebook):
    env = {"_ONENOTES_COMPLETE": "zsh_complete",
           "COMP_WORDS": f"onenotes --notebook {example_notebook} brief ca", "COMP_CWORD": "4"}
    assert cli(env=env).stdout.splitlines() == ["plain", "carla-mendes", "Carla Mendes"]


def test_command_names_complete(example_notebook):
    assert complete(example_notebook, [], "c") == [n for n in COMMANDS if n.startswith("c")]


def _rep_params():
    for name in COMMANDS:
        command = group.get_command(click.Context(group), name)
        for param in command.params:
            if param.name == "rep":
                yield name, param


@pytest.mark.parametrize("name, param", list(_rep_params()),
                         ids=[f"{n}-{p.opts[0]}" for n, p in _rep_params()])
def test_every_rep_argument_and_option_completes_rep_slugs(example_notebook, name, param):
    args = [name] if isinstance(param, click.Argument) else [name, param.opts[0]]
    assert complete(example_notebook, args, "") == REPS, (
        f"{name} {param.opts[0]}: add shell_complete=complete_rep (onenotes/cli/common.py)")
    assert complete(example_notebook, args, "B") == ["bob-okafor"]


def test_reps_come_from_folders_and_the_config_even_when_the_config_is_broken(notebook):
    (notebook / "zoe-park").mkdir()
    assert complete(notebook, ["kpis"], "") == ["ann", "zoe-park"]  # 'ann' has a folder and a name
    (notebook / "ann").rmdir()
    assert complete(notebook, ["kpis"], "") == ["ann", "zoe-park"]  # 'ann' is in onenotes.yaml only
    (notebook / "onenotes.yaml").write_text("reps: [unclosed\n", encoding="utf-8")
    assert complete(notebook, ["kpis"], "") == ["zoe-park"]


def test_completion_never_raises_or_prints(tmp_path, capsys):
    missing = tmp_path / "not-there"
    assert complete(missing, ["kpis"], "") == []
    assert complete(missing, ["done"], "", command=_toy()) == []
    assert capsys.readouterr() == ("", "")


def _toy():
    """A stand-in for `onenotes done ID...` (and a --rep filter), using the shared completer."""
    @click.group()
    @click.option("--notebook")
    def toy(notebook):
        pass

    @toy.command("done")
    @click.option("--rep", shell_complete=complete_rep)
    @click.argument("ids", nargs=-1, shell_complete=complete_commitment_id)
    def done(rep, ids):
        pass

    return toy


def test_commitment_ids_complete_open_ones_by_prefix_leaving_out_those_given(example_notebook):
    toy = _toy()
    ids = complete(example_notebook, ["done"], "", command=toy)
    assert len(ids) == 29 and len(set(ids)) == 29  # every open commitment of the example, once
    assert "sam-vandelay-joint-call" not in ids  # done
    assert complete(example_notebook, ["done"], "bob-", command=toy) == [
        "bob-freight-prospect-list", "bob-umbrella-demo", "bob-daily-call-count"]
    assert complete(example_notebook, ["done", "bob-umbrella-demo"], "bob-", command=toy) == [
        "bob-freight-prospect-list", "bob-daily-call-count"]
    only_carla = complete(example_notebook, ["done", "--rep", "carla"], "", command=toy)
    assert only_carla and set(only_carla) < set(ids) and "bob-umbrella-demo" not in only_carla


def test_a_commitment_id_comes_with_its_rep_and_text_as_help(notebook):
    write(notebook / "ann" / "2026-11-16.md",
          "---\ncommitments:\n  - id: call-acme\n    text: Call \u202eAcme\n    status: open\n---\n")
    completer = ShellComplete(_toy(), {}, "onenotes", "_ONENOTES_COMPLETE")
    [item] = completer.get_completions(["--notebook", str(notebook), "done"], "call")
    assert (item.value, item.help) == ("call-acme", "ann: Call Acme")


def test_the_bash_script_completes_in_a_real_bash(tmp_path, example_notebook):
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("bash") is None:
        pytest.skip("no bash")
    shim = write(tmp_path / "bin" / "onenotes", f'#!/bin/sh\nexec "{sys.executable}" -m onenotes "$@"\n')
    shim.chmod(0o755)
    script = f"""
eval "$(_ONENOTES_COMPLETE=bash_source onenotes)"
COMP_WORDS=(onenotes --notebook {example_notebook} followups --rep b)
COMP_CWORD=5
_onenotes_completion onenotes
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["bob-okafor"], done.stderr


def _id_params():
    for name in COMMANDS:
        command = group.get_command(click.Context(group), name)
        for param in command.params:
            if isinstance(param, click.Argument) and param.name in ("id", "ids"):
                yield name


@pytest.mark.parametrize("name", list(_id_params()))
def test_every_commitment_id_argument_completes_open_ids(example_notebook, name):
    ids = complete(example_notebook, [name], "bob-")
    assert ids == ["bob-freight-prospect-list", "bob-umbrella-demo", "bob-daily-call-count"], (
        f"{name}: add shell_complete=complete_commitment_id (onenotes/cli/common.py)")


def test_notebook_completes_folders(cli):
    env = {"_ONENOTES_COMPLETE": "bash_complete", "COMP_WORDS": "onenotes --notebook ex", "COMP_CWORD": "2"}
    assert cli(env=env).stdout.splitlines() == ["dir,ex"]  # bash itself lists the folders


def test_share_and_report_complete_rep_slugs_and_share_completes_paths(example_notebook):
    def offered(args, incomplete):  # (value, type): a path is offered as a file
        items = ShellComplete(group, {}, "onenotes", "_ONENOTES_COMPLETE").get_completions(
            ["--notebook", str(example_notebook), *args], incomplete)
        return [(item.value, item.type) for item in items]

    assert offered(["share"], "ali") == [("alice-nguyen", "plain")]
    assert offered(["report", "--rep"], "bo") == [("bob-okafor", "plain")]
    assert offered(["share"], "alice-nguyen/2026") == [("alice-nguyen/2026", "file")]
