"""@validator on the middleware engine: inbound and outbound schemas, envelopes, errors at
decoration time, and composition with other middlewares."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import load_event
from toolkit.context import current
from toolkit.middleware import Middleware, MiddlewareUsageError, Request, chain
from toolkit.testing import lambda_context
from toolkit.validation import (
    InvalidEnvelopeExpressionError,
    InvalidSchemaFormatError,
    SchemaValidationError,
    ValidationOptionError,
    envelopes,
    validator,
)

INBOUND = {
    "type": "object",
    "properties": {"message": {"type": "string"}, "username": {"type": "string"}},
    "required": ["message", "username"],
}
OUTBOUND = {
    "type": "object",
    "properties": {"statusCode": {"type": "integer"}, "body": {"type": "string"}},
    "required": ["statusCode", "body"],
}


def test_the_handler_gets_the_validated_payload_from_the_envelope() -> None:
    seen: list[Any] = []

    @validator(inbound_schema=INBOUND, envelope=envelopes.API_GATEWAY_REST)
    def handler(event: Any, context: Any) -> str:
        seen.append(event)
        return "ok"

    event = load_event("apigatewayeSchemaMiddlwareValidEvent.json")
    assert handler(event, lambda_context()) == "ok"
    assert seen == [{"message": "hello world", "username": "lessa"}]


def test_an_invalid_event_is_refused_before_the_handler_runs() -> None:
    calls: list[Any] = []

    @validator(inbound_schema=INBOUND, envelope=envelopes.API_GATEWAY_REST)
    def handler(event: Any, context: Any) -> None:
        calls.append(event)

    with pytest.raises(SchemaValidationError) as caught:
        handler(load_event("apigatewayeSchemaMiddlwareInvalidEvent.json"), lambda_context())
    assert calls == []
    assert caught.value.rule == "required"
    assert str(caught.value).startswith("Failed schema validation of the event.")


def test_the_response_is_validated_after_the_handler() -> None:
    responses = iter([{"statusCode": 200, "body": "{}"}, {"statusCode": "200", "body": "{}"}])
    runs: list[int] = []

    @validator(inbound_schema={"type": "object"}, outbound_schema=OUTBOUND)
    def handler(event: Any, context: Any) -> Any:
        runs.append(1)
        return next(responses)

    assert handler({}, lambda_context()) == {"statusCode": 200, "body": "{}"}
    with pytest.raises(SchemaValidationError) as caught:
        handler({}, lambda_context())
    assert runs == [1, 1]  # the handler ran: the response is what failed
    assert caught.value.name == "data.statusCode"
    assert str(caught.value).startswith("Failed schema validation of the response.")
    assert "'200'" not in str(caught.value)


def test_outbound_only_and_envelope_only() -> None:
    @validator(outbound_schema={"type": "string"})
    def answer(event: Any, context: Any) -> Any:
        return event

    assert answer("text", None) == "text"
    with pytest.raises(SchemaValidationError):
        answer(1, None)

    @validator(envelope=envelopes.EVENTBRIDGE)
    def detail(event: Any, context: Any) -> Any:
        return event

    assert detail(load_event("eventBridgeEvent.json"), None)["state"] == "terminated"


def test_custom_formats_and_provider_options_on_each_side() -> None:
    @validator(
        inbound_schema={"type": "string", "format": "sku"},
        inbound_formats={"sku": r"^SKU-\d+$"},
        outbound_schema={"type": "object", "properties": {"n": {"default": 0}}},
        outbound_provider_options={"use_default": False},
    )
    def handler(event: Any, context: Any) -> Any:
        return {}

    assert handler("SKU-1", None) == {}  # no default filled into the response
    with pytest.raises(SchemaValidationError, match="must be sku"):
        handler("sku-1", None)


def test_an_invalid_schema_fails_when_the_decorator_is_applied() -> None:
    with pytest.raises(InvalidSchemaFormatError, match="Unknown type"):

        @validator(inbound_schema={"type": "nope"})
        def handler(event: Any, context: Any) -> None: ...

    with pytest.raises(InvalidSchemaFormatError):

        @validator(inbound_schema=INBOUND, outbound_schema={"type": "string", "pattern": "("})
        def other(event: Any, context: Any) -> None: ...


def test_an_invalid_envelope_fails_when_the_decorator_is_applied() -> None:
    with pytest.raises(InvalidEnvelopeExpressionError, match="unknown function powertools_xml"):

        @validator(inbound_schema=INBOUND, envelope="powertools_xml(body)")
        def handler(event: Any, context: Any) -> None: ...


def test_options_it_does_not_take_are_refused_when_applied() -> None:
    with pytest.raises(ValidationOptionError, match="jmespath_options"):

        @validator(inbound_schema=INBOUND, jmespath_options={})  # type: ignore[arg-type]
        def handler(event: Any, context: Any) -> None: ...

    with pytest.raises(MiddlewareUsageError, match="inbound_shcema"):
        validator(inbound_shcema=INBOUND)  # type: ignore[call-arg]
    with pytest.raises(MiddlewareUsageError, match="_inbound"):
        validator(_inbound=None)  # type: ignore[call-arg]  # private: set by the setup hook only


def test_with_nothing_to_do_it_adds_no_layer() -> None:
    def handler(event: Any, context: Any) -> Any:
        return event

    assert validator(handler) is handler
    assert validator()(handler) is handler


def test_it_composes_with_other_middlewares_and_shares_the_invocation() -> None:
    order: list[str] = []

    class Record(Middleware):
        def before(self, request: Request) -> None:
            order.append(f"before:{type(request.event).__name__}")

        def on_error(self, request: Request) -> None:
            order.append(f"error:{type(request.error).__name__}")

    @chain(Record(), validator(inbound_schema=INBOUND, envelope=envelopes.API_GATEWAY_REST))
    def handler(event: Any, context: Any) -> Any:
        invocation = current()
        assert invocation is not None
        order.append("handler")
        return event["username"]

    assert handler(load_event("apigatewayeSchemaMiddlwareValidEvent.json"), None) == "lessa"
    with pytest.raises(SchemaValidationError):
        handler(load_event("apigatewayeSchemaMiddlwareInvalidEvent.json"), None)
    assert order == [
        "before:dict",
        "handler",
        "before:dict",
        "error:SchemaValidationError",
    ]


def test_it_decorates_methods() -> None:
    class Service:
        prefix = "hi "

        @validator(inbound_schema={"type": "string"})
        def handle(self, event: Any, context: Any) -> str:
            return self.prefix + event

    assert Service().handle("there", None) == "hi there"
    with pytest.raises(SchemaValidationError):
        Service().handle(3, None)
