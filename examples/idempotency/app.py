"""An order API that charges a payment once per order id, however often the request is retried.

API Gateway retries, a client retrying a timed-out call, a double click: each delivers the same
order again. ``@idempotent`` keys the handler on the order id in the JSON body; the first
request charges and its response is stored in the idempotency table, the repeats get that same
response back without charging again.

Run it locally, three deliveries of one order, on the embedded AWS (moto on 127.0.0.1, the
tables created before the first invocation; nothing leaves the machine):

    toolkit invoke examples/idempotency/app.py:handler --event examples/idempotency/order.json --table idempotency --table payments --repeat 3

stdout shows the same response three times (one payment id); stderr shows one "charged" line.
The same from its SAM template, which creates both tables:

    toolkit invoke --template examples/idempotency/template.yaml OrdersFunction --event examples/idempotency/order.json --repeat 3
"""  # noqa: E501 (the command above is one line to copy)

from __future__ import annotations

import json
import os
import uuid
from decimal import Decimal
from typing import Any

import boto3

from toolkit import Logger
from toolkit.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent
from toolkit.logging import correlation_paths

logger = Logger(service="orders")
payments = boto3.resource("dynamodb").Table(os.environ.get("PAYMENTS_TABLE", "payments"))
persistence = DynamoDBPersistenceLayer(
    table_name=os.environ.get("IDEMPOTENCY_TABLE", "idempotency")
)
config = IdempotencyConfig(
    event_key_jmespath="powertools_json(body).order_id",  # the order id decides "the same"
    raise_on_no_idempotency_key=True,  # an order without an id is an error, never charged twice
    expires_after_seconds=24 * 3600,  # a retry within a day gets the stored response
)


def charge(order_id: str, amount: Decimal, currency: str) -> str:
    """The side effect that must happen once: a payment record (a card charge in real life)."""
    payment_id = str(uuid.uuid4())
    payments.put_item(
        Item={"id": payment_id, "order_id": order_id, "amount": amount, "currency": currency}
    )
    logger.info("charged", order_id=order_id, payment_id=payment_id, amount=str(amount))
    return payment_id


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@idempotent(persistence_store=persistence, config=config)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order = json.loads(event["body"])
    payment_id = charge(order["order_id"], Decimal(order["amount"]), order["currency"])
    body = {"order_id": order["order_id"], "payment_id": payment_id, "status": "charged"}
    return {"statusCode": 201, "body": json.dumps(body)}
