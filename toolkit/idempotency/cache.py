"""The local cache of completed records: what makes a repeat in the same execution environment
cost no store call.

Bounded (least recently used evicted) and safe across threads (a batch processor's
``max_workers`` call one idempotent function from several). Only completed records are
kept: a lock can change elsewhere at any time. An expired record is dropped when it is read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from time import time as _now

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.idempotency.persistence.datarecord import DataRecord

__all__ = ["LocalCache"]


class LocalCache:
    """At most ``max_items`` completed records by idempotency key."""

    __slots__ = ("_items", "_lock", "max_items")

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self._items: OrderedDict[str, DataRecord] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> DataRecord | None:
        """The live record for ``key``, marked most recently used; ``None`` if absent or
        expired (which drops it).

        No lock on this path (a cache hit must cost a few microseconds): each OrderedDict
        operation is one call into C, atomic under the GIL, and a key evicted by another
        thread between two of them is simply a miss."""
        items = self._items
        record = items.get(key)
        if record is None:
            return None
        expiry = record.expiry_timestamp
        if expiry is not None and _now() > expiry:
            items.pop(key, None)
            return None
        try:
            items.move_to_end(key)
        except KeyError:  # evicted by another thread just now
            return None
        return record

    def put(self, record: DataRecord) -> None:
        items = self._items
        with self._lock:
            items[record.idempotency_key] = record
            items.move_to_end(record.idempotency_key)
            while len(items) > self.max_items:
                items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
