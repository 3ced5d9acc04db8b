"""The hostile-input catalog (issue 4, ``hostile-inputs.md``) as data, and a runner.

Each :class:`Case` is one hostile input: files written on top of a small base
notebook (two reps, one good note each), and what onenotes must do with it.
:func:`run_case` runs one case through one command that reads notes, in-process
through the real entry point (``onenotes.cli.main``), and returns every way
the run differed from the catalog:

* the exit code is the expected one (and never a crash: a traceback, an
  exception escaping, or an exit code outside 0-4 and 130);
* a problem names its file and line (``path:line:``) on the command's
  message stream (stdout for ``check``, stderr otherwise);
* the good notes are still processed (their commitments listed, their rows
  shown, carried into the new note);
* nothing is written where nothing should be: every user file has the same
  bytes after the run (a ``.onenotes/`` cache folder is ignored); ``new``
  adds exactly the one note it was asked for.

A command added later (in ``onenotes.cli.COMMANDS`` but not in
:data:`COMMAND_ARGS`) is run too, with generic arguments, and judged on
surviving only: no crash, no user file changed.  Add it to
:data:`COMMAND_ARGS` (and :data:`PROBES`) to judge it exactly.  A case that
could crash or hang the interpreter runs in a child process, where a hang
(no result after :data:`HANG_SECONDS`) counts as a crash.

:func:`run_all` runs every case through every command and returns figures
for the reliability report (``python tests/support/hostile_cases.py`` prints them).
``tests/robustness/test_hostile_catalog.py`` holds the tests.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from click.testing import CliRunner

TODAY = "2026-11-23"
H = "ann/2026-11-09.md"  # where most hostile notes go: an older note of rep ann
NEW = "ann/2026-11-23.md"  # what `new ann --today 2026-11-23` writes
OK_EXITS = {0, 1, 2, 3, 4, 130}
HANG_SECONDS = 60  # a run in a child process that takes this long is a hang (normal: < 1 s)

CONFIG = """\
manager: Sam Rivera
cadence: weekly
meeting_day: monday
kpis:
  revenue: {kind: output, goal: 25000, unit: USD}
  sales_calls: {kind: input, goal: 40}
reps:
  ann: {name: Ann Lee}
  bob: {name: Bob Okafor}
"""

ANN_GOOD = """\
---
rep: ann
date: 2026-11-16
metrics:
  revenue: 21000
  sales_calls: 35
commitments:
  - id: ann-acme
    text: Call Acme about the renewal
    due: 2026-11-20
---
# Notes

- [ ] Send the pricing sheet to Globex
"""

BOB_GOOD = """\
---
rep: bob
date: 2026-11-16
metrics:
  revenue: 30000
  sales_calls: 41
commitments:
  - id: bob-umbrella
    text: Book the Umbrella demo
    due: 2026-11-27
---
"""

BASE = {"onenotes.yaml": CONFIG, "ann/2026-11-16.md": ANN_GOOD, "bob/2026-11-16.md": BOB_GOOD}
GOOD_NOTES = ("ann/2026-11-16.md", "bob/2026-11-16.md")
ANN_TEXTS = ("Call Acme about the renewal", "Send the pricing sheet to Globex")
BOB_TEXTS = ("Book the Umbrella demo",)

# How each command that reads notes is run; {rep} is the rep it is asked about.
COMMAND_ARGS = {
    "followups": ["followups", "--today", TODAY, "--format", "json"],
    "check": ["check"],
    "new": ["new", "{rep}", "--today", TODAY],
    "commitments": ["commitments", "--today", TODAY, "--format", "json"],
    "accountability": ["accountability", "--today", TODAY, "--format", "json"],
    "brief": ["brief", "{rep}", "--today", TODAY],
    "cadence": ["cadence", "--today", TODAY, "--format", "json"],
    "kpis": ["kpis", "--format", "json"],
}
# Where a rep is added to a command that can take one (a case with ``rep``).
REP_ARGS = {"followups": ["--rep", "{rep}"], "commitments": ["{rep}"],
            "accountability": ["{rep}"], "kpis": ["{rep}"]}
NOT_READING = {"init"}  # commands that read no notes
# Commands that show commitments, so warn of an unreadable due date or an odd task marker
# (`new` only of its own rep's, and only errors).
COMMITMENT_COMMANDS = ("check", "followups", "commitments", "accountability", "brief", "new")
# Commands that show figures, so warn of one that cannot be read (`new` of its own rep's, errors only).
FIGURE_COMMANDS = ("check", "kpis", "brief", "new")


def reading_commands() -> list[str]:
    """Every command that reads notes, from the CLI's own registry."""
    from onenotes.cli import COMMANDS

    return [name for name in COMMANDS if name not in NOT_READING]


@dataclass(frozen=True)
class Case:
    entry: int  # number in the catalog (1-35)
    name: str
    files: dict = field(default_factory=dict)  # relative path -> str or bytes ({root} is replaced)
    kind: str = "error"  # "error", "warn" (skip and say so) or "accept"
    where: str | None = None  # "path:line" (or "path" when no line applies) the message names
    message: str = ""  # a fragment of that message
    code: str | None = None  # the code `check --format json` lists at `where`
    severity: str = "error"  # of that problem
    warned_by: tuple | None = None  # commands that must print the message (None: all)
    listed: tuple = ()  # commitment texts followups must list, besides the base ones
    not_listed: tuple = ()  # texts that must not be listed anywhere
    exits: dict = field(default_factory=dict)  # command (or "*": any other) -> exit code, when not 0
    rep: str = "ann"  # the rep `new` and `brief` are run for
    rep_filter: bool = False  # also pass `rep` to followups, commitments, accountability, kpis
    new_rel: str | None = NEW  # what `new` writes when it succeeds
    carried: tuple = ANN_TEXTS  # texts the new note must carry
    setup: Callable[[Path], None] | None = None  # links, FIFOs, permissions
    patch: Callable[[], contextlib.AbstractContextManager] | None = None
    subprocess_commands: tuple = ()  # commands run in a child process (it could crash)
    mistake: bool = True  # a user mistake: `check` gives a fix hint
    extra_args: dict = field(default_factory=dict)  # command -> args appended
    check_at: str | None = None  # "path:line" of the problem in `check`, when `where` is a phrase
    hint: str = ""  # a fragment of the fix hint `check` gives
    brief_title: str = "# Brief: Ann Lee,"  # how `brief` names the rep
    env: dict = field(default_factory=dict)  # environment variables for the run
    terminal_safe: bool = False  # no escape or bidi control reaches text output (JSON keeps data)
    only: tuple | None = None  # run through these commands only (all parse notes the same way)
    unread: bool = False  # leaves a note of ``rep`` unread: `new` writes no agenda (exit 1)

    @property
    def id(self) -> str:
        return f"{self.entry:02d}-{self.name}"

    def exit_for(self, command: str) -> int | None:
        """The exit code expected of ``command`` (None: a command this catalog does not know)."""
        if command not in COMMAND_ARGS:
            return None
        if command in self.exits:
            return self.exits[command]
        if command == "new" and self.unread:
            return 1  # the unread note may hold an open commitment the agenda would leave behind
        if "*" in self.exits:
            return self.exits["*"]
        if command == "check" and self.code and self.severity == "error":
            return 1
        return 0


