"""The one exception family raised by the core.

The CLI turns every :class:`OnenotesError` into a message on stderr and the
exit code of its class, in one place (``onenotes.cli.main``).  Nothing a user
can type or put in a file should surface as any other exception.
"""

from __future__ import annotations

from dataclasses import dataclass


class OnenotesError(Exception):
    """Base class: a problem the user can fix.  ``str(err)`` is the message."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class RefusedError(OnenotesError):
    """The command was understood but refused: an unknown rep, a note that exists."""

    exit_code = 1


class NoteExistsError(RefusedError):
    """``new`` would overwrite a note."""


class UnknownRepError(RefusedError):
    """A rep name that matches no rep in the notebook."""


class BadInputError(OnenotesError):
    """A value typed on the command line is invalid (a date, a rep slug)."""

    exit_code = 2


class ConfigError(OnenotesError):
    """``onenotes.yaml`` cannot be read or is invalid; ``problem`` says where."""

    exit_code = 3

    def __init__(self, message: str, *, hint: str | None = None, problem: "Problem | None" = None):
        super().__init__(message, hint=hint)
        self.problem = problem


class TemplateError(OnenotesError):
    """A note template is missing, broken, or renders something that is not a note."""

    exit_code = 3


class WriteError(OnenotesError):
    """A file could not be written (read-only notebook, disk full, permissions)."""

    exit_code = 4


class ConcurrentEditError(OnenotesError):
    """A note changed while a command was editing it (an editor saved it, a sync tool
    wrote it) or could not be read whole: nothing was written; running the command
    again works once the other program is done."""

    exit_code = 5


class NotebookBusyError(ConcurrentEditError):
    """Another onenotes command has been editing the notebook for too long."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, at a position: used by parsing and ``check``.

    ``line`` and ``column`` are 1-based and count from the top of the file
    (0 when unknown).  ``severity`` is ``"error"`` or ``"warning"``.
    """

    path: str
    line: int
    column: int
    severity: str
    code: str
    message: str
    hint: str | None = None

    def location(self) -> str:
        loc = self.path
        if self.line:
            loc += f":{self.line}"
            if self.column:
                loc += f":{self.column}"
        return loc

    def format(self) -> str:
        text = f"{self.location()}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class NoteError(OnenotesError):
    """A note or config file cannot be read; carries the :class:`Problem`."""

    exit_code = 3

    def __init__(self, problem: Problem):
        super().__init__(problem.format())
        self.problem = problem
