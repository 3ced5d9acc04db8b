"""Ticking a carried commitment where you read it closes it.

The agenda lists each carried commitment as a task with its id (its review
item); a close anywhere in a note closes it, `check` reports where the note
disagrees with itself, and a retyped copy is a likely duplicate.  Sub-tasks
are listed after their parent, and closing a parent closes its sub-tasks.
"""

from __future__ import annotations

import json
import re

from conftest import note_text, write

WEEK1 = ("## Homework\n"
         "- [ ] Send the Vandelay renewal quote \U0001F4C5 2026-11-13\n"
         "- [ ] Prepare the Globex QBR deck due: 2026-11-20\n"
         "  - [ ] Pull the Q3 numbers\n"
         "  - [ ] Draft the agenda \u23f3 2026-11-18\n")


def _agenda(cli, notebook, date="2026-11-16"):
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", body=WEEK1))
    result = cli("--notebook", notebook, "new", "ann", "--date", date)
    assert result.exit_code == 0, result.stderr
    return notebook / "ann" / f"{date}.md"


def _rows(cli, notebook, *args):
    result = cli("--notebook", notebook, "followups", "--format", "json", "--today", "2026-11-16", *args)
    return {r["label"]: r for r in json.loads(result.stdout)}


def _tick(path, words, box="x", tail=""):
    text = path.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("- [ ] " + words))
    path.write_text(text.replace(line, f"- [{box}] {line[6:]}{tail}", 1), encoding="utf-8")


def test_the_agenda_lists_each_carried_commitment_as_a_task_with_its_id(cli, notebook):
    path = _agenda(cli, notebook)
    text = path.read_text(encoding="utf-8")
    rows = _rows(cli, notebook)
    for row in rows.values():
        assert re.search(rf"^- \[ \] .*\[id:: {re.escape(row['id'])}\]$", text, re.M), row
    # Nothing new: the review items are the same commitments, still open, one row each.
    assert len(rows) == 4


def test_ticking_a_review_item_closes_the_commitment_with_obsidians_done_date(cli, notebook):
    path = _agenda(cli, notebook)
    _tick(path, "Send the Vandelay", tail=" \u2705 2026-11-12")
    _tick(path, "Prepare the Globex QBR deck › Draft", box="-")
    rows = _rows(cli, notebook)
    assert "Send the Vandelay renewal quote" not in rows
    assert "Prepare the Globex QBR deck \u203a Draft the agenda" not in rows
    history = json.loads(cli("--notebook", notebook, "commitments", "ann", "--status", "all",
                             "--format", "json", "--today", "2026-11-16").stdout)
    vandelay = next(c for c in history if c["text"] == "Send the Vandelay renewal quote")
    assert (vandelay["status"], vandelay["closed_on"], vandelay["kept_on_time"]) == ("done", "2026-11-12", True)


def test_check_reports_a_review_item_that_disagrees_with_the_frontmatter(cli, notebook):
    path = _agenda(cli, notebook)
    _tick(path, "Send the Vandelay")
    result = cli("--notebook", notebook, "check")
    assert result.exit_code == 0  # a warning: the close counts
    assert re.search(r"ann/2026-11-16\.md:\d+: warning: commitment '\w+' is done in the review list "
                     r"\(line \d+\) but open in the frontmatter \(line \d+\): it counts as done "
                     r"\[review-disagrees\]", result.stdout), result.stdout
    assert "hint: `onenotes done " in result.stdout


def test_done_on_a_ticked_item_writes_the_close_into_the_frontmatter_with_its_date(cli, notebook):
    path = _agenda(cli, notebook)
    _tick(path, "Send the Vandelay", tail=" \u2705 2026-11-12")
    cid = next(r["id"] for r in _rows(cli, notebook).values() if r["text"].startswith("Prepare the Globex QBR"))
    vandelay = re.search(r"\[id:: (\w+)\] \u2705", path.read_text(encoding="utf-8")).group(1)
    result = cli("--notebook", notebook, "done", vandelay, "--today", "2026-11-17")
    assert result.exit_code == 0, result.stderr
    assert "(as its review item already says)" in result.stderr
    text = path.read_text(encoding="utf-8")
    item = text[re.search(rf'id: "?{vandelay}"?\n', text).start():].split("  - id:", 1)[0]
    assert "status: done" in item and "done_on: 2026-11-12" in item
    assert "review-disagrees" not in cli("--notebook", notebook, "check").stdout
    assert cid  # the other commitments are untouched
    assert len(_rows(cli, notebook)) == 3