def note(body: str = "", fm: str = "", rep: str = "ann", date: str = "2026-11-09") -> str:
    return f"---\nrep: {rep}\ndate: {date}\n{fm}---\n{body}"


def _link(rel: str, target: str):
    def setup(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target.replace("{root}", str(root)), path)
    return setup


def _fifo(rel: str):
    def setup(root: Path) -> None:
        os.mkfifo(root / rel)
    return setup


def _all(*setups):
    def setup(root: Path) -> None:
        for s in setups:
            s(root)
    return setup


def _deep_folders(root: Path) -> None:
    folder = str(root / "ann")
    for _ in range(DEEP):
        folder = os.path.join(folder, "d")
        os.mkdir(folder)
    with open(os.path.join(folder, "2026-11-02.md"), "w", encoding="utf-8") as fh:
        fh.write(note(date="2026-11-02", body="- [ ] Deep down task\n"))


DEEP = 400  # folders: deeper than the recursion limit `_low_recursion_limit` leaves


@contextlib.contextmanager
def _low_recursion_limit():
    """Python's limit (1000 frames) is far; folders 1,100 deep would make the test slow,
    so the run gets 300 frames beyond the current depth: a walk that recurses per folder fails."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 300)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _latin1_names(root: Path) -> None:
    folder = os.path.join(os.fsencode(root), b"caf\xe9")
    os.mkdir(folder)
    with open(os.path.join(folder, b"2026-11-16.md"), "w", encoding="utf-8") as fh:
        fh.write(note(rep="x", date="2026-11-16", body="- [ ] Latin-1 folder task\n"))
    with open(os.path.join(os.fsencode(root), b"ann", b"2026-11-02-\xe9.md"), "wb") as fh:
        fh.write(b"- [ ] Latin-1 name task\n")


def _read_only(root: Path) -> None:
    for folder, dirs, files in os.walk(root):
        for name in files:
            os.chmod(os.path.join(folder, name), 0o444)
        os.chmod(folder, 0o555)


@contextlib.contextmanager
def _erofs():
    """Writes fail as on a read-only mount (chmod alone does not stop root)."""
    from onenotes.reading import files

    original = files._temp_file

    def refuse(folder, name, dir_fd=None):
        raise OSError(errno.EROFS, "Read-only file system", str(folder))

    files._temp_file = refuse
    try:
        yield
    finally:
        files._temp_file = original


TASKS_32 = """\
# Tasks in every form

- [ ] dash task
* [ ] star task
+ [x] plus task done
1. [ ] ordered dot task
2) [X] ordered paren task done
   - [ ] indented task
> - [ ] quoted task
- [-] cancelled task
- [/] half-done task

```
- [ ] backtick fenced
```

~~~
- [ ] tilde fenced
~~~

    - [ ] indented code

