"""What every envelope shares: validate the event against the source's model, then each
payload found in it against the user's model, with every failure located in the event.

A batch's payloads are all validated before an error is raised, so one
:class:`~toolkit.parser.errors.ParserValidationError` lists every bad record
(``Records.0.body.id: missing; Records.3.body: json_invalid``), not only the first.
"""

from __future__ import annotations

import base64
import binascii
from abc import ABC, abstractmethod

from toolkit._typing import TYPE_CHECKING
from toolkit.parser.errors import ParserValidationError
from toolkit.parser.parsing import validator_for

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

__all__ = ["BaseEnvelope", "Envelope", "http_body"]


class BaseEnvelope(ABC):
    """Base class of envelopes, toolkit's and yours (Powertools' contract): implement
    ``parse(data, model)``, validating the event with the source's model and each payload
    with ``self._parse(payload, model)``."""

    @abstractmethod
    def parse(self, data: Any, model: Any) -> Any:
        """The payloads of ``data`` validated against ``model``."""

    @staticmethod
    def _parse(data: Any, model: Any) -> Any:
        """``data`` validated against ``model`` (JSON text is parsed); ``None`` stays ``None``."""
        return None if data is None else validator_for(model)(data)

    @staticmethod
    def _each(model: Any, payloads: Iterable[tuple[tuple[Any, ...], Any]]) -> list[Any]:
        """Each ``(location, payload)`` validated against ``model`` (``None`` stays ``None``);
        every failure is collected into one error, located at the payload's place."""
        validate = validator_for(model)
        results: list[Any] = []
        failures: list[dict[str, Any]] = []
        for at, payload in payloads:
            if payload is None:
                results.append(None)
                continue
            try:
                results.append(validate(payload, at))
            except ParserValidationError as error:
                failures.extend(error.errors())
        if failures:
            raise ParserValidationError(validate.name, failures)
        return results


Envelope = BaseEnvelope  # Powertools' name for the type of an envelope


def http_body(body: str | None, is_base64_encoded: bool) -> str | bytes | None:
    """An HTTP request's body as the client sent it: binary bodies reach Lambda base64-encoded
    (``isBase64Encoded``), and are decoded before the JSON is parsed."""
    if body is None or not is_base64_encoded:
        return body
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error:
        raise ParserValidationError(
            "body",
            [{"type": "base64_invalid", "loc": ("body",), "msg": "body is not valid base64"}],
        ) from None
