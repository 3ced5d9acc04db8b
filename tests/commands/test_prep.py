"""`onenotes prep REP` and `onenotes new REP --prep FILE` through the real CLI: the form, the
round trip into the agenda, and the forms that are refused whole."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import TODAY, write
from onenotes.reading.notebook import load_notebook
from onenotes.rules.commitments import build_ledger
from support.prepfill import BOB, fill

GOLDEN = Path(__file__).parent.parent / "golden"
FORM_GOLDEN = GOLDEN / "prep-bob-okafor-2026-11-23.md"
AGENDA_GOLDEN = GOLDEN / "new-bob-okafor-2026-11-23-prep.md"
AGENDA = ("bob-okafor", "2026-11-23.md")


def prep(cli, root, *args):
    return cli("--notebook", root, "prep", *args, "--today", TODAY)


def form_of(cli, root, rep="bob", *args) -> str:
    result = prep(cli, root, rep, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def new_with(cli, root, form_text: str, tmp_path, *args, rep="bob", name="filled.md"):
    path = tmp_path / name
    path.write_bytes(form_text.encode("utf-8") if isinstance(form_text, str) else form_text)
    return cli("--notebook", root, "new", rep, "--prep", path, *args, "--today", TODAY)


def agenda(root: Path) -> str:
    return (root.joinpath(*AGENDA)).read_text(encoding="utf-8")


def golden(path: Path, text: str) -> None:
    if os.environ.get("ONENOTES_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# ----------------------------------------------------------------- the form ---

def test_the_form_of_an_example_rep_matches_the_reviewed_golden_file(cli, acme):
    result = prep(cli, acme, "bob-okafor", "--date", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    golden(FORM_GOLDEN, result.stdout)
    assert result.stderr == ("onenotes: prep form for Bob Okafor's one-on-one of 2026-11-23: 8 KPIs, "
                             "9 open commitments (left out: 1 commitment of yours)\n")


def test_the_default_date_is_the_next_meeting_as_new_dates_it(cli, acme):
    form = cli("--notebook", acme, "prep", "carla", "--today", "2026-11-18").stdout
    assert "\ndate: 2026-11-23\n" in form and "Monday 23 November 2026" in form
    made = cli("--notebook", acme, "new", "carla", "--today", "2026-11-18").stdout
    assert made.strip().endswith("carla-mendes/2026-11-23.md")


def test_the_form_holds_only_the_reps_own_open_shared_commitments_and_no_private_text(cli, acme):
    form = form_of(cli, acme, "carla")
    book = load_notebook(acme)
    entries = [e for e in build_ledger(book.notes) if e.rep == "carla-mendes"]
    listed = {e.id for e in entries if e.status == "open" and e.owner == "rep" and not e.private}
    left_out = {e.id for e in entries if e.status != "open" or e.owner != "rep" or e.private}
    assert any(e.private for e in entries) and any(e.owner == "manager" for e in entries)
    for cid in listed:
        assert f': "{cid}"\n' in form
    for cid in left_out:
        assert cid not in form
    for e in entries:
        if e.private:
            assert e.text not in form
    # Nothing of the notes' bodies (private parts, manager-only guidance) and no figure but goals.
    assert "<!--" not in form and "Private" not in form
    for note in book.notes_of("carla-mendes"):
        for m in note.metrics:
            if m.actual is not None and m.actual not in (m.goal,):
                assert f"): {m.actual}" not in form


def test_out_writes_a_new_file_and_never_overwrites_one(cli, acme, tmp_path):
    out = tmp_path / "bob-prep.md"
    result = prep(cli, acme, "bob", "--out", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.startswith("onenotes: wrote the prep form for Bob Okafor's one-on-one of 2026-11-23")
    before = out.read_bytes()
    again = prep(cli, acme, "bob", "--out", out)
    assert again.exit_code == 1
    assert f"{out} exists; prep never overwrites a file" in again.stderr
    assert out.read_bytes() == before


def test_prep_says_when_the_next_agenda_is_written_already(cli, acme, tmp_path):
    assert cli("--notebook", acme, "new", "bob", "--today", TODAY).exit_code == 0
    result = prep(cli, acme, "bob")
    assert result.exit_code == 0
    assert result.stderr.startswith("onenotes: bob-okafor/2026-11-23.md, the agenda of 2026-11-23, is written "
                                    "already: this form is for the meeting after it\n")
    assert "\ndate: 2026-11-30\n" in result.stdout
    # And a form for that meeting cannot go into the agenda written already: new says so.
    form = form_of(cli, acme, "bob", "--date", "2026-11-23")
    result = new_with(cli, acme, form, tmp_path)
    assert result.exit_code == 1
    assert "the agenda of 2026-11-23 is written already (bob-okafor/2026-11-23.md), and a prep form goes into " \
           "a new agenda only" in result.stderr
    result = new_with(cli, acme, form, tmp_path, "--date", "2026-11-23")
    assert result.exit_code == 1 and "already exists; it was not changed" in result.stderr
    assert "a prep form goes into a new agenda only" in result.stderr


def test_prep_refuses_a_rep_whose_notes_cannot_all_be_read(cli, acme):
    write(acme / "bob-okafor" / "2026-11-20.md", "---\nrep: [\n---\n")
    result = prep(cli, acme, "bob")
    assert result.exit_code == 1 and result.stdout == ""
    assert "cannot make the prep form: bob-okafor/2026-11-20.md cannot be read" in result.stderr
    assert "Traceback" not in result.output


# ------------------------------------------------------------ the round trip ---

def test_round_trip_the_agenda_holds_exactly_what_the_rep_filled_in(cli, acme, tmp_path):
    before = {(e.id): (e.status, e.due) for e in build_ledger(load_notebook(acme).notes) if e.rep == "bob-okafor"}
    files = {p: p.read_bytes() for p in acme.rglob("*") if p.is_file()}
    filled = fill(form_of(cli, acme), **BOB)
    result = new_with(cli, acme, filled, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{acme.joinpath(*AGENDA)}\n"
    assert "from the prep form: 4 figures, 4 answers, 3 confidence ratings, 2 commitment updates" in result.stderr
    note = next(n for n in load_notebook(acme).notes if n.path == "bob-okafor/2026-11-23.md")
    # The figures, typed as written (a decimal stays a decimal), and no other.
    assert {m.name: m.actual for m in note.metrics if m.actual is not None} == {
        "revenue": 21450.5, "new_accounts": 2, "sales_calls": 38, "new_opportunities": 5}
    assert {m.name: m.goal for m in note.metrics}["revenue"] == 25000
    text = agenda(acme)
    # The rep's words, each once, in their sections.
    sections = _sections(text)
    assert _items(sections["## 1. Where are we against goal?"], "### Wins", "### How sure") == list(BOB["wins"])
    assert _items(sections["## 2. Where do you need help?"]) == list(BOB["help"])
    assert _items(sections["## 5. Most important upcoming calls"])[-2:] == list(BOB["calls"])
    assert "- Revenue: 3\n- New accounts: 4\n- Sales calls: 4\n" in text
    # What the rep says of their commitments, beside the review items: proposals, not closes.
    assert "since 2026-10-05) **Rep says done.** [id:: 1ec65bcf]" in text
    assert "**Rep proposes new date 2026-11-27.** [id:: bob-freight-prospect-list]" in text
    after = {e.id: (e.status, e.due) for e in build_ledger(load_notebook(acme).notes) if e.rep == "bob-okafor"}
    assert after == before  # nothing closed, no due date moved
    rows = json.loads(cli("--notebook", acme, "followups", "--rep", "bob", "--format", "json",
                          "--today", TODAY).stdout)
    assert {"1ec65bcf", "bob-freight-prospect-list"} <= {r["id"] for r in rows}
    history = json.loads(cli("--notebook", acme, "commitments", "bob", "--format", "json").stdout)
    assert {r["id"]: r["status"] for r in history}["1ec65bcf"] == "open"
    check = cli("--notebook", acme, "check")
    assert check.exit_code == 0 and "0 errors, 0 warnings" in check.stderr
    assert {p: p.read_bytes() for p in files} == files  # no other file changed


def test_the_agenda_made_with_a_filled_form_matches_the_reviewed_golden_file(cli, acme, tmp_path):
    result = new_with(cli, acme, fill(form_of(cli, acme), **BOB), tmp_path)
    assert result.exit_code == 0, result.stderr
    golden(AGENDA_GOLDEN, agenda(acme))


def test_a_blank_form_changes_nothing_in_the_agenda(cli, acme, tmp_path):
    form = form_of(cli, acme)
    assert new_with(cli, acme, form, tmp_path).exit_code == 0
    with_blank = agenda(acme)
    acme.joinpath(*AGENDA).unlink()
    cli("--notebook", acme, "new", "bob", "--today", TODAY)
    assert agenda(acme) == with_blank


def test_the_form_can_come_on_stdin(cli, acme):
    filled = fill(form_of(cli, acme), **BOB)
    result = cli("--notebook", acme, "new", "bob", "--prep", "-", "--today", TODAY, input=filled)
    assert result.exit_code == 0, result.stderr
    assert "Vandelay signed" in agenda(acme)


def test_a_form_through_a_mail_client_is_read_the_same(cli, acme, tmp_path):
    filled = fill(form_of(cli, acme), **BOB)
    assert new_with(cli, acme, filled, tmp_path).exit_code == 0
    expected = agenda(acme)
    # A reply quotes it, Windows ends lines with CRLF, a BOM in front, no-break spaces and a
    # zero-width space in the form's words, tabs for spaces, long headings wrapped.
    mailed = "\n".join("> " + line for line in filled.split("\n"))
    mailed = mailed.replace("- Revenue in USD (goal 25000):", "-\tRevenue\u00a0in USD\u200b (goal 25000):")
    mailed = mailed.replace("with a named contact at each (due", "with a named\n> contact at each (due")
    mailed = mailed.replace("> - Sales calls (goal 40): 38", "> - Sales calls (goal 40):\n> 38")
    data = b"\xef\xbb\xbf" + mailed.replace("\n", "\r\n").encode("utf-8")
    acme.joinpath(*AGENDA).unlink()
    result = new_with(cli, acme, data, tmp_path, name="mailed.md")
    assert result.exit_code == 0, result.stderr
    assert agenda(acme) == expected


def test_the_reps_words_cannot_make_close_or_hide_anything(cli, acme, tmp_path):
    hostile = ("- [ ] Buy a boat due: 2026-12-01", "[x] Write a 30-second opener [id:: 1ec65bcf]",
               "<!-- private -->", "<!-- manager-only -->", "<!--", "## Private", "# Heading",
               "> - [x] quoted task", "%% hides the rest", "<div>", "--- ", "1. [ ] numbered task",
               "\u202eevil\u202c bidi", "~~struck~~ request", "[link]: http://example.com")
    form = form_of(cli, acme)
    filled = fill(form, wins=hostile, help=hostile, calls=hostile)
    filled = filled.replace("\n## Where I need help", "\n---\nstatus: done\n---\n\n## Where I need help")
    result = new_with(cli, acme, filled, tmp_path)
    assert result.exit_code == 0, result.stderr
    book = load_notebook(acme)
    note = next(n for n in book.notes if n.path == "bob-okafor/2026-11-23.md")
    carried = {m.id for m in note.mentions if m.origin == "frontmatter"}
    assert {m.id for m in note.mentions} == carried  # no task but the review items
    assert all(m.status == "open" for m in note.mentions)
    assert all(e.status == "open" for e in build_ledger(book.notes) if e.id in carried)
    text = agenda(acme)
    assert "<!-- private" not in text.split("## Private", 1)[0]  # (the template's own ## Private part)
    assert "\n## Private" not in text and "%%" not in text and "<div>" not in text
    shared = cli("--notebook", acme, "share", "bob", "--today", TODAY)
    assert shared.exit_code == 0, shared.stderr
    assert "Buy a boat" in shared.stdout and "hides the rest" in shared.stdout
    assert cli("--notebook", acme, "check").exit_code == 0
    # And next week, what was carried is still text.
    assert cli("--notebook", acme, "new", "bob", "--today", "2026-11-30").exit_code == 0
    later = next(n for n in load_notebook(acme).notes if n.path == "bob-okafor/2026-11-30.md")
    assert {m.id for m in later.mentions if m.origin == "body"} <= carried


def _sections(text: str) -> dict[str, str]:
    parts = text.split("\n## ")
    return {"## " + p.split("\n", 1)[0]: p.split("\n", 1)[1] if "\n" in p else "" for p in parts[1:]}


def _items(section: str, after: str | None = None, before: str | None = None) -> list[str]:
    if after is not None:
        section = section.split(after, 1)[1]
    if before is not None:
        section = section.split(before, 1)[0]
    return [line[2:] for line in section.split("\n") if line.startswith("- ")]


# ---------------------------------------------------------------- refusals ---

def _refused(result, *messages):
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    assert "cannot be read as a prep form" in result.stderr and "nothing was written" in result.stderr
    for message in messages:
        assert message in result.stderr, result.stderr


@pytest.fixture
def filled(cli, acme):
    return fill(form_of(cli, acme), **BOB)


def test_a_form_for_another_rep_is_refused(cli, acme, tmp_path):
    carla = fill(form_of(cli, acme, "carla"), figures={"Revenue": "1"})
    result = new_with(cli, acme, carla, tmp_path)
    _refused(result, "filled.md:4: error: this form is carla-mendes's, not bob-okafor's")
    assert not acme.joinpath(*AGENDA).exists()


def test_a_form_for_another_week_is_refused(cli, acme, tmp_path, filled):
    result = new_with(cli, acme, filled, tmp_path, "--date", "2026-11-24")
    _refused(result, "filled.md:5: error: this form is for the meeting of 2026-11-23, and the agenda is for "
                     "2026-11-24", "change the form's date line to 2026-11-24")
    assert not (acme / "bob-okafor" / "2026-11-24.md").exists()


def test_a_form_made_before_the_kpis_changed_is_refused(cli, acme, tmp_path, filled):
    config = acme / "onenotes.yaml"
    config.write_text(config.read_text().replace("goal: 25000", "goal: 27000"))
    _refused(new_with(cli, acme, filled, tmp_path), "the KPIs for bob-okafor changed since this form was made "
             "(a goal, label or unit changed)", "make a new form with `onenotes prep bob-okafor --date 2026-11-23`")
    config.write_text(config.read_text().replace("  sales_calls:\n    kind: input", "  demos: {kind: input, goal: 3}\n"
                                                 "  sales_calls:\n    kind: input"))
    _refused(new_with(cli, acme, filled, tmp_path), "(added demos)")


def test_an_unknown_or_closed_commitment_is_refused(cli, acme, tmp_path, filled):
    forged = filled.replace('C2: "d5292beb"', 'C2: "not-an-id"').replace('C4: "9b211691"', 'C4: "a01e1823"')
    forged = forged.replace('C5: "bob-daily-call-count"', 'C5: "1ec65bcf"')
    _refused(new_with(cli, acme, forged, tmp_path), "filled.md:18: error: C2: 'not-an-id' is not one of "
             "bob-okafor's own commitments", "filled.md:20: error: C4: 'a01e1823' is not one of",
             "filled.md:21: error: C5 and C1 are the same commitment ('1ec65bcf')")
    # Closed since the form was made: a date proposed for it cannot be applied; a tick, or
    # nothing at all, agrees with the close.
    for cid in ("d5292beb", "bob-freight-prospect-list", "1ec65bcf"):
        assert cli("--notebook", acme, "done", cid, "--today", TODAY).exit_code == 0
    c3 = filled.split("\n").index("- New date: 2026-11-27") - 2  # (the problem is on C3's heading)
    _refused(new_with(cli, acme, filled, tmp_path), f"filled.md:{c3}: error: C3 ('Build a list of 50 mid-size "
             "freight prospects with a named contact at each') is done since this form was made "
             "(bob-okafor/2026-11-16.md), and the form proposes a new date for it")
    result = new_with(cli, acme, filled.replace("- New date: 2026-11-27", "- New date:"), tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "Rep says" not in agenda(acme) and "from the prep form: 4 figures, 4 answers, 3 confidence ratings, 0 commitment updates" \
        in result.stderr


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("C9: \"0f44af25\"\n---\n", "C9: \"0f44af25\"\n\n", 1),
     "the block between the two '---' lines at the top is not closed"),
    (lambda t: t.replace("rep: bob-okafor", "rep: [bob", 1), "the lines between the '---' at the top cannot be read"),
    (lambda t: t.replace("## Where I need help\n", "", 1), "the heading '## Where I need help' is missing"),
    (lambda t: t.replace("## Wins this week", "## My wins", 1),
     "the heading 'My wins' is not one of the form's: is it '## Wins this week', changed?"),
    (lambda t: t.replace("## Wins this week", "## Notes", 1), "the heading '## Wins this week' is missing"),
    (lambda t: t + "\n## Wins this week\n\n- again\n", "the section 'Wins this week' is here a second time"),
    (lambda t: t.replace("- Revenue in USD (goal 25000): 21450.5", "- Revenue (goal 25000): 21450.5", 1),
     "the line of Revenue was changed: it should start '- Revenue in USD (goal 25000):'"),
    (lambda t: t.replace("- Sales calls (goal 40): 38", "- Calls made: 38", 1), "not a KPI line of this form"),
    (lambda t: t.replace("- [x] Done", "- [x] Done on Tuesday", 1), "C1: only the box is read on this line"),
    (lambda t: t.replace("- [x] Done", "- (x) Done", 1), "text under C1, where the form reads only the box"),
    (lambda t: t.replace("- [x] Done", "- [?] Done", 1), "C1: [?] is not a box the form reads"),
    (lambda t: t.replace("### C2. Set up", "### C2. Set up (done!)", 1), "C2's heading was changed"),
    (lambda t: t.replace("### C5.", "### C55.", 1), "C55. Send Sam the day's call count by 5 pm (no due date)\" is not"),
    (lambda t: t.replace("- New date: 2026-11-27", "- New date: next week", 1),
     "C3: the new date 'next week' cannot be read"),
    (lambda t: t.replace("- New date: 2026-11-27", "- New date: 2026-11-02", 1),
     "C3: the new date 2026-11-02 is before the meeting (2026-11-23)"),
    (lambda t: t.replace("- New date: 2026-11-27", "- New date: 2026-11-31", 1), "November has 30 days"),
    (lambda t: t.replace("- Revenue in USD (goal 25000): 21450.5", "- Revenue in USD (goal 25000): 21450,5", 1),
     "Revenue: '21450,5' is not a figure as onenotes reads it (write 21450.5: a decimal point, not a comma)"),
    (lambda t: t.replace("(goal 2): 2", "(goal 2): 1.500", 1), "New accounts: 1.500 could be 1.5 or 1500"),
    (lambda t: t.replace("(goal 40): 38", "(goal 40): 38 calls", 1), "Sales calls: '38 calls' is not a figure"),
    (lambda t: t.replace("- Revenue in USD (goal 25000): 3", "- Revenue in USD (goal 25000): 3.5", 1),
     "Revenue: how sure you are is a whole number from 1 to 5, not '3.5'"),
    (lambda t: t.replace("We will go through it together", "We will go through it all together, Sam!", 1),
     "text above the first section, where the form has only its instructions"),
    (lambda t: t.replace("\n### C2.", "\nI sent it on Monday.\n\n### C2.", 1), "text under C1, where the form"),
    (lambda t: t.replace("form: onenotes-prep", "form: something", 1), "this is not a prep form"),
    (lambda t: t.replace("version: 1", "version: 2", 1), "this form is of version 2"),
    (lambda t: t.replace("version: 1", "version: 1\nnotes: hi", 1), "'notes' is not a line of the form"),
    (lambda t: "Hi Sam, here it is!\n\n" + t, "the form does not start with its '---' line"),
    (lambda t: t.replace("- [x] Done\n- New date:", "- [x] Done\n- New date: 2026-12-01", 1),
     "C1 is ticked done and has a new date"),
])
def test_a_hand_broken_form_is_refused_whole_with_the_line(cli, acme, tmp_path, filled, edit, message):
    broken = edit(filled)
    assert broken != filled
    result = new_with(cli, acme, broken, tmp_path)
    _refused(result, message)
    assert "filled.md:" in result.stderr  # every problem names the file and line
    assert not acme.joinpath(*AGENDA).exists()


def test_every_problem_is_listed_at_once(cli, acme, tmp_path, filled):
    broken = (filled.replace("(goal 2): 2", "(goal 2): two", 1).replace("- [x] Done", "- [o] Done", 1)
              .replace("## Wins this week", "## Wins", 1))
    result = new_with(cli, acme, broken, tmp_path)
    _refused(result, "3 problems")  # (the heading changed, not also one missing)
    lines = [line for line in result.stderr.splitlines() if ": error: " in line and "filled.md:" in line]
    assert len(lines) == 3
    numbers = [int(line.split("filled.md:", 1)[1].split(":", 1)[0]) for line in lines]
    assert numbers == sorted(numbers)


def test_a_form_saved_as_utf16_by_notepad_is_read(cli, acme, tmp_path, filled):
    result = new_with(cli, acme, filled.replace("\n", "\r\n").encode("utf-16"), tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "Vandelay signed" in agenda(acme)


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe-\x00-\x00\x00\xd8", "not valid UTF-16 text"),
    (b"---\nform: onenotes-prep\n\x00\x01", "file contains NUL bytes"),
    (b"---\n\xe9t\xe9\n", "not valid UTF-8"),
    (b"x" * (300 * 1024), "is over 256 KiB"),
])
def test_a_file_that_is_no_text_is_a_bad_input(cli, acme, tmp_path, data, message):
    result = new_with(cli, acme, data, tmp_path)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert not acme.joinpath(*AGENDA).exists()


def test_a_missing_file_a_folder_or_a_fifo_is_a_bad_input(cli, acme, tmp_path):
    for path in (tmp_path / "nope.md", tmp_path):
        result = cli("--notebook", acme, "new", "bob", "--prep", path, "--today", TODAY)
        assert result.exit_code == 2 and "cannot read" in result.stderr, result.output
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    result = cli("--notebook", acme, "new", "bob", "--prep", fifo, "--today", TODAY)
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_a_very_long_line_is_refused(cli, acme, tmp_path, filled):
    long_win = filled.replace("- Vandelay signed", "- " + "very " * 1000 + "Vandelay signed", 1)
    _refused(new_with(cli, acme, long_win, tmp_path), "characters long, over the 4,000 a form's line may have")


def test_add_with_prep_is_a_bad_option(cli, acme, tmp_path, filled):
    result = new_with(cli, acme, filled, tmp_path, "--add")
    assert result.exit_code == 2 and "--add and --prep do not go together" in result.stderr


def test_a_template_that_does_not_show_the_form_is_refused(cli, acme, tmp_path, filled):
    packaged = (Path(__file__).parents[2] / "templates" / "one-on-one.md").read_text(encoding="utf-8")
    assert "{% if prep and prep.wins %}" in packaged
    write(acme / "templates" / "plain.md", packaged.replace("{% if prep and prep.wins %}", "{% if false %}"))
    result = new_with(cli, acme, filled, tmp_path, "--template", "plain")
    assert result.exit_code == 3, result.output
    assert "the template 'plain' does not show the rep's prep form (wins left out)" in result.stderr
    assert not acme.joinpath(*AGENDA).exists()
