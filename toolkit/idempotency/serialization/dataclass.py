"""``DataclassSerializer``: a dataclass result stored as its fields and rebuilt as the class."""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.idempotency.exceptions import (
    IdempotencyModelTypeError,
    IdempotencyNoSerializationModelError,
)
from toolkit.idempotency.serialization.base import (
    BaseIdempotencyModelSerializer,
    BaseIdempotencySerializer,
)
from toolkit.idempotency.serialization.functions import get_actual_type

if TYPE_CHECKING:
    from typing import Any

__all__ = ["DataclassSerializer"]


class DataclassSerializer(BaseIdempotencyModelSerializer):
    """``model(**fields)`` on the way back; field values go through the codec, so Decimal,
    UUID and date/time fields come back as they were."""

    def __init__(self, model: type[Any]) -> None:
        self._model = model

    def to_dict(self, data: Any) -> Any:
        import dataclasses

        return dataclasses.asdict(data)

    def from_dict(self, data: Any) -> Any:
        return self._model(**data)

    @classmethod
    def instantiate(cls, model_type: Any) -> BaseIdempotencySerializer:
        import dataclasses

        model_type = get_actual_type(model_type)
        if model_type is None:
            raise IdempotencyNoSerializationModelError(
                "DataclassSerializer needs a dataclass: annotate the function's return type"
            )
        if not (isinstance(model_type, type) and dataclasses.is_dataclass(model_type)):
            raise IdempotencyModelTypeError(f"{model_type!r} is not a dataclass")
        return cls(model_type)
