"""Code written for Powertools' parser runs on toolkit's by changing the imports: the same
source is run against both, and gives the same results."""

from __future__ import annotations

import json
import sys
import types
from typing import Any

import pytest

from tests.conftest import load_event
from toolkit.testing import lambda_context

pytest.importorskip("aws_lambda_powertools.utilities.parser")

SOURCE = """
from typing import Optional

from pydantic import BaseModel, Json

from {parser} import envelopes, event_parser, parse
from {parser}.models import EventBridgeModel, SqsModel, SqsRecordModel


class Order(BaseModel):
    id: int
    item: str


class OrderPlaced(EventBridgeModel):
    detail: Order


class OrderRecord(SqsRecordModel):
    body: Json[Order]


class Item(BaseModel):
    Id: int
    Message: str


@event_parser(model=OrderPlaced)
def on_placed(event: OrderPlaced, context):
    return [event.detail.id, event.detail.item, event.source, event.detail_type]


@event_parser(model=Order, envelope=envelopes.SqsEnvelope)
def on_orders(event, context):
    return [order.id for order in event]


def read_sqs(event):
    parsed = parse(event=event, model=SqsModel)
    record = parsed.Records[0]
    return [record.messageId, record.body, int(record.attributes.ApproximateReceiveCount),
            record.eventSourceARN, len(parsed.Records)]


def read_records(event):
    return [r.body.id for r in (OrderRecord.model_validate(r) for r in event["Records"])]


def read_changes(event):
    changes = parse(event=event, model=Item, envelope=envelopes.DynamoDBStreamEnvelope)
    return [
        {{key: (image.Id if image else None) for key, image in change.items()}}
        for change in changes
    ]


def read_detail(event):
    return parse(event=event, model=Order, envelope=envelopes.EventBridgeEnvelope).item
"""


def _load(parser: str) -> types.ModuleType:
    module = types.ModuleType(f"moved_{parser.split('.', 1)[0]}")
    sys.modules[module.__name__] = module
    exec(compile(SOURCE.format(parser=parser), module.__name__, "exec"), module.__dict__)
    return module


POWERTOOLS = "aws_lambda_powertools.utilities.parser"


@pytest.fixture(scope="module")
def both() -> tuple[types.ModuleType, types.ModuleType]:
    return _load(POWERTOOLS), _load("toolkit.parser")


def _event(name: str, **changes: Any) -> dict[str, Any]:
    event = load_event(name)
    assert isinstance(event, dict)
    return dict(event, **changes)


def _orders() -> dict[str, Any]:
    event = _event("sqsEvent.json")
    event["Records"] = [
        dict(r, body=json.dumps({"id": i, "item": "tea"})) for i, r in enumerate(event["Records"])
    ]
    return event


CALLS = {
    "event_parser with a model": lambda m: m.on_placed(
        _event("eventBridgeEvent.json", detail={"id": 1, "item": "tea"}), lambda_context()
    ),
    "event_parser with an envelope": lambda m: m.on_orders(_orders(), lambda_context()),
    "Powertools attribute names": lambda m: m.read_sqs(_event("sqsEvent.json")),
    "subclassed record": lambda m: m.read_records(_orders()),
    "DynamoDB envelope": lambda m: m.read_changes(_event("dynamoStreamEvent.json")),
    "EventBridge envelope": lambda m: m.read_detail(
        _event("eventBridgeEvent.json", detail={"id": 1, "item": "tea"})
    ),
}


@pytest.mark.parametrize("call", sorted(CALLS))
def test_same_source_same_result(call: str, both: tuple[Any, Any]) -> None:
    theirs, ours = both
    assert CALLS[call](ours) == CALLS[call](theirs)


def test_both_refuse_a_bad_event_with_a_value_error(both: tuple[Any, Any]) -> None:
    bad = _event("eventBridgeEvent.json", detail={"id": "x", "item": "tea"})
    for module in both:
        with pytest.raises(ValueError, match="detail"):  # pydantic's and ours are ValueErrors
            module.on_placed(bad, lambda_context())


def test_documented_difference_receive_count_is_an_int(both: tuple[Any, Any]) -> None:
    """docs/powertools.md: SQS attributes that are counts are ints (Powertools: strings)."""
    theirs, ours = both
    event = _event("sqsEvent.json")
    assert ours.SqsModel.model_validate(event).records[0].attributes.approximate_receive_count == 1
    assert (
        theirs.SqsModel.model_validate(event).Records[0].attributes.ApproximateReceiveCount == "1"
    )
