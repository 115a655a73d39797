"""The X-Ray trace header, read and made in one place.

Lambda hands each invocation its trace header in ``_X_AMZN_TRACE_ID`` (HTTP services pass the
same text as ``X-Amzn-Trace-Id``)::

    Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1

``Key=value`` fields separated by ``;``, in any order, with others that may be added (Lambda
adds ``Lineage=``). The trace id (``Root``) is the version ``1``, the epoch second the trace
began as 8 hex digits and a 96-bit random number as 24 hex digits; ``Parent`` is a 64-bit
segment id as 16 hex digits; ``Sampled`` is ``1``, ``0`` or ``?`` (not decided yet).

The Logger reads the trace id from it, the Tracer the sampling decision and the ids it attaches
subsegments to; ``toolkit invoke`` and the testing helpers make new ones.
"""

from __future__ import annotations

import os
import time

__all__ = ["TraceHeader", "new_trace_header", "parse_trace_header"]


class TraceHeader:
    """The fields of a trace header that toolkit uses; ``None`` where a field is absent or
    empty. ``sampled`` is ``True`` for ``Sampled=1``, ``False`` for ``Sampled=0`` and ``None``
    otherwise (absent, or ``?``: the decision is left to whoever records the trace)."""

    __slots__ = ("lineage", "parent", "root", "sampled")

    def __init__(
        self,
        root: str | None = None,
        parent: str | None = None,
        sampled: bool | None = None,
        lineage: str | None = None,
    ) -> None:
        self.root = root
        self.parent = parent
        self.sampled = sampled
        self.lineage = lineage

    def __repr__(self) -> str:
        return (
            f"TraceHeader(root={self.root!r}, parent={self.parent!r}, "
            f"sampled={self.sampled!r}, lineage={self.lineage!r})"
        )


_SAMPLED = {"1": True, "0": False}
_last: tuple[str | None, TraceHeader] = (None, TraceHeader())


def parse_trace_header(header: str | None) -> TraceHeader:
    """The fields of ``header``. Never raises: the header comes from outside the function's
    code, and a malformed one gives empty fields (aws-xray-sdk ignores one the same way).

    The Logger and the Tracer both read the invocation's header, so the last one parsed is
    remembered and the second reader gets the same (read-only) object."""
    global _last
    last = _last
    if header == last[0]:
        return last[1]
    parsed = _parse(header)
    _last = (header, parsed)
    return parsed


def _parse(header: str | None) -> TraceHeader:
    root = parent = sampled = lineage = None
    if header:
        for part in header.split(";"):
            key, _, value = part.partition("=")
            if key == "Root":
                root = value
            elif key == "Parent":
                parent = value
            elif key == "Sampled":
                sampled = value
            elif key == "Lineage":
                lineage = value
    return TraceHeader(
        root or None,
        parent or None,
        None if sampled is None else _SAMPLED.get(sampled),
        lineage or None,
    )


def new_trace_header(*, sampled: bool, now: float | None = None) -> str:
    """A new header as Lambda sets it for an invocation: a new trace id begun at ``now``
    (default: the current time), a new parent segment id and the sampling decision."""
    epoch = int(time.time() if now is None else now) & 0xFFFFFFFF
    return (
        f"Root=1-{epoch:08x}-{os.urandom(12).hex()};"
        f"Parent={os.urandom(8).hex()};Sampled={1 if sampled else 0}"
    )
