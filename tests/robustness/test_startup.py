"""A fast start (issue 5): what `--help` and a warm `followups` import, and the
records (onenotes/records.py) that keep the classes they define cheap.

No timing here (benchmarks/run.py prints the figures): these tests fail when a
change puts a module back on the start-up path, or when a record's hand-written
``__init__`` drifts from the dataclass its fields declare.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import os
import pkgutil
import shutil
import subprocess
import sys

import pytest

import onenotes
from onenotes.reading.cache import key as cache  # the format version and the racy window
from conftest import EXAMPLE, ROOT, TODAY
from onenotes.records import FACTORY, Factory, FrozenRecord, Record, fields

# Modules only some paths need: loading one on every start costs milliseconds.
NOT_AT_START = {
    "yaml": "PyYAML: only to parse a note or onenotes.yaml the cache does not hold",
    "frontmatter": "only to parse a note",
    "jinja2": "only for new and report",
    "onenotes.reading.note": "the parser: only when a note is parsed",
    "onenotes.reading.yaml.safe": "the YAML loader: only when a note is parsed",
    "onenotes.reading.tasks": "the task scanner: only when a note is parsed",
    "csv": "only for --format csv",
    "shlex": "only for the editor setting",
    "click.shell_completion": "only while the shell asks for completions",
    "importlib.util": "format_version asks the finders directly",
    "difflib": "only for a did-you-mean",
    "pickle": "the cache reads its rows with the C pickler (_pickle) alone",
    "pathlib": "paths are text up to the command (Notebook.root makes a Path when asked)",
    "dataclasses": "the classes every start defines are records (onenotes.records)",
    "zlib": "only whole notes are compressed in the cache",
    "_sha256": "only to name a cache outside the notebook",
    "hashlib": "the cache hashes with _blake2 directly (hashlib loads OpenSSL)",
}
NOT_FOR_HELP = {
    **NOT_AT_START,
    "onenotes.errors": "the error family: imported once something is raised",
    "shutil": "click asks it for the terminal width: onenotes.cli asks the terminal itself",
    "onenotes.rules.config": "no notebook is read",
    "onenotes.reading.cache": "no notebook is read",
    "sqlite3": "no notebook is read",
    "json": "no notebook is read",
}

_REPORT = """
import atexit, os, sys
report = lambda: print("MODULES", *sorted(sys.modules), file=sys.stderr, flush=True)
atexit.register(report)
end = os._exit  # how onenotes.cli.main ends the process: exit handlers do not run
os._exit = lambda code: (report(), end(code))
sys.argv[0] = "onenotes"
from onenotes.cli import main
main()
"""


def _run(code: str, *args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONENOTES_", "COLUMNS"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          timeout=120)
    line = next(line for line in done.stderr.splitlines() if line.startswith("MODULES "))
    return set(line.split()[1:]), done


def _modules_loaded(*args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules a real ``onenotes ARGS`` process loaded beyond what Python itself had
    loaded before it ran (a .pth file of the environment may load some: not our doing)."""
    loaded, done = _run(_REPORT, *args)
    return loaded - _run(_REPORT.split("sys.argv")[0])[0], done


