"""Envelopes: payloads wrapped into an event the way each source wraps them come back out as
the user's model (round trips over generated payloads); bad payloads are all reported, each
at its place in the event."""

from __future__ import annotations

import base64
import copy
import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from tests.conftest import load_event
from toolkit.parser import ParserValidationError, envelopes, parse
from toolkit.parser.envelopes import (
    AlbEnvelope,
    ApiGatewayEnvelope,
    ApiGatewayV2Envelope,
    BaseEnvelope,
    CloudWatchLogsEnvelope,
    DynamoDBStreamEnvelope,
    EventBridgeEnvelope,
    KafkaEnvelope,
    KinesisDataStreamEnvelope,
    KinesisFirehoseEnvelope,
    LambdaFunctionUrlEnvelope,
    SnsEnvelope,
    SnsSqsEnvelope,
    SqsEnvelope,
)

FAST = settings(max_examples=25, deadline=None)


class Order(BaseModel):
    id: int
    item: str
    urgent: bool = False


orders = st.builds(
    Order, id=st.integers(-(2**53), 2**53), item=st.text(max_size=30), urgent=st.booleans()
)


def _sample(name: str) -> dict[str, Any]:
    event = load_event(name)
    assert isinstance(event, dict)
    return copy.deepcopy(event)


def _text(order: Order) -> str:
    return order.model_dump_json()


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _records(sample: str, key: str, payloads: list[Any], put: Callable[[dict, Any], None]) -> dict:
    event = _sample(sample)
    template = event[key][0]
    event[key] = []
    for payload in payloads:
        record = copy.deepcopy(template)
        put(record, payload)
        event[key].append(record)
    return event


def sqs(items: list[Order]) -> dict:
    return _records(
        "sqsEvent.json", "Records", [_text(o) for o in items], lambda r, p: r.update(body=p)
    )


def sns(items: list[Order]) -> dict:
    return _records(
        "snsEvent.json",
        "Records",
        [_text(o) for o in items],
        lambda r, p: r["Sns"].update(Message=p),
    )


def sns_sqs(items: list[Order]) -> dict:
    def put(record: dict, payload: str) -> None:
        notification = json.loads(record["body"])
        notification["Message"] = payload
        record["body"] = json.dumps(notification)

    return _records("snsSqsEvent.json", "Records", [_text(o) for o in items], put)


def kinesis(items: list[Order]) -> dict:
    return _records(
        "kinesisStreamEvent.json",
        "Records",
        [_b64(_text(o)) for o in items],
        lambda r, p: r["kinesis"].update(data=p),
    )


def firehose(items: list[Order]) -> dict:
    return _records(
        "kinesisFirehosePutEvent.json",
        "records",
        [_b64(_text(o)) for o in items],
        lambda r, p: r.update(data=p),
    )


def cloudwatch(items: list[Order]) -> dict:
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "/aws/lambda/orders",
        "logStream": "2026/12/06/[$LATEST]abc",
        "subscriptionFilters": ["orders"],
        "logEvents": [
            {"id": str(i), "timestamp": 1764979200000 + i, "message": _text(o)}
            for i, o in enumerate(items)
        ],
    }
    data = base64.b64encode(gzip.compress(json.dumps(document).encode())).decode()
    return {"awslogs": {"data": data}}


def kafka(items: list[Order]) -> dict:
    event = _sample("kafkaEventMsk.json")
    (template,) = event["records"]["mytopic-0"]
    event["records"] = {"mytopic-0": [], "mytopic-1": []}
    for i, order in enumerate(items):
        record = dict(template, offset=i, value=_b64(_text(order)))
        event["records"][f"mytopic-{i % 2}"].append(record)
    return event


def dynamodb(items: list[Order]) -> dict:
    def typed(order: Order) -> dict:
        return {
            "id": {"N": str(order.id)},
            "item": {"S": order.item},
            "urgent": {"BOOL": order.urgent},
        }

    def put(record: dict, order: Order) -> None:
        record["dynamodb"]["NewImage"] = typed(order)
        record["dynamodb"]["OldImage"] = typed(order)
        record["dynamodb"]["StreamViewType"] = "NEW_AND_OLD_IMAGES"

    return _records("dynamoStreamEvent.json", "Records", list(items), put)


def _http(sample: str) -> Callable[[Order], dict]:
    def wrap(order: Order) -> dict:
        event = _sample(sample)
        event["body"] = _text(order)
        event["isBase64Encoded"] = False
        return event

    return wrap


def eventbridge(order: Order) -> dict:
    return dict(_sample("eventBridgeEvent.json"), detail=order.model_dump())


BATCHED = [
    (SqsEnvelope, sqs),
    (SnsEnvelope, sns),
    (SnsSqsEnvelope, sns_sqs),
    (KinesisDataStreamEnvelope, kinesis),
    (KinesisFirehoseEnvelope, firehose),
    (CloudWatchLogsEnvelope, cloudwatch),
]
SINGLE = [
    (EventBridgeEnvelope, eventbridge),
    (ApiGatewayEnvelope, _http("apiGatewayProxyEvent.json")),
    (ApiGatewayV2Envelope, _http("apiGatewayProxyV2Event.json")),
    (LambdaFunctionUrlEnvelope, _http("lambdaFunctionUrlEvent.json")),
    (AlbEnvelope, _http("albEvent.json")),
]


