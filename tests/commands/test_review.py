"""`onenotes review` (issue 19): the draft of a quarter's performance review, through the real CLI.

Its figures are checked against the notes read independently (PyYAML) and against the
commands whose numbers it repeats; its text against golden files; its privacy with
strings planted in private parts.  The page in a real browser: test_review_browser.py.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from conftest import EXAMPLE, TODAY, note_text, write
from onenotes import __version__
from support.report_html import parse

GOLDEN = Path(__file__).parent.parent / "golden"
REPS = ("alice-nguyen", "bob-okafor", "carla-mendes")


def review(cli, root, *args, ok=True):
    result = cli("--notebook", root, "review", *args)
    if ok:
        assert result.exit_code == 0, result.stderr
    return result


def _check_golden(name: str, text: str) -> None:
    text = text.replace(f"onenotes {__version__}", "onenotes VERSION").replace(
        f"onenotes review {__version__}", "onenotes review VERSION")
    path = GOLDEN / name
    if os.environ.get("ONENOTES_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("rep", REPS)
def test_the_markdown_of_each_rep_matches_the_reviewed_golden_file(cli, rep):
    result = review(cli, EXAMPLE, rep, "--quarter", "2026Q4", "--today", TODAY)
    assert result.stderr == ""
    _check_golden(f"review-{rep}-2026Q4.md", result.stdout)


def test_the_html_matches_the_reviewed_golden_file(cli):
    result = review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY, "--format", "html")
    _check_golden("review-bob-okafor-2026Q4.html", result.stdout)


# ------------------------------------------------------------ the figures ---

def _frontmatter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def _actual(value):
    return value.get("actual") if isinstance(value, dict) else value


def _rows(markdown: str, heading: str, first: str = "") -> dict[str, list[str]]:
    """The first table under ``## heading`` whose header starts with ``first``: first cell -> every cell."""
    section = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    table = section[section.index(f"\n| {first}"):].split("\n\n", 1)[0]
    rows = [line.strip("|").split(" | ") for line in table.strip().splitlines()]
    return {cells[0].strip(): [c.strip() for c in cells] for cells in rows[2:]}


@pytest.mark.parametrize("rep", REPS)
def test_each_sum_is_the_quarters_weekly_figures_read_independently(cli, rep):
    text = review(cli, EXAMPLE, rep, "--quarter", "2026Q4", "--today", TODAY).stdout
    rows = _rows(text, "Results against goal")
    notes = sorted(p for p in (EXAMPLE / rep).glob("2026-1*.md"))
    for kpi, label in (("revenue", "Revenue (output)"), ("sales_calls", "Sales calls (input)"),
                       ("new_accounts", "New accounts (output)")):
        figures = [_actual((_frontmatter(p).get("metrics") or {}).get(kpi)) for p in notes]
        shown = [f for f in figures if f is not None]
        cells = rows[label]
        assert cells[2].replace(",", "").replace(" USD", "") == str(sum(shown)), (kpi, cells)
        assert f"sum of {len(shown)} weekly figures" in cells[5]
        assert cells[7] == "–" if len(shown) == len(notes) else cells[7] != "–"


def test_a_rate_is_averaged_and_a_ratio_worked_out_from_its_parts(cli):
    text = review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY).stdout
    rows = _rows(text, "Results against goal")
    notes = sorted((EXAMPLE / "bob-okafor").glob("2026-1*.md"))
    metrics = [_frontmatter(p)["metrics"] for p in notes]
    rates = [_actual(m["close_rate"]) for m in metrics]
    assert rows["Close rate (output)"][2] == f"{sum(rates) / len(rates):.1f}%"
    assert "average of 6 weekly figures" in rows["Close rate (output)"][5]
    calls, accounts = sum(_actual(m["sales_calls"]) for m in metrics), sum(_actual(m["new_accounts"]) for m in metrics)
    assert rows["Calls per new account (input)"][2] == f"{calls / accounts:.1f}"
    assert f"({calls} ÷ {accounts})" in rows["Calls per new account (input)"][5]


