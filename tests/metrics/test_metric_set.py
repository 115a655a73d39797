"""MetricSet's share of the sharing rule (docs/metrics.md, "Sharing rule"): what a handler
finds in the buffer when it starts is flushed on its own only when no running invocation
added it."""

from __future__ import annotations

import threading
import warnings
from typing import Any

import pytest
from metrics_emf import flushed, metric_names, parse

from toolkit.metrics import Metrics, MetricUnit
from toolkit.middleware import chain, middleware
from toolkit.testing import lambda_context


def test_what_a_running_invocation_added_is_not_taken_as_outside(
    capsys: pytest.CaptureFixture[str],
):
    metrics = Metrics(namespace="Shop")
    added, release = threading.Event(), threading.Event()

    @metrics.log_metrics
    def slow(event: object, context: object) -> None:
        metrics.add_metric("Slow", MetricUnit.Count, 1)
        added.set()
        release.wait(5)

    @metrics.log_metrics
    def fast(event: object, context: object) -> None:
        metrics.add_metric("Fast", MetricUnit.Count, 1)

    thread = threading.Thread(target=slow, args=({}, lambda_context()))
    thread.start()
    added.wait(5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no "added outside a handler" notice
        fast({}, lambda_context())
    release.set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # slow's flush finds the buffer empty
        thread.join()
    [document] = parse(capsys.readouterr().out)  # one buffer: one flush wrote both, once
    assert metric_names(document) == ["Slow", "Fast"]


def test_what_an_ended_invocation_added_is_flushed_on_its_own(
    capsys: pytest.CaptureFixture[str],
):
    metrics = Metrics(namespace="Shop")

    @middleware
    def counts_after(handler: Any, event: Any, context: Any) -> Any:
        response = handler(event, context)
        metrics.add_metric("After", MetricUnit.Count, 1)  # after log_metrics flushed
        return response

    @chain(counts_after, metrics.log_metrics)
    def handler(event: object, context: object) -> None:
        metrics.add_metric("Orders", MetricUnit.Count, 1)

    handler({}, lambda_context())
    with pytest.warns(RuntimeWarning, match=r"\(After\)"):
        handler({}, lambda_context())
    first, orphan, second = parse(capsys.readouterr().out)
    assert metric_names(first) == metric_names(second) == ["Orders"]
    assert metric_names(orphan) == ["After"]
    assert [metric_names(d) for d in flushed(metrics)] == [["After"]]  # the second's own
