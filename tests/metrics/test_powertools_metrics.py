"""Powertools' documented Metrics behaviour, written against toolkit's API (issue 8, Metrics).

Each test states the Powertools 3.37 behaviour it carries over and where it comes from
(aws_lambda_powertools/metrics/...), or the deliberate difference docs/powertools.md lists.
"""

from __future__ import annotations

import time
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from metrics_emf import metric_names, parse

from toolkit import config
from toolkit.metrics import (
    EphemeralMetrics,
    MetricResolution,
    Metrics,
    MetricUnit,
    MetricUnitError,
    MetricValueError,
    single_metric,
)
from toolkit.metrics.provider import AmazonCloudWatchEMFProvider
from toolkit.testing import lambda_context


def _dimensions(document: dict[str, Any]) -> list[list[str]]:
    dimensions: list[list[str]] = document["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
    return dimensions


# --- 1. single_metric and the service ----------------------------------------------------
# base.py MetricManager.__init__ reads POWERTOOLS_SERVICE_NAME; serialize_metric_set adds it
# as a "service" dimension, last, unless the block set one.
def test_single_metric_carries_the_service_of_the_environment(capsys: pytest.CaptureFixture[str]):
    with config.environ({"POWERTOOLS_SERVICE_NAME": "orders"}):
        with single_metric(
            "Refund", MetricUnit.Count, 1, 60, "Shop", default_dimensions={"reason": "late"}
        ) as metric:
            metric.add_dimension("currency", "EUR")
        with single_metric("Refund", MetricUnit.Count, 1, namespace="Shop") as metric:
            metric.add_dimension("service", "billing")  # the block's own service wins
    with (
        config.environ({"TOOLKIT_SERVICE_NAME": "shop"}),
        single_metric("A", "Count", 1, 1, "Shop"),  # Powertools' positional order
    ):
        pass
    with single_metric("A", MetricUnit.Count, 1, namespace="Shop"):  # no service configured
        pass
    orders, billing, shop, none = parse(capsys.readouterr().out)
    assert _dimensions(orders) == [["reason", "currency", "service"]]
    assert orders["service"] == "orders"
    assert _dimensions(billing) == [["service"]] and billing["service"] == "billing"
    assert shop["service"] == "shop"
    assert _dimensions(none) == [[]] and "service" not in none


def test_single_metric_and_metrics_write_the_same_dimension_set(
    capsys: pytest.CaptureFixture[str],
):
    with config.environ({"POWERTOOLS_SERVICE_NAME": "orders"}):
        metrics = Metrics(namespace="Shop")
        metrics.add_metric("Orders", MetricUnit.Count, 1)
        metrics.flush_metrics()
        with single_metric("Orders", MetricUnit.Count, 1, namespace="Shop"):
            pass
    shared, single = parse(capsys.readouterr().out)
    assert _dimensions(shared) == _dimensions(single) == [["service"]]


# --- 2. namespace and service set after construction --------------------------------------
# metrics.py Metrics.namespace / Metrics.service: properties whose setters reach the provider.
def test_namespace_and_service_set_after_construction(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics()
    metrics.namespace = "Shop"
    metrics.service = "orders"

    @metrics.log_metrics
    def handler(event: object, context: object) -> None:
        metrics.add_metric("Orders", MetricUnit.Count, 1)

    handler({}, lambda_context())
    metrics.service = "billing"
    handler({}, lambda_context())
    metrics.service = None
    handler({}, lambda_context())
    first, second, third = parse(capsys.readouterr().out)
    assert first["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Shop"
    assert first["service"] == "orders" and _dimensions(first) == [["service"]]
    assert second["service"] == "billing"
    assert "service" not in third and _dimensions(third) == [[]]
    assert metrics.service is None


# --- 3. a second add_metric in a single_metric block --------------------------------------
# base.py SingleMetric.add_metric: "Metric ... already set, skipping" when one is set.
def test_a_second_add_metric_in_single_metric_is_ignored_with_a_warning(
    capsys: pytest.CaptureFixture[str],
):
    with (
        pytest.warns(UserWarning, match="holds the one metric 'Refund'") as record,
        single_metric("Refund", MetricUnit.Count, 1, namespace="Shop") as metric,
    ):
        metric.add_metric("Other", MetricUnit.Count, 5)
        metric.add_metric("Refund", MetricUnit.Count, 2)
    assert ["add_metric('Other'" in str(w.message) for w in record] == [True, False]
    [document] = parse(capsys.readouterr().out)
    assert metric_names(document) == ["Refund"] and document["Refund"] == 1


# --- 4. units and resolutions by name or value ---------------------------------------------
# functions.py extract_cloudwatch_metric_unit_value: a member name maps to its value.
def test_units_and_resolutions_by_name_value_or_member(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")
    for unit in ("BytesPerSecond", "Bytes/Second", MetricUnit.BytesPerSecond):
        metrics.add_metric("Rate", unit, 1)
    metrics.add_metric("Plain", "NoUnit", 1)
    metrics.add_metric("Plain", "None", 2, "Standard")
    metrics.add_metric("Fast", MetricUnit.Count, 1, "High")
    metrics.add_metric("Fast", "Count", 1, MetricResolution.High)
    metrics.flush_metrics()
    [document] = parse(capsys.readouterr().out)
    definitions = document["_aws"]["CloudWatchMetrics"][0]["Metrics"]
    assert definitions == [
        {"Name": "Rate", "Unit": "Bytes/Second"},
        {"Name": "Plain", "Unit": "None"},
        {"Name": "Fast", "Unit": "Count", "StorageResolution": 1},
    ]
    assert document["Rate"] == [1, 1, 1] and document["Plain"] == [1, 2]
    with pytest.raises(MetricUnitError, match="'Counts'"):
        metrics.add_metric("Bad", "Counts", 1)


# --- 5. set_timestamp ----------------------------------------------------------------------
# cloudwatch.py set_timestamp: int epoch ms or datetime; outside 14 days past / 2 hours
# future it warns and still sets it (functions.py validate_emf_timestamp).
def test_set_timestamp_dates_the_next_flush_only(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    metrics.set_timestamp(an_hour_ago)
    metrics.add_metric("A", MetricUnit.Count, 1)
    metrics.flush_metrics()
    five_minutes_ago = int(time.time() * 1000) - 300_000
    metrics.set_timestamp(five_minutes_ago)
    metrics.add_metric("A", MetricUnit.Count, 1)
    metrics.flush_metrics()
    before = int(time.time() * 1000)
    metrics.add_metric("A", MetricUnit.Count, 1)
    metrics.flush_metrics()  # the timestamp was the previous flush's: now again
    with single_metric("S", MetricUnit.Count, 1, namespace="Shop") as metric:
        metric.set_timestamp(an_hour_ago)
    first, second, third, single = parse(capsys.readouterr().out)
    stamps = [d["_aws"]["Timestamp"] for d in (first, second, third, single)]
    assert stamps[0] == stamps[3] == round(an_hour_ago.timestamp() * 1000)
    assert stamps[1] == five_minutes_ago and stamps[2] >= before


def test_set_timestamp_warns_when_cloudwatch_would_drop_it(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")
    with pytest.warns(UserWarning, match="14 days in the past or 2 hours"):
        metrics.set_timestamp(datetime.now(timezone.utc) - timedelta(days=15))
    with pytest.warns(UserWarning, match="14 days in the past or 2 hours"):
        metrics.set_timestamp(int(time.time() * 1000) + 3 * 3600 * 1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        metrics.set_timestamp(datetime.now(timezone.utc) - timedelta(days=13))
    for bad in ("1700000000000", 1.7e12, True):
        with pytest.raises(MetricValueError, match="epoch milliseconds"):
            metrics.set_timestamp(bad)  # type: ignore[arg-type]


# --- 5. EphemeralMetrics and the provider ------------------------------------------------
# metrics.py: EphemeralMetrics = AmazonCloudWatchEMFProvider, whose sets are its own;
# Metrics(provider=...) uses the provider's buffer, namespace and service.
def test_ephemeral_metrics_share_nothing(capsys: pytest.CaptureFixture[str]):
    shared = Metrics(namespace="Shop", service="orders")
    one = EphemeralMetrics(namespace="Shop", service="orders")
    two = EphemeralMetrics(namespace="Shop", default_dimensions={"lib": "two"})

    @shared.log_metrics
    def handler(event: object, context: object) -> None:
        shared.add_metric("Shared", MetricUnit.Count, 1)
        one.add_metric("One", MetricUnit.Count, 1)
        two.add_metric("Two", MetricUnit.Count, 1)
        one.namespace = "Library"  # a private buffer keeps its contents

    handler({}, lambda_context())
    one.flush_metrics()
    two.flush_metrics()
    handled, first, second = parse(capsys.readouterr().out)
    assert metric_names(handled) == ["Shared"]
    assert metric_names(first) == ["One"] and first["service"] == "orders"
    assert first["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Library"
    assert metric_names(second) == ["Two"] and _dimensions(second) == [["lib"]]
    assert two.default_dimensions == {"lib": "two"}
    with pytest.raises(TypeError, match="metric_set"):
        EphemeralMetrics(metric_set={})


def test_metrics_with_a_provider_fronts_its_buffer(capsys: pytest.CaptureFixture[str]):
    provider = AmazonCloudWatchEMFProvider(namespace="Shop", service="orders")
    metrics = Metrics(provider=provider)
    assert (metrics.namespace, metrics.service) == ("Shop", "orders")
    metrics.add_metric("Orders", MetricUnit.Count, 1)
    assert dict(provider.metric_set) == dict(metrics.metric_set)
    Metrics(namespace="Shop").add_metric("Elsewhere", MetricUnit.Count, 1)  # not the provider's
    provider.flush_metrics()
    [document] = parse(capsys.readouterr().out)
    assert metric_names(document) == ["Orders"] and document["service"] == "orders"
    with pytest.raises(TypeError, match="namespace"):
        Metrics(namespace="Other", provider=provider)
    with pytest.raises(TypeError, match="AmazonCloudWatchEMFProvider"):
        Metrics(provider=object())  # type: ignore[arg-type]


# --- 5. Powertools' views and the remaining methods ---------------------------------------
def test_views_in_powertools_shapes_are_read_only():
    metrics = Metrics(namespace="Shop", service="orders")
    metrics.set_default_dimensions(stage="dev")
    metrics.add_metric("Latency", MetricUnit.Milliseconds, 12, MetricResolution.High)
    metrics.add_metric("Latency", MetricUnit.Milliseconds, 15, MetricResolution.High)
    metrics.add_dimension("channel", "web")
    metrics.add_metadata("order", "o-1")
    assert metrics.metric_set == {
        "Latency": {"Unit": "Milliseconds", "StorageResolution": 1, "Value": [12, 15]}
    }
    assert metrics.dimension_set == {"service": "orders", "stage": "dev", "channel": "web"}
    assert metrics.metadata_set == {"order": "o-1"}
    assert metrics.default_dimensions == {"stage": "dev"}
    with pytest.raises(TypeError):
        metrics.metric_set["Other"] = {}  # type: ignore[index]
    with pytest.raises(AttributeError):
        metrics.default_dimensions = {}  # type: ignore[misc]
    metrics.clear_metrics()
    assert metrics.metric_set == {} and metrics.metadata_set == {}
    assert metrics.dimension_set == {"service": "orders", "stage": "dev"}
    metrics.clear_default_dimensions()
    assert metrics.default_dimensions == {} and metrics.dimension_set == {"service": "orders"}


def test_positional_arguments_keep_powertools_order(capsys: pytest.CaptureFixture[str]):
    # metrics.py Metrics.__init__(service, namespace, provider, function_name)
    metrics = Metrics("orders", "Shop")
    assert (metrics.service, metrics.namespace) == ("orders", "Shop")


# --- 6. ColdStart and no service --------------------------------------------------------
# cloudwatch.py add_cold_start_metric: function_name (argument, POWERTOOLS_METRICS_FUNCTION_NAME,
# then the context's), and service only when there is one; Metrics' own documents then have
# the empty dimension set (no "service_undefined" placeholder in metrics).
def test_cold_start_and_metrics_without_a_service(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: object, context: object) -> None:
        metrics.add_metric("A", MetricUnit.Count, 1)

    handler({}, lambda_context(function_name="fn"))
    cold, document = parse(capsys.readouterr().out)
    assert _dimensions(cold) == [["function_name"]] and cold["function_name"] == "fn"
    assert "service" not in cold
    assert _dimensions(document) == [[]] and "service" not in document


@pytest.mark.parametrize(
    ("function_name", "environ", "expected"),
    [
        ("argument", {"POWERTOOLS_METRICS_FUNCTION_NAME": "variable"}, "argument"),
        (None, {"POWERTOOLS_METRICS_FUNCTION_NAME": "variable"}, "variable"),
        (None, {}, "from-context"),
    ],
)
def test_cold_start_function_name(
    capsys: pytest.CaptureFixture[str],
    function_name: str | None,
    environ: dict[str, str],
    expected: str,
):
    with config.environ(environ):
        metrics = Metrics(namespace="Shop", service="orders", function_name=function_name)

        @metrics.log_metrics(capture_cold_start_metric=True)
        def handler(event: object, context: object) -> None:
            metrics.add_metric("A", MetricUnit.Count, 1)

        handler({}, lambda_context(function_name="from-context"))
    cold, _ = parse(capsys.readouterr().out)
    assert _dimensions(cold) == [["function_name", "service"]]
    assert (cold["function_name"], cold["service"]) == (expected, "orders")


def test_the_powertools_api_example_runs():
    import subprocess
    import sys

    from tests.conftest import ROOT, subprocess_env

    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "metrics" / "powertools_api.py")],
        check=True,
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    *lines, response = result.stdout.splitlines()
    cold, library, refund, handled = parse("\n".join(lines))
    assert response == (
        "{'ok': True, 'buffered': ['Orders', 'Upload'], 'dimensions': {'service': 'orders'}}"
    )
    assert metric_names(cold) == ["ColdStart"] and metric_names(refund) == ["Refund"]
    assert library["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "ShopLibrary"
    assert metric_names(handled) == ["Orders", "Upload"]
    definitions = handled["_aws"]["CloudWatchMetrics"][0]["Metrics"]
    assert definitions[1] == {"Name": "Upload", "Unit": "Bytes/Second"}
    hour = 3600 * 1000  # the example's order was placed an hour before the invocation
    assert abs(cold["_aws"]["Timestamp"] - handled["_aws"]["Timestamp"] - hour) < 60_000


def test_single_metric_at_the_dimension_limit_is_written_without_the_service(
    capsys: pytest.CaptureFixture[str],
):
    thirty = {f"d{i}": "v" for i in range(30)}
    with (
        config.environ({"POWERTOOLS_SERVICE_NAME": "orders"}),
        pytest.warns(UserWarning, match="without its service dimension"),
        single_metric("A", MetricUnit.Count, 1, namespace="Shop", default_dimensions=thirty),
    ):
        pass
    [document] = parse(capsys.readouterr().out)
    assert _dimensions(document) == [list(thirty)] and "service" not in document


def test_add_cold_start_metric_writes_it_now(capsys: pytest.CaptureFixture[str]):
    # cloudwatch.py add_cold_start_metric(context): the ColdStart single metric, unconditionally
    metrics = EphemeralMetrics(namespace="Shop", service="orders")
    metrics.add_cold_start_metric(lambda_context(function_name="fn"))
    [cold] = parse(capsys.readouterr().out)
    assert metric_names(cold) == ["ColdStart"] and cold["ColdStart"] == 1
    assert (cold["function_name"], cold["service"]) == ("fn", "orders")
