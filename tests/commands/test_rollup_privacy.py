"""`onenotes rollup` shows figures, never words (issue 20: privacy by construction).

Every text field and private part of every notebook gets a string of its own (commitment
texts and ids, coaching plans, frontmatter notes to self, note bodies, private sections and
blocks, manager-only parts, HTML comments, tasks, drop reasons, the reps' names and folder
names), and a note that cannot be read quotes one where YAML would; then no output
format, on stdout, in an --out file or on stderr, holds any of them.  Rep names are in the
list on purpose: the roll-up coaches the managers, and names no rep (docs/commands/rollup.md).
"""

from __future__ import annotations

import itertools
import json
import os
import re

import pytest

from conftest import TODAY
from support.director import NOTEBOOKS, director_clones

_serial = itertools.count(1)


class Planted:
    def __init__(self):
        self.tokens: list[str] = []
        self.by_id: dict[str, str] = {}

    def new(self, what: str) -> str:
        token = f"Qz{what}{next(_serial):04d}xJ"
        self.tokens.append(token)
        return token

    def same(self, key: str, what: str) -> str:
        """One string for one thing wherever it is written (an id carried from note to note)."""
        if key not in self.by_id:
            self.by_id[key] = self.new(what)
        return self.by_id[key]


def _plant_note(text: str, planted: Planted) -> str:
    head, sep, body = text.partition("\n---\n")
    assert sep, "a note with frontmatter"
    lines = []
    for line in head.split("\n"):
        m = re.match(r"^(\s*)(- )?id: (.+)$", line)
        if m:
            line = f"{m.group(1)}{m.group(2) or ''}id: {m.group(3)}-{planted.same(m.group(3), 'id')}"
        elif re.match(r"^\s+(text|reason|skill|practice|long_term): ", line):
            key = line.split(":")[0].strip()
            line = f"{line} {planted.new(key)}"
        lines.append(line)
        if line.startswith("date: "):
            lines += [f"private: {planted.new('selfnote')}", f"location: {planted.new('location')}"]
    body = body.replace("## Where do you need help?\n\n", f"## Where do you need help?\n\n{planted.new('help')} ", 1)
    body = re.sub(r"\[id:: ([^\]]+)\]", lambda m: f"[id:: {m.group(1)}-{planted.same(m.group(1), 'id')}]", body)
    body += (f"\n\nSaid in the meeting: {planted.new('body')}. "
             f"<!-- private -->{planted.new('privblock')}<!-- /private -->\n\n"
             f"<!-- manager-only -->{planted.new('mgronly')}<!-- /manager-only -->\n\n"
             f"<!-- {planted.new('comment')} -->\n\n"
             f"- [x] {planted.new('task')} due: 2026-11-30\n\n"
             f"## Private\n\n{planted.new('private')}\n\n"
             f"- [ ] {planted.new('privtask')} due: 2026-11-30\n")
    return "\n".join(lines) + sep + body


def _plant(name: str, folder, planted: Planted) -> None:
    for note in sorted(folder.rglob("*.md")):
        if re.match(r"\d{4}-\d{2}-\d{2}", note.name):
            note.write_text(_plant_note(note.read_text(encoding="utf-8"), planted), encoding="utf-8")
    config = folder / "onenotes.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^(    name: .+)$", lambda m: f"{m.group(1)} {planted.new('repname')}", text, flags=re.M)
    config.write_text(text, encoding="utf-8")
    # A rep known only by the folder name, and a note that cannot be read, quoting its words in a YAML error.
    rep = folder / f"rep-{planted.new('slug').lower()}"
    rep.mkdir()
    (rep / "2026-11-16.md").write_text(f"---\nmetrics:\n  revenue: 100\ncommitments:\n  - text: {planted.new('t')}"
                                       f"\n    due: 2026-11-20\n---\n{planted.new('body')}\n", encoding="utf-8")
    if name == "North":
        (folder / "erin-walsh" / "2026-11-18.md").write_text(
            f"---\nmetrics:\n    revenue: 1\n  sales_calls: {planted.new('broken')}\n---\n", encoding="utf-8")


@pytest.fixture
def planted_region(tmp_path):
    planted = Planted()
    _, folder = director_clones(tmp_path, prepare=lambda name, work: _plant(name, work, planted))
    return planted, folder


def test_no_word_of_any_note_reaches_any_output(cli, planted_region, tmp_path):
    planted, folder = planted_region
    assert len(planted.tokens) > 300
    outputs = {}
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for fmt in ("table", "json", "csv", "markdown", "html"):
            result = cli("rollup", "--today", TODAY, "--format", fmt)
            assert result.exit_code == 0, result.stderr
            outputs[f"{fmt} stdout"], outputs[f"{fmt} stderr"] = result.stdout, result.stderr
            out = tmp_path / f"rollup-out.{fmt}"
            written = cli("rollup", "--today", TODAY, "--format", fmt, "--out", out)
            assert written.exit_code == 0, written.stderr
            outputs[f"{fmt} --out"] = out.read_text(encoding="utf-8")
    finally:
        os.chdir(cwd)
    assert "Sam Rivera" in outputs["html stdout"] and "erin-walsh/2026-11-18.md:4" in outputs["table stderr"]
    for where, text in outputs.items():
        found = [t for t in planted.tokens if t.lower() in text.lower()]
        assert not found, f"{where} shows {found[:5]}"
        assert "qz" not in text.lower(), where  # not even a piece of one (a folder's name is in lower case)


def test_private_commitments_are_counted_never_named(cli, tmp_path):
    def prepare(name, work):
        note = work / "dmitri-ivanov" / "2026-11-10.md"
        note.write_text(note.read_text(encoding="utf-8") + "\n## Private\n\n"
                        "- [x] Qzsecretpromise call the lawyer about the non-compete [owner:: rep] "
                        "due: 2026-11-14 ✅ 2026-11-12\n",
                        encoding="utf-8")

    only_north = {"North": NOTEBOOKS["North"]}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, plain = director_clones(tmp_path / "a", notebooks=only_north)
    _, private = director_clones(tmp_path / "b", prepare=prepare, notebooks=only_north)
    got = {}
    for label, folder in (("plain", plain), ("private", private)):
        result = cli("rollup", folder / "north", "--today", TODAY, "--format", "json")
        assert result.exit_code == 0, result.stderr
        got[label] = json.loads(result.stdout)[0]
        assert "Qz" not in result.stdout + result.stderr
    assert got["private"]["kept_on_time"] == got["plain"]["kept_on_time"] + 1
