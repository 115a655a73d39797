"""The seam between the Tracer and a tracing backend.

The Tracer decides *whether* an invocation is traced, names spans and validates what users
record; a provider only creates, fills and emits spans. aws-xray-sdk is in maintenance mode
and AWS points to OpenTelemetry, so this interface is kept small enough that an OpenTelemetry
provider can be added without users changing a line: they pass ``provider=`` or keep the
default.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from toolkit._typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from typing import Any

    from toolkit.trace_header import TraceHeader

AnnotationValue = str | int | float | bool


class Span(Protocol):
    """One unit of traced work (an X-Ray subsegment). Keys and values given to it have already
    been validated by the Tracer."""

    def put_annotation(self, key: str, value: AnnotationValue) -> None: ...

    def put_metadata(self, key: str, value: Any, namespace: str) -> None: ...

    def add_error(self, error: BaseException) -> None: ...


class TracerProvider(ABC):
    """A tracing backend.

    Spans are passed in explicitly (the Tracer keeps the current one in a context variable), so
    a provider never needs thread-local state of its own to know where a span belongs: that is
    what makes spans opened in worker threads and concurrent asyncio tasks nest correctly.
    """

    @abstractmethod
    def begin_invocation(self, header: TraceHeader) -> Span | None:
        """The root span of the current invocation, or ``None`` if it cannot be traced (then
        nothing is recorded or emitted). Called once per sampled invocation with Lambda's trace
        header (``_X_AMZN_TRACE_ID``, set whatever the backend), parsed: ``header.sampled`` is
        true, ``header.root`` and ``header.parent`` may be ``None``."""

    @abstractmethod
    def start_span(self, name: str, parent: Span) -> Span:
        """Open a child span of ``parent``."""

    @abstractmethod
    def end_span(self, span: Span) -> None:
        """Close ``span`` and emit what is ready to be emitted."""

    @abstractmethod
    def patch(self, modules: Sequence[str]) -> None:
        """Instrument third-party libraries (botocore, requests, ...) so their calls become
        spans. The Tracer calls it at most once per module and process, when a sampled
        invocation begins, with the modules the function has imported by then."""

    def patch_all(self) -> None:
        """Instrument every library the backend supports (``Tracer.patch()`` without modules).
        A backend that has no such list says so rather than patching nothing."""
        raise NotImplementedError(
            f"{type(self).__name__} has no list of all libraries; call Tracer.patch(modules)"
        )

    def ignore_endpoint(self, hostname: str | None, urls: Sequence[str] | None) -> None:
        """Leave instrumented HTTP calls to ``hostname`` (a glob) or to ``urls`` untraced. A
        backend without the notion says so rather than tracing them anyway."""
        raise NotImplementedError(f"{type(self).__name__} does not support ignore_endpoint")
