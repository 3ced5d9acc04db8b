"""Property tests for the promises of issue 4: reading never crashes, what `new`
writes reads back to what it was given, and the ledger ignores file order.

Strategies live in tests/notegen.py (shared with the fuzzing harness).  Example
counts scale with the hypothesis profile (tests/conftest.py): the default "ci"
profile is deterministic, HYPOTHESIS_PROFILE=nightly searches 25 times more.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import notegen
from conftest import examples
from onenotes.errors import NoteError
from onenotes.note import ReadOptions, decode
from onenotes.notebook import read_note

OPTIONS = ReadOptions(date_formats=("%d.%m.%Y", "%b %d"), timezone="Europe/Berlin")


# ------------------------------------------------- reading never crashes ---

@settings(max_examples=examples(400))
@given(notegen.note_bytes())
@example(b"---\nrep: ann\n---\n- [ ] a\r- [x] b\r\n")
@example(b"\xef\xbb\xbf---\r\ncommitments:\r\n  - text: x\r\n---\r\n")
@example(b"---\ncommitments: [a, b, {text: c}]\n---\n")
@example(b"---\nk: &a x\nj: *a\n---\n")
def test_reading_any_note_gives_a_note_or_a_note_error_at_a_line_in_the_file(data):
    notegen.check_reading(data)
    notegen.check_reading(data, OPTIONS)


@settings(max_examples=examples(300))
@given(notegen.frontmatter_text(), notegen.body_text())
def test_any_frontmatter_value_reads_without_crashing(fm, body):
    notegen.check_reading(("---\n" + fm + "\n---\n" + body).encode("utf-8", "surrogatepass"), OPTIONS)


@settings(max_examples=examples(200))
@given(st.binary(max_size=2000))
def test_decode_of_any_bytes_gives_text_or_a_note_error(data):
    try:
        text = decode(data, "ann/2026-11-16.md")
    except NoteError as exc:
        assert exc.problem.line >= 1 and exc.problem.message
        return
    assert "\r" not in text and not text.startswith("\ufeff")
    assert text == data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=examples(100))
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
                        min_size=1, max_size=20), min_size=1, max_size=8),
       st.data())
def test_an_undecodable_byte_is_reported_on_the_line_an_editor_shows(lines, data):
    """Whatever the line ends (LF, CRLF, lone CR), the bad byte's line is the line number."""
    bad_line = data.draw(st.integers(0, len(lines) - 1), label="bad line")
    ends = [data.draw(st.sampled_from(["\n", "\r\n", "\r"])) for _ in lines]
    raw = b""
    for index, (line, end) in enumerate(zip(lines, ends)):
        encoded = line.encode("utf-8")
        if index == bad_line:
            encoded += b"\xe9"
        raw += encoded + end.encode()
    try:
        decode(raw, "ann/2026-11-16.md")
    except NoteError as exc:
        assert exc.problem.line == bad_line + 1, (exc.problem, raw)
    else:
        raise AssertionError("a Latin-1 byte was accepted as UTF-8")


def _notebook_with(note: bytes) -> Path:
    root = Path(tempfile.mkdtemp(prefix="props-"))
    (root / "onenotes.yaml").write_text("kpis:\n  revenue: {kind: output, goal: 100}\n", encoding="utf-8")
    (root / "ann").mkdir()
    (root / "ann" / "2026-11-16.md").write_bytes(note)
    (root / "ann" / "2026-11-09.md").write_text(
        "---\ncommitments:\n  - id: keep\n    text: Still listed\n---\n", encoding="utf-8")
    return root


@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notegen.note_bytes())
def test_check_and_followups_survive_any_note_and_still_list_the_others(cli, data):
    root = _notebook_with(data)
    try:
        note = notegen.check_reading(data)
        # The file the CLI reads is the same note read through the notebook.
        try:
            read_note(root, "ann/2026-11-16.md", ReadOptions())
        except NoteError:
            assert note is None
        checked = cli("--notebook", root, "check", "--format", "json")
        assert checked.exit_code in (0, 1), checked.output
        json.loads(checked.stdout)
        listed = cli("--notebook", root, "followups", "--today", "2026-11-23", "--format", "json")
        assert listed.exit_code == 0, listed.output
        rows = json.loads(listed.stdout)
        assert "keep" in {r["id"] for r in rows}  # the other note is still read
        assert "Traceback" not in listed.stderr + checked.stderr
    finally:
        shutil.rmtree(root)


def test_a_bad_byte_after_lone_cr_line_ends_names_its_own_line():
    """Found by the property above: lines ended by a lone CR (old Mac files) were
    not counted, so the error pointed at line 1."""
    for data, line in ((b"a\rb\r\xe9\r", 3), (b"a\r\nb\r\n\xe9", 3), (b"a\r\r\nb\n\r\x00", 5)):
        try:
            decode(data, "ann/2026-11-16.md")
        except NoteError as exc:
            assert exc.problem.line == line, (data, exc.problem)
        else:
            raise AssertionError(data)
