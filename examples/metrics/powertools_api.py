"""Powertools' Metrics API on toolkit: run with ``python examples/metrics/powertools_api.py``.

A handler written for Powertools, with only its imports changed: Powertools' argument order,
an ``EphemeralMetrics`` for a library's own metrics, a timestamp for an event that happened
earlier, and the buffer views.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from toolkit.metrics import EphemeralMetrics, Metrics, MetricUnit, single_metric

metrics = Metrics(service="orders", namespace="ShopExample")  # Powertools' order
# A library's metrics: its own buffer, flushed by the library, never by the handler
library = EphemeralMetrics(namespace="ShopLibrary", service="orders")


@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    placed = datetime.fromisoformat(event["placed_at"])
    metrics.set_timestamp(placed)  # the datapoint is dated when the order was placed
    metrics.add_metric(name="Orders", unit="Count", value=1)
    metrics.add_metric(name="Upload", unit="BytesPerSecond", value=event["upload_rate"])
    buffered = sorted(metrics.metric_set)  # Powertools' views, read-only

    library.add_metric("CacheHits", MetricUnit.Count, 3)
    library.flush_metrics()

    # With POWERTOOLS_SERVICE_NAME set, this lands on the same metric as Metrics' own
    with single_metric(name="Refund", unit=MetricUnit.Count, value=1, namespace="ShopExample"):
        pass
    return {"ok": True, "buffered": buffered, "dimensions": dict(metrics.dimension_set)}


if __name__ == "__main__":
    from toolkit.testing import lambda_context

    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    order = {"placed_at": an_hour_ago.isoformat(), "upload_rate": 2048}
    print(handler(order, lambda_context(function_name="shop-orders")))
