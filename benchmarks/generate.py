"""Write a realistic onenotes notebook of any size, the same for the same seed.

The shape follows issue 5: notes of about 2.7 KB, 8 KPIs (some with a goal of
their own), 5 commitments in the frontmatter that are carried from week to
week until they are done or dropped, a body with headings, prose and a short
homework task list, and one rep folder per 100 notes (two years of weekly
one-on-ones).  About one note in 400 has something a manager would get wrong
(an unreadable due date, an unknown task marker) so that warnings are part of
the measurement.

    python benchmarks/generate.py DIR --notes 10000 [--seed 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
from pathlib import Path

KPIS = ("revenue", "new_accounts", "gross_profit_pct", "close_rate", "sales_calls",
        "new_opportunities", "opportunities_advanced", "discount_pct")
FIRST = ("alice", "bob", "carla", "dmitri", "erin", "farid", "grace", "hiro", "ines", "jon",
         "kemal", "lena", "mateo", "nadia", "omar", "priya", "quinn", "rosa", "sven", "tara")
LAST = ("nguyen", "okafor", "mendes", "ivanov", "walsh", "haddad", "kim", "tanaka", "silva",
        "berg", "yilmaz", "novak", "garcia", "rahman", "ali", "patel", "reyes", "costa", "lund", "shah")
VERBS = ("Build", "Send", "Book", "Prepare", "Call", "Review", "Update", "Draft", "Schedule", "Follow up on")
OBJECTS = ("a list of 50 freight prospects with a named contact at each",
           "the pricing sheet to the Globex buyer", "four 90-minute call blocks next week",
           "the Vandelay proposal with the revised discount", "the Initech renewal terms",
           "the pipeline review for the quarter", "the CRM stages for every open deal",
           "a reference call with a happy customer", "the demo script for the operations director",
           "the objection-handling notes from the last three lost deals")
PROSE = ("Numbers are close to goal this week; the pipeline is healthier than last month.",
         "Calls are below target again: the mornings went to internal meetings.",
         "Two deals moved to proposal, one slipped to next quarter after the budget freeze.",
         "We role-played the opener twice; the second run was much tighter and shorter.",
         "The discount crept up on the last two deals; we agreed to hold the line at 8%.",
         "Good week overall. The new account came from a referral, worth asking for more.")
CONFIG = """\
manager: Sam Rivera
cadence: weekly
meeting_day: monday
template: one-on-one
kpis:
  revenue: {kind: output, goal: 25000, unit: USD}
  new_accounts: {kind: output, goal: 2}
  gross_profit_pct: {kind: output, goal: 32, unit: "%"}
  close_rate: {kind: output, goal: 25, unit: "%"}
  sales_calls: {kind: input, goal: 40}
  new_opportunities: {kind: input, goal: 6}
  opportunities_advanced: {kind: input, goal: 8}
  discount_pct: {kind: output, goal: 8, unit: "%", better: lower}
"""

NOTES_PER_REP = 100
FIRST_MONDAY = dt.date(2024, 12, 2)


def rep_names(count: int) -> list[str]:
    names = []
    for i in range(count):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        suffix = f"-{i // (len(FIRST) * len(LAST)) + 1}" if i >= len(FIRST) * len(LAST) else ""
        names.append(f"{first}-{last}{suffix}")
    return names


def rep_notes(rng: random.Random, rep: str, count: int) -> list[tuple[str, str]]:
    """(file name, text) of one rep's notes, oldest first, commitments carried forward."""
    open_items: list[dict] = []
    serial = 0
    out = []
    for week in range(count):
        date = FIRST_MONDAY + dt.timedelta(weeks=week) + dt.timedelta(days=rng.choice((0, 0, 0, 1)))
        items = []
        for item in open_items:  # close some of last week's, carry the rest
            roll = rng.random()
            status = "done" if roll < 0.45 else "dropped" if roll < 0.5 else "open"
            if status == "open" and rng.random() < 0.2:  # renegotiated due date
                item["due"] = date + dt.timedelta(days=rng.randint(2, 12))
            items.append(dict(item, status=status))
        while len(items) < 5:
            serial += 1
            owner = "manager" if rng.random() < 0.25 else "rep"
            items.append({"id": f"{rep.split('-')[0]}-{serial}",
                          "text": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
                          "owner": owner, "due": date + dt.timedelta(days=rng.randint(3, 10)),
                          "status": "open", "since": date})
        items = items[-5:] if len(items) > 5 else items
        open_items = [i for i in items if i["status"] == "open"]
        out.append((f"{date.isoformat()}.md", note_text(rng, rep, date, items)))
    return out


