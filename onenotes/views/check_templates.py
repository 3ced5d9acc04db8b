"""``onenotes check`` on templates: each template in the notebook's ``templates/`` compiles,
uses only the names its renderer passes (docs/templates.md), and reaches for no Python
internals (the sandbox would refuse them)."""

from __future__ import annotations

import functools
import os

from onenotes.errors import Problem, TemplateError
from onenotes.rules.config import Config


@functools.lru_cache(maxsize=None)
def _context_names(template: str) -> frozenset[str]:
    """The names a template can use: those its renderer passes (from an empty notebook)."""
    import datetime as dt

    from onenotes.views.agenda import build_context
    from onenotes.views.brief import build_brief
    from onenotes.reading.layout import Scan
    from onenotes.reading.notebook import Notebook
    from onenotes.views.templates import NOT_NOTES

    book = Notebook(".", Config(), [], [], Scan())
    day = dt.date(2026, 1, 5)
    context = build_brief(book, "x", day) if template in NOT_NOTES else build_context(book, "x", day, day)
    return frozenset(context)


def _lint_template(env, rel: str, name: str, source: str) -> list[Problem]:
    """Names the renderer does not pass, and reaches for Python internals (the sandbox refuses both)."""
    import jinja2.meta
    import jinja2.nodes

    from onenotes.views.templates import TEMPLATE_SUFFIX

    problems = []
    ast = env.parse(source)
    known = _context_names(name[: -len(TEMPLATE_SUFFIX)]) | set(env.globals)
    undeclared = jinja2.meta.find_undeclared_variables(ast) - known
    reported = set()
    for node in ast.find_all(jinja2.nodes.Name):
        if node.ctx == "load" and node.name in undeclared and node.name not in reported:
            reported.add(node.name)
            import difflib

            close = difflib.get_close_matches(node.name, sorted(known), n=1)
            problems.append(Problem(rel, node.lineno, 0, "error", "template-undefined",
                                    f"{node.name!r} is not a name templates can use",
                                    f"did you mean {close[0]!r}?" if close else
                                    "see docs/templates.md for the names a template can use"))
    for node in ast.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem, jinja2.nodes.Filter)):
        if isinstance(node, jinja2.nodes.Getattr):
            attr = node.attr
        elif isinstance(node, jinja2.nodes.Getitem):
            attr = node.arg.value if isinstance(node.arg, jinja2.nodes.Const) else None
        else:  # x | attr("__class__")
            first = node.args[0] if node.name == "attr" and node.args else None
            attr = first.value if isinstance(first, jinja2.nodes.Const) else None
        if isinstance(attr, str) and attr.startswith("_"):
            problems.append(Problem(rel, node.lineno, 0, "error", "template-unsafe",
                                    f"the template reaches for Python internals ({attr!r}); "
                                    "the sandbox refuses it",
                                    "use only the names and filters in docs/templates.md"))
    return problems


def check_templates(root: str) -> list[Problem]:
    """The problems of the notebook's templates: syntax, names the renderer does not pass,
    reaches for Python internals."""
    if not os.path.isdir(os.path.join(root, "templates")):
        return []
    from pathlib import Path

    folder = Path(root) / "templates"
    import jinja2  # (with the renderer: only for a notebook that has templates)

    from onenotes.views.templates import TEMPLATE_SUFFIX, make_environment

    problems = []
    env = make_environment(folder)
    for path in sorted(folder.glob("*" + TEMPLATE_SUFFIX)):
        rel = f"templates/{path.name}"
        try:
            env.get_template(path.name)
            source = env.loader.get_source(env, path.name)[0]
            problems.extend(_lint_template(env, rel, path.name, source))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(rel, exc.lineno or 0, 0, "error", "template-syntax",
                                    f"template syntax error: {exc.message}",
                                    "fix the Jinja syntax on that line (see docs/templates.md)"))
        except (TemplateError, jinja2.TemplateError, OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, 0, 0, "error", "template", str(exc),
                                    exc.hint if isinstance(exc, TemplateError) and exc.hint else
                                    "keep templates as real UTF-8 files inside the notebook's templates/ folder"))
    return problems
