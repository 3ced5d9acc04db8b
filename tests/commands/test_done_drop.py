"""`onenotes done` / `onenotes drop`: closing commitments with surgical, verified edits."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.review_list import open_rows, tick, week1_agenda
from conftest import EXAMPLE, TODAY, user_files, write
from onenotes.changes.close import close_commitments
from onenotes.changes.splice import Lines
from onenotes.rules.commitments import build_ledger
from onenotes.reading.note import decode, parse_note
from onenotes.reading.notebook import load_notebook

BOB = "bob-okafor/2026-11-16.md"


def changed_lines(old: bytes, new: bytes) -> tuple[list[int], list[int]]:
    """(old line numbers removed, new line numbers added), by a plain line diff."""
    import difflib
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += range(i1 + 1, i2 + 1)
            added += range(j1 + 1, j2 + 1)
    return removed, added


def status_of(root, rep, cid):
    book = load_notebook(root)
    return next(e for e in build_ledger(book.notes) if e.rep == rep and e.id == cid)


# ------------------------------------------------------------------ CLI ---

def test_done_changes_exactly_the_status_line_when_closed_on_the_notes_date(cli, acme):
    before = (acme / BOB).read_bytes()
    result = cli("--notebook", acme, "done", "bob-freight", "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "bob-okafor/2026-11-16.md:31: bob-freight-prospect-list: done" in result.stderr
    after = (acme / BOB).read_bytes()
    assert changed_lines(before, after) == ([31], [31])
    assert after.splitlines()[30] == b"    status: done"
    entry = status_of(acme, "bob-okafor", "bob-freight-prospect-list")
    assert (entry.status, entry.closed_on) == ("done", dt.date(2026, 11, 16))


def test_done_on_a_later_day_records_done_on_below_the_status(cli, acme):
    result = cli("--notebook", acme, "done", "bob-freight-prospect-list", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    lines = (acme / BOB).read_text().splitlines()
    assert lines[30:33] == ["    status: done", "    done_on: 2026-11-23", "    since: 2026-10-19"]
    assert status_of(acme, "bob-okafor", "bob-freight-prospect-list").closed_on == dt.date(2026, 11, 23)


def test_dry_run_prints_the_diff_and_writes_nothing(cli, acme):
    before = user_files(acme)
    result = cli("--notebook", acme, "done", "bob-freight", "--dry-run", "--today", "2026-11-16")
    assert result.exit_code == 0
    assert result.stdout.startswith("--- a/bob-okafor/2026-11-16.md\n+++ b/bob-okafor/2026-11-16.md\n")
    assert "-    status: open\n+    status: done\n" in result.stdout
    assert "nothing was written" in result.stderr
    assert user_files(acme) == before


def test_a_body_task_is_ticked_in_place(cli, acme):
    rel = "alice-nguyen/2026-11-16.md"
    before = (acme / rel).read_bytes()
    result = cli("--notebook", acme, "done", "fe3735f4", "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    after = (acme / rel).read_bytes()
    removed, added = changed_lines(before, after)
    assert removed == added and len(added) == 1
    assert after.splitlines()[added[0] - 1] == \
        b"- [x] Get the year-three numbers from finance for the Globex proposal due: 2026-11-19"


def test_drop_with_a_reason_writes_status_and_reason(cli, acme):
    result = cli("--notebook", acme, "drop", "bob-daily", "--reason", "No: the CRM shows it now",
                 "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    text = (acme / BOB).read_text()
    assert '    status: dropped\n    reason: "No: the CRM shows it now"\n    since: 2026-11-09\n' in text
    entry = status_of(acme, "bob-okafor", "bob-daily-call-count")
    assert (entry.status, entry.reason) == ("dropped", "No: the CRM shows it now")
    assert cli("--notebook", acme, "check").exit_code == 0  # `reason` is a known key


def test_drop_of_a_body_task_marks_it_cancelled_with_date_and_reason(cli, acme):
    result = cli("--notebook", acme, "drop", "a42d1f77", "--reason", "calendar full", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    line = next(l for l in (acme / BOB).read_text().splitlines() if "Book four" in l)
    assert line.startswith("- [-] Book four")
    assert line.endswith(" \u274c 2026-11-23 [reason:: calendar full]")
    entry = status_of(acme, "bob-okafor", "a42d1f77")
    assert (entry.status, entry.closed_on, entry.reason) == ("dropped", dt.date(2026, 11, 23), "calendar full")
    assert entry.text == "Book four 90-minute call blocks for the week of November 23"


def test_a_commitment_missing_from_the_latest_note_is_carried_there_closed(cli, acme):
    rel = "alice-nguyen/2026-11-16.md"
    old_note = (acme / "alice-nguyen/2026-09-28.md").read_bytes()
    before = (acme / rel).read_bytes()
    result = cli("--notebook", acme, "done", "6496", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    assert "added as done (carried)" in result.stderr
    assert (acme / "alice-nguyen/2026-09-28.md").read_bytes() == old_note  # older notes are never edited
    after = (acme / rel).read_bytes()
    removed, added = changed_lines(before, after)
    assert removed == [] and len(added) == 7
    assert after.decode().split("\n")[added[0] - 1:added[-1]] == [
        '  - id: "6496bb15"',
        "    text: Ask the Hooli champion for an introduction to their CFO",
        "    owner: rep",
        "    due: 2026-10-09",
        "    status: done",
        "    since: 2026-09-28",
        "    done_on: 2026-11-23",
    ]
    entry = status_of(acme, "alice-nguyen", "6496bb15")
    assert (entry.status, entry.since, entry.closed_in) == ("done", dt.date(2026, 9, 28), rel)


def test_an_ambiguous_prefix_lists_the_candidates_and_changes_nothing(cli, acme):
    before = user_files(acme)
    result = cli("--notebook", acme, "done", "bob-")
    assert result.exit_code == 1
    assert "'bob-' matches 6 commitments" in result.stderr
    assert "bob-freight-prospect-list (bob-okafor, open)" in result.stderr
    assert user_files(acme) == before


def test_an_unknown_id_is_refused_with_a_did_you_mean(cli, acme):
    before = user_files(acme)
    result = cli("--notebook", acme, "done", "bob-umbrela-demo", "bob-freight")
    assert result.exit_code == 1
    assert "no commitment with the id 'bob-umbrela-demo'" in result.stderr
    assert "did you mean bob-umbrella-demo" in result.stderr
    assert user_files(acme) == before  # the valid id was not closed either


def test_an_already_closed_commitment_is_reported_and_left_alone(cli, acme):
    before = user_files(acme)
    result = cli("--notebook", acme, "done", "sam-vandelay")
    assert result.exit_code == 0
    assert "sam-vandelay-joint-call (bob-okafor) is already done in bob-okafor/2026-11-16.md" in result.stderr
    assert user_files(acme) == before


def test_several_ids_in_one_note_are_one_write(cli, acme):
    before = (acme / BOB).read_bytes()
    result = cli("--notebook", acme, "done", "bob-freight", "bob-umbrella", "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    removed, added = changed_lines(before, (acme / BOB).read_bytes())
    assert removed == added == [31, 48]


def test_reason_is_only_for_drop_and_one_line(cli, acme):
    assert cli("--notebook", acme, "drop", "bob-freight", "--reason", "a\nb").exit_code == 2


def test_a_file_changed_during_the_edit_is_left_alone(acme, monkeypatch):
    book = load_notebook(acme)
    result = close_commitments(book, ["bob-freight"], "done", dt.date(2026, 11, 16))
    (acme / BOB).write_text((acme / BOB).read_text() + "\nA line typed meanwhile.\n")
    edited = (acme / BOB).read_bytes()
    from onenotes.changes.close import write_changes
    from onenotes.errors import ConcurrentEditError
    with pytest.raises(ConcurrentEditError, match="changed while onenotes was editing it; nothing written"):
        write_changes(result.changes)
    assert (acme / BOB).read_bytes() == edited
    assert not [p for p in (acme / "bob-okafor").iterdir() if p.name.endswith(".tmp")]


def test_crlf_and_bom_survive_and_only_the_status_line_changes(cli, notebook):
    text = ("---\r\nrep: ann  # the rep\r\ncommitments:\r\n  - id: x1\r\n    text: 'Call Ann: VIP'\r\n"
            "    status: \"open\"   # still open\r\n\r\n  - id: x2\r\n    text: other\r\n---\r\n\r\nBody\r\n")
    data = b"\xef\xbb\xbf" + text.encode()
    (notebook / "ann" / "2026-11-16.md").write_bytes(data)
    result = cli("--notebook", notebook, "done", "x1", "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert (notebook / "ann" / "2026-11-16.md").read_bytes() == \
        data.replace(b'"open"   # still', b'"done"   # still')


def test_done_in_a_temporary_git_repo_is_a_one_line_diff(tmp_path, cli):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "notes"], check=True)
    result = cli("--notebook", repo, "done", "bob-umbrella-demo", "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    numstat = subprocess.run(git + ["diff", "--numstat"], check=True, capture_output=True, text=True).stdout
    assert numstat == f"1\t1\t{BOB}\n"
    stat = subprocess.run(git + ["diff", "--stat"], check=True, capture_output=True, text=True).stdout
    assert "1 file changed, 1 insertion(+), 1 deletion(-)" in stat
    # Carrying a commitment into the latest note: the minimal insertion, nothing removed.
    result = cli("--notebook", repo, "drop", "a01e1823", "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    numstat = subprocess.run(git + ["diff", "--numstat"], check=True, capture_output=True, text=True).stdout
    assert numstat == f"6\t1\t{BOB}\n"


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


def test_an_open_commitment_that_already_has_a_done_on_can_be_closed(cli, notebook):
    """`done_on:` written by hand but `status:` forgotten: `done` sets the status and keeps the date."""
    note = notebook / "ann" / "2026-11-09.md"
    write(note, "---\ncommitments:\n  - id: a1\n    text: x\n    done_on: 2026-11-01\n---\n")
    result = cli("--notebook", notebook, "done", "a1", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert note.read_text() == ("---\ncommitments:\n  - id: a1\n    text: x\n    done_on: 2026-11-01\n"
                                "    status: done\n---\n")


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


# ----------------------------------------------------- property test ---

_WORDS = st.text(alphabet="abcdefghij klm", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def notes(draw):
    """A note with a target commitment, in a random style, and what closing it must look like."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.booleans())
    indent = draw(st.sampled_from([0, 2, 4]))
    n_items = draw(st.integers(1, 4))
    target = draw(st.integers(0, n_items))  # n_items: the target is a body task
    lines = ["---", "rep: ann" + draw(st.sampled_from(["", "  # who"])), "date: 2026-11-16"]
    if draw(st.booleans()):
        lines += ["metrics:", " " * max(indent, 2) + "revenue: {goal: 10, actual: 12}"]
    lines.append("commitments:")
    for i in range(n_items):
        text = draw(_WORDS)
        quote = draw(st.sampled_from(["", "'", '"']))
        status = draw(st.sampled_from(["open", "open", "'open'", '"open"', ""])) if i == target else \
            draw(st.sampled_from(["open", "done", "dropped"]))
        comment = draw(st.sampled_from(["", "  # c"]))
        if draw(st.booleans()):  # flow item
            fields = [f"id: c{i}", f"text: {quote}{text}{quote}"]
            if status:
                fields.append(f"status: {status}")
            lines.append(" " * indent + "- {" + ", ".join(fields) + "}" + comment)
        else:
            pad = " " * indent
            lines.append(f"{pad}- id: c{i}" + comment)
            lines.append(f"{pad}  text: {quote}{text}{quote}")
            if draw(st.booleans()):
                lines.append("")
            if status or draw(st.booleans()):
                lines.append(f"{pad}  status: {status}" + comment)
            if draw(st.booleans()):
                lines.append(f"{pad}  # a comment")
    lines += ["---", ""]
    for j in range(draw(st.integers(1, 3))):
        marker = draw(st.sampled_from(["-", "*", "+", "1.", "2)"]))
        box = " " if j == 0 and target == n_items else draw(st.sampled_from(["x", "X", "-"]))
        quoted = "> " if draw(st.booleans()) else ""
        tail = " [id:: t%d]" % j + draw(st.sampled_from(["", " due: 2026-11-30", "  "]))
        lines.append(f"{quoted}{marker} [{box}] task {j}{tail}")
    lines.append("")
    text = eol.join(lines)
    cid = "t0" if target == n_items else f"c{target}"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(), cid


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=notes(), action=st.sampled_from(["done", "drop"]), same_day=st.booleans(),
       reason=st.one_of(st.none(), st.text(alphabet="ab :'\"#-,{}&*!|>%@`\u00e9", max_size=20)))
