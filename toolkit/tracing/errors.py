"""The Tracer's exceptions: one base, subclasses carrying what the caller needs to fix it."""

from __future__ import annotations

from toolkit.errors import ToolkitError


class TracerError(ToolkitError):
    """Base class of the Tracer's errors."""


class AnnotationKeyError(TracerError, ValueError):
    """An annotation key that cannot be made valid for X-Ray (not a string, or nothing left
    once the characters X-Ray drops are replaced)."""

    def __init__(self, key: object) -> None:
        self.key = key
        super().__init__(
            f"annotation key {key!r} cannot be used: X-Ray keys are non-empty strings of "
            "letters, digits and '_'"
        )


class AnnotationValueError(TracerError, TypeError):
    """An annotation value that X-Ray would silently drop: only str, int, float and bool are
    indexed. Put anything else with ``put_metadata``."""

    def __init__(self, key: str, value_type: type) -> None:
        self.key = key
        self.value_type = value_type
        super().__init__(
            f"annotation {key!r} has a {value_type.__name__} value; annotations take str, int, "
            "float or bool (use put_metadata for other values)"
        )


class ProviderUnavailableError(TracerError, ImportError):
    """The provider's library is not installed. A Tracer never raises it into a handler: it
    reports it once as a notice and traces nothing; calling the provider directly raises it."""

    def __init__(self, provider: str, requirement: str) -> None:
        self.provider = provider
        self.requirement = requirement
        super().__init__(
            f"the {provider} tracer provider needs {requirement!r}: install "
            "'lambda-handler-toolkit[tracer]', or disable tracing with TOOLKIT_TRACE_DISABLED=true"
        )