@pytest.fixture
def warm_acme(tmp_path, cli, monkeypatch):
    """A copy of the example notebook whose cache a first run has written.

    The notes were copied a moment ago, so the cache would take them for "racy" (to be
    read again, and parsed, until their times are 3 seconds old): not in this first run.
    """
    root = tmp_path / "acme-sales"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".onenotes"))
    monkeypatch.delenv("ONENOTES_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "RACY_NS", 0)
    assert cli("--notebook", root, "followups", "--today", TODAY).exit_code == 0
    assert (root / ".onenotes" / "cache").is_file()
    return root


@pytest.mark.parametrize("args", [(), ("--format", "json")], ids=["table", "json"])
def test_a_warm_followups_loads_no_module_it_does_not_need(warm_acme, args):
    loaded, done = _modules_loaded("--notebook", str(warm_acme), "followups", "--today", TODAY, *args)
    assert done.returncode == 0, done.stderr
    assert "bob-freight-prospect-list" in done.stdout  # the run did list the commitments
    assert "onenotes.reading.cache" in loaded  # ...through the cache
    unexpected = {name: why for name, why in NOT_AT_START.items() if name in loaded}
    assert not unexpected, f"a warm followups imported modules it should not: {unexpected}"
    if not args:
        assert "json" not in loaded, "a table needs no JSON (the cache holds none)"
        assert "_pickle" in loaded  # ...and the cache was read (its rows are pickles)


def test_help_loads_no_module_it_does_not_need():
    loaded, done = _modules_loaded("--help")
    assert done.returncode == 0 and "followups" in done.stdout, done.stderr
    unexpected = {name: why for name, why in NOT_FOR_HELP.items() if name in loaded}
    assert not unexpected, f"--help imported modules it should not: {unexpected}"


def test_the_lazy_modules_are_still_there_when_needed(warm_acme):
    """The other side: a path that needs a module still gets it (csv for --format csv)."""
    loaded, done = _modules_loaded("--notebook", str(warm_acme), "followups", "--today", TODAY, "--format", "csv")
    assert done.returncode == 0 and done.stdout.startswith("id,rep,text,"), done.stderr
    assert "csv" in loaded


@pytest.mark.parametrize("columns", [None, "60", "100", "200", "10", "junk"])
def test_the_help_is_as_wide_as_click_would_make_it(monkeypatch, columns):
    """onenotes.cli finds the terminal's width itself (no shutil): the same width click finds."""
    import click
    from click.formatting import HelpFormatter

    from onenotes.cli import cli

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr(click.formatting, "FORCED_WIDTH", None)
    for max_width in (None, 60, 120):
        ctx = cli.make_context("onenotes", [], max_content_width=max_width, resilient_parsing=True)
        assert ctx.make_formatter().width == HelpFormatter(max_width=max_width).width


# ------------------------------------------------------------- records ---

def _records() -> list[type]:
    for info in pkgutil.walk_packages(onenotes.__path__, "onenotes."):
        if info.name != "onenotes.__main__":
            importlib.import_module(info.name)
    found, todo = [], [Record]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls not in (Record, FrozenRecord):
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


RECORDS = _records()


def test_the_classes_every_start_defines_are_records():
    names = {f"{c.__module__}.{c.__qualname__}" for c in RECORDS}
    assert {"onenotes.errors.Problem", "onenotes.rules.config.Config", "onenotes.rules.config.KpiDef",
            "onenotes.views.formats.Column", "onenotes.rules.commitments.Entry", "onenotes.views.followups.Followups"} <= names


def _declared(cls: type) -> list[tuple[str, object, object]]:
    """(name, annotation, declared default or MISSING) of every field of a record, in order."""
    annotations: dict = {}
    for klass in reversed(cls.__mro__):
        annotations.update(vars(klass).get("__annotations__", {}))
    out = []
    for name in fields(cls):
        default = dataclasses.MISSING
        for klass in cls.__mro__:
            if name in vars(klass):
                default = vars(klass)[name]
                break
        out.append((name, annotations[name], default))
    return out


def _reference(cls: type) -> type:
    """The class ``@dataclass`` makes of the same fields (frozen when the record is)."""
    namespace = {"__annotations__": {}, "__module__": cls.__module__, "__qualname__": cls.__qualname__}
    for name, annotation, default in _declared(cls):
        namespace["__annotations__"][name] = annotation
        if isinstance(default, Factory):
            namespace[name] = dataclasses.field(default_factory=default.make)
        elif default is not dataclasses.MISSING:
            namespace[name] = default
    return dataclasses.dataclass(frozen=issubclass(cls, FrozenRecord))(type(cls.__name__, (), namespace))


def _sample(cls: type, change: str | None = None) -> dict:
    """Arguments for every field: a value of its own (another one for ``change``)."""
    return {name: f"<{name}{'*' if name == change else ''}>" for name in fields(cls)}


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__qualname__)
def test_a_record_behaves_as_the_dataclass_its_fields_declare(cls):
    ref = _reference(cls)
    assert fields(cls) == tuple(f.name for f in dataclasses.fields(ref))
    ours, theirs = inspect.signature(cls), inspect.signature(ref)
    assert [(p.name, p.kind) for p in ours.parameters.values()] == \
           [(p.name, p.kind) for p in theirs.parameters.values()]
    for mine, other in zip(ours.parameters.values(), theirs.parameters.values()):
        factory = repr(other.default) == "<factory>"
        assert (mine.default is FACTORY) if factory else (mine.default == other.default), mine.name
    # Defaults and default factories give the same values (a fresh one each time).
    required = {p.name: f"<{p.name}>" for p in theirs.parameters.values() if p.default is p.empty}
    a, b, r = cls(**required), cls(**required), ref(**required)
    assert repr(a) == repr(r)
    for name, _, default in _declared(cls):
        if isinstance(default, Factory):
            assert getattr(a, name) is not getattr(b, name)
    # Every field given: the same repr, equality on every field, the same hashing.
    values = _sample(cls)
    x, r = cls(**values), ref(**values)
    assert repr(x) == repr(r)
    assert list(vars(x)) == list(vars(r))  # fields set in their order, as vars() shows them
    assert x == cls(**values) and not (x != cls(**values))
    assert x != r  # another class is never equal, as with a dataclass
    for name in fields(cls):
        assert x != cls(**_sample(cls, change=name)), name
    last = fields(cls)[-1]
    if issubclass(cls, FrozenRecord):
        assert hash(x) == hash(r) == hash(cls(**values))
        for name in fields(cls):
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(x, name, 0)
            with pytest.raises(dataclasses.FrozenInstanceError):
                delattr(x, name)
        with pytest.raises(dataclasses.FrozenInstanceError):
            x.other = 0
    else:
        assert cls.__hash__ is None and ref.__hash__ is None
        setattr(x, last, 0)
        assert getattr(x, last) == 0


