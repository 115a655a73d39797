"""Toolkit decorators and Powertools' decorators on one handler, in either order (issue 8).

Powertools' decorators (``@event_source``, ``@validator``, ``@event_parser``, ``@idempotent``
and users' own ``@lambda_handler_decorator``) are all made by its middleware factory, which
refuses anything ``inspect.isfunction`` rejects. Every test here uses the real
aws_lambda_powertools and real toolkit components.
"""

from __future__ import annotations

import inspect
import io
import json
import uuid
from typing import Any

import pytest
from aws_lambda_powertools.middleware_factory import lambda_handler_decorator as pt_factory
from aws_lambda_powertools.utilities.data_classes import SQSEvent, event_source
from aws_lambda_powertools.utilities.parser import BaseModel, event_parser
from aws_lambda_powertools.utilities.validation import validator
from aws_lambda_powertools.utilities.validation.exceptions import SchemaValidationError

from toolkit import Logger, Tracer
from toolkit.middleware import (
    Middleware,
    MiddlewareUsageError,
    Request,
    chain,
    lambda_handler_decorator,
    middleware,
)
from toolkit.testing import XRayCapture, lambda_context

ORDER_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "integer"}},
    "required": ["id"],
}


class Order(BaseModel):
    id: int
    item: str = "book"


def tracing(trace: list[str]) -> Any:
    @middleware
    def toolkit_mw(handler: Any, event: Any, context: Any, *, tag: str = "tk") -> Any:
        trace.append(f"{tag}>")
        try:
            return handler(event, context)
        finally:
            trace.append(f"<{tag}")

    return toolkit_mw


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_toolkit_handler_is_a_plain_function() -> None:
    @tracing([])
    def handler(event: Any, context: Any) -> Any:
        """Doc."""
        return event

    class Callable_:
        def __call__(self, event: Any, context: Any) -> Any:
            return event

    assert inspect.isfunction(tracing([])(Callable_()))  # a callable object too
    assert inspect.isfunction(handler)
    assert handler.__name__ == "handler" and handler.__doc__ == "Doc."
    assert inspect.unwrap(handler).__name__ == "handler"


def test_event_source_above_the_logger() -> None:
    stream = io.StringIO()
    logger = Logger(f"interop-{uuid.uuid4().hex[:8]}", stream=stream)
    seen: list[Any] = []

    @event_source(data_class=SQSEvent)
    @logger.inject_lambda_context
    def handler(event: SQSEvent, context: Any) -> int:
        seen.append(event)
        logger.info("records", count=len(list(event.records)))
        return 200

    event = {"Records": [{"messageId": "m-1", "body": "{}"}]}
    context = lambda_context()
    assert handler(event, context) == 200
    assert isinstance(seen[0], SQSEvent)
    (line,) = lines(stream)
    assert line["message"] == "records" and line["count"] == 1
    assert line["function_request_id"] == context.aws_request_id


def test_validator_above_toolkit_middlewares() -> None:
    trace: list[str] = []

    @validator(inbound_schema=ORDER_SCHEMA)
    @chain(tracing(trace), tracing(trace)(tag="inner"))
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        trace.append("handler")
        return {"order": event["id"]}

    assert handler({"id": 7}, lambda_context()) == {"order": 7}
    assert trace == ["tk>", "inner>", "handler", "<inner", "<tk"]
    trace.clear()
    with pytest.raises(SchemaValidationError):
        handler({"id": "seven"}, lambda_context())
    assert trace == []  # refused before any toolkit layer ran


def test_event_parser_above_a_toolkit_decorator_explicit_and_inferred_model() -> None:
    trace: list[str] = []

    @event_parser(model=Order)
    @tracing(trace)
    def explicit(event: Order, context: Any) -> str:
        return f"{event.id}:{event.item}"

    @event_parser
    @tracing(trace)
    def inferred(event: Order, context: Any) -> str:  # model from the annotation
        return f"{event.id}:{event.item}"

    assert explicit({"id": 1}, lambda_context()) == "1:book"
    assert inferred({"id": 2, "item": "pen"}, lambda_context()) == "2:pen"
    assert trace == ["tk>", "<tk", "tk>", "<tk"]


