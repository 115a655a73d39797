"""Semantics of the processors on real sample events and generated batches."""

from __future__ import annotations

import copy
import gc
import logging
import random
import warnings
from typing import Any

import pytest

from tests.batch.batches import (
    SQS_ARN,
    dynamodb_event,
    failed_ids,
    kinesis_event,
    sqs_event,
    sqs_record,
)
from tests.conftest import load_event
from toolkit.batch import (
    BatchConfigurationError,
    BatchEventError,
    BatchProcessingError,
    BatchProcessor,
    DynamoDBStreamRecord,
    EventType,
    KinesisStreamRecord,
    RecordSkippedError,
    SQSFifoCircuitBreakerError,
    SqsFifoPartialProcessor,
    SQSRecord,
    process_partial_response,
)
from toolkit.errors import ToolkitError
from toolkit.testing import lambda_context


def index_of(record: Any) -> int:
    if isinstance(record, SQSRecord):
        return int(record.json_body["index"])
    if isinstance(record, KinesisStreamRecord):
        return int(record.json_data["index"])
    assert isinstance(record, DynamoDBStreamRecord)
    return int(record.keys["Id"])


def failing_at(positions: set[int], seen: list[int] | None = None) -> Any:
    def handler(record: Any) -> None:
        index = index_of(record)
        if seen is not None:
            seen.append(index)
        if index in positions:
            raise ValueError(f"record {index} is poison")

    return handler


# --- the real samples --------------------------------------------------------------------------


def test_sqs_sample_all_succeed() -> None:
    bodies: list[str] = []
    response = process_partial_response(
        load_event("sqsEvent.json"), lambda r: bodies.append(r.body), BatchProcessor(EventType.SQS)
    )
    assert response == {"batchItemFailures": []}
    assert bodies == ["Test message.", '{"message": "foo1"}']


