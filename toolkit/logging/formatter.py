"""The pieces of a log line that are not JSON encoding (the timestamp, the exception fields,
which members are the line's own) and, by name, Powertools' formatter classes.

Encoding (strict JSON, markers for bad values, the size bound) is :mod:`toolkit.jsonline`'s,
shared with the EMF documents; the Logger's own calls and records arriving through stdlib
``logging`` both go through it.

``BasePowertoolsFormatter``, ``LambdaPowertoolsFormatter`` and ``JsonFormatter`` are importable
from here, under Powertools' module name, and defined in
:mod:`toolkit.logging._powertools_formatter`, loaded the first time one is used: a Logger
without a formatter (the usual one) never pays for them at cold start. See that module for
how a Logger's lines go through a formatter.
"""

from __future__ import annotations

import logging
import time
import traceback
from types import TracebackType

from toolkit import config
from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING
from toolkit.jsonline import safe_str

if TYPE_CHECKING:
    from typing import Any

    from toolkit.logging._powertools_formatter import (
        BasePowertoolsFormatter,
        JsonFormatter,
        LambdaPowertoolsFormatter,
    )

__all__ = [
    "KEEP",
    "OWN_FIELDS",
    "RECORD_ATTRS",
    "BasePowertoolsFormatter",
    "JsonFormatter",
    "LambdaPowertoolsFormatter",
    "exception_fields",
    "make_formatter",
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
    "formatter_error",
}
# A LogRecord's own attributes; any other attribute is a key given with ``extra=``.
RECORD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName", "_toolkit_line"}
)
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
    # %-formatting on purpose: %03d truncates the float as int() would, and costs ~1,000
    # fewer instructions per line than int() plus an f-string format spec (callgrind).
    return "%s.%03d+00:00" % (cached[1], (now - second) * 1000)  # noqa: UP031


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


# --- which formatter a Logger's lines go through --------------------------------------------

_FORMATTER_DEFAULTS: dict[str, Any] = {
    "json_serializer": None,
    "json_deserializer": None,
    "datefmt": None,
    "use_datetime_directive": False,
    "log_record_order": None,
    "use_rfc3339": False,
    "serialize_stacktrace": True,
}


def make_formatter(
    logger_formatter: logging.Formatter | None, options: dict[str, Any]
) -> logging.Formatter | None:
    """The formatter a Logger's lines go through, or ``None`` when toolkit's own line serves
    (the fast path). ``options`` are the Logger's formatter options, by name; one that a
    given ``logger_formatter`` would ignore raises ``TypeError`` naming it, rather than being
    dropped silently (Powertools drops them). ``utc`` alone needs no formatter (toolkit's
    timestamp is UTC), nor ``json_default`` (the Logger's encoder applies it)."""
    changed = sorted(
        name
        for name, default in _FORMATTER_DEFAULTS.items()
        if options.get(name, default) != default
    )
    if logger_formatter is not None:
        if not isinstance(logger_formatter, logging.Formatter):
            raise TypeError(
                "Logger logger_formatter must be a logging.Formatter (a "
                "toolkit.logging.formatter.LambdaPowertoolsFormatter or subclass), not "
                f"{type(logger_formatter).__name__}"
            )
        if options.get("utc"):
            changed.append("utc")
        if changed:
            raise TypeError(
                f"Logger {', '.join(changed)}: options of the formatter, which a given "
                "logger_formatter does not take from the Logger; pass them to the formatter"
            )
        return logger_formatter
    if changed or config.DEV.read():
        from toolkit.logging._powertools_formatter import LambdaPowertoolsFormatter

        return LambdaPowertoolsFormatter(**options)
    return None


_CLASSES = "toolkit.logging._powertools_formatter"
__getattr__, __dir__ = exports(
    __name__,
    {
        "BasePowertoolsFormatter": _CLASSES,
        "LambdaPowertoolsFormatter": _CLASSES,
        "JsonFormatter": _CLASSES,
    },
    globals(),
)
