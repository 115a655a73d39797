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

from toolkit.logging.errors import InvalidBufferError, InvalidLevelError
from toolkit.logging.levels import ERROR, level_name, parse_level

__all__ = ["LogBuffer", "LoggerBufferConfig"]


class LogBuffer:
    """What to buffer: lines at or below ``level``, at most ``max_bytes`` of them (UTF-8) per
    invocation, the oldest evicted first. ``flush_on_error`` flushes when an ERROR or higher
    line is logged (the handler raising always flushes).

    ``level`` must be below ERROR: an ERROR or CRITICAL line is always written when it is
    logged, never held (a held one would be dropped when the handler returns), so a buffer at
    ERROR or above is refused with :class:`~toolkit.logging.InvalidBufferError` rather than
    quietly meaning something else.

    A plain class rather than a dataclass: importing ``dataclasses`` pulls in ``inspect`` and
    costs several milliseconds of cold start."""

    __slots__ = ("flush_on_error", "level", "level_no", "max_bytes")

    def __init__(
        self, level: str | int = "DEBUG", max_bytes: int = 20480, flush_on_error: bool = True
    ) -> None:
        try:
            level_no = parse_level(level, "buffer.level")
        except InvalidLevelError:
            raise InvalidBufferError(
                "buffer.level", level, "a level name (DEBUG, INFO, ...) or an integer"
            ) from None
        if level_no >= ERROR:
            raise InvalidBufferError(
                "buffer.level",
                level,
                "a level below ERROR (DEBUG, INFO or WARNING): ERROR and CRITICAL lines are "
                "always written, never buffered",
            )
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
            raise InvalidBufferError("buffer.max_bytes", max_bytes, "a positive integer (bytes)")
        self.level = level
        self.max_bytes = max_bytes
        self.flush_on_error = flush_on_error
        self.level_no = level_no

    def __repr__(self) -> str:
        return (
            f"LogBuffer(level={self.level!r}, max_bytes={self.max_bytes!r}, "
            f"flush_on_error={self.flush_on_error!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LogBuffer):
            return NotImplemented
        return (self.level_no, self.max_bytes, self.flush_on_error) == (
            other.level_no,
            other.max_bytes,
            other.flush_on_error,
        )

    def __hash__(self) -> int:
        return hash((self.level_no, self.max_bytes, self.flush_on_error))


class LoggerBufferConfig(LogBuffer):
    """Powertools' name and arguments for a :class:`LogBuffer`, for
    ``Logger(buffer_config=LoggerBufferConfig(max_bytes=..., buffer_at_verbosity="DEBUG",
    flush_on_error_log=True))``; the same object as ``LogBuffer(level, max_bytes,
    flush_on_error)``, with the same checks."""

    __slots__ = ()

    def __init__(
        self,
        max_bytes: int = 20480,
        buffer_at_verbosity: str = "DEBUG",
        flush_on_error_log: bool = True,
    ) -> None:
        super().__init__(buffer_at_verbosity, max_bytes, flush_on_error_log)

    @property
    def buffer_at_verbosity(self) -> str:
        return level_name(self.level_no)

    @property
    def flush_on_error_log(self) -> bool:
        return self.flush_on_error


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
