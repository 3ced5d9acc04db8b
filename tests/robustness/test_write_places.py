"""No command writes outside the notebook, or an agenda for a rep whose notes it could not read.

Real symbolic links in temporary folders, through the CLI.  A rep folder that
is a link is skipped when reading ("leads outside the notebook"), so writing
through it would put a note where no command reads it, an agenda without the
rep's open commitments.  The races (a folder swapped for a link after the
command looked) are opened deterministically by doing the swap from a
function the command calls between its checks and its write.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import TODAY, write
from onenotes.changes import close
from onenotes.changes import new
from onenotes.changes.import_metrics import write as import_metrics

REP = "bob-okafor"
AGENDA = f"{REP}/{TODAY}.md"
CSV = "Rep,Revenue\nBob Okafor,21300\n"


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links not followed) with its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def link_rep_folder_outside(acme: Path, tmp_path: Path) -> Path:
    """Move bob-okafor/ out of the notebook and leave a link to it in its place."""
    outside = tmp_path / "elsewhere" / REP
    outside.parent.mkdir()
    shutil.move(acme / REP, outside)
    (acme / REP).symlink_to(outside, target_is_directory=True)
    return outside


REFUSED_OUTSIDE = (f"onenotes: error: {REP}/ is a symbolic link leading outside the notebook; nothing written\n"
                   "  hint: onenotes reads and writes only the notebook's own folders and files: "
                   "move the folder itself into the notebook, in place of the link\n")


# ------------------------------------------------------------ rep folder links ---

def test_new_refuses_a_rep_folder_that_links_outside_and_writes_nothing_there(cli, acme, tmp_path):
    outside = link_rep_folder_outside(acme, tmp_path)
    before = files(outside)
    got = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stdout == ""
    assert got.stderr == REFUSED_OUTSIDE
    assert files(outside) == before


def test_edit_new_refuses_a_rep_folder_that_links_outside(cli, acme, tmp_path):
    outside = link_rep_folder_outside(acme, tmp_path)
    before = files(outside)
    got = cli("--notebook", acme, "edit", "bob", "--new", "--today", TODAY, env={"EDITOR": "true"})
    assert got.exit_code == 1
    assert got.stderr == REFUSED_OUTSIDE
    assert files(outside) == before


def test_new_add_refuses_a_rep_folder_that_links_inside_the_notebook(cli, acme):
    (acme / "bobby").symlink_to(acme / REP, target_is_directory=True)
    before = files(acme)
    got = cli("--notebook", acme, "new", "bobby", "--add", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr.startswith("onenotes: error: bobby/ is a symbolic link to another place in the "
                                 "notebook; nothing written\n")
    assert files(acme) == before


def test_new_add_refuses_a_dangling_link_in_place_of_the_new_rep_s_folder(cli, acme, tmp_path):
    # The walk does not even report a link that leads nowhere; the write must not follow it.
    (acme / "dana-reyes").symlink_to(tmp_path / "not-yet")
    got = cli("--notebook", acme, "new", "Dana Reyes", "--add", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr.startswith("onenotes: error: dana-reyes/ is a symbolic link leading outside the "
                                 "notebook; nothing written\n")
    assert not (tmp_path / "not-yet").exists()


def test_import_metrics_refuses_to_edit_a_note_in_a_rep_folder_that_links_outside(cli, acme, tmp_path):
    outside = link_rep_folder_outside(acme, tmp_path)
    before = files(outside), files(acme)
    export = write(tmp_path / "crm.csv", CSV)
    got = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr.endswith(REFUSED_OUTSIDE)
    assert (files(outside), files(acme)) == before


def test_import_metrics_refuses_a_new_agenda_in_a_rep_folder_that_links_outside(cli, acme, tmp_path):
    outside = link_rep_folder_outside(acme, tmp_path)
    before = files(outside), files(acme)
    export = write(tmp_path / "crm.csv", "Rep,Revenue\nAlice Nguyen,5\nBob Okafor,21300\n")
    got = cli("--notebook", acme, "import-metrics", export, "--date", TODAY, "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr.endswith(REFUSED_OUTSIDE)
    assert (files(outside), files(acme)) == before  # nor alice's: nothing is written


def test_import_metrics_refuses_to_edit_a_note_that_is_a_link(cli, acme, tmp_path):
    real = tmp_path / "kept-elsewhere.md"
    shutil.move(acme / REP / "2026-11-16.md", real)
    (acme / REP / "2026-11-16.md").symlink_to(real)
    before = real.read_bytes()
    export = write(tmp_path / "crm.csv", CSV)
    got = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr.startswith(f"onenotes: error: {REP}/2026-11-16.md is a symbolic link leading outside "
                                 "the notebook; nothing written\n")
    assert real.read_bytes() == before


def test_a_notebook_folder_that_is_itself_a_link_is_written_as_chosen(cli, acme, tmp_path):
    # The user chose that path: the link to the notebook is followed, below it none is.
    chosen = tmp_path / "my-notes"
    chosen.symlink_to(acme, target_is_directory=True)
    got = cli("--notebook", chosen, "new", "bob", "--today", TODAY)
    assert got.exit_code == 0, got.stderr
    assert got.stdout == f"{chosen / AGENDA}\n"
    assert "commitments: []" not in (acme / AGENDA).read_text(encoding="utf-8")
    export = write(tmp_path / "crm.csv", CSV)
    imported = cli("--notebook", chosen, "import-metrics", export, "--date", TODAY, "--today", TODAY)
    assert imported.exit_code == 0, imported.stderr
    assert "revenue: {goal: 25000, actual: 21300}" in (acme / AGENDA).read_text(encoding="utf-8")


# ------------------------------------------------ notes that could not be read ---

def test_new_refuses_when_a_note_of_the_rep_cannot_be_parsed(cli, acme):
    write(acme / REP / "2026-11-20.md", "---\nrep: [\n---\n- [ ] Call the freight list\n")
    got = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stdout == ""
    assert got.stderr == (  # what `followups` would warn, then why nothing was written
        f"onenotes: {REP}/2026-11-20.md:3:1: error: invalid YAML: did not find expected node content "
        "(check this line's 'key: value' and indentation; put a value with special characters in double quotes)\n"
        f"onenotes: error: cannot write the next agenda: {REP}/2026-11-20.md cannot be read "
        "(line 3: invalid YAML: did not find expected node content); fix it first\n"
        "  hint: an agenda carries every open commitment of the rep's notes; "
        "`onenotes check` says what is wrong\n")
    assert sorted(p.name for p in (acme / REP).iterdir())[-1] == "2026-11-20.md"


def test_new_refuses_when_a_note_of_the_rep_is_a_link_and_counts_the_others(cli, acme, tmp_path):
    real = write(tmp_path / "kept-elsewhere.md", (acme / REP / "2026-11-09.md").read_text(encoding="utf-8"))
    (acme / REP / "2026-11-09.md").unlink()
    (acme / REP / "2026-11-09.md").symlink_to(real)
    write(acme / REP / "2026-11-20.md", "---\nrep: [\n---\n")
    got = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr == (
        f"onenotes: {REP}/2026-11-09.md: warning: skipped symbolic link: it leads outside the notebook "
        "(keep notes as real files inside the notebook folder)\n"
        f"onenotes: {REP}/2026-11-20.md:3:1: error: invalid YAML: did not find expected node content "
        "(check this line's 'key: value' and indentation; put a value with special characters in double quotes)\n"
        f"onenotes: error: cannot write the next agenda: {REP}/2026-11-09.md is a symbolic link leading "
        "outside the notebook, not read; fix it first\n"
        "  hint: an agenda carries every open commitment of the rep's notes; `onenotes check` lists all 2\n")
    assert not (acme / AGENDA).exists()


def test_new_refuses_when_the_rep_s_folder_cannot_be_read(cli, acme, monkeypatch):
    # (chmod does not stop root, who runs the tests on CI: the folder's listing fails instead.)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith(REP):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    got = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr.startswith(f"onenotes: {REP}: warning: cannot read folder: Permission denied "
                                 "(check the folder's permissions)\n"
                                 f"onenotes: error: cannot write the next agenda: {REP}/ cannot be read "
                                 "(Permission denied); fix it first\n")
    assert not (acme / AGENDA).exists()


def test_import_metrics_refuses_a_new_agenda_for_a_rep_with_a_broken_note(cli, acme, tmp_path):
    write(acme / REP / "2026-11-20.md", "---\nrep: [\n---\n")
    before = files(acme)
    export = write(tmp_path / "crm.csv", CSV)
    got = cli("--notebook", acme, "import-metrics", export, "--date", TODAY, "--today", TODAY)
    assert got.exit_code == 1
    assert f"error: cannot write the next agenda: {REP}/2026-11-20.md cannot be read" in got.stderr
    assert files(acme) == before


def test_files_that_hold_no_notes_do_not_stop_an_agenda(cli, acme, tmp_path):
    # A link to some other .md file and a sync-conflict copy: warned about, never notes.
    (acme / REP / "pitch.md").symlink_to(write(tmp_path / "pitch.md", "# Pitch\n"))
    write(acme / REP / "2026-11-16 (conflicted copy).md", "---\nrep: [\n---\n")
    got = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert got.exit_code == 0, got.stderr
    assert got.stdout == f"{acme / AGENDA}\n"


def test_a_folder_link_in_the_rep_s_folder_stops_the_agenda_only_when_it_leads_outside(cli, acme, tmp_path):
    # Inside the notebook, its target is read where it is; outside, its notes are read by nothing.
    (acme / REP / "carla").symlink_to(acme / "carla-mendes", target_is_directory=True)
    inside = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert inside.exit_code == 0, inside.stderr
    (acme / AGENDA).unlink()
    archive = tmp_path / "archive"
    write(archive / "2026-06-01.md", "---\nrep: bob-okafor\ndate: 2026-06-01\n---\n- [ ] Old promise\n")
    (acme / REP / "archive").symlink_to(archive, target_is_directory=True)
    outside = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert outside.exit_code == 1
    assert f"onenotes: error: cannot write the next agenda: {REP}/archive/ is a symbolic link leading " \
        "outside the notebook, not read; fix it first\n" in outside.stderr
    assert not (acme / AGENDA).exists()


def test_the_refusal_is_the_same_through_the_cache(cli, acme, monkeypatch):
    monkeypatch.delenv("ONENOTES_NO_CACHE", raising=False)
    write(acme / REP / "2026-11-20.md", "---\nrep: [\n---\n")
    first = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    again = cli("--notebook", acme, "new", "bob", "--today", TODAY)  # the notes come from the cache now
    uncached = cli("--notebook", acme, "--no-cache", "new", "bob", "--today", TODAY)
    assert (acme / ".onenotes").is_dir()
    assert first.exit_code == again.exit_code == uncached.exit_code == 1
    assert first.stderr == again.stderr == uncached.stderr
    assert "cannot write the next agenda" in first.stderr


def test_an_edit_of_an_existing_note_is_not_stopped_by_another_broken_note(cli, acme, tmp_path):
    # Only a new agenda carries commitments; figures go into the note that is there.
    write(acme / REP / "2026-11-20.md", "---\nrep: [\n---\n")
    export = write(tmp_path / "crm.csv", CSV)
    got = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16", "--today", TODAY)
    assert got.exit_code == 0, got.stderr
    assert got.stdout == f"{REP}/2026-11-16.md\n"


# ------------------------------------------------------------------- races ---

def swap_for_a_link(acme: Path, tmp_path: Path) -> Path:
    """What another program might do at the worst moment: the rep folder moved out of the
    notebook, a link to it left in its place.  Returns where it went."""
    return link_rep_folder_outside(acme, tmp_path)


def test_new_does_not_follow_a_rep_folder_swapped_for_a_link_after_it_looked(cli, acme, tmp_path, monkeypatch):
    moved = []
    real_verify = new._verify

    def verify_then_swap(*args, **kwargs):
        note = real_verify(*args, **kwargs)
        moved.append(swap_for_a_link(acme, tmp_path))
        return note

    monkeypatch.setattr(new, "_verify", verify_then_swap)
    got = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert moved, "the swap did not happen"
    assert got.exit_code == 1
    assert got.stderr == REFUSED_OUTSIDE
    assert not (moved[0] / f"{TODAY}.md").exists()
    assert [p.name for p in moved[0].iterdir() if p.name.startswith(".")] == []  # no temporary file either


def test_done_does_not_follow_a_rep_folder_swapped_for_a_link_before_the_write(cli, acme, tmp_path, monkeypatch):
    moved = []
    real_check = close.check_writable

    def check_then_swap(changes):
        real_check(changes)
        moved.append(swap_for_a_link(acme, tmp_path))  # the same bytes, now outside

    monkeypatch.setattr(close, "check_writable", check_then_swap)
    before = (acme / REP / "2026-11-16.md").read_bytes()
    got = cli("--notebook", acme, "done", "9b211691", "--today", TODAY)
    assert moved, "the swap did not happen"
    assert got.exit_code == 1
    assert got.stderr == REFUSED_OUTSIDE
    assert (moved[0] / "2026-11-16.md").read_bytes() == before


def test_import_metrics_does_not_follow_a_folder_swapped_for_a_link_before_the_write(cli, acme, tmp_path,
                                                                                      monkeypatch):
    moved = []
    real_check = import_metrics.check_writable

    def check_then_swap(changes):
        real_check(changes)
        moved.append(swap_for_a_link(acme, tmp_path))

    monkeypatch.setattr(import_metrics, "check_writable", check_then_swap)
    export = write(tmp_path / "crm.csv", CSV)
    before = (acme / REP / "2026-11-16.md").read_bytes()
    got = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16", "--today", TODAY)
    assert moved, "the swap did not happen"
    assert got.exit_code == 1
    assert got.stderr.endswith(REFUSED_OUTSIDE)
    assert (moved[0] / "2026-11-16.md").read_bytes() == before


def test_import_metrics_does_not_make_a_new_agenda_through_a_swapped_folder(cli, acme, tmp_path, monkeypatch):
    moved = []
    real_check = import_metrics.check_writable

    def check_then_swap(changes):
        real_check(changes)
        moved.append(swap_for_a_link(acme, tmp_path))

    monkeypatch.setattr(import_metrics, "check_writable", check_then_swap)
    export = write(tmp_path / "crm.csv", CSV)
    got = cli("--notebook", acme, "import-metrics", export, "--date", TODAY, "--today", TODAY)
    assert moved, "the swap did not happen"
    assert got.exit_code == 1
    assert got.stderr.endswith(REFUSED_OUTSIDE)
    assert not (moved[0] / f"{TODAY}.md").exists()


def test_without_calls_relative_to_a_folder_the_way_is_still_checked_before_writing(cli, acme, tmp_path,
                                                                                    monkeypatch):
    # (Windows has no openat: the folder is checked for links, then written by its path.)
    from onenotes.reading import places

    monkeypatch.setattr(places, "_AT_CALLS", False)
    made = cli("--notebook", acme, "new", "Dana Reyes", "--add", "--today", TODAY)
    assert made.exit_code == 0, made.stderr
    assert (acme / "dana-reyes" / f"{TODAY}.md").is_file()
    moved = []
    real_verify = new._verify

    def verify_then_swap(*args, **kwargs):
        note = real_verify(*args, **kwargs)
        moved.append(swap_for_a_link(acme, tmp_path))
        return note

    monkeypatch.setattr(new, "_verify", verify_then_swap)
    got = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr == REFUSED_OUTSIDE
    assert not (moved[0] / f"{TODAY}.md").exists()


def test_import_metrics_says_what_it_had_written_when_a_later_folder_became_a_link(cli, acme, tmp_path,
                                                                                   monkeypatch):
    moved = []
    real_replace = import_metrics.replace_file

    def replace_then_swap(*args, **kwargs):
        done = real_replace(*args, **kwargs)
        if not moved:  # after alice's note: bob's folder goes
            moved.append(swap_for_a_link(acme, tmp_path))
        return done

    monkeypatch.setattr(import_metrics, "replace_file", replace_then_swap)
    export = write(tmp_path / "crm.csv", "Rep,Revenue\nAlice Nguyen,5\nBob Okafor,21300\n")
    before = (acme / REP / "2026-11-16.md").read_bytes()
    got = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16", "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr.startswith(
        f"onenotes: error: {REP}/ is a symbolic link leading outside the notebook; {REP}/2026-11-16.md was "
        "not written; already written: alice-nguyen/2026-11-16.md\n")
    assert (moved[0] / "2026-11-16.md").read_bytes() == before


def test_done_for_a_commitment_behind_a_linked_rep_folder_says_the_folder_was_not_read(cli, acme, tmp_path):
    """Not "there is no such commitment": its notes could not be read."""
    outside = link_rep_folder_outside(acme, tmp_path)
    before = files(outside)
    got = cli("--notebook", acme, "done", "bob-freight-prospect-list")
    assert got.exit_code == 1
    assert ("error: no commitment with the id 'bob-freight-prospect-list' in the notes that could be read; "
            f"{REP} was not read (skipped symbolic link: it leads outside the notebook)") in got.stderr
    assert files(outside) == before


def test_an_attachments_folder_linked_outside_a_rep_folder_does_not_block_the_agenda(cli, acme, tmp_path):
    """Only a link that could hold the rep's notes blocks `new`: not one to a folder of PDFs."""
    pdfs = tmp_path / "elsewhere" / "bob-attachments"
    pdfs.mkdir(parents=True)
    (pdfs / "proposal.pdf").write_bytes(b"%PDF-1.4\n")
    (acme / REP / "attachments").symlink_to(pdfs, target_is_directory=True)
    got = cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert got.exit_code == 0, got.stderr
    assert (acme / AGENDA).is_file() and files(pdfs) == {"proposal.pdf": b"%PDF-1.4\n"}
    # A linked folder that holds notes still blocks it.
    (pdfs / "2026-11-09.md").write_text("---\nrep: bob-okafor\n---\n", encoding="utf-8")
    got = cli("--notebook", acme, "new", "bob", "--today", TODAY, "--another")
    assert got.exit_code == 1 and "attachments/ is a symbolic link" in got.stderr


def test_import_metrics_partial_writes_the_other_reps_when_one_reps_notes_cannot_be_read(cli, acme):
    write(acme / REP / "2026-09-01.md", "---\nrep: [\n---\n")
    got = cli("--notebook", acme, "import-metrics", acme / "crm-export.csv", "--date", TODAY,
              "--today", TODAY, "--partial")
    assert got.exit_code == 1, got.stderr  # (as for any row --partial skips)
    assert (acme / f"alice-nguyen/{TODAY}.md").is_file() and (acme / f"carla-mendes/{TODAY}.md").is_file()
    assert not (acme / AGENDA).exists()
    assert f"{AGENDA}: cannot write the next agenda: {REP}/2026-09-01.md cannot be read" in got.stderr
    assert "1 problem skipped (--partial)" in got.stderr
    # Without --partial nothing is written.
    for rep in ("alice-nguyen", "carla-mendes"):
        (acme / f"{rep}/{TODAY}.md").unlink()
    got = cli("--notebook", acme, "import-metrics", acme / "crm-export.csv", "--date", TODAY, "--today", TODAY)
    assert got.exit_code == 1 and not (acme / f"alice-nguyen/{TODAY}.md").exists()
