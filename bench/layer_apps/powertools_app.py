"""The same SQS consumer as examples/layer/app.py, on Powertools for AWS Lambda (Python): the
other side of bench/layer_cold_start.py. Same utilities, same work per record."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.middleware_factory import lambda_handler_decorator
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.validation import validate
from pydantic import BaseModel, Field

logger = Logger(service="orders")
metrics = Metrics(namespace="Orders", service="orders")
tracer = Tracer(service="orders")
processor = BatchProcessor(EventType.SQS)
idempotency = IdempotencyConfig(event_key_jmespath="id")

ORDER_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "quantity": {"type": "integer", "minimum": 1}},
    "required": ["id", "quantity"],
}


class Order(BaseModel):
    id: int
    quantity: int = Field(gt=0)


@lambda_handler_decorator
def stamp(handler: Any, event: Any, context: Any, source: str = "layer") -> Any:
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
