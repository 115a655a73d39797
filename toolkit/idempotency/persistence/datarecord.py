"""``DataRecord``: one idempotency record as every persistence layer sees it.

Powertools' fields, plus ``fence_token``: the unique token the claim wrote, which completion
and release must present, so a holder whose lock expired and was taken over cannot overwrite
or delete the newer record.

Times are wall-clock epoch values: ``expiry_timestamp`` in seconds (what DynamoDB's TTL
reads), ``in_progress_expiry_timestamp`` in milliseconds. Expiry is checked here on every read
because DynamoDB's TTL deletes expired items lazily (hours, even days, later).
"""

from __future__ import annotations

import time
from types import MappingProxyType

from toolkit._typing import TYPE_CHECKING
from toolkit.idempotency.serialization.codec import copier, decode

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable
    from typing import Any

__all__ = ["STATUS_CONSTANTS", "DataRecord"]

STATUS_CONSTANTS = MappingProxyType(
    {"INPROGRESS": "INPROGRESS", "COMPLETED": "COMPLETED", "EXPIRED": "EXPIRED"}
)
_VALID = frozenset({"INPROGRESS", "COMPLETED"})
_UNREAD: Any = object()


class DataRecord:
    """An idempotency record. ``status`` reads ``EXPIRED`` once ``expiry_timestamp`` has
    passed, whatever was stored."""

    __slots__ = (
        "_copy",
        "_decoded",
        "_status",
        "expiry_timestamp",
        "fence_token",
        "idempotency_key",
        "in_progress_expiry_timestamp",
        "payload_hash",
        "response_data",
        "sort_key",
    )

    def __init__(  # noqa: PLR0917 - Powertools takes these positionally
        self,
        idempotency_key: str,
        status: str = "",
        expiry_timestamp: int | None = None,
        in_progress_expiry_timestamp: int | None = None,
        response_data: str = "",
        payload_hash: str = "",
        sort_key: str | None = None,
        fence_token: str | None = None,
    ) -> None:
        self.idempotency_key = idempotency_key
        self._status = status
        self.expiry_timestamp = expiry_timestamp
        self.in_progress_expiry_timestamp = in_progress_expiry_timestamp
        self.response_data = response_data
        self.payload_hash = payload_hash
        self.sort_key = sort_key
        self.fence_token = fence_token
        self._decoded: Any = _UNREAD
        self._copy: Callable[[Any], Any] | None = None

    @property
    def is_expired(self) -> bool:
        expiry = self.expiry_timestamp
        return bool(expiry) and time.time() > expiry  # type: ignore[operator]

    @property
    def in_progress_expired(self) -> bool:
        """Whether this is a lock whose in-progress expiry has passed (its holder timed out)."""
        expiry = self.in_progress_expiry_timestamp
        return self._status == "INPROGRESS" and expiry is not None and time.time() * 1000 > expiry

    @property
    def status(self) -> str:
        if self.is_expired:
            return "EXPIRED"
        if self._status in _VALID:
            return self._status
        from toolkit.idempotency.exceptions import IdempotencyInvalidStatusError

        raise IdempotencyInvalidStatusError(
            f"the record has the unknown status {self._status!r}", key=self.idempotency_key
        )

    def response_json_as_dict(self) -> Any:
        """The stored result, decoded (``None`` when there is none). The text is parsed once
        per record; each call returns a fresh copy, so a caller that changes the result it
        got cannot change what the next repeat (a local-cache hit) returns."""
        decoded = self._decoded
        if decoded is _UNREAD:
            decoded = self._decoded = decode(self.response_data) if self.response_data else None
            self._copy = copier(decoded)
        copy = self._copy
        return decoded if copy is None else copy(decoded)

    def get_expiration_datetime(self) -> dt.datetime | None:
        """``expiry_timestamp`` as a naive local datetime (Powertools' method)."""
        if not self.expiry_timestamp:
            return None
        import datetime as dt

        return dt.datetime.fromtimestamp(int(self.expiry_timestamp))

    def __repr__(self) -> str:
        # The response may hold personal data: the repr says whether there is one, no more.
        return (
            f"DataRecord(idempotency_key={self.idempotency_key!r}, status={self._status!r}, "
            f"expiry_timestamp={self.expiry_timestamp!r}, "
            f"in_progress_expiry_timestamp={self.in_progress_expiry_timestamp!r}, "
            f"response_data=<{len(self.response_data)} chars>)"
        )
