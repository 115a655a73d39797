"""JSON Schema validation of events and responses (extra ``validation``: fastjsonschema).

``validate(event, schema, ...)`` and ``@validator(inbound_schema=..., outbound_schema=...,
envelope=...)`` with Powertools' names; schemas compiled once and cached. Names resolve
lazily: importing this package imports neither fastjsonschema nor jmespath, and the first
schema compiled imports fastjsonschema.
"""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

_EXPORTS: dict[str, str] = {
    "validate": "toolkit.validation.core",
    "validator": "toolkit.validation.core",
    "InvalidEnvelopeExpressionError": "toolkit.validation.errors",
    "InvalidSchemaFormatError": "toolkit.validation.errors",
    "SchemaValidationError": "toolkit.validation.errors",
    "ValidationError": "toolkit.validation.errors",
    "ValidationOptionError": "toolkit.validation.errors",
    "ValidationUnavailableError": "toolkit.validation.errors",
    "envelopes": "toolkit.validation.envelopes",
}

__all__ = [
    "InvalidEnvelopeExpressionError",
    "InvalidSchemaFormatError",
    "SchemaValidationError",
    "ValidationError",
    "ValidationOptionError",
    "ValidationUnavailableError",
    "envelopes",
    "validate",
    "validator",
]

if TYPE_CHECKING:
    from toolkit.validation import envelopes
    from toolkit.validation.core import validate, validator
    from toolkit.validation.errors import (
        InvalidEnvelopeExpressionError,
        InvalidSchemaFormatError,
        SchemaValidationError,
        ValidationError,
        ValidationOptionError,
        ValidationUnavailableError,
    )

__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
