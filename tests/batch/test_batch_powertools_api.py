"""Powertools' batch API, written against toolkit: the context-manager form with its
``process()`` tuples and ``success_messages`` / ``fail_messages`` / ``exceptions``, the
``@batch_processor`` and ``@async_batch_processor`` decorators, ``logger=``, and record
handlers that take ``lambda_context``.

Facts from Powertools 3.37 (``utilities/batch/base.py``): ``process()`` returns
``("success", result, raw record)`` and ``("fail", f"{type}:{exception}", typed record)``
tuples; ``success_messages`` holds raw records, ``fail_messages`` the typed record (or model
instance; the typed record when the model rejected it), ``exceptions`` ``sys.exc_info()``
tuples; the entire-batch error is raised when the ``with`` block exits.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import pytest
from pydantic import BaseModel, Json

from tests.batch.batches import failed_ids, sqs_event, sqs_record
from toolkit.batch import (
    AsyncBatchProcessor,
    BatchConfigurationError,
    BatchProcessingError,
    BatchProcessor,
    EventType,
    SQSFifoCircuitBreakerError,
    SQSFifoMessageGroupCircuitBreakerError,
    SqsFifoPartialProcessor,
    SQSRecord,
    async_batch_processor,
    async_process_partial_response,
    batch_processor,
    process_partial_response,
)
from toolkit.middleware import MiddlewareFunction, middleware
from toolkit.parser.models import SqsRecordModel
from toolkit.testing import lambda_context


class Order(BaseModel):
    index: int


class OrderRecord(SqsRecordModel):
    body: Json[Order]  # type: ignore[assignment]


def odd_fails(record: SQSRecord) -> int:
    index: int = record.json_body["index"]
    if index % 2:
        raise ValueError(f"odd {index}")
    return index * 10


def test_context_manager_form_sqs() -> None:
    processor = BatchProcessor(EventType.SQS)
    records = sqs_event(4)["Records"]
    with processor(records, odd_fails) as entered:
        processed = processor.process()
    assert entered is processor
    assert [entry[0] for entry in processed] == ["success", "fail", "success", "fail"]
    assert processed[0] == ("success", 0, records[0])  # the raw record, the handler's result
    assert processed[2] == ("success", 20, records[2])
    _, text, record = processed[1]
    assert text == "<class 'ValueError'>:odd 1"
    assert isinstance(record, SQSRecord) and record.message_id == "msg-00001"
    assert processor.response() == {
        "batchItemFailures": [{"itemIdentifier": "msg-00001"}, {"itemIdentifier": "msg-00003"}]
    }
    assert processor.success_messages == [records[0], records[2]]
    assert [m.message_id for m in processor.fail_messages] == ["msg-00001", "msg-00003"]
    (kind, error, traceback), _ = processor.exceptions
    assert kind is ValueError and str(error) == "odd 1" and traceback is not None


def test_context_manager_form_starts_fresh_for_each_batch() -> None:
    processor = BatchProcessor(EventType.SQS)
    with processor(sqs_event(2)["Records"], odd_fails):
        processor.process()
    with processor([sqs_record(4)], odd_fails):
        assert processor.process() == [("success", 40, sqs_record(4))]
    assert processor.fail_messages == [] and processor.exceptions == []
    assert processor.response() == {"batchItemFailures": []}


def test_entire_batch_failure_raises_when_the_block_exits() -> None:
    processor = BatchProcessor(EventType.SQS)
    processed: list[Any] = []
    with pytest.raises(BatchProcessingError) as caught:
        with processor(sqs_event(4)["Records"][1::2], odd_fails):
            processed = processor.process()  # returns; the block's exit raises
    assert [entry[0] for entry in processed] == ["fail", "fail"]
    assert [kind for kind, _, _ in caught.value.child_exceptions] == [ValueError, ValueError]
    assert caught.value.msg == str(caught.value)


def test_entire_batch_failure_reported_when_not_raising() -> None:
    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    with processor(sqs_event(4)["Records"][1::2], odd_fails):
        processor.process()
    assert failed_ids(processor.response()) == ["msg-00001", "msg-00003"]


def test_an_error_leaving_the_block_is_not_replaced() -> None:
    processor = BatchProcessor(EventType.SQS)
    with pytest.raises(KeyError), processor(sqs_event(2)["Records"][1:], odd_fails):
        processor.process()
        raise KeyError("the user's own error")


def test_process_without_a_batch_is_a_clear_error() -> None:
    with pytest.raises(BatchConfigurationError, match="with processor"):
        BatchProcessor(EventType.KinesisDataStreams).process()
    with pytest.raises(BatchConfigurationError, match="AsyncBatchProcessor"):
        processor = BatchProcessor(EventType.SQS)
        with processor(sqs_event(1)["Records"], odd_fails):
            processor.async_process()


def test_fifo_context_manager_form() -> None:
    processor = SqsFifoPartialProcessor()
    records = sqs_event(4, groups=["a"])["Records"]
    with processor(records, odd_fails):
        processed = processor.process()
    assert [entry[0] for entry in processed] == ["success", "fail", "fail", "fail"]
    assert processed[2][1].startswith("<class 'toolkit.batch.errors.SQSFifoCircuitBreakerError'>:")
    assert [kind for kind, _, _ in processor.exceptions] == [
        ValueError,
        SQSFifoCircuitBreakerError,
        SQSFifoCircuitBreakerError,
    ]
    assert failed_ids(processor.response()) == ["msg-00001", "msg-00002", "msg-00003"]


def test_fifo_skip_group_on_error_context_manager_form() -> None:
    processor = SqsFifoPartialProcessor(skip_group_on_error=True)
    records = sqs_event(4, groups=["a", "b", "b", "a"])["Records"]  # msg 1 (group b) fails
    with processor(records, odd_fails):
        processed = processor.process()
    assert [entry[0] for entry in processed] == ["success", "fail", "fail", "fail"]
    # msg 3 (group a) ran and failed on its own; msg 2 was skipped with its group
    kinds = [kind for kind, _, _ in processor.exceptions]
    assert kinds == [ValueError, SQSFifoMessageGroupCircuitBreakerError, ValueError]


async def async_odd_fails(record: SQSRecord) -> int:
    return odd_fails(record)


def test_async_context_manager_form() -> None:
    processor = AsyncBatchProcessor(EventType.SQS)
    records = sqs_event(3)["Records"]
    with processor(records, async_odd_fails):
        processed = processor.async_process()
    assert processed[0] == ("success", 0, records[0])
    assert processed[2] == ("success", 20, records[2])
    assert processed[1][:2] == ("fail", "<class 'ValueError'>:odd 1")
    assert failed_ids(processor.response()) == ["msg-00001"]
    with processor(records, async_odd_fails):  # process() runs it the same way
        assert [entry[:2] for entry in processor.process()] == [entry[:2] for entry in processed]


def test_model_context_manager_form() -> None:
    processor = BatchProcessor(EventType.SQS, model=OrderRecord)
    records = [sqs_record(0), sqs_record(1), sqs_record(2, body="not json")]

    def handler(order: OrderRecord) -> int:
        if order.body.index == 1:
            raise ValueError("declined")
        return order.body.index + 100

    with processor(records, handler):
        processed = processor.process()
    assert processed[0] == ("success", 100, records[0])
    assert [entry[0] for entry in processed] == ["success", "fail", "fail"]
    declined, rejected = processor.fail_messages
    assert isinstance(declined, OrderRecord) and declined.body.index == 1
    # the model rejected it: given as the typed record, as Powertools does
    assert isinstance(rejected, SQSRecord) and rejected.message_id == "msg-00002"
    assert failed_ids(processor.response()) == ["msg-00001", "msg-00002"]


@middleware
def passthrough(handler: Any, event: Any, context: Any) -> Any:
    return handler(event, context)


def test_messages_after_process_partial_response_in_a_decorated_handler() -> None:
    processor = BatchProcessor(EventType.SQS)
    event = sqs_event(3)
    seen: list[Any] = []

    @passthrough
    def handler(event: Any, context: Any) -> Any:
        response = process_partial_response(event, odd_fails, processor)
        seen.extend([processor.success_messages, processor.fail_messages, processor.exceptions])
        return response

    handler(event, lambda_context())
    success, fail, exceptions = seen
    assert success == [event["Records"][0], event["Records"][2]]
    assert [m.message_id for m in fail] == ["msg-00001"]
    assert [kind for kind, _, _ in exceptions] == [ValueError]
    # kept with the invocation only: the event is not held after it
    assert processor.fail_messages == []
    with pytest.raises(BatchConfigurationError, match="processed no batch"):
        processor.response()


def test_the_context_manager_batch_of_an_invocation_ends_with_it() -> None:
    processor = BatchProcessor(EventType.SQS)

    @passthrough
    def handler(event: Any, context: Any) -> Any:
        with processor(event["Records"], odd_fails):
            processor.process()
        return processor.response()

    assert failed_ids(handler(sqs_event(2), lambda_context())) == ["msg-00001"]
    assert processor.success_messages == []
    with pytest.raises(BatchConfigurationError, match="processed no batch"):
        processor.response()


def test_each_thread_sees_its_own_batch() -> None:
    processor = BatchProcessor(EventType.SQS)
    started = threading.Barrier(2)
    seen: dict[int, list[str]] = {}

    def work(size: int) -> None:
        with processor(sqs_event(size)["Records"], odd_fails):
            started.wait()
            processor.process()
            started.wait()  # both batches processed before either reads
            seen[size] = failed_ids(processor.response())

    threads = [threading.Thread(target=work, args=(size,)) for size in (2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {2: ["msg-00001"], 4: ["msg-00001", "msg-00003"]}


# --- lambda_context -------------------------------------------------------------------------


def with_context(record: SQSRecord, lambda_context: Any) -> str:
    name: str = lambda_context.function_name
    return name


async def async_with_context(record: SQSRecord, lambda_context: Any) -> str:
    name: str = lambda_context.function_name
    return name


def test_record_handlers_taking_lambda_context_get_it_in_every_form() -> None:
    context = lambda_context(function_name="orders")
    records = sqs_event(2)["Records"]
    processor = BatchProcessor(EventType.SQS)
    with processor(records, with_context, lambda_context=context):
        assert [result for _, result, _ in processor.process()] == ["orders", "orders"]
    async_processor = AsyncBatchProcessor(EventType.SQS)
    with async_processor(records, async_with_context, lambda_context=context):
        assert [result for _, result, _ in async_processor.async_process()] == ["orders"] * 2

    names: list[str] = []

    def remember(record: SQSRecord, lambda_context: Any) -> None:
        names.append(lambda_context.function_name)

    process_partial_response({"Records": records}, remember, processor, context)

    @batch_processor(record_handler=remember, processor=processor)
    def handler(event: Any, context: Any) -> Any:
        return processor.response()

    handler({"Records": records}, context)
    assert names == ["orders"] * 4


# --- decorators -----------------------------------------------------------------------------


def test_async_batch_processor_decorator() -> None:
    processor = AsyncBatchProcessor(EventType.SQS)
    seen: list[Any] = []

    @async_batch_processor(record_handler=async_with_context, processor=processor)
    def handler(event: Any, context: Any) -> Any:
        seen.append(processor.fail_messages)
        return processor.response()

    assert handler(sqs_event(2), lambda_context()) == {"batchItemFailures": []}
    assert seen == [[]]
    response = async_process_partial_response(
        sqs_event(1), async_with_context, processor, lambda_context()
    )
    assert response == {"batchItemFailures": []}


def test_async_batch_processor_refuses_a_sync_processor_at_decoration() -> None:
    with pytest.raises(BatchConfigurationError, match="async_batch_processor needs"):

        @async_batch_processor(
            record_handler=async_with_context, processor=BatchProcessor(EventType.SQS)
        )
        def handler(event: Any, context: Any) -> None: ...


def test_batch_processor_decorator_with_powertools_arguments() -> None:
    processor = BatchProcessor(EventType.SQS)

    @batch_processor(record_handler=odd_fails, processor=processor)
    def handler(event: Any, context: Any) -> Any:
        assert [m.message_id for m in processor.fail_messages] == ["msg-00001"]
        return processor.response()

    assert failed_ids(handler(sqs_event(2), lambda_context())) == ["msg-00001"]
    assert isinstance(batch_processor, MiddlewareFunction)
    assert isinstance(async_batch_processor, MiddlewareFunction)


# --- options --------------------------------------------------------------------------------


def test_logger_option_receives_the_failed_records(caplog: pytest.LogCaptureFixture) -> None:
    mine = logging.getLogger("tests.batch.mine")
    for processor in (
        BatchProcessor(EventType.SQS, logger=mine),
        SqsFifoPartialProcessor(logger=mine),
        AsyncBatchProcessor(EventType.SQS, logger=mine),
    ):
        caplog.clear()
        handler = async_odd_fails if isinstance(processor, AsyncBatchProcessor) else odd_fails
        groups = ["g"] if isinstance(processor, SqsFifoPartialProcessor) else None
        with caplog.at_level(logging.ERROR):
            process_partial_response(sqs_event(2, groups=groups), handler, processor)
        assert [(r.name, r.levelname) for r in caplog.records] == [("tests.batch.mine", "ERROR")]
        assert "msg-00001" in caplog.records[0].getMessage()


def test_unknown_or_wrong_options_are_type_errors_or_refused() -> None:
    with pytest.raises(TypeError, match="max_records"):
        BatchProcessor(EventType.SQS, max_records=10)  # type: ignore[call-arg]
    with pytest.raises(BatchConfigurationError, match=r"logger must be a logging\.Logger"):
        BatchProcessor(EventType.SQS, logger="orders")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="processor"):
        batch_processor(record_handler=odd_fails, processsor=None)  # type: ignore[call-arg]


def test_positional_arguments_follow_powertools() -> None:
    mine = logging.getLogger("tests.batch.mine")
    processor = BatchProcessor(EventType.SQS, OrderRecord, False, mine)
    assert (processor.model, processor.raise_on_entire_batch_failure, processor.logger) == (
        OrderRecord,
        False,
        mine,
    )
    fifo = SqsFifoPartialProcessor(OrderRecord, True, mine)
    assert (fifo.model, fifo.skip_group_on_error, fifo.logger) == (OrderRecord, True, mine)
    assert json.loads(json.dumps(process_partial_response(sqs_event(1), print, processor)))
