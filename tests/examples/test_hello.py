"""The README's main job, run exactly as the README says (through the CLI, in a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, subprocess_env


def test_the_main_job_runs_and_logs_structured_lines() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit",
            "invoke",
            "examples/hello/app.py:handler",
            "--event-name",
            "apigw-rest",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"message": "hello, world"}
    assert response["headers"]["X-Content-Type-Options"] == "nosniff"

    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    greeting = next(line for line in lines if line["message"] == "greeting")
    assert greeting["service"] == "hello"
    assert greeting["cold_start"] is True
    assert greeting["function_name"] == "app"
    sample = json.loads((ROOT / "toolkit/cli/events/apigw-rest.json").read_text())
    assert greeting["correlation_id"] == sample["requestContext"]["requestId"]
    assert greeting["path"] == "/my/path"
    handled = next(line for line in lines if line["message"] == "handled")
    assert handled["duration_ms"] >= 0


def test_the_hello_handler_recovers_from_errors_with_a_500() -> None:
    from examples.hello.app import handler
    from toolkit.testing import lambda_context

    response = handler({"queryStringParameters": "name=x"}, lambda_context())  # not a dict
    assert response["statusCode"] == 500
    assert response["headers"]["Strict-Transport-Security"].startswith("max-age")
