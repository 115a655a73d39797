"""The aws-xray-sdk provider: the only module of toolkit that imports ``aws_xray_sdk``, and
only when the first traced invocation (or patching) needs it.

How emission works, which the tests rely on: inside Lambda the function's segment belongs to
the Lambda service; the SDK only sends *subsegments*, each as its own UDP document to the
daemon, addressed to the trace and parent taken from ``_X_AMZN_TRACE_ID``. With a streaming
threshold of 0 (what the SDK uses in Lambda, and what :meth:`XRayProvider._recorder` ensures)
a subsegment is sent when it closes, as its children closed and were sent before it.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Sequence

from toolkit import config
from toolkit._typing import TYPE_CHECKING
from toolkit.tracing.errors import ProviderUnavailableError
from toolkit.tracing.provider import AnnotationValue, Span, TracerProvider

if TYPE_CHECKING:
    from typing import Any

    from toolkit.trace_header import TraceHeader

__all__ = [
    "DOCUMENT_LIMIT",
    "METADATA_BUDGET",
    "XRayProvider",
    "XRaySpan",
    "bound",
    "missing_sdk",
]

DOCUMENT_LIMIT = 64 * 1024
"""X-Ray's maximum segment document size, the daemon's header line included."""

METADATA_BUDGET = 48 * 1024
"""Bytes of metadata one subsegment may carry: the document limit minus room for ids,
timings, annotations and an exception with its stack (messages are capped too)."""

_MESSAGE_LIMIT = 2048
_PREVIEW_CHARS = 1024
_MAX_FRAMES = 10


def missing_sdk() -> ProviderUnavailableError | None:
    """The error to report if aws-xray-sdk cannot be imported, found without importing it (a
    Tracer in Lambda asks once, when it is built)."""
    from importlib.util import find_spec

    try:
        found = find_spec("aws_xray_sdk") is not None
    except (ImportError, ValueError):  # a finder refusing it, a broken entry in sys.modules
        found = False
    return None if found else ProviderUnavailableError("X-Ray", "aws-xray-sdk")


def bound(value: Any, budget: int) -> tuple[Any, int]:
    """``value`` if its JSON fits in ``budget`` bytes, otherwise a marker saying it was cut
    (with the original size and the start of it); and the bytes it will take.

    Serialises like the SDK does (``default=str``) so the size measured is the size sent. A
    value that cannot be serialised at all (a cycle, non-string keys) becomes a marker too:
    the SDK would otherwise fail when sending and the whole subsegment would be lost.
    """
    try:
        encoded = json.dumps(value, default=str).encode()
    except (TypeError, ValueError, RecursionError) as error:
        marker = {"unserializable": True, "type": type(value).__name__, "reason": str(error)}
        return marker, len(json.dumps(marker).encode())
    size = len(encoded)
    if size <= budget:
        return value, size
    preview = encoded[: max(0, min(_PREVIEW_CHARS, budget - 96))].decode(errors="ignore")
    marker = {"truncated": True, "original_bytes": size, "preview": preview}
    return marker, len(json.dumps(marker).encode())


class XRaySpan:
    """An X-Ray (sub)segment with the parent it was opened under and its metadata budget."""

    __slots__ = ("budget", "entity", "parent")

    def __init__(self, entity: Any, parent: XRaySpan | None) -> None:
        self.entity = entity
        self.parent = parent
        self.budget = METADATA_BUDGET

    def open_entity(self) -> Any:
        """This span's entity, or its nearest ancestor still open: a generator can finish after
        the span it started under, and a closed X-Ray entity refuses every change."""
        span = self
        while span.parent is not None and not span.entity.in_progress:
            span = span.parent
        return span.entity

    def put_annotation(self, key: str, value: AnnotationValue) -> None:
        self.open_entity().put_annotation(key, value)

    def put_metadata(self, key: str, value: Any, namespace: str) -> None:
        value, size = bound(value, self.budget)
        self.budget = max(0, self.budget - size)
        self.open_entity().put_metadata(key, value, namespace)

    def add_error(self, error: BaseException) -> None:
        entity = self.open_entity()
        stack = traceback.extract_tb(error.__traceback__, limit=-_MAX_FRAMES)
        entity.add_exception(error, stack)
        cause = entity.cause
        if isinstance(cause, dict):
            for throwable in cause.get("exceptions", ()):
                message = getattr(throwable, "message", None)
                if isinstance(message, str) and len(message) > _MESSAGE_LIMIT:
                    throwable.message = message[:_MESSAGE_LIMIT] + " ...[truncated]"


class XRayProvider(TracerProvider):
    """Spans as aws-xray-sdk subsegments under the Lambda facade segment.

    Subsegments are created with the parent given by the Tracer (not the SDK's thread-local
    stack, which cannot follow worker threads or concurrent asyncio tasks). The SDK's
    thread-local "current entity" is still kept in step with the span being opened or closed in
    this thread, so patched libraries (botocore, requests) nest their subsegments under ours.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._recorder_instance: Any = None
        self._setup_error: Exception | None = None
        self._facade_class: Any = None
        self._subsegment_class: Any = None
        self._daemon_address: str | None = None
        # ignore_endpoint rules given before the SDK is imported, applied when it is.
        self._ignored: list[tuple[str | None, tuple[str, ...] | None]] = []

    def _recorder(self) -> Any:
        recorder = self._recorder_instance
        if recorder is not None:
            return recorder
        with self._lock:
            if self._setup_error is not None:
                # Importing the SDK runs its configuration (the daemon address, say): once it
                # failed it fails the same way, so it is not imported again at each invocation.
                raise self._setup_error.with_traceback(None)
            if self._recorder_instance is None:
                try:
                    self._recorder_instance = self._set_up()
                except ImportError:
                    self._setup_error = ProviderUnavailableError("X-Ray", "aws-xray-sdk")
                    raise self._setup_error from None
                except Exception as error:
                    self._setup_error = error
                    raise
        return self._recorder_instance

    def _set_up(self) -> Any:
        from aws_xray_sdk.core import xray_recorder
        from aws_xray_sdk.core.lambda_launcher import LambdaContext
        from aws_xray_sdk.core.models.facade_segment import FacadeSegment
        from aws_xray_sdk.core.models.subsegment import Subsegment

        if not isinstance(xray_recorder.context, LambdaContext):
            # The SDK was imported before LAMBDA_TASK_ROOT was set (a test, say).
            xray_recorder.configure(context=LambdaContext())
        xray_recorder.configure(streaming_threshold=0)
        rules, self._ignored = self._ignored, []
        _add_ignored(rules)
        self._facade_class = FacadeSegment
        self._subsegment_class = Subsegment
        return xray_recorder

    def begin_invocation(self, header: TraceHeader) -> Span | None:
        root, parent = header.root, header.parent
        if root is None or parent is None:
            return None
        recorder = self._recorder()
        address = config.XRAY_DAEMON_ADDRESS.read()
        if address != self._daemon_address:
            # The SDK reads the address once, when it is imported: follow changes (tests start
            # a new listener each time; Lambda never changes it, so this runs once there).
            recorder.emitter.set_daemon_address(address)
            self._daemon_address = address
        facade = self._facade_class(name="facade", traceid=root, entityid=parent, sampled=True)
        recorder.context.set_trace_entity(facade)
        return XRaySpan(facade, None)

    def start_span(self, name: str, parent: Span) -> Span:
        assert isinstance(parent, XRaySpan)
        recorder = self._recorder()
        entity = parent.open_entity()
        segment = getattr(entity, "parent_segment", entity)
        subsegment = self._subsegment_class(name, "local", segment)
        entity.add_subsegment(subsegment)
        recorder.context.set_trace_entity(subsegment)
        return XRaySpan(subsegment, parent)

    def end_span(self, span: Span) -> None:
        assert isinstance(span, XRaySpan) and span.parent is not None
        recorder = self._recorder()
        subsegment = span.entity
        subsegment.close()
        recorder.context.set_trace_entity(span.parent.entity)
        segment = subsegment.parent_segment
        streaming = recorder.streaming
        if streaming.is_eligible(segment):
            streaming.stream(segment, recorder.emitter.send_entity)

    def patch(self, modules: Sequence[str]) -> None:
        self._recorder()
        from aws_xray_sdk.core import patch

        patch(tuple(modules), raise_errors=False)

    def patch_all(self) -> None:
        self._recorder()
        from aws_xray_sdk.core import patch_all

        patch_all()

    def ignore_endpoint(self, hostname: str | None, urls: Sequence[str] | None) -> None:
        """Kept until the SDK is imported (the first sampled invocation), so declaring rules
        at import time costs no cold start."""
        with self._lock:
            self._ignored.append((hostname, None if urls is None else tuple(urls)))
            if self._recorder_instance is None:
                return
            rules, self._ignored = self._ignored, []
        _add_ignored(rules)


def _add_ignored(rules: list[tuple[str | None, tuple[str, ...] | None]]) -> None:
    """Hand ``ignore_endpoint`` rules to the SDK's httplib instrumentation."""
    if rules:
        from aws_xray_sdk.ext.httplib import add_ignored

        for hostname, urls in rules:
            add_ignored(hostname=hostname, urls=urls)
