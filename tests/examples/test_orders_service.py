"""examples/orders end to end in one process, the way a user's own tests would run it: the API
places an order (twice: stored once), the consumer fulfils it from a queue batch, and the table
shows the one order, fulfilled. The embedded AWS and the extension emulator stand in for AWS."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT
from toolkit.testing import ExtensionEmulator, lambda_context
from toolkit.testing.fixtures import extension_emulator  # noqa: F401 (a fixture)

ORDERS = ROOT / "examples" / "orders"


def event(name: str) -> Any:
    return json.loads((ORDERS / "events" / name).read_text())


def load(path: Path) -> ModuleType:
    """Import a handler module as Lambda would: after the resources exist, once."""
    spec = importlib.util.spec_from_file_location(f"orders_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_order_is_placed_once_and_then_fulfilled(
    extension_emulator: ExtensionEmulator,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    aws = extension_emulator.aws
    assert aws is not None
    aws.create_table("orders", pk="order_id")
    aws.create_table("idempotency")
    aws.put_parameter("/orders/config", json.dumps({"currency": "EUR", "max_items": 10}))
    aws.create_secret("orders/payment-api-key", "pk-test-0123456789")
    monkeypatch.setenv("TOOLKIT_TRACE_DISABLED", "true")  # no X-Ray daemon here
    monkeypatch.syspath_prepend(str(ORDERS))  # models.py, as Lambda's task root would
    try:
        api = load(ORDERS / "api.py")
        first = api.handler(event("post-order.json"), lambda_context())
        assert first["statusCode"] == 201
        assert api.handler(event("post-order.json"), lambda_context()) == first
        assert api.handler(event("post-bad-order.json"), lambda_context())["statusCode"] == 400

        dynamodb = aws.client("dynamodb")
        (stored,) = dynamodb.scan(TableName="orders")["Items"]  # once, the bad one not at all
        assert stored["status"] == {"S": "placed"} and stored["total_cents"] == {"N": "2800"}

        consumer = load(ORDERS / "consumer.py")
        response = consumer.handler(event("order-events.json"), lambda_context())
        second = "00000000-0000-4000-8000-000000000002"
        assert response == {"batchItemFailures": [{"itemIdentifier": second}]}
        item = dynamodb.get_item(TableName="orders", Key={"order_id": {"S": "o-2001"}})["Item"]
        assert item["status"] == {"S": "fulfilled"} and item["customer"] == {"S": "c-42"}
    finally:
        sys.modules.pop("models", None)  # the next example's models.py is another module
        aws.reset()
