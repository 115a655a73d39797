"""The entry points: functions that return the partial batch response, and the
``batch_processor`` middleware.

They exist so that the easy path is the correct one: the response Lambda needs is built and
returned for you, because a handler that returns ``None`` (or anything without
``batchItemFailures``) tells Lambda every record succeeded.
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.batch.errors import BatchConfigurationError
from toolkit.batch.processor import (
    BatchProcessor,
    PartialItemFailureResponse,
    _log,
    _PartialProcessor,
)
from toolkit.middleware import Target, middleware

if TYPE_CHECKING:
    from typing import Any

    # asyncio is imported only by those who use the async processor
    from toolkit.batch.async_processor import AsyncBatchProcessor
    from toolkit.batch.processor import RecordHandler

__all__ = [
    "async_batch_processor",
    "async_process_partial_response",
    "batch_processor",
    "process_partial_response",
]

_ANY = "BatchProcessor(...), SqsFifoPartialProcessor(...) or AsyncBatchProcessor(...)"


def _require(processor: Any, kind: type[_PartialProcessor], where: str, expected: str) -> None:
    if not isinstance(processor, kind):
        raise BatchConfigurationError(f"{where} needs processor={expected}, not {processor!r}")


def process_partial_response(
    event: Any,
    record_handler: RecordHandler,
    processor: BatchProcessor | AsyncBatchProcessor,
    context: Any = None,
) -> PartialItemFailureResponse:
    """Process ``event`` with ``processor`` and return ``{"batchItemFailures": [...]}``.

    ``context`` is passed to record handlers that declare ``lambda_context``; inside a
    toolkit-decorated handler it defaults to the invocation's context.
    """
    _require(processor, _PartialProcessor, "process_partial_response", _ANY)
    return processor.process(event, record_handler, context).response()


def async_process_partial_response(
    event: Any,
    record_handler: RecordHandler,
    processor: AsyncBatchProcessor,
    context: Any = None,
) -> PartialItemFailureResponse:
    """:func:`process_partial_response` for ``async def`` record handlers, called from a
    plain (sync) Lambda handler: it runs an event loop for the batch. Code already inside a
    running loop awaits ``processor.process_async(...)`` instead."""
    from toolkit.batch.async_processor import AsyncBatchProcessor

    _require(
        processor, AsyncBatchProcessor, "async_process_partial_response", "AsyncBatchProcessor(...)"
    )
    return processor.process(event, record_handler, context).response()


def _batch_processor(
    handler: Any,
    event: Any,
    context: Any,
    *,
    record_handler: RecordHandler,
    processor: BatchProcessor | AsyncBatchProcessor,
) -> PartialItemFailureResponse:
    result = processor.process(event, record_handler, context)
    response = result.response()
    returned = handler(event, context)
    if returned is not None and returned != response:
        _log(processor.logger).warning(
            "batch_processor returns the batch response; the %s the handler returned was "
            "ignored (a response without batchItemFailures would tell Lambda every record "
            "succeeded)",
            type(returned).__name__,
        )
    return response


batch_processor = middleware(_batch_processor)
batch_processor.__doc__ = """Middleware: process the event's batch with ``processor`` and
``record_handler`` before the handler runs, then return the partial batch response.

The decorated handler runs after the batch (``processor.response()`` gives it the result) and
its return value is ignored: the response is always the batch's, so forgetting
``return processor.response()`` cannot tell Lambda that failed records succeeded. When every
record failed (``raise_on_entire_batch_failure``), :class:`BatchProcessingError` propagates
and the handler does not run. Warnings (an ignored return value) go where failed records are
logged: the Logger that wraps the invocation, else the stdlib logger ``toolkit.batch``."""


@batch_processor.setup
def _check_processor(target: Target, options: dict[str, Any]) -> None:
    """Decoration time: a processor of the wrong kind fails at import, not at the first batch."""
    _require(options["processor"], _PartialProcessor, "batch_processor", _ANY)


def _async_batch_processor(
    handler: Any,
    event: Any,
    context: Any,
    *,
    record_handler: RecordHandler,
    processor: AsyncBatchProcessor,
) -> PartialItemFailureResponse:
    return _batch_processor(
        handler, event, context, record_handler=record_handler, processor=processor
    )


async_batch_processor = middleware(_async_batch_processor)
async_batch_processor.__doc__ = """Middleware: :func:`batch_processor` for ``async def``
record handlers and an ``AsyncBatchProcessor`` (Powertools' name), on a plain (sync) Lambda
handler: the batch runs on its own event loop before the handler, and the batch response is
returned."""


@async_batch_processor.setup
def _check_async_processor(target: Target, options: dict[str, Any]) -> None:
    """Decoration time: refuse a processor that cannot await the record handler."""
    from toolkit.batch.async_processor import AsyncBatchProcessor

    _require(
        options["processor"],
        AsyncBatchProcessor,
        "async_batch_processor",
        "AsyncBatchProcessor(...)",
    )