def test_a_week_without_a_figure_is_shown_with_its_note_never_as_a_zero(cli):
    text = review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY).stdout
    row = _rows(text, "Results against goal")["Opportunities advanced (input)"]
    assert row[2] == "24" and row[3] == "40"  # 5 weeks of 8, not 6
    assert row[7] == "2026-10-05 [2]" and "- [2] bob-okafor/2026-10-05.md" in text
    assert "No one-on-one, so no figures, in: the week of 2026-10-26" in text


@pytest.mark.parametrize("rep", REPS)
def test_commitment_counts_are_accountabilitys_since_the_quarter_began(cli, rep):
    text = review(cli, EXAMPLE, rep, "--quarter", "2026Q4", "--today", TODAY).stdout
    [acc] = json.loads(cli("--notebook", EXAMPLE, "accountability", rep, "--since", "2026-10-01", "--today", TODAY,
                           "--format", "json").stdout)
    rows = {k.strip("\u2003"): v for k, v in _rows(text, "Commitments").items()}
    assert rows["Made in the period"][1] == str(acc["made"])
    assert rows["Done on time"][1] == str(acc["kept_on_time"])
    assert rows["Done late"][1] == str(acc["kept_late"])
    assert rows["Dropped"][1] == str(acc["dropped"])
    assert rows["Still open"][1].split()[0] == str(acc["open"])
    parts = [int(v[1].split()[0]) for k, v in rows.items() if k != "Made in the period"]
    assert sum(parts) == acc["made"]  # each commitment in exactly one row


def test_the_ones_that_slipped_most_lead_with_the_prospect_list(cli):
    text = review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY).stdout
    slipped = text.split("### The ones that slipped most\n", 1)[1].split("\n### ", 1)[0]
    first = [line for line in slipped.splitlines() if line.startswith("| ")][2]
    assert first.startswith("| Build a list of 50 mid-size freight prospects") and "| 3 |" in first


def test_cadence_counts_the_missed_week_and_not_the_one_under_way(cli):
    text = review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY).stdout
    assert ("6 one-on-ones held. A one-on-one in 6 of 7 weeks expected by the cadence (missed: the week of "
            "2026-10-26). The week of 2026-11-23 is still under way.") in text
    hours = _rows(text, "Cadence and coaching time", "Month")
    assert hours["October 2026"][1:4] == ["3", "3 h", "3 h"]
    november = hours["November 2026 (1–23, 23 days of 30), under way"]
    assert november[3:] == ["2.3 h (3 h a month, pro rata)", "…"]  # not judged before it ends


def test_a_rep_who_started_in_the_quarter_owes_coaching_time_only_from_the_first_one_on_one(cli, notebook):
    for date in ("2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15"):
        write(notebook / "ann" / f"{date}.md", note_text(date=date, metrics="  revenue: 1000\n"))
    text = review(cli, notebook, "ann", "--quarter", "2026Q4", "--today", "2027-01-04").stdout
    hours = _rows(text, "Cadence and coaching time", "Month")
    assert list(hours) == ["November 2026 (24–30, 7 days of 30)", "December 2026"]
    assert hours["November 2026 (24–30, 7 days of 30)"][3:] == ["0.7 h (3 h a month, pro rata)", "✓"]
    assert hours["December 2026"][1:] == ["3", "3 h", "3 h", "✓"]
    assert "from the rep's first one-on-one (2026-11-24)" in text
    assert ("A one-on-one in 4 of 6 weeks expected by the cadence (missed: the week of 2026-12-21, "
            "the week of 2026-12-28)") in text
    assert "7 weeks before the first one-on-one not counted." in text


def test_a_period_ends_today_at_the_latest_and_leaves_later_notes_out(cli):
    text = review(cli, EXAMPLE, "alice", "--from", "2026-10-01", "--to", "2026-10-31", "--today", TODAY).stdout
    assert text.splitlines()[1] == "# Performance review: Alice Nguyen, 2026-10-01 to 2026-10-31"
    assert "alice-nguyen/2026-11-02.md" not in text and "· 4 one-on-ones ·" in text
    early = review(cli, EXAMPLE, "alice", "--quarter", "2026Q4", "--today", "2026-10-20").stdout
    assert "(the quarter so far: it ends on 2026-12-31) · 3 one-on-ones" in early
    assert "alice-nguyen/2026-10-26.md" not in early


