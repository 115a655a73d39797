"""Turning one log line (a dict) into one strict JSON string, without ever raising.

The fast path is a single ``JSONEncoder.encode``; only when that raises (NaN or Infinity, a
``default`` that fails, a broken ``__str__``, a circular structure, a non-string key) does the
line go through :func:`sanitize`, which rebuilds it from JSON-safe pieces. Both paths live here
so that the Logger's own calls and records arriving through stdlib ``logging`` render the same.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Callable
from types import TracebackType

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "LEVEL_NAMES",
    "Renderer",
    "exception_fields",
    "level_name",
    "safe_str",
    "sanitize",
    "timestamp",
]

LEVEL_NAMES: dict[int, str] = {
    10: "DEBUG",
    20: "INFO",
    30: "WARNING",
    40: "ERROR",
    50: "CRITICAL",
}

_MAX_DEPTH = 64


def level_name(level: int) -> str:
    """The name of a level, custom ones (``logging.addLevelName``) included."""
    return LEVEL_NAMES.get(level) or logging.getLevelName(level)


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


def safe_str(value: object) -> str:
    """``str(value)``, or a marker naming the type when ``__str__`` itself raises: a log call
    must report the problem in the line, not raise it into the handler."""
    if value.__class__ is str:
        return value
    try:
        return str(value)
    except Exception as exc:
        return f"<unprintable {type(value).__name__}: str() raised {type(exc).__name__}>"


def _float(value: float) -> float | str:
    # Without math.isfinite: math is a shared library, ~0.35 ms of cold start for one test.
    if value - value == 0.0:  # finite; for an infinity or NaN the difference is NaN
        return value
    if value > 0:
        return "Infinity"
    return "-Infinity" if value < 0 else "NaN"


def sanitize(value: Any, default: Callable[[Any], Any], _depth: int = 0) -> Any:
    """A JSON-safe copy of ``value``: non-finite floats become strings, keys become strings,
    other objects go through ``default`` (its result sanitised in turn), and anything that
    raises on the way becomes a marker string."""
    if _depth > _MAX_DEPTH:
        return "<nested too deep>"
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return {
            (key if isinstance(key, str) else safe_str(key)): sanitize(item, default, _depth + 1)
            for key, item in list(value.items())
        }
    if isinstance(value, (list, tuple)):
        return [sanitize(item, default, _depth + 1) for item in value]
    try:
        converted = default(value)
    except Exception as exc:
        return f"<unserializable {type(value).__name__}: {type(exc).__name__}>"
    if converted is value:
        return f"<unserializable {type(value).__name__}>"
    return sanitize(converted, default, _depth + 1)


class Renderer:
    """One compact strict-JSON line per dict. ``json_default`` converts what JSON lacks.

    ``json.dumps`` builds a new C encoder on every call; the C encoder is built here once
    instead (falling back to ``JSONEncoder.encode`` where the C accelerator is missing),
    which is most of what makes a log call cheaper than a plain ``json.dumps``. Circular
    checking is off on the fast path: a cycle raises ``RecursionError``, and the sanitising
    pass, which has a depth limit, takes over.
    """

    __slots__ = ("_default", "_encode")

    def __init__(self, json_default: Callable[[Any], Any]) -> None:
        self._default = json_default
        self._encode: Callable[[dict[str, Any]], str]
        make = getattr(json.encoder, "c_make_encoder", None)
        if make is None:  # pragma: no cover - CPython always has the accelerator
            self._encode = json.JSONEncoder(
                separators=(",", ":"), default=json_default, allow_nan=False
            ).encode
        else:
            encoder = make(
                None,
                json_default,
                json.encoder.encode_basestring_ascii,
                None,
                ":",
                ",",
                False,
                False,
                False,
            )
            join = "".join

            def encode(data: dict[str, Any]) -> str:
                return join(encoder(data, 0))

            self._encode = encode

    def __call__(self, data: dict[str, Any]) -> str:
        try:
            return self._encode(data)
        except Exception:
            try:
                return self._encode(sanitize(data, self._default))
            except Exception as exc:  # a default returning something absurd, say
                return json.dumps(
                    {
                        "level": data.get("level", "ERROR"),
                        "message": "<log line could not be serialised>",
                        "serialisation_error": type(exc).__name__,
                    }
                )


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
