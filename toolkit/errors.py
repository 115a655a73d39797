"""The root of every exception toolkit raises on purpose.

Each utility defines one base class under :class:`ToolkitError` and subclasses that carry the
fields a caller needs, so ``except ToolkitError`` catches everything of ours and nothing else.
The one exception raised on purpose that is not here is
:class:`~toolkit.timeout.LambdaTimeoutError`: the deadline derives from ``BaseException`` so that
no ``except Exception`` (nor ``except ToolkitError``) swallows it.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class of all toolkit errors."""


class ConfigurationError(ToolkitError, ValueError):
    """A setting (an environment variable or an argument) has a value toolkit cannot use.

    ``name`` is the setting, ``value`` what it was given (never a secret: toolkit only reads
    plain configuration through this path).
    """

    def __init__(self, name: str, value: object, expected: str) -> None:
        self.name = name
        self.value = value
        self.expected = expected
        super().__init__(f"{name}={value!r} is not valid: expected {expected}")
