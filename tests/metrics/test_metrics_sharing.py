"""What same-namespace instances share (docs/metrics.md, "Sharing rule"): the buffer, yes; a
decorator's options, no; and what was added outside an invocation is never flushed with one."""

from __future__ import annotations

import threading
import warnings

import pytest
from metrics_emf import metric_names, parse

from toolkit.metrics import Metrics, MetricUnit
from toolkit.middleware import chain, middleware
from toolkit.testing import lambda_context


def test_one_handlers_default_dimensions_stay_out_of_another_handlers_documents(
    capsys: pytest.CaptureFixture[str],
):
    orders = Metrics(namespace="Shop")
    refunds = Metrics(namespace="Shop")  # same namespace: same buffer

    @orders.log_metrics(default_dimensions={"stage": "prod", "api": "orders"})
    def order_handler(event: object, context: object) -> None:
        orders.add_metric("Orders", MetricUnit.Count, 1)

    @refunds.log_metrics
    def refund_handler(event: object, context: object) -> None:
        refunds.add_metric("Refunds", MetricUnit.Count, 1)

    order_handler({}, lambda_context())
    refund_handler({}, lambda_context())
    order_handler({}, lambda_context())
    first, refund, second = parse(capsys.readouterr().out)
    for document in (first, second):
        assert (document["stage"], document["api"]) == ("prod", "orders")
        assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["stage", "api"]]
    assert "stage" not in refund and "api" not in refund
    assert refund["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[]]
    # a dimension name of the running handler is taken for that handler's flushes only
    refunds.add_metric("stage", MetricUnit.Count, 1)
    refunds.clear_metrics()


def test_default_dimensions_option_counts_toward_the_30_dimension_limit() -> None:
    from toolkit.metrics import DimensionLimitError

    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics(default_dimensions={f"d{index}": "x" for index in range(29)})
    def handler(event: object, context: object) -> None:
        metrics.add_dimension("extra", "1")  # the 30th: fine
        metrics.add_dimension("one_too_many", "1")

    with pytest.raises(DimensionLimitError, match="31 dimensions"):
        handler({}, lambda_context())
    metrics.clear_metrics()


def test_a_metric_added_outside_any_invocation_is_not_flushed_with_the_next_one(
    capsys: pytest.CaptureFixture[str],
):
    metrics = Metrics(namespace="Shop", service="orders")
    metrics.add_metric("ModuleLoaded", MetricUnit.Count, 1)  # at import time, or in a test

    @metrics.log_metrics
    def handler(event: object, context: object) -> None:
        metrics.add_dimension("customer", "c-1")
        metrics.add_metadata("request", "r-1")
        metrics.add_metric("Orders", MetricUnit.Count, 1)

    with pytest.warns(RuntimeWarning, match=r"outside a log_metrics handler \(ModuleLoaded\)"):
        handler({}, lambda_context())
    outside, invocation = parse(capsys.readouterr().out)
    assert metric_names(outside) == ["ModuleLoaded"]
    assert "customer" not in outside and "request" not in outside  # not the invocation's
    assert outside["service"] == "orders"  # the instance's default dimensions do apply
    assert metric_names(invocation) == ["Orders"] and invocation["customer"] == "c-1"

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the next invocation finds nothing of anyone else's
        handler({}, lambda_context())
    [document] = parse(capsys.readouterr().out)
    assert metric_names(document) == ["Orders"]


def test_a_thread_that_adds_after_the_flush_does_not_reach_the_next_invocation(
    capsys: pytest.CaptureFixture[str],
):
    metrics = Metrics(namespace="Shop")
    late: list[threading.Thread] = []

    @metrics.log_metrics
    def handler(event: dict[str, str], context: object) -> None:
        metrics.add_dimension("customer", event["customer"])
        metrics.add_metric("Orders", MetricUnit.Count, 1)
        late.append(threading.Timer(0.05, metrics.add_metric, ("Late", MetricUnit.Count, 1)))
        late[-1].start()

    handler({"customer": "first"}, lambda_context())
    late[0].join()
    with pytest.warns(RuntimeWarning, match=r"\(Late\)"):
        handler({"customer": "second"}, lambda_context())
    late[1].join()
    first, orphan, second = parse(capsys.readouterr().out)
    assert first["customer"] == "first"
    assert metric_names(orphan) == ["Late"] and "customer" not in orphan
    assert metric_names(second) == ["Orders"] and second["customer"] == "second"
    metrics.clear_metrics()


def test_dimensions_added_outside_any_invocation_are_dropped_with_a_warning(
    capsys: pytest.CaptureFixture[str],
):
    metrics = Metrics(namespace="Shop")
    metrics.add_dimension("environment", "prod")  # meant as a default dimension

    @metrics.log_metrics
    def handler(event: object, context: object) -> None:
        metrics.add_metric("Orders", MetricUnit.Count, 1)

    with pytest.warns(RuntimeWarning, match="environment.*set_default_dimensions"):
        handler({}, lambda_context())
    [document] = parse(capsys.readouterr().out)
    assert "environment" not in document


def test_what_an_outer_middleware_adds_is_the_invocations(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")

    @middleware
    def count_calls(handler, event, context):  # type: ignore[no-untyped-def]
        metrics.add_metric("Calls", MetricUnit.Count, 1)
        return handler(event, context)

    @chain(count_calls, metrics.log_metrics(default_dimensions={"stage": "prod"}))
    def handler(event: object, context: object) -> None:
        metrics.add_metric("Orders", MetricUnit.Count, 1)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        handler({}, lambda_context())
    [document] = parse(capsys.readouterr().out)
    assert metric_names(document) == ["Calls", "Orders"] and document["stage"] == "prod"


def test_nested_handlers_of_one_namespace_flush_once_each(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics(default_dimensions={"layer": "inner"})
    def inner(event: object, context: object) -> None:
        metrics.add_metric("Inner", MetricUnit.Count, 1)

    @metrics.log_metrics(default_dimensions={"layer": "outer"})
    def outer(event: object, context: object) -> None:
        metrics.add_metric("Outer", MetricUnit.Count, 1)
        inner(event, context)
        metrics.add_metric("After", MetricUnit.Count, 1)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outer({}, lambda_context())
    first, second = parse(capsys.readouterr().out)
    # the inner flush writes the shared buffer with its own dimensions, then the outer's apply
    assert metric_names(first) == ["Outer", "Inner"] and first["layer"] == "inner"
    assert metric_names(second) == ["After"] and second["layer"] == "outer"


def test_disabled_metrics_drop_what_was_added_outside_without_a_word(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("TOOLKIT_METRICS_DISABLED", "true")
    metrics = Metrics(namespace="Shop")
    metrics.add_metric("ModuleLoaded", MetricUnit.Count, 1)

    @metrics.log_metrics
    def handler(event: object, context: object) -> None:
        metrics.add_metric("Orders", MetricUnit.Count, 1)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        handler({}, lambda_context())
    assert capsys.readouterr() == ("", "")
