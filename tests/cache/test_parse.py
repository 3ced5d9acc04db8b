"""Parsing notes for the cache (onenotes/reading/cache/parse.py): in this process, or on
every core through the standard library's process pool and this process.  Whatever happens to the pool
(a worker dies, the run is interrupted, no process can be started), the answer is the
same; and each rep's open commitments are folded where its notes were parsed."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TODAY, examples, write
from onenotes.reading.cache import load as load_module
from onenotes.reading.cache import parse
from support.cachekit import COMMANDS, broken, cache_on, generate_notebook, outputs, query  # noqa: F401


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated notebook of 120 notes (benchmarks/generate.py), some of them broken."""
    root = generate_notebook(tmp_path_factory.mktemp("parse") / "nb", 120, 11)
    # Rows say whether a note was too recently changed to trust its times (racy): wait until
    # none is, so that two parses compared in a test never straddle that moment.
    from onenotes.reading.cache import key

    time.sleep(key.RACY_NS / 1e9)
    return root


@pytest.fixture
def small_chunks(monkeypatch):
    """Parse on several cores even a small notebook, in many small chunks."""
    monkeypatch.setattr(parse, "PARALLEL_MIN", 2)
    monkeypatch.setattr(parse, "chunk_size", lambda notes, jobs: 8)
    equal = parse.chunks  # chunks of the size asked (not shrinking ones, none under 50 notes)
    monkeypatch.setattr(parse, "chunks", lambda rels, size, fold, jobs=1: equal(rels, size, fold))


@pytest.fixture
def pids(monkeypatch, tmp_path):
    """The processes that parsed chunks (the workers are forked with the wrapper): a list of pids."""
    log = tmp_path / "pids.log"
    real = parse._parse_paused

    def logged(*args):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        time.sleep(0.01)  # each chunk takes its time, so that every process surely gets some
        return real(*args)

    monkeypatch.setattr(parse, "_parse_paused", logged)
    return lambda: [int(line) for line in log.read_text(encoding="utf-8").split()] if log.exists() else []


def _inputs(root: Path):
    from onenotes.reading.layout import scan
    from onenotes.reading.config_file import load_config, read_options

    rels = scan(root).notes
    return rels, read_options(load_config(root)), frozenset(rel.partition("/")[0] for rel in rels)


def _same(a: list, b: list) -> bool:
    return [r.__getstate__()[:7] + (r.mentions,) for r in a] == [r.__getstate__()[:7] + (r.mentions,) for r in b]


def _no_child_left() -> bool:
    import multiprocessing

    if multiprocessing.active_children():
        return False
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


# ---------------------------------------------------------- the pool ---

@pytest.mark.parametrize("jobs, size", [(2, 8), (3, 8), (2, 100)])
def test_notes_parsed_by_a_process_pool_give_the_rows_parsed_here(generated, small_chunks, pids,
                                                                   monkeypatch, jobs, size):
    """In chunks of 8 no rep is whole in a chunk (the caller folds them all); in chunks
    of 100, each of the two reps is, and is folded where it was parsed."""
    monkeypatch.setattr(parse, "chunk_size", lambda notes, jobs: size)
    rels, options, reps = _inputs(generated)
    alone = parse.parse_and_fold(generated, rels, options, jobs=1, keep="index", fold=reps)
    pooled = parse.parse_and_fold(generated, rels, options, jobs=jobs, keep="index", fold=reps)
    assert _same(pooled[0], alone[0]) and [r.path for r in pooled[0]] == rels
    assert pooled[1] == (alone[1] if size == 100 else {})
    if size == 8:  # (15 chunks) the workers and this process parsed some each...
        assert len(set(pids())) == jobs and os.getpid() in pids()
    assert _no_child_left()  # ...and the workers are gone


def test_a_worker_that_dies_changes_nothing_but_speed(generated, small_chunks, monkeypatch, tmp_path):
    import threading

    rels, options, reps = _inputs(generated)
    alone = parse.parse_and_fold(generated, rels, options, jobs=1, keep="index", fold=reps)
    parent = os.getpid()
    real = parse._parse_paused

    def dying(*args):
        if os.getpid() != parent:
            (tmp_path / "died").write_text("yes", encoding="utf-8")
            os._exit(3)
        return real(*args)

    said = []
    monkeypatch.setattr(threading, "excepthook", said.append)
    monkeypatch.setattr(parse, "_parse_paused", dying)
    pooled = parse.parse_and_fold(generated, rels, options, jobs=2, keep="index", fold=reps)
    assert _same(pooled[0], alone[0]) and pooled[1] == alone[1]  # all parsed here, reps folded here
    assert (tmp_path / "died").exists()  # a worker did take a chunk and die with it
    assert _no_child_left() and said == []  # nothing printed from the pool's threads


