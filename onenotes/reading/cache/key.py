"""What a cached row is keyed by: the note's stat, and the format version of the whole file.

* A note's **key** is its size, modification and change times (nanoseconds) and
  inode, as :func:`stat_key` writes them.  A note whose times were within
  :data:`RACY_NS` of the moment it was read is **racy**: it could change again
  within the same timestamp tick with the same size, so its content hash is
  compared on the next run (the same rule git uses for its index).
* The file's **format version** (:func:`format_version`) is a hash of the
  source of every module whose output is cached (:data:`SOURCES`), of the
  onenotes version, the Python version and the YAML library in use: a change
  to the parser can never be served from an old cache, without anyone having
  to remember to bump a number.  Hashing the sources costs about a millisecond,
  so the file also keeps :func:`sources_key`, the stat of the same files, and a
  run whose sources still have that stat trusts the format checked then.
"""

from __future__ import annotations

import os
import sys
import time

from onenotes import __version__

try:  # BLAKE2b without OpenSSL (hashlib loads it: see tests/robustness/test_startup.py)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

SCHEMA = 3
RACY_NS = 3 * 1_000_000_000  # timestamps this close to the read may hide a later edit

# Modules whose code decides what is cached: a change to any of them rebuilds the cache
# (tests/cache/test_key.py checks that every module the parser uses is listed).
SOURCES = ("reading/cache/__init__.py", "reading/cache/key.py", "reading/cache/codec.py",
           "reading/cache/store.py", "reading/cache/file.py", "reading/cache/parse.py", "reading/cache/load.py",
           "reading/cache/findings.py", "reading/notefile.py",
           "reading/note.py", "reading/taskfields.py", "reading/yaml/safe.py",
           "reading/tasks.py", "dates.py", "reading/notebook.py", "errors.py", "rules/commitments.py",
           "rules/config.py", "reading/config_file.py", "reading/yaml/fast.py", "reading/yaml/full.py",
           "reading/privacy.py", "rules/questions.py", "views/formats.py", "reading/figures.py", "text.py",
           "reading/yaml/types.py", "reading/layout.py", "reading/files.py", "reading/taskblocks.py",
           "reading/notemodel.py", "reading/mentions.py", "reading/metrics.py")

_FORMAT: str | None = None
_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # onenotes/


def stat_key(st: os.stat_result) -> str:
    """A note's key: "size:mtime_ns:ctime_ns:inode"."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def racy(st: os.stat_result, now: int) -> bool:
    """The file's times are too recent (``now``: nanoseconds) to tell a later edit."""
    return now - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS


def seen(st: os.stat_result) -> os.stat_result:
    """A stat as this file system reports it (tests replace it to mimic coarse clocks)."""
    return st


def lstat(path: str) -> os.stat_result:
    """The stat of a note, never following a link."""
    return seen(os.lstat(path))


def format_version(folder: str | os.PathLike | None = None) -> str:
    """A hash of everything that decides what a cached note holds (of the sources in
    ``folder``, a copy of the package, when given); ``""`` when a source file cannot be
    read (a frozen build): the cache is then not used at all."""
    global _FORMAT
    if folder is not None or _FORMAT is None:
        digest = blake2b(f"{SCHEMA}\n{__version__}\n{sys.version_info[:2]}\n".encode(), digest_size=32)
        here = os.fspath(folder) if folder is not None else _PACKAGE
        try:
            for name in SOURCES:
                with open(os.path.join(here, name), "rb") as fh:
                    digest.update(name.encode() + b"\0" + fh.read() + b"\0")
        except OSError:
            return ""
        digest.update(_yaml_identity().encode())
        if folder is not None:
            return digest.hexdigest()
        _FORMAT = digest.hexdigest()
    return _FORMAT


def sources_key(folder: str | os.PathLike | None = None) -> str:
    """The stat of every file :func:`format_version` hashes (size, times, inode),
    with the versions it hashes: a format checked once is trusted while this is
    the same.  Every write or reinstall of a file changes its change time (which
    no tool can set) or its inode, whatever times a build gives its files.  ``""``
    (no shortcut: hash the sources) when a file cannot be read, or was changed
    too recently for its times to tell a later edit (as :func:`racy` for notes).
    """
    here = os.fspath(folder) if folder is not None else _PACKAGE
    now = time.time_ns()
    parts = [f"{SCHEMA}|{__version__}|{sys.version_info[:2]}|{_yaml_identity()}"]
    try:
        for name in SOURCES:
            st = os.stat(os.path.join(here, name))
            if racy(st, now):
                return ""
            parts.append(f"{name}:{stat_key(st)}")
    except OSError:
        return ""
    return "|".join(parts)


def _yaml_identity() -> str:
    """Which PyYAML (and whether its C parser) and markdown-it-py are installed, without importing them.

    The import system's finders are asked directly, as ``importlib.util.find_spec``
    does, without importing importlib.util (tests/robustness/test_startup.py).
    """
    parts = []
    for name in ("yaml", "_yaml", "markdown_it"):  # markdown-it-py finds the private parts
        spec = getattr(sys.modules.get(name), "__spec__", None)
        if spec is None:
            for finder in sys.meta_path:
                find = getattr(finder, "find_spec", None)
                try:
                    spec = find(name, None) if find else None
                except (ImportError, ValueError):
                    break
                if spec is not None:
                    break
        if spec is not None and spec.origin:
            try:
                info = os.stat(spec.origin)
                parts.append(f"{spec.origin}:{info.st_size}:{info.st_mtime_ns}")
            except OSError:
                parts.append(spec.origin)
            if name == "yaml":  # its C parser: yaml/_yaml*.so, next to yaml/__init__.py
                try:
                    parts.extend(sorted(n for n in os.listdir(os.path.dirname(spec.origin))
                                        if n.startswith("_yaml")))
                except OSError:
                    pass
    return "|".join(parts)
