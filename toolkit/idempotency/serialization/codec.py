"""How a result is stored: JSON text, with the few Python types JSON lacks tagged so they come
back exactly as they went in.

``Decimal``, ``UUID``, ``datetime``, ``date`` and ``time`` values are written as
``{"__toolkit_type__": "Decimal", "value": "1.10"}`` and read back as ``Decimal("1.10")``
(Powertools stores a Decimal as the string ``"1.10"`` and returns that string). Everything else
JSON can carry is stored as it is, so a record stays readable in the console; a tuple comes
back as a list, as with any JSON. Decoding pays for the tags only when the text holds one.
"""

from __future__ import annotations

import json

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["copier", "copy_value", "decode", "encode"]

TAG = "__toolkit_type__"
_MARK = f'"{TAG}"'


def _tagged(value: Any) -> dict[str, str]:
    """The tagged form of a value JSON cannot carry; TypeError names any other type."""
    import datetime as dt
    from decimal import Decimal
    from uuid import UUID

    kind = type(value)
    if kind is Decimal or kind is UUID:
        return {TAG: kind.__name__, "value": str(value)}
    if kind is dt.datetime or kind is dt.date or kind is dt.time:
        return {TAG: kind.__name__, "value": value.isoformat()}
    raise TypeError(f"a {kind.__qualname__} cannot be stored as an idempotent result")


def _readers() -> dict[str, Callable[[str], Any]]:
    import datetime as dt
    from decimal import Decimal
    from uuid import UUID

    return {
        "Decimal": Decimal,
        "UUID": UUID,
        "datetime": dt.datetime.fromisoformat,
        "date": dt.date.fromisoformat,
        "time": dt.time.fromisoformat,
    }


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_tagged).encode
_reader_table: dict[str, Callable[[str], Any]] = {}


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) == 2 and TAG in obj:
        if not _reader_table:
            _reader_table.update(_readers())
        reader = _reader_table.get(obj[TAG])
        if reader is not None and isinstance(obj.get("value"), str):
            return reader(obj["value"])
    return obj


def encode(value: Any) -> str:
    """``value`` as stored text; ``TypeError`` (naming the type) or ``ValueError`` (a circular
    reference) when it cannot be stored."""
    return _encode(value)


def decode(text: str) -> Any:
    """What :func:`encode` wrote, with its tagged values restored."""
    if _MARK in text:
        return json.loads(text, object_hook=_untag)
    return json.loads(text)


def copy_value(value: Any) -> Any:
    """A copy of a decoded value deep enough that changing it changes nothing else: dicts and
    lists are rebuilt, everything else a decoded value holds is immutable. Several times
    cheaper than decoding the text again, which is what a local-cache hit would cost."""
    kind = type(value)
    if kind is dict:
        return {
            key: copy_value(item) if type(item) in _CONTAINERS else item
            for key, item in value.items()
        }
    if kind is list:
        return [copy_value(item) if type(item) in _CONTAINERS else item for item in value]
    return value


_CONTAINERS = frozenset({dict, list})


def copier(value: Any) -> Callable[[Any], Any] | None:
    """The cheapest function that copies ``value`` as :func:`copy_value` does, chosen once
    per decoded value so that each local-cache hit pays only for the copy: ``None`` for an
    immutable value (nothing to copy), ``dict.copy`` / ``list.copy`` when no item is itself a
    dict or list (the usual handler response), else :func:`copy_value`."""
    kind = type(value)
    if kind is dict:
        items: Any = value.values()
    elif kind is list:
        items = value
    else:
        return None
    if any(type(item) in _CONTAINERS for item in items):
        return copy_value
    return dict.copy if kind is dict else list.copy