<!--
- [ ] in a comment
-->
"""

# On one line, so the error's line is the same whether it names the anchor or the alias.
BILLION = "lol: {a: &a [x, x, x, x, x, x, x, x, x], " + ", ".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
    for p, c in zip("abcde", "bcdef")) + "}\n"

BIG_NOTE = note(fm="filler: |\n" + ("  " + "x" * 70 + "\n") * 60000)  # about 4 MB
BIG_YAML = note(fm="filler: |\n" + ("  " + "y" * 70 + "\n") * 4000)  # 290 KiB of frontmatter


def _template(text: str) -> dict:
    return {"templates/one-on-one.md": text}


CASES: list[Case] = [
    # ---------------------------------------------------------- 1-10 encoding
    Case(1, "utf8-bom", {H: "\ufeff" + note(fm="commitments:\n  - text: BOM commitment\n")},
         kind="accept", listed=("BOM commitment",), carried=ANN_TEXTS + ("BOM commitment",)),
    Case(2, "crlf", {H: note(fm="commitments:\n  - text: CRLF commitment\n", body="- [ ] CRLF task\n")
                     .replace("\n", "\r\n").encode()},
         kind="accept", listed=("CRLF commitment", "CRLF task")),
    Case(2, "lone-cr", {H: note(fm="commitments:\n  - text: CR commitment\n", body="- [ ] CR task\n")
                        .replace("\n", "\r").encode()},
         kind="accept", listed=("CR commitment", "CR task")),
    Case(3, "latin-1", {H: note(body="# Notes\n\n- [ ] Caf\xe9 meeting\n").encode("latin-1")},
         unread=True, kind="warn", where=f"{H}:7", message="not valid UTF-8", code="encoding", hint="UTF-8",
         not_listed=("Caf",)),
    Case(3, "utf-16", {H: note(body="- [ ] wide task\n").encode("utf-16")},
         unread=True, kind="warn", where=f"{H}:1", message="UTF-16", code="encoding", not_listed=("wide task",)),
    Case(3, "nul-bytes", {H: note(body="text\n- [ ] nul\x00task\n").encode()},
         unread=True, kind="warn", where=f"{H}:6", message="NUL", code="encoding", not_listed=("nul",)),
    Case(3, "binary", {H: bytes(range(128, 256)) * 8},
         unread=True, kind="warn", where=f"{H}:1", message="not valid UTF-8", code="encoding"),
    Case(3, "names-not-utf8", setup=_latin1_names, kind="warn", where="caf\ufffd",
         message="not valid UTF-8", code="encoding", severity="warning",
         warned_by=tuple(c for c in COMMAND_ARGS if c != "new"),
         not_listed=("Latin-1 folder task", "Latin-1 name task")),
    Case(3, "note-name-not-utf8", setup=_latin1_names, kind="warn", where="ann/2026-11-02-\ufffd.md",
         message="not valid UTF-8", code="encoding", severity="warning"),
    Case(4, "unclosed", {H: "---\nrep: ann\ncommitments:\n  - text: Lost commitment\n"},
         unread=True, where=f"{H}:1", message="never closed", code="frontmatter-unclosed",
         not_listed=("Lost commitment",)),
    Case(4, "unclosed-until-rule",
         {H: "---\nrep: ann\ndate: 2026-11-09\n\n## Pipeline\n\n- [ ] Hidden task\n\n---\n\nMore text\n"},
         unread=True, where=f"{H}:5", message="heading inside the frontmatter", code="frontmatter-unclosed",
         not_listed=("Hidden task",)),
    Case(4, "unclosed-h1-and-task",
         {H: "---\nrep: ann\ndate: 2026-11-09\n\n# Weekly notes\n\n- [ ] Hidden task two\n\n---\n\nMore\n"},
         unread=True, where=f"{H}:7", message="invalid YAML", code="yaml", hint="closing --- missing",
         not_listed=("Hidden task two",)),
    Case(5, "rule-not-frontmatter",
         {H: "---\n\nIntro paragraph about the week\n\n---\n\n- [ ] Rule task\n"},
         unread=True, where=f"{H}:2", message="not a str", code="frontmatter-not-mapping", hint="***",
         not_listed=("Rule task",)),
    Case(6, "dots-closing", {H: "---\nrep: ann\ndate: 2026-11-09\n"
                                "commitments:\n  - text: Dots commitment\n...\n\n- [ ] Dots task\n\n---\n"},
         kind="accept", listed=("Dots commitment", "Dots task")),
    Case(7, "blank-lines-first", {H: "\n\n---\nrep: ann\n---\n- [ ] Task after blanks\n"},
         kind="accept", listed=(("Task after blanks", f"{H}:6"),), where=f"{H}:3",
         code="frontmatter-not-first-line", severity="warning", warned_by=("check",)),
    Case(8, "empty-frontmatter", {H: "---\n---\n- [ ] Empty fm task\n"},
         kind="accept", listed=("Empty fm task",)),
    Case(8, "braces-frontmatter", {H: "---\n{}\n---\n- [ ] Braces fm task\n"},
         kind="accept", listed=("Braces fm task",)),
    Case(8, "list-frontmatter", {H: "---\n- one\n- two\n---\n- [ ] List fm task\n"},
         unread=True, where=f"{H}:2", message="not a list", code="frontmatter-not-mapping",
         not_listed=("List fm task",)),
    Case(8, "scalar-frontmatter", {H: "---\njust words\n---\n- [ ] Scalar fm task\n"},
         unread=True, where=f"{H}:2", message="not a str", code="frontmatter-not-mapping"),
    Case(9, "json-first-line", {H: '{"rep": "ann"}\n\n- [ ] JSON-looking note task\n'},
         kind="accept", listed=("JSON-looking note task",)),
    Case(10, "conflict-in-frontmatter",
         {H: "---\nrep: ann\n<<<<<<< HEAD\ndate: 2026-11-09\n=======\ndate: 2026-11-10\n"
             ">>>>>>> theirs\n---\n- [ ] Conflicted task\n"},
         unread=True, where=f"{H}:3", message="unresolved merge conflict", code="merge-conflict", hint="<<<<<<<",
         not_listed=("Conflicted task",)),
    Case(10, "conflict-in-body",
         {H: note(body="<<<<<<< HEAD\n- [ ] Ours task\n=======\n- [ ] Theirs task\n>>>>>>> b\n")},
         unread=True, where=f"{H}:5", message="unresolved merge conflict", code="merge-conflict",
         not_listed=("Ours task", "Theirs task")),
    # ------------------------------------------------------------ 11-19 YAML
    Case(11, "yaml11-words",
         {H: note(fm="commitments:\n  - id: on\n    text: no\n  - text: off\n    due: ~\n"
                     "  - text: NO\n    due:\n")},
         kind="accept", listed=("no", "off", "NO"), carried=ANN_TEXTS + ("no", "off", "NO")),
    Case(12, "date-forms",
         {H: note(fm="commitments:\n  - text: Plain date\n    due: 2026-11-30\n"
                     "  - text: Naive datetime\n    due: 2026-11-30T09:00:00\n"
                     "  - text: Aware datetime\n    due: 2026-11-30T09:00:00+01:00\n"
                     "  - text: Quoted date\n    due: '2026-11-30'\n")},
         kind="accept", listed=("Plain date", "Naive datetime", "Aware datetime", "Quoted date")),
    Case(12, "impossible-date",
         {H: note(fm="commitments:\n  - text: Impossible date\n    due: 2026-02-30\n"
                     "  - text: Slash date\n    due: 11/30\n")},
         where=f"{H}:6", message="not a real date", code="commitment-date", hint="February has 28 days in 2026",
         warned_by=COMMITMENT_COMMANDS, listed=("Impossible date", "Slash date")),
    Case(13, "octal-and-sexagesimal",
         {H: note(fm="commitments:\n  - id: 01234\n    text: 9:30\n  - id: 0800\n    text: '1.10'\n")},
         kind="accept", listed=("9:30", "1.10")),
    # A decimal comma (issue 16): YAML splits {actual: 30,5} into 30 and a key 5, and reads a
    # block-style 30,5 as text. Either is an unreadable figure: an error naming the line, and a gap.
    Case(13, "decimal-comma-in-flow-mapping",
         {H: note(fm="metrics:\n  revenue: {goal: 20000, actual: 30,5}\n  sales_calls: 12\n")},
         where=f"{H}:5", message="metric 'revenue' is not a number: '30,5'", code="metric-not-number",
         hint="write 30.5", warned_by=FIGURE_COMMANDS),
    Case(13, "decimal-comma-block-style",
         {H: note(fm="metrics:\n  revenue:\n    goal: 20000\n    actual: 1.234,5\n")},
         where=f"{H}:7", message="'1.234,5'", code="metric-not-number", hint="write 1234.5",
         warned_by=FIGURE_COMMANDS),
    Case(13, "decimal-comma-confidence",
         {H: note(fm="confidence: {revenue: 3,5}\n")},
         where=f"{H}:4", message="not '3,5'", code="confidence-invalid", hint="whole number",
         warned_by=FIGURE_COMMANDS),
    Case(13, "thousands-dot",
         {H: note(fm="metrics:\n  revenue: {goal: 20.000, actual: 18500}\n")},
         where=f"{H}:5", message="20.000 could be 20 or 20000", code="figure-ambiguous",
         hint="write 20000", warned_by=FIGURE_COMMANDS),
    Case(13, "decimal-comma-in-config",
         {"onenotes.yaml": CONFIG.replace("{kind: input, goal: 40}", "{kind: input, goal: 40,5}")},
         where="onenotes.yaml:6", message="40,5 is not a number", code="config", hint="write 40.5",
         exits={"*": 3, "check": 1}),
    Case(14, "duplicate-key", {H: note(fm="rep: ann\ncommitments:\n  - text: Dup task\n")},
         unread=True, where=f"{H}:4", message="first on line 2", code="yaml", hint="keep one",
         not_listed=("Dup task",)),
    Case(15, "tab-indent", {H: note(fm="commitments:\n\t- text: Tabbed\n")},
         unread=True, where=f"{H}:5", message="tab", code="yaml", hint="spaces", not_listed=("Tabbed",)),
    Case(15, "wrong-indentation",
         {H: note(fm="metrics:\n  revenue: 100\n   sales_calls: 40\ncommitments:\n  - text: Indented task\n")},
         unread=True, where=f"{H}:6", message="invalid YAML", code="yaml", hint="indent it 2 spaces, like line 5 ('revenue:')",
         not_listed=("Indented task",)),
    Case(15, "colon-in-value", {H: note(fm="commitments:\n  - text: Call Ann: VIP account\n")},
         unread=True, where=f"{H}:5", message="invalid YAML", code="yaml", hint="double quotes"),
    Case(16, "python-tag", {H: note(fm='x: !!python/object/apply:os.system ["touch {root}/pwned"]\n')},
         unread=True, where=f"{H}:4", message="tag", code="yaml"),
    Case(17, "billion-laughs", {H: note(fm=BILLION)},
         unread=True, where=f"{H}:4", message="aliases", code="yaml"),
    Case(17, "alias-cycle", {H: note(fm="a: &a [*a]\n")},
         unread=True, where=f"{H}:4", message="aliases", code="yaml"),
    Case(16, "python-tag-in-config",
         {"onenotes.yaml": CONFIG + 'manager_x: !!python/object/apply:os.system ["touch {root}/pwned"]\n'},
         where="onenotes.yaml:10", message="tag", code="config", hint="remove the tag",
         exits={"*": 3, "check": 1}),
    Case(17, "aliases-in-config", {"onenotes.yaml": CONFIG.replace("reps:", "x: [&a [1], *a]\nreps:")},
         where="onenotes.yaml:7", message="aliases", code="config", exits={"*": 3, "check": 1}),
    Case(19, "huge-config", {"onenotes.yaml": CONFIG + "# " + "z" * 300_000 + "\n"},
         where="onenotes.yaml", message="KiB", code="config", exits={"*": 3, "check": 1}),
    Case(18, "deep-flow-nesting", {H: note(fm="x: " + "[" * 30000 + "]" * 30000 + "\n")},
         unread=True, where=f"{H}:2", message="nested", code="yaml", subprocess_commands=("followups",)),
    Case(18, "deep-block-nesting",
         {H: note(fm="x:\n" + "".join("  " * i + "- \n" for i in range(1, 400)))},
         unread=True, where=f"{H}:2", message="nested", code="yaml"),
    Case(19, "long-line-no-closing-bracket",
         {H: note(body="- [ ] [due::" + " " * 60_000 + "x @due(" + " " * 60_000 + "x\n")},
         kind="accept", listed=(), subprocess_commands=("followups",), only=("followups",)),
    Case(32, "list-markers-30000-deep", {H: note(body="- " * 30_000 + "[ ] deep\n")},
         kind="accept", not_listed=("deep",), subprocess_commands=("followups",), only=("followups",)),
    Case(19, "huge-note", {H: BIG_NOTE}, unread=True, kind="warn", where=H, message="over the 1024 KiB limit",
         code="too-large", severity="warning"),
    Case(19, "huge-frontmatter", {H: BIG_YAML}, unread=True, where=f"{H}:2", message="over the 256 KiB limit",
         code="yaml"),
    # ------------------------------------------------------- 20-27 tree, paths
    Case(20, "symlink-loop", setup=_link("ann/loop", ".."), kind="warn", where="ann/loop",
         message="loops back", code="symlink", severity="warning"),
    Case(20, "symlink-outside", unread=True, setup=_link("ann/2026-11-02.md", "/etc/passwd"), kind="warn",
         where="ann/2026-11-02.md", message="outside the notebook", code="symlink", severity="warning"),
    Case(20, "symlink-rep-folder", setup=_link("carl", "{root}/bob"), kind="warn", where="carl",
         message="symbolic link", code="symlink", severity="warning",
         warned_by=tuple(c for c in COMMAND_ARGS if c != "new")),
    Case(20, "deeply-nested-folders", setup=_deep_folders, patch=_low_recursion_limit, kind="accept",
         listed=(("Deep down task", "ann/" + "d/" * DEEP + "2026-11-02.md:5"),)),
    Case(21, "fifo-note", unread=True, setup=_fifo("ann/2026-11-02.md"), kind="warn", where="ann/2026-11-02.md",
         message="not a regular file", code="unreadable", severity="warning"),
    Case(22, "dot-entries-and-templates",
         {".git/ann/2026-11-02.md": note(body="- [ ] git task\n"),
          ".obsidian/2026-11-02.md": note(body="- [ ] obsidian task\n"),
          ".trash/ann/2026-11-02.md": note(body="- [ ] trash task\n"),
          "ann/.2026-11-16.md.swp": "- [ ] swap task\n",
          "ann/2026-11-16.md~": "- [ ] backup task\n",
          "templates/extra.md": "---\nrep: {{ rep.slug | yaml }}\n---\n{% for c in commitments %}\n"
                                "- [ ] {{ c.text }}\n{% endfor %}\n- [ ] template task\n"},
         kind="accept", not_listed=("git task", "obsidian task", "trash task", "swap task",
                                    "backup task", "template task", "c.text")),
    Case(22, "sync-conflict-copy",
         {"ann/2026-11-16.sync-conflict-20261116-101010-ABCDEF.md": note(body="- [ ] copy task\n")},
         kind="warn", where="ann/2026-11-16.sync-conflict-20261116-101010-ABCDEF.md",
         message="sync-conflict", code="sync-conflict", severity="warning", warned_by=("check",),
         not_listed=("copy task",)),
    Case(23, "rep-is-absolute-path", rep="/etc", rep_filter=True, where="'/etc' is a path",
         code=None, mistake=False,
         exits={c: 2 for c in ("new", "brief", "followups", "commitments", "accountability", "kpis")},
         warned_by=("new", "brief", "followups", "commitments", "accountability", "kpis")),
    Case(23, "rep-escapes", rep="../../etc", rep_filter=True, where="'../../etc' is a path",
         code=None, mistake=False,
         exits={c: 2 for c in ("new", "brief", "followups", "commitments", "accountability", "kpis")},
         warned_by=("new", "brief", "followups", "commitments", "accountability", "kpis")),
    Case(23, "rep-nfd-name",
         {"jos\u00e9/2026-11-16.md": note(rep="jos\u00e9", date="2026-11-16",
                                          fm="commitments:\n  - text: Jose commitment\n")},
         kind="accept", rep="Jose\u0301", rep_filter=True, new_rel="jos\u00e9/2026-11-23.md",
         listed=("Jose commitment",), carried=("Jose commitment",), brief_title="# Brief: Jos\u00e9,"),
    Case(23, "rep-nfd-folder-nfc-typed",
         {"jose\u0301/2026-11-16.md": note(rep="jose\u0301", date="2026-11-16",
                                           fm="commitments:\n  - text: NFD folder commitment\n")},
         kind="accept", rep="Jos\u00e9", rep_filter=True, new_rel="jose\u0301/2026-11-23.md",
         listed=("NFD folder commitment",), carried=("NFD folder commitment",),
         brief_title="# Brief: Jose\u0301,"),
    Case(23, "rep-other-case-and-display-name", kind="accept", rep="ANN LEE", rep_filter=True,
         listed=ANN_TEXTS, carried=ANN_TEXTS),
    Case(23, "rep-path-in-config",
         {"onenotes.yaml": CONFIG + "  ../escape: {name: Eve Smith}\n"}, rep="eve",
         where="onenotes.yaml:10", message="not a folder name", code="config", hint="folder name",
         exits={"*": 3, "check": 1}),
    Case(24, "note-exists", {NEW: note(date="2026-11-23", body="- [ ] Already written\n")},
         kind="accept", where=NEW + " already exists; it was not changed", warned_by=("new",), mistake=False,
         exits={"new": 1}, listed=("Already written",), extra_args={"new": ["--date", "2026-11-23"]}),
    Case(25, "partial-temp-file", {"ann/.2026-11-23.md.1a2b3c4d5e6f.tmp": "---\nrep: ann\ncommitm"},
         kind="accept", mistake=False),
    Case(26, "read-only-notebook", setup=_read_only, patch=_erofs, kind="accept",
         where=NEW + ": Read-only file system", warned_by=("new",), mistake=False, exits={"new": 4}),
    Case(27, "byte-exact-notes",
         {H: "---\n# a comment the tool must keep\nrep: ann   # trailing comment\ndate: 2026-11-09\n"
             "zeta: 1\nalpha: 'single'\ncommitments:\n  - {text: Flow style commitment}\n---\n"
             "Body without a final newline"},
         kind="accept", listed=("Flow style commitment",)),
    # ------------------------------------------------------ 28-31 templates
    Case(28, "template-syntax", _template("---\nrep: {{ rep.slug | yaml }}\n{% if %}\n---\n"),
         where="templates/one-on-one.md:3", message="template syntax error", code="template-syntax",
         warned_by=("new", "check"), exits={"new": 3}),
    Case(28, "template-undefined",
         _template("---\nrep: {{ rep.slug | yaml }}\ndate: {{ date | yaml }}\n---\n\n{{ no_such_name }}\n"),
         where="one-on-one.md:6", message="'no_such_name'", warned_by=("new", "check"),
         exits={"new": 3}, code="template-undefined", check_at="templates/one-on-one.md:6"),
    Case(29, "values-pasted-into-yaml",
         {"onenotes.yaml": CONFIG.replace("{name: Ann Lee}", '{name: "Ann: VIP"}'),
          H: note(fm='commitments:\n  - text: "Line one\\nstatus: done"\n'
                     "  - text: 'no'\n    owner: manager\n  - text: \"#not-a-comment: [x]\"\n")},
         kind="accept", listed=("Line one\nstatus: done", "no", "#not-a-comment: [x]"),
         brief_title="# Brief: Ann: VIP,",
         carried=ANN_TEXTS + ("Line one\nstatus: done", "no", "#not-a-comment: [x]")),
    Case(30, "template-reaches-internals",
         _template("---\nrep: {{ rep.slug | yaml }}\n---\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"),
         where="one-on-one.md:4", message="sandbox", warned_by=("new", "check"), exits={"new": 3},
         code="template-unsafe", check_at="templates/one-on-one.md:4"),
    Case(30, "template-attr-filter-internals",
         _template("---\nrep: {{ rep.slug | yaml }}\n---\n\n{{ rep | attr('__class__') }}\n"),
         where="one-on-one.md:5", message="sandbox", warned_by=("new", "check"), exits={"new": 3},
         code="template-unsafe", check_at="templates/one-on-one.md:5"),
    Case(30, "template-outside-notebook",
         {"../elsewhere/evil.md": "---\nrep: x\n---\n"},
         setup=_link("templates/one-on-one.md", "{root}/../elsewhere/evil.md"),
         where="resolves outside", code="template", warned_by=("new", "check"),
         check_at="templates/one-on-one.md",
         exits={"new": 3, "check": 1}),
    Case(30, "template-huge-value", _template("---\nrep: ann\n---\n{{ 'a' * 10**8 }}\n"),
         where="one-on-one.md:4", message="too large", warned_by=("new",), exits={"new": 3},
         mistake=False),
    Case(30, "template-name-is-a-path", where="not a template name", warned_by=("new",),
         exits={"new": 3}, mistake=False, extra_args={"new": ["--template", "../../etc/passwd"]}),
    Case(31, "config-unknown-key", {"onenotes.yaml": CONFIG.replace("cadence:", "cadance:")},
         where="onenotes.yaml:2", message="did you mean 'cadence'?", code="config",
         hint="did you mean 'cadence'?",
         exits={"*": 3, "check": 1}),
    Case(31, "config-yaml11-word-key", {"onenotes.yaml": CONFIG + "on: true\n"},
         where="onenotes.yaml:10", message="unknown setting 'on'", code="config",
         exits={"*": 3, "check": 1}),
    Case(31, "config-yaml11-word-values",
         {"onenotes.yaml": CONFIG.replace("{name: Ann Lee}", "{name: Yes}").replace("Sam Rivera", "No")},
         kind="accept", brief_title="# Brief: Yes,"),
    Case(31, "config-duplicate-key", {"onenotes.yaml": CONFIG + "cadence: monthly\n"},
         where="onenotes.yaml:10", message="duplicate key", code="config",
         exits={"*": 3, "check": 1}),
    Case(31, "editor-not-through-a-shell",
         {"a$(touch pwned);touch pwned2/2026-11-16.md": note(rep="a$(touch pwned);touch pwned2",
                                                              date="2026-11-16")},
         kind="accept", rep="a$(touch pwned);touch pwned2", env={"EDITOR": "true"},
         new_rel="a$(touch pwned);touch pwned2/2026-11-23.md", carried=(), mistake=False,
         brief_title="# Brief: A$(touch Pwned);touch Pwned2,", extra_args={"new": ["--edit"]}),
    # ----------------------------------------------------- 32-35 tasks, dates
    Case(32, "task-markers", {H: note(body=TASKS_32)},
         where=f"{H}:15", message="unknown task marker [/]", code="task-marker", severity="warning",
         warned_by=COMMITMENT_COMMANDS[:-1],
         listed=("dash task", "star task", "ordered dot task", "indented task", "quoted task",
                 "half-done task"),
         not_listed=("plus task done", "ordered paren task done", "cancelled task", "backtick fenced",
                     "tilde fenced", "indented code", "in a comment")),
    Case(33, "ambiguous-date", {H: note(fm="commitments:\n  - text: Dotted date\n    due: 03.04.2026\n")},
         where=f"{H}:6", message="is not a date", code="commitment-date", hint="date_formats",
         warned_by=COMMITMENT_COMMANDS, listed=("Dotted date",)),
    Case(33, "configured-date-format",
         {"onenotes.yaml": CONFIG + "date_formats: ['%d.%m.%Y', '%d.%m.']\n",
          H: note(fm="commitments:\n  - text: European date\n    due: 03.04.2026\n"
                     "  - text: No year\n    due: 30.11.\n")},
         kind="accept", listed=(("European date", "due=2026-04-03"), ("No year", "due=2026-11-30"))),
    Case(34, "timezone-midnight",
         {"onenotes.yaml": CONFIG + "timezone: Europe/Berlin\n",
          H: note(fm="commitments:\n  - text: Late UTC\n    due: 2026-11-30T23:30:00Z\n")},
         kind="accept", listed=(("Late UTC", "due=2026-12-01"),)),
    Case(35, "terminal-escapes",
         {H: note(body="- [ ] Call \x1b[2J\x1b[31mAcme\x1b[0m \u202eevil\u202c now\n"),
          "ann/2026-11-16.md": ANN_GOOD + "\n## Upcoming calls\n\n- Initech \x1b]0;pwned\x07\u202eevil\n"},
         kind="accept", listed=("Call \x1b[2J\x1b[31mAcme\x1b[0m \u202eevil\u202c now",),
         terminal_safe=True),
    Case(35, "terminal-escapes-in-an-error",
         {"onenotes.yaml": CONFIG.replace("monday", '"\\e]0;pwned\\a\u202emonday"')},
         where="onenotes.yaml:3", message="unknown meeting_day", code="config", terminal_safe=True,
         exits={"*": 3, "check": 1}),
]


# Every kind of mistake a note can hold, in one notebook (with BASE): check gives each a hint,
# and the same answer through the cache.
KITCHEN_SINK = {
    "onenotes.yaml": CONFIG.replace(
        "  sales_calls: {kind: input, goal: 40}\n",
        "  sales_calls: {kind: input, goal: 40}\n  close_rate: {kind: output, ratio: [revenue, sales_calls]}\n"),
    "ann/2026-11-02.md": (
        "---\nrep: ann\ndate: someday\nduration_minutes: -5\n"
        "metrics:\n  close_rate: 3\n  revenu: 5\n  sales_calls: lots\n  revenue: {goal: 1, actual: 2, when: x}\n"
        "behaviour_plan:\n  sales_calls: many\nconfidence:\n  revenue: 9\n  revenu: 3\ncoaching_plan: [a, b]\n"
        "commitments:\n  - 42\n  - text: ''\n  - text: x\n    status: pending\n    owner: boss\n"
        "    due: someday\n    colour: red\n  - id: d1\n    text: A\n  - id: d1\n    text: B\n"
        "---\n- [?] odd marker\n"),
    "ann/2026-10-26.md": "---\nrep: bob\ndate: 2026-10-27\ncommitments: 5\nmetrics: 5\n"
                         "behaviour_plan: 5\nconfidence: 5\n---\n",
    "ann/notes.md": "not a note\n",
    "ann/2026-13-45.md": "---\n---\n",
}


# ---------------------------------------------------------------- running ---

@dataclass
class Outcome:
    case: Case
    command: str
    exit_code: int | None
    stdout: str
    stderr: str
    crash: str | None = None  # why the run counts as a crash
    unexpected: list[str] = field(default_factory=list)


class _Entry:
    """Lets CliRunner call ``onenotes.cli.main`` (the error -> exit code mapping)."""

    name = "onenotes"

    def main(self, args=None, prog_name=None, **extra):
        from onenotes.cli import main

        main(list(args or ()))


# A command that opens an editor gets one that does nothing (and a test never hangs in vi).
CLEAN_ENV = {**{name: None for name in ("ONENOTES_NOTEBOOK", "NO_COLOR", "FORCE_COLOR", "VISUAL")},
             "EDITOR": "true"}


def build(case: Case, root: Path) -> Path:
    """Write the base notebook and the case's files under ``root`` (which must not exist)."""
    root.mkdir(parents=True)
    for rel, content in {**BASE, **case.files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.replace("{root}", str(root)).encode("utf-8"))
        else:
            path.write_bytes(content)
    if case.setup:
        case.setup(root)
    return root


