"""``model=``: pydantic models of records, subclassed with the user's payload types."""

from __future__ import annotations

import base64
import json
import logging
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, Json, ValidationError

from tests.batch.batches import failed_ids, kinesis_record, sqs_event, sqs_record
from tests.conftest import load_event
from toolkit.batch import BatchProcessor, EventType, process_partial_response
from toolkit.parser.models import (
    DynamoDBStreamChangedRecordModel,
    DynamoDBStreamModel,
    DynamoDBStreamRecordModel,
    KinesisDataStreamModel,
    KinesisDataStreamRecord,
    KinesisDataStreamRecordPayload,
    SqsModel,
    SqsRecordModel,
)


class Order(BaseModel):
    index: int


class OrderRecord(SqsRecordModel):
    body: Json[Order]  # type: ignore[assignment]


class Reading(BaseModel):
    index: int


class ReadingPayload(KinesisDataStreamRecordPayload):
    data: Json[Reading]  # type: ignore[assignment]


class ReadingRecord(KinesisDataStreamRecord):
    kinesis: ReadingPayload


class Item(BaseModel):
    Id: int
    Message: str


class ItemChange(DynamoDBStreamChangedRecordModel):
    new_image: Item | None = None  # type: ignore[assignment]
    old_image: Item | None = None  # type: ignore[assignment]


class ItemRecord(DynamoDBStreamRecordModel):
    dynamodb: ItemChange


def test_sqs_json_body_model() -> None:
    seen: list[int] = []

    def handler(record: OrderRecord) -> None:
        assert isinstance(record, OrderRecord)
        seen.append(record.body.index)

    response = process_partial_response(
        sqs_event(5), handler, BatchProcessor(EventType.SQS, model=OrderRecord)
    )
    assert response == {"batchItemFailures": []}
    assert seen == [0, 1, 2, 3, 4]


def test_validation_failure_is_a_failed_record_logged_without_the_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = sqs_event(3)
    event["Records"][1]["body"] = json.dumps({"index": "card-4111111111111111"})
    seen: list[int] = []
    caplog.set_level(logging.WARNING, logger="toolkit.batch")
    result = BatchProcessor(EventType.SQS, model=OrderRecord).process(
        event, lambda r: seen.append(r.body.index)
    )
    assert seen == [0, 2]
    ((identifier, error),) = result.failures
    assert identifier == "msg-00001"
    assert isinstance(error, ValidationError)  # kept on the failure
    (line,) = caplog.records
    assert line.levelno == logging.ERROR  # a failed record, like any other
    assert line.exc_info is None  # a ValidationError's text quotes the input
    assert line.name == "toolkit.batch"
    message = line.getMessage()
    assert "msg-00001" in message
    assert "OrderRecord" in message
    assert "body.index: int_parsing" in message
    assert "4111" not in message


def test_invalid_json_body_fails_the_record_only() -> None:
    event = sqs_event(2)
    event["Records"][0]["body"] = "not json"
    response = process_partial_response(
        event, lambda r: None, BatchProcessor(EventType.SQS, model=OrderRecord)
    )
    assert failed_ids(response) == ["msg-00000"]


def test_sqs_sample_with_base_model() -> None:
    records: list[SqsRecordModel] = []
    process_partial_response(
        load_event("sqsEvent.json"), records.append, BatchProcessor(EventType.SQS, SqsRecordModel)
    )
    first = records[0]
    assert first.message_id == "059f36b4-87a3-44ab-83d2-661975830a7d"
    assert first.attributes.approximate_receive_count == 1
    assert first.attributes.sent_timestamp == datetime(
        2018, 12, 17, 21, 37, 29, 183000, tzinfo=timezone.utc
    )
    assert first.message_attributes["testAttr"].string_value == "100"
    assert first.event_source == "aws:sqs"
    assert "Test message" not in repr(first)  # bodies stay out of reprs
    fifo = SqsModel.model_validate(load_event("snsSqsFifoEvent.json"))
    assert fifo.records[0].attributes.message_group_id == "powertools-test"


def test_kinesis_models_decode_and_parse_data() -> None:
    event = {"Records": [kinesis_record(i) for i in range(3)]}
    seen: list[int] = []
    response = process_partial_response(
        event,
        lambda r: seen.append(r.kinesis.data.index),
        BatchProcessor(EventType.KinesisDataStreams, model=ReadingRecord),
    )
    assert response == {"batchItemFailures": []}
    assert seen == [0, 1, 2]
    sample = KinesisDataStreamModel.model_validate(load_event("kinesisStreamEvent.json"))
    assert sample.records[0].kinesis.data == b"Hello, this is a test."
    assert "Hello" not in repr(sample.records[0])


def test_kinesis_bad_base64_is_a_validation_failure() -> None:
    event = {"Records": [kinesis_record(0), kinesis_record(1)]}
    event["Records"][1]["kinesis"]["data"] = "***"
    result = BatchProcessor(EventType.KinesisDataStreams, model=KinesisDataStreamRecord).process(
        event, lambda r: None
    )
    assert [i for i, _ in result.failures] == [event["Records"][1]["kinesis"]["sequenceNumber"]]
    assert "not valid base64" in str(result.failures[0][1])
    raw_bytes = KinesisDataStreamRecordPayload.model_validate(
        {**kinesis_record(0)["kinesis"], "data": b"already"}
    )
    assert raw_bytes.data == b"already"


def test_dynamodb_models_deserialise_images_into_user_models() -> None:
    seen: list[Any] = []
    response = process_partial_response(
        load_event("dynamoStreamEvent.json"),
        lambda r: seen.append((r.event_name, r.dynamodb.keys, r.dynamodb.new_image)),
        BatchProcessor(EventType.DynamoDBStreams, model=ItemRecord),
    )
    assert response == {"batchItemFailures": []}
    assert seen == [
        ("INSERT", {"Id": 101}, Item(Id=101, Message="New item!")),
        ("MODIFY", {"Id": 101}, Item(Id=101, Message="This item has changed")),
    ]
    base = DynamoDBStreamModel.model_validate(load_event("dynamoStreamEvent.json"))
    assert base.records[1].dynamodb.old_image == {"Message": "New item!", "Id": 101}
    assert base.records[0].dynamodb.old_image is None


def test_dynamodb_model_bad_attribute_value_is_a_validation_error() -> None:
    raw = load_event("dynamoStreamEvent.json")["Records"][0]  # type: ignore[index]
    raw["dynamodb"]["NewImage"]["Id"] = {"N": "1.5.5"}
    with pytest.raises(ValidationError, match="Id: N is not a number"):
        DynamoDBStreamRecordModel.model_validate(raw)
    raw["dynamodb"]["NewImage"]["Id"] = {"N": "1.5"}
    model = DynamoDBStreamRecordModel.model_validate(raw)
    assert model.dynamodb.new_image == {"Message": "New item!", "Id": Decimal("1.5")}


def test_models_accept_field_names_too() -> None:
    record = SqsRecordModel.model_validate(sqs_record(0))
    again = SqsRecordModel(**record.model_dump())
    assert again == record


def test_parser_models_lazy_names() -> None:
    import toolkit.parser.models as models

    assert "SqsRecordModel" in dir(models)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        models.Nope
    encoded = base64.b64encode(b"x").decode()
    assert (
        models.KinesisDataStreamRecordPayload.model_validate(
            {**kinesis_record(0)["kinesis"], "data": encoded}
        ).data
        == b"x"
    )