def test_closing_changes_only_the_intended_lines(tmp_path_factory, case, action, same_day, reason):
    data, cid = case
    reason = reason if action == "drop" else None
    root = tmp_path_factory.mktemp("nb")
    write(root / "onenotes.yaml", "kpis:\n  revenue: {kind: output, goal: 10}\n")
    (root / "ann").mkdir()
    (root / "ann" / "2026-11-16.md").write_bytes(data)
    on = dt.date(2026, 11, 16) if same_day else dt.date(2026, 11, 20)
    book = load_notebook(root)
    result = close_commitments(book, [cid], action, on, reason=reason)
    (change,) = result.changes
    assert change.old == data
    old_lines, new_lines = Lines(data), Lines(change.new)
    assert (old_lines.bom, old_lines.eol) == (new_lines.bom, new_lines.eol)
    removed, added = changed_lines(data, change.new)
    # One line edited (status, or the task box) and/or new lines right below it
    # (status and done_on when the item had no status); nothing else.
    assert len(removed) <= 1 and 1 <= len(added) <= 3  # status, done_on, reason
    assert added == list(range(added[0], added[0] + len(added)))
    if removed:
        assert added[0] == removed[0]
    if (same_day and not (reason or "").strip()) or cid.startswith("t"):
        assert len(added) == 1  # no done_on line: the note's date says when
    new_note = parse_note(decode(change.new, "x"), "ann/2026-11-16.md", "ann", dt.date(2026, 11, 16))
    old_note = parse_note(decode(data, "x"), "ann/2026-11-16.md", "ann", dt.date(2026, 11, 16))
    assert [(m.id, m.text, m.status) for m in new_note.mentions if m.id != cid] == \
        [(m.id, m.text, m.status) for m in old_note.mentions if m.id != cid]
    entry = next(e for e in build_ledger([new_note]) if e.id == cid)
    assert entry.status == ("done" if action == "done" else "dropped")
    assert entry.closed_on == on
    assert entry.reason == ((reason or "").strip() or None)


