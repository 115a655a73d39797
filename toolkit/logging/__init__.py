"""Structured JSON logging for Lambda handlers.

``from toolkit.logging import Logger, LogBuffer, correlation_paths``. Names resolve lazily
(PEP 562) so importing the package costs nothing until a name is used.
"""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

_EXPORTS: dict[str, str] = {
    "Logger": "toolkit.logging.logger",
    "LogBuffer": "toolkit.logging.buffer",
    "LoggerBufferConfig": "toolkit.logging.buffer",
    "LoggerError": "toolkit.logging.errors",
    "InvalidLevelError": "toolkit.logging.errors",
    "InvalidSamplingRateError": "toolkit.logging.errors",
    "InvalidSecretError": "toolkit.logging.errors",
    "InvalidBufferError": "toolkit.logging.errors",
    "InvalidCorrelationPathError": "toolkit.logging.errors",
    "OrphanedChildLoggerError": "toolkit.logging.errors",
    "correlation_paths": "toolkit.logging.correlation_paths",
    "redact": "toolkit.logging.redact",
    "register_secret": "toolkit.logging.redact",
    "unregister_secret": "toolkit.logging.redact",
}

__all__ = [
    "InvalidBufferError",
    "InvalidCorrelationPathError",
    "InvalidLevelError",
    "InvalidSamplingRateError",
    "InvalidSecretError",
    "LogBuffer",
    "Logger",
    "LoggerBufferConfig",
    "LoggerError",
    "OrphanedChildLoggerError",
    "correlation_paths",
    "redact",
    "register_secret",
    "unregister_secret",
]

if TYPE_CHECKING:
    from toolkit.logging import correlation_paths, redact
    from toolkit.logging.buffer import LogBuffer, LoggerBufferConfig
    from toolkit.logging.errors import (
        InvalidBufferError,
        InvalidCorrelationPathError,
        InvalidLevelError,
        InvalidSamplingRateError,
        InvalidSecretError,
        LoggerError,
        OrphanedChildLoggerError,
    )
    from toolkit.logging.logger import Logger
    from toolkit.logging.redact import register_secret, unregister_secret


__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
