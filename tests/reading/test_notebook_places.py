"""Where a notebook lives: read-only, on a path with spaces and unicode, 10,000 notes with one broken.

The read-only notebook is made really read-only for the onenotes process.  The
tests run as root (here and on CI), where ``chmod`` stops nothing, so two ways
are tried, each its own test case, skipped with the reason when the machine
cannot do it:

* ``erofs``: a read-only bind mount in a private mount namespace (``unshare -m``),
  so writes fail with EROFS, as on a read-only disk or share;
* ``eacces``: the files and folders made read-only with ``chmod`` and, for
  root, the child started without the capabilities that let root write anyway
  (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER dropped from its bounding set).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from support import crashkit
from conftest import TODAY, write
from onenotes.reading import files as fsutil
from onenotes.errors import WriteError
from onenotes.changes.new import create_note
from onenotes.reading.notebook import load_notebook

READ_COMMANDS = crashkit.READ_COMMANDS
NEW_ARGS = crashkit.NEW_ARGS
NOTE = crashkit.NOTE


def _traceback(text: str) -> bool:
    return "Traceback" in text


# ------------------------------------------------------ read-only notebook ---

_MOUNT_RO = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97\n'
             'shift\nexec "$@"')
_PR_CAPBSET_DROP = 24
_DAC_CAPS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def _drop_write_capabilities() -> None:
    """In the child, before exec: root without the capabilities that bypass file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _DAC_CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _set_writable(root: Path, writable: bool) -> None:
    for folder, dirs, files in os.walk(root):
        for name in [*files, *dirs, None]:
            path = Path(folder, name) if name else Path(folder)
            mode = path.stat().st_mode
            if writable:
                path.chmod(mode | stat.S_IWUSR)
            else:
                path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _run(args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, env=crashkit.child_env(), timeout=300, **kw)


def _probe(way: str, tmp: Path) -> str | None:
    """None when ``way`` makes a folder read-only for a child here, else why not."""
    probe = tmp / "probe"
    probe.mkdir()
    touch = [sys.executable, "-c", "import sys; open(sys.argv[1], 'x')", str(probe / "x")]
    if way == "erofs":
        if shutil.which("unshare") is None:
            return "no unshare command"
        done = _run(["unshare", "-m", "sh", "-c", _MOUNT_RO, "sh", str(probe), *touch])
        if done.returncode == 97 or "Read-only file system" not in done.stderr:
            return f"cannot make a read-only bind mount here: {done.stderr.strip()[-200:]}"
        return None
    _set_writable(probe, False)
    try:
        extra = {"preexec_fn": _drop_write_capabilities} if os.geteuid() == 0 else {}
        try:
            done = _run(touch, **extra)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"cannot drop root's capabilities here: {exc}"
        if "PermissionError" not in done.stderr:
            return "chmod does not stop this process from writing"
        return None
    finally:
        _set_writable(probe, True)


@pytest.fixture(params=["erofs", "eacces"])
def readonly(request, tmp_path):
    """(notebook, run): a copy of the example notebook and a function running
    ``onenotes --notebook ROOT ARGS`` on it, read-only for that process."""
    way = request.param
    why_not = _probe(way, tmp_path)
    if why_not:
        pytest.skip(f"{way}: {why_not}")
    root = crashkit.copy_example(tmp_path / "acme-sales")
    cmd = [sys.executable, "-m", "onenotes", "--notebook", str(root)]
    if way == "erofs":
        def run(*args):
            return _run(["unshare", "-m", "sh", "-c", _MOUNT_RO, "sh", str(root), *cmd, *args])
        yield root, run, "Read-only file system"
    else:
        extra = {"preexec_fn": _drop_write_capabilities} if os.geteuid() == 0 else {}

        def run(*args):
            return _run([*cmd, *args], **extra)
        _set_writable(root, False)
        try:
            yield root, run, "Permission denied"
        finally:
            _set_writable(root, True)


