"""``toolkit invoke --aws embedded --table``: a real ``python -m toolkit`` child whose handler
calls DynamoDB through boto3, with a botocore hook that records (and stops) every request."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.aws import free_port
from tests.conftest import subprocess_env
from toolkit.cli.errors import CliError
from toolkit.cli.invoke import InvokeOptions, aws_mode
from toolkit.testing.embedded_aws import TableSpec

ELSEWHERE = "http://192.0.2.10:4566"  # TEST-NET-1; the hook stops any request for it

APP = """
import os
import sys
from urllib.parse import urlsplit

import boto3

HOSTS = set()


def stop_elsewhere(request, **_):
    host = urlsplit(request.url).netloc
    HOSTS.add(host)
    if not host.startswith("127.0.0.1:"):
        raise RuntimeError(f"a request for {host} was about to leave the machine")


dynamodb = boto3.client("dynamodb")  # at import, as handlers do: the environment is set by then
dynamodb.meta.events.register("before-send", stop_elsewhere)


def handler(event, context):
    count = dynamodb.update_item(
        TableName="orders",
        Key={"pk": {"S": "order-1"}, "sk": {"S": "line-1"}},
        UpdateExpression="ADD calls :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )["Attributes"]["calls"]["N"]
    keys = dynamodb.describe_table(TableName="orders")["Table"]["KeySchema"]
    return {
        "calls": int(count),
        "keys": [key["AttributeName"] for key in keys],
        "hosts": sorted(HOSTS),
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
    }


def modules(event, context):
    return {"moto": "moto" in sys.modules, "endpoint": os.environ.get("AWS_ENDPOINT_URL")}
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    path = tmp_path / "app.py"
    path.write_text(textwrap.dedent(APP))
    return path


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", "invoke", *args, "--color", "never"],
        capture_output=True,
        text=True,
        env=subprocess_env(**env),
        timeout=120,
        check=False,
    )


def test_tables_exist_before_the_first_invocation_and_only_loopback_is_reached(
    app: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "config"
    profile.write_text(f"[profile work]\nendpoint_url = {ELSEWHERE}\n")
    hostile = {
        "AWS_ENDPOINT_URL": ELSEWHERE,
        "AWS_ENDPOINT_URL_DYNAMODB": ELSEWHERE,
        "AWS_CONFIG_FILE": str(profile),
        "AWS_PROFILE": "work",
        "AWS_ACCESS_KEY_ID": "AKIAREALKEY",
        "AWS_SECRET_ACCESS_KEY": "real-secret",
        "HTTP_PROXY": f"http://127.0.0.1:{free_port()}",
    }
    result = run(f"{app}:handler", "--table", "orders:pk:sk", "--repeat", "3", **hostile)
    assert result.returncode == 0, result.stderr
    responses = [json.loads(line) for line in result.stdout.splitlines()]
    assert [response["calls"] for response in responses] == [1, 2, 3]
    assert responses[0]["keys"] == ["pk", "sk"]
    endpoint = re.search(
        r"^EMBEDDED AWS (http://127\.0\.0\.1:\d+) \(us-east-1\)", result.stderr, re.M
    )
    assert endpoint is not None, result.stderr
    assert "Tables: orders" in result.stderr
    assert {response["endpoint"] for response in responses} == {endpoint.group(1)}
    assert responses[-1]["hosts"] == [endpoint.group(1).removeprefix("http://")]


def test_moto_is_loaded_only_for_the_embedded_aws(app: Path) -> None:
    real = run(f"{app}:modules")
    assert real.returncode == 0, real.stderr
    assert json.loads(real.stdout) == {"moto": False, "endpoint": None}
    assert "EMBEDDED AWS" not in real.stderr
    embedded = run(f"{app}:modules", "--aws", "embedded", "--region", "eu-west-1")
    assert embedded.returncode == 0, embedded.stderr
    response = json.loads(embedded.stdout)
    assert response["moto"] is True and response["endpoint"].startswith("http://127.0.0.1:")
    assert "(eu-west-1)\tTables: none" in embedded.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--table", "orders:"], "argument --table: table spec 'orders:' is not NAME"),
        (["--table", "x"], "argument --table: table spec 'x': table name 'x' is not valid"),
        (
            ["--table", "orders", "--aws", "real"],
            "--table orders: tables are created in the embedded AWS only",
        ),
        (["--aws", "cloud"], "argument --aws: invalid choice: 'cloud'"),
    ],
)
def test_bad_aws_options_are_usage_errors(app: Path, args: list[str], says: str) -> None:
    result = run(f"{app}:modules", *args)
    assert result.returncode == 2
    assert says in result.stderr
    assert result.stdout == ""


def test_the_mode_defaults_and_checks() -> None:
    handler = "app.py:handler"
    assert aws_mode(InvokeOptions(handler)) == "real"
    assert aws_mode(InvokeOptions(handler, tables=(TableSpec("orders"),))) == "embedded"
    assert aws_mode(InvokeOptions(handler, aws="embedded")) == "embedded"
    with pytest.raises(CliError, match="--aws 'cloud': expected 'embedded' or 'real'"):
        aws_mode(InvokeOptions(handler, aws="cloud"))
