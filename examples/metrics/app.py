"""A handler publishing EMF metrics: run it locally with ``python examples/metrics/app.py``, or

    toolkit invoke examples/metrics/app.py:handler --event examples/metrics/order.json

or as the function of its SAM template (template.yaml beside this file):

    toolkit invoke --template examples/metrics/template.yaml OrdersFunction --event examples/metrics/order.json

It shows the middleware stack (timeout guard outermost), the cold-start metric, a helper that
adds to the handler's buffer through its own ``Metrics()`` (same namespace, shared on purpose),
an extra dimension set and a ``single_metric`` with dimensions of its own.
"""  # noqa: E501 (the commands above are one line each, to copy)

from __future__ import annotations

from typing import Any

from toolkit.metrics import Metrics, MetricUnit, single_metric
from toolkit.middleware import timeout_guard

# In Lambda, set TOOLKIT_METRICS_NAMESPACE / TOOLKIT_SERVICE_NAME and call Metrics() instead.
NAMESPACE = "ShopExample"
metrics = Metrics(namespace=NAMESPACE, service="orders")


def charge(amount: float) -> None:
    """Lives in another module in a real project; its Metrics() shares the handler's buffer."""
    payments = Metrics(namespace=NAMESPACE)
    payments.add_metric("ChargedAmount", MetricUnit.NoUnit, amount)


@timeout_guard
@metrics.log_metrics(capture_cold_start_metric=True, default_dimensions={"stage": "dev"})
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    metrics.add_dimension("channel", event["channel"])
    metrics.add_dimensions(tenant=event["tenant"])  # Orders is also published per tenant
    metrics.add_metric("Orders", MetricUnit.Count, 1)
    for item in event["items"]:
        metrics.add_metric("ItemPrice", MetricUnit.NoUnit, item["price"])
    charge(sum(item["price"] for item in event["items"]))
    metrics.add_metadata("order_id", event["id"])
    if event.get("coupon"):
        with single_metric(
            "CouponUsed",
            MetricUnit.Count,
            1,
            namespace=NAMESPACE,
            default_dimensions={"coupon": event["coupon"]},
        ):
            pass
    return {"ok": True}


if __name__ == "__main__":
    from toolkit.testing import lambda_context

    order = {
        "id": "o-1",
        "channel": "web",
        "tenant": "t-1",
        "coupon": "WELCOME",
        "items": [{"price": 12.5}, {"price": 30}],
    }
    print(handler(order, lambda_context(function_name="shop-orders")))
