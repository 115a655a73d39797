"""``PydanticSerializer``: a pydantic model result stored as its JSON-mode dump and validated
back into the model. pydantic is imported only when a serializer is built from a type."""

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

__all__ = ["PydanticSerializer"]


class PydanticSerializer(BaseIdempotencyModelSerializer):
    def __init__(self, model: type[Any]) -> None:
        self._model = model

    def to_dict(self, data: Any) -> Any:
        return data.model_dump(mode="json")

    def from_dict(self, data: Any) -> Any:
        return self._model.model_validate(data)

    @classmethod
    def instantiate(cls, model_type: Any) -> BaseIdempotencySerializer:
        model_type = get_actual_type(model_type)
        if model_type is None:
            raise IdempotencyNoSerializationModelError(
                "PydanticSerializer needs a model: annotate the function's return type"
            )
        from pydantic import BaseModel

        if not (isinstance(model_type, type) and issubclass(model_type, BaseModel)):
            raise IdempotencyModelTypeError(f"{model_type!r} is not a pydantic model")
        return cls(model_type)
