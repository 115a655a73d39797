"""examples/validation/app.py with the sample API Gateway events, in-process and through the
CLI (the way its docstring says to run it)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT, load_event, subprocess_env
from toolkit.testing import lambda_context
from toolkit.validation import SchemaValidationError

VALID = "apigatewayeSchemaMiddlwareValidEvent.json"
INVALID = "apigatewayeSchemaMiddlwareInvalidEvent.json"


@pytest.fixture(scope="module")
def app() -> ModuleType:
    path = ROOT / "examples/validation/app.py"
    spec = importlib.util.spec_from_file_location("validation_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _event(name: str, **body: Any) -> Any:
    event: Any = load_event(name)
    if body:
        event["body"] = json.dumps(body)
    return event


def test_a_valid_request_is_greeted_with_defaults_filled_in(app: ModuleType) -> None:
    for handler in (app.handler, app.api_handler):
        response = handler(_event(VALID), lambda_context())
        assert response["statusCode"] == 200
        assert json.loads(response["body"]) == {"reply": "Hello, lessa", "echoed": 11}
    pt = _event(VALID, message="olá", username="ana_1", language="pt")
    assert json.loads(app.handler(pt, lambda_context())["body"])["reply"] == "Olá, ana_1"


def test_an_invalid_request_fails_the_decorated_handler(app: ModuleType) -> None:
    with pytest.raises(SchemaValidationError) as caught:
        app.handler(_event(INVALID), lambda_context())
    assert caught.value.rule == "required"


def test_the_api_handler_answers_400_naming_field_and_rule_only(
    app: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    event = _event(VALID, message="hi", username="Not A Handle!")
    response = app.api_handler(event, lambda_context())
    assert response["statusCode"] == 400
    assert json.loads(response["body"]) == {
        "field": "data.username",
        "rule": "format",
        "expected": "handle",
    }
    assert "Not A Handle" not in capsys.readouterr().out + json.dumps(response)


def test_through_toolkit_invoke() -> None:
    def invoke(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "toolkit",
                "invoke",
                "examples/validation/app.py:handler",
                "--event",
                f"tests/events/{name}",
            ],
            cwd=ROOT,
            env=subprocess_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    ok = invoke(VALID)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["statusCode"] == 200
    refused = invoke(INVALID)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["errorType"] == "SchemaValidationError"
