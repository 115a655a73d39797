"""Serializer bases: how a function's result becomes the dict that is stored, and back."""

from __future__ import annotations

from abc import ABC, abstractmethod

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

__all__ = ["BaseIdempotencyModelSerializer", "BaseIdempotencySerializer"]


class BaseIdempotencySerializer(ABC):
    """Turns a result into JSON-compatible data (``to_dict``) and back (``from_dict``).
    Decimal, UUID, date, time and datetime values inside the data round-trip exactly."""

    @abstractmethod
    def to_dict(self, data: Any) -> Any: ...

    @abstractmethod
    def from_dict(self, data: Any) -> Any: ...


class BaseIdempotencyModelSerializer(BaseIdempotencySerializer):
    """A serializer for a model type: passing the class as ``output_serializer`` has
    :meth:`instantiate` called with the function's return annotation (``None`` without
    one)."""

    @classmethod
    @abstractmethod
    def instantiate(cls, model_type: Any) -> BaseIdempotencySerializer: ...
