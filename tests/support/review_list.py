"""The review list: a rep's week 1 with homework, and the agenda `onenotes new` writes from it.

The agenda lists each carried commitment as a task with its id (its review
item); a close anywhere in a note closes it, `check` reports where the note
disagrees with itself, and a retyped copy is a likely duplicate.  Sub-tasks
are listed after their parent, and closing a parent closes its sub-tasks.
The tests of each command (new, followups, check, done) use these helpers.
"""

from __future__ import annotations

import json
from pathlib import Path

WEEK1 = ("## Homework\n"
         "- [ ] Send the Vandelay renewal quote \U0001F4C5 2026-11-13\n"
         "- [ ] Prepare the Globex QBR deck due: 2026-11-20\n"
         "  - [ ] Pull the Q3 numbers\n"
         "  - [ ] Draft the agenda \u23f3 2026-11-18\n")


def week1_agenda(cli, notebook: Path, date: str = "2026-11-16") -> Path:
    """ann's week-1 note with WEEK1 as its body, then `onenotes new ann --date DATE`: the agenda's path."""
    week1 = notebook / "ann" / "2026-11-09.md"
    week1.parent.mkdir(parents=True, exist_ok=True)
    week1.write_text("---\nrep: ann\ndate: 2026-11-09\n---\n" + WEEK1, encoding="utf-8")
    result = cli("--notebook", notebook, "new", "ann", "--date", date)
    assert result.exit_code == 0, result.stderr
    return notebook / "ann" / f"{date}.md"


def open_rows(cli, notebook: Path, *args) -> dict:
    """`followups --format json` on 2026-11-16, by label."""
    result = cli("--notebook", notebook, "followups", "--format", "json", "--today", "2026-11-16", *args)
    return {r["label"]: r for r in json.loads(result.stdout)}


def tick(path: Path, words: str, box: str = "x", tail: str = "") -> None:
    """Mark the box of the first open task starting with ``words`` (and add ``tail`` to its line)."""
    text = path.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("- [ ] " + words))
    path.write_text(text.replace(line, f"- [{box}] {line[6:]}{tail}", 1), encoding="utf-8")
