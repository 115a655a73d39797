"""The README's main job: a handler with the structured Logger and a middleware of our own.

Run it locally on a built-in API Gateway event:

    toolkit invoke examples/hello/app.py:handler --event-name apigw-rest

or as the function of its SAM template (template.yaml beside this file):

    toolkit invoke --template examples/hello/template.yaml HelloFunction --event-name apigw-rest
"""

from __future__ import annotations

import json
import time
from typing import Any

from toolkit import Logger, Middleware, chain, timeout_guard
from toolkit.logging import correlation_paths
from toolkit.middleware import Request, middleware

logger = Logger(service="hello")


@middleware
def security_headers(handler: Any, event: Any, context: Any, *, hsts: bool = True) -> Any:
    """A function-style middleware: adds headers to whatever the inner layers return."""
    response = handler(event, context)
    headers = response.setdefault("headers", {})
    headers["X-Content-Type-Options"] = "nosniff"
    if hsts:
        headers["Strict-Transport-Security"] = "max-age=63072000"
    return response


class Timing(Middleware):
    """A class-style middleware: measures the handler and logs how it went."""

    def before(self, request: Request) -> None:
        request.state["started"] = time.perf_counter()

    def after(self, request: Request) -> None:
        elapsed_ms = (time.perf_counter() - request.state["started"]) * 1000
        logger.info("handled", duration_ms=round(elapsed_ms, 3))

    def on_error(self, request: Request) -> dict[str, Any]:
        logger.exception("handler failed")
        return {"statusCode": 500, "body": json.dumps({"message": "internal error"})}


@chain(
    timeout_guard(margin_ms=200),
    logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST),
    security_headers,
    Timing(),
)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    name = (event.get("queryStringParameters") or {}).get("name") or "world"
    logger.info("greeting", name=name, path=event.get("path"))
    return {"statusCode": 200, "body": json.dumps({"message": f"hello, {name}"})}
