"""Every failed record leaves a trace in the logs (issue 7, B13): an ERROR line with the record
id, the exception's type and message and its traceback, written through the Logger that wraps
the invocation, else through the stdlib logger ``toolkit.batch``. When every record fails, the
raised BatchProcessingError chains the first record's exception."""

from __future__ import annotations

import io
import json
import logging
import traceback
from typing import Any

import pytest

from tests.batch.batches import failed_ids, sqs_event
from toolkit.batch import (
    AsyncBatchProcessor,
    BatchProcessingError,
    BatchProcessor,
    EventType,
    SQSRecord,
    process_partial_response,
)
from toolkit.logging import Logger
from toolkit.testing import lambda_context

RAISE_LINE = 'raise ValueError(f"card declined for {record.message_id}")'


def failing(ids: set[str]) -> Any:
    def record_handler(record: SQSRecord) -> None:
        if record.message_id in ids:
            raise ValueError(f"card declined for {record.message_id}")

    return record_handler


def async_failing(ids: set[str]) -> Any:
    async def record_handler(record: SQSRecord) -> None:
        if record.message_id in ids:
            raise ValueError(f"card declined for {record.message_id}")

    return record_handler


PROCESSORS = {
    "sequential": (lambda: BatchProcessor(EventType.SQS), failing),
    "threads": (lambda: BatchProcessor(EventType.SQS, max_workers=4), failing),
    "asyncio": (lambda: AsyncBatchProcessor(EventType.SQS, concurrency=4), async_failing),
}


