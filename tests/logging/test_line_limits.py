"""Every line toolkit writes is whole, strict JSON, at most CloudWatch's event size, and keeps
its own fields: bad values, huge values, colliding keys and timeouts included."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import IO, Any

import pytest

from toolkit import Logger
from toolkit.logging import correlation_paths
from toolkit.metrics import Metrics, MetricUnit
from toolkit.metrics import metrics as metrics_module
from toolkit.middleware import LambdaTimeoutError, timeout_guard
from toolkit.testing import lambda_context

# CloudWatch Logs' event limit: 256 KiB counting the message in UTF-8 plus 26 bytes
MAX_LINE_BYTES = 262_144 - 26


def strict(line: str) -> dict[str, Any]:
    def refuse(token: str) -> None:
        raise AssertionError(f"non-strict JSON token {token}")

    return json.loads(line, parse_constant=refuse)


# --- B8: one bad value --------------------------------------------------------------------


def test_one_bad_value_is_marked_and_the_rest_of_the_line_kept(stream, service):
    logger = Logger(service, stream=stream, tenant="t-1")
    loop: dict[str, Any] = {}
    loop["again"] = loop

    @logger.inject_lambda_context
    def handler(event, context):
        logger.info("charged", order_id=7, big=10**5000, deep={"a": [{"b": loop}]})

    handler({}, lambda_context())
    (record,) = stream.records()
    assert record["message"] == "charged" and record["order_id"] == 7
    assert record["service"] == service and record["tenant"] == "t-1"
    assert record["function_request_id"] and record["timestamp"]
    assert record["big"] == "<int of 16610 bits>"
    assert record["deep"] == {"a": [{"b": {"again": "<circular reference>"}}]}


# --- B10: back-references -----------------------------------------------------------------


@pytest.mark.timeout(10)
def test_structures_with_two_back_references_log_promptly_and_bounded(stream, service):
    logger = Logger(service, stream=stream)
    twice: dict[str, Any] = {}
    twice["left"] = twice
    twice["right"] = twice
    root: dict[str, Any] = {"name": "root", "children": []}
    for index in range(4):
        child: dict[str, Any] = {"name": f"c{index}", "parent": root, "children": []}
        root["children"].append(child)
        child["children"] = [{"name": "leaf", "parent": child, "root": root}]
    started = time.monotonic()
    logger.info("twice", value=twice)
    logger.info("tree", tree=root)
    assert time.monotonic() - started < 1
    first, second = stream.records()
    assert first["value"] == {"left": "<circular reference>", "right": "<circular reference>"}
    leaf = second["tree"]["children"][0]["children"][0]
    assert leaf == {
        "name": "leaf",
        "parent": "<circular reference>",
        "root": "<circular reference>",
    }
    assert all(len(line) <= MAX_LINE_BYTES for line in stream.getvalue().splitlines())


# --- B11: the size limit ------------------------------------------------------------------


def test_a_line_over_cloudwatchs_limit_is_cut_keeping_its_own_fields(stream, service):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context(correlation_id_path="id")
    def handler(event, context):
        logger.error("x" * 400_000, payload=["y" * 1000] * 300, order_id=5)

    handler({"id": "corr-1"}, lambda_context())
    (line,) = stream.getvalue().splitlines()
    assert len(line.encode()) <= MAX_LINE_BYTES
    record = strict(line)
    assert record["level"] == "ERROR" and record["message"].startswith("xxxx")
    assert record["timestamp"] and record["service"] == service and record["order_id"] == 5
    assert record["function_request_id"] and record["cold_start"] in (True, False)
    assert record["correlation_id"] == "corr-1"
    assert record["line_truncated"]["original_bytes"] > 500_000
    assert record["line_truncated"]["dropped"] == ["payload"]


def test_a_batch_correlation_path_gives_one_short_id(stream, service):
    logger = Logger(service, stream=stream)
    records = [{"messageId": str(uuid.UUID(int=index)), "body": "{}"} for index in range(10_000)]

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.SQS)
    def handler(event, context):
        logger.info("batch")
        logger.info("done")

    handler({"Records": records}, lambda_context())
    lines = stream.getvalue().splitlines()
    assert all(len(line) < 2000 for line in lines)
    assert [strict(line)["correlation_id"] for line in lines] == [records[0]["messageId"]] * 2


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"id": []}, None),
        ({"id": {"an": "object"}}, None),
        ({"id": 42}, 42),
        ({"id": "z" * 1000}, "z" * 256),
    ],
)
def test_what_a_correlation_path_yields_becomes_one_short_value(
    stream: Any, service: str, event: dict[str, Any], expected: Any
) -> None:
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context(correlation_id_path="id")
    def handler(event, context):
        logger.info("x")

    handler(event, lambda_context())
    assert stream.records()[0].get("correlation_id") == expected


def test_an_emf_document_with_huge_metadata_keeps_every_metric_and_fits(capsys):
    metrics = Metrics(namespace="Orders", service="svc")
    for index in range(100):
        metrics.add_metric(name=f"m{index}", unit=MetricUnit.Count, value=index)
    metrics.add_metadata("blob", "b" * 400_000)
    metrics.add_metadata("note", "kept")
    metrics.flush_metrics()
    (line,) = capsys.readouterr().out.splitlines()
    assert len(line.encode()) <= MAX_LINE_BYTES
    document = strict(line)
    assert [document[f"m{index}"] for index in range(100)] == list(range(100))
    assert document["note"] == "kept" and document["blob"].startswith("bbb")
    assert document["line_truncated"]["cut"] == ["blob"]
    assert len(document["_aws"]["CloudWatchMetrics"][0]["Metrics"]) == 100


# --- B2 (encoding): EMF documents are strict JSON within CloudWatch's ranges ----------------


def test_emf_metadata_that_json_lacks_never_breaks_the_document(capsys):
    metrics = Metrics(namespace="Orders", service="svc")
    loop: list[Any] = []
    loop.append(loop)
    metrics.add_metric(name="Charged", unit=MetricUnit.Count, value=1)
    metrics.add_metadata("nan", float("nan"))
    metrics.add_metadata("inf", [float("inf")])
    metrics.add_metadata("huge", 10**400)
    metrics.add_metadata("loop", loop)
    metrics.add_metadata("keys", {(1, 2): "tuple", 1: "int", "1": "str"})
    metrics.flush_metrics()
    (line,) = capsys.readouterr().out.splitlines()
    document = strict(line)
    assert document["Charged"] == 1
    assert (document["nan"], document["inf"]) == ("NaN", ["Infinity"])
    assert document["huge"] == str(10**400)
    assert document["loop"] == ["<circular reference>"]
    assert document["keys"] == {"(1, 2)": "tuple", "1 (int)": "int", "1": "str"}


# --- B12: the line's own fields win ---------------------------------------------------------


def test_keys_named_like_the_lines_own_fields_do_not_replace_them(stream, service):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.error("payment failed", level="low", timestamp="yesterday", service="other")
        logger.info({"message": "dict", "function_request_id": "forged", "location": "x"})
        logger.info("both", extra_level="mine", level="low")

    handler({}, lambda_context(aws_request_id="req-1"))
    first, second, third = stream.records()
    assert (first["level"], first["service"]) == ("ERROR", service)
    assert first["timestamp"] != "yesterday"
    assert (first["extra_level"], first["extra_timestamp"], first["extra_service"]) == (
        "low",
        "yesterday",
        "other",
    )
    assert second["message"] == "dict" and second["function_request_id"] == "req-1"
    assert second["extra_function_request_id"] == "forged" and second["extra_location"] == "x"
    assert third["extra_level"] == "mine" and third["extra_extra_level"] == "low"


def test_appended_and_constructor_keys_named_like_own_fields_do_not_replace_them(stream, service):
    logger = Logger(service, stream=stream, cold_start="forged")
    logger.append_keys(level="persistent")

    @logger.inject_lambda_context
    def handler(event, context):
        logger.append_keys(function_request_id="forged", location="nowhere")
        logger.info("appended")

    handler({}, lambda_context(aws_request_id="req-1"))
    (line,) = stream.records()
    assert (line["level"], line["function_request_id"]) == ("INFO", "req-1")
    assert line["location"] != "nowhere" and line["cold_start"] in (True, False)
    assert (line["extra_level"], line["extra_function_request_id"]) == ("persistent", "forged")
    assert (line["extra_location"], line["extra_cold_start"]) == ("nowhere", "forged")


def test_a_dict_message_with_int_and_string_keys_alike_gives_distinct_names(service):
    stream_lines: list[str] = []

    class Sink:
        def write(self, text: str) -> None:
            stream_lines.append(text)

        def flush(self) -> None:
            pass

    logger = Logger(service, stream=Sink())  # type: ignore[arg-type]
    logger.info({1: "int", "1": "str", "message": "m"})
    (line,) = "".join(stream_lines).splitlines()
    pairs = json.loads(line, object_pairs_hook=lambda pairs: pairs)
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names))
    assert dict(pairs)["1 (int)"] == "int" and dict(pairs)["1"] == "str"


# --- B5: a timeout during a blocked write -------------------------------------------------


@pytest.fixture
def slow_pipe() -> Iterator[tuple[IO[str], Callable[[], list[str]]]]:
    """A pipe whose reader starts reading only after 0.6 s, as stdout when the runtime is
    slow to drain it: a write of more than 64 KiB blocks until then. The second item closes
    the pipe and returns the lines that came through."""
    read_fd, write_fd = os.pipe()
    stream = open(write_fd, "w")  # noqa: SIM115 - closed by finish(), which ends the reader
    received: list[bytes] = []

    def read_later() -> None:
        time.sleep(0.6)
        with open(read_fd, "rb") as source:
            received.append(source.read())

    reader = threading.Thread(target=read_later)
    reader.start()

    def finish() -> list[str]:
        if not stream.closed:
            stream.close()
        reader.join(5)
        return b"".join(received).decode().splitlines()

    yield stream, finish
    finish()


def test_a_timeout_during_a_blocked_log_write_leaves_whole_lines(slow_pipe, service):
    stream, finish = slow_pipe
    logger = Logger(service, stream=stream)

    @timeout_guard(margin_ms=300)
    def handler(event, context):
        logger.info("big", payload="p" * 200_000)

    with pytest.raises(LambdaTimeoutError):
        handler({}, lambda_context(timeout_ms=500))
    logger.info("after")
    records = [strict(line) for line in finish()]
    assert [record["message"] for record in records] == ["big", "after"]
    assert records[0]["payload"] == "p" * 200_000


def test_a_timeout_during_a_blocked_emf_write_leaves_whole_documents(
    slow_pipe, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream, finish = slow_pipe
    monkeypatch.setattr(sys, "stdout", stream)
    metrics_module._registry.clear()
    metrics = Metrics(namespace="Orders", service="svc")

    @timeout_guard(margin_ms=300)
    @metrics.log_metrics
    def handler(event, context):
        metrics.add_metric(name="Charged", unit=MetricUnit.Count, value=1)
        metrics.add_metadata("blob", "b" * 150_000)

    with pytest.raises(LambdaTimeoutError):
        handler({}, lambda_context(timeout_ms=500))
    stream.write("after\n")
    lines = finish()
    assert len(lines) == 2 and lines[1] == "after"
    document = strict(lines[0])
    assert document["Charged"] == 1 and document["blob"] == "b" * 150_000