def test_read_only_notebook_every_reading_command_works(readonly, cli):
    root, run, _ = readonly
    before = crashkit.user_files(root)
    for args in READ_COMMANDS:
        got = run(*args)
        want = cli("--notebook", root, *args)  # this process can still write: same answers
        assert got.returncode == want.exit_code == 0, (args, got.stderr)
        assert (got.stdout, got.stderr) == (want.stdout, want.stderr), args
    assert crashkit.user_files(root) == before


def test_read_only_notebook_new_exits_4_naming_the_path(readonly):
    root, run, reason = readonly
    before = crashkit.user_files(root)
    got = run(*NEW_ARGS)
    assert got.returncode == 4, got.stderr
    assert got.stderr == f"onenotes: error: cannot write {root / NOTE}: {reason}\n"
    assert got.stdout == ""
    added = run("new", "Dana Reyes", "--add", "--today", TODAY)
    assert added.returncode == 4, added.stderr
    assert added.stderr.startswith(f"onenotes: error: cannot create the rep folder {root / 'dana-reyes'}: ")
    assert not _traceback(got.stderr + added.stderr)
    assert crashkit.user_files(root) == before
    assert crashkit.temp_files(root) == []


def _erofs(*_args, **_kw):
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))


def test_write_new_file_on_a_read_only_file_system_raises_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(fsutil, "_temp_file", _erofs)
    with pytest.raises(OSError) as info:
        fsutil.write_new_file(tmp_path, "2026-11-23.md", "---\n---\n")
    assert info.value.errno == errno.EROFS
    assert list(tmp_path.iterdir()) == []


def test_write_new_file_when_the_link_fails_read_only_removes_its_temporary_file(tmp_path, monkeypatch):
    # The file system went read-only between the temporary file and the link.
    monkeypatch.setattr(fsutil.os, "link", _erofs)
    with pytest.raises(OSError) as info:
        fsutil.write_new_file(tmp_path, "2026-11-23.md", "---\n---\n")
    assert info.value.errno == errno.EROFS
    assert list(tmp_path.iterdir()) == []


def test_create_note_on_a_read_only_file_system_is_a_write_error_naming_the_path(acme, monkeypatch, cli):
    monkeypatch.setattr(fsutil, "_temp_file", _erofs)
    book = load_notebook(acme)
    with pytest.raises(WriteError) as info:
        create_note(book, "bob", today=dt.date(2026, 11, 23), date=dt.date(2026, 11, 23))
    assert info.value.exit_code == 4
    assert info.value.message == f"cannot write {acme / NOTE}: Read-only file system"
    got = cli("--notebook", acme, *NEW_ARGS)
    assert got.exit_code == 4
    assert got.stderr == f"onenotes: error: cannot write {acme / NOTE}: Read-only file system\n"
    assert not (acme / NOTE).exists()


# ------------------------------------------------ a path with spaces and unicode ---

@pytest.fixture
def odd_place(tmp_path) -> Path:
    return crashkit.copy_example(tmp_path / "Équipe Nord 東京" / "acme sales (2026)")


def test_a_notebook_on_a_path_with_spaces_and_unicode_reads_like_anywhere_else(odd_place, acme, cli):
    for args in READ_COMMANDS:
        got = cli("--notebook", odd_place, *args)
        want = cli("--notebook", acme, *args)
        assert got.exit_code == want.exit_code == 0, (args, got.stderr)
        assert (got.stdout, got.stderr) == (want.stdout, want.stderr), args


