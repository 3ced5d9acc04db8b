"""How the cache writes values and reads them back (onenotes/reading/cache/codec.py).

Whole notes, problems and the config are pickles whose unpickler resolves only our
record builder, paths, the YAML containers' builders and the datetime types: a
planted row can only fail to load, never run code or change a class.  A note's
commitments (notes.mentions) and a rep's open entries (ledgers.open) are written
as lists of tuples of text, whole numbers and None, dates as ordinals: these tests
prove that the coding gives back equal records for every value the records can
hold, and that the reader refuses anything else (as :class:`codec.Damaged`)
without ever resolving a global.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
import subprocess
import sys
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE, examples
from onenotes.reading.cache import codec as cache
from support.cachekit import broken, cache_on  # noqa: F401  (fixtures)
from onenotes.reading.note import Mention
from onenotes.rules.commitments import Entry, build_ledger, open_commitments

# Any text, lone surrogates (a file name read with surrogateescape) and all.
TEXT = st.text(st.characters(blacklist_categories=()), max_size=12)
DATES = st.none() | st.dates()
LINES = st.integers(min_value=-2**70, max_value=2**70)

MENTIONS = st.builds(Mention, id=TEXT, text=TEXT, owner=TEXT, status=TEXT, due=DATES, due_raw=st.none() | TEXT,
                     since=DATES, line=LINES, origin=TEXT, done_on=DATES, reason=st.none() | TEXT)
ENTRIES = st.builds(Entry, id=TEXT, rep=TEXT, text=TEXT, owner=TEXT, status=TEXT, due=DATES,
                    due_raw=st.none() | TEXT, since=DATES, source=TEXT, line=LINES, closed_in=st.none() | TEXT,
                    closed_on=DATES, reason=st.none() | TEXT,
                    mentions=st.lists(st.tuples(TEXT, DATES, LINES), max_size=4),
                    slips=st.lists(st.tuples(DATES, DATES, DATES), max_size=4), closed_on_exact=st.booleans(),
                    last_open_on=DATES)


def test_the_plain_coding_names_every_field_of_its_records_in_order():
    assert cache.MENTION_FIELDS == cache.record_fields(Mention) == tuple(f.name for f in dataclasses.fields(Mention))
    assert cache.ENTRY_FIELDS == cache.record_fields(Entry)


@given(st.lists(MENTIONS, max_size=5))
@settings(max_examples=examples(200))
def test_mentions_come_back_equal(mentions):
    again = cache.decode_mentions(cache.encode_mentions(mentions))
    assert again == mentions
    assert [type(m) for m in again] == [Mention] * len(mentions)
    assert [vars(m) for m in again] == [vars(m) for m in mentions]  # every field, nothing more


@given(st.lists(ENTRIES, max_size=4))
@settings(max_examples=examples(200))
def test_entries_come_back_equal(entries):
    again = cache.decode_entries(cache.encode_entries(entries))
    assert again == entries
    assert [vars(e) for e in again] == [vars(e) for e in entries]
    for before, after in zip(entries, again):
        assert [type(t) for t in after.mentions] == [tuple] * len(before.mentions)
        assert [type(t) for t in after.slips] == [tuple] * len(before.slips)


def test_the_example_notebook_s_commitments_and_ledger_come_back_equal():
    from onenotes.reading.notebook import load_notebook

    notes = load_notebook(EXAMPLE).notes
    assert sum(len(n.mentions) for n in notes) > 20
    for note in notes:
        assert cache.decode_mentions(cache.encode_mentions(note.mentions)) == note.mentions
    entries = build_ledger(notes)
    assert {e.status for e in entries} == {"open", "done", "dropped"} and any(e.slips for e in entries)
    assert cache.decode_entries(cache.encode_entries(entries)) == entries
    assert cache.decode_entries(cache.encode_entries(open_commitments(entries))) == open_commitments(entries)


def test_a_value_that_is_not_plain_is_never_encoded():
    """A datetime would lose its time as an ordinal; a str subclass, a float's cousin
    Decimal, a record: the note is then parsed every run rather than cached wrongly."""
    import decimal

    mention = Mention("c1", "Call", "rep", "open", dt.date(2026, 1, 2), None, None, 3, "body")
    with pytest.raises(TypeError):
        cache.encode_mentions([dataclasses.replace(mention, due=dt.datetime(2026, 1, 2, 9, 30))])

    class Text(str):
        pass

    for odd in (Text("c1"), decimal.Decimal(1), mention, str):
        with pytest.raises(pickle.PicklingError):
            cache.encode_mentions([dataclasses.replace(mention, id=odd)])
    entry = Entry("c1", "ann", "Call", "rep", "open", None, None, None, "ann/2026-01-02.md", 3)
    entry.mentions.append(("ann/2026-01-02.md", dt.datetime(2026, 1, 2, 9, 30), 3))
    with pytest.raises(TypeError):
        cache.encode_entries([entry])


GOOD_MENTION = ("c1", "Call", "rep", "open", 739000, None, None, 3, "body", None, None, False, None, None)
GOOD_ENTRY = ("c1", "ann", "Call", "rep", "open", 739000, None, 739000, "ann/2026-01-02.md", 3, None, None, None,
              [("ann/2026-01-02.md", 739000, 3)], [(739000, None, 739001)], False, None, None, False, None)


def _with(row: tuple, index: int, value) -> tuple:
    return row[:index] + (value,) + row[index + 1:]


class _Planted:
    """Pickles as a call of ``func(*args)``: what a planted row would hold."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