@pytest.mark.parametrize("kind", PROCESSORS)
def test_a_failed_record_is_an_error_line_of_the_active_logger(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    make, handler_for = PROCESSORS[kind]
    stream = io.StringIO()
    logger = Logger(service="orders", stream=stream)
    processor = make()

    @logger.inject_lambda_context
    def handler(event: Any, context: Any) -> Any:
        return process_partial_response(event, handler_for({"msg-00001"}), processor)

    caplog.set_level(logging.DEBUG, logger="toolkit.batch")
    assert failed_ids(handler(sqs_event(3), lambda_context())) == ["msg-00001"]
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    (line,) = [line for line in lines if line["level"] == "ERROR"]
    assert (
        line["message"] == "batch record msg-00001 failed: ValueError: card declined for msg-00001"
    )
    assert line["batch_record_id"] == "msg-00001"
    assert line["service"] == "orders"
    assert line["function_request_id"]  # the invocation's keys: it went through the Logger
    assert line["exception_name"] == "ValueError"
    assert RAISE_LINE in line["exception"]  # the traceback down to the user's own raise
    assert caplog.records == []  # once, not also on the stdlib logger


@pytest.mark.parametrize("kind", PROCESSORS)
def test_without_a_logger_failures_go_to_stdlib_logging(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """One ERROR line per failed record; the traceback once per place of failure (records
    failing at the same raise refer to the first one's)."""
    make, handler_for = PROCESSORS[kind]
    caplog.set_level(logging.ERROR, logger="toolkit.batch")
    result = make().process(sqs_event(4), handler_for({"msg-00001", "msg-00003"}))
    errors = dict(result.failures)
    records = sorted(caplog.records, key=lambda r: r.batch_record_id)  # type: ignore[attr-defined]
    assert [r.batch_record_id for r in records] == ["msg-00001", "msg-00003"]  # type: ignore[attr-defined]
    (first,) = [r for r in records if r.exc_info is not None]  # threads: either may be first
    assert first.exc_info is not None
    identifier = first.batch_record_id  # type: ignore[attr-defined]
    assert first.exc_info[1] is errors[identifier]
    assert RAISE_LINE in caplog.text
    for record in records:
        assert record.name == "toolkit.batch"
        assert record.levelno == logging.ERROR
        own = record.batch_record_id  # type: ignore[attr-defined]
        message = f"batch record {own} failed: ValueError: card declined for {own}"
        if record is not first:
            message += f" (traceback as for batch record {identifier})"
        assert record.getMessage() == message


def test_each_place_of_failure_gets_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    def record_handler(record: SQSRecord) -> None:
        index = int(record.json_body["index"])
        if index % 2:
            raise ValueError(f"odd {index}")
        if index % 3 == 0:
            raise KeyError(index)

    caplog.set_level(logging.ERROR, logger="toolkit.batch")
    BatchProcessor(EventType.SQS).process(sqs_event(10), record_handler)
    full = [r.batch_record_id for r in caplog.records if r.exc_info]  # type: ignore[attr-defined]
    assert full == ["msg-00000", "msg-00001"]  # KeyError at one line, ValueError at another
    assert len(caplog.records) == 5 + 2  # 1, 3, 5, 7, 9 and 0, 6
    assert "raise KeyError(index)" in caplog.text
    assert 'raise ValueError(f"odd {index}")' in caplog.text


def test_a_logger_that_does_not_wrap_the_invocation_is_not_used(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stream = io.StringIO()
    Logger(service="bystander", stream=stream)
    caplog.set_level(logging.ERROR, logger="toolkit.batch")
    BatchProcessor(EventType.SQS).process(sqs_event(2), failing({"msg-00000"}))
    assert stream.getvalue() == ""
    assert [r.batch_record_id for r in caplog.records] == ["msg-00000"]  # type: ignore[attr-defined]


def test_a_broken_exception_str_still_logs_and_fails_only_its_record(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no str")

    def record_handler(record: SQSRecord) -> None:
        if record.message_id == "msg-00000":
            raise Broken

    caplog.set_level(logging.ERROR, logger="toolkit.batch")
    result = BatchProcessor(EventType.SQS).process(sqs_event(2), record_handler)
    assert [identifier for identifier, _ in result.failures] == ["msg-00000"]
    assert len(caplog.records) == 1


@pytest.mark.parametrize("kind", PROCESSORS)
def test_entire_batch_failure_chains_the_first_records_exception(kind: str) -> None:
    make, handler_for = PROCESSORS[kind]
    with pytest.raises(BatchProcessingError) as caught:
        make().process(sqs_event(3), handler_for({"msg-00000", "msg-00001", "msg-00002"}))
    first = caught.value.exceptions[0][1]
    assert caught.value.__cause__ is first
    assert str(first) == "card declined for msg-00000"
    text = "".join(traceback.format_exception(caught.value))
    assert RAISE_LINE in text  # the user's own raise line is in the traceback
    assert "The above exception was the direct cause" in text


def test_a_deadline_landing_while_a_failure_is_logged_is_not_swallowed() -> None:
    """The deadline can land inside a log handler; the batch then stops as on any timeout."""
    from toolkit.middleware import LambdaTimeoutError

    class DeadlineOnce(logging.Handler):
        fired = False

        def emit(self, record: logging.LogRecord) -> None:
            if not self.fired:
                self.fired = True
                raise LambdaTimeoutError(100, 50)

    batch_logger = logging.getLogger("toolkit.batch")
    handler = DeadlineOnce()
    batch_logger.addHandler(handler)
    try:
        result = BatchProcessor(EventType.SQS).process(sqs_event(3), failing({"msg-00000"}))
    finally:
        batch_logger.removeHandler(handler)
    assert isinstance(result.timed_out, LambdaTimeoutError)
    assert [identifier for identifier, _ in result.failures] == [
        "msg-00000",
        "msg-00001",
        "msg-00002",
    ]
    assert isinstance(result.failures[0][1], ValueError)  # the record's own failure, kept


def test_a_plain_stdlib_logger_gets_the_usual_record_and_applies_its_filters_and_level() -> None:
    """Plain ``logging.Logger``s are given the record directly (no caller search): what
    ``error()`` would have made, with filters, level, ``disabled`` and handlers applied."""
    mine = logging.getLogger("tests.batch.direct")
    mine.propagate = False
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    def redact(record: logging.LogRecord) -> bool:
        record.redacted = True
        return record.batch_record_id != "msg-00003"  # type: ignore[attr-defined]

    handler = Keep()
    mine.addHandler(handler)
    mine.addFilter(redact)
    processor = BatchProcessor(EventType.SQS, logger=mine)
    fail_odd = lambda record: 1 / (record.json_body["index"] % 2 - 1)  # noqa: E731
    try:
        process_partial_response(sqs_event(4), fail_odd, processor)
        (first,) = records  # msg-00003 filtered out
        assert (first.levelname, first.name, first.batch_record_id) == (  # type: ignore[attr-defined]
            "ERROR",
            "tests.batch.direct",
            "msg-00001",
        )
        assert first.redacted and first.exc_info is not None  # type: ignore[attr-defined]
        assert (
            first.getMessage()
            == "batch record msg-00001 failed: ZeroDivisionError: division by zero"
        )
        assert first.pathname.endswith("processor.py") and first.lineno > 0
        records.clear()
        mine.setLevel(logging.CRITICAL)
        process_partial_response(sqs_event(2), fail_odd, processor)
        mine.setLevel(logging.NOTSET)
        mine.disabled = True
        process_partial_response(sqs_event(2), fail_odd, processor)
        assert records == []
    finally:
        mine.disabled = False
        mine.removeHandler(handler)
        mine.removeFilter(redact)
        mine.propagate = True