# ------------------------------------------------------------- privacy ---

SECRETS = ("SECRET-INLINE-1", "SECRET-SECTION-2", "SECRET-TASK-4", "SECRET-WIN-5", "SECRET-KEY-6")


@pytest.fixture
def planted(acme):
    """Bob's note of 2026-10-12 with a secret in every kind of private part."""
    note = acme / "bob-okafor" / "2026-10-12.md"
    text = note.read_text(encoding="utf-8")
    text = text.replace("---\n\n", "private: SECRET-KEY-6\n---\n\n", 1)
    text = text.replace("## Where do you need help?\n\n", (
        "## Where do you need help?\n\n"
        "He wants a list. <!-- private -->SECRET-INLINE-1 came up.<!-- /private -->\n\n"
        "<!-- manager-only -->MANAGER-ONLY-3: ask about the list.<!-- /manager-only -->\n\n"
        "### Private thoughts\n\nSECRET-SECTION-2 about his workload.\n\n"
        "### Requests\n\n- ~~An intro to the Umbrella CFO~~\n- A seat at the pricing meeting\n\n"
        "## Wins\n\n- Booked the Hooli demo\n- <!-- private -->SECRET-WIN-5<!-- /private -->Closed Soylent\n\n"
        "## Private\n\n- [ ] SECRET-TASK-4 [owner:: rep] due: 2026-10-30\n\n"), 1)
    note.write_text(text, encoding="utf-8")
    return acme


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_nothing_private_reaches_the_review_without_private(cli, planted, fmt):
    text = review(cli, planted, "bob", "--quarter", "2026Q4", "--today", TODAY, "--format", fmt).stdout
    if fmt == "html":
        text = parse(text)[0].text()
    for secret in SECRETS + ("MANAGER-ONLY-3",):
        assert secret not in text
    assert "Booked the Hooli demo" in text and "Closed Soylent" in text  # the rest of the part stays
    assert "He wants a list." in text
    assert "and so is the rep's 1 private commitment (--private includes them)" in text


def test_private_includes_the_private_parts_but_never_the_agendas_guidance(cli, planted):
    text = review(cli, planted, "bob", "--quarter", "2026Q4", "--today", TODAY, "--private").stdout
    for secret in ("SECRET-INLINE-1", "SECRET-SECTION-2", "SECRET-WIN-5", "SECRET-TASK-4"):
        assert secret in text
    assert "MANAGER-ONLY-3" not in text
    assert "This draft includes the notes' private parts (--private)" in text
    made = [line for line in text.splitlines() if line.startswith("| Made in the period")]
    assert made[0].split(" | ")[1] == "22"  # the private commitment counted with the others


def test_help_struck_through_is_quoted_as_answered(cli, planted):
    text = review(cli, planted, "bob", "--quarter", "2026Q4", "--today", TODAY).stdout
    assert "- 2026-10-12 (answered): “An intro to the Umbrella CFO” [3]" in text
    assert "- 2026-10-12: “A seat at the pricing meeting” [3]" in text


def test_the_same_request_carried_for_weeks_is_one_quote_with_every_date(cli, acme):
    for date in ("2026-10-19", "2026-11-02", "2026-11-09"):
        note = acme / "bob-okafor" / f"{date}.md"
        note.write_text(note.read_text(encoding="utf-8").replace(
            "## Where do you need help?\n\n", "## Where do you need help?\n\n- An intro to the *Umbrella* CFO\n\n"),
            encoding="utf-8")
    text = review(cli, acme, "bob", "--quarter", "2026Q4", "--today", TODAY).stdout
    assert "- 2026-10-19 to 2026-11-09, 3 meetings: “An intro to the Umbrella CFO” [4]–[6]" in text


def test_broken_private_markup_gives_no_quote_from_that_note_and_says_so(cli, acme):
    note = acme / "bob-okafor" / "2026-10-19.md"
    note.write_text(note.read_text(encoding="utf-8").replace(
        "## Where do you need help?\n\n", "## Where do you need help?\n\n<!-- private -->\nLEAK-7 never closed\n\n"),
        encoding="utf-8")
    result = review(cli, acme, "bob", "--quarter", "2026Q4", "--today", TODAY)
    assert "LEAK-7" not in result.stdout
    assert "He has no territory list" not in result.stdout  # nothing else from that note either
    assert "bob-okafor/2026-10-19.md" in result.stderr and "no quote taken from this note" in result.stderr