def note_text(rng: random.Random, rep: str, date: dt.date, items: list[dict]) -> str:
    lines = ["---", f"rep: {rep}", f"date: {date.isoformat()}", "manager: Sam Rivera",
             f"duration_minutes: {rng.choice((45, 60, 60, 60, 90))}", "metrics:"]
    figures = {
        "revenue": rng.randint(9000, 40000), "new_accounts": rng.randint(0, 4),
        "gross_profit_pct": round(rng.uniform(25, 38), 1), "close_rate": rng.randint(12, 35),
        "sales_calls": rng.randint(15, 55), "new_opportunities": rng.randint(1, 9),
        "opportunities_advanced": rng.randint(2, 12), "discount_pct": round(rng.uniform(4, 12), 1),
    }
    for name in KPIS:
        if name == "new_opportunities":
            lines.append(f"  {name}: {{goal: 6, actual: {figures[name]}}}")
        else:
            lines.append(f"  {name}: {figures[name]}")
    lines += ["coaching_plan:", "  skill: Opening cold calls to freight companies",
              "  practice: Role-play the 30-second opener before each call block",
              "behaviour_plan:", "  sales_calls: 40", "  new_opportunities: 6",
              "confidence:", f"  revenue: {rng.randint(1, 5)}", "commitments:"]
    broken = rng.random() < 0.0025
    for n, item in enumerate(items):
        due = "next friday" if broken and n == 0 else item["due"].isoformat()
        lines += [f"  - id: {item['id']}", f"    text: {item['text']}", f"    owner: {item['owner']}",
                  f"    due: {due}", f"    status: {item['status']}", f"    since: {item['since'].isoformat()}"]
    lines += ["---", "", f"# One-on-one: {rep}, {date.isoformat()}", "",
              "## Where are we against goal?", "", rng.choice(PROSE), rng.choice(PROSE), "",
              "## Where do you need help?", "", rng.choice(PROSE), "",
              "## Behaviour plan", "", "- 40 sales calls (8 a day)", "- 6 new opportunities",
              "- 8 opportunities advanced", "- Three 90-minute call blocks, no email during them", "",
              "## Coaching plan", "", rng.choice(PROSE), rng.choice(PROSE), "",
              "## Notes", "", rng.choice(PROSE), rng.choice(PROSE), rng.choice(PROSE), rng.choice(PROSE), "",
              "## Upcoming calls", "",
              "- **Umbrella Logistics**: call the operations director to set a demo date.",
              "- **Cyberdyne** (joint call): second meeting; their CFO will be there.", "",
              "## Homework", ""]
    roll = rng.random()
    marker = "?" if roll < 0.0025 else " " if roll < 0.05 else "x"
    lines += [f"- [{marker}] {rng.choice(VERBS)} {rng.choice(OBJECTS)}",
              f"- [x] {rng.choice(VERBS)} {rng.choice(OBJECTS)}", ""]
    return "\n".join(lines)


def generate(folder: Path, notes: int, seed: int = 5) -> int:
    """Write ``notes`` notes (and an onenotes.yaml) under ``folder``; return the count."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "onenotes.yaml").write_text(CONFIG, encoding="utf-8")
    reps = rep_names(max(1, -(-notes // NOTES_PER_REP)))
    written = 0
    for index, rep in enumerate(reps):
        count = min(NOTES_PER_REP, notes - written)
        (folder / rep).mkdir(exist_ok=True)
        for name, text in rep_notes(rng, rep, count):
            with open(folder / rep / name, "w", encoding="utf-8") as fh:
                fh.write(text)
        written += count
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    if args.folder.exists() and any(args.folder.iterdir()):
        print(f"{args.folder} is not empty", file=sys.stderr)
        return 2
    count = generate(args.folder, args.notes, args.seed)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(args.folder) for f in fs)
    print(f"{count} notes, {size / count / 1024:.1f} KB each on average", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
