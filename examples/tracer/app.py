"""A traced order handler: handler and method subsegments, annotations, metadata, a block,
and AWS SDK calls appearing as subsegments (botocore is patched when a sampled invocation begins).

Deploy with active tracing on the function and ``aws-xray-sdk`` installed
(``lambda-handler-toolkit[tracer]``); run ``python examples/tracer/app.py`` to see the
documents it sends, captured locally by ``XRayCapture``. ``toolkit invoke`` runs it with tracing
off (no X-Ray daemon locally; ``--trace`` turns it on):

    toolkit invoke examples/tracer/app.py:handler --event examples/tracer/order.json

or as the function of its SAM template (template.yaml beside this file):

    toolkit invoke --template examples/tracer/template.yaml OrdersFunction --event examples/tracer/order.json
"""  # noqa: E501 (the commands above are one line each, to copy)

from __future__ import annotations

import asyncio
from typing import Any

from toolkit.tracing import Tracer

tracer = Tracer(service="orders")


@tracer.capture_method
def price(order: dict[str, Any]) -> int:
    with tracer.subsegment("discounts") as sub:
        sub.put_annotation("coupon", order.get("coupon", "none"))
        discount = 10 if order.get("coupon") else 0
    return sum(int(item["cents"]) for item in order["items"]) - discount


@tracer.capture_method
async def reserve(sku: str) -> str:
    await asyncio.sleep(0.01)  # the subsegment covers the await
    return f"reserved {sku}"


async def reserve_all(order: dict[str, Any]) -> list[str]:
    return list(await asyncio.gather(*(reserve(item["sku"]) for item in order["items"])))


@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    tracer.put_annotation("customer_id", event["customer"])  # searchable in X-Ray
    tracer.put_metadata("order", event)  # not indexed, bounded in size
    total = price(event)
    reservations = asyncio.run(reserve_all(event))
    return {"total": total, "reservations": reservations}


if __name__ == "__main__":
    from toolkit.testing import XRayCapture, lambda_context

    order = {
        "customer": "c-42",
        "coupon": "WELCOME",
        "items": [{"sku": "A", "cents": 500}, {"sku": "B", "cents": 250}],
    }
    with XRayCapture() as xray:
        print(handler(order, lambda_context()))
        for document in xray.flush():
            print(document["name"], "parent:", document["parent_id"])
