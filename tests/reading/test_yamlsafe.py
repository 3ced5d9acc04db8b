"""onenotes.reading.yaml.safe: YAML that means what a person typed, and refuses what has no place in a note.

Covers hostile inputs 11-19 of /work/shared/hostile-inputs.md for the reader
(``load_yaml``, ``YamlProblem``, ``LineDict``) and the writer
(``to_yaml_scalar``: a value written by onenotes must mean the same to our
YAML 1.2-style reader and to PyYAML's YAML 1.1 ``safe_load``).
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
import time

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import examples
from onenotes.reading.yaml import safe as yamlsafe
from onenotes.reading.yaml.safe import LineDict, YamlProblem, load_yaml, to_yaml_scalar

# ------------------------------------------------------------ YAML 1.2 values ---


@pytest.mark.parametrize("word", ["no", "NO", "No", "off", "OFF", "on", "On", "yes", "YES", "y", "n"])
def test_yaml11_boolean_words_stay_strings(word):
    assert load_yaml(f"k: {word}\n") == {"k": word}


def test_yaml11_boolean_words_as_keys_stay_strings():
    data = load_yaml("no: 1\non: 2\noff: 3\nyes: 4\n")
    assert data == {"no": 1, "on": 2, "off": 3, "yes": 4}
    assert all(isinstance(k, str) for k in data)


def test_sexagesimal_and_leading_zero_numbers_stay_strings():
    data = load_yaml("a: 9:30\nb: 09:30\nc: 01234\nd: 0800\ne: 0x10\nf: 1_000\n")
    assert data == {"a": "9:30", "b": "09:30", "c": "01234", "d": "0800", "e": "0x10", "f": "1_000"}


def test_decimal_numbers_are_numbers():
    data = load_yaml("a: 1.10\nb: 42\nc: -7\nd: 0\ne: 27.5\n")
    assert data == {"a": 1.1, "b": 42, "c": -7, "d": 0, "e": 27.5}
    assert type(data["a"]) is float and type(data["b"]) is int


def test_only_true_and_false_are_booleans():
    data = load_yaml("a: true\nb: false\nc: True\nd: FALSE\n")
    assert data == {"a": True, "b": False, "c": True, "d": False}
    assert all(type(v) is bool for v in data.values())


def test_tilde_null_and_empty_values_are_none():
    data = load_yaml("a: ~\nb:\nc: null\n")
    assert data == {"a": None, "b": None, "c": None}


def test_empty_document_is_none():
    assert load_yaml("") is None
    assert load_yaml("# just a comment\n") is None


def test_iso_date_is_a_date():
    value = load_yaml("due: 2026-11-30\n")["due"]
    assert value == dt.date(2026, 11, 30)
    assert type(value) is dt.date


def test_offset_timestamp_is_an_aware_datetime():
    value = load_yaml("at: 2026-11-30T09:00:00+01:00\n")["at"]
    assert isinstance(value, dt.datetime)
    assert value.utcoffset() == dt.timedelta(hours=1)
    assert value.astimezone(dt.timezone.utc) == dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc)


def test_impossible_date_is_kept_as_the_raw_string():
    # PyYAML raises a bare ValueError (not a YAMLError) here.
    assert load_yaml("due: 2026-02-30\n") == {"due": "2026-02-30"}


def test_date_like_texts_that_are_not_iso_stay_strings():
    data = load_yaml("a: 11/30\nb: 30.11.2026\nc: 2026-11-30 09:00\n")
    assert data == {"a": "11/30", "b": "30.11.2026", "c": "2026-11-30 09:00"}


# ------------------------------------------------------------ duplicate keys ---


def test_duplicate_key_names_both_lines():
    with pytest.raises(YamlProblem) as info:
        load_yaml("rep: ann\ndate: 2026-11-16\nrep: bob\n")
    problem = info.value
    assert problem.line == 3
    assert problem.column == 1
    assert "first on line 1" in problem.message
    assert "'rep'" in problem.message


def test_duplicate_key_in_a_nested_mapping_names_both_lines():
    text = "metrics:\n  revenue: 1\n  calls: 2\n  revenue: 3\n"
    with pytest.raises(YamlProblem) as info:
        load_yaml(text)
    assert info.value.line == 4
    assert "first on line 2" in info.value.message


# ------------------------------------------------------- aliases and tags ---


def test_alias_is_refused():
    with pytest.raises(YamlProblem) as info:
        load_yaml("a: &x Globex\nb: *x\n")
    assert "alias" in info.value.message
    assert info.value.hint == "write the value out in full"


def test_alias_error_names_the_line_of_the_alias():
    with pytest.raises(YamlProblem) as info:
        load_yaml("a: &x Globex\nrep: ann\nb: *x\n")
    assert info.value.line == 3


def test_alias_error_names_the_alias_in_a_nested_list_and_in_a_cycle():
    with pytest.raises(YamlProblem) as info:
        load_yaml("rep: ann\nlist: &l\n  - a\n  - [b, c]\nother:\n  - x\n  - *l\n", line_offset=1)
    assert (info.value.line, info.value.column) == (8, 5)
    with pytest.raises(YamlProblem) as info:
        load_yaml("a: &x [1, *x]\n")
    assert (info.value.line, info.value.column) == (1, 11)


def test_billion_laughs_is_refused():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    with pytest.raises(YamlProblem) as info:
        load_yaml("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0
    assert "alias" in info.value.message


def test_self_referencing_alias_is_refused():
    with pytest.raises(YamlProblem) as info:
        load_yaml("a: &a [*a]\n")
    assert info.value.line == 1
    assert "alias" in info.value.message


def test_python_object_tag_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system [\"touch {marker}\"]\n"
    with pytest.raises(YamlProblem) as info:
        load_yaml(text)
    assert not marker.exists()
    assert info.value.line == 1
    assert "python/object/apply:os.system" in info.value.message
    assert "not allowed" in info.value.message


# ------------------------------------------------------------ size and depth ---

_NESTING_SCRIPT = r"""
import json, sys, time
from onenotes.reading.yaml.safe import load_yaml, YamlProblem
text = sys.argv[1] + sys.argv[2] * int(sys.argv[3]) + sys.argv[4]
start = time.perf_counter()
try:
    load_yaml(text)
    outcome = "loaded"
