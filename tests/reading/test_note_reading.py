"""Reading one note: ``decode`` + ``parse_note`` on bytes, and ``read_note`` through real files.

Covers hostile inputs 1-10, 12 and 32-34 of /work/shared/hostile-inputs.md:
encodings and line ends, frontmatter delimiters, merge conflicts, dates and
time zones, task syntaxes in the body, commitment validation, derived ids and
metrics.  Every line number asserted here counts from the top of the file.

Also the golden pairs in ``tests/golden/notes/``: each ``NAME.md`` is parsed as
``ann/2026-11-16.md`` (rep ``ann``, meeting 2026-11-16, default ReadOptions)
and compared with ``NAME.json``.  To regenerate the JSON files after an
intended change, run::

    ONENOTES_UPDATE_GOLDEN=1 python -m pytest -q tests/reading/test_note_reading.py -k golden

then read every changed JSON file before keeping it: a golden file that
encodes a bug is a defect.  (``UPDATE_GOLDEN = True`` below does the same.)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import write
from onenotes.errors import NoteError
from onenotes.reading.note import HANDLER, ReadOptions, decode, derived_id, parse_note
from onenotes.reading.notefile import read_note
from onenotes.reading.yaml.safe import LineDict

PATH = "ann/2026-11-16.md"
MEETING = dt.date(2026, 11, 16)

# Set to True (or ONENOTES_UPDATE_GOLDEN=1) to rewrite tests/golden/notes/*.json.
UPDATE_GOLDEN = os.environ.get("ONENOTES_UPDATE_GOLDEN") == "1"
GOLDEN = Path(__file__).parent.parent / "golden" / "notes"


def parse(data, path=PATH, rep="ann", date=MEETING, options=ReadOptions()):
    """decode + parse_note, as read_note does, on bytes (or str, encoded as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return parse_note(decode(data, path), path, rep, date, 1, options)


def parse_error(data, **kwargs):
    with pytest.raises(NoteError) as info:
        parse(data, **kwargs)
    return info.value.problem


def read_file(root: Path, data: bytes, rel=PATH, options=ReadOptions()):
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return read_note(root, rel, options)


def codes(note):
    return [(p.line, p.severity, p.code) for p in note.problems]


# A typical note; the comments give file lines.
NOTE = (
    "---\n"                                            # 1
    "rep: ann\n"                                       # 2
    "date: 2026-11-16\n"                               # 3
    "commitments:\n"                                   # 4
    "  - id: globex-proposal\n"                        # 5
    "    text: Send the revised proposal to Globex\n"  # 6
    "    due: 2026-11-30\n"                            # 7
    "---\n"                                            # 8
    "# One-on-one: Ann Lee\n"                          # 9
    "\n"                                               # 10
    "- [ ] Call Bob about pricing due: 2026-11-20\n"   # 11
    "- [x] Update the CRM\n"                           # 12
)


def _summary(note):
    return (
        dict(note.meta),
        note.body_line,
        [(m.id, m.text, m.owner, m.status, m.due, m.line, m.origin) for m in note.mentions],
        codes(note),
    )


EXPECTED_SUMMARY = (
    {
        "rep": "ann",
        "date": dt.date(2026, 11, 16),
        "commitments": [{"id": "globex-proposal", "text": "Send the revised proposal to Globex",
                         "due": dt.date(2026, 11, 30)}],
    },
    9,
    [
        ("globex-proposal", "Send the revised proposal to Globex", "rep", "open",
         dt.date(2026, 11, 30), 5, "frontmatter"),
        (derived_id("ann", "2026-11-16", "Call Bob about pricing"), "Call Bob about pricing", "rep",
         "open", dt.date(2026, 11, 20), 11, "body"),
        (derived_id("ann", "2026-11-16", "Update the CRM"), "Update the CRM", "rep", "done", None,
         12, "body"),
    ],
    [],
)


# ------------------------------------------------------------ encodings and line ends ---


def test_plain_lf_note_reads_as_expected():
    assert _summary(parse(NOTE)) == EXPECTED_SUMMARY


VARIANTS = {
    "bom": b"\xef\xbb\xbf" + NOTE.encode(),
    "crlf": NOTE.replace("\n", "\r\n").encode(),
    "lone-cr": NOTE.replace("\n", "\r").encode(),
    "bom-crlf": b"\xef\xbb\xbf" + NOTE.replace("\n", "\r\n").encode(),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_bom_crlf_and_lone_cr_notes_read_like_lf_with_the_same_lines(variant):
    assert _summary(parse(VARIANTS[variant])) == EXPECTED_SUMMARY


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_bom_crlf_and_lone_cr_notes_read_like_lf_through_files(tmp_path, variant):
    note = read_file(tmp_path, VARIANTS[variant])
    assert note.path == PATH and note.rep == "ann" and note.date == MEETING and note.seq == 1
    assert _summary(note) == EXPECTED_SUMMARY


def test_decode_strips_the_bom_and_normalises_line_ends():
    assert decode(b"\xef\xbb\xbf---\r\na: 1\r---\n", PATH) == "---\na: 1\n---\n"


def _assert_encoding_problem(problem, line, column=None):
    assert problem.code == "encoding"
    assert problem.severity == "error"
    assert problem.line == line
    if column is not None:
        assert problem.column == column
    assert "re-save" in problem.hint and "UTF-8" in problem.hint


def test_latin1_note_is_refused_naming_the_line_and_column():
    data = ("---\nrep: ann\n---\n# Notes\nCaf\xe9 meeting with Globex\n").encode("latin-1")
    problem = parse_error(data)
    _assert_encoding_problem(problem, line=5, column=4)
    assert problem.path == PATH
    assert "0xe9" in problem.message


def test_utf16_note_with_bom_is_refused():
    problem = parse_error(NOTE.encode("utf-16"))  # the codec writes a BOM
    _assert_encoding_problem(problem, line=1)
    assert "UTF-16" in problem.message


def test_utf16_big_endian_note_with_bom_is_refused():
    problem = parse_error(b"\xfe\xff" + NOTE.encode("utf-16-be"))
    _assert_encoding_problem(problem, line=1)


def test_nul_bytes_are_refused_naming_their_line():
    problem = parse_error(b"---\nrep: ann\n---\nbinary \x00 data\n")
    _assert_encoding_problem(problem, line=4)
    assert "NUL" in problem.message


@pytest.mark.parametrize("data, line", [
    (("---\nrep: ann\n---\nCaf\xe9\n").encode("latin-1"), 4),
    (NOTE.encode("utf-16"), 1),
    (b"---\nrep: ann\n---\n\x00\x01\x02\x03", 4),
], ids=["latin-1", "utf-16", "nul"])
def test_undecodable_note_through_read_note_names_the_file(tmp_path, data, line):
    with pytest.raises(NoteError) as info:
        read_file(tmp_path, data)
    _assert_encoding_problem(info.value.problem, line=line)
    assert info.value.problem.path == PATH
    assert str(info.value).startswith(f"{PATH}:{line}")


def test_undecodable_note_is_never_decoded_with_replacement_characters():
    with pytest.raises(NoteError):
        decode("- [ ] Caf\xe9".encode("cp1252"), PATH)


# ------------------------------------------------------------ frontmatter delimiters ---


def test_missing_closing_delimiter_is_an_error():
    problem = parse_error("---\nrep: ann\ndate: 2026-11-16\n\nWe talked about Globex.\n")
    assert (problem.line, problem.severity, problem.code) == (1, "error", "frontmatter-unclosed")
    assert "***" in problem.hint


def test_missing_closing_delimiter_with_a_later_rule_names_the_swallowed_heading():
    text = (
        "---\n"                      # 1
        "rep: ann\n"                 # 2
        "date: 2026-11-16\n"         # 3
        "\n"                         # 4
        "## Where are we?\n"         # 5
        "\n"                         # 6
        "On track.\n"                # 7
        "---\n"                      # 8
        "- [ ] Send the deck\n"      # 9
    )
    problem = parse_error(text)
    assert (problem.line, problem.code) == (5, "frontmatter-unclosed")
    assert "heading" in problem.message
    assert "line 8" in problem.hint  # where the frontmatter now ends


def test_note_starting_with_a_rule_and_plain_text_suggests_asterisks():
    text = "---\n\nWe talked about the pipeline.\n\n---\n\n- [ ] Send the deck\n"
    problem = parse_error(text)
    assert problem.code == "frontmatter-not-mapping"
    assert problem.line == 2
    assert "***" in problem.hint


def test_note_starting_with_a_rule_and_text_that_is_no_yaml_suggests_asterisks():
    text = "---\n\n- [ ] task one\n- [ ] task two\n\n---\n"
    problem = parse_error(text)
    assert problem.code == "yaml"
    assert "***" in problem.hint


def test_dots_close_the_frontmatter_and_a_later_rule_is_body():
    text = (
        "---\n"                  # 1
        "rep: ann\n"             # 2
        "...\n"                  # 3
        "Intro\n"                # 4
        "\n"                     # 5
        "---\n"                  # 6
        "\n"                     # 7
        "- [ ] Send the deck\n"  # 8
    )
    note = parse(text)
    assert dict(note.meta) == {"rep": "ann"}
    assert note.body_line == 4
    assert [(m.text, m.line) for m in note.mentions] == [("Send the deck", 8)]
    assert note.problems == []


def test_blank_lines_before_the_opening_rule_mean_no_frontmatter():
    text = (
        "\n"                     # 1
        "\n"                     # 2
        "---\n"                  # 3
        "rep: ann\n"             # 4
        "---\n"                  # 5
        "\n"                     # 6
        "- [ ] Send the deck\n"  # 7
    )
    note = parse(text)
    assert dict(note.meta) == {}
    assert note.body_line == 1
    assert [(m.text, m.line) for m in note.mentions] == [("Send the deck", 7)]


def test_empty_frontmatter_is_an_empty_mapping():
    note = parse("---\n---\n- [ ] Send the deck\n")
    assert note.meta == {} and isinstance(note.meta, LineDict)
    assert note.body_line == 3
    assert [(m.text, m.line) for m in note.mentions] == [("Send the deck", 3)]
    assert note.problems == []


def test_comment_only_frontmatter_is_an_empty_mapping():
    note = parse("---\n# filled in later\n---\n")
    assert note.meta == {} and note.problems == []


@pytest.mark.parametrize("fm, kind", [("- a\n- b\n", "list"), ("just words\n", "str"), ("42\n", "int")])
def test_list_or_scalar_frontmatter_is_an_error(fm, kind):
    problem = parse_error("---\n" + fm + "---\nbody\n")
    assert (problem.line, problem.severity, problem.code) == (2, "error", "frontmatter-not-mapping")
    assert kind in problem.message


def test_json_first_line_is_body_not_an_exception():
    text = '{\n  "rep": "ann"\n}\n\n- [ ] Send the deck\n'
    note = parse(text)
    assert dict(note.meta) == {}
    assert note.body_line == 1
    assert [(m.text, m.line) for m in note.mentions] == [("Send the deck", 5)]


def test_handler_detects_frontmatter_on_line_one_only():
    assert HANDLER.detect("---\nrep: ann\n---\n")
    assert HANDLER.detect("---  \nrep: ann\n---\n")
    assert not HANDLER.detect("\n---\nrep: ann\n---\n")
    assert not HANDLER.detect("{\n}\n")


def _split_by_lines(text):
    """The first splitter, line by line: the oracle for split_frontmatter."""
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip(" \t") in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return None


_FM_PIECES = st.sampled_from(["---", "...", "--- ", "---\t", "-- -", "----", ". ..", "rep: ann", "",
                              " ---", "x---", "...x", "# Heading", "- [ ] task", " ", "\t"])


@given(st.lists(_FM_PIECES, max_size=8), st.booleans())
def test_splitting_frontmatter_finds_the_first_closing_line(lines, newline_at_end):
    from onenotes.reading.note import has_frontmatter, split_frontmatter

    text = "\n".join(["---", *lines]) + ("\n" if newline_at_end else "")
    assert has_frontmatter(text)
    assert split_frontmatter(text) == _split_by_lines(text)
    assert HANDLER.split_at(text) == _split_by_lines(text)


def test_reading_notes_does_not_import_python_frontmatter():
    import subprocess
    import sys

    code = ("import sys; from onenotes.reading.note import parse_note; import datetime as dt; "
            "parse_note('---\\nrep: ann\\n---\\n- [ ] x\\n', 'ann/2026-01-05.md', 'ann', dt.date(2026, 1, 5)); "
            "print('frontmatter' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_yaml_error_in_frontmatter_names_the_file_line():
    problem = parse_error("---\nrep: ann\ndate: 2026-11-16\nrep: bob\n---\n")
    assert (problem.line, problem.code) == (4, "yaml")
    assert "first on line 2" in problem.message


def test_tab_in_frontmatter_names_the_file_line():
    problem = parse_error("---\nrep: ann\nmetrics:\n\trevenue: 100\n---\n")
    assert (problem.line, problem.code) == (4, "yaml")
    assert "tabs" in problem.hint


def test_control_character_in_frontmatter_is_a_note_error():
    problem = parse_error("---\nrep: ann\ntitle: \x1b[31mURGENT\x1b[0m\n---\n")
    assert (problem.line, problem.code) == (3, "yaml")


def test_control_character_in_the_body_is_kept_as_text():
    note = parse("---\nrep: ann\n---\n- [ ] Call \x1b[31mGlobex\n")
    assert [m.text for m in note.mentions] == ["Call \x1b[31mGlobex"]


# ------------------------------------------------------------ merge conflicts ---


def test_merge_conflict_in_frontmatter_is_an_error_at_the_marker():
    text = (
        "---\n"                           # 1
        "rep: ann\n"                      # 2
        "<<<<<<< HEAD\n"                  # 3
        "date: 2026-11-16\n"              # 4
        "=======\n"                       # 5
        "date: 2026-11-17\n"              # 6
        ">>>>>>> origin/main\n"           # 7
        "---\n"                           # 8
    )
    problem = parse_error(text)
    assert (problem.line, problem.severity, problem.code) == (3, "error", "merge-conflict")
    assert "merge conflict" in problem.message


def test_merge_conflict_in_body_is_an_error_at_the_marker():
    text = (
        "---\n"                           # 1
        "rep: ann\n"                      # 2
        "---\n"                           # 3
        "- [ ] Send the deck\n"           # 4
        "<<<<<<< HEAD\n"                  # 5
        "- [ ] Call Globex\n"             # 6
        "=======\n"                       # 7
        "- [x] Call Globex\n"             # 8
        ">>>>>>> theirs\n"                # 9
    )
    problem = parse_error(text)
    assert (problem.line, problem.code) == (5, "merge-conflict")


def test_merge_conflict_through_read_note_with_crlf(tmp_path):
    data = b"---\r\nrep: ann\r\n---\r\n<<<<<<< HEAD\r\nx\r\n=======\r\ny\r\n>>>>>>> b\r\n"
    with pytest.raises(NoteError) as info:
        read_file(tmp_path, data)
    assert (info.value.problem.line, info.value.problem.code) == (4, "merge-conflict")


def test_setext_underline_of_equals_signs_is_not_a_conflict():
    note = parse("---\nrep: ann\n---\nPipeline\n=======\n\n- [ ] Send the deck\n")
    assert [m.line for m in note.mentions] == [7]


# ------------------------------------------------------------ dates ---


def test_impossible_due_date_keeps_the_commitment_and_reports_its_line():
    text = (
        "---\n"                              # 1
        "commitments:\n"                     # 2
        "  - id: globex\n"                   # 3
        "    text: Send the proposal\n"      # 4
        "    due: 2026-02-30\n"              # 5
        "---\n"
    )
    note = parse(text)
    [mention] = note.mentions
    assert (mention.id, mention.text, mention.status) == ("globex", "Send the proposal", "open")
    assert mention.due is None
    assert mention.due_raw == "2026-02-30"
    assert mention.line == 3
    assert codes(note) == [(5, "error", "commitment-date")]
    assert "2026-02-30" in note.problems[0].message


def test_impossible_due_date_in_a_body_task_is_reported_at_the_task():
    note = parse("---\nrep: ann\n---\n\n- [ ] Send the proposal due: 2026-02-30\n")
    [mention] = note.mentions
    assert (mention.text, mention.due, mention.due_raw, mention.line) == (
        "Send the proposal", None, "2026-02-30", 5)
    assert codes(note) == [(5, "error", "commitment-date")]


def test_unreadable_since_date_is_a_problem():
    note = parse("---\ncommitments:\n  - text: Call Bob\n    since: last week\n---\n")
    assert note.mentions[0].since is None
    assert codes(note) == [(4, "error", "commitment-date")]


AWARE = (
    "---\n"
    "commitments:\n"
    "  - text: Call Globex\n"
    "    due: 2026-11-30T23:30:00Z\n"
    "  - text: Call Initech\n"
    "    due: 2026-11-30T23:30:00+00:00\n"
    "  - text: Call Umbrella\n"
    "    due: '2026-11-30T23:30:00Z'\n"
    "---\n"
    "- [ ] Call Stark due: 2026-11-30T23:30:00Z\n"
)


def test_aware_datetime_is_converted_to_the_notebook_time_zone():
    note = parse(AWARE, options=ReadOptions(timezone="Europe/Berlin"))
    assert [(m.text, m.due) for m in note.mentions] == [
        ("Call Globex", dt.date(2026, 12, 1)),
        ("Call Initech", dt.date(2026, 12, 1)),
        ("Call Umbrella", dt.date(2026, 12, 1)),
        ("Call Stark", dt.date(2026, 12, 1)),
    ]
    assert note.problems == []


def test_aware_datetime_without_a_time_zone_keeps_its_own_date():
    note = parse(AWARE)
    assert {m.due for m in note.mentions} == {dt.date(2026, 11, 30)}


def test_aware_datetime_west_of_utc_moves_back_a_day():
    text = "---\ncommitments:\n  - text: Call Globex\n    due: 2026-12-01T03:00:00+00:00\n---\n"
    note = parse(text, options=ReadOptions(timezone="America/Chicago"))
    assert note.mentions[0].due == dt.date(2026, 11, 30)


def test_configured_date_format_without_a_year_takes_the_meetings_year():
    text = (
        "---\n"
        "commitments:\n"
        "  - text: Call Globex\n"
        "    due: 30.11.\n"
        "  - text: Call Initech\n"
        "    due: 03.04.2026\n"
        "---\n"
        "- [ ] Call Stark due: 02.12.\n"
    )
    options = ReadOptions(date_formats=("%d.%m.", "%d.%m.%Y"))
    note = parse(text, date=dt.date(2025, 11, 17), options=options)
    assert [(m.text, m.due) for m in note.mentions] == [
        ("Call Globex", dt.date(2025, 11, 30)),
        ("Call Initech", dt.date(2026, 4, 3)),  # 3 April: the configured order, not dateutil's
        ("Call Stark", dt.date(2025, 12, 2)),
    ]
    assert note.problems == []


def test_unconfigured_date_format_is_a_problem_with_the_raw_text():
    note = parse("---\ncommitments:\n  - text: Call Globex\n    due: 11/30\n---\n")
    assert (note.mentions[0].due, note.mentions[0].due_raw) == (None, "11/30")
    assert codes(note) == [(4, "error", "commitment-date")]
    assert "YYYY-MM-DD" in note.problems[0].message


def test_an_unquoted_date_that_yaml_reads_as_a_number_is_reported_not_misread():
    """'due: 15.10' is the float 15.1 to YAML: the text is gone, so say so (never 15 January)."""
    text = "---\ncommitments:\n  - text: Call Globex\n    due: 15.10\n---\n- [ ] Call Stark due: 15.10\n"
    note = parse(text, options=ReadOptions(date_formats=("%d.%m",)))
    assert [m.due for m in note.mentions] == [None, dt.date(2026, 10, 15)]
    assert codes(note) == [(4, "error", "commitment-date")]
    assert "put the date in quotes" in note.problems[0].message


# ------------------------------------------------------------ body tasks ---


@pytest.mark.parametrize("syntax", [
    "due: 2026-11-30",
    "DUE: 2026-11-30",
    "\U0001F4C5 2026-11-30",
    "\U0001F4C5\ufe0f 2026-11-30",
    "[due:: 2026-11-30]",
    "@due(2026-11-30)",
])
@pytest.mark.parametrize("where", ["end", "middle"])
def test_body_task_due_syntax_is_parsed_and_removed_from_the_text(syntax, where):
    line = (f"- [ ] Send the proposal to Globex {syntax}" if where == "end"
            else f"- [ ] Send the proposal {syntax} to Globex")
    note = parse("---\nrep: ann\n---\n" + line + "\n")
    [mention] = note.mentions
    assert mention.due == dt.date(2026, 11, 30)
    assert mention.due_raw is None
    assert mention.text == "Send the proposal to Globex"
    assert mention.line == 4
    assert note.problems == []


def test_word_ending_in_due_is_not_a_due_date():
    note = parse("- [ ] Chase the overdue: invoice for Globex\n")
    assert (note.mentions[0].text, note.mentions[0].due) == ("Chase the overdue: invoice for Globex", None)


def test_body_task_owner_and_id_fields():
    note = parse("- [ ] Share the team-lead criteria [owner:: manager] [id:: abc] [due:: 2026-11-20]\n")
    [mention] = note.mentions
    assert (mention.id, mention.owner, mention.text, mention.due) == (
        "abc", "manager", "Share the team-lead criteria", dt.date(2026, 11, 20))
    assert mention.origin == "body"


def test_body_task_unknown_owner_is_a_problem():
    note = parse("\n- [ ] Call Globex [owner:: boss]\n")
    assert [m.text for m in note.mentions] == ["Call Globex"]
    assert codes(note) == [(2, "error", "commitment-owner")]


TASKS = (
    "- [ ] open one\n"        # 1
    "- [x] done lower\n"      # 2
    "- [X] done upper\n"      # 3
    "- [-] dropped one\n"     # 4
    "- [/] half done\n"       # 5
    "* [ ] star bullet\n"     # 6
    "+ [ ] plus bullet\n"     # 7
    "\n"                      # 8
    "1. [ ] ordered dot\n"    # 9
    "2) [x] ordered paren\n"  # 10
)


def test_task_markers_give_statuses():
    note = parse(TASKS)
    assert [(m.text, m.status, m.line) for m in note.mentions] == [
        ("open one", "open", 1),
        ("done lower", "done", 2),
        ("done upper", "done", 3),
        ("dropped one", "dropped", 4),
        ("half done", "open", 5),
        ("star bullet", "open", 6),
        ("plus bullet", "open", 7),
        ("ordered dot", "open", 9),
        ("ordered paren", "done", 10),
    ]


def test_unknown_task_marker_is_open_with_a_warning():
    note = parse(TASKS)
    assert codes(note) == [(5, "warning", "task-marker")]
    assert "[/]" in note.problems[0].message


HIDDEN = (
    "---\n"                          # 1
    "rep: ann\n"                     # 2
    "---\n"                          # 3
    "```\n"                          # 4
    "- [ ] in a backtick fence\n"    # 5
    "```\n"                          # 6
    "~~~markdown\n"                  # 7
    "- [ ] in a tilde fence\n"       # 8
    "~~~\n"                          # 9
    "\n"                             # 10
    "    - [ ] in indented code\n"   # 11
    "\n"                             # 12
    "<!--\n"                         # 13
    "- [ ] in a comment\n"           # 14
    "-->\n"                          # 15
    "<!-- - [ ] inline comment -->\n"  # 16
    "\n"                             # 17
    "> - [ ] in a quote\n"           # 18
    "> > - [x] in a nested quote\n"  # 19
    "\n"                             # 20
    "- Globex\n"                     # 21
    "  - [ ] nested task\n"          # 22
    "    - [ ] deeper task\n"        # 23
    "- [ ] top task\n"               # 24
)


def test_tasks_in_code_and_comments_are_not_mentions_but_quoted_and_nested_ones_are():
    note = parse(HIDDEN)
    assert [(m.text, m.status, m.line) for m in note.mentions] == [
        ("in a quote", "open", 18),
        ("in a nested quote", "done", 19),
        ("nested task", "open", 22),
        ("deeper task", "open", 23),
        ("top task", "open", 24),
    ]
    assert note.problems == []


def test_task_continuation_line_joins_the_text():
    note = parse("- [ ] Send the proposal\n  to Globex procurement due: 2026-11-30\n")
    [mention] = note.mentions
    assert (mention.text, mention.due, mention.line) == (
        "Send the proposal to Globex procurement", dt.date(2026, 11, 30), 1)


# ------------------------------------------------------------ frontmatter commitments ---


def test_unknown_status_is_a_problem_and_the_commitment_stays_open():
    text = (
        "---\n"                          # 1
        "commitments:\n"                 # 2
        "  - id: globex\n"               # 3
        "    text: Send the proposal\n"  # 4
        "    status: pending\n"          # 5
        "---\n"
    )
    note = parse(text)
    assert [(m.id, m.text, m.status) for m in note.mentions] == [("globex", "Send the proposal", "open")]
    assert codes(note) == [(5, "error", "commitment-status")]
    assert "pending" in note.problems[0].message


def test_unknown_owner_is_a_problem_and_the_commitment_is_still_listed():
    text = (
        "---\n"                          # 1
        "commitments:\n"                 # 2
        "  - id: globex\n"               # 3
        "    text: Send the proposal\n"  # 4
        "    owner: boss\n"              # 5
        "---\n"
    )
    note = parse(text)
    assert [(m.id, m.text, m.status) for m in note.mentions] == [("globex", "Send the proposal", "open")]
    assert codes(note) == [(5, "error", "commitment-owner")]


def test_status_and_owner_are_case_insensitive():
    text = "---\ncommitments:\n  - text: Call Bob\n    status: DONE\n    owner: Manager\n---\n"
    note = parse(text)
    assert [(m.status, m.owner) for m in note.mentions] == [("done", "manager")]
    assert note.problems == []


@pytest.mark.parametrize("item", ["  - owner: rep\n", "  - text: ''\n", "  - text:\n", "  - text: '   '\n"])
def test_commitment_without_text_is_a_problem(item):
    note = parse("---\ncommitments:\n" + item + "---\n")
    assert [m.text for m in note.mentions] == [""]
    assert codes(note) == [(3, "error", "commitment-text")]


def test_unknown_commitment_key_is_a_warning():
    note = parse("---\ncommitments:\n  - text: Call Bob\n    Status: done\n---\n")
    assert note.mentions[0].status == "open"
    assert codes(note) == [(4, "warning", "commitment-key")]


def test_commitments_that_are_not_a_list_are_a_problem():
    note = parse("---\nrep: ann\ncommitments: Call Bob\n---\n")
    assert note.mentions == []
    assert codes(note) == [(3, "error", "commitment-invalid")]


def test_plain_string_commitment_is_listed():
    note = parse("---\ncommitments:\n  - Call Bob\n  - Send the deck\n---\n")
    assert [(m.text, m.line, m.status, m.owner) for m in note.mentions] == [
        ("Call Bob", 3, "open", "rep"), ("Send the deck", 4, "open", "rep")]


def test_plain_string_commitment_after_a_mapping_has_its_own_line():
    text = (
        "---\n"                          # 1
        "commitments:\n"                 # 2
        "  - id: globex\n"               # 3
        "    text: Send the proposal\n"  # 4
        "    due: 2026-11-30\n"          # 5
        "    status: open\n"             # 6
        "  - Call Bob\n"                 # 7
        "---\n"
    )
    note = parse(text)
    assert [(m.text, m.line) for m in note.mentions] == [("Send the proposal", 3), ("Call Bob", 7)]


def test_yaml_1_2_values_in_commitments_mean_what_was_typed():
    text = "---\ncommitments:\n  - id: 0042\n    text: no\n    since: 2026-11-09\n---\n"
    [mention] = parse(text).mentions
    assert (mention.id, mention.text, mention.since) == ("0042", "no", dt.date(2026, 11, 9))


# ------------------------------------------------------------ derived ids ---


def test_derived_id_is_deterministic():
    one = parse("- [ ] Call Bob about pricing\n").mentions[0].id
    two = parse("# Other text\n\n- [ ] Call Bob about pricing\n").mentions[0].id
    assert one == two == derived_id("ann", "2026-11-16", "Call Bob about pricing")
    assert len(one) == 8 and all(c in "0123456789abcdef" for c in one)


def test_derived_id_ignores_case_and_spacing():
    assert derived_id("ann", "2026-11-16", "Call  Bob ") == derived_id("ann", "2026-11-16", "call bob")


def test_derived_id_differs_between_notes_and_reps():
    body = "- [ ] Call Bob about pricing\n"
    here = parse(body).mentions[0].id
    other_date = parse(body, path="ann/2026-11-23.md", date=dt.date(2026, 11, 23)).mentions[0].id
    other_rep = parse(body, path="bob/2026-11-16.md", rep="bob").mentions[0].id
    assert len({here, other_date, other_rep}) == 3


def test_derived_id_of_a_frontmatter_commitment_matches_the_body_rule():
    note = parse("---\ncommitments:\n  - text: Call Bob about pricing\n---\n")
    assert note.mentions[0].id == derived_id("ann", "2026-11-16", "Call Bob about pricing")


def test_identical_body_tasks_in_one_note_get_distinct_ids():
    note = parse("- [ ] Call Bob\n- [ ] Call Bob\n- [x] call  bob\n")
    ids = [m.id for m in note.mentions]
    base = derived_id("ann", "2026-11-16", "Call Bob")
    assert ids == [base, f"{base}-2", f"{base}-3"]


def test_identical_frontmatter_commitments_without_ids_get_distinct_ids():
    note = parse("---\ncommitments:\n  - text: Call Bob\n  - text: Call Bob\n    owner: manager\n---\n")
    ids = [m.id for m in note.mentions]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_explicit_id_wins_over_the_derived_one():
    note = parse("---\ncommitments:\n  - id: ' globex '\n    text: Call\n  - id: ''\n    text: Call\n---\n")
    assert [m.id for m in note.mentions] == ["globex", derived_id("ann", "2026-11-16", "Call")]


# ------------------------------------------------------------ metrics ---


METRICS = (
    "---\n"                                 # 1
    "metrics:\n"                            # 2
    "  revenue: 31250\n"                    # 3
    "  sales_calls: {goal: 40, actual: 42}\n"  # 4
    "  close_rate: 27.5\n"                  # 5
    "  new_accounts: null\n"                # 6
    "  pipeline: \"12,500\"\n"              # 7
    "  gross_profit_pct:\n"                 # 8
    "    goal: 32\n"                        # 9
    "    actual: 33.8\n"                    # 10
    "---\n"
)


def test_metrics_numbers_goal_actual_and_null():
    note = parse(METRICS)
    assert [(m.name, m.actual, m.goal, m.line) for m in note.metrics] == [
        ("revenue", 31250, None, 3),
        ("sales_calls", 42, 40, 4),
        ("close_rate", 27.5, None, 5),
        ("new_accounts", None, None, 6),
        ("pipeline", None, None, 7),
        ("gross_profit_pct", 33.8, 32, 8),
    ]


def test_metric_given_as_a_string_is_not_a_number():
    note = parse(METRICS)
    assert codes(note) == [(7, "error", "metric-not-number")]
    assert "12,500" in note.problems[0].message


@pytest.mark.parametrize("value, line", [
    ("true", 3), ("31250 USD", 3), ("{goal: 40, actual: '42'}", 3), ("{goal: lots, actual: 3}", 3),
])
def test_metric_that_is_not_a_number_is_reported(value, line):
    note = parse(f"---\nmetrics:\n  revenue: {value}\n---\n")
    assert codes(note) == [(line, "error", "metric-not-number")]


def test_metric_with_unknown_keys_is_a_warning():
    note = parse("---\nmetrics:\n  revenue: {goal: 1, actual: 2, unit: USD}\n---\n")
    assert [(m.actual, m.goal) for m in note.metrics] == [(2, 1)]
    assert codes(note) == [(3, "warning", "metric-invalid")]


@pytest.mark.parametrize("value", ["[1, 2]", "5", "revenue"])
def test_metrics_that_are_not_a_mapping_are_a_problem(value):
    note = parse(f"---\nrep: ann\nmetrics: {value}\n---\n")
    assert note.metrics == []
    assert codes(note) == [(3, "error", "metric-invalid")]


# ------------------------------------------------------------ golden pairs ---


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def golden_summary(note) -> dict:
    return {
        "meta_keys": [str(k) for k in note.meta],
        "metrics": [{"name": m.name, "actual": m.actual, "goal": m.goal, "line": m.line}
                    for m in note.metrics],
        "mentions": [{"id": m.id, "text": m.text, "owner": m.owner, "status": m.status,
                      "due": _iso(m.due), "due_raw": m.due_raw, "since": _iso(m.since),
                      "line": m.line, "origin": m.origin} for m in note.mentions],
        # Sorted: the order in which parse_note runs its checks is not part of the contract.
        "problems": [{"line": p.line, "severity": p.severity, "code": p.code}
                     for p in sorted(note.problems, key=lambda p: (p.line, p.code))],
    }


def golden_result(data: bytes) -> dict:
    try:
        return golden_summary(parse(data))
    except NoteError as exc:
        p = exc.problem
        return {"error": {"line": p.line, "severity": p.severity, "code": p.code}}


GOLDEN_NOTES = sorted(GOLDEN.glob("*.md"))


def test_golden_folder_has_pairs():
    assert 6 <= len(GOLDEN_NOTES) <= 10
    if not UPDATE_GOLDEN:
        assert sorted(p.stem for p in GOLDEN.glob("*.json")) == [p.stem for p in GOLDEN_NOTES]


@pytest.mark.parametrize("md", GOLDEN_NOTES, ids=[p.stem for p in GOLDEN_NOTES])
def test_golden_note_parses_as_expected(md):
    actual = golden_result(md.read_bytes())
    expected_path = md.with_suffix(".json")
    if UPDATE_GOLDEN:
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
        return
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


def test_golden_parse_through_read_note_is_the_same(tmp_path):
    md = GOLDEN / "weekly.md"
    rel = "ann/2026-11-16.md"
    write(tmp_path / rel, md.read_text(encoding="utf-8"))
    assert golden_summary(read_note(tmp_path, rel, ReadOptions())) == golden_summary(
        parse(md.read_bytes()))


def test_frontmatter_after_blank_lines_is_body_with_a_warning():
    note = parse("\n\n---\nrep: ann\n---\n- [ ] Call Globex\n")
    assert note.meta == {}
    assert codes(note) == [(3, "warning", "frontmatter-not-first-line")]
    assert [(m.text, m.line) for m in note.mentions] == [("Call Globex", 6)]