def test_sqs_sample_one_failure_reports_its_message_id() -> None:
    def handler(record: SQSRecord) -> None:
        if record.body == "Test message.":
            raise RuntimeError("boom")

    response = process_partial_response(
        load_event("sqsEvent.json"), handler, BatchProcessor(EventType.SQS)
    )
    assert response == {
        "batchItemFailures": [{"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}]
    }


def test_kinesis_sample_failure_reports_sequence_number() -> None:
    def handler(record: KinesisStreamRecord) -> None:
        if record.data_as_text.startswith("This is only"):
            raise RuntimeError("boom")

    response = process_partial_response(
        load_event("kinesisStreamEvent.json"), handler, BatchProcessor(EventType.KinesisDataStreams)
    )
    assert failed_ids(response) == ["49590338271490256608559692540925702759324208523137515618"]


def test_dynamodb_sample_failure_reports_sequence_number() -> None:
    def handler(record: DynamoDBStreamRecord) -> None:
        if record.event_name == "MODIFY":
            raise RuntimeError("boom")

    response = process_partial_response(
        load_event("dynamoStreamEvent.json"), handler, BatchProcessor(EventType.DynamoDBStreams)
    )
    assert failed_ids(response) == ["222"]


def test_sns_sqs_fifo_sample_with_fifo_processor() -> None:
    seen: list[str] = []
    response = process_partial_response(
        load_event("snsSqsFifoEvent.json"),
        lambda r: seen.append(r.message_group_id),
        SqsFifoPartialProcessor(skip_group_on_error=True),
    )
    assert response == {"batchItemFailures": []}
    assert seen == ["powertools-test"]


def test_processor_does_not_modify_the_event() -> None:
    event = load_event("sqsEvent.json")
    before = copy.deepcopy(event)
    process_partial_response(
        event, lambda r: r.json_body, BatchProcessor(EventType.SQS, None, False)
    )
    assert event == before


# --- 10,000-record batches ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "make", "identifier"),
    [
        (EventType.SQS, sqs_event, lambda r: r["messageId"]),
        (EventType.KinesisDataStreams, kinesis_event, lambda r: r["kinesis"]["sequenceNumber"]),
        (EventType.DynamoDBStreams, dynamodb_event, lambda r: r["dynamodb"]["SequenceNumber"]),
    ],
)
def test_ten_thousand_records_exact_failure_set(
    event_type: EventType, make: Any, identifier: Any
) -> None:
    rng = random.Random(event_type.value)
    event = make(10_000)
    positions = set(rng.sample(range(10_000), 537))
    seen: list[int] = []
    response = process_partial_response(
        event, failing_at(positions, seen), BatchProcessor(event_type)
    )
    expected = [identifier(event["Records"][i]) for i in sorted(positions)]
    assert failed_ids(response) == expected
    assert seen == list(range(10_000))  # every record processed once, in order


def test_ten_thousand_records_fifo_suffix() -> None:
    event = sqs_event(10_000, groups=["a", "b", "c"])
    first = 4_321
    seen: list[int] = []
    result = SqsFifoPartialProcessor().process(event, failing_at({first, 9_000}, seen))
    assert [identifier for identifier, _ in result.failures] == [
        r["messageId"] for r in event["Records"][first:]
    ]
    assert seen == list(range(first + 1))  # nothing after the failure ran
    assert isinstance(result.failures[0][1], ValueError)
    skipped = result.failures[1][1]
    assert isinstance(skipped, RecordSkippedError)
    assert "FIFO" in skipped.reason


def test_ten_thousand_records_stop_on_first_failure_stream() -> None:
    event = kinesis_event(10_000)
    seen: list[int] = []
    processor = BatchProcessor(EventType.KinesisDataStreams, stop_on_first_failure=True)
    result = processor.process(event, failing_at({7_777, 8_000}, seen))
    assert [i for i, _ in result.failures] == [
        r["kinesis"]["sequenceNumber"] for r in event["Records"][7_777:]
    ]
    assert seen == list(range(7_778))
    assert isinstance(result.failures[-1][1], RecordSkippedError)
    assert "stop_on_first_failure" in str(result.failures[-1][1])
    assert result.size == 10_000
    assert result.succeeded == 7_777
    assert repr(result) == "BatchResult(size=10000, failed=2223)"


# --- FIFO groups ---------------------------------------------------------------------------------


def test_fifo_skip_group_on_error_skips_only_that_group() -> None:
    groups = ["a", "b", "c"]
    event = sqs_event(12, groups=groups)  # record i is in groups[i % 3]
    seen: list[int] = []
    result = SqsFifoPartialProcessor(skip_group_on_error=True).process(
        event, failing_at({4}, seen)
    )  # 4 is in group "b": 7 and 10 are skipped, the rest run
    assert [i for i, _ in result.failures] == ["msg-00004", "msg-00007", "msg-00010"]
    assert seen == [0, 1, 2, 3, 4, 5, 6, 8, 9, 11]
    assert "message group 'b'" in str(result.failures[1][1])


def test_fifo_skip_group_needs_group_ids() -> None:
    with pytest.raises(BatchEventError, match=r"Records\[0\]: attributes.MessageGroupId") as caught:
        SqsFifoPartialProcessor(skip_group_on_error=True).process(sqs_event(2), failing_at(set()))
    assert caught.value.field == "attributes.MessageGroupId"
    assert caught.value.index == 0


# --- entire batch failure ---------------------------------------------------------------------


def test_entire_batch_failure_raises_with_every_exception() -> None:
    event = sqs_event(25)
    with pytest.raises(BatchProcessingError) as caught:
        process_partial_response(event, failing_at(set(range(25))), BatchProcessor(EventType.SQS))
    error = caught.value
    assert [identifier for identifier, _ in error.exceptions] == [
        r["messageId"] for r in event["Records"]
    ]
    assert all(isinstance(exc, ValueError) for _, exc in error.exceptions)
    message = str(error)
    assert message.startswith("all 25 records of the batch failed: msg-00000 (ValueError)")
    assert message.endswith("and 15 more")
    assert "poison" not in message  # exception messages (which may quote bodies) stay out
    assert isinstance(error, ToolkitError)


def test_entire_batch_failure_returned_when_not_raising() -> None:
    response = process_partial_response(
        sqs_event(3), failing_at({0, 1, 2}), BatchProcessor(EventType.SQS, None, False)
    )
    assert failed_ids(response) == ["msg-00000", "msg-00001", "msg-00002"]


def test_fifo_entire_batch_failure_raises_with_skipped_records() -> None:
    with pytest.raises(BatchProcessingError) as caught:
        SqsFifoPartialProcessor().process(sqs_event(3, groups=["g"]), failing_at({0}))
    kinds = [type(exc) for _, exc in caught.value.exceptions]
    # RecordSkippedErrors under Powertools' name for FIFO skips
    assert kinds == [ValueError, SQSFifoCircuitBreakerError, SQSFifoCircuitBreakerError]
    assert all(isinstance(exc, RecordSkippedError) for _, exc in caught.value.exceptions[1:])


def test_empty_batch() -> None:
    for event_type in EventType:
        processor = BatchProcessor(event_type)
        assert process_partial_response({"Records": []}, failing_at(set()), processor) == {
            "batchItemFailures": []
        }


# --- events that are not a batch of the declared type ------------------------------------------


@pytest.mark.parametrize(
    ("event", "event_type", "field", "index", "message"),
    [
        (None, EventType.SQS, "Records", None, "event: Records missing: the event is a NoneType"),
        ({}, EventType.SQS, "Records", None, "event: Records missing"),
        ({"Records": {}}, EventType.SQS, "Records", None, "event: Records is not a list"),
        ({"Records": ["x"]}, EventType.SQS, "Records", 0, r"Records\[0\]: Records is a str"),
        (
            {"Records": [sqs_record(0), {"messageId": "x"}]},
            EventType.SQS,
            "eventSource",
            1,
            r"Records\[1\]: eventSource missing \(expected 'aws:sqs'\)",
        ),
        (
            {"Records": [{**sqs_record(0), "eventSource": "aws:kinesis"}]},
            EventType.KinesisDataStreams,
            "kinesis",
            0,
            r"Records\[0\]: kinesis missing or not an object",
        ),
        (
            {"Records": [{**sqs_record(0), "eventSource": "aws:kinesis", "kinesis": {}}]},
            EventType.KinesisDataStreams,
            "kinesis.sequenceNumber",
            0,
            r"Records\[0\]: kinesis.sequenceNumber missing",
        ),
        (
            {"Records": [{**sqs_record(0), "messageId": None}]},
            EventType.SQS,
            "messageId",
            0,
            r"Records\[0\]: messageId is not a non-empty string",
        ),
        (
            {"Records": [{k: v for k, v in sqs_record(0).items() if k != "messageId"}]},
            EventType.SQS,
            "messageId",
            0,
            r"Records\[0\]: messageId missing",
        ),
        (
            {"Records": [{**sqs_record(0), "eventSource": "aws:sns"}]},
            EventType.SQS,
            "eventSource",
            0,
            r"eventSource is 'aws:sns', expected 'aws:sqs'",
        ),
        (
            {"Records": [sqs_record(0), {**sqs_record(1), "messageId": ""}]},
            EventType.SQS,
            "messageId",
            1,
            r"Records\[1\]: messageId is not a non-empty string",
        ),
        (
            {"Records": [{"eventSource": "aws:dynamodb", "dynamodb": {"SequenceNumber": 5}}]},
            EventType.DynamoDBStreams,
            "dynamodb.SequenceNumber",
            0,
            "not a non-empty string",
        ),
    ],
)
def test_bad_events_fail_before_any_record_handler(
    event: Any, event_type: EventType, field: str, index: int | None, message: str
) -> None:
    ran: list[Any] = []
    with pytest.raises(BatchEventError, match=message) as caught:
        process_partial_response(event, ran.append, BatchProcessor(event_type))
    assert ran == []
    assert (caught.value.field, caught.value.index) == (field, index)
    assert isinstance(caught.value, BatchProcessingError)


# --- handlers, context, models ----------------------------------------------------------------


def test_lambda_context_is_passed_to_handlers_that_declare_it() -> None:
    context = lambda_context()
    received: list[Any] = []

    def handler(record: SQSRecord, lambda_context: Any) -> None:
        received.append(lambda_context)

    process_partial_response(sqs_event(3), handler, BatchProcessor(EventType.SQS), context)
    assert received == [context, context, context]


def test_lambda_context_defaults_to_none_outside_an_invocation() -> None:
    received: list[Any] = []

    def handler(record: SQSRecord, lambda_context: Any = "unset") -> None:
        received.append(lambda_context)

    process_partial_response(sqs_event(1), handler, BatchProcessor(EventType.SQS))
    assert received == [None]


def test_handler_signature_is_inspected_once_per_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    import inspect

    calls: list[Any] = []
    real = inspect.signature

    def counting(obj: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(obj)
        return real(obj, *args, **kwargs)

    monkeypatch.setattr(inspect, "signature", counting)  # processor imports inspect lazily

    def handler(record: SQSRecord) -> None:
        pass

    for _ in range(3):
        process_partial_response(sqs_event(50), handler, BatchProcessor(EventType.SQS))
    assert calls.count(handler) == 1


def test_callable_objects_and_builtins_as_handlers() -> None:
    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __init__(self) -> None:
            self.contexts: list[Any] = []

        def __call__(self, record: Any, lambda_context: Any = None) -> None:
            self.contexts.append(lambda_context)

    handler = Unhashable()
    context = lambda_context()
    process_partial_response(sqs_event(2), handler, BatchProcessor(EventType.SQS), context)
    assert handler.contexts == [context, context]
    response = process_partial_response(sqs_event(2), print, BatchProcessor(EventType.SQS))
    assert response == {"batchItemFailures": []}


def test_base_exceptions_are_not_swallowed() -> None:
    def handler(record: Any) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        process_partial_response(sqs_event(2), handler, BatchProcessor(EventType.SQS))


# --- a sync handler that returns an awaitable (issue 7, B1) -------------------------------------


async def _work(record: SQSRecord) -> None:
    return None


def _without_wraps(function: Any) -> Any:
    def wrapper(record: Any) -> Any:  # no functools.wraps: the async def is hidden
        return function(record)

    return wrapper


HIDDEN_ASYNC = {
    "lambda": lambda: lambda record: _work(record),  # noqa: PLW0108 - the point of the test
    "decorator without wraps": lambda: _without_wraps(_work),
}


@pytest.mark.parametrize("max_workers", [None, 3])
@pytest.mark.parametrize("hidden", HIDDEN_ASYNC)
def test_a_sync_handler_returning_a_coroutine_fails_its_records(
    hidden: str, max_workers: int | None
) -> None:
    processor = BatchProcessor(
        EventType.SQS, raise_on_entire_batch_failure=False, max_workers=max_workers
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = processor.process(sqs_event(3), HIDDEN_ASYNC[hidden]())
        gc.collect()
    assert [identifier for identifier, _ in result.failures] == [
        "msg-00000",
        "msg-00001",
        "msg-00002",
    ]  # not "processed": SQS would delete messages whose handler never ran
    for _, error in result.failures:
        assert isinstance(error, BatchConfigurationError)
        assert "returned a coroutine" in str(error)
        assert "AsyncBatchProcessor" in str(error)
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []


def test_only_the_records_whose_handler_returned_an_awaitable_fail() -> None:
    def record_handler(record: SQSRecord) -> Any:
        return _work(record) if record.message_id == "msg-00001" else {"ok": True}

    response = process_partial_response(sqs_event(3), record_handler, BatchProcessor(EventType.SQS))
    assert failed_ids(response) == ["msg-00001"]


def test_a_batch_of_only_hidden_coroutines_raises_with_the_cause() -> None:
    with pytest.raises(BatchProcessingError) as caught:
        BatchProcessor(EventType.SQS).process(sqs_event(2), HIDDEN_ASYNC["lambda"]())
    assert isinstance(caught.value.__cause__, BatchConfigurationError)


# --- FIFO batches need an order-keeping processor (issue 7, B16) -------------------------------


@pytest.mark.parametrize(
    "processor",
    [
        BatchProcessor(EventType.SQS),
        BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False),
    ],
)
@pytest.mark.parametrize(
    "event",
    [sqs_event(6, groups=["a", "b"]), load_event("snsSqsFifoEvent.json")],
    ids=["generated", "sample"],
)
def test_batch_processor_refuses_a_fifo_batch_before_any_record(processor: Any, event: Any) -> None:
    """Going on after a failed record would process later messages of its group first."""
    ran: list[Any] = []
    with pytest.raises(BatchConfigurationError) as caught:
        process_partial_response(event, ran.append, processor)
    assert ran == []
    message = str(caught.value)
    assert "FIFO queue" in message
    assert "SqsFifoPartialProcessor" in message


@pytest.mark.parametrize(
    "processor",
    [
        SqsFifoPartialProcessor(),
        SqsFifoPartialProcessor(skip_group_on_error=True),
        BatchProcessor(EventType.SQS, stop_on_first_failure=True),  # keeps the order too
    ],
)
def test_order_keeping_processors_take_fifo_batches(processor: Any) -> None:
    seen: list[int] = []
    response = process_partial_response(
        sqs_event(4, groups=["a"]), failing_at({1}, seen), processor
    )
    assert failed_ids(response) == ["msg-00001", "msg-00002", "msg-00003"]
    assert seen == [0, 1]


def test_message_groups_on_a_standard_queue_are_fair_queues_not_fifo() -> None:
    """Standard queues take MessageGroupId too (fair queues): only the .fifo suffix of the
    queue's ARN, which FIFO queue names must have, marks a FIFO batch."""
    event = sqs_event(4, groups=["tenant-a", "tenant-b"])
    for record in event["Records"]:
        record["eventSourceARN"] = SQS_ARN
    seen: list[int] = []
    response = process_partial_response(event, failing_at({1}, seen), BatchProcessor(EventType.SQS))
    assert failed_ids(response) == ["msg-00001"]
    assert seen == [0, 1, 2, 3]


# --- configuration errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: BatchProcessor("SQS"), "event_type must be an EventType"),  # type: ignore[arg-type]
        (lambda: BatchProcessor(EventType.SQS, model=dict), "model must be a pydantic model"),
        (lambda: BatchProcessor(EventType.SQS, max_workers=0), "max_workers must be a positive"),
        (
            lambda: BatchProcessor(EventType.KinesisDataStreams, max_workers=4),
            "max_workers=4 cannot be used with EventType.KinesisDataStreams records",
        ),
        (
            lambda: BatchProcessor(EventType.DynamoDBStreams, max_workers=2),
            "cannot be used with EventType.DynamoDBStreams",
        ),
        (
            lambda: BatchProcessor(EventType.SQS, stop_on_first_failure=True, max_workers=2),
            "cannot be used with stop_on_first_failure",
        ),
        (lambda: SqsFifoPartialProcessor(max_workers=4), "SqsFifoPartialProcessor"),
    ],
)
def test_configuration_errors(build: Any, message: str) -> None:
    with pytest.raises(BatchConfigurationError, match=message):
        build()


