"""Records that cost nothing to define: for the classes every start-up defines.

``@dataclass`` costs every start-up its import (about 2 ms) and processes each
class it decorates (about 0.15 ms a class, more when it writes ``__init__``,
``__repr__`` and ``__eq__`` as source text and compiles them).  The classes read on
every start are therefore records: they declare their fields as a dataclass would
(annotations, in order, with defaults), write their ``__init__`` out (Python keeps
it compiled, with the rest of the module), and take ``__repr__``, ``__eq__`` and,
when frozen, ``__hash__``, ``__setattr__`` and ``__delattr__`` from :class:`Record`
or :class:`FrozenRecord`, which behave as the generated ones do::

    class Cadence(FrozenRecord):
        text: str
        days: int
        monthly: bool = False
        extra: dict = Factory(dict)

        def __init__(self, text: str, days: int, monthly: bool = False,
                     extra: dict = FACTORY) -> None:
            fill(self, text=text, days=days, monthly=monthly,
                 extra={} if extra is FACTORY else extra)

A field whose default is made fresh for each record (a dataclass's
``default_factory``) declares :class:`Factory` and takes :data:`FACTORY` as its
default in ``__init__``.  :func:`fields` names the fields in order.
``tests/robustness/test_startup.py`` checks every record against the dataclass its fields
declare (signature, defaults, repr, equality, hash, frozenness), so a field added
to the class but not to its ``__init__`` fails there.
"""

from __future__ import annotations


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"  # as in the signature of a generated __init__


FACTORY = _Factory()  # "call the field's factory": the default of such a parameter


class Factory:
    """The declared default of a field made fresh for each record, by ``make()``."""

    __slots__ = ("make",)

    def __init__(self, make) -> None:
        self.make = make

    def __repr__(self) -> str:
        return f"Factory({self.make!r})"


def fill(obj, **values) -> None:
    """Set fields in ``__init__`` (also on a frozen record, as a generated ``__init__`` does)."""
    for name, value in values.items():
        object.__setattr__(obj, name, value)


def fields(record) -> tuple[str, ...]:
    """The names of a record's fields (of a record class, or of one record), in order."""
    return record.__record_fields__


def _compared(obj) -> tuple:
    return tuple(getattr(obj, name) for name in obj.__record_fields__)


class Record:
    """``__repr__`` and ``__eq__`` as ``@dataclass`` writes them; unhashable, as a mutable dataclass is."""

    __slots__ = ()
    __record_fields__: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        names: list[str] = []
        for klass in reversed(cls.__mro__):  # a base's fields first, as a dataclass orders them
            for name in vars(klass).get("__annotations__", {}):
                if name not in names and not name.startswith("__"):
                    names.append(name)
        cls.__record_fields__ = tuple(names)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_fields__)
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return _compared(self) == _compared(other)
        return NotImplemented

    __hash__ = None


def _frozen(message: str) -> Exception:
    from dataclasses import FrozenInstanceError  # the error a frozen dataclass raises

    return FrozenInstanceError(message)


class FrozenRecord(Record):
    """A record like ``@dataclass(frozen=True)``: hashable by its fields, which cannot be changed."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(_compared(self))

    def __setattr__(self, name, value):
        raise _frozen(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise _frozen(f"cannot delete field {name!r}")
