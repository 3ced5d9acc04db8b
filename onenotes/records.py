"""Dataclasses that cost nothing to define: for the classes every start-up defines.

``@dataclass`` writes a class's ``__init__``, ``__repr__`` and ``__eq__`` (and, when
frozen, ``__hash__``, ``__setattr__`` and ``__delattr__``) as source text and compiles
it each time the module is imported: about 1.5 ms a class on a laptop, more than half
of what onenotes' own modules cost a warm ``followups``.  The classes read on every
start therefore write their ``__init__`` out (Python keeps it compiled, with the rest
of the module) and take the other methods from :class:`Record` or
:class:`FrozenRecord`, which do what the generated ones do.  They stay real
dataclasses: ``dataclasses.fields``, ``replace`` and ``asdict`` and the cache's
encoder work on them as before::

    @dataclass(init=False, repr=False, eq=False)
    class Cadence(FrozenRecord):
        text: str
        days: int
        monthly: bool = False

        def __init__(self, text: str, days: int, monthly: bool = False) -> None:
            fill(self, text=text, days=days, monthly=monthly)

A field with a ``default_factory`` takes :data:`FACTORY` as its default in
``__init__`` and calls the factory when it is left out, as ``@dataclass`` does.
``tests/test_startup.py`` checks every such class against the dataclass its fields
declare (signature, repr, equality, hash, frozenness), so a field added to the class
but not to its ``__init__`` fails there.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"  # as in the signature of a generated __init__


FACTORY = _Factory()  # "call the field's default_factory": the default of such a parameter


def fill(obj, **values) -> None:
    """Set fields in ``__init__`` (also on a frozen record, as a generated ``__init__`` does)."""
    for name, value in values.items():
        object.__setattr__(obj, name, value)


def _compared(obj) -> tuple:
    return tuple(getattr(obj, f.name) for f in fields(obj) if f.compare)


class Record:
    """``__repr__`` and ``__eq__`` as ``@dataclass`` writes them; unhashable, as a mutable dataclass is."""

    __slots__ = ()

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return _compared(self) == _compared(other)
        return NotImplemented

    __hash__ = None


class FrozenRecord(Record):
    """A record like ``@dataclass(frozen=True)``: hashable by its fields, which cannot be changed."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(_compared(self))

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")