def _tree(root: Path):
    """(relative path, path, lstat) of everything under ``root``, without recursion
    (folders may be nested deeper than Python's recursion limit)."""
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        for name in sorted(os.listdir(os.path.join(root, rel_dir) if rel_dir else root)):
            rel = os.path.join(rel_dir, name) if rel_dir else name
            path = os.path.join(root, rel)
            info = os.lstat(path)
            yield rel, path, info
            if stat.S_ISDIR(info.st_mode):
                stack.append(rel)


def snapshot(root: Path) -> dict:
    """Every user file's bytes (links as their target, FIFOs by kind); not a ``.onenotes/`` cache."""
    found = {}
    for rel, path, info in _tree(root):
        if ".onenotes" in rel.split(os.sep):
            continue
        if stat.S_ISLNK(info.st_mode):
            found[rel] = ("link", os.readlink(path))
        elif stat.S_ISREG(info.st_mode):
            with open(path, "rb") as fh:
                found[rel] = ("file", fh.read())
        elif stat.S_ISDIR(info.st_mode):
            found[rel] = ("dir", None)
        else:
            found[rel] = ("other", stat.S_IFMT(info.st_mode))
    return found


def argv(case: Case, command: str, root: Path) -> list[str]:
    if command in COMMAND_ARGS:
        args = list(COMMAND_ARGS[command])
        if case.rep_filter:
            args += REP_ARGS.get(command, [])
    else:
        args = generic_args(command)
    args += case.extra_args.get(command, [])
    return ["--notebook", str(root)] + [a.replace("{rep}", case.rep) for a in args]