@pytest.mark.parametrize(("envelope", "wrap"), BATCHED, ids=lambda v: getattr(v, "__name__", ""))
@FAST
@given(items=st.lists(orders, min_size=1, max_size=5))
def test_batched_round_trip(
    envelope: type[BaseEnvelope], wrap: Callable, items: list[Order]
) -> None:
    assert parse(wrap(items), Order, envelope=envelope) == items


@FAST
@given(items=st.lists(orders, min_size=1, max_size=6))
def test_kafka_round_trip_partition_by_partition(items: list[Order]) -> None:
    expected = items[0::2] + items[1::2]  # mytopic-0's records, then mytopic-1's
    assert parse(kafka(items), Order, envelope=KafkaEnvelope) == expected


@FAST
@given(items=st.lists(orders, min_size=1, max_size=4))
def test_dynamodb_round_trip_new_and_old_images(items: list[Order]) -> None:
    parsed = parse(dynamodb(items), Order, envelope=DynamoDBStreamEnvelope)
    assert parsed == [{"NewImage": o, "OldImage": o} for o in items]


@pytest.mark.parametrize(("envelope", "wrap"), SINGLE, ids=lambda v: getattr(v, "__name__", ""))
@FAST
@given(order=orders)
def test_single_payload_round_trip(
    envelope: type[BaseEnvelope], wrap: Callable, order: Order
) -> None:
    assert parse(wrap(order), Order, envelope=envelope) == order
    assert parse(wrap(order), Order, envelope=envelope()) == order  # an instance works too


def test_a_base64_encoded_http_body_is_decoded() -> None:
    event = _http("apiGatewayProxyV2Event.json")(Order(id=1, item="x"))
    event["body"] = _b64(event["body"])
    event["isBase64Encoded"] = True
    assert parse(event, Order, envelope=ApiGatewayV2Envelope) == Order(id=1, item="x")
    event["body"] = "%%%"
    with pytest.raises(ParserValidationError, match="body: base64_invalid"):
        parse(event, Order, envelope=ApiGatewayV2Envelope)


def test_a_request_without_body_gives_none() -> None:
    event = _sample("apiGatewayProxyV2Event_GET.json")
    event.pop("body", None)
    assert parse(event, Order, envelope=ApiGatewayV2Envelope) is None


def test_dynamodb_missing_image_is_none() -> None:
    parsed = parse(load_event("dynamoStreamEvent.json"), dict, envelope=DynamoDBStreamEnvelope)
    assert parsed[0] == {"NewImage": {"Message": "New item!", "Id": 101}, "OldImage": None}


def test_every_bad_record_is_reported_at_its_place() -> None:
    event = sqs([Order(id=i, item="x") for i in range(4)])
    event["Records"][1]["body"] = '{"id": "one", "item": "x"}'
    event["Records"][3]["body"] = "not json"
    with pytest.raises(ParserValidationError) as caught:
        parse(event, Order, envelope=SqsEnvelope)
    assert [e["loc"] for e in caught.value.errors()] == [
        ("Records", 1, "body", "id"),
        ("Records", 3, "body"),
    ]
    assert "one" not in str(caught.value) and "not json" not in str(caught.value)


def test_an_event_of_another_source_is_rejected_by_the_envelopes_model() -> None:
    with pytest.raises(ParserValidationError) as caught:
        parse(load_event("snsEvent.json"), Order, envelope=SqsEnvelope)
    assert caught.value.model == "SqsModel"
    assert "Records.0.messageId: missing" in str(caught.value)


def test_sns_over_sqs_bad_notifications_are_located_in_the_bodies() -> None:
    event = sns_sqs([Order(id=1, item="x")] * 3)
    event["Records"][0]["body"] = json.dumps({"Type": "Notification"})
    event["Records"][2]["body"] = "secret text"
    with pytest.raises(ParserValidationError) as caught:
        parse(event, Order, envelope=SnsSqsEnvelope)
    message = str(caught.value)
    assert "Records.0.body.TopicArn: missing" in message
    assert "Records.2.body: json_invalid" in message
    assert "Records.1" not in message and "secret" not in message
    assert caught.value.model == "SnsNotificationModel"


@FAST
@given(
    items=st.lists(orders, min_size=1, max_size=5),
    data=st.data(),
    wrong=st.one_of(st.text(alphabet="xyz", min_size=1), st.none(), st.lists(st.integers())),
)
def test_a_wrong_type_in_one_record_is_located_at_that_record(
    items: list[Order], data: st.DataObject, wrong: Any
) -> None:
    index = data.draw(st.integers(0, len(items) - 1))
    event = sqs(items)
    body = json.loads(event["Records"][index]["body"])
    body["id"] = wrong
    event["Records"][index]["body"] = json.dumps(body)
    with pytest.raises(ParserValidationError) as caught:
        parse(event, Order, envelope=SqsEnvelope)
    assert [e["loc"] for e in caught.value.errors()] == [("Records", index, "body", "id")]


def test_a_custom_envelope_in_powertools_style() -> None:
    class BodyEnvelope(BaseEnvelope):
        def parse(self, data: Any, model: Any) -> Any:
            return self._parse(data=data.get("payload"), model=model)

    assert parse({"payload": '{"id": 1, "item": "x"}'}, Order, BodyEnvelope) == Order(
        id=1, item="x"
    )
    assert parse({}, Order, BodyEnvelope) is None


def test_envelope_names_resolve_lazily() -> None:
    for name in envelopes.__all__:
        assert getattr(envelopes, name) is not None
    assert envelopes.Envelope is BaseEnvelope
