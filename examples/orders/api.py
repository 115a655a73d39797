"""POST /orders: the order API of examples/orders, every utility working together.

The body is validated by a model (a bad one gets 400 naming each failing field, never echoing
the request); the order is stored once per order id however often the request is retried
(API Gateway, a client's retry, a double click); the pricing configuration (an SSM parameter)
and the payment provider's key (a secret) come through the Parameters and Secrets extension;
every line is structured JSON with the request's correlation id, the handler is traced, and
``OrdersReceived``, ``OrdersPlaced`` and ``OrderValue`` are published as EMF metrics.

Run it locally, twice the same order, on the embedded AWS with the extension (one line):

    toolkit invoke examples/orders/api.py:handler --event examples/orders/events/post-order.json --repeat 2 --extension --table orders:order_id --table idempotency --parameter '/orders/config={"currency": "EUR", "max_items": 10}' --secret orders/payment-api-key=pk-test-0123456789

or from the SAM template, its table, parameter and secret created for the run:

    toolkit invoke --template examples/orders/template.yaml OrdersApiFunction --event examples/orders/events/post-order.json --repeat 2
"""  # noqa: E501 (the commands above are one line each, to copy)

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from models import Order  # beside this file: Lambda (and toolkit invoke) put its folder first

from toolkit import Logger, parameters
from toolkit.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function
from toolkit.logging import correlation_paths
from toolkit.metrics import Metrics, MetricUnit
from toolkit.parser import ParserValidationError, parse
from toolkit.parser.envelopes import ApiGatewayEnvelope
from toolkit.tracing import Tracer

# Names come from the template's environment; the defaults are the local run's names.
ORDERS_TABLE = os.environ.get("ORDERS_TABLE", "orders")
CONFIG_PARAMETER = os.environ.get("CONFIG_PARAMETER", "/orders/config")
PAYMENT_SECRET = os.environ.get("PAYMENT_SECRET", "orders/payment-api-key")

logger = Logger(service="orders")
tracer = Tracer(service="orders")
metrics = Metrics(namespace="Shop", service="orders")
orders = boto3.resource("dynamodb").Table(ORDERS_TABLE)
idempotency = DynamoDBPersistenceLayer(
    table_name=os.environ.get("IDEMPOTENCY_TABLE", "idempotency")
)


@idempotent_function(
    data_keyword_argument="order",
    persistence_store=idempotency,
    config=IdempotencyConfig(event_key_jmespath="order_id", expires_after_seconds=24 * 3600),
)
@tracer.capture_method
def place(order: Order, currency: str) -> dict[str, Any]:
    """The side effect that must happen once per order id: the order row."""
    orders.put_item(
        Item={
            "order_id": order.order_id,
            "customer": order.customer,
            "total_cents": order.total_cents,
            "currency": currency,
            "status": "placed",
        }
    )
    tracer.put_annotation("order_id", order.order_id)
    metrics.add_metric("OrdersPlaced", MetricUnit.Count, 1)
    metrics.add_metric("OrderValue", MetricUnit.NoUnit, order.total_cents / 100)
    logger.info("order placed", order_id=order.order_id, total_cents=order.total_cents)
    return {"order_id": order.order_id, "total_cents": order.total_cents, "currency": currency}


def answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
@parameters.inject(
    config={"settings": CONFIG_PARAMETER}, secrets={"payment_key": PAYMENT_SECRET}, max_age=300
)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    metrics.add_metric("OrdersReceived", MetricUnit.Count, 1)
    values = parameters.injected()
    settings = json.loads(values["settings"])
    try:
        order = parse(event, Order, envelope=ApiGatewayEnvelope)
    except ParserValidationError as error:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"][1:]), "rule": e["type"]}  # [0]: "body"
            for e in error.errors()
        ]
        logger.warning("invalid order", problems=problems)
        metrics.add_metric("OrdersRejected", MetricUnit.Count, 1)
        return answer(400, {"errors": problems})
    if len(order.items) > settings["max_items"]:
        return answer(400, {"errors": [{"field": "items", "rule": "too_long"}]})
    # The key authenticates us to the payment provider; it is logged only as "***".
    logger.debug("payment provider key loaded", payment_key=values["payment_key"])
    return answer(201, place(order=order, currency=settings["currency"]))
