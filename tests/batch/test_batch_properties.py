"""Property-based: for any failure pattern, the failure list is exactly what it must be."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.batch.batches import dynamodb_event, failed_ids, kinesis_event, sqs_event
from toolkit.batch import (
    AsyncBatchProcessor,
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)

patterns = st.lists(st.booleans(), max_size=120)
FAST = settings(max_examples=60, deadline=None)


def sqs_failing(pattern: list[bool], seen: list[int] | None = None) -> Any:
    def handler(record: Any) -> None:
        index = record.json_body["index"]
        if seen is not None:
            seen.append(index)
        if pattern[index]:
            raise ValueError(index)

    return handler


def ids(event: dict[str, Any], indices: list[int]) -> list[str]:
    return [event["Records"][i]["messageId"] for i in indices]


@FAST
@given(patterns)
def test_standard_queue_reports_exactly_the_failed_records(pattern: list[bool]) -> None:
    event = sqs_event(len(pattern))
    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(event, sqs_failing(pattern), processor)
    assert failed_ids(response) == ids(event, [i for i, fails in enumerate(pattern) if fails])


@FAST
@given(patterns, st.integers(min_value=2, max_value=8))
def test_threads_give_the_sequential_result(pattern: list[bool], workers: int) -> None:
    event = sqs_event(len(pattern))
    sequential = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    threaded = BatchProcessor(EventType.SQS, None, False, max_workers=workers)
    assert process_partial_response(
        event, sqs_failing(pattern), threaded
    ) == process_partial_response(event, sqs_failing(pattern), sequential)


@FAST
@given(patterns, st.one_of(st.none(), st.integers(min_value=1, max_value=16)))
def test_async_gives_the_sequential_result(pattern: list[bool], concurrency: int | None) -> None:
    event = sqs_event(len(pattern))

    async def handler(record: Any) -> None:
        await asyncio.sleep(0)
        if pattern[record.json_body["index"]]:
            raise ValueError

    processor = AsyncBatchProcessor(EventType.SQS, None, False, concurrency=concurrency)
    sequential = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    assert process_partial_response(event, handler, processor) == process_partial_response(
        event, sqs_failing(pattern), sequential
    )


@FAST
@given(patterns)
def test_fifo_reports_the_suffix_from_the_first_failure(pattern: list[bool]) -> None:
    event = sqs_event(len(pattern), groups=["a", "b"])
    seen: list[int] = []
    processor = SqsFifoPartialProcessor(raise_on_entire_batch_failure=False)
    response = process_partial_response(event, sqs_failing(pattern, seen), processor)
    first = pattern.index(True) if True in pattern else len(pattern)
    assert failed_ids(response) == ids(event, list(range(first, len(pattern))))
    assert seen == list(range(min(first + 1, len(pattern))))


@FAST
@given(patterns, st.integers(min_value=1, max_value=5))
def test_fifo_skip_group_skips_exactly_the_later_records_of_failed_groups(
    pattern: list[bool], group_count: int
) -> None:
    groups = [f"g{n}" for n in range(group_count)]
    event = sqs_event(len(pattern), groups=groups)
    seen: list[int] = []
    processor = SqsFifoPartialProcessor(
        skip_group_on_error=True, raise_on_entire_batch_failure=False
    )
    response = process_partial_response(event, sqs_failing(pattern, seen), processor)
    failed_groups: set[str] = set()
    expected_failed, expected_seen = [], []
    for index, fails in enumerate(pattern):
        group = groups[index % group_count]
        if group in failed_groups:
            expected_failed.append(index)
            continue
        expected_seen.append(index)
        if fails:
            expected_failed.append(index)
            failed_groups.add(group)
    assert failed_ids(response) == ids(event, expected_failed)
    assert seen == expected_seen


@FAST
@given(patterns, st.sampled_from([EventType.KinesisDataStreams, EventType.DynamoDBStreams]))
def test_streams_stop_on_first_failure_reports_the_suffix(
    pattern: list[bool], event_type: EventType
) -> None:
    if event_type is EventType.KinesisDataStreams:
        event = kinesis_event(len(pattern))
        identifier = [r["kinesis"]["sequenceNumber"] for r in event["Records"]]
        index_of: Any = lambda r: r.json_data["index"]  # noqa: E731
    else:
        event = dynamodb_event(len(pattern))
        identifier = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        index_of = lambda r: r.keys["Id"]  # noqa: E731
    seen: list[int] = []

    def handler(record: Any) -> None:
        seen.append(index_of(record))
        if pattern[index_of(record)]:
            raise ValueError

    processor = BatchProcessor(event_type, None, False, stop_on_first_failure=True)
    response = process_partial_response(event, handler, processor)
    first = pattern.index(True) if True in pattern else len(pattern)
    assert failed_ids(response) == identifier[first:]
    assert seen == list(range(min(first + 1, len(pattern))))
