"""Parsing on all cores by forking (onenotes/cache.py, _parse_forked), and the cache
written while notes are parsed (Store.begin_rows / put_rows).

On Linux a first run forks one child per extra core; this process parses too, the
chunks are shared out through a pipe, and each chunk's rows reach the cache as soon
as they are parsed.  Whatever happens to a child, the answer is the same.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import time
from pathlib import Path

import pytest

import onenotes.reading.cache as cache
from conftest import TODAY

pytestmark = pytest.mark.skipif(not cache._can_fork(), reason="forked parsing is for Linux")


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch):
    monkeypatch.delenv("ONENOTES_NO_CACHE", raising=False)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated notebook of 120 notes (benchmarks/generate.py), some of them broken."""
    spec = importlib.util.spec_from_file_location(
        "generate", Path(__file__).parents[2] / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    root = tmp_path_factory.mktemp("forked") / "nb"
    generate.generate(root, 120, 11)
    # Rows say whether a note was too recently changed to trust its times (racy): wait until
    # none is, so that two parses compared in a test never straddle that moment.
    time.sleep(cache.RACY_NS / 1e9)
    return root


@pytest.fixture
def small_chunks(monkeypatch):
    """Parse on several cores even a small notebook, in many small chunks."""
    monkeypatch.setattr(cache, "PARALLEL_MIN", 2)
    monkeypatch.setattr(cache, "_chunk_size", lambda notes, jobs: 8)
    equal = cache._chunks  # chunks of the size asked (not shrinking ones, none under 50 notes)
    monkeypatch.setattr(cache, "_chunks", lambda rels, size, fold, jobs=1: equal(rels, size, fold))


def _unhurried(real):
    """``_parse_paused`` taking its time in every process, so that every process surely gets chunks."""

    def slow(*args):
        time.sleep(0.01)
        return real(*args)

    return slow


@pytest.fixture
def pids(monkeypatch, tmp_path):
    """The processes that parsed chunks (the children inherit the wrapper): a list of pids."""
    log = tmp_path / "pids.log"
    real = _unhurried(cache._parse_paused)

    def logged(*args):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(cache, "_parse_paused", logged)
    return lambda: [int(line) for line in log.read_text(encoding="utf-8").split()] if log.exists() else []


def _inputs(root: Path):
    from onenotes.reading.config_file import load_config, read_options
    from onenotes.reading.layout import scan

    rels = scan(root).notes
    return rels, read_options(load_config(root)), frozenset(rel.partition("/")[0] for rel in rels)


def _same(a: list, b: list) -> bool:
    return [r.__getstate__()[:7] + (r.mentions,) for r in a] == [r.__getstate__()[:7] + (r.mentions,) for r in b]


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("jobs, size", [(2, 8), (3, 8), (2, 100)])
def test_notes_parsed_by_forked_children_and_this_process_give_the_same_rows(generated, small_chunks, pids,
                                                                              monkeypatch, jobs, size):
    """In chunks of 8 no rep is whole in a chunk (the caller folds them all); in chunks
    of 100, each of the two reps is, and is folded where it was parsed."""
    monkeypatch.setattr(cache, "_chunk_size", lambda notes, jobs: size)
    rels, options, reps = _inputs(generated)
    alone = cache.parse_and_fold(generated, rels, options, jobs=1, keep="index", fold=reps)
    fds = _open_fds()
    forked = cache.parse_and_fold(generated, rels, options, jobs=jobs, keep="index", fold=reps)
    assert _same(forked[0], alone[0]) and [r.path for r in forked[0]] == rels
    assert forked[1] == (alone[1] if size == 100 else {})
    assert len(set(pids())) == jobs  # every process parsed some chunks
    assert _open_fds() == fds  # pipes and files closed, children waited for
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("size, dies_in", [(8, 2), (100, 1)])
def test_a_child_that_dies_loses_nothing_its_chunks_are_parsed_here(generated, small_chunks, monkeypatch,
                                                                    tmp_path, size, dies_in):
    """In its second chunk of 8 (its first was sent), or in its one chunk of 100, whose
    rep is folded: here, then."""
    monkeypatch.setattr(cache, "_chunk_size", lambda notes, jobs: size)
    rels, options, reps = _inputs(generated)
    alone = cache.parse_and_fold(generated, rels, options, jobs=1, keep="index", fold=reps)
    parent = os.getpid()
    real = _unhurried(cache._parse_paused)
    taken = []

    def dying(base, chunk, *args):
        taken.append(chunk)
        if os.getpid() != parent and len(taken) == dies_in:
            (tmp_path / "died").write_text(str(len(chunk[0])), encoding="utf-8")
            os._exit(3)
        return real(base, chunk, *args)

    monkeypatch.setattr(cache, "_parse_paused", dying)
    sunk = []
    forked = cache.parse_and_fold(generated, rels, options, jobs=2, keep="index", fold=reps, sink=sunk.extend)
    assert _same(forked[0], alone[0])
    assert forked[1] == (alone[1] if size == 100 else {})
    assert sorted(r.path for r in sunk) == sorted(rels)
    assert (tmp_path / "died").exists()  # the child did take a chunk and die with it


def test_rows_a_child_sends_that_do_not_read_back_are_parsed_here(generated, small_chunks, monkeypatch, tmp_path):
    monkeypatch.setattr(cache, "_chunk_size", lambda notes, jobs: 100)  # a rep a chunk: folded where parsed
    rels, options, reps = _inputs(generated)
    alone = cache.parse_and_fold(generated, rels, options, jobs=1, keep="data", fold=reps)
    parent = os.getpid()
    real = cache.pickle.dumps
    monkeypatch.setattr(cache, "_parse_paused", _unhurried(cache._parse_paused))

    def garbled(value, *args):  # in the child: rows cut short
        data = real(value, *args)
        if os.getpid() == parent:
            return data
        (tmp_path / "garbled").write_text("yes", encoding="utf-8")
        return data[: len(data) // 2]

    monkeypatch.setattr(cache.pickle, "dumps", garbled)
    sunk = []
    forked = cache.parse_and_fold(generated, rels, options, jobs=2, keep="data", fold=reps, sink=sunk.extend)
    assert _same(forked[0], alone[0]) and forked[1] == alone[1] and len(alone[1]) == 2
    assert sorted(r.path for r in sunk) == sorted(rels)
    assert (tmp_path / "garbled").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_parsed_row_reaches_the_sink_once(generated, small_chunks, jobs):
    rels, options, reps = _inputs(generated)
    sunk = []
    rows, _ = cache.parse_and_fold(generated, rels, options, jobs=jobs, keep="index", fold=reps,
                                   sink=sunk.extend)
    assert sorted(r.path for r in sunk) == sorted(rels) and len(sunk) == len(rows)


def test_an_interrupted_parse_leaves_no_child_running(generated, small_chunks, monkeypatch):
    rels, options, reps = _inputs(generated)
    parent = os.getpid()
    logged = cache._parse_paused
    seen = []
    children = []
    fork = cache._fork
    monkeypatch.setattr(cache, "_fork", lambda *args: children.append(fork(*args)) or children[-1])

    def interrupted(base, chunk, *args):
        if os.getpid() == parent:
            seen.append(chunk)
            if len(seen) == 1:
                raise KeyboardInterrupt
        return logged(base, chunk, *args)

    monkeypatch.setattr(cache, "_parse_paused", interrupted)
    fds = _open_fds()
    with pytest.raises(KeyboardInterrupt):
        cache.parse_and_fold(generated, rels, options, jobs=2, keep="index", fold=reps)
    assert _open_fds() == fds
    assert len(children) == 1
    with pytest.raises(ProcessLookupError):  # killed and waited for: no such process left
        os.kill(children[0].pid, 0)


def test_without_fork_the_chunks_are_parsed_here(generated, small_chunks, monkeypatch, pids):
    rels, options, reps = _inputs(generated)
    alone = cache.parse_and_fold(generated, rels, options, jobs=1, keep="index", fold=reps)

    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    forked = cache.parse_and_fold(generated, rels, options, jobs=2, keep="index", fold=reps)
    assert _same(forked[0], alone[0]) and forked[1] == {}  # no rep is whole in a chunk of 8
    assert set(pids()) == {os.getpid()}


def _copy(generated: Path, tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "nb"
    shutil.copytree(generated, root, ignore=shutil.ignore_patterns(".onenotes"))
    return root


def _stored(root: Path) -> list[tuple]:
    with sqlite3.connect(root / ".onenotes" / "cache") as conn:
        rows = conn.execute("SELECT path, rep, digest, readable, problems, mentions"  # keys: other inodes
                            " FROM notes ORDER BY path").fetchall()
        ledgers = conn.execute("SELECT rep, open FROM ledgers ORDER BY rep").fetchall()
    conn.close()
    return rows + ledgers


def test_a_first_run_on_all_cores_writes_the_cache_a_run_on_one_core_writes(cli, generated, tmp_path,
                                                                              small_chunks, monkeypatch):
    args = ("followups", "--today", TODAY, "--format", "json")
    one = _copy(generated, tmp_path / "one")
    two = _copy(generated, tmp_path / "two")
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    first = cli("--notebook", one, *args)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    begun = []
    real = cache.Store.begin_rows
    monkeypatch.setattr(cache.Store, "begin_rows", lambda self, expected: begun.append(real(self, expected)) or begun[-1])
    second = cli("--notebook", two, *args)
    assert begun == [True]  # the rows were written as they were parsed
    assert (second.exit_code, second.stdout, second.stderr) == (first.exit_code, first.stdout, first.stderr)
    assert _stored(two) == _stored(one) and len(_stored(one)) > 120
    assert cli("--notebook", two, *args).stdout == first.stdout  # warm, from what was written


def test_a_failed_write_while_parsing_writes_nothing_and_changes_no_answer(cli, generated, tmp_path,
                                                                           small_chunks, monkeypatch):
    args = ("followups", "--today", TODAY, "--format", "json")
    root = _copy(generated, tmp_path)
    expected = cli("--notebook", root, "--no-cache", *args)
    real = cache.Store._insert
    calls = []

    def failing(conn, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        return real(conn, rows)

    monkeypatch.setattr(cache.Store, "_insert", staticmethod(failing))
    result = cli("--notebook", root, *args)
    assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout)
    assert len(calls) >= 2
    with sqlite3.connect(root / ".onenotes" / "cache") as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0  # rolled back, all of it
    conn.close()
    monkeypatch.setattr(cache.Store, "_insert", staticmethod(real))
    assert cli("--notebook", root, *args).stdout == expected.stdout
    assert len(_stored(root)) > 120


def test_begin_rows_never_waits_for_another_writer(acme, monkeypatch):
    import threading

    monkeypatch.setattr(cache, "LOCK_TIMEOUT", 60)  # what write() would wait for the lock
    store = cache.Store.open(acme)
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        answer = []
        asking = threading.Thread(target=lambda: answer.append(store.begin_rows(0)), daemon=True)
        asking.start()
        asking.join(20)  # a third of the lock timeout: it did not wait for the lock
        assert answer == [False]
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 60_000
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.begin_rows(0) is True
    store.put_rows([])
    assert store.write([], [], {}, []) is True
    store.close()


def test_without_memfd_the_rows_travel_through_a_temporary_file(generated, small_chunks, monkeypatch, pids):
    rels, options, reps = _inputs(generated)
    alone = cache.parse_and_fold(generated, rels, options, jobs=1, keep="index", fold=reps)

    def forbidden(*args):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "memfd_create", forbidden, raising=False)
    forked = cache.parse_and_fold(generated, rels, options, jobs=2, keep="index", fold=reps)
    assert _same(forked[0], alone[0]) and forked[1] == {}
    assert len(set(pids())) == 2


def test_no_more_processes_are_forked_than_there_are_chunks(generated, small_chunks, monkeypatch):
    monkeypatch.setattr(cache, "_chunk_size", lambda notes, jobs: 100)  # two chunks (a rep each)
    rels, options, reps = _inputs(generated)
    children = []
    fork = cache._fork
    monkeypatch.setattr(cache, "_fork", lambda *args: children.append(fork(*args)) or children[-1])
    alone = cache.parse_and_fold(generated, rels, options, jobs=1, keep="index", fold=reps)
    forked = cache.parse_and_fold(generated, rels, options, jobs=8, keep="index", fold=reps)
    assert _same(forked[0], alone[0]) and forked[1] == alone[1]
    assert len(children) == 1


@pytest.fixture
def slow_commit(monkeypatch):
    """The background commit takes its time: whoever reads the cache must wait for it."""
    real = cache._end_transaction

    def slow(conn, how, *args):
        if how == "COMMIT":
            time.sleep(0.3)
        return real(conn, how, *args)

    monkeypatch.setattr(cache, "_end_transaction", slow)


def test_the_command_ends_only_once_the_cache_is_committed(cli, acme, slow_commit):
    result = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0
    with sqlite3.connect(acme / ".onenotes" / "cache", timeout=0) as other:  # another process, no waiting
        assert other.execute("SELECT count(*) FROM notes").fetchone()[0] > 10
    other.close()
    assert cache._COMMITTING == []


def test_the_store_waits_for_its_commit_before_it_is_used_again(acme, slow_commit):
    from onenotes.reading.notebook import load_notebook

    store = load_notebook(acme, cache=True, notes=False)._loaded.store
    assert store._committing is not None and cache._COMMITTING == [store]  # still committing
    assert len(store.index()) > 10  # waited for it
    assert store._committing is None
    cache.settle()


def test_a_commit_that_fails_in_the_background_rolls_back():
    done = []

    class Failing:
        def execute(self, sql):
            done.append(sql)
            if sql == "COMMIT":
                raise sqlite3.OperationalError("disk I/O error")

    assert cache._end_transaction(Failing(), "COMMIT", 17) is False
    assert done == ["COMMIT", "ROLLBACK", "PRAGMA cache_spill = 17"]


def test_a_parse_interrupted_while_waiting_for_a_child_kills_it(generated, small_chunks, monkeypatch):
    """Interrupted (a signal to this process alone) while it waits for the child's last
    rows, this process does not wait for the child to finish: it kills it."""
    rels, options, reps = _inputs(generated)
    parent = os.getpid()
    children = []
    fork = cache._fork
    monkeypatch.setattr(cache, "_fork", lambda *args: children.append(fork(*args)) or children[-1])
    real_parse, real_take = cache._parse_paused, cache._take_sent

    def child_sleeps(*args):  # the child would take an hour over its chunks
        if os.getpid() != parent:
            time.sleep(3600)
        return real_parse(*args)

    def interrupted(child, done, sink, wait):
        if wait:
            raise KeyboardInterrupt
        return real_take(child, done, sink, wait)

    monkeypatch.setattr(cache, "_parse_paused", child_sleeps)
    monkeypatch.setattr(cache, "_take_sent", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.parse_and_fold(generated, rels, options, jobs=2, keep="index", fold=reps)
    with pytest.raises(ProcessLookupError):
        os.kill(children[0].pid, 0)


def test_a_cache_another_process_is_writing_is_never_replaced_or_corrupted(cli, acme, monkeypatch):
    """Locked out (another process's write holds the file's lock), a run reads the notes
    afresh: it must not take the lock for damage and swap in a new file next to that
    process's journal, which SQLite would play back into the new one."""
    args = ("followups", "--today", TODAY, "--format", "json")
    expected = cli("--notebook", acme, *args).stdout
    path = acme / ".onenotes" / "cache"
    inode = path.stat().st_ino
    monkeypatch.setattr(cache, "LOCK_TIMEOUT", 0.05)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA cache_size = 1")  # spills at once: the lock readers wait for
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE notes SET racy = racy")
    writer.execute("INSERT INTO meta VALUES ('filler', zeroblob(200000), NULL)")
    try:
        with pytest.raises(sqlite3.OperationalError):  # readers are locked out, as in a long write
            sqlite3.connect(path, timeout=0).execute("SELECT count(*) FROM notes").fetchone()
        result = cli("--notebook", acme, *args)
        assert (result.exit_code, result.stdout) == (0, expected)
        assert path.stat().st_ino == inode and (acme / ".onenotes" / "cache-journal").stat().st_size > 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert cli("--notebook", acme, *args).stdout == expected


def test_a_locked_cache_is_not_taken_for_a_damaged_one(cli, acme, monkeypatch):
    cli("--notebook", acme, "followups", "--today", TODAY)
    path = acme / ".onenotes" / "cache"
    monkeypatch.setattr(cache, "LOCK_TIMEOUT", 0.05)
    replaced = []
    monkeypatch.setattr(cache, "_fresh", lambda *args: replaced.append(args))
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        assert cache.Store.open(acme) is None
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert replaced == []
    assert cache._busy(sqlite3.OperationalError("database is locked"))
    assert not cache._busy(sqlite3.DatabaseError("file is not a database"))


def test_other_processes_can_read_the_cache_while_a_first_run_writes_its_rows(cli, generated, tmp_path,
                                                                              small_chunks, monkeypatch):
    """Rows written while notes are parsed stay in memory until the commit: a page spilled
    to the file would lock every other process out of reading it for the rest of the
    parse (SQLite's cache is made tiny here, so that it would spill at once)."""
    root = _copy(generated, tmp_path)
    real_connect, real_put = cache._connect, cache.Store.put_rows

    def tiny(path):
        conn = real_connect(path)
        conn.execute("PRAGMA cache_size = 4")
        return conn

    readable = []

    def put(self, rows):
        real_put(self, rows)
        reader = sqlite3.connect(self.path, timeout=0)
        try:
            readable.append(reader.execute("SELECT count(*) FROM meta").fetchone()[0] > 0)
        except sqlite3.OperationalError:
            readable.append(False)
        finally:
            reader.close()

    monkeypatch.setattr(cache, "_connect", tiny)
    monkeypatch.setattr(cache.Store, "put_rows", put)
    args = ("followups", "--today", TODAY, "--format", "json")
    expected = cli("--notebook", root, "--no-cache", *args).stdout
    assert cli("--notebook", root, *args).stdout == expected
    assert len(readable) > 3 and all(readable), readable
    assert len(_stored(root)) > 120


def test_a_first_run_with_rows_beyond_the_budget_writes_them_at_the_end(cli, generated, tmp_path, small_chunks,
                                                                         monkeypatch):
    root = _copy(generated, tmp_path)
    monkeypatch.setattr(cache, "STREAM_BUDGET", 1000)
    put = []
    real_put = cache.Store.put_rows
    monkeypatch.setattr(cache.Store, "put_rows", lambda self, rows: put.append(len(rows)) or real_put(self, rows))
    args = ("followups", "--today", TODAY, "--format", "json")
    expected = cli("--notebook", root, "--no-cache", *args).stdout
    assert cli("--notebook", root, *args).stdout == expected
    assert put == [] and len(_stored(root)) > 120
    assert cli("--notebook", root, *args).stdout == expected


def test_without_a_thread_for_it_the_commit_is_made_at_once(cli, acme, monkeypatch):
    import threading

    def refused(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refused)
    result = cli("--notebook", acme, "followups", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    with sqlite3.connect(acme / ".onenotes" / "cache", timeout=0) as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] > 10
    conn.close()


def test_a_signal_at_the_moment_of_the_fork_never_runs_this_process_s_code_in_the_child(generated, small_chunks,
                                                                                        monkeypatch, tmp_path):
    """Ctrl-C just as the child is forked: the child takes it inside _serve and exits (its
    chunks are parsed here), and this process takes it once the child is known: it
    kills and waits for it.  The child never returns into this process's code."""
    import signal

    rels, options, reps = _inputs(generated)
    parent = os.getpid()
    known = []  # the list of children _parse_forked keeps (the signal may end _fork before it returns)
    fork = cache._fork
    monkeypatch.setattr(cache, "_fork", lambda tasks, children, *args: known.append(children) or fork(tasks, children,
                                                                                                         *args))
    real_fork = os.fork

    def fork_then_signal():  # the signal comes between fork() and anything else, in both processes
        pid = real_fork()
        os.kill(os.getpid(), signal.SIGINT)
        return pid

    monkeypatch.setattr(os, "fork", fork_then_signal)
    # Python's own Ctrl-C handler, also where the suite runs as a background job (whose SIGINT
    # the shell ignores, and Python then keeps ignored).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    marker = tmp_path / "child-escaped"
    try:
        with pytest.raises(KeyboardInterrupt):
            cache.parse_and_fold(generated, rels, options, jobs=2, keep="index", fold=reps)
    finally:
        if os.getpid() != parent:  # a child that escaped into this test: say so, and end
            marker.write_text("yes", encoding="utf-8")
            os._exit(0)
        signal.signal(signal.SIGINT, previous)
    assert not marker.exists()
    [children] = known
    assert len(children) == 1
    with pytest.raises(ProcessLookupError):
        os.kill(children[0].pid, 0)


def test_a_child_s_rows_files_hold_only_the_rows_not_yet_taken(generated, small_chunks, monkeypatch):
    """A child writes each chunk's rows to one of two files and empties a file once this
    process has taken all of it: they hold the rows not taken yet, not all the child sent.
    Here this process only takes (as it does between its own chunks), a chunk at a time."""
    rels, options, reps = _inputs(generated)
    parent = os.getpid()
    real_parse = cache._parse_paused

    def child_unhurried(*args):  # so that this process is never more than a chunk behind
        if os.getpid() != parent:
            time.sleep(0.02)
        return real_parse(*args)

    monkeypatch.setattr(cache, "_parse_paused", child_unhurried)
    chunks = cache._chunks(rels, 8, frozenset())
    tasks, feed = os.pipe()
    os.write(feed, b"".join(i.to_bytes(4, "little") for i in range(len(chunks))))
    os.close(feed)
    children, done, held = [], {}, []
    try:
        child = cache._fork(tasks, children, str(generated), chunks, options, 0, "index")
        while len(done) < len(chunks):
            cache._take_sent(child, done, None, wait=False)
            held.append(sum(os.fstat(fd).st_size for fd in child.rows))
            time.sleep(0.002)
    finally:
        os.close(tasks)
        for child in children:
            child.close()
            cache._reap(child.pid, kill=True)
    alone = cache._parse_chunk(str(generated), rels, options, 0, "index")[0]
    assert _same([row for n in range(len(chunks)) for row in done[n][0]], alone)
    chunk = max(len(cache.pickle.dumps((0, [r.__getstate__() for r in alone[i:i + 8]], {}), 5))
                for i in range(0, len(rels), 8))
    assert len(chunks) >= 10 and max(held) <= 4 * chunk, (held, chunk)  # a few chunks at most, not fifteen


def test_more_chunks_than_the_task_pipe_holds_go_to_a_process_pool(generated, small_chunks, monkeypatch):
    """The chunks' numbers are written to the task pipe before any child exists, so at most
    what a pipe takes in one write (a machine of hundreds of cores makes more chunks)."""
    rels, options, reps = _inputs(generated)
    alone = cache.parse_and_fold(generated, rels, options, jobs=1, keep="index", fold=reps)
    monkeypatch.setattr(cache, "_MAX_TASKS", 2)
    forked = []
    monkeypatch.setattr(cache, "_parse_forked", lambda *args: forked.append(args))
    pooled = cache.parse_and_fold(generated, rels, options, jobs=2, keep="index", fold=reps)
    assert forked == [] and _same(pooled[0], alone[0]) and pooled[1] == {}


def test_a_child_writes_to_its_other_file_while_this_process_is_a_chunk_behind(generated, monkeypatch):
    """_serve run here, with this process a chunk behind it at every chunk (it has taken
    all but the last chunk sent): the child empties the file taken in full and writes
    there, so its files never hold more than two chunks' rows."""
    import signal

    rels, options, _ = _inputs(generated)
    chunks = cache._chunks(rels, 8, frozenset())
    tasks, feed = os.pipe()
    os.write(feed, b"".join(i.to_bytes(4, "little") for i in range(len(chunks))))
    os.close(feed)
    notices, notify = os.pipe()
    told, tell = os.pipe()
    rows = (cache._rows_file(), cache._rows_file())
    os.set_blocking(notices, False)
    seen, held, taken = [], [], []
    real_parse = cache._parse_paused

    def behind(*args):  # before each chunk: take all the child sent but its last chunk
        try:
            seen.append(os.read(notices, 4096))
        except BlockingIOError:
            pass
        sent = b"".join(seen)
        notes = [sent[at:at + 24] for at in range(0, len(sent), 24)]
        for note in notes[len(taken):-1]:
            which, start, size = (int.from_bytes(note[i:i + 8], "little") for i in (0, 8, 16))
            taken.append(cache.pickle.loads(os.pread(rows[which], size, start))[0])
            os.write(tell, which.to_bytes(8, "little") + (start + size).to_bytes(8, "little"))
        held.append(sum(os.fstat(fd).st_size for fd in rows))
        return real_parse(*args)

    class Exited(Exception):
        pass

    def exited(code):
        raise Exited(code)

    monkeypatch.setattr(cache, "_parse_paused", behind)
    monkeypatch.setattr(os, "_exit", exited)
    try:
        with pytest.raises(Exited) as end:
            cache._serve(tasks, notify, rows, told, [], str(generated), chunks, options, 0, "index",
                         signal.pthread_sigmask(signal.SIG_BLOCK, set()))
    finally:
        for fd in (tasks, notices, notify, told, tell, *rows):
            os.close(fd)
    assert end.value.args == (0,)
    assert taken == list(range(len(chunks) - 2)) and len(chunks) >= 10  # (the last two: after the last chunk)
    chunk = max(len(cache.pickle.dumps((0, [r.__getstate__() for r in rows_][i:i + 8], {}), 5))
                for rows_ in [cache._parse_chunk(str(generated), rels, options, 0, "index")[0]]
                for i in range(0, len(rels), 8))
    assert max(held) <= 2 * chunk, (held, chunk)


def test_the_spill_threshold_comes_back_once_the_streamed_rows_are_committed(acme, monkeypatch):
    """Raised while rows wait in memory, it is put back after the COMMIT, not before the
    last statements: then the rows would spill to the file, syncs and all, before the
    commit, in the thread that prints the answer."""
    store = cache.Store.open(acme)
    normal = store.conn.execute("PRAGMA cache_spill").fetchone()[0]
    seen = []
    real = cache._end_transaction
    monkeypatch.setattr(cache, "_end_transaction", lambda conn, how, spill=None: seen.append(
        (how, conn.execute("PRAGMA cache_spill").fetchone()[0], spill)) or real(conn, how, spill))
    assert store.begin_rows(1000)
    raised = store.conn.execute("PRAGMA cache_spill").fetchone()[0]
    assert raised > normal
    assert store.write([], [], {"ann": cache.encode_entries([])}, [], later=True)
    cache.settle()
    assert seen == [("COMMIT", raised, normal)]
    assert store.conn.execute("PRAGMA cache_spill").fetchone()[0] == normal
    store.close()


def test_a_journal_whose_cache_was_deleted_is_dropped_and_the_cache_made_again(cli, acme, tmp_path, monkeypatch):
    """A writer killed mid-commit leaves a journal; the user then deletes the cache (safe
    to delete, says its folder): the journal belongs to nobody and must not keep the
    cache out of the notebook for ever."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    args = ("followups", "--today", TODAY, "--format", "json")
    expected = cli("--notebook", acme, *args).stdout
    folder = acme / ".onenotes"
    (folder / "cache").unlink()
    (folder / "cache-journal").write_bytes(os.urandom(512))
    assert cli("--notebook", acme, *args).stdout == expected
    assert (folder / "cache").is_file() and not (folder / "cache-journal").exists()
    assert not (tmp_path / "xdg").exists()  # made in the notebook, not elsewhere

