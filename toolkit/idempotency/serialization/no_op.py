"""``NoOpSerializer``: JSON-compatible results stored as they are (the default)."""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.idempotency.serialization.base import BaseIdempotencySerializer

if TYPE_CHECKING:
    from typing import Any

__all__ = ["NoOpSerializer"]


class NoOpSerializer(BaseIdempotencySerializer):
    """Stores the result itself: dicts, lists, strings, numbers, booleans, ``None``, and the
    Decimal, UUID and date/time values the codec tags."""

    def to_dict(self, data: Any) -> Any:
        return data

    def from_dict(self, data: Any) -> Any:
        return data
