"""The keys that are fixed for one invocation, read from the Lambda context and the
runtime's trace header when the invocation starts."""

from __future__ import annotations

from toolkit import config
from toolkit._typing import TYPE_CHECKING
from toolkit.logging.formatter import safe_str
from toolkit.trace_header import parse_trace_header

if TYPE_CHECKING:
    from typing import Any

__all__ = ["current_trace_id", "lambda_keys", "xray_trace_id"]

_TRACE_HEADER = config.XRAY_TRACE_ID


def xray_trace_id(header: str | None) -> str | None:
    """The ``Root=`` part of ``_X_AMZN_TRACE_ID``, which is what X-Ray calls the trace id."""
    return parse_trace_header(header).root


def current_trace_id() -> str | None:
    """The trace id of what the runtime serves now: Lambda rewrites ``_X_AMZN_TRACE_ID`` for
    each invocation, and Powertools puts it on every line, not only on a decorated handler's."""
    header = _TRACE_HEADER.raw()
    return None if header is None else parse_trace_header(header).root


def lambda_keys(lambda_context: Any, cold_start: bool) -> dict[str, Any]:
    """``cold_start`` and what the context says about the function and the request."""
    keys: dict[str, Any] = {"cold_start": cold_start}
    if lambda_context is None:
        return keys
    name = getattr(lambda_context, "function_name", None)
    if name is not None:
        keys["function_name"] = name
    memory = getattr(lambda_context, "memory_limit_in_mb", None)
    if memory is not None:
        try:
            keys["function_memory_size"] = int(memory)
        except (TypeError, ValueError):
            keys["function_memory_size"] = safe_str(memory)
    arn = getattr(lambda_context, "invoked_function_arn", None)
    if arn is not None:
        keys["function_arn"] = arn
    request_id = getattr(lambda_context, "aws_request_id", None)
    if request_id is not None:
        keys["function_request_id"] = request_id
    return keys
