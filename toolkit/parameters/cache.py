"""The in-process TTL cache above the transports.

A hit must cost no more than a dict look-up and a clock read: configuration is read on every
invocation, often several values each, and a warm invocation should pay nothing measurable for
it. Expiry is on the monotonic clock (a wall-clock step, NTP or a SnapStart restore, can
neither keep a value forever nor expire everything at once). The size is bounded, oldest entry
out first, so a function reading ever-new names (one per tenant, say) cannot grow without
limit.
"""

from __future__ import annotations

import threading
from time import monotonic

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable
    from typing import Any

__all__ = ["MISSING", "Cache"]

MISSING: Any = object()
"""What :meth:`Cache.get` returns when the key has no live entry (values may be ``None``)."""

DEFAULT_SIZE = 1024


class Cache(dict):  # type: ignore[type-arg]
    """``key -> (value, expires_at)``, with at most ``size`` entries.

    A ``dict`` itself, so that the hit path of a provider is ``entry = cache.get(key)`` (the
    builtin, no Python call) and ``monotonic() < entry[1]``; writes go through :meth:`put`,
    which keeps the bound."""

    __slots__ = ("_lock", "size")

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        super().__init__()
        if size < 1:
            raise ValueError(f"a cache holds at least 1 entry, not {size}")
        self.size = size
        self._lock = threading.Lock()  # writers only: an eviction iterates over the entries

    def value(self, key: Hashable) -> Any:
        """The value stored under ``key`` if it has not expired, else :data:`MISSING`."""
        entry = self.get(key)
        if entry is not None and monotonic() < entry[1]:
            return entry[0]
        return MISSING

    def put(self, key: Hashable, value: Any, max_age: float) -> None:
        """Keep ``value`` for ``max_age`` seconds (nothing is kept for ``max_age <= 0``)."""
        if max_age <= 0:
            return
        with self._lock:
            self.pop(key, None)  # re-inserted last: the newest entry
            if len(self) >= self.size:
                self._evict()
            self[key] = (value, monotonic() + max_age)

    def _evict(self) -> None:
        """Drop the expired entries, or the oldest one if none has expired."""
        now = monotonic()
        expired = [key for key, (_, expires) in self.items() if expires <= now]
        for key in expired:
            del self[key]
        if not expired:
            del self[next(iter(self))]

    def discard(self, match: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key ``match`` accepts (a parameter just written)."""
        with self._lock:
            for key in [key for key in self if match(key)]:
                del self[key]

    def __repr__(self) -> str:
        return f"Cache({len(self)}/{self.size} entries)"  # never the values
