"""An SQS consumer whose only dependency is the toolkit layer: every utility comes from
``/opt/python``, nothing is packaged with the function.

Each message body must be an order: checked against a JSON Schema (validation), then turned
into a model (parser, pydantic). Bad messages are reported back as partial batch failures
(batch); each order is logged (logger) and counted (metrics); the handler is traced (tracer)
and stamped by a middleware of our own. Deploy it with ``template.yaml`` beside this file.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from toolkit import Logger, Metrics, MetricUnit, Tracer
from toolkit.batch import BatchProcessor, EventType, SQSRecord, process_partial_response
from toolkit.idempotency import IdempotencyConfig
from toolkit.middleware import middleware
from toolkit.parser import parse
from toolkit.validation import validate

logger = Logger(service="orders")
metrics = Metrics(namespace="Orders", service="orders")
tracer = Tracer(service="orders")
processor = BatchProcessor(EventType.SQS)
# The order id would key an @idempotent handler; built here to show the layer carries it.
idempotency = IdempotencyConfig(event_key_jmespath="id")

ORDER_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "quantity": {"type": "integer", "minimum": 1}},
    "required": ["id", "quantity"],
}


class Order(BaseModel):
    id: int
    quantity: int = Field(gt=0)


@middleware
def stamp(handler: Any, event: Any, context: Any, *, source: str = "layer") -> Any:
    """Add where the code came from to the response: proof a user middleware runs too."""
    response = handler(event, context)
    return {**response, "source": source}


def record_handler(record: SQSRecord) -> None:
    order = parse(validate(record.json_body, ORDER_SCHEMA), Order)
    logger.info("order received", order_id=order.id, quantity=order.quantity)
    metrics.add_metric(name="OrderQuantity", unit=MetricUnit.Count, value=order.quantity)


@stamp
@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event, record_handler, processor, context))
