"""A commitment made in a private part is private for its whole life.

`onenotes new` carries it with `private: true` and lists it in the agenda's
private part; `share` leaves it out of every later note (frontmatter summary,
review list, any list), and refuses rather than guess when privacy cannot be
decided.  The manager's own views (followups, brief, report) still show it.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples, note_text, write
from onenotes.changes.new import create_note
from onenotes.reading.note import parse_note
from onenotes.reading.notebook import load_notebook
from onenotes.views.share import share_note

HR_TASK = "Talk to HR about Priya's competing offer"


def _first_note(notebook, body):
    return write(notebook / "ann" / "2026-11-09.md", note_text(date="2026-11-09", body=body))


def test_a_task_under_a_private_heading_is_carried_private_and_never_shared(cli, notebook):
    _first_note(notebook, "## Homework\n- [ ] Send the deck due: 2026-11-20\n\n"
                          f"## Private\n- [ ] {HR_TASK} due: 2026-11-30\n")
    assert cli("--notebook", notebook, "new", "ann", "--date", "2026-11-16").exit_code == 0
    text = (notebook / "ann" / "2026-11-16.md").read_text(encoding="utf-8")
    note = parse_note(text, "ann/2026-11-16.md", "ann", dt.date(2026, 11, 16))
    carried = {m.text: m for m in note.mentions if m.origin == "frontmatter"}
    assert carried[HR_TASK].private and not carried["Send the deck"].private
    # The rep never sees it, so it is the manager's to keep (unless the task names its owner).
    assert (carried[HR_TASK].owner, carried["Send the deck"].owner) == ("manager", "rep")
    assert "    private: true\n" in text
    # Listed once for review, in the agenda's private part, after the shared review list.
    assert text.index("## Private") < text.index(HR_TASK + " (manager") < text.index("## New commitments")
    for path in ("ann/2026-11-09.md", "ann/2026-11-16.md"):
        shared = cli("--notebook", notebook, "share", path)
        assert shared.exit_code == 0, shared.stderr
        assert "HR" not in shared.stdout and "Priya" not in shared.stdout
        assert "Send the deck" in shared.stdout


def test_a_task_in_a_private_block_is_private_and_the_managers_views_still_show_it(cli, notebook):
    _first_note(notebook, f"Notes.\n<!-- private -->\n- [ ] {HR_TASK}\n<!-- /private -->\n- [ ] Public one\n")
    rows = json.loads(cli("--notebook", notebook, "followups", "--format", "json").stdout)
    assert {r["text"]: r["private"] for r in rows} == {HR_TASK: True, "Public one": False}
    brief = cli("--notebook", notebook, "brief", "ann", "--today", "2026-11-16")
    assert brief.exit_code == 0


def test_private_stays_private_after_the_frontmatter_mark_is_deleted(cli, notebook):
    _first_note(notebook, f"## Private\n- [ ] {HR_TASK}\n")
    cli("--notebook", notebook, "new", "ann", "--date", "2026-11-16")
    path = notebook / "ann" / "2026-11-16.md"
    # The manager deletes the mark and moves the review item into the public part.
    text = path.read_text(encoding="utf-8").replace("    private: true\n", "")
    item = next(line for line in text.splitlines() if line.startswith("- [ ] " + HR_TASK))
    text = text.replace(item + "\n", "").replace("## New commitments (homework)\n",
                                                 "## New commitments (homework)\n" + item + "\n")
    path.write_text(text, encoding="utf-8")
    result = cli("--notebook", notebook, "share", "ann/2026-11-16.md")
    assert result.exit_code != 0 and result.stdout == ""
    assert "private commitment" in result.stderr and "ann/2026-11-16.md:" in result.stderr
    # The next agenda still carries it as private.
    cli("--notebook", notebook, "new", "ann", "--date", "2026-11-23")
    later = (notebook / "ann" / "2026-11-23.md").read_text(encoding="utf-8")
    assert "    private: true\n" in later


def test_a_custom_template_that_lists_private_texts_in_public_is_refused_by_share(cli, notebook):
    _first_note(notebook, f"## Private\n- [ ] {HR_TASK}\n")
    write(notebook / "templates" / "one-on-one.md",
          "---\ncommitments:\n{% for c in commitments %}  - id: {{ c.id | yaml }}\n    text: {{ c.text | yaml }}\n    owner: {{ c.owner }}\n"
          "{% if c.private %}    private: true\n{% endif %}{% endfor %}---\n# Notes\n"
          "{% for c in commitments %}* {{ c.text }}\n{% endfor %}")
    assert cli("--notebook", notebook, "new", "ann", "--date", "2026-11-16").exit_code == 0
    result = cli("--notebook", notebook, "share", "ann/2026-11-16.md")
    assert result.exit_code != 0 and HR_TASK not in result.stdout
    assert "ann/2026-11-16.md:9:" in result.stderr  # the line that lists it


def test_a_template_that_drops_the_private_mark_is_refused_by_new(cli, notebook):
    _first_note(notebook, f"## Private\n- [ ] {HR_TASK}\n")
    write(notebook / "templates" / "one-on-one.md",
          "---\ncommitments:\n{% for c in commitments %}  - id: {{ c.id | yaml }}\n    text: {{ c.text | yaml }}\n    owner: {{ c.owner }}\n"
          "{% endfor %}---\n")
    result = cli("--notebook", notebook, "new", "ann", "--date", "2026-11-16")
    assert result.exit_code != 0 and "private: true" in result.stderr
    assert not (notebook / "ann" / "2026-11-16.md").exists()


def test_while_the_private_markup_is_broken_every_task_of_the_note_is_private(notebook):
    _first_note(notebook, "<!-- private -->\nnever closed\n- [ ] Anything\n")
    [entry] = [e for e in _ledger(notebook)]
    assert entry.private


def test_a_frontmatter_private_value_that_is_not_true_or_false_is_an_error_read_as_private(notebook):
    write(notebook / "ann" / "2026-11-09.md", note_text(
        date="2026-11-09", commitments="  - text: Raise it with HR\n    private: maybe\n"))
    book = load_notebook(notebook)
    [note] = book.notes
    assert note.mentions[0].private
    assert [p.code for p in note.problems] == ["commitment-private"]


def _ledger(notebook):
    from onenotes.rules.commitments import build_ledger

    return build_ledger(load_notebook(notebook).notes)


# --------------------------------------------------- the property ---

SECRET = re.compile(r"SECRET\d+")


@st.composite
def weeks(draw):
    """Per week: what the manager writes into the note `new` made (private parts with
    SECRET tokens, public tasks, ticks of review items)."""
    plan = []
    for week in range(draw(st.integers(2, 4))):
        parts = []
        for k in range(draw(st.integers(0, 4))):
            token = f"SECRET{week}{k}"
            form = draw(st.sampled_from(["heading", "subheading", "block", "inline-block", "nested"]))
            parts.append((form, token))
        publics = draw(st.integers(0, 2))
        ticks = draw(st.lists(st.sampled_from(["[x]", "[-]", "[ ]"]), max_size=6))
        plan.append((parts, publics, ticks))
    return plan


def _write_private(form: str, token: str) -> str:
    if form == "heading":
        return f"\n## Private\n\n- [ ] Raise {token} with HR due: 2026-12-01\nAnd {token} aside.\n\n## Later\n"
    if form == "subheading":
        return f"\n### Private notes\n- [ ] Check {token}\n  - [ ] {token} detail\n\n## After\n"
    if form == "block":
        return f"\n<!-- private -->\n- [ ] Ask about {token}\n<!-- /private -->\n"
    if form == "inline-block":
        return f"\nGood call. <!-- private -->{token} seemed tired.<!-- /private -->\n"
    return f"\n- [ ] Public parent\n  <!-- private -->\n  - [ ] {token} nested\n  <!-- /private -->\n"


@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=weeks())
def test_no_text_from_a_private_part_reaches_any_later_shared_copy(tmp_path_factory, plan):
    root = tmp_path_factory.mktemp("history")
    (root / "onenotes.yaml").write_text("manager: Sam\nreps:\n  ann:\n    name: Ann Lee\n", encoding="utf-8")
    (root / "ann").mkdir()
    day = dt.date(2026, 11, 2)
    for week, (parts, publics, ticks) in enumerate(plan):
        book = load_notebook(root)
        made = create_note(book, "ann", today=day, date=day)
        lines = made.path.read_text(encoding="utf-8").split("\n")
        # Tick some review items, where the manager reads them.
        boxes = [i for i, line in enumerate(lines) if line.startswith("- [ ] ") and "[id:: " in line]
        for i, tick in zip(boxes, ticks):
            lines[i] = "- " + tick + lines[i][5:]
        text = "\n".join(lines)
        text += "".join(_write_private(form, token) for form, token in parts)
        text += "".join(f"\n- [ ] Public task {week}-{n} due: 2026-12-0{n + 1}\n" for n in range(publics))
        made.path.write_text(text, encoding="utf-8")
        day += dt.timedelta(days=7)
    book = load_notebook(root)
    assert not book.problems
    for note in book.notes:
        shared = share_note(book, note).markdown
        assert not SECRET.search(shared), (note.path, SECRET.findall(shared))


def test_the_calendar_marks_a_private_commitments_todo_private(cli, notebook, tmp_path):
    _first_note(notebook, f"## Private\n- [ ] {HR_TASK} due: 2026-11-30\n\n## Homework\n- [ ] Send the deck due: 2026-11-20\n")
    out = tmp_path / "team.ics"
    assert cli("--notebook", notebook, "ics", "--today", "2026-11-16", "--out", out).exit_code == 0
    events = out.read_text(encoding="utf-8").replace("\r\n ", "").split("BEGIN:VTODO")[1:]
    hr = next(e for e in events if "SUMMARY:A private commitment" in e)
    deck = next(e for e in events if "Send the deck" in e)
    assert "CLASS:PRIVATE" in hr and "CLASS:" not in deck
    assert "HR" not in out.read_text(encoding="utf-8")  # its words are in no event


# ------------------------------------------- what a second reader found ---

def test_a_separator_line_under_text_in_a_private_section_is_refused_not_shared(cli, notebook):
    # "text" then "---" is a heading to Markdown, which would end the section: share refuses.
    _first_note(notebook, "## Notes\n\nGood week.\n\n## Private\n\nWorried about her motivation\n---\n"
                          "- [ ] SECRET talk to HR about her\n")
    result = cli("--notebook", notebook, "share", "ann/2026-11-09.md")
    assert result.exit_code != 0 and "SECRET" not in result.stdout and "Worried" not in result.stdout
    assert "ann/2026-11-09.md:12:" in result.stderr and "blank line before the ---" in result.stderr  # the --- line
    rows = json.loads(cli("--notebook", notebook, "followups", "--format", "json").stdout)
    assert [r["private"] for r in rows] == [True]  # undecidable: private
    assert "private-markup" in cli("--notebook", notebook, "check").stdout


def test_a_private_part_only_a_later_pass_finds_stays_private_in_later_notes(cli, notebook):
    _first_note(notebook, "\n<!-- draft -->## Private\n- [ ] Ask HR about her sick leave\n")
    assert "sick" not in cli("--notebook", notebook, "share", "ann/2026-11-09.md").stdout
    cli("--notebook", notebook, "new", "ann", "--date", "2026-11-16")
    later = cli("--notebook", notebook, "share", "ann/2026-11-16.md")
    assert later.exit_code == 0 and "sick" not in later.stdout


def test_obsidian_comments_are_left_out_of_the_shared_copy(cli, notebook):
    _first_note(notebook, "Good call. %% she seemed distracted, check with HR %%\n"
                          "- [ ] Call Ann %% after lunch %%\n%%\nnot for her\n%%\nPublic line\n")
    shared = cli("--notebook", notebook, "share", "ann/2026-11-09.md").stdout
    assert "distracted" not in shared and "after lunch" not in shared and "not for her" not in shared
    assert "Good call." in shared and "- [ ] Call Ann" in shared and "Public line" in shared


def test_an_invisible_character_before_a_private_heading_is_refused(cli, notebook):
    for mark in ("\u200b", "\ufeff", "\u00a0"):
        _first_note(notebook, f"Notes\n\n{mark}## Private\n- [ ] SECRET task\n")
        result = cli("--notebook", notebook, "share", "ann/2026-11-09.md")
        assert result.exit_code != 0 and "SECRET" not in result.stdout, repr(mark)


def test_the_guard_matches_whole_words_and_only_notes_from_the_commitment_on(cli, notebook):
    write(notebook / "ann" / "2026-11-02.md", note_text(date="2026-11-02", body="We said she will call Bob.\n"))
    _first_note(notebook, "## Private\n- [ ] Call Bob\n\n## Notes\nThe task hrs are fine; recall Bobby.\n")
    assert cli("--notebook", notebook, "share", "ann/2026-11-02.md").exit_code == 0  # before it was made
    assert cli("--notebook", notebook, "share", "ann/2026-11-09.md").exit_code == 0  # no whole words
