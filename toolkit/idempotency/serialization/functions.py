"""Helpers for serializers that take their model from a return annotation."""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.idempotency.exceptions import IdempotencyModelTypeError

if TYPE_CHECKING:
    from typing import Any

__all__ = ["get_actual_type"]


def get_actual_type(model_type: Any) -> Any:
    """``model_type`` without ``Optional[...]`` / ``X | None``; a union of several types
    raises :class:`~toolkit.idempotency.exceptions.IdempotencyModelTypeError`."""
    import types
    import typing

    if typing.get_origin(model_type) in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(model_type) if arg is not type(None)]
        if len(members) != 1:
            raise IdempotencyModelTypeError(
                f"the return type {model_type!r} is a union of several types: a model "
                "serializer needs one (optionally with None)"
            )
        return members[0]
    return model_type
