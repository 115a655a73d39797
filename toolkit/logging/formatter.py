"""The pieces of a log line that are not JSON encoding: the timestamp, the exception fields,
and which members are the line's own (level names are :mod:`toolkit.logging.levels`').

Encoding (strict JSON, markers for bad values, the size bound) is :mod:`toolkit.jsonline`'s,
shared with the EMF documents; the Logger's own calls and records arriving through stdlib
``logging`` both go through it.
"""

from __future__ import annotations

import time
import traceback
from types import TracebackType

from toolkit._typing import TYPE_CHECKING
from toolkit.jsonline import safe_str

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "KEEP",
    "OWN_FIELDS",
    "exception_fields",
    "safe_str",
    "timestamp",
]

# Members a line over CloudWatch's size limit keeps whole (the message keeps its start).
KEEP = frozenset(
    {
        "level",
        "location",
        "timestamp",
        "service",
        "sampling_rate",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "xray_trace_id",
        "correlation_id",
        "logger",
        "exception_name",
    }
)
# The line's own fields: a key of the call (or of a dict message) with one of these names is
# written as ``extra_<name>`` instead of replacing the field (docs/logger.md, "Fields").
OWN_FIELDS = (KEEP - {"correlation_id"}) | {
    "message",
    "exception",
    "stack_trace",
    "message_args_error",
}

_cache: tuple[int, str] = (-1, "")


def timestamp(now: float) -> str:
    """RFC 3339 in UTC with milliseconds and an explicit offset.

    ``strftime`` is the costly part and changes once a second, so the second-level prefix is
    cached; a log call only formats the milliseconds. The cache is one tuple, read and replaced
    whole, so a thread can never pair one second's prefix with another's time.
    """
    global _cache
    second = int(now)
    cached = _cache
    if cached[0] != second:
        cached = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
        _cache = cached
    return f"{cached[1]}.{int((now - second) * 1000):03d}+00:00"


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def exception_fields(exc_info: ExcInfo) -> dict[str, Any]:
    """``exception`` (the formatted traceback), ``exception_name`` and a structured
    ``stack_trace`` with one entry per frame, the field names Powertools uses."""
    etype, value, tb = exc_info
    # traceback copes with a broken __str__ on its own ("<exception str() failed>").
    formatted = "".join(traceback.format_exception(etype, value, tb)).rstrip("\n")
    frames = [
        {
            "file": frame.filename,
            "line": frame.lineno,
            "function": frame.name,
            "statement": frame.line or "",
        }
        for frame in traceback.extract_tb(tb)
    ]
    return {
        "exception": formatted,
        "exception_name": etype.__name__,
        "stack_trace": {
            "type": etype.__name__,
            "value": safe_str(value),
            "module": etype.__module__,
            "frames": frames,
        },
    }
