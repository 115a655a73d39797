"""What validation raises: Powertools' exception names and attributes, under one base.

Events and responses can carry personal data, so no message or repr here quotes a value from
them: a failure names the path in the data (its keys and indices) and the rule it broke. The
failing value is still on :attr:`SchemaValidationError.value` for code that handles the error.
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "InvalidEnvelopeExpressionError",
    "InvalidSchemaFormatError",
    "SchemaValidationError",
    "ValidationError",
    "ValidationOptionError",
    "ValidationUnavailableError",
]


class ValidationError(ToolkitError):
    """Base class of the validation utility's errors."""


class SchemaValidationError(ValidationError, ValueError):
    """The data does not satisfy the schema.

    ``message`` is the whole message; ``validation_message`` the validator's own sentence
    (``data.amount must be bigger than or equal to 0``); ``name`` the failing location
    (``data.amount``) and ``path`` the same as a list (``["data", "amount"]``); ``rule`` the
    keyword broken (``minimum``), ``rule_definition`` its value in the schema (``0``) and
    ``definition`` the schema of the failing location. ``value`` is the failing value, kept
    for the caller and never put in the message. With ``provider_options={"fast_fail":
    False}``, ``errors`` holds one error per failure (the attributes above are the first's).
    """

    def __init__(  # noqa: PLR0917 - Powertools' signature, positional arguments included
        self,
        message: str | None = None,
        validation_message: str | None = None,
        name: str | None = None,
        path: list[Any] | None = None,
        value: Any | None = None,
        definition: Any | None = None,
        rule: str | None = None,
        rule_definition: Any | None = None,
        errors: tuple[SchemaValidationError, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.validation_message = validation_message
        self.name = name
        self.path = path
        self.value = value
        self.definition = definition
        self.rule = rule
        self.rule_definition = rule_definition
        self.errors = errors


class InvalidSchemaFormatError(ValidationError, ValueError):
    """The schema (or a custom format, or a ``$ref`` handler) cannot be compiled. Raised when
    ``@validator`` is applied, so a bad schema fails at import; by :func:`validate` on its
    first call with that schema."""


class InvalidEnvelopeExpressionError(ValidationError, ValueError):
    """The envelope does not compile (raised when ``@validator`` is applied), or applying it to
    the event failed: a string that is not JSON, text that is not base64, a function given the
    wrong type. ``expression`` is the envelope; ``reason`` says what failed, without quoting
    the event."""

    def __init__(self, expression: str, reason: str) -> None:
        self.expression = expression
        self.reason = reason
        super().__init__(f"envelope {expression!r} could not be applied: {reason}")


class ValidationOptionError(ValidationError, TypeError):
    """An option toolkit does not take (``jmespath_options``, a ``provider_options`` key
    fastjsonschema does not have); the message names it."""


class ValidationUnavailableError(ValidationError, ImportError):
    """fastjsonschema is not installed: raised by the first schema to compile (when
    ``@validator`` is applied, or at the first :func:`validate`)."""

    def __init__(self) -> None:
        super().__init__(
            "toolkit.validation compiles schemas with fastjsonschema, which is not installed: "
            "install 'lambda-handler-toolkit[validation]'",
            name="fastjsonschema",
        )
