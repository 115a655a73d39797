"""Metrics are never lost to metadata, every document is strict JSON within CloudWatch's
ranges, and a flush that fails for another reason is loud, never silent."""

from __future__ import annotations

import io
import math
import sys
from decimal import Decimal
from typing import Any

import pytest
from metrics_emf import flushed, metric_names, parse

from toolkit.metrics import Metrics, MetricUnit, MetricValueError, single_metric
from toolkit.middleware import LambdaTimeoutError
from toolkit.testing import lambda_context


class _BrokenStr:
    def __str__(self) -> str:
        raise ValueError("no text for you")


def _circular() -> dict[str, Any]:
    value: dict[str, Any] = {"id": 1}
    value["self"] = value
    return value


BAD_METADATA = {  # value, and what is written for it: only the bad part is replaced
    "circular": (_circular(), {"id": 1, "self": "<circular reference>"}),
    "tuple_keys": ({("a", 1): 2}, {"('a', 1)": 2}),
    "broken_str": (_BrokenStr(), "<unserializable _BrokenStr: ValueError>"),
    "nan": (math.nan, "NaN"),
    "infinity": ({"low": -math.inf, "ok": 1.5}, {"low": "-Infinity", "ok": 1.5}),
    "huge_int": ([10**5000], ["<int of 16610 bits>"]),
}


@pytest.mark.parametrize("key", sorted(BAD_METADATA))
def test_metadata_that_cannot_be_encoded_never_costs_the_metrics_or_the_response(
    key: str, capsys: pytest.CaptureFixture[str]
):
    value, written = BAD_METADATA[key]
    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics
    def handler(event: object, context: object) -> dict[str, bool]:
        metrics.add_metadata("good", {"order": "o-1"})
        metrics.add_metadata(key, value)
        for index in range(150):  # two documents: the replacement is made in both
            metrics.add_metric(f"m{index}", MetricUnit.Count, index)
        return {"ok": True}

    with pytest.warns(RuntimeWarning, match=f"metadata '{key}' cannot be written as JSON"):
        assert handler({}, lambda_context()) == {"ok": True}
    documents = parse(capsys.readouterr().out)  # strict: NaN / Infinity tokens fail here
    assert [len(metric_names(d)) for d in documents] == [100, 50]
    for document in documents:
        assert document[key] == written and document["good"] == {"order": "o-1"}


def test_a_timeout_while_metadata_is_stringified_is_not_swallowed():
    class Slow:
        def __str__(self) -> str:
            raise LambdaTimeoutError(100, 90)

    metrics = Metrics(namespace="Shop")
    metrics.add_metadata("slow", Slow())
    metrics.add_metric("A", MetricUnit.Count, 1)
    with pytest.raises(LambdaTimeoutError):
        metrics.flush_metrics()


@pytest.mark.parametrize(
    "bad",
    [10**400, -(10**400), 10**5000, 2.0**361, 1e-200, Decimal("1e400"), Decimal("-1e-300")],
    ids=["10**400", "-10**400", "10**5000", "2.0**361", "1e-200", "Decimal-1e400", "tiny"],
)
def test_values_beyond_cloudwatchs_range_are_refused_naming_the_metric(bad: object):
    metrics = Metrics(namespace="Shop")
    with pytest.raises(MetricValueError, match="'Latency' has the value") as caught:
        metrics.add_metric("Latency", MetricUnit.Seconds, bad)  # type: ignore[arg-type]
    assert caught.value.metric == "Latency"
    assert len(str(caught.value)) < 400  # not a 401-digit number
    with pytest.raises(MetricValueError):
        with single_metric("Latency", MetricUnit.Seconds, bad, namespace="Shop"):  # type: ignore[arg-type]
            pass
    assert flushed(metrics) == []


@pytest.mark.parametrize("good", [0, 0.0, -0.0, 2**360, -(2.0**360), 2.0**-360, 10**100])
def test_values_at_the_edges_of_the_range_are_written(
    good: float, capsys: pytest.CaptureFixture[str]
):
    metrics = Metrics(namespace="Shop")
    metrics.add_metric("Edge", MetricUnit.NoUnit, good)
    metrics.flush_metrics()
    [document] = parse(capsys.readouterr().out)
    assert document["Edge"] == good


def test_a_flush_that_cannot_write_is_loud(monkeypatch: pytest.MonkeyPatch):
    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("stdout is gone")

    metrics = Metrics(namespace="Shop")

    @metrics.log_metrics
    def handler(event: object, context: object) -> str:
        metrics.add_metric("Orders", MetricUnit.Count, 1)
        return "ok"

    monkeypatch.setattr(sys, "stdout", Closed())
    with pytest.raises(OSError, match="stdout is gone"):
        handler({}, lambda_context())


def test_no_document_exceeds_cloudwatch_logs_event_limit(capsys: pytest.CaptureFixture[str]):
    from metrics_emf import values

    from toolkit.jsonline import MAX_LINE_BYTES

    metrics = Metrics(namespace="Shop")
    names = [f"{index:03d}".ljust(255, "x") for index in range(100)]
    for name in names:  # 100 metrics x 100 values of 22 characters: about 280 KB in one doc
        for value in range(100):
            metrics.add_metric(name, MetricUnit.NoUnit, -1.2345678901234567e100 * (value + 1))
    metrics.add_metadata("note", "n" * 300_000)  # cut first: metrics are never cut
    metrics.flush_metrics()
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line.encode()) <= MAX_LINE_BYTES for line in lines)
    documents = parse("\n".join(lines))
    assert len(documents) == 2
    for name in names:
        assert len(values(documents, name)) == 100  # every value once
    for document in documents:
        assert document["line_truncated"]["cut"] == ["note"]
        assert document["note"].startswith("nnnn") and document["note"].endswith("...")


def test_a_value_without_a_repr_is_named_by_its_type():
    class Opaque:
        def __float__(self) -> float:
            raise TypeError("not a number")

        def __repr__(self) -> str:
            raise RuntimeError("no repr either")

    metrics = Metrics(namespace="Shop")
    with pytest.raises(MetricValueError, match=r"has the value <Opaque> \(Opaque\)"):
        metrics.add_metric("Latency", MetricUnit.Seconds, Opaque())  # type: ignore[arg-type]
