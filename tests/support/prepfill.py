"""Fill in a prep form as a rep would, in an editor: a figure after a colon, an x in a
box, a date after "New date:", points under the headings of their own words.

Used by the round-trip tests and the docs (``python tests/support/prepfill.py``)."""

from __future__ import annotations

import sys


def fill(form: str, *, figures: dict[str, str] = {}, done: tuple[str, ...] = (),
         dates: dict[str, str] = {}, wins: tuple[str, ...] = (), help: tuple[str, ...] = (),
         calls: tuple[str, ...] = (), confidence: dict[str, str] = {}) -> str:
    """``form`` with the answers written in. ``figures`` and ``confidence`` are by the
    start of a KPI's line (its label, ``"Revenue"``), ``done`` and ``dates`` by a
    commitment's key (``"C1"``); the points go under their headings, one line each."""
    out: list[str] = []
    section, key = "", ""
    points = {"## Wins this week": wins, "## Where I need help": help,
              "## My most important calls this week": calls}
    for line in form.split("\n"):
        if line.startswith("## "):
            section, key = line, ""
        elif line.startswith("### "):
            key = line[4:].split(".", 1)[0]
        if section in points and line == "-" and points[section]:
            out.extend(f"- {point}" for point in points[section])
            continue
        values = figures if section.startswith("## My numbers") else \
            confidence if section.startswith("## How sure") else {}
        label = next((name for name in values if line.startswith(f"- {name} ")), None)
        if label is not None:
            line = f"{line} {values[label]}"
        elif key in done and line == "- [ ] Done":
            line = "- [x] Done"
        elif key in dates and line == "- New date:":
            line = f"- New date: {dates[key]}"
        out.append(line)
    return "\n".join(out)


# The answers the docs and the golden agenda use: Bob Okafor's week of 2026-11-23.
BOB = dict(
    figures={"Revenue": "21450.5", "New accounts": "2", "Sales calls": "38", "New opportunities": "5"},
    done=("C1",), dates={"C3": "2026-11-27"},
    wins=("Vandelay signed: the first freight account from the new list",),
    help=("An intro to the Umbrella Logistics CFO before the demo",),
    calls=("Umbrella Logistics demo on Tuesday: bring their route volumes",
           "Cyberdyne second meeting on Thursday (joint call)"),
    confidence={"Revenue": "3", "New accounts": "4", "Sales calls": "4"},
)

if __name__ == "__main__":  # prepfill.py < form.md > filled.md: Bob's answers
    sys.stdout.write(fill(sys.stdin.read(), **BOB))
