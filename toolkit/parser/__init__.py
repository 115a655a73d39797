"""Parsing Lambda events with pydantic: ``parse()``, ``@event_parser``, the models of event
sources (``toolkit.parser.models``) and the envelopes that find payloads in them
(``toolkit.parser.envelopes``), plus the pure-Python DynamoDB attribute value deserialiser.

Importing this package imports nothing: names resolve on first use, and pydantic is loaded
when a model is first used. Powertools' re-exports of pydantic (``BaseModel``, ``Field``,
``field_validator``, ``model_validator``) are here too; ``ValidationError`` is toolkit's
:class:`~toolkit.parser.errors.ParserValidationError`, which is what ``parse`` raises.
"""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

_EXPORTS: dict[str, str] = {
    "parse": "toolkit.parser.parsing",
    "event_parser": "toolkit.parser.parsing",
    "ParserError": "toolkit.parser.errors",
    "ParserValidationError": "toolkit.parser.errors",
    "InvalidModelTypeError": "toolkit.parser.errors",
    "InvalidEnvelopeError": "toolkit.parser.errors",
    "envelopes": "toolkit.parser.envelopes",
    "models": "toolkit.parser.models",
    "BaseEnvelope": "toolkit.parser.envelopes",
    "BaseModel": "pydantic",
    "Field": "pydantic",
    "field_validator": "pydantic",
    "model_validator": "pydantic",
}

__all__ = [
    "BaseEnvelope",
    "BaseModel",
    "Field",
    "InvalidEnvelopeError",
    "InvalidModelTypeError",
    "ParserError",
    "ParserValidationError",
    "ValidationError",
    "envelopes",
    "event_parser",
    "field_validator",
    "model_validator",
    "models",
    "parse",
]

if TYPE_CHECKING:
    from pydantic import BaseModel, Field, field_validator, model_validator

    from toolkit.parser import envelopes, models
    from toolkit.parser.envelopes import BaseEnvelope
    from toolkit.parser.errors import (
        InvalidEnvelopeError,
        InvalidModelTypeError,
        ParserError,
        ParserValidationError,
    )
    from toolkit.parser.errors import ParserValidationError as ValidationError
    from toolkit.parser.parsing import event_parser, parse

_getattr, __dir__ = exports(__name__, _EXPORTS, globals())


def __getattr__(name: str) -> object:
    if name == "ValidationError":  # Powertools' name for what parse raises
        return _getattr("ParserValidationError")
    return _getattr(name)
