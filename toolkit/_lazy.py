"""Lazy public names for toolkit's packages (PEP 562), in one place.

A package lists ``{public name: module defining it}`` and gets the module-level ``__getattr__``
and ``__dir__`` that import the defining module the first time a name is used, so importing a
package costs only the package file. Names that are themselves submodules (``correlation_paths``)
map to the module. Resolved values are stored in the package namespace, so later look-ups do not
come back here. The builtin ``__import__`` is used because importing ``importlib`` would cost
about 0.4 ms of every cold start.
"""

from __future__ import annotations

import sys

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


def exports(
    package: str, table: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` whose globals are ``namespace``."""

    def __getattr__(name: str) -> Any:
        module_name = table.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        __import__(module_name)
        module = sys.modules[module_name]
        value = module if module_name == f"{package}.{name}" else getattr(module, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(namespace.get("__all__", table))

    return __getattr__, __dir__
