"""Holding low-level lines back until an invocation shows it needs them.

Debug lines are what one wants after an error and pays for on every success. A
:class:`LogBuffer` keeps the lines at or below its level for the current invocation and the
Logger writes them, in order, only when an error is logged or the handler raises; otherwise
they are dropped when the invocation ends. Lines are rendered when logged (so their timestamp,
keys and values are those of that moment) and only their writing is deferred.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from toolkit.logging.errors import InvalidBufferError, InvalidLevelError
from toolkit.logging.levels import parse_level

__all__ = ["LogBuffer"]


@dataclass(frozen=True)
class LogBuffer:
    """What to buffer: lines at or below ``level``, at most ``max_bytes`` of them (UTF-8) per
    invocation, the oldest evicted first. ``flush_on_error`` flushes when an ERROR or higher
    line is logged (the handler raising always flushes)."""

    level: str | int = "DEBUG"
    max_bytes: int = 20480
    flush_on_error: bool = True
    level_no: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            level_no = parse_level(self.level, "buffer.level")
        except InvalidLevelError:
            raise InvalidBufferError(
                "buffer.level", self.level, "a level name (DEBUG, INFO, ...) or an integer"
            ) from None
        if (
            isinstance(self.max_bytes, bool)
            or not isinstance(self.max_bytes, int)
            or self.max_bytes <= 0
        ):
            raise InvalidBufferError(
                "buffer.max_bytes", self.max_bytes, "a positive integer (bytes)"
            )
        object.__setattr__(self, "level_no", level_no)


class PendingLines:
    """The lines held for one invocation; shared by the threads of that invocation."""

    __slots__ = ("_lines", "_lock", "_size", "evicted", "max_bytes")

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.evicted = 0
        self._lines: deque[tuple[str, int]] = deque()
        self._size = 0
        self._lock = threading.Lock()

    def add(self, line: str) -> None:
        size = len(line) if line.isascii() else len(line.encode("utf-8", "replace"))
        with self._lock:
            self._lines.append((line, size))
            self._size += size
            while self._size > self.max_bytes and self._lines:
                _, dropped = self._lines.popleft()
                self._size -= dropped
                self.evicted += 1

    def take(self) -> tuple[list[str], int]:
        """The held lines, oldest first, and how many were evicted; empties the buffer."""
        with self._lock:
            lines = [line for line, _ in self._lines]
            evicted = self.evicted
            self._lines.clear()
            self._size = 0
            self.evicted = 0
        return lines, evicted
