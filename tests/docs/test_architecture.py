"""The architecture of docs/architecture.md holds: each layer imports only what it may, no
import cycle, no module over 600 lines, no function over 80.

Every module under onenotes/ is read with ``ast``; nothing is imported.  An import counts
wherever it runs (at the top of a module or inside a function, and
``importlib.import_module("onenotes.…")`` with a literal name); one under
``if TYPE_CHECKING:`` does not.  Relative imports are resolved.  Cycles are looked for among
all of them, inside functions too: a deferred import is a dependency all the same.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "onenotes"
DOC = ROOT / "docs" / "architecture.md"

# The rule, quoted in docs/architecture.md (a test below checks that the two agree).
# layer: (its modules: files or folders under onenotes/, the layers it may import)
LAYERS = {
    "base": (("__init__.py", "__main__.py", "errors.py", "text.py", "dates.py"), ("base",)),
    "rules": (("rules/",), ("base", "rules")),
    "reading": (("reading/",), ("base", "rules", "reading")),
    "views": (("views/",), ("base", "rules", "reading", "views")),
    "changes": (("changes/",), ("base", "rules", "reading", "views", "changes")),
    "cli": (("cli/",), ("base", "rules", "reading", "views", "changes", "cli")),
}
# The one exception: `python -m onenotes` starts the command line.
ALSO_ALLOWED = {"onenotes.__main__": ("onenotes.cli",)}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80



# ------------------------------------------------------------ the reader ---

@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (a package when no module has the name)
    line: int
    at_import_time: bool  # outside any function: runs when the source is imported


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(name: str) -> str | None:
    """The layer of a dotted module name under onenotes, or None when no layer holds it."""
    rel = name.split(".")[1:]
    for layer, (places, _) in LAYERS.items():
        for place in places:
            if place.endswith("/"):
                if rel[:1] == [place[:-1]]:
                    return layer
            elif rel == ([] if place == "__init__.py" else [place[:-3]]):
                return layer
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _resolve(node: ast.ImportFrom, source: str, is_package: bool, known: set[str]) -> list[str]:
    if node.level:
        package = source.split(".") if is_package else source.split(".")[:-1]
        base = package[:len(package) - (node.level - 1)]
        module = ".".join(base + ([node.module] if node.module else []))
    else:
        module = node.module or ""
    if not (module == "onenotes" or module.startswith("onenotes.")):
        return []
    targets = []
    for alias in node.names:
        sub = f"{module}.{alias.name}"
        targets.append(sub if sub in known else module)
    return targets


def imports_of(tree: ast.Module, source: str, is_package: bool, known: set[str]) -> list[Import]:
    """Every import of an onenotes module in ``tree``, but those under ``if TYPE_CHECKING:``."""
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child, in_function)
            return
        if isinstance(node, ast.Import):
            found.extend(Import(source, a.name, node.lineno, not in_function) for a in node.names
                         if a.name == "onenotes" or a.name.startswith("onenotes."))
        elif isinstance(node, ast.ImportFrom):
            found.extend(Import(source, t, node.lineno, not in_function)
                         for t in _resolve(node, source, is_package, known))
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and node.args[0].value.startswith("onenotes")):
            found.append(Import(source, node.args[0].value, node.lineno, not in_function))
        inside = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, False)
    return found


@dataclass
class Module:
    name: str  # dotted: onenotes.reading.notebook
    where: str  # the file: onenotes/reading/notebook.py
    lines: int
    tree: ast.Module


def read_package(root: Path) -> dict[str, Module]:
    """Every module of the package in folder ``root``, by dotted name."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = module_name(path, root)
        modules[name] = Module(name, path.relative_to(root.parent).as_posix(), len(text.splitlines()),
                               ast.parse(text, str(path)))
    return modules


def all_imports(modules: dict[str, Module]) -> list[Import]:
    """Each import once (``from x import a, b`` is one import of x)."""
    known = set(modules)
    found = [imp for m in modules.values()
             for imp in imports_of(m.tree, m.name, m.where.endswith("/__init__.py"), known)]
    return list(dict.fromkeys(found))


# ------------------------------------------------------------- the rules ---

def layer_breaches(modules: dict[str, Module], imports: list[Import]) -> list[str]:
    """'path:line: source (layer) imports target (layer)' for each import the rule forbids."""
    breaches = [f"{m.where}: {m.name} is in no layer of docs/architecture.md"
                for m in modules.values() if layer_of(m.name) is None]
    for imp in imports:
        mine, theirs = layer_of(imp.source), layer_of(imp.target)
        if mine is None or imp.target in ALSO_ALLOWED.get(imp.source, ()):
            continue
        if theirs is None or theirs not in LAYERS[mine][1]:
            breaches.append(f"{modules[imp.source].where}:{imp.line}: {imp.source} ({mine}) imports {imp.target} ({theirs})")
    return breaches