# Commands of other branches that need a real argument to do anything.
GENERIC_OVERRIDES = {"done": ["done", "ann-acme"], "drop": ["drop", "ann-acme"]}


def generic_args(command: str) -> list[str]:
    """Arguments for a command this catalog does not know (added later): a rep for a
    required argument, --today, JSON output, and --dry-run where there is one.  Such a
    command is only judged on surviving: no crash, and no user file changed."""
    from onenotes.cli import LazyGroup, cli

    cmd = LazyGroup.get_command(cli, None, command)
    args = list(GENERIC_OVERRIDES.get(command, [command]))
    for param in cmd.params:
        opts = getattr(param, "opts", ())
        if param.param_type_name == "argument" and param.required and command not in GENERIC_OVERRIDES:
            args.append("{rep}")
        elif "--today" in opts:
            args += ["--today", TODAY]
        elif "--dry-run" in opts:
            args.append("--dry-run")
        elif "--format" in opts and "json" in getattr(param.type, "choices", ()):
            args += ["--format", "json"]
    return args


def invoke(args: list[str], in_subprocess: bool = False, env: dict | None = None, cwd: Path | None = None):
    """(exit code, stdout, stderr, crash reason or None).  Runs in ``cwd``, so anything a
    hostile input makes onenotes write to a relative path lands where it is seen."""
    with contextlib.chdir(cwd or os.getcwd()):
        return _invoke(args, in_subprocess, {**CLEAN_ENV, **(env or {})})


