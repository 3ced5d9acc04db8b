"""`onenotes rollup` (issue 20): a director's roll-up of three managers' notebooks, each a git
clone of its own local remote, through the real CLI.

Its figures are the managers' own commands' figures added up (cadence, accountability,
kpis, the diagnosis); a notebook or a note that cannot be read is named and left out of
the total; --pull is `git pull --ff-only` and nothing else.  The privacy test is
test_rollup_privacy.py, the page in a browser test_rollup_browser.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import TODAY, write
from onenotes.reading.notebook import load_notebook
from onenotes.rules.diagnosis import diagnose
from support.director import NOTEBOOKS, director_clones, git, push_change

GOLDEN = Path(__file__).parent.parent / "golden"


@pytest.fixture
def director(tmp_path):
    remotes, folder = director_clones(tmp_path)
    return folder


def rollup(cli, folder, *args, code=0):
    """Run `onenotes rollup` in the director's folder (where rollup.yaml is)."""
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = cli("rollup", "--today", TODAY, *args)
    finally:
        os.chdir(cwd)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def rows(cli, folder, *args) -> dict:
    result = rollup(cli, folder, "--format", "json", *args)
    return {("Total" if r["total"] else r["notebook"]): r for r in json.loads(result.stdout)}


def command_json(cli, notebook, *args):
    result = cli("--notebook", notebook, *args, "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# ------------------------------------------------------------- the figures ---

def test_each_row_adds_up_the_managers_own_commands(cli, director):
    got = rows(cli, director)
    assert list(got) == ["West", "North", "South", "Total"]
    for name in ("West", "North", "South"):
        row, notebook = got[name], director / name.lower()
        cadence = command_json(cli, notebook, "cadence")
        kept = command_json(cli, notebook, "accountability")
        kpis = command_json(cli, notebook, "kpis")
        assert row["reps"] == len(cadence)
        assert row["expected_13wk"] - row["held_13wk"] == sum(c["missed_last_quarter"] for c in cadence)
        assert row["reps_overdue_meeting"] == sum(c["overdue"] or c["last_meeting"] is None for c in cadence)
        assert row["hours_per_rep_this_month"] == round(sum(c["hours_this_month"] for c in cadence) / len(cadence), 2)
        assert row["hours_per_rep_last_month"] == round(sum(c["hours_last_month"] for c in cadence) / len(cadence), 2)
        assert row["reps_under_hours_target_last_month"] == sum(c["hours_last_month"] < c["hours_target"]
                                                                for c in cadence)
        for key in ("kept_on_time", "kept_late", "done_date_unknown"):
            assert row[key] == sum(k[key] for k in kept), (name, key)
        for kpi in ("revenue", "new_accounts", "close_rate"):
            with_figure = [k for k in kpis if k["kpi"] == kpi and k["attainment"] is not None]
            assert row[f"{kpi}_reps"] == len(with_figure)
            assert row[f"{kpi}_on_goal"] == sum(k["attainment"] >= 1.0 for k in with_figure)
        book = load_notebook(notebook)
        verdicts = [diagnose(book.as_of(dt.date.fromisoformat(TODAY)), rep).verdict for rep in book.reps()]
        assert (row["reps_behaviour"], row["reps_skill"], row["reps_on_track"]) == (
            verdicts.count("behaviour"), verdicts.count("skill"), verdicts.count("on_track"))
        assert row["newest_note"] == max(c["last_meeting"] for c in cadence if c["last_meeting"])


def test_the_example_region_as_a_director_reads_it(cli, director):
    got = rows(cli, director)
    west, north, south, total = got["West"], got["North"], got["South"], got["Total"]
    assert (west["manager"], north["manager"], south["manager"]) == ("Sam Rivera", "Priya Shah", "Tom Becker")
    assert (west["held_4wk"], west["expected_4wk"]) == (11, 12)  # Bob's missed week of October 26
    assert (north["held_4wk"], north["expected_4wk"]) == (14, 15)  # Erin's holiday week of November 3
    assert south["stale"] and not west["stale"] and not north["stale"]  # newest note October 12
    assert south["days_since_newest_note"] == 42
    assert total["reps"] == 8 and total["notebooks_in_total"] == 3
    assert total["kept_on_time_rate"] == round(total["kept_on_time"] / (total["kept_on_time"] + total["kept_late"]), 4)


def test_the_total_adds_up_the_rows_and_takes_rates_of_the_sums(cli, director):
    got = rows(cli, director)
    teams = [got[n] for n in ("West", "North", "South")]
    total = got["Total"]
    for key in ("reps", "held_4wk", "expected_4wk", "held_13wk", "expected_13wk", "reps_overdue_meeting",
                "kept_on_time", "kept_late", "done_date_unknown", "reps_behaviour", "reps_skill",
                "revenue_on_goal", "revenue_reps"):
        assert total[key] == sum(t[key] for t in teams), key
    assert total["held_13wk_rate"] == round(total["held_13wk"] / total["expected_13wk"], 4)
    hours = sum(t["hours_per_rep_last_month"] * t["reps"] for t in teams) / total["reps"]
    assert abs(total["hours_per_rep_last_month"] - hours) < 0.01
    assert total["hours_target"] is None  # 3 h in West and North, 2 h in South: no single target
    assert total["newest_note"] == "2026-11-17"


def test_only_the_kpis_every_notebook_tracks_are_shown_and_stderr_says_what_differs(cli, director):
    result = rollup(cli, director, "--format", "json")
    record = json.loads(result.stdout)[0]
    assert {k[:-len("_on_goal")] for k in record if k.endswith("_on_goal")} == {"revenue", "new_accounts",
                                                                                  "close_rate"}
    assert "Demos booked (input in North)" in result.stderr
    assert "Gross profit % (output in West)" in result.stderr
    assert "the cadence differs: weekly in West, North; biweekly in South" in result.stderr
    assert "the coaching hours target differs: 3 h a month in West, North; 2 h a month in South" in result.stderr


def test_every_format_carries_the_same_figures(cli, director):
    records = json.loads(rollup(cli, director, "--format", "json").stdout)
    table = rollup(cli, director).stdout.splitlines()
    assert table[0].split()[:3] == ["NOTEBOOK", "MANAGER", "REPS"]
    assert [line.split()[0] for line in table[1:]] == ["West", "North", "South", "Total"]
    assert "11/12 92%" in table[1] and "stale" in table[3] and "3 of 3 notebooks" in table[4]
    parsed = list(csv.DictReader(io.StringIO(rollup(cli, director, "--format", "csv").stdout)))
    assert list(parsed[0]) == list(records[0])
    assert [r["held_13wk"] for r in parsed] == [str(r["held_13wk"]) for r in records]
    markdown = rollup(cli, director, "--format", "markdown").stdout.splitlines()
    assert markdown[0].startswith("| NOTEBOOK | MANAGER | REPS |") and len(markdown) == len(records) + 2
    assert markdown[2].startswith("| West | Sam Rivera | 3 | 11/12 92% |")


def test_the_markdown_matches_the_reviewed_golden_file(cli, director):
    text = rollup(cli, director, "--format", "markdown").stdout
    path = GOLDEN / "rollup-director.md"
    if os.environ.get("ONENOTES_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_the_page_needs_nothing_from_outside_and_says_every_figure_in_words(cli, director):
    from support.report_html import parse

    html = rollup(cli, director, "--format", "html").stdout
    doc, tags, comments = parse(html)
    assert not {"link", "img", "iframe", "object", "embed", "base", "form"} & set(tags)
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", html)
    csp = doc.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert tags.count("script") == 1 and len(comments) == 1  # our sorting script; the marker
    charts = doc.find_all("svg")
    assert len([c for c in charts if c.attrs.get("role") == "img"]) == 6
    for svg in charts:
        if svg.attrs.get("role") == "img":
            assert svg.find("title").text() and svg.find("desc").text()
    south = doc.find("svg", class_="bars").find("desc").text()
    assert "South: 0.5 h (target 2 h) (below target)" in south
    for td in doc.find("table", class_="rollup").find_all("td"):
        if "below" in td.classes():
            assert "\u25bc" in td.text()  # colour is never the only signal


def test_the_html_matches_the_reviewed_golden_file(cli, director):
    from onenotes import __version__

    text = rollup(cli, director, "--format", "html").stdout.replace(f"onenotes {__version__}", "onenotes VERSION")
    text = text.replace(f"onenotes rollup {__version__}", "onenotes rollup VERSION")
    path = GOLDEN / "rollup-director.html"
    if os.environ.get("ONENOTES_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_notebooks_given_as_folders_are_named_by_their_folders(cli, director):
    result = cli("rollup", director / "north", director / "south", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["notebook"] for r in json.loads(result.stdout)] == ["north", "south", None]


def test_a_day_in_the_past_leaves_out_the_notes_written_after_it(cli, director):
    got = rows(cli, director, "--today", "2026-10-21")
    assert got["North"]["newest_note"] == "2026-10-20" and got["West"]["newest_note"] == "2026-10-19"


# ------------------------------------------------- what cannot be read ---

def test_a_missing_notebook_is_named_and_left_out_of_the_total(cli, director):
    config = director / "rollup.yaml"
    config.write_text(config.read_text() + "  - name: East\n    path: east\n", encoding="utf-8")
    result = rollup(cli, director, "--format", "json")
    got = {("Total" if r["total"] else r["notebook"]): r for r in json.loads(result.stdout)}
    assert got["East"]["problem"] == "no such folder" and got["East"]["reps"] is None
    assert not got["East"]["in_total"]
    assert f"onenotes: East: not read: no such folder ({director / 'east'}); left out of the total" in result.stderr
    assert got["Total"]["reps"] == 8 and got["Total"]["notebooks_in_total"] == 3 and got["Total"]["notebooks"] == 4
    table = rollup(cli, director).stdout
    assert "not read: no such folder" in table and "3 of 4 notebooks (1 left out)" in table


def test_a_broken_note_is_named_by_file_and_line_and_its_notebook_left_out_of_the_total(cli, director):
    before = rows(cli, director)
    note = director / "north" / "erin-walsh" / "2026-11-10.md"
    note.write_text(note.read_text().replace("metrics:\n", "metrics:\n  revenue: [oops\n", 1))
    result = rollup(cli, director, "--format", "json")
    got = {("Total" if r["total"] else r["notebook"]): r for r in json.loads(result.stdout)}
    assert "onenotes: North: erin-walsh/2026-11-10.md:8:10: not read (yaml); North is left out of the total " \
        "(`onenotes check` in that notebook says why)" in result.stderr
    assert got["North"]["notes_not_read"] == 1 and not got["North"]["in_total"]
    assert got["North"]["reps"] == 3  # its row is still shown, marked
    assert got["Total"]["reps"] == before["West"]["reps"] + before["South"]["reps"]
    assert got["Total"]["held_13wk"] == before["West"]["held_13wk"] + before["South"]["held_13wk"]
    assert "Traceback" not in result.stderr


def test_a_broken_onenotes_yaml_is_named_with_its_line(cli, director):
    config = director / "south" / "onenotes.yaml"
    config.write_text(config.read_text().replace("coaching_hours_target: 2", "coaching_hours_targte: 2"))
    result = rollup(cli, director)
    assert "onenotes: South: not read: onenotes.yaml:7 is broken (`onenotes check` in that notebook says why)" \
        in result.stderr
    assert "not read: onenotes.yaml:7 is broken" in result.stdout


def test_a_folder_that_is_not_a_notebook_is_not_read(cli, director, tmp_path):
    (tmp_path / "empty").mkdir()
    result = cli("rollup", director / "north", tmp_path / "empty", "--today", TODAY)
    assert result.exit_code == 0
    assert "onenotes: empty: not read: not a notebook" in result.stderr


# ---------------------------------------------------------------- --pull ---

def test_pull_brings_each_clone_up_to_date_one_line_each(cli, director, tmp_path):
    remotes = {p.stem: p for p in (tmp_path / "remotes").iterdir()}
    before = rows(cli, director)["North"]

    def next_week(folder):
        text = (folder / "erin-walsh" / "2026-11-17.md").read_text().replace("2026-11-17", "2026-11-24")
        write(folder / "erin-walsh" / "2026-11-24.md", text)

    push_change(remotes["north"], tmp_path, next_week)
    result = rollup(cli, director, "--pull", "--today", "2026-11-24", "--format", "json")
    lines = [line for line in result.stderr.splitlines() if line.split(":")[1].strip() in ("West", "North", "South")]
    assert lines[:3] == ["onenotes: West: already up to date", "onenotes: North: pulled 1 new commit",
                         "onenotes: South: already up to date"]
    north = next(r for r in json.loads(result.stdout) if r["notebook"] == "North")
    assert north["newest_note"] == "2026-11-24" and before["newest_note"] == "2026-11-17"
    assert north["pulled"] == "pulled 1 new commit"


def test_a_clone_that_cannot_fast_forward_is_reported_and_read_as_it_is(cli, director, tmp_path):
    remotes = {p.stem: p for p in (tmp_path / "remotes").iterdir()}
    push_change(remotes["south"], tmp_path, lambda f: write(f / "README.md", "upstream\n"))
    clone = director / "south"
    write(clone / "README.md", "the director's own edit\n")
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", "local", cwd=clone)
    head = git("rev-parse", "HEAD", cwd=clone)
    result = rollup(cli, director, "--pull")
    line = next(line for line in result.stderr.splitlines() if line.startswith("onenotes: South:"))
    assert line.startswith("onenotes: South: not pulled: ") and line.endswith("; read as it is")
    assert git("rev-parse", "HEAD", cwd=clone) == head  # nothing merged, rebased or reset
    assert (clone / "README.md").read_text() == "the director's own edit\n"
    assert "not pulled" in next(r for r in result.stdout.splitlines() if r.startswith("South"))


def test_an_edit_in_the_clone_that_a_pull_would_overwrite_is_kept_and_named(cli, director, tmp_path):
    remotes = {p.stem: p for p in (tmp_path / "remotes").iterdir()}
    note = "dmitri-ivanov/2026-11-17.md"
    push_change(remotes["north"], tmp_path, lambda f: write(f / note, (f / note).read_text() + "Upstream.\n"))
    mine = (director / "north" / note).read_text() + "The director's scribble.\n"
    write(director / "north" / note, mine)
    result = rollup(cli, director, "--pull")
    assert (f"onenotes: North: not pulled: Your local changes to the following files would be overwritten by "
            f"merge: {note}; read as it is") in result.stderr
    assert (director / "north" / note).read_text() == mine


def test_a_folder_that_is_not_a_clone_is_reported_and_read(cli, director, tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(NOTEBOOKS["North"], plain)
    result = cli("rollup", plain, "--pull", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0
    assert "onenotes: plain: not pulled: not a git clone; read as it is" in result.stderr
    assert json.loads(result.stdout)[0]["reps"] == 3


def test_a_missing_clone_with_a_remote_is_cloned(cli, director, tmp_path):
    shutil.rmtree(director / "south")
    result = rollup(cli, director, "--pull", "--format", "json")
    assert "onenotes: South: cloned" in result.stderr
    assert next(r for r in json.loads(result.stdout) if r["notebook"] == "South")["reps"] == 2
    again = rollup(cli, director, "--format", "json")  # the clone is there now: nothing to say
    assert "South: not read" not in again.stderr


def test_no_remote_means_no_network_even_for_a_missing_clone(cli, director):
    shutil.rmtree(director / "south")
    config = director / "rollup.yaml"
    config.write_text("\n".join(line for line in config.read_text().splitlines()
                                if not ("south.git" in line)) + "\n")
    result = rollup(cli, director, "--pull")
    assert "onenotes: South: not pulled: no such folder, and no remote in rollup.yaml to clone it from" \
        in result.stderr


# ----------------------------------------------------------- rollup.yaml ---

@pytest.mark.parametrize("text, line, message", [
    ("notebooks:\n  - name: West\n    pth: west\n", 3, "unknown notebook setting 'pth' (did you mean 'path'?)"),
    ("title: x\nnotebook:\n  - west\n", 2, "unknown setting 'notebook' (did you mean 'notebooks'?)"),
    ("notebooks:\n  - name: West\n", 2, "this notebook has no path"),
    ("notebooks:\n  - name: A\n    path: west\n  - name: a\n    path: north\n", 4, "two notebooks are named 'a'"),
    ("notebooks:\n  - west\n  - ./west\n", 3, "the notebook ./west is listed twice"),
    ("notebooks: west\n", 1, "no notebooks listed"),
    ("notebooks:\n  - name: West\n    path: [a, b]\n", 3, "path must be a text"),
    ("notebooks:\n  - path: west\n\tname: x\n", 3, "tab"),
])
def test_rollup_yaml_errors_name_the_line(cli, tmp_path, text, line, message):
    (tmp_path / "rollup.yaml").write_text(text, encoding="utf-8")
    result = rollup(cli, tmp_path, code=3)
    assert f"rollup.yaml:{line}" in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_what_to_roll_up_must_be_said_once(cli, director, tmp_path):
    nothing = rollup(cli, tmp_path, code=2)
    assert "no notebooks to roll up" in nothing.stderr
    both = rollup(cli, director, "north", "--config", "rollup.yaml", code=2)
    assert "not two of them" in both.stderr
    two = cli("--notebook", director / "north", "rollup", director / "south")
    assert two.exit_code == 2 and "not two of them" in two.stderr
    one = cli("--notebook", director / "north", "rollup", "--today", TODAY, "--format", "json")
    assert [r["notebook"] for r in json.loads(one.stdout)] == ["north", None]
    missing = rollup(cli, director, "--config", "nope.yaml", code=2)
    assert "nope.yaml: no such file" in missing.stderr


def test_one_notebook_twice_is_refused_not_counted_twice(cli, director):
    (director / "again").symlink_to(director / "north")
    result = cli("rollup", director / "north", director / "again", "--today", TODAY)
    assert result.exit_code == 2 and "are the same notebook" in result.stderr


# ----------------------------------------------------------------- --out ---

def test_out_replaces_a_rollup_it_wrote_and_nothing_else(cli, director, tmp_path):
    for fmt in ("html", "json", "csv", "markdown", "table"):
        out = tmp_path / f"rollup.{fmt}"
        first = rollup(cli, director, "--format", fmt, "--out", out)
        assert first.stdout == "" and f"wrote {out}" in first.stderr
        assert rollup(cli, director, "--format", fmt, "--out", out).exit_code == 0  # replaced
    mine = tmp_path / "notes.csv"
    mine.write_text("my own\n")
    refused = rollup(cli, director, "--format", "csv", "--out", mine, code=1)
    assert "not a roll-up written by onenotes" in refused.stderr and mine.read_text() == "my own\n"
    as_note = rollup(cli, director, "--out", director / "north" / "erin-walsh" / "2026-11-30.md", code=1)
    assert "would be read as a one-on-one note of North" in as_note.stderr
    assert not (director / "north" / "erin-walsh" / "2026-11-30.md").exists()


# --------------------------------------------------------------- the memo ---

@pytest.fixture
def trusted_stats(monkeypatch):
    """The cache trusts a note's stat at once (the clones were just written: their stats are racy
    for 3 s, and a racy notebook's figures are never kept)."""
    from onenotes.reading.cache import key

    monkeypatch.setattr(key, "RACY_NS", 0)
    monkeypatch.delenv("ONENOTES_NO_CACHE")


def test_a_warm_rollup_gives_what_a_fresh_one_gives_and_sees_every_change(cli, director, trusted_stats,
                                                                          monkeypatch):
    cold = rollup(cli, director, "--format", "json").stdout
    warm = rollup(cli, director, "--format", "json").stdout
    assert warm == cold
    assert list((Path(os.environ["XDG_CACHE_HOME"]) / "onenotes" / "rollup").glob("*.json"))
    note = director / "north" / "dmitri-ivanov" / "2026-11-17.md"
    note.write_text(note.read_text().replace("status: open", "status: done", 1))
    changed = rollup(cli, director, "--format", "json").stdout
    fresh = rollup(cli, director, "--format", "json", "--today", TODAY).stdout
    monkeypatch.setenv("ONENOTES_NO_CACHE", "1")
    assert changed == fresh == rollup(cli, director, "--format", "json").stdout


def test_a_later_day_reuses_what_the_notes_say_and_counts_its_own_figures(cli, director, trusted_stats,
                                                                          monkeypatch):
    from onenotes.reading import rollup as reading

    rollup(cli, director)  # keeps each notebook's facts
    worked_out = []
    real = reading.team_facts
    monkeypatch.setattr(reading, "team_facts", lambda book, day: worked_out.append(day) or real(book, day))
    later = rollup(cli, director, "--today", "2026-12-07", "--format", "json").stdout
    assert worked_out == []  # no note changed: nothing decoded, nothing folded
    before = rollup(cli, director, "--today", "2026-11-10", "--format", "json").stdout
    # West and North have notes dated after that day: worked out for it; South's newest is October 12.
    assert worked_out == [dt.date(2026, 11, 10)] * 2
    monkeypatch.setenv("ONENOTES_NO_CACHE", "1")
    assert later == rollup(cli, director, "--today", "2026-12-07", "--format", "json").stdout
    assert before == rollup(cli, director, "--today", "2026-11-10", "--format", "json").stdout


def test_a_damaged_memo_is_ignored(cli, director, trusted_stats):
    good = rollup(cli, director, "--format", "json").stdout
    [memo] = (Path(os.environ["XDG_CACHE_HOME"]) / "onenotes" / "rollup").glob("*.json")
    data = json.loads(memo.read_text())
    for kept in data["notebooks"].values():
        kept["facts"]["meetings"] = "garbage"
    memo.write_text(json.dumps(data))
    assert rollup(cli, director, "--format", "json").stdout == good
    data = json.loads(memo.read_text())
    for kept in data["notebooks"].values():  # well-formed, but not what was kept: no reps at all
        kept["facts"]["meetings"] = []
    memo.write_text(json.dumps(data))
    assert rollup(cli, director, "--format", "json").stdout == good
    memo.write_text("{not json")
    assert rollup(cli, director, "--format", "json").stdout == good