except YamlProblem as exc:
    outcome = "problem"
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start}))
"""


@pytest.mark.parametrize(
    "prefix, unit, count, tail",
    [
        ("", "[", 30_000, ""),      # flow nesting: libyaml's C loader segfaults near 25,000
        ("a: ", "[", 30_000, ""),   # the same after a key
        ("", "{a: ", 30_000, ""),
        ("", "- ", 30_000, "x"),    # block nesting (60 KB): also segfaults libyaml's C loader
    ],
    ids=["flow-seq", "flow-seq-after-key", "flow-map", "block-seq"],
)
def test_very_deep_nesting_is_refused_quickly_without_crashing(prefix, unit, count, tail):
    # In a child process: a segfault must fail this test, not kill the test run.
    proc = subprocess.run(
        [sys.executable, "-c", _NESTING_SCRIPT, prefix, unit, str(count), tail],
        capture_output=True, text=True, timeout=30,
    )
    assert proc.returncode == 0, f"crashed with {proc.returncode}: {proc.stderr[-500:]}"
    result = json.loads(proc.stdout)
    assert result["outcome"] == "problem"
    assert result["seconds"] < 1.0


def test_deep_flow_nesting_is_refused_before_parsing():
    start = time.perf_counter()
    with pytest.raises(YamlProblem) as info:
        load_yaml("a: " + "[" * 30_000, line_offset=1)
    assert time.perf_counter() - start < 0.5
    assert info.value.line == 2
    assert "nested" in info.value.message


@settings(max_examples=examples(300), deadline=None)
@given(st.text(st.sampled_from("[{]}ab\n:"), max_size=200))
@example("")
@example("{")
@example("a: {goal: 6}")
@example("[[{a{")
def test_openers_counts_as_str_count_does(text):
    """The flow nesting guard counts openers with find/rfind first: the same number as counting."""
    assert yamlsafe._openers(text) == text.count("[") + text.count("{")


def test_flow_nesting_just_over_the_limit_is_refused_and_at_it_is_read():
    for count, refused in ((64, False), (65, True)):
        text = "a: " + "[" * count + "1" + "]" * count + "\n"
        try:
            load_yaml(text, 1)
        except YamlProblem as exc:
            assert refused and "nested more than 64" in exc.message
        else:
            assert not refused


def test_frontmatter_over_256_kib_is_refused():
    text = "notes: " + "x" * (256 * 1024) + "\n"
    start = time.perf_counter()
    with pytest.raises(YamlProblem) as info:
        load_yaml(text, line_offset=1)
    assert time.perf_counter() - start < 0.5
    assert info.value.line == 2
    assert "256 KiB" in info.value.message


def test_frontmatter_just_under_the_size_cap_is_read():
    text = "notes: " + "x" * (200 * 1024) + "\n"
    assert len(load_yaml(text)["notes"]) == 200 * 1024


# ------------------------------------------------------------ errors with hints ---


def test_tab_indentation_is_refused_with_a_hint_about_tabs():
    with pytest.raises(YamlProblem) as info:
        load_yaml("metrics:\n\trevenue: 100\n", line_offset=1)
    assert info.value.line == 3
    assert info.value.column == 1
    assert "tab" in info.value.message
    assert "tabs" in info.value.hint


def test_tab_inside_a_quoted_value_is_fine():
    # (PyYAML itself cannot scan a tab inside a *plain* scalar; quoted is the way.)
    assert load_yaml('text: "Globex\tInitech"\n') == {"text": "Globex\tInitech"}


def test_tab_at_the_start_of_a_block_scalar_line_is_part_of_the_value():
    assert load_yaml("notes: |\n  \tpasted from a spreadsheet\n") == {
        "notes": "\tpasted from a spreadsheet\n"}


def test_a_block_scalar_with_tabs_keeps_the_lines_of_the_keys_after_it():
    """libyaml refuses the tab; the pure-Python parser reads it, with the same positions."""
    data = load_yaml("rep: ann\nnotes: >\n  \tcol1\tcol2\n  more\ndue: 2026-11-30\n", line_offset=1)
    assert data == {"rep": "ann", "notes": "\tcol1\tcol2\nmore\n", "due": dt.date(2026, 11, 30)}
    assert data.key_lines == {"rep": 2, "notes": 3, "due": 6}
    with pytest.raises(YamlProblem) as info:  # a real error after it is still found, at its line
        load_yaml("notes: |\n  \tx\nk: [1\n", line_offset=1)
    assert info.value.line >= 4


def test_unquoted_colon_space_in_a_value_gives_a_hint_about_quotes():
    with pytest.raises(YamlProblem) as info:
        load_yaml("rep: ann\ntext: Call Globex: pricing\n")
    assert info.value.line == 2
    assert info.value.message.startswith("invalid YAML")
    assert "quote" in info.value.hint


def test_syntax_error_is_a_yamlproblem_with_its_line():
    with pytest.raises(YamlProblem) as info:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.line >= 2
    assert info.value.message.startswith("invalid YAML")


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x7f"])
def test_control_character_is_a_yamlproblem(char):
    with pytest.raises(YamlProblem) as info:
        load_yaml(f"rep: ann\ntext: red{char}[31m alert\n", line_offset=1)
    assert info.value.line >= 2


def test_loader_uses_the_libyaml_c_parser_when_available():
    assert yaml.__with_libyaml__
    from yaml._yaml import CParser

    from onenotes.reading.yaml import full as yamlfull

    assert issubclass(yamlfull._Loader, CParser)


# ------------------------------------------------------------ positions ---


def test_line_offset_shifts_every_reported_line():
    text = "rep: ann\nrep: bob\n"
    with pytest.raises(YamlProblem) as plain:
        load_yaml(text)
    with pytest.raises(YamlProblem) as shifted:
        load_yaml(text, line_offset=1)
    assert plain.value.line == 2 and "first on line 1" in plain.value.message
    assert shifted.value.line == 3 and "first on line 2" in shifted.value.message


def test_line_offset_shifts_key_lines():
    data = load_yaml("rep: ann\ndate: 2026-11-16\n", line_offset=1)
    assert data.key_lines == {"rep": 2, "date": 3}
    assert data.line == 2


def test_linedict_line_of_gives_key_lines_at_every_depth():
    text = (
        "rep: ann\n"                       # 1
        "metrics:\n"                       # 2
        "  revenue: 31250\n"               # 3
        "  calls: {goal: 40, actual: 42}\n"  # 4
        "commitments:\n"                   # 5
        "  - id: a\n"                      # 6
        "    text: Send the proposal\n"    # 7
        "    due: 2026-11-30\n"            # 8
        "  - text: Call Bob\n"             # 9
    )
    data = load_yaml(text)
    assert isinstance(data, LineDict)
    assert [data.line_of(k) for k in ("rep", "metrics", "commitments")] == [1, 2, 5]
    metrics = data["metrics"]
    assert isinstance(metrics, LineDict)
    assert metrics.line_of("revenue") == 3 and metrics.line_of("calls") == 4
    assert metrics["calls"].line_of("actual") == 4
    first, second = data["commitments"]
    assert (first.line, first.line_of("text"), first.line_of("due")) == (6, 7, 8)
    assert second.line == 9


def test_linedict_line_of_a_missing_key_falls_back():
    data = load_yaml("rep: ann\nmetrics:\n  revenue: 1\n")
    metrics = data["metrics"]
    assert metrics.line == 3
    assert metrics.line_of("calls") == 3  # the mapping's own line
    assert metrics.line_of("calls", 99) == 99


def test_linedict_keeps_positions_when_pickled():
    data = load_yaml("rep: ann\ndate: 2026-11-16\n", line_offset=1)
    copy = pickle.loads(pickle.dumps(data))
    assert isinstance(copy, LineDict)
    assert copy == data and copy.key_lines == {"rep": 2, "date": 3} and copy.line == 2


# ------------------------------------------------------------ writing ---


def _both_readers(scalar: str):
    doc = "k: " + scalar + "\n"
    return load_yaml(doc)["k"], yaml.safe_load(doc)["k"]


@settings(max_examples=examples(300), deadline=None)
@given(st.text())
@example("no")
@example("Ann: VIP")
@example("line one\nrep: injected")
@example("9:30")
@example("01234")
@example("2026-11-30")
@example("\u2028\x85\ufeff")
@example("# not a comment")
@example(" leading and trailing ")
def test_to_yaml_scalar_text_means_the_same_in_yaml_1_1_and_ours(text):
    ours, pyyaml = _both_readers(to_yaml_scalar(text))
    assert ours == text
    assert pyyaml == text


@settings(max_examples=examples(100), deadline=None)
@given(st.integers())
def test_to_yaml_scalar_integers_round_trip_in_both_readers(number):
    ours, pyyaml = _both_readers(to_yaml_scalar(number))
    assert ours == number and type(ours) is int
    assert pyyaml == number and type(pyyaml) is int


@pytest.mark.parametrize("number", [0.0, -0.0, 0.1, 1.5, 27.5, -3.25, 31250.0, 2.5e-05, 1.0e15])
def test_to_yaml_scalar_everyday_floats_round_trip_in_both_readers(number):
    ours, pyyaml = _both_readers(to_yaml_scalar(number))
    assert ours == number and type(ours) is float
    assert pyyaml == number and type(pyyaml) is float


@settings(max_examples=examples(100), deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
@example(1e16)
def test_to_yaml_scalar_finite_floats_round_trip_in_both_readers(number):
    ours, pyyaml = _both_readers(to_yaml_scalar(number))
    assert ours == number and type(ours) is float
    assert pyyaml == number and type(pyyaml) is float


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_to_yaml_scalar_non_finite_floats_become_null(value):
    assert to_yaml_scalar(value) == "null"
    assert _both_readers(to_yaml_scalar(value)) == (None, None)


@pytest.mark.parametrize("value", [None, True, False])
def test_to_yaml_scalar_none_and_bools_round_trip_in_both_readers(value):
    ours, pyyaml = _both_readers(to_yaml_scalar(value))
    assert ours is value
    assert pyyaml is value


@settings(max_examples=examples(100), deadline=None)
@given(st.dates())
def test_to_yaml_scalar_dates_come_back_as_iso_strings_in_both_readers(day):
    ours, pyyaml = _both_readers(to_yaml_scalar(day))
    assert ours == day.isoformat() and type(ours) is str
    assert pyyaml == day.isoformat() and type(pyyaml) is str


def test_to_yaml_scalar_datetimes_come_back_as_iso_strings_in_both_readers():
    when = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.timezone.utc)
    assert to_yaml_scalar(when) == '"2026-11-30T23:30:00+00:00"'
    assert _both_readers(to_yaml_scalar(when)) == ("2026-11-30T23:30:00+00:00",) * 2


def test_to_yaml_scalar_writes_simple_words_plain_and_the_rest_quoted():
    assert to_yaml_scalar("Ann Lee") == "Ann Lee"
    assert to_yaml_scalar("no") == '"no"'
    assert to_yaml_scalar("Ann: VIP") == '"Ann: VIP"'
    assert to_yaml_scalar("a\nb: c") == '"a\\nb: c"'


def test_to_yaml_scalar_lists_and_mappings_round_trip_in_both_readers():
    value = {"names": ["Ann", "no", "9:30"], "goal": 25000, "unit": None}
    doc = "k: " + to_yaml_scalar(value) + "\n"
    assert load_yaml(doc)["k"] == value
    assert yaml.safe_load(doc)["k"] == value


def test_a_trailing_newline_is_kept_in_written_strings():
    """Found by hypothesis in CI: 'A\\n' was written plain and lost its newline."""
    from onenotes.reading.yaml.safe import load_yaml, to_yaml_scalar

    for text in ("A\n", "Call Bob\n", "x\n\n"):
        assert load_yaml("k: " + to_yaml_scalar(text))["k"] == text
