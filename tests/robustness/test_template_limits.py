"""A hostile or broken template is stopped with a clear error (hostile inputs 28-30).

Templates come from a shared team repository, so they are untrusted code: they
must not reach Python internals, run forever, or exhaust memory or disk.
Every case goes through the real CLI and checks the exit code (3: a template
problem), a message naming the template, no traceback, and no note written.
"""

from __future__ import annotations

import signal
import threading

import pytest

from conftest import write

import onenotes.views.templates as render_module
from onenotes.errors import TemplateError


def new(cli, root, *args):
    return cli("--notebook", root, "new", "ann", "--today", "2026-11-23", *args)


def assert_refused(result, root, expected: str) -> None:
    assert result.exit_code == 3, result.output
    assert expected in result.stderr, result.stderr
    assert "templates/one-on-one.md" in result.stderr
    assert "Traceback" not in result.output
    assert not (root / "ann" / "2026-11-23.md").exists()
    assert [p.name for p in (root / "ann").iterdir()] == []  # no temporary file left either


@pytest.fixture
def fast_limits(monkeypatch):
    """A short render time limit, so the tests that hit it stay quick."""
    monkeypatch.setattr(render_module, "MAX_RENDER_SECONDS", 0.5)


# Ways a template could try to reach Python and the machine.
INTERNALS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.system('touch pwned') }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ rep.__class__.__base__.__subclasses__() }}",
    "{{ range.__self__.__import__('os') }}",
    "{{ kpis.__class__.__mro__ }}",
    "{{ '{0.__class__.__mro__}'.format(rep) }}",
    "{{ (date.__class__.__dict__) }}",
]


@pytest.mark.parametrize("source", INTERNALS)
def test_a_template_cannot_reach_python_internals(cli, notebook, source):
    write(notebook / "templates" / "one-on-one.md", "---\n---\n" + source + "\n")
    result = new(cli, notebook)
    # Refused by the sandbox, or the attribute simply does not exist for it.
    assert result.exit_code == 3, result.output
    assert ("refused by the template sandbox" in result.stderr
            or "is undefined" in result.stderr or "has no attribute" in result.stderr), result.stderr
    assert "Traceback" not in result.output
    assert not (notebook / "ann" / "2026-11-23.md").exists()
    assert not (notebook / "pwned").exists()


def test_a_template_that_loops_forever_is_stopped_by_the_time_limit(cli, notebook, fast_limits):
    write(notebook / "templates" / "one-on-one.md",
          "---\n---\n{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}\n")
    result = new(cli, notebook)
    assert_refused(result, notebook, "took longer than 0.5 seconds to render; stopped")


def test_the_time_limit_leaves_no_timer_or_signal_handler_behind(notebook, fast_limits):
    write(notebook / "templates" / "one-on-one.md",
          "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(TemplateError, match="took longer than"):
        render_module.render("one-on-one", {}, notebook / "templates")
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    # And a normal render afterwards works.
    write(notebook / "templates" / "one-on-one.md", "ok {{ 1 + 1 }}")
    assert render_module.render("one-on-one", {}, notebook / "templates") == "ok 2"


def test_outside_the_main_thread_the_time_limit_still_stops_a_busy_template(notebook, fast_limits):
    # No timer signal can reach another thread: the sandbox's checks on every
    # attribute access and call stop the loop instead.
    write(notebook / "templates" / "one-on-one.md",
          "{% for a in range(100000) %}{% for b in range(100000) %}{{ a.real }}{% endfor %}{% endfor %}")
    outcome = {}

    def run():
        try:
            render_module.render("one-on-one", {}, notebook / "templates")
        except TemplateError as exc:
            outcome["error"] = exc.message

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert "took longer than" in outcome.get("error", ""), outcome


def test_a_template_that_renders_100_megabytes_is_stopped(cli, notebook):
    write(notebook / "templates" / "one-on-one.md",
          "---\n---\n{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}\n")
    result = new(cli, notebook)
    assert_refused(result, notebook, "template output is over 1024 KiB; stopped")


def test_a_template_that_builds_a_huge_value_is_stopped_by_the_memory_limit(cli, notebook):
    # Doubling a string 40 times would need a terabyte.  No output is written
    # until the end, so only the memory limit can stop it in time.
    write(notebook / "templates" / "one-on-one.md",
          "---\n---\n{% set ns = namespace(s='ab') %}"
          "{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}\n")
    result = new(cli, notebook)
    assert_refused(result, notebook, "MiB of memory; stopped")


@pytest.mark.parametrize("source, expected", [
    ("{{ 'a' * 10**8 }}", "refused by the template sandbox: template builds a value that is too large"),
    ("{{ 2 ** 100000 }}", "refused by the template sandbox: exponent too large"),
    ("{{ lipsum(10**7) }}", "'lipsum' is undefined"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "RecursionError"),
])
def test_values_too_large_to_build_are_refused_before_they_are_built(cli, notebook, source, expected):
    write(notebook / "templates" / "one-on-one.md", "---\n---\n" + source + "\n")
    result = new(cli, notebook)
    assert_refused(result, notebook, expected)


def test_a_huge_template_file_is_refused_before_it_is_read(cli, notebook):
    write(notebook / "templates" / "one-on-one.md", "---\n---\n" + "x" * (300 * 1024) + "\n")
    result = new(cli, notebook)
    assert result.exit_code == 3
    assert "template 'one-on-one.md' is 300 KiB, over the 256 KiB limit; refused" in result.stderr
    assert not (notebook / "ann" / "2026-11-23.md").exists()


def test_the_brief_template_has_the_same_limits(cli, acme, fast_limits):
    write(acme / "templates" / "brief.md",
          "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")
    result = cli("--notebook", acme, "brief", "bob", "--today", "2026-11-23")
    assert result.exit_code == 3
    assert "templates/brief.md: template took longer than 0.5 seconds" in result.stderr
    assert result.stdout == ""


def test_the_memory_limit_is_lifted_after_the_render(notebook):
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    write(notebook / "templates" / "one-on-one.md", "{{ 'fine' }}")
    assert render_module.render("one-on-one", {}, notebook / "templates") == "fine"
    assert resource.getrlimit(resource.RLIMIT_AS) == before
