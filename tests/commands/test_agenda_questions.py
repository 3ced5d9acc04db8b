"""The agenda's coaching questions come from the situation and do not repeat (issue 16, part 3)."""

from __future__ import annotations

import re

import pytest

from onenotes.errors import ConfigError
from onenotes.reading.notebook import load_notebook
from onenotes.rules.questions import Miss, Situation, Slip, choose_questions, keeps_slipping, wording

BANK = {
    "slipping": ('"{commitment}" has been on the agenda {times} times: what is in the way?',),
    "consistent": ("{kpis} missed in {misses} of the last {meetings} meetings: where do deals stop?",),
    "revenue": ("Revenue is {actual} against {goal} ({attainment}): which deals close the {gap} gap?",),
    "close_rate": ("Close rate {actual} against {goal}: where do you lose deals?",),
    "sales_calls": ("{kpi}: {actual} of {goal}. Which hours are blocked for calls?",),
    "skill": ("Which call shall we role-play?", "Where in the process do deals stall?"),
    "behaviour": ("What got in the way of your activity?",),
}

REVENUE = Miss("revenue", "Revenue", "output", 12000, 25000, 0.48, "USD")
CLOSE = Miss("close_rate", "Close rate", "output", 20, 25, 0.8, "%")
CALLS = Miss("sales_calls", "Sales calls", "input", 26, 40, 0.65)


def test_the_most_specific_situation_comes_first_with_its_figures():
    situation = Situation("behaviour", [CALLS, CLOSE, REVENUE], misses=3, meetings=4, consistent=True,
                          slipping=Slip("Build the prospect list", 3, 4))
    assert choose_questions(BANK, situation, [], limit=5) == [
        '"Build the prospect list" has been on the agenda 4 times: what is in the way?',
        "Revenue, Close rate missed in 3 of the last 4 meetings: where do deals stop?",
        # outputs before inputs, the largest shortfall first
        "Revenue is 12,000 USD against 25,000 USD (48%): which deals close the 13,000 USD gap?",
        "Close rate 20% against 25%: where do you lose deals?",
        "Sales calls: 26 of 40. Which hours are blocked for calls?",
    ]


def test_the_verdict_questions_come_last_and_the_number_asked_is_limited():
    situation = Situation("skill", [CLOSE])
    assert choose_questions(BANK, situation, []) == [
        "Close rate 20% against 25%: where do you lose deals?", "Which call shall we role-play?",
        "Where in the process do deals stall?"]
    assert len(choose_questions(BANK, situation, [], limit=2)) == 2


def test_a_question_asked_in_the_last_three_meetings_is_not_repeated_whatever_its_figures():
    situation = Situation("skill", [REVENUE])
    last_week = "Ask this week:\n- Revenue is 9,000 USD against 25,000 USD (36%): which deals close the 16,000 USD gap?\n"
    got = choose_questions(BANK, situation, [last_week])
    assert got == ["Which call shall we role-play?", "Where in the process do deals stall?"]
    # Four meetings back is long enough ago.
    assert choose_questions(BANK, situation, ["", "", "", last_week])[0].startswith("Revenue is 12,000 USD")


def test_when_everything_was_asked_lately_the_one_asked_longest_ago_comes_back():
    situation = Situation("behaviour", [])
    asked = "- What got in the way of your activity?"
    assert choose_questions(BANK, situation, [asked, "", ""]) == ["What got in the way of your activity?"]
    bank = {"skill": BANK["skill"]}
    notes = ["Which call shall we role-play?", "Where in the process do deals stall?"]  # latest first
    assert choose_questions(bank, Situation("skill"), notes) == ["Where in the process do deals stall?"]


def test_no_question_is_invented_when_the_bank_has_none_for_the_situation():
    assert choose_questions({}, Situation("behaviour", [CALLS], consistent=True, misses=4, meetings=4), []) == []


def test_wording_finds_a_question_across_line_breaks_and_case():
    pattern = wording("Revenue is {actual} against {goal}: which deals?")
    assert pattern.search("- revenue is 1 USD\n  against 2 USD: Which deals?")
    assert not pattern.search("Revenue is 1 USD: which deals?")


@pytest.mark.parametrize("slips, carried, overdue, expected", [
    (2, 0, False, True), (1, 5, False, False), (0, 2, True, True), (0, 1, True, False)])
def test_a_commitment_keeps_slipping_when_moved_twice_or_overdue_on_three_agendas(slips, carried, overdue, expected):
    assert keeps_slipping(slips, carried, overdue) is expected


def test_an_unknown_placeholder_in_the_bank_is_a_config_error_naming_the_line(notebook):
    cfg = notebook / "onenotes.yaml"
    before = cfg.read_text()
    cfg.write_text(before + "coaching_questions:\n  revenue:\n    - \"Revenue at {actaul}?\"\n")
    with pytest.raises(ConfigError, match=r"\{actaul\} is not filled in") as err:
        load_notebook(notebook)
    line = before.count("\n") + 2  # the "revenue:" key
    assert f"onenotes.yaml:{line}:" in str(err.value) and "use {kpi}, {actual}, {goal}" in str(err.value)


def _questions(text: str) -> list[str]:
    block = text[text.index("Ask this week:"):text.index("<!-- /manager-only -->")]
    return re.findall(r"^- (.*)$", block, re.M)


def test_week_after_week_the_agenda_asks_new_questions(cli, acme):
    """Over three simulated weeks of carla's one-on-ones the questions change; none is asked twice."""
    asked: list[str] = []
    for today in ("2026-11-23", "2026-11-30", "2026-12-07"):
        result = cli("--notebook", acme, "new", "carla", "--today", today)
        assert result.exit_code == 0, result.stderr
        questions = _questions((acme / "carla-mendes" / f"{today}.md").read_text(encoding="utf-8"))
        assert questions and not set(questions) & set(asked), (today, questions, asked)
        asked += questions
    assert any("has been on the agenda" in q for q in asked)  # the commitment that keeps slipping
    assert any(q.startswith("New accounts: 1 against a goal of 2.") for q in asked)  # the KPI, by how much


@pytest.mark.parametrize("entry, message", [
    ("  revenu: [\"Where is the revenue?\"]\n", r"'revenu' is neither a KPI nor a situation.*did you mean 'revenue'"),
    ("  revenue: [\"Short by {gap:>10}?\"]\n", r"\{gap:>10\} is not filled in"),
])
def test_a_question_that_could_never_be_asked_as_written_is_a_config_error(notebook, entry, message):
    cfg = notebook / "onenotes.yaml"
    cfg.write_text(cfg.read_text() + "coaching_questions:\n" + entry)
    with pytest.raises(ConfigError, match=message):
        load_notebook(notebook)


def test_the_brief_asks_what_the_agenda_asks_before_and_after_the_agenda_is_written(cli, acme):
    before = cli("--notebook", acme, "brief", "bob", "--today", "2026-11-23")
    assert before.exit_code == 0, before.stderr
    assert cli("--notebook", acme, "new", "bob", "--today", "2026-11-23").exit_code == 0
    agenda = _questions((acme / "bob-okafor" / "2026-11-23.md").read_text(encoding="utf-8"))
    after = cli("--notebook", acme, "brief", "bob", "--today", "2026-11-23")
    for brief in (before.stdout, after.stdout):
        block = brief[brief.index("Questions to ask:"):brief.index("## Commitments")]
        assert re.findall(r"^- (.*)$", block, re.M) == agenda
