"""How batch processing meets the rest of toolkit: the scope seam (Logger keys, Tracer
subsegments), the engine (``batch_processor`` middleware, wrapped record handlers) and
``timeout_guard``."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest

from tests.batch.batches import failed_ids, sqs_event
from tests.conftest import load_event
from toolkit import context as toolkit_context
from toolkit.batch import (
    AsyncBatchProcessor,
    BatchConfigurationError,
    BatchProcessingError,
    BatchProcessor,
    EventType,
    RecordSkippedError,
    SqsFifoPartialProcessor,
    SQSRecord,
    async_process_partial_response,
    batch_processor,
    process_partial_response,
)
from toolkit.middleware import (
    LambdaTimeoutError,
    MiddlewareUsageError,
    chain,
    middleware,
    timeout_guard,
)
from toolkit.testing import lambda_context


@middleware
def passthrough(handler: Any, event: Any, context: Any) -> Any:
    return handler(event, context)


class ScopeRecorder:
    """A scope listener, as the Tracer registers one: sees every scope open and close."""

    def __init__(self) -> None:
        self.opened: list[tuple[str, dict[str, Any]]] = []
        self.closed: list[str] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    @contextmanager
    def __call__(self, name: str, keys: Mapping[str, Any]) -> Iterator[None]:
        with self._lock:
            self.opened.append((name, dict(keys)))
            self.threads.add(threading.current_thread().name)
        try:
            yield
        finally:
            with self._lock:
                self.closed.append(keys["batch_record_id"])


def run_with_listener(processor: Any, record_handler: Any, event: Any) -> tuple[Any, ScopeRecorder]:
    recorder = ScopeRecorder()

    @passthrough
    def handler(event: Any, context: Any) -> Any:
        invocation = toolkit_context.current()
        assert invocation is not None
        invocation.add_scope_listener(recorder)
        return process_partial_response(event, record_handler, processor, context)

    return handler(event, lambda_context()), recorder


# --- the scope seam ----------------------------------------------------------------------------


@pytest.mark.parametrize("max_workers", [None, 4])
def test_every_record_opens_one_scope_with_its_identifier(max_workers: int | None) -> None:
    event = sqs_event(200)
    keys_seen: dict[str, dict[str, Any]] = {}

    def record_handler(record: SQSRecord) -> None:
        keys_seen[record.message_id] = dict(toolkit_context.scope_keys())
        time.sleep(0.001)  # let the workers interleave
        if record.json_body["index"] % 10 == 0:
            raise ValueError("poison")

    processor = BatchProcessor(EventType.SQS, max_workers=max_workers)
    response, recorder = run_with_listener(processor, record_handler, event)
    ids = [r["messageId"] for r in event["Records"]]
    assert sorted(key["batch_record_id"] for _, key in recorder.opened) == ids
    assert {name for name, _ in recorder.opened} == {"record"}
    assert sorted(recorder.closed) == ids  # closed too, failures included
    assert keys_seen == {i: {"batch_record_id": i} for i in ids}
    assert failed_ids(response) == ids[::10]
    assert dict(toolkit_context.scope_keys()) == {}  # gone after the batch
    if max_workers:
        assert len(recorder.threads) > 1
        assert all(name.startswith("toolkit-batch-") for name in recorder.threads)


@pytest.mark.parametrize("max_workers", [None, 4])
def test_record_keys_join_the_keys_of_an_enclosing_scope(max_workers: int | None) -> None:
    event = sqs_event(20)
    keys_seen: dict[str, dict[str, Any]] = {}

    def record_handler(record: SQSRecord) -> None:
        keys_seen[record.message_id] = dict(toolkit_context.scope_keys())

    with toolkit_context.scope("tenant", tenant="t1"):
        process_partial_response(
            event, record_handler, BatchProcessor(EventType.SQS, max_workers=max_workers)
        )
        assert dict(toolkit_context.scope_keys()) == {"tenant": "t1"}
    ids = [r["messageId"] for r in event["Records"]]
    assert keys_seen == {i: {"tenant": "t1", "batch_record_id": i} for i in ids}


def test_a_listener_added_during_the_batch_sees_the_later_records() -> None:
    event = sqs_event(6)
    recorder = ScopeRecorder()
    keys_seen: list[dict[str, Any]] = []

    def record_handler(record: SQSRecord) -> None:
        keys_seen.append(dict(toolkit_context.scope_keys()))
        if record.json_body["index"] == 2:
            invocation = toolkit_context.current()
            assert invocation is not None
            invocation.add_scope_listener(recorder)

    @passthrough
    def handler(event: Any, context: Any) -> Any:
        return process_partial_response(event, record_handler, BatchProcessor(EventType.SQS))

    assert handler(event, lambda_context()) == {"batchItemFailures": []}
    ids = [r["messageId"] for r in event["Records"]]
    assert [keys["batch_record_id"] for _, keys in recorder.opened] == ids[3:]
    assert recorder.closed == ids[3:]
    assert keys_seen == [{"batch_record_id": i} for i in ids]


def test_async_records_each_open_one_scope() -> None:
    event = sqs_event(50)
    keys_seen: dict[str, Any] = {}

    async def record_handler(record: SQSRecord) -> None:
        await asyncio.sleep(0)  # interleave: concurrent records must keep their own keys
        keys_seen[record.message_id] = dict(toolkit_context.scope_keys())

    response, recorder = run_with_listener(
        AsyncBatchProcessor(EventType.SQS, concurrency=8), record_handler, event
    )
    ids = [r["messageId"] for r in event["Records"]]
    assert response == {"batchItemFailures": []}
    assert sorted(key["batch_record_id"] for _, key in recorder.opened) == ids
    assert keys_seen == {i: {"batch_record_id": i} for i in ids}


def test_validation_happens_inside_the_record_scope(caplog: pytest.LogCaptureFixture) -> None:
    keys_seen: list[dict[str, Any]] = []

    class Rejecting:
        @classmethod
        def model_validate(cls, raw: Any) -> Any:
            keys_seen.append(dict(toolkit_context.scope_keys()))
            raise ValueError("invalid")

    caplog.set_level(logging.ERROR, logger="toolkit.batch")
    BatchProcessor(EventType.SQS, Rejecting, False).process(sqs_event(2), print)
    assert keys_seen == [{"batch_record_id": "msg-00000"}, {"batch_record_id": "msg-00001"}]
    logged = [record.batch_record_id for record in caplog.records]  # type: ignore[attr-defined]
    assert logged == ["msg-00000", "msg-00001"]


# --- the batch_processor middleware --------------------------------------------------------


def test_batch_processor_returns_the_batch_response_after_the_handler_ran() -> None:
    processor = BatchProcessor(EventType.SQS)
    order: list[str] = []

    def record_handler(record: SQSRecord) -> None:
        order.append(record.message_id)
        if record.body == "Test message.":
            raise ValueError

    @batch_processor(record_handler=record_handler, processor=processor)
    def handler(event: Any, context: Any) -> Any:
        order.append("handler")
        return processor.response()  # the Powertools idiom keeps working

    response = handler(load_event("sqsEvent.json"), lambda_context())
    assert response == {
        "batchItemFailures": [{"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}]
    }
    assert order[-1] == "handler"


def test_batch_processor_ignores_other_return_values_loudly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    processor = BatchProcessor(EventType.SQS)

    @batch_processor(record_handler=lambda r: 1 / (r.json_body["index"] - 1), processor=processor)
    def handler(event: Any, context: Any) -> Any:
        return {"statusCode": 200}  # would tell Lambda every record succeeded

    caplog.set_level(logging.WARNING, logger="toolkit.batch")
    assert failed_ids(handler(sqs_event(3), lambda_context())) == ["msg-00001"]
    (line,) = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert "the dict the handler returned was ignored" in line.getMessage()


def test_batch_processor_handler_returning_none_gets_the_response() -> None:
    @batch_processor(record_handler=lambda r: None, processor=BatchProcessor(EventType.SQS))
    def handler(event: Any, context: Any) -> None:
        return None

    assert handler(sqs_event(2), lambda_context()) == {"batchItemFailures": []}


def test_batch_processor_composes_with_chain_and_on_methods() -> None:
    processor = SqsFifoPartialProcessor()

    class Service:
        def __init__(self) -> None:
            self.handled: list[str] = []

        def record(self, record: SQSRecord) -> None:
            self.handled.append(record.message_id)

    service = Service()

    class App:
        @chain(
            timeout_guard(margin_ms=100),
            batch_processor(record_handler=service.record, processor=processor),
        )
        def handler(self, event: Any, context: Any) -> None:
            pass

    response = App().handler(sqs_event(3, groups=["g"]), lambda_context())
    assert response == {"batchItemFailures": []}
    assert service.handled == ["msg-00000", "msg-00001", "msg-00002"]


def test_batch_processor_entire_failure_propagates_and_handler_does_not_run() -> None:
    ran: list[bool] = []

    @batch_processor(record_handler=lambda r: 1 / 0, processor=BatchProcessor(EventType.SQS))
    def handler(event: Any, context: Any) -> None:
        ran.append(True)

    with pytest.raises(BatchProcessingError):
        handler(sqs_event(2), lambda_context())
    assert ran == []


def test_batch_processor_bare_or_incomplete_is_a_clear_error() -> None:
    # Missing options are caught when decorating, not at the first invocation.
    with pytest.raises(
        MiddlewareUsageError, match=r"needs the option\(s\) processor, record_handler"
    ):

        @batch_processor
        def bare(event: Any, context: Any) -> None:
            pass

    with pytest.raises(MiddlewareUsageError, match=r"needs the option\(s\) processor"):
        batch_processor(record_handler=print)

    with pytest.raises(BatchConfigurationError, match="needs processor="):

        @batch_processor(record_handler=print, processor="nope")
        def wrong(event: Any, context: Any) -> None:
            pass


def test_processor_response_outside_a_decorated_handler_is_an_error() -> None:
    """Outside a toolkit-decorated handler nothing of a batch is kept (the caller has the
    response), so the event is not held past its invocation; see test_batch_powertools_api for
    the context-manager form, which keeps its batch as in Powertools."""
    processor = BatchProcessor(EventType.SQS)
    process_partial_response(sqs_event(1), print, processor)
    with pytest.raises(BatchConfigurationError, match="processed no batch"):
        processor.response()


def test_results_do_not_survive_into_the_next_invocation() -> None:
    processor = BatchProcessor(EventType.SQS)
    responses: list[Any] = []

    @passthrough
    def first(event: Any, context: Any) -> Any:
        return process_partial_response(event, lambda r: 1 / r.json_body["index"], processor)

    @passthrough
    def second(event: Any, context: Any) -> Any:
        try:
            responses.append(processor.response())
        except BatchConfigurationError as error:
            responses.append(error)

    assert failed_ids(first(sqs_event(2), lambda_context())) == ["msg-00000"]
    second({}, lambda_context())
    assert isinstance(responses[0], BatchConfigurationError)


# --- record handlers wrapped by other decorators -------------------------------------------


def test_record_handler_wrapped_by_a_toolkit_middleware_gets_record_and_context() -> None:
    seen: list[Any] = []

    @middleware
    def per_record(handler: Any, event: Any, context: Any, *, tag: str = "t") -> Any:
        seen.append(("middleware", type(event).__name__, tag))
        return handler(event, context)

    @per_record(tag="x")
    def record_handler(record: SQSRecord, lambda_context: Any) -> None:
        seen.append(("handler", record.message_id, lambda_context.function_name))
        if record.message_id == "msg-00001":
            raise ValueError

    @passthrough
    def handler(event: Any, context: Any) -> Any:
        return process_partial_response(event, record_handler, BatchProcessor(EventType.SQS))

    response = handler(sqs_event(2), lambda_context(function_name="orders"))
    assert failed_ids(response) == ["msg-00001"]
    assert seen == [
        ("middleware", "SQSRecord", "x"),
        ("handler", "msg-00000", "orders"),
        ("middleware", "SQSRecord", "x"),
        ("handler", "msg-00001", "orders"),
    ]


# --- timeouts ------------------------------------------------------------------------------


def test_timeout_reports_the_interrupted_record_and_every_later_one() -> None:
    done: list[str] = []

    def record_handler(record: SQSRecord) -> None:
        time.sleep(0.05)
        done.append(record.message_id)

    @timeout_guard(margin_ms=300)
    def handler(event: Any, context: Any) -> Any:
        return process_partial_response(event, record_handler, BatchProcessor(EventType.SQS))

    event = sqs_event(100)
    started = time.monotonic()
    response = handler(event, lambda_context(timeout_ms=700))
    elapsed = time.monotonic() - started
    assert elapsed < 0.65  # returned at once, before Lambda's deadline
    ids = [r["messageId"] for r in event["Records"]]
    assert 0 < len(done) < 100
    assert done == ids[: len(done)]
    assert failed_ids(response) == ids[len(done) :]  # the interrupted record is first


def test_timeout_result_carries_the_error_and_does_not_raise_entire_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    processor = BatchProcessor(EventType.SQS)

    @timeout_guard(margin_ms=100)
    def handler(event: Any, context: Any) -> Any:
        return processor.process(event, lambda r: time.sleep(5), context)

    caplog.set_level(logging.WARNING, logger="toolkit.batch")
    result = handler(sqs_event(3), lambda_context(timeout_ms=300))
    assert isinstance(result.timed_out, LambdaTimeoutError)
    assert [type(e) for _, e in result.failures] == [
        LambdaTimeoutError,
        RecordSkippedError,
        RecordSkippedError,
    ]
    assert "time out" in str(result.failures[1][1])
    assert "stopped by LambdaTimeoutError: 3 of 3" in caplog.records[0].getMessage()


def test_timeout_during_validation_is_not_a_validation_failure() -> None:
    class Slow:
        @classmethod
        def model_validate(cls, raw: Any) -> Any:
            time.sleep(5)

    @timeout_guard(margin_ms=100)
    def handler(event: Any, context: Any) -> Any:
        return BatchProcessor(EventType.SQS, model=Slow).process(event, print, context)

    result = handler(sqs_event(2), lambda_context(timeout_ms=300))
    assert isinstance(result.failures[0][1], LambdaTimeoutError)
    assert len(result.failures) == 2


def test_timeout_with_worker_threads_returns_at_once() -> None:
    done: list[str] = []
    lock = threading.Lock()

    def record_handler(record: SQSRecord) -> None:
        time.sleep(0.05)
        with lock:
            done.append(record.message_id)

    @timeout_guard(margin_ms=300)
    def handler(event: Any, context: Any) -> Any:
        processor = BatchProcessor(EventType.SQS, max_workers=4)
        return process_partial_response(event, record_handler, processor)

    event = sqs_event(400)
    started = time.monotonic()
    response = handler(event, lambda_context(timeout_ms=700))
    assert time.monotonic() - started < 0.65
    with lock:
        finished = set(done)
    failed = set(failed_ids(response))
    ids = {r["messageId"] for r in event["Records"]}
    assert failed | finished == ids  # nothing lost
    assert 0 < len(failed) < 400


def test_timeout_in_the_event_loop_returns_at_once() -> None:
    done: list[str] = []

    async def record_handler(record: SQSRecord) -> None:
        await asyncio.sleep(0.05)
        done.append(record.message_id)

    @timeout_guard(margin_ms=300)
    def handler(event: Any, context: Any) -> Any:
        processor = AsyncBatchProcessor(EventType.SQS, concurrency=2)
        return async_process_partial_response(event, record_handler, processor)

    event = sqs_event(100)
    started = time.monotonic()
    response = handler(event, lambda_context(timeout_ms=700))
    assert time.monotonic() - started < 0.65
    failed = set(failed_ids(response))
    assert failed.isdisjoint(done)
    assert failed | set(done) == {r["messageId"] for r in event["Records"]}
    assert 0 < len(failed) < 100


def test_timeout_raised_by_a_worker_stops_the_batch() -> None:
    def record_handler(record: SQSRecord) -> None:
        if record.message_id == "msg-00003":
            raise LambdaTimeoutError(100, 50)

    result = BatchProcessor(EventType.SQS, max_workers=2).process(sqs_event(50), record_handler)
    assert result.timed_out is not None
    assert "msg-00003" in {i for i, _ in result.failures}
