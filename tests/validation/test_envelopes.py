"""toolkit.jmespath.envelopes against the real sample events (tests/events, see NOTICE).

Where a sample's payload is not JSON (the Kinesis samples carry plain text), the record keeps
the sample's shape and its payload is replaced with encoded JSON, as the service would send it.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
from typing import Any

from aws_lambda_powertools.utilities.jmespath_utils import envelopes as powertools_envelopes

from tests.conftest import load_event
from toolkit import jmespath
from toolkit.jmespath import envelopes, query


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_every_envelope_compiles_with_toolkits_functions() -> None:
    for name in envelopes.__all__:
        expression = jmespath.compile(getattr(envelopes, name))
        assert expression.text == getattr(envelopes, name)


def test_powertools_names_are_all_there_with_the_same_expressions() -> None:
    theirs = {
        name: value
        for name, value in vars(powertools_envelopes).items()
        if name.isupper() and isinstance(value, str)
    }
    assert theirs, "Powertools' envelopes module moved"
    for name, expression in theirs.items():
        assert getattr(envelopes, name) == expression, name


def test_validation_envelopes_is_the_same_module_content() -> None:
    from toolkit.validation import envelopes as validation_envelopes

    for name in envelopes.__all__:
        assert getattr(validation_envelopes, name) == getattr(envelopes, name)
    assert validation_envelopes.__all__ == envelopes.__all__


def test_api_gateway_rest_and_http_bodies() -> None:
    rest = load_event("apigatewayeSchemaMiddlwareValidEvent.json")
    http = load_event("apiGatewayProxyV2SchemaMiddlwareValidEvent.json")
    body = {"message": "hello world", "username": "lessa"}
    assert query(rest, envelopes.API_GATEWAY_REST) == body
    assert query(http, envelopes.API_GATEWAY_HTTP) == body


def test_sqs_bodies_are_a_list_one_per_message() -> None:
    event: Any = load_event("sqsEvent.json")
    for index, record in enumerate(event["Records"]):
        record["body"] = json.dumps({"n": index})
    assert query(event, envelopes.SQS) == [{"n": 0}, {"n": 1}]


def test_sns_message_and_sns_over_sqs() -> None:
    sns: Any = load_event("snsEvent.json")
    sns["Records"][0]["Sns"]["Message"] = json.dumps({"order": 7})
    assert query(sns, envelopes.SNS) == {"order": 7}
    assert query(load_event("snsSqsEvent.json"), envelopes.SNS_SQS) == [
        {"message": "hello world", "username": "lessa"}
    ]


def test_eventbridge_detail() -> None:
    event = load_event("eventBridgeEvent.json")
    expected = {"instance_id": "i-1234567890abcdef0", "state": "terminated"}
    assert query(event, envelopes.EVENTBRIDGE) == expected
    assert envelopes.CLOUDWATCH_EVENTS_SCHEDULED == envelopes.EVENTBRIDGE


def test_kinesis_data_is_decoded_from_base64_json() -> None:
    event: Any = load_event("kinesisStreamEvent.json")
    for index, record in enumerate(event["Records"]):
        record["kinesis"]["data"] = _b64(json.dumps({"seq": index}).encode())
    assert query(event, envelopes.KINESIS_DATA_STREAM) == [{"seq": 0}, {"seq": 1}]


def test_firehose_records() -> None:
    event: Any = load_event("kinesisFirehosePutEvent.json")
    # the sample's second record is JSON already; the first is plain text
    event["records"][0]["data"] = _b64(b'{"first": true}')
    assert query(event, envelopes.KINESIS_FIREHOSE) == [{"first": True}, {"Hello": "World"}]


def test_cloudwatch_logs_are_decompressed_into_log_events() -> None:
    found = query(load_event("cloudWatchLogEvent.json"), envelopes.CLOUDWATCH_LOGS)
    assert [event["message"] for event in found] == [
        "[ERROR] First test message",
        "[ERROR] Second test message",
    ]


def test_s3_object_keys_and_s3_over_sqs() -> None:
    assert query(load_event("s3Event.json"), envelopes.S3_OBJECT_KEYS) == [
        "b21b84d653bb07b05b1e6b33684dc11b"
    ]
    records = query(load_event("s3SqsEvent.json"), envelopes.S3_SQS)
    assert [record["s3"]["object"]["key"] for record in records] == ["test.pdf"]


def test_s3_through_sns_sqs_eventbridge_and_firehose() -> None:
    s3_record = load_event("s3Event.json")["Records"][0]  # type: ignore[index]
    notification = json.dumps({"Records": [s3_record]})
    sns_sqs: Any = load_event("snsSqsEvent.json")
    sns_sqs["Records"][0]["body"] = json.dumps({"Type": "Notification", "Message": notification})
    assert query(sns_sqs, envelopes.S3_SNS_SQS) == [s3_record]

    eventbridge: Any = load_event("eventBridgeEvent.json")
    bridged: Any = copy.deepcopy(load_event("sqsEvent.json"))
    bridged["Records"] = bridged["Records"][:1]
    bridged["Records"][0]["body"] = json.dumps(eventbridge)
    assert query(bridged, envelopes.S3_EVENTBRIDGE_SQS) == [eventbridge["detail"]]

    firehose: Any = load_event("kinesisFirehosePutEvent.json")
    firehose["records"] = firehose["records"][:1]
    firehose["records"][0]["data"] = _b64(notification.encode())
    assert query(firehose, envelopes.S3_KINESIS_FIREHOSE) == [s3_record]
    sns_message = json.dumps({"Message": notification})
    firehose["records"][0]["data"] = _b64(sns_message.encode())
    assert query(firehose, envelopes.S3_SNS_KINESIS_FIREHOSE) == [s3_record]


def test_cloudwatch_logs_round_trip_keeps_unicode() -> None:
    payload = {"logEvents": [{"id": "1", "message": "ünïcode ✓"}]}
    data = _b64(gzip.compress(json.dumps(payload, ensure_ascii=False).encode()))
    assert query({"awslogs": {"data": data}}, envelopes.CLOUDWATCH_LOGS) == payload["logEvents"]
