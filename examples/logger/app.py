"""A handler using the Logger: persistent and per-invocation keys, a correlation id taken from
an API Gateway event, and debug lines that are only written when the invocation fails.

Try it locally:

    toolkit invoke examples/logger/app.py:handler --event-name apigw-rest

or as the function of its SAM template (template.yaml beside this file):

    toolkit invoke --template examples/logger/template.yaml OrdersFunction --event-name apigw-rest
"""

from __future__ import annotations

import logging
from typing import Any

from toolkit import Logger
from toolkit.logging import LogBuffer, correlation_paths

logger = Logger(service="orders", buffer=LogBuffer(level="DEBUG"), team="payments")
db_logger = logger.child("db")  # "orders.db": same keys and configuration
http_library = logging.getLogger("urllib3")  # other libraries keep logging their own way


def charge(order_id: str, amount: int) -> str:
    db_logger.debug("reading the order", order_id=order_id)  # held in the buffer
    if amount <= 0:
        raise ValueError(f"cannot charge {amount}")
    return f"receipt-{order_id}"


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    params = event.get("pathParameters") or {}
    order_id = params.get("order", "unknown")
    logger.append_keys(order_id=order_id)  # on every line of this invocation only
    with logger.keys(step="charge"):
        amount = int((event.get("queryStringParameters") or {}).get("amount", "10"))
        try:
            receipt = charge(order_id, amount)
        except ValueError:
            # An error line writes the held debug lines first, then this one.
            logger.exception("charge failed")
            return {"statusCode": 400, "body": "bad amount"}
    logger.info("charged", amount=amount, receipt=receipt)
    return {"statusCode": 200, "body": receipt}