def _wrong_mentions(marker):
    good = GOOD_MENTION
    yield "a tuple, not a list", (good,)
    yield "a dict", {"id": "c1"}
    yield "text", "c1"
    yield "short", [good[:13]]
    yield "long", [good + (None,)]
    yield "a list, not a tuple", [list(good)]
    yield "no fields", [()]
    yield "a nested list", [[good]]
    for index, value in ((0, 1), (0, None), (1, b"Call"), (2, None), (3, 0), (5, 5), (7, "3"), (7, 3.0),
                         (7, True), (7, None), (8, None), (10, ("why",)), (1, ["Call"]), (11, None), (11, 1),
                         (11, "yes"), (12, 5), (12, b"c0"), (13, 1), (13, ["c0"])):
        yield f"field {index} = {value!r}", [_with(good, index, value)]
    for index in (4, 6, 9):  # the three dates
        for value in ("2026-01-02", 0, -5, dt.date.max.toordinal() + 1, 10**30, 739000.0, True, (739000,)):
            yield f"date {index} = {value!r}", [_with(good, index, value)]
    yield "a date object", [_with(good, 4, dt.date(2026, 1, 2))]
    yield "a record", [Mention(*good)]
    yield "a planted call", [_Planted(os.system, f"touch {marker}")]
    yield "a planted call in a field", [_with(good, 1, _Planted(subprocess.call, ["touch", str(marker)]))]


def _wrong_entries(marker):
    good = GOOD_ENTRY
    yield "a tuple, not a list", (good,)
    yield "short", [good[:19]]
    yield "long", [good + ([],)]
    yield "a mention list", [GOOD_MENTION]
    for index, value in ((0, 1), (1, None), (2, 2), (3, None), (4, None), (6, 6), (8, None), (9, "3"), (9, 3.5),
                         (9, False), (10, 10), (12, 12), (13, None), (13, tuple(good[13])), (14, tuple(good[14])),
                         (13, [("ann/2026-01-02.md", 739000)]), (13, [("ann/2026-01-02.md", 739000, 3, 4)]),
                         (13, [["ann/2026-01-02.md", 739000, 3]]), (13, [(None, 739000, 3)]),
                         (13, [("ann/2026-01-02.md", 739000, "3")]), (13, [("ann/2026-01-02.md", "2026-01-02", 3)]),
                         (14, [(739000, None)]), (14, [(739000, None, "2026-01-02")]), (14, [[739000, None, None]]),
                         (14, [(0, None, None)]), (15, None), (15, 0), (16, 16), (17, ["Plan"]),
                         (18, None), (18, 1), (18, "yes")):
        yield f"field {index} = {value!r}", [_with(good, index, value)]
    for index in (5, 7, 11, 19):
        for value in ("2026-01-02", 0, dt.date.max.toordinal() + 1, -(10**30), 1.5, True):
            yield f"date {index} = {value!r}", [_with(good, index, value)]
    yield "a record", [Entry(*good)]
    yield "a planted call", [_Planted(os.system, f"touch {marker}")]
    yield "a planted call in the mentions", [_with(good, 13, [_Planted(os.system, f"touch {marker}")])]