def test_a_plan_the_notebook_keeps_private_stays_out_unless_asked(cli, acme):
    config = acme / "onenotes.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "share:\n  private_keys: [confidence, private, "
                      "coaching_plan]\n", encoding="utf-8")
    text = review(cli, acme, "bob", "--quarter", "2026Q4", "--today", TODAY).stdout
    assert "Opening cold calls to freight companies" not in text
    assert "Left out: the coaching plan (coaching\\_plan in the frontmatter) is private in this notebook" in text
    shown = review(cli, acme, "bob", "--quarter", "2026Q4", "--today", TODAY, "--private").stdout
    assert "Opening cold calls to freight companies" in shown


# ------------------------------------------------------------ hostile text ---

HOSTILE = "<script>window.pwned=1</script></svg></table><img src=x onerror=alert(1)> & ![t](http://e.test/t.png) | `x`"


@pytest.fixture
def hostile(notebook):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "name: Ann Lee", "name: '</svg><script>window.pwned=2</script> Ann'"), encoding="utf-8")
    write(notebook / "ann" / "2026-10-26.md", note_text(
        date="2026-10-26", metrics="  revenue: 1000\n  sales_calls: 10\n",
        commitments=(f"  - id: hostile-1\n    text: {json.dumps(HOSTILE)}\n    due: 2026-11-01\n"
                     "  - id: hostile-2\n    text: \"\\u001b[31mred\\u202eevil ]]> -->\"\n    due: 2026-11-02\n"),
        body=f"## Wins\n\n- {HOSTILE}\n\n## Where do you need help?\n\n<b onclick=x>[link](http://e.test)</b>\n"))
    return notebook


def test_hostile_text_is_inert_in_the_markdown(cli, hostile):
    text = review(cli, hostile, "ann", "--quarter", "2026Q4", "--today", TODAY).stdout
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    inline = [c for t in tokens if t.type == "inline" for c in t.children]
    assert [t.content.strip() for t in tokens + inline if t.type in ("html_block", "html_inline")] == \
        [text.splitlines()[0]]  # the marker line only
    assert not [t for t in inline if t.type in ("image", "link_open")]
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in MarkdownIt("commonmark").enable("table").render(text)
    assert "\x1b" not in text and "\u202e" not in text and "redevil \\]\\]\\> --\\>" in text


def test_hostile_text_is_escaped_in_the_html(cli, hostile):
    html = review(cli, hostile, "ann", "--quarter", "2026Q4", "--today", TODAY, "--format", "html").stdout
    doc, tags, comments = parse(html)
    assert "script" not in tags and "img" not in tags and "b" not in tags
    assert doc.find("tr", data_id="hostile-1").find("td", class_="text").text() == HOSTILE
    assert doc.find("tr", data_id="hostile-2").find("td", class_="text").text() == "redevil ]]> -->"
    assert "\x1b" not in html and "\u202e" not in html
    assert "<script>window.pwned=1</script></svg></table><img" in doc.find("ul", data_kind="wins").text()
    assert "<b onclick=x>link</b>" in doc.find("ul", data_kind="help").text()
    assert len(comments) == 1  # the marker: note text cannot open or close a comment


# ------------------------------------------------------------------ errors ---

