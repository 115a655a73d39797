"""``IdempotentHookFunction``: the type of ``IdempotencyConfig(response_hook=...)``."""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from typing import Any

    from toolkit.idempotency.persistence.datarecord import DataRecord

__all__ = ["IdempotentHookFunction"]


class IdempotentHookFunction(Protocol):
    """Called on a repeat with the stored result and its record; what it returns is
    returned to the caller (to add a header saying the response was replayed, say)."""

    def __call__(self, response: Any, idempotent_data: DataRecord) -> Any: ...
