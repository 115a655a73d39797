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

Values are checked against DynamoDB's own rules for each type, not against what Python would
happen to accept: ``int()`` takes ``"1_000"``, ``" 12 "`` and Arabic-Indic digits, and
``bool("false")`` is ``True``. Data that DynamoDB could not have produced is an error, not a
guess.
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

_DIGITS = 38  # significant digits DynamoDB keeps
_MIN_EXPONENT, _MAX_EXPONENT = -130, 125  # adjusted exponents of 1E-130 and 9.99...E+125
_RANGE = "magnitudes from 1E-130 to 9.9999999999999999999999999999999999999E+125"


class AttributeValueError(ToolkitError, ValueError):
    """An attribute value breaks DynamoDB's rules for its type (``{"N": "1_000"}``,
    ``{"BOOL": "false"}``, an ``SS`` holding objects...). ``path`` locates it (``Id``,
    ``NewImage.tags[2]``...) and the message names the rule; the value itself is never quoted,
    as items may hold secrets."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(f"attribute value {path or '<root>'}: {problem}")


def _number(text: Any, path: str) -> int | Decimal:
    """``N``: DynamoDB's number format is an optional sign, ASCII digits with an optional
    fraction, and an optional exponent. That is the grammar of Python's ``int()`` (integers)
    and ``Decimal()`` minus what they also accept: surrounding whitespace, underscores and
    non-ASCII digits (filtered out first), ``NaN`` and ``Infinity`` (not finite). Checking it
    that way costs a fraction of a regular expression."""
    if not isinstance(text, str):
        raise AttributeValueError(path, "N must hold a string")
    if text.isascii() and "_" not in text and text == text.strip():
        fraction = "." in text
        exponent = "e" in text or "E" in text
        try:
            if not (fraction or exponent) and len(text) <= _DIGITS:
                return int(text)  # 38 digits at most: within DynamoDB's precision and range
            value = Decimal(text)
        except (ValueError, InvalidOperation):
            pass
        else:
            if value.is_finite():
                # Without an exponent, 38 characters cannot hold more than 38 digits nor
                # reach 1E-130 or 1E+126: only longer numbers, and exponents, are measured.
                if value and (exponent or len(text) > _DIGITS):
                    _check_limits(value, path)
                return value if fraction or exponent else int(value)
    raise AttributeValueError(
        path,
        "N is not a number in DynamoDB's format (an optional sign, digits, an optional "
        "fraction and exponent; no spaces or underscores)",
    )


def _check_limits(value: Decimal, path: str) -> None:
    if len(bytes(value.as_tuple().digits).rstrip(b"\0")) > _DIGITS:  # trailing 0s don't count
        raise AttributeValueError(path, f"N has more than {_DIGITS} significant digits")
    if not _MIN_EXPONENT <= value.adjusted() <= _MAX_EXPONENT:
        raise AttributeValueError(path, f"N is out of DynamoDB's range ({_RANGE})")


def _binary(text: Any, path: str) -> bytes:
    if isinstance(text, (bytes, bytearray)):  # already decoded (values read through boto3)
        return bytes(text)
    if not isinstance(text, str):
        raise AttributeValueError(path, "B is not base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AttributeValueError(path, "B is not base64 text") from None


def _set(tag: str, inner: Any, path: str) -> set[Any]:
    """A non-empty list of distinct strings of the element type, as a set (``NS`` elements
    are compared as numbers: ``"1"`` and ``"1.0"`` are the same element to DynamoDB)."""
    if not isinstance(inner, list):
        raise AttributeValueError(path, f"{tag} must hold a list of strings")
    if not inner:
        raise AttributeValueError(path, f"{tag} must not be empty")
    values: set[Any]
    if tag == "SS":
        for index, item in enumerate(inner):
            if not isinstance(item, str):
                raise AttributeValueError(f"{path}[{index}]", "SS must hold a list of strings")
        values = set(inner)
    elif tag == "NS":
        values = {_number(item, f"{path}[{i}]") for i, item in enumerate(inner)}
    else:
        values = {_binary(item, f"{path}[{i}]") for i, item in enumerate(inner)}
    if len(values) != len(inner):
        raise AttributeValueError(path, f"{tag} holds duplicates (a set's elements are unique)")
    return values


def deserialize(value: Any, path: str = "") -> Any:
    """One typed attribute value as a Python value."""
    if not isinstance(value, Mapping) or len(value) != 1:
        raise AttributeValueError(path, "expected an object with exactly one type key")
    ((tag, inner),) = value.items()
    if tag == "S":
        if not isinstance(inner, str):
            raise AttributeValueError(path, "S must hold a string")
        return inner
    if tag == "N":
        return _number(inner, path)
    if tag == "BOOL":
        if inner is not True and inner is not False:
            raise AttributeValueError(path, "BOOL must hold true or false (a JSON boolean)")
        return inner
    if tag == "NULL":
        if inner is not True:
            raise AttributeValueError(path, "NULL must hold true")
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
        return _set(tag, inner, path)
    raise AttributeValueError(path, f"unknown type {tag!r}")


def deserialize_image(image: Any, path: str = "") -> dict[str, Any]:
    """A whole item (``Keys``, ``NewImage``, ``OldImage``, a map) as a ``dict``.

    Strings, non-negative integers and booleans, what items are mostly made of, are converted
    inline when they are plainly valid (a stream batch deserialises tens of thousands of
    attributes); anything else goes through :func:`deserialize`, which applies every rule and
    names the attribute's path when one is broken.
    """
    if type(image) is not dict and not isinstance(image, Mapping):
        raise AttributeValueError(path, "expected an object of attribute values")
    out: dict[str, Any] = {}
    for name, value in image.items():
        if type(value) is dict and len(value) == 1:
            (tag,) = value
            inner = value[tag]
            if tag == "S" and type(inner) is str:
                out[name] = inner
                continue
            if tag == "N":
                # Unsigned ASCII digits with at most one point, few enough to be within
                # DynamoDB's precision and range: what _number would accept, at a third of
                # its cost. Anything else goes through every rule there.
                if type(inner) is str and len(inner) <= _DIGITS and inner.isascii():
                    if inner.isdigit():
                        out[name] = int(inner)
                        continue
                    if inner.replace(".", "", 1).isdigit():
                        out[name] = Decimal(inner)
                        continue
                out[name] = _number(inner, f"{path}.{name}" if path else name)
                continue
            if tag == "BOOL" and (inner is True or inner is False):
                out[name] = inner
                continue
        out[name] = deserialize(value, f"{path}.{name}" if path else name)
    return out
