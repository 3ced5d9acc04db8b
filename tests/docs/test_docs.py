"""Docs that cannot drift: the README's commands are the ones CI and the tests run."""

from __future__ import annotations

import json
import re
import shlex

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [blocks[0].strip(), blocks[1].strip()]


def test_ci_runs_the_readme_test_command_verbatim():
    _, test_command = quickstart_commands()
    assert test_command == "pip install '.[test]' && python -m pytest -q"
    assert test_command in CI.splitlines()


def test_the_readme_main_command_works_on_the_example(cli, monkeypatch):
    run_command, _ = quickstart_commands()
    install, onenotes = run_command.split(" && ")
    assert install == "pip install ."
    args = shlex.split(onenotes)
    assert args[0] == "onenotes"
    monkeypatch.chdir(ROOT)
    result = cli(*args[1:])
    assert result.exit_code == 0, result.stderr
    assert "bob-freight-prospect-list" in result.stdout
    as_json = cli(*args[1:], "--format", "json")
    assert len(json.loads(as_json.stdout)) == 29


def test_every_command_and_option_in_the_readme_table_exists(cli):
    table = README.split("## Commands", 1)[1].split("\n\n", 2)[1]
    for command in re.findall(r"`onenotes ([\w-]+)", table):
        help_text = cli(command, "--help").stdout
        assert result_ok(help_text), command
        row = next(line for line in table.splitlines() if f"`onenotes {command}" in line)
        for option in re.findall(r"--[a-z-]+", row.split("|")[1]):
            assert option in help_text, (command, option)


def result_ok(help_text: str) -> bool:
    return help_text.startswith("Usage: onenotes")


def test_every_command_has_a_page_linked_from_the_index():
    """docs/commands/NAME.md, or a page whose title names it (done.md covers drop)."""
    from onenotes.cli import COMMANDS

    index = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    titles = {page.name: page.read_text(encoding="utf-8").split("\n", 1)[0]
              for page in (ROOT / "docs" / "commands").glob("*.md")}
    for name in COMMANDS:
        pages = [page for page, title in titles.items()
                 if title.startswith("# ") and re.search(rf"`onenotes {re.escape(name)}[` ]", title)]
        assert pages, f"no page in docs/commands/ has a title naming `onenotes {name}`"
        assert any(f"(commands/{page})" in index for page in pages), (
            f"docs/commands.md does not link {pages[0]} ({name})")