def test_a_users_powertools_factory_middleware_with_options_on_both_sides() -> None:
    trace: list[str] = []

    @pt_factory
    def powertools_mw(handler: Any, event: Any, context: Any, tag: str = "pt") -> Any:
        trace.append(f"{tag}>")
        response = handler(event, context)
        trace.append(f"<{tag}")
        return response

    toolkit_mw = tracing(trace)

    @toolkit_mw(tag="outer")
    @powertools_mw(tag="middle")
    @toolkit_mw
    def handler(event: Any, context: Any) -> str:
        trace.append("handler")
        return "ok"

    assert handler({}, lambda_context()) == "ok"
    # Powertools' wrapper copies the inner toolkit handler's attributes (functools.wraps):
    # the outer toolkit decorator must still wrap it, not fold past it.
    assert trace == ["outer>", "middle>", "tk>", "handler", "<tk", "<middle", "<outer"]


def test_toolkit_decorators_above_powertools_ones_see_the_users_function() -> None:
    targets: list[str] = []

    class Spy(Middleware):
        def setup(self, target: Any) -> None:
            targets.append(target.name)

        def before(self, request: Request) -> Any:
            request.state["kind"] = type(request.event).__name__
            return None

    stream = io.StringIO()
    logger = Logger(f"interop-{uuid.uuid4().hex[:8]}", stream=stream)

    @logger.inject_lambda_context(log_event=False)
    @Spy()
    @event_parser(model=Order)
    def handler(event: Order, context: Any) -> int:
        logger.info("parsed", order=event.id)
        return event.id

    assert handler({"id": 3}, lambda_context()) == 3
    assert targets == ["handler"]
    (line,) = lines(stream)
    assert line["order"] == 3 and line["function_name"] == lambda_context().function_name


def test_idempotent_above_a_toolkit_decorator(moto_server: str) -> None:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent,
    )

    from tests.aws import client

    dynamodb = client("dynamodb", moto_server)
    table = f"idempotency-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    store = DynamoDBPersistenceLayer(table_name=table, boto3_client=dynamodb)
    trace: list[str] = []
    runs: list[int] = []

    @idempotent(persistence_store=store, config=IdempotencyConfig(event_key_jmespath="id"))
    @tracing(trace)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        runs.append(event["id"])
        return {"charged": event["id"]}

    assert handler({"id": 5}, lambda_context()) == {"charged": 5}
    assert handler({"id": 5}, lambda_context()) == {"charged": 5}  # from the table
    assert runs == [5]
    assert trace == ["tk>", "<tk"]


def test_static_and_class_methods_bind_as_they_do_undecorated() -> None:
    trace: list[str] = []
    toolkit_mw = tracing(trace)

    class Service:
        @toolkit_mw
        @staticmethod
        def static(event: Any, context: Any) -> Any:
            return ("static", event)

        @classmethod
        @toolkit_mw
        def klass(cls, event: Any, context: Any) -> Any:
            return (cls.__name__, event)

    assert "Service.static" in repr(Service.__dict__["static"])
    assert Service().static(1, None) == ("static", 1)
    assert Service.static(2, None) == ("static", 2)
    assert Service().klass(3, None) == ("Service", 3)
    assert trace == ["tk>", "<tk"] * 3


# --- toolkit.middleware.lambda_handler_decorator: Powertools' factory on toolkit's engine ---


def obfuscate(handler: Any, event: Any, context: Any, fields: list[str] | None = None) -> Any:
    """Powertools' documented shape: an option as an ordinary parameter with a default."""
    for field in fields or ():
        if field in event:
            event[field] = "*" * len(event[field])
    return handler(event, context)