@pytest.mark.parametrize("kind", ["mentions", "entries"])
def test_a_row_of_the_wrong_shape_is_refused_and_runs_nothing(kind, tmp_path):
    marker = tmp_path / "ran"
    decode, wrong = ((cache.decode_mentions, _wrong_mentions) if kind == "mentions"
                     else (cache.decode_entries, _wrong_entries))
    cases = list(wrong(marker))
    assert len(cases) > 40
    for what, value in cases:
        for protocol in (2, 5):
            with pytest.raises(cache.Damaged):
                decode(pickle.dumps(value, protocol=protocol))
                pytest.fail(f"{what} was accepted")
    assert not marker.exists()
    # ...while the good row it was made from is read, so each refusal is down to its one change.
    good = [GOOD_MENTION] if kind == "mentions" else [GOOD_ENTRY]
    assert len(decode(pickle.dumps(good, protocol=5))) == 1


@pytest.mark.parametrize("data", [b"", b"\x80\x05", b"garbage", b"\x80\x05]\x94(K\x01", "text", None,
                                  b"\x80\x05cos\nsystem\n.", b"\x80\x05\x82\x01.",  # a global; an extension code
                                  b"\x80\x05P0\n."])  # a persistent id
def test_bytes_that_are_not_a_plain_list_are_refused(data):
    for decode in (cache.decode_mentions, cache.decode_entries):
        with pytest.raises(cache.Damaged):
            decode(data)


def test_a_plain_row_names_no_global():
    import pickletools

    mention = Mention("c1", "Caf\u00e9", "rep", "done", dt.date(2026, 1, 2), "next fri", dt.date(2025, 12, 1), 3,
                      "frontmatter", dt.date(2026, 1, 3), "lost the deal")
    entry = build_ledger([_Note("ann/2026-01-02.md", [mention])])[0]
    for data in (cache.encode_mentions([mention]), cache.encode_entries([entry])):
        ops = {op.name for op, _, _ in pickletools.genops(data)}
        assert not ops & {"GLOBAL", "STACK_GLOBAL", "REDUCE", "BUILD", "NEWOBJ", "NEWOBJ_EX", "INST", "OBJ",
                          "EXT1", "EXT2", "EXT4", "PERSID", "BINPERSID"}


class _Note:
    def __init__(self, path, mentions):
        self.path, self.mentions = path, mentions
        self.rep, _, name = path.partition("/")
        self.date, self.seq = dt.date.fromisoformat(name[:10]), 1

    @property
    def sort_key(self):
        return (self.date, self.seq, self.path)


# ------------------------------------------------------- whole records ---

def test_encoding_a_note_keeps_every_field_and_line(example_notebook, broken):
    from onenotes.reading.notebook import load_notebook

    for root in (example_notebook, broken):
        for note in load_notebook(root).notes:
            again = cache.decode(cache.encode(note))
            assert again == note
            assert cache.encode(again) == cache.encode(note)
            assert again.meta.key_lines == note.meta.key_lines


def test_the_config_of_every_shipped_notebook_is_cached_exactly():
    # A setting the cache cannot encode (a time such as meeting_time) would make
    # every warm run read onenotes.yaml again with the YAML parser.
    from onenotes.reading.config_file import load_config

    config = load_config(EXAMPLE)
    assert config.meeting_time is not None
    assert cache.decode(cache.encode(config)) == config