def _invoke(args, in_subprocess, env):
    if in_subprocess:
        env = {**{k: v for k, v in os.environ.items() if k not in CLEAN_ENV},
               **{k: v for k, v in env.items() if v is not None}}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2]) + os.pathsep + env.get("PYTHONPATH", "")
        try:
            proc = subprocess.run([sys.executable, "-m", "onenotes", *args], capture_output=True, env=env,
                                  timeout=HANG_SECONDS)
        except subprocess.TimeoutExpired:  # not a speed test: a run this long is a hang
            return None, "", "", f"no result after {HANG_SECONDS} s (a hang)"
        out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
        crash = None if proc.returncode >= 0 else f"killed by signal {-proc.returncode}"
        return proc.returncode, out, err, crash
    result = CliRunner().invoke(_Entry(), args, env=env, catch_exceptions=True)
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = "exception escaped: " + "".join(
            traceback.format_exception(type(result.exception), result.exception,
                                       result.exception.__traceback__))[-2000:]
    return result.exit_code, result.stdout, result.stderr, crash


def run_case(case: Case, command: str, tmp_root: Path) -> Outcome:
    """Run ``case`` through ``command`` in a fresh notebook under ``tmp_root``."""
    scratch = Path(tempfile.mkdtemp(dir=tmp_root))
    try:
        root = build(case, scratch / "nb")
        before = snapshot(root.parent)  # the notebook and beside it: nothing may escape
        args = argv(case, command, root)
        with (case.patch() if case.patch else contextlib.nullcontext()):
            code, out, err, crash = invoke(args, command in case.subprocess_commands, case.env, root)
        after = snapshot(root.parent)
        outcome = Outcome(case, command, code, out, err, crash)
        if crash is None and ("Traceback (most recent call last)" in out + err):
            outcome.crash = "a traceback was printed"
        if crash is None and code not in OK_EXITS:
            outcome.crash = f"exit code {code}"
        if outcome.crash:
            outcome.unexpected.append(f"crash: {outcome.crash}")
        else:
            _judge(outcome, root, before, after)
        return outcome
    finally:
        _remove(scratch)


