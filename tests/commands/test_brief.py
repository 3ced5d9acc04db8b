"""`onenotes brief REP` (issue 3, fifth part)."""

from __future__ import annotations

import re

from conftest import TODAY, write


def brief(cli, root, rep="bob"):
    result = cli("--notebook", root, "brief", rep, "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_brief_covers_numbers_diagnosis_commitments_calls_and_coaching(cli, example_notebook):
    text = brief(cli, example_notebook)
    assert text.startswith("# Brief: Bob Okafor, 2026-11-23\n")
    assert "Last one-on-one: 2026-11-16 (7 days ago). Next one due: 2026-11-23." in text
    assert "| Revenue | 25,000 USD | 18,900 USD | +3,800 USD | 76% |" in text
    assert "a behaviour problem" in text
    assert "- Build a list of 50 mid-size freight prospects with a named contact at each " \
           "(rep, due 2026-11-20, 3 days overdue, moved 3x)" in text
    assert "Closed last time:\n- Join Bob on the Vandelay Industries discovery call (done)" in text
    assert "**Umbrella Logistics**: call the operations director" in text  # verbatim from the note
    assert "- skill: Opening cold calls to freight companies" in text
    headings = [l for l in text.splitlines() if l.startswith("## ")]
    assert headings == ["## What the numbers say", "## Commitments", "## Upcoming calls noted last time",
                        "## Coaching focus"]


def test_brief_for_a_rep_with_no_meetings(cli, notebook):
    text = brief(cli, notebook, "ann")
    assert "No one-on-one recorded yet." in text and "No coaching plan yet." in text
    assert "None noted." in text


def test_brief_template_can_be_overridden(cli, notebook):
    write(notebook / "templates" / "brief.md", "Brief for {{ rep.name }}\n")
    assert brief(cli, notebook, "ann") == "Brief for Ann Lee\n"


def test_the_brief_asks_what_the_agenda_asks_before_and_after_the_agenda_is_written(cli, acme):
    before = cli("--notebook", acme, "brief", "bob", "--today", "2026-11-23")
    assert before.exit_code == 0, before.stderr
    assert cli("--notebook", acme, "new", "bob", "--today", "2026-11-23").exit_code == 0
    text = (acme / "bob-okafor" / "2026-11-23.md").read_text(encoding="utf-8")
    agenda = re.findall(r"^- (.*)$", text[text.index("Ask this week:"):text.index("<!-- /manager-only -->")], re.M)
    after = cli("--notebook", acme, "brief", "bob", "--today", "2026-11-23")
    for brief in (before.stdout, after.stdout):
        block = brief[brief.index("Questions to ask:"):brief.index("## Commitments")]
        assert re.findall(r"^- (.*)$", block, re.M) == agenda