def test_only_onenotes_records_are_ever_built_from_a_cache(tmp_path):
    import onenotes.reading.note
    from onenotes.reading.cache import key

    marker = tmp_path / "ran"
    planted = [
        _Planted(os.system, f"touch {marker}"),
        _Planted(subprocess.call, ["touch", str(marker)]),
        _Planted(key.format_version),  # a onenotes function, not a record
        _Planted(onenotes.reading.note.parse_note, "x"),
    ]
    for value in planted:
        with pytest.raises(pickle.UnpicklingError):
            cache.decode(pickle.dumps(value, protocol=5))
        with pytest.raises(pickle.UnpicklingError):
            cache.decode(pickle.dumps([value], protocol=2))
    assert not marker.exists()
    with pytest.raises(TypeError):
        cache.decode('{"@": "C", "c": "onenotes.reading.cache.key:format_version", "f": {}}')  # text is never a value


def test_a_cache_row_cannot_import_a_module_or_change_a_class():
    """A row naming onenotes.__main__ would run the CLI on import; one that BUILDs on a
    class would change it for the rest of the run.  Neither global is ever resolved."""
    from onenotes.errors import Problem

    hash_before = Problem.__hash__
    for planted in (b"\x80\x05conenotes.__main__\nX\n.",
                    b"\x80\x05conenotes.errors\nProblem\nN}\x8c\x08__hash__Ns\x86b.",
                    b"\x80\x05conenotes.reading.yaml.safe\nLineDict\nN}\x8c\x08__init__Ns\x86b.",
                    b"\x80\x05conenotes.reading.yaml.safe\n__builtins__\n.",
                    b"\x80\x05cpathlib\nPosixPath\nN}\x8c\x08__init__Ns\x86b."):
        with pytest.raises(pickle.UnpicklingError):
            cache.decode(planted)
    assert Problem.__hash__ is hash_before
    assert "onenotes.__main__" not in sys.modules


def test_what_a_row_holds_is_checked_to_be_what_its_column_holds():
    note_list = cache.encode([1, 2])
    with pytest.raises(cache.Damaged):
        cache.decode_checked(note_list, "Entry", many=True)
    with pytest.raises(cache.Damaged):
        cache.decode_checked(cache.encode({"rep": "ann"}), "Note")
    bomb = zlib.compress(b"\0" * (cache.MAX_UNPACKED + 1))
    with pytest.raises(cache.Damaged):  # a small row that would inflate past the bound
        cache.decode_checked(bomb, "Note", packed=True)


def test_a_record_class_with_slots_is_rebuilt_with_every_field():
    """Records may be plain classes or dataclasses, with or without __slots__, frozen or not."""

    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        a: int
        b: str = "x"

    again = cache.made(Slotted, ("a", "b"), (1, "y"))
    assert again == Slotted(1, "y")
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.a = 2


def _fresh_dump(value) -> bytes:
    """What dump_plain writes with a new pickler for each value."""
    import io

    out = io.BytesIO()
    pickler = cache._PlainPickler(out, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return out.getvalue()


class _Odd(str):
    pass


PLAIN = st.recursive(st.none() | st.booleans() | LINES | st.floats(allow_nan=False) | TEXT | st.binary(max_size=40),
                     lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple),
                     max_leaves=30)


@given(st.lists(st.tuples(PLAIN, st.booleans()), min_size=1, max_size=6))
@settings(max_examples=examples(200))
def test_a_kept_pickler_writes_what_a_new_one_writes_even_after_a_refused_value(values):
    """dump_plain keeps its pickler from one value to the next: each value is written
    byte for byte as a new pickler writes it, also after one refused mid-way (a str
    subclass deep in a list: that pickler is dropped)."""
    for value, refuse in values:
        if refuse:
            with pytest.raises(pickle.PicklingError):
                cache.dump_plain([value, [("x", _Odd("y"))], value])
        assert cache.dump_plain(value) == _fresh_dump(value)
        assert cache.dump_plain([value, value]) == _fresh_dump([value, value])
