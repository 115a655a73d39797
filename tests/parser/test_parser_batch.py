"""The batch processors with a subclassed parser model: a record whose body fails validation
is a failed record (in batchItemFailures, logged with the field paths, never the body), and
the batch itself never fails while one record succeeds."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pydantic import BaseModel, Json

from tests.batch.batches import failed_ids, sqs_record
from toolkit import Logger
from toolkit.batch import BatchProcessor, EventType, process_partial_response
from toolkit.parser.models import SqsRecordModel
from toolkit.testing.context import lambda_context


class Order(BaseModel):
    id: int
    email: str


class OrderEvent(SqsRecordModel):
    body: Json[Order]  # type: ignore[assignment]


BAD_BODIES = {
    1: json.dumps({"id": "secret-4111", "email": "ann@example.com"}),  # wrong type
    3: json.dumps({"id": 3}),  # missing field
    4: "secret-not-json",  # not JSON
}


def _event(size: int) -> dict[str, Any]:
    records = [
        sqs_record(i, json.dumps({"id": i, "email": f"u{i}@example.com"})) for i in range(size)
    ]
    for index, body in BAD_BODIES.items():
        records[index]["body"] = body
    return {"Records": records}


def test_invalid_bodies_are_failed_records_logged_with_field_paths() -> None:
    stream = io.StringIO()
    logger = Logger(service="orders", stream=stream)
    processed: list[int] = []
    processor = BatchProcessor(EventType.SQS, model=OrderEvent)

    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return process_partial_response(
            event, lambda record: processed.append(record.body.id), processor
        )

    response = handler(_event(6), lambda_context())
    assert failed_ids(response) == ["msg-00001", "msg-00003", "msg-00004"]
    assert processed == [0, 2, 5]

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    failures = {
        line["message"].split()[2]: line["message"] for line in lines if line["level"] == "ERROR"
    }
    assert "body.id: int_parsing" in failures["msg-00001"]
    assert "body.email: missing" in failures["msg-00003"]
    assert "body: json_invalid" in failures["msg-00004"]
    assert all("OrderEvent" in message for message in failures.values())
    assert "secret" not in stream.getvalue()  # bodies never reach the log


def test_a_batch_of_only_invalid_bodies_reports_every_record() -> None:
    event = {"Records": [sqs_record(i, "secret-not-json") for i in range(3)]}
    processor = BatchProcessor(EventType.SQS, model=OrderEvent, raise_on_entire_batch_failure=False)
    response = process_partial_response(event, lambda record: None, processor)
    assert failed_ids(response) == ["msg-00000", "msg-00001", "msg-00002"]


@pytest.mark.parametrize("size", [1, 10])
def test_valid_bodies_reach_the_handler_as_models(size: int) -> None:
    event = {"Records": [sqs_record(i, json.dumps({"id": i, "email": "e"})) for i in range(size)]}
    seen: list[Order] = []
    response = process_partial_response(
        event, lambda record: seen.append(record.body), BatchProcessor(EventType.SQS, OrderEvent)
    )
    assert response == {"batchItemFailures": []}
    assert seen == [Order(id=i, email="e") for i in range(size)]
