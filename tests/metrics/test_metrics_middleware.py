"""log_metrics on the middleware engine: flushing on return and on error (timeouts included),
the cold-start metric, empty flushes, default dimensions, no leaks between invocations."""

from __future__ import annotations

import json
import math
import time
import warnings
from typing import Any

import pytest
from metrics_emf import flushed, metric_names, parse

from toolkit.metrics import EmptyMetricsError, Metrics, MetricUnit, SchemaValidationError
from toolkit.middleware import (
    LambdaTimeoutError,
    Middleware,
    MiddlewareUsageError,
    Request,
    chain,
    middleware,
    timeout_guard,
)
from toolkit.testing import lambda_context


def test_bare_decorator_flushes_after_the_handler(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop", service="orders")

    @metrics.log_metrics
    def handler(event: dict[str, Any], context: object) -> str:
        metrics.add_metric("Orders", MetricUnit.Count, event["n"])
        assert capsys.readouterr().out == ""  # nothing is written before the flush
        return "ok"

    assert handler({"n": 2}, lambda_context()) == "ok"
    [document] = parse(capsys.readouterr().out)
    assert document["Orders"] == 2 and metric_names(document) == ["Orders"]


def test_cold_start_metric_once_in_its_own_document(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop", service="orders")

    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: object, context: object) -> None:
        metrics.add_dimension("customer", "c-1")
        metrics.add_metric("Orders", MetricUnit.Count, 1)

    handler({}, lambda_context(function_name="orders-fn"))
    cold, first = parse(capsys.readouterr().out)
    assert metric_names(cold) == ["ColdStart"] and cold["ColdStart"] == 1
    assert cold["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["function_name", "service"]]
    assert (cold["function_name"], cold["service"]) == ("orders-fn", "orders")
    assert "customer" not in cold and "ColdStart" not in first
    assert cold["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Shop"

    handler({}, lambda_context(function_name="orders-fn"))
    [warm] = parse(capsys.readouterr().out)
    assert metric_names(warm) == ["Orders"]


def test_handler_that_raises_still_flushes_and_counts_the_cold_start(
    capsys: pytest.CaptureFixture[str],
):
    metrics = Metrics(namespace="Shop", service="orders")

    @metrics.log_metrics(capture_cold_start_metric=True, raise_on_empty_metrics=True)
    def handler(event: object, context: object) -> None:
        metrics.add_metric("Attempts", MetricUnit.Count, 1)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        handler({}, lambda_context())
    cold, attempts = parse(capsys.readouterr().out)
    assert metric_names(cold) == ["ColdStart"]
    assert attempts["Attempts"] == 1


def test_raise_before_any_metric_does_not_hide_the_error(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics(capture_cold_start_metric=True, raise_on_empty_metrics=True)
    def handler(event: object, context: object) -> None:
        raise KeyError("missing")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(KeyError):
            handler({}, lambda_context())
    [cold] = parse(capsys.readouterr().out)
    assert metric_names(cold) == ["ColdStart"]


def test_timeout_guard_timeout_still_flushes(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop", service="orders")

    @timeout_guard(margin_ms=200)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: object, context: object) -> None:
        metrics.add_metric("Started", MetricUnit.Count, 1)
        time.sleep(2)
        metrics.add_metric("Finished", MetricUnit.Count, 1)

    started = time.monotonic()
    with pytest.raises(LambdaTimeoutError):
        handler({}, lambda_context(timeout_ms=400))
    assert time.monotonic() - started < 1.5
    cold, document = parse(capsys.readouterr().out)
    assert metric_names(cold) == ["ColdStart"]
    assert metric_names(document) == ["Started"]


def test_raise_on_empty_metrics(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics(raise_on_empty_metrics=True)
    def strict(event: object, context: object) -> str:
        return "ok"

    with pytest.raises(EmptyMetricsError, match="'Shop'") as caught:
        strict({}, lambda_context())
    assert isinstance(caught.value, SchemaValidationError)
    assert capsys.readouterr().out == ""


def test_empty_flush_warns_once_and_writes_nothing(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics
    def handler(event: object, context: object) -> str:
        return "ok"

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert handler({}, lambda_context()) == "ok"
        assert handler({}, lambda_context()) == "ok"
    assert [str(w.message) for w in caught] == [
        "no metrics were added in namespace 'Shop' before this flush, so it wrote nothing "
        "(warned once; raise_on_empty_metrics=True makes it an error)"
    ]
    assert caught[0].filename == __file__  # the line that called the handler, not toolkit
    assert capsys.readouterr().out == ""


def test_default_dimensions_option_persists_and_per_invocation_ones_do_not_leak(
    capsys: pytest.CaptureFixture[str],
):
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics(default_dimensions={"stage": "prod"})
    def handler(event: dict[str, Any], context: object) -> None:
        if event.get("customer"):
            metrics.add_dimension("customer", event["customer"])
            metrics.add_dimensions(tier="gold")
            metrics.add_metadata("request", "r-1")
        metrics.add_metric("Orders", MetricUnit.Count, 1)

    handler({"customer": "c-1"}, lambda_context())
    handler({}, lambda_context())
    first, second = parse(capsys.readouterr().out)
    assert first["customer"] == "c-1" and first["stage"] == "prod"
    assert second["stage"] == "prod"
    for key in ("customer", "tier", "request"):
        assert key not in second
    assert second["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["stage"]]
    assert second["Orders"] == 1  # not [1, 1]: the first invocation's value was flushed


def test_helper_module_metrics_flush_with_the_handler(capsys: pytest.CaptureFixture[str]):
    helper_metrics = Metrics(namespace="Shop")  # as if defined at a helper module's top level

    def charge() -> None:
        helper_metrics.add_metric("Charged", MetricUnit.Count, 1)

    metrics = Metrics(namespace="Shop", service="orders")

    @metrics.log_metrics
    def handler(event: object, context: object) -> None:
        charge()
        metrics.add_metric("Orders", MetricUnit.Count, 1)

    handler({}, lambda_context())
    [document] = parse(capsys.readouterr().out)
    assert metric_names(document) == ["Charged", "Orders"]


class _Tag(Middleware):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def before(self, request: Request) -> Any:
        self.metrics.add_metric("Before", MetricUnit.Count, 1)
        return None

    def after(self, request: Request) -> Any:
        return {"wrapped": request.response}


@middleware
def _count_calls(handler: Any, event: Any, context: Any, *, metrics: Metrics) -> Any:
    metrics.add_metric("Calls", MetricUnit.Count, 1)
    return handler(event, context)


def test_stacked_with_other_middlewares_and_in_chain(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")

    @_count_calls(metrics=metrics)
    @metrics.log_metrics
    @_Tag(metrics)
    def stacked(event: object, context: object) -> str:
        return "ok"

    @chain(_count_calls(metrics=metrics), metrics.log_metrics, _Tag(metrics))
    def chained(event: object, context: object) -> str:
        return "ok"

    @chain(metrics.log_metrics(capture_cold_start_metric=True), _Tag(metrics))
    def configured(event: object, context: object) -> str:
        return "ok"

    for handler in (stacked, chained):
        assert handler({}, lambda_context()) == {"wrapped": "ok"}
        [document] = parse(capsys.readouterr().out)
        # the outer middleware's metric was added before log_metrics flushed
        assert metric_names(document) == ["Calls", "Before"]
    assert configured({}, lambda_context()) == {"wrapped": "ok"}
    [document] = parse(capsys.readouterr().out)  # not cold any more: no ColdStart
    assert metric_names(document) == ["Before"]


def test_early_return_from_an_inner_middleware_still_flushes(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")

    class ShortCircuit(Middleware):
        def before(self, request: Request) -> Any:
            metrics.add_metric("Skipped", MetricUnit.Count, 1)
            return "cached"

    @chain(metrics.log_metrics, ShortCircuit())
    def handler(event: object, context: object) -> str:
        raise AssertionError("not reached")

    assert handler({}, lambda_context()) == "cached"
    [document] = parse(capsys.readouterr().out)
    assert metric_names(document) == ["Skipped"]


def test_on_a_method(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")

    class Service:
        def __init__(self) -> None:
            self.calls = 0

        @metrics.log_metrics(capture_cold_start_metric=True)
        def handle(self, event: object, context: object) -> int:
            self.calls += 1
            metrics.add_metric("Handled", MetricUnit.Count, 1)
            return self.calls

    service = Service()
    assert service.handle({}, lambda_context(function_name="svc-fn")) == 1
    cold, document = parse(capsys.readouterr().out)
    assert cold["function_name"] == "svc-fn" and metric_names(document) == ["Handled"]


def test_unknown_option_is_a_usage_error():
    metrics = Metrics(namespace="Shop")
    with pytest.raises(MiddlewareUsageError, match="capture_cold_start"):
        metrics.log_metrics(capture_cold_start=True)  # type: ignore[call-overload]


def test_function_name_falls_back_to_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "env-fn")
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics(capture_cold_start_metric=True)
    def record_handler(record: object) -> None:
        metrics.add_metric("A", MetricUnit.Count, 1)

    record_handler({"id": 1})  # called with the record only: no context
    cold, _ = parse(capsys.readouterr().out)
    assert cold["function_name"] == "env-fn"


def test_disabled_counts_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("TOOLKIT_METRICS_DISABLED", "1")
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: object, context: object) -> None:
        metrics.add_metric("A", MetricUnit.Count, 1)

    handler({}, lambda_context())
    assert capsys.readouterr().out == ""
    assert flushed(metrics) == []


def test_a_failing_flush_never_replaces_the_handlers_error() -> None:
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics
    def handler(event: Any, context: object) -> None:
        metrics.add_metric("Orders", MetricUnit.Count, 1)
        raise KeyError("the handler's own error")

    metrics.namespace = None  # after decoration: the flush itself fails
    with pytest.warns(RuntimeWarning, match="not flushed after the handler failed"):
        with pytest.raises(KeyError, match="the handler's own error"):
            handler({}, lambda_context())


# --- checked when applied (a misconfiguration fails at import, not after the work) ----------
def _apply_bare(metrics: Metrics) -> Any:
    return metrics.log_metrics(lambda event, context: None)


def _apply_configured(metrics: Metrics) -> Any:
    return metrics.log_metrics(capture_cold_start_metric=True)(lambda event, context: None)


def _apply_in_chain(metrics: Metrics) -> Any:
    return chain(metrics.log_metrics)(lambda event, context: None)


@pytest.mark.parametrize("apply", [_apply_bare, _apply_configured, _apply_in_chain])
def test_a_missing_namespace_fails_when_log_metrics_is_applied(apply: Any) -> None:
    metrics = Metrics()
    with pytest.raises(SchemaValidationError, match=r"TOOLKIT_METRICS_NAMESPACE.*applied"):
        apply(metrics)


def test_the_namespace_may_come_from_the_environment_set_after_construction(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    metrics = Metrics()  # built before the environment was configured (a test's conftest)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "FromEnv")

    @metrics.log_metrics
    def handler(event: object, context: object) -> None:
        metrics.add_metric("A", MetricUnit.Count, 1)

    handler({}, lambda_context())
    [document] = parse(capsys.readouterr().out)
    assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "FromEnv"
    assert metrics.namespace == "FromEnv"


def test_a_namespace_assigned_after_decoration_is_the_one_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    metrics = Metrics(namespace="Before")

    @metrics.log_metrics
    def handler(event: object, context: object) -> None:
        metrics.add_metric("A", MetricUnit.Count, 1)

    metrics.namespace = "After"
    handler({}, lambda_context())
    [document] = parse(capsys.readouterr().out)
    assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "After"


def test_disabled_metrics_need_no_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLKIT_METRICS_DISABLED", "true")
    assert _apply_bare(Metrics())({}, lambda_context()) is None


def test_bad_default_dimensions_fail_when_applied() -> None:
    from toolkit.metrics import DimensionError

    metrics = Metrics(namespace="Shop")

    def handler(event: object, context: object) -> None:
        return None

    with pytest.raises(DimensionError, match="'stage' has a value of type list"):
        metrics.log_metrics(default_dimensions={"stage": ["prod"]})(handler)
    with pytest.raises(DimensionError, match="takes a mapping"):
        metrics.log_metrics(default_dimensions=[("stage", "prod")])(handler)  # type: ignore[arg-type]


def test_a_unit_typo_is_one_clean_error() -> None:
    from toolkit.metrics import MetricUnitError

    metrics = Metrics(namespace="Shop")
    with pytest.raises(MetricUnitError) as caught:
        metrics.add_metric("Hits", "Counts", 1)
    message = str(caught.value)
    assert "'Hits' has the unit 'Counts' (did you mean 'Count'?)" in message
    assert "allowed units: Seconds, Microseconds" in message
    # no internal KeyError ('Hits', 'Counts', 60) shown before the real error
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    with pytest.raises(MetricUnitError) as unhashable:
        metrics.add_metric("Hits", ["Count"], 1)  # type: ignore[arg-type]
    assert unhashable.value.__context__ is None


# --- toolkit's own warnings: only where they help, JSON lines inside Lambda -----------------
def test_a_failed_invocation_prints_no_empty_metrics_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics
    def handler(event: object, context: object) -> None:
        raise ValueError("the handler's error")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(2):
            with pytest.raises(ValueError, match="the handler's error"):
                handler({}, lambda_context())
    assert capsys.readouterr() == ("", "")


def test_inside_lambda_the_empty_warning_is_one_json_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LAMBDA_TASK_ROOT", "/var/task")
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics
    def handler(event: object, context: object) -> str:
        return "ok"

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no Python warning text
        assert handler({}, lambda_context()) == "ok"
        assert handler({}, lambda_context()) == "ok"
    out, err = capsys.readouterr()
    assert err == ""
    [line] = out.splitlines()  # warned once
    notice = json.loads(line)
    assert notice["level"] == "WARNING" and notice["toolkit"] == "toolkit.metrics.metrics"
    assert notice["message"].startswith("no metrics were added in namespace 'Shop'")


def test_inside_lambda_metadata_and_flush_notices_are_json_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "orders")
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics
    def handler(event: object, context: object) -> None:
        metrics.add_metadata("score", math.nan)
        metrics.add_metric("A", MetricUnit.Count, 1)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        handler({}, lambda_context())
    notice, document = capsys.readouterr().out.splitlines()
    assert json.loads(notice)["message"].startswith("metadata 'score' cannot be written")
    [emf] = parse(document)
    assert emf["score"] == "NaN"