@st.composite
def latest_notes(draw):
    """A latest note in a random style that does not list the commitment yet."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    indent = draw(st.sampled_from([0, 2, 4]))
    lines = ["---", "rep: ann", "metrics:", " " * max(indent, 2) + "revenue: 5  # typed"]
    style = draw(st.sampled_from(["block", "flow", "empty", "null", "none"]))
    if style == "block":
        lines.append("commitments:  # this week")
        for i in range(draw(st.integers(1, 3))):
            pad = " " * indent
            lines += [f"{pad}- id: k{i}", f"{pad}  text: 'keep {i}'"]
            if draw(st.booleans()):
                lines.append(f"{pad}  # note")
    elif style == "flow":
        lines.append("commitments: [{id: k0, text: keep}]")
    elif style == "empty":
        lines.append("commitments: []" + draw(st.sampled_from(["", "  # none"])))
    elif style == "null":
        lines.append("commitments:" + draw(st.sampled_from(["", " ~"])))
    if draw(st.booleans()):
        lines.append("tags: [x]")
    lines += ["---", "", "- [ ] body task [id:: b1]", ""]
    return eol.join(lines).encode(), style


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=latest_notes(), action=st.sampled_from(["done", "drop"]))
def test_carrying_inserts_the_entry_and_changes_nothing_else(tmp_path_factory, case, action):
    data, style = case
    root = tmp_path_factory.mktemp("nb")
    write(root / "onenotes.yaml", "kpis:\n  revenue: {kind: output, goal: 10}\n")
    write(root / "ann" / "2026-11-09.md",
          "---\ncommitments:\n  - id: old-one\n    text: 'Call Ann: VIP'\n    due: 2026-11-12\n---\n")
    (root / "ann" / "2026-11-16.md").write_bytes(data)
    book = load_notebook(root)
    result = close_commitments(book, ["old-one"], action, dt.date(2026, 11, 20), reason=None)
    (change,) = result.changes
    removed, added = changed_lines(data, change.new)
    # Only the commitments line itself may change ("[]" or "~" moves out of the way,
    # or a flow list gets the entry); everything else is an insertion.
    assert len(removed) <= 1
    if removed:
        assert data.splitlines()[removed[0] - 1].startswith(b"commitments:")
    new_note = parse_note(decode(change.new, "x"), "ann/2026-11-16.md", "ann", dt.date(2026, 11, 16))
    old_note = parse_note(decode(data, "x"), "ann/2026-11-16.md", "ann", dt.date(2026, 11, 16))
    assert [m.id for m in new_note.mentions] == \
        [m.id for m in old_note.mentions if m.origin == "frontmatter"] + ["old-one", "b1"]
    carried = next(m for m in new_note.mentions if m.id == "old-one")
    assert (carried.text, carried.due, carried.since) == ("Call Ann: VIP", dt.date(2026, 11, 12),
                                                           dt.date(2026, 11, 9))
    assert new_note.problems == []
    entry = next(e for e in build_ledger([new_note, *[n for n in book.notes if n.date.day == 9]])
                 if e.id == "old-one")
    assert entry.status == ("done" if action == "done" else "dropped")
    assert Lines(change.new).eol == Lines(data).eol


def test_a_rep_whose_latest_note_cannot_be_read_is_refused(cli, acme):
    write(acme / "bob-okafor" / "2026-11-23.md", "---\nrep: bob-okafor\ncommitments: [\n")
    before = user_files(acme)
    result = cli("--notebook", acme, "done", "bob-umbrella-demo")
    assert result.exit_code == 1
    assert "bob-okafor/2026-11-23.md cannot be read" in result.stderr
    assert user_files(acme) == before


def test_string_items_become_mappings_with_the_same_id(cli, notebook):
    write(notebook / "ann" / "2026-11-09.md", "---\ncommitments:\n  - Write the plan  # typed fast\n---\n")
    book = load_notebook(notebook)
    cid = book.notes[0].mentions[0].id
    result = cli("--notebook", notebook, "drop", cid, "--reason", "not needed", "--today", "2026-11-09")
    assert result.exit_code == 0, result.stderr
    assert (notebook / "ann" / "2026-11-09.md").read_text() == (
        "---\ncommitments:\n  - {text: Write the plan, status: dropped, reason: not needed}  # typed fast\n---\n")
    assert status_of(notebook, "ann", cid).status == "dropped"


def test_the_dry_run_diff_applies_with_git_apply_also_on_crlf_notes(tmp_path, cli):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    note = repo / BOB
    note.write_bytes(note.read_bytes().replace(b"\n", b"\r\n"))
    diff = cli("--notebook", repo, "done", "bob-freight", "6496", "--dry-run", "--today", "2026-11-23")
    (tmp_path / "change.diff").write_bytes(diff.stdout_bytes)  # (.stdout turns CRLF into LF)
    subprocess.run(["git", "-C", str(repo), "apply", str(tmp_path / "change.diff")], check=True)
    applied = {rel: (repo / rel).read_bytes() for rel in (BOB, "alice-nguyen/2026-11-16.md")}
    shutil.rmtree(repo)
    shutil.copytree(EXAMPLE, repo)
    note.write_bytes(note.read_bytes().replace(b"\n", b"\r\n"))
    assert cli("--notebook", repo, "done", "bob-freight", "6496", "--today", "2026-11-23").exit_code == 0
    assert applied == {rel: (repo / rel).read_bytes() for rel in applied}
    assert b"    status: done\r\n    done_on: 2026-11-23\r\n" in applied[BOB]


def test_nothing_is_written_when_one_of_the_notes_is_read_only(cli, acme):
    (acme / BOB).chmod(0o444)
    before = user_files(acme)
    result = cli("--notebook", acme, "done", "alice-globex-proposal", "bob-freight", "--today", "2026-11-16")
    assert result.exit_code == 4
    assert "cannot write bob-okafor/2026-11-16.md: read-only; nothing was written" in result.stderr
    assert user_files(acme) == before


# ------------------------------------- the review list (support/review_list.py) ---

def test_done_on_a_ticked_item_writes_the_close_into_the_frontmatter_with_its_date(cli, notebook):
    path = week1_agenda(cli, notebook)
    tick(path, "Send the Vandelay", tail=" \u2705 2026-11-12")
    cid = next(r["id"] for r in open_rows(cli, notebook).values() if r["text"].startswith("Prepare the Globex QBR"))
    vandelay = re.search(r"\[id:: (\w+)\] \u2705", path.read_text(encoding="utf-8")).group(1)
    result = cli("--notebook", notebook, "done", vandelay, "--today", "2026-11-17")
    assert result.exit_code == 0, result.stderr
    assert "(as its review item already says)" in result.stderr
    text = path.read_text(encoding="utf-8")
    item = text[re.search(rf'id: "?{vandelay}"?\n', text).start():].split("  - id:", 1)[0]
    assert "status: done" in item and "done_on: 2026-11-12" in item
    assert "review-disagrees" not in cli("--notebook", notebook, "check").stdout
    assert cid  # the other commitments are untouched
    assert len(open_rows(cli, notebook)) == 3


def test_done_on_a_parent_closes_its_open_sub_tasks_and_says_so(cli, notebook):
    week1_agenda(cli, notebook)
    rows = open_rows(cli, notebook)
    parent = rows["Prepare the Globex QBR deck"]["id"]
    result = cli("--notebook", notebook, "done", parent, "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(f"(a sub-task of {parent})") == 2
    assert list(open_rows(cli, notebook)) == ["Send the Vandelay renewal quote"]


def test_an_unknown_id_suggests_the_nearest_ids_and_texts(cli, notebook):
    week1_agenda(cli, notebook)
    result = cli("--notebook", notebook, "done", "vandelay quote", "--today", "2026-11-16")
    assert result.exit_code != 0
    assert re.search(r"hint: did you mean \w+ \(Send the Vandelay renewal quote\)\?", result.stderr), result.stderr
