"""The few ``typing`` names toolkit needs at run time, without importing ``typing``.

Why: cold start. Importing ``typing`` costs about 2.5 ms, a fifth of ``import json, logging``,
and every Lambda cold start pays it before the handler runs. Type checkers see the real names
(mypy treats any ``if TYPE_CHECKING:`` block as taken); the interpreter gets the stand-ins
below, which do nothing but let class statements and decorators evaluate.

The rule for toolkit modules on an import path a handler takes (``from __future__ import
annotations`` is everywhere):

* names used only in annotations (``Any``, ``IO``, ``NoReturn``, aliases built from them) are
  imported, or defined, under ``if TYPE_CHECKING:`` (imported from here);
* names evaluated at run time (``Generic``/``Protocol`` bases, ``TypeVar``, ``@overload``,
  ``cast``) come from this module; a ``cast`` target or ``TypeVar`` bound that names an
  annotation-only type is written as a string.
"""

from __future__ import annotations

TYPE_CHECKING = False

if TYPE_CHECKING:  # re-exported through __all__
    from typing import Generic, Protocol, TypeVar, cast, overload
else:

    class Generic:
        """Subscriptable base: ``Generic[T]`` is this class, ``Sub[int]`` is ``Sub``."""

        __slots__ = ()

        def __class_getitem__(cls, params):
            return cls

    class Protocol:
        """Subscriptable base for protocols, which are only ever checked statically here."""

        __slots__ = ()

        def __class_getitem__(cls, params):
            return cls

    def TypeVar(name, *constraints, **options):
        return name

    def overload(function):
        # the implementation defined after the overloads replaces this name
        return function

    def cast(type_, value):
        return value


__all__ = ["TYPE_CHECKING", "Generic", "Protocol", "TypeVar", "cast", "overload"]
