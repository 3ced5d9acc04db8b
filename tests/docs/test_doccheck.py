"""Every ```console block in README.md and docs/ prints what it says (tests/support/doccheck.py)."""

from __future__ import annotations

import pytest

from support import doccheck
from conftest import ROOT

BLOCKS = [block for path in doccheck.doc_files() for block in doccheck.parse_blocks(path)]


@pytest.mark.parametrize("block", BLOCKS, ids=[b.where for b in BLOCKS])
def test_documented_example_prints_what_the_docs_say(block):
    result = doccheck.check_block(block)
    assert not result.drifted, (
        f"{block.where}: the documented output drifted; if the change is intended, run "
        f"`python tests/support/doccheck.py --update` and read the diff\n{result.diff()}")


def test_every_command_page_has_a_console_example():
    pages = sorted((ROOT / "docs" / "commands").glob("*.md"))
    assert pages
    for page in pages:
        assert doccheck.parse_blocks(page), f"{page.name} has no ```console example"


# The checker itself.

PAGE = """# Example

Some text.

```console
$ onenotes --notebook acme-sales new bob --today 2026-11-23
/somewhere/else.md
$ cat acme-sales/bob-okafor/2026-11-23.md
---
rep: bob-okafor
...
$ onenotes --notebook acme-sales followups --rep nobody --today 2026-11-23
```

```sh
$ not a console block
```
"""


def test_a_drifted_block_fails_with_a_diff_and_update_rewrites_it(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    [block] = doccheck.parse_blocks(page)
    assert [r.command.split()[-3] if r.command.startswith("onenotes") else "cat" for r in block.runs] == [
        "bob", "cat", "nobody"]
    result = doccheck.check_block(block)
    assert result.drifted
    diff = result.diff()
    assert "-/somewhere/else.md" in diff
    assert "+/home/sam/acme-sales/bob-okafor/2026-11-23.md" in diff  # the temp folder, placeholder'd
    assert "+(exit status 1)" in diff
    assert doccheck.main([str(page)]) == 1
    assert "doccheck.py --update" in capsys.readouterr().err

    assert doccheck.main(["--update", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "/somewhere/else.md" not in text
    assert "$ not a console block" in text and text.startswith("# Example\n\nSome text.\n")
    # The elided output keeps its length: the lines above "..." only.
    assert "---\nrep: bob-okafor\n...\n$ onenotes" in text
    assert doccheck.main([str(page)]) == 0


def test_commands_of_a_block_share_one_fresh_folder(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```console\n$ echo hi > acme-sales/x.txt\n$ cat acme-sales/x.txt\nhi\n```\n"
                    "```console\n$ ls acme-sales/x.txt\n```\n", encoding="utf-8")
    first, second = (doccheck.check_block(b) for b in doccheck.parse_blocks(page))
    assert not first.drifted
    assert second.actual[0][-1] == "(exit status 2)"  # the next block starts afresh


def test_pipes_redirections_and_an_editor_run_in_a_shell(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n"
        "$ onenotes --notebook acme-sales followups --format json --today 2026-11-23 | "
        "python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'\n"
        "$ onenotes --notebook acme-sales kpis bob --format csv > kpis.csv\n"
        "$ wc -l < kpis.csv\n"
        "$ EDITOR=cat onenotes --notebook acme-sales new bob --today 2026-11-23 --edit\n"
        "```\n", encoding="utf-8")
    [block] = doccheck.parse_blocks(page)
    piped, redirected, counted, edited = doccheck.check_block(block).actual
    assert piped == ["29"]
    assert redirected == [] and counted == ["10"]  # a header and nine KPIs, written to the file
    assert edited[0] == "/home/sam/acme-sales/bob-okafor/2026-11-23.md"
    assert edited[1:3] == ["---", "rep: bob-okafor"]  # what the editor printed


def test_a_block_running_git_gets_the_notebook_as_a_repository(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```console\n$ onenotes --notebook acme-sales new bob --today 2026-11-23\n"
                    "$ git -C acme-sales status --short\n```\n", encoding="utf-8")
    [block] = doccheck.parse_blocks(page)
    assert doccheck.check_block(block).actual[1] == ["?? bob-okafor/2026-11-23.md"]
