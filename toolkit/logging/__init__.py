"""Structured JSON logging for Lambda handlers.

``from toolkit.logging import Logger, LogBuffer, correlation_paths``. Names resolve lazily
(PEP 562) so importing the package costs nothing until a name is used.
"""

from __future__ import annotations

import sys

from toolkit._typing import TYPE_CHECKING

_EXPORTS: dict[str, str] = {
    "Logger": "toolkit.logging.logger",
    "LogBuffer": "toolkit.logging.buffer",
    "LoggerError": "toolkit.logging.errors",
    "InvalidLevelError": "toolkit.logging.errors",
    "InvalidSamplingRateError": "toolkit.logging.errors",
    "InvalidBufferError": "toolkit.logging.errors",
    "InvalidCorrelationPathError": "toolkit.logging.errors",
}

__all__ = [
    "InvalidBufferError",
    "InvalidCorrelationPathError",
    "InvalidLevelError",
    "InvalidSamplingRateError",
    "LogBuffer",
    "Logger",
    "LoggerError",
    "correlation_paths",
]

if TYPE_CHECKING:
    from typing import Any

    from toolkit.logging import correlation_paths
    from toolkit.logging.buffer import LogBuffer
    from toolkit.logging.errors import (
        InvalidBufferError,
        InvalidCorrelationPathError,
        InvalidLevelError,
        InvalidSamplingRateError,
        LoggerError,
    )
    from toolkit.logging.logger import Logger


def __getattr__(name: str) -> Any:
    if name == "correlation_paths":
        __import__("toolkit.logging.correlation_paths")
        return sys.modules["toolkit.logging.correlation_paths"]
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit.logging' has no attribute {name!r}")
    __import__(module)  # the builtin: importing importlib would cost ~0.4 ms of cold start
    value = getattr(sys.modules[module], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
