"""Which transport serves a call: ``"extension"``, ``"sdk"`` or ``"auto"``.

``auto`` (the default) uses the extension when it answers and falls back to the SDK when
nothing listens on its port (or ``AWS_SESSION_TOKEN``, its token, is not set), and says once
per process which one it uses. The choice is process-wide, like the one kept-alive connection
to the extension: an execution environment either has the extension layer or not.
"""

from __future__ import annotations

import threading

from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING
from toolkit.parameters.extension import ExtensionTransport
from toolkit.parameters.transport import FetchError, retrying

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable
    from typing import TypeVar

    from toolkit.parameters.sdk import SdkTransport
    from toolkit.parameters.transport import Transport

    T = TypeVar("T")

__all__ = ["MODES", "extension", "fetch", "reset", "settled"]

MODES = ("auto", "extension", "sdk")

_lock = threading.Lock()
_extension: ExtensionTransport | None = None
_auto: str | None = None  # what "auto" settled on: "extension" or "sdk"


def extension() -> ExtensionTransport:
    """The process's extension transport (one kept-alive connection)."""
    global _extension
    transport = _extension
    if transport is None:
        with _lock:
            if _extension is None:
                _extension = ExtensionTransport()
            transport = _extension
    return transport


def fetch(mode: str, sdk: SdkTransport, call: Callable[[Transport], T]) -> T:
    """``call(transport)`` through the transport ``mode`` selects, with retries. A failure is
    the last :class:`FetchError`, naming the transport that failed."""
    if mode == "sdk" or (mode == "auto" and _auto == "sdk"):
        return _through(sdk, call)
    transport = extension()
    if mode == "extension" or _auto == "extension":
        return _through(transport, call)
    try:
        value = _through(transport, call)
    except FetchError as error:
        if not error.refused:
            _settle("extension", transport)  # it answered, if with an error
            raise
        _settle("sdk", transport, error.reason)
        return _through(sdk, call)
    _settle("extension", transport)
    return value


def settled() -> str | None:
    """What ``auto`` settled on in this process (``"extension"``, ``"sdk"``), if it has."""
    return _auto


def _through(transport: Transport, call: Callable[[Transport], T]) -> T:
    try:
        return retrying(lambda: call(transport))
    except FetchError as error:
        error.transport = transport.name
        raise


def _settle(choice: str, transport: ExtensionTransport, why: str = "") -> None:
    global _auto
    with _lock:
        if _auto is not None:
            return
        _auto = choice
    if choice == "extension":
        message = f"parameters: using the Parameters and Secrets extension on port {transport.port}"
    else:
        message = f"parameters: using the AWS SDK ({why}; the extension is not there)"
    _log().info(message)


def _log() -> logging.Logger:
    """Where the choice is reported: the invocation's toolkit Logger, else the stdlib logger
    ``toolkit.parameters``."""
    import logging

    invocation = _context.current()
    active = invocation.logger if invocation is not None else None
    return active if active is not None else logging.getLogger("toolkit.parameters")


def reset() -> None:
    """Forget the choice and close the connection (tests, and a process that forked)."""
    global _auto, _extension
    with _lock:
        _auto = None
        transport, _extension = _extension, None
    if transport is not None:
        transport.close()
