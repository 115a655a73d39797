"""examples/parser/app.py with sample events: good and bad HTTP bodies, an EventBridge event."""

from __future__ import annotations

import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT, load_event
from toolkit.parser import ParserValidationError
from toolkit.testing import lambda_context


def load_app() -> ModuleType:
    spec = importlib.util.spec_from_file_location("parser_example", ROOT / "examples/parser/app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as an import would: pydantic resolves the hints there
    spec.loader.exec_module(module)
    return module


def _request(body: str) -> dict[str, Any]:
    event = load_event("apiGatewayProxyV2Event.json")
    assert isinstance(event, dict)
    return dict(event, body=body)


def test_http_api_accepts_an_order_and_refuses_a_bad_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = load_app()
    ok = app.create_order(_request('{"id": 1, "customer": "ann", "quantity": 2}'), lambda_context())
    assert ok == {"statusCode": 201, "body": '{"id": 1}'}

    bad = app.create_order(
        _request('{"id": "x", "customer": "ann@secret.example", "quantity": 0}'), lambda_context()
    )
    assert bad["statusCode"] == 400
    assert json.loads(bad["body"]) == {
        "errors": [
            {"field": "id", "rule": "int_parsing"},
            {"field": "quantity", "rule": "greater_than"},
        ]
    }
    logged = capsys.readouterr().out
    assert "invalid order" in logged
    assert "secret.example" not in logged


def test_eventbridge_handler_receives_its_model() -> None:
    app = load_app()
    event = load_event("eventBridgeEvent.json")
    assert isinstance(event, dict)
    placed = dict(event, detail={"id": 9, "customer": "bo", "quantity": 3})
    assert app.on_order_placed(placed, lambda_context()) == {"id": 9, "units": 3}
    with pytest.raises(ParserValidationError, match=r"detail\.quantity: missing"):
        app.on_order_placed(dict(event, detail={"id": 9, "customer": "bo"}), lambda_context())
