"""Idempotency keys: the hash of a payload's canonical JSON.

Canonical means the same value gives the same text in every process and Python version: keys
sorted, no whitespace, ASCII escapes, and numbers by value: ``1``, ``1.0`` and
``Decimal("1.00")`` are one number, and so are ``1.1`` and ``Decimal("1.10")`` (a payload read
from JSON as floats and the same one read from DynamoDB as Decimals give the same key). A
Decimal with more digits than a float holds keeps them all. ``True`` stays distinct from ``1``,
as in JSON. UUIDs, dates, times, enums and paths hash as their text (Powertools' rules).

A plain string or integer key, the common case, is hashed without walking anything: a
local-cache hit must cost a few microseconds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

__all__ = ["canonical_json", "json_string", "prepare_payload"]

json_string = _string = json.encoder.encode_basestring_ascii
"""A string's canonical JSON text (the C encoder's, as the whole-document encoder writes it)."""


class _Exact:
    """A Decimal no float equals: written as tagged text so it cannot meet a float's."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _number(value: Any) -> Any:
    """A float or Decimal as the value the JSON encoder writes canonically."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if not value.is_finite():
        return float("nan") if value.is_nan() else float(value)
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    from decimal import Decimal

    if Decimal(repr(as_float)) == value:
        return as_float
    return _Exact(f"\x00decimal:{value.normalize()}")


def _walk(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {key: _walk(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_walk(item) for item in value]
    if isinstance(value, float) or type(value).__name__ == "Decimal":
        return _number(value)
    if isinstance(value, Mapping):  # a subclass of dict, a MappingProxyType, a UserDict
        return {key: _walk(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walk(item) for item in value]
    return value


def _default(value: Any) -> Any:
    if type(value) is _Exact:
        return value.text
    import datetime as dt
    from enum import Enum
    from pathlib import PurePath
    from uuid import UUID

    if isinstance(value, Enum):
        return _walk(value.value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (UUID, PurePath)):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(_walk(item) for item in value)
    raise TypeError(f"a {type(value).__qualname__} cannot be part of an idempotency key")


_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=_default).encode


def canonical_json(value: Any) -> str:
    """The canonical JSON text of ``value`` (see the module docstring)."""
    kind = type(value)
    if kind is str:
        return str(_string(value))
    if kind is int:
        return str(value)
    return _encode(_walk(value))


def prepare_payload(data: Any) -> Any:
    """What a payload's key is taken from: a dataclass as its fields, a pydantic model as its
    JSON-mode dump, an event source data class as its raw event; anything else as it is."""
    if type(data) is dict:
        return data
    if hasattr(data, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(data)
    dump = getattr(data, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    raw = getattr(data, "raw_event", None)
    return data if raw is None else raw