def test_factory_bare_configured_and_in_a_chain() -> None:
    mw = lambda_handler_decorator(obfuscate)

    @mw
    def bare(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return event

    @mw(fields=["email"])
    def configured(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return event

    trace: list[str] = []

    @chain(tracing(trace), mw(fields=["card"]))
    def chained(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return event

    assert bare({"email": "a@b"}, None) == {"email": "a@b"}
    assert configured({"email": "a@b"}, None) == {"email": "***"}
    assert chained({"card": "4242"}, None) == {"card": "****"}
    assert trace == ["tk>", "<tk"]


def test_factory_accepts_arbitrary_keyword_options() -> None:
    @lambda_handler_decorator
    def tag(handler: Any, event: Any, context: Any, **kwargs: Any) -> Any:
        return {**handler(event, context), **kwargs}

    @tag(team="payments", tier=1)
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"ok": True}

    assert handler({}, None) == {"ok": True, "team": "payments", "tier": 1}


def test_factory_refuses_positional_and_unknown_options_when_decorating() -> None:
    mw = lambda_handler_decorator(obfuscate)
    with pytest.raises(MiddlewareUsageError, match=r"obfuscate.*keyword arguments only"):
        mw(["email"])
    with pytest.raises(TypeError, match=r"obfuscate.*no option field"):
        mw(field=["email"])
    with pytest.raises(TypeError, match="takes the middleware function"):
        lambda_handler_decorator(True)  # type: ignore[call-overload]

    @lambda_handler_decorator
    def needs_table(handler: Any, event: Any, context: Any, table: str) -> Any:
        return handler(event, context)

    with pytest.raises(MiddlewareUsageError, match=r"needs_table.*needs the option.*table"):
        needs_table(lambda event, context: None)
    assert needs_table(table="t")(lambda event, context: event)(1, None) == 1


def test_keyword_arguments_of_a_call_reach_the_handler_not_the_factory_middleware() -> None:
    seen: list[Any] = []

    @lambda_handler_decorator
    def spy(handler: Any, event: Any, context: Any, **options: Any) -> Any:
        seen.append(options)
        return handler(event, context)

    @spy
    def record_handler(record: Any, *, lambda_context: Any = None) -> Any:
        return (record, lambda_context)

    assert record_handler("r", lambda_context="ctx") == ("r", "ctx")
    assert seen == [{}]


def log_response(handler: Any, event: Any, context: Any) -> Any:
    if event.get("fail"):
        raise ValueError("refused by the middleware")
    return handler(event, context)


def traced_handler(mw: Any) -> Any:
    tracer = Tracer("payments")

    @tracer.capture_lambda_handler
    @mw
    def handler(event: Any, context: Any) -> str:
        return "ok"

    return handler


def test_trace_execution_records_a_subsegment_under_the_handlers() -> None:
    with XRayCapture() as xray:
        handler = traced_handler(lambda_handler_decorator(trace_execution=True)(log_response))
        assert handler({}, lambda_context()) == "ok"
        with pytest.raises(ValueError, match="refused"):
            handler({"fail": True}, lambda_context())
        xray.flush()
        first, failed = xray.subsegments(name="## log_response")
        outer = xray.subsegments(name="## handler")
    assert first["parent_id"] == outer[0]["id"] and failed["parent_id"] == outer[1]["id"]
    assert first["trace_id"] == xray.trace_id
    assert "fault" not in first and failed["fault"] is True
    assert failed["cause"]["exceptions"][0]["type"] == "ValueError"


@pytest.mark.parametrize("variable", ["TOOLKIT_TRACE_MIDDLEWARES", "POWERTOOLS_TRACE_MIDDLEWARES"])
def test_trace_execution_defaults_to_the_environment_and_the_argument_wins(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    untraced = lambda_handler_decorator(log_response)
    monkeypatch.setenv(variable, "true")
    from_env = lambda_handler_decorator(log_response)
    refused = lambda_handler_decorator(log_response, trace_execution=False)
    with XRayCapture() as xray:
        for mw in (untraced, from_env, refused):
            traced_handler(mw)({}, lambda_context())
        xray.flush()
        assert len(xray.subsegments(name="## handler")) == 3
        assert len(xray.subsegments(name="## log_response")) == 1
