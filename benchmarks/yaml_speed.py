"""Time load_yaml on the frontmatter of real-looking notes: full loader against the fast path.

Generates a notebook (seeded, as benchmarks/generate.py does) or reads the one
given, takes every note's frontmatter (and every note of examples/), then prints:

* how many documents the fast path (onenotes.reading.yaml.fast) declines, and which;
* the time per document of ``load_yaml`` with the fast path off (PyYAML's C
  parser and our constructor) and on, best of several rounds taken in turns
  (each pass starts with the fast path's memory of lines empty, as a cold
  run of onenotes does);
* the time per document of ``load_yaml`` (fast path on) in fresh
  interpreters, as a worker of a cold run reads its notes: the first pass
  over the documents (the fast path's memory of lines starts empty) and the
  best of three passes after it (warm), each the best of several processes;
* the import time of ``onenotes.reading.yaml.safe`` alone and with the full loader
  (PyYAML), in fresh interpreters.

It asserts nothing: it prints.  Examples:

    python benchmarks/yaml_speed.py                   # 1,000 generated notes
    python benchmarks/yaml_speed.py --notes 200 --rounds 3
    python benchmarks/yaml_speed.py --notebook ~/notes
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

from onenotes.reading.yaml import fast as yamlfast, safe as yamlsafe  # noqa: E402
from onenotes.reading.note import HANDLER, decode  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def frontmatters(folder: Path) -> list[tuple[str, str]]:
    """(path, frontmatter text) of every note under ``folder`` that has one."""
    out = []
    for path in sorted(folder.rglob("*.md")):
        if path.name == "README.md" or any(part.startswith(".") for part in path.parts):
            continue
        text = decode(path.read_bytes(), str(path))
        if HANDLER.detect(text):
            parts = HANDLER.split_at(text)
            if parts is not None:
                out.append((str(path), parts[0]))
    return out


def one_pass(docs: list[str], fast: bool) -> float:
    """Seconds to load every document once, with the fast path on or off."""
    yamlsafe.FAST = fast
    yamlfast.clear_caches()  # each pass reads every document once, as a cold run does
    try:
        start = time.perf_counter()
        for doc in docs:
            try:
                yamlsafe.load_yaml(doc, 1)
            except yamlsafe.YamlProblem:
                pass
        return time.perf_counter() - start
    finally:
        yamlsafe.FAST = True


def per_document(docs: list[str], rounds: int) -> tuple[float, float]:
    """Best time of ``rounds`` passes, full loader and fast path taking turns: microseconds per document."""
    full = fast = float("inf")
    for _ in range(rounds):
        full = min(full, one_pass(docs, fast=False))
        fast = min(fast, one_pass(docs, fast=True))
    return full / len(docs) * 1e6, fast / len(docs) * 1e6


_FRESH = """
import json, sys, time
from onenotes.reading.yaml.safe import YamlProblem, load_yaml
docs = json.load(open(sys.argv[1], encoding="utf-8"))
def one_pass():
    start = time.perf_counter()
    for doc in docs:
        try:
            load_yaml(doc, 1)
        except YamlProblem:
            pass
    return time.perf_counter() - start
first = one_pass()
print(first, min(one_pass() for _ in range(3)))
"""


def fresh_process(docs: list[str], runs: int) -> tuple[float, float]:
    """Microseconds per document in fresh interpreters: (first pass, best warm pass), best of ``runs``."""
    import json
    import os

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as out:
        json.dump(docs, out)
    try:
        first = warm = float("inf")
        for _ in range(runs):
            done = subprocess.run([sys.executable, "-c", _FRESH, out.name], check=True,
                                  capture_output=True, text=True)
            a, b = map(float, done.stdout.split())
            first, warm = min(first, a), min(warm, b)
        return first / len(docs) * 1e6, warm / len(docs) * 1e6
    finally:
        os.unlink(out.name)


def import_ms(statement: str, runs: int = 5) -> float:
    """Median wall time of ``python -c statement`` minus that of ``python -c pass``, in ms."""
    def timed(code: str) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - start)
        return sorted(times)[len(times) // 2]
    return (timed(statement) - timed("pass")) * 1000


def report(label: str, docs: list[tuple[str, str]], rounds: int, fresh: bool = True) -> None:
    declined = [path for path, text in docs if yamlfast.parse(text, 1) is yamlfast.DECLINED]
    texts = [text for _, text in docs]
    full, fast = per_document(texts, rounds)
    print(f"{label}: {len(docs)} documents, {len(declined)} declined by the fast path "
          f"({100 * len(declined) / max(1, len(docs)):.1f} %)")
    for path in declined[:10]:
        print(f"  declined: {path}")
    print(f"  load_yaml, full loader: {full:8.1f} us/document")
    print(f"  load_yaml, fast path:   {fast:8.1f} us/document  ({full / fast:.1f} x faster)")
    if fresh:
        first, warm = fresh_process(texts, rounds)
        print(f"  load_yaml in a fresh process: first pass {first:.1f} us/document, warm {warm:.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=1000, help="notes to generate")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--notebook", type=Path, help="time this notebook instead of a generated one")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the documents (the best is shown)")
    parser.add_argument("--no-imports", action="store_true", help="skip the import-time figures")
    args = parser.parse_args(argv)
    if args.notebook:
        report(str(args.notebook), frontmatters(args.notebook), args.rounds)
    else:
        with tempfile.TemporaryDirectory() as work:
            generate(Path(work), args.notes, args.seed)
            report(f"generated notebook ({args.notes} notes, seed {args.seed})",
                   frontmatters(Path(work)), args.rounds)
    report("examples/", frontmatters(EXAMPLES), args.rounds, fresh=False)
    if not args.no_imports:
        lean = import_ms("import onenotes.reading.yaml.safe")
        full = import_ms("import onenotes.reading.yaml.safe, onenotes.reading.yaml.full")
        print(f"import onenotes.reading.yaml.safe: {lean:.0f} ms; with the full loader (PyYAML): {full:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
