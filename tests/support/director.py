"""The director's example as a test sees it: each manager's notebook in a git repository of
its own, pushed to a bare remote in the test's folder, and the director's clones of them.

    remotes, folder = director_clones(tmp_path)
    folder / "rollup.yaml"      # lists the clones West, North, South, with their remotes
    remotes["North"]            # the bare repository the North clone pulls from
    push_change(remotes["North"], tmp_path, edit)   # a manager pushes a new commit

No network: every remote is a local folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {"West": ROOT / "examples" / "acme-sales", "North": ROOT / "examples" / "director" / "north",
             "South": ROOT / "examples" / "director" / "south"}
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(*args, cwd: Path) -> str:
    done = subprocess.run(["git", *map(str, args)], cwd=cwd, env={**os.environ, **GIT_ENV},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def make_remote(source: Path, where: Path, name: str, prepare=None) -> Path:
    """A bare repository holding one commit of a copy of ``source`` (changed by ``prepare``
    first, when given)."""
    work = where / "managers" / name
    shutil.copytree(source, work, ignore=shutil.ignore_patterns(".onenotes"))
    if prepare is not None:
        prepare(work)
    git("init", "-q", "-b", "main", cwd=work)
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", f"{name}'s notes", cwd=work)
    remote = where / "remotes" / f"{name.lower()}.git"
    remote.parent.mkdir(parents=True, exist_ok=True)
    git("init", "-q", "--bare", "-b", "main", remote, cwd=where)
    git("remote", "add", "origin", remote, cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    return remote


def director_clones(where: Path, prepare=None, notebooks: dict | None = None) -> tuple[dict[str, Path], Path]:
    """(name -> bare remote, the director's folder with a clone of each and rollup.yaml).

    ``prepare(name, folder)`` may change a manager's notebook before its first commit."""
    remotes = {}
    folder = where / "director"
    folder.mkdir()
    lines = ["title: Central region", "notebooks:"]
    for name, source in (notebooks or NOTEBOOKS).items():
        remotes[name] = make_remote(source, where, name, (lambda w, n=name: prepare(n, w)) if prepare else None)
        git("clone", "-q", remotes[name], folder / name.lower(), cwd=where)
        lines += [f"  - name: {name}", f"    path: {name.lower()}", f"    remote: {remotes[name]}"]
    (folder / "rollup.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return remotes, folder


def push_change(remote: Path, where: Path, edit, message: str = "more notes") -> None:
    """A manager's next commit: clone ``remote``, ``edit(folder)``, commit and push."""
    work = where / f"push-{remote.stem}-{len(list(where.glob('push-*')))}"
    git("clone", "-q", remote, work, cwd=where)
    edit(work)
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", message, cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
