"""A user's tests of examples/testing/app.py on the toolkit's pytest fixtures, which installing
the toolkit registers (no conftest.py needed):

    cd examples/testing && pytest test_app.py
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request

import pytest
from app import handler  # at the top of the file, before any fixture exists


def test_the_order_is_logged(lambda_context, capture_logs):
    assert handler({"id": "o-1"}, lambda_context) == {"id": "o-1"}
    (record,) = capture_logs
    assert record["message"] == "order received" and record["order_id"] == "o-1"
    assert record["function_request_id"] == lambda_context.aws_request_id


@pytest.mark.embedded_aws(tables=["orders"], secrets={"orders/key": "k"})
def test_the_order_is_stored(embedded_aws, lambda_context, monkeypatch):
    monkeypatch.setenv("ORDERS_TABLE", "orders")
    handler({"id": "o-2"}, lambda_context)
    items = embedded_aws.client("dynamodb").scan(TableName="orders")["Items"]
    assert items == [{"id": {"S": "o-2"}}]
    secret = embedded_aws.client("secretsmanager").get_secret_value(SecretId="orders/key")
    assert secret["SecretString"] == "k"


def test_each_test_starts_with_an_empty_aws(embedded_aws):
    assert embedded_aws.client("dynamodb").list_tables()["TableNames"] == []


@pytest.mark.embedded_aws(parameters={"/orders/greeting": "hello"})
def test_the_extension_serves_the_parameter(extension_emulator):
    name = urllib.parse.quote("/orders/greeting", safe="")
    request = urllib.request.Request(
        f"http://127.0.0.1:{extension_emulator.port}/systemsmanager/parameters/get?name={name}",
        headers={"X-Aws-Parameters-Secrets-Token": os.environ["AWS_SESSION_TOKEN"]},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["Parameter"]["Value"] == "hello"


def test_the_handler_is_traced(xray_capture, lambda_context):
    handler({"id": "o-3"}, lambda_context)
    xray_capture.flush()
    (subsegment,) = xray_capture.subsegments(name="## handler")
    assert subsegment["trace_id"] == xray_capture.trace_id
