"""The same schemas and events through Powertools' validate and ours: the same outcome, the
same error attributes; only the message differs (ours does not quote the value)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities import validation as powertools
from aws_lambda_powertools.utilities.validation import envelopes as powertools_envelopes

from tests.conftest import load_event
from toolkit import validation

SCHEMA = {
    "type": "object",
    "properties": {
        "message": {"type": "string", "minLength": 3},
        "username": {"type": "string", "pattern": "^[a-z]+$"},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": True},
        "kind": {"const": "user"},
        "email": {"type": "string", "format": "email"},
        "extra": {"type": "object", "additionalProperties": False},
    },
    "required": ["message", "username"],
}

BODIES = [
    {"message": "hello", "username": "lessa"},
    {"message": "hi", "username": "lessa"},
    {"username": "lessa"},
    {"message": "hello", "username": "Lessa"},
    {"message": "hello", "username": "x", "age": -1},
    {"message": "hello", "username": "x", "age": 151.5},
    {"message": "hello", "username": "x", "tags": ["a", "c"]},
    {"message": "hello", "username": "x", "tags": ["a", "a"]},
    {"message": "hello", "username": "x", "kind": "admin"},
    {"message": "hello", "username": "x", "email": "not-an-email"},
    {"message": "hello", "username": "x", "extra": {"unexpected": 1}},
    [],
]


def _outcome(module: Any, event: Any, envelope: Any) -> Any:
    try:
        return ("ok", module.validate(event=event, schema=SCHEMA, envelope=envelope))
    except module.SchemaValidationError as error:
        return (
            "invalid",
            error.validation_message,
            error.name,
            error.path,
            error.value,
            error.definition,
            error.rule,
            error.rule_definition,
        )


@pytest.mark.parametrize("body", BODIES, ids=[json.dumps(b)[:40] for b in BODIES])
def test_same_outcome_and_attributes_as_powertools(body: Any) -> None:
    event: Any = load_event("apigatewayeSchemaMiddlwareValidEvent.json")
    event["body"] = json.dumps(body)
    envelope = validation.envelopes.API_GATEWAY_REST
    ours = _outcome(validation, event, envelope)
    theirs = _outcome(powertools, event, powertools_envelopes.API_GATEWAY_REST)
    assert ours == theirs


def test_powertools_style_catching_keeps_working() -> None:
    """A handler written for Powertools (keyword arguments, the attributes it reads)."""

    def handler(event: Any, module: Any) -> dict[str, Any]:
        try:
            module.validate(event=event, schema=SCHEMA, envelope="powertools_json(body)")
        except module.SchemaValidationError as exc:
            return {"statusCode": 400, "field": exc.name, "rule": exc.rule}
        return {"statusCode": 200}

    event = load_event("apigatewayeSchemaMiddlwareInvalidEvent.json")
    assert handler(event, validation) == handler(event, powertools)
    assert handler(event, validation) == {"statusCode": 400, "field": "data", "rule": "required"}