def test_a_close_in_the_frontmatter_counts_even_with_the_box_unticked(cli, notebook):
    path = _agenda(cli, notebook)
    text = path.read_text(encoding="utf-8")
    first = text.index("    status: open")
    path.write_text(text[:first] + "    status: dropped" + text[first + len("    status: open"):], encoding="utf-8")
    assert len(_rows(cli, notebook)) == 3
    result = cli("--notebook", notebook, "check")
    assert "is open in the review list" in result.stdout and "it counts as dropped" in result.stdout
    assert "mark the box on line" in result.stdout


def test_a_retyped_copy_of_a_carried_commitment_is_a_likely_duplicate(cli, notebook):
    path = _agenda(cli, notebook)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n- [x] Send the Vandelay renewal quote.\n", encoding="utf-8")
    rows = _rows(cli, notebook)
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
    _agenda(cli, notebook)
    assert "likely-duplicate" not in cli("--notebook", notebook, "check").stdout


def test_sub_tasks_are_listed_after_their_parent_and_carried_with_it(cli, notebook):
    path = _agenda(cli, notebook)
    rows = _rows(cli, notebook)
    parent = rows["Prepare the Globex QBR deck"]
    child = rows["Prepare the Globex QBR deck \u203a Pull the Q3 numbers"]
    assert child["parent"] == parent["id"] and parent["parent"] is None
    text = path.read_text(encoding="utf-8")
    assert re.search(rf'^    parent: "?{parent["id"]}"?$', text, re.M)
    assert "- [ ] Prepare the Globex QBR deck \u203a Pull the Q3 numbers (rep" in text


def test_done_on_a_parent_closes_its_open_sub_tasks_and_says_so(cli, notebook):
    _agenda(cli, notebook)
    rows = _rows(cli, notebook)
    parent = rows["Prepare the Globex QBR deck"]["id"]
    result = cli("--notebook", notebook, "done", parent, "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(f"(a sub-task of {parent})") == 2
    assert list(_rows(cli, notebook)) == ["Send the Vandelay renewal quote"]


def test_an_unknown_id_suggests_the_nearest_ids_and_texts(cli, notebook):
    _agenda(cli, notebook)
    result = cli("--notebook", notebook, "done", "vandelay quote", "--today", "2026-11-16")
    assert result.exit_code != 0
    assert re.search(r"hint: did you mean \w+ \(Send the Vandelay renewal quote\)\?", result.stderr), result.stderr


def test_a_due_date_added_to_a_review_item_is_reported_and_not_read(cli, notebook):
    path = _agenda(cli, notebook)
    text = path.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("- [ ] Send the Vandelay"))
    path.write_text(text.replace(line, line + " \U0001F4C5 2026-12-20"), encoding="utf-8")
    assert _rows(cli, notebook)["Send the Vandelay renewal quote"]["due"] == "2026-11-13"
    result = cli("--notebook", notebook, "check")
    assert "says due 2026-12-20, but the frontmatter" in result.stdout and "[review-disagrees]" in result.stdout


def test_the_same_step_of_two_different_promises_is_no_duplicate(cli, notebook):
    write(notebook / "ann" / "2026-11-02.md", note_text(date="2026-11-02", body=(
        "- [ ] Prepare the Globex meeting\n  - [ ] Send the agenda\n")))
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", body=(
        "- [ ] Prepare the Acme meeting\n  - [ ] Send the agenda\n")))
    assert "likely-duplicate" not in cli("--notebook", notebook, "check").stdout
