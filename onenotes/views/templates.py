"""Rendering a note from a Jinja template, safely.

* Templates run in Jinja's :class:`SandboxedEnvironment` with
  :class:`StrictUndefined`: a template cannot reach Python internals, and a
  misspelt name is an error naming the template and line, not an empty string.
* Templates are looked up in the notebook's ``templates/`` folder first, then
  in the packaged ones.  A template name is a plain name (no path), and a
  notebook template that resolves outside the notebook (a link) is refused.
* Values go into the frontmatter through the ``yaml`` filter, which writes
  JSON-quoted scalars: a rep called ``Ann: VIP`` or a text with a newline can
  neither break the YAML nor inject a key.
* Limits: a template source over :data:`MAX_TEMPLATE_BYTES` is refused; a
  render is stopped after :data:`MAX_RENDER_SECONDS` (a timer signal where the
  platform has one, and checks between output chunks and sandboxed calls
  elsewhere); output over :data:`MAX_OUTPUT_CHARS` is stopped; on Linux the
  render may not grow the process by more than :data:`MAX_RENDER_MEMORY`
  bytes (a soft address-space limit for the render's duration); string
  repetition and powers with huge counts are refused before they run.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from onenotes.errors import TemplateError
from onenotes.views.formats import dated, format_number, format_percent, format_signed
from onenotes.text import plural
from onenotes.reading.yaml.safe import to_yaml_scalar

MAX_OUTPUT_CHARS = 1024 * 1024
MAX_TEMPLATE_BYTES = 256 * 1024
MAX_RENDER_SECONDS = 5.0
MAX_RENDER_MEMORY = 512 * 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*$")
TEMPLATE_SUFFIX = ".md"
NOT_NOTES = frozenset({"brief"})  # templates of other outputs, not of notes


def packaged_templates() -> Path:
    """The templates shipped with onenotes (inside the package once installed)."""
    here = Path(__file__).resolve().parent.parent  # onenotes/
    installed = here / "templates"
    if installed.is_dir():
        return installed
    return here.parent / "templates"  # running from a source checkout


class _SafeLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses files resolving outside their search folder."""

    def get_source(self, environment, template):
        for folder in self.searchpath:
            candidate = os.path.join(folder, *jinja2.loaders.split_template_path(template))
            if os.path.isfile(candidate):
                try:
                    size = os.stat(candidate).st_size
                except OSError:
                    break
                if size > MAX_TEMPLATE_BYTES:
                    raise TemplateError(f"template {template!r} is {size // 1024} KiB, over the "
                                        f"{MAX_TEMPLATE_BYTES // 1024} KiB limit; refused")
                break
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not any(real.startswith(os.path.realpath(p) + os.sep) for p in self.searchpath):
            raise TemplateError(f"template {template!r} resolves outside its folder ({real}); refused")
        return source, filename, uptodate


class _RenderTimeout(BaseException):
    """Raised inside a render that ran out of time.

    A BaseException, so that no ``except Exception`` on the way (in Jinja, in
    a filter) can swallow it; :func:`render` turns it into a TemplateError.
    """


