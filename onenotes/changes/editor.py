"""Opening a note in the user's editor, never through a shell.

The editor is ``$VISUAL``, else ``$EDITOR``, else the config's ``editor``.
The value is split into words the way a shell would (``shlex``), so
``code --wait`` and ``"/Applications/My Editor.app/x" -w`` work, but it is run
directly: ``;``, ``|``, ``$(...)`` and the like are plain arguments, never
commands.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path

from onenotes.rules.config import Config
from onenotes.errors import BadInputError, RefusedError
from onenotes.reading.layout import note_identity
from onenotes.reading.notebook import Notebook


class EditorError(RefusedError):
    """No editor is set, or it cannot be started, or it failed."""


def editor_command(env: Mapping[str, str], config: Config) -> tuple[list[str], str]:
    """(the editor's words, where they came from); :class:`EditorError` when none is set."""
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "")
        if value.strip():
            try:
                words = shlex.split(value)
            except ValueError as exc:
                raise BadInputError(f"${name} {value!r} cannot be read: {exc}") from None
            if words:
                return words, f"${name}"
    if config.editor:
        return list(config.editor), "the 'editor' setting in onenotes.yaml"
    raise EditorError("no editor is set",
                      hint="set $EDITOR (e.g. export EDITOR=nano) or 'editor: nano' in onenotes.yaml")


def latest_note(book: Notebook, rep: str) -> str:
    """The rep's latest note by date (relative path), an agenda for a coming meeting included,
    also when it cannot be read: opening it is how the manager fixes it."""
    candidates = {(n.date, n.seq): n.path for n in book.notes_of(rep)}
    for problem in book.problems:
        ident = note_identity(problem.path)
        if ident and ident[0] == rep and (book.root / problem.path).is_file() \
                and not (book.root / problem.path).is_symlink():
            candidates.setdefault((ident[1], ident[2]), problem.path)
    if not candidates:
        raise RefusedError(f"{rep} has no notes yet", hint=f"write one with: onenotes edit {rep} --new")
    return candidates[max(candidates)]


def run_editor(words: list[str], source: str, path: Path) -> None:
    """Run ``words + [path]`` and wait; :class:`EditorError` when it cannot start or fails."""
    try:
        completed = subprocess.run([*words, str(path)], check=False)
    except FileNotFoundError:
        raise EditorError(f"cannot start the editor {words[0]!r} (from {source}): not found",
                          hint="give the editor's full path, or one on your PATH") from None
    except PermissionError:
        raise EditorError(f"cannot start the editor {words[0]!r} (from {source}): not executable") from None
    except OSError as exc:
        raise EditorError(f"cannot start the editor {words[0]!r} (from {source}): "
                          f"{exc.strerror or exc}") from None
    if completed.returncode != 0:
        raise EditorError(f"the editor {words[0]!r} exited with status {completed.returncode}",
                          hint=f"the note is still there: {path}")
