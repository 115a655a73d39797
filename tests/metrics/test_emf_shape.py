"""The shape of the EMF documents: the timestamp a flush writes, how values are written, and
``serialize_metric_set`` in Powertools' shape."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest
from metrics_emf import check_document, flushed, parse

from toolkit.metrics import (
    MetricResolutionError,
    Metrics,
    MetricUnit,
    MetricUnitError,
    MetricValueError,
    SchemaValidationError,
)
from toolkit.metrics.metric_set import MetricSet, write

HOUR_AGO_MS = int(time.time() * 1000) - 3_600_000


def _flush(metric_set: MetricSet, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    write(metric_set.lines())
    [document] = parse(capsys.readouterr().out)
    return document


def test_set_timestamp_dates_the_next_flush_only(capsys: pytest.CaptureFixture[str]):
    metric_set = MetricSet("Shop")
    metric_set.set_timestamp(HOUR_AGO_MS)
    metric_set.add_metric("Orders", MetricUnit.Count, 1, 60)
    assert _flush(metric_set, capsys)["_aws"]["Timestamp"] == HOUR_AGO_MS  # type: ignore[index]

    # the flush cleared it: the next invocation's documents carry their own time
    before = int(time.time() * 1000)
    metric_set.add_metric("Orders", MetricUnit.Count, 1, 60)
    assert _flush(metric_set, capsys)["_aws"]["Timestamp"] >= before  # type: ignore[index,operator]


@pytest.mark.parametrize("bad", [1.5e12, "1700000000000", True, -1, None])
def test_set_timestamp_takes_milliseconds_as_an_int(bad: object):
    with pytest.raises(MetricValueError, match="milliseconds since the epoch"):
        MetricSet("Shop").set_timestamp(bad)  # type: ignore[arg-type]


def _filled() -> Metrics:
    metrics = Metrics(namespace="Shop", service="orders")
    metrics.add_dimension("region", "eu")
    metrics.add_dimensions(tenant="t-1")
    metrics.add_metadata("request", "r-1")
    metrics.add_metric("Orders", MetricUnit.Count, 1)
    metrics.add_metric("Latency", "Milliseconds", 1, resolution=1)
    metrics.add_metric("Latency", "Milliseconds", 2.5, resolution=1)
    return metrics


def test_serialize_metric_set_returns_one_document_in_powertools_shape():
    # Powertools 3.37, cloudwatch_emf/cloudwatch.py serialize_metric_set: one dict, "_aws"
    # first, then the dimension values, the metadata, and each metric's values as floats.
    metrics = _filled()
    before = int(time.time() * 1000)
    document = check_document(metrics.serialize_metric_set())
    assert list(document) == ["_aws", "service", "region", "tenant", "request", "Orders", "Latency"]
    assert before <= document["_aws"].pop("Timestamp") <= int(time.time() * 1000)
    assert document == {
        "_aws": {
            "CloudWatchMetrics": [
                {
                    "Namespace": "Shop",
                    "Dimensions": [["service", "region"], ["service", "tenant"]],
                    "Metrics": [
                        {"Name": "Orders", "Unit": "Count"},
                        {"Name": "Latency", "Unit": "Milliseconds", "StorageResolution": 1},
                    ],
                }
            ]
        },
        "service": "orders",
        "region": "eu",
        "tenant": "t-1",
        "request": "r-1",
        "Orders": [1.0],
        "Latency": [1.0, 2.5],
    }
    assert all(isinstance(value, float) for value in document["Orders"] + document["Latency"])


def test_serialize_metric_set_leaves_the_buffer_to_the_flush():
    metrics = _filled()
    metrics.serialize_metric_set()["Orders"].append(5.0)  # a document of its own
    [written] = flushed(metrics)
    assert written["Orders"] == 1 and written["Latency"] == [1, 2.5]


def test_serialize_metric_set_uses_the_set_timestamp():
    metrics = _filled()
    metrics._set.set_timestamp(HOUR_AGO_MS)
    assert metrics.serialize_metric_set()["_aws"]["Timestamp"] == HOUR_AGO_MS


def test_serialize_metric_set_takes_powertools_arguments_in_place_of_the_buffer():
    metrics = _filled()
    document = metrics.serialize_metric_set(
        metrics={
            "Refunds": {"Unit": "Count", "StorageResolution": 60, "Value": [1.0, 2.0]},
            "Fast": {"Unit": MetricUnit.Seconds, "StorageResolution": 1, "Value": 3},
        },
        dimensions={"env": "prod"},
        metadata={"note": {"k": 1}},
    )
    directive = document["_aws"]["CloudWatchMetrics"][0]
    # the further dimension sets keep the buffer's defaults, as Powertools' keep theirs
    assert directive["Dimensions"] == [["env"], ["service", "tenant"]]
    assert directive["Metrics"] == [
        {"Name": "Refunds", "Unit": "Count"},
        {"Name": "Fast", "Unit": "Seconds", "StorageResolution": 1},
    ]
    assert {key: document[key] for key in ("env", "note", "Refunds", "Fast")} == {
        "env": "prod",
        "note": {"k": 1},
        "Refunds": [1.0, 2.0],
        "Fast": [3.0],
    }
    assert "region" not in document and "request" not in document and "Orders" not in document


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ({"A": {"Unit": "Counts", "Value": [1]}}, MetricUnitError),
        ({"A": {"Unit": "Count", "Value": [math.nan]}}, MetricValueError),
        ({"A": {"Unit": "Count", "Value": []}}, MetricValueError),
        ({"A": 1}, MetricValueError),
        ({"A": {"Unit": "Count", "Value": [1], "StorageResolution": 5}}, MetricResolutionError),
    ],
)
def test_serialize_metric_set_checks_given_metrics(given: dict[str, Any], error: type[Exception]):
    with pytest.raises(error, match="'A'"):
        Metrics(namespace="Shop").serialize_metric_set(metrics=given)


def test_serialize_metric_set_needs_a_metric_and_a_namespace():
    with pytest.raises(SchemaValidationError, match="at least one"):
        Metrics(namespace="Shop").serialize_metric_set()
    metrics = Metrics()
    metrics.add_metric("A", MetricUnit.Count, 1)
    with pytest.raises(SchemaValidationError, match="TOOLKIT_METRICS_NAMESPACE"):
        metrics.serialize_metric_set()


def test_a_single_value_is_written_as_a_number_several_as_an_array(
    capsys: pytest.CaptureFixture[str],
):
    # The EMF specification allows a number or an array of numbers for a metric's member,
    # and CloudWatch reads both alike; the number is the shorter line (Powertools: [1.0]).
    metrics = Metrics(namespace="Shop")
    metrics.add_metric("Orders", MetricUnit.Count, 1)
    metrics.add_metric("Price", MetricUnit.NoUnit, 2.5)
    metrics.add_metric("Latency", MetricUnit.Milliseconds, 3)
    metrics.add_metric("Latency", MetricUnit.Milliseconds, 4.5)
    metrics.flush_metrics()
    line = capsys.readouterr().out
    assert line.endswith(',"Orders":1,"Price":2.5,"Latency":[3,4.5]}\n')