def test_without_worker_processes_the_notes_are_parsed_here(generated, small_chunks, monkeypatch, pids):
    import concurrent.futures

    rels, options, reps = _inputs(generated)
    alone = parse.parse_and_fold(generated, rels, options, jobs=1, keep="index", fold=reps)

    def no_pool(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    here = parse.parse_and_fold(generated, rels, options, jobs=2, keep="index", fold=reps)
    assert _same(here[0], alone[0]) and here[1] == alone[1]
    assert set(pids()) == {os.getpid()}


def test_an_interrupted_parse_leaves_no_worker_running(generated, small_chunks, monkeypatch):
    """Ctrl-C while the workers parse: the workers end (each after the chunks it was
    given) before the interrupt goes on, and nothing is printed from the pool's threads."""
    import threading

    rels, options, reps = _inputs(generated)
    parent = os.getpid()
    real = parse._parse_paused
    calls = []

    def interrupted(*args):
        if os.getpid() == parent:
            calls.append(args)
            if len(calls) == 2:  # this process's second chunk: the workers are running
                raise KeyboardInterrupt
        return real(*args)

    said = []
    monkeypatch.setattr(threading, "excepthook", said.append)
    monkeypatch.setattr(parse, "_parse_paused", interrupted)
    with pytest.raises(KeyboardInterrupt):
        parse.parse_and_fold(generated, rels, options, jobs=3, keep="index", fold=reps)
    assert _no_child_left() and said == []


def test_a_first_run_on_all_cores_writes_the_cache_a_run_on_one_core_writes(cli, generated, tmp_path,
                                                                              small_chunks, monkeypatch):
    import shutil

    args = ("followups", "--today", TODAY, "--format", "json")
    one, two = tmp_path / "one", tmp_path / "two"
    for copy in (one, two):
        shutil.copytree(generated, copy, ignore=shutil.ignore_patterns(".onenotes"))
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    first = cli("--notebook", one, *args)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    second = cli("--notebook", two, *args)
    assert (second.exit_code, second.stdout, second.stderr) == (first.exit_code, first.stdout, first.stderr)

    def stored(root):  # (keys differ: other inodes)
        return (query(root, "SELECT path, rep, digest, readable, problems, mentions FROM notes ORDER BY path")
                + query(root, "SELECT rep, open FROM ledgers ORDER BY rep"))

    assert stored(two) == stored(one) and len(stored(one)) > 120
    assert cli("--notebook", two, *args).stdout == first.stdout  # warm, from what was written


def test_parallel_parsing_gives_the_same_notebook(acme, monkeypatch):
    from onenotes.reading.notebook import load_notebook

    monkeypatch.setattr(parse, "PARALLEL_MIN", 2)
    one = load_notebook(acme, jobs=1)
    two = load_notebook(acme, jobs=2)
    assert two.notes == one.notes
    assert [n.meta.key_lines for n in two.notes] == [n.meta.key_lines for n in one.notes]
    assert two.problems == one.problems


# ------------------------------------------------------------ folding ---

def test_a_first_run_on_all_cores_folds_each_rep_where_its_notes_were_parsed(cli, broken, monkeypatch):
    fresh = outputs(cli, broken, "--no-cache")
    monkeypatch.setattr(parse, "PARALLEL_MIN", 2)
    in_parent = []
    real = load_module._rep_ledger
    monkeypatch.setattr(load_module, "_rep_ledger", lambda rep, *a: in_parent.append(rep) or real(rep, *a))
    first = outputs(cli, broken, commands=COMMANDS[:1])  # followups: its run parses every note
    assert in_parent == [] and first == fresh[:1]
    assert outputs(cli, broken) == fresh
    note = broken / "bob-okafor" / "2026-11-16.md"  # one note changes: its rep is folded here
    note.write_text(note.read_text(encoding="utf-8").replace("Build a list of 50", "Build a list of 60"),
                    encoding="utf-8")
    assert outputs(cli, broken, commands=COMMANDS[:1]) == outputs(cli, broken, "--no-cache",
                                                                    commands=COMMANDS[:1])
    assert in_parent == ["bob-okafor"]


def test_a_rep_too_big_for_one_chunk_is_folded_in_the_main_process(tmp_path, monkeypatch):
    from onenotes.reading.notebook import load_notebook

    for day in range(1, 29):  # one rep, 28 notes: more than a chunk of 7
        write(tmp_path / "ann" / f"2026-02-{day:02d}.md",
              f"---\nrep: ann\ncommitments:\n  - id: c{day}\n    text: Call {day}\n    due: 2026-03-01\n---\n")
    write(tmp_path / "onenotes.yaml", "manager: Sam\n")
    monkeypatch.setattr(parse, "PARALLEL_MIN", 2)
    monkeypatch.setattr(parse, "chunk_size", lambda notes, jobs: 7)
    in_parent = []
    real = load_module._rep_ledger
    monkeypatch.setattr(load_module, "_rep_ledger", lambda rep, *a: in_parent.append(rep) or real(rep, *a))
    fresh = [e.id for e in load_notebook(tmp_path).open_entries()]
    cached = [e.id for e in load_notebook(tmp_path, cache=True).open_entries()]
    assert cached == fresh and len(fresh) == 28
    assert in_parent == ["ann"]


def test_chunks_never_cut_a_rep_that_is_folded():
    rels = [f"{rep}/2026-01-{day:02d}.md" for rep in ("ann", "bob", "cy") for day in range(1, 8)]
    chunks = parse.chunks(rels, 3, frozenset({"ann", "cy"}))
    assert [rel for chunk, _ in chunks for rel in chunk] == rels
    for rep in ("ann", "cy"):
        assert sum(any(r.startswith(rep + "/") for r in chunk) for chunk, _ in chunks) == 1
    assert [sorted(f) for _, f in chunks] == [["ann"], [], [], ["cy"]]
    assert max(len(c) for c, _ in parse.chunks(rels, 3, frozenset())) == 3  # reps not folded are cut


def test_chunks_for_several_cores_shrink_toward_the_end_and_never_cut_a_folded_rep():
    """Guided chunks: large first, small last (so that the cores finish together), each
    about 1/(2*jobs) of the notes left and none under size/8, and still whole reps."""
    rels = [f"rep{rep:02d}/2026-{1 + day // 28:02d}-{1 + day % 28:02d}.md" for rep in range(40) for day in range(100)]
    everyone = frozenset(f"rep{rep:02d}" for rep in range(40))
    for fold in (everyone, frozenset(), frozenset(list(everyone)[:7])):
        size = parse.chunk_size(len(rels), 2)
        chunks = parse.chunks(rels, size, fold, 2)
        assert [rel for chunk, _ in chunks for rel in chunk] == rels
        for rep in fold:
            assert sum(any(r.startswith(rep + "/") for r in chunk) for chunk, _ in chunks) == 1
        assert [f for _, f in chunks] == [frozenset(parse.rep_of(r) for r in c) & fold for c, _ in chunks]
        sizes = [len(c) for c, _ in chunks]
        assert sizes[0] >= len(rels) // 4 and max(sizes[-3:]) <= size // 2, sizes
        assert all(n >= size // 8 for n in sizes[:-1]), sizes
        left = len(rels)
        for n in sizes[:-1]:  # each a quarter of what was left (and the rest of a folded rep)
            want = max(size // 8, 50, -(-left // 4))
            assert want <= n < want + (100 if fold else 1), sizes
            left -= n


def test_a_chunk_holds_one_rep_s_notes_at_a_time_while_folding(broken, monkeypatch):
    """Each rep is folded when its last note is read and its notes let go then: a chunk of
    a 100,000-note first run would otherwise hold thousands of parsed notes at once."""
    from onenotes.rules import commitments as ledger

    rels, options, reps = _inputs(broken)
    made = []
    real_parse, real_build = parse.parse_row, ledger.build_ledger
    monkeypatch.setattr(parse, "parse_row", lambda *a, **k: made.append(real_parse(*a, **k)) or made[-1])
    held_at_each_fold = []

    def build(notes):
        held_at_each_fold.append({row.rep for row in made if row.note is not None})
        return real_build(notes)

    monkeypatch.setattr(ledger, "build_ledger", build)
    rows, ledgers = parse.parse_chunk(str(broken), rels, options, 0, "index", reps)
    assert len(held_at_each_fold) == len(reps) > 2
    assert all(len(held) <= 1 for held in held_at_each_fold), held_at_each_fold
    monkeypatch.setattr(ledger, "build_ledger", real_build)

    def alone(rep):  # the rep's notes parsed whole, then folded
        own = [rel for rel in rels if rel.startswith(rep + "/")]
        notes = [row.note for row in parse.parse_chunk(str(broken), own, options, 0, "note")[0] if row.readable]
        return parse.encode_entries(ledger.open_commitments(real_build(notes)))

    assert ledgers == {rep: alone(rep) for rep in reps}


def test_a_rep_whose_notes_are_not_together_is_folded_from_all_of_them(broken):
    rels, options, reps = _inputs(broken)
    together = parse.parse_chunk(str(broken), rels, options, 0, "index", reps)
    shuffled = rels[1::2] + rels[0::2]  # every rep cut in two
    assert parse._apart(shuffled) == reps - {rep for rep in reps if sum(r.startswith(rep + "/") for r in rels) < 2}
    apart = parse.parse_chunk(str(broken), shuffled, options, 0, "index", reps)
    assert apart[1] == together[1]
    assert all(row.note is None for row in apart[0] if row.key is not None)


# ------------------------------------------------------------ one note ---

def test_parsing_notes_leaves_no_cycles_for_the_collector_paused_while_parsing(broken, tmp_path):
    """Chunks are parsed with the cyclic collector paused (it found nothing to free and
    cost ~10 us a note): that holds only while parsing makes no reference cycles, which
    this checks on good, broken and generated notes; and the collector runs again after
    the chunk, as it was."""
    import gc

    generated = generate_notebook(tmp_path / "generated", 200, 7)
    # What parsing loads once, the first time a note needs it (markdown-it for private
    # markup, with its parser), is loaded first: modules and classes are not garbage.
    from onenotes.reading.privacy import private_markup_problems

    assert private_markup_problems("<!-- private -->\n", "ann/2026-01-05.md")
    for root in (broken, generated):
        rels, options, reps = _inputs(root)
        for keep in ("index", "data", "note"):
            gc.collect()
            gc.disable()
            try:
                rows, _ = parse.parse_chunk(str(root), rels, options, 0, keep, reps)
                assert any(not r.readable or r.problems for r in rows) or root == generated
                del rows
                assert gc.collect() == 0, f"parsing {root.name} with keep={keep} left cycles"
            finally:
                gc.enable()
    rels, options, _ = _inputs(broken)
    for running in (True, False):
        (gc.enable if running else gc.disable)()
        try:
            sent, _ = parse.parse_sent(str(broken), rels, options, 0, "index")
            assert gc.isenabled() is running and len(sent) == len(rels)
        finally:
            gc.enable()


def test_a_row_sent_back_by_a_worker_comes_back_with_every_field():
    """Worker processes send each Row as the tuple of its fields, rebuilt by Row(*fields)."""
    import inspect

    assert tuple(inspect.signature(parse.Row).parameters) == parse.Row.__slots__
    values = ("ann/2026-01-02.md", "ann", "1:2:3:4", True, b"digest", b"data", b"problems", False, b"mentions",
              object())
    row = parse.Row(*values)
    again = parse.Row(*pickle.loads(pickle.dumps(row.__getstate__()[:-1], protocol=5)), values[-1])
    assert [getattr(again, name) for name in parse.Row.__slots__] == list(values)


RELS = st.sampled_from(["ann/2026-01-02.md", "ann/2026-01-02-3.md", "bob/2026-02-30.md", "ann/notes.md",
                        "bob/2026-01-02.md", "ann/x/2026-01-02.md", "2026-01-02.md"])


@given(st.lists(RELS, max_size=8))
@settings(max_examples=examples(100))
def test_a_note_s_identity_is_the_same_however_often_it_is_asked(rels):
    """notefile._identity keeps the identity of the path it was asked last (reading a
    note asks twice): each answer, and each refusal, is still that of note_identity."""
    from onenotes.errors import NoteError
    from onenotes.reading.layout import note_identity
    from onenotes.reading.notefile import _identity

    for rel in rels + rels[::-1] + [r for r in rels for _ in (1, 2)]:
        expected = note_identity(rel)
        if expected is None:
            with pytest.raises(NoteError) as caught:
                _identity(rel)
            assert caught.value.problem.code == "note-name" and caught.value.problem.path == rel
        else:
            assert _identity(rel) == expected
