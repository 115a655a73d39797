"""single_metric: one metric with dimensions of its own, written when the block ends."""

from __future__ import annotations

import pytest
from metrics_emf import flushed, metric_names, parse

from toolkit import config
from toolkit.metrics import (
    Metrics,
    MetricUnit,
    SchemaValidationError,
    single_metric,
)


def test_single_metric_has_its_own_buffer(capsys: pytest.CaptureFixture[str]):
    shared = Metrics(namespace="Shop", service="orders")
    shared.add_metric("Shared", MetricUnit.Count, 1)
    shared.add_dimension("customer", "c-1")
    with single_metric(
        "Refund", MetricUnit.Count, 1, namespace="Shop", default_dimensions={"reason": "late"}
    ) as metric:
        metric.add_dimension("currency", "EUR")
        metric.add_dimensions(reason="late", country="FR")
        metric.add_metadata("order", "o-1")
    [document] = parse(capsys.readouterr().out)
    assert metric_names(document) == ["Refund"] and document["Refund"] == 1
    assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [
        ["reason", "currency"],
        ["reason", "country"],
    ]
    assert document["order"] == "o-1"
    for key in ("customer", "service", "Shared"):
        assert key not in document
    [mine] = flushed(shared)
    assert metric_names(mine) == ["Shared"] and "currency" not in mine


def test_written_even_when_the_block_raises(capsys: pytest.CaptureFixture[str]):
    with (
        pytest.raises(ValueError, match="inside"),
        single_metric("Attempt", MetricUnit.Count, 1, namespace="Shop"),
    ):
        raise ValueError("inside")
    [document] = parse(capsys.readouterr().out)
    assert document["Attempt"] == 1


def test_namespace_from_the_environment_or_an_error_on_entry(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SchemaValidationError), single_metric("A", MetricUnit.Count, 1):
        raise AssertionError("not reached")
    with (
        config.environ({"POWERTOOLS_METRICS_NAMESPACE": "P"}),
        single_metric("A", MetricUnit.Count, 1),
    ):
        pass
    [document] = parse(capsys.readouterr().out)
    assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "P"


def test_disabled(capsys: pytest.CaptureFixture[str]):
    with config.environ({"TOOLKIT_METRICS_DISABLED": "true"}):
        with single_metric("A", MetricUnit.Count, 1, namespace="Shop"):
            pass
        with single_metric("A", MetricUnit.Count, 1):  # no namespace needed when disabled
            pass
    assert capsys.readouterr().out == ""


def test_the_example_prints_valid_emf():
    import subprocess
    import sys

    from tests.conftest import ROOT, subprocess_env

    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "metrics" / "app.py")],
        check=True,
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    *lines, response = result.stdout.splitlines()
    documents = parse("\n".join(lines))
    assert response == "{'ok': True}"
    assert [metric_names(d) for d in documents] == [
        ["ColdStart"],
        ["CouponUsed"],
        ["Orders", "ItemPrice", "ChargedAmount"],
    ]
    assert documents[2]["ChargedAmount"] == 42.5
