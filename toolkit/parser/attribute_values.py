"""DynamoDB attribute values (``{"S": "x"}``, ``{"N": "1"}``...) to Python values, without
boto3 (importing botocore costs a cold start tens of milliseconds).

The mapping follows boto3's ``TypeDeserializer`` with one deliberate change for numbers:

* ``N``: DynamoDB numbers carry up to 38 significant digits, which a float cannot hold, so a
  number with a fraction or exponent becomes a :class:`~decimal.Decimal` (as in boto3); an
  integral one becomes an ``int``, which is exact too and is what code compares ids and
  counters against (boto3 returns ``Decimal('101')`` there).
* ``B``: base64 text in the stream record, returned as decoded ``bytes``.
* ``SS`` / ``NS`` / ``BS``: Python ``set`` of the element type.
* ``M`` / ``L``: ``dict`` / ``list``, recursively; ``NULL``: ``None``; ``BOOL``: ``bool``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from typing import Any

__all__ = ["AttributeValueError", "deserialize", "deserialize_image"]


class AttributeValueError(ToolkitError, ValueError):
    """An attribute value is not in DynamoDB's typed JSON form. ``path`` locates it
    (``Id``, ``tags[2]``...); the value itself is not quoted, as items may hold secrets."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(f"attribute value {path or '<root>'}: {problem}")


def _number(text: Any, path: str) -> int | Decimal:
    if not isinstance(text, str):
        raise AttributeValueError(path, "N must hold a string")
    try:
        if "." not in text and "e" not in text and "E" not in text:  # as deserialize_image
            return int(text)
        return Decimal(text)
    except (ValueError, InvalidOperation):
        raise AttributeValueError(path, "N is not a number") from None


def _binary(text: Any, path: str) -> bytes:
    if isinstance(text, (bytes, bytearray)):
        return bytes(text)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise AttributeValueError(path, "B is not base64") from None


def deserialize(value: Any, path: str = "") -> Any:
    """One typed attribute value as a Python value."""
    if not isinstance(value, Mapping) or len(value) != 1:
        raise AttributeValueError(path, "expected an object with exactly one type key")
    ((tag, inner),) = value.items()
    if tag == "S":
        return inner
    if tag == "N":
        return _number(inner, path)
    if tag == "BOOL":
        return bool(inner)
    if tag == "NULL":
        return None
    if tag == "M":
        return deserialize_image(inner, path)
    if tag == "L":
        if not isinstance(inner, list):
            raise AttributeValueError(path, "L must hold a list")
        return [deserialize(item, f"{path}[{i}]") for i, item in enumerate(inner)]
    if tag == "B":
        return _binary(inner, path)
    if tag in ("SS", "NS", "BS"):
        if not isinstance(inner, list):
            raise AttributeValueError(path, f"{tag} must hold a list")
        if tag == "SS":
            return set(inner)
        if tag == "NS":
            return {_number(item, path) for item in inner}
        return {_binary(item, path) for item in inner}
    raise AttributeValueError(path, f"unknown type {tag!r}")


def deserialize_image(image: Any, path: str = "") -> dict[str, Any]:
    """A whole item (``Keys``, ``NewImage``, ``OldImage``, a map) as a ``dict``.

    Strings, numbers and booleans, what items are mostly made of, are converted inline (a
    stream batch deserialises tens of thousands of attributes); anything else, or anything
    malformed, goes through :func:`deserialize` with its path.
    """
    if type(image) is not dict and not isinstance(image, Mapping):
        raise AttributeValueError(path, "expected an object of attribute values")
    out: dict[str, Any] = {}
    for name, value in image.items():
        if type(value) is dict and len(value) == 1:
            (tag,) = value
            inner = value[tag]
            if tag == "S":
                out[name] = inner
                continue
            if tag == "N" and type(inner) is str:
                try:
                    out[name] = (
                        int(inner)
                        if "." not in inner and "e" not in inner and "E" not in inner
                        else Decimal(inner)
                    )
                    continue
                except (ValueError, InvalidOperation):
                    pass  # deserialize() says where and why
            elif tag == "BOOL":
                out[name] = bool(inner)
                continue
        out[name] = deserialize(value, f"{path}.{name}" if path else name)
    return out