def _remove(path: Path) -> None:
    os.chmod(path, 0o755)
    entries = list(_tree(path))
    for rel, full, info in entries:
        if stat.S_ISDIR(info.st_mode):
            os.chmod(full, 0o755)
    for rel, full, info in reversed(entries):  # children before their folder
        if stat.S_ISDIR(info.st_mode):
            os.rmdir(full)
        else:
            os.unlink(full)
    os.rmdir(path)


def _judge(o: Outcome, root: Path, before: dict, after: dict) -> None:
    case, command = o.case, o.command
    fail = o.unexpected.append
    expected = case.exit_for(command)
    if expected is not None and o.exit_code != expected:
        fail(f"exit code {o.exit_code}, expected {expected}; stderr: {o.stderr.strip()[:500]}")
    # The message names file and line, on the stream the command uses for it.
    stream = o.stdout if command == "check" and o.exit_code in (0, 1) else o.stderr
    warned = case.warned_by is None or command in case.warned_by
    if case.where and warned and command in COMMAND_ARGS:
        needle = case.where if case.where.startswith("'") or " " in case.where else case.where + ":"
        if needle not in stream:
            fail(f"the message does not name {needle!r}: {stream.strip()[:500]}")
        elif case.message and case.message not in stream:
            fail(f"the message lacks {case.message!r}: {stream.strip()[:500]}")
    if case.kind == "accept" and command in COMMAND_ARGS and command != "check" and H in o.stderr \
            and not warned:
        fail(f"a note that is fine was warned about: {o.stderr.strip()[:300]}")
    if case.terminal_safe:
        shown = o.stderr + ("" if "json" in argv(case, command, root) else o.stdout)
        if "\x1b" in o.stdout + o.stderr or "\u202e" in shown or "\x07" in shown:
            fail(f"a terminal escape or bidi control was printed: {shown[:300]!r}")
    # Nothing written, except the one note `new` is for.
    created = {k: v for k, v in after.items() if k not in before}
    changed = sorted(k for k in before if after.get(k) != before[k])
    if changed:
        fail(f"files changed or removed: {changed}")
    allowed = set()
    if command == "new" and o.exit_code == 0 and case.new_rel:
        allowed = {os.path.join(root.name, os.path.normpath(case.new_rel))}
        if allowed - set(created):
            fail(f"new did not write {case.new_rel}: created {sorted(created)}")
    extra = sorted(set(created) - allowed)
    if extra:
        fail(f"files written where nothing should be: {extra}")
    if o.exit_code == (1 if command == "check" and expected == 1 else 0) or expected is None:
        if o.exit_code in (0, 1):
            PROBES.get(command, _probe_nothing)(o, root)


