"""``CustomDictSerializer``: a result type of your own, through a ``(to_dict, from_dict)``
pair (``output_serializer=(to_dict, from_dict)`` builds one)."""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.idempotency.serialization.base import BaseIdempotencySerializer

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["CustomDictSerializer"]


class CustomDictSerializer(BaseIdempotencySerializer):
    def __init__(self, to_dict: Callable[[Any], Any], from_dict: Callable[[Any], Any]) -> None:
        self._to_dict = to_dict
        self._from_dict = from_dict

    def to_dict(self, data: Any) -> Any:
        return self._to_dict(data)

    def from_dict(self, data: Any) -> Any:
        return self._from_dict(data)
