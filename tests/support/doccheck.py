"""Docs that cannot drift: rerun every ```console block in the docs.

A ```console block holds example runs.  A line starting with ``$ `` is a
command; the lines after it, up to the next ``$ `` line or the end of the
block, are exactly what it prints: stdout, then stderr, then
``(exit status N)`` when N is not 0.  A last line ``...`` elides the rest
of that command's output (only the lines above it are compared).

Each block runs in a fresh temporary folder holding a copy of
examples/acme-sales named ``acme-sales/`` (and of examples/director, the
director's notebooks, named ``director/``); the commands of one block run in
order in that folder, so ``new`` then ``check`` works.  The folder's path is
shown as ``/home/sam`` (and ``HOME`` points at it, so ``~`` works too).

``onenotes ...`` lines run in-process (fast).  ``cd DIR`` changes folder
within the block.  Anything else runs with bash, with this checkout's
``onenotes`` first on PATH: other programs (``cat``, ``git diff``, ``ls``),
pipes and redirections (``onenotes ... --format json | python3 -m json.tool``),
and ``VAR=value onenotes ...`` (``EDITOR=cat onenotes edit bob``), so what an
editor run by onenotes prints is captured too.  A
block with a ``git`` command gets ``acme-sales/`` as a git repository with
one commit, so ``git diff`` shows what a command changed.

Usage (from the repository's root)::

    python tests/support/doccheck.py             # report drifted blocks, exit 1 if any
    python tests/support/doccheck.py --update    # rewrite the blocks with the real output
    python tests/support/doccheck.py docs/commands/kpis.md   # only these files

tests/docs/test_doccheck.py runs the same check in the test suite.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # this checkout's onenotes, installed or not
EXAMPLE = ROOT / "examples" / "acme-sales"
PLACEHOLDER = "/home/sam"
ELIDED = "..."
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# Variables that would change what onenotes prints: never inherited from the caller.
_CLEARED = ("ONENOTES_NOTEBOOK", "NO_COLOR", "FORCE_COLOR", "EDITOR", "VISUAL", "CLICOLOR",
            "CLICOLOR_FORCE", "TZ")


@dataclass
class Run:
    command: str  # the text after "$ "
    expected: list[str]  # output lines as written in the docs
    line: int  # 1-based line of the "$ " line in the file

    @property
    def elided(self) -> bool:
        return bool(self.expected) and self.expected[-1] == ELIDED


@dataclass
class Block:
    path: Path
    start: int  # index (0-based) of the first content line
    end: int  # index of the closing fence
    indent: str
    runs: list[Run] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)  # lines before the first "$ "

    @property
    def where(self) -> str:
        return f"{_rel(self.path)}:{self.start}"


def _rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def doc_files() -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def parse_blocks(path: Path, text: str | None = None) -> list[Block]:
    """The ```console blocks of a Markdown file."""
    lines = (text if text is not None else path.read_text(encoding="utf-8")).split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.groups()
        close = next((j for j in range(i + 1, len(lines))
                      if lines[j].strip().startswith(fence[0] * len(fence))
                      and lines[j].strip().strip(fence[0]) == ""), len(lines))
        if info.strip().split(" ")[0] == "console":
            block = Block(path, i + 1, close, indent)
            for j in range(i + 1, close):
                text_line = lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip()
                if text_line.startswith("$ "):
                    block.runs.append(Run(text_line[2:].strip(), [], j + 1))
                elif block.runs:
                    block.runs[-1].expected.append(text_line.rstrip())
                else:
                    block.preamble.append(text_line)
            for run in block.runs:
                _trim(run.expected)
            if block.runs:
                blocks.append(block)
        i = close + 1
    return blocks


def _trim(lines: list[str]) -> list[str]:
    while lines and lines[-1] == "":
        lines.pop()
    return lines


# ------------------------------------------------------------------ running ---

@dataclass
class Outcome:
    lines: list[str]  # what it printed, normalised


class Sandbox:
    """A temporary folder with a fresh acme-sales/ copy; commands run in it in order."""

    def __init__(self, with_git: bool):
        self.tmp = Path(tempfile.mkdtemp(prefix="doccheck-"))
        self.cwd = self.tmp
        self.bin: Path | None = None  # the `onenotes` shim's folder, made when first needed
        shutil.copytree(EXAMPLE, self.tmp / "acme-sales", ignore=shutil.ignore_patterns(".onenotes"))
        shutil.copytree(EXAMPLE.parent / "director", self.tmp / "director", ignore=shutil.ignore_patterns(".onenotes"))
        self.env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
        self.env.update(HOME=str(self.tmp), COLUMNS="80", LC_ALL="C.UTF-8", PAGER="cat",
                        GIT_PAGER="cat", GIT_AUTHOR_NAME="Sam Rivera", GIT_AUTHOR_EMAIL="sam@example.com",
                        GIT_COMMITTER_NAME="Sam Rivera", GIT_COMMITTER_EMAIL="sam@example.com",
                        GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
        if with_git:
            repo = self.tmp / "acme-sales"
            for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "notes"]):
                subprocess.run(["git", *args], cwd=repo, env=self.env, check=True, capture_output=True)

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.bin is not None:
            shutil.rmtree(self.bin, ignore_errors=True)

    def _paths(self) -> list[str]:
        """The temporary folder's spellings, longest first (realpath may differ on macOS)."""
        return sorted({str(self.tmp), os.path.realpath(self.tmp)}, key=len, reverse=True)

    def normalise(self, text: str) -> list[str]:
        for path in self._paths():
            text = text.replace(path, PLACEHOLDER)
        return _trim([line.rstrip() for line in text.split("\n")])

    def run(self, command: str) -> Outcome:
        command = command.replace(PLACEHOLDER, str(self.tmp))
        words = shlex.split(command)
        if words[:1] == ["cd"] and len(words) <= 2:
            target = Path(os.path.expanduser(words[1]) if len(words) > 1 else self.tmp)
            self.cwd = (self.cwd / target).resolve()
            return Outcome([])
        if words[:1] == ["onenotes"] and not _shell_syntax(command):
            out, err, code = self._in_process(words[1:], self.env)
        else:
            # Pipes, redirections, VAR=value, other programs: bash, with `onenotes` on PATH
            # (a subprocess also captures what an editor or pager run by onenotes prints).
            env = dict(self.env, PATH=f"{self._shim()}{os.pathsep}{self.env.get('PATH', '')}")
            done = subprocess.run(["bash", "-c", command], cwd=self.cwd, env=env, capture_output=True,
                                  text=True, stdin=subprocess.DEVNULL, timeout=120)
            out, err, code = done.stdout, done.stderr, done.returncode
        text = out
        if text and not text.endswith("\n") and err:
            text += "\n"
        text += err
        lines = self.normalise(text)
        if code:
            lines.append(f"(exit status {code})")
        return Outcome(lines)

    def _shim(self) -> Path:
        """A folder holding an `onenotes` that runs this checkout with this Python."""
        if self.bin is None:
            self.bin = Path(tempfile.mkdtemp(prefix="doccheck-bin-"))
            shim = self.bin / "onenotes"
            shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}${{PYTHONPATH:+:$PYTHONPATH}}" '
                            f'exec "{sys.executable}" -m onenotes "$@"\n', encoding="utf-8")
            shim.chmod(0o755)
        return self.bin

    def _in_process(self, args: list[str], env: dict[str, str]) -> tuple[str, str, int]:
        from click.testing import CliRunner

        runner = CliRunner()
        # CliRunner's env only adds and removes; give it the sandbox's view of the variables.
        overrides: dict[str, str | None] = {k: None for k in os.environ if k not in env}
        overrides.update(env)
        with _chdir(self.cwd):
            result = runner.invoke(_Entry(), args, env=overrides, catch_exceptions=False)
        return result.stdout, result.stderr, result.exit_code or 0


class _Entry:
    """The real entry point (errors become messages and exit codes), for CliRunner."""

    name = "onenotes"

    def main(self, args=None, prog_name=None, **extra):
        from onenotes.cli import main

        main(list(args or ()))


@contextlib.contextmanager
def _chdir(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _shell_syntax(command: str) -> bool:
    """Whether a command needs a shell: VAR=value words, pipes, redirections, lists."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    tokens = list(lexer)
    return bool(tokens) and (_ASSIGN.match(tokens[0]) is not None
                             or any(tok and set(tok) <= set("|&;<>()") for tok in tokens))


@dataclass
class Result:
    block: Block
    actual: list[list[str]]  # per run, the lines to write back

    @property
    def drifted(self) -> bool:
        return any(run.expected != got for run, got in zip(self.block.runs, self.actual))

    def diff(self) -> str:
        want = self._lines([run.expected for run in self.block.runs])
        got = self._lines(self.actual)
        return "".join(difflib.unified_diff(want, got, f"{self.block.where} (documented)",
                                            f"{self.block.where} (actual)"))

    def _lines(self, outputs: list[list[str]]) -> list[str]:
        lines = []
        for run, output in zip(self.block.runs, outputs):
            lines.append(f"$ {run.command}\n")
            lines.extend(line + "\n" for line in output)
        return lines


def check_block(block: Block) -> Result:
    uses_git = any(re.match(r"^(\w+=\S*\s+)*git\b", run.command) for run in block.runs)
    sandbox = Sandbox(with_git=uses_git)
    try:
        actual = []
        for run in block.runs:
            got = sandbox.run(run.command).lines
            if run.elided and len(got) > len(run.expected) - 1:
                got = got[:len(run.expected) - 1] + [ELIDED]
            actual.append(got)
        return Result(block, actual)
    finally:
        sandbox.close()


def rewrite(path: Path, results: list[Result]) -> None:
    """Write the actual output into each drifted block of ``path``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for result in sorted(results, key=lambda r: r.block.start, reverse=True):
        block = result.block
        new = [block.indent + line if line else line for line in block.preamble]
        for run, output in zip(block.runs, result.actual):
            new.append(f"{block.indent}$ {run.command}")
            new.extend(block.indent + line if line else line for line in output)
        lines[block.start:block.end] = new
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    update = "--update" in args
    files = [Path(a).resolve() for a in args if a != "--update"] or doc_files()
    drifted = 0
    for path in files:
        results = [check_block(b) for b in parse_blocks(path)]
        bad = [r for r in results if r.drifted]
        drifted += len(bad)
        for result in bad:
            if update:
                print(f"updated {result.block.where}", file=sys.stderr)
            else:
                sys.stdout.write(result.diff())
        if update and bad:
            rewrite(path, bad)
    if drifted and not update:
        print(f"{drifted} console block(s) drifted; rewrite them with: python tests/support/doccheck.py --update",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
