"""Concurrent processing of SQS standard queue batches: threads and asyncio."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from tests.batch.batches import failed_ids, kinesis_event, sqs_event
from toolkit.batch import (
    AsyncBatchProcessor,
    BatchConfigurationError,
    BatchProcessingError,
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    SQSRecord,
    async_process_partial_response,
    process_partial_response,
)


def test_threads_really_run_records_concurrently() -> None:
    barrier = threading.Barrier(4, timeout=5)

    def record_handler(record: SQSRecord) -> None:
        barrier.wait()  # only passes when 4 records are in flight at once

    response = process_partial_response(
        sqs_event(8), record_handler, BatchProcessor(EventType.SQS, max_workers=4)
    )
    assert response == {"batchItemFailures": []}


def test_threads_report_failures_in_record_order() -> None:
    def record_handler(record: SQSRecord) -> None:
        if record.json_body["index"] % 3 == 0:
            raise ValueError

    event = sqs_event(1_000)
    threaded = process_partial_response(
        event, record_handler, BatchProcessor(EventType.SQS, max_workers=8)
    )
    sequential = process_partial_response(event, record_handler, BatchProcessor(EventType.SQS))
    assert threaded == sequential
    assert failed_ids(threaded) == [f"msg-{i:05d}" for i in range(0, 1_000, 3)]


def test_threads_entire_failure_raises() -> None:
    with pytest.raises(BatchProcessingError) as caught:
        BatchProcessor(EventType.SQS, max_workers=3).process(sqs_event(10), lambda r: 1 / 0)
    assert len(caught.value.exceptions) == 10


@pytest.mark.parametrize("error", [SystemExit(3), KeyboardInterrupt()], ids=type)
@pytest.mark.parametrize("max_workers", [None, 2, 8])
def test_base_exceptions_propagate_with_threads_as_without(
    error: BaseException, max_workers: int | None
) -> None:
    """SystemExit and KeyboardInterrupt are not record failures: the sequential loop lets them
    through, and so do worker threads, after the workers stopped taking records."""
    started: list[str] = []

    def record_handler(record: SQSRecord) -> None:
        started.append(record.message_id)
        if record.message_id == "msg-00002":
            raise error
        time.sleep(0.001)

    processor = BatchProcessor(EventType.SQS, max_workers=max_workers)
    with pytest.raises(type(error)) as caught:
        processor.process(sqs_event(200), record_handler)
    assert caught.value is error
    assert len(started) < 50  # the others stopped taking records


@pytest.mark.parametrize("error", [SystemExit(3), KeyboardInterrupt()], ids=type)
@pytest.mark.parametrize("concurrency", [1, 4])
def test_base_exceptions_propagate_from_async_records(
    error: BaseException, concurrency: int
) -> None:
    async def record_handler(record: SQSRecord) -> None:
        await asyncio.sleep(0)
        if record.message_id == "msg-00002":
            raise error

    processor = AsyncBatchProcessor(EventType.SQS, concurrency=concurrency)
    with pytest.raises(type(error)):
        processor.process(sqs_event(20), record_handler)


def test_single_record_and_max_workers_one_run_inline() -> None:
    threads: list[str] = []
    handler = lambda r: threads.append(threading.current_thread().name)  # noqa: E731
    BatchProcessor(EventType.SQS, max_workers=4).process(sqs_event(1), handler)
    BatchProcessor(EventType.SQS, max_workers=1).process(sqs_event(2), handler)
    assert threads == ["MainThread"] * 3


@pytest.mark.parametrize(
    "processor",
    [
        BatchProcessor(EventType.SQS, max_workers=4),
        AsyncBatchProcessor(EventType.SQS),
    ],
)
def test_concurrent_processors_refuse_fifo_batches(processor: Any) -> None:
    ran: list[Any] = []

    async def record_handler(record: Any) -> None:
        ran.append(record)

    handler = record_handler if isinstance(processor, AsyncBatchProcessor) else ran.append
    with pytest.raises(BatchConfigurationError, match=r"FIFO queue.*SqsFifoPartialProcessor"):
        process_partial_response(sqs_event(3, groups=["g"]), handler, processor)
    assert ran == []
    assert isinstance(SqsFifoPartialProcessor(max_workers=1), BatchProcessor)


# --- asyncio -----------------------------------------------------------------------------------


def test_async_concurrency_is_bounded() -> None:
    in_flight = 0
    peak = 0

    async def record_handler(record: SQSRecord) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        if record.json_body["index"] % 4 == 0:
            raise ValueError

    response = async_process_partial_response(
        sqs_event(40), record_handler, AsyncBatchProcessor(EventType.SQS, concurrency=5)
    )
    assert peak == 5
    assert failed_ids(response) == [f"msg-{i:05d}" for i in range(0, 40, 4)]


def test_async_unbounded_by_default_on_sqs() -> None:
    peak = 0
    in_flight = 0

    async def record_handler(record: SQSRecord) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1

    async_process_partial_response(
        sqs_event(30), record_handler, AsyncBatchProcessor(EventType.SQS)
    )
    assert peak == 30


def test_async_streams_run_in_order_and_stop_on_first_failure() -> None:
    order: list[int] = []

    async def record_handler(record: Any) -> None:
        await asyncio.sleep(0)
        order.append(record.json_data["index"])
        if record.json_data["index"] == 5:
            raise ValueError

    event = kinesis_event(10)
    processor = AsyncBatchProcessor(EventType.KinesisDataStreams, stop_on_first_failure=True)
    response = async_process_partial_response(event, record_handler, processor)
    assert order == [0, 1, 2, 3, 4, 5]
    assert failed_ids(response) == [r["kinesis"]["sequenceNumber"] for r in event["Records"][5:]]
    plain = AsyncBatchProcessor(EventType.KinesisDataStreams)
    order.clear()
    assert len(failed_ids(async_process_partial_response(event, record_handler, plain))) == 1
    assert order == list(range(10))


def test_async_lambda_context_and_process_async_in_a_running_loop() -> None:
    seen: list[Any] = []

    async def record_handler(record: SQSRecord, lambda_context: Any) -> None:
        seen.append(lambda_context)

    processor = AsyncBatchProcessor(EventType.SQS)

    async def main() -> Any:
        with pytest.raises(BatchConfigurationError, match=r"await processor\.process_async"):
            processor.process(sqs_event(1), record_handler)
        with pytest.raises(BatchConfigurationError, match=r"await processor\.process_async"):
            async_process_partial_response(sqs_event(1), record_handler, processor)
        return await processor.process_async(sqs_event(2), record_handler, "ctx")

    result = asyncio.run(main())
    assert result.failures == []
    assert seen == ["ctx", "ctx"]


def test_async_timeout_raised_by_a_handler_in_process_async() -> None:
    from toolkit.middleware import LambdaTimeoutError

    async def record_handler(record: SQSRecord) -> None:
        if record.message_id == "msg-00001":
            raise LambdaTimeoutError(100, 10)
        await asyncio.sleep(0.01)

    for concurrency in (1, 4):
        processor = AsyncBatchProcessor(EventType.SQS, concurrency=concurrency)
        result = asyncio.run(processor.process_async(sqs_event(6), record_handler))
        assert result.timed_out is not None
        assert "msg-00001" in [i for i, _ in result.failures]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: AsyncBatchProcessor(EventType.DynamoDBStreams, concurrency=3),
            "concurrency=3 cannot be used with EventType.DynamoDBStreams",
        ),
        (lambda: AsyncBatchProcessor(EventType.SQS, concurrency=0), "positive int"),
        (
            lambda: AsyncBatchProcessor(EventType.SQS, stop_on_first_failure=True, concurrency=2),
            "stop_on_first_failure",
        ),
        (lambda: AsyncBatchProcessor("sqs"), "must be an EventType"),  # type: ignore[arg-type]
    ],
)
def test_async_configuration_errors(build: Any, message: str) -> None:
    with pytest.raises(BatchConfigurationError, match=message):
        build()


def test_async_needs_coroutine_handlers_and_async_processor() -> None:
    with pytest.raises(BatchConfigurationError, match="needs an `async def` record handler"):
        async_process_partial_response(sqs_event(1), print, AsyncBatchProcessor(EventType.SQS))
    with pytest.raises(BatchConfigurationError, match=r"needs processor=AsyncBatchProcessor"):
        async_process_partial_response(sqs_event(1), print, BatchProcessor(EventType.SQS))  # type: ignore[arg-type]


def test_sync_entry_point_accepts_the_async_processor() -> None:
    async def record_handler(record: SQSRecord) -> None:
        if record.message_id == "msg-00000":
            raise ValueError

    response = process_partial_response(
        sqs_event(2), record_handler, AsyncBatchProcessor(EventType.SQS)
    )
    assert failed_ids(response) == ["msg-00000"]
