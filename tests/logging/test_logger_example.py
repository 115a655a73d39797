"""The Logger example runs and does what its docstring says."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, load_event, subprocess_env
from toolkit.testing import lambda_context

APP = ROOT / "examples" / "logger" / "app.py"


def load_app():
    spec = importlib.util.spec_from_file_location("logger_example_app", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # its Logger writes to sys.stdout as it is at each line
    return module


def records(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_example_success_writes_no_debug_and_failure_flushes_it(capsys):
    app = load_app()
    event = load_event("apiGatewayProxyEvent.json")
    event["pathParameters"] = {"order": "o-1"}
    assert app.handler(event, lambda_context())["statusCode"] == 200
    (charged,) = records(capsys)
    assert charged["message"] == "charged" and charged["team"] == "payments"
    assert charged["correlation_id"] == event["requestContext"]["requestId"]
    assert charged["order_id"] == "o-1"

    event["queryStringParameters"] = {"amount": "0"}
    assert app.handler(event, lambda_context())["statusCode"] == 400
    held, failed = records(capsys)
    assert held["message"] == "reading the order" and held["logger"] == "orders.db"
    assert held["step"] == "charge" and "order_id" in held
    assert failed["exception_name"] == "ValueError"


def test_example_runs_under_the_local_invoker(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "invoke", f"{APP}:handler", "--event-name", "apigw-rest"],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"statusCode": 200' in result.stdout
    assert '"message":"charged"' in result.stderr
