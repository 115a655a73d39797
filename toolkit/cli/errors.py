"""What the command line reports as a usage error (exit code 2) instead of a traceback.

Errors raised by the user's own code are not these: they are reported in Lambda's error format
with exit code 1, as the function would fail in Lambda.
"""

from __future__ import annotations

from toolkit.errors import ToolkitError


class CliError(ToolkitError):
    """Base class of the command line's errors: the message is shown as is, exit code 2."""


class HandlerSpecError(CliError):
    """The handler spec does not lead to a callable.

    ``spec`` is what was given; ``missing`` says which part failed: ``"format"``, ``"file"``,
    ``"module"``, ``"attribute"`` or ``"callable"``.
    """

    def __init__(self, spec: str, missing: str, message: str) -> None:
        self.spec = spec
        self.missing = missing
        super().__init__(f"handler {spec!r}: {message}")


class EventError(CliError):
    """The event could not be read: ``source`` is the file, ``-`` or the sample name."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        super().__init__(message)