@pytest.mark.parametrize("args, code, says", [
    (["zed", "--quarter", "2026Q4"], 1, "unknown rep 'zed'"),
    (["bob", "--quarter", "2025Q3"], 1, "Bob Okafor has no one-on-one note in 2025Q3"),
    (["bob", "--quarter", "2026Q5"], 2, "--quarter: there is no quarter 5"),
    (["bob", "--quarter", "Q4 of 2026"], 2, "is not a quarter: write the year and the quarter"),
    (["bob", "--from", "2026-11-01", "--to", "2026-10-01"], 2, "--from 2026-11-01 is after --to 2026-10-01"),
    (["bob", "--from", "2026-10-32"], 2, "October has 31 days"),
    (["bob", "--quarter", "2026Q4", "--from", "2026-10-01"], 2, "either --quarter or --from/--to"),
    (["bob"], 2, "which period?"),
    (["bob", "--quarter", "2027Q1"], 2, "after today (2026-11-23)"),
])
def test_a_wrong_period_or_rep_is_a_clear_error(cli, args, code, says):
    result = review(cli, EXAMPLE, *args, "--today", TODAY, ok=False)
    assert result.exit_code == code and says in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_a_note_of_the_period_that_cannot_be_read_is_named_in_the_draft(cli, acme):
    write(acme / "bob-okafor" / "2026-10-26.md", "---\nrep: [\n---\n")
    result = review(cli, acme, "bob", "--quarter", "2026Q4", "--today", TODAY)
    assert "**Not in this draft: 1 place of the period could not be read" in result.stdout
    assert "bob-okafor/2026-10-26.md (line 3: invalid YAML" in result.stdout
    assert "bob-okafor/2026-10-26.md:3" in result.stderr


# ------------------------------------------------------------------ --out ---

def test_out_writes_a_new_file_and_replaces_only_its_own_unedited_review(cli, tmp_path):
    out = tmp_path / "bob-2026Q4.md"
    first = review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY, "--out", out)
    assert first.stdout == "" and first.stderr == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8") == review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today",
                                                      TODAY).stdout
    assert review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", "2026-11-20", "--out", out).exit_code == 0
    assert "as of 2026-11-20" in out.read_text(encoding="utf-8")
    edited = out.read_text(encoding="utf-8").replace("A draft made", "My own words. A draft made")
    out.write_text(edited, encoding="utf-8")
    again = review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY, "--out", out, ok=False)
    assert again.exit_code == 1 and "was edited since; not replaced" in again.stderr
    assert out.read_text(encoding="utf-8") == edited  # the manager's edits are kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bob-2026Q4.md"]  # no temporary file left


@pytest.mark.parametrize("name", ["notes.md", "team.html"])
def test_out_never_replaces_another_file(cli, tmp_path, name):
    other = tmp_path / name
    other.write_text("<!-- generated by onenotes report -->\nmine\n", encoding="utf-8")
    result = review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY, "--out", other, ok=False)
    assert result.exit_code == 1 and "not a review onenotes wrote" in result.stderr
    assert other.read_text(encoding="utf-8") == "<!-- generated by onenotes report -->\nmine\n"


def test_out_refuses_a_note_name_in_the_notebook_and_a_missing_folder(cli, acme, tmp_path):
    note = acme / "bob-okafor" / "2026-11-30.md"
    result = review(cli, acme, "bob", "--quarter", "2026Q4", "--today", TODAY, "--out", note, ok=False)
    assert result.exit_code == 1 and "would be read as a one-on-one note" in result.stderr and not note.exists()
    missing = review(cli, acme, "bob", "--quarter", "2026Q4", "--today", TODAY, "--out", tmp_path / "no" / "r.md",
                     ok=False)
    assert missing.exit_code == 4 and "does not exist" in missing.stderr


def test_the_html_page_is_self_contained(cli, tmp_path):
    out = tmp_path / "bob.html"
    review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY, "--format", "html", "--out", out)
    html = out.read_text(encoding="utf-8")
    doc, tags, comments = parse(html)
    csp = doc.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert csp.startswith("default-src 'none'") and "script-src" not in csp
    assert "script" not in tags and "link" not in tags and not re.search(r"""(src|href)=["']?https?:""", html)
    assert len(doc.find_all("svg", class_="trend")) == 9
    assert comments[0].startswith(" generated by onenotes review; --out replaces it only while unchanged")
    assert review(cli, EXAMPLE, "bob", "--quarter", "2026Q4", "--today", TODAY, "--format", "html",
                  "--out", out).exit_code == 0  # its own page: replaced


# ------------------------------------------------------- KPIs of every kind ---

