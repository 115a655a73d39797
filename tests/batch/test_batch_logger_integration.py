"""The batch processor with the real Logger: the record identifier is a key on every line
written while the record is processed (in worker threads too), and not after."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.batch.batches import failed_ids, sqs_event
from toolkit.batch import BatchProcessor, EventType, SQSRecord, process_partial_response
from toolkit.logging import Logger
from toolkit.testing import lambda_context


@pytest.mark.parametrize("max_workers", [None, 4])
def test_logger_lines_carry_the_record_id_inside_and_not_after(max_workers: int | None) -> None:
    stream = io.StringIO()
    logger = Logger(service="orders", stream=stream)
    processor = BatchProcessor(EventType.SQS, max_workers=max_workers)

    def record_handler(record: SQSRecord) -> None:
        logger.info("processing")
        if record.message_id == "msg-00001":
            raise ValueError("poison")

    @logger.inject_lambda_context
    def handler(event: Any, context: Any) -> Any:
        logger.info("before")
        response = process_partial_response(event, record_handler, processor)
        logger.info("after")
        return response

    event = sqs_event(20)
    assert failed_ids(handler(event, lambda_context())) == ["msg-00001"]
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    processing = [line for line in lines if line["message"] == "processing"]
    ids = [r["messageId"] for r in event["Records"]]
    assert sorted(line["batch_record_id"] for line in processing) == ids
    (before,) = [line for line in lines if line["message"] == "before"]
    (after,) = [line for line in lines if line["message"] == "after"]
    assert "batch_record_id" not in before
    assert "batch_record_id" not in after


def test_logger_keys_of_concurrent_async_records_stay_apart() -> None:
    import asyncio

    from toolkit.batch import AsyncBatchProcessor

    stream = io.StringIO()
    logger = Logger(service="orders", stream=stream)

    async def record_handler(record: SQSRecord) -> None:
        logger.info("start", mid=record.message_id)
        await asyncio.sleep(0.001)  # other records run in between
        logger.info("end", mid=record.message_id)

    @logger.inject_lambda_context
    def handler(event: Any, context: Any) -> Any:
        processor = AsyncBatchProcessor(EventType.SQS, concurrency=5)
        return process_partial_response(event, record_handler, processor)

    assert handler(sqs_event(20), lambda_context()) == {"batchItemFailures": []}
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 40
    assert all(line["batch_record_id"] == line["mid"] for line in lines)
