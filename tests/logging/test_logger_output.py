"""What a line contains: Powertools' field names, on a real API Gateway event."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import load_event
from toolkit import Logger, context
from toolkit.config import environ
from toolkit.logging import correlation_paths
from toolkit.testing import lambda_context

RFC3339_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$")
ALB_TRACE = "Root=1-5c536348-3d683b8b04734faae651f476"
EVENTBRIDGE_ID = "6a7e8feb-b491-4cf7-a9f1-bf3703467718"
SQS_IDS = ["059f36b4-87a3-44ab-83d2-661975830a7d", "2e1424d4-f796-459a-8184-9c92662be6da"]
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def test_lines_on_a_real_event_carry_the_powertools_keys(stream, service):
    logger = Logger(service, stream=stream, sampling_rate=0.0, team="payments")
    event = load_event("apiGatewayProxyEvent.json")
    ctx = lambda_context(function_name="orders", memory_limit_in_mb="512")

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    def handler(event, context):
        logger.info("charging", order_id=7)
        return "ok"

    with environ({"_X_AMZN_TRACE_ID": TRACE}):
        assert handler(event, ctx) == "ok"
        handler(event, lambda_context(function_name="orders"))

    first, second = stream.records()
    assert list(first) == [
        "level",
        "location",
        "message",
        "timestamp",
        "service",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "correlation_id",
        "xray_trace_id",
        "sampling_rate",
        "team",
        "order_id",
    ]
    assert first["level"] == "INFO"
    assert first["message"] == "charging"
    assert re.match(r"^handler:\d+$", first["location"])
    assert RFC3339_MS.match(first["timestamp"])
    assert first["service"] == service
    assert first["cold_start"] is True and second["cold_start"] is False
    assert first["function_name"] == "orders"
    assert first["function_memory_size"] == 512
    assert first["function_arn"] == ctx.invoked_function_arn
    assert first["function_request_id"] == ctx.aws_request_id
    assert first["correlation_id"] == event["requestContext"]["requestId"]
    assert first["xray_trace_id"] == "1-5759e988-bd862e3fe1be46a994272793"
    assert first["sampling_rate"] == 0.0
    assert first["team"] == "payments"
    assert first["order_id"] == 7
    assert second["function_request_id"] != first["function_request_id"]


@pytest.mark.parametrize(
    ("event_file", "path", "expected"),
    [
        ("apiGatewayProxyV2Event.json", correlation_paths.API_GATEWAY_HTTP, "id"),
        (
            "albEvent.json",
            correlation_paths.APPLICATION_LOAD_BALANCER,
            "Root=1-5c536348-3d683b8b04734faae651f476",
        ),
        (
            "eventBridgeEvent.json",
            correlation_paths.EVENT_BRIDGE,
            "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        ),
        # a path over a batch's records gives the first record's id: one short value
        ("s3Event.json", correlation_paths.S3, "D82B88E5F771F645"),
        ("sqsEvent.json", correlation_paths.SQS, "059f36b4-87a3-44ab-83d2-661975830a7d"),
    ],
)
def test_correlation_paths_find_the_id_in_sample_events(
    stream, service, event_file, path, expected
):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context(correlation_id_path=path)
    def handler(event, context):
        logger.info("x")
        return logger.get_correlation_id()

    assert handler(load_event(event_file), lambda_context()) == expected
    assert stream.records()[0]["correlation_id"] == expected


def test_log_event_and_its_environment_default(stream, service, monkeypatch):
    logger = Logger(service, stream=stream)
    event = {"hello": "world"}

    @logger.inject_lambda_context(log_event=True)
    def explicit(event, context):
        return None

    explicit(event, lambda_context())
    assert stream.records()[0]["message"] == "Lambda event"
    assert stream.records()[0]["event"] == event

    monkeypatch.setenv("TOOLKIT_LOGGER_LOG_EVENT", "true")

    @logger.inject_lambda_context
    def from_env(event, context):
        return None

    from_env({"n": 2}, lambda_context())
    assert stream.records()[-1]["event"] == {"n": 2}


def test_without_lambda_context_or_trace_the_keys_are_left_out(stream, service):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.warning("w")

    handler({}, object())
    (record,) = stream.records()
    assert "function_name" not in record and "xray_trace_id" not in record
    assert "sampling_rate" not in record
    assert record["cold_start"] is True


def test_memory_size_that_is_not_a_number_is_kept_as_text(stream, service):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.info("m")

    handler({}, lambda_context(memory_limit_in_mb="lots"))
    assert stream.records()[0]["function_memory_size"] == "lots"


def test_messages_stay_what_they_were(stream, service):
    logger = Logger(service, stream=stream)
    logger.info("42")
    logger.info("null")
    logger.info("")
    logger.info({"structured": [1, 2]})
    logger.info({"message": "from the dict", "order": 7})
    logger.info("%s-%d", "a", 3)
    logger.info("%(who)s", {"who": "named"})
    logger.info(12.5)
    logger.info("100%")
    assert stream.messages() == [
        "42",
        "null",
        "",
        "",
        "from the dict",
        "a-3",
        "named",
        "12.5",
        "100%",
    ]
    records = stream.records()
    assert records[3]["structured"] == [1, 2]
    assert records[4]["order"] == 7


def test_bad_format_arguments_are_reported_not_raised(stream, service):
    logger = Logger(service, stream=stream)
    logger.info("%d items", "many")
    (record,) = stream.records()
    assert record["message"] == "%d items"
    assert record["message_args_error"].startswith("TypeError")


def test_levels_extra_and_exception_fields(stream, service):
    logger = Logger(service, "DEBUG", stream=stream)
    logger.debug("d")
    logger.warn("w")
    logger.error("e", extra={"from_extra": 1}, own=2)
    logger.critical("c")
    logger.fatal("f")
    logger.log(logging.INFO, "via log")
    logger.log("WARNING", "named level")
    logger.log(25, "custom level")
    try:
        raise KeyError("missing")
    except KeyError:
        logger.exception("failed", order=1)
    logger.error("with instance", exc_info=ValueError("given"))
    records = stream.records()
    assert [r["level"] for r in records] == [
        "DEBUG",
        "WARNING",
        "ERROR",
        "CRITICAL",
        "CRITICAL",
        "INFO",
        "WARNING",
        "Level 25",
        "ERROR",
        "ERROR",
    ]
    assert records[2]["from_extra"] == 1 and records[2]["own"] == 2
    failed = records[8]
    assert failed["exception_name"] == "KeyError"
    assert failed["exception"].startswith("Traceback (most recent call last)")
    assert failed["stack_trace"]["type"] == "KeyError"
    assert failed["stack_trace"]["module"] == "builtins"
    frame = failed["stack_trace"]["frames"][-1]
    assert frame["function"] == "test_levels_extra_and_exception_fields"
    assert frame["statement"] == 'raise KeyError("missing")'
    assert failed["order"] == 1
    assert records[9]["exception_name"] == "ValueError"
    assert records[9]["stack_trace"]["frames"] == []
    assert "exception" not in records[0]


def test_exception_outside_an_except_block_logs_without_fields(stream, service):
    logger = Logger(service, stream=stream)
    logger.exception("nothing raised")
    (record,) = stream.records()
    assert record["message"] == "nothing raised" and "exception" not in record


def test_stacklevel_points_location_at_the_callers_caller(stream, service):
    logger = Logger(service, stream=stream)

    def helper():
        logger.info("from helper", stacklevel=2)

    helper()
    assert stream.records()[0]["location"].startswith(
        "test_stacklevel_points_location_at_the_callers_caller:"
    )


def test_keys_block_append_remove_and_scope(stream, service):
    logger = Logger(service, stream=stream, static=1)
    logger.append_keys(module_level="kept")
    with logger.keys(block="b"):
        logger.info("in block")
        with context.scope("record", batch_record_id="r1"):
            logger.info("in scope")
        logger.info("after scope")
    logger.info("after block")
    logger.remove_keys("static", "module_level")
    logger.info("removed")
    in_block, in_scope, after_scope, after_block, removed = stream.records()
    assert in_block["block"] == "b" and in_block["module_level"] == "kept"
    assert in_scope["batch_record_id"] == "r1"
    assert "batch_record_id" not in after_scope
    assert "block" not in after_block
    assert "static" not in removed and "module_level" not in removed
    assert logger.get_current_keys() == {"service": service}


def test_set_and_get_correlation_id(stream, service):
    logger = Logger(service, stream=stream)
    assert logger.get_correlation_id() is None
    logger.set_correlation_id("abc")
    logger.info("x")
    assert logger.get_correlation_id() == "abc"
    logger.set_correlation_id(None)
    logger.info("y")
    first, second = stream.records()
    assert first["correlation_id"] == "abc" and "correlation_id" not in second


def test_environment_configures_service_level_and_sampling(stream, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "from-env")
    monkeypatch.setenv("TOOLKIT_LOG_LEVEL", "warn")
    logger = Logger(stream=stream)
    logger.info("hidden")
    logger.warning("shown")
    assert stream.records()[0]["service"] == "from-env"
    assert len(stream.records()) == 1
    monkeypatch.setenv("TOOLKIT_LOGGER_SAMPLE_RATE", "0.5")
    assert Logger("x", stream=stream).sampling_rate == 0.5
    assert Logger("x", stream=stream, sampling_rate=1).sampling_rate == 1.0
    assert repr(Logger("x", "ERROR", stream=stream)) == "<toolkit.Logger x (ERROR)>"
