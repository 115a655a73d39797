"""The shape of the EMF documents: the timestamp a flush writes, how values are written, and
``serialize_metric_set`` in Powertools' shape."""

from __future__ import annotations

import time

import pytest
from metrics_emf import parse

from toolkit.metrics import MetricUnit, MetricValueError
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
