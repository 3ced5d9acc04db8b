"""Walking a notebook through real files: what is read and what is skipped.

Covers hostile inputs 19-23 of /work/shared/hostile-inputs.md: hidden folders
and the templates folder, symbolic links that loop or leave the notebook,
FIFOs, oversized notes, sync-conflict copies, one broken note among good
ones, and where the notebook is (``find_root``).  How a typed rep name is
matched is in test_layout.py.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from conftest import note_text, write
from onenotes.errors import BadInputError, NoteError
from onenotes.reading.note import MAX_NOTE_BYTES, ReadOptions
from onenotes.reading.files import read_bytes
from onenotes.reading.layout import _absolute, find_root, scan
from onenotes.reading.notebook import load_notebook
from onenotes.reading.notefile import read_note


def problem_codes(problems):
    return sorted((p.path, p.severity, p.code) for p in problems)


def all_mentions(nb):
    return sorted((n.path, m.text) for n in nb.notes for m in n.mentions)


def good_note(rep="ann", date="2026-11-16", task="Send the deck"):
    return note_text(rep=rep, date=date, body=f"\n- [ ] {task}\n")


# ------------------------------------------------------------ what is scanned ---


def test_hidden_folders_and_files_are_never_scanned(notebook):
    write(notebook / "ann" / "2026-11-16.md", good_note())
    for rel in (".git/2026-11-16.md", ".obsidian/2026-11-16.md", ".trash/ann/2026-11-16.md",
                "ann/.trash/2026-11-09.md", "ann/.2026-11-16.md.swp", "ann/.2026-11-02.md",
                "ann/2026-11-16.md~", "ann/~2026-11-09.md"):
        write(notebook / rel, good_note(task=f"hidden {rel}"))
    found = scan(notebook)
    assert found.notes == ["ann/2026-11-16.md"]
    assert found.rep_dirs == ["ann"]
    assert found.other_md == [] and found.problems == []
    nb = load_notebook(notebook)
    assert all_mentions(nb) == [("ann/2026-11-16.md", "Send the deck")]


def test_templates_folder_is_never_scanned(notebook):
    write(notebook / "templates" / "x.md", "---\nrep: ann\n---\n- [ ] {{ c.text }}\n")
    write(notebook / "templates" / "2026-11-16.md", "- [ ] {{ c.text }}\n")
    write(notebook / "ann" / "2026-11-16.md", good_note())
    found = scan(notebook)
    assert found.notes == ["ann/2026-11-16.md"]
    assert "templates" not in found.rep_dirs
    nb = load_notebook(notebook)
    assert all_mentions(nb) == [("ann/2026-11-16.md", "Send the deck")]
    assert "templates" not in nb.reps()
    assert nb.problems == []


def test_non_markdown_files_are_ignored(notebook):
    write(notebook / "ann" / "2026-11-16.md", good_note())
    for rel in ("ann/2026-11-09.txt", "ann/2026-11-09.md.bak", "ann/2026-11-02.markdown",
                "ann/photo.png", "README.txt"):
        write(notebook / rel, good_note(task="not a note"))
    found = scan(notebook)
    assert found.notes == ["ann/2026-11-16.md"]
    assert found.other_md == [] and found.problems == []


def test_markdown_files_without_a_date_name_are_not_notes(notebook):
    write(notebook / "ann" / "2026-11-16.md", good_note())
    write(notebook / "ann" / "agenda.md", "- [ ] not a commitment\n")
    write(notebook / "README.md", "- [ ] not a commitment\n")
    found = scan(notebook)
    assert found.notes == ["ann/2026-11-16.md"]
    assert found.other_md == ["ann/agenda.md"]
    assert all_mentions(load_notebook(notebook)) == [("ann/2026-11-16.md", "Send the deck")]


def test_second_meeting_on_a_day_and_subfolders_are_notes(notebook):
    write(notebook / "ann" / "2026-11-16.md", good_note())
    write(notebook / "ann" / "2026-11-16-2.md", good_note(task="Second meeting"))
    write(notebook / "ann" / "2025" / "2025-12-01.md", good_note(date="2025-12-01", task="Archived"))
    nb = load_notebook(notebook)
    assert [(n.path, n.rep, n.date.isoformat(), n.seq) for n in nb.notes] == [
        ("ann/2025/2025-12-01.md", "ann", "2025-12-01", 1),
        ("ann/2026-11-16.md", "ann", "2026-11-16", 1),
        ("ann/2026-11-16-2.md", "ann", "2026-11-16", 2),
    ]


# ------------------------------------------------------------ symbolic links ---


def test_symlink_loop_is_skipped_with_a_warning_and_nothing_is_read_twice(notebook):
    write(notebook / "ann" / "2026-11-16.md", good_note())
    os.symlink("..", notebook / "ann" / "loop")
    os.symlink(".", notebook / "self")
    found = scan(notebook)
    assert found.notes == ["ann/2026-11-16.md"]
    assert problem_codes(found.problems) == [
        ("ann/loop", "warning", "symlink"), ("self", "warning", "symlink")]
    assert all("loops" in p.message for p in found.problems)
    nb = load_notebook(notebook)
    assert [n.path for n in nb.notes] == ["ann/2026-11-16.md"]
    assert all_mentions(nb) == [("ann/2026-11-16.md", "Send the deck")]


def test_links_leaving_the_notebook_are_skipped_with_a_warning(notebook, tmp_path):
    outside = tmp_path / "outside"
    write(outside / "2026-11-09.md", good_note(date="2026-11-09", task="outside task"))
    write(notebook / "ann" / "2026-11-16.md", good_note())
    os.symlink(outside, notebook / "ann" / "elsewhere")                 # a folder
    os.symlink(outside / "2026-11-09.md", notebook / "ann" / "2026-11-09.md")  # a note
    os.symlink(outside, notebook / "bob")                                # a "rep" folder
    found = scan(notebook)
    assert found.notes == ["ann/2026-11-16.md"]
    assert found.rep_dirs == ["ann"]
    assert problem_codes(found.problems) == [
        ("ann/2026-11-09.md", "warning", "symlink"),
        ("ann/elsewhere", "warning", "symlink"),
        ("bob", "warning", "symlink"),
    ]
    assert all("outside the notebook" in p.message for p in found.problems)
    nb = load_notebook(notebook)
    assert all_mentions(nb) == [("ann/2026-11-16.md", "Send the deck")]
    assert problem_codes(nb.problems) == problem_codes(found.problems)


def test_link_to_a_note_inside_the_notebook_is_not_read_twice(notebook):
    write(notebook / "bob" / "2026-11-16.md", good_note(rep="bob", task="Bob's task"))
    os.symlink("../bob/2026-11-16.md", notebook / "ann" / "2026-11-16.md")
    os.symlink("bob", notebook / "bobby")
    nb = load_notebook(notebook)
    assert [n.path for n in nb.notes] == ["bob/2026-11-16.md"]
    assert all_mentions(nb) == [("bob/2026-11-16.md", "Bob's task")]
    assert problem_codes(nb.problems) == [
        ("ann/2026-11-16.md", "warning", "symlink"), ("bobby", "warning", "symlink")]


def test_read_bytes_does_not_follow_a_link(notebook, tmp_path):
    secret = write(tmp_path / "secret.md", "top secret\n")
    os.symlink(secret, notebook / "ann" / "2026-11-16.md")
    with pytest.raises(OSError):
        read_bytes(notebook / "ann" / "2026-11-16.md", MAX_NOTE_BYTES)
    with pytest.raises(NoteError) as info:
        read_note(notebook, "ann/2026-11-16.md", ReadOptions())
    assert (info.value.problem.severity, info.value.problem.code) == ("warning", "unreadable")


# ------------------------------------------------------------ special and large files ---


def _in_thread(func, timeout=5.0):
    """Run ``func`` in a daemon thread; (finished, result or exception)."""
    box = {}

    def run():
        try:
            box["result"] = func()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    return not thread.is_alive(), box


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_named_like_a_note_does_not_hang_and_gives_a_warning(notebook):
    fifo = notebook / "ann" / "2026-11-16.md"
    os.mkfifo(fifo)
    write(notebook / "ann" / "2026-11-09.md", good_note(date="2026-11-09"))
    try:
        finished, box = _in_thread(lambda: load_notebook(notebook))
    finally:
        # Unblock a reader stuck in open() so that no thread outlives the test.
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    assert finished, "load_notebook hung on a FIFO"
    assert "error" not in box, box.get("error")
    nb = box["result"]
    assert [n.path for n in nb.notes] == ["ann/2026-11-09.md"]
    assert [(p.path, p.severity) for p in nb.problems] == [("ann/2026-11-16.md", "warning")]
    assert "regular file" in nb.problems[0].message


def test_note_over_1_mib_is_skipped_with_a_warning(notebook):
    big = note_text() + "\n" + "x" * MAX_NOTE_BYTES
    write(notebook / "ann" / "2026-11-16.md", big)
    write(notebook / "ann" / "2026-11-09.md", good_note(date="2026-11-09"))
    nb = load_notebook(notebook)
    assert [n.path for n in nb.notes] == ["ann/2026-11-09.md"]
    assert problem_codes(nb.problems) == [("ann/2026-11-16.md", "warning", "too-large")]
    assert "1024 KiB" in nb.problems[0].message


def test_note_of_exactly_1_mib_is_read(notebook):
    head = good_note() + "\n"
    data = head + "x" * (MAX_NOTE_BYTES - len(head.encode()))
    path = write(notebook / "ann" / "2026-11-16.md", data)
    assert path.stat().st_size == MAX_NOTE_BYTES
    note = read_note(notebook, "ann/2026-11-16.md", ReadOptions())
    assert [m.text for m in note.mentions] == ["Send the deck"]


@pytest.mark.parametrize("name", [
    "2026-11-16.sync-conflict-20261116-123456-ABCDEF.md",
    "2026-11-16 (conflicted copy).md",
    "2026-11-16 (Ann's conflicted copy 2026-11-16).md",
    "2026-11-16 (1).md",
])
def test_sync_conflict_copies_give_a_warning_and_are_not_read(notebook, name):
    write(notebook / "ann" / "2026-11-16.md", good_note())
    write(notebook / "ann" / name, good_note(task="conflicting version"))
    nb = load_notebook(notebook)
    assert all_mentions(nb) == [("ann/2026-11-16.md", "Send the deck")]
    assert problem_codes(nb.problems) == [(f"ann/{name}", "warning", "sync-conflict")]


# ------------------------------------------------------------ load_notebook ---


def test_one_broken_note_does_not_stop_the_good_ones(notebook):
    write(notebook / "ann" / "2026-11-02.md", good_note(date="2026-11-02", task="First"))
    write(notebook / "ann" / "2026-11-09.md", "---\nrep: ann\ndate: 2026-11-09\nrep: bob\n---\n")
    write(notebook / "ann" / "2026-11-16.md", good_note(task="Third"))
    write(notebook / "bob" / "2026-11-16.md", good_note(rep="bob", task="Bob's"))
    nb = load_notebook(notebook)
    assert [n.path for n in nb.notes] == ["ann/2026-11-02.md", "ann/2026-11-16.md", "bob/2026-11-16.md"]
    assert [(p.path, p.line, p.severity, p.code) for p in nb.problems] == [
        ("ann/2026-11-09.md", 4, "error", "yaml")]
    assert nb.problems[0].format().startswith("ann/2026-11-09.md:4")


@pytest.mark.parametrize("data", [
    b"\xff\xfe-\x00-\x00-\x00\n\x00",               # UTF-16
    "---\nrep: ann\n---\nCaf\xe9\n".encode("latin-1"),
    b"---\nrep: ann\n",                               # never closed
    b"---\n- a\n---\n",                               # not a mapping
    b"---\nrep: ann\n---\n<<<<<<< HEAD\n",            # merge conflict
    b"\x00" * 64,                                     # binary
], ids=["utf-16", "latin-1", "unclosed", "list", "conflict", "binary"])
def test_any_unreadable_note_becomes_one_problem_naming_it(notebook, data):
    write(notebook / "ann" / "2026-11-09.md", good_note(date="2026-11-09"))
    (notebook / "ann" / "2026-11-16.md").write_bytes(data)
    nb = load_notebook(notebook)
    assert [n.path for n in nb.notes] == ["ann/2026-11-09.md"]
    assert [p.path for p in nb.problems] == ["ann/2026-11-16.md"]
    assert nb.problems[0].severity == "error"


def test_control_character_in_one_note_does_not_stop_the_others(notebook):
    write(notebook / "ann" / "2026-11-09.md", good_note(date="2026-11-09"))
    write(notebook / "ann" / "2026-11-16.md", "---\nrep: ann\ntitle: \x1b[31mURGENT\n---\n")
    nb = load_notebook(notebook)
    assert [n.path for n in nb.notes] == ["ann/2026-11-09.md"]
    assert [(p.path, p.line) for p in nb.problems] == [("ann/2026-11-16.md", 3)]


def test_file_named_like_an_impossible_date_is_a_problem(notebook):
    write(notebook / "ann" / "2026-02-30.md", good_note())
    nb = load_notebook(notebook)
    assert nb.notes == []
    assert problem_codes(nb.problems) == [("ann/2026-02-30.md", "error", "note-name")]


def test_example_notebook_loads_without_problems(example_notebook):
    nb = load_notebook(example_notebook)
    assert nb.problems == []
    assert nb.reps() == ["alice-nguyen", "bob-okafor", "carla-mendes"]
    assert len(nb.notes) == 23
    assert all(n.problems == [] for n in nb.notes)


# ------------------------------------------------------------ find_root ---


@pytest.fixture
def places(tmp_path):
    """Three notebooks and a plain folder: explicit, env, an ancestor of cwd, and a bare cwd."""
    explicit = tmp_path / "explicit"
    env = tmp_path / "from-env"
    ancestor = tmp_path / "ancestor"
    plain = tmp_path / "plain" / "deeper"
    for folder in (explicit, env, ancestor):
        write(folder / "onenotes.yaml", "manager: Sam Rivera\n")
    cwd = ancestor / "ann" / "archive"
    cwd.mkdir(parents=True)
    plain.mkdir(parents=True)
    return {"explicit": explicit, "env": env, "ancestor": ancestor, "cwd": cwd, "plain": plain}


def test_find_root_explicit_wins_over_everything(places):
    assert find_root(str(places["explicit"]), str(places["env"]), places["cwd"]) == str(places["explicit"])


def test_find_root_env_value_wins_over_the_ancestor(places):
    assert find_root(None, str(places["env"]), places["cwd"]) == str(places["env"])
    assert find_root("", str(places["env"]), places["cwd"]) == str(places["env"])


def test_find_root_nearest_ancestor_with_onenotes_yaml(places):
    assert find_root(None, None, places["cwd"]) == str(places["ancestor"])
    assert find_root(None, "", places["ancestor"]) == str(places["ancestor"])


def test_find_root_nearest_ancestor_is_the_closest_one(places):
    inner = places["ancestor"] / "ann"
    write(inner / "onenotes.yaml", "manager: Sam Rivera\n")
    assert find_root(None, None, places["cwd"]) == str(inner)


def test_find_root_falls_back_to_cwd(places):
    assert find_root(None, None, places["plain"]) == str(places["plain"])


def test_find_root_explicit_folder_needs_no_config(places):
    assert find_root(str(places["plain"]), None, places["cwd"]) == str(places["plain"])


def test_find_root_relative_explicit_path_is_made_absolute(places, monkeypatch):
    monkeypatch.chdir(places["explicit"].parent)
    root = find_root("explicit", None, places["cwd"])
    assert os.path.isabs(root) and root == str(places["explicit"])


@pytest.mark.parametrize("given", [".", "a", "a/", "a//b", "a/./b/.", "./a", "../a", "a/../b", "a/b/..",
                                   "~not-expanded-here"])
def test_find_root_writes_a_relative_folder_as_pathlib_would(places, monkeypatch, given):
    """The root is text (pathlib is not loaded on a warm run) spelled as Path.absolute()
    spells it: '.' parts and doubled separators dropped, '..' kept."""
    monkeypatch.chdir(places["cwd"])
    assert _absolute(given) == str(Path(given).absolute())


@pytest.mark.parametrize("which", ["explicit", "env"])
def test_find_root_refuses_a_value_that_is_not_a_folder(places, which):
    missing = str(places["plain"] / "nope")
    args = (missing, None) if which == "explicit" else (None, missing)
    with pytest.raises(BadInputError) as info:
        find_root(*args, places["cwd"])
    assert "not a folder" in info.value.message
    assert ("--notebook" if which == "explicit" else "ONENOTES_NOTEBOOK") in info.value.message