def test_a_monthly_goal_is_counted_once_per_month_pro_rata_for_a_month_in_part(cli, notebook):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  sales_calls: {kind: input, goal: 40}\n",
        "  sales_calls: {kind: input, goal: 40}\n  demos: {kind: output, goal: 10, period: month}\n"
        "  deal_size: {kind: output, goal: 5000, unit: USD, combine: average}\n"), encoding="utf-8")
    for date, demos, size in (("2026-10-05", 4, 4000), ("2026-10-19", 7, 6000), ("2026-11-02", 3, None)):
        metrics = f"  demos: {demos}\n" + (f"  deal_size: {size}\n" if size else "")
        write(notebook / "ann" / f"{date}.md", note_text(date=date, metrics=metrics))
    text = review(cli, notebook, "ann", "--quarter", "2026Q4", "--today", "2026-11-13").stdout
    rows = _rows(text, "Results against goal")
    demos = rows["Demos (output)"]
    # October's goal of 10, and November's to the 13th: 10 of its 21 working days.
    assert demos[2:4] == ["14", "14.8"]
    assert "the monthly goal for 1.48 months, pro rata by working days" in demos[5]
    size = rows["Deal size (output)"]
    assert size[2:4] == ["5,000 USD", "5,000 USD"] and "average of 2 figures" not in size[5]
    assert "average of 2 weekly figures" in size[5] and size[7].startswith("2026-11-02")


@pytest.mark.parametrize("setting", ["combine: median", "combine: sum, ratio: [revenue, sales_calls]",
                                     "combine: average, period: month"])
def test_a_combine_setting_that_cannot_apply_is_an_error_in_the_config(cli, notebook, setting):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  sales_calls: {kind: input, goal: 40}\n",
        f"  sales_calls: {{kind: input, goal: 40}}\n  deal_size: {{kind: output, goal: 5, {setting}}}\n"),
        encoding="utf-8")
    result = review(cli, notebook, "ann", "--quarter", "2026Q4", "--today", TODAY, ok=False)
    assert result.exit_code == 3 and "combine is sum or average" in result.stderr


def test_a_kpi_without_a_goal_for_some_weeks_says_so_rather_than_judge(cli, notebook):
    config = notebook / "onenotes.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  sales_calls: {kind: input, goal: 40}\n",
        "  sales_calls: {kind: input, goal: 40}\n  demos: {kind: output}\n  nps: {kind: output, unit: '%'}\n"),
        encoding="utf-8")
    write(notebook / "ann" / "2026-10-05.md", note_text(date="2026-10-05", metrics="  demos: {goal: 3, actual: 2}\n"
                                                                                  "  nps: 40\n"))
    write(notebook / "ann" / "2026-10-12.md", note_text(date="2026-10-12", metrics="  demos: 4\n  nps: 50\n"))
    rows = _rows(review(cli, notebook, "ann", "--quarter", "2026Q4", "--today", TODAY).stdout,
                 "Results against goal")
    assert rows["Demos (output)"][2:5] == ["6", "–", "–"]
    assert "against no goal for 1 of them, so none for the period" in rows["Demos (output)"][5]
    assert rows["Nps (output)"][2:5] == ["45%", "–", "–"] and "against no goal set" in rows["Nps (output)"][5]


@pytest.mark.parametrize("body, kept, gone", [
    ("Said. <!-- private -->Tired.<!-- /private --> Done.\n", ["Said.", "Tired.", "Done."], ["<!--"]),
    ("<!-- manager-only -->Ask. <!-- private -->Hidden.<!-- /private --><!-- /manager-only -->Left\n",
     ["Left"], ["Ask.", "Hidden."]),
    ("## Private\n\nMine. <!-- manager-only -->Script.<!-- /manager-only -->\n\n## Next\n\nOk %% aside %%\n",
     ["## Private", "Mine.", "## Next", "Ok"], ["Script.", "aside"]),
])
def test_strip_guidance_keeps_private_parts_and_drops_guidance_and_comments(body, kept, gone):
    from onenotes.reading.privacy import strip_guidance

    text = strip_guidance(body)
    assert all(k in text for k in kept) and not any(g in text for g in gone), text


def test_strip_guidance_refuses_broken_markup_with_the_file_line():
    from onenotes.reading.privacy import PrivateMarkupError, strip_guidance

    with pytest.raises(PrivateMarkupError, match=r"^n\.md:12: '<!-- manager-only -->' is never closed"):
        strip_guidance("a\n<!-- manager-only -->\nb\n", "n.md", 11)
