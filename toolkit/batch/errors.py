"""Errors of the batch utility, all under :class:`BatchError`.

Messages name record identifiers and exception types, never record bodies or exception
messages: bodies may hold secrets, and exception messages often quote them.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.batch.session import ExceptionInfo

__all__ = [
    "BatchConfigurationError",
    "BatchError",
    "BatchEventError",
    "BatchProcessingError",
    "RecordSkippedError",
    "SQSFifoCircuitBreakerError",
    "SQSFifoMessageGroupCircuitBreakerError",
]

_LISTED = 10  # identifiers named in a message before "and N more"


class BatchError(ToolkitError):
    """Base class of the batch utility's errors."""


class BatchConfigurationError(BatchError, ValueError):
    """A processor or decorator was set up in a way that cannot process the batch correctly
    (``max_workers`` with FIFO queues or streams, a missing ``record_handler``...)."""


class BatchProcessingError(BatchError):
    """Every record of the batch failed (with ``raise_on_entire_batch_failure=True``).

    Raising makes the whole invocation fail, so Lambda's own retry and backoff apply instead of
    an instant redelivery of the same records. ``exceptions`` holds ``(identifier, exception)``
    for each record, in record order.
    """

    def __init__(self, message: str, exceptions: Sequence[tuple[str, BaseException]] = ()) -> None:
        self.exceptions: list[tuple[str, BaseException]] = list(exceptions)
        self.msg = message  # Powertools' name for the message
        super().__init__(message)

    @property
    def child_exceptions(self) -> list[ExceptionInfo]:
        """Powertools' view of :attr:`exceptions`: ``(type, exception, traceback)`` each."""
        return [(type(error), error, error.__traceback__) for _, error in self.exceptions]

    @classmethod
    def entire_batch(cls, exceptions: Sequence[tuple[str, BaseException]]) -> BatchProcessingError:
        shown = ", ".join(
            f"{identifier} ({type(error).__name__})" for identifier, error in exceptions[:_LISTED]
        )
        more = len(exceptions) - _LISTED
        if more > 0:
            shown += f" and {more} more"
        return cls(f"all {len(exceptions)} records of the batch failed: {shown}", exceptions)


class BatchEventError(BatchProcessingError, ValueError):
    """The event is not a batch of the declared type; raised before any record handler runs.

    ``field`` is the offending field (``Records``, ``eventSource``, ``messageId``...) and
    ``index`` the record's position in ``Records`` (``None`` for the event itself).
    """

    def __init__(self, field: str, index: int | None, problem: str) -> None:
        self.field = field
        self.index = index
        where = "event" if index is None else f"Records[{index}]"
        super().__init__(f"{where}: {field} {problem}")


class RecordSkippedError(BatchError):
    """A record reported as failed without its handler having run (or finished): an earlier
    record failed (FIFO, ``stop_on_first_failure``) or the invocation ran out of time."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"record not processed: {reason}")


class SQSFifoCircuitBreakerError(RecordSkippedError):
    """Kept on the records ``SqsFifoPartialProcessor`` skipped because an earlier record of
    the batch failed (Powertools' name)."""


class SQSFifoMessageGroupCircuitBreakerError(RecordSkippedError):
    """Kept on the records ``SqsFifoPartialProcessor(skip_group_on_error=True)`` skipped
    because an earlier record of their message group failed (Powertools' name)."""
