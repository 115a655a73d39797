"""A Powertools batch handler moved to toolkit by changing its imports: Powertools'
context-manager form, and its ``@batch_processor`` / ``@async_batch_processor`` decorators.

Run it locally with the sample SQS event (its first message is not JSON, so it is the one
reported back; the second is processed):

    toolkit invoke examples/batch/powertools_style.py:handler --event-name sqs
    toolkit invoke examples/batch/powertools_style.py:decorated_handler --event-name sqs
    toolkit invoke examples/batch/powertools_style.py:async_handler --event-name sqs
"""

from __future__ import annotations

import logging
from typing import Any

from toolkit.batch import (
    AsyncBatchProcessor,
    BatchProcessor,
    EventType,
    PartialItemFailureResponse,
    SQSRecord,
    async_batch_processor,
    batch_processor,
)

logger = logging.getLogger(__name__)

processor = BatchProcessor(EventType.SQS)
async_processor = AsyncBatchProcessor(EventType.SQS)


def record_handler(record: SQSRecord, lambda_context: Any) -> str:
    """Raise to fail this record only. ``lambda_context`` is passed because it is declared."""
    message: str = record.json_body["message"]  # a body that is not JSON raises
    logger.info("%s: %d ms left", message, lambda_context.get_remaining_time_in_millis())
    return message


def handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    """The context-manager form: ``process()`` returns one tuple per record."""
    with processor(records=event["Records"], handler=record_handler, lambda_context=context):
        processed = processor.process()
    for status, result, _record in processed:
        logger.info("%s: %s", status, result)  # ("success", return value) / ("fail", error text)
    return processor.response()


@batch_processor(record_handler=record_handler, processor=processor)
def decorated_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    """The decorator processes the batch before this body runs and returns its response."""
    logger.info("%d records failed", len(processor.fail_messages))
    return processor.response()


async def async_record_handler(record: SQSRecord) -> str:
    message: str = record.json_body["message"]
    return message


@async_batch_processor(record_handler=async_record_handler, processor=async_processor)
def async_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    """A plain (sync) Lambda handler whose records are handled by coroutines, concurrently."""
    return async_processor.response()
