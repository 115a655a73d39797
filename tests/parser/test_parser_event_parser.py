"""@event_parser: a middleware on the engine's seam; the model comes from the option or the
handler's type hint; bad options fail when the handler is decorated, bad events before the
handler runs."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from pydantic import BaseModel

from tests.conftest import load_event
from toolkit import Logger, chain
from toolkit.middleware import MiddlewareUsageError
from toolkit.parser import (
    InvalidEnvelopeError,
    InvalidModelTypeError,
    ParserValidationError,
    event_parser,
)
from toolkit.parser.envelopes import EventBridgeEnvelope, SqsEnvelope
from toolkit.parser.models import EventBridgeModel
from toolkit.testing.context import lambda_context


class Order(BaseModel):
    id: int


class OrderEvent(EventBridgeModel):
    detail: Order


def _eventbridge(detail: Any) -> dict[str, Any]:
    event = load_event("eventBridgeEvent.json")
    assert isinstance(event, dict)
    return dict(event, detail=detail)


def test_model_from_the_handlers_type_hint() -> None:
    @event_parser
    def handler(event: OrderEvent, context: Any) -> int:
        return event.detail.id

    assert handler(_eventbridge({"id": 5}), lambda_context()) == 5


def test_model_option_wins_over_the_hint_and_envelope_unwraps() -> None:
    @event_parser(model=Order, envelope=EventBridgeEnvelope)
    def handler(event: dict, context: Any) -> Any:
        return event

    assert handler(_eventbridge({"id": "7"}), lambda_context()) == Order(id=7)


def test_envelope_class_or_instance_list_payloads() -> None:
    seen: list[list[Order]] = []

    @event_parser(model=Order, envelope=SqsEnvelope())
    def handler(event: list[Order], context: Any) -> None:
        seen.append(event)

    sqs = load_event("sqsEvent.json")
    assert isinstance(sqs, dict)
    for i, record in enumerate(sqs["Records"]):
        record["body"] = json.dumps({"id": i})
    handler(sqs, lambda_context())
    assert seen == [[Order(id=0), Order(id=1)]]


def test_invalid_event_raises_before_the_handler_runs() -> None:
    ran: list[bool] = []

    @event_parser
    def handler(event: OrderEvent, context: Any) -> None:
        ran.append(True)

    with pytest.raises(ParserValidationError, match=r"detail\.id: int_parsing"):
        handler(_eventbridge({"id": "card-4111"}), lambda_context())
    assert ran == []


def test_a_method_handler_takes_the_hint_of_its_event_parameter() -> None:
    class Service:
        @event_parser
        def handle(self, event: OrderEvent, context: Any) -> int:
            return event.detail.id * 2

    assert Service().handle(_eventbridge({"id": 2}), lambda_context()) == 4


def test_misconfigurations_fail_at_decoration() -> None:
    with pytest.raises(InvalidModelTypeError, match="annotate the event parameter of"):

        @event_parser
        def no_hint(event, context):  # type: ignore[no-untyped-def]
            return event

    with pytest.raises(InvalidModelTypeError, match="cannot resolve the type hints"):

        @event_parser
        def unresolvable(event: NotDefinedAnywhere, context: Any) -> None:  # type: ignore[name-defined]  # noqa: F821
            return None

    with pytest.raises(InvalidModelTypeError, match="cannot be validated"):
        event_parser(lambda e, c: e, model=object())

    with pytest.raises(InvalidEnvelopeError):
        event_parser(lambda e, c: e, model=Order, envelope=Order)

    with pytest.raises(MiddlewareUsageError, match="strict"):
        event_parser(lambda e, c: e, model=Order, strict=True)  # type: ignore[call-arg]

    with pytest.raises(MiddlewareUsageError):
        event_parser(lambda e, c: e, model=Order, _parse=print)  # type: ignore[call-arg]


def test_composes_with_other_middlewares(capsys: pytest.CaptureFixture[str]) -> None:
    stream = io.StringIO()
    logger = Logger(service="orders", stream=stream)

    def handler(event: OrderEvent, context: Any) -> int:
        logger.info("order", order_id=event.detail.id)
        return event.detail.id

    wrapped = chain(logger.inject_lambda_context, event_parser)(handler)
    assert wrapped(_eventbridge({"id": 3}), lambda_context()) == 3
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["order_id"] == 3
    assert line["level"] == logging.getLevelName(logging.INFO)


def test_a_handler_without_an_event_parameter_needs_model() -> None:
    with pytest.raises(InvalidModelTypeError, match="pass model="):

        @event_parser
        def handler(*args: Any) -> None:
            return None