# ---------------------------------------------- "the other notes still work"

def _texts(o: Outcome) -> list[str] | None:
    try:
        rows = json.loads(o.stdout)
    except ValueError:
        o.unexpected.append(f"stdout is not JSON: {o.stdout[:200]!r}")
        return None
    return rows


def _base_texts(case: Case) -> tuple:
    return () if case.rep_filter else ANN_TEXTS + BOB_TEXTS


def _probe_listing(o: Outcome, root: Path) -> None:
    rows = _texts(o)
    if rows is None:
        return
    texts = [r["text"] for r in rows]
    for text in _base_texts(o.case):
        if texts.count(text) != 1:
            o.unexpected.append(f"{text!r} listed {texts.count(text)} times, expected once")
    for item in o.case.listed:
        text, detail = (item, None) if isinstance(item, str) else item
        found = [r for r in rows if r["text"] == text]
        if len(found) != 1:
            o.unexpected.append(f"{text!r} listed {len(found)} times, expected once: {texts}")
        elif detail and o.command == "followups":
            row = found[0]
            if detail.startswith("due="):
                if row["due"] != detail[4:]:
                    o.unexpected.append(f"{text!r} due {row['due']}, expected {detail[4:]}")
            elif f"{row['source']}:{row['line']}" != detail:
                o.unexpected.append(f"{text!r} at {row['source']}:{row['line']}, expected {detail}")
    for text in o.case.not_listed:
        if any(text in t for t in texts):
            o.unexpected.append(f"{text!r} must not be listed: {texts}")


def _probe_check(o: Outcome, root: Path) -> None:
    if "checked " not in o.stderr:
        o.unexpected.append(f"check printed no count: {o.stderr[:200]}")
    for path in GOOD_NOTES:
        if path in o.stdout and not o.case.files.get("onenotes.yaml"):
            o.unexpected.append(f"check reported a problem in the good note {path}: {o.stdout[:300]}")


def _probe_new(o: Outcome, root: Path) -> None:
    if not o.case.new_rel or o.exit_code != 0:
        return
    from onenotes.reading.note import parse_note
    from onenotes.reading.layout import note_identity

    path = root / o.case.new_rel
    if o.stdout.strip() != str(path):
        o.unexpected.append(f"new printed {o.stdout.strip()!r}, expected {path}")
    if not path.is_file():
        return
    rep, date, seq = note_identity(o.case.new_rel)
    try:
        written = parse_note(path.read_text(encoding="utf-8"), o.case.new_rel, rep, date, seq)
    except Exception as exc:  # the written note must read back
        o.unexpected.append(f"the new note does not read back: {exc}")
        return
    # A carried commitment keeps its source's mistakes (an unreadable date): check reports them there.
    errors = [p for p in written.problems if p.severity == "error" and p.code != "commitment-date"]
    if errors:
        o.unexpected.append(f"the new note has errors: {errors}")
    carried = [m.text for m in written.mentions if m.status == "open" and m.origin == "frontmatter"]
    reviewed = [m.text for m in written.mentions if m.status == "open" and m.origin == "body"]
    for text in o.case.carried:
        if carried.count(text) != 1:
            o.unexpected.append(f"the new note carries {text!r} {carried.count(text)} times: {carried}")
        if reviewed.count(text) != 1:  # and lists it once as a review item to tick
            o.unexpected.append(f"the new note lists {text!r} {reviewed.count(text)} times for review: {reviewed}")


def _probe_brief(o: Outcome, root: Path) -> None:
    wants = (o.case.brief_title,) + (ANN_TEXTS[:1] if o.case.rep == "ann" else ())
    for want in wants:
        if want not in o.stdout:
            o.unexpected.append(f"the brief lacks {want!r}")


def _rows_by_rep(o: Outcome) -> dict:
    rows = _texts(o)
    by_rep: dict = {}
    for row in rows or []:
        by_rep.setdefault(row["rep"], []).append(row)
    return by_rep


def _probe_accountability(o: Outcome, root: Path) -> None:
    by_rep = _rows_by_rep(o)
    if o.case.rep_filter:
        return
    if by_rep.get("bob", [{}])[0].get("made") != 1 or by_rep.get("ann", [{}])[0].get("made", 0) < 2:
        o.unexpected.append(f"accountability rows miss the good notes: {sorted(by_rep)}")


def _probe_cadence(o: Outcome, root: Path) -> None:
    by_rep = _rows_by_rep(o)
    for rep in ("ann", "bob"):
        if by_rep.get(rep, [{}])[0].get("last_meeting") not in ("2026-11-16", "2026-11-23"):
            o.unexpected.append(f"cadence has no last meeting for {rep}: {by_rep.get(rep)}")


def _probe_kpis(o: Outcome, root: Path) -> None:
    by_rep = _rows_by_rep(o)
    if o.case.rep_filter:
        return
    for rep, figure in (("ann", 21000), ("bob", 30000)):
        latest = {r["kpi"]: r["latest"] for r in by_rep.get(rep, [])}
        if latest.get("revenue") != figure:
            o.unexpected.append(f"kpis lost {rep}'s revenue: {latest}")


def _probe_nothing(o: Outcome, root: Path) -> None:
    pass


PROBES = {"followups": _probe_listing, "commitments": _probe_listing, "check": _probe_check,
          "new": _probe_new, "brief": _probe_brief, "accountability": _probe_accountability,
          "cadence": _probe_cadence, "kpis": _probe_kpis}


def pairs() -> list[tuple[Case, str]]:
    """Every (case, command) to run."""
    return [(case, command) for case in CASES for command in reading_commands()
            if case.only is None or command in case.only]


def run_all(tmp_root: Path) -> dict:
    """Every case through every command that reads notes: figures for the reliability report."""
    tmp_root = Path(tmp_root)
    tmp_root.mkdir(parents=True, exist_ok=True)
    runs = crashes = 0
    unexpected: list[str] = []
    for case, command in pairs():
        runs += 1
        try:
            outcome = run_case(case, command, tmp_root)
        except Exception as exc:  # the harness itself must not stop the report
            crashes += 1
            unexpected.append(f"{case.id} {command}: harness error {exc!r}")
            continue
        crashes += outcome.crash is not None
        unexpected += [f"{case.id} {command}: {u}" for u in outcome.unexpected]
    return {"cases": len(CASES), "command_runs": runs, "crashes": crashes, "unexpected": unexpected}


if __name__ == "__main__":  # python tests/support/hostile_cases.py: the figures as JSON
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    with tempfile.TemporaryDirectory() as scratch:
        print(json.dumps(run_all(Path(scratch)), indent=2))
