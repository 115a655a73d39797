"""Partial batch responses for SQS, Kinesis Data Streams and DynamoDB Streams.

Names resolve lazily so ``from toolkit.batch import BatchProcessor`` does not import asyncio,
and nothing here imports pydantic (models are loaded by the user's own imports).
"""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

_EXPORTS: dict[str, str] = {
    "AsyncBatchProcessor": "toolkit.batch.async_processor",
    "BatchProcessor": "toolkit.batch.processor",
    "BatchResult": "toolkit.batch.processor",
    "PartialItemFailure": "toolkit.batch.processor",
    "PartialItemFailureResponse": "toolkit.batch.processor",
    "SqsFifoPartialProcessor": "toolkit.batch.processor",
    "EventType": "toolkit.batch.event_types",
    "BatchConfigurationError": "toolkit.batch.errors",
    "BatchError": "toolkit.batch.errors",
    "BatchEventError": "toolkit.batch.errors",
    "BatchProcessingError": "toolkit.batch.errors",
    "RecordSkippedError": "toolkit.batch.errors",
    "SQSFifoCircuitBreakerError": "toolkit.batch.errors",
    "SQSFifoMessageGroupCircuitBreakerError": "toolkit.batch.errors",
    "DynamoDBStreamRecord": "toolkit.batch.records",
    "KinesisStreamRecord": "toolkit.batch.records",
    "SQSMessageAttribute": "toolkit.batch.records",
    "SQSRecord": "toolkit.batch.records",
    "SQSRecordAttributes": "toolkit.batch.records",
    "async_batch_processor": "toolkit.batch.partial_response",
    "async_process_partial_response": "toolkit.batch.partial_response",
    "batch_processor": "toolkit.batch.partial_response",
    "process_partial_response": "toolkit.batch.partial_response",
}

__all__ = [
    "AsyncBatchProcessor",
    "BatchConfigurationError",
    "BatchError",
    "BatchEventError",
    "BatchProcessingError",
    "BatchProcessor",
    "BatchResult",
    "DynamoDBStreamRecord",
    "EventType",
    "KinesisStreamRecord",
    "PartialItemFailure",
    "PartialItemFailureResponse",
    "RecordSkippedError",
    "SQSMessageAttribute",
    "SQSRecord",
    "SQSFifoCircuitBreakerError",
    "SQSFifoMessageGroupCircuitBreakerError",
    "SQSRecordAttributes",
    "SqsFifoPartialProcessor",
    "async_batch_processor",
    "async_process_partial_response",
    "batch_processor",
    "process_partial_response",
]

if TYPE_CHECKING:
    from toolkit.batch.async_processor import AsyncBatchProcessor
    from toolkit.batch.errors import (
        BatchConfigurationError,
        BatchError,
        BatchEventError,
        BatchProcessingError,
        RecordSkippedError,
        SQSFifoCircuitBreakerError,
        SQSFifoMessageGroupCircuitBreakerError,
    )
    from toolkit.batch.event_types import EventType
    from toolkit.batch.partial_response import (
        async_batch_processor,
        async_process_partial_response,
        batch_processor,
        process_partial_response,
    )
    from toolkit.batch.processor import (
        BatchProcessor,
        BatchResult,
        PartialItemFailure,
        PartialItemFailureResponse,
        SqsFifoPartialProcessor,
    )
    from toolkit.batch.records import (
        DynamoDBStreamRecord,
        KinesisStreamRecord,
        SQSMessageAttribute,
        SQSRecord,
        SQSRecordAttributes,
    )


__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