class _Deadline:
    """The time a render must end by; checked between chunks and in sandbox hooks."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise _RenderTimeout()


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])
    deadline: _Deadline | None = None

    def _tick(self) -> None:
        if self.deadline is not None:
            self.deadline.check()

    def call(self, __context, __obj, *args, **kwargs):
        self._tick()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj, attribute):
        self._tick()
        return super().getattr(obj, attribute)

    def call_binop(self, context, operator, left, right):
        self._tick()
        if operator == "**" and isinstance(right, int) and abs(right) > 100:
            raise SecurityError("exponent too large in template")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int):
                    if len(seq) * max(count, 0) > MAX_OUTPUT_CHARS:
                        raise SecurityError("template builds a value that is too large")
        return super().call_binop(context, operator, left, right)


_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _inline(value) -> str:
    """A value for one line of Markdown: no line breaks, no control characters."""
    text = _CONTROL.sub("", "" if value is None else str(value))
    return " ".join(text.split())


def make_environment(notebook_templates: Path | None) -> SandboxedEnvironment:
    paths = []
    if notebook_templates is not None and notebook_templates.is_dir():
        paths.append(str(notebook_templates))
    paths.append(str(packaged_templates()))
    env = _Sandbox(
        loader=_SafeLoader(paths),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # No lorem-ipsum generator: lipsum(10**9) builds gigabytes before any check.
    env.globals.pop("lipsum", None)
    env.filters["yaml"] = to_yaml_scalar
    env.filters["number"] = format_number
    env.filters["percent"] = format_percent
    env.filters["inline"] = _inline
    env.filters["signed"] = format_signed
    env.filters["dated"] = dated
    env.filters["plural"] = plural
    return env


def template_names(notebook_templates: Path | None) -> list[str]:
    names = set()
    for folder in (notebook_templates, packaged_templates()):
        if folder is not None and folder.is_dir():
            names.update(p.name[: -len(TEMPLATE_SUFFIX)] for p in folder.glob("*" + TEMPLATE_SUFFIX))
    return sorted(names - NOT_NOTES)


def _template_line(exc: BaseException, filename: str | None) -> int:
    """The template line where a render error happened, from Jinja's rewritten traceback."""
    line = 0
    tb = exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render(name: str, context: dict, notebook_templates: Path | None) -> str:
    """Render template ``name`` with ``context``; :class:`TemplateError` on any failure."""
    if not _NAME.match(name) or ".." in name:
        raise TemplateError(f"{name!r} is not a template name (letters, digits, - and _ only)")
    env = make_environment(notebook_templates)
    file_name = name + TEMPLATE_SUFFIX
    try:
        template = env.get_template(file_name)
    except jinja2.TemplateNotFound as exc:
        missing = exc.name if exc.name != file_name else None
        if missing:
            raise TemplateError(f"template {name!r} includes {missing!r}, which does not exist") from None
        known = ", ".join(template_names(notebook_templates)) or "none"
        raise TemplateError(f"no template named {name!r}; available: {known}",
                            hint=f"add templates/{file_name} to the notebook") from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or file_name
        raise TemplateError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from None
    chunks: list[str] = []
    size = 0
    env.deadline = deadline = _Deadline(MAX_RENDER_SECONDS)
    try:
        with _time_limit(MAX_RENDER_SECONDS), _memory_limit(MAX_RENDER_MEMORY):
            for chunk in template.generate(**context):
                deadline.check()
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateError(f"{template.filename}: template output is over "
                                        f"{MAX_OUTPUT_CHARS // 1024} KiB; stopped")
                chunks.append(chunk)
    except TemplateError:
        raise
    except _RenderTimeout:
        raise TemplateError(f"{template.filename}: template took longer than "
                            f"{MAX_RENDER_SECONDS:g} seconds to render; stopped",
                            hint="look for a loop that never ends or loops over a huge range") from None
    except MemoryError:
        chunks.clear()
        raise TemplateError(f"{template.filename}: template used more than "
                            f"{MAX_RENDER_MEMORY // (1024 * 1024)} MiB of memory; stopped",
                            hint="look for a value built up in a loop") from None
    except jinja2.TemplateSyntaxError as exc:  # in an included template
        where = exc.filename or exc.name or file_name
        raise TemplateError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from None
    except SecurityError as exc:
        raise TemplateError(f"{template.filename}:{_template_line(exc, template.filename)}: "
                            f"refused by the template sandbox: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{template.filename}:{_template_line(exc, template.filename)}: "
                            f"{exc.message}",
                            hint="see docs/templates.md for the names a template can use") from None
    except Exception as exc:  # any other error raised while rendering user code
        raise TemplateError(f"{template.filename}:{_template_line(exc, template.filename)}: "
                            f"template failed: {type(exc).__name__}: {exc}") from None
    return "".join(chunks)


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the code inside after ``seconds``, with a timer signal.

    Only in the main thread, where Python delivers signals, and only when no
    other timer is running (it is left alone then).  Elsewhere the
    cooperative checks of :class:`_Deadline` are the limit.
    """
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise _RenderTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _address_space() -> int | None:
    """The process's current virtual memory size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            pages = int(fh.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


@contextlib.contextmanager
def _memory_limit(extra: int):
    """Let the code inside grow the process by at most ``extra`` bytes (Linux).

    A soft RLIMIT_AS for the duration: an allocation past it raises
    MemoryError instead of exhausting the machine.  Left alone where the
    platform cannot say how large the process is, or a lower limit is set.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    current = _address_space()
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):  # pragma: no cover
        soft = hard = None
    if current is None or soft is None:
        yield
        return
    wanted = current + extra
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        yield  # a tighter limit is already in force
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
