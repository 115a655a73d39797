"""An order handler with a Logger, a Tracer and a DynamoDB table: what the fixtures of the
toolkit's pytest plugin are shown on (examples/testing/test_app.py, docs/testing.md)."""

from __future__ import annotations

import os
import sys
from typing import Any

from toolkit import Logger, Tracer

# Given the stream as it is at import time (Powertools' habit): when pytest imports this module
# it is pytest's own capture, which capsys never sees; capture_logs does.
logger = Logger(service="orders", stream=sys.stdout)
tracer = Tracer(service="orders")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    logger.info("order received", order_id=event["id"])
    table = os.environ.get("ORDERS_TABLE")
    if table:
        import boto3

        boto3.resource("dynamodb").Table(table).put_item(Item={"id": event["id"]})
    return {"id": event["id"]}
