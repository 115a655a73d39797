"""The keys that are fixed for one invocation, read from the Lambda context and the
runtime's trace header when the invocation starts."""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.logging.formatter import safe_str
from toolkit.trace_header import parse_trace_header

if TYPE_CHECKING:
    from typing import Any

__all__ = ["lambda_keys", "xray_trace_id"]


def xray_trace_id(header: str | None) -> str | None:
    """The ``Root=`` part of ``_X_AMZN_TRACE_ID``, which is what X-Ray calls the trace id."""
    return parse_trace_header(header).root


# The keys a context gives that are fixed for the execution environment (name, memory, ARN),
# by the values they come from: the runtime hands over a new context object per invocation,
# but these three only change between environments (or fake contexts in tests).
_environment_keys: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
_MAX_ENVIRONMENTS = 64  # bounds the cache when tests make up contexts by the thousand


def _environment(name: Any, memory: Any, arn: Any) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    if name is not None:
        keys["function_name"] = name
    if memory is not None:
        try:
            keys["function_memory_size"] = int(memory)
        except (TypeError, ValueError):
            keys["function_memory_size"] = safe_str(memory)
    if arn is not None:
        keys["function_arn"] = arn
    return keys


def lambda_keys(lambda_context: Any, cold_start: bool) -> dict[str, Any]:
    if lambda_context is None:
        return {"cold_start": cold_start}
    name = getattr(lambda_context, "function_name", None)
    memory = getattr(lambda_context, "memory_limit_in_mb", None)
    arn = getattr(lambda_context, "invoked_function_arn", None)
    try:
        environment = _environment_keys[name, memory, arn]
    except KeyError:
        environment = _environment_keys[name, memory, arn] = _environment(name, memory, arn)
        if len(_environment_keys) > _MAX_ENVIRONMENTS:
            _environment_keys.clear()
    except TypeError:  # an unhashable attribute (a fake context): nothing to cache it by
        environment = _environment(name, memory, arn)
    keys = {"cold_start": cold_start, **environment}
    request_id = getattr(lambda_context, "aws_request_id", None)
    if request_id is not None:
        keys["function_request_id"] = request_id
    return keys
