"""Time the task scanner per note body: the reference scanner against scan_tasks.

It generates (seeded, with benchmarks/generate.py) a realistic notebook, or
reads the notebook you name, takes every note's body as onenotes reads it, and
prints for each scanner the best mean time per body (over --runs), the share of bodies that
hold a task, and how many of their lines the fast scanner looked at.  It
asserts nothing: it prints.  It also checks both scanners agree on every body.

    python benchmarks/tasks_speed.py                  # 2,000 generated notes
    python benchmarks/tasks_speed.py --notes 10000
    python benchmarks/tasks_speed.py --notebook examples/acme-sales
    python benchmarks/tasks_speed.py --note-costs     # also the per-task work in note.py

``--note-costs`` times what onenotes.reading.note does with each task after the scan
(reading the fields of onenotes.reading.taskfields, the derived id), and the same
reading behind its shortcut for a text that cannot hold a field.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

from onenotes.reading import note, taskfields, tasks  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.tasks_reference import scan_tasks_reference  # noqa: E402  (the scanner without shortcuts)
from onenotes.reading.note import decode, split_frontmatter  # noqa: E402

def metadata(text: str):
    """mentions.read_body_tasks' reading of a task's fields, always the long way."""
    return taskfields._read_fields(text)


def metadata_prefiltered(text: str):
    """The same behind the shortcut for a text that cannot hold a field."""
    return taskfields.read_task_fields(text)


def note_costs(texts: list[str], runs: int, whole: list[tuple[Path, str]]) -> None:
    found = [t.text for text in texts for t in tasks.scan_tasks(text)]
    if not found:
        return
    assert all(metadata(t) == metadata_prefiltered(t) for t in found)
    hinted = sum(not taskfields.has_no_field(t) for t in found)
    chain, filtered, ids = per_body(
        [metadata, metadata_prefiltered, lambda t: note.derived_id("alice-nguyen", "2024-12-16", t)],
        found, runs)
    print(f"note.py, per task ({len(found)} tasks, {len(found) / len(texts):.1f} per body, "
          f"{hinted} with something that looks like metadata):")
    print(f"  reading the fields, the long way:      {chain:6.2f} us")
    print(f"  ... behind the no-field shortcut:      {filtered:6.2f} us")
    print(f"  derived_id (sha1 of the text):         {ids:6.2f} us")
    parse = lambda item: note.parse_note(item[1], str(item[0]), item[0].parent.name,  # noqa: E731
                                         dt.date.fromisoformat(item[0].stem))
    (whole_note,) = per_body([parse], whole, max(1, runs // 2))
    print(f"note.py's parse_note, per note (frontmatter YAML and all): {whole_note:8.1f} us")


def notes(folder: Path) -> list[tuple[Path, str]]:
    return [(path, decode(path.read_bytes(), str(path))) for path in sorted(folder.glob("*/*.md"))]


def bodies(folder: Path) -> list[str]:
    out = []
    for _, text in notes(folder):
        parts = split_frontmatter(text)
        if parts is not None:
            out.append(parts[1])
    return out


def per_body(scans, texts: list[str], runs: int) -> list[float]:
    """For each function, the best over ``runs`` of the mean time per text, in
    microseconds (the functions take turns, so a busy moment hits them alike)."""
    best = [float("inf")] * len(scans)
    for _ in range(runs):
        for k, scan in enumerate(scans):
            start = time.perf_counter()
            for text in texts:
                scan(text)
            best[k] = min(best[k], (time.perf_counter() - start) / len(texts) * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--notebook", type=Path, help="an existing notebook instead of a generated one")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--note-costs", action="store_true", help="also time note.py's per-task work")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.notebook:
            folder = args.notebook
        else:
            folder = Path(tmp) / "nb"
            generate(folder, args.notes, 5)
        texts = bodies(folder)
        whole = notes(folder) if args.note_costs else []
    disagree = sum(tasks.scan_tasks(t) != scan_tasks_reference(t) for t in texts)
    lines = [t.count("\n") + 1 for t in texts]
    with_tasks = [(t, n) for t, n in zip(texts, lines) if tasks.MAYBE_TASK.search(t)]
    looked = [tasks._scan(t)[1:] for t, _ in with_tasks]
    full, fast = per_body([scan_tasks_reference, tasks.scan_tasks], texts, args.runs)
    print(f"bodies: {len(texts)} ({len(with_tasks)} may hold a task), "
          f"{statistics.mean(lines):.1f} lines on average")
    if with_tasks:
        total = sum(n for _, n in with_tasks)
        simple = sum(s for s, _ in looked)
        general = sum(g for _, g in looked)
        print(f"lines read, of bodies that may hold a task: {simple / total:.1%} as simple regions, "
              f"{general / total:.1%} by the general scanner, the rest skipped")
        print(f"bodies read by the simple path alone: {sum(g == 0 for _, g in looked)} of {len(with_tasks)}")
    print(f"reference scanner:                  {full:8.1f} us per body")
    print(f"scan_tasks:                           {fast:8.1f} us per body  ({full / fast:.1f}x faster)")
    print(f"for 10,000 such notes: {full * 1e4 / 1e6:.2f} s -> {fast * 1e4 / 1e6:.2f} s")
    print(f"bodies where the two disagree: {disagree}")
    if args.note_costs:
        note_costs(texts, args.runs, whole)


if __name__ == "__main__":
    main()
