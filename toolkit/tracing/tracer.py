"""The Tracer: decides per invocation whether to trace, and wraps handlers, methods and blocks
in spans of a :class:`~toolkit.tracing.provider.TracerProvider` (X-Ray by default).

The span being recorded lives in a context variable shared by every Tracer instance, so a
``Tracer()`` made in each module of a function still nests under the one handler span, worker
threads started with ``contextvars.copy_context().run`` and concurrent asyncio tasks nest under
the span that started them, and nothing survives the invocation. When tracing is off that
variable is empty and a decorated method costs one ``ContextVar.get`` more than an undecorated
one; when the Tracer is disabled outright the decorators return the function unchanged.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar, Token
from types import TracebackType

from toolkit import _notice, config
from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, TypeVar, overload
from toolkit.middleware import NO_LAYER, Target, middleware_method
from toolkit.trace_header import parse_trace_header
from toolkit.tracing.annotations import annotation_key, check_value
from toolkit.tracing.provider import Span, TracerProvider

if TYPE_CHECKING:
    from typing import Any

__all__ = ["Subsegment", "Tracer"]

F = TypeVar("F", bound="Callable[..., Any]")
H = TypeVar("H", bound="Callable[..., Any]")
Frame = tuple[TracerProvider, Span]

_current: ContextVar[Frame | None] = ContextVar("toolkit_trace_span", default=None)

DEFAULT_PATCH_MODULES = ("botocore", "requests", "httpx")

# aws-xray-sdk patch names whose library is imported under another name.
_IMPORTED_AS = {
    "httplib": "http.client",
    "sqlalchemy_core": "sqlalchemy",
    "mysql": "mysql.connector",
}

_lock = threading.Lock()  # guards _patched and _warned
_patched: set[tuple[type, str]] = set()
_default_provider: TracerProvider | None = None
_warned: set[str] = set()


def _in_lambda() -> bool:
    """Whether this process runs in Lambda proper: ``LAMBDA_TASK_ROOT`` is set there and by
    local emulators, which also set ``AWS_SAM_LOCAL`` / ``AWS_CHALICE_CLI_MODE`` and have no
    X-Ray daemon to send to."""
    return bool(
        config.LAMBDA_TASK_ROOT.read()
        and not config.SAM_LOCAL.read()
        and not config.CHALICE_LOCAL.read()
    )


def _xray_provider() -> TracerProvider:
    global _default_provider
    if _default_provider is None:
        from toolkit.tracing.xray import XRayProvider

        _default_provider = XRayProvider()
    return _default_provider


def _error_value(error: BaseException) -> dict[str, str]:
    try:
        message = str(error)
    except Exception:  # an exception whose __str__ fails must not replace the real error
        message = f"<{type(error).__name__} whose str() failed>"
    return {"type": type(error).__name__, "message": message}


def _warn_once(key: str, message: str) -> None:
    """A tracing problem the handler must not pay for: said once per process (a JSON line
    inside Lambda, a ``RuntimeWarning`` elsewhere), then tracing carries on without whatever
    failed."""
    with _lock:
        if key in _warned:
            return
        _warned.add(key)
    _notice.warn(message, RuntimeWarning)


def _provider_failed(operation: str, error: Exception) -> None:
    value = _error_value(error)
    kind, reason = value["type"], value["message"]
    _warn_once(
        f"{operation}:{kind}",
        f"tracing: the provider raised {kind} while it {operation} ({reason}); the handler "
        "goes on and what could not be recorded is left out of the trace (said once per "
        "process)",
    )


def _safely(operation: str, call: Callable[..., Any], *args: Any) -> Any:
    """``call(*args)``, or ``None`` if the provider raised: a tracer never fails a handler."""
    try:
        return call(*args)
    except Exception as error:
        _provider_failed(operation, error)
        return None


class _NoSpan:
    """Stands for a span the provider failed to open: records nothing."""

    __slots__ = ()

    def put_annotation(self, key: str, value: str | int | float | bool) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str) -> None:
        pass

    def add_error(self, error: BaseException) -> None:
        pass


_NO_SPAN = _NoSpan()


class _Span:
    """A span opened under ``parent`` and made current; :meth:`close` ends it.

    Every call into the provider goes through :func:`_safely`: if the provider fails to open
    the span, the code it covers runs all the same, untraced, and spans opened inside it attach
    to ``parent``.

    Plain calls and blocks restore the previous current span with their token. Generators use
    ``restore_by_set``: they may be finished in another context than the one they started in
    (where a token cannot be used), and they hand the current span back only if it is still
    theirs, so a generator finishing after its caller returned cannot make a closed span
    current again."""

    __slots__ = ("current", "error_key", "namespace", "parent", "span", "token")

    def __init__(self, parent: Frame, name: str, namespace: str, error_key: str | None) -> None:
        provider = parent[0]
        self.parent = parent
        self.namespace = namespace
        self.error_key = error_key
        span = _safely("opened a subsegment", provider.start_span, name, parent[1])
        if span is None:
            self.span: Span = _NO_SPAN
            self.current: Frame = parent
        else:
            self.span = span
            self.current = (provider, span)
        self.token: Token[Frame | None] = _current.set(self.current)

    def annotate(self, key: str, value: str | int | float | bool) -> None:
        _safely("recorded an annotation", self.span.put_annotation, key, value)

    def attach(self, key: str, value: Any) -> None:
        _safely("recorded metadata", self.span.put_metadata, key, value, self.namespace)

    def fail(self, error: BaseException) -> None:
        if self.error_key is not None:
            self.attach(self.error_key, _error_value(error))
        _safely("recorded an error", self.span.add_error, error)

    def close(self, restore_by_set: bool = False) -> None:
        if not restore_by_set:
            _current.reset(self.token)
        elif _current.get() is self.current:
            _current.set(self.parent)
        if self.span is not _NO_SPAN:
            _safely("closed a subsegment", self.parent[0].end_span, self.span)


class Subsegment:
    """What ``with tracer.subsegment(name) as s`` gives: annotations and metadata for that
    subsegment, validated like the Tracer's own. Does nothing (but still validates) when the
    invocation is not traced."""

    __slots__ = ("_span", "_tracer")

    def __init__(self, tracer: Tracer, span: Span | None) -> None:
        self._tracer = tracer
        self._span = span

    def put_annotation(self, key: str, value: str | int | float | bool) -> None:
        key = annotation_key(key)
        value = check_value(key, value)
        if self._span is not None:
            _safely("recorded an annotation", self._span.put_annotation, key, value)

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        if self._span is not None:
            _safely(
                "recorded metadata",
                self._span.put_metadata,
                key,
                value,
                namespace or self._tracer.service,
            )


class _Block:
    """``tracer.subsegment(name)``: a span for a ``with`` or ``async with`` block."""

    __slots__ = ("_name", "_span", "_tracer")

    def __init__(self, tracer: Tracer, name: str) -> None:
        self._tracer = tracer
        self._name = name
        self._span: _Span | None = None

    def __enter__(self) -> Subsegment:
        frame = _current.get()
        if frame is None or self._tracer.disabled:
            return Subsegment(self._tracer, None)
        self._span = _Span(frame, self._name, self._tracer.service, None)
        return Subsegment(self._tracer, self._span.span)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        span, self._span = self._span, None
        if span is None:
            return
        try:
            if error is not None and self._tracer.capture_error:
                span.fail(error)
        finally:
            span.close()

    async def __aenter__(self) -> Subsegment:
        return self.__enter__()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(kind, error, tb)


class Tracer:
    """Trace a Lambda handler and the functions it calls.

    Settings are read when the Tracer is built, explicit arguments winning:
    ``service`` (else ``TOOLKIT_SERVICE_NAME``), ``disabled`` (else ``TOOLKIT_TRACE_DISABLED``),
    and the defaults of ``capture_response`` / ``capture_error``
    (``TOOLKIT_TRACER_CAPTURE_RESPONSE`` / ``TOOLKIT_TRACER_CAPTURE_ERROR``). Whether each
    invocation is traced is decided when it starts: not outside Lambda (no
    ``LAMBDA_TASK_ROOT``) and not when ``_X_AMZN_TRACE_ID`` says ``Sampled=0``.
    """

    def __init__(
        self,
        service: str | None = None,
        disabled: bool | None = None,
        auto_patch: bool = True,
        patch_modules: Sequence[str] | None = None,
        provider: TracerProvider | None = None,
    ) -> None:
        self.service: str = service or config.SERVICE_NAME.read()
        self.disabled: bool = config.TRACE_DISABLED.read() if disabled is None else disabled
        self.capture_response: bool = config.TRACER_CAPTURE_RESPONSE.read()
        self.capture_error: bool = config.TRACER_CAPTURE_ERROR.read()
        self._provider = provider
        self._patch_modules: tuple[str, ...] = ()
        if auto_patch:
            self._patch_modules = tuple(
                DEFAULT_PATCH_MODULES if patch_modules is None else patch_modules
            )
        # Set in Lambda from start to end of the process, so once seen it is never read again;
        # when absent it is read per invocation, so a Tracer built at import time in a test
        # still traces the invocations run inside an XRayCapture.
        self._in_lambda = _in_lambda()
        if not self.disabled and self._in_lambda and provider is None:
            from toolkit.tracing.xray import missing_sdk

            missing = missing_sdk()
            if missing is not None:
                # Tracing would be on: rather than failing every sampled invocation, say it
                # once now and trace nothing, as if disabled.
                _warn_once("missing-sdk", f"tracing is off: {missing}")
                self.disabled = True

    def __repr__(self) -> str:
        return f"Tracer(service={self.service!r}, disabled={self.disabled})"

    @property
    def provider(self) -> TracerProvider:
        if self._provider is None:
            self._provider = _xray_provider()
        return self._provider

    def patch(self, modules: Sequence[str] | None = None) -> None:
        """Instrument ``modules`` now (every library the provider supports when ``None``),
        imported or not, instead of when the first sampled invocation begins. Nothing when
        the Tracer is disabled. Errors are raised: this is an explicit call, made at import."""
        if self.disabled:
            return
        provider = self.provider
        kind = type(provider)
        if modules is None:
            provider.patch_all()
            return
        if isinstance(modules, str):
            raise TypeError("patch takes a list of module names, not one string")
        names = list(modules)
        provider.patch(names)
        with _lock:
            _patched.update((kind, m) for m in names)

    def ignore_endpoint(
        self, hostname: str | None = None, urls: Sequence[str] | None = None
    ) -> None:
        """Leave instrumented HTTP calls to ``hostname`` (a glob, ``"*.amazonaws.com"``) or to
        ``urls`` (paths) out of the trace, as aws-xray-sdk's ``add_ignored`` does for httplib."""
        if hostname is None and urls is None:
            raise TypeError("ignore_endpoint needs hostname= or urls=")
        if isinstance(urls, str):
            raise TypeError("ignore_endpoint's urls is a list of paths, not one string")
        self.provider.ignore_endpoint(hostname, urls)

    def _patch(self, provider: TracerProvider) -> None:
        """Instrument the libraries of ``patch_modules`` that the function has imported by now,
        once per process and kind of provider. Called when a sampled invocation begins, before
        the handler runs: never at construction, so an unsampled invocation loads nothing of the
        provider's, and never importing a library the function does not use."""
        kind = type(provider)
        ready = [
            m
            for m in self._patch_modules
            if (kind, m) not in _patched and _IMPORTED_AS.get(m, m) in sys.modules
        ]
        if not ready:
            return
        with _lock:
            ready = [m for m in ready if (kind, m) not in _patched]
            _patched.update((kind, m) for m in ready)  # tried once, whatever happens
        if ready:
            _safely("patched libraries", provider.patch, ready)

    # --- the handler -----------------------------------------------------------------------

    @middleware_method
    def capture_lambda_handler(
        self,
        handler: Callable[[Any, Any], Any],
        event: Any,
        context: Any,
        *,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
        _name: str = "handler",
    ) -> Any:
        """Middleware: trace the handler in a subsegment ``## <handler>`` with the
        ``ColdStart`` and ``Service`` annotations, its response and error as metadata, and a
        subsegment per :func:`toolkit.context.scope`. Bare or with ``capture_response=`` /
        ``capture_error=``; composes with :func:`toolkit.middleware.chain`. A Tracer disabled
        when the handler is decorated adds no layer at all."""
        if self.disabled:
            return handler(event, context)
        frame = _current.get()
        began = frame is None
        if frame is None:
            if not (self._in_lambda or _in_lambda()):
                return handler(event, context)
            # Lambda rewrites the header before each invocation: read once per invocation.
            header = parse_trace_header(config.XRAY_TRACE_ID.read())
            if not header.sampled:
                return handler(event, context)
            provider = self.provider
            root = _safely("began an invocation", provider.begin_invocation, header)
            if root is None:
                return handler(event, context)
            self._patch(provider)
            frame = (provider, root)
        name = _name
        span = _Span(
            frame,
            f"## {name}",
            self.service,
            f"{name} error"
            if (self.capture_error if capture_error is None else capture_error)
            else None,
        )
        try:
            span.annotate("ColdStart", _context.is_cold_start())
            span.annotate("Service", self.service)
            invocation = _context.current()
            if began and invocation is not None:
                invocation.add_scope_listener(functools.partial(self._scope, span.current))
            response = handler(event, context)
            if self.capture_response if capture_response is None else capture_response:
                span.attach(f"{name} response", response)
            return response
        except BaseException as error:
            span.fail(error)
            raise
        finally:
            span.close()

    @capture_lambda_handler.setup
    def _prepare_handler(self, target: Target, options: dict[str, Any]) -> Any:
        """Decoration time: a disabled Tracer adds no layer; the subsegment is named after the
        user's function, recorded by the engine."""
        if self.disabled:
            return NO_LAYER
        return {**options, "_name": target.name}

    def _scope(self, opened_under: Frame, name: str, keys: Mapping[str, Any]) -> _Scope:
        return _Scope(self, _current.get() or opened_under, name, keys)

    # --- methods ---------------------------------------------------------------------------

    @overload
    def capture_method(self, method: F, /) -> F: ...
    @overload
    def capture_method(
        self,
        method: None = None,
        /,
        *,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> Callable[[F], F]: ...
    def capture_method(
        self,
        method: Any = None,
        /,
        *,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> Any:
        """Trace a function, method, ``async def``, generator or ``@contextmanager`` function
        in a subsegment ``## <module>.<qualname>`` covering its call, its awaits or its
        iteration. Put ``@contextmanager`` above it so the subsegment covers the with-block."""
        if method is None:
            return functools.partial(
                self.capture_method, capture_response=capture_response, capture_error=capture_error
            )
        if self.disabled:
            return method
        label = getattr(method, "__name__", "method")
        name = f"## {getattr(method, '__module__', None)}.{getattr(method, '__qualname__', label)}"
        response_key = (
            f"{label} response"
            if (self.capture_response if capture_response is None else capture_response)
            else None
        )
        error_key = (
            f"{label} error"
            if (self.capture_error if capture_error is None else capture_error)
            else None
        )
        service = self.service
        import inspect  # ~10 ms at cold start: paid by capture_method users, not every import

        if inspect.isasyncgenfunction(method):
            return self._async_generator(method, name, service, error_key)
        if inspect.isgeneratorfunction(method):
            return self._generator(method, name, service, error_key)
        if inspect.iscoroutinefunction(method):
            return self._coroutine(method, name, service, response_key, error_key)

        @functools.wraps(method)
        def traced(*args: Any, **kwargs: Any) -> Any:
            frame = _current.get()
            if frame is None:
                return method(*args, **kwargs)
            span = _Span(frame, name, service, error_key)
            try:
                result = method(*args, **kwargs)
                if response_key is not None:
                    span.attach(response_key, result)
                return result
            except BaseException as error:
                span.fail(error)
                raise
            finally:
                span.close()

        return traced

    @staticmethod
    def _coroutine(
        method: Callable[..., Any],
        name: str,
        service: str,
        response_key: str | None,
        error_key: str | None,
    ) -> Callable[..., Any]:
        @functools.wraps(method)
        async def traced(*args: Any, **kwargs: Any) -> Any:
            frame = _current.get()
            if frame is None:
                return await method(*args, **kwargs)
            span = _Span(frame, name, service, error_key)
            try:
                result = await method(*args, **kwargs)
                if response_key is not None:
                    span.attach(response_key, result)
                return result
            except BaseException as error:
                span.fail(error)
                raise
            finally:
                span.close()

        return traced

    @staticmethod
    def _generator(
        method: Callable[..., Iterator[Any]], name: str, service: str, error_key: str | None
    ) -> Callable[..., Any]:
        @functools.wraps(method)
        def traced(*args: Any, **kwargs: Any) -> Any:
            frame = _current.get()
            if frame is None:
                return (yield from method(*args, **kwargs))
            span = _Span(frame, name, service, error_key)
            try:
                return (yield from method(*args, **kwargs))
            except GeneratorExit:
                raise
            except BaseException as error:
                span.fail(error)
                raise
            finally:
                span.close(restore_by_set=True)

        return traced

    @staticmethod
    def _async_generator(
        method: Callable[..., AsyncIterator[Any]], name: str, service: str, error_key: str | None
    ) -> Callable[..., Any]:
        @functools.wraps(method)
        async def traced(*args: Any, **kwargs: Any) -> Any:
            frame = _current.get()
            span = None if frame is None else _Span(frame, name, service, error_key)
            try:
                async for item in method(*args, **kwargs):
                    yield item
            except GeneratorExit:
                raise
            except BaseException as error:
                if span is not None:
                    span.fail(error)
                raise
            finally:
                if span is not None:
                    span.close(restore_by_set=True)

        return traced

    # --- annotations, metadata, blocks -----------------------------------------------------

    def put_annotation(self, key: str, value: str | int | float | bool) -> None:
        """Index ``key`` on the current subsegment (searchable in X-Ray). Keys are made valid
        for X-Ray with a warning; values must be str, int, float or bool."""
        key = annotation_key(key)
        value = check_value(key, value)
        frame = _current.get()
        if frame is not None:
            _safely("recorded an annotation", frame[1].put_annotation, key, value)

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        """Attach ``value`` (anything JSON-serialisable; not indexed) to the current subsegment
        under ``namespace`` (the service name by default). Values too large for an X-Ray
        document are replaced by a marker with their size and a preview."""
        frame = _current.get()
        if frame is not None:
            _safely(
                "recorded metadata", frame[1].put_metadata, key, value, namespace or self.service
            )

    def subsegment(self, name: str) -> _Block:
        """A subsegment for a block: ``with tracer.subsegment("name") as s:`` (or
        ``async with``)."""
        return _Block(self, name)


class _Scope:
    """The subsegment ``## <scope name>`` the Tracer opens for each :func:`toolkit.context.scope`
    of a traced invocation (one per batch record, say), with the scope's keys as annotations
    (non-scalar values as metadata)."""

    __slots__ = ("_frame", "_keys", "_name", "_span", "_tracer")
    _span: _Span

    def __init__(self, tracer: Tracer, frame: Frame, name: str, keys: Mapping[str, Any]) -> None:
        self._tracer = tracer
        self._frame = frame
        self._name = name
        self._keys = keys

    def __enter__(self) -> None:
        span = _Span(self._frame, f"## {self._name}", self._tracer.service, None)
        self._span = span
        for key, value in self._keys.items():
            if isinstance(value, (str, int, float, bool)):
                span.annotate(annotation_key(key), value)
            else:
                span.attach(key, value)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        span = self._span
        try:
            if error is not None and self._tracer.capture_error:
                span.fail(error)
        finally:
            span.close()
