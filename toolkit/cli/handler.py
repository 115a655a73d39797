"""Turning ``path/to/app.py:handler``, ``path/to/app.py`` (its ``lambda_handler`` or
``handler``) or ``package.module.handler`` into the function.

Resolution is split in two so that the environment can be set between the steps: the spec is
checked first (:func:`parse_spec`: which file or module, the task root, the default function
name), then :func:`load_handler` imports the user's code, which may read the environment at
import time as it would in Lambda.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.cli.errors import HandlerSpecError

_FORMS = "use 'path/to/file.py:function', 'path/to/file.py' or 'package.module.function'"

DEFAULT_HANDLERS = ("lambda_handler", "handler")
"""The functions looked for, in this order, when the spec is a file without ``:function``."""


@dataclass(frozen=True)
class HandlerSpec:
    """A checked spec: ``file`` is set for the path form, ``module`` is the module name, and
    ``attribute`` is ``None`` when the function is to be found by its default name."""

    text: str
    module: str
    attribute: str | None
    task_root: Path
    file: Path | None = None

    @property
    def default_function_name(self) -> str:
        return self.module.rpartition(".")[2]


def parse_spec(text: str) -> HandlerSpec:
    """Check the spec's shape and, for the path form, that the file exists."""
    if text.endswith(".py"):
        location, attribute = text, None
    elif ":" in text:
        location, _, attribute = text.rpartition(":")
        if not location or not attribute:
            raise HandlerSpecError(text, "format", f"expected a file and a function; {_FORMS}")
    else:
        module, _, function = text.rpartition(".")
        if not module or not function:
            raise HandlerSpecError(text, "format", f"no module and function in it; {_FORMS}")
        if not all(part.isidentifier() for part in text.split(".")):
            raise HandlerSpecError(
                text,
                "format",
                f"{module!r} is not a module name; for a file, use '{module}.py:{function}'",
            )
        return HandlerSpec(text, module, function, Path.cwd())
    path = Path(location).expanduser().resolve()
    if not path.is_file():
        raise HandlerSpecError(text, "file", f"handler file {location!r} does not exist")
    return HandlerSpec(text, path.stem, attribute, path.parent, path)


def load_handler(spec: HandlerSpec) -> Callable[[Any, Any], Any]:
    """Import the handler's module with the task root first on ``sys.path``, as Lambda does,
    and return the function.

    A missing module, attribute or a non-callable is a :class:`HandlerSpecError`; an exception
    raised by the user's module while it is imported (a missing dependency included)
    propagates, as it would fail the function's init in Lambda.
    """
    root = str(spec.task_root)
    if root not in sys.path:
        sys.path.insert(0, root)
    module = _import_module(spec) if spec.file is None else _import_file(spec, spec.file)
    attribute = spec.attribute or _default_handler(spec, module)
    target: Any = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise HandlerSpecError(
                spec.text, "attribute", f"module {spec.module!r} has no attribute {part!r}"
            ) from None
    if not callable(target):
        raise HandlerSpecError(
            spec.text,
            "callable",
            f"{spec.module}.{attribute} is not callable (it is of type {type(target).__name__!r})",
        )
    return target  # type: ignore[no-any-return]


def _default_handler(spec: HandlerSpec, module: Any) -> str:
    for name in DEFAULT_HANDLERS:
        if callable(getattr(module, name, None)):
            return name
    names = " or ".join(repr(name) for name in DEFAULT_HANDLERS)
    raise HandlerSpecError(
        spec.text,
        "attribute",
        f"module {spec.module!r} has no function {names}; name yours: '{spec.text}:function'",
    )


def _import_file(spec: HandlerSpec, file: Path) -> Any:
    loaded = sys.modules.get(spec.module)
    if loaded is not None and getattr(loaded, "__file__", None) != str(file):
        raise HandlerSpecError(
            spec.text,
            "module",
            f"module name {spec.module!r} is already taken by {loaded!r}; rename the file",
        )
    module_spec = importlib.util.spec_from_file_location(spec.module, file)
    if module_spec is None or module_spec.loader is None:
        raise HandlerSpecError(
            spec.text, "module", f"{str(file)!r} cannot be imported as a Python module"
        )
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[spec.module] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[spec.module]
        raise
    return module


def _import_module(spec: HandlerSpec) -> Any:
    try:
        return importlib.import_module(spec.module)
    except ModuleNotFoundError as exc:
        # Only the handler's own module (or a package on its path) missing is a bad spec;
        # a dependency missing inside the user's code is the user's init error.
        if exc.name is not None and (spec.module + ".").startswith(exc.name + "."):
            raise HandlerSpecError(
                spec.text,
                "module",
                f"no module named {exc.name!r} (looked in {str(spec.task_root)!r} and sys.path)",
            ) from None
        raise
