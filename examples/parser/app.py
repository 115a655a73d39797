"""Typed events with toolkit.parser: an HTTP API that answers 400 with the failing fields, and
an EventBridge consumer whose handler receives its model.

    toolkit invoke examples/parser/app.py:create_order --event examples/parser/order-request.json

or as the function of its SAM template (template.yaml beside this file):

    toolkit invoke --template examples/parser/template.yaml CreateOrderFunction --event examples/parser/order-request.json
"""  # noqa: E501 (the commands above are one line each, to copy)

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from toolkit import Logger
from toolkit.parser import ParserValidationError, event_parser, parse
from toolkit.parser.envelopes import ApiGatewayV2Envelope
from toolkit.parser.models import EventBridgeModel

logger = Logger(service="orders")


class Order(BaseModel):
    id: int
    customer: str
    quantity: int = Field(gt=0)


class OrderPlaced(EventBridgeModel):
    """An EventBridge event whose detail is an order."""

    detail: Order


@logger.inject_lambda_context
def create_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """HTTP API: the body must be an order. A bad one gets 400 with each field's path and
    rule; the request's content is never echoed (nor logged)."""
    try:
        order = parse(event, Order, envelope=ApiGatewayV2Envelope)
    except ParserValidationError as error:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"][1:]), "rule": e["type"]}
            for e in error.errors()
        ]
        logger.warning("invalid order", problems=problems)
        return {"statusCode": 400, "body": json.dumps({"errors": problems})}
    logger.info("order accepted", order_id=order.id)
    return {"statusCode": 201, "body": json.dumps({"id": order.id})}


@logger.inject_lambda_context
@event_parser  # the model comes from the type hint of `event`
def on_order_placed(event: OrderPlaced, context: Any) -> dict[str, Any]:
    """EventBridge: a malformed event raises ParserValidationError before this runs."""
    logger.info("order placed", order_id=event.detail.id, source=event.source)
    return {"id": event.detail.id, "units": event.detail.quantity}
