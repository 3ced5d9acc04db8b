"""files.read_file reads a whole note in one read, as a rule, and never more than its limit.

Its shortcut (a first read shorter than asked for is the whole file) is
compared with the loop it stands in front of, kept here as it was: for files
of every size around the limit, and for a file whose stat says less than it
holds (it grew between the stat and the read), which takes the loop.
"""

from __future__ import annotations

import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from onenotes.reading import files


def reference_read_file(path, limit, size):
    """read_file as it was before the shortcut, for a file whose stat gives ``size``."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(0, "not a regular file")
        if size > limit:
            raise ValueError(f"{size // 1024} KiB")
        chunks = []
        remaining = limit + 1
        want = min(size + 1, remaining)
        while remaining > 0:
            chunk = os.read(fd, min(remaining, want))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            if len(chunk) < want:
                break
            want = 1 << 20
        data = b"".join(chunks)
        if len(data) > limit:
            raise ValueError(f"{len(data) // 1024} KiB")
        return data
    finally:
        os.close(fd)


def outcome(read):
    try:
        return "data", read()
    except ValueError as exc:
        return "too large", str(exc)


@settings(max_examples=examples(200), deadline=None)
@given(st.integers(0, 3000), st.integers(0, 3000), st.integers(0, 3000))
def test_read_file_reads_what_the_loop_read_whatever_the_stat_says(tmp_path_factory, length, limit, told):
    """``told`` is the size the stat gives: the true one, or less (the file grew after it)."""
    path = tmp_path_factory.mktemp("r") / "note.md"
    path.write_bytes(bytes(range(256)) * (length // 256) + b"x" * (length % 256))
    told = min(told, length)
    real_fstat = os.fstat

    def fstat(fd):
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, told,
                               st.st_atime, st.st_mtime, st.st_ctime))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(files.os, "fstat", fstat)
        got = outcome(lambda: files.read_file(str(path), limit)[0])
    assert got == outcome(lambda: reference_read_file(str(path), limit, told))
    if got[0] == "data":
        assert got[1] == path.read_bytes()
