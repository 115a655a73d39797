"""The pytest plugin, as a user's suite meets it: a small project run by pytester in a fresh
pytest process (the plugin comes from the ``pytest11`` entry point, as after ``pip install``),
its handler imported at the top of its test file."""

from __future__ import annotations

import pytest

from toolkit.testing.embedded_aws import InvalidSpecError, TableSpec
from toolkit.testing.pytest_plugin import seed_arguments

pytest_plugins = ["pytester"]

APP = """
import os
import sys

from toolkit import Logger, Tracer

# Powertools' habit: the stream as it is when the module is imported (pytest's collection
# capture, here), which capsys never sees.
logger = Logger(service="orders", stream=sys.stdout)
tracer = Tracer(service="orders")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event, context):
    logger.info("order received", order_id=event["id"])
    table = os.environ.get("ORDERS_TABLE")
    if table:
        import boto3

        boto3.resource("dynamodb").Table(table).put_item(Item={"id": event["id"]})
    return {"id": event["id"]}
"""

USER_TESTS = """
import json
import os
import urllib.parse
import urllib.request

import pytest

from app import handler  # at the top, before any fixture exists


def test_capture_logs_has_the_handlers_lines(lambda_context, capture_logs):
    assert handler({"id": "o-1"}, lambda_context) == {"id": "o-1"}
    (record,) = capture_logs
    assert record["message"] == "order received" and record["order_id"] == "o-1"
    assert record["function_request_id"] == lambda_context.aws_request_id
    assert capture_logs.messages() == ["order received"]


def test_capsys_alone_misses_them(lambda_context, capsys):
    handler({"id": "o-2"}, lambda_context)
    assert "order received" not in capsys.readouterr().out


@pytest.mark.embedded_aws(
    tables=["orders"], parameters={"/orders/greeting": "hi"}, secrets={"orders/key": "k"}
)
def test_embedded_aws_is_seeded_from_the_marker(embedded_aws, lambda_context, monkeypatch):
    monkeypatch.setenv("ORDERS_TABLE", "orders")
    handler({"id": "o-3"}, lambda_context)
    assert embedded_aws.client("dynamodb").scan(TableName="orders")["Items"] == [
        {"id": {"S": "o-3"}}
    ]
    ssm = embedded_aws.client("ssm")
    assert ssm.get_parameter(Name="/orders/greeting")["Parameter"]["Value"] == "hi"
    secrets = embedded_aws.client("secretsmanager")
    assert secrets.get_secret_value(SecretId="orders/key")["SecretString"] == "k"


def test_each_test_starts_with_an_empty_aws(embedded_aws):
    assert embedded_aws.client("dynamodb").list_tables()["TableNames"] == []


@pytest.mark.embedded_aws(parameters={"/orders/greeting": "hello"})
def test_the_extension_serves_the_markers_parameters(extension_emulator):
    name = urllib.parse.quote("/orders/greeting", safe="")
    request = urllib.request.Request(
        f"http://127.0.0.1:{extension_emulator.port}/systemsmanager/parameters/get?name={name}",
        headers={"X-Aws-Parameters-Secrets-Token": os.environ["AWS_SESSION_TOKEN"]},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["Parameter"]["Value"] == "hello"


def test_xray_capture_gets_the_handlers_subsegment(xray_capture, lambda_context):
    handler({"id": "o-4"}, lambda_context)
    xray_capture.flush()
    (subsegment,) = xray_capture.subsegments(name="## handler")
    assert subsegment["trace_id"] == xray_capture.trace_id


@pytest.mark.embedded_aws(queues=["orders"])
def test_an_unknown_marker_argument_fails_the_test(embedded_aws):
    pass
"""


def test_a_users_suite_gets_every_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(app=APP, test_app=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=6, errors=1)
    result.stdout.fnmatch_lines(
        ["*TypeError: @pytest.mark.embedded_aws got unexpected argument(s) queues;*"]
    )


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_context(lambda_context):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:toolkit", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'lambda_context' not found*"])


def test_the_marker_gives_the_seed_arguments() -> None:
    mark = pytest.mark.embedded_aws(
        tables=["orders:pk:sk", TableSpec("audit")], secrets={"s": b"\x00"}, region="eu-west-1"
    ).mark
    assert seed_arguments(mark) == (
        "eu-west-1",
        {
            "tables": [TableSpec("orders", "pk", "sk"), TableSpec("audit")],
            "secrets": {"s": b"\x00"},
        },
    )
    assert seed_arguments(None) == ("us-east-1", {})


@pytest.mark.parametrize(
    ("mark", "error", "message"),
    [
        (pytest.mark.embedded_aws(["orders"]), TypeError, "keyword arguments only"),
        (pytest.mark.embedded_aws(tables="orders"), TypeError, "tables is a list of"),
        (pytest.mark.embedded_aws(tables=["a"]), InvalidSpecError, "table name 'a' is not valid"),
    ],
)
def test_a_bad_marker_is_a_clear_error(mark, error, message) -> None:
    with pytest.raises(error, match=message):
        seed_arguments(mark.mark)