def test_new_writes_into_a_notebook_on_a_path_with_spaces_and_unicode(odd_place, cli):
    got = cli("--notebook", odd_place, *NEW_ARGS)
    assert got.exit_code == 0, got.stderr
    assert got.stdout == f"{odd_place / NOTE}\n"
    assert (odd_place / NOTE).read_text(encoding="utf-8").startswith("---\nrep: bob-okafor\n")
    again = cli("--notebook", odd_place, *NEW_ARGS)
    assert again.exit_code == 1
    assert again.stderr.startswith(f"onenotes: error: {odd_place / NOTE} already exists; it was not changed\n")
    checked = cli("--notebook", odd_place, "check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_the_real_command_finds_and_writes_a_notebook_on_a_unicode_path_in_the_c_locale(odd_place):
    env = {**crashkit.child_env(), "LC_ALL": "C", "LANG": "C"}
    # Found from a folder inside it, with no --notebook.
    got = subprocess.run([sys.executable, "-m", "onenotes", *NEW_ARGS], cwd=odd_place / "bob-okafor",
                         capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    assert got.returncode == 0, got.stderr
    assert got.stdout == f"{odd_place / NOTE}\n"
    # Named by $ONENOTES_NOTEBOOK.
    env["ONENOTES_NOTEBOOK"] = str(odd_place)
    listed = subprocess.run([sys.executable, "-m", "onenotes", "followups", "--format", "json",
                             "--today", TODAY], cwd="/", capture_output=True, text=True,
                            encoding="utf-8", env=env, timeout=300)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)


def test_init_and_messages_in_a_unicode_rep_folder_on_a_unicode_path(tmp_path, cli):
    root = tmp_path / "Équipe Nord 東京" / "new book"
    made = cli("init", root, "--manager", "Zoë Ørsted")
    assert made.exit_code == 0, made.stderr
    assert (root / "onenotes.yaml").is_file()
    write(root / "josé-garcía" / "2026-11-16.md", "---\nrep: josé-garcía\ndate: 2026-11-16\nmetrics:\n\trevenue: 1\n---\n")
    checked = cli("--notebook", root, "check")
    assert checked.exit_code == 1
    assert "josé-garcía/2026-11-16.md:5:1: error: tab character in the indentation" in checked.stdout
    listed = cli("--notebook", root, "followups", "--today", TODAY)
    assert listed.exit_code == 0
    assert "onenotes: josé-garcía/2026-11-16.md:5:1: error: tab character" in listed.stderr
    refused = cli("--notebook", root, "new", "José García", "--today", TODAY)
    assert refused.exit_code == 1
    assert "onenotes: error: cannot write the next agenda: josé-garcía/2026-11-16.md cannot be read " \
        "(line 5: tab character in the indentation)" in refused.stderr
    write(root / "josé-garcía" / "2026-11-16.md", "---\nrep: josé-garcía\ndate: 2026-11-16\nmetrics:\n  revenue: 1\n---\n")
    created = cli("--notebook", root, "new", "José García", "--today", TODAY)
    assert created.exit_code == 0, created.stderr
    assert created.stdout == f"{root / 'josé-garcía' / '2026-11-23.md'}\n"


# ------------------------------------------- 10,000 notes, one broken in the middle ---

REPS, WEEKS = 50, 200
BROKEN_REP, BROKEN_WEEK = 25, 100  # the middle of the notebook
BROKEN_LINE = 5


def _small_note(rep: str, day: dt.date, week: int) -> str:
    """A realistic small note: KPIs, a closed commitment, and (one week in ten) an open task."""
    due = day + dt.timedelta(days=7)
    text = (f"---\nrep: {rep}\ndate: {day}\nmetrics:\n  revenue: {18000 + week * 37 % 9000}\n"
            f"  sales_calls: {30 + week % 15}\ncommitments:\n  - id: {rep}-w{week}\n"
            f"    text: Call {week % 7 + 3} prospects from the list\n    owner: rep\n"
            f"    due: {due}\n    status: done\n---\n\n# One-on-one, {day}\n\n"
            "Pipeline reviewed; two deals moved forward.\n\n- [x] Update the CRM\n")
    if week % 10 == 0:
        text += f"- [ ] Send the week {week} forecast due: {due}\n"
    return text


@pytest.fixture(scope="module")
def big_notebook(tmp_path_factory) -> tuple[Path, str]:
    """50 reps x 200 weekly notes; the 100th note of rep-25 has a tab in its frontmatter."""
    root = tmp_path_factory.mktemp("big") / "notebook"
    root.mkdir()
    (root / "onenotes.yaml").write_text(
        "manager: Sam Rivera\ncadence: weekly\nmeeting_day: monday\nkpis:\n"
        "  revenue: {kind: output, goal: 25000, unit: USD}\n  sales_calls: {kind: input, goal: 40}\n",
        encoding="utf-8")
    start = dt.date(2022, 12, 26)
    broken = ""
    for r in range(REPS):
        rep = f"rep-{r:02d}"
        (root / rep).mkdir()
        for week in range(WEEKS):
            day = start + dt.timedelta(weeks=week)
            text = _small_note(rep, day, week)
            if (r, week) == (BROKEN_REP, BROKEN_WEEK):
                text = text.replace("\n  revenue:", "\n\trevenue:")
                broken = f"{rep}/{day}.md"
            (root / rep / f"{day}.md").write_text(text, encoding="utf-8")
    assert text.splitlines()[BROKEN_LINE - 1].startswith("  revenue:")
    return root, broken


def test_check_on_10000_notes_reports_the_broken_one_and_exits_1(big_notebook, cli):
    root, broken = big_notebook
    got = cli("--notebook", root, "check", "--format", "json")
    assert got.exit_code == 1
    report = json.loads(got.stdout)
    assert (report["files"], report["errors"], report["warnings"]) == (REPS * WEEKS, 1, 0)
    [problem] = report["problems"]
    assert (problem["path"], problem["line"], problem["severity"]) == (broken, BROKEN_LINE, "error")


@pytest.mark.parametrize("args", [a for a in READ_COMMANDS if a[0] != "check"], ids=lambda a: a[0])
def test_reading_commands_on_10000_notes_warn_about_the_broken_one_and_use_the_rest(big_notebook, cli, args):
    root, broken = big_notebook
    if args[0] == "brief":
        args = ["brief", f"rep-{BROKEN_REP:02d}", *args[2:]]
    got = cli("--notebook", root, *args)
    assert got.exit_code == 0, got.stderr
    assert f"onenotes: {broken}:{BROKEN_LINE}:1: error: tab character in the indentation" in got.stderr
    assert not _traceback(got.stderr)
    if args[0] == "followups":
        rows = json.loads(got.stdout)
        # One open task in every tenth note: 50 x 20, less the broken note's.
        assert len(rows) == REPS * WEEKS // 10 - 1
        assert broken not in {row["source"] for row in rows}
    else:
        assert got.stdout.strip()


def test_new_on_10000_notes_refuses_the_rep_with_the_broken_note_and_writes_for_the_others(big_notebook, cli):
    root, broken = big_notebook
    rep = f"rep-{BROKEN_REP:02d}"
    got = cli("--notebook", root, "new", rep, "--today", TODAY)
    assert got.exit_code == 1
    assert got.stderr.startswith(f"onenotes: {broken}:{BROKEN_LINE}:1: error: tab character in the indentation")
    assert f"\nonenotes: error: cannot write the next agenda: {broken} cannot be read " \
        f"(line {BROKEN_LINE}: tab character in the indentation" in got.stderr
    assert got.stdout == ""
    other = cli("--notebook", root, "new", "rep-24", "--today", TODAY)
    try:
        assert other.exit_code == 0, other.stderr
        assert f"{broken}:{BROKEN_LINE}:1: error" not in other.stderr
        written = Path(other.stdout.strip())
        assert written.parent == root / "rep-24" and written.is_file()
    finally:
        if other.stdout.strip():
            Path(other.stdout.strip()).unlink(missing_ok=True)
