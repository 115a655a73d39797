"""What the models make of the samples: decoded payloads, snake_case fields with the event's
names as aliases, Powertools' attribute names still readable, payloads kept out of reprs."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from pydantic import BaseModel, Json

import toolkit.parser.models as models
from tests.conftest import load_event
from toolkit.parser.models import (
    AlbModel,
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
    CloudWatchLogsModel,
    EventBridgeModel,
    KafkaMskEventModel,
    KinesisFirehoseModel,
    KinesisFirehoseSqsModel,
    S3EventNotificationEventBridgeModel,
    S3Model,
    S3SqsEventNotificationModel,
    SnsModel,
    SqsModel,
)


def test_cloudwatch_logs_payload_is_decoded_from_gzip_and_from_zlib() -> None:
    for sample in ("cloudWatchLogEvent.json", "cloudWatchLogEventWithPolicyLevel.json"):
        logs = CloudWatchLogsModel.model_validate(load_event(sample)).awslogs.decoded_data
        assert logs.log_group == "testLogGroup"
        assert [e.message for e in logs.log_events] == [
            "[ERROR] First test message",
            "[ERROR] Second test message",
        ]
        assert logs.log_events[0].timestamp == datetime(2015, 8, 24, 19, 3, 7, tzinfo=timezone.utc)


def test_cloudwatch_logs_bad_payload_is_a_validation_error() -> None:
    from pydantic import ValidationError

    for data, rule in (("%%%", "not valid base64"), ("aGVsbG8=", "not valid gzip")):
        with pytest.raises(ValidationError, match=rule):
            CloudWatchLogsModel.model_validate({"awslogs": {"data": data}})


def test_kafka_key_value_and_headers_are_bytes() -> None:
    event = KafkaMskEventModel.model_validate(load_event("kafkaEventMsk.json"))
    (record,) = event.records["mytopic-0"]
    assert record.key == b"recordKey"
    assert json.loads(record.value) == {"key": "value"}
    assert record.headers == [{"headerKey": b"headerValue"}]
    assert len(event.bootstrap_servers) == 2


def test_firehose_data_is_decoded_and_over_sqs_is_an_sqs_record() -> None:
    put = KinesisFirehoseModel.model_validate(load_event("kinesisFirehosePutEvent.json"))
    assert put.records[0].data == b"Hello World"
    over_sqs = KinesisFirehoseSqsModel.model_validate(load_event("kinesisFirehoseSQSEvent.json"))
    assert over_sqs.records[0].data.body == "Test message."


def test_s3_models() -> None:
    s3 = S3Model.model_validate(load_event("s3EventDecodedKey.json")).records[0].s3
    assert s3.object.decoded_key != s3.object.key  # notifications URL-encode keys
    assert "+" not in s3.object.decoded_key
    via_eb = S3EventNotificationEventBridgeModel.model_validate(
        load_event("s3EventBridgeNotificationObjectCreatedEvent.json")
    )
    assert via_eb.detail.object.key == "IMG_m7fzo3.jpg"
    assert via_eb.detail_type == "Object Created"
    over_sqs = S3SqsEventNotificationModel.model_validate(load_event("s3SqsEvent.json"))
    assert over_sqs.records[0].body.records[0].s3.bucket.name


def test_powertools_attribute_names_read_the_same_fields() -> None:
    sqs = SqsModel.model_validate(load_event("sqsEvent.json"))
    record = sqs.Records[0]  # type: ignore[attr-defined]
    assert record.messageId == record.message_id  # type: ignore[attr-defined]
    assert record.eventSourceARN == record.event_source_arn  # type: ignore[attr-defined]
    sns = SnsModel.model_validate(load_event("snsEvent.json"))
    assert sns.Records[0].Sns.Message == "Hello from SNS!"  # type: ignore[attr-defined]
    api = APIGatewayProxyEventModel.model_validate(load_event("apiGatewayProxyEvent.json"))
    assert api.requestContext.requestId == "id="  # type: ignore[attr-defined]
    eb = EventBridgeModel.model_validate(load_event("eventBridgeEvent.json"))
    assert eb.detail_type == "EC2 Instance State-change Notification"
    with pytest.raises(AttributeError, match="nope"):
        record.nope  # type: ignore[attr-defined]


def test_models_accept_field_names_as_well_as_the_events_names() -> None:
    by_alias = load_event("albEvent.json")
    assert isinstance(by_alias, dict)
    alb = AlbModel.model_validate(by_alias)
    by_name = AlbModel.model_validate(alb.model_dump())
    assert by_name == alb
    assert alb.model_dump(by_alias=True)["httpMethod"] == "GET"


def test_payloads_and_credentials_stay_out_of_reprs() -> None:
    v2 = APIGatewayProxyEventV2Model.model_validate(load_event("apiGatewayProxyV2Event.json"))
    text = repr(v2)
    assert "hello world" not in text  # body
    assert "cookie1" not in text
    assert "value1,value2" not in text.split("query_string_parameters")[0]  # headers
    assert "CERT_CONTENT" not in text


def test_subclassing_a_record_parses_the_payload() -> None:
    class Order(BaseModel):
        id: int

    class OrderSns(models.SnsNotificationModel):
        message: Json[Order]  # type: ignore[assignment]

    body = json.dumps({"id": 7})
    event = load_event("snsEvent.json")
    assert isinstance(event, dict)
    event["Records"][0]["Sns"]["Message"] = body
    notification = event["Records"][0]["Sns"]
    assert OrderSns.model_validate(notification).message.id == 7


def test_every_public_model_name_resolves_lazily() -> None:
    for name in models.__all__:
        assert isinstance(getattr(models, name), type), name
    assert set(dir(models)) >= set(models.__all__)


def test_decoded_payloads_may_be_given_already_decoded() -> None:
    from pydantic import ValidationError

    record = load_event("kafkaEventMsk.json")["records"]["mytopic-0"][0]  # type: ignore[index]
    decoded = models.KafkaRecordModel.model_validate(dict(record, value=b"raw", headers=[]))
    assert decoded.value == b"raw"
    with pytest.raises(ValidationError, match=r"headers\.0"):
        models.KafkaRecordModel.model_validate(dict(record, headers=["not a header"]))
    with pytest.raises(ValidationError, match=r"awslogs\.data"):
        CloudWatchLogsModel.model_validate({"awslogs": {"data": None}})


def test_models_pickle_and_copy_despite_the_alias_fallback() -> None:
    import copy
    import pickle

    model = SqsModel.model_validate(load_event("sqsEvent.json"))
    assert pickle.loads(pickle.dumps(model)) == model
    assert copy.deepcopy(model) == model == model.model_copy()
    assert not hasattr(model, "nope")
