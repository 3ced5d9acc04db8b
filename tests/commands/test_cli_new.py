"""`onenotes new` through the real CLI, and the round trip of what it writes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, TODAY, examples, note_text, write
from onenotes.errors import NoteExistsError
from onenotes.rules.commitments import build_ledger, open_commitments
from onenotes.changes.new import create_note
from onenotes.views.agenda import reviewable
from onenotes.reading.note import HANDLER, parse_note
from onenotes.reading.notebook import load_notebook
from onenotes.reading.yaml.safe import load_yaml, to_yaml_scalar

GOLDEN = Path(__file__).parent.parent / "golden" / "new-bob-okafor-2026-11-23.md"


def new(cli, root, *args, today=TODAY):
    return cli("--notebook", root, "new", *args, "--today", today)


def read_back(root: Path, rel: str):
    book = load_notebook(root)
    return next(n for n in book.notes if n.path == rel)


def test_writes_the_next_meeting_and_prints_its_path(cli, acme):
    result = new(cli, acme, "bob-okafor")
    assert result.exit_code == 0, result.stderr
    path = acme / "bob-okafor" / "2026-11-23.md"
    assert result.stdout == f"{path}\n"
    assert path.is_file()


def test_the_agenda_matches_the_reviewed_golden_file(cli, acme):
    new(cli, acme, "bob-okafor")
    text = (acme / "bob-okafor" / "2026-11-23.md").read_text(encoding="utf-8")
    if os.environ.get("ONENOTES_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_default_date_follows_the_cadence_and_is_never_before_today(cli, acme):
    assert new(cli, acme, "carla", today="2026-11-18").stdout.strip().endswith("carla-mendes/2026-11-23.md")
    result = new(cli, acme, "bob", today="2026-12-02")  # a Wednesday, weeks after the last note
    assert result.stdout.strip().endswith("bob-okafor/2026-12-07.md")


def test_the_new_note_carries_every_open_commitment_of_that_rep(cli, acme):
    before = [e for e in open_commitments(build_ledger(load_notebook(acme).notes)) if e.rep == "bob-okafor"]
    new(cli, acme, "bob-okafor")
    note = read_back(acme, "bob-okafor/2026-11-23.md")
    carried = {m.id: m for m in note.mentions if m.origin == "frontmatter"}
    assert set(carried) == {e.id for e in before}
    for e in before:
        m = carried[e.id]
        assert (m.text, m.owner, m.due, m.since, m.status) == (e.text, e.owner, e.due, e.since, "open")
    # Each is listed once more in the body, as a review item to tick, and nothing else is.
    reviewed = {m.id: m for m in note.mentions if m.origin == "body"}
    assert set(reviewed) == set(carried)
    for cid, m in reviewed.items():
        assert (m.text, m.owner, m.due, m.since, m.status) == (carried[cid].text, carried[cid].owner,
                                                              carried[cid].due, carried[cid].since, "open")


def test_carrying_forward_does_not_duplicate_or_change_the_ledger(cli, acme):
    def ledger():
        return {(e.rep, e.id): (e.text, e.due, e.since, e.status)
                for e in build_ledger(load_notebook(acme).notes)}
    before = ledger()
    new(cli, acme, "bob-okafor")
    assert ledger() == before
    after = json.loads(cli("--notebook", acme, "followups", "--format", "json", "--today", TODAY).stdout)
    assert len(after) == len({(r["rep"], r["id"]) for r in after}) == 29
    # Followups now point at the new note, where the manager closes them.
    bob = [r for r in after if r["rep"] == "bob-okafor"]
    assert {r["source"] for r in bob} == {"bob-okafor/2026-11-23.md"}


def test_closing_a_carried_commitment_in_the_new_note_closes_it(cli, acme):
    new(cli, acme, "bob-okafor")
    path = acme / "bob-okafor" / "2026-11-23.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("id: bob-freight-prospect-list")
    status = text.index("status: open", start)
    path.write_text(text[:status] + "status: done" + text[status + len("status: open"):], encoding="utf-8")
    rows = json.loads(cli("--notebook", acme, "followups", "--format", "json").stdout)
    assert "bob-freight-prospect-list" not in {r["id"] for r in rows}


def test_metrics_hold_each_kpi_goal_with_rep_overrides(cli, acme):
    new(cli, acme, "alice")
    note = read_back(acme, "alice-nguyen/2026-11-23.md")
    metrics = {m.name: (m.goal, m.actual) for m in note.metrics}
    assert metrics["revenue"] == (30000, None)  # Alice's own goal
    assert metrics["sales_calls"] == (40, None)
    assert len(metrics) == 8


def test_the_agenda_has_the_coaching_sections_in_order(cli, acme):
    new(cli, acme, "carla")
    text = (acme / "carla-mendes" / "2026-11-23.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. Where are we against goal?", "## 2. Where do you need help?", "## 3. Behaviour plan",
        "## 4. Coaching plan", "## 5. Most important upcoming calls",
        "## Review: commitments carried forward", "## Private", "## New commitments (homework)"]  # (carla has
    # a private commitment: its review item is in the private part, before the homework)
    table = text[text.index("| KPI |"):text.index("\n\n", text.index("| KPI |"))]
    rows = [l for l in table.splitlines() if l.startswith("| ") and "---" not in l][1:]
    kinds = [r.split("|")[2].strip() for r in rows]
    assert kinds == sorted(kinds, key=lambda k: k != "output")  # outputs before inputs
    assert "| Close rate | output | 16.5% | 25% | 66% |" in table


def test_the_new_note_passes_check(cli, acme):
    for rep in ("alice", "bob", "carla"):
        assert new(cli, acme, rep).exit_code == 0
    result = cli("--notebook", acme, "check")
    assert result.exit_code == 0, result.stdout
    assert "0 errors" in result.stderr


def test_an_existing_note_is_never_overwritten(cli, acme):
    path = acme / "bob-okafor" / "2026-11-16.md"
    before = path.read_bytes()
    result = new(cli, acme, "bob", "--date", "2026-11-16")
    assert result.exit_code == 1
    assert f"{path} already exists" in result.stderr and "--another" in result.stderr
    assert path.read_bytes() == before
    assert result.stdout == ""


def test_another_writes_a_second_note_for_the_same_day(cli, acme):
    result = new(cli, acme, "bob", "--date", "2026-11-16", "--another")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("bob-okafor/2026-11-16-2.md")
    note = read_back(acme, "bob-okafor/2026-11-16-2.md")
    assert note.seq == 2 and note.date == dt.date(2026, 11, 16)


@pytest.mark.parametrize("bad", ["../x", "/etc", "a/b", "", " ", ".hidden", "templates"])
def test_rep_names_that_are_paths_or_empty_are_refused(cli, acme, bad):
    before = sorted(p.name for p in acme.iterdir() if p.name != ".onenotes")
    assert {"alice-nguyen", "bob-okafor", "carla-mendes", "onenotes.yaml"} <= set(before)
    result = new(cli, acme, bad, "--add")
    assert result.exit_code == 2, result.output
    assert "error:" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in acme.iterdir() if p.name != ".onenotes") == before


def test_an_unknown_rep_is_refused_with_the_list_of_reps(cli, acme):
    result = new(cli, acme, "dana")
    assert result.exit_code == 1
    assert "unknown rep 'dana'; known reps: alice-nguyen, bob-okafor, carla-mendes" in result.stderr
    assert not (acme / "dana").exists()


def test_add_creates_the_rep_folder_and_a_first_agenda(cli, acme):
    result = new(cli, acme, "Dana Kim", "--add")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("dana-kim/2026-11-23.md")
    assert "new rep folder dana-kim/" in result.stderr
    assert "# One-on-one: Dana Kim, 2026-11-23" in (acme / "dana-kim" / "2026-11-23.md").read_text()


def test_a_decomposed_unicode_name_matches_the_existing_folder(cli, notebook):
    (notebook / unicodedata.normalize("NFC", "josé")).mkdir()
    result = new(cli, notebook, unicodedata.normalize("NFD", "José"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in notebook.iterdir() if p.is_dir() and p.name != ".onenotes") == ["ann", "josé"]


def test_hostile_names_and_texts_cannot_break_or_inject_yaml(cli, notebook):
    (notebook / "onenotes.yaml").write_text('reps:\n  ann:\n    name: "Ann: VIP"\nmanager: "no"\n')
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", commitments=(
        '  - id: "no"\n    text: "line one\\nstatus: done\\n- [ ] injected"\n    due: 2026-11-20\n')))
    result = new(cli, notebook, "ann", "--date", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    note = read_back(notebook, "ann/2026-11-16.md")
    assert note.meta["manager"] == "no"
    [m, item] = note.mentions
    assert (m.id, m.text, m.status) == ("no", "line one\nstatus: done\n- [ ] injected", "open")
    assert (item.origin, item.id, item.text, item.status) == ("body", "no", m.text, "open")  # its review item
    assert "# One-on-one: Ann: VIP, 2026-11-16" in (notebook / "ann" / "2026-11-16.md").read_text()


def test_edit_opens_the_note_in_the_editor(cli, acme, tmp_path):
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\necho '<!-- edited -->' >> \"$1\"\n")
    editor.chmod(0o755)
    result = cli("--notebook", acme, "new", "bob", "--today", TODAY, "--edit", env={"EDITOR": str(editor)})
    assert result.exit_code == 0, result.stderr
    assert (acme / "bob-okafor" / "2026-11-23.md").read_text().endswith("<!-- edited -->\n")


def test_a_notebook_that_cannot_be_written_gives_a_clear_error(cli, acme, monkeypatch):
    import errno

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("onenotes.reading.files._temp_file", refuse)
    result = new(cli, acme, "bob")
    assert result.exit_code == 4
    assert "cannot write" in result.stderr and "Read-only file system" in result.stderr
    assert not (acme / "bob-okafor" / "2026-11-23.md").exists()
    # Reading still works.
    assert cli("--notebook", acme, "followups").exit_code == 0


def test_a_rep_note_that_cannot_be_read_stops_the_agenda_naming_it(cli, acme):
    # It may hold open commitments the agenda would leave behind (tests/robustness/test_write_places.py).
    write(acme / "bob-okafor" / "2026-11-17.md", "---\nrep: [\n---\n")
    result = new(cli, acme, "bob")
    assert result.exit_code == 1
    assert result.stderr.startswith("onenotes: bob-okafor/2026-11-17.md:3:1: error: invalid YAML")
    assert "\nonenotes: error: cannot write the next agenda: bob-okafor/2026-11-17.md cannot be read " \
        "(line 3: " in result.stderr
    assert not (acme / "bob-okafor" / "2026-11-23.md").exists()


# ------------------------------------------------------------ templates ---

def test_templates_in_the_notebook_override_the_packaged_ones(cli, notebook):
    write(notebook / "templates" / "one-on-one.md", "---\nrep: {{ rep.slug | yaml }}\n---\n# Mine\n")
    result = new(cli, notebook, "ann")
    assert result.exit_code == 0, result.stderr
    assert (notebook / "ann" / "2026-11-23.md").read_text() == "---\nrep: ann\n---\n# Mine\n"


def test_the_team_meeting_template(cli, notebook):
    result = new(cli, notebook, "team", "--add", "--template", "team-meeting")
    assert result.exit_code == 0, result.stderr
    text = (notebook / "team" / "2026-11-23.md").read_text()
    for section in ("Wins and losses", "Stuck deals", "Pipeline cadence", "New products",
                    "Company announcements", "Market changes"):
        assert f"## {section}" in text


@pytest.mark.parametrize("source, expected", [
    ("---\nrep: {{ rep.slug | yaml }}\n---\n{% if %}\n", "templates/one-on-one.md:4: template syntax error"),
    ("---\nrep: x\n---\n\n{{ rep.nmae }}\n", "templates/one-on-one.md:5: 'dict object' has no attribute 'nmae'"),
    ("---\n---\n{{ nothing }}\n", "one-on-one.md:3: 'nothing' is undefined"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "refused by the template sandbox"),
    ("{{ 'a' * 10**8 }}", "too large"),
    ("{% for i in range(99999) %}{{ 'x' * 99 }}{% endfor %}", "over 1024 KiB"),
    ("---\nrep: [broken\n---\n", "cannot be read back"),
    ("---\nrep: ann\ncommitments: []\n---\n", None),
])
def test_broken_or_hostile_templates_are_reported_with_name_and_line(cli, notebook, source, expected):
    write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", commitments="  - text: Call Globex\n"))
    write(notebook / "templates" / "one-on-one.md", source)
    result = new(cli, notebook, "ann")
    if expected is None:  # drops the carried commitment: refused, not silently lost
        expected = "did not carry commitment"
    assert result.exit_code == 3, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert not (notebook / "ann" / "2026-11-23.md").exists()


def test_unknown_template_lists_the_available_ones(cli, notebook):
    result = new(cli, notebook, "ann", "--template", "weekly")
    assert result.exit_code == 3
    assert "no template named 'weekly'; available: one-on-one, team-meeting" in result.stderr
    assert new(cli, notebook, "ann", "--template", "../../etc/passwd").exit_code == 3


def test_a_template_linking_outside_the_notebook_is_refused(cli, notebook, tmp_path):
    outside = write(tmp_path / "elsewhere.md", "---\n---\nhi\n")
    (notebook / "templates").mkdir()
    (notebook / "templates" / "one-on-one.md").symlink_to(outside)
    result = new(cli, notebook, "ann")
    assert result.exit_code == 3 and "outside" in result.stderr


# ------------------------------------------------------------ round trip ---

SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
                    min_size=1, max_size=40).filter(lambda t: t.strip())


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(SAFE_TEXT, min_size=1, max_size=3),
       dues=st.lists(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), min_size=3, max_size=3),
       owner=st.sampled_from(["rep", "manager"]), name=SAFE_TEXT)
def test_round_trip_what_new_writes_reads_back_exactly(tmp_path_factory, texts, dues, owner, name):
    root = tmp_path_factory.mktemp("rt")
    (root / "onenotes.yaml").write_text(
        f"reps:\n  ann:\n    name: {to_yaml_scalar(name)}\n"
        "kpis:\n  revenue: {kind: output, goal: 1.5}\n  'no': {kind: input, goal: 7}\n", encoding="utf-8")
    items = "".join(
        f"  - id: {to_yaml_scalar(f'c{i}')}\n    text: {to_yaml_scalar(t)}\n    owner: {owner}\n"
        f"    due: {to_yaml_scalar(dues[i])}\n    since: 2026-11-02\n"
        for i, t in enumerate(texts))
    write(root / "ann" / "2026-11-09.md", note_text(date="2026-11-09", commitments=items))
    book = load_notebook(root)
    assert not book.problems and not book.notes[0].problems
    made = create_note(book, "ann", today=dt.date(2026, 11, 23))
    note = parse_note(made.text, made.rel, "ann", made.date)
    assert not note.problems
    want = [(f"c{i}", t.strip(), owner, dues[i], dt.date(2026, 11, 2), "open") for i, t in enumerate(texts)]
    for origin in ("frontmatter", "body"):  # the carried commitments, then their review items
        got = [(m.id, m.text, m.owner, m.due, m.since, m.status) for m in note.mentions if m.origin == origin]
        assert got == want, origin
        # (a text that cannot be a review item, such as one holding %%, is listed without a box)
        want = [w for w in want if reviewable(w[0], w[1])]
    assert [(m.name, m.goal, m.actual) for m in note.metrics] == [("revenue", 1.5, None), ("no", 7, None)]
    # The frontmatter means the same to a YAML 1.1 reader (PyYAML) as to ours.
    fm, _ = HANDLER.split(made.text)
    assert yaml.safe_load(fm) == json.loads(json.dumps(load_yaml(fm), default=str))


# ------------------------------------------------------------ races ---

def test_racing_processes_write_exactly_one_note(acme):
    """Six real processes create the same note at once: one wins, the rest refuse."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "onenotes", "--notebook", str(acme), "new", "bob",
           "--date", "2026-11-23"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(6)]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1, 1, 1, 1, 1], results
    assert all("already exists" in err for code, _, err in results if code == 1)
    notes = sorted(p.name for p in (acme / "bob-okafor").iterdir())
    assert notes.count("2026-11-23.md") == 1 and not [n for n in notes if n.startswith(".")]
    assert read_back(acme, "bob-okafor/2026-11-23.md").mentions  # a whole note


def test_create_note_refuses_an_existing_file_in_the_core(acme):
    book = load_notebook(acme)
    with pytest.raises(NoteExistsError):
        create_note(book, "bob", today=dt.date(2026, 11, 23), date=dt.date(2026, 11, 16))