def test_a_record_whose_init_misses_a_field_is_caught():
    """The check above can fail: a field added to a record but not to its __init__."""

    class Drifted(FrozenRecord):
        name: str
        added: int = 0

        def __init__(self, name: str) -> None:
            object.__setattr__(self, "name", name)

    with pytest.raises(AssertionError):
        test_a_record_behaves_as_the_dataclass_its_fields_declare(Drifted)


def test_a_record_whose_factory_default_is_shared_is_caught():
    """...and a field declared with a Factory whose __init__ shares one value between records."""
    shared: dict = {}

    class Sharing(Record):
        name: str
        extra: dict = Factory(dict)

        def __init__(self, name: str, extra: dict = FACTORY) -> None:
            self.name, self.extra = name, shared if extra is FACTORY else extra

    with pytest.raises(AssertionError):
        test_a_record_behaves_as_the_dataclass_its_fields_declare(Sharing)


def test_a_subclass_of_a_record_lists_its_base_fields_first():
    class Base(FrozenRecord):
        a: int
        b: int = 2

    class Child(Base):
        c: int = 3
        b: int = 5  # redeclared: keeps its place, as in a dataclass

    assert fields(Child) == ("a", "b", "c") and fields(Base) == ("a", "b")


# ---------------------------------------------------------- cache version ---

def test_the_cache_version_names_the_installed_pyyaml_as_importlib_finds_it():
    """format_version asks the import system's finders itself (no importlib.util at start-up):
    it must find the PyYAML, and its C parser, that an import would load."""
    import importlib.util

    identity = cache._yaml_identity()
    assert importlib.util.find_spec("yaml").origin in identity
    c_parser = importlib.util.find_spec("_yaml")
    assert c_parser is None or c_parser.origin in identity


def test_another_pyyaml_is_another_cache_version(monkeypatch):
    package = os.path.dirname(os.path.dirname(os.path.dirname(cache.__file__)))  # onenotes/
    before = cache.format_version(package)
    monkeypatch.setattr(cache, "_yaml_identity", lambda: "yaml/__init__.py:12312:1")
    assert cache.format_version(package) != before


def test_the_width_of_ascii_text_is_its_length_as_the_unicode_rule_says():
    """output.display_width counts ASCII text by its length (no per-character lookups)."""
    import unicodedata

    from onenotes.views.formats import display_width

    def rule(ch: str) -> int:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Me", "Cf"):
            return 0
        return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1

    every_ascii = "".join(map(chr, range(128)))
    assert display_width(every_ascii) == sum(map(rule, every_ascii)) == 128
    assert display_width("Zoe\u0308 \u65e5\u672c") == 8  # not ASCII: the rule still applies


def test_a_warm_check_loads_no_parser_yaml_or_markdown(warm_acme, cli):
    """A warm `check` (the pre-commit hook's) prints what it found before: it loads no
    parser, no PyYAML and no markdown-it (the example's notes hold private markup)."""
    assert cli("--notebook", warm_acme, "check").exit_code == 0  # keeps what it finds
    loaded, done = _modules_loaded("--notebook", str(warm_acme), "check")
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr.startswith("checked 23 notes: 0 errors, 0 warnings\nMODULES ")
    unexpected = {name: why for name, why in NOT_AT_START.items() if name in loaded}
    assert not unexpected, f"a warm check imported modules it should not: {unexpected}"
    assert "markdown_it" not in loaded and "onenotes.views.share" not in loaded
