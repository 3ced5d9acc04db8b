"""Bringing the roll-up's notebooks up to date with git: ``git pull --ff-only``, and nothing else.

Each manager keeps their notebook in a git repository; the director keeps a
clone of each.  :func:`pull` runs ``git pull --ff-only`` in a clone: it moves
the clone forward to what the manager pushed, or it fails and changes
nothing (a clone with commits of its own, or edits in the way, is never
merged, rebased or reset).  A clone that is not there yet is made with
``git clone`` from the notebook's ``remote`` in rollup.yaml.  Git never asks
for a password here (it would wait for an answer nobody types), runs with a
time limit, and may use only the ordinary transports (file, git, http(s),
ssh): a remote such as ``ext::sh -c ...`` is refused by git itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

GIT_TIMEOUT = 120  # seconds a pull or a clone may take
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_ALLOW_PROTOCOL": "file:git:http:https:ssh",
            "GIT_ASKPASS": "", "SSH_ASKPASS": "", "GCM_INTERACTIVE": "never", "LC_ALL": "C"}


@dataclass(frozen=True)
class Pulled:
    """What a pull did: ``ok`` (the clone is as up to date as git could make it) and one line to say."""

    ok: bool
    message: str


def _git(args: list[str], cwd: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, **_GIT_ENV)
    return subprocess.run(["git", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, errors="replace", timeout=GIT_TIMEOUT)


def _first_line(text: str) -> str:
    """Git's own reason, on one line (its "hint:" lines left out)."""
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("hint:")]
    at = next((i for i, line in enumerate(lines) if line.startswith(("fatal:", "error:"))), 0)
    found = lines[at] if lines else ""
    if found.endswith(":") and at + 1 < len(lines):  # "...would be overwritten by merge:" and the first file
        found += " " + lines[at + 1]
    return found.removeprefix("fatal: ").removeprefix("error: ")[:200] or "git failed"


def _head(path: str) -> str | None:
    done = _git(["rev-parse", "--verify", "--quiet", "HEAD"], path)
    return done.stdout.strip() if done.returncode == 0 else None


def pull(path: str, remote: str | None = None, base: str | None = None) -> Pulled:
    """``git pull --ff-only`` in the clone at ``path``; ``git clone remote path`` when
    ``path`` does not exist and a ``remote`` is given (relative to ``base``)."""
    if shutil.which("git") is None:
        return Pulled(False, "not pulled: git is not installed")
    try:
        if not os.path.exists(path):
            if not remote:
                return Pulled(False, "not pulled: no such folder, and no remote in rollup.yaml to clone it from")
            done = _git(["clone", "--quiet", "--", remote, path], base or os.getcwd())
            if done.returncode != 0:
                return Pulled(False, f"not cloned: {_first_line(done.stderr)}")
            return Pulled(True, "cloned")
        top = _git(["rev-parse", "--show-toplevel"], path)
        if top.returncode != 0:
            return Pulled(False, "not pulled: not a git clone")
        before = _head(path)
        done = _git(["pull", "--ff-only", "--quiet"], path)
        if done.returncode != 0:
            return Pulled(False, f"not pulled: {_first_line(done.stderr or done.stdout)}")
        after = _head(path)
        if before == after:
            return Pulled(True, "already up to date")
        if before is None:
            return Pulled(True, "pulled")
        count = _git(["rev-list", "--count", f"{before}..{after}"], path).stdout.strip()
        return Pulled(True, f"pulled {count} new commit{'' if count == '1' else 's'}" if count.isdigit()
                      else "pulled")
    except subprocess.TimeoutExpired:
        return Pulled(False, f"not pulled: git took more than {GIT_TIMEOUT} s")
    except OSError as exc:
        return Pulled(False, f"not pulled: {exc.strerror or exc}")
