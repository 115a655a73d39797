"""A utility of your own on toolkit's middleware seam: API-key checking for API Gateway.

``ApiKeys`` is an object whose decorator is a middleware method, like
``@logger.inject_lambda_context``: it works bare or with options, stacks with toolkit's own
middlewares (or goes into ``chain(...)``), checks its options when the handler is decorated
(at import, not after the handler did its work), and adds no layer at all when disabled.

Run ``python examples/middleware/app.py`` to call the handler with and without a key, or invoke it
on a request that carries one:

    toolkit invoke examples/middleware/app.py:handler --event examples/middleware/request.json

or as the function of its SAM template (template.yaml beside this file):

    toolkit invoke --template examples/middleware/template.yaml OrdersFunction --event examples/middleware/request.json
"""  # noqa: E501 (the commands above are one line each, to copy)

from __future__ import annotations

# --8<-- [start:utility]
import json
from typing import Any

from toolkit import Logger
from toolkit.middleware import NO_LAYER, Target, middleware_method

logger = Logger(service="orders")


class ApiKeys:
    """Answer 401 (or ``status``) to requests whose ``header`` holds none of ``keys``."""

    def __init__(self, keys: set[str], *, disabled: bool = False) -> None:
        self.keys = frozenset(keys)
        self.disabled = disabled

    @middleware_method
    def require_key(
        self,
        handler: Any,
        event: Any,
        context: Any,
        *,
        header: str = "x-api-key",
        status: int = 401,
        _handler_name: str = "",
    ) -> Any:
        """Middleware: reject the request before the handler runs unless it carries a key."""
        headers = event.get("headers") or {}
        if not any(
            name.lower() == header and value in self.keys for name, value in headers.items()
        ):
            logger.warning("request refused", handler=_handler_name, header=header)
            return {"statusCode": status, "body": json.dumps({"message": "missing API key"})}
        return handler(event, context)

    @require_key.setup
    def _prepare(self, target: Target, options: dict[str, Any]) -> Any:
        """Decoration time, once per handler: refuse a bad status, prepare the header name,
        and record which handler this is (the engine says; no unwrapping)."""
        if self.disabled:
            return NO_LAYER
        if not 400 <= options["status"] <= 499:
            raise ValueError(f"require_key status must be a 4xx code, not {options['status']!r}")
        return {**options, "header": options["header"].lower(), "_handler_name": target.name}


api_keys = ApiKeys({"k-123"})


@logger.inject_lambda_context
@api_keys.require_key(header="X-Api-Key")
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    logger.info("order listed")
    return {"statusCode": 200, "body": json.dumps({"orders": []})}


# --8<-- [end:utility]


if __name__ == "__main__":
    from toolkit.testing import lambda_context

    print(handler({"headers": {"X-Api-Key": "k-123"}}, lambda_context()))
    print(handler({"headers": {}}, lambda_context()))
