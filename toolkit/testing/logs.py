"""The Logger's lines in a test, whatever the import order of the handler's module.

``capsys`` and ``redirect_stdout`` see what goes to ``sys.stdout`` while they are active. A
Logger given a stream (``Logger(stream=sys.stdout)``, Powertools' habit) keeps the one it was
given, often pytest's collection-time capture when the handler is imported at the top of a test
file, and a ``logger_handler`` writes wherever its handler does: neither reaches them. This
capture is not on a stream: it taps the Logger's own write path (see
:func:`toolkit.logging.family.add_tap`), so it gets every line of every toolkit Logger, built
before or during the block, and the lines still go where they went.

    with CapturedLogs() as logs:
        handler(event, lambda_context())
    assert logs[0]["message"] == "order received"
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.logging.family import add_tap, remove_tap

__all__ = ["CapturedLogs", "CapturedLogsError"]


class CapturedLogsError(ToolkitError, ValueError):
    """A captured line is not a JSON object (a ``logger_formatter`` of another shape); the
    message gives its index, never its content. ``lines`` still has it as written."""


class CapturedLogs:
    """The lines toolkit Loggers write while the block runs: ``lines`` as written, and the
    object itself as the list of parsed records (``logs[0]["message"]``, ``len(logs)``,
    iteration), oldest first. Lines of every thread are kept, in the order they were written.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._active = False

    def __repr__(self) -> str:  # never the lines: they may hold what a test logged
        return f"CapturedLogs({len(self.lines)} lines)"

    def __enter__(self) -> CapturedLogs:
        if not self._active:
            add_tap(self._take)
            self._active = True
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._active:
            remove_tap(self._take)
            self._active = False

    def _take(self, line: str, level: int) -> None:
        with self._lock:
            self.lines.append(line)

    @property
    def records(self) -> list[dict[str, Any]]:
        """Each line parsed; :class:`CapturedLogsError` names the first that is not a JSON
        object."""
        with self._lock:
            lines = list(self.lines)
        records = []
        for index, line in enumerate(lines):
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict):
                raise CapturedLogsError(f"captured line {index} is not a JSON object")
            records.append(record)
        return records

    def messages(self) -> list[Any]:
        """The ``message`` of each record."""
        return [record.get("message") for record in self.records]

    def clear(self) -> None:
        with self._lock:
            self.lines.clear()

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.records[index]