def test_record_handler_must_be_callable() -> None:
    with pytest.raises(BatchConfigurationError, match="record_handler must be callable"):
        process_partial_response(sqs_event(1), "nope", BatchProcessor(EventType.SQS))  # type: ignore[arg-type]


def test_process_partial_response_needs_a_processor() -> None:
    with pytest.raises(BatchConfigurationError, match="needs processor=BatchProcessor"):
        process_partial_response(sqs_event(1), print, object())  # type: ignore[arg-type]


def test_processor_repr() -> None:
    assert repr(BatchProcessor(EventType.SQS)) == "BatchProcessor(EventType.SQS, model=None)"
    assert repr(SqsFifoPartialProcessor()) == "SqsFifoPartialProcessor(EventType.SQS, model=None)"


def test_validation_failure_without_pydantic_error_is_logged_by_type(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Strict:
        @classmethod
        def model_validate(cls, raw: Any) -> Any:
            if raw["body"] != '{"index": 0}':
                raise TypeError(f"bad body {raw['body']}")
            return raw

    caplog.set_level(logging.WARNING, logger="toolkit.batch")
    result = BatchProcessor(EventType.SQS, model=Strict).process(sqs_event(2), lambda r: None)
    assert [i for i, _ in result.failures] == ["msg-00001"]
    (line,) = caplog.records
    assert line.getMessage() == "batch record msg-00001 failed validation against Strict: TypeError"


def test_builtins_without_a_signature_take_no_context() -> None:
    from toolkit.batch.processor import handler_traits

    assert handler_traits(max).wants_context is False


def test_lazy_package_names() -> None:
    import toolkit.batch as batch

    assert "BatchProcessor" in dir(batch)
    assert set(batch.__all__) == set(dir(batch))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        batch.Nope


def test_async_record_handlers_are_refused_by_sync_processors() -> None:
    """Calling an async def without awaiting it would report records as processed that never
    ran: refused before any record."""

    async def record_handler(record: SQSRecord) -> None:
        pass

    class AsyncCallable:
        async def __call__(self, record: SQSRecord) -> None:
            pass

    for handler in (record_handler, AsyncCallable()):
        with pytest.raises(BatchConfigurationError, match="use AsyncBatchProcessor"):
            process_partial_response(sqs_event(1), handler, BatchProcessor(EventType.SQS))


class _Id(str):
    """A str subclass: valid as an identifier, though not what the fast check expects."""


@pytest.mark.parametrize(
    "records",
    [
        [sqs_record(0), {**sqs_record(1), "messageId": _Id("subclassed")}],
        [sqs_record(0), {**sqs_record(1), "eventSource": _Id("aws:sqs")}],
    ],
)
def test_unusual_but_valid_records_pass_the_careful_check(records: list[Any]) -> None:
    seen: list[str] = []
    response = process_partial_response(
        {"Records": records}, lambda r: seen.append(r.message_id), BatchProcessor(EventType.SQS)
    )
    assert response == {"batchItemFailures": []}
    assert seen == [r["messageId"] for r in records]


@pytest.mark.parametrize(
    ("sample", "given", "actual"),
    [
        ("kinesisStreamEvent.json", EventType.SQS, EventType.KinesisDataStreams),
        ("dynamoStreamEvent.json", EventType.SQS, EventType.DynamoDBStreams),
        ("sqsEvent.json", EventType.KinesisDataStreams, EventType.SQS),
        ("dynamoStreamEvent.json", EventType.KinesisDataStreams, EventType.DynamoDBStreams),
        ("sqsEvent.json", EventType.DynamoDBStreams, EventType.SQS),
        ("kinesisStreamEvent.json", EventType.DynamoDBStreams, EventType.KinesisDataStreams),
    ],
)
def test_misrouted_event_names_the_event_source_mismatch(
    sample: str, given: EventType, actual: EventType
) -> None:
    """A Kinesis event given to an SQS processor is diagnosed as what it is, not as a record
    with a missing messageId."""
    ran: list[Any] = []
    with pytest.raises(BatchEventError) as caught:
        process_partial_response(load_event(sample), ran.append, BatchProcessor(given))
    assert ran == []
    assert (caught.value.field, caught.value.index) == ("eventSource", 0)
    message = str(caught.value)
    assert f"an {actual} event given to an {given} processor" in message


def test_sns_event_names_its_event_source() -> None:
    # SNS spells the key EventSource (see snsEvent.json in Powertools' samples)
    event = {"Records": [{"EventVersion": "1.0", "EventSource": "aws:sns", "Sns": {}}]}
    with pytest.raises(BatchEventError) as caught:
        process_partial_response(event, print, BatchProcessor(EventType.SQS))
    assert str(caught.value) == (
        "Records[0]: eventSource missing (expected 'aws:sqs'); the record's EventSource is "
        "'aws:sns'"
    )


def test_unhashable_event_source_is_named() -> None:
    event = {"Records": [sqs_record(0), {**sqs_record(1), "eventSource": ["aws:sqs"]}]}
    with pytest.raises(BatchEventError, match=r"Records\[1\]: eventSource is \['aws:sqs'\]"):
        process_partial_response(event, lambda r: None, BatchProcessor(EventType.SQS))
