"""The Logger's errors: one base under :class:`~toolkit.errors.ToolkitError`, one subclass
per kind of bad configuration, each naming the argument that was wrong."""

from __future__ import annotations

from toolkit.errors import ToolkitError

__all__ = [
    "InvalidBufferError",
    "InvalidCorrelationPathError",
    "InvalidLevelError",
    "InvalidSamplingRateError",
    "InvalidSecretError",
    "LoggerError",
    "OrphanedChildLoggerError",
]


class LoggerError(ToolkitError, ValueError):
    """Base class of the Logger's configuration errors.

    ``argument`` is the parameter that was wrong and ``value`` what it was given.
    """

    def __init__(self, argument: str, value: object, expected: str) -> None:
        self.argument = argument
        self.value = value
        super().__init__(f"Logger {argument}={value!r} is not valid: expected {expected}")


class InvalidLevelError(LoggerError):
    """A level that is neither a known name (DEBUG, INFO, WARNING, ERROR, CRITICAL) nor an
    integer."""


class InvalidSamplingRateError(LoggerError):
    """A sampling rate outside [0, 1] or not a number."""


class InvalidBufferError(LoggerError):
    """A :class:`~toolkit.logging.LogBuffer` with a bad level or size."""


class InvalidCorrelationPathError(LoggerError):
    """A ``correlation_id_path`` that is not a valid JMESPath expression; raised when the
    handler is decorated, not on the first invocation."""


class InvalidSecretError(LoggerError):
    """``register_secret`` was given something other than a non-empty ``str``. The message
    names the type it got, never the value, which ``value`` does not keep either."""

    def __init__(self, expected: str) -> None:
        self.argument = "secret"
        self.value = None
        ToolkitError.__init__(self, f"register_secret takes {expected}")


class OrphanedChildLoggerError(LoggerError):
    """Keys appended to a ``Logger(child=True)`` built before the Logger of its service: they
    would be lost when the child joins it (Powertools raises the same error)."""

    def __init__(self, service: str) -> None:
        self.argument = "child"
        self.value = True
        ToolkitError.__init__(
            self,
            f"a child Logger cannot append keys before the Logger of service {service!r} is "
            "built: build that Logger first, or append the keys later",
        )
