"""The parser's errors, under :class:`ParserError`.

A validation error never quotes the input: events carry personal data and credentials (an
``Authorization`` header, a Cognito user's attributes), and exception messages end up in logs.
Pydantic's own message quotes it (``input_value=...``), so the parser raises its own error, with
each failing field's path and rule, and does not chain pydantic's.
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

__all__ = [
    "InvalidEnvelopeError",
    "InvalidModelTypeError",
    "ParserError",
    "ParserValidationError",
    "describe",
    "field_errors",
    "path",
]

# the keys of a pydantic error detail that never hold the input
_KEPT = ("type", "loc", "msg")


class ParserError(ToolkitError):
    """Base class of the parser's errors."""


class InvalidModelTypeError(ParserError, TypeError):
    """``model`` is not something pydantic can validate with (Powertools' name)."""


class InvalidEnvelopeError(ParserError, TypeError):
    """``envelope`` is not an envelope (a :class:`~toolkit.parser.envelopes.BaseEnvelope`
    subclass or instance; Powertools' name)."""


def path(location: Iterable[Any], root: str = "<event>") -> str:
    """``("Records", 0, "body", "id")`` -> ``Records.0.body.id`` (the event's own names);
    ``root`` names the whole payload (an error of the model itself, not of a field)."""
    return ".".join(str(part) for part in location) or root


def describe(errors: Iterable[Mapping[str, Any]], root: str = "<event>") -> str:
    """``path: rule`` for each error, ``; ``-separated: what the messages and the batch's log
    lines say about a rejected payload."""
    return "; ".join(f"{path(item['loc'], root)}: {item['type']}" for item in errors)


def field_errors(error: Any, at: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """A pydantic ``ValidationError``'s details without the input, each location prefixed with
    ``at`` (where the envelope found the payload)."""
    details = error.errors(include_input=False, include_url=False, include_context=False)
    prefix = tuple(at)
    return [
        {**{key: item[key] for key in _KEPT if key in item}, "loc": prefix + tuple(item["loc"])}
        for item in details
    ]


class ParserValidationError(ParserError, ValueError):
    """The event (or a payload inside it) does not match the model.

    ``model`` names the model; :meth:`errors` returns each failure's ``loc`` (the path in the
    event, with the event's own field names), ``type`` (the rule: ``missing``,
    ``int_parsing``...) and pydantic's ``msg`` (which, for a validator of yours, is the text it
    raised), never the input. The message lists
    ``path: rule`` for each failure.
    """

    def __init__(self, model: str, errors: Sequence[Mapping[str, Any]]) -> None:
        self.model = model
        self._errors = tuple(dict(item) for item in errors)
        count = len(self._errors)
        super().__init__(
            f"{count} validation error{'s' if count != 1 else ''} for {model}: "
            f"{describe(self._errors)}"
        )

    def errors(self) -> list[dict[str, Any]]:
        """Each failure as ``{"type", "loc", "msg"}`` (pydantic's shape, without the input)."""
        return [dict(item) for item in self._errors]