def import_cycles(imports: list[Import]) -> list[str]:
    """Each cycle among the imports (at import time or inside functions), as 'a -> b -> a'
    (one per tangle)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if imp.target != imp.source:
            graph.setdefault(imp.source, set()).add(imp.target)
    cycles = []
    for group in _tangles(graph):
        start = min(group)
        cycles.append(" -> ".join(_path_back(graph, start, group)))
    return sorted(cycles)


def _tangles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def _path_back(graph: dict[str, set[str]], start: str, group: set[str]) -> list[str]:
    """The shortest path from ``start`` back to itself inside ``group``."""
    paths = {nxt: [start, nxt] for nxt in sorted(graph[start]) if nxt in group}
    queue = list(paths)
    while queue:
        node = queue.pop(0)
        if node == start:
            return paths[node]
        for nxt in sorted(graph.get(node, ())):
            if nxt in group and nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    return [start, start]


def oversized(modules: dict[str, Module]) -> list[str]:
    """Each module over MAX_MODULE_LINES lines and each function over MAX_FUNCTION_LINES."""
    found = []
    for m in modules.values():
        if m.lines > MAX_MODULE_LINES:
            found.append(f"{m.where}: {m.lines} lines (over {MAX_MODULE_LINES})")
        for node in ast.walk(m.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{m.where}:{node.lineno}: {node.name}() is {length} lines "
                                 f"(over {MAX_FUNCTION_LINES})")
    return found


# ------------------------------------------------------------- the tests ---

@pytest.fixture(scope="module")
def package():
    modules = read_package(PACKAGE)
    return modules, all_imports(modules)


def test_each_layer_imports_only_the_layers_it_builds_on(package):
    breaches = layer_breaches(*package)
    assert not breaches, "imports the layers forbid:\n" + "\n".join(breaches)


def test_no_import_cycle_even_through_imports_inside_functions(package):
    cycles = import_cycles(package[1])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_module_over_600_lines_and_no_function_over_80(package):
    found = oversized(package[0])
    assert not found, "too long:\n" + "\n".join(found)


def test_the_doc_quotes_the_rule_this_test_enforces():
    """docs/architecture.md's table: | layer | modules | may import |, one row per layer."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("\n## Layers"):]
    section = section[:section.find("\n## ", 1)]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0].strip("*`") in LAYERS:
            places = tuple(p.removeprefix("onenotes/") for p in re.findall(r"`([^`]+)`", cells[1]))
            rows[cells[0].strip("*`")] = (places, tuple(re.findall(r"\w+", cells[2])))
    assert rows == LAYERS


# The checker itself, on small made-up packages: each rule catches what it should.

def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Module]:
    root = tmp_path / "onenotes"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return read_package(root)


def test_the_checker_finds_an_upward_import_however_it_is_written(tmp_path):
    modules = _package(tmp_path, {
        "__init__.py": "", "errors.py": "", "rules/__init__.py": "", "views/__init__.py": "",
        "views/share.py": "", "views/formats.py": "", "reading/__init__.py": "",
        "rules/ok.py": "from onenotes.errors import OnenotesError\nfrom . import ok\n",
        "rules/top.py": "from onenotes.views import share\n",
        "rules/inside.py": "def f():\n    import onenotes.views.formats\n",
        "rules/relative.py": "from ..views.share import x\n",
        "rules/dynamic.py": "import importlib\ndef f():\n    importlib.import_module('onenotes.views.share')\n",
        "rules/hinted.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from onenotes.views import share\n",
        "reading/notebook.py": "from onenotes.rules import ok\n",
        "stray.py": "",
    })
    breaches = layer_breaches(modules, all_imports(modules))
    assert breaches == [
        "onenotes/stray.py: onenotes.stray is in no layer of docs/architecture.md",
        "onenotes/rules/dynamic.py:3: onenotes.rules.dynamic (rules) imports onenotes.views.share (views)",
        "onenotes/rules/inside.py:2: onenotes.rules.inside (rules) imports onenotes.views.formats (views)",
        "onenotes/rules/relative.py:1: onenotes.rules.relative (rules) imports onenotes.views.share (views)",
        "onenotes/rules/top.py:1: onenotes.rules.top (rules) imports onenotes.views.share (views)",
    ]


def test_the_checker_finds_cycles_at_import_time_and_inside_functions(tmp_path):
    modules = _package(tmp_path, {
        "reading/yaml/safe.py": "from onenotes.reading.yaml import fast\n",
        "reading/yaml/fast.py": "from onenotes.reading.yaml.full import load\n",
        "reading/yaml/full.py": "from . import safe\n",
        "reading/notebook.py": "from onenotes.reading import cache\n",
        "reading/cache.py": "def f():\n    from onenotes.reading import notebook\n",
        "rules/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from onenotes.rules import b\n",
        "rules/b.py": "from onenotes.rules import a\n",
    })
    assert import_cycles(all_imports(modules)) == [
        "onenotes.reading.cache -> onenotes.reading.notebook -> onenotes.reading.cache",
        "onenotes.reading.yaml.fast -> onenotes.reading.yaml.full -> onenotes.reading.yaml.safe"
        " -> onenotes.reading.yaml.fast"]


def test_the_checker_measures_modules_and_functions_by_their_lines(tmp_path):
    modules = _package(tmp_path, {
        "rules/short.py": "def fits():\n" + "".join(f"    x{i} = {i}\n" for i in range(79)) + "x = 1\n" * 520,
        "rules/long.py": "class C:\n    def method(self):\n" + "".join(f"        x{i} = {i}\n" for i in range(80)),
        "rules/big.py": "x = 1\n" * 601,
    })
    assert sorted(oversized(modules)) == ["onenotes/rules/big.py: 601 lines (over 600)",
                                          "onenotes/rules/long.py:2: method() is 81 lines (over 80)"]
