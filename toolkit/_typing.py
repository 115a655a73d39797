"""The few ``typing`` names toolkit needs at run time, without importing ``typing``.

Why: cold start. Importing ``typing`` costs about 2.5 ms, a fifth of ``import json, logging``,
and every Lambda cold start pays it before the handler runs. Type checkers see the real names
(mypy and ruff take any ``if TYPE_CHECKING:`` branch; ruff's ``typing-modules`` setting names
this module); the interpreter gets the stand-ins below, which do nothing but let class
statements, decorators and calls evaluate.

The rule for toolkit modules a handler's imports reach (all of them start with
``from __future__ import annotations``, so annotations are never evaluated):

* ``TYPE_CHECKING``, ``Generic``, ``ParamSpec``, ``Protocol``, ``TypeVar``, ``overload`` and
  ``cast`` come from here; a ``cast`` target or a ``TypeVar`` bound naming an annotation-only
  type is a string;
* every other ``typing`` name (``Any``, ``IO``, ``NoReturn``, ``TypedDict``...) and every type
  alias built from one is imported or defined under ``if TYPE_CHECKING:``;
* a ``Protocol`` is a plain class at run time: ``isinstance`` against it is not structural.

``toolkit.cli``, ``toolkit.testing`` and the pydantic models are not on a handler's import
path and use ``typing`` directly.
"""

from __future__ import annotations

TYPE_CHECKING = False

if TYPE_CHECKING:  # re-exported through __all__
    from typing import Generic, ParamSpec, Protocol, TypeVar, cast, overload
else:

    class Generic:
        """Subscriptable base: ``Generic[T]`` is this class, ``Sub[int]`` is ``Sub``."""

        __slots__ = ()

        def __class_getitem__(cls, params):
            return cls

    class Protocol:
        """Subscriptable base for protocols, which only type checkers check."""

        __slots__ = ()

        def __class_getitem__(cls, params):
            return cls

    def TypeVar(name, *constraints, **options):
        return name  # a placeholder: only type checkers look at type variables

    def ParamSpec(name, **options):
        return name  # a placeholder, like TypeVar

    def overload(function):
        # the implementation defined after the overloads replaces this name
        return function

    def cast(type_, value):
        return value


__all__ = ["TYPE_CHECKING", "Generic", "ParamSpec", "Protocol", "TypeVar", "cast", "overload"]
