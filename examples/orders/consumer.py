"""The order-events consumer of examples/orders: an SQS queue of ``OrderPlaced`` events, each
marking its order as fulfilled, with partial batch responses: a record that is not an order
event (or whose write fails) goes back to the queue alone, the others are deleted.

Run it locally on three events, the second of which is not JSON (one line):

    toolkit invoke examples/orders/consumer.py:handler --event examples/orders/events/order-events.json --table orders:order_id

or from the SAM template (its orders table created for the run):

    toolkit invoke --template examples/orders/template.yaml OrderEventsFunction --event examples/orders/events/order-events.json

The event source mapping has ``FunctionResponseTypes: [ReportBatchItemFailures]``.
"""  # noqa: E501 (the commands above are one line each, to copy)

from __future__ import annotations

import os
from typing import Any

import boto3
from models import OrderPlaced  # beside this file: Lambda (and toolkit invoke) put its folder first

from toolkit import Logger, timeout_guard
from toolkit.batch import (
    BatchProcessor,
    EventType,
    PartialItemFailureResponse,
    SQSRecord,
    process_partial_response,
)
from toolkit.metrics import Metrics, MetricUnit
from toolkit.parser import parse
from toolkit.tracing import Tracer

logger = Logger(service="orders")
tracer = Tracer(service="orders")
metrics = Metrics(namespace="Shop", service="orders")
orders = boto3.resource("dynamodb").Table(os.environ.get("ORDERS_TABLE", "orders"))
processor = BatchProcessor(EventType.SQS)  # keeps no state between invocations


@tracer.capture_method
def fulfil(record: SQSRecord) -> str:
    """Raise to fail this record only (a body that is not an OrderPlaced event raises)."""
    event = parse(record.body, OrderPlaced)
    orders.update_item(
        Key={"order_id": event.order_id},
        UpdateExpression="SET #status = :fulfilled",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":fulfilled": "fulfilled"},
    )
    metrics.add_metric("OrdersFulfilled", MetricUnit.Count, 1)
    logger.info("order fulfilled", order_id=event.order_id, message_id=record.message_id)
    return event.order_id


@timeout_guard(margin_ms=1000)  # stop early enough to return the partial response
@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(event, fulfil, processor, context)
