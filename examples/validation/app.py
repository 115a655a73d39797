"""An API Gateway handler whose request body and response are checked against JSON Schemas.

Run it locally with a sample event:

    toolkit invoke examples/validation/app.py:handler \
        --event tests/events/apigatewayeSchemaMiddlwareValidEvent.json

``handler`` lets ``@validator`` refuse a bad request (the invocation fails with
``SchemaValidationError``: right for a queue or a direct invoke, where the caller retries or
the message goes to a dead-letter queue). ``api_handler`` answers 400 instead, naming the
field and the rule, as an HTTP API should; the body itself is never echoed back or logged.
"""

from __future__ import annotations

import json
from typing import Any

from toolkit import Logger
from toolkit.validation import SchemaValidationError, envelopes, validate, validator

logger = Logger(service="greetings")

REQUEST = {
    "type": "object",
    "properties": {
        "message": {"type": "string", "minLength": 1, "maxLength": 280},
        "username": {"type": "string", "format": "handle"},
        "language": {"type": "string", "enum": ["en", "pt"], "default": "en"},
    },
    "required": ["message", "username"],
}
FORMATS = {"handle": r"^[a-z][a-z0-9_]{2,15}$"}
RESPONSE = {
    "type": "object",
    "properties": {"statusCode": {"type": "integer"}, "body": {"type": "string"}},
    "required": ["statusCode", "body"],
}


def greet(request: dict[str, Any]) -> dict[str, Any]:
    greeting = "Olá" if request["language"] == "pt" else "Hello"
    body = {"reply": f"{greeting}, {request['username']}", "echoed": len(request["message"])}
    return {"statusCode": 200, "body": json.dumps(body)}


@logger.inject_lambda_context
@validator(
    inbound_schema=REQUEST,
    inbound_formats=FORMATS,
    outbound_schema=RESPONSE,
    envelope=envelopes.API_GATEWAY_REST,
)
def handler(request: dict[str, Any], context: Any) -> dict[str, Any]:
    """Receives the decoded, validated body (defaults filled in), not the whole event."""
    logger.info("greeting", username=request["username"])
    return greet(request)


@logger.inject_lambda_context
def api_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        request = validate(event, REQUEST, formats=FORMATS, envelope=envelopes.API_GATEWAY_REST)
    except SchemaValidationError as error:
        logger.warning("invalid request", field=error.name, rule=error.rule)
        problem = {"field": error.name, "rule": error.rule, "expected": error.rule_definition}
        return {"statusCode": 400, "body": json.dumps(problem)}
    return greet(request)
