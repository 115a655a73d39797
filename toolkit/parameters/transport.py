"""What a transport is, how a failed fetch is described, and the retry loop above both.

A transport turns "this parameter, this version" into the stored value, httpx-style: the
extension transport (:mod:`toolkit.parameters.extension`) asks the Parameters and Secrets
Lambda Extension on localhost, the SDK transport (:mod:`toolkit.parameters.sdk`) asks the AWS
APIs through boto3. Both raise :class:`FetchError` describing a failure; the providers turn
it into the public :class:`~toolkit.parameters.errors.GetParameterError` with the name.
"""

from __future__ import annotations

import time

from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")

__all__ = ["FetchError", "Parameter", "Transport", "retrying"]


class Parameter:
    """A fetched SSM parameter: its value and type (``SecureString`` values are secrets)."""

    __slots__ = ("type", "value")

    def __init__(self, value: str, type: str) -> None:
        self.value = value
        self.type = type

    def __repr__(self) -> str:
        return f"Parameter(type={self.type!r})"  # never the value


class FetchError(Exception):
    """A transport could not fetch: ``reason`` in words, the HTTP ``status`` and AWS ``code``
    when known, whether it is ``transient`` (worth retrying: a reset connection, 5xx, 429, an
    extension not ready yet) and whether the extension was ``refused`` (nothing listens, or no
    token to ask with)."""

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        code: str | None = None,
        transient: bool = False,
        refused: bool = False,
    ) -> None:
        self.reason = reason
        self.status = status
        self.code = code
        self.transient = transient
        self.refused = refused
        self.transport: str | None = None  # set by the selection: which one failed
        super().__init__(reason)


class Transport(Protocol):
    """Where values come from. ``name`` is ``"extension"`` or ``"sdk"``."""

    name: str

    def get_parameter(
        self, name: str, *, decrypt: bool, version: int | None, label: str | None
    ) -> Parameter: ...

    def get_secret(
        self, secret_id: str, *, version_id: str | None, version_stage: str | None
    ) -> str | bytes: ...


# Waits between attempts (seconds): three retries, a quarter of a second in all at most. The
# extension's "not ready" lasts as long as its INIT, a 5xx or 429 is usually gone on the next
# try; longer waits would spend the invocation's time on what is more likely an outage.
BACKOFF = (0.025, 0.075, 0.15)
# What must be left of the invocation after a wait for a retry to be worth it.
RESERVE_MS = 200


def retrying(fetch: Callable[[], T], *, sleep: Callable[[float], Any] = time.sleep) -> T:
    """``fetch()``, retried after a short wait while it fails transiently and the invocation
    (when there is one) has the time; the last :class:`FetchError` propagates."""
    for wait in BACKOFF:
        try:
            return fetch()
        except FetchError as error:
            if not error.transient or not _time_for(wait):
                raise
        sleep(wait)
    return fetch()


def _time_for(wait: float) -> bool:
    invocation = _context.current()
    remaining = invocation.remaining_ms() if invocation is not None else None
    return remaining is None or remaining - wait * 1000 > RESERVE_MS
